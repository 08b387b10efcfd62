/**
 * policy/v1 PodDisruptionBudget as the loader reads it (k8s.io/api/policy/v1 types.go;
 * pkg/apis/policy/validation ValidatePodDisruptionBudgetSpec): minAvailable or maxUnavailable as
 * an int or a percent, never both; the disruption controller's status when the capture has it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { DEFAULT_LIMITS } from "../../../src/load/limits.js";
import { tempDir } from "../../support/helpers.js";

function load(spec: string, status = "") {
  const dir = tempDir({
    "pdb.yaml": `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n  namespace: shop\nspec:\n${spec}${status}`,
  });
  return loadSnapshot({
    paths: [join(dir, "pdb.yaml")],
    whatIf: [],
    cwd: dir,
    displayBase: dir,
    limits: DEFAULT_LIMITS,
    strict: false,
  });
}

describe("PodDisruptionBudget (policy/v1 types.go PodDisruptionBudgetSpec; validation ValidatePodDisruptionBudgetSpec)", () => {
  test("maxUnavailable as an int, the selector, and the status the disruption controller wrote", () => {
    const s = load(
      "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n",
      "status:\n  currentHealthy: 3\n  desiredHealthy: 2\n  disruptionsAllowed: 1\n  expectedPods: 3\n  observedGeneration: 1\n",
    );
    const [pdb] = s.kubernetes.podDisruptionBudgets;
    assert.deepEqual(
      [pdb?.namespace, pdb?.name, pdb?.maxUnavailable, pdb?.minAvailable, pdb?.selector?.matchLabels],
      ["shop", "web", 1, undefined, { app: "web" }],
    );
    assert.deepEqual(pdb?.status, { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    assert.equal(pdb?.meta.source.line, 1);
  });
  test("minAvailable as a percent; no status (not yet processed by the controller); no selector (matches no pod)", () => {
    const [pdb] = load('  minAvailable: "50%"\n').kubernetes.podDisruptionBudgets;
    assert.deepEqual([pdb?.minAvailable, pdb?.status, pdb?.selector], ["50%", undefined, null]);
  });
  for (const [name, spec] of [
    ["both minAvailable and maxUnavailable", "  minAvailable: 1\n  maxUnavailable: 1\n"],
    ["a percent above 100%", '  minAvailable: "150%"\n'],
    ["a negative int", "  maxUnavailable: -1\n"],
  ] as const) {
    test(`${name} is an invalid-object warning at the field, the PDB skipped`, () => {
      const s = load(spec);
      assert.equal(s.kubernetes.podDisruptionBudgets.length, 0);
      const [d] = s.diagnostics;
      assert.equal(d?.code, "invalid-object");
      assert.match(d.message, /PodDisruptionBudget shop\/web skipped: spec: (minAvailable|maxUnavailable)/);
      assert.ok((d?.source?.line ?? 0) >= 7, JSON.stringify(d?.source));
    });
  }
});
