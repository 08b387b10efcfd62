/**
 * podpath as a library, through src/index.ts only (what `import … from "podpath"` gives): load
 * the embedded example, ask `trace` and `place`, read typed fields of their JSON contracts. A
 * question or type missing from the exports fails to compile or to run here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  answerEgress,
  answerFixPlace,
  answerPlace,
  answerSnapshotShow,
  answerTrace,
  loadSnapshot,
  parseEndpoint,
  render,
  UserError,
  KubernetesVersionError,
  type KubernetesVersionJson,
  type MutationJson,
  type PlaceAnswer,
  type PlacementJson,
  type StepJson,
  type TraceAnswer,
  type TraceInput,
  type TraceJson,
  type WhatIfJson,
  type WorkloadPlacementJson,
} from "../../src/index.js";
import { EXAMPLE, REPO } from "../support/helpers.js";

const snapshot = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });

test("trace through the library: a worker pod to the internet, the typed TraceJson", () => {
  const input: TraceInput = { from: parseEndpoint("workload:ecoeco/ecoeco-api"), to: parseEndpoint("internet") };
  const answer: TraceAnswer = answerTrace(snapshot, input);
  const result: TraceJson = answer.result;
  assert.equal(result.verdict, "delivered");
  assert.equal(result.from.endpoint, "workload:ecoeco/ecoeco-api");
  assert.equal(result.protocol, "TCP");
  assert.ok(result.finalSourceIp, "the internet sees a source address");
  const snat: StepJson[] = result.hops.filter((h) => h.action === "snat");
  assert.ok(
    snat.some((h) => h.component === "nat-gateway"),
    "the NAT gateway translates the source",
  );
  assert.equal(result.hops.at(-1)?.packet.src, result.finalSourceIp);
  assert.equal(answer.finding, false);
  // -o json is the contract object, stringified
  assert.equal([...render("trace", answer, "json")].join(""), JSON.stringify(result, null, 2) + "\n");
});

test("place through the library: every workload, the typed PlacementJson", () => {
  const answer: PlaceAnswer = answerPlace(snapshot, {});
  const result: PlacementJson = answer.result;
  assert.equal(result.nodeCount, snapshot.kubernetes.nodes.length);
  const grafana: WorkloadPlacementJson | undefined = result.workloads.find(
    (w) => `${w.namespace}/${w.name}` === "monitoring/prometheus-grafana",
  );
  assert.ok(grafana);
  assert.equal(grafana.kind, "Deployment");
  assert.ok(grafana.feasibleNodes.length > 0);
  // `nodes` holds the rejected nodes only, each with the plugin that rejects it
  assert.ok(grafana.nodes.length > 0 && grafana.nodes.every((n) => !n.feasible && n.reasons.length > 0));
  assert.ok(grafana.nodes.some((n) => n.reasons.some((r) => r.plugin === "TaintToleration")));
  // the changes admission makes to its pods (DefaultTolerationSeconds: the template tolerates neither condition)
  const tolerations: MutationJson[] = grafana.mutations.filter(
    (m) => m.source === "admission:DefaultTolerationSeconds",
  );
  assert.deepEqual(
    tolerations.map((m) => m.field),
    ["spec.tolerations", "spec.tolerations"],
  );
  assert.equal([...render("place", answer, "json")].join(""), JSON.stringify(result, null, 2) + "\n");
  assert.throws(() => answerPlace(snapshot, { workload: "nope/nothing" }), UserError);
});

test("place's what-ifs through the library: drain and add a node (a Node from loadSnapshot), the typed WhatIfJson, rendered as JSON.stringify does", () => {
  const extra = loadSnapshot({ paths: ["test/fixtures/what-if/node-c.yaml"], cwd: REPO }).kubernetes.nodes;
  const answer = answerPlace(snapshot, { drain: ["k8s-worker-1"], addNodes: extra });
  const whatIf: WhatIfJson | undefined = answer.result.whatIf;
  assert.equal(whatIf?.drain?.completes, true);
  assert.deepEqual(
    whatIf?.addNode?.nodes.map((n) => n.node),
    ["node-c"],
  );
  assert.equal(whatIf?.fresh, undefined);
  assert.equal([...render("place", answer, "json")].join(""), JSON.stringify(answer.result, null, 2) + "\n");
  assert.throws(() => answerPlace(snapshot, { drain: ["nope"] }), UserError);
});

test("the other questions answer through the library too: snapshot show, fix place, egress", () => {
  assert.equal(answerSnapshotShow(snapshot).result.nodes.length, snapshot.kubernetes.nodes.length);
  const fix = answerFixPlace(snapshot, {
    workload: "monitoring/prometheus-grafana",
    onto: "node-role.kubernetes.io/control-plane",
  });
  assert.equal(fix.result.workload, "monitoring/prometheus-grafana");
  assert.equal(fix.finding, !fix.result.verified);
  const egress = answerEgress(snapshot);
  assert.ok(egress.result.rows.some((r) => r.destinationClass === "internet"));
});

test("place through the library: --kubernetes-version as PlaceInput.kubernetesVersion, the typed kubernetes block; a bad one is a KubernetesVersionError (a UserError)", () => {
  const answer = answerPlace(snapshot, { workload: "ecoeco/ecoeco-api", kubernetesVersion: "v1.29" });
  const k: KubernetesVersionJson = answer.result.kubernetes;
  assert.deepEqual(
    [k.version, k.from, k.featureGates.SidecarContainers, k.featureGates.MatchLabelKeysInPodAffinity],
    ["v1.29", "flag", true, false],
  );
  assert.equal(answerPlace(snapshot).result.kubernetes.from, "kube-scheduler-image");
  assert.throws(
    () => answerPlace(snapshot, { kubernetesVersion: "v1.99" }),
    (e: unknown) => e instanceof KubernetesVersionError && e instanceof UserError,
  );
});
