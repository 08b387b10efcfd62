import type { Route, RouteTable, RouteTargetKind } from "../../../model/aws.js";
import { cidrContains, isIPv6, parseCidr4, parseIPv4 } from "../../../model/net.js";
import type { AwsModel } from "../../../model/snapshot.js";
import type { Decision } from "../trace-model.js";
import { awsIndex } from "./aws-index.js";
import { prefixListCapture, prefixListCidrs } from "./prefix-lists.js";

/**
 * VPC route tables: which table a subnet uses, and which route of it a packet takes.
 *
 * AWS: "Route tables for your VPC" / "Configure route tables"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html): a subnet uses the
 * route table explicitly associated with it, else the VPC's main route table; every table has a
 * `local` route for each VPC CIDR. "How route priority works"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html): the most specific
 * route that matches wins (longest prefix match); IPv4 and IPv6 routes are independent; a static
 * route beats a propagated route to the same destination; a propagated route that overlaps the
 * local route never wins over it, even when more specific. A route whose target is gone is in
 * state `blackhole` and drops what it matches. Routes to a managed prefix list match the CIDRs of
 * its entries; "Route priority: prefix lists": at equal prefix length a static CIDR route is
 * preferred over a prefix-list route, and a prefix-list route over a propagated one.
 */

/** The route table a subnet uses and why. */
export interface RouteTableSelection {
  readonly table: RouteTable;
  /** explicit: the subnet is associated with the table; main: it falls back to the VPC's main table */
  readonly association: "explicit" | "main";
  readonly note: string;
}

/**
 * A route lookup: a Decision (allowed: a route that podpath follows matched) with the route, its
 * target, and notes on what was skipped (IPv6 and unresolved prefix-list routes).
 */
export type RouteLookup = Decision & {
  readonly table: RouteTable | undefined;
  readonly route: Route | undefined;
  readonly targetKind: RouteTargetKind | undefined;
  readonly targetId: string | undefined;
  readonly notes: readonly string[];
  /**
   * set on a denied lookup the snapshot cannot decide — the route leads somewhere podpath does not
   * follow (peering, transit gateway, …), or only a prefix-list route whose entries are missing can
   * match: what to capture. A tracer reports it as `unknown`, not as the drop `code`.
   */
  readonly capture?: string | undefined;
};

/** Targets the tracer follows. Everything else is UNSUPPORTED_TARGET with what to capture (the tracer says `unknown`), never guessed. */
const FOLLOWED_TARGETS: ReadonlySet<RouteTargetKind> = new Set<RouteTargetKind>([
  "local",
  "internet-gateway",
  "nat-gateway",
  "instance",
  "network-interface",
]);

const UNSUPPORTED_REASONS: Readonly<Record<string, string>> = {
  "vpc-peering":
    "podpath does not follow VPC peering connections (the peer VPC's route tables and security groups are not in the snapshot model)",
  "transit-gateway": "podpath does not follow transit gateways (their route tables and attachments are not read)",
  "virtual-private-gateway":
    "podpath does not follow virtual private gateways (Site-to-Site VPN / Direct Connect lie outside the snapshot)",
  "vpc-endpoint":
    "podpath does not follow VPC endpoints (gateway endpoints and Gateway Load Balancer endpoints are not modelled)",
  "egress-only-internet-gateway": "an egress-only internet gateway carries IPv6 only, and podpath analyses IPv4",
  "carrier-gateway": "podpath does not follow carrier gateways (Wavelength zones)",
  "local-gateway": "podpath does not follow local gateways (Outposts)",
  "core-network": "podpath does not follow AWS Cloud WAN core networks",
  unknown: "the route's target is not one podpath recognises",
};

