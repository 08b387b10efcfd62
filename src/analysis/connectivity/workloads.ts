import type { ContainerPort, Labels, Pod, Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";

/**
 * The workloads of a connectivity list, grouped as np-guard netpol-analyzer groups pods
 * (pkg/netpol/eval/internal/k8s/pod.go `PodFromCoreObject`, `PodsFromWorkloadObject`;
 * peer.go `WorkloadPeer.String`):
 *
 * - a workload object (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
 *   ReplicationController) is one peer `NS/NAME[Kind]` with its pod template's labels and
 *   container ports;
 * - a pod is the peer of its controller owner reference (`ownerReferences[]` with `controller:
 *   true`): `NS/OWNER[OwnerKind]` — a Deployment's pod is therefore `NS/RS-NAME[ReplicaSet]`, as
 *   in netpol-analyzer's expected files; a pod with no controller, or a Node as controller
 *   (a static pod's mirror), is `NS/POD[Pod]`. Pods named `virt-launcher-…` (KubeVirt's wrappers)
 *   are skipped, as netpol-analyzer skips them.
 * - The pods of one peer are one pod for the analysis (netpol-analyzer keeps one pod per owner):
 *   the first by name. When they differ in labels a policy selects on, netpol-analyzer refuses the
 *   input (resources.go `checkConsistentLabelsForPodsOfSameOwner`); podpath evaluates the first
 *   pod and says so (`labelGaps`; connlist.ts decides whether a selector tells the pods apart).
 *
 * One choice netpol-analyzer does not make (it reads manifests, podpath reads clusters too): when
 * the snapshot holds a workload object and the pods it owns, the pods are not a second peer — the
 * object stands for them (netpol-analyzer would list the ReplicaSet of a Deployment beside it).
 */

export interface WorkloadPeer {
  /** `NS/NAME[Kind]`, netpol-analyzer's peer string */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Labels;
  /** the containers' ports, for named ports */
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  /** the object (or first pod) the peer stands for */
  readonly source: SourceRef;
  /** how many observed pods it groups (0 for a workload object) */
  readonly pods: number;
}

export interface LabelGap {
  readonly workload: string;
  readonly namespace: string;
  readonly pods: readonly [string, string];
  readonly labels: readonly [Labels, Labels];
  /** label keys whose values differ between the two pods */
  readonly keys: readonly string[];
}

const WORKLOAD_KINDS = new Set([
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "ReplicationController",
]);

function podPeerName(pod: Pod): { name: string; kind: string } {
  const controller = pod.meta.ownerReferences.find((o) => o.controller);
  if (!controller || controller.kind === "Node") return { name: pod.name, kind: "Pod" };
  return { name: controller.name, kind: controller.kind };
}

function differingKeys(a: Labels, b: Labels): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}

export function workloadPeers(snapshot: Snapshot): { peers: WorkloadPeer[]; labelGaps: LabelGap[] } {
  const k = snapshot.kubernetes;
  const byId = new Map<string, WorkloadPeer>();
  const objects = new Set<string>();
  const read = (w: Workload) => !w.knownFromPods && w.generatedFrom === undefined && WORKLOAD_KINDS.has(w.kind);
  for (const w of k.workloads) {
    if (!read(w)) continue;
    objects.add(`${w.kind}/${w.namespace}/${w.name}`);
    const id = `${w.namespace}/${w.name}[${w.kind}]`;
    if (byId.has(id)) continue;
    byId.set(id, {
      id,
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      labels: w.template.labels,
      ports: w.template.spec.containers.flatMap((c) => c.ports),
      hostNetwork: w.template.spec.hostNetwork,
      source: w.meta.source,
      pods: 0,
    });
  }
  const firstPod = new Map<string, Pod>();
  const labelGaps: LabelGap[] = [];
  for (const pod of k.pods) {
    if (pod.name.startsWith("virt-launcher-")) continue;
    if (pod.owner && objects.has(`${pod.owner.kind}/${pod.owner.namespace ?? pod.namespace}/${pod.owner.name}`))
      continue;
    const { name, kind } = podPeerName(pod);
    const id = `${pod.namespace}/${name}[${kind}]`;
    const existing = byId.get(id);
    if (existing) {
      byId.set(id, { ...existing, pods: existing.pods + 1 });
      const first = firstPod.get(id);
      if (first) {
        const keys = differingKeys(first.labels, pod.labels);
        if (keys.length > 0)
          labelGaps.push({
            workload: id,
            namespace: pod.namespace,
            pods: [first.name, pod.name],
            labels: [first.labels, pod.labels],
            keys,
          });
      }
      continue;
    }
    firstPod.set(id, pod);
    byId.set(id, {
      id,
      namespace: pod.namespace,
      name,
      kind,
      labels: pod.labels,
      ports: pod.spec.containers.flatMap((c) => c.ports),
      hostNetwork: pod.spec.hostNetwork,
      source: pod.meta.source,
      pods: 1,
    });
  }
  const peers = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { peers, labelGaps };
}
