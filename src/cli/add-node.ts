/**
 * `place --add-node FILE`: reads the nodes to add. A kubectl Node object (`kubectl get node NAME
 * -o yaml|json`, or a `List` of them) is what the scheduler needs: labels, taints, allocatable.
 * An EKS managed node group (`aws eks describe-nodegroup`) stands for `desiredSize` nodes (or
 * `--add-node-count`) of its first instance type, their allocatable computed as the EKS AMI's
 * kubelet reports it (analysis/placement/what-if/node-templates/eks-nodegroup.ts). A Karpenter
 * NodePool (with its EC2NodeClass when the file holds it) stands for the nodes Karpenter would
 * launch for the Pending pods, which only the placement can tell (node-templates/karpenter.ts):
 * it is handed to the question as is.
 */
import type { Node } from "../model/kubernetes.js";
import { UserError } from "../model/errors.js";
import type { Snapshot } from "../model/snapshot.js";
import { DEFAULT_LIMITS } from "../load/limits.js";
import { loadSnapshot } from "../load/load-snapshot.js";
import { eksNodegroupNodes } from "../analysis/placement/what-if/node-templates/eks-nodegroup.js";
import type { KarpenterNodePool } from "../analysis/placement/what-if/node-templates/karpenter.js";
import type { TemplateView } from "../analysis/placement/what-if/node-templates/types.js";
import { readNodeTemplates } from "./node-templates.js";
import type { SnapshotOptions } from "./snapshot-options.js";
import type { CliIO } from "./io.js";

const NODE_OBJECT =
  "give a Node object (kubectl get node NAME -o yaml of a node like it, with its name, labels, taints and status.allocatable edited), an EKS managed node group (aws eks describe-nodegroup) or a Karpenter NodePool (kubectl get nodepool NAME -o yaml)";

export interface AddedNodes {
  readonly nodes: readonly Node[];
  readonly templates: readonly TemplateView[];
  readonly pools: readonly KarpenterNodePool[];
}

/** --add-node-count N: a positive integer. */
export function parseAddNodeCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,3}$/.test(value))
    throw new UserError(`--add-node-count ${JSON.stringify(value)}: give a whole number of nodes from 1 to 9999`);
  return Number(value);
}

export function loadAddedNodes(
  files: readonly string[],
  options: SnapshotOptions,
  io: CliIO,
  snapshot: Snapshot,
  count?: number,
): AddedNodes {
  const out: Node[] = [];
  const templates: TemplateView[] = [];
  const pools: KarpenterNodePool[] = [];
  const limits = { ...DEFAULT_LIMITS, maxFileBytes: options.maxFileSize };
  let counted = false;
  for (const file of files) {
    const t = readNodeTemplates(file, io.cwd, limits, snapshot);
    if (t.kind === "eks") {
      for (const g of t.groups) {
        const added = eksNodegroupNodes(g, count);
        out.push(...added.nodes);
        templates.push(added.view);
        counted = true;
      }
      continue;
    }
    if (t.kind === "karpenter") {
      pools.push(...t.pools);
      continue;
    }
    const s = loadSnapshot({
      paths: [file],
      cwd: io.cwd,
      displayBase: io.cwd,
      strict: true,
      limits,
    });
    const kinds = Object.keys(s.kubernetes.unmodelledKinds);
    if (s.kubernetes.nodes.length === 0) {
      throw new UserError(
        `--add-node ${file}: no Node, EKS node group or Karpenter NodePool in it${kinds.length > 0 ? ` (it holds ${kinds.join(", ")})` : ""}; ${NODE_OBJECT}`,
      );
    }
    out.push(...s.kubernetes.nodes);
  }
  if (count !== undefined && !counted)
    throw new UserError(
      "--add-node-count: only an EKS node group's node count can be set (a Node file adds its nodes; Karpenter launches what the Pending pods need)",
    );
  const seen = new Set<string>();
  for (const n of out) {
    if (seen.has(n.name)) throw new UserError(`--add-node: node ${n.name} is given twice`);
    seen.add(n.name);
  }
  return { nodes: out, templates, pools };
}
