import type { TopologySpreadConstraint } from "../../../../model/kubernetes.js";
import {
  describeSelector,
  indexState,
  matchingPodIndex,
  selectorKey,
  type MatchingPodIndex,
} from "../../framework/label-selectors.js";
import type { ClusterView, FilterPlugin, NodeInfo, PodToPlace, Rejection, SpreadCounts } from "../../types.js";
import { daemonNodeOf, requiredNodeAffinityMatches } from "../../controllers/daemonset.js";
import { nodeAffinityKey } from "../nodeaffinity/common.js";
import { FILTERED_EFFECTS, tolerationsKey, untoleratedTaint } from "../tainttoleration/common.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";
import {
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  countNewPods,
  spreadConstraintViews,
  spreadCounter,
  spreadSelectorMatches,
  type SpreadConstraintView,
  type SpreadCounter,
} from "./common.js";

/**
 * Per constraint, as of one PreFilter: matching pods per eligible domain, and the global
 * minimum. Never changed once made (a rejection's detail may read it later).
 */
interface Domains {
  /** the eligible domains (topology values), by id */
  readonly values: readonly string[];
  readonly idOf: ReadonlyMap<string, number>;
  /** matching pods per domain id */
  readonly counts: Int32Array;
  /** the global minimum, 0 when fewer than minDomains domains are eligible */
  readonly minMatch: number;
}

export interface PodTopologySpreadState {
  readonly constraints: readonly SpreadConstraintView[];
  readonly domains: readonly Domains[];
  /** per constraint: 1 when the pod matches its own selector (selfMatchNum), else 0 */
  readonly selfMatch: readonly number[];
}

/**
 * One constraint's matching pods per eligible domain, kept current as pods are bound (the
 * scheduler's preFilterState.TpPairToMatchNum): a `SpreadCounter` whose buckets are the domains —
 * the nodes that pass the node inclusion policies and have every topology key, fixed when it is
 * made — with the histogram that keeps the global minimum current.
 */
interface DomainCounter {
  readonly values: string[];
  readonly idOf: Map<string, number>;
  /** the matching pods per domain id (bucketAt: the domain id of each node, -1 for a node that counts for none) */
  readonly pods: SpreadCounter<Int32Array>;
  /** per count, how many domains have it: the minimum then follows each increment exactly */
  readonly histogram: number[];
  min: number;
  readonly minDomains: number;
}

/** The counters of one distinct PreFilter question, and the last Domains handed out (until a count changes). */
interface PreFilterCounters {
  readonly constraints: readonly DomainCounter[];
  snapshot: readonly Domains[] | undefined;
}

const COUNTERS = {};

/**
 * calPreFilterState, made once per distinct question: over the nodes that have every constraint's
 * topologyKey label, and for each constraint only those that pass its node inclusion policies,
 * the domains, all at 0; `updateCounters` then counts the matching pods.
 */
function preFilterCounters(
  pod: PodToPlace,
  constraints: readonly SpreadConstraintView[],
  cluster: ClusterView,
  index: MatchingPodIndex,
): PreFilterCounters {
  const nodes = cluster.nodes;
  const domains = constraints.map(() => ({
    values: [] as string[],
    idOf: new Map<string, number>(),
    domainAt: new Int32Array(nodes.length).fill(-1),
  }));
  // GetRequiredNodeAffinity: nothing to match when the pod has neither nodeSelector nor required
  // affinity (a daemon pod always has the controller's metadata.name term: controllers/daemonset.ts)
  const daemonNode = daemonNodeOf(pod);
  const unrestricted =
    daemonNode === undefined &&
    Object.keys(pod.spec.nodeSelector).length === 0 &&
    !pod.spec.affinity.nodeAffinity?.required;
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
      if (
        c.nodeAffinityPolicy === "Honor" &&
        !(affinityOk ??= requiredNodeAffinityMatches(pod.spec, daemonNode, node.node))
      )
        continue;
      if (
        c.nodeTaintsPolicy === "Honor" &&
        !(taintsOk ??= untoleratedTaint(node.node.taints, pod.spec.tolerations, FILTERED_EFFECTS) === undefined)
      )
        continue;
      const d = domains[k]!;
      const value = labels[c.topologyKey]!;
      let id = d.idOf.get(value);
      if (id === undefined) {
        id = d.values.length;
        d.values.push(value);
        d.idOf.set(value, id);
      }
      d.domainAt[i] = id;
    }
  }
  const counters = constraints.map((c, k): DomainCounter => {
    const { values, idOf, domainAt } = domains[k]!;
    return {
      values,
      idOf,
      pods: spreadCounter(index, pod.namespace, c.selector, domainAt, new Int32Array(values.length)),
      histogram: [values.length],
      min: 0,
      minDomains: c.minDomains,
    };
  });
  return { constraints: counters, snapshot: undefined };
}

