import type { NatGateway } from "../../../model/aws.js";
import type { AwsModel } from "../../../model/snapshot.js";
import type { SourceRef } from "../../../model/source.js";
import type { Decision } from "../trace-model.js";
import { describeEni } from "./eni.js";
import type { RouteLookup } from "./route-tables.js";
import { describeRouteTable, lookupRoute, routeFromSubnet, routeTableForSubnet } from "./route-tables.js";

/**
 * Internet and NAT gateways: the address translations on the way to the internet.
 *
 * AWS: "Enable internet access for a VPC using an internet gateway"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html): an internet
 * gateway performs one-to-one NAT for resources that have a public IPv4 address (a public IP
 * assigned at launch or an Elastic IP address): the source of an outgoing packet becomes the
 * public address, the destination of an incoming one the private address. A resource without a
 * public IPv4 address cannot use the internet gateway.
 * "NAT gateways" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html,
 * "NAT gateway basics": https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html):
 * a NAT gateway replaces the source address with its own private address; a public NAT
 * gateway reaches the internet only through an internet gateway, by the route table of the
 * subnet it lives in, where the internet gateway translates its private address to its Elastic
 * IP. A private NAT gateway has no Elastic IP: traffic it routes to an internet gateway is
 * dropped by the gateway.
 */

/** What holds a public address for a private one. */
interface PublicAddressHolder {
  readonly kind: "network-interface" | "nat-gateway" | "instance";
  readonly id: string;
  readonly description: string;
  readonly vpcId: string | undefined;
  readonly source: SourceRef;
}

/** An internet gateway translation: a Decision with both addresses and what holds the mapping. */
export type InternetGatewayDecision = Decision & {
  readonly privateIp: string | undefined;
  readonly publicIp: string | undefined;
  readonly holder: PublicAddressHolder | undefined;
};

/** A NAT gateway translation: the private address it uses in the VPC and the public one at the IGW. */
export type NatGatewayDecision = Decision & {
  readonly natGateway: NatGateway | undefined;
  /** the source the packet carries after the NAT gateway (its private address) */
  readonly privateIp: string | undefined;
  /** the source after the internet gateway (its Elastic IP), when the route leads there */
  readonly publicIp: string | undefined;
  readonly internetGatewayId: string | undefined;
  /** the lookup in the route table of the NAT gateway's subnet */
  readonly route: RouteLookup | undefined;
  readonly notes: readonly string[];
  /** set on a denial the snapshot cannot decide (the route table is missing, or its lookup is undecided): what to capture */
  readonly capture?: string | undefined;
};

interface Mapping {
  readonly privateIp: string;
  readonly publicIp: string | undefined;
  readonly holder: PublicAddressHolder;
}

interface MappingIndex {
  readonly byPrivate: ReadonlyMap<string, readonly Mapping[]>;
  readonly byPublic: ReadonlyMap<string, Mapping>;
}

const mappingCache = new WeakMap<AwsModel, MappingIndex>();

/** The mappings by private and by public address, built once per AWS model. */
function mappingIndex(aws: AwsModel): MappingIndex {
  let index = mappingCache.get(aws);
  if (!index) {
    const byPrivate = new Map<string, Mapping[]>();
    const byPublic = new Map<string, Mapping>();
    for (const m of mappings(aws)) {
      const list = byPrivate.get(m.privateIp);
      if (list) list.push(m);
      else byPrivate.set(m.privateIp, [m]);
      if (m.publicIp !== undefined && !byPublic.has(m.publicIp)) byPublic.set(m.publicIp, m);
    }
    index = { byPrivate, byPublic };
    mappingCache.set(aws, index);
  }
  return index;
}

/** Every private↔public mapping the snapshot shows, most specific holder first. */
function mappings(aws: AwsModel): Mapping[] {
  const out: Mapping[] = [];
  for (const eni of aws.networkInterfaces) {
    for (const p of eni.privateIps) {
      out.push({
        privateIp: p.address,
        publicIp: p.publicIp,
        holder: {
          kind: "network-interface",
          id: eni.id,
          description: describeEni(eni),
          vpcId: eni.vpcId,
          source: eni.source,
        },
      });
    }
  }
  for (const nat of aws.natGateways) {
    for (const a of nat.addresses) {
      if (a.privateIp === undefined) continue;
      out.push({
        privateIp: a.privateIp,
        publicIp: a.publicIp,
        holder: {
          kind: "nat-gateway",
          id: nat.id,
          description: `NAT gateway ${nat.id}`,
          vpcId: nat.vpcId,
          source: nat.source,
        },
      });
    }
  }
  for (const instance of aws.instances) {
    if (instance.privateIp === undefined) continue;
    const description = `instance ${instance.id}${instance.name ? ` (${instance.name})` : ""}`;
    out.push({
      privateIp: instance.privateIp,
      publicIp: instance.publicIp,
      holder: { kind: "instance", id: instance.id, description, vpcId: instance.vpcId, source: instance.source },
    });
  }
  return out;
}

