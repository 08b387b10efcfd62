import type { FilterPlugin } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";
import { FILTERED_EFFECTS, tolerationsKey, untoleratedTaint } from "./common.js";

/**
 * kube-scheduler plugins/tainttoleration Filter: a node with a NoSchedule or NoExecute taint the
 * pod does not tolerate is rejected (PreferNoSchedule only lowers the score).
 */
export const TaintToleration: FilterPlugin = {
  name: "TaintToleration",
  filter(pod, node, cluster) {
    if (node.node.taints.length === 0) return NO_REJECTION;
    const taint = untoleratedTaint(node.node.taints, pod.spec.tolerations, FILTERED_EFFECTS);
    if (!taint) return NO_REJECTION;
    // the wording of the cluster's version (version.ts TAINT_REASONS); the detail names the taint either way
    return [
      {
        plugin: "TaintToleration",
        message: cluster.snapshot.behaviour.taintReason(taint),
        source: taint.source,
        detail: `taint ${taint.key}${taint.value ? "=" + taint.value : ""}:${taint.effect}`,
      },
    ];
  },
  // static: the node's taints against the tolerations
  staticKey: tolerationsKey,
};
