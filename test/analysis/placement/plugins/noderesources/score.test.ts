/**
 * NodeResourcesFit Score (LeastAllocated) and NodeResourcesBalancedAllocation, cases after
 * noderesources/least_allocated_test.go and balanced_allocation_test.go.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BalancedAllocationScore,
  NodeResourcesFitScore,
  balancedResourceScore,
  leastAllocatedScore,
  leastRequestedScore,
} from "../../../../../src/analysis/placement/plugins/noderesources/score.js";
import type { PlacedPod } from "../../../../../src/analysis/placement/types.js";
import type { ResourceList } from "../../../../../src/model/kubernetes.js";
import { Gi, Mi, cluster, container, node, placed, podSpec, podToPlace } from "../../support.js";
import { runScore } from "../score-harness.js";

const alloc = (cpu: number, memory: number): ResourceList => ({ cpu, memory, pods: 110 });
const requesting = (...requests: ResourceList[]) =>
  podSpec({ containers: requests.map((r, i) => container(`c${i}`, r)) });

interface Case {
  readonly name: string;
  readonly pod: ResourceList[];
  readonly nodes: Readonly<Record<string, ResourceList>>;
  readonly placed?: readonly PlacedPod[];
  readonly want: Readonly<Record<string, number>>;
}

function run(plugin: typeof NodeResourcesFitScore | typeof BalancedAllocationScore, c: Case) {
  const state = cluster(
    Object.entries(c.nodes).map(([name, a]) => node(name, {}, [], a)),
    c.placed ?? [],
  );
  return runScore(plugin, podToPlace(requesting(...c.pod)), state);
}

const leastAllocated: readonly Case[] = [
  {
    name: "noderesources least_allocated: nothing scheduled, resources requested, differently sized nodes",
    pod: [
      { cpu: 1000, memory: 2000 },
      { cpu: 2000, memory: 3000 },
    ],
    nodes: { node1: alloc(4000, 10000), node2: alloc(6000, 10000) },
    // node1: cpu (4000−3000)×100/4000 = 25, memory (10000−5000)×100/10000 = 50 → 37; node2: 50, 50 → 50
    want: { node1: 37, node2: 50 },
  },
  {
    name: "noderesources least_allocated: pods scheduled with resources count with what they request",
    pod: [{ cpu: 1000, memory: 2 * Gi }],
    nodes: { node1: alloc(10000, 20 * Gi), node2: alloc(10000, 20 * Gi) },
    placed: [placed("p1", "node1", requesting({ cpu: 3000, memory: 8 * Gi }))],
    // node1: cpu (10000−4000)×100/10000 = 60, memory (20−10)/20 = 50 → 55; node2: 90, 90 → 90
    want: { node1: 55, node2: 90 },
  },
  {
    name: "noderesources least_allocated: a container without requests counts 100m cpu and 200Mi memory (non-zero requests)",
    pod: [{}],
    nodes: { node1: alloc(1000, 1000 * Mi), node2: alloc(1000, 1000 * Mi) },
    placed: [placed("p1", "node2", requesting({}))],
    // node1: cpu 900×100/1000 = 90, memory 800Mi×100/1000Mi = 80 → 85; node2: 80, 60 → 70
    want: { node1: 85, node2: 70 },
  },
  {
    name: "noderesources least_allocated: requests above allocatable score 0 for that resource",
    pod: [{ cpu: 5000, memory: 1 * Gi }],
    nodes: { node1: alloc(4000, 4 * Gi), node2: alloc(8000, 4 * Gi) },
    // node1: cpu 0 (overcommitted), memory 75 → 37; node2: cpu 37 (3000×100/8000 = 37.5), memory 75 → 56
    want: { node1: 37, node2: 56 },
  },
  {
    name: "noderesources least_allocated: a resource the node does not have (allocatable 0) is left out of the average",
    pod: [{ cpu: 1000, memory: 1 * Gi }],
    nodes: { node1: alloc(4000, 0), node2: alloc(0, 0) },
    want: { node1: 75, node2: 0 },
  },
];

const balanced: readonly Case[] = [
  {
    name: "noderesources balanced_allocation: nothing scheduled, resources requested, differently sized nodes",
    pod: [
      { cpu: 1000, memory: 2000 },
      { cpu: 2000, memory: 3000 },
    ],
    nodes: { node1: alloc(4000, 10000), node2: alloc(6000, 10000) },
    // node1: fractions 0.75 and 0.5, std 0.125 → 87; node2: 0.5 and 0.5 → 100
    want: { node1: 87, node2: 100 },
  },
  {
    name: "noderesources balanced_allocation: pods scheduled with resources count with their actual requests",
    pod: [{ cpu: 1000, memory: 2 * Gi }],
    nodes: { node1: alloc(10000, 20 * Gi), node2: alloc(10000, 20 * Gi) },
    placed: [placed("p1", "node1", requesting({ cpu: 6000, memory: 2 * Gi }))],
    // node1: 0.7 and 0.2 → std 0.25 → 75; node2: 0.1 and 0.1 → 100
    want: { node1: 75, node2: 100 },
  },
  {
    name: "noderesources balanced_allocation: actual requests, not the non-zero defaults (useRequested): a placed pod requesting nothing weighs nothing",
    pod: [{ cpu: 1000, memory: 1 * Gi }],
    nodes: { node1: alloc(4000, 4 * Gi), node2: alloc(4000, 4 * Gi) },
    placed: [placed("p1", "node1", requesting({}))],
    want: { node1: 100, node2: 100 },
  },
  {
    name: "noderesources balanced_allocation: shares are capped at 1",
    pod: [{ cpu: 8000, memory: 1 * Gi }],
    nodes: { node1: alloc(4000, 4 * Gi) },
    // fractions min(2, 1) = 1 and 0.25 → std 0.375 → 62
    want: { node1: 62 },
  },
  {
    name: "noderesources balanced_allocation: a node without memory scores on cpu alone (std 0)",
    pod: [{ cpu: 1000, memory: 1 * Gi }],
    nodes: { node1: alloc(4000, 0) },
    want: { node1: 100 },
  },
  {
    name: "noderesources balanced_allocation: a best-effort pod (no cpu, no memory request) is skipped (v1.33+, kubernetes#130260)",
    pod: [{}],
    nodes: { node1: alloc(4000, 4 * Gi), node2: alloc(4000, 4 * Gi) },
    placed: [placed("p1", "node1", requesting({ cpu: 3000, memory: 100 * Mi }))],
    want: { node1: 0, node2: 0 },
  },
];

describe("NodeResourcesFit score (LeastAllocated)", () => {
  for (const c of leastAllocated)
    test(c.name, () => assert.deepEqual(run(NodeResourcesFitScore, c).normalized, c.want));
  test("noderesources least_allocated: leastRequestedScore is integer arithmetic", () => {
    assert.equal(leastRequestedScore(1, 3), 66);
    assert.equal(leastRequestedScore(4, 3), 0);
    assert.equal(leastRequestedScore(0, 0), 0);
    assert.equal(leastAllocatedScore([1000, 5000], [4000, 10000]), 62);
  });
  test("noderesources least_allocated: weight 1", () => assert.equal(NodeResourcesFitScore.weight, 1));
});

describe("NodeResourcesBalancedAllocation score", () => {
  for (const c of balanced) test(c.name, () => assert.deepEqual(run(BalancedAllocationScore, c).normalized, c.want));
  test("noderesources balanced_allocation: more than two resources use the standard deviation", () => {
    // fractions 0.2, 0.4, 0.6: mean 0.4, std sqrt(0.08/3) = 0.1633 → 83
    assert.equal(balancedResourceScore([2, 4, 6], [10, 10, 10]), 83);
  });
  test("noderesources balanced_allocation: weight 1", () => assert.equal(BalancedAllocationScore.weight, 1));
});
