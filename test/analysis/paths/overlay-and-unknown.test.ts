/**
 * Issue 8 items 4 and 6 on the seed's cluster (Calico VXLAN, nodes k8s-master 10.0.1.10,
 * k8s-worker-1 10.0.1.11, k8s-worker-2 10.0.1.12, all in ecoeco-node-sg): an overlay reply is a
 * new flow the security groups must admit on its own; security-group rules and routes that
 * reference a managed prefix list; routes to targets podpath does not follow are `unknown`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseEndpoint } from "../../../src/analysis/paths/endpoints.js";
import { tracePath, type TraceResult } from "../../../src/analysis/paths/trace.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { ManagedPrefixList, RouteTable, SecurityGroup, SecurityGroupRule } from "../../../src/model/aws.js";
import type { IPPool } from "../../../src/model/kubernetes.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const base = loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], cwd: REPO });
const NODE_SG = "sg-0ecoeco0000000002";
const ALB_SG = "sg-0ecoeco0000000001";
const MASTER_POD = "workload:kube-system/coredns"; // runs on k8s-master (10.0.1.10)
const WORKER_POD = "pod:argocd/argocd-application-controller-0"; // on k8s-worker-1 (10.0.1.11)

function trace(snapshot: Snapshot, from: string, to: string, port?: number): TraceResult {
  return tracePath(snapshot, { from: parseEndpoint(from), to: parseEndpoint(to), port });
}

const cidrRule = (
  protocol: string,
  ports: { from: number; to: number } | undefined,
  cidr: string,
): SecurityGroupRule => ({ protocol, ports, peers: [{ kind: "cidr", cidr, description: undefined }] });
const groupRule = (
  protocol: string,
  ports: { from: number; to: number } | undefined,
  groupId: string,
): SecurityGroupRule => ({ protocol, ports, peers: [{ kind: "security-group", groupId, description: undefined }] });

/** The example with ecoeco-node-sg's node-to-node rules replaced (the other rules kept). */
function nodeGroup(
  change: { ingress?: readonly SecurityGroupRule[]; egress?: readonly SecurityGroupRule[] },
  pools?: (p: IPPool) => IPPool,
): Snapshot {
  const securityGroups = base.aws.securityGroups.map((g): SecurityGroup => {
    if (g.id !== NODE_SG) return g;
    const others = g.ingress.filter((r) => !r.peers.some((p) => p.kind === "security-group" && p.groupId === NODE_SG));
    return { ...g, ingress: [...others, ...(change.ingress ?? [])], egress: change.egress ?? g.egress };
  });
  const kubernetes = pools ? { ...base.kubernetes, ipPools: base.kubernetes.ipPools.map(pools) } : base.kubernetes;
  return { ...base, kubernetes, aws: { ...base.aws, securityGroups } };
}

const ipip = (p: IPPool): IPPool => ({ ...p, vxlanMode: "Never", ipipMode: "Always" });

