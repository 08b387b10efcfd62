/**
 * `place --fresh`: where every workload would land on a fresh install of the same manifests on the
 * same nodes, beside where its pods run now.
 *
 * A fresh cluster: the observed pods are ignored, except static pods (the kubelet runs them from
 * its manifest directory before anything else, pkg/kubelet/config/file.go; the scheduler counts
 * them as it counts any pod on the node). Pods bound by spec.nodeName never reach the scheduler:
 * their node's kubelet admits them (kubelet/admit.ts, as `place` does), as soon as they are created,
 * in manifest order. The other pods then reach the scheduling queue in this order:
 * 1. DaemonSet pods. A new node is NotReady, and tainted node.kubernetes.io/not-ready:NoSchedule
 *    (pkg/controller/nodelifecycle node_lifecycle_controller.go, TaintNodesByCondition), until its
 *    network plugin — itself a DaemonSet — runs; only pods that tolerate that taint, in practice
 *    the DaemonSets' (CNI, kube-proxy, agents tolerating every taint), are scheduled before.
 * 2. Then the rest by priority (kube-scheduler's queue sort, plugins/queuesort/priority_sort.go
 *    PrioritySort.Less: higher priority first, then the earlier enqueued),
 * 3. enqueued in manifest order (`kubectl apply -f` creates objects in file, then line order; each
 *    workload's replicas in index order).
 * Within the DaemonSets, the same priority and manifest order. Each pod is placed by the same
 * simulation as `place` (simulate.ts: the scheduler's filters, walk order and scores), one at a
 * time, so earlier pods count for later ones.
 */
import type { Workload } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { staticPodNode } from "../../../model/static-pod.js";
import { placedPod } from "../cluster-snapshot.js";
import { admitBoundPods } from "../kubelet/admit.js";
import type { PreparedPlacement } from "../prepare.js";
import { simulate } from "../simulate.js";
import type { FilterPlugin, PodToPlace, ScorePlugin } from "../types.js";
import { workloadKey } from "../workload-key.js";
import { compare, kubeletRefusal, manifestOrder, workloadName } from "./common.js";

/** One pod: where it runs now, where a fresh install would put it. */
export interface FreshPodView {
  /** `Kind namespace/name` */
  readonly workload: string;
  readonly pod: string;
  readonly observedNode: string | null;
  /** null when no node fits (see `unschedulable`) */
  readonly freshNode: string | null;
  /** nodes tied for the best score on the fresh install (the scheduler picks one at random) */
  readonly tiedNodes: readonly string[];
  readonly unschedulable: string | null;
  /** the pod runs now on another node than the fresh install gives it (observed pods only) */
  readonly differs: boolean;
  /** differs, but the observed node was among the tied best: the difference is the scheduler's random pick */
  readonly observedWasTied: boolean;
  /** the pod's place in the fresh scheduling queue, from 1 */
  readonly order: number;
  readonly priority: number;
}

/** Per node: pods the snapshot shows on it, pods a fresh install puts on it. */
interface FreshNodeView {
  readonly node: string;
  readonly observed: number;
  readonly fresh: number;
}

export interface FreshReport {
  /** the order pods reach the queue, in words */
  readonly order: string;
  /** static pods bound first (the kubelet's) */
  readonly staticPods: number;
  readonly pods: readonly FreshPodView[];
  readonly nodes: readonly FreshNodeView[];
  /** observed pods the fresh install places elsewhere */
  readonly differing: number;
  /** of those, the ones whose observed node tied for the best score */
  readonly differingByTie: number;
  /** pods a fresh install cannot place */
  readonly unschedulable: number;
}

export const FRESH_ORDER =
  "static pods first (the kubelet's); then pods bound by spec.nodeName, admitted by their node's kubelet (no scheduler), in manifest order; then DaemonSet pods (nodes stay NotReady, tainted node.kubernetes.io/not-ready:NoSchedule, until their network DaemonSet runs); then by priority (PrioritySort), then in manifest order (file, line; replicas by index)";

