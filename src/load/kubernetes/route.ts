import type { ObjectMeta, OpenShiftRoute } from "../../model/kubernetes.js";
import type { Fields } from "../fields.js";

interface RawRoute {
  spec?: {
    to?: { kind?: string; name?: string };
    alternateBackends?: { kind?: string; name?: string }[];
    port?: { targetPort?: number | string };
  };
}

/**
 * route.openshift.io/v1 Route (openshift/api route/v1 types.go: RouteSpec `to`,
 * `alternateBackends`, `port.targetPort`), as np-guard netpol-analyzer reads it
 * (pkg/netpol/connlist/internal/ingressanalyzer/ingress_analyzer.go `getRouteServices`).
 */
export function convertRoute(f: Fields<object>, meta: ObjectMeta): OpenShiftRoute {
  const spec = (f as unknown as Fields<RawRoute>).objOrEmpty("spec");
  const backends: { kind: string; name: string }[] = [];
  const to = spec.obj("to");
  if (to) backends.push({ kind: to.str("kind") ?? "", name: to.str("name") ?? "" });
  for (const b of spec.objs("alternateBackends"))
    backends.push({ kind: b.str("kind") ?? "", name: b.str("name") ?? "" });
  const target = spec.obj("port")?.any("targetPort");
  return {
    meta,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    backends,
    targetPort: typeof target === "number" || typeof target === "string" ? target : undefined,
  };
}
