import type { ClusterView, NodeInfo, PodToPlace, ScorePlugin } from "../types.js";

/**
 * The batch form of Score that podpath's own score plugins add to the ScorePlugin interface: the
 * raw scores of every feasible node at once, written into `out` (aligned with `feasible`). Same
 * results as `score` node by node — one call per plugin instead of one per node keeps the
 * simulation's inner loops monomorphic.
 */
export interface BatchScore<State> {
  scoreAll(pod: PodToPlace, feasible: readonly NodeInfo[], cluster: ClusterView, state: State, out: number[]): void;
}

export function hasBatchScore<State>(plugin: ScorePlugin<State>): plugin is ScorePlugin<State> & BatchScore<State> {
  return typeof (plugin as Partial<BatchScore<State>>).scoreAll === "function";
}
