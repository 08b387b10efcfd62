/**
 * The version tables of src/analysis/placement/version.ts, each row against its upstream source.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_SCORES } from "../../../src/analysis/placement/plugins/index.js";
import { podRequests } from "../../../src/analysis/placement/requests.js";
import {
  parseKubernetesVersion,
  specForVersion,
  versionBehaviour,
  type FeatureGate,
} from "../../../src/analysis/placement/version.js";
import type { PodAffinityTerm, TopologySpreadConstraint } from "../../../src/model/kubernetes.js";
import { container, podSpec, src, taint } from "./support.js";

const v = (minor: number, patch?: number) => versionBehaviour({ minor, patch });

describe("parseKubernetesVersion (k8s.io/apimachinery util/version ParseGeneric: the leading 1.minor.patch)", () => {
  for (const [text, expected] of [
    ["v1.30.4-eks-a737599", { minor: 30, patch: 4 }],
    ["v1.31.2-eks-94953ac", { minor: 31, patch: 2 }],
    ["v1.31.2+k3s1", { minor: 31, patch: 2 }],
    ["v1.29.8-gke.1211000", { minor: 29, patch: 8 }],
    ["1.29", { minor: 29, patch: undefined }],
    ["v1.34", { minor: 34, patch: undefined }],
    ["v2.0.0", undefined],
    ["latest", undefined],
    ["v1.30.x", undefined],
  ] as const) {
    test(`${text} → ${expected ? `1.${expected.minor}.${expected.patch ?? "?"}` : "not a version"}`, () => {
      assert.deepEqual(parseKubernetesVersion(text), expected);
    });
  }
});

describe("feature gates on by default (pkg/features/kube_features.go; stages from kubernetes/website feature-gates/<Gate>.md)", () => {
  for (const [gate, offIn, onIn] of [
    ["MatchLabelKeysInPodTopologySpread", 26, 27],
    ["MinDomainsInPodTopologySpread", 26, 27],
    ["SidecarContainers", 28, 29],
    ["MatchLabelKeysInPodAffinity", 30, 31],
    ["PodLevelResources", 33, 34],
  ] as const satisfies readonly (readonly [FeatureGate, number, number])[]) {
    test(`${gate}: off in v1.${offIn}, on in v1.${onIn}`, () => {
      assert.equal(v(offIn).gates[gate], false);
      assert.equal(v(onIn).gates[gate], true);
    });
  }
  test("NodeInclusionPolicyInPodTopologySpread: on in every modelled version (beta, on, since v1.26)", () => {
    for (let minor = 26; minor <= 34; minor++)
      assert.equal(v(minor).gates.NodeInclusionPolicyInPodTopologySpread, true);
  });
});

describe("TaintToleration Filter reason by version (taint_toleration.go Filter; PR #109119, #134740, cherry-pick #135023 in v1.34.2)", () => {
  const t = taint("dedicated", "gpu", "NoSchedule");
  for (const [minor, patch, expected] of [
    [26, 0, "node(s) had untolerated taint {dedicated: gpu}"],
    [30, 5, "node(s) had untolerated taint {dedicated: gpu}"],
    [34, 0, "node(s) had untolerated taint {dedicated: gpu}"],
    [34, 1, "node(s) had untolerated taint {dedicated: gpu}"],
    [34, 2, "node(s) had untolerated taint(s)"],
    [34, undefined, "node(s) had untolerated taint(s)"],
    [35, 0, "node(s) had untolerated taint(s)"],
  ] as const) {
    test(`v1.${minor}.${patch ?? "latest"}: ${expected}`, () => assert.equal(v(minor, patch).taintReason(t), expected));
  }
});

test("score weights (default_plugins.go getDefaultPlugins): the version's row is the weights DEFAULT_SCORES runs with", () => {
  for (const minor of [26, 29, 34]) {
    assert.deepEqual(
      Object.fromEntries(DEFAULT_SCORES({ kubernetes: { services: [] } }).map((s) => [s.name, s.weight])),
      v(minor).scoreWeights,
    );
  }
});

describe("specForVersion (pkg/api/pod/util.go dropDisabledFields)", () => {
  const sidecar = container("proxy", { cpu: 800 }, { restartPolicy: "Always" });
  const withSidecar = podSpec({ containers: [container("app", { cpu: 1200 })], initContainers: [sidecar] });

  test("SidecarContainers off (v1.28): restartPolicy dropped, the init container counts as a plain one (component-helpers PodRequests: max, not sum)", () => {
    const dropped: string[] = [];
    const spec = specForVersion(withSidecar, v(28).gates, (field, gate) => dropped.push(`${gate} ${field}`));
    assert.deepEqual(dropped, ["SidecarContainers initContainers[proxy].restartPolicy"]);
    assert.equal(podRequests(spec)["cpu"], 1200);
    assert.equal(podRequests(specForVersion(withSidecar, v(29).gates))["cpu"], 2000);
  });

  test("nothing to drop: the same spec object", () => {
    assert.equal(specForVersion(withSidecar, v(29).gates), withSidecar);
    const plain = podSpec();
    assert.equal(specForVersion(plain, v(26).gates), plain);
  });

  test("dropDisabledPodLevelResources: PodLevelResources off (v1.33, alpha): pod-level resources dropped at create, the containers' requests count; kept from v1.34", () => {
    const podLevel = podSpec({
      containers: [container("app", { cpu: 100, memory: 100 << 20 })],
      resources: { requests: { cpu: 1000, memory: 1 << 30 }, limits: {} },
    });
    const dropped: string[] = [];
    const spec33 = specForVersion(podLevel, v(33).gates, (field, gate) => dropped.push(`${gate} ${field}`));
    assert.deepEqual(dropped, ["PodLevelResources resources"]);
    assert.equal(spec33.resources, undefined);
    assert.deepEqual([podRequests(spec33)["cpu"], podRequests(spec33)["memory"]], [100, 100 << 20]);
    const spec34 = specForVersion(podLevel, v(34).gates);
    assert.equal(spec34, podLevel);
    assert.deepEqual([podRequests(spec34)["cpu"], podRequests(spec34)["memory"]], [1000, 1 << 30]);
  });

  const constraint: TopologySpreadConstraint = {
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: { matchLabels: { app: "web" }, matchExpressions: [] },
    minDomains: 3,
    nodeAffinityPolicy: undefined,
    nodeTaintsPolicy: undefined,
    matchLabelKeys: ["pod-template-hash"],
    source: src(50),
  };
  test("MatchLabelKeysInPodTopologySpread and MinDomainsInPodTopologySpread off (v1.26): matchLabelKeys and minDomains dropped; kept from v1.27", () => {
    const spec = podSpec({ topologySpreadConstraints: [constraint] });
    const [c26] = specForVersion(spec, v(26).gates).topologySpreadConstraints;
    assert.deepEqual([c26!.matchLabelKeys, c26!.minDomains], [[], undefined]);
    assert.equal(specForVersion(spec, v(27).gates), spec);
  });

  const affinityTerm: PodAffinityTerm = {
    labelSelector: { matchLabels: { app: "web" }, matchExpressions: [] },
    namespaces: [],
    namespaceSelector: null,
    topologyKey: "kubernetes.io/hostname",
    matchLabelKeys: ["pod-template-hash"],
    mismatchLabelKeys: ["tenant"],
    source: src(60),
  };
  test("MatchLabelKeysInPodAffinity off (v1.30): matchLabelKeys and mismatchLabelKeys of (anti-)affinity terms dropped; kept from v1.31", () => {
    const spec = podSpec({
      affinity: {
        nodeAffinity: undefined,
        podAffinity: undefined,
        podAntiAffinity: { required: [affinityTerm], preferred: [{ weight: 10, term: affinityTerm }] },
      },
    });
    const anti = specForVersion(spec, v(30).gates).affinity.podAntiAffinity!;
    assert.deepEqual(
      [anti.required[0]!.matchLabelKeys, anti.required[0]!.mismatchLabelKeys, anti.preferred[0]!.term.matchLabelKeys],
      [[], [], []],
    );
    assert.equal(specForVersion(spec, v(31).gates), spec);
  });
});
