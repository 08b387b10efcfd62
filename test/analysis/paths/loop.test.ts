/**
 * Forwarding loops (Batfish dataplane/traceroute/FlowTracer.java: a packet that reaches a
 * Breadcrumb — node, VRF, ingress interface, flow — it already left is FlowDisposition.LOOP).
 * Built on the seed's cluster: nodes k8s-master 10.0.1.10, k8s-worker-1 10.0.1.11 (eni-…011),
 * k8s-worker-2 10.0.1.12 (eni-…012), all in subnet-…011 behind rtb-…003.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseEndpoint } from "../../../src/analysis/paths/endpoints.js";
import { tracePath, type TraceResult } from "../../../src/analysis/paths/trace.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { NetworkInterface, Route, RouteTable } from "../../../src/model/aws.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const base = loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], cwd: REPO });
const NODE_TABLE = "rtb-0ecoeco0000000003";
const PUBLIC_TABLE = "rtb-0ecoeco0000000002";
const WORKER_1_ENI = "eni-0ecoeco0000000011";
const WORKER_2_ENI = "eni-0ecoeco0000000012";
const PUBLIC_SUBNET = "subnet-0ecoeco0000000021";

function trace(snapshot: Snapshot, from: string, to: string, port?: number): TraceResult {
  return tracePath(snapshot, { from: parseEndpoint(from), to: parseEndpoint(to), port });
}

const toEni = (destination: string, eni: string): Route => ({
  destination,
  targetKind: "network-interface",
  targetId: eni,
  state: "active",
  origin: "CreateRoute",
});

/** The example with extra routes per table, and interfaces changed (source/dest check off: they forward). */
function withRoutes(
  routes: Readonly<Record<string, readonly Route[]>>,
  enis: (e: NetworkInterface) => NetworkInterface,
): Snapshot {
  const routeTables = base.aws.routeTables.map((t): RouteTable =>
    routes[t.id] ? { ...t, routes: [...t.routes, ...routes[t.id]!] } : t,
  );
  return { ...base, aws: { ...base.aws, routeTables, networkInterfaces: base.aws.networkInterfaces.map(enis) } };
}

const forwarding =
  (...ids: string[]) =>
  (e: NetworkInterface): NetworkInterface =>
    ids.includes(e.id) ? { ...e, sourceDestCheck: false } : e;

describe("routing loops end in LOOP (Batfish FlowTracer: a repeated Breadcrumb is FlowDisposition.LOOP)", () => {
  test("a subnet's route sends a prefix to a node of that subnet, which routes it back to the VPC: LOOP at the route table, naming the devices", () => {
    const s = withRoutes({ [NODE_TABLE]: [toEni("10.99.0.0/16", WORKER_1_ENI)] }, forwarding(WORKER_1_ENI));
    const t = trace(s, "node:k8s-master", "ip:10.99.0.5", 80);
    assert.equal(t.verdict, "dropped", t.drop?.message ?? t.unknown?.message);
    assert.equal(t.drop?.code, "LOOP");
    assert.equal(t.drop?.at, `route-table:${NODE_TABLE}`);
    assert.ok(t.drop?.source, "the loop cites the route table's file:line");
    assert.equal(
      t.drop?.message,
      "routing loop: the packet enters subnet subnet-0ecoeco0000000011 again unchanged (subnet subnet-0ecoeco0000000011 → eni eni-0ecoeco0000000011 (10.0.1.11) → node k8s-worker-1 → eni eni-0ecoeco0000000011 (10.0.1.11) → subnet subnet-0ecoeco0000000011); it circles until its TTL runs out",
    );
    assert.equal(t.return.verdict, "not-sent");
  });

  test("two route tables point a prefix at each other's node: the packet ping-pongs between the nodes — LOOP naming both", () => {
    const s = withRoutes(
      { [NODE_TABLE]: [toEni("10.99.0.0/16", WORKER_2_ENI)], [PUBLIC_TABLE]: [toEni("10.99.0.0/16", WORKER_1_ENI)] },
      (e) => forwarding(WORKER_1_ENI, WORKER_2_ENI)(e.id === WORKER_2_ENI ? { ...e, subnetId: PUBLIC_SUBNET } : e),
    );
    const t = trace(s, "node:k8s-worker-1", "ip:10.99.0.5", 80);
    assert.equal(t.verdict, "dropped", t.drop?.message ?? t.unknown?.message);
    assert.equal(t.drop?.code, "LOOP");
    assert.equal(t.drop?.at, `route-table:${PUBLIC_TABLE}`);
    for (const device of [
      "node k8s-worker-1",
      "node k8s-worker-2",
      "subnet subnet-0ecoeco0000000011",
      "subnet subnet-0ecoeco0000000021",
    ])
      assert.ok(t.drop?.message.includes(device), `${device} in ${t.drop?.message}`);
  });

  test("no loop without the returning route: the same prefix routed to a node that sends it on to the NAT gateway is not a loop", () => {
    const s = withRoutes({ [PUBLIC_TABLE]: [toEni("10.99.0.0/16", WORKER_1_ENI)] }, forwarding(WORKER_1_ENI));
    const t = trace(s, "node:k8s-master", "ip:10.99.0.5", 80);
    assert.notEqual(t.drop?.code, "LOOP");
  });
});
