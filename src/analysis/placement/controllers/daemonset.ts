/**
 * The node affinity the scheduler sees on a DaemonSet's pod. The DaemonSet controller
 * (kubernetes pkg/controller/daemon/util/daemonset_util.go ReplaceDaemonSetPodNodeNameNodeAffinity)
 * replaces the template's required node selector terms with one term, `matchFields:
 * metadata.name In [node]`; the pod's nodeSelector stays. podpath keeps one spec per DaemonSet
 * and the node in `PodToPlace.daemonNode` (per-node specs would defeat every per-spec cache): the
 * filters run on that node only (NodeAffinity's PreFilterResult), and the plugins that weigh other
 * nodes by the pod's required node affinity ask `requiredNodeAffinityMatches` — PodTopologySpread's
 * nodeAffinityPolicy Honor (podtopologyspread/common.go matchNodeInclusionPolicies) counts only
 * the daemon pod's own node. (InterPodAffinity reads no node affinity: interpodaffinity
 * filtering.go and scoring.go count pods on every node.)
 */
import type { Node, PodSpec } from "../../../model/kubernetes.js";
import { missingSelectorLabels, nodeAffinityMismatch } from "../plugins/nodeaffinity/common.js";
import type { PodToPlace } from "../types.js";

/**
 * The node a DaemonSet's pod is pinned to by the controller's metadata.name term. Only for a
 * DaemonSet: the placement report also sets `daemonNode` on other workloads' observed pods to
 * judge them on their own node alone, which pins nothing in the pod's spec.
 */
export function daemonNodeOf(pod: PodToPlace): string | undefined {
  return pod.workload.kind === "DaemonSet" ? pod.daemonNode : undefined;
}

/**
 * component-helpers scheduling/corev1/nodeaffinity GetRequiredNodeAffinity(pod).Match(node) for
 * the pod as created: a daemon pod's (daemonNode set) is its nodeSelector and the controller's
 * metadata.name term; any other pod's, its nodeSelector and required node affinity.
 */
export function requiredNodeAffinityMatches(spec: PodSpec, daemonNode: string | undefined, node: Node): boolean {
  if (daemonNode === undefined) return nodeAffinityMismatch(spec, node) === undefined;
  return node.name === daemonNode && missingSelectorLabels(spec.nodeSelector, node).length === 0;
}
