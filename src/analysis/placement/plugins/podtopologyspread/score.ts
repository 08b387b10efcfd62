import type {
  LabelSelector,
  LabelSelectorRequirement,
  Labels,
  PodSpec,
  Service,
  Workload,
} from "../../../../model/kubernetes.js";
import { nodeAffinityKey, nodeAffinityMismatch } from "../nodeaffinity/common.js";
import { countNewPods, spreadConstraintViews, spreadCounter, type SpreadCounter } from "./common.js";
import { FILTERED_EFFECTS, tolerationsKey, untoleratedTaint } from "../tainttoleration/common.js";
import { indexState, matchingPodIndex, selectorKey } from "../../framework/label-selectors.js";
import type { ClusterView, NodeInfo, PodToPlace, ScorePlugin } from "../../types.js";
import type { BatchScore } from "../../framework/batch.js";
import { feasibleIndices, nodeTable, type LabelColumn, type NodeTable } from "../../framework/node-table.js";
import { MAX_NODE_SCORE } from "../../framework/normalize.js";
import { SKIP, type Skip } from "../../framework/skip.js";

const HOSTNAME = "kubernetes.io/hostname";
const ZONE = "topology.kubernetes.io/zone";

/** A ScheduleAnyway constraint as the plugin uses it (podtopologyspread/common.go topologySpreadConstraint). */
interface SoftConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  /** null selects no pod */
  readonly selector: LabelSelector | null;
  readonly nodeAffinityPolicy: "Honor" | "Ignore";
  readonly nodeTaintsPolicy: "Honor" | "Ignore";
}

/**
 * The system default constraints (podtopologyspread/plugin.go systemDefaultConstraints, used
 * because the default profile's PodTopologySpreadArgs has defaultingType System): hostname with
 * maxSkew 3, zone with maxSkew 5, both ScheduleAnyway.
 */
const SYSTEM_DEFAULT_CONSTRAINTS: readonly { readonly topologyKey: string; readonly maxSkew: number }[] = [
  { topologyKey: HOSTNAME, maxSkew: 3 },
  { topologyKey: ZONE, maxSkew: 5 },
];

/** The controller kinds whose selector DefaultSelector adds (ReplicationController, ReplicaSet, StatefulSet). */
const SELECTOR_OWNERS = new Set<Workload["kind"]>(["ReplicationController", "ReplicaSet", "Deployment", "StatefulSet"]);

/**
 * pkg/scheduler/framework/plugins/helper/spread.go DefaultSelector: the selectors of the Services
 * in the pod's namespace that select it (a Service without selector selects nothing), merged, AND
 * the selector of the controller that owns the pod when it is a ReplicationController, ReplicaSet
 * or StatefulSet. A Deployment's pods are owned by its ReplicaSet, whose selector is the
 * Deployment's plus `pod-template-hash`: podpath uses the Deployment's selector (its pods to
 * place have no hash yet), so pods of the Deployment's older ReplicaSets count too. Job, CronJob,
 * DaemonSet and bare pods contribute only their Services. Undefined when the result selects
 * nothing in particular (no requirement at all): then there are no default constraints.
 */
export function defaultSelector(
  pod: Pick<PodToPlace, "namespace" | "labels" | "workload">,
  services: readonly Service[],
): LabelSelector | undefined {
  const matchLabels: Record<string, string> = {};
  for (const s of services) {
    if (s.namespace !== pod.namespace || s.selector === null) continue;
    let all = true;
    for (const key in s.selector) {
      if (pod.labels[key] !== s.selector[key]) {
        all = false;
        break;
      }
    }
    if (all) Object.assign(matchLabels, s.selector);
  }
  const matchExpressions: LabelSelectorRequirement[] = [];
  const owner = pod.workload.selector;
  if (SELECTOR_OWNERS.has(pod.workload.kind) && owner !== null) {
    for (const key in owner.matchLabels)
      matchExpressions.push({ key, operator: "In", values: [owner.matchLabels[key]!] });
    matchExpressions.push(...owner.matchExpressions);
  }
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return undefined;
  return { matchLabels, matchExpressions };
}

