import type { PodSpec } from "../../../../model/kubernetes.js";
import type { ParsedVersion } from "../../version.js";

/** nodeaffinity/node_affinity.go errReasonConflict, word for word */
export const ERR_REASON_CONFLICT = "pod affinity terms conflict";

/**
 * NodeAffinity's PreFilter (pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go, read
 * at v1.34): when every required term names nodes with `matchFields` `metadata.name` `In`
 * (intersected within a term, ORed across terms) and no name is left, the pod matches no node:
 * the PreFilter returns UnschedulableAndUnresolvable with errReasonConflict, before any Filter.
 * A term without such a requirement leaves every node possible (no conflict).
 */
export function nodeNamesConflict(spec: PodSpec): boolean {
  const terms = spec.affinity.nodeAffinity?.required;
  if (!terms || terms.length === 0) return false;
  let union = 0;
  for (const t of terms) {
    let names: Set<string> | undefined;
    for (const r of t.matchFields) {
      if (r.key !== "metadata.name" || r.operator !== "In") continue;
      const s = new Set(r.values);
      names = names === undefined ? s : new Set([...names].filter((n) => s.has(n)));
    }
    if (names === undefined) return false;
    union += names.size;
  }
  return union === 0;
}

/**
 * The FitError when NodeAffinity's PreFilter rejects (framework/types.go FitError.Error, v1.34):
 * "0/N nodes are available: " + the PreFilter's message + "." — the nodes' statuses are not
 * counted (they all carry the PreFilter's). Decided for v1.34 only: the PreFilter's conflict
 * status and this wording were read there; for older versions undefined (the Filter's per-node
 * reasons stand). No PostFilter tail is given: with the PreFilter cut short, DynamicResources'
 * PostFilter finds no cycle state of its own (v1.34), which podpath does not follow.
 */
export function preFilterFitError(spec: PodSpec, totalNodes: number, version: ParsedVersion): string | undefined {
  if (version.minor < 34 || !nodeNamesConflict(spec)) return undefined;
  return `0/${totalNodes} nodes are available: ${ERR_REASON_CONFLICT}.`;
}
