/**
 * `place` for DaemonSets as the DaemonSet controller decides (kubernetes pkg/controller/daemon/
 * daemon_controller.go NodeShouldRunDaemonPod): nodes it does not target are not placement
 * failures; a daemon pod already running on one stays (shouldContinueRunning) unless a NoExecute
 * taint, the selector or the affinity excludes it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analysePlacement } from "../../../src/analysis/placement/placement.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { tempDir } from "../../support/helpers.js";

const node = (name: string, taint?: string) =>
  `apiVersion: v1\nkind: Node\nmetadata: {name: ${name}, labels: {kubernetes.io/hostname: ${name}}}\nspec: {${taint ? `taints: [${taint}]` : ""}}\nstatus: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}\n`;
const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, resources: {requests: {cpu: 100m}}}]
`;
const daemonPod = (name: string, nodeName: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: kube-system\n  labels: {app: agent}\n  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: u1, controller: true}]\nspec: {nodeName: ${nodeName}, containers: [{name: a, resources: {requests: {cpu: 100m}}}]}\nstatus: {phase: Running, podIP: 10.244.0.${name.length}, hostIP: 10.0.0.1}\n`;

test("NodeShouldRunDaemonPod: a pod on a node tainted NoSchedule after it started keeps running (continueRunning); one on a NoExecute-tainted node is deleted by the controller (a finding that says so)", () => {
  const dir = tempDir({
    "nodes.yaml": [
      node("w1"),
      node("cordoned-ish", '{key: maintenance, value: "true", effect: NoSchedule}'),
      node("evicting", "{key: dedicated, value: gpu, effect: NoExecute}"),
    ].join("---\n"),
    "ds.yaml": ds,
    "pods.yaml": [
      daemonPod("agent-a", "cordoned-ish"),
      daemonPod("agent-bb", "evicting"),
      daemonPod("agent-ccc", "w1"),
    ].join("---\n"),
  });
  const report = analysePlacement(loadSnapshot({ paths: ["."], cwd: dir }), { workload: "kube-system/agent" });
  const [w] = report.workloads;
  assert.ok(w);
  assert.deepEqual(w.targetedNodes, ["w1"]);
  assert.deepEqual(
    w.notTargeted.map((t) => [t.node, t.reason, t.runningPod, t.continueRunning]),
    [
      ["cordoned-ish", "untolerated taint maintenance=true:NoSchedule", "agent-a", true],
      ["evicting", "untolerated taint dedicated=gpu:NoExecute", "agent-bb", false],
    ],
  );
  assert.deepEqual(
    w.findings.map((f) => [
      f.pod,
      /the controller deletes it/.test(f.message),
      /NoSchedule taints never evict/.test(f.message),
    ]),
    [
      ["agent-a", false, true],
      ["agent-bb", true, false],
    ],
  );
  // no pod is invented for the untargeted nodes: the three observed ones only (in node order)
  assert.deepEqual(
    w.pods.map((p) => [p.name, p.observedNode, p.unschedulable]),
    [
      ["agent-a", "cordoned-ish", null],
      ["agent-bb", "evicting", null],
      ["agent-ccc", "w1", null],
    ],
  );
});
