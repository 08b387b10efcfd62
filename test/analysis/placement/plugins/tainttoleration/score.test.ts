/** TaintToleration Score (tainttoleration/taint_toleration.go), cases after taint_toleration_test.go TestTaintTolerationScore. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TaintTolerationScore } from "../../../../../src/analysis/placement/plugins/tainttoleration/score.js";
import type { Taint, Toleration } from "../../../../../src/model/kubernetes.js";
import { cluster, node, podSpec, podToPlace, taint, toleration } from "../../support.js";
import { runScore } from "../score-harness.js";

interface Case {
  readonly name: string;
  readonly tolerations: readonly Toleration[];
  readonly nodes: Readonly<Record<string, readonly Taint[]>>;
  readonly raw?: Readonly<Record<string, number>>;
  readonly want: Readonly<Record<string, number>>;
}

const prefer = (key: string, value: string) => taint(key, value, "PreferNoSchedule");
const cases: readonly Case[] = [
  {
    name: "tainttoleration score: a node whose PreferNoSchedule taint the pod tolerates scores higher than one with an intolerable taint",
    tolerations: [toleration({ key: "foo", operator: "Equal", value: "bar", effect: "PreferNoSchedule" })],
    nodes: { nodeA: [prefer("foo", "bar")], nodeB: [prefer("foo", "blah")] },
    raw: { nodeA: 0, nodeB: 1 },
    want: { nodeA: 100, nodeB: 0 },
  },
  {
    name: "tainttoleration score: nodes whose taints are all tolerated score the same, however many taints they have",
    tolerations: [
      toleration({ key: "foo", value: "bar", effect: "PreferNoSchedule" }),
      toleration({ key: "cpu-type", value: "arm64", effect: "PreferNoSchedule" }),
    ],
    nodes: { nodeA: [], nodeB: [prefer("foo", "bar")], nodeC: [prefer("foo", "bar"), prefer("cpu-type", "arm64")] },
    want: { nodeA: 100, nodeB: 100, nodeC: 100 },
  },
  {
    name: "tainttoleration score: the more intolerable PreferNoSchedule taints a node has, the lower its score (reversed DefaultNormalizeScore)",
    tolerations: [toleration({ key: "foo", value: "bar", effect: "PreferNoSchedule" })],
    nodes: {
      nodeA: [],
      nodeB: [prefer("cpu-type", "arm64")],
      nodeC: [prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")],
    },
    raw: { nodeA: 0, nodeB: 1, nodeC: 2 },
    want: { nodeA: 100, nodeB: 50, nodeC: 0 },
  },
  {
    name: "tainttoleration score: only PreferNoSchedule taints count, and only tolerations with effect PreferNoSchedule or empty tolerate them",
    tolerations: [toleration({ key: "cpu-type", value: "arm64", effect: "NoSchedule" })],
    nodes: { nodeA: [taint("cpu-type", "arm64", "NoSchedule")], nodeB: [prefer("cpu-type", "arm64")] },
    raw: { nodeA: 0, nodeB: 1 },
    want: { nodeA: 100, nodeB: 0 },
  },
  {
    name: "tainttoleration score: a toleration with an empty effect tolerates a PreferNoSchedule taint",
    tolerations: [toleration({ key: "cpu-type", operator: "Exists", effect: "" })],
    nodes: { nodeA: [prefer("cpu-type", "arm64")], nodeB: [prefer("other", "x")] },
    want: { nodeA: 100, nodeB: 0 },
  },
  {
    name: "tainttoleration score: default behaviour, no taints and no tolerations: every node 100",
    tolerations: [],
    nodes: { nodeA: [], nodeB: [] },
    want: { nodeA: 100, nodeB: 100 },
  },
];

describe("TaintToleration score", () => {
  for (const c of cases) {
    test(c.name, () => {
      const state = cluster(Object.entries(c.nodes).map(([name, taints]) => node(name, {}, taints)));
      const run = runScore(TaintTolerationScore, podToPlace(podSpec({ tolerations: c.tolerations })), state);
      if (c.raw) assert.deepEqual(run.raw, c.raw);
      assert.deepEqual(run.normalized, c.want);
    });
  }
  test("tainttoleration score: weight 3 in the default profile", () => assert.equal(TaintTolerationScore.weight, 3));
});
