/**
 * DefaultPreemption's PostFilter message (src/analysis/placement/preemption.ts), against
 * defaultpreemption/default_preemption.go PostFilter and SelectVictimsOnNode,
 * framework/preemption/preemption.go nodesWherePreemptionMightHelp and Evaluator.Preempt, and
 * framework/types.go FitError.Error.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NodeVerdict } from "../../../src/analysis/placement/feasibility.js";
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
} from "../../../src/analysis/placement/plugins/interpodaffinity/common.js";
import {
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
} from "../../../src/analysis/placement/plugins/podtopologyspread/common.js";
import {
  ERR_NOT_ELIGIBLE_NEVER,
  preemptionMessage,
  unresolvable,
  withPostFilter,
} from "../../../src/analysis/placement/preemption.js";
import type { PluginName, Rejection } from "../../../src/analysis/placement/types.js";
import { container, node, nodeInfo, podSpec, podToPlace } from "./support.js";

const reject = (plugin: PluginName, message: string): Rejection => ({ plugin, message, source: undefined });
const pod = podToPlace(podSpec({ containers: [container("app", { cpu: 3000 })] }));
const small = nodeInfo(node("small", {}, [], { cpu: 2000, memory: 8 << 30, pods: 110 }));
const big = nodeInfo(node("big", {}, [], { cpu: 8000, memory: 8 << 30, pods: 110 }));
const v = (minor: number) => ({ minor, patch: undefined });

describe("nodesWherePreemptionMightHelp: the first failing Filter's status code", () => {
  for (const [plugin, message, expected] of [
    ["NodeUnschedulable", "node(s) were unschedulable", true],
    ["NodeName", "node(s) didn't match the requested node name", true],
    ["TaintToleration", "node(s) had untolerated taint(s)", true],
    ["NodeAffinity", "node(s) didn't match Pod's node affinity/selector", true],
    ["NodePorts", "node(s) didn't have free ports for the requested pod ports", false],
    ["PodTopologySpread", ERR_REASON_NODE_LABEL_NOT_MATCH, true],
    ["PodTopologySpread", ERR_REASON_CONSTRAINTS_NOT_MATCH, false],
    ["InterPodAffinity", ERR_REASON_AFFINITY_RULES_NOT_MATCH, true],
    ["InterPodAffinity", ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH, false],
  ] as const) {
    test(`${plugin}: ${message} → ${expected ? "UnschedulableAndUnresolvable" : "Unschedulable"}`, () => {
      assert.equal(unresolvable([reject(plugin, message)], pod, big, v(34)), expected);
    });
  }
  test("NodeResourcesFit (fit.go InsufficientResource.Unresolvable, PR #131345): unresolvable from v1.34 when the request exceeds the node's allocatable, never before", () => {
    const insufficient = [reject("NodeResourcesFit", "Insufficient cpu")];
    assert.equal(unresolvable(insufficient, pod, small, v(34)), true);
    assert.equal(unresolvable(insufficient, pod, big, v(34)), false);
    assert.equal(unresolvable(insufficient, pod, small, v(33)), false);
  });
});

/** RunPostFilterPlugins: DynamicResources' PostFilter (first from v1.34) and DefaultPreemption's reasons joined by ", " */
const DRA = "no new claims to deallocate, ";