/** Counts the pods the index found since the last update (those the view counts); true when a count changed. */
function updateCounters(counters: PreFilterCounters, cluster: ClusterView): boolean {
  let changed = false;
  for (const c of counters.constraints) {
    const histogram = c.histogram;
    const counted = countNewPods(c.pods, cluster, (_domain, count) => {
      const n = count - 1;
      histogram[n]!--;
      histogram[count] = (histogram[count] ?? 0) + 1;
      // every domain holds at least `min`: the minimum moves up when its last domain does
      if (n === c.min && histogram[n] === 0) c.min = count;
    });
    if (counted) changed = true;
  }
  return changed;
}

/** The counts as of now, shared by the PreFilters that find them unchanged. */
function domainsOf(counter: PreFilterCounters): readonly Domains[] {
  return (counter.snapshot ??= counter.constraints.map((c) => {
    const size = c.values.length;
    // the global minimum over the eligible domains; 0 when fewer than minDomains are eligible
    const minMatch = size < c.minDomains ? 0 : size === 0 ? Infinity : c.min;
    return { values: c.values, idOf: c.idOf, counts: c.pods.counts.slice(), minMatch };
  }));
}

/** What the PreFilter state depends on, for the memo. */
function stateKey(pod: PodToPlace, constraints: readonly SpreadConstraintView[], cluster: ClusterView): string {
  const honorsAffinity = constraints.some((c) => c.nodeAffinityPolicy === "Honor");
  const honorsTaints = constraints.some((c) => c.nodeTaintsPolicy === "Honor");
  return JSON.stringify([
    cluster.viewKey,
    pod.namespace,
    constraints.map((c) => [
      c.topologyKey,
      selectorKey(c.selector),
      c.minDomains,
      c.nodeAffinityPolicy,
      c.nodeTaintsPolicy,
    ]),
    honorsAffinity ? nodeAffinityKey(pod.spec) : null,
    honorsAffinity ? (daemonNodeOf(pod) ?? null) : null,
    honorsTaints ? tolerationsKey(pod.spec) : null,
  ]);
}

const MAX_DOMAINS_SHOWN = 10;

function describeDomains(domains: Domains): string {
  const values = [...domains.values].sort();
  const shown = values.slice(0, MAX_DOMAINS_SHOWN).map((v) => `${v}=${domains.counts[domains.idOf.get(v)!]}`);
  if (values.length > MAX_DOMAINS_SHOWN) shown.push(`… ${values.length - MAX_DOMAINS_SHOWN} more`);
  return shown.length > 0 ? shown.join(", ") : "none";
}

/**
 * A rejection whose detail is written only when read: the simulation rejects thousands of nodes
 * per pod and reads none of the details; a report reads a few.
 */
function reject(message: string, constraint: TopologySpreadConstraint, detail: () => string): Rejection[] {
  let text: string | undefined;
  return [
    {
      plugin: "PodTopologySpread",
      message,
      source: constraint.source,
      get detail() {
        return (text ??= detail());
      },
    },
  ];
}

/** The skew rejection, its detail and its counts written only when read. */
function rejectSkew(
  constraint: TopologySpreadConstraint,
  spread: () => SpreadCounts,
  detail: () => string,
): Rejection[] {
  let text: string | undefined;
  return [
    {
      plugin: "PodTopologySpread",
      message: ERR_REASON_CONSTRAINTS_NOT_MATCH,
      source: constraint.source,
      get detail() {
        return (text ??= detail());
      },
      get spread() {
        return spread();
      },
    },
  ];
}

/**
 * The counts of a skew rejection, and why a domain at the global minimum counts at all when the
 * pod could not land there: with nodeTaintsPolicy Ignore (the default) a node's taints do not
 * take its domain out (filtering.go calPreFilterState, matchNodeInclusionPolicies), so a tainted
 * control-plane node holding 0 pods keeps the minimum at 0.
 */
