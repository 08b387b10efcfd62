import type { Ingress } from "../../../../model/kubernetes.js";
import type { IngressRef } from "../types.js";

/**
 * What the controller's builders share: Go's formatting of its messages and Ingress keys (the
 * build result and its error: ../build-result.ts).
 */

/** Go's %v of a []string: `[a b]` */
export function goList(values: readonly (string | number)[]): string {
  return `[${values.join(" ")}]`;
}

/** Go's %v of a sets.String: `map[a:{} b:{}]` (keys sorted) */
export function goSet(values: Iterable<string>): string {
  return `map[${[...new Set(values)]
    .sort()
    .map((v) => `${v}:{}`)
    .join(" ")}]`;
}

export function key(ing: Ingress): string {
  return `${ing.namespace}/${ing.name}`;
}

export function ingressRef(ing: Ingress): IngressRef {
  return { namespace: ing.namespace, name: ing.name, source: ing.meta.source };
}

/** The characters the controller keeps of a name part in the names it generates. */
export function alphanumeric(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, "");
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