/** The reason a named internet gateway carries nothing of the holder's VPC (it is not attached to it), if so. */
function attachmentProblem(
  internetGatewayId: string | undefined,
  vpcId: string | undefined,
  aws: AwsModel,
): { rule: string; source: SourceRef } | undefined {
  if (internetGatewayId === undefined || vpcId === undefined) return undefined;
  const igw = aws.internetGateways.find((g) => g.id === internetGatewayId);
  if (!igw || igw.vpcIds.includes(vpcId)) return undefined;
  return { rule: `${igw.id} is not attached to ${vpcId}: it carries no traffic of that VPC`, source: igw.source };
}

/**
 * The internet gateway's one-to-one NAT of an outgoing packet from `privateIp`: the public IPv4
 * address mapped to it (a network interface's public IP or Elastic IP, a NAT gateway's Elastic
 * IP, an instance's PublicIpAddress) becomes the source. Denied with NO_PUBLIC_IP when there
 * is none: the internet gateway does not translate, and the packet goes nowhere.
 */
export function internetGatewayTranslate(
  privateIp: string,
  aws: AwsModel,
  internetGatewayId?: string,
): InternetGatewayDecision {
  const id = internetGatewayId ?? "internet-gateway";
  const all = mappingIndex(aws).byPrivate.get(privateIp) ?? [];
  const mapped = all.find((m) => m.publicIp !== undefined);
  if (mapped?.publicIp !== undefined) {
    const problem = attachmentProblem(internetGatewayId, mapped.holder.vpcId, aws);
    if (problem)
      return {
        allowed: false,
        id,
        code: "NO_ROUTE",
        rule: problem.rule,
        source: problem.source,
        privateIp,
        publicIp: undefined,
        holder: mapped.holder,
      };
    return {
      allowed: true,
      id,
      rule: `1:1 NAT at the internet gateway: source ${privateIp} → ${mapped.publicIp}, the public address of ${mapped.holder.description}`,
      source: mapped.holder.source,
      privateIp,
      publicIp: mapped.publicIp,
      holder: mapped.holder,
    };
  }
  const holder = all[0]?.holder;
  const who =
    all.length > 0
      ? `${privateIp} (${[...new Set(all.map((m) => m.holder.description))].join(", ")})`
      : `${privateIp} (held by no interface, instance or NAT gateway of the snapshot)`;
  return {
    allowed: false,
    id,
    code: "NO_PUBLIC_IP",
    rule: `${who} has no public IPv4 address or Elastic IP: the internet gateway translates only addresses that have one, so the packet is dropped (a private subnet reaches the internet through a NAT gateway)`,
    source: holder?.source,
    privateIp,
    publicIp: undefined,
    holder,
  };
}

/**
 * The internet gateway's translation of an incoming packet to `publicIp` (a reply, or a new
 * connection to a public address): the destination becomes the private address mapped to it.
 * Denied with NO_PUBLIC_IP when no address of the snapshot has that public address.
 */
export function internetGatewayInbound(
  publicIp: string,
  aws: AwsModel,
  internetGatewayId?: string,
): InternetGatewayDecision {
  const id = internetGatewayId ?? "internet-gateway";
  const mapped = mappingIndex(aws).byPublic.get(publicIp);
  if (!mapped) {
    return {
      allowed: false,
      id,
      code: "NO_PUBLIC_IP",
      rule: `${publicIp} is not the public IPv4 address of any interface, instance or NAT gateway in the snapshot: the internet gateway has nothing to translate it to`,
      source: undefined,
      privateIp: undefined,
      publicIp,
      holder: undefined,
    };
  }
  const problem = attachmentProblem(internetGatewayId, mapped.holder.vpcId, aws);
  if (problem)
    return {
      allowed: false,
      id,
      code: "NO_ROUTE",
      rule: problem.rule,
      source: problem.source,
      privateIp: mapped.privateIp,
      publicIp,
      holder: mapped.holder,
    };
  return {
    allowed: true,
    id,
    rule: `1:1 NAT at the internet gateway: destination ${publicIp} → ${mapped.privateIp}, the private address of ${mapped.holder.description}`,
    source: mapped.holder.source,
    privateIp: mapped.privateIp,
    publicIp,
    holder: mapped.holder,
  };
}

/**
 * A packet leaving through NAT gateway `natGatewayId` for `dstIp`: the NAT gateway rewrites the
 * source to its private address, then the route table of its own subnet decides where the packet
 * goes. Toward an internet gateway, a public NAT gateway's private address is translated to its
 * Elastic IP (the final source); a private NAT gateway is dropped there (NO_PUBLIC_IP). With no
 * `dstIp`, the subnet's default route (0.0.0.0/0) decides whether the internet is reachable.
 *
 * Denied with NO_ROUTE naming that route table when it has no route for the destination (a
 * public NAT gateway needs 0.0.0.0/0 → an internet gateway), BLACKHOLE_ROUTE or
 * UNSUPPORTED_TARGET as the lookup says, BLACKHOLE_ROUTE when the NAT gateway is not available,
 * NO_ROUTE when it is not in the snapshot.
 */
