import {
  advance,
  affinityTermMatches,
  affinityTermView,
  describeAffinityTerm,
  indexState,
  podCursor,
  matchingPodIndex,
  requiredAntiAffinityGroups,
  requiredPairs,
  type AffinityTermView,
  type AntiAffinityGroup,
  type Cursor,
  type MatchingPodIndex,
} from "../../framework/label-selectors.js";
import type { Labels } from "../../../../model/kubernetes.js";
import type { ClusterView, FilterPlugin, PlacedPod, PodToPlace, Rejection } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
} from "./common.js";

/** The topology domains (value of the term's topologyKey) holding a matching pod, with the first such pod. */
type Domains = ReadonlyMap<string, PlacedPod>;

/** What the incoming pod's own required terms find in the cluster (affinityCounts, antiAffinityCounts). */
interface IncomingMatches {
  /** per affinity term: the domains of the pods that match every affinity term */
  readonly affinity: readonly Domains[];
  /** upstream `len(affinityCounts) > 0`: some pod matching every affinity term runs on a node with a topology label */
  readonly affinityAnywhere: boolean;
  /** per anti-affinity term: the domains of the pods that match it */
  readonly antiAffinity: readonly Domains[];
}

/** An existing pod whose required anti-affinity term matches the incoming pod. */
interface ExistingConflict {
  readonly pod: PlacedPod;
  readonly term: AffinityTermView;
}

/** existingAntiAffinityCounts: topologyKey → domain → the first existing pod whose term matches. */
type ExistingConflicts = ReadonlyMap<string, ReadonlyMap<string, ExistingConflict>>;

export interface InterPodAffinityState {
  readonly affinity: readonly AffinityTermView[];
  readonly antiAffinity: readonly AffinityTermView[];
  readonly incoming: IncomingMatches | undefined;
  readonly existing: ExistingConflicts;
  /** podMatchesAllAffinityTerms(pod's own terms, pod): the pod may be the first of its group */
  readonly matchesOwnAffinity: boolean;
}

const INCOMING = {};
const EXISTING = {};

/** The first pod (by node position, then the node's pod order) matching a term in each domain, with its node's position. */
type FirstByDomain = Map<string, { readonly pod: PlacedPod; readonly node: number }>;

/** Records `pod` on node `node` in `domains` at `value` unless a pod on an earlier (or the same) node is there; true when recorded. */
function keepFirst(domains: FirstByDomain, value: string, pod: PlacedPod, node: number): boolean {
  const current = domains.get(value);
  if (current !== undefined && current.node <= node) return false;
  domains.set(value, { pod, node });
  return true;
}

function firstPods(domains: FirstByDomain): Domains {
  const out = new Map<string, PlacedPod>();
  for (const [value, first] of domains) out.set(value, first.pod);
  return out;
}

/**
 * getIncomingAffinityAntiAffinityCounts, kept current as pods are bound: existing pods against the
 * incoming pod's required terms. For affinity a pod counts only when it matches *every* term; it
 * then marks its node's domain of every term. For anti-affinity each term counts the pods it
 * matches. The scheduler keeps these counts in its PreFilter state and updates them in place when
 * a pod is added (kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering.go,
 * AddPod → updateWithPod); here each distinct set of terms keeps its own, and its cursors bring in
 * the pods bound since. Each domain keeps the first matching pod by node order, as a count over
 * the nodes in order would find it (the pod a rejection names).
 */
interface IncomingCounter {
  readonly affinityCursor: Cursor | undefined;
  readonly affinityDomains: FirstByDomain[];
  affinityAnywhere: boolean;
  readonly antiCursors: Cursor[];
  readonly antiDomains: FirstByDomain[];
  snapshot: IncomingMatches | undefined;
}

function incomingCounter(
  affinity: readonly AffinityTermView[],
  antiAffinity: readonly AffinityTermView[],
  index: MatchingPodIndex,
): IncomingCounter {
  return {
    affinityCursor:
      affinity.length > 0
        ? podCursor(
            index,
            affinity.flatMap((t) => requiredPairs(t.selector)),
          )
        : undefined,
    affinityDomains: affinity.map((): FirstByDomain => new Map()),
    affinityAnywhere: false,
    antiCursors: antiAffinity.map((t) => podCursor(index, requiredPairs(t.selector))),
    antiDomains: antiAffinity.map((): FirstByDomain => new Map()),
    snapshot: undefined,
  };
}