/** What to capture to follow a target podpath does not: the AWS CLI commands, for the target's id. */
const UNFOLLOWED_CAPTURE: Readonly<Partial<Record<RouteTargetKind, (id: string) => string>>> = {
  "vpc-peering": (id) =>
    `the peering connection and the peer VPC (aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids ${id}; the peer VPC's describe-route-tables, describe-network-acls and describe-security-groups) — podpath does not trace into it yet`,
  "transit-gateway": (id) =>
    `the transit gateway's attachments and route tables (aws ec2 describe-transit-gateway-attachments --filters Name=transit-gateway-id,Values=${id}; aws ec2 search-transit-gateway-routes for its route table) and the destination VPC — podpath does not trace through it yet`,
  "virtual-private-gateway": (id) =>
    `the VPN or Direct Connect side of ${id} (aws ec2 describe-vpn-connections --filters Name=vpn-gateway-id,Values=${id}; the on-premises network is outside AWS)`,
  "vpc-endpoint": (id) =>
    `the endpoint (aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${id}: its type, policy and, for a Gateway Load Balancer endpoint, the appliances behind it)`,
  "carrier-gateway": (id) =>
    `the carrier gateway (aws ec2 describe-carrier-gateways --carrier-gateway-ids ${id}) and the carrier network beyond it`,
  "local-gateway": (id) =>
    `the Outpost's local gateway (aws ec2 describe-local-gateway-route-tables --filters Name=local-gateway-id,Values=${id}) and the on-premises network`,
  "core-network": (id) =>
    `the Cloud WAN core network (aws networkmanager get-core-network --core-network-id ${id}) and its segments`,
  unknown: (id) =>
    `what the route's target ${id || "(none listed)"} is (the full aws ec2 describe-route-tables output)`,
};

/** Origin of routes propagated from a virtual private gateway (VPN / Direct Connect). */
const PROPAGATED_ORIGIN = "EnableVgwRoutePropagation";

/** "rtb-0abc (ecoeco-private-rt)" */
export function describeRouteTable(table: RouteTable): string {
  const name = table.tags["Name"];
  return name ? `${table.id} (${name})` : table.id;
}

/** "0.0.0.0/0 → nat-0abc (nat-gateway)", "10.0.0.0/16 → local" */
export function describeRoute(route: Route): string {
  if (route.targetKind === "local") return `${route.destination} → local`;
  const target = route.targetId || "(no target)";
  return `${route.destination} → ${target} (${route.targetKind})${route.state === "blackhole" ? " [blackhole]" : ""}`;
}

/**
 * The route table of a subnet: the table that lists it among its associations, else the main
 * table of the subnet's VPC. Undefined when the snapshot holds neither (a snapshot without
 * describe-route-tables, or a subnet that is not in it).
 */
export function routeTableForSubnet(subnetId: string, aws: AwsModel): RouteTableSelection | undefined {
  const index = awsIndex(aws);
  const explicit = index.routeTableBySubnet.get(subnetId);
  if (explicit) {
    return {
      table: explicit,
      association: "explicit",
      note: `${subnetId} is explicitly associated with ${describeRouteTable(explicit)}`,
    };
  }
  const vpcId = index.subnetsById.get(subnetId)?.vpcId;
  if (vpcId === undefined) return undefined;
  const main = index.mainRouteTableByVpc.get(vpcId);
  if (!main) return undefined;
  return {
    table: main,
    association: "main",
    note: `${subnetId} has no explicit route table association, so it uses ${describeRouteTable(main)}, the main route table of ${vpcId}`,
  };
}

interface Candidate {
  readonly route: Route;
  readonly prefix: number;
  /** synthesised local route for a VPC CIDR the table output did not list */
  readonly implicit: boolean;
  /** the prefix-list entry that matched, for a route whose destination is a prefix list */
  readonly entry?: string | undefined;
}

/** At equal prefix length: static CIDR route, then prefix-list route, then propagated route (AWS "Route priority"). */
function rank(c: Candidate): number {
  if (c.route.origin === PROPAGATED_ORIGIN) return 2;
  return c.entry !== undefined ? 1 : 0;
}

