import type {
  InternetGateway,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  Route,
  RouteTable,
  RouteTargetKind,
  Subnet,
  Vpc,
} from "../../../model/aws.js";
import { Malformed } from "../../fields.js";
import { unique } from "../common.js";
import { gatewayKind } from "../vpc.js";
import { blocks, num, optCidr, optIp, str, strs, tfTags, type TfConversion, type TfFields } from "./common.js";

/**
 * aws_vpc, aws_subnet, aws_route_table (+ aws_route, aws_route_table_association,
 * aws_main_route_table_association), aws_internet_gateway, aws_nat_gateway, aws_network_acl
 * (+ aws_network_acl_rule, aws_network_acl_association), and the VPC's defaults the provider
 * manages as their own types (aws_default_vpc, aws_default_subnet, aws_default_route_table,
 * aws_default_network_acl). Attribute shapes after the provider's docs
 * (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/<type>).
 */

export interface VpcPart {
  readonly vpcs: Vpc[];
  readonly subnets: Subnet[];
}

export function convertVpcs(conv: TfConversion): VpcPart {
  const cidrAssociations = conv.each(["aws_vpc_ipv4_cidr_block_association"], (f) => ({
    vpcId: f.reqStr("vpc_id"),
    cidr: optCidr(f, "cidr_block"),
  }));
  const vpcs = conv.each(["aws_vpc", "aws_default_vpc"], (f, r): Vpc => {
    const id = f.reqStr("id");
    const primary = optCidr(f, "cidr_block");
    const secondary = cidrAssociations.filter((a) => a.vpcId === id).flatMap((a) => (a.cidr ? [a.cidr] : []));
    const ipv6 = optCidr(f, "ipv6_cidr_block");
    return {
      id,
      cidrBlocks: unique(primary ? [primary, ...secondary] : secondary),
      ipv6CidrBlocks: ipv6 ? [ipv6] : [],
      isDefault: r.type === "aws_default_vpc",
      tags: tfTags(f),
      source: conv.source(r),
    };
  });
  const subnets = conv.each(["aws_subnet", "aws_default_subnet"], (f, r): Subnet => {
    const ipv6 = optCidr(f, "ipv6_cidr_block");
    const cidr = optCidr(f, "cidr_block") ?? ipv6 ?? f.fail("cidr_block is required");
    return {
      id: f.reqStr("id"),
      vpcId: f.reqStr("vpc_id"),
      cidr,
      availabilityZone: str(f, "availability_zone"),
      mapPublicIpOnLaunch: f.bool("map_public_ip_on_launch") ?? false,
      tags: tfTags(f),
      source: conv.source(r),
    };
  });
  return { vpcs, subnets };
}

/**
 * A route's target: the provider writes each target kind in its own attribute (vpc_route_table.go
 * `flattenRoute`: GatewayId goes to `vpc_endpoint_id` when it is a vpce-, else `gateway_id`).
 */
const TARGETS: readonly [string, RouteTargetKind][] = [
  ["nat_gateway_id", "nat-gateway"],
  ["network_interface_id", "network-interface"],
  ["instance_id", "instance"],
  ["vpc_peering_connection_id", "vpc-peering"],
  ["transit_gateway_id", "transit-gateway"],
  ["egress_only_gateway_id", "egress-only-internet-gateway"],
  ["vpc_endpoint_id", "vpc-endpoint"],
  ["carrier_gateway_id", "carrier-gateway"],
  ["local_gateway_id", "local-gateway"],
  ["core_network_arn", "core-network"],
];

/** One route: an inline `route` block (cidr_block, ipv6_cidr_block) or an aws_route (destination_*). */
function route(f: TfFields, inline: boolean): Route {
  const destination = inline
    ? (optCidr(f, "cidr_block") ?? optCidr(f, "ipv6_cidr_block") ?? str(f, "destination_prefix_list_id"))
    : (optCidr(f, "destination_cidr_block") ??
      optCidr(f, "destination_ipv6_cidr_block") ??
      str(f, "destination_prefix_list_id"));
  if (!destination)
    f.fail(
      inline
        ? "cidr_block, ipv6_cidr_block or destination_prefix_list_id is required"
        : "destination_cidr_block, destination_ipv6_cidr_block or destination_prefix_list_id is required",
    );
  const gateway = str(f, "gateway_id");
  let targetKind: RouteTargetKind = "unknown";
  let targetId = "";
  if (gateway) {
    targetKind = gatewayKind(gateway);
    targetId = gateway;
  } else {
    for (const [key, kind] of TARGETS) {
      const id = str(f, key);
      if (id) {
        targetKind = kind;
        targetId = id;
        break;
      }
    }
  }
  const state = str(f, "state");
  return {
    destination,
    targetKind,
    targetId,
    state: state === "blackhole" ? "blackhole" : "active",
    origin: inline ? "CreateRoute" : (str(f, "origin") ?? "CreateRoute"),
  };
}