describe("preemptionMessage (Evaluator.Preempt with no candidate)", () => {
  const verdicts: NodeVerdict[] = [
    {
      node: "small",
      feasible: false,
      reasons: [
        reject("TaintToleration", "node(s) had untolerated taint(s)"),
        reject("NodeResourcesFit", "Insufficient cpu"),
      ],
    },
    { node: "big", feasible: false, reasons: [reject("NodeResourcesFit", "Insufficient cpu")] },
  ];
  const byName = new Map([small, big].map((n) => [n.name, n]));
  test("no pod of lower priority on a node preemption might help: SelectVictimsOnNode finds no victims", () => {
    assert.equal(
      preemptionMessage(pod, verdicts, 2, 0, byName, v(34), () => false),
      DRA +
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
    );
  });
  test("nodes a PreFilterResult left out count as not helpful", () => {
    assert.equal(
      preemptionMessage(pod, verdicts, 5, 3, byName, v(34), () => false),
      DRA +
        "preemption: 0/5 nodes are available: 1 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.",
    );
  });
  test("lower-priority pods where preemption might help: only a dry run decides, no message", () => {
    assert.equal(
      preemptionMessage(pod, verdicts, 2, 0, byName, v(34), (n) => n.name === "big"),
      undefined,
    );
    // where preemption cannot help, lower-priority pods change nothing
    assert.equal(
      preemptionMessage(pod, verdicts.slice(0, 1), 1, 0, byName, v(34), () => true),
      DRA + "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
  });
});

describe("default_plugins.go applyFeatureGates: DynamicResources before DefaultPreemption once DynamicResourceAllocation is on (GA v1.34)", () => {
  const verdicts: NodeVerdict[] = [
    { node: "big", feasible: false, reasons: [reject("NodeResourcesFit", "Insufficient cpu")] },
  ];
  const byName = new Map([[big.name, big]]);
  for (const minor of [26, 30, 33]) {
    test(`v1.${minor}: the gate is off, DynamicResources is not in the profile: DefaultPreemption's tail alone`, () => {
      assert.equal(
        preemptionMessage(pod, verdicts, 1, 0, byName, v(minor), () => false),
        "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
      );
    });
  }
  test("v1.34: dynamicresources.go PostFilter 'no new claims to deallocate' (a pod without ResourceClaims), then DefaultPreemption's", () => {
    assert.equal(
      preemptionMessage(pod, verdicts, 1, 0, byName, v(34), () => false),
      "no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });
});

describe("default_preemption.go PodEligibleToPreemptOthers: preemptionPolicy Never", () => {
  const never = podToPlace(
    podSpec({ containers: [container("app", { cpu: 3000 })], preemptionPolicy: "Never", priority: 1000 }),
  );
  const verdicts: NodeVerdict[] = [
    { node: "big", feasible: false, reasons: [reject("NodeResourcesFit", "Insufficient cpu")] },
  ];
  const byName = new Map([[big.name, big]]);
  test("not eligible, whatever the nodes hold (checked before any candidate): 'preemption: not eligible due to preemptionPolicy=Never.'", () => {
    assert.equal(ERR_NOT_ELIGIBLE_NEVER, "not eligible due to preemptionPolicy=Never.");
    // lower-priority pods on the node would otherwise leave the tail undecided
    assert.equal(
      preemptionMessage(never, verdicts, 1, 0, byName, v(33), () => true),
      "preemption: not eligible due to preemptionPolicy=Never.",
    );
    assert.equal(
      preemptionMessage(never, verdicts, 1, 0, byName, v(34), () => true),
      "no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.",
    );
  });
  test("FitError.Error before v1.30 doubles its period too (' %v.'; issue #123301)", () => {
    const fit = "0/1 nodes are available: 1 Insufficient cpu.";
    const post = preemptionMessage(never, verdicts, 1, 0, byName, v(29), () => false);
    assert.equal(withPostFilter(fit, post, v(29)), `${fit} preemption: not eligible due to preemptionPolicy=Never..`);
  });
});

test("FitError.Error appends the PostFilter message as ' %v' from v1.30, as ' %v.' before (issue #123301)", () => {
  const fit = "0/1 nodes are available: 1 Insufficient cpu.";
  const post = "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
  assert.equal(withPostFilter(fit, post, v(29)), `${fit} ${post}.`);
  assert.equal(withPostFilter(fit, post, v(30)), `${fit} ${post}`);
  assert.equal(withPostFilter(fit, undefined, v(30)), fit);
});
