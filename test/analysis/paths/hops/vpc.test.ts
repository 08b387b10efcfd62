/**
 * hops/vpc.ts, each device driven directly with its neighbours stubbed (support.ts): network
 * interfaces (AWS "Security groups" — stateful —, "Source/destination checking"), the subnet
 * router ("Route tables": longest prefix; "Network ACLs" at the subnet boundary), the NAT gateway,
 * the internet gateway and the internet.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  eniEgress,
  eniIngress,
  internet,
  internetGatewayOut,
  natGateway,
  subnetRouter,
} from "../../../../src/analysis/paths/hops/vpc.js";
import type { NetworkInterface } from "../../../../src/model/aws.js";
import { actions, example, replyOf, stubNetwork, tcp } from "./support.js";

const eni = (id: string): NetworkInterface => example.aws.networkInterfaces.find((e) => e.id === id)!;
const MASTER_ENI = eni("eni-0ecoeco0000000010"); // k8s-master 10.0.1.10, ecoeco-node-sg
const WORKER_1_ENI = eni("eni-0ecoeco0000000011"); // k8s-worker-1 10.0.1.11
const ALB_ENI = eni("eni-0ecoeco0000000201"); // the ALB's 10.0.2.57, subnet-…021
const NODE_SUBNET = "subnet-0ecoeco0000000011";
const PUBLIC_SUBNET = "subnet-0ecoeco0000000021";
const NAT = example.aws.natGateways[0]!; // 10.0.2.100 / 203.0.113.10 in subnet-…021

describe("eniEgress (AWS: source/destination check, then the security groups' outbound rules)", () => {
  test("a node sending from its own address: the check and the groups allow, the next hop is its subnet's router", () => {
    const out = eniEgress(stubNetwork(), MASTER_ENI).forward(tcp("10.0.1.10", "10.0.1.11", 10250));
    assert.deepEqual(actions(out), ["eni allow", "security-group allow"]);
    assert.equal(out.next?.name, `subnetRouter ${NODE_SUBNET}`);
  });

  test("a source the interface does not hold, with the check on: SOURCE_DEST_CHECK", () => {
    const out = eniEgress(stubNetwork(), MASTER_ENI).forward(tcp("192.168.235.193", "10.0.1.11", 10250));
    assert.equal(out.drop?.code, "SOURCE_DEST_CHECK");
    assert.equal(out.next, undefined);
  });
});

describe("eniIngress (AWS: the security groups' inbound rules, the source/destination check, then the owner)", () => {
  test("the ALB to a NodePort (ecoeco-node-sg: 30000-32767 from the ALB's group): allowed, handed to the node from the wire; the reply is admitted by connection tracking", () => {
    const out = eniIngress(stubNetwork(), WORKER_1_ENI).forward(tcp("10.0.2.57", "10.0.1.11", 30080));
    assert.deepEqual(actions(out), ["security-group allow", "eni allow"]);
    assert.equal(out.next?.name, "node k8s-worker-1 (wire)");
    const back = replyOf(out);
    assert.equal(back.drop, undefined);
    assert.ok(back.steps.some((s) => s.component === "security-group" && s.action === "allow"));
  });

  test("a port no inbound rule allows from the ALB (5432): SECURITY_GROUP_INGRESS at the node's group", () => {
    const out = eniIngress(stubNetwork(), WORKER_1_ENI).forward(tcp("10.0.2.57", "10.0.1.11", 5432));
    assert.equal(out.drop?.code, "SECURITY_GROUP_INGRESS");
    assert.equal(out.drop?.at, "security-group:sg-0ecoeco0000000002");
    assert.equal(out.steps[0]?.detail?.kind === "filter" && out.steps[0].detail.verdict, "deny");
  });
});

describe("subnetRouter (AWS route tables: longest prefix match; network ACLs where the packet crosses a subnet boundary)", () => {
  test("the local route to an interface of another subnet: the route step, both ACLs, then that interface", () => {
    const out = subnetRouter(stubNetwork(), PUBLIC_SUBNET).forward(tcp("10.0.2.57", "10.0.1.11", 30080));
    assert.deepEqual(actions(out), ["route-table forward", "nacl allow", "nacl allow"]);
    assert.deepEqual(out.steps[0]?.detail, {
      kind: "route",
      table: "rtb-0ecoeco0000000002",
      route: "10.0.0.0/16",
      target: "local",
    });
    assert.equal(out.next?.name, `eniIngress ${WORKER_1_ENI.id}`);
  });

  test("0.0.0.0/0 of the node subnet's table goes to the NAT gateway", () => {
    const out = subnetRouter(stubNetwork(), NODE_SUBNET).forward(tcp("10.0.1.10", "1.1.1.1", 443));
    assert.equal(out.steps[0]?.id, "rtb-0ecoeco0000000003");
    assert.equal(out.next?.name, `natGateway ${NAT.id}`);
  });

  test("a VPC address no interface holds: NO_ROUTE at the route table", () => {
    const out = subnetRouter(stubNetwork(), NODE_SUBNET).forward(tcp("10.0.1.10", "10.0.1.200", 80));
    assert.equal(out.drop?.code, "NO_ROUTE");
    assert.equal(out.drop?.at, "route-table:rtb-0ecoeco0000000003");
  });
});

describe("natGateway (AWS NAT gateways: SNAT to the gateway's private address, then its own subnet's route table)", () => {
  test("the packet leaves with the gateway's private address, toward the public subnet's router; the reply is un-SNATed", () => {
    const out = natGateway(stubNetwork(), NAT).forward(tcp("10.0.1.10", "1.1.1.1", 443));
    assert.equal(out.packet.src, "10.0.2.100");
    assert.equal(out.next?.name, `subnetRouter ${PUBLIC_SUBNET}`);
    assert.equal(replyOf(out).packet.dst, "10.0.1.10");
  });
});

describe("internetGatewayOut (AWS internet gateways: 1:1 NAT of a private address to its public one; private destinations go nowhere)", () => {
  test("the NAT gateway's address becomes its Elastic IP, on to the internet", () => {
    const out = internetGatewayOut(stubNetwork(), "igw-0ecoeco0000000001").forward(tcp("10.0.2.100", "1.1.1.1", 443));
    assert.equal(out.packet.src, "203.0.113.10");
    assert.equal(out.next?.name, "internet transit");
  });

  test("a private destination: PRIVATE_DESTINATION", () => {
    const out = internetGatewayOut(stubNetwork(), "igw-0ecoeco0000000001").forward(
      tcp("10.0.2.100", "172.16.5.5", 443),
    );
    assert.equal(out.drop?.code, "PRIVATE_DESTINATION");
  });
});

describe("internet (a public address outside every VPC)", () => {
  test("in transit to a public address outside the snapshot: delivered there", () => {
    const out = internet(stubNetwork(), "transit").forward(tcp("203.0.113.10", "1.1.1.1", 443));
    assert.equal(out.drop, undefined);
    assert.equal(out.next, undefined);
    assert.equal(out.steps[out.steps.length - 1]?.action, "deliver");
  });

  test("a client on the internet to the ALB's public address: in through the VPC's internet gateway, translated to the ALB's private address", () => {
    const out = internet(stubNetwork(), "source").forward(tcp("198.51.100.7", "203.0.113.45", 443));
    assert.equal(out.steps[0]?.action, "forward");
    assert.equal(out.packet.dst, ALB_ENI.privateIps[0]?.address);
  });
});