/** scoring.go topologyNormalizingWeight: log(size + 2), so that counts in small topologies are not watered down. */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/** scoring.go scoreForCount: the count weighted, plus maxSkew − 1 to tolerate skew. */
export function scoreForCount(count: number, maxSkew: number, weight: number): number {
  return count * weight + (maxSkew - 1);
}

interface SpreadState {
  readonly constraints: readonly SoftConstraint[];
  readonly weights: readonly number[];
  /** per constraint: the topology label of every node, as ids (see NodeTable.label) */
  readonly columns: readonly LabelColumn[];
  /**
   * per constraint (not hostname): matching pods per domain id, NaN for a domain no feasible node
   * is in; index `values.length` is the domain "" of nodes without the label (Go's map lookup)
   */
  readonly domainCounts: readonly (number[] | undefined)[];
  /**
   * per constraint (hostname): matching pods on each node, by position in cluster.nodes (kept
   * current as pods are bound: read it before the next bind)
   */
  readonly nodeCounts: readonly (Float64Array | undefined)[];
  /** only the pod's own constraints require every topology key (not the system defaults) */
  readonly requireAll: boolean;
  /** feasible nodes lacking a topology key, by position in the feasible list (what NormalizeScore's list is aligned with); undefined: none */
  readonly ignoredAt: readonly boolean[] | undefined;
}

/** The domain id of node `k` for a constraint: its label's id, or the "" domain's. */
function domainOf(column: LabelColumn, k: number): number {
  const id = column.ids[k]!;
  return id >= 0 ? id : (column.idOf.get("") ?? column.values.length);
}

function hasAllKeysAt(columns: readonly LabelColumn[], k: number): boolean {
  for (const c of columns) if (c.ids[k]! < 0) return false;
  return true;
}

/** Per pod spec: does the node satisfy the pod's nodeSelector and required node affinity (kept per snapshot: node labels never change). */
type AffinityMatches = WeakMap<PodSpec, Map<NodeInfo, boolean>>;
const AFFINITY_MATCHES = {};
function matchesNodeAffinity(spec: PodSpec, node: NodeInfo, affinityMatchCache: AffinityMatches): boolean {
  let cache = affinityMatchCache.get(spec);
  if (!cache) affinityMatchCache.set(spec, (cache = new Map<NodeInfo, boolean>()));
  let match = cache.get(node);
  if (match === undefined) cache.set(node, (match = nodeAffinityMismatch(spec, node.node) === undefined));
  return match;
}

/** common.go matchNodeInclusionPolicies: nodeAffinityPolicy Honor counts only nodes the pod's required node affinity allows, nodeTaintsPolicy Honor only nodes whose NoSchedule/NoExecute taints it tolerates. */
function included(c: SoftConstraint, spec: PodSpec, node: NodeInfo, affinityMatches: AffinityMatches): boolean {
  if (c.nodeAffinityPolicy === "Honor" && !matchesNodeAffinity(spec, node, affinityMatches)) return false;
  if (
    c.nodeTaintsPolicy === "Honor" &&
    untoleratedTaint(node.node.taints, spec.tolerations, FILTERED_EFFECTS) !== undefined
  )
    return false;
  return true;
}

/*
 * The matching pods of one constraint are counted over the whole cluster and kept current as pods
 * are bound (a `SpreadCounter`, common.ts, whose cursor brings in the pods bound since), rather
 * than recounted for every pod: the replicas of a workload ask the same question one after
 * another. Hostname constraints count per node (every node counts: Score looks at the node's own
 * pods); the others per domain of their topology key (the node's label id, the "" domain for a
 * node without it), over the nodes the constraint's inclusion policies admit (and, for the pod's
 * own constraints, that have every topology key): each node's bucket is resolved the first time
 * a matching pod is found on it. PreScore then takes the domains of the feasible nodes.
 */
const COUNTERS = {};

