/** NodeAffinity Score (nodeaffinity/node_affinity.go), cases after node_affinity_test.go TestNodeAffinityPriority. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NodeAffinityScore } from "../../../../../src/analysis/placement/plugins/nodeaffinity/score.js";
import type { Labels, NodeSelectorTerm } from "../../../../../src/model/kubernetes.js";
import { cluster, node, podSpec, podToPlace, requirement, term } from "../../support.js";
import { runScore } from "../score-harness.js";

const preferred = (...terms: { weight: number; preference: NodeSelectorTerm }[]) =>
  podToPlace(
    podSpec({
      affinity: {
        nodeAffinity: { required: null, preferred: terms },
        podAffinity: undefined,
        podAntiAffinity: undefined,
      },
    }),
  );
const labelTerm = (labels: Labels) => term(Object.entries(labels).map(([k, v]) => requirement(k, "In", [v])));

const nodes = () =>
  cluster([
    node("node1", { foo: "bar" }),
    node("node2", { key: "value" }),
    node("node3", { az: "az1" }),
    node("node5", { foo: "bar", key: "value", az: "az1" }),
  ]);

describe("NodeAffinity score", () => {
  test("nodeaffinity score: no preferred terms: PreScore skips, every node 0", () => {
    const run = runScore(NodeAffinityScore, podToPlace(), nodes());
    assert.equal(run.skipped, true);
    assert.deepEqual(run.normalized, { node1: 0, node2: 0, node3: 0, node5: 0 });
  });
  test("nodeaffinity score: no node matches the preferred terms: every node 0", () => {
    const run = runScore(NodeAffinityScore, preferred({ weight: 2, preference: labelTerm({ foo: "none" }) }), nodes());
    assert.deepEqual(run.normalized, { node1: 0, node2: 0, node3: 0, node5: 0 });
  });
  test("nodeaffinity score: only node1 matches: 100 for it, 0 for the others", () => {
    const state = nodes();
    const run = runScore(
      NodeAffinityScore,
      preferred({ weight: 2, preference: labelTerm({ foo: "bar" }) }),
      state,
      state.nodes.filter((n) => n.name !== "node5"),
    );
    assert.deepEqual(run.normalized, { node1: 100, node2: 0, node3: 0 });
  });
  test("nodeaffinity score: the weights of matching terms add up; DefaultNormalizeScore scales by the best (integer division)", () => {
    const pod = preferred(
      { weight: 2, preference: labelTerm({ foo: "bar" }) },
      { weight: 4, preference: labelTerm({ key: "value" }) },
      { weight: 5, preference: labelTerm({ foo: "bar", key: "value", az: "az1" }) },
    );
    const run = runScore(NodeAffinityScore, pod, nodes());
    assert.deepEqual(run.raw, { node1: 2, node2: 4, node3: 0, node5: 11 });
    assert.deepEqual(run.normalized, { node1: 18, node2: 36, node3: 0, node5: 100 });
  });
  test("nodeaffinity score: terms of weight 0 and empty terms are ignored (PreferredSchedulingTerms)", () => {
    const run = runScore(
      NodeAffinityScore,
      preferred({ weight: 0, preference: labelTerm({ foo: "bar" }) }, { weight: 7, preference: term([]) }),
      nodes(),
    );
    assert.equal(run.skipped, true);
  });
  test("nodeaffinity score: matchFields metadata.name counts", () => {
    const run = runScore(
      NodeAffinityScore,
      preferred({ weight: 3, preference: term([], [requirement("metadata.name", "In", ["node3"])]) }),
      nodes(),
    );
    assert.deepEqual(run.normalized, { node1: 0, node2: 0, node3: 100, node5: 0 });
  });
  test("nodeaffinity score: weight 2 in the default profile", () => assert.equal(NodeAffinityScore.weight, 2));
});
