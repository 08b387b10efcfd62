/**
 * `place --drain NODE` (repeatable): `kubectl drain NODE --ignore-daemonsets` and what follows.
 *
 * 1. The node is cordoned (spec.unschedulable: NodeUnschedulable rejects it for every pod not
 *    tolerating node.kubernetes.io/unschedulable).
 * 2. Its pods go through kubectl's filters (staging/src/k8s.io/kubectl/pkg/drain/filters.go
 *    makeFilters, in order): DaemonSet-managed pods stay (daemonSetFilter with
 *    --ignore-daemonsets), mirror pods stay (mirrorPodFilter), finished pods are deleted, a pod
 *    without a controller is an error unless --force (unreplicatedFilter) — and any error stops
 *    the drain before a single eviction (drain.go GetPodsForDeletion). emptyDir volumes
 *    (localStorageFilter, --delete-emptydir-data) are not modelled: said as an assumption.
 * 3. Each pod is evicted through the eviction API (pkg/registry/core/pod/storage/eviction.go
 *    EvictionREST.Create): a Pending or finished pod is deleted without looking at budgets
 *    (canIgnorePDB); a pod matched by more than one PodDisruptionBudget is refused (500); an
 *    unready pod is deleted without using the budget with unhealthyPodEvictionPolicy AlwaysAllow,
 *    and with IfHealthyBudget (the default) when currentHealthy ≥ desiredHealthy > 0;
 *    else checkAndDecrement: disruptionsAllowed 0 refuses (429, "Cannot evict pod as it would
 *    violate the pod's disruption budget."), otherwise it is decremented. kubectl drain retries a
 *    429 every 5 s until its --timeout (default: forever).
 * 4. The controllers recreate the evicted pods (ReplicaSet, StatefulSet, Job, …; a pod without a
 *    controller is gone), and the scheduler places them on the rest (the same preparation and
 *    simulation as `place`, prepare.ts; a replacement bound by spec.nodeName goes to its node's
 *    kubelet, which ignores the cordon). A replacement that lands is assumed to become Ready: the disruption controller
 *    (pkg/controller/disruption/disruption.go updatePdbStatus) then counts it healthy again and
 *    raises disruptionsAllowed = currentHealthy − desiredHealthy, so a refused eviction succeeds
 *    on a later retry. Evictions proceed in waves until none is possible; what is left is what
 *    blocks the drain, with the budget that blocks it and after how many of its evictions.
 */
import type { Node, Pod, PodDisruptionBudget, Workload } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { selectorMatches } from "../../../model/selectors.js";
import { formatSource } from "../../../model/source.js";
import { locationOf, type FixLocation } from "../fix/location.js";
import { staticPodNode } from "../../../model/static-pod.js";
import { admitBoundPods } from "../kubelet/admit.js";
import { preparePlacement, type PreparedPlacement } from "../prepare.js";
import { schedulingOrder, simulate } from "../simulate.js";
import type { FilterPlugin, PodToPlace, ScorePlugin } from "../types.js";
import { workloadKey } from "../workload-key.js";
import { compare, kubeletRefusal, podName, workloadName } from "./common.js";

/** filters.go: the kubectl drain messages, word for word. */
export const DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods";
export const UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)";
export const UNMANAGED_WARNING = "deleting Pods that declare no controller";
/** eviction.go: the eviction API's refusals. */
export const EVICTION_VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";
export const EVICTION_MULTIPLE_BUDGETS =
  "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

/**
 * What happens to a pod of a drained node:
 * - stays: a DaemonSet or mirror (static) pod, left on the node;
 * - evicted: the eviction API let it go (replaced if its controller recreates it);
 * - deleted: deleted without a budget check (finished or Pending pod), or with --force (no controller);
 * - blocked: its eviction is refused for good (a budget that cannot recover, several budgets);
 * - refused: kubectl drain stopped before evicting anything (a pod without a controller, no --force).
 */
type DrainAction = "stays" | "evicted" | "deleted" | "blocked" | "refused";

interface ReplacementView {
  /** the new pod (a StatefulSet's keeps its name; a ReplicaSet's gets a new one, shown as the old one's) */
  readonly pod: string;
  readonly node: string | null;
  readonly tiedNodes: readonly string[];
  /** the scheduler's FitError ("0/N nodes are available: …") when no node fits: the pod stays Pending */
  readonly unschedulable: string | null;
}

