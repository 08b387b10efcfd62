/**
 * `place --add-node FILE`: a node (a kubectl Node object, or the nodes an EKS node group or a
 * Karpenter NodePool would add: node-templates/) added to the cluster before placing, to see
 * what it takes in. The observed pods stay where they are (the scheduler never moves a
 * bound pod); what can go to the new node is what is not bound yet: the pods of a DaemonSet that
 * targets it (the controller makes one for it, pkg/controller/daemon NodeShouldRunDaemonPod),
 * replicas not yet placed, and Pending pods that now fit. The comparison is between `place` on
 * the snapshot as it is and on the snapshot with the node.
 */
import type { Node } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { formatSource } from "../../../model/source.js";
import { locationOf, type FixLocation } from "../fix/location.js";
import type { PlacementReport } from "../placement.js";
import { compare } from "./common.js";
import type { TemplateView } from "./node-templates/types.js";

interface AddedNodeView {
  readonly node: string;
  readonly source: string;
  /** `source` as data */
  readonly location: FixLocation | null;
  /** allocatable cpu (millicores), memory (bytes), pods */
  readonly allocatable: { readonly cpu: number | null; readonly memory: number | null; readonly pods: number | null };
  readonly taints: readonly string[];
}

/** A pod whose fate the added node changes. */
export interface AddNodePodView {
  /** `Kind namespace/name` */
  readonly workload: string;
  readonly pod: string;
  /** before the node: "pending" (no node fitted), "predicted" (placed elsewhere by the simulation), or "none" (the pod did not exist: a DaemonSet pod for the new node) */
  readonly before: "pending" | "predicted" | "none";
  /** the node the simulation gave it before, or the scheduler's FitError */
  readonly beforeDetail: string | null;
  /** the node it goes to with the added node, or null when it is (still) Pending */
  readonly node: string | null;
  /** the scheduler's FitError when still Pending */
  readonly unschedulable: string | null;
}

export interface AddNodeReport {
  readonly nodes: readonly AddedNodeView[];
  /** the pods that land on an added node */
  readonly takesIn: readonly AddNodePodView[];
  /** pods Pending before that now fit somewhere (on an added node or not) */
  readonly nowFit: readonly AddNodePodView[];
  /** pods still Pending with the node added */
  readonly stillPending: readonly AddNodePodView[];
  /** the node groups and NodePools the nodes stand for, with what podpath assumed of each (empty for Node objects) */
  readonly templates: readonly TemplateView[];
}

const byName = (a: Node, b: Node) => compare(a.name, b.name);

/** The snapshot with the nodes added (in name order, as the loader sorts nodes). */
export function withAddedNodes(snapshot: Snapshot, nodes: readonly Node[]): Snapshot {
  return {
    ...snapshot,
    kubernetes: { ...snapshot.kubernetes, nodes: [...snapshot.kubernetes.nodes, ...nodes].sort(byName) },
  };
}

function nodeView(n: Node): AddedNodeView {
  return {
    node: n.name,
    source: formatSource(n.meta.source),
    location: locationOf(n.meta.source),
    allocatable: {
      cpu: n.allocatable["cpu"] ?? null,
      memory: n.allocatable["memory"] ?? null,
      pods: n.allocatable["pods"] ?? null,
    },
    taints: n.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`),
  };
}

/** What the added nodes change: `before` is `place` without them, `after` with them. */
export function addNodeReport(
  before: PlacementReport,
  after: PlacementReport,
  added: readonly Node[],
  templates: readonly TemplateView[] = [],
): AddNodeReport {
  const names = new Set(added.map((n) => n.name));
  const previous = new Map<
    string,
    { predictedNode: string | null; unschedulable: string | null; observedNode: string | null }
  >();
  for (const w of before.workloads)
    for (const p of w.pods) previous.set(`${w.kind}/${w.namespace}/${w.name}/${p.name}`, p);
  const takesIn: AddNodePodView[] = [];
  const nowFit: AddNodePodView[] = [];
  const stillPending: AddNodePodView[] = [];
  for (const w of after.workloads) {
    for (const p of w.pods) {
      if (p.observedNode !== null) continue;
      const was = previous.get(`${w.kind}/${w.namespace}/${w.name}/${p.name}`);
      const view: AddNodePodView = {
        workload: `${w.kind} ${w.namespace}/${w.name}`,
        pod: p.name,
        before: !was ? "none" : was.unschedulable !== null ? "pending" : "predicted",
        beforeDetail: was ? (was.unschedulable ?? was.predictedNode) : null,
        node: p.predictedNode,
        unschedulable: p.unschedulable,
      };
      if (p.predictedNode !== null && names.has(p.predictedNode)) takesIn.push(view);
      if (view.before === "pending" && p.predictedNode !== null) nowFit.push(view);
      if (p.unschedulable !== null) stillPending.push(view);
    }
  }
  return { nodes: added.map(nodeView), takesIn, nowFit, stillPending, templates };
}
