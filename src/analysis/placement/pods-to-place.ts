import type { Labels, Node, Pod, PodSpec, Toleration, Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { newPodsOf } from "./controllers/index.js";
import { nodeAffinityMismatch } from "./plugins/nodeaffinity/common.js";
import { FILTERED_EFFECTS, untoleratedTaint } from "./plugins/tainttoleration/common.js";
import { nonZeroRequests, podRequests } from "./requests.js";
import type { PodToPlace } from "./types.js";
import { workloadKey } from "./workload-key.js";

/**
 * The tolerations the DaemonSet controller adds to every daemon pod
 * (pkg/controller/daemon/util/daemonset_util.go AddOrUpdateDaemonPodTolerations): not-ready and
 * unreachable (NoExecute), disk-, memory- and pid-pressure and unschedulable (NoSchedule), and
 * network-unavailable for host-network pods.
 */
export function daemonSetTolerations(spec: PodSpec): Toleration[] {
  const source = spec.source;
  const t = (key: string, effect: "NoExecute" | "NoSchedule"): Toleration => ({
    key,
    operator: "Exists",
    value: "",
    effect,
    tolerationSeconds: undefined,
    source,
  });
  const added = [
    t("node.kubernetes.io/not-ready", "NoExecute"),
    t("node.kubernetes.io/unreachable", "NoExecute"),
    t("node.kubernetes.io/disk-pressure", "NoSchedule"),
    t("node.kubernetes.io/memory-pressure", "NoSchedule"),
    t("node.kubernetes.io/pid-pressure", "NoSchedule"),
    t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ...(spec.hostNetwork ? [t("node.kubernetes.io/network-unavailable", "NoSchedule")] : []),
  ];
  const present = (x: Toleration) =>
    spec.tolerations.some((y) => y.key === x.key && y.effect === x.effect && y.operator === "Exists");
  return [...spec.tolerations, ...added.filter((x) => !present(x))];
}

function pod(
  workload: Workload,
  name: string,
  spec: PodSpec,
  observed: Pod | undefined,
  daemonNode: string | undefined,
  labels?: Labels,
): PodToPlace {
  return {
    workload,
    owner: workloadKey(workload),
    name,
    namespace: workload.namespace,
    labels: observed?.labels ?? labels ?? workload.template.labels,
    spec,
    requests: podRequests(spec),
    nonZeroRequests: nonZeroRequests(spec),
    observed,
    daemonNode,
  };
}

/** Observed pods per workload key, in name order. */
export function observedPodsByOwner(snapshot: Snapshot): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of snapshot.kubernetes.pods) {
    const key = p.owner ? workloadKey(p.owner) : workloadKey({ kind: "Pod", namespace: p.namespace, name: p.name });
    const list = out.get(key) ?? [];
    list.push(p);
    out.set(key, list);
  }
  return out;
}

/** Why the DaemonSet controller makes no pod for a node. */
interface NotTargeted {
  readonly node: string;
  /** "nodeName", "nodeAffinity" (nodeSelector or required node affinity) or "taint" */
  readonly rule: "nodeName" | "nodeAffinity" | "taint";
  readonly reason: string;
  readonly source: SourceRef | undefined;
  /**
   * shouldContinueRunning: a daemon pod already on the node stays (only an untolerated NoSchedule
   * taint keeps new pods away; the node's name, selector, affinity or an untolerated NoExecute
   * taint make the controller delete it).
   */
  readonly continueRunning: boolean;
}

/** Which nodes a DaemonSet's controller makes a pod for, and why not the others. */
export interface DaemonSetTargets {
  readonly targeted: readonly Node[];
  readonly notTargeted: readonly NotTargeted[];
}

/**
 * The DaemonSet controller's NodeShouldRunDaemonPod (kubernetes pkg/controller/daemon/
 * daemon_controller.go, with its `predicates`): the template's nodeName (if set) must be the
 * node; the required node affinity and nodeSelector must match; and no taint with effect
 * NoSchedule or NoExecute may be left untolerated by the pod's tolerations plus the controller's
 * own (NewPod → AddOrUpdateDaemonPodTolerations). `daemonSpec` is the spec with those added.
 */
