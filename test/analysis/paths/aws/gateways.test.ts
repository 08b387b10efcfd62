import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  internetGatewayInbound,
  internetGatewayTranslate,
  natGatewayTranslate,
} from "../../../../src/analysis/paths/aws/gateways.js";
import { routeFromSubnet } from "../../../../src/analysis/paths/aws/route-tables.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import { awsOf, REPO } from "../../../support/helpers.js";

const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO }).aws;

const VPC = `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`;
const SUBNETS = `{"Subnets": [
  {"SubnetId": "subnet-public", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"},
  {"SubnetId": "subnet-isolated", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}
]}`;
const IGW = `{"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}]}]}`;
const ROUTE_TABLES = `{"RouteTables": [
  {"RouteTableId": "rtb-public", "VpcId": "vpc-1",
   "Associations": [{"Main": false, "SubnetId": "subnet-public"}],
   "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
              {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]},
  {"RouteTableId": "rtb-isolated", "VpcId": "vpc-1",
   "Associations": [{"Main": false, "SubnetId": "subnet-isolated"}],
   "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]}
]}`;
const NAT_GATEWAYS = `{"NatGateways": [
  {"NatGatewayId": "nat-public", "VpcId": "vpc-1", "SubnetId": "subnet-public", "State": "available", "ConnectivityType": "public",
   "NatGatewayAddresses": [{"PrivateIp": "10.0.0.50", "PublicIp": "198.51.100.50", "AllocationId": "eipalloc-1", "IsPrimary": true}]},
  {"NatGatewayId": "nat-isolated", "VpcId": "vpc-1", "SubnetId": "subnet-isolated", "State": "available", "ConnectivityType": "public",
   "NatGatewayAddresses": [{"PrivateIp": "10.0.1.50", "PublicIp": "198.51.100.51", "IsPrimary": true}]},
  {"NatGatewayId": "nat-private", "VpcId": "vpc-1", "SubnetId": "subnet-public", "State": "available", "ConnectivityType": "private",
   "NatGatewayAddresses": [{"PrivateIp": "10.0.0.60", "IsPrimary": true}]},
  {"NatGatewayId": "nat-deleted", "VpcId": "vpc-1", "SubnetId": "subnet-public", "State": "deleted", "ConnectivityType": "public",
   "NatGatewayAddresses": [{"PrivateIp": "10.0.0.70", "PublicIp": "198.51.100.70", "IsPrimary": true}]}
]}`;
/** An instance with a public IP whose interface the snapshot does not list, and one without. */
const INSTANCES = `{"Reservations": [{"Instances": [
  {"InstanceId": "i-web", "PrivateIpAddress": "10.0.0.10", "PublicIpAddress": "198.51.100.10", "SubnetId": "subnet-public", "VpcId": "vpc-1"},
  {"InstanceId": "i-db", "PrivateIpAddress": "10.0.0.11", "SubnetId": "subnet-public", "VpcId": "vpc-1"}
]}]}`;
/** An interface with an Elastic IP on a secondary address only; i-web's interface, listed without its association. */
const INTERFACES = `{"NetworkInterfaces": [
  {"NetworkInterfaceId": "eni-web", "SubnetId": "subnet-public", "VpcId": "vpc-1", "Attachment": {"InstanceId": "i-web", "DeviceIndex": 0},
   "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.0.10"}]},
  {"NetworkInterfaceId": "eni-multi", "SubnetId": "subnet-public", "VpcId": "vpc-1",
   "PrivateIpAddresses": [
     {"Primary": true, "PrivateIpAddress": "10.0.0.20"},
     {"Primary": false, "PrivateIpAddress": "10.0.0.21", "Association": {"PublicIp": "198.51.100.21", "AllocationId": "eipalloc-2"}}
   ]}
]}`;

const aws = awsOf(VPC, SUBNETS, IGW, ROUTE_TABLES, NAT_GATEWAYS, INSTANCES, INTERFACES);

