import {
  affinityTermMatches,
  affinityTermView,
  describeAffinityTerm,
  firstCountable,
  matchingPodsPerNode,
  memoized,
  podIndex,
  requiredAntiAffinityGroups,
  requiredPairs,
  type AffinityTermView,
  type PodIndex,
} from "../label-selectors.js";
import type { ClusterState, FilterPlugin, PlacedPod, PodToPlace, Rejection } from "../types.js";

/** The scheduler's reasons (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go). */
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

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

const MEMO_INCOMING = {};
const MEMO_EXISTING = {};

/**
 * getIncomingAffinityAntiAffinityCounts: existing pods against the incoming pod's required terms.
 * For affinity a pod counts only when it matches *every* term; it then marks its node's domain of
 * every term. For anti-affinity each term counts the pods it matches.
 */
function incomingMatches(affinity: readonly AffinityTermView[], antiAffinity: readonly AffinityTermView[], index: PodIndex, cluster: ClusterState): IncomingMatches {
  const nodes = cluster.nodes;
  const affinityDomains = affinity.map(() => new Map<string, PlacedPod>());
  let affinityAnywhere = false;
  if (affinity.length > 0) {
    const key = "interpodaffinity/all:" + JSON.stringify(affinity.map((t) => t.matchKey));
    const pairs = affinity.flatMap((t) => requiredPairs(t.selector));
    const perNode = matchingPodsPerNode(index, key, (p) => affinity.every((t) => affinityTermMatches(t, p, cluster)), pairs);
    for (let i = 0; i < nodes.length; i++) {
      const first = firstCountable(perNode[i], cluster);
      if (!first) continue;
      const labels = nodes[i]!.labels;
      for (let k = 0; k < affinity.length; k++) {
        const value = labels[affinity[k]!.topologyKey];
        if (value === undefined) continue;
        affinityAnywhere = true;
        if (!affinityDomains[k]!.has(value)) affinityDomains[k]!.set(value, first);
      }
    }
  }
  const antiDomains = antiAffinity.map((t) => {
    const domains = new Map<string, PlacedPod>();
    const perNode = matchingPodsPerNode(index, "interpodaffinity/one:" + t.matchKey, (p) => affinityTermMatches(t, p, cluster), requiredPairs(t.selector));
    for (let i = 0; i < nodes.length; i++) {
      const first = firstCountable(perNode[i], cluster);
      if (!first) continue;
      const value = nodes[i]!.labels[t.topologyKey];
      if (value !== undefined && !domains.has(value)) domains.set(value, first);
    }
    return domains;
  });
  return { affinity: affinityDomains, affinityAnywhere, antiAffinity: antiDomains };
}

/**
 * getExistingAntiAffinityCounts: the existing pods with required anti-affinity whose terms match
 * the incoming pod (a term's namespaces default to the existing pod's; its namespaceSelector is
 * matched against the incoming pod's namespace labels), by their node's domain.
 */
function existingConflicts(pod: PodToPlace, index: PodIndex, cluster: ClusterState): ExistingConflicts {
  const out = new Map<string, Map<string, ExistingConflict>>();
  for (const group of requiredAntiAffinityGroups(index).values()) {
    if (!affinityTermMatches(group.view, pod, cluster)) continue;
    const topologyKey = group.view.topologyKey;
    for (const holder of group.holders) {
      if (holder.pod.owner === cluster.excludeOwner) continue;
      const value = holder.node.labels[topologyKey];
      if (value === undefined) continue;
      let domains = out.get(topologyKey);
      if (!domains) out.set(topologyKey, (domains = new Map()));
      if (!domains.has(value)) domains.set(value, { pod: holder.pod, term: holder.view });
    }
  }
  return out;
}