export function daemonSetTargets(daemonSpec: PodSpec, nodes: readonly Node[]): DaemonSetTargets {
  const targeted: Node[] = [];
  const notTargeted: NotTargeted[] = [];
  for (const node of nodes) {
    if (daemonSpec.nodeName && daemonSpec.nodeName !== node.name) {
      notTargeted.push({
        node: node.name,
        rule: "nodeName",
        reason: `the template's spec.nodeName is ${daemonSpec.nodeName}`,
        source: daemonSpec.source,
        continueRunning: false,
      });
      continue;
    }
    const mismatch = nodeAffinityMismatch(daemonSpec, node);
    if (mismatch) {
      notTargeted.push({
        node: node.name,
        rule: "nodeAffinity",
        reason: mismatch.detail,
        source: mismatch.source,
        continueRunning: false,
      });
      continue;
    }
    const taint =
      node.taints.length === 0 ? undefined : untoleratedTaint(node.taints, daemonSpec.tolerations, FILTERED_EFFECTS);
    if (taint) {
      // shouldContinueRunning: true unless a NoExecute taint is untolerated as well
      const continueRunning = !untoleratedTaint(node.taints, daemonSpec.tolerations, ["NoExecute"]);
      notTargeted.push({
        node: node.name,
        rule: "taint",
        reason: `untolerated taint ${taint.key}${taint.value ? "=" + taint.value : ""}:${taint.effect}`,
        source: taint.source,
        continueRunning,
      });
      continue;
    }
    targeted.push(node);
  }
  return { targeted, notTargeted };
}

/** A DaemonSet's pod spec as its controller creates it: the daemon tolerations added. */
export function daemonPodSpec(spec: PodSpec): PodSpec {
  return { ...spec, tolerations: daemonSetTolerations(spec) };
}

/**
 * The pods a workload creates: its observed pods (which keep their node), then as many more as
 * its replicas ask for, terminating pods not counted (StatefulSets name them NAME-ORDINAL as their
 * controller does; others NAME-INDEX), with the labels their controller adds (controllers/). A DaemonSet has one pod per node it targets (daemonSetTargets), with the daemon
 * tolerations added; each is matched to the node it is made for (the controller pins it with a
 * metadata.name node affinity). A daemon pod observed on a node the controller no longer targets
 * is kept (it exists); the placement report says whether the controller keeps it.
 */
export function podsOfWorkload(
  workload: Workload,
  nodes: readonly Node[],
  observed: readonly Pod[],
  targets?: DaemonSetTargets,
  admittedSpec?: PodSpec,
): PodToPlace[] {
  // the pod the API server stores (admission/index.ts admitPod), when the caller computed it
  const spec = admittedSpec ?? workload.template.spec;
  if (workload.knownFromPods) {
    // the workload is known only through these pods: each stands for itself (on its own spec),
    // none is invented (its replicas, or a DaemonSet's targeted nodes, are unknown)
    if (workload.kind !== "DaemonSet") return observed.map((p) => pod(workload, p.name, p.spec, p, undefined));
    // a daemon pod per node, in node order
    const at = new Map(nodes.map((n, i) => [n.name, i]));
    const order = (p: Pod) => at.get(p.nodeName ?? "") ?? nodes.length;
    return [...observed].sort((a, b) => order(a) - order(b)).map((p) => pod(workload, p.name, p.spec, p, p.nodeName));
  }
  if (workload.kind === "DaemonSet") {
    const daemonSpec = daemonPodSpec(spec);
    const { targeted } = targets ?? daemonSetTargets(daemonSpec, nodes);
    const onNode = new Map<string, Pod>();
    for (const p of observed) if (p.nodeName && !onNode.has(p.nodeName)) onNode.set(p.nodeName, p);
    const isTargeted = new Set(targeted.map((n) => n.name));
    return nodes
      .filter((node) => isTargeted.has(node.name) || onNode.has(node.name))
      .map((node) => {
        const here = onNode.get(node.name);
        return pod(workload, here?.name ?? `${workload.name}-${node.name}`, daemonSpec, here, node.name);
      });
  }
  if (workload.kind === "Pod") {
    const self = observed[0];
    return [pod(workload, workload.name, admittedSpec ?? self?.spec ?? spec, self, undefined)];
  }
  const out: PodToPlace[] = [];
  const live = observed.filter((p) => p.phase !== "Succeeded" && p.phase !== "Failed");
  for (const p of live) out.push(pod(workload, p.name, spec, p, undefined));
  const taken = new Set(live.map((p) => p.name));
  const wanted = workload.replicas ?? 0;
  // the controller's own count and naming (controllers/): terminating pods are replaced, new pods
  // carry the revision's labels (pod-template-hash; a StatefulSet's pod-name, pod-index, revision)
  const controller = newPodsOf(workload, live);
  let replicas = live.filter(controller.countsAsReplica).length;
  for (let i = 0; replicas < wanted; i++) {
    const { name, labels } = controller.identity(i);
    if (taken.has(name)) continue;
    out.push(pod(workload, name, spec, undefined, undefined, labels));
    replicas++;
  }
  return out;
}
