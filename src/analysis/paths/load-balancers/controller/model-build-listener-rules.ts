import type { Ingress, IngressPath } from "../../../../model/kubernetes.js";
import type { SourceRef } from "../../../../model/source.js";
import type { ActionView, RuleCondition } from "../types.js";
import type { BuildContext } from "./build-task.js";
import { BuildError, key } from "./common.js";
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
export function pathPatterns(path: string, pathType: IngressPath["pathType"]): { values: string[]; error: string | undefined } {
  if (path === "") return { values: [], error: undefined };
  switch (pathType) {
    case "ImplementationSpecific":
      return { values: [path], error: undefined };
    case "Exact":
      return { values: [path], error: /[*?]/.test(path) ? `exact path shouldn't contain wildcards: ${path}` : undefined };
    case "Prefix": {
      if (path === "/") return { values: ["/*"], error: undefined };
      const normalized = path.replace(/\/$/, "");
      return { values: [normalized, `${normalized}/*`], error: /[*?]/.test(path) ? `prefix path shouldn't contain wildcards: ${path}` : undefined };
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
export function buildRules(ctx: BuildContext, ingList: readonly ClassifiedIngress[]): Rule[] {
  const rules: Rule[] = [];
  for (const m of ingList) {
    const ing = m.ingress;
    for (const rule of ing.rules) {
      for (const path of sortIngressPaths(rule.paths)) {
        try {
          const backend = enhancedBackend(ctx, ing, path.backend);
          const hosts = rule.host ? [rule.host] : [];
          const patterns = pathPatterns(path.path, path.pathType);
          if (patterns.error) throw new Error(patterns.error);
          const paths = [...patterns.values];
          const conditions: RuleCondition[] = [];
          for (const c of backend.conditions) {
            if (c.field === "host-header") hosts.push(...c.values);
            else if (c.field === "path-pattern") paths.push(...c.values);
            else conditions.push(c);
          }
          if (hosts.length > 0) conditions.push({ field: "host-header", values: hosts });
          if (paths.length > 0) conditions.push({ field: "path-pattern", values: paths });
          if (conditions.length === 0) conditions.push({ field: "path-pattern", values: ["/*"] });
          rules.push({ conditions, actions: [backendActionView(ctx, ing, backend.action)], ingress: ing, source: path.source });
        } catch (e) {
          if (e instanceof BuildError) throw e;
          throw new BuildError(`ingress: ${key(ing)}: ${(e as Error).message}`, path.source);
        }
      }
    }
  }
  return rules;
}
