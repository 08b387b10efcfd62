import { selectorMatches } from "../../../../model/selectors.js";
import { affinityTermMatches, affinityTermView, namespaceLabels } from "../../framework/label-selectors.js";
import type { NodeInfo, ScorePlugin } from "../../types.js";
import type { BatchScore } from "../../framework/batch.js";
import { feasibleIndices, nodeTable } from "../../framework/node-table.js";
import { MAX_NODE_SCORE } from "../../framework/normalize.js";
import { scoringPodIndex } from "../../framework/pod-index.js";
import { SKIP, type Skip } from "../../framework/skip.js";

/** topology key → topology value → score, as PreScore's topologyScore (a scoreMap) */
interface InterPodAffinityState {
  readonly topologyScore: readonly { readonly key: string; readonly values: ReadonlyMap<string, number> }[];
}

/** Score: the sum of the scores of the node's domains. */
function domainScore(node: NodeInfo, state: InterPodAffinityState): number {
  let score = 0;
  for (const { key, values } of state.topologyScore) {
    const value = node.labels[key];
    if (value !== undefined) score += values.get(value) ?? 0;
  }
  return score;
}

/**
 * kube-scheduler pkg/scheduler/framework/plugins/interpodaffinity/scoring.go. PreScore builds a
 * score per topology domain (topology key and value):
 * - for each preferred affinity (anti-affinity) term of the incoming pod, every existing pod the
 *   term selects adds (subtracts) the term's weight to the domain of that pod's node;
 * - symmetrically, for each existing pod, its preferred affinity (anti-affinity) terms that
 *   select the incoming pod add (subtract) their weight, and its required affinity terms that
 *   select it add hardPodAffinityWeight (1), to the domain of the existing pod's node.
 * Terms select by namespace (the listed namespaces, the owner's own by default, or a
 * namespaceSelector) and label selector. A pod on a node without labels counts for nothing.
 * PreScore returns Skip when no domain got a score. Score sums, over the topology keys scored,
 * the score of the node's domain; NormalizeScore maps min..max to 0..100
 * (`int64(100 × (score − min) / (max − min))`, all 0 when max = min). Weight 2.
 * (IgnorePreferredTermsOfExistingPods is false in the default profile.)
 */
export const InterPodAffinityScore: ScorePlugin<InterPodAffinityState | Skip> &
  BatchScore<InterPodAffinityState | Skip> = {
  name: "InterPodAffinity",
  weight: 2,
  prepare(pod, _feasible, cluster) {
    const index = scoringPodIndex(cluster);
    const topologyScore = new Map<string, Map<string, number>>();
    const add = (key: string, value: string, delta: number) => {
      let values = topologyScore.get(key);
      if (!values) topologyScore.set(key, (values = new Map<string, number>()));
      values.set(value, (values.get(value) ?? 0) + delta);
    };

    // the existing pods' terms that select the incoming pod
    for (const group of index.termGroupsFor(pod.labels)) {
      if (!affinityTermMatches(group.term, pod, cluster)) continue;
      for (const [value, count] of group.counts) add(group.term.topologyKey, value, group.value * count);
    }

    // the incoming pod's preferred terms, over the existing pods they select
    const affinity = pod.spec.affinity;
    const weighted = [
      ...(affinity.podAffinity?.preferred ?? []).map((w) => ({ w, sign: 1 })),
      ...(affinity.podAntiAffinity?.preferred ?? []).map((w) => ({ w, sign: -1 })),
    ];
    for (const { w, sign } of weighted) {
      const term = affinityTermView(w.term, pod);
      if (term.selector === null) continue;
      const namespaces = new Set(term.namespaces);
      if (term.namespaceSelector !== null) {
        for (const ns of index.namespaces())
          if (selectorMatches(term.namespaceSelector, namespaceLabels(cluster, ns))) namespaces.add(ns);
      }
      for (const ns of namespaces) {
        for (const { pod: other, node } of index.candidates(ns, term.selector)) {
          if (!selectorMatches(term.selector, other.labels)) continue;
          const value = node.labels[term.topologyKey];
          if (value !== undefined) add(term.topologyKey, value, sign * w.weight);
        }
      }
    }
    if (topologyScore.size === 0) return SKIP;
    return { topologyScore: [...topologyScore].map(([key, values]) => ({ key, values })) };
  },
  score(_pod, node, _cluster, state) {
    return state === SKIP ? 0 : domainScore(node, state);
  },
  scoreAll(_pod, feasible, cluster, state, out) {
    if (state === SKIP) {
      out.fill(0, 0, feasible.length);
      return;
    }
    // per topology key: the node's label as an id, and the score of each id that has one
    const table = nodeTable(cluster);
    const keys = state.topologyScore.map(({ key, values }) => {
      const column = table.label(key);
      const byId = new Map<number, number>();
      for (const [value, score] of values) {
        const id = column.idOf.get(value);
        if (id !== undefined) byId.set(id, score);
      }
      return { ids: column.ids, byId };
    });
    const at = feasibleIndices(cluster, feasible);
    for (let i = 0; i < feasible.length; i++) {
      const k = at[i]!;
      let score = 0;
      for (const { ids, byId } of keys) {
        const id = ids[k]!;
        if (id >= 0) score += byId.get(id) ?? 0;
      }
      out[i] = score;
    }
  },
  normalize(scores, _pod, state) {
    if (state === SKIP) return;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      if (s > max) max = s;
      if (s < min) min = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++)
      scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
  },
};
