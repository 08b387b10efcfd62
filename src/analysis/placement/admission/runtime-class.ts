/**
 * kubernetes plugin/pkg/admission/runtimeclass/admission.go Admit: a pod with spec.runtimeClassName
 * gets the RuntimeClass's overhead.podFixed as spec.overhead (setOverhead: rejected when the pod
 * sets a different one) and its scheduling merged in (setScheduling: nodeSelector labels added,
 * a conflicting value rejected; tolerations appended unless already there).
 */
import type { Toleration } from "../../../model/kubernetes.js";
import { formatQuantity } from "../../../model/quantity.js";
import type { AdmissionContext, PodDraft } from "./types.js";

const SOURCE = "admission:RuntimeClass";

const sameToleration = (a: Toleration, b: Toleration) =>
  a.key === b.key &&
  a.operator === b.operator &&
  a.value === b.value &&
  a.effect === b.effect &&
  a.tolerationSeconds === b.tolerationSeconds;

const sameResources = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);

export function runtimeClass(d: PodDraft, ctx: AdmissionContext): void {
  const name = d.spec.runtimeClassName;
  if (!name) return;
  const rc = ctx.runtimeClasses.get(name);
  if (!rc) {
    d.notes.push({
      source: SOURCE,
      message: `RuntimeClass ${name} is not in the snapshot: its overhead and scheduling are unknown (the API server rejects the pod if it does not exist); capture \`kubectl get runtimeclasses -o yaml\``,
      object: d.spec.source,
    });
    return;
  }
  // setOverhead
  if (rc.overhead) {
    const has = Object.keys(d.spec.overhead).length > 0;
    if (has && !sameResources(d.spec.overhead, rc.overhead)) {
      d.notes.push({
        source: SOURCE,
        message: `the pod's spec.overhead differs from RuntimeClass ${name}'s: the API server rejects it ("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead")`,
        object: rc.overheadSource ?? rc.meta.source,
      });
    } else if (!has) {
      for (const key of Object.keys(rc.overhead).sort()) {
        d.mutations.push({
          source: SOURCE,
          field: `spec.overhead.${key}`,
          value: formatQuantity(key, rc.overhead[key]!),
          reason: `RuntimeClass ${name} overhead.podFixed`,
          object: rc.overheadSource ?? rc.meta.source,
        });
      }
      d.spec = { ...d.spec, overhead: rc.overhead };
    }
  }
  // setScheduling
  const selector: Record<string, string> = { ...d.spec.nodeSelector };
  let selectorChanged = false;
  for (const key of Object.keys(rc.nodeSelector).sort()) {
    const want = rc.nodeSelector[key]!;
    const have = selector[key];
    if (have !== undefined && have !== want) {
      d.notes.push({
        source: SOURCE,
        message: `the pod's nodeSelector ${key}=${have} conflicts with RuntimeClass ${name}'s ${key}=${want}: the API server rejects it`,
        object: rc.meta.source,
      });
      return;
    }
    if (have === undefined) {
      selector[key] = want;
      selectorChanged = true;
      d.mutations.push({
        source: SOURCE,
        field: `spec.nodeSelector.${key}`,
        value: want,
        reason: `RuntimeClass ${name} scheduling.nodeSelector`,
        object: rc.meta.source,
      });
    }
  }
  const added = rc.tolerations.filter((t) => !d.spec.tolerations.some((u) => sameToleration(t, u)));
  for (const t of added) {
    d.mutations.push({
      source: SOURCE,
      field: "spec.tolerations",
      value: `${t.key || "*"}${t.operator === "Equal" ? `=${t.value}` : ""}:${t.effect || "*"} op=${t.operator}${t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : ""}`,
      reason: `RuntimeClass ${name} scheduling.tolerations`,
      object: t.source,
    });
  }
  if (selectorChanged || added.length > 0) {
    d.spec = {
      ...d.spec,
      nodeSelector: selector,
      // the selector now cites the RuntimeClass when the pod had none of its own
      nodeSelectorSource:
        selectorChanged && Object.keys(d.spec.nodeSelector).length === 0 ? rc.meta.source : d.spec.nodeSelectorSource,
      tolerations: [...d.spec.tolerations, ...added],
    };
  }
}
