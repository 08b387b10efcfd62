/**
 * What the what-ifs (`place --fresh`, `--drain`, `--add-node`) share: the pods a workload makes
 * (as `analysePlacement` expands them), their priority, and the order a cluster's manifests were
 * written in.
 */
import type { Pod, PodSpec, Workload } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { daemonPodSpec, daemonSetTargets, observedPodsByOwner, podsOfWorkload } from "../pods-to-place.js";
import { nonZeroRequests, podRequests } from "../requests.js";
import type { PodToPlace } from "../types.js";
import { workloadKey } from "../workload-key.js";

/**
 * A pod's priority as admission resolves it (plugin/pkg/admission/priority: spec.priority when
 * set, else its PriorityClass's value, else the globalDefault class's, else 0) — the same rule
 * `analysePlacement` orders its simulation by.
 */
export function priorityResolver(snapshot: Snapshot): (spec: PodSpec) => number {
  const priorities = new Map(snapshot.kubernetes.priorityClasses.map((p) => [p.name, p.value]));
  const globalDefault = snapshot.kubernetes.priorityClasses.find((p) => p.globalDefault)?.value ?? 0;
  return (spec) =>
    spec.priority ?? (spec.priorityClassName ? (priorities.get(spec.priorityClassName) ?? 0) : globalDefault);
}

/**
 * Manifest order: the order `kubectl apply -f` creates the objects in — files in the order the
 * snapshot read them, then by line. (The model's lists are sorted by name; this is the order the
 * objects were written.)
 */
export function manifestOrder(snapshot: Snapshot): (w: Workload) => number {
  const fileRank = new Map(snapshot.files.map((f, i) => [f.path, i]));
  const ranks = new Map<Workload, number>();
  const sorted = [...snapshot.kubernetes.workloads].sort((a, b) => {
    const fa = fileRank.get(a.meta.source.file) ?? snapshot.files.length;
    const fb = fileRank.get(b.meta.source.file) ?? snapshot.files.length;
    return fa - fb || a.meta.source.line - b.meta.source.line;
  });
  sorted.forEach((w, i) => ranks.set(w, i));
  return (w) => ranks.get(w) ?? sorted.length;
}

/**
 * A new pod of a workload, from its template (what its controller creates to replace an evicted
 * pod, or creates on a fresh install). A workload known only through its pods, and a bare pod,
 * stand for their template with the pod's spec without its binding (`template.spec`).
 */
export function newPodOf(
  workload: Workload,
  name: string,
  spec: PodSpec = workload.template.spec,
  daemonNode?: string,
): PodToPlace {
  return {
    workload,
    owner: workloadKey(workload),
    name,
    namespace: workload.namespace,
    labels: workload.template.labels,
    spec,
    requests: podRequests(spec),
    nonZeroRequests: nonZeroRequests(spec),
    observed: undefined,
    daemonNode,
  };
}

/** `namespace/name` of a pod. */
export const podName = (p: Pick<Pod, "namespace" | "name">): string => `${p.namespace}/${p.name}`;

/** `Kind namespace/name` of a workload. */
export const workloadName = (w: Pick<Workload, "kind" | "namespace" | "name">): string =>
  `${w.kind} ${w.namespace}/${w.name}`;

export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every workload's pods as `analysePlacement` expands them (observed pods, replicas still to
 * create, a DaemonSet's pod per targeted node), in workload order.
 */
export function podsOfSnapshot(snapshot: Snapshot): PodToPlace[] {
  const nodes = snapshot.kubernetes.nodes;
  const observed = observedPodsByOwner(snapshot);
  return snapshot.kubernetes.workloads.flatMap((w) => {
    const targets =
      w.kind === "DaemonSet" && !w.knownFromPods ? daemonSetTargets(daemonPodSpec(w.template.spec), nodes) : undefined;
    return podsOfWorkload(w, nodes, observed.get(workloadKey(w)) ?? [], targets);
  });
}
