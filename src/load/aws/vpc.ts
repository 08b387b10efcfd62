import type {
  InternetGateway as SdkInternetGateway,
  NatGateway as SdkNatGateway,
  Route as SdkRoute,
  RouteTable as SdkRouteTable,
  Subnet as SdkSubnet,
  Vpc as SdkVpc,
} from "@aws-sdk/client-ec2";
import type {
  InternetGateway,
  NatGateway,
  NatGatewayAddress,
  Route,
  RouteTable,
  RouteTargetKind,
  Subnet,
  Vpc,
} from "../../model/aws.js";
import type { Fields } from "../fields.js";
import { convertElements, optCidr, optIPv4, readableId, readTags, reqCidr, unique } from "./common.js";
import type { Conversion } from "./common.js";

/** describe-vpcs, describe-subnets, describe-route-tables, describe-internet-gateways, describe-nat-gateways */

/** CIDR association states that still route: a disassociated block no longer belongs to the VPC. */
const LIVE_CIDR_STATES = new Set(["associated", "associating"]);

function isLive(state: Fields<{ State?: string | undefined }> | undefined): boolean {
  const value = state?.str("State");
  return value === undefined || LIVE_CIDR_STATES.has(value);
}

export function convertVpcs(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkVpc, Vpc>(
    conv,
    items,
    "Vpcs",
    {
      what: "VPC",
      kind: "ec2:Vpc",
      id: (raw) => readableId(raw, "VpcId"),
      convert: (f, raw) => {
        const id = f.reqStr("VpcId");
        const primary = optCidr(f, "CidrBlock");
        const associated = f
          .objs("CidrBlockAssociationSet")
          .filter((a) => isLive(a.obj("CidrBlockState")))
          .map((a) => reqCidr(a, "CidrBlock"));
        const ipv6 = f
          .objs("Ipv6CidrBlockAssociationSet")
          .filter((a) => isLive(a.obj("Ipv6CidrBlockState")))
          .map((a) => reqCidr(a, "Ipv6CidrBlock"));
        return {
          id,
          cidrBlocks: unique(primary === undefined ? associated : [primary, ...associated]),
          ipv6CidrBlocks: unique(ipv6),
          isDefault: f.bool("IsDefault") ?? false,
          tags: readTags(f.objs("Tags")),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.vpcs,
  );
}

export function convertSubnets(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkSubnet, Subnet>(
    conv,
    items,
    "Subnets",
    {
      what: "subnet",
      kind: "ec2:Subnet",
      id: (raw) => readableId(raw, "SubnetId"),
      convert: (f, raw) => {
        const id = f.reqStr("SubnetId");
        const vpcId = f.reqStr("VpcId");
        // An IPv6-only subnet has no IPv4 CidrBlock: its first IPv6 block stands in.
        const ipv6 = f
          .objs("Ipv6CidrBlockAssociationSet")
          .filter((a) => isLive(a.obj("Ipv6CidrBlockState")))
          .map((a) => reqCidr(a, "Ipv6CidrBlock"));
        const cidr = f.has("CidrBlock") || ipv6[0] === undefined ? reqCidr(f, "CidrBlock") : ipv6[0];
        return {
          id,
          vpcId,
          cidr,
          availabilityZone: f.str("AvailabilityZone"),
          mapPublicIpOnLaunch: f.bool("MapPublicIpOnLaunch") ?? false,
          tags: readTags(f.objs("Tags")),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.subnets,
  );
}

/** GatewayId holds several kinds of gateway; its prefix tells which. */
/** A route's `GatewayId` (the CLI's) or `gateway_id` (Terraform's) by its prefix: which kind of gateway it names. */
export function gatewayKind(gatewayId: string): RouteTargetKind {
  if (gatewayId === "local") return "local";
  if (gatewayId.startsWith("igw-")) return "internet-gateway";
  if (gatewayId.startsWith("vgw-")) return "virtual-private-gateway";
  if (gatewayId.startsWith("vpce-")) return "vpc-endpoint";
  if (gatewayId.startsWith("eigw-")) return "egress-only-internet-gateway";
  return "unknown";
}

/** The route's target, from the field that is set. A route to an instance prints both InstanceId and its NetworkInterfaceId. */
function routeTarget(r: Fields<SdkRoute>): { kind: RouteTargetKind; id: string } {
  const gateway = r.str("GatewayId");
  if (gateway) return { kind: gatewayKind(gateway), id: gateway };
  const fields: readonly [keyof SdkRoute & string, RouteTargetKind][] = [
    ["NatGatewayId", "nat-gateway"],
    ["InstanceId", "instance"],
    ["NetworkInterfaceId", "network-interface"],
    ["VpcPeeringConnectionId", "vpc-peering"],
    ["TransitGatewayId", "transit-gateway"],
    ["EgressOnlyInternetGatewayId", "egress-only-internet-gateway"],
    ["CarrierGatewayId", "carrier-gateway"],
    ["LocalGatewayId", "local-gateway"],
    ["CoreNetworkArn", "core-network"],
  ];
  for (const [key, kind] of fields) {
    const id = r.str(key);
    if (id) return { kind, id };
  }
  return { kind: "unknown", id: "" };
}

function convertRoute(r: Fields<SdkRoute>): Route {
  const destination =
    optCidr(r, "DestinationCidrBlock") ?? optCidr(r, "DestinationIpv6CidrBlock") ?? r.str("DestinationPrefixListId");
  if (!destination) r.fail("DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId is required");
  const target = routeTarget(r);
  return {
    destination,
    targetKind: target.kind,
    targetId: target.id,
    state: r.oneOf("State", ["active", "blackhole"], "active"),
    origin: r.str("Origin"),
  };
}

export function convertRouteTables(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkRouteTable, RouteTable>(
    conv,
    items,
    "RouteTables",
    {
      what: "route table",
      kind: "ec2:RouteTable",
      id: (raw) => readableId(raw, "RouteTableId"),
      convert: (f, raw) => {
        const id = f.reqStr("RouteTableId");
        const vpcId = f.reqStr("VpcId");
        const associations = f.objs("Associations");
        const subnetIds: string[] = [];
        const gatewayIds: string[] = [];
        let main = false;
        for (const a of associations) {
          if (a.bool("Main") === true) main = true;
          const subnetId = a.str("SubnetId");
          if (subnetId) subnetIds.push(subnetId);
          const gatewayId = a.str("GatewayId");
          if (gatewayId) gatewayIds.push(gatewayId);
        }
        return {
          id,
          vpcId,
          main,
          subnetIds: unique(subnetIds),
          gatewayIds: unique(gatewayIds),
          routes: f.objs("Routes").map(convertRoute),
          tags: readTags(f.objs("Tags")),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.routeTables,
  );
}

export function convertInternetGateways(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkInternetGateway, InternetGateway>(
    conv,
    items,
    "InternetGateways",
    {
      what: "internet gateway",
      kind: "ec2:InternetGateway",
      id: (raw) => readableId(raw, "InternetGatewayId"),
      convert: (f, raw) => {
        const id = f.reqStr("InternetGatewayId");
        const vpcIds = f
          .objs("Attachments")
          .filter((a) => a.str("State") !== "detached")
          .map((a) => a.reqStr("VpcId"));
        return { id, vpcIds: unique(vpcIds), tags: readTags(f.objs("Tags")), source: conv.ctx.source(raw) };
      },
    },
    conv.draft.aws.internetGateways,
  );
}

export function convertNatGateways(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkNatGateway, NatGateway>(
    conv,
    items,
    "NatGateways",
    {
      what: "NAT gateway",
      kind: "ec2:NatGateway",
      id: (raw) => readableId(raw, "NatGatewayId"),
      convert: (f, raw) => {
        const id = f.reqStr("NatGatewayId");
        const vpcId = f.reqStr("VpcId");
        const subnetId = f.reqStr("SubnetId");
        const addresses = f.objs("NatGatewayAddresses").map((a, index): NatGatewayAddress => ({
          privateIp: optIPv4(a, "PrivateIp"),
          publicIp: optIPv4(a, "PublicIp"),
          allocationId: a.str("AllocationId"),
          networkInterfaceId: a.str("NetworkInterfaceId"),
          // Older output has no IsPrimary: the first address is the primary one.
          primary: a.bool("IsPrimary") ?? index === 0,
        }));
        return {
          id,
          vpcId,
          subnetId,
          state: f.str("State") ?? "unknown",
          connectivityType: f.oneOf("ConnectivityType", ["public", "private"], "public"),
          addresses,
          tags: readTags(f.objs("Tags")),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.natGateways,
  );
}
