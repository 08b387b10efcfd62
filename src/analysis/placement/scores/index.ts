import type { Service } from "../../../model/kubernetes.js";
import type { ScorePlugin } from "../types.js";
import { ImageLocalityScore } from "./image-locality.js";
import { InterPodAffinityScore } from "./inter-pod-affinity.js";
import { NodeAffinityScore } from "./node-affinity.js";
import { BalancedAllocationScore, NodeResourcesFitScore } from "./node-resources.js";
import { podTopologySpreadScore } from "./pod-topology-spread.js";
import { TaintTolerationScore } from "./taint-toleration.js";

export { ImageLocalityScore, normalizedImageName } from "./image-locality.js";
export { InterPodAffinityScore } from "./inter-pod-affinity.js";
export { NodeAffinityScore } from "./node-affinity.js";
export { BalancedAllocationScore, NodeResourcesFitScore } from "./node-resources.js";
export { defaultSelector, podTopologySpreadScore } from "./pod-topology-spread.js";
export { SKIP } from "./skip.js";
export { TaintTolerationScore } from "./taint-toleration.js";

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
