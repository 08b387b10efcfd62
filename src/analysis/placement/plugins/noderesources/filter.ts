import type { FilterPlugin, NodeInfo, ClusterView, Rejection } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";
import type { PodToPlace } from "../../types.js";
import { ERR_REASON_TOO_MANY_PODS, insufficientReason } from "./common.js";

function formatQuantity(resource: string, value: number): string {
  if (resource === "cpu") return value % 1000 === 0 ? `${value / 1000}` : `${value}m`;
  if (resource === "memory" || resource === "ephemeral-storage") {
    if (value % 2 ** 30 === 0) return `${value / 2 ** 30}Gi`;
    if (value % 2 ** 20 === 0) return `${value / 2 ** 20}Mi`;
    return `${value}`;
  }
  return `${value}`;
}

interface FitState {
  readonly resources: readonly string[];
}

/** The pod's requested resources in fit.go order: cpu, memory, ephemeral-storage, then extended. */
function requestedResources(pod: PodToPlace): readonly string[] {
  const order = (r: string) => (r === "cpu" ? 0 : r === "memory" ? 1 : r === "ephemeral-storage" ? 2 : 3);
  return Object.keys(pod.requests)
    .filter((r) => r !== "pods" && pod.requests[r]! > 0)
    .sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * kube-scheduler plugins/noderesources/fit.go fitsRequest: the pod count against allocatable
 * pods ("Too many pods"), then each requested resource against allocatable minus what the pods on
 * the node request ("Insufficient cpu", "Insufficient memory", "Insufficient <extended>"). A pod
 * requesting nothing fits any node with room for one more pod.
 */
export const NodeResourcesFit: FilterPlugin<FitState> = {
  name: "NodeResourcesFit",
  fastPath: "fit",
  // PreFilter: the pod's requested resources in fit.go order (cpu, memory, ephemeral-storage,
  // then extended resources), computed once per pod rather than per node
  prepare: (pod) => ({ resources: requestedResources(pod) }),
  filter(pod: PodToPlace, node: NodeInfo, cluster: ClusterView, state: FitState | undefined) {
    let reasons: Rejection[] | undefined;
    const fit = state ?? NodeResourcesFit.prepare!(pod, cluster);
    const requested = cluster.requestedOn(node);
    const allowedPods = node.allocatable["pods"] ?? 0;
    if ((requested["pods"] ?? 0) + 1 > allowedPods) {
      (reasons ??= []).push({
        plugin: "NodeResourcesFit",
        message: ERR_REASON_TOO_MANY_PODS,
        source: node.node.meta.source,
        detail: `${requested["pods"] ?? 0} pods on a node that allows ${allowedPods}`,
      });
    }
    for (const resource of fit.resources) {
      const want = pod.requests[resource]!;
      if (want <= 0 || resource === "pods") continue;
      const free = (node.allocatable[resource] ?? 0) - (requested[resource] ?? 0);
      if (want > free) {
        (reasons ??= []).push({
          plugin: "NodeResourcesFit",
          message: insufficientReason(resource),
          source: pod.spec.source,
          detail: `requests ${formatQuantity(resource, want)}, ${formatQuantity(resource, Math.max(0, free))} of ${formatQuantity(resource, node.allocatable[resource] ?? 0)} free`,
        });
      }
    }
    return reasons ?? NO_REJECTION;
  },
};
