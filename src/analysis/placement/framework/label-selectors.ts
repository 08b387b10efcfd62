import type { LabelSelector, LabelSelectorRequirement, Labels, PodAffinityTerm } from "../../../model/kubernetes.js";
import { formatSelector, selectorMatches } from "../../../model/selectors.js";
import type { BindListener } from "../cluster-snapshot.js";
import type { ClusterView, NodeInfo, PlacedPod } from "../types.js";

/**
 * Selector, namespace and matching-pod helpers shared by the inter-pod placement plugins
 * (InterPodAffinity, PodTopologySpread) and their score counterparts.
 */

// ---------------------------------------------------------------------------------------------
// Selectors

/**
 * metav1.LabelSelectorAsSelector: a null selector matches nothing, an empty one everything.
 */
export function nullableSelectorMatches(selector: LabelSelector | null, labels: Labels): boolean {
  return selector !== null && selectorMatches(selector, labels);
}

/** labels.Selector.Empty(): a selector with no requirement at all (`{}`, which matches everything). */
export function isEmptySelector(selector: LabelSelector): boolean {
  for (const _ in selector.matchLabels) return false;
  return selector.matchExpressions.length === 0;
}

/**
 * Adds `key <operator> (the pod's value)` for each key the pod has a label for (keys it lacks are
 * skipped). A null selector stays null: it selects nothing either way. This is both the API
 * server's matchLabelKeys/mismatchLabelKeys merge for pod affinity terms (KEP-3633,
 * pkg/registry/core/pod/strategy.go applyMatchLabelKeysAndMismatchLabelKeys) and
 * PodTopologySpread's mergeLabelSetWithSelector (KEP-3243): requirements ANDed.
 */
export function withLabelKeys(
  selector: LabelSelector | null,
  keys: readonly string[],
  operator: "In" | "NotIn",
  labels: Labels,
): LabelSelector | null {
  if (selector === null || keys.length === 0) return selector;
  const added: LabelSelectorRequirement[] = [];
  for (const key of keys) {
    const value = labels[key];
    if (value !== undefined) added.push({ key, operator, values: [value] });
  }
  if (added.length === 0) return selector;
  return { matchLabels: selector.matchLabels, matchExpressions: [...selector.matchExpressions, ...added] };
}

/** A canonical string for a selector (for cache keys): null and `{}` differ. */
export function selectorKey(selector: LabelSelector | null): string {
  if (selector === null) return "null";
  const labels = Object.keys(selector.matchLabels)
    .sort()
    .map((k) => [k, selector.matchLabels[k]]);
  const exprs = selector.matchExpressions
    .map((e) => [e.key, e.operator, [...e.values].sort()])
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return JSON.stringify([labels, exprs]);
}

/** A selector as people write it: `app=web,tier in (a,b)`; `{}` for the empty one, `null` for none. */
export function describeSelector(selector: LabelSelector | null): string {
  if (selector === null) return "null (selects nothing)";
  return isEmptySelector(selector) ? "{} (selects everything)" : formatSelector(selector);
}

