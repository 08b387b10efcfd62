import type { FilterPlugin } from "../../types.js";
import { tolerates } from "../tainttoleration/common.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";

/** The scheduler's reason (nodeunschedulable/node_unschedulable.go ErrReasonUnschedulable), word for word. */
export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";

const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule" as const };

/**
 * kube-scheduler plugins/nodeunschedulable: a cordoned node (spec.unschedulable) takes only
 * pods tolerating node.kubernetes.io/unschedulable:NoSchedule (as daemon pods do).
 */
export const NodeUnschedulable: FilterPlugin = {
  name: "NodeUnschedulable",
  filter(pod, node) {
    if (!node.node.unschedulable) return NO_REJECTION;
    if (pod.spec.tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) return NO_REJECTION;
    return [
      {
        plugin: "NodeUnschedulable",
        message: ERR_REASON_UNSCHEDULABLE,
        source: node.node.meta.source,
        detail: "spec.unschedulable is true (cordoned)",
      },
    ];
  },
  // static: the node's spec.unschedulable against whether the pod tolerates it
  staticKey: (spec) => (spec.tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT)) ? "tolerated" : ""),
};
