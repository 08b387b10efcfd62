/**
 * `podpath place`: per workload, the nodes its pods can run on, why every other node is rejected,
 * and the observed or predicted node of each pod. Result: `PlacementJson`, PRODUCT.md's
 * `place -o json` contract.
 */
import {
  analysePlacement,
  type NodeView,
  type NotTargetedView,
  type PlacementFinding,
  type PlacementReport,
  type PodView,
  type ReasonView,
  type StaticPodView,
  type WorkloadPlacement,
} from "../analysis/placement/placement.js";
import { UserError } from "../model/errors.js";
import type { Snapshot } from "../model/snapshot.js";
import { staticPodNode } from "../model/static-pod.js";
import type { Answer } from "./question.js";

export interface PlaceInput {
  /** only this workload, NS/NAME */
  readonly workload?: string | undefined;
  /** explain this node in full for every workload (text output) */
  readonly node?: string | undefined;
}

/**
 * The objects below a workload are the placement views as the analysis builds them (plain data
 * already): a rejection `{plugin, message, detail, source}` with the scheduler's own message, a
 * node `{node, feasible, reasons}`, a pod `{name, observedNode, predictedNode, tiedNodes,
 * unschedulable}`, a DaemonSet's non-targeted node, a finding, a static pod.
 */
export type ReasonJson = ReasonView;
export type NodeJson = NodeView;
export type PodJson = PodView;
export type NotTargetedJson = NotTargetedView;
export type PlacementFindingJson = PlacementFinding;
export type StaticPodJson = StaticPodView;

export interface KnownFromPodsJson {
  readonly pods: number;
  readonly templateFrom: string;
  readonly inferredVia: string | null;
  readonly unknown: readonly string[];
}

export interface WorkloadPlacementJson {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** null for a DaemonSet (one pod per targeted node) */
  readonly replicas: number | null;
  readonly source: string;
  readonly generatedFrom: string | null;
  readonly feasibleNodes: readonly string[];
  /** DaemonSets: the nodes the controller makes a pod for; null for other kinds */
  readonly targetedNodes: readonly string[] | null;
  readonly notTargeted: readonly NotTargetedJson[];
  /** set when the snapshot lacks the workload and podpath knows it only through its pods */
  readonly knownFromPods: KnownFromPodsJson | null;
  /** the rejected nodes, each with every reason (the feasible ones are in `feasibleNodes`) */
  readonly nodes: readonly NodeJson[];
  readonly pods: readonly PodJson[];
  readonly findings: readonly PlacementFindingJson[];
}

export interface PlacementJson {
  readonly nodeCount: number;
  readonly workloads: readonly WorkloadPlacementJson[];
  readonly staticPods: readonly StaticPodJson[];
}

export type PlaceAnswer = Answer<PlaceInput, PlacementJson, PlacementReport>;

/**
 * One workload of the contract. `nodes` keeps only the rejected nodes, so a 5,000-node cluster
 * does not print 5,000 rows per workload.
 */
export function workloadPlacementJson(w: WorkloadPlacement): WorkloadPlacementJson {
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    replicas: w.replicas,
    source: w.source,
    generatedFrom: w.generatedFrom,
    feasibleNodes: w.feasibleNodes,
    targetedNodes: w.targetedNodes,
    notTargeted: w.notTargeted,
    knownFromPods: w.knownFromPods ? { pods: w.knownFromPods.pods, templateFrom: w.knownFromPods.templateFrom, inferredVia: w.knownFromPods.inferredVia, unknown: w.knownFromPods.unknown } : null,
    nodes: w.nodes.filter((n) => !n.feasible),
    pods: w.pods,
    findings: w.findings,
  };
}

/**
 * The contract object. It shares the report's views (only the arrays of rejected nodes are new),
 * so it costs references, not copies; at real scale it is written chunk by chunk
 * (format/placement.ts `placementResultChunks`), never as one string.
 */
export function placementJson(report: PlacementReport): PlacementJson {
  return { nodeCount: report.nodeCount, workloads: report.workloads.map(workloadPlacementJson), staticPods: report.staticPods };
}

function checkInput(snapshot: Snapshot, input: PlaceInput): void {
  const named = (x: { namespace: string; name: string }) => `${x.namespace}/${x.name}` === input.workload;
  // a static pod is no workload, but `place` says where it runs and why the scheduler is not involved
  if (input.workload && !snapshot.kubernetes.workloads.some(named) && !snapshot.kubernetes.pods.some((p) => named(p) && staticPodNode(p) !== undefined)) {
    throw new UserError(`no workload ${input.workload} in the snapshot (give it as NAMESPACE/NAME; \`podpath snapshot show\` lists them)`);
  }
  if (input.node && !snapshot.kubernetes.nodes.some((n) => n.name === input.node)) {
    throw new UserError(`no node ${input.node} in the snapshot`);
  }
}

/**
 * Feasibility per workload and node (kube-scheduler's filters), and the predicted node of each pod
 * not yet placed. A workload or node the snapshot lacks is a UserError.
 */
export function answerPlace(snapshot: Snapshot, input: PlaceInput = {}): PlaceAnswer {
  checkInput(snapshot, input);
  const analysis = analysePlacement(snapshot, input.workload ? { workload: input.workload } : {});
  return { input, result: placementJson(analysis), analysis, finding: false };
}