/** Brings the counter up to date with the pods the index found since; the matches as of now. */
function incomingMatches(
  counter: IncomingCounter,
  affinity: readonly AffinityTermView[],
  antiAffinity: readonly AffinityTermView[],
  index: MatchingPodIndex,
  cluster: ClusterView,
): IncomingMatches {
  const nodes = index.nodes;
  let changed = false;
  if (counter.affinityCursor) {
    advance(counter.affinityCursor, ({ node, pod }) => {
      if (!cluster.counts(pod) || !affinity.every((t) => affinityTermMatches(t, pod, cluster))) return;
      const labels = nodes[node]!.labels;
      for (let k = 0; k < affinity.length; k++) {
        const value = labels[affinity[k]!.topologyKey];
        if (value === undefined) continue;
        if (!counter.affinityAnywhere) changed = counter.affinityAnywhere = true;
        if (keepFirst(counter.affinityDomains[k]!, value, pod, node)) changed = true;
      }
    });
  }
  for (let k = 0; k < antiAffinity.length; k++) {
    const t = antiAffinity[k]!;
    advance(counter.antiCursors[k]!, ({ node, pod }) => {
      if (!cluster.counts(pod) || !affinityTermMatches(t, pod, cluster)) return;
      const value = nodes[node]!.labels[t.topologyKey];
      if (value !== undefined && keepFirst(counter.antiDomains[k]!, value, pod, node)) changed = true;
    });
  }
  if (changed || !counter.snapshot) {
    counter.snapshot = {
      affinity: counter.affinityDomains.map(firstPods),
      affinityAnywhere: counter.affinityAnywhere,
      antiAffinity: counter.antiDomains.map(firstPods),
    };
  }
  return counter.snapshot;
}

/**
 * getExistingAntiAffinityCounts, kept current as pods are bound (the scheduler's
 * existingAntiAffinityCounts, updated by AddPod: interpodaffinity/filtering.go updateWithPod):
 * the existing pods with required anti-affinity whose terms match the incoming pod (a term's
 * namespaces default to the existing pod's; its namespaceSelector is matched against the incoming
 * pod's namespace labels), by their node's domain. Kept per pod namespace and labels (what the
 * matching reads); the groups the index makes, and their holders, only grow, so each look takes
 * only the new ones. Each domain keeps the first conflict in (group, holder) order, and the
 * topology keys are in the order of their first group, as one pass over the groups in order finds
 * them.
 */
interface ExistingCounter {
  /** how many of the index's groups were matched against the pod */
  groupsSeen: number;
  /** the groups whose term matches the pod: their order, and how many of their holders were looked at */
  readonly matching: { readonly group: AntiAffinityGroup; readonly order: number; seen: number }[];
  /** per topology key: the order of its first matching group, and the first conflict in each domain with its group's order */
  readonly byKey: Map<
    string,
    {
      firstGroup: number;
      readonly domains: Map<string, { readonly conflict: ExistingConflict; readonly group: number }>;
    }
  >;
  snapshot: ExistingConflicts | undefined;
}

function existingCounter(): ExistingCounter {
  return { groupsSeen: 0, matching: [], byKey: new Map(), snapshot: undefined };
}

function existingConflicts(
  counter: ExistingCounter,
  pod: PodToPlace,
  index: MatchingPodIndex,
  cluster: ClusterView,
): ExistingConflicts {
  const groups = requiredAntiAffinityGroups(index);
  for (let g = counter.groupsSeen; g < groups.length; g++) {
    const group = groups[g]!;
    if (affinityTermMatches(group.view, pod, cluster)) counter.matching.push({ group, order: g, seen: 0 });
  }
  counter.groupsSeen = groups.length;
  let changed = false;
  for (const m of counter.matching) {
    const holders = m.group.holders;
    if (m.seen === holders.length) continue;
    const topologyKey = m.group.view.topologyKey;
    for (let h = m.seen; h < holders.length; h++) {
      const holder = holders[h]!;
      if (!cluster.counts(holder.pod)) continue;
      const value = holder.node.labels[topologyKey];
      if (value === undefined) continue;
      let entry = counter.byKey.get(topologyKey);
      if (!entry) counter.byKey.set(topologyKey, (entry = { firstGroup: m.order, domains: new Map() }));
      else if (m.order < entry.firstGroup) {
        entry.firstGroup = m.order;
        changed = true;
      }
      const current = entry.domains.get(value);
      // a group's holders come in order: only a group earlier in the order takes a domain over
      if (current === undefined || m.order < current.group) {
        entry.domains.set(value, { conflict: { pod: holder.pod, term: holder.view }, group: m.order });
        changed = true;
      }
    }
    m.seen = holders.length;
  }
  if (changed || !counter.snapshot) {
    const keys = [...counter.byKey].sort((a, b) => a[1].firstGroup - b[1].firstGroup);
    counter.snapshot = new Map(
      keys.map(([key, entry]) => [key, new Map([...entry.domains].map(([value, d]) => [value, d.conflict]))]),
    );
  }
  return counter.snapshot;
}