/** What a constraint's counter depends on besides the cluster: the key of its entry in the index's states. */
function counterKey(
  c: SoftConstraint,
  pod: PodToPlace,
  constraints: readonly SoftConstraint[],
  requireAll: boolean,
  viewKey: string | null,
): string {
  if (c.topologyKey === HOSTNAME) return JSON.stringify([viewKey, pod.namespace, selectorKey(c.selector), HOSTNAME]);
  return JSON.stringify([
    viewKey,
    pod.namespace,
    selectorKey(c.selector),
    c.topologyKey,
    requireAll ? constraints.map((x) => x.topologyKey) : null,
    c.nodeAffinityPolicy === "Honor" ? nodeAffinityKey(pod.spec) : null,
    c.nodeTaintsPolicy === "Honor" ? tolerationsKey(pod.spec) : null,
  ]);
}

/**
 * The counters of a pod's constraints, brought up to date. The keys are worked out once per
 * constraints list (the replicas of a workload share it), pod spec and namespace (kept per snapshot).
 */
const KEYS = {};
function spreadCounters(
  pod: PodToPlace,
  constraints: readonly SoftConstraint[],
  requireAll: boolean,
  columns: readonly LabelColumn[],
  table: NodeTable,
  cluster: ClusterView,
): SpreadCounter<Float64Array>[] {
  const keysMemo = cluster.snapshot.state(
    KEYS,
    () => new WeakMap<readonly SoftConstraint[], WeakMap<PodSpec, Map<string, string[]>>>(),
  );
  let bySpec = keysMemo.get(constraints);
  if (!bySpec) keysMemo.set(constraints, (bySpec = new WeakMap()));
  let byNamespace = bySpec.get(pod.spec);
  if (!byNamespace) bySpec.set(pod.spec, (byNamespace = new Map<string, string[]>()));
  const viewKey = cluster.viewKey;
  const memoKey = JSON.stringify([viewKey, pod.namespace, requireAll]);
  let keys = byNamespace.get(memoKey);
  if (!keys)
    byNamespace.set(memoKey, (keys = constraints.map((c) => counterKey(c, pod, constraints, requireAll, viewKey))));
  const index = matchingPodIndex(cluster);
  const affinityMatches = cluster.snapshot.state(AFFINITY_MATCHES, (): AffinityMatches => new WeakMap());
  const namespace = pod.namespace;
  const spec = pod.spec;
  return constraints.map((c, i) => {
    const hostname = c.topologyKey === HOSTNAME;
    const column = columns[i]!;
    const counter = indexState(COUNTERS, index, keys[i]!, (): SpreadCounter<Float64Array> => {
      if (hostname) return spreadCounter(index, namespace, c.selector, undefined, new Float64Array(table.nodes.length));
      const nodes = table.nodes;
      const resolve = (k: number): number =>
        (requireAll && !hasAllKeysAt(columns, k)) || !included(c, spec, nodes[k]!, affinityMatches)
          ? -1
          : domainOf(column, k);
      return spreadCounter(
        index,
        namespace,
        c.selector,
        undefined,
        new Float64Array(column.values.length + 1),
        resolve,
      );
    });
    countNewPods(counter, cluster);
    return counter;
  });
}

/**
 * Score for the node at position k, not ignored: count × weight + maxSkew − 1 per constraint
 * whose key it has, rounded.
 */
function spreadScore(k: number, state: SpreadState): number {
  let score = 0;
  for (let i = 0; i < state.constraints.length; i++) {
    const id = state.columns[i]!.ids[k]!;
    if (id < 0) continue;
    const perNode = state.nodeCounts[i];
    const count = perNode ? perNode[k]! : state.domainCounts[i]![id]!;
    score += scoreForCount(count, state.constraints[i]!.maxSkew, state.weights[i]!);
  }
  return Math.round(score);
}

/**
 * kube-scheduler PodTopologySpread Score (pkg/scheduler/framework/plugins/podtopologyspread/
 * scoring.go, common.go). The constraints are the pod's ScheduleAnyway ones; a pod with no
 * topologySpreadConstraints at all gets the system defaults (hostname maxSkew 3, zone maxSkew 5)
 * with the DefaultSelector built from the Services that select it and its owning controller —
 * which is why the plugin takes the snapshot's Services. No constraint (or an empty default
 * selector): Skip.
 *
 * PreScore: with the pod's own constraints, feasible nodes lacking one of their topology keys are
 * ignored (score 0); with the system defaults they are not (a node without a zone label still
 * gets hostname spreading). The domains are the topology values of the feasible nodes; the pods
 * the constraint's selector selects in the pod's namespace are counted per domain over all
 * nodes that pass the constraint's node inclusion policies; each constraint's weight is
 * log(number of domains + 2) (for hostname, the number of scored nodes). Score: for each
 * constraint whose key the node has, count × weight + maxSkew − 1, summed and rounded (hostname
 * counts are the matching pods on the node itself). NormalizeScore: ignored nodes 0, else
 * `100 × (max + min − score) / max` (100 for all when max is 0). Weight 2.
 */
