/**
 * The objects admission plugins read: LimitRange (core/v1, the LimitRanger plugin) and
 * RuntimeClass (node.k8s.io/v1, the RuntimeClass plugin). Stored as the API server stores them:
 * a LimitRangeItem gets kubernetes pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem.
 */
import type { V1LimitRange, V1LimitRangeItem, V1RuntimeClass } from "@kubernetes/client-node";
import type { LimitRange, LimitRangeItem, ObjectMeta, ResourceList, RuntimeClass } from "../../model/kubernetes.js";
import { parseQuantity } from "../../model/quantity.js";
import type { DocumentContext, Fields } from "../fields.js";
import { readResources } from "./meta.js";
import { readToleration } from "./pod-spec.js";

/**
 * kubernetes pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem: for type Container, an
 * unset default limit is the max; an unset default request is the default limit, else the min.
 */
function defaultLimitRangeItem(
  type: string,
  raw: { default: ResourceList; defaultRequest: ResourceList; max: ResourceList; min: ResourceList },
): Omit<LimitRangeItem, "source"> {
  if (type !== "Container") return { type, ...raw };
  const def: Record<string, number> = { ...raw.default };
  for (const key in raw.max) if (!(key in def)) def[key] = raw.max[key]!;
  const defaultRequest: Record<string, number> = { ...raw.defaultRequest };
  for (const key in def) if (!(key in defaultRequest)) defaultRequest[key] = def[key]!;
  for (const key in raw.min) if (!(key in defaultRequest)) defaultRequest[key] = raw.min[key]!;
  return { type, default: def, defaultRequest, max: raw.max, min: raw.min };
}

export function convertLimitRange(f: Fields<V1LimitRange>, meta: ObjectMeta, ctx: DocumentContext): LimitRange {
  const spec = f.objOrEmpty("spec");
  const limits = spec.objs("limits").map((item: Fields<V1LimitRangeItem>): LimitRangeItem => {
    const type = item.reqStr("type");
    const raw = {
      default: readResources(item.obj("default" as never)),
      defaultRequest: readResources(item.obj("defaultRequest")),
      max: readResources(item.obj("max")),
      min: readResources(item.obj("min")),
    };
    // the ratios as plain numbers (admission.go limitRequestRatioConstraint compares limit/request with them); readResources validates them
    const ratioFields = item.obj("maxLimitRequestRatio");
    const ratios = Object.keys(readResources(ratioFields));
    const maxLimitRequestRatio =
      ratios.length === 0
        ? undefined
        : Object.fromEntries(
            ratios.map((k) => [k, parseQuantity((ratioFields!.raw as Record<string, string | number>)[k]!)!]),
          );
    return {
      ...defaultLimitRangeItem(type, raw),
      ...(maxLimitRequestRatio ? { maxLimitRequestRatio } : {}),
      source: ctx.source(item.raw),
    };
  });
  return { meta, namespace: meta.namespace ?? "default", name: meta.name, limits };
}

export function convertRuntimeClass(f: Fields<V1RuntimeClass>, meta: ObjectMeta, ctx: DocumentContext): RuntimeClass {
  const overhead = f.obj("overhead");
  const podFixed = overhead?.obj("podFixed");
  const scheduling = f.obj("scheduling");
  return {
    meta,
    name: meta.name,
    handler: f.reqStr("handler"),
    overhead: podFixed ? readResources(podFixed) : undefined,
    overheadSource: podFixed ? ctx.source(podFixed.raw) : undefined,
    nodeSelector: scheduling?.map("nodeSelector") ?? {},
    tolerations: scheduling?.objs("tolerations").map((t) => readToleration(t, ctx)) ?? [],
  };
}
