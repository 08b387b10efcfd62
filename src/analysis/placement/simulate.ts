import { addToNode, placedPod } from "./cluster-state.js";
import { evaluateNode, fitErrorMessage, prepareFilters, type NodeVerdict } from "./feasibility.js";
import type { ClusterState, FilterPlugin, NodeInfo, PodToPlace, ScorePlugin } from "./types.js";

export interface Prediction {
  /** the node the scheduler would pick; with a tie, the first of the tied nodes by name */
  readonly node: string | undefined;
  /** every node sharing the best score, when more than one does (the scheduler picks at random) */
  readonly tied: readonly string[];
  /** the scheduler's "0/N nodes are available: …" when no node fits */
  readonly unschedulable: string | undefined;
  /** the total score of the chosen node */
  readonly score: number | undefined;
}

/**
 * Scores the feasible nodes for a pod as the scheduler's RunScorePlugins does: each plugin's raw
 * scores, normalized, times its weight, summed per node.
 */
export function scoreNodes(pod: PodToPlace, feasible: readonly NodeInfo[], cluster: ClusterState, plugins: readonly ScorePlugin<unknown>[]): number[] {
  const totals = new Array<number>(feasible.length).fill(0);
  for (const plugin of plugins) {
    const state = plugin.prepare?.(pod, feasible, cluster);
    const scores = feasible.map((node) => plugin.score(pod, node, cluster, state));
    plugin.normalize?.(scores, pod, state);
    for (let i = 0; i < scores.length; i++) totals[i]! += scores[i]! * plugin.weight;
  }
  return totals;
}

/** Scheduling order: higher priority first (PrioritySort), then as listed. */
export function schedulingOrder(pods: readonly PodToPlace[], priorityOf: (pod: PodToPlace) => number): PodToPlace[] {
  return pods
    .map((pod, index) => ({ pod, index, priority: priorityOf(pod) }))
    .sort((a, b) => b.priority - a.priority || a.index - b.index)
    .map((x) => x.pod);
}

/**
 * Places the pods one at a time as kube-scheduler would: filters, then scores over the feasible
 * nodes, the best node taken (ties reported), and the node's usage updated before the next pod.
 * `cluster` is changed in place.
 */
export function simulate(pods: readonly PodToPlace[], cluster: ClusterState, filters: readonly FilterPlugin<unknown>[], scores: readonly ScorePlugin<unknown>[]): Map<PodToPlace, Prediction> {
  const out = new Map<PodToPlace, Prediction>();
  for (const pod of pods) {
    const states = prepareFilters(pod, cluster, filters);
    const candidates = pod.daemonNode ? cluster.nodes.filter((n) => n.name === pod.daemonNode) : cluster.nodes;
    const verdicts: NodeVerdict[] = [];
    const feasible: NodeInfo[] = [];
    for (const node of candidates) {
      const v = evaluateNode(pod, node, cluster, filters, states);
      verdicts.push(v);
      if (v.feasible) feasible.push(node);
    }
    if (feasible.length === 0) {
      out.set(pod, { node: undefined, tied: [], unschedulable: fitErrorMessage(verdicts, cluster.nodes.length), score: undefined });
      continue;
    }
    const totals = scoreNodes(pod, feasible, cluster, scores);
    const best = Math.max(...totals);
    const tied = feasible.filter((_, i) => totals[i] === best).map((n) => n.name).sort();
    const chosen = cluster.nodeByName.get(tied[0]!)!;
    addToNode(chosen, placedPod(pod.owner, pod.name, pod.namespace, pod.labels, pod.spec, chosen.name));
    out.set(pod, { node: chosen.name, tied: tied.length > 1 ? tied : [], unschedulable: undefined, score: best });
  }
  return out;
}
