import type { LabelSelector, Labels } from "./kubernetes.js";

/**
 * metav1.LabelSelectorAsSelector semantics: matchLabels and matchExpressions ANDed; an empty
 * selector matches everything; In/NotIn/Exists/DoesNotExist (NotIn and DoesNotExist match objects
 * without the key).
 */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const key in selector.matchLabels) {
    if (labels[key] !== selector.matchLabels[key]) return false;
  }
  for (const e of selector.matchExpressions) {
    const value = labels[e.key];
    switch (e.operator) {
      case "In":
        if (value === undefined || !e.values.includes(value)) return false;
        break;
      case "NotIn":
        if (value !== undefined && e.values.includes(value)) return false;
        break;
      case "Exists":
        if (value === undefined) return false;
        break;
      case "DoesNotExist":
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

/** A Service's `spec.selector` (a plain map): every pair must match; an empty map matches nothing
 * in Kubernetes' endpoints controller, which skips services without a selector. */
export function mapSelectorMatches(selector: Labels, labels: Labels): boolean {
  let any = false;
  for (const key in selector) {
    any = true;
    if (labels[key] !== selector[key]) return false;
  }
  return any;
}

export function formatSelector(selector: LabelSelector): string {
  const parts = Object.keys(selector.matchLabels)
    .sort()
    .map((k) => `${k}=${selector.matchLabels[k]}`);
  for (const e of selector.matchExpressions) {
    if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === "In" ? "in" : "notin"} (${e.values.join(",")})`);
  }
  return parts.join(",");
}
