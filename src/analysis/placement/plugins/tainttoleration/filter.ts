import type { FilterPlugin } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";
import { FILTERED_EFFECTS, tolerationsKey, untoleratedTaint, untoleratedTaintReason } from "./common.js";

/**
 * kube-scheduler plugins/tainttoleration Filter: a node with a NoSchedule or NoExecute taint the
 * pod does not tolerate is rejected (PreferNoSchedule only lowers the score).
 */
export const TaintToleration: FilterPlugin = {
  name: "TaintToleration",
  filter(pod, node) {
    if (node.node.taints.length === 0) return NO_REJECTION;
    const taint = untoleratedTaint(node.node.taints, pod.spec.tolerations, FILTERED_EFFECTS);
    if (!taint) return NO_REJECTION;
    return [
      {
        plugin: "TaintToleration",
        message: untoleratedTaintReason(taint),
        source: taint.source,
        detail: `taint ${taint.key}${taint.value ? "=" + taint.value : ""}:${taint.effect}`,
      },
    ];
  },
  // static: the node's taints against the tolerations
  staticKey: tolerationsKey,
};
