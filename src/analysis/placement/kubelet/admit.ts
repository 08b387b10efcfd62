/**
 * Pods that set spec.nodeName never reach kube-scheduler: the API server stores them bound, and
 * the node's kubelet admits or rejects them. After kubernetes pkg/kubelet/lifecycle/predicate.go
 * (predicateAdmitHandler.Admit → generalFilter): scheduler.AdmissionCheck with every failure kept
 * (pkg/scheduler/schedule_one.go: noderesources.Fits, the required node affinity with the
 * nodeSelector, nodename.Fits, nodeports.Fits), then the node's NoExecute taints the pod does not
 * tolerate ("Kubelet is only interested in the NoExecute taint"). A cordon (spec.unschedulable)
 * and NoSchedule taints do not apply, nor do PodTopologySpread and InterPodAffinity. The pod's
 * status takes the first failure: reason `OutOf<resource>` with InsufficientResourceError's
 * message, or the predicate's name with "Predicate <name> failed: <reason>".
 *
 * Not modelled: the kubernetes.io/os label and spec.os checks (podpath does not know the
 * kubelet's GOOS), SupplementalGroupsPolicy, device-plugin and DRA resources.
 */
import type { Pod, Workload } from "../../../model/kubernetes.js";
import type { SourceRef } from "../../../model/source.js";
import { hostPorts, placedPod, type ClusterSnapshot } from "../cluster-snapshot.js";
import { ERR_REASON_POD, nodeAffinityMismatch } from "../plugins/nodeaffinity/common.js";
import { ERR_REASON as NODE_PORTS_ERR_REASON, portsConflict } from "../plugins/nodeports/filter.js";
import { untoleratedTaint } from "../plugins/tainttoleration/common.js";
import type { ClusterView, NodeInfo, PodToPlace } from "../types.js";

/** tainttoleration.ErrReasonNotMatch, the reason the kubelet gives for an untolerated NoExecute taint. */
export const ERR_REASON_TAINTS_NOT_MATCH = "node(s) had taints that the pod didn't tolerate";

/** One admission failure, in the kubelet's words. */
export interface KubeletRejection {
  /** the pod's status.reason: "OutOfcpu", "OutOfmemory", "OutOfpods", "NodeAffinity", "NodePorts", "TaintToleration" */
  readonly reason: string;
  /** the pod's status.message: InsufficientResourceError.Error() or PredicateFailureError.Error() */
  readonly message: string;
  readonly source: SourceRef | undefined;
  readonly detail?: string;
}

/** InsufficientResourceError.Error() (predicate.go). */
export function insufficientResourceMessage(
  resource: string,
  requested: number,
  used: number,
  capacity: number,
): string {
  return `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`;
}

/** PredicateFailureError.Error() (predicate.go). */
export function predicateFailureMessage(predicate: string, reason: string): string {
  return `Predicate ${predicate} failed: ${reason}`;
}

/** Admit's reason for an InsufficientResourceError: OutOfcpu, OutOfmemory, OutOfephemeral-storage, OutOfpods, OutOf<name>. */
export function outOfReason(resource: string): string {
  return `OutOf${resource}`;
}

/** v1helper.IsExtendedResourceName, roughly: a domain-prefixed name outside kubernetes.io (nvidia.com/gpu). */
function isExtended(resource: string): boolean {
  const slash = resource.indexOf("/");
  return slash > 0 && !resource.slice(0, slash).endsWith("kubernetes.io");
}

const ORDER = (r: string) => (r === "cpu" ? 0 : r === "memory" ? 1 : r === "ephemeral-storage" ? 2 : 3);

/**
 * generalFilter on one node: every failure, in the kubelet's order (resources, node affinity,
 * host ports, NoExecute taints); the first is what the pod's status says. `cluster` gives the
 * other pods on the node (the kubelet's OtherPods: terminating pods still hold their requests).
 */
