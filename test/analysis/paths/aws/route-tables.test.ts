import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lookupRoute, routeFromSubnet, routeTableForSubnet } from "../../../../src/analysis/paths/aws/route-tables.js";
import type { DropCode } from "../../../../src/analysis/paths/trace-model.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { RouteTable } from "../../../../src/model/aws.js";
import type { AwsModel } from "../../../../src/model/snapshot.js";
import { awsOf, REPO } from "../../../support/helpers.js";

function table(aws: AwsModel, id: string): RouteTable {
  const found = aws.routeTables.find((t) => t.id === id);
  assert.ok(found, `${id} not loaded`);
  return found;
}

const VPC = `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "IsDefault": false}]}`;
const SUBNETS = `{"Subnets": [
  {"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
  {"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"},
  {"SubnetId": "subnet-other", "VpcId": "vpc-2", "CidrBlock": "10.9.0.0/24"}
]}`;
const ROUTE_TABLES = `{"RouteTables": [
  {
    "RouteTableId": "rtb-main", "VpcId": "vpc-1",
    "Associations": [{"Main": true, "RouteTableId": "rtb-main"}],
    "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]
  },
  {
    "RouteTableId": "rtb-a", "VpcId": "vpc-1",
    "Associations": [{"Main": false, "RouteTableId": "rtb-a", "SubnetId": "subnet-a"}],
    "Routes": [
      {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active", "Origin": "CreateRouteTable"},
      {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active", "Origin": "CreateRoute"},
      {"DestinationCidrBlock": "10.0.5.0/24", "NetworkInterfaceId": "eni-appliance", "State": "active", "Origin": "CreateRoute"},
      {"DestinationCidrBlock": "192.168.0.0/16", "NatGatewayId": "nat-1", "State": "active", "Origin": "CreateRoute"},
      {"DestinationCidrBlock": "192.168.10.0/24", "VpcPeeringConnectionId": "pcx-1", "State": "active", "Origin": "CreateRoute"},
      {"DestinationCidrBlock": "192.168.20.0/24", "TransitGatewayId": "tgw-1", "State": "active", "Origin": "CreateRoute"},
      {"DestinationCidrBlock": "192.168.30.0/24", "GatewayId": "vpce-1", "State": "active", "Origin": "CreateRoute"},
      {"DestinationCidrBlock": "100.64.0.0/10", "NatGatewayId": "nat-gone", "State": "blackhole", "Origin": "CreateRoute"},
      {"DestinationCidrBlock": "10.0.7.0/24", "GatewayId": "vgw-1", "State": "active", "Origin": "EnableVgwRoutePropagation"},
      {"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": "vgw-1", "State": "active", "Origin": "EnableVgwRoutePropagation"},
      {"DestinationCidrBlock": "172.16.0.0/12", "NatGatewayId": "nat-1", "State": "active", "Origin": "CreateRoute"},
      {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active", "Origin": "CreateRoute"},
      {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-s3", "State": "active", "Origin": "CreateRoute"}
    ]
  },
  {
    "RouteTableId": "rtb-trimmed", "VpcId": "vpc-1",
    "Associations": [{"Main": false, "RouteTableId": "rtb-trimmed", "SubnetId": "subnet-b"}],
    "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}]
  }
]}`;

const aws = awsOf(VPC, SUBNETS, ROUTE_TABLES);
const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO }).aws;

