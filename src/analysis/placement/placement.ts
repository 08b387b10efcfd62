import type { Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { formatSource } from "../../model/source.js";
import { staticPodNode } from "../../model/static-pod.js";
import { ClusterSnapshot } from "./cluster-snapshot.js";
import { evaluatePod, type NodeVerdict } from "./feasibility.js";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "./plugins/index.js";
import { daemonPodSpec, daemonSetTargets, observedPodsByOwner, podsOfWorkload, type DaemonSetTargets } from "./pods-to-place.js";
import { schedulingOrder, simulate, type Prediction } from "./simulate.js";
import type { FilterPlugin, PodToPlace, Rejection, ScorePlugin } from "./types.js";
import { workloadKey } from "./workload-key.js";
import type { WhatIfReport } from "./what-if/index.js";

/** A rejection as reports show it: the scheduler's words, podpath's detail, and file:line. */
export interface ReasonView {
  readonly plugin: string;
  readonly message: string;
  readonly detail: string | null;
  readonly source: string | null;
}

export interface NodeView {
  readonly node: string;
  readonly feasible: boolean;
  readonly reasons: readonly ReasonView[];
}

export interface PodView {
  readonly name: string;
  readonly observedNode: string | null;
  readonly predictedNode: string | null;
  /** nodes tied for the best score (the scheduler picks one at random); empty when none tie */
  readonly tiedNodes: readonly string[];
  /** "0/N nodes are available: …" when no node fits */
  readonly unschedulable: string | null;
}

/** A pod running where the model says it cannot: a finding, with its likely cause. */
export interface PlacementFinding {
  readonly code: "RUNS_ON_REJECTED_NODE";
  readonly pod: string;
  readonly node: string;
  readonly message: string;
  readonly reasons: readonly ReasonView[];
}

/** A node the DaemonSet controller makes no pod for (NodeShouldRunDaemonPod), and why. */
export interface NotTargetedView {
  readonly node: string;
  /** nodeName, nodeAffinity (nodeSelector or required node affinity) or taint */
  readonly rule: string;
  readonly reason: string;
  readonly source: string | null;
  /** the daemon pod the snapshot shows on the node anyway, if any */
  readonly runningPod: string | null;
  /** whether the controller lets that pod keep running (shouldContinueRunning) */
  readonly continueRunning: boolean;
}

export interface WorkloadPlacement {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number | null;
  readonly source: string;
  readonly generatedFrom: string | null;
  readonly feasibleNodes: readonly string[];
  /**
   * DaemonSets: the nodes the controller makes a pod for (NodeShouldRunDaemonPod), as many as
   * the pods it creates (desiredNumberScheduled); null for other kinds.
   */
  readonly targetedNodes: readonly string[] | null;
  /** DaemonSets: the nodes it does not target, with the rule and object that exclude each. */
  readonly notTargeted: readonly NotTargetedView[];
  /**
   * Set when the snapshot lacks the workload and podpath knows it only through its pods: how
   * many, which pod's spec stands for the template, how the owner was inferred, what is unknown.
   */
  readonly knownFromPods: { readonly pods: number; readonly templateFrom: string; readonly inferredVia: string | null; readonly unknown: readonly string[] } | null;
  readonly nodes: readonly NodeView[];
  readonly pods: readonly PodView[];
  readonly findings: readonly PlacementFinding[];
}

/** A static pod (kubelet mirror pod): placed by its node's kubelet, not the scheduler. */
export interface StaticPodView {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly message: string;
  /** the mirror pod's file:line */
  readonly source: string;
}

export interface PlacementReport {
  readonly nodeCount: number;
  readonly workloads: readonly WorkloadPlacement[];
  /** pods no workload stands for because the kubelet runs them (static pods), each with its node */
  readonly staticPods: readonly StaticPodView[];
  /** `place --fresh`, `--drain`, `--add-node`: set only when one is asked (what-if/index.ts) */
  readonly whatIf?: WhatIfReport;
}

export interface PlacementOptions {
  /** only this workload (`namespace/name`) */
  readonly workload?: string;
  readonly filters?: readonly FilterPlugin<unknown>[];
  readonly scores?: readonly ScorePlugin<unknown>[];
}

export function reasonView(r: Rejection): ReasonView {
  return { plugin: r.plugin, message: r.message, detail: r.detail ?? null, source: r.source ? formatSource(r.source) : null };
}

function nodeView(v: NodeVerdict): NodeView {
  return { node: v.node, feasible: v.feasible, reasons: v.reasons.map(reasonView) };
}

/** Why a pod can run where the model rejects it, from the kind of rejection. */
function likelyCause(reasons: readonly Rejection[]): string {
  const plugins = new Set(reasons.map((r) => r.plugin));
  if (plugins.has("TaintToleration")) return "NoSchedule taints never evict running pods: the taint was most likely added after the pod was placed";
  if (plugins.has("NodeAffinity")) return "node affinity is IgnoredDuringExecution: the node's labels (or the pod's selector) most likely changed after the pod was placed";
  if (plugins.has("NodeResourcesFit")) return "the node is overcommitted: requests changed, or pods were bound without the scheduler";
  if (plugins.has("NodeUnschedulable")) return "the node was cordoned after the pod was placed (cordoning does not evict)";
  return "the pod was placed before the rule that rejects the node existed, or bound without the scheduler";
}

/**
 * What is unknown of a DaemonSet known only through its pods: which nodes it targets. Its pods
 * carry its nodeSelector and tolerations, but not its required node affinity: the DaemonSet
 * controller replaces that, on each pod, with a matchFields term naming the pod's node
 * (pkg/controller/daemon/util ReplaceDaemonSetPodNodeNameNodeAffinity). So the nodes without a
 * pod are named, and no verdict is given for them.
 */
function daemonSetTargetsUnknown(w: Workload, podOn: ReadonlyMap<string, string>, nodes: Snapshot["kubernetes"]["nodes"]): string {
  const without = nodes.filter((n) => !podOn.has(n.name)).map((n) => n.name);
  const shown = without.length <= 8 ? without.join(", ") : `${without.slice(0, 8).join(", ")} and ${without.length - 8} more`;
  return (
    "the nodes it targets (its node selector and tolerations are read from one pod; its required node affinity is not on its pods, the DaemonSet controller replaces it with each pod's own node)" +
    (without.length > 0 ? `: no pod seen on ${shown}, whether it targets ${without.length === 1 ? "it" : "them"} is unknown` : "")
  );
}

/**
 * The static pods the snapshot shows (their mirror pods): the kubelet of their node runs them from
 * its manifest directory, the scheduler never places them, so they belong to no workload. Ordered
 * by node, then namespace and name.
 */
function staticPodViews(snapshot: Snapshot, workload: string | undefined): StaticPodView[] {
  const nodes = new Set(snapshot.kubernetes.nodes.map((n) => n.name));
  const out: StaticPodView[] = [];
  for (const pod of snapshot.kubernetes.pods) {
    const node = staticPodNode(pod);
    if (node === undefined || (workload !== undefined && `${pod.namespace}/${pod.name}` !== workload)) continue;
    out.push({
      namespace: pod.namespace,
      name: pod.name,
      node,
      message: `static pod of node ${node}${nodes.has(node) ? "" : " (not in the snapshot)"}, placed by the kubelet, not the scheduler`,
      source: formatSource(pod.meta.source),
    });
  }
  return out.sort((a, b) => compare(a.node, b.node) || compare(a.namespace, b.namespace) || compare(a.name, b.name));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `podpath place`: for each workload, the nodes its pods can run on (every kube-scheduler filter
 * on every node, every rejection kept), the node each pod runs on (observed) or would be given
 * (a simulation placing the pods not yet placed one at a time), and observed pods on nodes the
 * model rejects.
 */
export function analysePlacement(snapshot: Snapshot, options: PlacementOptions = {}): PlacementReport {
  const filters = options.filters ?? DEFAULT_FILTERS;
  const scores = options.scores ?? DEFAULT_SCORES(snapshot);
  const nodes = snapshot.kubernetes.nodes;
  const observed = observedPodsByOwner(snapshot);
  const selected = snapshot.kubernetes.workloads.filter((w) => !options.workload || `${w.namespace}/${w.name}` === options.workload);

  // every workload's pods, for the simulation (all workloads compete for the same nodes)
  const podsByWorkload = new Map<Workload, PodToPlace[]>();
  const targetsOf = new Map<Workload, DaemonSetTargets>();
  for (const w of snapshot.kubernetes.workloads) {
    const targets = w.kind === "DaemonSet" && !w.knownFromPods ? daemonSetTargets(daemonPodSpec(w.template.spec), nodes) : undefined;
    if (targets) targetsOf.set(w, targets);
    podsByWorkload.set(w, podsOfWorkload(w, nodes, observed.get(workloadKey(w)) ?? [], targets));
  }

  const baseline = ClusterSnapshot.of(snapshot);
  const priorities = new Map(snapshot.kubernetes.priorityClasses.map((p) => [p.name, p.value]));
  const globalDefault = snapshot.kubernetes.priorityClasses.find((p) => p.globalDefault)?.value ?? 0;
  const priorityOf = (pod: PodToPlace) => pod.spec.priority ?? (pod.spec.priorityClassName ? priorities.get(pod.spec.priorityClassName) ?? 0 : globalDefault);
  const toPlace = schedulingOrder([...podsByWorkload.values()].flat().filter((p) => !p.observed?.nodeName), priorityOf);
  const predictions: Map<PodToPlace, Prediction> = simulate(toPlace, ClusterSnapshot.of(snapshot), filters, scores);

  const workloads = selected.map((w): WorkloadPlacement => {
    const pods = podsByWorkload.get(w)!;
    const key = workloadKey(w);
    const cluster = baseline.withoutOwner(key);
    let verdicts: NodeVerdict[];
    if (w.kind === "DaemonSet") {
      verdicts = pods.flatMap((p) => evaluatePod(p, cluster, filters));
    } else {
      const representative = pods[0] ?? podsOfWorkload({ ...w, replicas: 1 }, nodes, [])[0]!;
      // a workload known from its pods: the template (the pod's spec without its binding), not one pod's nodeName
      verdicts = evaluatePod({ ...representative, spec: w.knownFromPods ? w.template.spec : representative.spec, observed: undefined }, cluster, filters);
    }
    const targets = targetsOf.get(w);
    const findings: PlacementFinding[] = [];
    // daemon pods the controller deletes (NodeShouldRunDaemonPod: shouldContinueRunning false)
    const stopped = new Set((targets?.notTargeted ?? []).filter((t) => !t.continueRunning).map((t) => t.node));
    for (const p of pods) {
      const pod = p.observed;
      if (!pod?.nodeName) continue;
      const [verdict] = evaluatePod({ ...p, spec: w.kind === "DaemonSet" ? p.spec : pod.spec, daemonNode: pod.nodeName }, cluster, filters);
      if (verdict && !verdict.feasible) {
        findings.push({
          code: "RUNS_ON_REJECTED_NODE",
          pod: pod.name,
          node: pod.nodeName,
          message: stopped.has(pod.nodeName)
            ? `${pod.name} runs on ${pod.nodeName}, which the DaemonSet no longer targets: the controller deletes it (NodeShouldRunDaemonPod: shouldContinueRunning is false)`
            : `${pod.name} runs on ${pod.nodeName}, which the model rejects: ${likelyCause(verdict.reasons)}`,
          reasons: verdict.reasons.map(reasonView),
        });
      }
    }
    const podOn = new Map(pods.filter((p) => p.observed?.nodeName).map((p) => [p.observed!.nodeName!, p.name]));
    return {
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      replicas: w.replicas,
      source: formatSource(w.meta.source),
      generatedFrom: w.generatedFrom ? `${w.generatedFrom.kind} ${w.generatedFrom.namespace}/${w.generatedFrom.name}` : null,
      feasibleNodes: verdicts.filter((v) => v.feasible).map((v) => v.node),
      targetedNodes: targets ? targets.targeted.map((n) => n.name) : null,
      notTargeted: (targets?.notTargeted ?? []).map((t) => ({
        node: t.node,
        rule: t.rule,
        reason: t.reason,
        source: t.source ? formatSource(t.source) : null,
        runningPod: podOn.get(t.node) ?? null,
        continueRunning: t.continueRunning,
      })),
      knownFromPods: w.knownFromPods
        ? {
            pods: w.knownFromPods.pods,
            templateFrom: w.knownFromPods.templateFrom,
            inferredVia: w.knownFromPods.inferredVia ?? null,
            unknown: [
              w.kind === "DaemonSet" ? daemonSetTargetsUnknown(w, podOn, nodes) : "replicas (the pods seen are counted)",
              `the template (pod ${w.knownFromPods.templateFrom}'s spec stands for it; other pods may differ)`,
            ],
          }
        : null,
      nodes: verdicts.map(nodeView),
      pods: pods.map((p) => {
        const prediction = predictions.get(p);
        return {
          name: p.name,
          observedNode: p.observed?.nodeName ?? null,
          predictedNode: p.observed?.nodeName ? null : prediction?.node ?? null,
          tiedNodes: prediction?.tied ?? [],
          unschedulable: prediction?.unschedulable ?? null,
        };
      }),
      findings,
    };
  });
  return { nodeCount: nodes.length, workloads, staticPods: staticPodViews(snapshot, options.workload) };
}
