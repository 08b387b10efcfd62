/** DEFAULT_SCORES against pkg/scheduler/apis/config/v1/default_plugins.go, and the pod index the inter-pod scores share. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_SCORES, SKIP } from "../../../../src/analysis/placement/plugins/index.js";
import { scoringPodIndex } from "../../../../src/analysis/placement/framework/pod-index.js";
import { cluster, node, placed, podSpec, podToPlace, workload } from "../support.js";
import { runScore } from "./score-harness.js";

describe("default score plugins", () => {
  test("default_plugins.go: the Score plugins of the default profile, in order, with their weights", () => {
    assert.deepEqual(
      DEFAULT_SCORES({ kubernetes: { services: [] } }).map((p) => [p.name, p.weight]),
      [
        ["TaintToleration", 3],
        ["NodeAffinity", 2],
        ["NodeResourcesFit", 1],
        ["PodTopologySpread", 2],
        ["InterPodAffinity", 2],
        ["NodeResourcesBalancedAllocation", 1],
        ["ImageLocality", 1],
      ],
    );
  });

  test("framework Skip: a plugin whose PreScore skips scores 0 and normalizes nothing when called anyway", () => {
    const state = cluster([node("a"), node("b")]);
    // a best-effort pod without affinity, images on no node, and a bare pod's empty default selector
    const pod = podToPlace(podSpec(), { workload: workload("Pod", "solo") });
    const skipped: string[] = [];
    for (const plugin of DEFAULT_SCORES({ kubernetes: { services: [] } })) {
      const prepared = plugin.prepare?.(pod, state.nodes, state);
      if (prepared !== SKIP) continue;
      skipped.push(plugin.name);
      const scores = state.nodes.map((n) => plugin.score(pod, n, state, prepared));
      plugin.normalize?.(scores, pod, prepared);
      assert.deepEqual(scores, [0, 0], plugin.name);
    }
    assert.deepEqual(skipped, [
      "NodeAffinity",
      "PodTopologySpread",
      "InterPodAffinity",
      "NodeResourcesBalancedAllocation",
      "ImageLocality",
    ]);
  });

  test("pod index: pods bound after the index was built are seen at the next use", () => {
    const state = cluster([node("a"), node("b")], [placed("p1", "a", podSpec(), { labels: { app: "web" } })]);
    const selector = { matchLabels: { app: "web" }, matchExpressions: [] };
    assert.equal(scoringPodIndex(state).candidates("default", selector).length, 1);
    state.bind(state.nodeByName.get("b")!, placed("p2", "b", podSpec(), { labels: { app: "web" } }));
    assert.equal(scoringPodIndex(state).candidates("default", selector).length, 2);
    // and a score plugin sees it: InterPodAffinity symmetric terms are part of the index
    assert.equal(runScore(DEFAULT_SCORES({ kubernetes: { services: [] } })[4]!, podToPlace(), state).skipped, true);
  });
});
