import type { Labels, Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from "../../../../model/kubernetes.js";
import type { SourceRef } from "../../../../model/source.js";

/** The scheduler's reason (nodeaffinity/node_affinity.go ErrReasonPod), word for word. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

/**
 * One node selector requirement against a node (component-helpers scheduling/corev1/nodeaffinity):
 * In/NotIn/Exists/DoesNotExist as label selectors (NotIn and DoesNotExist match a node without the
 * label); Gt/Lt compare the label as an integer (no label, or not an integer: no match).
 */
export function requirementMatches(r: NodeSelectorRequirement, labels: Labels): boolean {
  const value = labels[r.key];
  switch (r.operator) {
    case "In":
      return value !== undefined && r.values.includes(value);
    case "NotIn":
      return value === undefined || !r.values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      // strconv.ParseInt(value, 10, 64): a label that is not an int64 matches neither
      const have = parseInt64(value);
      const limit = parseInt64(r.values[0]);
      if (have === undefined || limit === undefined) return false;
      return r.operator === "Gt" ? have > limit : have < limit;
    }
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function parseInt64(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** matchFields support only metadata.name (the node's name). */
function fieldMatches(r: NodeSelectorRequirement, node: Node): boolean {
  return requirementMatches(r, { "metadata.name": node.name });
}

/**
 * A term matches when all its expressions and fields do; a term with neither matches nothing
 * (nodeaffinity.nodeSelectorTerm: "an empty term matches no objects").
 */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
  return (
    term.matchExpressions.every((r) => requirementMatches(r, node.labels)) &&
    term.matchFields.every((r) => fieldMatches(r, node))
  );
}

/** The label pairs of a nodeSelector the node lacks. */
export function missingSelectorLabels(nodeSelector: Labels, node: Node): string[] {
  return Object.keys(nodeSelector)
    .sort()
    .filter((k) => node.labels[k] !== nodeSelector[k])
    .map((k) => `${k}=${nodeSelector[k]}`);
}

/** Why a pod's nodeSelector and required node affinity reject a node, or undefined when they match. */
export function nodeAffinityMismatch(
  spec: PodSpec,
  node: Node,
): { readonly detail: string; readonly source: SourceRef } | undefined {
  const nodeSelector = spec.nodeSelector;
  for (const key in nodeSelector) {
    if (node.labels[key] === nodeSelector[key]) continue;
    return {
      detail: `nodeSelector needs ${missingSelectorLabels(nodeSelector, node).join(", ")}`,
      source: spec.nodeSelectorSource,
    };
  }
  const required = spec.affinity.nodeAffinity?.required;
  if (required && !required.some((t) => termMatches(t, node))) {
    return {
      detail: `no term of requiredDuringSchedulingIgnoredDuringExecution matches (${required.length} term(s))`,
      source: required[0]?.source ?? spec.source,
    };
  }
  return undefined;
}

/**
 * What nodeAffinityMismatch reads of a spec (the nodeSelector and the required terms, their
 * sources left out), as a string: specs with the same key are rejected by the same nodes.
 */
export function nodeAffinityKey(spec: PodSpec): string {
  // the nodeSelector's own keys are label names, kept whatever they are (a label may be named "source")
  return (
    JSON.stringify(spec.nodeSelector) +
    JSON.stringify(spec.affinity.nodeAffinity?.required ?? null, (key, value: unknown) =>
      key === "source" ? undefined : value,
    )
  );
}