describe("overlay replies are new flows (Calico 'Network requirements': VXLAN UDP 4789 / IP-in-IP between all nodes, bidirectional)", () => {
  test("VXLAN, UDP 4789 allowed both ways between the nodes: delivered, and the reply is admitted by the rules as a new flow (not by connection tracking)", () => {
    const t = trace(
      nodeGroup({ ingress: [groupRule("udp", { from: 4789, to: 4789 }, NODE_SG)] }),
      MASTER_POD,
      WORKER_POD,
      8082,
    );
    assert.equal(t.verdict, "delivered");
    assert.equal(t.return.verdict, "delivered", t.return.drop?.message);
    const replyGroups = t.return.hops.filter((h) => h.component === "security-group");
    assert.equal(replyGroups.length, 2);
    for (const h of replyGroups)
      assert.match(h.note, /VXLAN reply 10\.0\.1\.11 → 10\.0\.1\.10:4789\/UDP is a new flow/);
    assert.match(replyGroups[1]!.note, /inbound udp 4789 from sg-0ecoeco0000000002/);
  });

  test("VXLAN, inbound UDP 4789 only from the master (one way): the request is delivered, the reply is dropped at the master's interface naming the missing rule (SECURITY_GROUP_INGRESS)", () => {
    const t = trace(
      nodeGroup({ ingress: [cidrRule("udp", { from: 4789, to: 4789 }, "10.0.1.10/32")] }),
      MASTER_POD,
      WORKER_POD,
      8082,
    );
    assert.equal(t.verdict, "delivered");
    assert.equal(t.return.verdict, "dropped");
    assert.equal(t.return.drop?.code, "SECURITY_GROUP_INGRESS");
    assert.equal(t.return.drop?.at, `security-group:${NODE_SG}`);
    assert.match(
      t.return.drop?.message ?? "",
      /no inbound rule of sg-0ecoeco0000000002 \(ecoeco-node-sg\) allows udp 4789 from 10\.0\.1\.11/,
    );
    assert.match(
      t.return.drop?.message ?? "",
      /missing rule: inbound UDP 4789 from 10\.0\.1\.11 \(or its security group sg-0ecoeco0000000002\) on sg-0ecoeco0000000002 \(ecoeco-node-sg\)/,
    );
    assert.equal(t.return.drop?.source?.file, "examples/ecoeco/aws/ec2-describe-security-groups.json");
    assert.equal(t.return.hops.at(-1)?.hop, "eni eni-0ecoeco0000000010 (10.0.1.10)");
    // the other way round, the worker's request is dropped on the way in, which was already seen before
    const back = trace(
      nodeGroup({ ingress: [cidrRule("udp", { from: 4789, to: 4789 }, "10.0.1.10/32")] }),
      "pod:argocd/argocd-application-controller-0",
      "pod:kube-system/coredns-b9hrv45s82-9bh6q",
      53,
    );
    assert.equal(back.drop?.code, "SECURITY_GROUP_INGRESS");
  });

  test("VXLAN, outbound UDP 4789 only to the worker: the reply is dropped leaving the worker (SECURITY_GROUP_EGRESS) naming the missing outbound rule", () => {
    const t = trace(
      nodeGroup({
        ingress: [groupRule("-1", undefined, NODE_SG)],
        egress: [cidrRule("udp", { from: 4789, to: 4789 }, "10.0.1.11/32")],
      }),
      MASTER_POD,
      WORKER_POD,
      8082,
    );
    assert.equal(t.verdict, "delivered");
    assert.equal(t.return.drop?.code, "SECURITY_GROUP_EGRESS");
    assert.match(
      t.return.drop?.message ?? "",
      /missing rule: outbound UDP 4789 to 10\.0\.1\.10 .* on sg-0ecoeco0000000002/,
    );
    assert.equal(t.return.hops.at(-1)?.hop, "eni eni-0ecoeco0000000011 (10.0.1.11)");
  });

  test("a plain (not encapsulated) reply is still admitted by connection tracking: a node → a pod's NodePort is unaffected", () => {
    const t = trace(
      nodeGroup({ ingress: [cidrRule("udp", { from: 4789, to: 4789 }, "10.0.1.10/32")] }),
      "ip:10.0.2.57",
      "node:k8s-worker-1",
      30080,
    );
    assert.equal(t.verdict, "delivered", t.drop?.message);
    assert.equal(t.return.verdict, "delivered");
    assert.ok(t.return.hops.some((h) => h.component === "security-group" && /connection tracking/.test(h.note)));
  });

  test("IP-in-IP: a protocol 4 rule between the nodes admits the request (AWS 'Security group rules': protocol numbers), the reply passes by tracking (AWS: other protocols are tracked by address and protocol number)", () => {
    const t = trace(nodeGroup({ ingress: [groupRule("4", undefined, NODE_SG)] }, ipip), MASTER_POD, WORKER_POD, 8082);
    assert.equal(t.verdict, "delivered", t.drop?.message);
    const inbound = t.hops.find((h) => h.component === "security-group" && h.hop.includes("10.0.1.11"))!;
    assert.match(inbound.note, /inbound protocol 4 from sg-0ecoeco0000000002/);
    assert.equal(t.return.verdict, "delivered");
    assert.ok(t.return.hops.some((h) => h.component === "security-group" && /protocol number only/.test(h.note)));
  });

  test("IP-in-IP: with UDP 4789 but no protocol 4 rule between the nodes, the encapsulated request is dropped (SECURITY_GROUP_INGRESS naming IP-in-IP)", () => {
    const t = trace(
      nodeGroup({ ingress: [groupRule("udp", { from: 4789, to: 4789 }, NODE_SG)] }, ipip),
      MASTER_POD,
      WORKER_POD,
      8082,
    );
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
    assert.match(t.drop?.message ?? "", /allows IP-in-IP \(protocol 4\) from 10\.0\.1\.10/);
  });
});

