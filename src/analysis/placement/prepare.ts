/**
 * The one preparation path of placement: how `place` and its what-ifs (`--fresh`, `--drain`,
 * `--add-node`) turn a snapshot into the pods the scheduler sees, so that they agree on the same
 * cluster. Once per workload: its template as the version's API server stores it
 * (`workloadForVersion`), the pod admission makes of it (`admitPod`: defaults, LimitRange,
 * DefaultTolerationSeconds, sidecar injection…), a DaemonSet's targeted nodes, its pods
 * (`podsOfWorkload`), whether spec.nodeName hands them to the kubelet; then the priority rule,
 * the version's behaviour for every `ClusterSnapshot`, and DefaultPreemption's tail.
 */
import type { Pod, PodSpec, Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { admissionContext, admitPod, type AdmissionOptions, type AdmittedPod } from "./admission/index.js";
import type { AdmissionContext } from "./admission/index.js";
import { ClusterSnapshot, emptyNodeInfo } from "./cluster-snapshot.js";
import { admitBoundPods, boundByNodeName } from "./kubelet/admit.js";
import {
  daemonPodSpec,
  daemonSetTargets,
  observedPodsByOwner,
  podsOfWorkload,
  type DaemonSetTargets,
} from "./pods-to-place.js";
import { nonZeroRequests, podRequests } from "./requests.js";
import type { NodeInfo, PodToPlace } from "./types.js";
import { resolveKubernetesVersion, workloadForVersion, type DroppedField, type ResolvedVersion } from "./version.js";
import { workloadKey } from "./workload-key.js";

export interface PrepareOptions {
  /** the Kubernetes version to follow (version.ts resolveKubernetesVersion); read from the snapshot when absent */
  readonly version?: ResolvedVersion | undefined;
  /** admission settings (--istio-proxy-requests) */
  readonly admission?: AdmissionOptions | undefined;
}

export interface PreparedPlacement {
  readonly version: ResolvedVersion;
  /** what this version's API server dropped from the templates (fields of disabled gates) */
  readonly droppedFields: readonly DroppedField[];
  /** the snapshot's workloads as this version's API server stores them, in the snapshot's order */
  readonly workloads: readonly Workload[];
  /** the workload of a `workloadKey` */
  readonly workloadByKey: ReadonlyMap<string, Workload>;
  /** the snapshot's pods by owner (`workloadKey`) */
  readonly observed: ReadonlyMap<string, Pod[]>;
  /** the pod the API server stores for each workload (admission/), where podpath admits it */
  readonly admittedOf: ReadonlyMap<Workload, AdmittedPod>;
  /** a DaemonSet's targeted nodes (NodeShouldRunDaemonPod) */
  readonly targetsOf: ReadonlyMap<Workload, DaemonSetTargets>;
  /** every workload's pods (observed, replicas still to create, a DaemonSet's per targeted node) */
  readonly podsByWorkload: ReadonlyMap<Workload, readonly PodToPlace[]>;
  /**
   * workloads whose pods the API server refuses to create (AdmittedPod.rejected: LimitRanger's
   * validation): the names of the pods podpath would have created, left out of podsByWorkload
   */
  readonly refusedPods: ReadonlyMap<Workload, readonly string[]>;
  /** workloads whose pods set spec.nodeName: the kubelet admits them, not the scheduler (kubelet/admit.ts) */
  readonly kubeletBound: ReadonlySet<Workload>;
  /** a pod's priority as admission resolves it */
  readonly priorityOf: (spec: PodSpec) => number;
  /** the cluster a snapshot shows (default: the prepared one), following the version's behaviour */
  readonly cluster: (snapshot?: Snapshot) => ClusterSnapshot;
  /** the snapshot's nodes with no pod on them, following the version's behaviour */
  readonly emptyCluster: () => ClusterSnapshot;
  /** a new pod of a workload from its admitted template (what its controller creates) */
  readonly newPod: (workload: Workload, name: string, daemonNode?: string) => PodToPlace;
  /**
   * DefaultPreemption's potential victims for the PostFilter tail (simulate's `hasLowerPriorityPod`):
   * a new helper for each simulation, whose cache holds while that simulation only binds pods.
   */
  readonly hasLowerPriorityPod: () => (pod: PodToPlace, node: NodeInfo) => boolean;
}

/**
 * A pod's priority as admission resolves it (plugin/pkg/admission/priority: spec.priority when
 * set, else its PriorityClass's value, else the globalDefault class's, else 0).
 */
function priorityResolver(snapshot: Snapshot): { priorityOf: (spec: PodSpec) => number; globalDefault: number } {
  const priorities = new Map(snapshot.kubernetes.priorityClasses.map((p) => [p.name, p.value]));
  const globalDefault = snapshot.kubernetes.priorityClasses.find((p) => p.globalDefault)?.value ?? 0;
  return {
    priorityOf: (spec) =>
      spec.priority ?? (spec.priorityClassName ? (priorities.get(spec.priorityClassName) ?? 0) : globalDefault),
    globalDefault,
  };
}

/**
 * The pod the API server stores for a workload (admission/index.ts), once per workload; undefined
 * where the specs podpath has are already stored pods: a workload known only through its pods, a
 * bare Pod the API server returned (it has a uid). A DaemonSet's template is admitted with the
 * tolerations its controller adds first (NewPod precedes admission).
 */
function admitWorkload(w: Workload, ctx: AdmissionContext): AdmittedPod | undefined {
  if (w.knownFromPods || (w.kind === "Pod" && w.meta.uid !== undefined)) return undefined;
  const template = w.kind === "DaemonSet" ? { ...w.template, spec: daemonPodSpec(w.template.spec) } : w.template;
  return admitPod(template, w.namespace, ctx, w.name);
}

/** A new pod's labels with those a webhook added where the pod sets none (admission/ addedLabels). */
function withLabels(
  labels: Readonly<Record<string, string>>,
  added: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> {
  return added && Object.keys(added).length > 0 ? { ...added, ...labels } : labels;
}

/** The pods podpath creates carry the labels webhooks add at create; observed pods already do (or not). */
function withAddedLabels(pods: PodToPlace[], admitted: AdmittedPod | undefined): PodToPlace[] {
  const added = admitted?.addedLabels;
  if (!added || Object.keys(added).length === 0) return pods;
  return pods.map((p) => (p.observed ? p : { ...p, labels: withLabels(p.labels, added) }));
}

/** Everything placement needs of a snapshot, prepared once (see the module comment). */
export function preparePlacement(snapshot: Snapshot, options: PrepareOptions = {}): PreparedPlacement {
  const version = options.version ?? resolveKubernetesVersion(snapshot);
  // templates as this version's API server stores them (fields of disabled gates dropped)
  const droppedFields: DroppedField[] = [];
  const workloads = snapshot.kubernetes.workloads.map((w) => workloadForVersion(w, version.behaviour, droppedFields));
  const nodes = snapshot.kubernetes.nodes;
  const observed = observedPodsByOwner(snapshot);
  const podsByWorkload = new Map<Workload, PodToPlace[]>();
  const targetsOf = new Map<Workload, DaemonSetTargets>();
  const admission = admissionContext(snapshot, options.admission);
  const admittedOf = new Map<Workload, AdmittedPod>();
  const kubeletBound = new Set<Workload>();
  const refusedPods = new Map<Workload, string[]>();
  for (const w of workloads) {
    const own = observed.get(workloadKey(w)) ?? [];
    const targets =
      w.kind === "DaemonSet" && !w.knownFromPods ? daemonSetTargets(daemonPodSpec(w.template.spec), nodes) : undefined;
    if (targets) targetsOf.set(w, targets);
    const admitted = admitWorkload(w, admission);
    if (admitted) admittedOf.set(w, admitted);
    const pods = withAddedLabels(podsOfWorkload(w, nodes, own, targets, admitted?.spec), admitted);
    if (admitted?.rejected) {
      // the create is refused: only the pods already stored remain
      refusedPods.set(
        w,
        pods.filter((p) => !p.observed).map((p) => p.name),
      );
      podsByWorkload.set(
        w,
        pods.filter((p) => p.observed),
      );
    } else podsByWorkload.set(w, pods);
    // pods bound by spec.nodeName go to their node's kubelet (kubelet/admit.ts), not to the scheduler
    if (boundByNodeName(w, own)) kubeletBound.add(w);
  }

  const { priorityOf, globalDefault } = priorityResolver(snapshot);
  // DefaultPreemption's potential victims: pods of lower priority (preemption.ts, the PostFilter tail)
  const priorityByPod = new Map<string, number>();
  for (const p of snapshot.kubernetes.pods) priorityByPod.set(`${p.namespace}/${p.name}`, priorityOf(p.spec));
  for (const [w, pods] of podsByWorkload) {
    if (kubeletBound.has(w)) continue;
    for (const p of pods) if (!p.observed?.nodeName) priorityByPod.set(`${p.namespace}/${p.name}`, priorityOf(p.spec));
  }
  const hasLowerPriorityPod = () => {
    // the lowest priority on each node, kept while the simulation only adds pods (asked once per rejected node of an unschedulable pod)
    const lowest = new WeakMap<NodeInfo, { readonly count: number; readonly min: number }>();
    return (pod: PodToPlace, node: NodeInfo) => {
      let entry = lowest.get(node);
      if (entry?.count !== node.pods.length) {
        let min = Infinity;
        for (const q of node.pods) min = Math.min(min, priorityByPod.get(`${q.namespace}/${q.name}`) ?? globalDefault);
        lowest.set(node, (entry = { count: node.pods.length, min }));
      }
      return entry.min < priorityOf(pod.spec);
    };
  };

  const newPod = (w: Workload, name: string, daemonNode?: string): PodToPlace => {
    const spec = admittedOf.get(w)?.spec ?? w.template.spec;
    return {
      workload: w,
      owner: workloadKey(w),
      name,
      namespace: w.namespace,
      labels: withLabels(w.template.labels, admittedOf.get(w)?.addedLabels),
      spec,
      requests: podRequests(spec),
      nonZeroRequests: nonZeroRequests(spec),
      observed: undefined,
      daemonNode,
    };
  };

  // A bare Pod manifest that sets spec.nodeName is on its node only as the kubelet makes it: as the
  // API server stores it (admission/), and only if its kubelet admits it — a refused pod is Failed
  // and out of the scheduler's cache (kubernetes pkg/kubelet/kubelet.go rejectPod,
  // pkg/scheduler/scheduler.go newPodInformer). ClusterSnapshot.of binds it as written: replaced.
  const manifests = workloads.filter((w) => kubeletBound.has(w) && w.kind === "Pod");
  const withKubeletManifests = (cluster: ClusterSnapshot, ofThisSnapshot: boolean): ClusterSnapshot => {
    if (!ofThisSnapshot || manifests.length === 0) return cluster;
    const pods = manifests.flatMap((w) => podsByWorkload.get(w) ?? []);
    for (const p of pods) {
      const node = cluster.nodeByName.get(p.observed?.nodeName ?? "");
      const placed = node?.pods.find((q) => q.namespace === p.namespace && q.name === p.name);
      if (node && placed) cluster.unbind(node, placed);
    }
    admitBoundPods(
      pods.map((p) => newPod(p.workload, p.name)),
      cluster,
    );
    return cluster;
  };

  return {
    version,
    droppedFields,
    workloads,
    workloadByKey: new Map(workloads.map((w) => [workloadKey(w), w])),
    observed,
    admittedOf,
    targetsOf,
    podsByWorkload,
    refusedPods,
    kubeletBound,
    priorityOf,
    cluster: (s = snapshot) => withKubeletManifests(ClusterSnapshot.of(s, version.behaviour), s === snapshot),
    emptyCluster: () =>
      new ClusterSnapshot(
        nodes.map(emptyNodeInfo),
        new Map(snapshot.kubernetes.namespaces.map((n) => [n.name, n])),
        version.behaviour,
      ),
    newPod,
    hasLowerPriorityPod,
  };
}