export function podTopologySpreadScore(
  services: readonly Service[],
): ScorePlugin<SpreadState | Skip> & BatchScore<SpreadState | Skip> {
  const byNamespace = new Map<string, Service[]>();
  for (const s of services) {
    const list = byNamespace.get(s.namespace);
    if (list) list.push(s);
    else byNamespace.set(s.namespace, [s]);
  }
  // per pod labels (the replicas of a workload share theirs): the default constraints
  const defaults = new WeakMap<
    Labels,
    { readonly workload: Workload; readonly constraints: readonly SoftConstraint[] }
  >();
  const defaultConstraints = (pod: PodToPlace): readonly SoftConstraint[] => {
    let cached = defaults.get(pod.labels);
    if (!cached || cached.workload !== pod.workload) {
      const selector = defaultSelector(pod, byNamespace.get(pod.namespace) ?? []);
      const constraints = selector
        ? SYSTEM_DEFAULT_CONSTRAINTS.map((c): SoftConstraint => ({
            ...c,
            selector,
            nodeAffinityPolicy: "Honor",
            nodeTaintsPolicy: "Ignore",
          }))
        : [];
      cached = { workload: pod.workload, constraints };
      defaults.set(pod.labels, cached);
    }
    return cached.constraints;
  };

  // per pod spec and labels (the replicas of a workload share theirs): the pod's own ScheduleAnyway constraints
  const owned = new WeakMap<PodSpec, WeakMap<Labels, readonly SoftConstraint[]>>();
  const ownConstraints = (pod: PodToPlace): readonly SoftConstraint[] => {
    let byLabels = owned.get(pod.spec);
    if (!byLabels) owned.set(pod.spec, (byLabels = new WeakMap()));
    let constraints = byLabels.get(pod.labels);
    if (!constraints) byLabels.set(pod.labels, (constraints = spreadConstraintViews(pod, "ScheduleAnyway")));
    return constraints;
  };

  return {
    name: "PodTopologySpread",
    weight: 2,
    prepare(pod, feasible, cluster) {
      if (cluster.nodes.length === 0) return SKIP;
      const own = pod.spec.topologySpreadConstraints;
      // common.go filterTopologySpreadConstraints(ScheduleAnyway): matchLabelKeys merged, policies defaulted
      const constraints: readonly SoftConstraint[] = own.length > 0 ? ownConstraints(pod) : defaultConstraints(pod);
      if (constraints.length === 0) return SKIP;
      // only the pod's own constraints require every topology key (systemDefaulted)
      const requireAll = own.length > 0;
      const table = nodeTable(cluster);
      const at = feasibleIndices(cluster, feasible);
      const columns = constraints.map((c) => table.label(c.topologyKey));

      // initPreScoreState: the domains of the feasible nodes (ignoring those lacking a key)
      let ignoredAt: boolean[] | undefined;
      let ignoredCount = 0;
      if (requireAll) {
        for (let f = 0; f < feasible.length; f++) {
          if (hasAllKeysAt(columns, at[f]!)) continue;
          (ignoredAt ??= new Array<boolean>(feasible.length).fill(false))[f] = true;
          ignoredCount++;
        }
      }
      const sizes = constraints.map(() => 0);
      const domainCounts = constraints.map((c, i) => {
        if (c.topologyKey === HOSTNAME) return undefined;
        const column = columns[i]!;
        const ids = column.ids;
        // domainOf: a node without the label is in the "" domain
        const unlabelled = column.idOf.get("") ?? column.values.length;
        const counts = new Array<number>(column.values.length + 1).fill(NaN);
        let size = 0;
        for (let f = 0; f < feasible.length; f++) {
          if (ignoredAt?.[f]) continue;
          const id = ids[at[f]!]!;
          const d = id >= 0 ? id : unlabelled;
          if (Number.isNaN(counts[d]!)) {
            counts[d] = 0;
            size++;
          }
        }
        sizes[i] = size;
        return counts;
      });
      const weights = constraints.map((c, i) =>
        topologyNormalizingWeight(c.topologyKey === HOSTNAME ? feasible.length - ignoredCount : sizes[i]!),
      );

      // PreScore: the matching pods per domain over every node the inclusion policies admit (a
      // domain no feasible node is in is not counted); per node for hostname (done in Score upstream)
      const counters = spreadCounters(pod, constraints, requireAll, columns, table, cluster);
      const nodeCounts = constraints.map((_c, i) => {
        const counts = domainCounts[i];
        const totals = counters[i]!.counts;
        if (!counts) return totals;
        for (let d = 0; d < counts.length; d++) if (!Number.isNaN(counts[d]!)) counts[d] = totals[d]!;
        return undefined;
      });
      return { constraints, weights, columns, domainCounts, nodeCounts, requireAll, ignoredAt };
    },
    score(_pod, node, cluster, state) {
      if (state === SKIP) return 0;
      const table = nodeTable(cluster);
      const k = table.index.get(node)!;
      // the node is feasible: it is ignored when it lacks a key of the pod's own constraints
      return state.requireAll && !hasAllKeysAt(state.columns, k) ? 0 : spreadScore(k, state);
    },
    scoreAll(_pod, feasible, cluster, state, out) {
      if (state === SKIP) {
        out.fill(0, 0, feasible.length);
        return;
      }
      // the feasible list is the one PreScore saw: ignoredAt is aligned with it
      const at = feasibleIndices(cluster, feasible);
      const table = nodeTable(cluster);
      const n = feasible.length;
      // spreadScore, a constraint at a time: each node's sum takes the same terms in the same order
      const sums = table.scratch(n);
      for (let i = 0; i < state.constraints.length; i++) {
        const ids = state.columns[i]!.ids;
        const maxSkew = state.constraints[i]!.maxSkew;
        const weight = state.weights[i]!;
        const perNode = state.nodeCounts[i];
        if (perNode) {
          for (let f = 0; f < n; f++) {
            const k = at[f]!;
            if (ids[k]! >= 0) sums[f]! += scoreForCount(perNode[k]!, maxSkew, weight);
          }
        } else {
          const counts = state.domainCounts[i]!;
          for (let f = 0; f < n; f++) {
            const id = ids[at[f]!]!;
            if (id >= 0) sums[f]! += scoreForCount(counts[id]!, maxSkew, weight);
          }
        }
      }
      const ignoredAt = state.ignoredAt;
      for (let f = 0; f < n; f++) out[f] = ignoredAt?.[f] ? 0 : Math.round(sums[f]!);
    },
    explain(_pod, node, cluster, state) {
      if (state === SKIP) return undefined;
      // what spreadScore read for this node: the matching pods in its domain, per constraint
      const k = nodeTable(cluster).index.get(node)!;
      const parts = state.constraints.map((c, i) => {
        const id = state.columns[i]!.ids[k]!;
        if (id < 0) return `no ${c.topologyKey} label`;
        const perNode = state.nodeCounts[i];
        const count = perNode ? perNode[k]! : state.domainCounts[i]![id]!;
        return `${c.topologyKey}=${state.columns[i]!.values[id]!}: ${count} matching pod(s) (maxSkew ${c.maxSkew})`;
      });
      return `${state.requireAll ? "" : "system default constraints: "}${parts.join(", ")}`;
    },
    normalize(scores, _pod, state) {
      if (state === SKIP) return;
      let min = Number.MAX_SAFE_INTEGER;
      let max = 0;
      for (let i = 0; i < scores.length; i++) {
        if (state.ignoredAt?.[i]) continue;
        const s = scores[i]!;
        if (s < min) min = s;
        if (s > max) max = s;
      }
      for (let i = 0; i < scores.length; i++) {
        if (state.ignoredAt?.[i]) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      }
    },
  };
}
