import type { LabelSelector, Labels, PodSpec, TopologySpreadConstraint } from "../../../../model/kubernetes.js";
import { selectorMatches } from "../../../../model/selectors.js";
import {
  advance,
  isEmptySelector,
  nullableSelectorMatches,
  podCursor,
  matchingPodIndex,
  requiredPairs,
  withLabelKeys,
  type Cursor,
  type MatchingPodIndex,
} from "../../framework/label-selectors.js";
import type { ClusterView, PlacedPod } from "../../types.js";

/** The scheduler's reasons (pkg/scheduler/framework/plugins/podtopologyspread/plugin.go). */
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)";

/**
 * A TopologySpreadConstraint as the scheduler uses it (podtopologyspread/common.go
 * topologySpreadConstraint): the selector with matchLabelKeys merged from the pod's labels,
 * minDomains defaulting to 1, nodeAffinityPolicy to Honor and nodeTaintsPolicy to Ignore.
 */
export interface SpreadConstraintView {
  readonly constraint: TopologySpreadConstraint;
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelSelector | null;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: "Honor" | "Ignore";
  readonly nodeTaintsPolicy: "Honor" | "Ignore";
}

/** filterTopologySpreadConstraints: the pod's constraints with `action` as whenUnsatisfiable. */
export function spreadConstraintViews(
  pod: { readonly spec: PodSpec; readonly labels: Labels },
  action: "DoNotSchedule" | "ScheduleAnyway",
): SpreadConstraintView[] {
  return pod.spec.topologySpreadConstraints
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => ({
      constraint: c,
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      // mergeLabelSetWithSelector leaves a null selector (labels.Nothing) as it is
      selector: withLabelKeys(c.labelSelector, c.matchLabelKeys, "In", pod.labels),
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? "Honor",
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? "Ignore",
    }));
}

/** c.Selector.Matches(pod labels): whether the pod counts towards its own constraint (selfMatchNum). */
export function spreadSelectorMatches(view: SpreadConstraintView, labels: Labels): boolean {
  return nullableSelectorMatches(view.selector, labels);
}

/**
 * countPodsMatchSelector's test of one pod: counted by the view, not terminating ("Bypass
 * terminating Pod (see #87621)": a pod with a deletionTimestamp is skipped, in the filter's and the
 * score's counts alike), in `namespace` (the incoming pod's), its labels matched by the
 * constraint's selector (neither null nor empty: those count no pod, see `countsNoPod`).
 */
function countsTowards(other: PlacedPod, namespace: string, selector: LabelSelector, cluster: ClusterView): boolean {
  return (
    !other.terminating &&
    cluster.counts(other) &&
    other.namespace === namespace &&
    selectorMatches(selector, other.labels)
  );
}

/** countPodsMatchSelector: an empty selector counts nothing (labels.Selector.Empty), as does null. */
function countsNoPod(selector: LabelSelector | null): boolean {
  return selector === null || isEmptySelector(selector);
}

/**
 * countPodsMatchSelector on every node: the pods in `namespace` (the incoming pod's) that the
 * constraint's selector matches, aligned with `cluster.nodes`, as the view counts them (a
 * `SpreadCounter` with one bucket per node). An empty selector (`{}`) counts nothing, as upstream
 * (`selector.Empty()`); so does null.
 */
export function spreadCountsPerNode(
  view: SpreadConstraintView,
  namespace: string,
  cluster: ClusterView,
  index: MatchingPodIndex = matchingPodIndex(cluster),
): number[] {
  const n = cluster.nodes.length;
  const counter = spreadCounter(index, namespace, view.selector, undefined, new Float64Array(n));
  countNewPods(counter, cluster);
  return Array.from(counter.counts);
}

/**
 * One constraint's matching pods (countPodsMatchSelector), counted per bucket and kept current as
 * pods are bound: each bucket is a topology domain, or a node (hostname, in Score). The filter's
 * TpPairToMatchNum (filtering.go, updated in place by AddPod → updateWithPod) and PreScore's
 * TopologyPairToPodCounts (scoring.go) both count this way; here each distinct question keeps one
 * counter with the matching-pod index (`indexState`), and its cursor brings in the pods bound
 * since, so replicas asking the same question one after another do not recount.
 */
export interface SpreadCounter<C extends Int32Array | Float64Array> {
  /** the incoming pod's namespace: only pods there count */
  readonly namespace: string;
  readonly selector: LabelSelector | null;
  /** undefined: the selector (null or empty) counts no pod */
  readonly cursor: Cursor | undefined;
  /**
   * per node position: its bucket, -1 when the node counts for none (the filter's domains, fixed
   * when it is made); undefined: no table — `resolve` is asked for each matching pod's node (the
   * node's position itself without `resolve`: hostname, a bucket per node)
   */
  readonly bucketAt: Int32Array | undefined;
  /** the bucket of a matching pod's node when there is no `bucketAt` table (-1: counts for none) */
  readonly resolve: ((k: number) => number) | undefined;
  /** matching pods per bucket */
  readonly counts: C;
}

export function spreadCounter<C extends Int32Array | Float64Array>(
  index: MatchingPodIndex,
  namespace: string,
  selector: LabelSelector | null,
  bucketAt: Int32Array | undefined,
  counts: C,
  resolve?: (k: number) => number,
): SpreadCounter<C> {
  return {
    namespace,
    selector,
    cursor: countsNoPod(selector) ? undefined : podCursor(index, requiredPairs(selector)),
    bucketAt,
    resolve,
    counts,
  };
}

/**
 * Counts the pods the index found since the last call, as `cluster` counts them; `counted` hears
 * each increment (the bucket and its new count). True when a count changed.
 */
export function countNewPods<C extends Int32Array | Float64Array>(
  counter: SpreadCounter<C>,
  cluster: ClusterView,
  counted?: (bucket: number, count: number) => void,
): boolean {
  const cursor = counter.cursor;
  if (!cursor) return false;
  const selector = counter.selector!;
  const { namespace, bucketAt, counts, resolve } = counter;
  let changed = false;
  advance(cursor, ({ node: k, pod }) => {
    let b: number;
    if (bucketAt !== undefined) {
      b = bucketAt[k]!;
      if (b < 0 || !countsTowards(pod, namespace, selector, cluster)) return;
    } else {
      // no table to allocate and fill per counter (the score makes one per workload and constraint)
      if (!countsTowards(pod, namespace, selector, cluster)) return;
      b = resolve === undefined ? k : resolve(k);
      if (b < 0) return;
    }
    const n = counts[b]! + 1;
    counts[b] = n;
    counted?.(b, n);
    changed = true;
  });
  return changed;
}
