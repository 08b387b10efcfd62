/**
 * The PodDisruptionBudget arithmetic of `place --drain` when the capture has no status: the
 * disruption controller's (kubernetes pkg/controller/disruption/disruption.go getExpectedPodCount,
 * countHealthyPods, updatePdbStatus) with intstr.GetScaledValueFromIntOrPercent.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "../../../../src/analysis/placement/plugins/index.js";
import { computedBudget, drainPlacement, scaledValue } from "../../../../src/analysis/placement/what-if/drain.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { Pod, PodDisruptionBudget } from "../../../../src/model/kubernetes.js";
import { NO_SOURCE } from "../../../../src/model/source.js";

describe("scaledValue (apimachinery intstr.GetScaledValueFromIntOrPercent)", () => {
  for (const [value, total, roundUp, expected] of [
    [2, 10, true, 2],
    ["50%", 3, true, 2],
    ["50%", 3, false, 1],
    ["100%", 1, true, 1],
    ["34%", 3, true, 2],
  ] as const) {
    test(`${JSON.stringify(value)} of ${total}, roundUp ${roundUp} → ${expected}`, () =>
      assert.equal(scaledValue(value, total, roundUp), expected));
  }
});

const pdb = (spec: Partial<PodDisruptionBudget>): PodDisruptionBudget => ({
  meta: {
    kind: "PodDisruptionBudget",
    apiVersion: "policy/v1",
    namespace: "shop",
    name: "web",
    labels: {},
    annotations: {},
    uid: undefined,
    ownerReferences: [],
    source: NO_SOURCE,
  },
  namespace: "shop",
  name: "web",
  selector: { matchLabels: { app: "web" }, matchExpressions: [] },
  minAvailable: undefined,
  maxUnavailable: undefined,
  unhealthyPodEvictionPolicy: undefined,
  status: undefined,
  ...spec,
});
const pod = (name: string, ready: boolean): Pod =>
  ({
    name,
    namespace: "shop",
    ready,
    owner: { kind: "Deployment", namespace: "shop", name: "web" },
    labels: { app: "web" },
    nodeName: "n1",
    phase: "Running",
  }) as unknown as Pod;

describe("computedBudget (kubernetes pkg/controller/disruption/disruption.go getExpectedPodCount, updatePdbStatus)", () => {
  const pods = [pod("a", true), pod("b", true), pod("c", false)];
  for (const [name, spec, replicas, expected] of [
    [
      "maxUnavailable 1 of 4 replicas: desired 3, 2 healthy → 0 allowed",
      { maxUnavailable: 1 },
      4,
      { allowed: 0, healthy: 2, desired: 3 },
    ],
    [
      "maxUnavailable 50% of 3 replicas, rounded up (2): desired 1 → 1 allowed",
      { maxUnavailable: "50%" },
      3,
      { allowed: 1, healthy: 2, desired: 1 },
    ],
    [
      "minAvailable 1 (an int counts the pods, not the replicas) → 1 allowed",
      { minAvailable: 1 },
      10,
      { allowed: 1, healthy: 2, desired: 1 },
    ],
    [
      "minAvailable 50% of 3 replicas, rounded up: desired 2 → 0 allowed",
      { minAvailable: "50%" },
      3,
      { allowed: 0, healthy: 2, desired: 2 },
    ],
    ["minAvailable 100% → 0 allowed", { minAvailable: "100%" }, 3, { allowed: 0, healthy: 2, desired: 3 }],
  ] as const) {
    test(name, () =>
      assert.deepEqual(
        computedBudget(pdb(spec as Partial<PodDisruptionBudget>), pods, () => replicas),
        expected,
      ),
    );
  }
});

describe("drainPlacement (kubernetes pkg/registry/core/pod/storage/eviction.go EvictionREST.Create: unready pods)", () => {
  test("an unready pod is evicted without using the budget when currentHealthy ≥ desiredHealthy > 0; the next pod then uses it", () => {
    const loaded = loadSnapshot({ paths: ["test/fixtures/captures/what-if-shop"] });
    // api-…-2bqxw not Ready (its readiness probe failing)
    const pods = loaded.kubernetes.pods.map((p) => (p.name === "api-7d9c6b5f48-2bqxw" ? { ...p, ready: false } : p));
    const snapshot = { ...loaded, kubernetes: { ...loaded.kubernetes, pods } };
    const drain = drainPlacement(snapshot, { nodes: ["node-a"] }, DEFAULT_FILTERS, DEFAULT_SCORES(snapshot));
    const api = drain.pods.filter((p) => p.workload === "Deployment shop/api");
    assert.deepEqual(
      api.map((p) => [p.pod, p.action, p.wave]),
      [
        ["shop/api-7d9c6b5f48-2bqxw", "evicted", 1],
        ["shop/api-7d9c6b5f48-h8r4m", "evicted", 1],
      ],
    );
    assert.match(
      api[0]!.reason,
      /^not Ready: evicted without using shop\/api's budget \(currentHealthy 3 ≥ desiredHealthy 2\)$/,
    );
    assert.match(api[1]!.reason, /disruptionsAllowed 1 → 0/);
    assert.equal(drain.completes, true);
  });
});

describe("drainPlacement (eviction.go EvictionREST.Create: unhealthyPodEvictionPolicy AlwaysAllow)", () => {
  test("with AlwaysAllow an unready pod is evicted without using the budget even when the budget is not met", () => {
    const loaded = loadSnapshot({ paths: ["test/fixtures/captures/what-if-shop"] });
    const pods = loaded.kubernetes.pods.map((p) => (p.name === "api-7d9c6b5f48-2bqxw" ? { ...p, ready: false } : p));
    // the budget as the controller would write it with one api pod unready and one more wanted healthy: none allowed
    const podDisruptionBudgets = loaded.kubernetes.podDisruptionBudgets.map((b) =>
      b.name === "api"
        ? {
            ...b,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
            status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 3, expectedPods: 3 },
          }
        : b,
    );
    const snapshot = { ...loaded, kubernetes: { ...loaded.kubernetes, pods, podDisruptionBudgets } };
    const drain = drainPlacement(snapshot, { nodes: ["node-a"] }, DEFAULT_FILTERS, DEFAULT_SCORES(snapshot));
    const api = drain.pods.filter((p) => p.workload === "Deployment shop/api");
    assert.deepEqual(
      api.map((p) => [p.pod, p.action]),
      [
        ["shop/api-7d9c6b5f48-2bqxw", "evicted"],
        ["shop/api-7d9c6b5f48-h8r4m", "blocked"],
      ],
    );
    assert.equal(
      api[0]!.reason,
      "not Ready: evicted without using shop/api's budget (unhealthyPodEvictionPolicy AlwaysAllow)",
    );
  });
});
