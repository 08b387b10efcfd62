import type { Subnet } from "../../../../model/aws.js";
import type { Snapshot } from "../../../../model/snapshot.js";
import { routeTableForSubnet } from "../../aws/route-tables.js";
import { splitCommaSeparatedString } from "../../../../model/annotations.js";
import type { BuildContext } from "./build-task.js";
import { fail, ok, type BuildFailure, type BuildResult } from "../build-result.js";
import { goList, sameSet } from "./common.js";
import { annotated } from "./group-annotations.js";
import type { ClassifiedIngress } from "./group-loader.js";

/**
 * The load balancer's subnets (model_build_load_balancer.go buildLoadBalancerSubnetMappings),
 * resolved by name or ID or discovered as pkg/networking/subnet_resolver.go does.
 */

function subnetName(s: Subnet): string | undefined {
  return s.tags["Name"];
}

function routesToInternetGateway(snapshot: Snapshot, subnet: Subnet): boolean {
  return (
    routeTableForSubnet(subnet.id, snapshot.aws)?.table.routes.some(
      (r) => r.targetKind === "internet-gateway" && r.state === "active",
    ) ?? false
  );
}

/** buildLoadBalancerSubnetMappings: the subnets annotation (all must agree), else discovery. */
export function buildSubnets(
  ctx: BuildContext,
  members: readonly ClassifiedIngress[],
  scheme: "internet-facing" | "internal",
): BuildResult<string[]> {
  const aws = ctx.snapshot.aws;
  const explicit = annotated(members, "subnets").map(({ m, value }) => ({ m, ids: splitCommaSeparatedString(value) }));
  if (explicit.length > 0) {
    const chosen = explicit[0]!;
    for (const other of explicit.slice(1)) {
      if (!sameSet(chosen.ids, other.ids) || chosen.ids.length !== other.ids.length)
        return fail(
          "conflict",
          `conflicting subnets: ${goList(chosen.ids)} | ${goList(other.ids)}`,
          other.m.ingress.meta.source,
        );
    }
    if (aws.subnets.length === 0) {
      ctx.notes.push({
        what: `the snapshot has no subnets: the subnets annotation ${goList(chosen.ids)} is taken as written`,
        source: chosen.m.ingress.meta.source,
      });
      return ok(chosen.ids.filter((s) => s.startsWith("subnet-")));
    }
    const notListed = (message: string): BuildFailure =>
      fail("missing", `failed to list subnets by names or IDs: ${message}`, chosen.m.ingress.meta.source);
    const inVpc = aws.subnets.filter((s) => ctx.vpcId === undefined || s.vpcId === ctx.vpcId);
    const wantIds = chosen.ids.filter((s) => s.startsWith("subnet-"));
    const foundIds = inVpc.filter((s) => wantIds.includes(s.id)).map((s) => s.id);
    if (foundIds.length !== new Set(wantIds).size)
      return notListed(`couldn't find all subnets, want: ${goList(wantIds)}, found: ${goList(foundIds)}`);
    const resolved: Subnet[] = [];
    for (const nameOrId of chosen.ids) {
      const subnet = nameOrId.startsWith("subnet-")
        ? inVpc.find((s) => s.id === nameOrId)
        : inVpc.find((s) => subnetName(s) === nameOrId && !resolved.includes(s));
      if (!subnet)
        return notListed(
          nameOrId.startsWith("subnet-")
            ? `subnet ID not found: ${nameOrId}`
            : `subnet with Name tag not found: ${nameOrId}`,
        );
      resolved.push(subnet);
    }
    const byAz = new Map<string, string[]>();
    for (const s of resolved) byAz.set(s.availabilityZone ?? "", [...(byAz.get(s.availabilityZone ?? "") ?? []), s.id]);
    for (const [az, ids] of byAz)
      if (ids.length > 1)
        return fail(
          "invalid-annotation",
          `multiple subnets in same Availability Zone ${az}: ${goList(ids)}`,
          chosen.m.ingress.meta.source,
        );
    if (resolved.length < 2)
      return fail(
        "invalid-annotation",
        `subnets count less than minimal required count: ${resolved.length} < 2`,
        chosen.m.ingress.meta.source,
      );
    return ok(resolved.map((s) => s.id));
  }
  // ResolveViaDiscovery (pkg/networking/subnet_resolver.go)
  const source = members[0]!.ingress.meta.source;
  if (aws.subnets.length === 0) {
    ctx.notes.push({
      what: "the snapshot has no subnets: the load balancer's subnets (discovered by the kubernetes.io/role/elb or role/internal-elb tag) are not known",
      source,
    });
    return ok([]);
  }
  const inVpc = aws.subnets.filter((s) => ctx.vpcId === undefined || s.vpcId === ctx.vpcId);
  const roleTag = scheme === "internal" ? "kubernetes.io/role/internal-elb" : "kubernetes.io/role/elb";
  let candidates = inVpc.filter((s) => s.tags[roleTag] === "" || s.tags[roleTag] === "1");
  let how = `tagged ${roleTag}`;
  if (candidates.length === 0) {
    // SubnetDiscoveryByReachability (on by default): public subnets route to an internet gateway
    const needsPublic = scheme === "internet-facing";
    candidates = inVpc.filter((s) => routesToInternetGateway(ctx.snapshot, s) === needsPublic);
    how = `no subnet is tagged ${roleTag}: by reachability, ${needsPublic ? "public" : "private"} subnets`;
  }
  const clusterTag = ctx.clusterName ? `kubernetes.io/cluster/${ctx.clusterName}` : undefined;
  const otherCluster = (s: Subnet): boolean => {
    const tags = Object.keys(s.tags).filter((t) => t.startsWith("kubernetes.io/cluster"));
    if (tags.length === 0) return false;
    if (!clusterTag) return false;
    return !tags.includes(clusterTag);
  };
  const ineligible = candidates.filter(otherCluster);
  const eligible = candidates.filter((s) => !otherCluster(s));
  if (!clusterTag && candidates.some((s) => Object.keys(s.tags).some((t) => t.startsWith("kubernetes.io/cluster/")))) {
    ctx.notes.push({
      what: "the cluster name is not known: subnets tagged for a cluster are not checked against it",
      source,
    });
  }
  const byAz = new Map<string, Subnet[]>();
  for (const s of eligible) byAz.set(s.availabilityZone ?? s.id, [...(byAz.get(s.availabilityZone ?? s.id) ?? []), s]);
  const chosen = [...byAz.values()]
    .map(
      (list) =>
        [...list].sort(
          (a, b) =>
            Number(clusterTag !== undefined && b.tags[clusterTag] !== undefined) -
              Number(clusterTag !== undefined && a.tags[clusterTag] !== undefined) || (a.id < b.id ? -1 : 1),
        )[0]!,
    )
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (chosen.length === 0) {
    return fail(
      "missing",
      `couldn't auto-discover subnets: unable to resolve at least one subnet. Evaluated ${candidates.length} subnets: ${ineligible.length} are tagged for other clusters, and 0 have insufficient available IP addresses`,
      source,
    );
  }
  if (chosen.length < 2)
    return fail(
      "missing",
      `couldn't auto-discover subnets: subnets count less than minimal required count: ${chosen.length} < 2`,
      source,
    );
  ctx.notes.push({
    what: `subnets discovered: ${how}, one per availability zone: ${chosen.map((s) => s.id).join(", ")}`,
    source: chosen[0]!.source,
  });
  return ok(chosen.map((s) => s.id));
}