/** ecoeco-alb-sg with its only HTTPS rule referencing pl-cloudfront (a CloudFront-only ALB). */
function cloudFrontOnly(list?: ManagedPrefixList): Snapshot {
  const securityGroups = base.aws.securityGroups.map((g): SecurityGroup =>
    g.id === ALB_SG
      ? {
          ...g,
          ingress: [
            {
              protocol: "tcp",
              ports: { from: 443, to: 443 },
              peers: [{ kind: "prefix-list", prefixListId: "pl-3b927c52", description: "CloudFront origin-facing" }],
            },
          ],
        }
      : g,
  );
  return { ...base, aws: { ...base.aws, securityGroups, prefixLists: list ? [list] : [] } };
}

const cloudFrontList = (entries: readonly string[] | undefined): ManagedPrefixList => ({
  id: "pl-3b927c52",
  name: "com.amazonaws.global.cloudfront.origin-facing",
  addressFamily: "IPv4",
  entries: entries?.map((cidr) => ({ cidr, description: undefined })),
  source: { file: "aws/ec2-describe-managed-prefix-lists.json", line: 4, col: 9, doc: 0 },
});

describe("security-group rules referencing a managed prefix list, in a trace (AWS 'Managed prefix lists')", () => {
  const url = "url:https://growbin.app/argocd";

  test("without the prefix list in the snapshot: verdict unknown at the ALB's security group, naming the rule and what to capture", () => {
    const t = trace(cloudFrontOnly(), "internet", url);
    assert.equal(t.verdict, "unknown");
    assert.equal(t.drop, null);
    assert.equal(t.unknown?.at, `security-group:${ALB_SG}`);
    assert.match(
      t.unknown?.message ?? "",
      /inbound tcp 443 from prefix list pl-3b927c52 \(CloudFront origin-facing\) may allow tcp 443 from 198\.51\.100\.20/,
    );
    assert.match(
      t.unknown?.capture ?? "",
      /aws ec2 describe-managed-prefix-lists --prefix-list-ids pl-3b927c52 and aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-3b927c52/,
    );
    assert.equal(t.hops.at(-1)?.action, "unknown");
    assert.equal(t.return.verdict, "not-sent");
  });

  test("with the list's entries holding the client: delivered, the reason names the list and the entry", () => {
    const t = trace(cloudFrontOnly(cloudFrontList(["130.176.0.0/16", "198.51.100.0/24"])), "internet", url);
    assert.equal(t.verdict, "delivered", t.drop?.message ?? t.unknown?.message);
    const sg = t.hops.find((h) => h.component === "security-group" && h.id === ALB_SG)!;
    assert.match(sg.note, /198\.51\.100\.20 is in 198\.51\.100\.0\/24, an entry of pl-3b927c52/);
  });

  test("with the list's entries not holding the client: dropped (SECURITY_GROUP_INGRESS) — a client outside CloudFront cannot reach the ALB", () => {
    const t = trace(cloudFrontOnly(cloudFrontList(["130.176.0.0/16"])), "internet", url);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
  });

  test("with the list but not its entries: unknown, asking for the entries only", () => {
    const t = trace(cloudFrontOnly(cloudFrontList(undefined)), "internet", url);
    assert.equal(t.verdict, "unknown");
    assert.equal(t.unknown?.capture, "aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-3b927c52");
  });
});

