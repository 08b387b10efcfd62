/**
 * `podpath place` on pods as their controllers really build them (issue 10 item 2), each through
 * the CLI on kubectl-shaped captures in test/fixtures/controllers/: a Deployment mid-rollout whose
 * spread constraint counts one revision (matchLabelKeys: [pod-template-hash]), a StatefulSet
 * mid-update spreading by controller-revision-hash, a DaemonSet with a zone spread constraint,
 * a terminating pod, and pods bound by spec.nodeName that the kubelet admits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fitErrorMessage } from "../../src/analysis/placement/feasibility.js";
import {
  ERR_REASON_TAINTS_NOT_MATCH,
  insufficientResourceMessage,
  outOfReason,
  predicateFailureMessage,
} from "../../src/analysis/placement/kubelet/admit.js";
import { ERR_REASON_POD } from "../../src/analysis/placement/plugins/nodeaffinity/common.js";
import { insufficientReason } from "../../src/analysis/placement/plugins/noderesources/common.js";
import { ERR_REASON_CONSTRAINTS_NOT_MATCH } from "../../src/analysis/placement/plugins/podtopologyspread/common.js";
import type { WorkloadPlacementJson } from "../../src/questions/place.js";
import { cli } from "../support/helpers.js";

async function place(fixture: string): Promise<WorkloadPlacementJson[]> {
  const r = await cli(["place", "-s", `test/fixtures/controllers/${fixture}`, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { workloads: WorkloadPlacementJson[] }).workloads;
}

const named = (workloads: readonly WorkloadPlacementJson[], name: string) => workloads.find((w) => w.name === name)!;

test("pod-template-hash (deployment/sync.go getNewReplicaSet): mid-rollout, matchLabelKeys [pod-template-hash] counts only the new ReplicaSet's pods", async () => {
  const web = named(await place("deployment-rollout"), "web");
  assert.deepEqual(web.controllerLabels?.labels, { "pod-template-hash": "7c5d9f8b6" });
  assert.deepEqual(web.controllerLabels?.namedByLabelKeys, ["pod-template-hash"]);
  assert.match(
    web.controllerLabels.notes[0]!,
    /the new ReplicaSet web-7c5d9f8b6 \(deployment\.kubernetes\.io\/revision 2, the Deployment's\) test\/fixtures\/controllers\/deployment-rollout\/cluster\.yaml:\d+/,
  );
  // zone a holds the old revision's two pods, zone b the new one's: counting the new revision
  // only, the fourth replica must go to zone a (counting both, zone b would be the only fit)
  const fresh = web.pods.filter((p) => p.observedNode === null);
  assert.deepEqual(
    fresh.map((p) => [p.name, p.predictedNode, p.unschedulable]),
    [["web-0", "node-a", null]],
  );
});

test("pod-template-hash in pod anti-affinity (interpodaffinity with matchLabelKeys): the new revision avoids only its own pods", async () => {
  const web = named(await place("deployment-rollout-anti-affinity"), "web");
  // the old revision's pod is on node-b, the new one's on node-a: a required hostname anti-affinity
  // with matchLabelKeys [pod-template-hash] keeps the third replica off node-a only
  assert.deepEqual(
    web.pods.filter((p) => p.observedNode === null).map((p) => [p.name, p.predictedNode, p.unschedulable]),
    [["web-0", "node-b", null]],
  );
});

test("the text report says where the pod-template-hash comes from when a matchLabelKeys uses it", async () => {
  const r = await cli(["place", "-s", "test/fixtures/controllers/deployment-rollout", "-o", "text"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /\n {2}new pods carry pod-template-hash=7c5d9f8b6 \(pod-template-hash 7c5d9f8b6: the new ReplicaSet web-7c5d9f8b6/,
  );
});

test("StatefulSet identity (statefulset/stateful_set_utils.go newVersionedStatefulSetPod): the recreated pod carries status.updateRevision, so a spread by controller-revision-hash counts no old pod", async () => {
  const db = named(await place("statefulset-rolling-update"), "db");
  assert.deepEqual(db.controllerLabels?.labels, {
    "statefulset.kubernetes.io/pod-name": "<pod name>",
    "apps.kubernetes.io/pod-index": "<ordinal>",
    "controller-revision-hash": "db-6c7f9d8b4",
  });
  assert.deepEqual(db.controllerLabels?.notes, ["controller-revision-hash db-6c7f9d8b4: status.updateRevision"]);
  // db-0 and db-1 (the current revision) are both in zone a; node-b (zone b) has no room: with
  // the old revision counted, db-2 would be unschedulable
  assert.deepEqual(
    db.pods.map((p) => [p.name, p.observedNode, p.predictedNode, p.unschedulable]),
    [
      ["db-0", "node-a", null, null],
      ["db-1", "node-a", null, null],
      ["db-2", null, "node-a", null],
    ],
  );
});

test("DaemonSet pods (daemon/util ReplaceDaemonSetPodNodeNameNodeAffinity): with nodeAffinityPolicy Honor, PodTopologySpread counts only the daemon pod's own node", async () => {
  const agent = named(await place("daemonset-spread"), "agent");
  assert.deepEqual(agent.targetedNodes, ["node-a1", "node-a2"]);
  // zone b (node-b1, tainted) is no domain of a pod pinned to node-a2: the skew is counted in zone a alone
  assert.deepEqual(
    agent.pods.map((p) => [p.name, p.observedNode, p.predictedNode, p.unschedulable]),
    [
      ["agent-7kq2x", "node-a1", null, null],
      ["agent-node-a2", null, "node-a2", null],
    ],
  );
});

test("terminating pods (podtopologyspread/common.go countPodsMatchSelector: Bypass terminating Pod): not counted by the spread, still holding their requests, replaced by the ReplicaSet (IsPodActive)", async () => {
  const api = named(await place("terminating-pods"), "api");
  // two replicas, one terminating on node-b: the ReplicaSet controller makes one more
  assert.deepEqual(
    api.pods.map((p) => [p.name, p.observedNode]),
    [
      ["api-84d6c9f5b7-q7w2n", "node-a"],
      ["api-84d6c9f5b7-z9k4p", "node-b"],
      ["api-0", null],
    ],
  );
  // zone b counts 0 (its pod is terminating): zone a's 1 + 1 − 0 exceeds maxSkew 1; node-b still
  // has the terminating pod's 600m of its 1 cpu taken
  const expected = fitErrorMessage(
    [
      {
        node: "node-a",
        feasible: false,
        reasons: [{ plugin: "PodTopologySpread", message: ERR_REASON_CONSTRAINTS_NOT_MATCH, source: undefined }],
      },
      {
        node: "node-b",
        feasible: false,
        reasons: [{ plugin: "NodeResourcesFit", message: insufficientReason("cpu"), source: undefined }],
      },
    ],
    2,
  );
  // DefaultPreemption's tail (preemption.ts): both rejections are resolvable, and no pod of lower priority runs;
  // v1.34's DynamicResources PostFilter comes first (default_plugins.go applyFeatureGates)
  assert.equal(
    api.pods[2]!.unschedulable,
    `${expected} no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.`,
  );
});

test("spec.nodeName (kubelet/lifecycle/predicate.go generalFilter): a Deployment pinned to a cordoned, NoSchedule-tainted node is admitted by its kubelet until cpu runs out", async () => {
  const shipper = named(await place("kubelet-admission"), "log-shipper");
  assert.equal(shipper.admittedBy, "kubelet");
  // only the named node is judged: the others are not targeted at all
  assert.deepEqual(shipper.feasibleNodes, ["node-a"]);
  assert.deepEqual(shipper.nodes, []);
  assert.deepEqual(
    shipper.pods.map((p) => [p.name, p.predictedNode, p.unschedulable, p.kubelet]),
    [
      ["log-shipper-0", "node-a", null, { node: "node-a", admitted: true, reason: null, message: null }],
      ["log-shipper-1", "node-a", null, { node: "node-a", admitted: true, reason: null, message: null }],
      [
        "log-shipper-2",
        null,
        null,
        {
          node: "node-a",
          admitted: false,
          reason: outOfReason("cpu"),
          message: insufficientResourceMessage("cpu", 800, 1800, 2000),
        },
      ],
    ],
  );
});

test("spec.nodeName on a bare Pod manifest: the kubelet's NoExecute taint and nodeSelector rejections, in its words, instead of the scheduler's", async () => {
  const workloads = await place("kubelet-admission");
  const onB = named(workloads, "debug-node-b");
  assert.equal(onB.admittedBy, "kubelet");
  assert.deepEqual(
    onB.nodes.map((n) => [n.node, n.reasons.map((r) => [r.plugin, r.message])]),
    [["node-b", [["TaintToleration", predicateFailureMessage("TaintToleration", ERR_REASON_TAINTS_NOT_MATCH)]]]],
  );
  assert.deepEqual(onB.pods[0]!.kubelet, {
    node: "node-b",
    admitted: false,
    reason: "TaintToleration",
    message: "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate",
  });
  assert.deepEqual(onB.findings, [], "no scheduler finding for a kubelet-bound pod");
  const ssd = named(workloads, "debug-ssd");
  assert.deepEqual(ssd.pods[0]!.kubelet, {
    node: "node-c",
    admitted: false,
    reason: "NodeAffinity",
    message: predicateFailureMessage("NodeAffinity", ERR_REASON_POD),
  });
  // a captured pod on the same cordoned node keeps the scheduler's verdicts
  assert.equal(named(workloads, "metrics-0").admittedBy, "scheduler");
});

test("the text report says who admits the pods and what the kubelet says", async () => {
  const r = await cli([
    "place",
    "-s",
    "test/fixtures/controllers/kubelet-admission",
    "-o",
    "text",
    "--workload",
    "ops/log-shipper",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /\n {2}bound by spec\.nodeName; admitted by the kubelet, not the scheduler \(pkg\/kubelet\/lifecycle\/predicate\.go generalFilter/,
  );
  assert.match(r.stdout, /\n {2}log-shipper-2 +- +rejected by the kubelet \(OutOfcpu\)\n/);
  assert.match(
    r.stdout,
    /\n {2}log-shipper-2: the kubelet of node-a rejects it: OutOfcpu: Node didn't have enough resource: cpu, requested: 800, used: 1800, capacity: 2000\n/,
  );
});

test("--node on another node than the bound one: not targeted, not rejected", async () => {
  const r = await cli([
    "place",
    "-s",
    "test/fixtures/controllers/kubelet-admission",
    "-o",
    "text",
    "--workload",
    "ops/log-shipper",
    "--node",
    "node-c",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n {2}node-c: not targeted \(the pods are bound to node-a by spec\.nodeName\)\n/);
});