describe("vpc route tables: which table a subnet uses", () => {
  test("a subnet explicitly associated with a route table uses that table", () => {
    const selection = routeTableForSubnet("subnet-a", aws);
    assert.equal(selection?.table.id, "rtb-a");
    assert.equal(selection?.association, "explicit");
  });

  test("a subnet without an explicit association uses its VPC's main route table", () => {
    const only = awsOf(
      VPC,
      SUBNETS,
      `{"RouteTables": [{"RouteTableId": "rtb-main", "VpcId": "vpc-1",
      "Associations": [{"Main": true, "RouteTableId": "rtb-main"}],
      "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]}]}`,
    );
    const selection = routeTableForSubnet("subnet-b", only);
    assert.equal(selection?.table.id, "rtb-main");
    assert.equal(selection?.association, "main");
    assert.match(selection?.note ?? "", /main route table of vpc-1/);
  });

  test("the main table of another VPC is never used", () => {
    assert.equal(routeTableForSubnet("subnet-other", aws), undefined);
  });

  test("without any table for the subnet, routing from it is undecided (every subnet uses its VPC's main table at least, AWS 'Route tables for your VPC'): capture names the table to add", () => {
    const lookup = routeFromSubnet("subnet-other", "8.8.8.8", aws);
    assert.equal(lookup.allowed, false);
    assert.equal(!lookup.allowed && lookup.code, "NO_ROUTE");
    assert.match(lookup.rule, /no route table for subnet-other/);
    assert.match(lookup.capture ?? "", /aws ec2 describe-route-tables --filters Name=vpc-id,Values=vpc-2/);
    assert.equal(lookup.source?.file, "aws/1.json");
  });

  test("example: the worker subnet uses ecoeco-private-rt, the public subnets ecoeco-public-rt", () => {
    assert.equal(routeTableForSubnet("subnet-0ecoeco0000000011", example)?.table.id, "rtb-0ecoeco0000000003");
    assert.equal(routeTableForSubnet("subnet-0ecoeco0000000021", example)?.table.id, "rtb-0ecoeco0000000002");
    assert.equal(routeTableForSubnet("subnet-0ecoeco0000000031", example)?.table.id, "rtb-0ecoeco0000000002");
  });
});

const LOOKUPS: readonly {
  name: string;
  dst: string;
  allowed: boolean;
  code?: DropCode;
  destination?: string;
  target?: string;
  kind?: string;
  capture?: RegExp;
}[] = [
  {
    name: "anything outside the more specific routes takes the default route",
    dst: "8.8.8.8",
    allowed: true,
    destination: "0.0.0.0/0",
    target: "igw-1",
    kind: "internet-gateway",
  },
  {
    name: "the local route carries the VPC's own addresses",
    dst: "10.0.1.5",
    allowed: true,
    destination: "10.0.0.0/16",
    target: "local",
    kind: "local",
  },
  {
    name: "a route more specific than the local route wins (middlebox routing)",
    dst: "10.0.5.9",
    allowed: true,
    destination: "10.0.5.0/24",
    target: "eni-appliance",
    kind: "network-interface",
  },
  {
    name: "the most specific route wins (longest prefix match): /16 to a NAT gateway over 0.0.0.0/0",
    dst: "192.168.1.1",
    allowed: true,
    destination: "192.168.0.0/16",
    target: "nat-1",
    kind: "nat-gateway",
  },
  {
    name: "a VPC peering target is not followed: undecided, naming the peering connection to capture",
    dst: "192.168.10.1",
    allowed: false,
    code: "UNSUPPORTED_TARGET",
    destination: "192.168.10.0/24",
    target: "pcx-1",
    kind: "vpc-peering",
    capture: /describe-vpc-peering-connections --vpc-peering-connection-ids pcx-1/,
  },
  {
    name: "a transit gateway target is not followed: undecided, naming its attachments and routes to capture",
    dst: "192.168.20.1",
    allowed: false,
    code: "UNSUPPORTED_TARGET",
    destination: "192.168.20.0/24",
    target: "tgw-1",
    kind: "transit-gateway",
    capture: /describe-transit-gateway-attachments --filters Name=transit-gateway-id,Values=tgw-1/,
  },
  {
    name: "a VPC endpoint target is not followed: undecided, naming the endpoint to capture",
    dst: "192.168.30.7",
    allowed: false,
    code: "UNSUPPORTED_TARGET",
    destination: "192.168.30.0/24",
    target: "vpce-1",
    kind: "vpc-endpoint",
    capture: /describe-vpc-endpoints --vpc-endpoint-ids vpce-1/,
  },
  {
    name: "a blackhole route drops what it matches (BLACKHOLE_ROUTE)",
    dst: "100.64.3.3",
    allowed: false,
    code: "BLACKHOLE_ROUTE",
    destination: "100.64.0.0/10",
    target: "nat-gone",
  },
  {
    name: "a propagated route never wins over the local route it overlaps, however specific",
    dst: "10.0.7.1",
    allowed: true,
    destination: "10.0.0.0/16",
    target: "local",
    kind: "local",
  },
  {
    name: "a static route beats a propagated route to the same destination",
    dst: "172.16.0.1",
    allowed: true,
    destination: "172.16.0.0/12",
    target: "nat-1",
    kind: "nat-gateway",
  },
  {
    name: "an IPv6 destination is not routed by podpath",
    dst: "2001:db8::1",
    allowed: false,
    code: "UNSUPPORTED_TARGET",
  },
];

