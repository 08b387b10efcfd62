/**
 * `place -o json` is written chunk by chunk (a 5,000-node answer is longer than the longest string
 * V8 holds): the chunks must be byte for byte what one JSON.stringify(…, null, 2) of the report
 * gives, whatever the report holds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PlacementReport } from "../../src/analysis/placement/placement.js";
import { analysePlacement } from "../../src/analysis/placement/placement.js";
import { placementResultChunks } from "../../src/format/place.js";
import { placementJson } from "../../src/questions/place.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { REPO } from "../support/helpers.js";

function whole(report: PlacementReport): string {
  return (
    JSON.stringify(
      {
        kubernetes: report.kubernetes,
        nodeCount: report.nodeCount,
        workloads: report.workloads.map((w) => ({ ...w, nodes: w.nodes.filter((n) => !n.feasible) })),
        staticPods: report.staticPods,
      },
      null,
      2,
    ) + "\n"
  );
}

test("placementResultChunks joined is JSON.stringify of the whole report: the example, one workload, none", () => {
  const report = analysePlacement(loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO }));
  assert.ok(report.workloads.length > 1 && report.staticPods.length > 0);
  for (const r of [
    report,
    { ...report, workloads: report.workloads.slice(0, 1) },
    { ...report, workloads: [], staticPods: [] },
  ]) {
    const chunks = [...placementResultChunks(placementJson(r))];
    assert.equal(chunks.join(""), whole(r));
    assert.ok(chunks.length >= r.workloads.length, "one chunk per workload at least");
  }
});
