/**
 * Spread made visible: when PodTopologySpread keeps a pod Pending, the domain counts and the skew
 * it compared (kube-scheduler plugins/podtopologyspread filtering.go Filter: matching pods in the
 * node's domain + the pod − the global minimum over the eligible domains > maxSkew), and why the
 * domain holding the minimum counts at all (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore by
 * default: matchNodeInclusionPolicies).
 */
import type { PodView } from "../analysis/placement/placement.js";
import type { SpreadCounts } from "../analysis/placement/types.js";
import { namedNodes } from "./place-groups.js";

/**
 * "PodTopologySpread (kubernetes.io/hostname, maxSkew 1): worker-1, worker-2 would have 2 (skew 2),
 * k8s-master 0 (the global minimum); k8s-master … counts because nodeTaintsPolicy defaults to Ignore"
 */
export function spreadLines(p: PodView): string[] {
  const byConstraint = new Map<string, { counts: SpreadCounts; nodes: Map<number, string[]> }>();
  for (const { node, reason } of p.spreadRejections ?? []) {
    const s = reason.spread;
    if (!s) continue;
    const key = `${s.topologyKey}\u0000${s.maxSkew}`;
    let entry = byConstraint.get(key);
    if (!entry) byConstraint.set(key, (entry = { counts: s, nodes: new Map() }));
    const wouldHave = s.matching + s.selfMatch;
    const list = entry.nodes.get(wouldHave);
    if (list) list.push(node);
    else entry.nodes.set(wouldHave, [node]);
  }
  return [...byConstraint.values()].map(({ counts: s, nodes }) => {
    const would = [...nodes]
      .sort((a, b) => b[0] - a[0])
      .map(([n, list]) => `${namedNodes(list)} would have ${n} (skew ${n - s.globalMinimum})`)
      .join(", ");
    const minimum =
      s.eligibleDomains < s.minDomains
        ? `the global minimum is 0: only ${s.eligibleDomains} eligible domain(s), fewer than minDomains ${s.minDomains}`
        : `${namedNodes(s.minimumDomains)} ${s.globalMinimum} (the global minimum)`;
    const notes = s.notes.length > 0 ? `; ${s.notes[0]!}` : "";
    return `PodTopologySpread (${s.topologyKey}, maxSkew ${s.maxSkew}): ${would}, ${minimum}${notes}`;
  });
}
