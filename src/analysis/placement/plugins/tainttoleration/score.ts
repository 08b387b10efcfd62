import type { Toleration } from "../../../../model/kubernetes.js";
import { tolerates } from "./common.js";
import type { NodeInfo, ScorePlugin } from "../../types.js";
import type { BatchScore } from "../../framework/batch.js";
import { feasibleIndices, nodeTable } from "../../framework/node-table.js";
import { defaultNormalizeScore } from "../../framework/normalize.js";

/** countIntolerableTaintsPreferNoSchedule */
function intolerableTaints(node: NodeInfo, tolerations: readonly Toleration[]): number {
  const taints = node.node.taints;
  let count = 0;
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i]!;
    if (taint.effect !== "PreferNoSchedule") continue;
    let tolerated = false;
    for (const t of tolerations) {
      if (tolerates(t, taint)) {
        tolerated = true;
        break;
      }
    }
    if (!tolerated) count++;
  }
  return count;
}

/**
 * kube-scheduler pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go, Score:
 * PreScore keeps the tolerations whose effect is PreferNoSchedule or empty
 * (getAllTolerationPreferNoSchedule); the raw score of a node is the number of its
 * PreferNoSchedule taints none of them tolerates (countIntolerableTaintsPreferNoSchedule);
 * NormalizeScore is DefaultNormalizeScore reversed, so the node with the most such taints gets 0
 * and a node with none 100. Weight 3 in the default profile.
 */
export const TaintTolerationScore: ScorePlugin<readonly Toleration[]> & BatchScore<readonly Toleration[]> = {
  name: "TaintToleration",
  weight: 3,
  prepare(pod) {
    return pod.spec.tolerations.filter((t) => t.effect === "" || t.effect === "PreferNoSchedule");
  },
  score(_pod, node, _cluster, tolerations) {
    return intolerableTaints(node, tolerations);
  },
  scoreAll(_pod, feasible, cluster, tolerations, out) {
    // most nodes have no PreferNoSchedule taint: nothing to count
    const prefer = nodeTable(cluster).preferNoSchedule;
    const at = feasibleIndices(cluster, feasible);
    for (let i = 0; i < feasible.length; i++)
      out[i] = prefer[at[i]!] ? intolerableTaints(feasible[i]!, tolerations) : 0;
  },
  normalize(scores) {
    defaultNormalizeScore(scores, true);
  },
};
