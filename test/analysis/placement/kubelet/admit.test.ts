/**
 * The kubelet's admission of a pod bound by spec.nodeName (src/analysis/placement/kubelet/admit.ts),
 * after kubernetes pkg/kubelet/lifecycle/predicate.go generalFilter and scheduler.AdmissionCheck.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ERR_REASON_TAINTS_NOT_MATCH,
  admission,
  admitBoundPods,
  boundByNodeName,
  insufficientResourceMessage,
  kubeletAdmit,
  outOfReason,
  predicateFailureMessage,
} from "../../../../src/analysis/placement/kubelet/admit.js";
import { ERR_REASON_POD } from "../../../../src/analysis/placement/plugins/nodeaffinity/common.js";
import { ERR_REASON as NODE_PORTS_ERR_REASON } from "../../../../src/analysis/placement/plugins/nodeports/filter.js";
import {
  Mi,
  cluster,
  container,
  node,
  placed,
  pod,
  podSpec,
  podToPlace,
  taint,
  toleration,
  workload,
} from "../support.js";

const small = { cpu: 1000, memory: 1024 * Mi, pods: 3 };
const bound = (overrides: Parameters<typeof podSpec>[0] = {}) =>
  podSpec({ nodeName: "n1", containers: [container("app", { cpu: 600, memory: 256 * Mi })], ...overrides });
const reasons = (rs: readonly { reason: string; message: string }[]) => rs.map((r) => [r.reason, r.message]);

describe("kubelet admission (pkg/kubelet/lifecycle/predicate.go generalFilter, scheduler.AdmissionCheck)", () => {
  test("predicate.go InsufficientResourceError: reason OutOf<resource>, message with requested, used and capacity in the scheduler's units", () => {
    const c = cluster(
      [node("n1", {}, [], small)],
      [placed("other", "n1", podSpec({ containers: [container("x", { cpu: 500, memory: 900 * Mi })] }))],
    );
    const spec = bound();
    assert.deepEqual(reasons(kubeletAdmit(podToPlace(spec), c.nodeByName.get("n1")!, c)), [
      [outOfReason("cpu"), insufficientResourceMessage("cpu", 600, 500, 1000)],
      [outOfReason("memory"), insufficientResourceMessage("memory", 256 * Mi, 900 * Mi, 1024 * Mi)],
    ]);
    assert.equal(outOfReason("cpu"), "OutOfcpu");
    assert.equal(
      insufficientResourceMessage("cpu", 600, 500, 1000),
      "Node didn't have enough resource: cpu, requested: 600, used: 500, capacity: 1000",
    );
  });

  test("fit.go fitsRequest via AdmissionCheck: the pod count first (OutOfpods, requested 1)", () => {
    const c = cluster([node("n1", {}, [], { ...small, pods: 1 })], [placed("other", "n1")]);
    assert.deepEqual(reasons(kubeletAdmit(podToPlace(podSpec({ nodeName: "n1" })), c.nodeByName.get("n1")!, c)), [
      ["OutOfpods", insufficientResourceMessage("pods", 1, 1, 1)],
    ]);
  });

  test("predicate.go removeMissingExtendedResources: an extended resource the node does not have is not checked", () => {
    const c = cluster([node("n1", {}, [], small)]);
    const spec = podSpec({ nodeName: "n1", containers: [container("app", { "example.com/widget": 1 })] });
    assert.deepEqual(kubeletAdmit(podToPlace(spec), c.nodeByName.get("n1")!, c), []);
  });

  test("AdmissionCheck: the nodeSelector and required node affinity (Predicate NodeAffinity failed)", () => {
    const c = cluster([node("n1", { disk: "hdd" })]);
    const r = kubeletAdmit(podToPlace(bound({ nodeSelector: { disk: "ssd" } })), c.nodeByName.get("n1")!, c);
    assert.deepEqual(reasons(r), [["NodeAffinity", predicateFailureMessage("NodeAffinity", ERR_REASON_POD)]]);
    assert.equal(r[0]!.message, "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector");
  });

  test("AdmissionCheck: nodeports.Fits (Predicate NodePorts failed)", () => {
    const ports = [{ name: undefined, containerPort: 80, hostPort: 8080, hostIP: undefined, protocol: "TCP" as const }];
    const spec = bound({ containers: [container("app", {}, { ports })] });
    const c = cluster([node("n1")], [placed("other", "n1", podSpec({ containers: [container("x", {}, { ports })] }))]);
    assert.deepEqual(reasons(kubeletAdmit(podToPlace(spec), c.nodeByName.get("n1")!, c)), [
      ["NodePorts", predicateFailureMessage("NodePorts", NODE_PORTS_ERR_REASON)],
    ]);
  });

  test("generalFilter: only NoExecute taints count (Predicate TaintToleration failed); NoSchedule taints and a cordon do not", () => {
    const cordoned = node("n1", {}, [taint("dedicated", "infra", "NoSchedule")], small, { unschedulable: true });
    const c = cluster([cordoned]);
    assert.deepEqual(kubeletAdmit(podToPlace(bound()), c.nodeByName.get("n1")!, c), []);
    const drained = cluster([node("n1", {}, [taint("maintenance", "x", "NoExecute")], small)]);
    const r = kubeletAdmit(podToPlace(bound()), drained.nodeByName.get("n1")!, drained);
    assert.deepEqual(reasons(r), [
      ["TaintToleration", predicateFailureMessage("TaintToleration", ERR_REASON_TAINTS_NOT_MATCH)],
    ]);
    const tolerated = bound({
      tolerations: [toleration({ key: "maintenance", operator: "Exists", effect: "NoExecute" })],
    });
    assert.deepEqual(kubeletAdmit(podToPlace(tolerated), drained.nodeByName.get("n1")!, drained), []);
  });

  test("generalFilter keeps every failure in AdmissionCheck's order: resources, node affinity, ports, then taints", () => {
    const c = cluster([
      node("n1", {}, [taint("maintenance", "x", "NoExecute")], { cpu: 100, memory: 1024 * Mi, pods: 10 }),
    ]);
    const r = kubeletAdmit(podToPlace(bound({ nodeSelector: { disk: "ssd" } })), c.nodeByName.get("n1")!, c);
    assert.deepEqual(
      r.map((x) => x.reason),
      ["OutOfcpu", "NodeAffinity", "TaintToleration"],
    );
  });

  test("a pod bound to a node the snapshot lacks: no kubelet answers", () => {
    const c = cluster([node("n1")]);
    assert.deepEqual(admission(podToPlace(podSpec({ nodeName: "gone" })), c), {
      node: "gone",
      nodeKnown: false,
      admitted: false,
      rejections: [],
    });
  });

  test("replicas are admitted one by one: each admitted pod holds its requests for the next", () => {
    const c = cluster([node("n1", {}, [], small)]);
    const w = workload("Deployment", "pinned", bound(), { replicas: 2 });
    const pods = [0, 1].map((i) => podToPlace(w.template.spec, { workload: w, name: `pinned-${i}` }));
    const results = admitBoundPods(pods, c);
    assert.deepEqual(
      pods.map((p) => [results.get(p)!.admitted, results.get(p)!.rejections.map((x) => x.message)]),
      [
        [true, []],
        [false, [insufficientResourceMessage("cpu", 600, 600, 1000)]],
      ],
    );
  });
});

describe("boundByNodeName: which pods the kubelet admits instead of the scheduler", () => {
  test("a controller's template with spec.nodeName; a DaemonSet's is its targeting, not a binding", () => {
    assert.equal(boundByNodeName(workload("Deployment", "a", bound()), []), true);
    assert.equal(boundByNodeName(workload("Deployment", "a", podSpec()), []), false);
    assert.equal(boundByNodeName(workload("DaemonSet", "a", bound()), []), false);
  });

  test("a bare Pod: only a manifest (no status); a captured pod's nodeName is the scheduler's binding", () => {
    assert.equal(boundByNodeName(workload("Pod", "a", bound()), [pod("a", bound(), { phase: undefined })]), true);
    assert.equal(boundByNodeName(workload("Pod", "a", bound()), [pod("a", bound(), { phase: "Running" })]), false);
  });
});