function spreadCounts(
  pod: PodToPlace,
  cluster: ClusterView,
  c: SpreadConstraintView,
  domains: Domains,
  at: { value: string; matchNum: number; selfMatch: number; minMatch: number; skew: number },
): SpreadCounts {
  const minimum = [...domains.values]
    .sort()
    .filter((v) => domains.counts[domains.idOf.get(v)!] === at.minMatch)
    .slice(0, MAX_DOMAINS_SHOWN);
  const notes: string[] = [];
  if (c.nodeTaintsPolicy === "Ignore") {
    const why =
      c.constraint.nodeTaintsPolicy === undefined
        ? "nodeTaintsPolicy defaults to Ignore"
        : "nodeTaintsPolicy is Ignore";
    for (const v of minimum.slice(0, 3)) {
      for (const node of cluster.nodes) {
        if (node.labels[c.topologyKey] !== v) continue;
        const taint = untoleratedTaint(node.node.taints, pod.spec.tolerations, FILTERED_EFFECTS);
        if (!taint) continue;
        notes.push(
          `${node.name} (${c.topologyKey}=${v}, ${at.minMatch} pod(s)) counts because ${why}: its untolerated taint ${taint.key}${taint.value ? `=${taint.value}` : ""}:${taint.effect} keeps the pod off it, not its domain out of the skew`,
        );
        break;
      }
    }
  }
  return {
    topologyKey: c.topologyKey,
    domain: at.value,
    matching: at.matchNum,
    selfMatch: at.selfMatch,
    globalMinimum: at.minMatch,
    skew: at.skew,
    maxSkew: c.maxSkew,
    minDomains: c.minDomains,
    eligibleDomains: domains.values.length,
    minimumDomains: minimum,
    nodeAffinityPolicy: c.nodeAffinityPolicy,
    nodeTaintsPolicy: c.nodeTaintsPolicy,
    notes,
  };
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
  // PreFilter returns no state for a pod without DoNotSchedule constraints (upstream: Skip)
  skipsWithoutState: true,
  prepare(pod, cluster) {
    const constraints = spreadConstraintViews(pod, "DoNotSchedule");
    if (constraints.length === 0) return undefined;
    const index = matchingPodIndex(cluster);
    const counter = indexState(COUNTERS, index, stateKey(pod, constraints, cluster), () =>
      preFilterCounters(pod, constraints, cluster, index),
    );
    if (updateCounters(counter, cluster)) counter.snapshot = undefined;
    return {
      constraints,
      domains: domainsOf(counter),
      selfMatch: constraints.map((c) => (spreadSelectorMatches(c, pod.labels) ? 1 : 0)),
    };
  },
  filter(pod, node, cluster, state) {
    const k = state ? failingConstraint(state, node) : -1;
    if (k < 0) return NO_REJECTION;
    const c = state!.constraints[k]!;
    const value = node.labels[c.topologyKey];
    if (value === undefined)
      return reject(
        ERR_REASON_NODE_LABEL_NOT_MATCH,
        c.constraint,
        () => `the node has no label ${c.topologyKey} (the constraint's topologyKey)`,
      );
    const domains = state!.domains[k]!;
    const id = domains.idOf.get(value);
    const matchNum = id === undefined ? 0 : domains.counts[id]!;
    const selfMatch = state!.selfMatch[k]!;
    const minMatch = domains.minMatch;
    const skew = matchNum + selfMatch - minMatch;
    const size = domains.values.length;
    const fewDomains =
      size < c.minDomains
        ? `; only ${size} eligible domain(s), fewer than minDomains ${c.minDomains}, so the global minimum is 0`
        : "";
    let counts: SpreadCounts | undefined;
    const spread = () =>
      (counts ??= spreadCounts(pod, cluster, c, domains, { value, matchNum, selfMatch, minMatch, skew }));
    return rejectSkew(c.constraint, spread, () => {
      const notes = spread().notes;
      return `${c.topologyKey}=${value} has ${matchNum} pod(s) matching ${describeSelector(c.selector)}, + ${selfMatch} (this pod) − global minimum ${minMatch} = skew ${skew} > maxSkew ${c.maxSkew}${fewDomains}; ${c.topologyKey} domains: ${describeDomains(domains)}${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`;
    });
  },
  passes(_pod, node, _cluster, state) {
    return !state || failingConstraint(state, node) < 0;
  },
};

/**
 * The first constraint the node fails (-1: none): it lacks the constraint's topologyKey, or the
 * matching pods in its domain, plus one if the pod matches its own selector, minus the global
 * minimum exceed maxSkew.
 */
function failingConstraint(state: PodTopologySpreadState, node: NodeInfo): number {
  for (let k = 0; k < state.constraints.length; k++) {
    const c = state.constraints[k]!;
    const value = node.labels[c.topologyKey];
    if (value === undefined) return k;
    const domains = state.domains[k]!;
    const id = domains.idOf.get(value);
    const matchNum = id === undefined ? 0 : domains.counts[id]!;
    if (matchNum + state.selfMatch[k]! - domains.minMatch > c.maxSkew) return k;
  }
  return -1;
}
