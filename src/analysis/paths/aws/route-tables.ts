import type { Route, RouteTable, RouteTargetKind } from "../../../model/aws.js";
import { cidrContains, isIPv6, parseCidr4, parseIPv4 } from "../../../model/net.js";
import type { AwsModel } from "../../../model/snapshot.js";
import type { Decision } from "../trace-model.js";

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
 * state `blackhole` and drops what it matches.
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
 * target, and notes on what was skipped (IPv6 and prefix-list routes).
 */
export type RouteLookup = Decision & {
  readonly table: RouteTable | undefined;
  readonly route: Route | undefined;
  readonly targetKind: RouteTargetKind | undefined;
  readonly targetId: string | undefined;
  readonly notes: readonly string[];
};

/** Targets the tracer follows. Everything else is reported as UNSUPPORTED_TARGET, never guessed. */
export const FOLLOWED_TARGETS: ReadonlySet<RouteTargetKind> = new Set<RouteTargetKind>([
  "local",
  "internet-gateway",
  "nat-gateway",
  "instance",
  "network-interface",
]);

const UNSUPPORTED_REASONS: Readonly<Record<string, string>> = {
  "vpc-peering": "podpath does not follow VPC peering connections (the peer VPC's route tables and security groups are not in the snapshot model)",
  "transit-gateway": "podpath does not follow transit gateways (their route tables and attachments are not read)",
  "virtual-private-gateway": "podpath does not follow virtual private gateways (Site-to-Site VPN / Direct Connect lie outside the snapshot)",
  "vpc-endpoint": "podpath does not follow VPC endpoints (gateway endpoints and Gateway Load Balancer endpoints are not modelled)",
  "egress-only-internet-gateway": "an egress-only internet gateway carries IPv6 only, and podpath analyses IPv4",
  "carrier-gateway": "podpath does not follow carrier gateways (Wavelength zones)",
  "local-gateway": "podpath does not follow local gateways (Outposts)",
  "core-network": "podpath does not follow AWS Cloud WAN core networks",
  unknown: "the route's target is not one podpath recognises",
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
  const explicit = aws.routeTables.find((t) => t.subnetIds.includes(subnetId));
  if (explicit) {
    return { table: explicit, association: "explicit", note: `${subnetId} is explicitly associated with ${describeRouteTable(explicit)}` };
  }
  const vpcId = aws.subnets.find((s) => s.id === subnetId)?.vpcId;
  if (vpcId === undefined) return undefined;
  const main = aws.routeTables.find((t) => t.main && t.vpcId === vpcId);
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
}

/**
 * The route a packet to `dstIp` takes in `table`: longest prefix match over the IPv4 routes
 * (IPv6 and prefix-list routes are skipped, with a note). When `aws` is given and the table
 * does not list the `local` route of one of its VPC's CIDRs (trimmed output), that route is
 * added, as AWS always has it.
 *
 * Denied with NO_ROUTE when nothing matches, BLACKHOLE_ROUTE when the chosen route is a
 * blackhole, UNSUPPORTED_TARGET when it leads somewhere podpath does not follow.
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
  let ipv6Routes = 0;
  for (const route of table.routes) {
    if (route.destination.startsWith("pl-")) {
      notes.push(
        `route ${describeRoute(route)} skipped: podpath does not resolve managed prefix lists, so a packet it would carry may be shown on another route`,
      );
      continue;
    }
    const cidr = parseCidr4(route.destination);
    if (!cidr) {
      ipv6Routes += 1;
      continue;
    }
    if (cidrContains(cidr, dst)) candidates.push({ route, prefix: cidr.prefix, implicit: false });
  }
  if (ipv6Routes > 0) notes.push(`${ipv6Routes} IPv6 route${ipv6Routes === 1 ? "" : "s"} skipped (IPv4 and IPv6 routes are independent)`);

  if (aws) {
    const vpc = aws.vpcs.find((v) => v.id === table.vpcId);
    for (const block of vpc?.cidrBlocks ?? []) {
      const cidr = parseCidr4(block);
      if (!cidr) continue;
      const listed = table.routes.some((r) => r.targetKind === "local" && r.destination === block);
      if (listed || !cidrContains(cidr, dst)) continue;
      candidates.push({
        route: { destination: block, targetKind: "local", targetId: "local", state: "active", origin: "CreateRouteTable" },
        prefix: cidr.prefix,
        implicit: true,
      });
    }
  }

  // A propagated route never wins over the local route it overlaps, however specific.
  const localMatches = candidates.some((c) => c.route.targetKind === "local");
  const eligible = localMatches ? candidates.filter((c) => c.route.origin !== PROPAGATED_ORIGIN) : candidates;
  const ranked = [...eligible].sort(
    (a, b) => b.prefix - a.prefix || Number(a.route.origin === PROPAGATED_ORIGIN) - Number(b.route.origin === PROPAGATED_ORIGIN),
  );
  const best = ranked[0];
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
    notes.push(`the local route for ${best.route.destination} is not listed in the table output; every route table has it, so podpath added it`);
  }
  const route = best.route;
  const why = ranked.length > 1 ? `, the most specific of ${ranked.length} matching routes (longest prefix match)` : "";
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
    return {
      ...found,
      allowed: false,
      code: "UNSUPPORTED_TARGET",
      rule: `route ${describeRoute(route)} in ${describeRouteTable(table)} matches ${dstIp}${why}; ${reason}, so the path beyond it is not analysed`,
    };
  }
  return { ...found, allowed: true, rule: `route ${describeRoute(route)} in ${describeRouteTable(table)}${why}` };
}

/**
 * The route a packet leaving `subnetId` for `dstIp` takes: the subnet's route table (explicit,
 * else main) and the lookup in it. Denied with NO_ROUTE when the snapshot has no route table
 * for the subnet (the message says so: that is a gap in the snapshot as much as in the VPC).
 */
export function routeFromSubnet(subnetId: string, dstIp: string, aws: AwsModel): RouteLookup {
  const selection = routeTableForSubnet(subnetId, aws);
  if (!selection) {
    const subnet = aws.subnets.find((s) => s.id === subnetId);
    const why = subnet
      ? `no route table is associated with it and the snapshot has no main route table of ${subnet.vpcId}`
      : "the subnet is not in the snapshot and no route table lists it";
    return {
      allowed: false,
      id: subnetId,
      code: "NO_ROUTE",
      rule: `no route table for ${subnetId}: ${why} (add the output of aws ec2 describe-route-tables)`,
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
