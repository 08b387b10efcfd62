/**
 * kubernetes plugin/pkg/admission/defaulttolerationseconds/admission.go Admit: a pod that does
 * not tolerate node.kubernetes.io/not-ready (resp. unreachable) with effect NoExecute — a
 * toleration with that key or an empty key, and effect NoExecute or empty — gets one, operator
 * Exists, for 300 s (the plugin's --default-not-ready-toleration-seconds and
 * --default-unreachable-toleration-seconds defaults).
 */
import type { Toleration } from "../../../model/kubernetes.js";
import type { PodDraft } from "./types.js";

const SOURCE = "admission:DefaultTolerationSeconds";
const DEFAULT_TOLERATION_SECONDS = 300;
const NOT_READY = "node.kubernetes.io/not-ready";
const UNREACHABLE = "node.kubernetes.io/unreachable";

function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || t.key === "") && (t.effect === "NoExecute" || t.effect === ""));
}

/** The tolerations the plugin adds to a pod with these (cited at `source`). */
export function defaultTolerations(tolerations: readonly Toleration[], source: Toleration["source"]): Toleration[] {
  return [NOT_READY, UNREACHABLE]
    .filter((key) => !tolerates(tolerations, key))
    .map((key) => ({
      key,
      operator: "Exists",
      value: "",
      effect: "NoExecute",
      tolerationSeconds: DEFAULT_TOLERATION_SECONDS,
      source,
    }));
}

export function defaultTolerationSeconds(d: PodDraft): void {
  const added = defaultTolerations(d.spec.tolerations, d.spec.source);
  for (const { key } of added) {
    d.mutations.push({
      source: SOURCE,
      field: "spec.tolerations",
      value: `${key}:NoExecute op=Exists for ${DEFAULT_TOLERATION_SECONDS}s`,
      reason: `the pod has no toleration for ${key}:NoExecute`,
      object: undefined,
    });
  }
  if (added.length > 0) d.spec = { ...d.spec, tolerations: [...d.spec.tolerations, ...added] };
}
