/**
 * The default profile's plugins, one package per kube-scheduler plugin as upstream has them
 * (pkg/scheduler/framework/plugins/<plugin>/): each folder holds the plugin's filter.ts, score.ts
 * and the common.ts they share.
 */
import type { Service } from "../../../model/kubernetes.js";
import type { FilterPlugin, ScorePlugin } from "../types.js";
import { InterPodAffinity } from "./interpodaffinity/filter.js";
import { NodeAffinity } from "./nodeaffinity/filter.js";
import { NodeName } from "./nodename/filter.js";
import { NodePorts } from "./nodeports/filter.js";
import { NodeResourcesFit } from "./noderesources/filter.js";
import { NodeUnschedulable } from "./nodeunschedulable/filter.js";
import { PodTopologySpread } from "./podtopologyspread/filter.js";
import { TaintToleration } from "./tainttoleration/filter.js";
import { ImageLocalityScore } from "./imagelocality/score.js";
import { InterPodAffinityScore } from "./interpodaffinity/score.js";
import { NodeAffinityScore } from "./nodeaffinity/score.js";
import { BalancedAllocationScore, NodeResourcesFitScore } from "./noderesources/score.js";
import { podTopologySpreadScore } from "./podtopologyspread/score.js";
import { TaintTolerationScore } from "./tainttoleration/score.js";

export { SKIP } from "../framework/skip.js";

/** What the default score plugins need from the snapshot: its Services (PodTopologySpread's default selector). */
export interface ScoreInputs {
  readonly kubernetes: { readonly services: readonly Service[] };
}

/**
 * The Score plugins of kube-scheduler's default profile with their weights, in its order
 * (pkg/scheduler/apis/config/v1/default_plugins.go): TaintToleration 3, NodeAffinity 2,
 * NodeResourcesFit 1, PodTopologySpread 2, InterPodAffinity 2, NodeResourcesBalancedAllocation 1,
 * ImageLocality 1. Takes the snapshot (any object with `kubernetes.services`) because
 * PodTopologySpread's system default constraints select pods through the Services that select
 * the pod being placed.
 */
export function DEFAULT_SCORES(snapshot: ScoreInputs): ScorePlugin<unknown>[] {
  return [
    TaintTolerationScore,
    NodeAffinityScore,
    NodeResourcesFitScore,
    podTopologySpreadScore(snapshot.kubernetes.services),
    InterPodAffinityScore,
    BalancedAllocationScore,
    ImageLocalityScore,
  ] as ScorePlugin<unknown>[];
}

/**
 * The Filter plugins of kube-scheduler's default profile, in its order
 * (pkg/scheduler/apis/config/v1/default_plugins.go), without the volume plugins a snapshot
 * cannot judge.
 */
export const DEFAULT_FILTERS: FilterPlugin<unknown>[] = [
  NodeUnschedulable,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  PodTopologySpread,
  InterPodAffinity,
] as FilterPlugin<unknown>[];