describe("internet gateway: 1:1 NAT for addresses with a public IP, none without", () => {
  const CASES = [
    {
      name: "an instance's public IP (PublicIpAddress) becomes the source, even when its interface's output lists no association",
      ip: "10.0.0.10",
      publicIp: "198.51.100.10",
      holder: "i-web",
    },
    {
      name: "an Elastic IP associated with a secondary private address translates that address",
      ip: "10.0.0.21",
      publicIp: "198.51.100.21",
      holder: "eni-multi",
    },
    {
      name: "a NAT gateway's Elastic IP translates its private address",
      ip: "10.0.0.50",
      publicIp: "198.51.100.50",
      holder: "nat-public",
    },
    {
      name: "the primary address of an interface without a public IP is not translated (NO_PUBLIC_IP)",
      ip: "10.0.0.20",
      publicIp: undefined,
      holder: "eni-multi",
    },
    {
      name: "an instance without a public IP is not translated (NO_PUBLIC_IP)",
      ip: "10.0.0.11",
      publicIp: undefined,
      holder: "i-db",
    },
    {
      name: "a private NAT gateway's address is not translated (NO_PUBLIC_IP)",
      ip: "10.0.0.60",
      publicIp: undefined,
      holder: "nat-private",
    },
    {
      name: "an address nothing in the snapshot holds is not translated (NO_PUBLIC_IP)",
      ip: "10.0.0.99",
      publicIp: undefined,
      holder: undefined,
    },
  ] as const;
  for (const c of CASES) {
    test(`internet gateway: ${c.name}`, () => {
      const decision = internetGatewayTranslate(c.ip, aws, "igw-1");
      assert.equal(decision.id, "igw-1");
      assert.equal(decision.publicIp, c.publicIp, decision.rule);
      assert.equal(decision.holder?.id, c.holder);
      if (c.publicIp === undefined) {
        assert.equal(!decision.allowed && decision.code, "NO_PUBLIC_IP");
        assert.match(decision.rule, /has no public IPv4 address or Elastic IP/);
      } else {
        assert.equal(decision.allowed, true);
        assert.match(
          decision.rule,
          new RegExp(`source ${c.ip.replace(/\./g, "\\.")} → ${c.publicIp.replace(/\./g, "\\.")}`),
        );
      }
    });
  }

  test("internet gateway: an incoming packet to a public address is translated to the private one", () => {
    const decision = internetGatewayInbound("198.51.100.21", aws, "igw-1");
    assert.equal(decision.allowed, true);
    assert.equal(decision.privateIp, "10.0.0.21");
    const unknown = internetGatewayInbound("192.0.2.1", aws, "igw-1");
    assert.equal(!unknown.allowed && unknown.code, "NO_PUBLIC_IP");
  });

  test("internet gateway: a gateway not attached to the address's VPC carries nothing of it", () => {
    const detached = awsOf(
      VPC,
      SUBNETS,
      `{"InternetGateways": [{"InternetGatewayId": "igw-2", "Attachments": [{"State": "available", "VpcId": "vpc-9"}]}]}`,
      INSTANCES,
    );
    const decision = internetGatewayTranslate("10.0.0.10", detached, "igw-2");
    assert.equal(!decision.allowed && decision.code, "NO_ROUTE");
    assert.match(decision.rule, /igw-2 is not attached to vpc-1/);
  });
});