/**
 * Route tables with their routes and associations. The provider leaves the `local` routes out of
 * a table's `route` attribute (vpc_route_table.go `flattenRoutes`: "gatewayID == gatewayIDLocal
 * → continue"): every table of a VPC has one per VPC CIDR block (AWS VPC docs, "Route tables":
 * "Every route table contains a local route for communication within the VPC"), added here from
 * the VPC's blocks. The main table: aws_main_route_table_association, else the VPC's
 * `main_route_table_id`, else aws_default_route_table (the VPC's default table is its main one
 * until an association replaces it).
 */
export function convertRouteTables(conv: TfConversion, part: VpcPart): RouteTable[] {
  const extraRoutes = conv.each(["aws_route"], (f) => ({
    tableId: f.reqStr("route_table_id"),
    route: route(f, false),
  }));
  const associations = conv.each(["aws_route_table_association"], (f) => ({
    tableId: f.reqStr("route_table_id"),
    subnetId: str(f, "subnet_id"),
    gatewayId: str(f, "gateway_id"),
  }));
  const mainAssociations = conv.each(["aws_main_route_table_association"], (f) => ({
    vpcId: f.reqStr("vpc_id"),
    tableId: f.reqStr("route_table_id"),
  }));
  const mainOfVpc = new Map<string, string>();
  for (const r of conv.of("aws_vpc", "aws_default_vpc")) {
    const id = r.values["id"];
    const main = r.values["main_route_table_id"] ?? r.values["default_route_table_id"];
    if (typeof id === "string" && typeof main === "string" && main !== "") mainOfVpc.set(id, main);
  }
  for (const a of mainAssociations) mainOfVpc.set(a.vpcId, a.tableId);
  const vpcCidrs = (vpcId: string): string[] => {
    const vpc = part.vpcs.find((v) => v.id === vpcId) ?? conv.draft.aws.vpcs.find((v) => v.id === vpcId);
    return vpc ? [...vpc.cidrBlocks, ...vpc.ipv6CidrBlocks] : [];
  };
  return conv.each(["aws_route_table", "aws_default_route_table"], (f, r): RouteTable => {
    const isDefault = r.type === "aws_default_route_table";
    const id = isDefault ? (str(f, "default_route_table_id") ?? f.reqStr("id")) : f.reqStr("id");
    const vpcId = f.reqStr("vpc_id");
    const inline = blocks(f, "route").map((b) => route(b, true));
    const local = vpcCidrs(vpcId).map((cidr): Route => ({
      destination: cidr,
      targetKind: "local",
      targetId: "local",
      state: "active",
      origin: "CreateRouteTable",
    }));
    const main = mainOfVpc.has(vpcId) ? mainOfVpc.get(vpcId) === id : isDefault;
    const own = associations.filter((a) => a.tableId === id);
    return {
      id,
      vpcId,
      main,
      subnetIds: unique(own.flatMap((a) => (a.subnetId ? [a.subnetId] : []))),
      gatewayIds: unique(own.flatMap((a) => (a.gatewayId ? [a.gatewayId] : []))),
      routes: [...local, ...inline, ...extraRoutes.filter((e) => e.tableId === id).map((e) => e.route)],
      tags: tfTags(f),
      source: conv.source(r),
    };
  });
}

export function convertInternetGateways(conv: TfConversion): InternetGateway[] {
  const attachments = conv.each(["aws_internet_gateway_attachment"], (f) => ({
    id: f.reqStr("internet_gateway_id"),
    vpcId: f.reqStr("vpc_id"),
  }));
  return conv.each(["aws_internet_gateway"], (f, r): InternetGateway => {
    const id = f.reqStr("id");
    const own = str(f, "vpc_id");
    return {
      id,
      vpcIds: unique([...(own ? [own] : []), ...attachments.filter((a) => a.id === id).map((a) => a.vpcId)]),
      tags: tfTags(f),
      source: conv.source(r),
    };
  });
}

/**
 * aws_nat_gateway: the state has no vpc_id (its subnet's VPC is used) and no state (the provider
 * creates it and waits until it is `available`: nat_gateway.go `waitNATGatewayCreated`). Its
 * primary address is `private_ip` / `public_ip` / `allocation_id` / `network_interface_id`.
 */