/** A rejection whose detail is written only when read (see pod-topology-spread.ts). */
function reject(message: string, source: Rejection["source"], detail: string | (() => string)): Rejection[] {
  if (typeof detail === "string") return [{ plugin: "InterPodAffinity", message, source, detail }];
  let text: string | undefined;
  return [
    {
      plugin: "InterPodAffinity",
      message,
      source,
      get detail() {
        return (text ??= detail());
      },
    },
  ];
}

/** The checks of Filter, in the scheduler's order (a failure is `check + 4 × the term's index`). */
const AFFINITY_NO_LABEL = 0;
const AFFINITY_NOT_MATCHED = 1;
const ANTI_AFFINITY_MATCHED = 2;
const EXISTING_ANTI_AFFINITY_MATCHED = 3;

/**
 * The first check a node with these labels fails, as `check + 4 × k` (k: the term's index in
 * state.affinity or state.antiAffinity, or the topology key's in state.existing), -1 when it
 * passes them all: what Filter reports and `passes` needs, without building a rejection.
 * - satisfyPodAffinity: every term's topologyKey label (else AFFINITY_NO_LABEL); then the first
 *   term whose domain holds no pod matching every term (AFFINITY_NOT_MATCHED), unless no such pod
 *   runs anywhere and the pod matches its own terms;
 * - satisfyPodAntiAffinity: a pod matching a term in the node's domain (ANTI_AFFINITY_MATCHED);
 * - satisfyExistingPodsAntiAffinity: an existing pod in the node's domain whose term matches
 *   this pod (EXISTING_ANTI_AFFINITY_MATCHED).
 */
function failingCheck(state: InterPodAffinityState, labels: Labels): number {
  const incoming = state.incoming;
  if (incoming) {
    let missing = -1;
    for (let k = 0; k < state.affinity.length; k++) {
      const value = labels[state.affinity[k]!.topologyKey];
      if (value === undefined) return AFFINITY_NO_LABEL + 4 * k;
      if (missing < 0 && !incoming.affinity[k]!.has(value)) missing = k;
    }
    if (missing >= 0 && (incoming.affinityAnywhere || !state.matchesOwnAffinity))
      return AFFINITY_NOT_MATCHED + 4 * missing;
    for (let k = 0; k < state.antiAffinity.length; k++) {
      const value = labels[state.antiAffinity[k]!.topologyKey];
      if (value !== undefined && incoming.antiAffinity[k]!.has(value)) return ANTI_AFFINITY_MATCHED + 4 * k;
    }
  }
  let k = 0;
  for (const [topologyKey, domains] of state.existing) {
    const value = labels[topologyKey];
    if (value !== undefined && domains.has(value)) return EXISTING_ANTI_AFFINITY_MATCHED + 4 * k;
    k++;
  }
  return -1;
}

/**
 * kube-scheduler plugins/interpodaffinity (filtering.go), PreFilter and Filter:
 * - the pod's required pod affinity: on the node's domain of every term (a node without the
 *   term's topologyKey label fails), some existing pod that matches *all* the terms; unless no pod
 *   anywhere matches them and the pod matches its own terms (the first pod of a group);
 * - the pod's required pod anti-affinity: no existing pod matching a term in the node's domain;
 * - existing pods' required anti-affinity: no pod in the node's domain (by its term's
 *   topologyKey) whose term matches this pod.
 * The scheduler reports the first failing check; so does this. Pods without terms, in a cluster
 * where no existing pod's anti-affinity matches them, are skipped (PreFilter returns Skip).
 */
