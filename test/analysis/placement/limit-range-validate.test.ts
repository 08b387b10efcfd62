/**
 * LimitRanger's validation (src/analysis/placement/admission/limit-range-validate.ts) against
 * kubernetes plugin/pkg/admission/limitranger/admission.go PodValidateLimitFunc: minConstraint,
 * maxConstraint, limitRequestRatioConstraint word for word, utilerrors.NewAggregate's joining, and
 * its place after every mutation (validating admission runs last).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { admitPod, type AdmissionContext } from "../../../src/analysis/placement/admission/index.js";
import type { LimitRangeItem, Namespace, PodSpec } from "../../../src/model/kubernetes.js";
import { Mi, container, meta, podSpec, src } from "./support.js";

function item(o: Partial<LimitRangeItem>): LimitRangeItem {
  return { type: "Container", default: {}, defaultRequest: {}, max: {}, min: {}, source: src(30, "lr.yaml"), ...o };
}

function rejection(spec: PodSpec, items: LimitRangeItem[], namespace?: Namespace): string | undefined {
  const ctx: AdmissionContext = {
    namespaces: new Map(namespace ? [[namespace.name, namespace]] : []),
    limitRanges: new Map([
      ["team", [{ meta: meta("LimitRange", "bounds", "team"), namespace: "team", name: "bounds", limits: items }]],
    ]),
    runtimeClasses: new Map(),
    priorityClasses: new Map(),
    defaultPriorityClass: undefined,
    istioProxyRequests: undefined,
  };
  const admitted = admitPod({ labels: {}, annotations: {}, spec }, "team", ctx);
  if (admitted.rejected) assert.equal(admitted.rejected.source, "admission:LimitRanger");
  return admitted.rejected?.reason;
}

const one = (requests: Record<string, number>, limits: Record<string, number> = {}) =>
  podSpec({ containers: [container("app", requests, { limits })] });

describe("admission.go minConstraint (per Container)", () => {
  for (const [name, spec, expected] of [
    ["request below the minimum", one({ cpu: 50 }), "minimum cpu usage per Container is 100m, but request is 50m"],
    ["no request at all", one({}), "minimum cpu usage per Container is 100m.  No request is specified"],
    [
      "limit below the minimum",
      one({ cpu: 100 }, { cpu: 80 }),
      "minimum cpu usage per Container is 100m, but limit is 80m",
    ],
    ["request and limit at the minimum", one({ cpu: 100 }, { cpu: 100 }), undefined],
  ] as const) {
    test(`minConstraint: ${name}`, () => {
      assert.equal(rejection(spec, [item({ min: { cpu: 100 } })]), expected);
    });
  }
});

describe("admission.go maxConstraint (per Container)", () => {
  for (const [name, spec, expected] of [
    [
      "limit above the maximum",
      one({}, { memory: 2048 * Mi }),
      "maximum memory usage per Container is 1Gi, but limit is 2Gi",
    ],
    ["no limit at all", one({ memory: 512 * Mi }), "maximum memory usage per Container is 1Gi.  No limit is specified"],
    ["at the maximum", one({ memory: 1024 * Mi }, { memory: 1024 * Mi }), undefined],
  ] as const) {
    test(`maxConstraint: ${name}`, () => {
      assert.equal(rejection(spec, [item({ max: { memory: 1024 * Mi } })]), expected);
    });
  }
});

describe("admission.go limitRequestRatioConstraint (per Container)", () => {
  for (const [name, spec, expected] of [
    [
      "limit 4× the request",
      one({ cpu: 100 }, { cpu: 400 }),
      "cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000",
    ],
    ["exactly the ratio", one({ cpu: 100 }, { cpu: 200 }), undefined],
    ["a limit alone (SetDefaults_Pod copies it to the request: ratio 1)", one({}, { cpu: 200 }), undefined],
    [
      "no limit",
      one({ cpu: 100 }),
      "cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0",
    ],
  ] as const) {
    test(`limitRequestRatioConstraint: ${name}`, () => {
      assert.equal(rejection(spec, [item({ maxLimitRequestRatio: { cpu: 2 } })]), expected);
    });
  }
  test("limitRequestRatioConstraint: a fractional ratio prints as resource.Quantity does (1500m)", () => {
    assert.equal(
      rejection(one({ memory: 100 * Mi }, { memory: 200 * Mi }), [item({ maxLimitRequestRatio: { memory: 1.5 } })]),
      "memory max limit to request ratio per Container is 1500m, but provided ratio is 2.000000",
    );
  });
});

describe("PodValidateLimitFunc and utilerrors.NewAggregate", () => {
  test("NewAggregate: every violation of every container and init container, in brackets, duplicates once", () => {
    const spec = podSpec({
      containers: [
        container("a", { cpu: 50 }, { limits: { cpu: 50 } }),
        container("b", { cpu: 50 }, { limits: { cpu: 50 } }),
      ],
      initContainers: [container("init", { cpu: 500 }, { limits: { cpu: 500 } })],
    });
    assert.equal(
      rejection(spec, [item({ min: { cpu: 100 }, max: { cpu: 400 } })]),
      "[minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per Container is 400m, but limit is 500m]",
    );
  });
  test("validation follows mutation: the LimitRange's own default limit is checked (maxConstraint sees a defaulted limit)", () => {
    // the container gives no limit: LimitRanger's default (800m, set at mutation) then exceeds max 500m
    assert.equal(
      rejection(one({ cpu: 100 }), [item({ default: { cpu: 800 }, max: { cpu: 500 } })]),
      "maximum cpu usage per Container is 500m, but limit is 800m",
    );
  });
  test("a Pod item: the pod's aggregate requests (containers summed, the larger init container) against min and max", () => {
    const spec = podSpec({
      containers: [
        container("a", { memory: 600 * Mi }, { limits: { memory: 600 * Mi } }),
        container("b", { memory: 600 * Mi }, { limits: { memory: 600 * Mi } }),
      ],
    });
    assert.equal(
      rejection(spec, [item({ type: "Pod", max: { memory: 1024 * Mi } })]),
      "maximum memory usage per Pod is 1Gi, but limit is 1200Mi",
    );
  });
});