export interface DrainPodView {
  /** namespace/name */
  readonly pod: string;
  readonly node: string;
  /** `Kind namespace/name` of its workload, or null */
  readonly workload: string | null;
  readonly action: DrainAction;
  /** kubectl's or the eviction API's words, with podpath's explanation */
  readonly reason: string;
  /** the PodDisruptionBudget (namespace/name) that decided, if one did */
  readonly budget: string | null;
  /** the eviction wave it went in (1 = at once; later ones after replacements became ready), or null */
  readonly wave: number | null;
  /** what its controller creates instead, and where the scheduler puts it; null when nothing replaces it */
  readonly replacement: ReplacementView | null;
}

interface BudgetView {
  /** namespace/name */
  readonly budget: string;
  readonly source: string;
  /** `source` as data */
  readonly location: FixLocation | null;
  /** minAvailable N, maxUnavailable N% … */
  readonly rule: string;
  /** where disruptionsAllowed came from: the captured status, or computed as the disruption controller does */
  readonly from: "status" | "computed";
  readonly disruptionsAllowed: number;
  readonly currentHealthy: number;
  readonly desiredHealthy: number;
  /** the drained nodes' pods it covers */
  readonly covers: number;
  readonly evictions: number;
  /** pods whose eviction it refuses for good */
  readonly blocks: number;
  /** "blocks the drain after N evictions: …", or null */
  readonly message: string | null;
}

export interface DrainReport {
  readonly nodes: readonly string[];
  readonly force: boolean;
  /** the drain evicts every pod it must: true; false when a budget or kubectl's filters stop it */
  readonly completes: boolean;
  /** kubectl drain's own error, when its filters stop it before any eviction */
  readonly error: string | null;
  readonly pods: readonly DrainPodView[];
  readonly budgets: readonly BudgetView[];
  /** replacements no node takes: Pending, with the scheduler's reason */
  readonly pending: number;
  /** what the answer assumes */
  readonly assumptions: readonly string[];
}

export interface DrainOptions {
  readonly nodes: readonly string[];
  /** kubectl drain --force: delete pods that declare no controller */
  readonly force?: boolean;
}

/** intstr.GetScaledValueFromIntOrPercent(value, total, roundUp) */
export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const percent = Number(value.slice(0, -1));
  return roundUp ? Math.ceil((percent * total) / 100) : Math.floor((percent * total) / 100);
}

interface BudgetState {
  readonly pdb: PodDisruptionBudget;
  readonly from: "status" | "computed";
  allowed: number;
  healthy: number;
  readonly desired: number;
  readonly initial: { allowed: number; healthy: number };
  covers: number;
  evictions: number;
  blocks: number;
}

/**
 * The disruption controller's figures when the capture has no status (disruption.go
 * getExpectedPodCount, countHealthyPods, updatePdbStatus): expected = the pods' controllers'
 * replicas for maxUnavailable and percent minAvailable, the pods for int minAvailable; both
 * percents rounded up; desiredHealthy = minAvailable, or expected − maxUnavailable (≥ 0);
 * disruptionsAllowed = currentHealthy − desiredHealthy, at least 0 (0 when nothing is expected).
 */
export function computedBudget(
  pdb: PodDisruptionBudget,
  pods: readonly Pod[],
  replicasOf: (p: Pod) => number | undefined,
): { allowed: number; healthy: number; desired: number } {
  const owners = new Map<string, number>();
  for (const p of pods) if (p.owner) owners.set(workloadKey(p.owner), replicasOf(p) ?? 1);
  const scale = [...owners.values()].reduce((a, b) => a + b, 0) + pods.filter((p) => !p.owner).length;
  let expected = pods.length;
  let desired = 0;
  if (pdb.maxUnavailable !== undefined) {
    expected = scale;
    desired = Math.max(0, expected - scaledValue(pdb.maxUnavailable, expected, true));
  } else if (pdb.minAvailable !== undefined) {
    if (typeof pdb.minAvailable === "number") desired = pdb.minAvailable;
    else {
      expected = scale;
      desired = scaledValue(pdb.minAvailable, expected, true);
    }
  }
  const healthy = pods.filter((p) => p.ready).length;
  const allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
  return { allowed, healthy, desired };
}

function ruleOf(pdb: PodDisruptionBudget): string {
  if (pdb.minAvailable !== undefined) return `minAvailable ${pdb.minAvailable}`;
  if (pdb.maxUnavailable !== undefined) return `maxUnavailable ${pdb.maxUnavailable}`;
  return "no minAvailable or maxUnavailable";
}

/** What the drain did with one pod of a drained node, before it is reported. */
interface PodOutcome {
  action: DrainAction;
  reason: string;
  budget: string | null;
  wave: number | null;
  replacement: ReplacementView | null;
}