/** The worker subnet's table (ecoeco-private-rt) with one more route. */
function privateRoute(
  destination: string,
  targetKind: RouteTable["routes"][number]["targetKind"],
  targetId: string,
): Snapshot {
  const routeTables = base.aws.routeTables.map((t): RouteTable =>
    t.id === "rtb-0ecoeco0000000003"
      ? { ...t, routes: [...t.routes, { destination, targetKind, targetId, state: "active", origin: "CreateRoute" }] }
      : t,
  );
  return { ...base, aws: { ...base.aws, routeTables } };
}

describe("route targets podpath does not follow are unknown, naming what to capture (AWS 'Route tables': targets)", () => {
  for (const [kind, id, capture] of [
    ["vpc-peering", "pcx-0abc", /describe-vpc-peering-connections --vpc-peering-connection-ids pcx-0abc/],
    ["transit-gateway", "tgw-0abc", /describe-transit-gateway-attachments/],
    ["virtual-private-gateway", "vgw-0abc", /describe-vpn-connections --filters Name=vpn-gateway-id,Values=vgw-0abc/],
    ["vpc-endpoint", "vpce-0abc", /describe-vpc-endpoints --vpc-endpoint-ids vpce-0abc/],
    ["local-gateway", "lgw-0abc", /describe-local-gateway-route-tables/],
    ["carrier-gateway", "cagw-0abc", /describe-carrier-gateways --carrier-gateway-ids cagw-0abc/],
  ] as const) {
    test(`a pod → 172.31.5.5 routed to ${kind} ${id}: unknown at the route table, not a drop`, () => {
      const t = trace(privateRoute("172.31.0.0/16", kind, id), "workload:ecoeco/ecoeco-api", "ip:172.31.5.5", 443);
      assert.equal(t.verdict, "unknown", t.drop?.message);
      assert.equal(t.unknown?.at, "route-table:rtb-0ecoeco0000000003");
      assert.match(t.unknown?.message ?? "", new RegExp(`172\\.31\\.0\\.0/16 → ${id}`));
      assert.match(t.unknown?.capture ?? "", capture);
    });
  }

  test("a route to an instance whose interface is not in the snapshot: unknown, naming the instance to capture", () => {
    const t = trace(
      privateRoute("172.31.0.0/16", "instance", "i-0outside"),
      "workload:ecoeco/ecoeco-api",
      "ip:172.31.5.5",
      443,
    );
    assert.equal(t.verdict, "unknown", t.drop?.message);
    assert.match(t.unknown?.capture ?? "", /aws ec2 describe-instances --instance-ids i-0outside/);
  });

  test("a route to a network interface not in the snapshot: unknown, naming the interface to capture", () => {
    const t = trace(
      privateRoute("172.31.0.0/16", "network-interface", "eni-0outside"),
      "workload:ecoeco/ecoeco-api",
      "ip:172.31.5.5",
      443,
    );
    assert.equal(t.verdict, "unknown", t.drop?.message);
    assert.equal(t.unknown?.capture, "aws ec2 describe-network-interfaces --network-interface-ids eni-0outside");
  });

  test("a blackhole route stays a certain drop (BLACKHOLE_ROUTE): the snapshot does decide it", () => {
    const routeTables = base.aws.routeTables.map((t): RouteTable =>
      t.id === "rtb-0ecoeco0000000003"
        ? {
            ...t,
            routes: [
              ...t.routes,
              {
                destination: "172.31.0.0/16",
                targetKind: "vpc-peering",
                targetId: "pcx-gone",
                state: "blackhole",
                origin: "CreateRoute",
              },
            ],
          }
        : t,
    );
    const t = trace({ ...base, aws: { ...base.aws, routeTables } }, "workload:ecoeco/ecoeco-api", "ip:172.31.5.5", 443);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "BLACKHOLE_ROUTE");
  });
});
