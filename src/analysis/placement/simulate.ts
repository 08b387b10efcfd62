import { placedPod, type ClusterSnapshot } from "./cluster-snapshot.js";
import { evaluateNode, fitErrorMessage, prepareFilters } from "./feasibility.js";
import { preemptionMessage, withPostFilter } from "./preemption.js";
import { preFilterFitError } from "./plugins/nodeaffinity/prefilter.js";
import { portsConflict } from "./plugins/nodeports/filter.js";
import { hasBatchScore } from "./framework/batch.js";
import { nodeTable } from "./framework/node-table.js";
import { SKIP } from "./framework/skip.js";
import type {
  ClusterView,
  FilterPlugin,
  HostPort,
  NodeInfo,
  PlacedPod,
  PodToPlace,
  Rejection,
  ScorePlugin,
  ScorePluginName,
} from "./types.js";
import type { Labels, PodSpec } from "../../model/kubernetes.js";

export interface Prediction {
  /** the node the scheduler would pick; with a tie, the first of the tied nodes by name */
  readonly node: string | undefined;
  /** every node sharing the best score, when more than one does (the scheduler picks at random) */
  readonly tied: readonly string[];
  /** the scheduler's "0/N nodes are available: …" when no node fits */
  readonly unschedulable: string | undefined;
  /**
   * the total score of the chosen node; undefined when no node fits, and when only one does (the
   * scheduler does not score then: schedule_one.go schedulePod)
   */
  readonly score: number | undefined;
  /** why this node (SimulateOptions.explain): the score breakdown against the runner-up; undefined when not asked or no node fits */
  readonly whyHere?: WhyHere;
  /** an unschedulable pod (SimulateOptions.explain): PodTopologySpread's rejections, per node, with their counts */
  readonly spreadRejections?: readonly { readonly node: string; readonly reason: Rejection }[];
}

/** One score plugin's part in a choice: its weight and NormalizeScore's result (0–100) on the two nodes. */
interface ScoreBreakdown {
  readonly plugin: ScorePluginName;
  readonly weight: number;
  /** the normalised score of the chosen node (0 when the plugin's PreScore skipped the pod) */
  readonly chosen: number;
  /** the normalised score of the runner-up; null when there is none */
  readonly runnerUp: number | null;
  /** PreScore returned Skip: the plugin did not score this pod (it adds 0 everywhere) */
  readonly skipped: boolean;
  /** what the plugin counted on the chosen node and the runner-up (ScorePlugin.explain: PodTopologySpread's domain counts), when it says */
  readonly chosenDetail?: string;
  readonly runnerUpDetail?: string;
}

/**
 * Why the scheduler picks the chosen node (schedule_one.go prioritizeNodes, then selectHost): the
 * weighted sum of the score plugins on the feasible nodes it scored, the chosen node against the
 * runner-up (the best of the others; with a tie, another of the tied nodes).
 */
export interface WhyHere {
  /** how many feasible nodes were scored (numFeasibleNodesToFind stops the search early on large clusters) */
  readonly scored: number;
  /** the total (Σ weight × normalised score) of the chosen node; null when it was the only feasible node (not scored) */
  readonly total: number | null;
  readonly runnerUp: string | null;
  readonly runnerUpTotal: number | null;
  /** per score plugin, in the profile's order; empty when the node was the only feasible one */
  readonly plugins: readonly ScoreBreakdown[];
}

export interface SimulateOptions {
  /**
   * KubeSchedulerConfiguration percentageOfNodesToScore: 0 (the default) is the scheduler's
   * adaptive share (50 % − 1 % per 125 nodes, at least 5 %, at least 100 nodes); 100 examines
   * every node.
   */
  readonly percentageOfNodesToScore?: number;
  /**
   * Whether a node holds a pod of lower priority than `pod` (DefaultPreemption's potential
   * victims): given, the unschedulable message gets preemption's PostFilter tail (preemption.ts).
   */
  readonly hasLowerPriorityPod?: (pod: PodToPlace, node: NodeInfo) => boolean;
  /**
   * Keep each prediction's `whyHere`: the score breakdown of the chosen and runner-up nodes (read
   * from a table filled while scoring, allocated once per simulation; only `place` asks).
   */
  readonly explain?: boolean;
}

