import type { LabelSelector, LabelSelectorRequirement, Labels, PodAffinityTerm } from "../../model/kubernetes.js";
import { formatSelector, selectorMatches } from "../../model/selectors.js";
import type { ClusterState, NodeInfo, PlacedPod } from "./types.js";

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
export function withLabelKeys(selector: LabelSelector | null, keys: readonly string[], operator: "In" | "NotIn", labels: Labels): LabelSelector | null {
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
  const exprs = selector.matchExpressions.map((e) => [e.key, e.operator, [...e.values].sort()]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
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
export function namespaceLabels(cluster: ClusterState, namespace: string): Labels {
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
export function affinityTermView(term: PodAffinityTerm, owner: { readonly namespace: string; readonly labels: Labels }): AffinityTermView {
  const selector = withLabelKeys(withLabelKeys(term.labelSelector, term.matchLabelKeys, "In", owner.labels), term.mismatchLabelKeys, "NotIn", owner.labels);
  const namespaces = new Set(term.namespaces.length === 0 && term.namespaceSelector === null ? [owner.namespace] : term.namespaces);
  const matchKey = JSON.stringify([[...namespaces].sort(), selectorKey(term.namespaceSelector), selectorKey(selector)]);
  return { term, selector, namespaces, namespaceSelector: term.namespaceSelector, topologyKey: term.topologyKey, matchKey };
}

/** framework.AffinityTerm.Matches: the pod's namespace is listed or selected, and its labels match. */
export function affinityTermMatches(view: AffinityTermView, pod: { readonly namespace: string; readonly labels: Labels }, cluster: ClusterState): boolean {
  if (view.selector === null) return false;
  const inNamespace = view.namespaces.has(pod.namespace) || (view.namespaceSelector !== null && selectorMatches(view.namespaceSelector, namespaceLabels(cluster, pod.namespace)));
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

const existingTermViews = new WeakMap<PlacedPod, readonly AffinityTermView[]>();

/** The required anti-affinity terms of a pod on a node, as views (cached per pod). */
export function requiredAntiAffinityViews(pod: PlacedPod): readonly AffinityTermView[] {
  let views = existingTermViews.get(pod);
  if (!views) {
    views = pod.requiredAntiAffinity.map((t) => affinityTermView(t, pod));
    existingTermViews.set(pod, views);
  }
  return views;
}

// ---------------------------------------------------------------------------------------------
// Matching pods per node, counted once

/**
 * Every plugin that looks at other pods asks the same questions again and again: which pods on
 * each node match this selector? The pods of a node list are indexed once (in the order they are
 * found, and by each label pair), and each question (`key`) keeps its answer, brought up to date
 * by looking only at the pods added since: the simulation only ever appends to `NodeInfo.pods`
 * (a list that shrank starts everything afresh). A question whose selector requires a label pair
 * looks only at the pods with that pair. Pods of every owner are kept: callers leave out
 * `cluster.excludeOwner` themselves (see `countable`).
 */
interface Entry {
  readonly node: number;
  readonly pod: PlacedPod;
}

interface Query {
  readonly list: readonly Entry[];
  consumed: number;
  readonly matched: (PlacedPod[] | undefined)[];
}

/** The pods of a node list, indexed (see `podIndex`). */
export interface PodIndex {
  readonly nodes: readonly NodeInfo[];
  readonly seen: Int32Array;
  readonly all: Entry[];
  readonly byLabel: Map<string, Entry[]>;
  readonly queries: Map<string, Query>;
  readonly groups: Map<string, AntiAffinityGroup>;
  groupsConsumed: number;
}

const indexes = new WeakMap<readonly NodeInfo[], PodIndex>();

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

function freshIndex(nodes: readonly NodeInfo[]): PodIndex {
  return { nodes, seen: new Int32Array(nodes.length), all: [], byLabel: new Map(), queries: new Map(), groups: new Map(), groupsConsumed: 0 };
}

/**
 * The index of `nodes`, with the pods added since the last look appended: one look at every node.
 * A PreFilter takes it once and asks all its questions of it.
 */
export function podIndex(nodes: readonly NodeInfo[]): PodIndex {
  const index = indexes.get(nodes);
  if (index && appendNewPods(index)) return index;
  // first look, or pods were taken off a node: index everything again
  const fresh = freshIndex(nodes);
  indexes.set(nodes, fresh);
  appendNewPods(fresh);
  return fresh;
}

/** Appends the pods added to each node since the last look; false when a node lost pods. */
function appendNewPods(index: PodIndex): boolean {
  const { nodes, seen } = index;
  for (let i = 0; i < nodes.length; i++) {
    const pods = nodes[i]!.pods;
    const from = seen[i]!;
    if (pods.length === from) continue;
    if (pods.length < from) return false;
    for (let j = from; j < pods.length; j++) {
      const entry = { node: i, pod: pods[j]! };
      index.all.push(entry);
      const labels = entry.pod.labels;
      for (const k in labels) {
        const pk = pairKey(k, labels[k]!);
        let list = index.byLabel.get(pk);
        if (!list) index.byLabel.set(pk, (list = []));
        list.push(entry);
      }
    }
    seen[i] = pods.length;
  }
  return true;
}

/**
 * Label pairs every pod a selector matches must carry: its matchLabels and its single-value In
 * expressions. Empty: the selector can match pods without any particular pair.
 */
export function requiredPairs(selector: LabelSelector | null): [string, string][] {
  if (selector === null) return [];
  const out: [string, string][] = Object.keys(selector.matchLabels).map((k) => [k, selector.matchLabels[k]!]);
  for (const e of selector.matchExpressions) if (e.operator === "In" && e.values.length === 1) out.push([e.key, e.values[0]!]);
  return out;
}

/**
 * The pods on each node of the index that `matches` accepts, aligned with its nodes (undefined:
 * none). `key` must name the question exactly (the same key always means the same predicate);
 * `pairs` are label pairs every matching pod carries (`requiredPairs`), to look at fewer pods.
 */
export function matchingPodsPerNode(index: PodIndex, key: string, matches: (pod: PlacedPod) => boolean, pairs: readonly (readonly [string, string])[] = []): readonly (readonly PlacedPod[] | undefined)[] {
  let query = index.queries.get(key);
  if (!query) {
    // the shortest list of candidates: the rarest required pair, else every pod (a pair no pod
    // carries yet gets its list now: pods that come later are appended to it)
    let list: readonly Entry[] = index.all;
    for (const [k, v] of pairs) {
      const pk = pairKey(k, v);
      let candidates = index.byLabel.get(pk);
      if (!candidates) index.byLabel.set(pk, (candidates = []));
      if (candidates.length < list.length) list = candidates;
    }
    index.queries.set(key, (query = { list, consumed: 0, matched: new Array(index.nodes.length).fill(undefined) }));
  }
  const list = query.list;
  for (let j = query.consumed; j < list.length; j++) {
    const e = list[j]!;
    if (matches(e.pod)) (query.matched[e.node] ??= []).push(e.pod);
  }
  query.consumed = list.length;
  return query.matched;
}

/** The pods of a list that count for `cluster` (its excluded workload's own pods do not). */
export function countable(pods: readonly PlacedPod[] | undefined, cluster: ClusterState): readonly PlacedPod[] {
  if (!pods) return [];
  return cluster.excludeOwner === undefined ? pods : pods.filter((p) => p.owner !== cluster.excludeOwner);
}

/** How many pods of a list count for `cluster` (`countable(…).length`, without a copy). */
export function countableCount(pods: readonly PlacedPod[] | undefined, cluster: ClusterState): number {
  if (!pods) return 0;
  const exclude = cluster.excludeOwner;
  if (exclude === undefined) return pods.length;
  let n = 0;
  for (let i = 0; i < pods.length; i++) if (pods[i]!.owner !== exclude) n++;
  return n;
}

/** The first pod of a list that counts for `cluster` (`countable(…)[0]`, without a copy). */
export function firstCountable(pods: readonly PlacedPod[] | undefined, cluster: ClusterState): PlacedPod | undefined {
  if (!pods) return undefined;
  const exclude = cluster.excludeOwner;
  for (let i = 0; i < pods.length; i++) if (pods[i]!.owner !== exclude) return pods[i];
  return undefined;
}

/**
 * The existing pods' required anti-affinity terms, grouped by what they select and their
 * topologyKey: replicas of one workload share a group, so a newcomer is matched against each
 * distinct term once, not against every pod that carries it.
 */
export interface AntiAffinityGroup {
  /** the first term of the group (every term of the group selects the same pods) */
  readonly view: AffinityTermView;
  readonly holders: { readonly pod: PlacedPod; readonly node: NodeInfo; readonly view: AffinityTermView }[];
}

export function requiredAntiAffinityGroups(index: PodIndex): ReadonlyMap<string, AntiAffinityGroup> {
  const nodes = index.nodes;
  for (let j = index.groupsConsumed; j < index.all.length; j++) {
    const { node, pod } = index.all[j]!;
    if (pod.requiredAntiAffinity.length === 0) continue;
    for (const view of requiredAntiAffinityViews(pod)) {
      const key = JSON.stringify([view.matchKey, view.topologyKey]);
      let group = index.groups.get(key);
      if (!group) index.groups.set(key, (group = { view, holders: [] }));
      group.holders.push({ pod, node: nodes[node]!, view });
    }
  }
  index.groupsConsumed = index.all.length;
  return index.groups;
}

const memos = new WeakMap<PodIndex, Map<object, { pods: number; states: Map<string, unknown> }>>();

/**
 * PreFilter state computed once per distinct question while the cluster is unchanged: replicas of
 * one workload ask the same one. `owner` keeps each plugin's entries apart; `key` must capture
 * everything `compute` reads from the pod (and `cluster.excludeOwner`). Binding a pod anywhere
 * starts afresh.
 */
export function memoized<T>(owner: object, index: PodIndex, key: string, compute: () => T): T {
  let byOwner = memos.get(index);
  if (!byOwner) memos.set(index, (byOwner = new Map()));
  const pods = index.all.length;
  let memo = byOwner.get(owner);
  if (!memo || memo.pods !== pods) byOwner.set(owner, (memo = { pods, states: new Map() }));
  if (memo.states.has(key)) return memo.states.get(key) as T;
  const state = compute();
  memo.states.set(key, state);
  return state;
}
