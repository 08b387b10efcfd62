import type { Ingress, IngressPath } from "../../../../model/kubernetes.js";
import type { SourceRef } from "../../../../model/source.js";
import type { ActionView, RuleCondition } from "../types.js";
import type { BuildContext } from "./build-task.js";
import { fail, ok, wrap, type BuildResult } from "../build-result.js";
import { key } from "./common.js";
import { enhancedBackend } from "./enhanced-backend-builder.js";
import type { ClassifiedIngress } from "./group-loader.js";
import { backendActionView } from "./model-build-actions.js";

/**
 * Listener rules before optimisation, and path patterns
 * (pkg/ingress/model_build_listener_rules.go).
 */

/**
 * ELBv2 path patterns for an Ingress path: Exact `/foo` → `/foo`; Prefix `/` → `/*`, Prefix
 * `/foo` or `/foo/` → `/foo` and `/foo/*`; ImplementationSpecific as written. Exact and Prefix
 * paths with wildcards are refused.
 */
export function pathPatterns(
  path: string,
  pathType: IngressPath["pathType"],
): { values: string[]; error: string | undefined } {
  if (path === "") return { values: [], error: undefined };
  switch (pathType) {
    case "ImplementationSpecific":
      return { values: [path], error: undefined };
    case "Exact":
      return {
        values: [path],
        error: /[*?]/.test(path) ? `exact path shouldn't contain wildcards: ${path}` : undefined,
      };
    case "Prefix": {
      if (path === "/") return { values: ["/*"], error: undefined };
      const normalized = path.replace(/\/$/, "");
      return {
        values: [normalized, `${normalized}/*`],
        error: /[*?]/.test(path) ? `prefix path shouldn't contain wildcards: ${path}` : undefined,
      };
    }
  }
}

/** sortIngressPaths: Exact paths first, then Prefix paths longest first (stable), then the rest. */
function sortIngressPaths(paths: readonly IngressPath[]): IngressPath[] {
  const exact = paths.filter((p) => p.pathType === "Exact");
  const prefix = paths
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.pathType === "Prefix")
    .sort((a, b) => b.p.path.length - a.p.path.length || a.i - b.i)
    .map(({ p }) => p);
  const rest = paths.filter((p) => p.pathType === "ImplementationSpecific");
  return [...exact, ...prefix, ...rest];
}

export interface Rule {
  conditions: RuleCondition[];
  actions: ActionView[];
  ingress: Ingress;
  source: SourceRef;
}

/** buildListenerRules before optimisation: member order, then rule order, then sorted paths. */
export function buildRules(ctx: BuildContext, ingList: readonly ClassifiedIngress[]): BuildResult<Rule[]> {
  const rules: Rule[] = [];
  for (const m of ingList) {
    const ing = m.ingress;
    for (const rule of ing.rules) {
      for (const path of sortIngressPaths(rule.paths)) {
        const built = buildPathRule(ctx, ing, rule.host, path);
        // a path's failure names its Ingress and points at the path
        if (!built.ok) return wrap(built, `ingress: ${key(ing)}: `, path.source);
        rules.push(built.value);
      }
    }
  }
  return ok(rules);
}

/** One path's rule: its backend's conditions merged with the host and path patterns, and its action. */
function buildPathRule(
  ctx: BuildContext,
  ing: Ingress,
  host: string | undefined,
  path: IngressPath,
): BuildResult<Rule> {
  const backend = enhancedBackend(ctx, ing, path.backend);
  if (!backend.ok) return backend;
  const hosts = host ? [host] : [];
  const patterns = pathPatterns(path.path, path.pathType);
  if (patterns.error) return fail("invalid-spec", patterns.error, path.source);
  const paths = [...patterns.values];
  const conditions: RuleCondition[] = [];
  for (const c of backend.value.conditions) {
    if (c.field === "host-header") hosts.push(...c.values);
    else if (c.field === "path-pattern") paths.push(...c.values);
    else conditions.push(c);
  }
  if (hosts.length > 0) conditions.push({ field: "host-header", values: hosts });
  if (paths.length > 0) conditions.push({ field: "path-pattern", values: paths });
  if (conditions.length === 0) conditions.push({ field: "path-pattern", values: ["/*"] });
  const action = backendActionView(ctx, ing, backend.value.action);
  if (!action.ok) return action;
  return ok({ conditions, actions: [action.value], ingress: ing, source: path.source });
}