/**
 * The route a packet to `dstIp` takes in `table`: longest prefix match over the IPv4 routes and
 * the entries of prefix-list routes (IPv6 routes, and prefix lists whose entries the snapshot
 * lacks, are skipped with a note; when such a prefix-list route is the only one that could match,
 * the lookup is undecided: `capture`). When `aws` is given and the table
 * does not list the `local` route of one of its VPC's CIDRs (trimmed output), that route is
 * added, as AWS always has it.
 *
 * Denied with NO_ROUTE when nothing matches, BLACKHOLE_ROUTE when the chosen route is a
 * blackhole, UNSUPPORTED_TARGET (with `capture`: undecided) when it leads somewhere podpath does not follow.
 */
export function lookupRoute(table: RouteTable, dstIp: string, aws?: AwsModel): RouteLookup {
  const base = { id: table.id, source: table.source, table } as const;
  const dst = parseIPv4(dstIp);
  if (dst === undefined) {
    const what = isIPv6(dstIp) ? "an IPv6 address; podpath routes IPv4 only" : "not an IPv4 address";
    return {
      ...base,
      allowed: false,
      code: "UNSUPPORTED_TARGET",
      rule: `${dstIp} is ${what}`,
      route: undefined,
      targetKind: undefined,
      targetId: undefined,
      notes: [],
    };
  }

  const notes: string[] = [];
  const candidates: Candidate[] = [];
  /** prefix-list routes whose entries the snapshot lacks */
  const unresolved: Route[] = [];
  let ipv6Routes = 0;
  for (const route of table.routes) {
    if (route.destination.startsWith("pl-")) {
      const entries = aws ? prefixListCidrs(route.destination, aws) : undefined;
      if (!entries) {
        unresolved.push(route);
        continue;
      }
      let best: Candidate | undefined;
      for (const entry of entries) {
        const cidr = parseCidr4(entry.cidr);
        if (cidr && cidrContains(cidr, dst) && (!best || cidr.prefix > best.prefix))
          best = { route, prefix: cidr.prefix, implicit: false, entry: entry.cidr };
      }
      if (best) candidates.push(best);
      continue;
    }
    const cidr = parseCidr4(route.destination);
    if (!cidr) {
      ipv6Routes += 1;
      continue;
    }
    if (cidrContains(cidr, dst)) candidates.push({ route, prefix: cidr.prefix, implicit: false });
  }
  if (ipv6Routes > 0)
    notes.push(`${ipv6Routes} IPv6 route${ipv6Routes === 1 ? "" : "s"} skipped (IPv4 and IPv6 routes are independent)`);

  if (aws) {
    const vpc = aws.vpcs.find((v) => v.id === table.vpcId);
    for (const block of vpc?.cidrBlocks ?? []) {
      const cidr = parseCidr4(block);
      if (!cidr) continue;
      const listed = table.routes.some((r) => r.targetKind === "local" && r.destination === block);
      if (listed || !cidrContains(cidr, dst)) continue;
      candidates.push({
        route: {
          destination: block,
          targetKind: "local",
          targetId: "local",
          state: "active",
          origin: "CreateRouteTable",
        },
        prefix: cidr.prefix,
        implicit: true,
      });
    }
  }

  // A propagated route never wins over the local route it overlaps, however specific.
  const localMatches = candidates.some((c) => c.route.targetKind === "local");
  const eligible = localMatches ? candidates.filter((c) => c.route.origin !== PROPAGATED_ORIGIN) : candidates;
  const ranked = [...eligible].sort((a, b) => b.prefix - a.prefix || rank(a) - rank(b));
  const best = ranked[0];
  const unresolvedText = (r: Route): string =>
    `route ${describeRoute(r)}, whose prefix list's entries are not in the snapshot`;
  if (!best && unresolved.length > 0 && aws) {
    const first = unresolved[0]!;
    return {
      ...base,
      allowed: false,
      code: "NO_ROUTE",
      rule: `no CIDR route in ${describeRouteTable(table)} matches ${dstIp}, but ${unresolved.map(unresolvedText).join(" and ")} may: podpath cannot tell whether ${dstIp} is in it`,
      route: first,
      targetKind: first.targetKind,
      targetId: first.targetId,
      notes,
      capture: unresolved.map((r) => prefixListCapture(r.destination, aws)).join("; "),
    };
  }
  if (best?.route.targetKind !== "local") {
    for (const r of unresolved)
      notes.push(`${unresolvedText(r)} was skipped: if ${dstIp} is in that list the packet may take it instead`);
  }
  if (!best) {
    const listed = table.routes.map(describeRoute).join(", ") || "none";
    return {
      ...base,
      allowed: false,
      code: "NO_ROUTE",
      rule: `no route in ${describeRouteTable(table)} matches ${dstIp} (routes: ${listed})`,
      route: undefined,
      targetKind: undefined,
      targetId: undefined,
      notes,
    };
  }

  if (best.implicit) {
    notes.push(
      `the local route for ${best.route.destination} is not listed in the table output; every route table has it, so podpath added it`,
    );
  }
  const route = best.route;
  const entry =
    best.entry !== undefined ? ` (${dstIp} is in ${best.entry}, an entry of prefix list ${route.destination})` : "";
  const why = `${entry}${ranked.length > 1 ? `, the most specific of ${ranked.length} matching routes (longest prefix match)` : ""}`;
  const found = { ...base, route, targetKind: route.targetKind, targetId: route.targetId, notes } as const;

  if (route.state === "blackhole") {
    return {
      ...found,
      allowed: false,
      code: "BLACKHOLE_ROUTE",
      rule: `route ${describeRoute(route)} in ${describeRouteTable(table)} matches ${dstIp}${why}, and it is a blackhole: its target no longer exists or is not available, so the packet is dropped`,
    };
  }
  if (!FOLLOWED_TARGETS.has(route.targetKind)) {
    const reason = UNSUPPORTED_REASONS[route.targetKind] ?? UNSUPPORTED_REASONS["unknown"];
    const capture = UNFOLLOWED_CAPTURE[route.targetKind]?.(route.targetId);
    return {
      ...found,
      allowed: false,
      code: "UNSUPPORTED_TARGET",
      rule: `route ${describeRoute(route)} in ${describeRouteTable(table)} matches ${dstIp}${why}; ${reason}, so the path beyond it is not analysed`,
      capture,
    };
  }
  return { ...found, allowed: true, rule: `route ${describeRoute(route)} in ${describeRouteTable(table)}${why}` };
}

