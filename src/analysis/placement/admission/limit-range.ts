/**
 * kubernetes plugin/pkg/admission/limitranger/admission.go, PodMutateLimitFunc: for every
 * LimitRange of the pod's namespace, each item of type Container gives default limits (`default`)
 * and default requests (`defaultRequest`, itself defaulted from `default`, else `min`, by
 * SetDefaults_LimitRangeItem); mergeContainerResources sets those a container (init containers
 * included) does not set. Runs after SetDefaults_Pod, so a container that gave only limits
 * already has its requests.
 */
import type { Container, LimitRangeItem } from "../../../model/kubernetes.js";
import { formatQuantity } from "../../../model/quantity.js";
import { containerField, type AdmissionContext, type PodDraft } from "./types.js";

const SOURCE = "admission:LimitRanger";

function mergeContainerResources(
  d: PodDraft,
  c: Container,
  init: boolean,
  item: LimitRangeItem,
  range: string,
): Container {
  let limits: Record<string, number> | undefined;
  let requests: Record<string, number> | undefined;
  for (const key of Object.keys(item.default).sort()) {
    if (key in c.limits || (limits && key in limits)) continue;
    limits ??= { ...c.limits };
    limits[key] = item.default[key]!;
    d.mutations.push({
      source: SOURCE,
      field: `${containerField(init, c)}.resources.limits.${key}`,
      value: formatQuantity(key, item.default[key]!),
      reason: `no ${key} limit: LimitRange ${range} default`,
      object: item.source,
    });
  }
  for (const key of Object.keys(item.defaultRequest).sort()) {
    if (key in c.requests || (requests && key in requests)) continue;
    requests ??= { ...c.requests };
    requests[key] = item.defaultRequest[key]!;
    d.mutations.push({
      source: SOURCE,
      field: `${containerField(init, c)}.resources.requests.${key}`,
      value: formatQuantity(key, item.defaultRequest[key]!),
      reason: `no ${key} request: LimitRange ${range} defaultRequest`,
      object: item.source,
    });
  }
  return limits || requests ? { ...c, limits: limits ?? c.limits, requests: requests ?? c.requests } : c;
}

export function limitRanger(d: PodDraft, ctx: AdmissionContext): void {
  for (const range of ctx.limitRanges.get(d.namespace) ?? []) {
    const name = `${range.namespace}/${range.name}`;
    for (const item of range.limits) {
      if (item.type !== "Container") continue;
      d.spec = {
        ...d.spec,
        containers: d.spec.containers.map((c) => mergeContainerResources(d, c, false, item, name)),
        initContainers: d.spec.initContainers.map((c) => mergeContainerResources(d, c, true, item, name)),
      };
    }
  }
}
