import type { FilterPlugin } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";
import { ERR_REASON_POD, nodeAffinityKey, nodeAffinityMismatch } from "./common.js";

/**
 * kube-scheduler plugins/nodeaffinity Filter: the nodeSelector (every pair) AND the required node
 * affinity (terms ORed, expressions ANDed).
 */
export const NodeAffinity: FilterPlugin = {
  name: "NodeAffinity",
  filter(pod, node) {
    const mismatch = nodeAffinityMismatch(pod.spec, node.node);
    if (!mismatch) return NO_REJECTION;
    return [{ plugin: "NodeAffinity", message: ERR_REASON_POD, source: mismatch.source, detail: mismatch.detail }];
  },
  // static: the node's labels and name against the nodeSelector and the required terms
  staticKey: nodeAffinityKey,
};