/** Where every workload would land on a fresh install (see the module comment for the order). */
export function freshPlacement(
  snapshot: Snapshot,
  prepared: PreparedPlacement,
  filters: readonly FilterPlugin<unknown>[],
  scores: readonly ScorePlugin<unknown>[],
): FreshReport {
  const nodes = snapshot.kubernetes.nodes;
  const cluster = prepared.emptyCluster();
  let staticPods = 0;
  for (const pod of snapshot.kubernetes.pods) {
    const node = staticPodNode(pod);
    const info = node === undefined ? undefined : cluster.nodeByName.get(node);
    if (!info || pod.phase === "Succeeded" || pod.phase === "Failed") continue;
    cluster.bind(
      info,
      placedPod(
        workloadKey({ kind: "Pod", namespace: pod.namespace, name: pod.name }),
        pod.name,
        pod.namespace,
        pod.labels,
        pod.spec,
        info.name,
      ),
    );
    staticPods++;
  }

  const rankOf = manifestOrder(snapshot);
  const priorityOf = prepared.priorityOf;
  const queued: {
    pod: PodToPlace;
    observedNode: string | null;
    daemon: boolean;
    /** bound by spec.nodeName: its node's kubelet admits it, not the scheduler */
    kubelet: boolean;
    priority: number;
    rank: number;
    index: number;
  }[] = [];
  // the pods `place` prepares (prepare.ts): version-filtered templates, admitted
  for (const w of prepared.workloads) {
    const pods = prepared.podsByWorkload.get(w) ?? [];
    pods.forEach((p, index) => {
      // a fresh pod: its admitted template's spec (a pod known only through the snapshot keeps its daemon node, not its binding)
      const pod = p.daemonNode !== undefined ? { ...p, observed: undefined } : fromTemplate(prepared, w, p);
      queued.push({
        pod,
        observedNode: p.observed?.nodeName ?? null,
        daemon: w.kind === "DaemonSet",
        kubelet: prepared.kubeletBound.has(w),
        priority: priorityOf(pod.spec),
        rank: rankOf(w),
        index,
      });
    });
  }
  queued.sort(
    (a, b) =>
      Number(b.kubelet) - Number(a.kubelet) ||
      (a.kubelet ? 0 : Number(b.daemon) - Number(a.daemon) || b.priority - a.priority) ||
      a.rank - b.rank ||
      a.index - b.index,
  );
  // the kubelet-bound pods first, on their node (as `place`: admitBoundPods), then the scheduler's queue
  const admissions = admitBoundPods(
    queued.filter((q) => q.kubelet).map((q) => q.pod),
    cluster,
  );
  const predictions = simulate(
    queued.filter((q) => !q.kubelet).map((q) => q.pod),
    cluster,
    filters,
    scores,
    { hasLowerPriorityPod: prepared.hasLowerPriorityPod() },
  );

  // the fresh outcome of each queued pod
  const outcomes = queued.map((q, i) => {
    const a = admissions.get(q.pod);
    const p = predictions.get(q.pod);
    return {
      node: a ? (a.admitted ? a.node : null) : (p?.node ?? null),
      tied: p?.tied ?? [],
      unschedulable: a ? kubeletRefusal(a) : (p?.unschedulable ?? null),
      order: i + 1,
      priority: q.priority,
    };
  });
  // The replicas of a ReplicaSet (Deployment), Job or ReplicationController are interchangeable:
  // within such a workload, each observed pod is paired with a fresh pod on its own node when
  // there is one, so two replicas that only swap nodes are no difference. A StatefulSet's pods
  // keep their identity (ordinal, created in order), a DaemonSet's its node.
  const byWorkload = new Map<Workload, number[]>();
  queued.forEach((q, i) => {
    const members = byWorkload.get(q.pod.workload);
    if (members) members.push(i);
    else byWorkload.set(q.pod.workload, [i]);
  });
  const outcomeOf = new Array<number>(queued.length);
  for (const [w, members] of byWorkload) {
    if (w.kind === "StatefulSet" || w.kind === "DaemonSet" || w.kind === "Pod") {
      for (const i of members) outcomeOf[i] = i;
      continue;
    }
    // the fresh outcomes of the workload by node, each taken once
    const freeOn = new Map<string | null, number[]>();
    for (const j of members) {
      const list = freeOn.get(outcomes[j]!.node);
      if (list) list.push(j);
      else freeOn.set(outcomes[j]!.node, [j]);
    }
    const taken = new Set<number>();
    const unpaired: number[] = [];
    for (const i of members) {
      const observedNode = queued[i]!.observedNode;
      const j = observedNode === null ? undefined : freeOn.get(observedNode)?.pop();
      if (j === undefined) unpaired.push(i);
      else {
        outcomeOf[i] = j;
        taken.add(j);
      }
    }
    const rest = members.filter((j) => !taken.has(j));
    unpaired.forEach((i, k) => (outcomeOf[i] = rest[k]!));
  }
  const views: FreshPodView[] = queued.map((q, i) => {
    const o = outcomes[outcomeOf[i]!]!;
    const differs = q.observedNode !== null && o.node !== q.observedNode;
    return {
      workload: workloadName(q.pod.workload),
      pod: q.pod.name,
      observedNode: q.observedNode,
      freshNode: o.node,
      tiedNodes: o.tied,
      unschedulable: o.unschedulable,
      differs,
      observedWasTied: differs && o.tied.includes(q.observedNode!),
      order: o.order,
      priority: o.priority,
    };
  });
  const counts = new Map(nodes.map((n) => [n.name, { node: n.name, observed: 0, fresh: 0 }]));
  for (const v of views) {
    if (v.observedNode) {
      const c = counts.get(v.observedNode);
      if (c) c.observed++;
    }
    if (v.freshNode) counts.get(v.freshNode)!.fresh++;
  }
  const pods = views.sort((a, b) => compare(a.workload, b.workload) || compare(a.pod, b.pod));
  return {
    order: FRESH_ORDER,
    staticPods,
    pods,
    nodes: [...counts.values()],
    differing: pods.filter((v) => v.differs).length,
    differingByTie: pods.filter((v) => v.observedWasTied).length,
    unschedulable: pods.filter((v) => v.unschedulable !== null).length,
  };
}

/** A replica made afresh from its workload's admitted template, keeping the name the report shows. */
function fromTemplate(prepared: PreparedPlacement, w: Workload, p: PodToPlace): PodToPlace {
  if (!p.observed) return p;
  return { ...prepared.newPod(w, p.name), labels: p.labels };
}
