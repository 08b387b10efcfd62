import type { LabelSelector, Labels, PodAffinityTerm } from "../../../model/kubernetes.js";
import { affinityTermView, type AffinityTermView } from "./label-selectors.js";
import type { BindListener } from "../cluster-snapshot.js";
import type { ClusterView, NodeInfo, PlacedPod } from "../types.js";

/** InterPodAffinityArgs.hardPodAffinityWeight's default (pkg/scheduler/apis/config/v1/defaults.go). */
const HARD_POD_AFFINITY_WEIGHT = 1;

export interface IndexedPod {
  readonly pod: PlacedPod;
  readonly node: NodeInfo;
}

/**
 * One scoring term of pods already placed (a preferred affinity or anti-affinity term, or a
 * required affinity term counted with the hard pod affinity weight), shared by every pod with
 * the same term in the same namespace: what InterPodAffinity's processExistingPod adds for an
 * incoming pod the term selects, per topology value of the nodes those pods run on.
 */
export interface TermGroup {
  readonly term: AffinityTermView;
  /** +weight (affinity) or −weight (anti-affinity) per pod */
  readonly value: number;
  /** topology value (the node's label `term.topologyKey`) → number of pods holding the term there */
  readonly counts: Map<string, number>;
}

function hasLabels(labels: Labels): boolean {
  for (const _ in labels) return true;
  return false;
}

/**
 * A label pair every pod the selector selects must have (a matchLabels entry, or an `In` with a
 * single value), to look candidates up by; undefined when there is none.
 */
function keyPair(selector: LabelSelector): string | undefined {
  for (const key in selector.matchLabels) return `${key}\u0000${selector.matchLabels[key]}`;
  for (const e of selector.matchExpressions)
    if (e.operator === "In" && e.values.length === 1) return `${e.key}\u0000${e.values[0]}`;
  return undefined;
}

/**
 * The pods on a cluster's nodes indexed for the scoring plugins that look at other pods
 * (InterPodAffinity, PodTopologySpread): by namespace and label pair, so that finding the pods a
 * selector selects costs what they number, not what the cluster holds; and the scoring terms of
 * placed pods grouped by term, so that the symmetric part of InterPodAffinity costs the number of
 * distinct terms an incoming pod can match, not the number of pods with affinity.
 */
export class ScoringPodIndex implements BindListener {
  private readonly byNamespace = new Map<string, IndexedPod[]>();
  private readonly byLabel = new Map<string, IndexedPod[]>();
  private readonly groups = new Map<string, TermGroup>();
  private readonly groupsByPair = new Map<string, TermGroup[]>();
  private readonly unkeyedGroups: TermGroup[] = [];

  constructor(readonly cluster: ClusterView) {
    for (const node of cluster.nodes) {
      for (const pod of node.pods) if (cluster.counts(pod)) this.insert(pod, node);
    }
  }

  /** After the snapshot bound `pod` to `node`: records the pod (unless the view leaves it out). */
  bound(_at: number, node: NodeInfo, pod: PlacedPod): void {
    if (this.cluster.counts(pod)) this.insert(pod, node);
  }

  private insert(pod: PlacedPod, node: NodeInfo): void {
    const entry: IndexedPod = { pod, node };
    push(this.byNamespace, pod.namespace, entry);
    for (const key in pod.labels) push(this.byLabel, `${pod.namespace}\u0000${key}\u0000${pod.labels[key]}`, entry);
    if (pod.preferredAffinity.length + pod.preferredAntiAffinity.length + pod.requiredAffinity.length === 0) return;
    // processExistingPod: nothing is counted for a pod on a node without labels
    if (!hasLabels(node.labels)) return;
    for (const w of pod.preferredAffinity) this.count(pod, node, w.term, w.weight, `a${w.weight}`);
    for (const w of pod.preferredAntiAffinity) this.count(pod, node, w.term, -w.weight, `n${w.weight}`);
    for (const t of pod.requiredAffinity) this.count(pod, node, t, HARD_POD_AFFINITY_WEIGHT, "r");
  }

  private count(pod: PlacedPod, node: NodeInfo, raw: PodAffinityTerm, value: number, kind: string): void {
    const tpValue = node.labels[raw.topologyKey];
    if (tpValue === undefined) return;
    const term = affinityTermView(raw, pod);
    const key = `${kind}\u0000${term.topologyKey}\u0000${term.matchKey}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { term, value, counts: new Map() };
      this.groups.set(key, group);
      const pair = term.selector ? keyPair(term.selector) : undefined;
      // a term selecting nothing can never count
      if (term.selector !== null) {
        if (pair === undefined) this.unkeyedGroups.push(group);
        else push(this.groupsByPair, pair, group);
      }
    }
    group.counts.set(tpValue, (group.counts.get(tpValue) ?? 0) + 1);
  }

  /** The term groups that may select a pod with these labels (each group at most once). */
  termGroupsFor(labels: Labels): TermGroup[] {
    const out = [...this.unkeyedGroups];
    for (const key in labels) {
      const groups = this.groupsByPair.get(`${key}\u0000${labels[key]}`);
      if (groups) for (const g of groups) out.push(g);
    }
    return out;
  }

  /**
   * Pods in `namespace` that may match `selector` (a superset: callers check the selector):
   * the smallest list of pods carrying one of the label pairs the selector requires, else every
   * pod of the namespace. A null selector selects nothing.
   */
  candidates(namespace: string, selector: LabelSelector | null): readonly IndexedPod[] {
    if (selector === null) return NONE;
    let best: readonly IndexedPod[] | undefined;
    for (const key in selector.matchLabels) {
      const list = this.byLabel.get(`${namespace}\u0000${key}\u0000${selector.matchLabels[key]}`) ?? NONE;
      if (best === undefined || list.length < best.length) best = list;
    }
    for (const e of selector.matchExpressions) {
      if (e.operator !== "In") continue;
      let list: readonly IndexedPod[];
      if (e.values.length === 1) {
        list = this.byLabel.get(`${namespace}\u0000${e.key}\u0000${e.values[0]}`) ?? NONE;
      } else {
        const union: IndexedPod[] = [];
        for (const v of new Set(e.values))
          union.push(...(this.byLabel.get(`${namespace}\u0000${e.key}\u0000${v}`) ?? NONE));
        list = union;
      }
      if (best === undefined || list.length < best.length) best = list;
    }
    return best ?? this.byNamespace.get(namespace) ?? NONE;
  }

  /** The namespaces that have pods. */
  namespaces(): IterableIterator<string> {
    return this.byNamespace.keys();
  }
}

const NONE: readonly IndexedPod[] = Object.freeze([]);

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const SCORING_POD_INDEX = {};

/** The index of the pods `cluster` sees, built on first use and kept fresh as pods are bound. */
export function scoringPodIndex(cluster: ClusterView): ScoringPodIndex {
  return cluster.index(SCORING_POD_INDEX, () => new ScoringPodIndex(cluster));
}