describe("vpc route tables: the route a packet takes (route priority)", () => {
  for (const c of LOOKUPS) {
    test(`vpc route tables: ${c.name}`, () => {
      const lookup = lookupRoute(table(aws, "rtb-a"), c.dst, aws);
      assert.equal(lookup.allowed, c.allowed, lookup.rule);
      if (!lookup.allowed) assert.equal(lookup.code, c.code);
      if (c.capture) assert.match(lookup.capture ?? "", c.capture);
      else assert.equal(lookup.capture, undefined, "decided: nothing to capture");
      if (c.destination !== undefined) assert.equal(lookup.route?.destination, c.destination);
      if (c.target !== undefined) assert.equal(lookup.targetId, c.target);
      if (c.kind !== undefined) assert.equal(lookup.targetKind, c.kind);
      assert.equal(lookup.id, "rtb-a");
      assert.equal(lookup.source?.file, "aws/2.json");
    });
  }

  test("vpc route tables: IPv6 routes, and prefix-list routes without their entries, are skipped with a note when another route matches", () => {
    const lookup = lookupRoute(table(aws, "rtb-a"), "52.216.0.1", aws);
    assert.equal(lookup.targetId, "igw-1");
    assert.ok(
      lookup.notes.some((n) => /1 IPv6 route skipped/.test(n)),
      lookup.notes.join("\n"),
    );
    assert.ok(
      lookup.notes.some((n) => /pl-63a5400a → vpce-s3 .*entries are not in the snapshot/.test(n)),
      lookup.notes.join("\n"),
    );
  });

  test("vpc route tables: the rule text names the route, the table and why it won", () => {
    const lookup = lookupRoute(table(aws, "rtb-a"), "192.168.1.1", aws);
    assert.match(
      lookup.rule,
      /192\.168\.0\.0\/16 → nat-1 \(nat-gateway\) in rtb-a, the most specific of 2 matching routes/,
    );
  });

  test("vpc route tables: no matching route is a NO_ROUTE drop listing the table's routes", () => {
    const lookup = lookupRoute(table(aws, "rtb-main"), "8.8.8.8", aws);
    assert.equal(!lookup.allowed && lookup.code, "NO_ROUTE");
    assert.match(lookup.rule, /no route in rtb-main matches 8\.8\.8\.8 \(routes: 10\.0\.0\.0\/16 → local\)/);
  });

  test("vpc route tables: every table has the local route, even when the output lists none", () => {
    const withVpc = lookupRoute(table(aws, "rtb-trimmed"), "10.0.3.3", aws);
    assert.equal(withVpc.targetKind, "local");
    assert.ok(withVpc.notes.some((n) => /not listed/.test(n)));
    // without the VPC's CIDRs, podpath cannot know the local route and only the listed ones count
    const withoutVpc = lookupRoute(table(aws, "rtb-trimmed"), "10.0.3.3");
    assert.equal(withoutVpc.targetId, "nat-1");
  });
});

describe("vpc route tables: the example cluster", () => {
  test("a worker (10.0.1.11) → 8.8.8.8 leaves by the private route table to the NAT gateway", () => {
    const lookup = routeFromSubnet("subnet-0ecoeco0000000011", "8.8.8.8", example);
    assert.equal(lookup.allowed, true, lookup.rule);
    assert.equal(lookup.table?.id, "rtb-0ecoeco0000000003");
    assert.equal(lookup.targetKind, "nat-gateway");
    assert.equal(lookup.targetId, "nat-0ecoeco0000000001");
    assert.match(lookup.rule, /ecoeco-private-rt/);
    assert.equal(lookup.source?.file, "examples/ecoeco/aws/ec2-describe-route-tables.json");
  });

  test("the NAT gateway's subnet routes the internet to the internet gateway", () => {
    const lookup = routeFromSubnet("subnet-0ecoeco0000000021", "8.8.8.8", example);
    assert.equal(lookup.targetKind, "internet-gateway");
    assert.equal(lookup.targetId, "igw-0ecoeco0000000001");
  });

  test("a worker reaches another node by the local route", () => {
    const lookup = routeFromSubnet("subnet-0ecoeco0000000011", "10.0.1.12", example);
    assert.equal(lookup.targetKind, "local");
    assert.equal(lookup.route?.destination, "10.0.0.0/16");
  });
});

