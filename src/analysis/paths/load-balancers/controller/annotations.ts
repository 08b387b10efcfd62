import { ALB_ANNOTATIONS, type AlbCheckedAnnotation } from "../../../../model/annotations.js";
import type { Ingress } from "../../../../model/kubernetes.js";

/**
 * The controller's reading of `alb.ingress.kubernetes.io/` annotations: the one parser,
 * src/model/annotations.ts (pkg/annotations/parser.go), which the loader uses too; here what only
 * the controller needs: an Ingress's annotation by suffix, which of the annotations the loader
 * checks the controller re-reads, and JSON annotation values as encoding/json reads them.
 */

/** ParseStringAnnotation on an Ingress */
export function annotation(ing: Ingress, suffix: string): string | undefined {
  return ALB_ANNOTATIONS.parseStringAnnotation(suffix, ing.meta.annotations);
}

/**
 * For each annotation the loader checks (`Ingress.alb.errors[].annotation`), whether the model
 * builder re-reads it where the controller does, and so fails as the controller fails: true for
 * all of them today (listen-ports, inbound-cidrs, ssl-redirect: model-build-listener.ts and
 * model-builder.ts; group.name, group.order: group-loader.ts; scheme,
 * manage-backend-security-group-rules: model-build-load-balancer.ts; target-type,
 * backend-protocol: model-build-target-group.ts; actions, conditions:
 * enhanced-backend-builder.ts). One it does not re-read stops the group's build with the loader's
 * message (model-builder.ts buildGroup). A new checked annotation must be listed here.
 */
export const CONTROLLER_REREADS: Readonly<Record<AlbCheckedAnnotation, boolean>> = {
  scheme: true,
  "target-type": true,
  "backend-protocol": true,
  "group.name": true,
  "group.order": true,
  "ssl-redirect": true,
  "listen-ports": true,
  "inbound-cidrs": true,
  "manage-backend-security-group-rules": true,
  actions: true,
  conditions: true,
};

/** A JSON annotation's value, looked up case-insensitively as encoding/json does. */
export function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
