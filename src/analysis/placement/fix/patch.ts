/** Where the change goes, and how it is written: the patch of the pod settings and `kubectl patch`. */

import type { ObjectRef, PodSpec, Workload } from "../../../model/kubernetes.js";
import type { ModelChange, PlacementChange } from "./change.js";
import { tolerationYaml } from "./shapes.js";

export interface PatchTarget {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** the resource name kubectl takes */
  readonly resource: string;
  /** where the pod settings sit in the object: `spec.template.spec`, `spec` (a Pod, a Prometheus) */
  readonly path: readonly string[];
}

/** The object that owns a workload's pod settings: prometheus-operator's StatefulSets are generated from a Prometheus or Alertmanager resource, whose spec is what to change. */
export function patchTarget(workload: Workload): PatchTarget {
  const operatorOwner: ObjectRef | undefined =
    workload.generatedFrom ??
    (() => {
      const o = workload.meta.ownerReferences.find(
        (r) => r.controller && (r.kind === "Prometheus" || r.kind === "Alertmanager"),
      );
      return o ? { kind: o.kind, namespace: workload.namespace, name: o.name } : undefined;
    })();
  if (operatorOwner)
    return {
      kind: operatorOwner.kind,
      namespace: operatorOwner.namespace ?? workload.namespace,
      name: operatorOwner.name,
      resource: operatorOwner.kind.toLowerCase(),
      path: ["spec"],
    };
  const path =
    workload.kind === "Pod"
      ? ["spec"]
      : workload.kind === "CronJob"
        ? ["spec", "jobTemplate", "spec", "template", "spec"]
        : ["spec", "template", "spec"];
  return {
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    resource: workload.kind.toLowerCase(),
    path,
  };
}

/**
 * The pod-spec part of the patch. Lists are replaced by a JSON merge patch, and tolerations and
 * nodeSelectorTerms carry no patch merge key in core/v1, so a strategic merge patch replaces them
 * too: the tolerations list holds the existing tolerations and the added ones. Keys set to null
 * are deleted.
 */
export function podSpecPatch(spec: PodSpec, change: PlacementChange, model: ModelChange): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (model.removeNodeName) out["nodeName"] = null;
  if (model.removeSelectorKeys.length > 0 || Object.keys(model.addSelector).length > 0) {
    const ns: Record<string, string | null> = {};
    for (const key of model.removeSelectorKeys) ns[key] = null;
    Object.assign(ns, model.addSelector);
    out["nodeSelector"] = ns;
  }
  if (change.nodeAffinity) out["affinity"] = { nodeAffinity: change.nodeAffinity };
  else if (model.required === null)
    out["affinity"] = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: null } };
  if (model.addTolerations.length > 0)
    out["tolerations"] = [...spec.tolerations, ...model.addTolerations].map(tolerationYaml);
  return out;
}

export function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>(
    (inner, key) => ({ [key]: inner }),
    value as Record<string, unknown>,
  );
}

/** `kubectl patch KIND NAME -n NS --type=merge -p '…'`, the JSON single-quoted for a POSIX shell. */
export function kubectlPatchCommand(target: PatchTarget, patch: Record<string, unknown>): string {
  const json = JSON.stringify(patch).replace(/'/g, `'\\''`);
  return `kubectl patch ${target.resource} ${target.name} -n ${target.namespace} --type=merge -p '${json}'`;
}
