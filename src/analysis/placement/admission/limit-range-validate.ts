/**
 * kubernetes plugin/pkg/admission/limitranger/admission.go, the validating half of LimitRanger
 * (Validate → ValidateLimit → PodValidateLimitFunc): after every mutating plugin and webhook
 * (validating admission runs last, so injected sidecars and the LimitRange's own defaults are
 * checked too), each LimitRange item of the pod's namespace is enforced:
 * - type Container, on every container and init container: `min` (minConstraint), `max`
 *   (maxConstraint), `maxLimitRequestRatio` (limitRequestRatioConstraint);
 * - type Pod, on the pod's aggregate requests and limits (the local podRequests/podLimits: the
 *   containers' aggregate as component-helpers AggregateContainerRequests computes it, no
 *   overhead, pod-level cpu/memory replacing it where spec.resources sets them).
 * Every violation is collected (utilerrors.NewAggregate: one message, or "[a, b]" without
 * duplicates) and the create is refused with admission.NewForbidden: `pods "NAME" is forbidden:
 * …` — the workload's controller never gets a pod. Upstream walks each item's maps in Go's random
 * order; podpath sorts the resource names, so several violations are listed in a stable order.
 * Quantities print canonically (Quantity.String of a binary or milli value, as formatQuantity).
 */
import type { Container, LimitRangeItem, PodSpec, ResourceList } from "../../../model/kubernetes.js";
import { formatQuantity } from "../../../model/quantity.js";
import type { SourceRef } from "../../../model/source.js";
import { aggregateContainerRequests } from "../requests.js";
import type { AdmissionContext, PodDraft } from "./types.js";

/** minConstraint, word for word (the two spaces before "No request" are upstream's) */
function minConstraint(
  limitType: string,
  name: string,
  enforced: number,
  request: ResourceList,
  limit: ResourceList,
): string | undefined {
  const e = formatQuantity(name, enforced);
  const req = request[name];
  const lim = limit[name];
  if (req === undefined) return `minimum ${name} usage per ${limitType} is ${e}.  No request is specified`;
  if (req < enforced)
    return `minimum ${name} usage per ${limitType} is ${e}, but request is ${formatQuantity(name, req)}`;
  if (lim !== undefined && lim < enforced)
    return `minimum ${name} usage per ${limitType} is ${e}, but limit is ${formatQuantity(name, lim)}`;
  return undefined;
}

/** maxConstraint, word for word */
function maxConstraint(
  limitType: string,
  name: string,
  enforced: number,
  request: ResourceList,
  limit: ResourceList,
): string | undefined {
  const e = formatQuantity(name, enforced);
  const req = request[name];
  const lim = limit[name];
  if (lim === undefined) return `maximum ${name} usage per ${limitType} is ${e}.  No limit is specified`;
  if (lim > enforced)
    return `maximum ${name} usage per ${limitType} is ${e}, but limit is ${formatQuantity(name, lim)}`;
  if (req !== undefined && req > enforced)
    return `maximum ${name} usage per ${limitType} is ${e}, but request is ${formatQuantity(name, req)}`;
  return undefined;
}

/** A ratio as resource.Quantity.String() prints it: "2", "1500m". */
function formatRatio(ratio: number): string {
  return Number.isInteger(ratio) ? String(ratio) : `${Math.round(ratio * 1000)}m`;
}

/** limitRequestRatioConstraint, word for word (the observed ratio printed with Go's %f: six decimals) */
function ratioConstraint(
  limitType: string,
  name: string,
  enforced: number,
  request: ResourceList,
  limit: ResourceList,
): string | undefined {
  const e = formatRatio(enforced);
  const req = request[name];
  const lim = limit[name];
  if (req === undefined || req === 0)
    return `${name} max limit to request ratio per ${limitType} is ${e}, but no request is specified or request is 0`;
  if (lim === undefined || lim === 0)
    return `${name} max limit to request ratio per ${limitType} is ${e}, but no limit is specified or limit is 0`;
  const observed = lim / req;
  if (observed > enforced)
    return `${name} max limit to request ratio per ${limitType} is ${e}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

function check(item: LimitRangeItem, request: ResourceList, limit: ResourceList, errs: string[]): void {
  const push = (e: string | undefined) => {
    if (e !== undefined) errs.push(e);
  };
  for (const k of Object.keys(item.min).sort()) push(minConstraint(item.type, k, item.min[k]!, request, limit));
  for (const k of Object.keys(item.max).sort()) push(maxConstraint(item.type, k, item.max[k]!, request, limit));
  const ratios = item.maxLimitRequestRatio ?? {};
  for (const k of Object.keys(ratios).sort()) push(ratioConstraint(item.type, k, ratios[k]!, request, limit));
}

/** podRequests / podLimits of admission.go: the containers' aggregate, pod-level cpu and memory replacing it. */
function podAggregate(spec: PodSpec, of: (c: Container) => ResourceList, podLevel: ResourceList | undefined) {
  const swap = (c: Container): Container => ({ ...c, requests: of(c) });
  const out = aggregateContainerRequests({
    ...spec,
    containers: spec.containers.map(swap),
    initContainers: spec.initContainers.map(swap),
  });
  for (const k of ["cpu", "memory"]) if (podLevel?.[k] !== undefined) out[k] = podLevel[k];
  return out;
}

/** utilerrors.NewAggregate(errs).Error(): one message as is, several deduplicated in brackets. */
function aggregate(errs: readonly string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(", ")}]`;
}

/** The LimitRange violations of the admitted pod, or undefined when it is valid. */
export function limitRangerValidate(
  d: PodDraft,
  ctx: AdmissionContext,
): { reason: string; object: SourceRef } | undefined {
  const errs: string[] = [];
  let object: SourceRef | undefined;
  for (const range of ctx.limitRanges.get(d.namespace) ?? []) {
    for (const item of range.limits) {
      const before = errs.length;
      if (item.type === "Container") {
        for (const c of [...d.spec.containers, ...d.spec.initContainers]) check(item, c.requests, c.limits, errs);
      } else if (item.type === "Pod") {
        check(
          item,
          podAggregate(d.spec, (c) => c.requests, d.spec.resources?.requests),
          podAggregate(d.spec, (c) => c.limits, d.spec.resources?.limits),
          errs,
        );
      }
      if (errs.length > before) object ??= item.source;
    }
  }
  return errs.length === 0 ? undefined : { reason: aggregate(errs), object: object! };
}
