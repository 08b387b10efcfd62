import { ALB_ANNOTATIONS, annotationErrorMessage, splitCommaSeparatedString } from "../../../../model/annotations.js";
import type { BuildContext } from "./build-task.js";
import { fail, ok, type BuildResult } from "../build-result.js";
import { alphanumeric, goList, goSet } from "./common.js";
import { annotated, conflictSource, explicitValues, sourceOfAnnotation } from "./group-annotations.js";
import type { ClassifiedIngress } from "./group-loader.js";

/**
 * The load balancer's scheme, IP address type, security groups and name
 * (pkg/ingress/model_build_load_balancer.go; its subnets: subnet-resolver.ts).
 */

export function buildScheme(
  ctx: BuildContext,
  members: readonly ClassifiedIngress[],
): BuildResult<"internet-facing" | "internal"> {
  const explicit = explicitValues(members, "scheme");
  if (explicit.size === 0) {
    const d = ctx.options.defaultScheme ?? "internal";
    return ok(d === "internet-facing" ? "internet-facing" : "internal");
  }
  if (explicit.size > 1)
    return fail("conflict", `conflicting scheme: ${goSet(explicit)}`, conflictSource(members, "scheme"));
  const scheme = [...explicit][0]!;
  if (scheme !== "internet-facing" && scheme !== "internal")
    return fail("invalid-annotation", `unknown scheme: ${scheme}`, sourceOfAnnotation(members, "scheme", scheme));
  return ok(scheme);
}

export function buildIpAddressType(members: readonly ClassifiedIngress[]): BuildResult<string> {
  const explicit = explicitValues(members, "ip-address-type");
  if (explicit.size === 0) return ok("ipv4");
  if (explicit.size > 1)
    return fail(
      "conflict",
      `conflicting IPAddressType: ${goList([...explicit].sort())}`,
      conflictSource(members, "ip-address-type"),
    );
  const t = [...explicit][0]!;
  if (!["ipv4", "dualstack", "dualstack-without-public-ipv4"].includes(t))
    return fail("invalid-annotation", `unknown IPAddressType: ${t}`, sourceOfAnnotation(members, "ip-address-type"));
  return ok(t);
}

/**
 * buildLoadBalancerSecurityGroups: the security-groups annotation (it must agree across the
 * group), with the manage-backend-security-group-rules setting; undefined: the controller
 * creates and manages the frontend security group.
 */
export function buildSecurityGroups(
  ctx: BuildContext,
  members: readonly ClassifiedIngress[],
): BuildResult<{ ids: string[]; manageBackendRules: boolean } | undefined> {
  const explicit = annotated(members, "security-groups").map(({ m, value }) => ({
    m,
    ids: splitCommaSeparatedString(value),
  }));
  if (explicit.length === 0) return ok(undefined);
  const chosen = explicit[0]!;
  for (const other of explicit.slice(1)) {
    if (chosen.ids.length !== other.ids.length || chosen.ids.some((v, i) => v !== other.ids[i])) {
      return fail(
        "conflict",
        `conflicting securityGroups: ${goList(chosen.ids)} | ${goList(other.ids)}`,
        other.m.ingress.meta.source,
      );
    }
  }
  const flag = manageBackendRulesFlag(ctx, members);
  if (!flag.ok) return flag;
  const manageBackendRules = flag.value;
  if (manageBackendRules && !(ctx.options.enableBackendSecurityGroup ?? true)) {
    return fail(
      "invalid-annotation",
      "backendSG feature is required to manage worker node SG rules when frontendSG manually specified",
      chosen.m.ingress.meta.source,
    );
  }
  const groups = ctx.snapshot.aws.securityGroups;
  const ids = chosen.ids.map((nameOrId) => {
    if (nameOrId.startsWith("sg-")) return nameOrId;
    const sg = groups.find(
      (g) => (ctx.vpcId === undefined || g.vpcId === ctx.vpcId) && (g.tags["Name"] === nameOrId || g.name === nameOrId),
    );
    if (!sg)
      ctx.notes.push({
        what: `security group ${JSON.stringify(nameOrId)} is not in the snapshot: kept by name`,
        source: chosen.m.ingress.meta.source,
      });
    return sg?.id ?? nameOrId;
  });
  return ok({ ids, manageBackendRules });
}

/** buildManageSecurityGroupRulesFlag: the annotation (all members agree) over the flag. */
function manageBackendRulesFlag(ctx: BuildContext, members: readonly ClassifiedIngress[]): BuildResult<boolean> {
  const explicit = new Set<boolean>();
  for (const m of members) {
    const parsed = ALB_ANNOTATIONS.parseBoolAnnotation(
      "manage-backend-security-group-rules",
      m.ingress.meta.annotations,
    );
    if (!parsed.ok) return fail("invalid-annotation", annotationErrorMessage(parsed.error), m.ingress.meta.source);
    if (parsed.value !== undefined) explicit.add(parsed.value);
  }
  if (explicit.size > 1)
    return fail(
      "conflict",
      "conflicting manage backend security group rules settings",
      conflictSource(members, "manage-backend-security-group-rules"),
    );
  if (explicit.size === 1) return ok([...explicit][0]!);
  return ok(ctx.options.enableManageBackendSecurityGroupRules ?? false);
}

export function buildName(members: readonly ClassifiedIngress[], ctx: BuildContext): BuildResult<string> {
  const explicit = explicitValues(members, "load-balancer-name");
  if (explicit.size > 1)
    return fail(
      "conflict",
      `conflicting load balancer name: ${goSet(explicit)}`,
      conflictSource(members, "load-balancer-name"),
    );
  if (explicit.size === 1) {
    const name = [...explicit][0]!;
    if (name.length > 32)
      return fail(
        "invalid-annotation",
        "load balancer name cannot be longer than 32 characters",
        sourceOfAnnotation(members, "load-balancer-name"),
      );
    return ok(name);
  }
  return ok(`${generatedNamePrefix(ctx.group, ctx.explicit)}<hash>`);
}

/**
 * The load balancer name the controller generates for a group (buildLoadBalancerName), up to its
 * hash: `k8s-GROUP17-` for an explicit group, `k8s-NS8-NAME8-` for an implicit one.
 */
function generatedNamePrefix(group: string, explicit: boolean): string {
  if (explicit) return `k8s-${alphanumeric(group).slice(0, 17)}-`;
  const [ns = "", name = ""] = group.split("/");
  return `k8s-${alphanumeric(ns).slice(0, 8)}-${alphanumeric(name).slice(0, 8)}-`;
}

/** The generated name as a pattern: the hash (of the cluster name, group and scheme) is not known here, so any 10 hex digits. */
export function generatedNamePattern(group: string, explicit: boolean): RegExp {
  return new RegExp(`^${generatedNamePrefix(group, explicit)}[0-9a-f]{10}$`);
}
