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
 *   (a static pod's mirror), is `NS/POD[Pod]`; a pod whose controller reference lacks its kind
 *   (hand-written; the API server rejects it) is `NS/OWNER[Pod]`, as netpol-analyzer prints it. Pods named `virt-launcher-…` (KubeVirt's wrappers)
 *   are skipped, as netpol-analyzer skips them.
 * - The pods of one peer are one pod for the analysis (netpol-analyzer keeps one pod per owner):
 *   the first by name. When a policy selector tells some of them apart (their labels differ on a
 *   key it selects on), netpol-analyzer refuses the input (resources.go
 *   `checkConsistentLabelsForPodsOfSameOwner`); podpath splits the workload instead, one peer
 *   per variant, named `NS/NAME[Kind]{key=value,!key}` by the keys that differ (`labelGaps`).
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

/** a workload whose pods a policy selector tells apart: listed as one peer per variant */
export interface LabelGap {
  /** `NS/NAME[Kind]` */
  readonly workload: string;
  /** the first pod of each variant */
  readonly pods: readonly string[];
  /** the label keys that differ between the variants */
  readonly keys: readonly string[];
  /** the variants' peer strings: `NS/NAME[Kind]{app=a,!tier}` */
  readonly variants: readonly string[];
}

/** the controller kinds whose pods are one peer (their owner), as netpol-analyzer groups them */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
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
  // peer.go WorkloadPeer.Kind: an owner reference without a kind groups by name, printed as `Pod`
  if (!controller && pod.meta.kindlessController !== undefined)
    return { name: pod.meta.kindlessController, kind: "Pod" };
  if (!controller || controller.kind === "Node") return { name: pod.name, kind: "Pod" };
  return { name: controller.name, kind: controller.kind };
}

/** the label keys whose values (or presence) differ between `first` and any of `others` */
function differingKeys(first: Labels, others: readonly Labels[]): string[] {
  const keys = new Set<string>();
  for (const o of others)
    for (const key of new Set([...Object.keys(first), ...Object.keys(o)])) if (first[key] !== o[key]) keys.add(key);
  return [...keys].sort();
}

/** a variant's labels on the keys that tell the variants apart, in label-selector syntax: `app=query,!tier` */
function variantText(labels: Labels, keys: readonly string[]): string {
  return keys.map((k) => (labels[k] === undefined ? `!${k}` : `${k}=${labels[k]}`)).join(",");
}

/**
 * `distinguishes(namespace, a, b)`: some selector of the snapshot's policies matches pods of
 * `namespace` with labels `a` and not `b`, or the reverse (connlist.ts `selectorsTellApart`).
 */
export function workloadPeers(
  snapshot: Snapshot,
  distinguishes: (namespace: string, a: Labels, b: Labels) => boolean = () => false,
): { peers: WorkloadPeer[]; labelGaps: LabelGap[] } {
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
  const groups = new Map<string, { name: string; kind: string; pods: Pod[] }>();
  for (const pod of k.pods) {
    if (pod.name.startsWith("virt-launcher-")) continue;
    if (pod.owner && objects.has(`${pod.owner.kind}/${pod.owner.namespace ?? pod.namespace}/${pod.owner.name}`))
      continue;
    const { name, kind } = podPeerName(pod);
    const id = `${pod.namespace}/${name}[${kind}]`;
    if (byId.has(id)) continue;
    const group = groups.get(id);
    if (group) group.pods.push(pod);
    else groups.set(id, { name, kind, pods: [pod] });
  }
  const labelGaps: LabelGap[] = [];
  for (const [id, { name, kind, pods }] of groups) {
    // pods a selector tells apart are variants of the workload; the others join the first variant like them
    const variants: Pod[][] = [];
    for (const pod of pods) {
      const like = variants.find((v) => !distinguishes(pod.namespace, v[0]!.labels, pod.labels));
      if (like) like.push(pod);
      else variants.push([pod]);
    }
    const keys =
      variants.length > 1
        ? differingKeys(
            variants[0]![0]!.labels,
            variants.map((v) => v[0]!.labels),
          )
        : [];
    const ids = variants.map((v) => (variants.length > 1 ? `${id}{${variantText(v[0]!.labels, keys)}}` : id));
    if (variants.length > 1)
      labelGaps.push({ workload: id, pods: variants.map((v) => v[0]!.name), keys, variants: ids });
    variants.forEach((v, i) => {
      const first = v[0]!;
      byId.set(ids[i]!, {
        id: ids[i]!,
        namespace: first.namespace,
        name,
        kind,
        labels: first.labels,
        ports: first.spec.containers.flatMap((c) => c.ports),
        hostNetwork: first.spec.hostNetwork,
        source: first.meta.source,
        pods: v.length,
      });
    });
  }
  const peers = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { peers, labelGaps };
}
