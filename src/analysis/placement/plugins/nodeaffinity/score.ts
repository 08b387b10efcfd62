import type { NodeSelectorTerm } from "../../../../model/kubernetes.js";
import { termMatches } from "./common.js";
import type { NodeInfo, PodToPlace, ScorePlugin } from "../../types.js";
import type { BatchScore } from "../../framework/batch.js";
import { feasibleIndices, nodeTable } from "../../framework/node-table.js";
import { defaultNormalizeScore } from "../../framework/normalize.js";
import { SKIP, type Skip } from "../../framework/skip.js";

interface Preferred {
  readonly weight: number;
  readonly preference: NodeSelectorTerm;
}

/** The pod's preferred terms as the scheduler keeps them: weight 0 and empty terms dropped. */
function preferredTerms(pod: PodToPlace): Preferred[] {
  const terms = pod.spec.affinity.nodeAffinity?.preferred ?? [];
  return terms.filter(
    (t) => t.weight !== 0 && (t.preference.matchExpressions.length > 0 || t.preference.matchFields.length > 0),
  );
}

/** PreferredSchedulingTerms.Score: the weights of the terms the node matches. */
function matchingWeights(node: NodeInfo, terms: readonly Preferred[]): number {
  let sum = 0;
  for (const t of terms) if (termMatches(t.preference, node.node)) sum += t.weight;
  return sum;
}

interface NodeAffinityState {
  readonly terms: readonly Preferred[];
  /** the pod spec's preferred list the terms come from: the key of the raw scores memo (node labels never change) */
  readonly source: object;
}

/**
 * kube-scheduler pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go, Score: the sum of
 * the weights of the pod's preferredDuringSchedulingIgnoredDuringExecution terms the node matches
 * (component-helpers nodeaffinity.PreferredSchedulingTerms.Score: terms of weight 0 and empty
 * terms are ignored; a term matches when all its expressions and fields do). PreScore returns
 * Skip for a pod without preferred terms. NormalizeScore is DefaultNormalizeScore. Weight 2.
 * (The scheduler's own addedAffinity argument is not set in the default profile.)
 */
export const NodeAffinityScore: ScorePlugin<NodeAffinityState | Skip> & BatchScore<NodeAffinityState | Skip> = {
  name: "NodeAffinity",
  weight: 2,
  prepare(pod) {
    const terms = preferredTerms(pod);
    return terms.length === 0 ? SKIP : { terms, source: pod.spec.affinity.nodeAffinity!.preferred };
  },
  score(_pod, node, _cluster, state) {
    return state === SKIP ? 0 : matchingWeights(node, state.terms);
  },
  scoreAll(_pod, feasible, cluster, state, out) {
    if (state === SKIP) {
      out.fill(0, 0, feasible.length);
      return;
    }
    const table = nodeTable(cluster);
    const nodes = table.nodes;
    const cache = table.memo(state.source);
    const at = feasibleIndices(cluster, feasible);
    for (let i = 0; i < feasible.length; i++) {
      const k = at[i]!;
      let score = cache[k]!;
      if (Number.isNaN(score)) cache[k] = score = matchingWeights(nodes[k]!, state.terms);
      out[i] = score;
    }
  },
  normalize(scores, _pod, state) {
    if (state === SKIP) return;
    defaultNormalizeScore(scores, false);
  },
};
