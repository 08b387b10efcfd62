/**
 * `place -o json` is written chunk by chunk (a 5,000-node answer is longer than the longest string
 * V8 holds): the chunks must be byte for byte what one JSON.stringify(…, null, 2) of the report
 * gives, whatever the report holds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analysePlacement } from "../../src/analysis/placement/placement.js";
import { placementResultChunks } from "../../src/format/place.js";
import { versioned } from "../../src/questions/location.js";
import { placementJson } from "../../src/questions/place.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { REPO } from "../support/helpers.js";

test("placementResultChunks joined is JSON.stringify of the whole report: the example, one workload, none", () => {
  const snapshot = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO });
  const report = analysePlacement(snapshot);
  assert.ok(report.workloads.length > 1 && report.staticPods.length > 0);
  for (const r of [
    report,
    { ...report, workloads: report.workloads.slice(0, 1) },
    { ...report, workloads: [], staticPods: [] },
  ]) {
    const result = versioned(placementJson(r, snapshot));
    const chunks = [...placementResultChunks(result)];
    assert.equal(chunks.join(""), JSON.stringify(result, null, 2) + "\n");
    assert.ok(chunks[0]!.startsWith('{\n  "apiVersion": "podpath.io/v1",'), "apiVersion first");
    assert.ok(chunks.length >= r.workloads.length, "one chunk per workload at least");
  }
});
