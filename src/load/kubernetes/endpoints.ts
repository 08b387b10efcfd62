import type { Diagnostic } from "../../model/diagnostics.js";
import type { EndpointSlice, Pod, Service, ServiceEndpoints } from "../../model/kubernetes.js";
import { mapSelectorMatches } from "../../model/selectors.js";
import type { Join } from "../../model/snapshot.js";

/**
 * Each Service's endpoints: its EndpointSlices (label kubernetes.io/service-name) when the
 * snapshot has any, else its legacy Endpoints object, else — for a service with a selector — the
 * observed pods the endpoints controller would pick (pkg/controller/endpointslice: running pods
 * with an IP whose labels match the selector, in the service's namespace). A selected pod whose
 * capture has no status.conditions (Pod.readyAssumed) is taken as ready; an info diagnostic per
 * service names them, and `assumedReady` lists them for traces.
 */
export function resolveServiceEndpoints(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  pods: readonly Pod[],
  joins: Join[],
  diagnostics: Diagnostic[] = [],
): ServiceEndpoints[] {
  const slicesByService = new Map<string, EndpointSlice[]>();
  const legacyByService = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    if (!slice.serviceName) continue;
    const key = `${slice.namespace}/${slice.serviceName}`;
    const target = slice.meta.kind === "Endpoints" ? legacyByService : slicesByService;
    const list = target.get(key) ?? [];
    list.push(slice);
    target.set(key, list);
  }
  const podsByNamespace = new Map<string, Pod[]>();
  for (const pod of pods) {
    const list = podsByNamespace.get(pod.namespace) ?? [];
    list.push(pod);
    podsByNamespace.set(pod.namespace, list);
  }
  return services.map((service) => {
    const key = `${service.namespace}/${service.name}`;
    const ref = { kind: "Service", namespace: service.namespace, name: service.name };
    const fromSlices = slicesByService.get(key);
    if (fromSlices) {
      joins.push({
        kind: "service-endpoints",
        from: `Service ${key}`,
        to: fromSlices.map((s) => `EndpointSlice ${s.name}`).join(", "),
        by: "kubernetes.io/service-name",
        source: service.meta.source,
      });
      return { service: ref, origin: "EndpointSlice", slices: fromSlices, pods: [] };
    }
    const legacy = legacyByService.get(key);
    if (legacy) {
      joins.push({
        kind: "service-endpoints",
        from: `Service ${key}`,
        to: `Endpoints ${service.name}`,
        by: "name",
        source: service.meta.source,
      });
      return { service: ref, origin: "Endpoints", slices: legacy, pods: [] };
    }
    const selected = service.selector
      ? (podsByNamespace.get(service.namespace) ?? []).filter(
          (p) =>
            p.podIP !== undefined &&
            p.phase !== "Succeeded" &&
            p.phase !== "Failed" &&
            mapSelectorMatches(service.selector!, p.labels),
        )
      : [];
    if (selected.length > 0) {
      joins.push({
        kind: "service-endpoints",
        from: `Service ${key}`,
        to: selected.map((p) => `Pod ${p.name}`).join(", "),
        by: "selector",
        source: service.meta.source,
      });
    }
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const podRefs = selected.map((p) => ({ kind: "Pod", namespace: p.namespace, name: p.name })).sort(byName);
    const assumed = selected
      .filter((p) => p.readyAssumed)
      .map((p) => ({ kind: "Pod", namespace: p.namespace, name: p.name }))
      .sort(byName);
    if (assumed.length === 0) return { service: ref, origin: "selector", slices: [], pods: podRefs };
    diagnostics.push({
      code: "assumed-ready",
      severity: "info",
      message: `Service ${key}: endpoint pod(s) ${assumed.map((p) => p.name).join(", ")} have no status.conditions (a trimmed capture): taken as ready`,
      source: service.meta.source,
    });
    return { service: ref, origin: "selector", slices: [], pods: podRefs, assumedReady: assumed };
  });
}
