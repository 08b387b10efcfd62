import type { LabelSelector, Labels, PodSpec, TopologySpreadConstraint } from "../../../../model/kubernetes.js";
import { selectorMatches } from "../../../../model/selectors.js";
import { advance, isEmptySelector, nullableSelectorMatches, podCursor, matchingPodIndex, requiredPairs, withLabelKeys, type MatchingPodIndex } from "../../framework/label-selectors.js";
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
export function spreadConstraintViews(pod: { readonly spec: PodSpec; readonly labels: Labels }, action: "DoNotSchedule" | "ScheduleAnyway"): SpreadConstraintView[] {
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
 * countPodsMatchSelector's test of one pod: counted by the view, in `namespace` (the incoming
 * pod's), its labels matched by the constraint's selector (neither null nor empty: those count no
 * pod, see `countsNoPod`).
 */
export function countsTowards(other: PlacedPod, namespace: string, selector: LabelSelector, cluster: ClusterView): boolean {
  return cluster.counts(other) && other.namespace === namespace && selectorMatches(selector, other.labels);
}

/** countPodsMatchSelector: an empty selector counts nothing (labels.Selector.Empty), as does null. */
export function countsNoPod(selector: LabelSelector | null): boolean {
  return selector === null || isEmptySelector(selector);
}

/**
 * countPodsMatchSelector on every node: the pods in `namespace` (the incoming pod's) that the
 * constraint's selector matches, aligned with `cluster.nodes`, as the view counts them. An empty selector (`{}`) counts nothing, as upstream (`selector.Empty()`); so does null.
 */
export function spreadCountsPerNode(view: SpreadConstraintView, namespace: string, cluster: ClusterView, index: MatchingPodIndex = matchingPodIndex(cluster)): number[] {
  const selector = view.selector;
  const out = new Array<number>(cluster.nodes.length).fill(0);
  if (countsNoPod(selector)) return out;
  advance(podCursor(index, requiredPairs(selector)), ({ node, pod }) => {
    if (countsTowards(pod, namespace, selector!, cluster)) out[node]!++;
  });
  return out;
}
