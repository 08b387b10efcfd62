import type { LabelSelector, Labels, PodSpec, TopologySpreadConstraint } from "../../../model/kubernetes.js";
import { selectorMatches } from "../../../model/selectors.js";
import { countableCount, describeSelector, isEmptySelector, matchingPodsPerNode, memoized, nullableSelectorMatches, podIndex, requiredPairs, selectorKey, withLabelKeys, type PodIndex } from "../label-selectors.js";
import type { ClusterState, FilterPlugin, PodToPlace, Rejection } from "../types.js";
import { nodeAffinityMismatch } from "./node-affinity.js";
import { untoleratedTaint } from "./taint-toleration.js";

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
 * countPodsMatchSelector on every node: the pods in `namespace` (the incoming pod's) that the
 * constraint's selector matches, aligned with `cluster.nodes`, the excluded workload's pods left
 * out. An empty selector (`{}`) counts nothing, as upstream (`selector.Empty()`); so does null.
 */
export function spreadCountsPerNode(view: SpreadConstraintView, namespace: string, cluster: ClusterState, index: PodIndex = podIndex(cluster.nodes)): number[] {
  const selector = view.selector;
  const nodes = cluster.nodes;
  if (selector === null || isEmptySelector(selector)) return new Array<number>(nodes.length).fill(0);
  const perNode = matchingPodsPerNode(index, `podtopologyspread:${namespace}:${selectorKey(selector)}`, (p) => p.namespace === namespace && selectorMatches(selector, p.labels), requiredPairs(selector));
  const out = new Array<number>(nodes.length);
  for (let i = 0; i < nodes.length; i++) out[i] = countableCount(perNode[i], cluster);
  return out;
}

const DO_NOT_SCHEDULE_EFFECTS = ["NoSchedule", "NoExecute"] as const;

/** Per constraint: matching pods per eligible domain, and the global minimum. */
interface Domains {
  readonly counts: ReadonlyMap<string, number>;
  /** the global minimum, 0 when fewer than minDomains domains are eligible */
  readonly minMatch: number;
}

export interface PodTopologySpreadState {
  readonly constraints: readonly SpreadConstraintView[];
  readonly domains: readonly Domains[];
}

const MEMO = {};

/**
 * calPreFilterState: over the nodes that have every constraint's topologyKey label, and for each
 * constraint only those that pass its node inclusion policies, the matching pods per domain.
 */
function spreadDomains(pod: PodToPlace, constraints: readonly SpreadConstraintView[], cluster: ClusterState, index: PodIndex): Domains[] {
  const counts = constraints.map((c) => spreadCountsPerNode(c, pod.namespace, cluster, index));
  const domains = constraints.map(() => new Map<string, number>());
  // GetRequiredNodeAffinity: nothing to match when the pod has neither nodeSelector nor required affinity
  const unrestricted = Object.keys(pod.spec.nodeSelector).length === 0 && !pod.spec.affinity.nodeAffinity?.required;
  const nodes = cluster.nodes;
  nodes: for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const labels = node.labels;
    // nodeLabelsMatchSpreadConstraints: a node lacking any constraint's key counts for none
    for (let k = 0; k < constraints.length; k++) if (labels[constraints[k]!.topologyKey] === undefined) continue nodes;
    // matchNodeInclusionPolicies, each judged once per node and only when a constraint asks
    let affinityOk: boolean | undefined = unrestricted ? true : undefined;
    let taintsOk: boolean | undefined = node.node.taints.length === 0 ? true : undefined;
    for (let k = 0; k < constraints.length; k++) {
      const c = constraints[k]!;
      if (c.nodeAffinityPolicy === "Honor" && !(affinityOk ??= nodeAffinityMismatch(pod.spec, node.node) === undefined)) continue;
      if (c.nodeTaintsPolicy === "Honor" && !(taintsOk ??= untoleratedTaint(node.node.taints, pod.spec.tolerations, DO_NOT_SCHEDULE_EFFECTS) === undefined)) continue;
      const value = labels[c.topologyKey]!;
      domains[k]!.set(value, (domains[k]!.get(value) ?? 0) + counts[k]![i]!);
    }
  }
  return constraints.map((c, k) => {
    const found = domains[k]!;
    let minMatch = found.size < c.minDomains ? 0 : Infinity;
    for (const n of found.values()) minMatch = Math.min(minMatch, n);
    return { counts: found, minMatch };
  });
}