/** pl-63a5400a (com.amazonaws.us-east-1.s3) as the model holds it, with two of its entries. */
function withS3List(model: AwsModel, entries: string[] | undefined): AwsModel {
  const list = {
    id: "pl-63a5400a",
    name: "com.amazonaws.us-east-1.s3",
    addressFamily: "IPv4",
    entries: entries?.map((cidr) => ({ cidr, description: undefined })),
    source: { file: "aws/pl.json", line: 1, col: 1, doc: 0 },
  };
  return { ...model, prefixLists: [list] };
}

describe("vpc route tables: routes to a managed prefix list (AWS 'Route priority: prefix lists')", () => {
  test("vpc route tables (prefix list with entries): an address in an entry takes the prefix-list route when its entry is more specific (longest prefix match)", () => {
    const model = withS3List(aws, ["52.216.0.0/15", "54.231.0.0/16"]);
    const lookup = lookupRoute(table(model, "rtb-a"), "52.216.0.1", model);
    assert.equal(lookup.allowed, false, "the target is a VPC endpoint: not followed");
    assert.equal(lookup.targetId, "vpce-s3");
    assert.match(lookup.rule, /52\.216\.0\.1 is in 52\.216\.0\.0\/15, an entry of prefix list pl-63a5400a/);
    assert.match(lookup.capture ?? "", /describe-vpc-endpoints --vpc-endpoint-ids vpce-s3/);
  });

  test("vpc route tables (prefix list with entries): an address in no entry takes the other routes", () => {
    const model = withS3List(aws, ["52.216.0.0/15"]);
    const lookup = lookupRoute(table(model, "rtb-a"), "8.8.8.8", model);
    assert.equal(lookup.targetId, "igw-1");
    assert.ok(!lookup.notes.some((n) => /pl-63a5400a/.test(n)), lookup.notes.join("\n"));
  });

  test("vpc route tables (prefix list with entries): at equal prefix length a static CIDR route is preferred over the prefix-list route", () => {
    const model = withS3List(aws, ["192.168.0.0/16"]);
    const lookup = lookupRoute(table(model, "rtb-a"), "192.168.1.1", model);
    assert.equal(lookup.targetId, "nat-1");
  });

  test("vpc route tables (prefix list without entries): a packet only the prefix-list route could take is undecided, naming the list to capture", () => {
    const only = awsOf(
      VPC,
      SUBNETS,
      `{"RouteTables": [{"RouteTableId": "rtb-endpoint-only", "VpcId": "vpc-1",
      "Associations": [{"Main": false, "RouteTableId": "rtb-endpoint-only", "SubnetId": "subnet-a"}],
      "Routes": [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active", "Origin": "CreateRouteTable"},
        {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-s3", "State": "active", "Origin": "CreateRoute"}
      ]}]}`,
    );
    const lookup = lookupRoute(table(only, "rtb-endpoint-only"), "52.216.0.1", only);
    assert.equal(lookup.allowed, false);
    assert.match(
      lookup.rule,
      /no CIDR route in rtb-endpoint-only matches 52\.216\.0\.1, but route pl-63a5400a → vpce-s3/,
    );
    assert.match(
      lookup.capture ?? "",
      /describe-managed-prefix-lists --prefix-list-ids pl-63a5400a and aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-63a5400a/,
    );
    // the VPC's own addresses still take the local route
    assert.equal(lookupRoute(table(only, "rtb-endpoint-only"), "10.0.2.2", only).targetKind, "local");
  });
});