export function kubeletAdmit(pod: PodToPlace, node: NodeInfo, cluster: ClusterView): KubeletRejection[] {
  const out: KubeletRejection[] = [];
  // noderesources.Fits (fit.go fitsRequest): the pod count, then each requested resource
  const used = cluster.requestedOn(node);
  const allowed = node.allocatable["pods"] ?? 0;
  const podsOn = used["pods"] ?? 0;
  if (podsOn + 1 > allowed)
    out.push({
      reason: outOfReason("pods"),
      message: insufficientResourceMessage("pods", 1, podsOn, allowed),
      source: node.node.meta.source,
    });
  const resources = Object.keys(pod.requests)
    .filter((r) => r !== "pods" && pod.requests[r]! > 0)
    // removeMissingExtendedResources: an extended resource the node does not have is not checked
    .filter((r) => !isExtended(r) || node.allocatable[r] !== undefined)
    .sort((a, b) => ORDER(a) - ORDER(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const r of resources) {
    const want = pod.requests[r]!;
    const capacity = node.allocatable[r] ?? 0;
    const taken = used[r] ?? 0;
    if (want > capacity - taken)
      out.push({
        reason: outOfReason(r),
        message: insufficientResourceMessage(r, want, taken, capacity),
        source: pod.spec.source,
      });
  }
  // GetRequiredNodeAffinity(pod).Match(node): the nodeSelector and the required node affinity
  const mismatch = nodeAffinityMismatch(pod.spec, node.node);
  if (mismatch)
    out.push({
      reason: "NodeAffinity",
      message: predicateFailureMessage("NodeAffinity", ERR_REASON_POD),
      source: mismatch.source,
      detail: mismatch.detail,
    });
  // nodename.Fits holds: the pod is bound to this node
  // nodeports.Fits
  const wanted = hostPorts(pod.spec);
  if (wanted.length > 0) {
    search: for (const other of cluster.podsOn(node)) {
      for (const taken of other.hostPorts) {
        const clash = wanted.find((w) => portsConflict(w, taken));
        if (!clash) continue;
        out.push({
          reason: "NodePorts",
          message: predicateFailureMessage("NodePorts", NODE_PORTS_ERR_REASON),
          source: pod.spec.source,
          detail: `hostPort ${clash.protocol}/${clash.port} is taken by pod ${other.namespace}/${other.name}`,
        });
        break search;
      }
    }
  }
  // only NoExecute taints (a static pod skips this; podpath's static pods are not placed)
  const taint = untoleratedTaint(node.node.taints, pod.spec.tolerations, ["NoExecute"]);
  if (taint)
    out.push({
      reason: "TaintToleration",
      message: predicateFailureMessage("TaintToleration", ERR_REASON_TAINTS_NOT_MATCH),
      source: taint.source,
      detail: `taint ${taint.key}${taint.value ? "=" + taint.value : ""}:NoExecute`,
    });
  return out;
}

/** The result for a pod bound by spec.nodeName: the node, and what its kubelet says. */
export interface KubeletAdmission {
  readonly node: string;
  /** false when the node is not in the snapshot (no kubelet to ask) */
  readonly nodeKnown: boolean;
  readonly admitted: boolean;
  /** every failure, the kubelet's order; the first is the pod's status */
  readonly rejections: readonly KubeletRejection[];
}

/** Admits one bound pod on its node as `cluster` holds it. */
export function admission(pod: PodToPlace, cluster: ClusterView): KubeletAdmission {
  const name = pod.spec.nodeName!;
  const node = cluster.nodeByName.get(name);
  if (!node) return { node: name, nodeKnown: false, admitted: false, rejections: [] };
  const rejections = kubeletAdmit(pod, node, cluster);
  return { node: name, nodeKnown: true, admitted: rejections.length === 0, rejections };
}

/**
 * Whether a workload's pods are bound by spec.nodeName, so the kubelet admits them instead of the
 * scheduler placing them: its template sets spec.nodeName (a bare Pod: only a manifest, with no
 * status — a captured pod carries the node the scheduler bound it to in the same field). A
 * DaemonSet's template nodeName is its controller's targeting (NodeShouldRunDaemonPod); a
 * workload known only from its pods has its template's binding removed.
 */
export function boundByNodeName(w: Workload, observed: readonly Pod[]): boolean {
  if (w.kind === "DaemonSet" || w.knownFromPods || !w.template.spec.nodeName) return false;
  return w.kind !== "Pod" || observed.every((p) => p.phase === undefined);
}

/** The words `place` says for such a workload. */
export const KUBELET_ADMISSION_NOTE =
  "bound by spec.nodeName; admitted by the kubelet, not the scheduler (pkg/kubelet/lifecycle/predicate.go generalFilter: resources, node affinity and nodeSelector, host ports and NoExecute taints; cordons, NoSchedule taints, topology spread and pod affinity do not apply)";

/**
 * The kubelet-bound pods not yet on a node, admitted one by one on `cluster` (each admitted pod
 * is bound, so the next replica sees it). They never wait in the scheduler's queue: podpath
 * admits them before the simulation places the others.
 */
export function admitBoundPods(
  pods: readonly PodToPlace[],
  cluster: ClusterSnapshot,
): Map<PodToPlace, KubeletAdmission> {
  const out = new Map<PodToPlace, KubeletAdmission>();
  for (const pod of pods) {
    const result = admission(pod, cluster);
    out.set(pod, result);
    const node = cluster.nodeByName.get(result.node);
    if (result.admitted && node)
      cluster.bind(node, placedPod(pod.owner, pod.name, pod.namespace, pod.labels, pod.spec, node.name));
  }
  return out;
}