export function convertNatGateways(conv: TfConversion, subnetVpc: (id: string) => string | undefined): NatGateway[] {
  return conv.each(["aws_nat_gateway"], (f, r): NatGateway => {
    const subnetId = f.reqStr("subnet_id");
    const vpcId = subnetVpc(subnetId);
    if (!vpcId) throw new Malformed(`its subnet ${subnetId} is in neither the state nor the snapshot`, f.raw);
    const connectivity = str(f, "connectivity_type") === "private" ? "private" : "public";
    return {
      id: f.reqStr("id"),
      vpcId,
      subnetId,
      state: "available",
      connectivityType: connectivity,
      addresses: [
        {
          privateIp: optIp(f, "private_ip"),
          publicIp: optIp(f, "public_ip"),
          allocationId: str(f, "allocation_id"),
          networkInterfaceId: str(f, "network_interface_id"),
          primary: true,
        },
      ],
      tags: tfTags(f),
      source: conv.source(r),
    };
  });
}

/** Names the provider accepts for a NACL rule's protocol (network_acl_entry.go: protocol numbers by name). */
const NACL_PROTOCOLS: Readonly<Record<string, string>> = { all: "-1", tcp: "6", udp: "17", icmp: "1", icmpv6: "58" };

function naclProtocol(f: TfFields): string {
  const text = (str(f, "protocol") ?? f.reqStr("protocol")).toLowerCase();
  if (text === "-1") return text;
  const named = NACL_PROTOCOLS[text];
  if (named) return named;
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return String(Number(text));
  return f.fail(`protocol ${JSON.stringify(text)} is not -1, all, tcp, udp, icmp, icmpv6 or a protocol number`);
}

/** An inline `ingress`/`egress` block (rule_no, action) or an aws_network_acl_rule (rule_number, rule_action). */
function naclEntry(f: TfFields, egress: boolean, inline: boolean): NetworkAclEntry {
  const ruleNumber = num(f, inline ? "rule_no" : "rule_number", { min: 1, max: 32766 });
  if (ruleNumber === undefined) f.fail(`${inline ? "rule_no" : "rule_number"} is required`);
  const protocol = naclProtocol(f);
  const actionText = (str(f, inline ? "action" : "rule_action") ?? "").toLowerCase();
  if (actionText !== "allow" && actionText !== "deny")
    f.fail(`${inline ? "action" : "rule_action"} must be allow or deny`);
  const cidr = optCidr(f, "cidr_block") ?? optCidr(f, "ipv6_cidr_block");
  if (!cidr) f.fail("cidr_block or ipv6_cidr_block is required");
  let portRange: NetworkAclEntry["portRange"];
  if (protocol === "6" || protocol === "17") {
    const from = num(f, "from_port", { min: 0, max: 65535 }) ?? 0;
    const to = num(f, "to_port", { min: 0, max: 65535 }) ?? 65535;
    if (from > to) f.fail(`from_port ${from} is greater than to_port ${to}`);
    portRange = { from, to };
  }
  let icmp: NetworkAclEntry["icmp"];
  if (protocol === "1" || protocol === "58") {
    icmp = {
      type: num(f, "icmp_type", { min: -1, max: 255 }) ?? -1,
      code: num(f, "icmp_code", { min: -1, max: 255 }) ?? -1,
    };
  }
  return { ruleNumber, egress, protocol, action: actionText, cidr, portRange, icmp };
}

export function convertNetworkAcls(conv: TfConversion): NetworkAcl[] {
  const rules = conv.each(["aws_network_acl_rule"], (f) => ({
    aclId: f.reqStr("network_acl_id"),
    entry: naclEntry(f, f.bool("egress") ?? false, false),
  }));
  const associations = conv.each(["aws_network_acl_association"], (f) => ({
    aclId: f.reqStr("network_acl_id"),
    subnetId: f.reqStr("subnet_id"),
  }));
  return conv.each(["aws_network_acl", "aws_default_network_acl"], (f, r): NetworkAcl => {
    const isDefault = r.type === "aws_default_network_acl";
    const id = isDefault ? (str(f, "default_network_acl_id") ?? f.reqStr("id")) : f.reqStr("id");
    const entries = [
      ...blocks(f, "ingress").map((b) => naclEntry(b, false, true)),
      ...blocks(f, "egress").map((b) => naclEntry(b, true, true)),
      ...rules.filter((x) => x.aclId === id).map((x) => x.entry),
    ].sort((a, b) => a.ruleNumber - b.ruleNumber || Number(a.egress) - Number(b.egress));
    return {
      id,
      vpcId: str(f, "vpc_id") ?? f.reqStr("vpc_id"),
      isDefault,
      subnetIds: unique([
        ...strs(f, "subnet_ids"),
        ...associations.filter((a) => a.aclId === id).map((a) => a.subnetId),
      ]),
      entries,
      tags: tfTags(f),
      source: conv.source(r),
    };
  });
}