/**
 * The route a packet leaving `subnetId` for `dstIp` takes: the subnet's route table (explicit,
 * else main) and the lookup in it. When the snapshot has no route table for the subnet the lookup
 * is undecided (`capture`): every subnet uses a route table — its VPC's main one at least (AWS,
 * "Route tables for your VPC": "each subnet in your VPC must be associated with a route table";
 * without an explicit association it uses the main route table) — so the gap is the snapshot's,
 * not the VPC's.
 */
export function routeFromSubnet(subnetId: string, dstIp: string, aws: AwsModel): RouteLookup {
  const selection = routeTableForSubnet(subnetId, aws);
  if (!selection) {
    const subnet = awsIndex(aws).subnetsById.get(subnetId);
    const why = subnet
      ? `no route table is associated with it and the snapshot has no main route table of ${subnet.vpcId}`
      : "the subnet is not in the snapshot and no route table lists it";
    return {
      allowed: false,
      id: subnetId,
      code: "NO_ROUTE",
      rule: `no route table for ${subnetId}: ${why}; every subnet uses one (its VPC's main route table at least), so where the packet goes is unknown`,
      capture: subnet
        ? `aws ec2 describe-route-tables --filters Name=vpc-id,Values=${subnet.vpcId} (the VPC's main route table and the one associated with ${subnetId})`
        : `aws ec2 describe-subnets --subnet-ids ${subnetId} and aws ec2 describe-route-tables (the table associated with ${subnetId}, else its VPC's main one)`,
      source: subnet?.source,
      table: undefined,
      route: undefined,
      targetKind: undefined,
      targetId: undefined,
      notes: [],
    };
  }
  const lookup = lookupRoute(selection.table, dstIp, aws);
  return { ...lookup, notes: [selection.note, ...lookup.notes] };
}