describe("NAT gateway: SNAT to its private address, and its Elastic IP at the internet gateway", () => {
  test("NAT gateway: a public NAT gateway whose subnet routes 0.0.0.0/0 to an internet gateway reaches the internet", () => {
    const decision = natGatewayTranslate("nat-public", aws, "8.8.8.8");
    assert.equal(decision.allowed, true, decision.rule);
    assert.equal(decision.privateIp, "10.0.0.50");
    assert.equal(decision.publicIp, "198.51.100.50");
    assert.equal(decision.internetGatewayId, "igw-1");
    assert.equal(decision.route?.table?.id, "rtb-public");
    assert.match(
      decision.rule,
      /SNAT at nat-public: source → 10\.0\.0\.50.*1:1 NAT at igw-1: 10\.0\.0\.50 → its Elastic IP 198\.51\.100\.50 \(eipalloc-1\)/,
    );
  });

  test("NAT gateway: without a destination, the subnet's default route decides", () => {
    const decision = natGatewayTranslate("nat-public", aws);
    assert.equal(decision.allowed, true, decision.rule);
    assert.equal(decision.publicIp, "198.51.100.50");
  });

  test("NAT gateway: a NAT gateway whose subnet has no route to the internet drops it (NO_ROUTE naming that route table)", () => {
    const decision = natGatewayTranslate("nat-isolated", aws, "8.8.8.8");
    assert.equal(decision.allowed, false);
    assert.equal(!decision.allowed && decision.code, "NO_ROUTE");
    assert.equal(decision.id, "rtb-isolated");
    assert.equal(decision.source?.file, "aws/3.json");
    assert.match(
      decision.rule,
      /rtb-isolated, the route table of the NAT gateway's subnet subnet-isolated, has no route to 8\.8\.8\.8/,
    );
    assert.equal(decision.privateIp, "10.0.1.50");
    assert.equal(decision.publicIp, undefined);
  });

  test("NAT gateway: a NAT gateway whose subnet's route table the snapshot lacks is undecided (capture), not a drop — every subnet has its VPC's main table at least", () => {
    const noTables = awsOf(VPC, SUBNETS, IGW, NAT_GATEWAYS, INSTANCES, INTERFACES);
    const decision = natGatewayTranslate("nat-public", noTables, "8.8.8.8");
    assert.equal(decision.allowed, false);
    assert.equal(decision.privateIp, "10.0.0.50");
    assert.match(decision.capture ?? "", /describe-route-tables --filters Name=vpc-id,Values=vpc-1/);
  });

  test("NAT gateway: a route of its subnet that podpath does not follow (VPC peering) carries the lookup's capture", () => {
    const peered = awsOf(
      VPC,
      SUBNETS,
      IGW,
      ROUTE_TABLES.replace(
        `{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}`,
        `{"DestinationCidrBlock": "0.0.0.0/0", "VpcPeeringConnectionId": "pcx-1", "State": "active"}`,
      ),
      NAT_GATEWAYS,
      INSTANCES,
      INTERFACES,
    );
    const decision = natGatewayTranslate("nat-public", peered, "8.8.8.8");
    assert.equal(!decision.allowed && decision.code, "UNSUPPORTED_TARGET");
    assert.match(decision.capture ?? "", /describe-vpc-peering-connections --vpc-peering-connection-ids pcx-1/);
  });

  test("NAT gateway: an available NAT gateway whose output lists no private address (trimmed; AWS gives every NAT gateway one) is undecided, with what to capture", () => {
    const trimmed = awsOf(
      VPC,
      SUBNETS,
      IGW,
      ROUTE_TABLES,
      NAT_GATEWAYS.replace(
        `"NatGatewayAddresses": [{"PrivateIp": "10.0.0.50", "PublicIp": "198.51.100.50", "AllocationId": "eipalloc-1", "IsPrimary": true}]`,
        `"NatGatewayAddresses": []`,
      ),
      INSTANCES,
      INTERFACES,
    );
    const decision = natGatewayTranslate("nat-public", trimmed, "8.8.8.8");
    assert.equal(decision.allowed, false);
    assert.equal(decision.privateIp, undefined);
    assert.match(decision.capture ?? "", /describe-nat-gateways --nat-gateway-ids nat-public/);
  });

  test("NAT gateway: a private NAT gateway cannot reach the internet (NO_PUBLIC_IP)", () => {
    const decision = natGatewayTranslate("nat-private", aws, "8.8.8.8");
    assert.equal(!decision.allowed && decision.code, "NO_PUBLIC_IP");
    assert.match(decision.rule, /private NAT gateway has no Elastic IP/);
  });

  test("NAT gateway: a NAT gateway that is not available forwards nothing (BLACKHOLE_ROUTE)", () => {
    const decision = natGatewayTranslate("nat-deleted", aws, "8.8.8.8");
    assert.equal(!decision.allowed && decision.code, "BLACKHOLE_ROUTE");
    assert.match(decision.rule, /is deleted, not available/);
  });

  test("NAT gateway: a NAT gateway missing from the snapshot is reported, not guessed", () => {
    const decision = natGatewayTranslate("nat-unknown", aws, "8.8.8.8");
    assert.equal(!decision.allowed && decision.code, "NO_ROUTE");
    assert.match(decision.rule, /nat-unknown is not in the snapshot/);
  });

  test("NAT gateway: toward an address of the VPC the source is its private address and no Elastic IP is used", () => {
    const decision = natGatewayTranslate("nat-public", aws, "10.0.1.9");
    assert.equal(decision.allowed, true, decision.rule);
    assert.equal(decision.privateIp, "10.0.0.50");
    assert.equal(decision.publicIp, undefined);
    assert.equal(decision.route?.targetKind, "local");
  });
});

describe("internet and NAT gateways: the example cluster", () => {
  test("a worker (10.0.1.11) → 8.8.8.8:443 leaves through the NAT gateway and is seen as 203.0.113.10", () => {
    const first = routeFromSubnet("subnet-0ecoeco0000000011", "8.8.8.8", example);
    assert.equal(first.targetKind, "nat-gateway");
    assert.ok(first.targetId);
    const nat = natGatewayTranslate(first.targetId, example, "8.8.8.8");
    assert.equal(nat.allowed, true, nat.rule);
    assert.equal(nat.privateIp, "10.0.2.100");
    assert.equal(nat.route?.table?.id, "rtb-0ecoeco0000000002");
    assert.equal(nat.internetGatewayId, "igw-0ecoeco0000000001");
    assert.equal(nat.publicIp, "203.0.113.10");
    assert.equal(nat.source?.file, "examples/ecoeco/aws/ec2-describe-nat-gateways.json");
    // the internet gateway's own view of the NAT gateway's address agrees
    assert.equal(internetGatewayTranslate("10.0.2.100", example, "igw-0ecoeco0000000001").publicIp, "203.0.113.10");
  });

  test("the worker has no public IP: straight to the internet gateway it is dropped (NO_PUBLIC_IP)", () => {
    const decision = internetGatewayTranslate("10.0.1.11", example, "igw-0ecoeco0000000001");
    assert.equal(decision.allowed, false);
    assert.equal(!decision.allowed && decision.code, "NO_PUBLIC_IP");
    assert.match(
      decision.rule,
      /10\.0\.1\.11 \(eni-0ecoeco0000000011 \(instance i-0ecoeco0000000011\), instance i-0ecoeco0000000011 \(k8s-worker-1\)\) has no public IPv4 address/,
    );
    assert.equal(decision.source?.file, "examples/ecoeco/aws/ec2-describe-network-interfaces.json");
  });

  test("an ALB interface's public address maps both ways", () => {
    assert.equal(internetGatewayTranslate("10.0.2.57", example).publicIp, "203.0.113.45");
    assert.equal(internetGatewayInbound("203.0.113.46", example).privateIp, "10.0.3.142");
  });
});
