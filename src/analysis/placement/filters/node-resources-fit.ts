import type { FilterPlugin, NodeInfo, ClusterState, Rejection } from "../types.js";
import type { PodToPlace } from "../types.js";

function formatQuantity(resource: string, value: number): string {
  if (resource === "cpu") return value % 1000 === 0 ? `${value / 1000}` : `${value}m`;
  if (resource === "memory" || resource === "ephemeral-storage") {
    if (value % 2 ** 30 === 0) return `${value / 2 ** 30}Gi`;
    if (value % 2 ** 20 === 0) return `${value / 2 ** 20}Mi`;
    return `${value}`;
  }
  return `${value}`;
}

/** The node's requested resources, less the excluded workload's own pods. */
function requestedOn(node: NodeInfo, cluster: ClusterState): Record<string, number> {
  if (cluster.excludeOwner === undefined) return node.requested;
  const out = { ...node.requested };
  for (const p of node.pods) {
    if (p.owner !== cluster.excludeOwner) continue;
    for (const key in p.requests) out[key] = (out[key] ?? 0) - p.requests[key]!;
    out["pods"] = (out["pods"] ?? 0) - 1;
  }
  return out;
}

/**
 * kube-scheduler plugins/noderesources/fit.go fitsRequest: the pod count against allocatable
 * pods ("Too many pods"), then each requested resource against allocatable minus what the pods on
 * the node request ("Insufficient cpu", "Insufficient memory", "Insufficient <extended>"). A pod
 * requesting nothing fits any node with room for one more pod.
 */
export const NodeResourcesFit: FilterPlugin = {
  name: "NodeResourcesFit",
  filter(pod: PodToPlace, node: NodeInfo, cluster: ClusterState) {
    const reasons: Rejection[] = [];
    const requested = requestedOn(node, cluster);
    const allowedPods = node.allocatable["pods"] ?? 0;
    if ((requested["pods"] ?? 0) + 1 > allowedPods) {
      reasons.push({ plugin: "NodeResourcesFit", message: "Too many pods", source: node.node.meta.source, detail: `${requested["pods"] ?? 0} pods on a node that allows ${allowedPods}` });
    }
    // fit.go order: cpu, memory, ephemeral-storage, then extended resources
    const order = (r: string) => (r === "cpu" ? 0 : r === "memory" ? 1 : r === "ephemeral-storage" ? 2 : 3);
    const resources = Object.keys(pod.requests).sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const resource of resources) {
      const want = pod.requests[resource]!;
      if (want <= 0 || resource === "pods") continue;
      const free = (node.allocatable[resource] ?? 0) - (requested[resource] ?? 0);
      if (want > free) {
        reasons.push({
          plugin: "NodeResourcesFit",
          message: `Insufficient ${resource}`,
          source: pod.spec.source,
          detail: `requests ${formatQuantity(resource, want)}, ${formatQuantity(resource, Math.max(0, free))} of ${formatQuantity(resource, node.allocatable[resource] ?? 0)} free`,
        });
      }
    }
    return reasons;
  },
};
