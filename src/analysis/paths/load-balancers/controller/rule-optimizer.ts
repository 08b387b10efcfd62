import type { ActionView } from "../types.js";
import type { Rule } from "./model-build-listener-rules.js";

/** pkg/ingress/rule_optimizer.go */

/** rule_optimizer.go: drop redirect rules that would loop, and rules shadowed by an earlier redirect rule. */
export function optimizeRules(port: number, protocol: string, rules: Rule[]): Rule[] {
  const redirectOf = (r: Rule) =>
    r.actions.find((a): a is Extract<ActionView, { type: "redirect" }> => a.type === "redirect");
  const values = (r: Rule, f: string) => new Set(r.conditions.filter((c) => c.field === f).flatMap((c) => c.values));
  const infinite = (r: Rule): boolean => {
    const redirect = redirectOf(r);
    if (!redirect) return false;
    const hosts = values(r, "host-header");
    const paths = values(r, "path-pattern");
    if (redirect.host !== undefined && redirect.host !== "#{host}" && !hosts.has(redirect.host)) return false;
    if (redirect.path !== undefined && redirect.path !== "/#{path}" && !paths.has(redirect.path)) return false;
    if (redirect.port !== undefined && redirect.port !== "#{port}" && redirect.port !== String(port)) return false;
    if (redirect.protocol !== undefined && redirect.protocol !== "#{protocol}" && redirect.protocol !== protocol)
      return false;
    if (redirect.query !== undefined && redirect.query !== "#{query}") return false;
    return true;
  };
  const superset = (lhs: Rule, rhs: Rule): boolean => {
    if (lhs.conditions.some((c) => c.field !== "host-header" && c.field !== "path-pattern")) return false;
    const lh = values(lhs, "host-header");
    const lp = values(lhs, "path-pattern");
    const rh = values(rhs, "host-header");
    const rp = values(rhs, "path-pattern");
    const hostOk = lh.size === 0 || (rh.size !== 0 && [...rh].every((h) => lh.has(h)));
    const pathOk = lp.size === 0 || lp.has("/*") || (rp.size !== 0 && [...rp].every((p) => lp.has(p)));
    return hostOk && pathOk;
  };
  const out: Rule[] = [];
  for (const rule of rules.filter((r) => !infinite(r))) {
    if (out.some((existing) => redirectOf(existing) !== undefined && superset(existing, rule))) continue;
    out.push(rule);
  }
  return out;
}
