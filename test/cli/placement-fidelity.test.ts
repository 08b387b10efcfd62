/**
 * `podpath place` where the version's scheduler words, the PostFilter tail, the API server's
 * dropping of disabled fields and admission decide the answer (issue 10 items 1–3): one scenario
 * per upstream rule, on kubectl-shaped inputs (test/fixtures/admission/, README there).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PlacementJson, WorkloadPlacementJson } from "../../src/questions/place.js";
import { cli } from "../support/helpers.js";

const F = "test/fixtures/admission";
const SMALL = `${F}/nodes-small.yaml`;

async function place(...args: string[]): Promise<PlacementJson> {
  const r = await cli(["place", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PlacementJson;
}

function workload(report: PlacementJson, id: string): WorkloadPlacementJson {
  const w = report.workloads.find((x) => `${x.namespace}/${x.name}` === id);
  assert.ok(w, `no workload ${id}`);
  return w;
}

const unschedulable = (w: WorkloadPlacementJson) =>
  w.pods.filter((p) => p.unschedulable !== null).map((p) => p.unschedulable);

describe("defaultpreemption/default_preemption.go PodEligibleToPreemptOthers: preemptionPolicy Never (from the PriorityClass)", () => {
  test("PodEligibleToPreemptOthers: the second rollup replica is Pending with 'preemption: not eligible due to preemptionPolicy=Never.', after DynamicResources' 'no new claims to deallocate' on v1.34, with the doubled period before v1.30", async () => {
    const args = ["-s", SMALL, "-s", `${F}/preemption-never.yaml`];
    assert.deepEqual(unschedulable(workload(await place(...args), "jobs/rollup")), [
      "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.",
    ]);
    assert.deepEqual(unschedulable(workload(await place(...args, "--kubernetes-version", "v1.33"), "jobs/rollup")), [
      "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
    ]);
    assert.deepEqual(unschedulable(workload(await place(...args, "--kubernetes-version", "v1.29"), "jobs/rollup")), [
      "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..",
    ]);
  });
});
