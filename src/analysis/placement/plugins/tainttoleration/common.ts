import type { PodSpec, Taint, TaintEffect, Toleration } from "../../../../model/kubernetes.js";

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
export function untoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly TaintEffect[],
): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

/** What `tolerates` reads of each of a spec's tolerations, as a string (sources and tolerationSeconds left out). */
export function tolerationsKey(spec: PodSpec): string {
  return JSON.stringify(spec.tolerations.map((t) => [t.key, t.operator, t.value, t.effect]));
}

/**
 * The taint effects that keep a pod off a node, NoSchedule or NoExecute, spelled once: the
 * TaintToleration Filter, PodTopologySpread's nodeTaintsPolicy Honor (filter and score), DaemonSet
 * targeting and `fix place` read them here. PreferNoSchedule only lowers the score.
 */
export const FILTERED_EFFECTS: readonly TaintEffect[] = ["NoSchedule", "NoExecute"];