/** schedule_one.go minFeasibleNodesToFind and minFeasibleNodesPercentageToFind */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * schedule_one.go numFeasibleNodesToFind: how many feasible nodes the scheduler looks for before
 * it stops filtering and scores those. All of them below 100 nodes; else percentageOfNodesToScore
 * of them, adaptive when 0 (50 − nodes/125 %, at least 5 %), and at least 100. Integer arithmetic.
 * 5,000 nodes → 500; 100 nodes → 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return numNodes < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : Math.min(numNodes, numAllNodes);
}

/**
 * component-helpers/node/topology GetZoneKey: region and zone (the GA labels, else the
 * failure-domain.beta ones), "" when the node has neither.
 */
function zoneKey(labels: Labels): string {
  const zone = labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  const region = labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  return region === "" && zone === "" ? "" : `${region}:\u0000:${zone}`;
}

/**
 * The order the scheduler walks the nodes in (its snapshot's node list, built by
 * pkg/scheduler/backend/cache/node_tree.go list): one node of each zone in turn, zones in the
 * order they first appear, nodes within a zone in the order they were added — by name, as a
 * scheduler starting up receives them from its informer's initial list.
 */
export function schedulingNodeOrder(nodes: readonly NodeInfo[]): NodeInfo[] {
  const byName = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zones = new Map<string, NodeInfo[]>();
  for (const node of byName) {
    const key = zoneKey(node.labels);
    const list = zones.get(key);
    if (list) list.push(node);
    else zones.set(key, [node]);
  }
  const lists = [...zones.values()];
  const out: NodeInfo[] = [];
  for (let i = 0; out.length < byName.length; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}

/**
 * Scores the feasible nodes for a pod as the scheduler's RunScorePlugins does: each plugin's
 * PreScore (a plugin returning SKIP is left out), raw scores, NormalizeScore, times its weight,
 * summed per node. The scores a plugin normalizes are in the order of `feasible`.
 */
export function scoreNodes(
  pod: PodToPlace,
  feasible: readonly NodeInfo[],
  cluster: ClusterView,
  plugins: readonly ScorePlugin<unknown>[],
  capture?: ScoreCapture,
): number[] {
  const totals = new Array<number>(feasible.length).fill(0);
  const scores = new Array<number>(feasible.length).fill(0);
  for (let p = 0; p < plugins.length; p++) {
    const plugin = plugins[p]!;
    const state = plugin.prepare?.(pod, feasible, cluster);
    if (capture) {
      capture.skipped[p] = state === SKIP ? 1 : 0;
      capture.states[p] = state;
    }
    if (state === SKIP) continue;
    if (hasBatchScore(plugin)) plugin.scoreAll(pod, feasible, cluster, state, scores);
    else for (let i = 0; i < feasible.length; i++) scores[i] = plugin.score(pod, feasible[i]!, cluster, state);
    plugin.normalize?.(scores, pod, state);
    const weight = plugin.weight;
    if (capture) {
      // one pass: the weighted sum, and the normalised score kept for why-here
      const kept = capture.scores;
      const base = p * capture.stride;
      for (let i = 0; i < scores.length; i++) {
        const score = scores[i]!;
        totals[i]! += score * weight;
        kept[base + i] = score;
      }
    } else for (let i = 0; i < scores.length; i++) totals[i]! += scores[i]! * weight;
  }
  return totals;
}

/**
 * Where scoreNodes leaves each plugin's normalised scores when asked (the simulation's why-here):
 * plugin p's score of feasible node i at `p × stride + i`; `skipped[p]` set when its PreScore
 * skipped. Allocated once per simulation (plugins × nodes), never per pod.
 */
export interface ScoreCapture {
  readonly stride: number;
  readonly scores: Float64Array;
  readonly skipped: Uint8Array;
  /** each plugin's PreScore state for the pod last scored (for ScorePlugin.explain) */
  readonly states: unknown[];
}

/** The chosen node (feasible index `c`) against the runner-up (index `r`, or -1) from a capture. */
function whyHereOf(
  pod: PodToPlace,
  feasible: readonly NodeInfo[],
  cluster: ClusterView,
  plugins: readonly ScorePlugin<unknown>[],
  capture: ScoreCapture,
  totals: readonly number[],
  c: number,
  r: number,
): WhyHere {
  const breakdown: ScoreBreakdown[] = plugins.map((plugin, p) => {
    const skipped = capture.skipped[p] === 1;
    const at = p * capture.stride;
    const chosen = skipped ? 0 : capture.scores[at + c]!;
    const runnerUp = r < 0 ? null : skipped ? 0 : capture.scores[at + r]!;
    const view = { plugin: plugin.name, weight: plugin.weight, chosen, runnerUp, skipped };
    // the counts behind a score that differs between the two nodes, from the plugin's own state
    if (skipped || !plugin.explain || runnerUp === null || runnerUp === chosen) return view;
    const state = capture.states[p];
    const chosenDetail = plugin.explain(pod, feasible[c]!, cluster, state);
    const runnerUpDetail = plugin.explain(pod, feasible[r]!, cluster, state);
    return chosenDetail === undefined || runnerUpDetail === undefined
      ? view
      : { ...view, chosenDetail, runnerUpDetail };
  });
  const runnerUp = r < 0 ? null : feasible[r]!.name;
  return {
    scored: totals.length,
    total: totals[c]!,
    runnerUp,
    runnerUpTotal: r < 0 ? null : totals[r]!,
    plugins: breakdown,
  };
}

/** Scheduling order: higher priority first (PrioritySort), then as listed. */
export function schedulingOrder(pods: readonly PodToPlace[], priorityOf: (pod: PodToPlace) => number): PodToPlace[] {
  return pods
    .map((pod, index) => ({ pod, index, priority: priorityOf(pod) }))
    .sort((a, b) => b.priority - a.priority || a.index - b.index)
    .map((x) => x.pod);
}

/**
 * Static filters (FilterPlugin.staticKey: the verdict depends only on the pod's spec and the
 * node's own fields, never on the pods placed) are judged once per node and distinct key.
 */
const isStatic = (f: FilterPlugin<unknown>) => f.staticKey !== undefined && f.prepare === undefined;

/** How the walk runs a filter that is not static. */
const GENERIC = 0;
/** FilterPlugin.fastPath "fit": NodeResourcesFit's test done in place (fit.go fitsRequest), without building its messages */
const FIT = 1;
/** FilterPlugin.fastPath "ports": NodePorts' test done in place (a host port the pod wants, its PreFilter state, that a pod on the node takes) */
const PORTS = 2;

/**
 * What the static filters read from a pod (their staticKeys): pods of different workloads with
 * the same signature share their verdicts.
 */
function staticSignature(spec: PodSpec, staticFilters: readonly FilterPlugin<unknown>[]): string {
  return JSON.stringify(staticFilters.map((f) => f.staticKey!(spec)));
}

/** What the simulation keeps per pod spec (the pods of a workload share theirs). */
interface SpecInfo {
  /** per node position in the walk order: 0 not yet known, 1 the static filters pass, 2 they reject (shared by specs of one staticSignature) */
  readonly staticVerdicts: Uint8Array;
  /** the requested resources NodeResourcesFit checks (amount > 0, not `pods`), as NodeRoom columns */
  readonly columns: readonly Float64Array[];
  readonly amounts: readonly number[];
}

const PASS = 1;
const REJECT = 2;

/**
 * What NodeResourcesFit compares, per node position, in flat arrays: per resource
 * `allocatable − requested` exactly as fit.go (and the plugin) computes it, and whether the node
 * has room for one more pod. Kept current by `refresh` after each bind (the snapshot tells it).
 */
class NodeRoom {
  readonly full: Uint8Array;
  private readonly columns = new Map<string, Float64Array>();
  /** the host ports the pods on each node take, gathered the first time a pod with host ports looks */
  private readonly ports: (HostPort[] | undefined)[];

  constructor(private readonly nodes: readonly NodeInfo[]) {
    this.full = new Uint8Array(nodes.length);
    this.ports = new Array<HostPort[] | undefined>(nodes.length).fill(undefined);
    for (let i = 0; i < nodes.length; i++) this.refreshPods(i);
  }

  /** NodePorts' verdict: no wanted host port conflicts with one a pod on the node takes. */
  portsFree(position: number, wanted: readonly HostPort[]): boolean {
    let used = this.ports[position];
    if (!used) this.ports[position] = used = this.nodes[position]!.pods.flatMap((p) => p.hostPorts);
    for (const u of used) for (const w of wanted) if (portsConflict(w, u)) return false;
    return true;
  }

  /** `allocatable − requested` of `resource` on every node. */
  column(resource: string): Float64Array {
    let column = this.columns.get(resource);
    if (!column) {
      column = new Float64Array(this.nodes.length);
      for (let i = 0; i < this.nodes.length; i++)
        column[i] = (this.nodes[i]!.allocatable[resource] ?? 0) - (this.nodes[i]!.requested[resource] ?? 0);
      this.columns.set(resource, column);
    }
    return column;
  }

  refresh(position: number, bound: PlacedPod): void {
    const node = this.nodes[position]!;
    this.ports[position]?.push(...bound.hostPorts);
    for (const [resource, column] of this.columns)
      column[position] = (node.allocatable[resource] ?? 0) - (node.requested[resource] ?? 0);
    this.refreshPods(position);
  }

  private refreshPods(position: number): void {
    const node = this.nodes[position]!;
    this.full[position] = (node.requested["pods"] ?? 0) + 1 > (node.allocatable["pods"] ?? 0) ? 1 : 0;
  }
}

/**
 * Places the pods one at a time as kube-scheduler would, and changes `cluster` in place:
 * - PreFilter, then Filter over the nodes in the scheduler's walk order, starting where the
 *   previous pod stopped (nextStartNodeIndex) and stopping once numFeasibleNodesToFind nodes fit
 *   (schedule_one.go findNodesThatPassFilters); a node is rejected at its first rejecting filter,
 *   as the scheduler does;
 * - a pod no node fits gets the scheduler's "0/N nodes are available: …", from every filter's
 *   rejections of every node (evaluateNode);
 * - a single feasible node is taken without scoring; otherwise the feasible nodes are scored
 *   (scoreNodes), the best taken (ties reported, the first by name chosen), and the pod is bound:
 *   the node's usage updated before the next pod.
 * Results are those of the filters and scores given. The speed comes from computing the static
 * filters (FilterPlugin.staticKey: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity)
 * once per node and distinct key, checking NodeResourcesFit and NodePorts in place, asking the
 * other filters for their verdict alone (FilterPlugin.passes), not calling a filter whose
 * PreFilter found nothing to do for the pod (skipsWithoutState: InterPodAffinity,
 * PodTopologySpread, NodePorts), and the score plugins' batch form. Each pod is bound through the
 * snapshot (`ClusterSnapshot.bind`), which keeps its indexes fresh (the filters' PreFilter states
 * follow them, and the scores').
 */
export function simulate(
  pods: readonly PodToPlace[],
  cluster: ClusterSnapshot,
  filters: readonly FilterPlugin<unknown>[],
  scores: readonly ScorePlugin<unknown>[],
  options: SimulateOptions = {},
): Map<PodToPlace, Prediction> {
  const out = new Map<PodToPlace, Prediction>();
  const order = schedulingNodeOrder(cluster.nodes);
  const nodeCount = order.length;
  const positionOf = new Map(order.map((node, i) => [node, i]));
  // ties are reported by name: each node's rank in name order, by its position in cluster.nodes
  const byRank = [...cluster.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rankOf = new Int32Array(nodeCount);

  const staticFilters = filters.filter(isStatic);
  const dynamic = filters.map((plugin, index) => ({ plugin, index })).filter((f) => !isStatic(f.plugin));
  const dynamicPlugins = dynamic.map((f) => f.plugin);
  const dynamicStates = dynamic.map((f) => f.index);
  const dynamicKinds = dynamicPlugins.map((p) =>
    p.fastPath === "fit" ? FIT : p.fastPath === "ports" ? PORTS : GENERIC,
  );
  const skippable = dynamicPlugins.map((p) => p.skipsWithoutState === true);
  /** each generic filter's verdict without its reasons (FilterPlugin.passes, else filter) */
  const passes = dynamicPlugins.map((p): ((pod: PodToPlace, node: NodeInfo, state: unknown) => boolean) =>
    p.passes
      ? (pod, node, state) => p.passes!(pod, node, cluster, state)
      : (pod, node, state) => p.filter(pod, node, cluster, state).length === 0,
  );
  /** the filters to run for the current pod, as indices into dynamicPlugins */
  const active: number[] = [];

  const specInfos = new Map<PodSpec, SpecInfo>();
  const verdictsBySignature = new Map<string, Uint8Array>();
  const room = new NodeRoom(order);
  const tiedRanks = new Int32Array(nodeCount);
  const percentage = options.percentageOfNodesToScore ?? 0;
  const table = nodeTable(cluster);
  const clusterIndexAt = Int32Array.from(order, (node) => table.index.get(node)!);
  byRank.forEach((node, rank) => (rankOf[table.index.get(node)!] = rank));
  let nextStartNodeIndex = 0;
  const capture: ScoreCapture | undefined = options.explain
    ? {
        stride: nodeCount,
        scores: new Float64Array(scores.length * nodeCount),
        skipped: new Uint8Array(scores.length),
        states: new Array<unknown>(scores.length),
      }
    : undefined;
  // NodeRoom is the simulation's own table, by walk position: the snapshot tells it of each bind too
  const stopListening = cluster.listen({ bound: (_at, node, pod) => room.refresh(positionOf.get(node)!, pod) });
  for (const pod of pods) {
    let info = specInfos.get(pod.spec);
    if (!info) {
      const resources = Object.keys(pod.requests).filter((r) => pod.requests[r]! > 0 && r !== "pods");
      const signature = staticSignature(pod.spec, staticFilters);
      let staticVerdicts = verdictsBySignature.get(signature);
      if (!staticVerdicts) verdictsBySignature.set(signature, (staticVerdicts = new Uint8Array(nodeCount)));
      info = {
        staticVerdicts,
        columns: resources.map((r) => room.column(r)),
        amounts: resources.map((r) => pod.requests[r]!),
      };
      specInfos.set(pod.spec, info);
    }
    const states = prepareFilters(pod, cluster, filters);
    active.length = 0;
    for (let f = 0; f < dynamicPlugins.length; f++) {
      if (skippable[f] && states[dynamicStates[f]!] === undefined) continue;
      active.push(f);
    }

    // a DaemonSet's pod goes through its own node only (the controller pins it there)
    let first = nextStartNodeIndex;
    let count = nodeCount;
    let numToFind = numFeasibleNodesToFind(nodeCount, percentage);
    let candidates: readonly NodeInfo[] = order;
    if (pod.daemonNode !== undefined) {
      const node = cluster.nodeByName.get(pod.daemonNode);
      candidates = node ? [node] : [];
      first = node ? positionOf.get(node)! : 0;
      count = candidates.length;
      numToFind = count;
    }
    const feasible: NodeInfo[] = [];
    /** the feasible nodes' positions in cluster.nodes */
    const feasibleAt: number[] = [];
    let processed = 0;
    const staticVerdicts = info.staticVerdicts;
    const columns = info.columns;
    const amounts = info.amounts;
    const full = room.full;
    /** the common case: NodeResourcesFit is the only filter to run besides the static ones */
    const fitOnly = active.length === 1 && dynamicKinds[active[0]!] === FIT;
    let found = 0;
    let position = first - 1;
    for (let i = 0; i < count && found < numToFind; i++) {
      if (++position === nodeCount) position = 0;
      processed++;
      let verdict = staticVerdicts[position]!;
      if (verdict === 0) {
        const node = order[position]!;
        verdict = PASS;
        for (const f of staticFilters) {
          if (f.filter(pod, node, cluster, undefined).length > 0) {
            verdict = REJECT;
            break;
          }
        }
        staticVerdicts[position] = verdict;
      }
      if (verdict === REJECT) continue;
      let fits = true;
      if (fitOnly) {
        // fit.go fitsRequest: room for one more pod, then each requested resource
        if (full[position]) continue;
        for (let r = 0; r < columns.length; r++) {
          if (amounts[r]! > columns[r]![position]!) {
            fits = false;
            break;
          }
        }
      } else {
        for (let a = 0; a < active.length && fits; a++) {
          const f = active[a]!;
          const kind = dynamicKinds[f];
          if (kind === FIT) {
            if (full[position]) fits = false;
            for (let r = 0; r < columns.length && fits; r++) if (amounts[r]! > columns[r]![position]!) fits = false;
          } else if (kind === PORTS) {
            fits = room.portsFree(position, states[dynamicStates[f]!] as readonly HostPort[]);
          } else if (!passes[f]!(pod, order[position]!, states[dynamicStates[f]!])) {
            fits = false;
          }
        }
      }
      if (fits) {
        feasible.push(order[position]!);
        feasibleAt.push(clusterIndexAt[position]!);
        found++;
      }
    }
    if (nodeCount > 0) nextStartNodeIndex = (nextStartNodeIndex + processed) % nodeCount;

    if (feasible.length === 0) {
      const verdicts = candidates.map((node) => evaluateNode(pod, node, cluster, filters, states));
      // a DaemonSet's pod is pinned to its node (NodeAffinity PreFilter): the other nodes are counted as such
      const pinnedAway =
        pod.daemonNode !== undefined
          ? { count: cluster.nodes.length - candidates.length, plugin: "NodeAffinity" }
          : undefined;
      const lower = options.hasLowerPriorityPod;
      const postFilter = lower
        ? preemptionMessage(
            pod,
            verdicts,
            cluster.nodes.length,
            pinnedAway?.count ?? 0,
            cluster.nodeByName,
            cluster.behaviour.modelled,
            (node) => lower(pod, node),
          )
        : undefined;
      // NodeAffinity's PreFilter conflict (plugins/nodeaffinity/prefilter.ts) rejects before any Filter
      const unschedulable =
        preFilterFitError(pod.spec, cluster.nodes.length, cluster.behaviour.modelled) ??
        withPostFilter(
          fitErrorMessage(verdicts, cluster.nodes.length, pinnedAway),
          postFilter,
          cluster.behaviour.modelled,
        );
      if (capture) {
        const spreadRejections: { node: string; reason: Rejection }[] = [];
        for (const v of verdicts)
          for (const r of v.reasons) if ("spread" in r) spreadRejections.push({ node: v.node, reason: r });
        if (spreadRejections.length > 0) {
          out.set(pod, { node: undefined, tied: [], unschedulable, score: undefined, spreadRejections });
          continue;
        }
      }
      out.set(pod, { node: undefined, tied: [], unschedulable, score: undefined });
      continue;
    }
    let chosen = feasible[0]!;
    let tied: string[] = [];
    let best: number | undefined;
    let whyHere: WhyHere | undefined;
    if (feasible.length > 1) {
      cluster.positions(feasible, feasibleAt);
      const totals = scoreNodes(pod, feasible, cluster, scores, capture);
      let top = -Infinity;
      for (const t of totals) if (t > top) top = t;
      let n = 0;
      for (let i = 0; i < totals.length; i++) if (totals[i] === top) tiedRanks[n++] = rankOf[feasibleAt[i]!]!;
      const ranks = tiedRanks.subarray(0, n).sort();
      chosen = byRank[ranks[0]!]!;
      if (n > 1) {
        tied = new Array<string>(n);
        for (let i = 0; i < n; i++) tied[i] = byRank[ranks[i]!]!.name;
      }
      best = top;
      if (capture) {
        // the runner-up: another tied node (the next by name), else the best of the rest (the first by name on equal totals)
        const chosenRank = ranks[0]!;
        const wantRank = n > 1 ? ranks[1]! : -1;
        let c = -1;
        let r = -1;
        for (let i = 0; i < totals.length; i++) {
          const rank = rankOf[feasibleAt[i]!]!;
          if (rank === chosenRank) c = i;
          else if (wantRank >= 0) {
            if (rank === wantRank) r = i;
          } else if (r < 0 || totals[i]! > totals[r]! || (totals[i] === totals[r] && rank < rankOf[feasibleAt[r]!]!))
            r = i;
        }
        whyHere = whyHereOf(pod, feasible, cluster, scores, capture, totals, c, r);
      }
    } else if (capture) {
      // a single feasible node is taken without scoring (schedule_one.go schedulePod)
      whyHere = { scored: 0, total: null, runnerUp: null, runnerUpTotal: null, plugins: [] };
    }
    cluster.bind(chosen, placedPod(pod.owner, pod.name, pod.namespace, pod.labels, pod.spec, chosen.name));
    out.set(
      pod,
      whyHere
        ? { node: chosen.name, tied, unschedulable: undefined, score: best, whyHere }
        : { node: chosen.name, tied, unschedulable: undefined, score: best },
    );
  }
  stopListening();
  return out;
}