export function natGatewayTranslate(natGatewayId: string, aws: AwsModel, dstIp?: string): NatGatewayDecision {
  const empty = {
    natGateway: undefined,
    privateIp: undefined,
    publicIp: undefined,
    internetGatewayId: undefined,
    route: undefined,
    notes: [],
  } as const;
  const nat = aws.natGateways.find((n) => n.id === natGatewayId);
  if (!nat) {
    return {
      ...empty,
      allowed: false,
      id: natGatewayId,
      code: "NO_ROUTE",
      rule: `${natGatewayId} is not in the snapshot (add the output of aws ec2 describe-nat-gateways): podpath cannot tell which address it translates to or where it sends the packet`,
      source: undefined,
    };
  }
  const base = { id: nat.id, source: nat.source, natGateway: nat } as const;
  const connectivity = `${nat.connectivityType} NAT gateway ${nat.id} in ${nat.subnetId}`;
  if (nat.state !== "available") {
    return {
      ...empty,
      ...base,
      allowed: false,
      code: "BLACKHOLE_ROUTE",
      rule: `${connectivity} is ${nat.state}, not available: it forwards nothing (routes to a deleted NAT gateway become blackholes)`,
    };
  }
  const address =
    nat.addresses.find((a) => a.primary && a.privateIp !== undefined) ??
    nat.addresses.find((a) => a.privateIp !== undefined);
  if (address?.privateIp === undefined) {
    // an available NAT gateway always has a private address: the output was trimmed
    return {
      ...empty,
      ...base,
      allowed: false,
      code: "BLACKHOLE_ROUTE",
      rule: `${connectivity} lists no private address: podpath cannot tell what it translates to`,
      capture: `aws ec2 describe-nat-gateways --nat-gateway-ids ${nat.id} (its NatGatewayAddresses)`,
    };
  }
  const privateIp = address.privateIp;
  const snat = `SNAT at ${nat.id}: source → ${privateIp}, its private address`;

  const selection = routeTableForSubnet(nat.subnetId, aws);
  if (!selection) {
    const missing = routeFromSubnet(nat.subnetId, dstIp ?? "0.0.0.0", aws);
    return {
      ...empty,
      ...base,
      privateIp,
      allowed: false,
      code: "NO_ROUTE",
      rule: `${snat}; but the snapshot has no route table for its subnet ${nat.subnetId}, so podpath cannot tell where it sends the packet`,
      capture: missing.capture,
    };
  }
  const table = selection.table;
  const probe = dstIp ?? "0.0.0.0";
  const destination = dstIp ?? "the internet (0.0.0.0/0)";
  const route = lookupRoute(table, probe, aws);
  const notes = [selection.note, ...route.notes];
  const found = { ...base, privateIp, route, notes } as const;
  const tableName = `${describeRouteTable(table)}, the route table of the NAT gateway's subnet ${nat.subnetId}`;

  if (!route.allowed) {
    const rule =
      route.code === "NO_ROUTE"
        ? `${tableName}, has no route to ${destination}: ${nat.id} cannot forward the packet (a public NAT gateway reaches the internet only through a 0.0.0.0/0 route to an internet gateway)`
        : `${tableName}: ${route.rule}`;
    return {
      ...found,
      publicIp: undefined,
      internetGatewayId: undefined,
      allowed: false,
      id: table.id,
      code: route.code,
      rule,
      source: table.source,
      capture: route.capture,
    };
  }

  if (route.targetKind === "internet-gateway") {
    const igwId = route.targetId;
    if (nat.connectivityType === "private") {
      return {
        ...found,
        publicIp: undefined,
        internetGatewayId: igwId,
        allowed: false,
        code: "NO_PUBLIC_IP",
        rule: `${snat}; ${tableName}, sends ${destination} to ${igwId}, but a private NAT gateway has no Elastic IP: the internet gateway drops its traffic`,
      };
    }
    if (address.publicIp === undefined) {
      return {
        ...found,
        publicIp: undefined,
        internetGatewayId: igwId,
        allowed: false,
        code: "NO_PUBLIC_IP",
        rule: `${snat}; ${tableName}, sends ${destination} to ${igwId}, but the NAT gateway lists no Elastic IP for ${privateIp}`,
      };
    }
    const eip = address.allocationId
      ? `Elastic IP ${address.publicIp} (${address.allocationId})`
      : `Elastic IP ${address.publicIp}`;
    return {
      ...found,
      publicIp: address.publicIp,
      internetGatewayId: igwId,
      allowed: true,
      rule: `${snat}; ${route.rule} (${tableName}); 1:1 NAT at ${igwId}: ${privateIp} → its ${eip}`,
    };
  }

  return {
    ...found,
    publicIp: undefined,
    internetGatewayId: undefined,
    allowed: true,
    rule: `${snat}; then ${route.rule} (${tableName})`,
  };
}
