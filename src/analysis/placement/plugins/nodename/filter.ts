import type { FilterPlugin } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";

/** kube-scheduler plugins/nodename: a pod with spec.nodeName fits only that node. */
export const NodeName: FilterPlugin = {
  name: "NodeName",
  filter(pod, node) {
    const wanted = pod.spec.nodeName;
    if (!wanted || wanted === node.name) return NO_REJECTION;
    return [{ plugin: "NodeName", message: "node(s) didn't match the requested node name", source: pod.spec.source, detail: `spec.nodeName is ${wanted}` }];
  },
  // static: the node's name against spec.nodeName
  staticKey: (spec) => spec.nodeName ?? "",
};
