/**
 * The scheduler's FitError message over every filter's verdicts (feasibility.ts fitErrorMessage).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePod, fitErrorMessage } from "../../../src/analysis/placement/feasibility.js";
import { DEFAULT_FILTERS } from "../../../src/analysis/placement/plugins/index.js";
import type { PodToPlace } from "../../../src/analysis/placement/types.js";
import type { Node, Taint } from "../../../src/model/kubernetes.js";
import { Gi, cluster, node, podToPlace, taint, workload } from "./support.js";
import { requesting, spec } from "./plugins/filter-cases.js";

describe("fitErrorMessage (kube-scheduler framework/types.go FitError.Error)", () => {
  const cpuNode = (name: string, taints: readonly Taint[] = [], extra: Partial<Node> = {}) =>
    node(name, {}, taints, { cpu: 1000, memory: Gi, pods: 110 }, extra);
  const hungry = podToPlace(requesting({ cpu: 2000 }));
  const message = (nodes: readonly Node[], pod: PodToPlace = hungry) =>
    fitErrorMessage(evaluatePod(pod, cluster(nodes), DEFAULT_FILTERS), nodes.length);

  test("FitError.Error: 0/N nodes are available: a sorted histogram of the first rejecting plugin's reasons per node", () => {
    const nodes = [cpuNode("a", [taint("dedicated", "gpu", "NoSchedule")]), cpuNode("b"), cpuNode("c")];
    assert.equal(
      message(nodes),
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.",
    );
  });

  test("FitError.Error: a node rejected by several plugins counts only under the first (NodeUnschedulable before TaintToleration before NodeResourcesFit)", () => {
    const nodes = [
      cpuNode("a", [taint("dedicated", "gpu", "NoSchedule")], { unschedulable: true }),
      cpuNode("b", [taint("dedicated", "gpu", "NoSchedule")]),
    ];
    assert.equal(
      message(nodes),
      "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable.",
    );
  });

  test("FitError.Error: every reason of the first rejecting plugin counts (NodeResourcesFit's cpu and memory)", () => {
    const pod = podToPlace(requesting({ cpu: 2000, memory: 2 * Gi }));
    assert.equal(message([cpuNode("a")], pod), "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.");
  });

  test('FitError.Error: the histogram is sorted as strings (sort.Strings: "10 …" before "2 …")', () => {
    const nodes = [
      ...Array.from({ length: 10 }, (_, i) => cpuNode(`c${i}`)),
      cpuNode("t0", [taint("dedicated", "gpu", "NoSchedule")]),
      cpuNode("t1", [taint("dedicated", "gpu", "NoSchedule")]),
    ];
    assert.equal(
      message(nodes),
      "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.",
    );
  });

  test("FitError.Error: different taints are different reasons", () => {
    const nodes = [
      cpuNode("a", [taint("dedicated", "gpu", "NoSchedule")]),
      cpuNode("b", [taint("node-role.kubernetes.io/control-plane", "", "NoSchedule")]),
    ];
    assert.equal(
      message(nodes, podToPlace()),
      "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
    );
  });

  test("evaluatePod: a DaemonSet's pod is judged on its own node only (the controller pins it by metadata.name)", () => {
    const ds = workload("DaemonSet", "agent");
    const pod = podToPlace(spec(), { workload: ds, daemonNode: "b" });
    const verdicts = evaluatePod(pod, cluster([node("a"), node("b"), node("c")]), DEFAULT_FILTERS);
    assert.deepEqual(
      verdicts.map((v) => v.node),
      ["b"],
    );
  });
});
