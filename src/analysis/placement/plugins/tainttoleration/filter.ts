import type { PodSpec, Taint, TaintEffect, Toleration } from "../../../../model/kubernetes.js";
import type { FilterPlugin } from "../../types.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";

/**
 * core/v1 helper ToleratesTaint: an empty effect matches every effect, an empty key (with
 * Exists) every key; Exists ignores the value, Equal (or no operator) compares it.
 */
export function tolerates(toleration: Toleration, taint: Pick<Taint, "key" | "value" | "effect">): boolean {
  if (toleration.effect !== "" && toleration.effect !== taint.effect) return false;
  if (toleration.key !== "" && toleration.key !== taint.key) return false;
  return toleration.operator === "Exists" ? true : toleration.value === taint.value;
}

/** The first taint of `effects` no toleration matches (v1helper.FindMatchingUntoleratedTaint). */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly TaintEffect[]): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

/** What `tolerates` reads of each of a spec's tolerations, as a string (sources and tolerationSeconds left out). */
export function tolerationsKey(spec: PodSpec): string {
  return JSON.stringify(spec.tolerations.map((t) => [t.key, t.operator, t.value, t.effect]));
}

const FILTERED_EFFECTS: readonly TaintEffect[] = ["NoSchedule", "NoExecute"];

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
    return [{ plugin: "TaintToleration", message: `node(s) had untolerated taint {${taint.key}: ${taint.value}}`, source: taint.source, detail: `taint ${taint.key}${taint.value ? "=" + taint.value : ""}:${taint.effect}` }];
  },
  // static: the node's taints against the tolerations
  staticKey: tolerationsKey,
};