// ---------------------------------------------------------------------------------------------
// Namespaces

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** A namespace's labels as the API server has them (kubernetes.io/metadata.name at least). */
export function namespaceLabels(cluster: ClusterView, namespace: string): Labels {
  return cluster.namespaces.get(namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

// ---------------------------------------------------------------------------------------------
// Pod affinity terms

/**
 * A PodAffinityTerm as the scheduler uses it (framework.AffinityTerm, newAffinityTerm): the
 * label selector with matchLabelKeys / mismatchLabelKeys merged from the owning pod's labels, the
 * namespaces listed — or the owning pod's namespace when the term lists none and has no
 * namespaceSelector — and the namespaceSelector, matched against a pod's namespace labels (null:
 * no namespace; `{}`: every namespace).
 */
export interface AffinityTermView {
  readonly term: PodAffinityTerm;
  readonly selector: LabelSelector | null;
  readonly namespaces: ReadonlySet<string>;
  readonly namespaceSelector: LabelSelector | null;
  readonly topologyKey: string;
  /** canonical form of what the term selects (namespaces and labels, not the topology key) */
  readonly matchKey: string;
}

/** framework.newAffinityTerm for a term of `owner` (the pod that carries it). */
export function affinityTermView(
  term: PodAffinityTerm,
  owner: { readonly namespace: string; readonly labels: Labels },
): AffinityTermView {
  const selector = withLabelKeys(
    withLabelKeys(term.labelSelector, term.matchLabelKeys, "In", owner.labels),
    term.mismatchLabelKeys,
    "NotIn",
    owner.labels,
  );
  const namespaces = new Set(
    term.namespaces.length === 0 && term.namespaceSelector === null ? [owner.namespace] : term.namespaces,
  );
  const matchKey = JSON.stringify([[...namespaces].sort(), selectorKey(term.namespaceSelector), selectorKey(selector)]);
  return {
    term,
    selector,
    namespaces,
    namespaceSelector: term.namespaceSelector,
    topologyKey: term.topologyKey,
    matchKey,
  };
}

/** framework.AffinityTerm.Matches: the pod's namespace is listed or selected, and its labels match. */
export function affinityTermMatches(
  view: AffinityTermView,
  pod: { readonly namespace: string; readonly labels: Labels },
  cluster: ClusterView,
): boolean {
  if (view.selector === null) return false;
  const inNamespace =
    view.namespaces.has(pod.namespace) ||
    (view.namespaceSelector !== null &&
      selectorMatches(view.namespaceSelector, namespaceLabels(cluster, pod.namespace)));
  return inNamespace && selectorMatches(view.selector, pod.labels);
}

/** `labelSelector app=web, namespaces [a, b], topologyKey zone` for rejections' details. */
export function describeAffinityTerm(view: AffinityTermView): string {
  const parts = [`labelSelector ${describeSelector(view.selector)}`];
  if (view.namespaceSelector !== null) parts.push(`namespaceSelector ${describeSelector(view.namespaceSelector)}`);
  if (view.namespaces.size > 0) parts.push(`namespaces [${[...view.namespaces].sort().join(", ")}]`);
  parts.push(`topologyKey ${view.topologyKey}`);
  return parts.join(", ");
}

/** The required anti-affinity terms of a pod on a node, as views. */
function requiredAntiAffinityViews(pod: PlacedPod): readonly AffinityTermView[] {
  return pod.requiredAntiAffinity.map((t) => affinityTermView(t, pod));
}

// ---------------------------------------------------------------------------------------------
// Matching pods per node, counted once

/**
 * Every plugin that looks at other pods asks the same questions again and again: which pods on
 * each node match this selector? The pods of the snapshot are indexed once (in the order they are
 * found, then bound, and by each label pair), and each question (a PreFilter or PreScore state
 * kept with the index, `indexState`) keeps its answer, brought up to date through its cursors by
 * looking only at the pods added since. The snapshot tells the index of every pod it binds
 * (`bound`) and drops it when one is unbound (a removal starts everything afresh). A question
 * whose selector requires a label pair looks only at the pods with that pair (`podCursor`). Pods
 * of every owner are kept: callers count only those their view counts (`ClusterView.counts`).
 */
export interface IndexEntry {
  /** the node's position in the index's node list */
  readonly node: number;
  readonly pod: PlacedPod;
}

/**
 * A position in a list of the index's entries (every pod, or those with one label pair), which
 * only grows: `advance` visits the entries appended since the last call. The incremental
 * PreFilter states (PodTopologySpread, InterPodAffinity) each follow their candidates this way.
 */
export interface Cursor {
  readonly list: readonly IndexEntry[];
  consumed: number;
}

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

/** The pods of a snapshot, indexed for matching (see `matchingPodIndex`). */
export class MatchingPodIndex implements BindListener {
  readonly all: IndexEntry[] = [];
  readonly byLabel = new Map<string, IndexEntry[]>();
  readonly groups = new Map<string, AntiAffinityGroup>();
  /** the groups in the order they were made */
  readonly groupList: AntiAffinityGroup[] = [];
  groupsConsumed = 0;
  /** the snapshot's generation when the index was last brought up to date */
  generation: number;
  /** the PreFilter and PreScore states kept with the index (`indexState`): per plugin, per question */
  readonly states = new Map<object, Map<string, unknown>>();

  constructor(
    readonly nodes: readonly NodeInfo[],
    generation: number,
  ) {
    this.generation = generation;
    for (let i = 0; i < nodes.length; i++) for (const pod of nodes[i]!.pods) this.append({ node: i, pod });
  }

  /** After the snapshot bound `pod` to `nodes[at]`: appends it. */
  bound(at: number, _node: NodeInfo, pod: PlacedPod): void {
    this.append({ node: at, pod });
    this.generation++;
  }

  private append(entry: IndexEntry): void {
    this.all.push(entry);
    const labels = entry.pod.labels;
    for (const k in labels) {
      const pk = pairKey(k, labels[k]!);
      let list = this.byLabel.get(pk);
      if (!list) this.byLabel.set(pk, (list = []));
      list.push(entry);
    }
  }
}

const MATCHING_POD_INDEX = {};

/**
 * The index of the pods of `cluster`'s snapshot (every owner's), built on first use and kept
 * fresh by the snapshot. A PreFilter takes it once and asks all its questions of it.
 */
export function matchingPodIndex(cluster: ClusterView): MatchingPodIndex {
  const snapshot = cluster.snapshot;
  return snapshot.index(MATCHING_POD_INDEX, () => new MatchingPodIndex(snapshot.nodes, snapshot.generation));
}

/**
 * Label pairs every pod a selector matches must carry: its matchLabels and its single-value In
 * expressions. Empty: the selector can match pods without any particular pair.
 */
export function requiredPairs(selector: LabelSelector | null): [string, string][] {
  if (selector === null) return [];
  const out: [string, string][] = Object.keys(selector.matchLabels).map((k) => [k, selector.matchLabels[k]!]);
  for (const e of selector.matchExpressions)
    if (e.operator === "In" && e.values.length === 1) out.push([e.key, e.values[0]!]);
  return out;
}

/**
 * The shortest list of candidates for pods carrying every pair of `pairs`: the rarest pair's,
 * else every pod (a pair no pod carries yet gets its list now: pods that come later are appended
 * to it).
 */
function candidateList(index: MatchingPodIndex, pairs: readonly (readonly [string, string])[]): readonly IndexEntry[] {
  let list: readonly IndexEntry[] = index.all;
  for (const [k, v] of pairs) {
    const pk = pairKey(k, v);
    let candidates = index.byLabel.get(pk);
    if (!candidates) index.byLabel.set(pk, (candidates = []));
    if (candidates.length < list.length) list = candidates;
  }
  return list;
}

/** A cursor at the start of the candidates for pods carrying every pair of `pairs` (see `requiredPairs`). */
export function podCursor(index: MatchingPodIndex, pairs: readonly (readonly [string, string])[]): Cursor {
  return { list: candidateList(index, pairs), consumed: 0 };
}

/** Visits the entries appended to the cursor's list since its last advance; false when there were none. */
export function advance(cursor: Cursor, visit: (entry: IndexEntry) => void): boolean {
  const list = cursor.list;
  const from = cursor.consumed;
  if (from === list.length) return false;
  for (let j = from; j < list.length; j++) visit(list[j]!);
  cursor.consumed = list.length;
  return true;
}

/**
 * The existing pods' required anti-affinity terms, grouped by what they select and their
 * topologyKey: replicas of one workload share a group, so a newcomer is matched against each
 * distinct term once, not against every pod that carries it. Groups and their holders only grow
 * (in the order the index found the pods).
 */
export interface AntiAffinityGroup {
  /** the first term of the group (every term of the group selects the same pods) */
  readonly view: AffinityTermView;
  readonly holders: { readonly pod: PlacedPod; readonly node: NodeInfo; readonly view: AffinityTermView }[];
}

/** The groups of the index, in the order they were made, brought up to date with the pods it found since. */
export function requiredAntiAffinityGroups(index: MatchingPodIndex): readonly AntiAffinityGroup[] {
  const nodes = index.nodes;
  for (let j = index.groupsConsumed; j < index.all.length; j++) {
    const { node, pod } = index.all[j]!;
    if (pod.requiredAntiAffinity.length === 0) continue;
    for (const view of requiredAntiAffinityViews(pod)) {
      const key = JSON.stringify([view.matchKey, view.topologyKey]);
      let group = index.groups.get(key);
      if (!group) {
        index.groups.set(key, (group = { view, holders: [] }));
        index.groupList.push(group);
      }
      group.holders.push({ pod, node: nodes[node]!, view });
    }
  }
  index.groupsConsumed = index.all.length;
  return index.groupList;
}

/**
 * PreFilter state kept with the index (so pods taken off a node start it afresh), one per
 * distinct question: replicas of one workload ask the same one, and the state follows the pods
 * bound since by itself (its owner's cursors). `owner` keeps each plugin's entries apart; `key`
 * must capture everything `create` reads from the pod, and the view (`ClusterView.viewKey`).
 */
export function indexState<T>(owner: object, index: MatchingPodIndex, key: string, create: () => T): T {
  let byKey = index.states.get(owner);
  if (!byKey) index.states.set(owner, (byKey = new Map<string, unknown>()));
  let state = byKey.get(key) as T | undefined;
  if (state === undefined) byKey.set(key, (state = create()));
  return state;
}