export const InterPodAffinity: FilterPlugin<InterPodAffinityState | undefined> = {
  name: "InterPodAffinity",
  // PreFilter returns no state for a pod without terms that no existing pod's anti-affinity matches (upstream: Skip)
  skipsWithoutState: true,
  prepare(pod, cluster) {
    const affinity = (pod.spec.affinity.podAffinity?.required ?? []).map((t) => affinityTermView(t, pod));
    const antiAffinity = (pod.spec.affinity.podAntiAffinity?.required ?? []).map((t) => affinityTermView(t, pod));
    const index = matchingPodIndex(cluster);
    const existing = existingConflicts(
      indexState(EXISTING, index, existingKey(pod, cluster), existingCounter),
      pod,
      index,
      cluster,
    );
    if (affinity.length === 0 && antiAffinity.length === 0)
      return existing.size === 0
        ? undefined
        : { affinity, antiAffinity, incoming: undefined, existing, matchesOwnAffinity: false };
    const termsKey = JSON.stringify([
      cluster.viewKey,
      affinity.map((t) => [t.matchKey, t.topologyKey]),
      antiAffinity.map((t) => [t.matchKey, t.topologyKey]),
    ]);
    const counter = indexState(INCOMING, index, termsKey, () => incomingCounter(affinity, antiAffinity, index));
    const incoming = incomingMatches(counter, affinity, antiAffinity, index, cluster);
    const matchesOwnAffinity = affinity.length > 0 && affinity.every((t) => affinityTermMatches(t, pod, cluster));
    return { affinity, antiAffinity, incoming, existing, matchesOwnAffinity };
  },
  filter(pod, node, _cluster, state) {
    const failure = state ? failingCheck(state, node.labels) : -1;
    if (failure < 0) return NO_REJECTION;
    const { affinity, antiAffinity, incoming, existing } = state!;
    const check = failure & 3;
    const k = failure >> 2;
    const labels = node.labels;
    if (check === AFFINITY_NO_LABEL) {
      const term = affinity[k]!;
      return reject(
        ERR_REASON_AFFINITY_RULES_NOT_MATCH,
        pod.spec.affinity.podAffinity?.required[k]?.source,
        () =>
          `the node has no label ${term.topologyKey} (the topologyKey of required pod affinity term ${describeAffinityTerm(term)})`,
      );
    }
    if (check === AFFINITY_NOT_MATCHED) {
      const term = affinity[k]!;
      const where = `${term.topologyKey}=${labels[term.topologyKey]}`;
      const detail = () =>
        incoming!.affinityAnywhere
          ? `no pod matching every required pod affinity term runs in ${where} (term: ${describeAffinityTerm(term)})`
          : `no pod in the cluster matches every required pod affinity term (term: ${describeAffinityTerm(term)}), and the pod does not match them itself, so it cannot be the first of its group`;
      return reject(ERR_REASON_AFFINITY_RULES_NOT_MATCH, pod.spec.affinity.podAffinity?.required[k]?.source, detail);
    }
    if (check === ANTI_AFFINITY_MATCHED) {
      const term = antiAffinity[k]!;
      const value = labels[term.topologyKey]!;
      const other = incoming!.antiAffinity[k]!.get(value)!;
      return reject(
        ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
        pod.spec.affinity.podAntiAffinity?.required[k]?.source,
        () =>
          `pod ${other.namespace}/${other.name} on ${other.nodeName} matches required pod anti-affinity term ${describeAffinityTerm(term)} in ${term.topologyKey}=${value}`,
      );
    }
    const [topologyKey, domains] = [...existing][k]!;
    const value = labels[topologyKey]!;
    const conflict = domains.get(value)!;
    const other = conflict.pod;
    return reject(
      ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
      conflict.term.term.source,
      () =>
        `pod ${other.namespace}/${other.name} on ${other.nodeName} has required pod anti-affinity term ${describeAffinityTerm(conflict.term)} that matches this pod, in ${topologyKey}=${value}`,
    );
  },
  passes(_pod, node, _cluster, state) {
    return !state || failingCheck(state, node.labels) < 0;
  },
};

const LABELS_KEYS = {};

/** What the existing pods' terms are matched against: the namespace and labels of the pod (and the view). */
function existingKey(pod: PodToPlace, cluster: ClusterView): string {
  const labelsKeys = cluster.snapshot.state(LABELS_KEYS, () => new WeakMap<Labels, string>());
  let labels = labelsKeys.get(pod.labels);
  if (labels === undefined) labelsKeys.set(pod.labels, (labels = JSON.stringify(pod.labels)));
  return JSON.stringify([cluster.viewKey, pod.namespace]) + labels;
}
