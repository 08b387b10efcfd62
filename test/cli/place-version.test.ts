/**
 * `podpath place` and `fix place` follow the cluster's Kubernetes version
 * (src/analysis/placement/version.ts) and say which: read from the snapshot (the kube-scheduler or
 * kube-apiserver static pod's image tag, the control-plane kubelet, the newest kubelet) or given
 * with --kubernetes-version. The same EKS-shaped cluster (test/fixtures/captures/eks-mixed-kubelets,
 * kubelets v1.29.15-eks-… and v1.30.4-eks-…) placed as v1.26, v1.29 and v1.34 shows each
 * version's behaviour (SidecarContainers) and wording (TaintToleration).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cli, tempDir } from "../support/helpers.js";
import type { PlacementJson } from "../../src/questions/place.js";
import type { FixPlaceJson } from "../../src/questions/fix-place.js";

const EKS = "test/fixtures/captures/eks-mixed-kubelets";
const NODES = `${EKS}/k8s/nodes.yaml`;
const WORKERS = ["ip-10-30-1-10.ec2.internal", "ip-10-30-2-20.ec2.internal"];
const TAINTED = "ip-10-30-3-30.ec2.internal";

async function place(args: string[]): Promise<PlacementJson> {
  const r = await cli(["place", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PlacementJson;
}

function taintMessage(p: PlacementJson): string {
  const w = p.workloads[0]!;
  return w.nodes.find((n) => n.node === TAINTED)!.reasons.find((r) => r.plugin === "TaintToleration")!.message;
}

describe("where the version comes from (version.ts resolveKubernetesVersion)", () => {
  test("EKS (managed control plane): the newest kubelet, v1.30.4-eks-a737599 read as v1.30.4, an assumption; the mixed kubelets listed", async () => {
    const p = await place(["-s", EKS]);
    assert.equal(p.kubernetes.version, "v1.30.4");
    assert.equal(p.kubernetes.from, "newest-kubelet");
    assert.equal(p.kubernetes.read, "v1.30.4-eks-a737599");
    assert.equal(p.kubernetes.source, `${NODES}:127`);
    assert.equal(p.kubernetes.modelledAs, "v1.30.4");
    assert.match(
      p.kubernetes.assumptions[0]!,
      /^the control plane is not in the snapshot .*newest kubelet \(v1\.30\.4, node ip-10-30-2-20\.ec2\.internal\)/,
    );
    assert.equal(p.kubernetes.assumptions[1], "the kubelets run mixed versions: v1.29.15 (1 node), v1.30.4 (2 nodes)");
    assert.deepEqual(p.kubernetes.featureGates, {
      NodeInclusionPolicyInPodTopologySpread: true,
      MatchLabelKeysInPodTopologySpread: true,
      MinDomainsInPodTopologySpread: true,
      SidecarContainers: true,
      MatchLabelKeysInPodAffinity: false,
      PodLevelResources: false,
      DynamicResourceAllocation: false,
    });
  });

  test("kubeadm: the kube-scheduler static pod's image tag (the scheduler itself), no assumption", async () => {
    const p = await place([]);
    assert.deepEqual(
      [p.kubernetes.version, p.kubernetes.from, p.kubernetes.read, p.kubernetes.assumptions],
      ["v1.30.5", "kube-scheduler-image", "registry.k8s.io/kube-scheduler:v1.30.5", []],
    );
    assert.match(p.kubernetes.source!, /^examples\/ecoeco\/k8s\/pods\.yaml:\d+$/);
  });

  test("kubeadm without a kube-scheduler pod: the kube-apiserver static pod's image tag", async () => {
    const p = await place(["-s", "test/fixtures/captures/kubeadm-calico-dump"]);
    assert.deepEqual(
      [p.kubernetes.version, p.kubernetes.from, p.kubernetes.read],
      ["v1.31.2", "kube-apiserver-image", "registry.k8s.io/kube-apiserver:v1.31.2"],
    );
  });

  test("no control-plane pod: the kubelet of the node labelled node-role.kubernetes.io/control-plane, an assumption", async () => {
    const p = await place(["-s", "test/fixtures/captures/kubeadm-calico-public"]);
    assert.deepEqual([p.kubernetes.version, p.kubernetes.from], ["v1.31.4", "control-plane-kubelet"]);
    assert.match(p.kubernetes.assumptions[0]!, /kubelet of control-plane node ip-10-20-1-10 stands for it/);
  });

  test("no version anywhere (manifests only): the newest version podpath models, v1.34, an assumption", async () => {
    // manifests only: a Node without status.nodeInfo and a Deployment, no kube-scheduler or kube-apiserver pod
    const dir = tempDir({
      "cluster.yaml": [
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-1\nstatus:\n  allocatable: {cpu: '2', memory: 4Gi, pods: '110'}",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]",
      ].join("\n---\n"),
    });
    const p = await place(["-s", dir]);
    assert.deepEqual(
      [p.kubernetes.version, p.kubernetes.from, p.kubernetes.read, p.kubernetes.source],
      ["v1.34", "default", null, null],
    );
    assert.match(p.kubernetes.assumptions.join("\n"), /the newest version podpath models, v1\.34, is assumed/);
  });

  test("--kubernetes-version wins over the kubelets and is said so", async () => {
    const p = await place(["-s", EKS, "--kubernetes-version", "v1.29.4"]);
    assert.deepEqual(
      [p.kubernetes.version, p.kubernetes.from, p.kubernetes.read, p.kubernetes.source],
      ["v1.29.4", "flag", null, null],
    );
    // a control plane older than a kubelet breaks the version skew policy: said, and placed as asked
    assert.equal(
      p.kubernetes.assumptions[0],
      "v1.29.4 is older than node ip-10-30-2-20.ec2.internal's kubelet (v1.30.4), which the version skew policy does not allow (the control plane is never older than a kubelet): placed as v1.29.4, as asked",
    );
    assert.equal(
      (await place(["-s", EKS, "--kubernetes-version", "v1.31"])).kubernetes.assumptions.some((a) =>
        a.includes("skew"),
      ),
      false,
    );
    const text = await cli(["place", "-s", EKS, "--kubernetes-version", "1.29", "-o", "text"]);
    assert.match(text.stdout, /^Kubernetes v1\.29, from --kubernetes-version\n/);
  });

  for (const [flag, expected] of [
    ["banana", /--kubernetes-version "banana": expected a Kubernetes version such as v1\.30 or v1\.30\.4/],
    ["v1.25", /--kubernetes-version v1\.25: podpath models kube-scheduler v1\.26 to v1\.34/],
    ["v2.0", /expected a Kubernetes version/],
  ] as const) {
    test(`--kubernetes-version ${flag} is refused (exit 2, one line)`, async () => {
      const r = await cli(["place", "-s", EKS, "--kubernetes-version", flag]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, expected);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    });
  }
});

describe("the same cluster as v1.26, v1.29 and v1.34", () => {
  test("SidecarContainers (KEP-753, on from v1.29): the sidecar's 800m counts beside the 1200m container, 2000m > 1930m: Insufficient cpu", async () => {
    for (const version of ["v1.29", "v1.34"]) {
      const w = (await place(["-s", EKS, "--kubernetes-version", version])).workloads[0]!;
      assert.deepEqual(w.feasibleNodes, [], version);
      for (const node of WORKERS)
        assert.deepEqual(
          w.nodes.find((n) => n.node === node)!.reasons.map((r) => [r.plugin, r.message]),
          [["NodeResourcesFit", "Insufficient cpu"]],
          `${version} ${node}`,
        );
    }
  });

  test("v1.26 (pkg/api/pod/util.go dropDisabledFields): the API server drops the init container's restartPolicy, it is a plain init container and the pod fits", async () => {
    const p = await place(["-s", EKS, "--kubernetes-version", "v1.26"]);
    const w = p.workloads[0]!;
    assert.deepEqual(w.feasibleNodes, WORKERS);
    assert.ok(WORKERS.includes(w.pods[0]!.predictedNode!));
    assert.deepEqual(
      p.kubernetes.droppedFields.map((d) => [d.workload, d.field, d.gate]),
      [
        ["Deployment/shop/checkout", "initContainers[log-shipper].restartPolicy", "SidecarContainers"],
        [
          "Deployment/shop/checkout",
          "topologySpreadConstraints[0].matchLabelKeys",
          "MatchLabelKeysInPodTopologySpread",
        ],
      ],
    );
    assert.equal(p.kubernetes.featureGates.SidecarContainers, false);
  });

  test("TaintToleration's wording: {key: value} up to v1.34.1, the taint left out from v1.34.2 (kubernetes PR #135023); the detail names it either way", async () => {
    for (const [version, message] of [
      ["v1.26", "node(s) had untolerated taint {dedicated: gpu}"],
      ["v1.29", "node(s) had untolerated taint {dedicated: gpu}"],
      ["v1.34.1", "node(s) had untolerated taint {dedicated: gpu}"],
      ["v1.34.2", "node(s) had untolerated taint(s)"],
      ["v1.34", "node(s) had untolerated taint(s)"],
    ] as const) {
      const p = await place(["-s", EKS, "--kubernetes-version", version]);
      assert.equal(taintMessage(p), message, version);
      assert.equal(
        p.workloads[0]!.nodes.find((n) => n.node === TAINTED)!.reasons[0]!.detail,
        "taint dedicated=gpu:NoSchedule",
      );
    }
  });

  test("FitError.Error with DefaultPreemption's PostFilter tail, in each version's words (framework/types.go, defaultpreemption, preemption.go)", async () => {
    const unschedulable = async (version: string) =>
      (await place(["-s", EKS, "--kubernetes-version", version])).workloads[0]!.pods[0]!.unschedulable;
    assert.equal(await unschedulable("v1.26"), null);
    // v1.29: no pod of lower priority anywhere, so no victims on the workers; the tainted node is unresolvable; the tail's period doubled (before v1.30, issue #123301)
    assert.equal(
      await unschedulable("v1.29"),
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..",
    );
    assert.equal(
      await unschedulable("v1.30"),
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    );
    // v1.34: 2000m requested of 1930m allocatable is unresolvable too (kubernetes PR #131345): preemption helps nowhere;
    // DynamicResources (DynamicResourceAllocation GA, on from v1.34) runs its PostFilter first: "no new claims to deallocate, "
    assert.equal(
      await unschedulable("v1.34"),
      "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });
});

test("fix place --kubernetes-version: the version is followed and stated (JSON kubernetes, the text's second line)", async () => {
  const r = await cli([
    "fix",
    "place",
    "shop/checkout",
    "--onto",
    TAINTED,
    "-s",
    EKS,
    "--kubernetes-version",
    "v1.34",
    "-o",
    "json",
  ]);
  const fix = JSON.parse(r.stdout) as FixPlaceJson;
  assert.deepEqual([fix.kubernetes.version, fix.kubernetes.from], ["v1.34", "flag"]);
  assert.deepEqual(
    fix.before.nodes.find((n) => n.node === TAINTED)!.reasons.map((x) => x.message),
    ["node(s) had untolerated taint(s)", "Insufficient cpu"],
  );
  const text = await cli(["fix", "place", "shop/checkout", "--onto", TAINTED, "-s", EKS, "-o", "text"]);
  assert.match(
    text.stdout.split("\n")[1]!,
    /^Kubernetes v1\.30\.4, from the newest kubeletVersion of the nodes \(v1\.30\.4-eks-a737599\)/,
  );
  const bad = await cli([
    "fix",
    "place",
    "shop/checkout",
    "--onto",
    TAINTED,
    "-s",
    EKS,
    "--kubernetes-version",
    "v1.40",
  ]);
  assert.equal(bad.code, 2);
});
