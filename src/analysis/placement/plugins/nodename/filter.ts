import type { FilterPlugin } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";

/** The scheduler's reason (nodename/node_name.go ErrReason), word for word. */
export const ERR_REASON = "node(s) didn't match the requested node name";

/** kube-scheduler plugins/nodename: a pod with spec.nodeName fits only that node. */
export const NodeName: FilterPlugin = {
  name: "NodeName",
  filter(pod, node) {
    const wanted = pod.spec.nodeName;
    if (!wanted || wanted === node.name) return NO_REJECTION;
    return [{ plugin: "NodeName", message: ERR_REASON, source: pod.spec.source, detail: `spec.nodeName is ${wanted}` }];
  },
  // static: the node's name against spec.nodeName
  staticKey: (spec) => spec.nodeName ?? "",
};