/** A rejection whose detail is written only when read (see pod-topology-spread.ts). */
function reject(message: string, source: Rejection["source"], detail: string | (() => string)): Rejection[] {
  if (typeof detail === "string") return [{ plugin: "InterPodAffinity", message, source, detail }];
  let text: string | undefined;
  return [{ plugin: "InterPodAffinity", message, source, get detail() { return (text ??= detail()); } }];
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
  prepare(pod, cluster) {
    const affinity = (pod.spec.affinity.podAffinity?.required ?? []).map((t) => affinityTermView(t, pod));
    const antiAffinity = (pod.spec.affinity.podAntiAffinity?.required ?? []).map((t) => affinityTermView(t, pod));
    const exclude = cluster.excludeOwner ?? null;
    const index = podIndex(cluster.nodes);
    const existing = memoized(MEMO_EXISTING, index, JSON.stringify([exclude, pod.namespace, pod.labels]), () => existingConflicts(pod, index, cluster));
    if (affinity.length === 0 && antiAffinity.length === 0) return existing.size === 0 ? undefined : { affinity, antiAffinity, incoming: undefined, existing, matchesOwnAffinity: false };
    const termsKey = JSON.stringify([exclude, affinity.map((t) => [t.matchKey, t.topologyKey]), antiAffinity.map((t) => [t.matchKey, t.topologyKey])]);
    const incoming = memoized(MEMO_INCOMING, index, termsKey, () => incomingMatches(affinity, antiAffinity, index, cluster));
    const matchesOwnAffinity = affinity.length > 0 && affinity.every((t) => affinityTermMatches(t, pod, cluster));
    return { affinity, antiAffinity, incoming, existing, matchesOwnAffinity };
  },
  filter(pod, node, _cluster, state) {
    if (!state) return [];
    const labels = node.labels;
    const incoming = state.incoming;
    if (incoming) {
      // satisfyPodAffinity
      const ownAffinity = pod.spec.affinity.podAffinity?.required ?? [];
      let missing: number | undefined;
      for (let k = 0; k < state.affinity.length; k++) {
        const term = state.affinity[k]!;
        const value = labels[term.topologyKey];
        if (value === undefined) {
          return reject(ERR_REASON_AFFINITY_RULES_NOT_MATCH, ownAffinity[k]?.source, () => `the node has no label ${term.topologyKey} (the topologyKey of required pod affinity term ${describeAffinityTerm(term)})`);
        }
        if (missing === undefined && !incoming.affinity[k]!.has(value)) missing = k;
      }
      if (missing !== undefined && (incoming.affinityAnywhere || !state.matchesOwnAffinity)) {
        const term = state.affinity[missing]!;
        const where = `${term.topologyKey}=${labels[term.topologyKey]}`;
        const detail = () => incoming.affinityAnywhere
          ? `no pod matching every required pod affinity term runs in ${where} (term: ${describeAffinityTerm(term)})`
          : `no pod in the cluster matches every required pod affinity term (term: ${describeAffinityTerm(term)}), and the pod does not match them itself, so it cannot be the first of its group`;
        return reject(ERR_REASON_AFFINITY_RULES_NOT_MATCH, ownAffinity[missing]?.source, detail);
      }
      // satisfyPodAntiAffinity
      const ownAnti = pod.spec.affinity.podAntiAffinity?.required ?? [];
      for (let k = 0; k < state.antiAffinity.length; k++) {
        const term = state.antiAffinity[k]!;
        const value = labels[term.topologyKey];
        const other = value === undefined ? undefined : incoming.antiAffinity[k]!.get(value);
        if (other) {
          return reject(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH, ownAnti[k]?.source, () => `pod ${other.namespace}/${other.name} on ${other.nodeName} matches required pod anti-affinity term ${describeAffinityTerm(term)} in ${term.topologyKey}=${value}`);
        }
      }
    }
    // satisfyExistingPodsAntiAffinity
    for (const [topologyKey, domains] of state.existing) {
      const value = labels[topologyKey];
      const conflict = value === undefined ? undefined : domains.get(value);
      if (conflict) {
        const other = conflict.pod;
        return reject(
          ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
          conflict.term.term.source,
          () => `pod ${other.namespace}/${other.name} on ${other.nodeName} has required pod anti-affinity term ${describeAffinityTerm(conflict.term)} that matches this pod, in ${topologyKey}=${value}`,
        );
      }
    }
    return [];
  },
};
