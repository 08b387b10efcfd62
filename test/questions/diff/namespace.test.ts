/**
 * `diff -n NS` (questions/diff/namespace.ts): which changes concern a namespace, as the other
 * commands' -n reads it — connlist -n keeps the connections from or to its workloads (an external
 * range or the {ingress-controller} peer belongs to no namespace); a configured dependency
 * concerns the workload that names it and the Service it names; placement, its workload.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DiffReport } from "../../../src/questions/diff/changes.js";
import { diffInNamespace } from "../../../src/questions/diff/namespace.js";

const report: DiffReport = {
  connections: [
    { change: "removed", src: "a/web[Deployment]", dst: "b/db[StatefulSet]", before: "All Connections", after: null },
    {
      change: "added",
      src: "0.0.0.0-9.255.255.255[External]",
      dst: "c/api[Deployment]",
      before: null,
      after: "TCP 80",
    },
    { change: "added", src: "{ingress-controller}", dst: "a/web[Deployment]", before: null, after: "TCP 8080" },
  ],
  exposure: [
    {
      change: "changed",
      workload: "a/web[Deployment]",
      frontend: "NodePort 30080/TCP of service a/web",
      service: "a/web",
      protocol: "TCP",
      port: 30080,
      before: "blocked",
      after: "open",
      reason: null,
      source: null,
    },
    {
      change: "added",
      workload: null,
      frontend: "service c/orphan port 80/TCP",
      service: "c/orphan",
      protocol: "TCP",
      port: 80,
      before: null,
      after: "blocked",
      reason: null,
      source: null,
    },
  ],
  vpcExposure: [],
  intended: [
    {
      change: "changed",
      workload: "a/web[Deployment]",
      container: "web",
      reference: "db.b:5432",
      service: "b/db",
      servicePort: 5432,
      before: "allowed",
      after: "blocked",
      reason: "",
      policies: [],
    },
  ],
  placement: [
    {
      change: "changed",
      workload: "Deployment c/api",
      node: "n1",
      before: "feasible",
      after: "infeasible",
      reason: null,
      source: null,
    },
  ],
  predictions: [{ workload: "StatefulSet b/db", pod: "db-0", before: "n1", after: "n2", reason: null }],
};

const CASES: readonly (readonly [string, string, readonly number[]])[] = [
  // [why, namespace, [connections, exposure, intended, placement, predictions]]
  ["connlist -n: from or to its workloads; the ingress-controller peer has no namespace", "a", [2, 1, 1, 0, 0]],
  ["the destination's namespace keeps the connection and the dependency on its Service", "b", [1, 0, 1, 0, 1]],
  ["an external range has no namespace; a frontend without a workload goes by its Service", "c", [1, 1, 0, 1, 0]],
  ["a namespace nothing concerns", "d", [0, 0, 0, 0, 0]],
];

for (const [why, ns, expected] of CASES)
  test(`diff -n ${ns}: ${why}`, () => {
    const r = diffInNamespace(report, ns);
    assert.deepEqual(
      [r.connections.length, r.exposure.length, r.intended.length, r.placement.length, r.predictions.length],
      expected,
    );
  });
