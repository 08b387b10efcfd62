import { NO_REJECTION } from "./framework/no-rejection.js";
import type { ClusterView, FilterPlugin, NodeInfo, PodToPlace, Rejection } from "./types.js";

export interface NodeVerdict {
  readonly node: string;
  readonly feasible: boolean;
  /** every rejection of every filter (the scheduler stops at the first; podpath keeps them all) */
  readonly reasons: readonly Rejection[];
}

/** Runs every filter on one node and keeps every rejection. */
export function evaluateNode(
  pod: PodToPlace,
  node: NodeInfo,
  cluster: ClusterView,
  filters: readonly FilterPlugin<unknown>[],
  states: readonly unknown[],
): NodeVerdict {
  let reasons: Rejection[] | undefined;
  for (let i = 0; i < filters.length; i++) {
    const rejections = filters[i]!.filter(pod, node, cluster, states[i]);
    if (rejections.length > 0) (reasons ??= []).push(...rejections);
  }
  return reasons
    ? { node: node.name, feasible: false, reasons }
    : { node: node.name, feasible: true, reasons: NO_REJECTION };
}

/** PreFilter state of every plugin for one pod. */
export function prepareFilters(
  pod: PodToPlace,
  cluster: ClusterView,
  filters: readonly FilterPlugin<unknown>[],
): unknown[] {
  return filters.map((plugin) => plugin.prepare?.(pod, cluster));
}

/** Runs every filter on every node (or, for a DaemonSet's pod, on the node it is made for). */
export function evaluatePod(
  pod: PodToPlace,
  cluster: ClusterView,
  filters: readonly FilterPlugin<unknown>[],
): NodeVerdict[] {
  const states = prepareFilters(pod, cluster, filters);
  let nodes = cluster.nodes;
  if (pod.daemonNode) {
    const node = cluster.nodeByName.get(pod.daemonNode);
    nodes = node ? [node] : [];
  }
  return nodes.map((node) => evaluateNode(pod, node, cluster, filters, states));
}

/**
 * The scheduler's FitError message (pkg/scheduler/framework/types.go): "0/N nodes are
 * available: " and a histogram of reasons, "count reason", sorted, joined by ", ". Like the
 * scheduler, it counts the reasons of the first plugin that rejected each node.
 */
export function fitErrorMessage(
  verdicts: readonly NodeVerdict[],
  totalNodes: number,
  filteredByPreFilter?: { readonly count: number; readonly plugin: string },
): string {
  const histogram = new Map<string, number>();
  // nodes a PreFilterResult left out (a DaemonSet pod's metadata.name node affinity): since
  // v1.28 the diagnosis gives each "node(s) didn't satisfy plugin(s) [NodeAffinity]"
  if (filteredByPreFilter && filteredByPreFilter.count > 0)
    histogram.set(`node(s) didn't satisfy plugin(s) [${filteredByPreFilter.plugin}]`, filteredByPreFilter.count);
  for (const v of verdicts) {
    if (v.feasible) continue;
    const first = v.reasons[0]!.plugin;
    for (const r of v.reasons.filter((x) => x.plugin === first))
      histogram.set(r.message, (histogram.get(r.message) ?? 0) + 1);
  }
  const reasons = [...histogram].map(([message, count]) => `${count} ${message}`).sort();
  return `0/${totalNodes} nodes are available: ${reasons.join(", ")}.`;
}
