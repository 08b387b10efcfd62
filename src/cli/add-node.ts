/**
 * `place --add-node FILE`: reads the nodes to add. A kubectl Node object (`kubectl get node NAME
 * -o yaml|json`, or a `List` of them) is what the scheduler needs: labels, taints, allocatable.
 * A Karpenter NodePool or an EKS managed node group does not say its nodes' allocatable (it comes
 * from the instance type chosen at launch and the kubelet's reservations): refused, saying so.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Node } from "../model/kubernetes.js";
import { UserError } from "../model/errors.js";
import { DEFAULT_LIMITS } from "../load/limits.js";
import { loadSnapshot } from "../load/load-snapshot.js";
import type { SnapshotOptions } from "./snapshot-options.js";
import type { CliIO } from "./io.js";

const NODE_OBJECT =
  "give a Node object instead (kubectl get node NAME -o yaml of a node like it, with its name, labels, taints and status.allocatable edited)";

export function loadAddedNodes(files: readonly string[], options: SnapshotOptions, io: CliIO): Node[] {
  const out: Node[] = [];
  for (const file of files) {
    if (isEksNodegroup(resolve(io.cwd, file), options.maxFileSize)) {
      throw new UserError(
        `--add-node ${file}: an EKS managed node group (aws eks describe-nodegroup) is not supported: it names instance types, not the nodes' allocatable (the instance type's less the kubelet's reservations); ${NODE_OBJECT}`,
      );
    }
    const s = loadSnapshot({
      paths: [file],
      cwd: io.cwd,
      displayBase: io.cwd,
      strict: true,
      limits: { ...DEFAULT_LIMITS, maxFileBytes: options.maxFileSize },
    });
    const kinds = Object.keys(s.kubernetes.unmodelledKinds);
    if (s.kubernetes.nodes.length === 0) {
      if (kinds.some((k) => k.startsWith("karpenter.sh/") && k.endsWith(" NodePool"))) {
        throw new UserError(
          `--add-node ${file}: a Karpenter NodePool is not supported: its requirements leave the instance type, and so the node's allocatable, to Karpenter at launch; ${NODE_OBJECT}`,
        );
      }
      throw new UserError(
        `--add-node ${file}: no Node in it${kinds.length > 0 ? ` (it holds ${kinds.join(", ")})` : ""}; ${NODE_OBJECT}`,
      );
    }
    out.push(...s.kubernetes.nodes);
  }
  const seen = new Set<string>();
  for (const n of out) {
    if (seen.has(n.name)) throw new UserError(`--add-node: node ${n.name} is given twice`);
    seen.add(n.name);
  }
  return out;
}

/** `aws eks describe-nodegroup` output: a JSON object with a top-level `nodegroup`. */
function isEksNodegroup(path: string, maxBytes: number): boolean {
  if (!path.endsWith(".json")) return false;
  try {
    if (statSync(path).size > maxBytes) return false;
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) && "nodegroup" in value;
  } catch {
    // not readable or not JSON: the loader says why
    return false;
  }
}