/** What the PreFilter state depends on, for the memo (sources left out). */
function stateKey(pod: PodToPlace, constraints: readonly SpreadConstraintView[], cluster: ClusterState): string {
  const honorsAffinity = constraints.some((c) => c.nodeAffinityPolicy === "Honor");
  const honorsTaints = constraints.some((c) => c.nodeTaintsPolicy === "Honor");
  return JSON.stringify(
    [
      cluster.excludeOwner ?? null,
      pod.namespace,
      constraints.map((c) => [c.topologyKey, selectorKey(c.selector), c.minDomains, c.nodeAffinityPolicy, c.nodeTaintsPolicy]),
      honorsAffinity ? [pod.spec.nodeSelector, pod.spec.affinity.nodeAffinity?.required ?? null] : null,
      honorsTaints ? pod.spec.tolerations : null,
    ],
    (key, value: unknown) => (key === "source" ? undefined : value),
  );
}

const MAX_DOMAINS_SHOWN = 10;

function describeDomains(counts: ReadonlyMap<string, number>): string {
  const values = [...counts.keys()].sort();
  const shown = values.slice(0, MAX_DOMAINS_SHOWN).map((v) => `${v}=${counts.get(v)}`);
  if (values.length > MAX_DOMAINS_SHOWN) shown.push(`… ${values.length - MAX_DOMAINS_SHOWN} more`);
  return shown.length > 0 ? shown.join(", ") : "none";
}

/**
 * A rejection whose detail is written only when read: the simulation rejects thousands of nodes
 * per pod and reads none of the details; a report reads a few.
 */
function reject(message: string, constraint: TopologySpreadConstraint, detail: () => string): Rejection[] {
  let text: string | undefined;
  return [{ plugin: "PodTopologySpread", message, source: constraint.source, get detail() { return (text ??= detail()); } }];
}

/**
 * kube-scheduler plugins/podtopologyspread (filtering.go), PreFilter and Filter, for the pod's
 * whenUnsatisfiable: DoNotSchedule constraints (the system default constraints are all
 * ScheduleAnyway: they never filter). A node without a constraint's topologyKey label is
 * rejected; otherwise, for each constraint, the matching pods (in the pod's namespace) in the
 * node's domain, plus one if the pod matches its own selector, minus the global minimum over the
 * eligible domains (0 when fewer than minDomains are eligible), must not exceed maxSkew. The first
 * failing constraint is reported, as the scheduler does.
 */
export const PodTopologySpread: FilterPlugin<PodTopologySpreadState | undefined> = {
  name: "PodTopologySpread",
  prepare(pod, cluster) {
    const constraints = spreadConstraintViews(pod, "DoNotSchedule");
    if (constraints.length === 0) return undefined;
    const index = podIndex(cluster.nodes);
    const domains = memoized(MEMO, index, stateKey(pod, constraints, cluster), () => spreadDomains(pod, constraints, cluster, index));
    return { constraints, domains };
  },
  filter(pod, node, _cluster, state) {
    if (!state) return [];
    for (let k = 0; k < state.constraints.length; k++) {
      const c = state.constraints[k]!;
      const value = node.labels[c.topologyKey];
      if (value === undefined) return reject(ERR_REASON_NODE_LABEL_NOT_MATCH, c.constraint, () => `the node has no label ${c.topologyKey} (the constraint's topologyKey)`);
      const { counts, minMatch } = state.domains[k]!;
      const matchNum = counts.get(value) ?? 0;
      const selfMatch = spreadSelectorMatches(c, pod.labels) ? 1 : 0;
      const skew = matchNum + selfMatch - minMatch;
      if (skew > c.maxSkew) {
        const fewDomains = counts.size < c.minDomains ? `; only ${counts.size} eligible domain(s), fewer than minDomains ${c.minDomains}, so the global minimum is 0` : "";
        return reject(
          ERR_REASON_CONSTRAINTS_NOT_MATCH,
          c.constraint,
          () => `${c.topologyKey}=${value} has ${matchNum} pod(s) matching ${describeSelector(c.selector)}, + ${selfMatch} (this pod) − global minimum ${minMatch} = skew ${skew} > maxSkew ${c.maxSkew}${fewDomains}; ${c.topologyKey} domains: ${describeDomains(counts)}`,
        );
      }
    }
    return [];
  },
};
