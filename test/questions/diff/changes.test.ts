/**
 * The diff's keys (Batfish Answerer.answerDiff: one question's rows on two snapshots compared by
 * key), on hand-made answers: external ranges compared address by address (netpol-analyzer
 * splits 0.0.0.0-255.255.255.255 at every ipBlock bound), and an exposure entry that opens.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { diffConnections, diffExposure } from "../../../src/questions/diff/changes.js";
import { diffJson } from "../../../src/questions/diff.js";
import type { ConnlistJson } from "../../../src/questions/connlist.js";
import type { ExposureJson, InternetExposureJson } from "../../../src/questions/exposure.js";

const conn = (src: string, dst: string, c = "All Connections") => ({ src, dst, conn: c });
const connlist = (connections: ReturnType<typeof conn>[]): ConnlistJson => ({ connections }) as unknown as ConnlistJson;

test("netpol-analyzer's external ranges re-split by a new ipBlock: only the addresses whose connections changed are listed", () => {
  const before = connlist([conn("a/x[Deployment]", "0.0.0.0-255.255.255.255[External]")]);
  const after = connlist([
    conn("a/x[Deployment]", "0.0.0.0-9.255.255.255[External]"),
    conn("a/x[Deployment]", "10.0.0.0-10.0.255.255[External]", "TCP 443"),
    conn("a/x[Deployment]", "10.1.0.0-255.255.255.255[External]"),
  ]);
  assert.deepEqual(diffConnections(before, after), [
    {
      change: "changed",
      src: "a/x[Deployment]",
      dst: "10.0.0.0-10.0.255.255[External]",
      before: "All Connections",
      after: "TCP 443",
    },
  ]);
  // the same ranges split differently, same connections: no change
  assert.deepEqual(
    diffConnections(
      before,
      connlist([
        conn("a/x[Deployment]", "0.0.0.0-9.255.255.255[External]"),
        conn("a/x[Deployment]", "10.0.0.0-255.255.255.255[External]"),
      ]),
    ),
    [],
  );
  // an external source cut entirely
  assert.deepEqual(
    diffConnections(connlist([conn("0.0.0.0-255.255.255.255[External]", "a/x[Deployment]")]), connlist([])),
    [
      {
        change: "removed",
        src: "0.0.0.0-255.255.255.255[External]",
        dst: "a/x[Deployment]",
        before: "All Connections",
        after: null,
      },
    ],
  );
});

test("an internet exposure entry that becomes open counts as new exposure; one that closes does not", () => {
  const entry = (verdict: string): InternetExposureJson =>
    ({
      frontend: "ingress/web",
      protocol: "TCP",
      port: 443,
      verdict,
      blockedBy: null,
      unknown: null,
      source: null,
    }) as unknown as InternetExposureJson;
  const exposure = (verdict: string): ExposureJson =>
    ({ workloads: [{ id: "a/x[Deployment]", internet: [entry(verdict)] }], unattached: [] }) as unknown as ExposureJson;
  const opened = diffExposure(exposure("blocked"), exposure("open"));
  assert.equal(opened.length, 1);
  assert.equal(opened[0]!.change, "changed");
  const report = { connections: [], exposure: opened, vpcExposure: [], intended: [], placement: [], predictions: [] };
  assert.equal(diffJson(report).newExposure, 1);
  assert.equal(diffJson({ ...report, exposure: diffExposure(exposure("open"), exposure("blocked")) }).newExposure, 0);
});

test("a path from the VPC host that opens is VPC exposure, compared apart from the internet's (same frontend, other origin) and counted in newVpcExposure", () => {
  const entry = (origin: string, verdict: string): InternetExposureJson =>
    ({
      origin,
      frontend: "NodePort 30080/TCP of service a/x",
      service: "a/x",
      protocol: "TCP",
      port: 30080,
      verdict,
      blockedBy: null,
      unknown: null,
      source: null,
    }) as unknown as InternetExposureJson;
  const exposure = (internet: string, vpc: string): ExposureJson =>
    ({
      workloads: [{ id: "a/x[Deployment]", internet: [entry("internet", internet)], vpc: [entry("vpc", vpc)] }],
      unattached: [],
    }) as unknown as ExposureJson;
  const before = exposure("blocked", "blocked");
  const after = exposure("blocked", "open");
  assert.deepEqual(diffExposure(before, after), []);
  const vpc = diffExposure(before, after, "vpc");
  assert.deepEqual(
    vpc.map((c) => [c.change, c.workload, c.service, c.before, c.after]),
    [["changed", "a/x[Deployment]", "a/x", "blocked", "open"]],
  );
  const json = diffJson({
    connections: [],
    exposure: [],
    vpcExposure: vpc,
    intended: [],
    placement: [],
    predictions: [],
  });
  assert.equal(json.newExposure, 0);
  assert.equal(json.newVpcExposure, 1);
  assert.deepEqual(json.counts.vpcExposure, { added: 0, removed: 0, changed: 1 });
});