const isFinished = (p: Pod) => p.phase === "Succeeded" || p.phase === "Failed";
const controllerOf = (p: Pod) => p.meta.ownerReferences.find((o) => o.controller);

/** `kubectl drain --ignore-daemonsets [--force] NODE…`, then the evicted pods placed again. */
export function drainPlacement(
  snapshot: Snapshot,
  options: DrainOptions,
  filters: readonly FilterPlugin<unknown>[],
  scores: readonly ScorePlugin<unknown>[],
  /** the snapshot as `place` prepares it (prepare.ts): the same pods, version and preemption tail */
  prepared: PreparedPlacement = preparePlacement(snapshot),
): DrainReport {
  const drained = new Set(options.nodes);
  const force = options.force === true;
  // kubectl cordon: spec.unschedulable
  const nodes: Node[] = snapshot.kubernetes.nodes.map((n) => (drained.has(n.name) ? { ...n, unschedulable: true } : n));
  const cordoned: Snapshot = { ...snapshot, kubernetes: { ...snapshot.kubernetes, nodes } };
  const cluster = prepared.cluster(cordoned);
  const workloadOf = prepared.workloadByKey;
  const workloadOfPod = (p: Pod): Workload | undefined =>
    workloadOf.get(p.owner ? workloadKey(p.owner) : workloadKey({ kind: "Pod", namespace: p.namespace, name: p.name }));
  const onDrained = snapshot.kubernetes.pods.filter((p) => p.nodeName !== undefined && drained.has(p.nodeName));

  const views = new Map<Pod, PodOutcome>();
  const toEvict: Pod[] = [];
  const refused: Pod[] = [];
  // filters.go makeFilters, in order; a pod stops at the first filter that does not delete it
  for (const p of onDrained) {
    const controller = controllerOf(p);
    if (controller?.kind === "DaemonSet" && !isFinished(p)) {
      views.set(p, {
        action: "stays",
        reason: `${DAEMONSET_WARNING} (--ignore-daemonsets): its controller ignores the cordon and keeps it`,
        budget: null,
        wave: null,
        replacement: null,
      });
    } else if (staticPodNode(p) !== undefined) {
      views.set(p, {
        action: "stays",
        reason: "mirror pod of a static pod: the kubelet runs it, kubectl drain skips it",
        budget: null,
        wave: null,
        replacement: null,
      });
    } else if (isFinished(p)) {
      views.set(p, {
        action: "deleted",
        reason: `finished (${p.phase}): deleted, holds nothing`,
        budget: null,
        wave: null,
        replacement: null,
      });
    } else if (!controller) {
      if (force) toEvict.push(p);
      else refused.push(p);
    } else {
      toEvict.push(p);
    }
  }
  const assumptions = [
    "pods with emptyDir volumes need --delete-emptydir-data (kubectl drain's localStorageFilter): podpath does not read volumes",
    "a replacement the scheduler places becomes Ready, so the disruption controller counts it healthy again",
    "pods not bound yet (Pending, or replicas not created) are scheduled before the replacements, on the cordoned cluster",
  ];
  if (refused.length > 0) {
    // drain.go GetPodsForDeletion: any error stops the drain before a single eviction
    const error = `${UNMANAGED_FATAL}: ${refused.map(podName).join(", ")}`;
    for (const p of refused)
      views.set(p, { action: "refused", reason: UNMANAGED_FATAL, budget: null, wave: null, replacement: null });
    for (const p of toEvict)
      views.set(p, {
        action: "refused",
        reason: "not evicted: kubectl drain stopped before evicting anything",
        budget: null,
        wave: null,
        replacement: null,
      });
    return report(options.nodes, force, false, error, onDrained, views, [], workloadOfPod, assumptions);
  }

  // the budgets: status as captured, else as the disruption controller computes it
  const budgets = new Map<PodDisruptionBudget, BudgetState>();
  const budgetsOf = (p: Pick<Pod, "namespace" | "labels">) =>
    snapshot.kubernetes.podDisruptionBudgets.filter(
      (b) =>
        b.namespace === p.namespace &&
        b.selector !== null &&
        (Object.keys(b.selector.matchLabels).length > 0 || b.selector.matchExpressions.length > 0) &&
        selectorMatches(b.selector, p.labels),
    );
  const stateOf = (pdb: PodDisruptionBudget): BudgetState => {
    let s = budgets.get(pdb);
    if (!s) {
      const matched = snapshot.kubernetes.pods.filter(
        (p) => p.nodeName !== undefined && !isFinished(p) && budgetsOf(p).includes(pdb),
      );
      const computed = computedBudget(pdb, matched, (p) => workloadOfPod(p)?.replicas ?? undefined);
      const st = pdb.status;
      const figures = st
        ? { allowed: st.disruptionsAllowed, healthy: st.currentHealthy, desired: st.desiredHealthy }
        : computed;
      s = {
        pdb,
        from: st ? "status" : "computed",
        allowed: figures.allowed,
        healthy: figures.healthy,
        desired: figures.desired,
        initial: { allowed: figures.allowed, healthy: figures.healthy },
        covers: 0,
        evictions: 0,
        blocks: 0,
      };
      budgets.set(pdb, s);
    }
    return s;
  };
  const name = (pdb: PodDisruptionBudget) => `${pdb.namespace}/${pdb.name}`;
  for (const p of toEvict) for (const b of budgetsOf(p)) stateOf(b).covers++;

  const priorityOf = prepared.priorityOf;
  // the pods not bound yet (Pending ones, replicas still to create, a DaemonSet's pod for a node
  // without one) are in the scheduler's queue before the evictions: placed first, on the cordoned
  // cluster, as `place` places them (those bound by spec.nodeName are the kubelet's, which ignores cordons)
  const unbound = [...prepared.podsByWorkload.values()].flat().filter((p) => !p.observed?.nodeName);
  admitBoundPods(
    unbound.filter((p) => prepared.kubeletBound.has(p.workload)),
    cluster,
  );
  simulate(
    schedulingOrder(
      unbound.filter((p) => !prepared.kubeletBound.has(p.workload)),
      (p) => priorityOf(p.spec),
    ),
    cluster,
    filters,
    scores,
    { hasLowerPriorityPod: prepared.hasLowerPriorityPod() },
  );
  let waiting = toEvict;
  for (let wave = 1; waiting.length > 0; wave++) {
    const evicted: Pod[] = [];
    const still: Pod[] = [];
    for (const p of waiting) {
      const matching = budgetsOf(p);
      // eviction.go canIgnorePDB: a Pending pod is deleted without a budget check (finished ones were deleted above)
      if (p.phase === "Pending" || !p.nodeName || (!controllerOf(p) && force)) {
        evicted.push(p);
        views.set(p, {
          action: !controllerOf(p) ? "deleted" : "evicted",
          reason: !controllerOf(p)
            ? `${UNMANAGED_WARNING} (--force): nothing recreates it`
            : "Pending: evicted without a budget check (canIgnorePDB)",
          budget: null,
          wave,
          replacement: null,
        });
        continue;
      }
      if (matching.length > 1) {
        views.set(p, {
          action: "blocked",
          reason: `${EVICTION_MULTIPLE_BUDGETS} (${matching.map(name).join(", ")})`,
          budget: matching.map(name).join(", "),
          wave: null,
          replacement: null,
        });
        continue;
      }
      const pdb = matching[0];
      if (!pdb) {
        evicted.push(p);
        views.set(p, {
          action: "evicted",
          reason: "evicted: no PodDisruptionBudget covers it",
          budget: null,
          wave,
          replacement: null,
        });
        continue;
      }
      const s = stateOf(pdb);
      const alwaysAllow = pdb.unhealthyPodEvictionPolicy === "AlwaysAllow";
      if (!p.ready && (alwaysAllow || (s.healthy >= s.desired && s.desired > 0))) {
        // an unready pod does not count as healthy: evicted without using the budget (always with
        // unhealthyPodEvictionPolicy AlwaysAllow; with IfHealthyBudget, the default, while the budget is met)
        evicted.push(p);
        s.evictions++;
        const why = alwaysAllow
          ? "unhealthyPodEvictionPolicy AlwaysAllow"
          : `currentHealthy ${s.healthy} ≥ desiredHealthy ${s.desired}`;
        views.set(p, {
          action: "evicted",
          reason: `not Ready: evicted without using ${name(pdb)}'s budget (${why})`,
          budget: name(pdb),
          wave,
          replacement: null,
        });
        continue;
      }
      if (s.allowed <= 0) {
        still.push(p);
        continue;
      }
      // checkAndDecrement
      s.allowed--;
      s.healthy -= p.ready ? 1 : 0;
      s.evictions++;
      evicted.push(p);
      views.set(p, {
        action: "evicted",
        reason: `evicted: ${name(pdb)} allowed it (disruptionsAllowed ${s.allowed + 1} → ${s.allowed})`,
        budget: name(pdb),
        wave,
        replacement: null,
      });
    }
    if (evicted.length === 0) {
      waiting = still;
      break;
    }
    // the evicted pods leave their node; their controllers create replacements, which the scheduler places
    const replacements = new Map<PodToPlace, Pod>();
    for (const p of evicted) {
      const node = cluster.nodeByName.get(p.nodeName!);
      const placed = node?.pods.find((x) => x.name === p.name && x.namespace === p.namespace);
      if (node && placed) cluster.unbind(node, placed);
      const w = workloadOfPod(p);
      if (!w || w.kind === "Pod" || !controllerOf(p)) continue;
      replacements.set({ ...prepared.newPod(w, p.name), labels: p.labels }, p);
    }
    // a replacement bound by spec.nodeName goes to its node's kubelet (cordons do not apply), as in `place`
    const bound = [...replacements.keys()].filter((r) => prepared.kubeletBound.has(r.workload));
    const admissions = admitBoundPods(bound, cluster);
    const queue = schedulingOrder(
      [...replacements.keys()].filter((r) => !prepared.kubeletBound.has(r.workload)),
      (r) => priorityOf(r.spec),
    );
    // a new helper each wave: the evictions above unbound pods
    const predictions = simulate(queue, cluster, filters, scores, {
      hasLowerPriorityPod: prepared.hasLowerPriorityPod(),
    });
    for (const [r, p] of replacements) {
      const admitted = admissions.get(r);
      const prediction = predictions.get(r);
      const view = views.get(p)!;
      const node = admitted ? (admitted.admitted ? admitted.node : null) : (prediction?.node ?? null);
      views.set(p, {
        ...view,
        replacement: {
          pod: r.name,
          node,
          tiedNodes: prediction?.tied ?? [],
          unschedulable: admitted ? kubeletRefusal(admitted) : (prediction?.unschedulable ?? null),
        },
      });
      // a placed replacement becomes Ready: the disruption controller counts it (updatePdbStatus)
      if (node) {
        for (const b of budgetsOf(r)) {
          const s = stateOf(b);
          s.healthy++;
          s.allowed = Math.max(0, s.healthy - s.desired);
        }
      }
    }
    waiting = still;
  }
  for (const p of waiting) {
    const pdb = budgetsOf(p)[0]!;
    const s = stateOf(pdb);
    s.blocks++;
    views.set(p, {
      action: "blocked",
      reason: `${EVICTION_VIOLATES_BUDGET} The disruption budget ${pdb.name} needs ${s.desired} healthy pods and has ${s.healthy} currently (kubectl drain retries every 5 s until its --timeout)`,
      budget: name(pdb),
      wave: null,
      replacement: null,
    });
  }
  const budgetViews = [...budgets.values()]
    .map((s): BudgetView => ({
      budget: name(s.pdb),
      source: formatSource(s.pdb.meta.source),
      location: locationOf(s.pdb.meta.source),
      rule: ruleOf(s.pdb),
      from: s.from,
      disruptionsAllowed: s.initial.allowed,
      currentHealthy: s.initial.healthy,
      desiredHealthy: s.desired,
      covers: s.covers,
      evictions: s.evictions,
      blocks: s.blocks,
      message:
        s.blocks > 0
          ? `blocks the drain after ${s.evictions} ${s.evictions === 1 ? "eviction" : "evictions"}: ${s.blocks === 1 ? "1 pod stays" : `${s.blocks} pods stay`} on the node (it needs ${s.desired} healthy, has ${s.healthy})`
          : null,
    }))
    .sort((a, b) => compare(a.budget, b.budget));
  const blocked = [...views.values()].some((v) => v.action === "blocked");
  return report(options.nodes, force, !blocked, null, onDrained, views, budgetViews, workloadOfPod, assumptions);
}

function report(
  nodes: readonly string[],
  force: boolean,
  completes: boolean,
  error: string | null,
  pods: readonly Pod[],
  views: ReadonlyMap<Pod, PodOutcome>,
  budgets: readonly BudgetView[],
  workloadOfPod: (p: Pod) => Workload | undefined,
  assumptions: readonly string[],
): DrainReport {
  const out: DrainPodView[] = pods.map((p) => {
    const v = views.get(p)!;
    const w = workloadOfPod(p);
    return { pod: podName(p), node: p.nodeName!, workload: w ? workloadName(w) : null, ...v };
  });
  out.sort((a, b) => compare(a.node, b.node) || compare(a.pod, b.pod));
  return {
    nodes: [...nodes],
    force,
    completes,
    error,
    pods: out,
    budgets,
    pending: out.filter((p) => p.replacement?.unschedulable).length,
    assumptions,
  };
}
