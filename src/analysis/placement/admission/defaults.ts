/**
 * The defaults the API server gives a Pod when it decodes one (not a PodTemplate): kubernetes
 * pkg/apis/core/v1/defaults.go SetDefaults_Pod — requests defaulted from limits per container
 * (init and sidecar containers included), pod-level requests (defaultPodRequests, PodLevelResources
 * on by default from v1.34), and, with hostNetwork, each container port's hostPort
 * (defaultHostNetworkPorts).
 */
import type { Container } from "../../../model/kubernetes.js";
import { formatQuantity } from "../../../model/quantity.js";
import { aggregateContainerRequests, isSupportedPodLevelResource } from "../requests.js";
import { containerField, type PodDraft } from "./types.js";

const SOURCE = "core/v1 SetDefaults_Pod";

/** core/v1 SetDefaults_Pod: "If limits are specified, but requests are not, default requests to limits". */
function requestsFromLimits(d: PodDraft, c: Container, init: boolean): Container {
  let requests: Record<string, number> | undefined;
  for (const key of Object.keys(c.limits).sort()) {
    if (key in c.requests) continue;
    requests ??= { ...c.requests };
    requests[key] = c.limits[key]!;
    d.mutations.push({
      source: SOURCE,
      field: `${containerField(init, c)}.resources.requests.${key}`,
      value: formatQuantity(key, c.limits[key]!),
      reason: `the container gives a ${key} limit and no ${key} request: the request defaults to the limit`,
      object: d.spec.source,
    });
  }
  return requests ? { ...c, requests } : c;
}

/** core/v1 defaultHostNetworkPorts: with hostNetwork, a port's hostPort defaults to its containerPort. */
function hostNetworkPorts(d: PodDraft, c: Container, init: boolean): Container {
  if (!c.ports.some((p) => p.hostPort === undefined)) return c;
  return {
    ...c,
    ports: c.ports.map((p) => {
      if (p.hostPort !== undefined) return p;
      d.mutations.push({
        source: SOURCE,
        field: `${containerField(init, c)}.ports[${p.containerPort}/${p.protocol}].hostPort`,
        value: String(p.containerPort),
        reason:
          "hostNetwork: true — the hostPort defaults to the containerPort (defaultHostNetworkPorts), and NodePorts checks it",
        object: d.spec.source,
      });
      return { ...p, hostPort: p.containerPort };
    }),
  };
}

/**
 * core/v1 defaultPodRequests: with pod-level limits, a pod-level request left unset takes the
 * containers' aggregated requests for that resource (cpu, memory: overcommittable), else the
 * pod-level limit.
 */
function podLevelRequests(d: PodDraft): void {
  const resources = d.spec.resources;
  if (!resources || Object.keys(resources.limits).length === 0) return;
  const requests: Record<string, number> = { ...resources.requests };
  const aggregated = aggregateContainerRequests(d.spec);
  const set = (key: string, value: number, why: string) => {
    requests[key] = value;
    d.mutations.push({
      source: SOURCE,
      field: `spec.resources.requests.${key}`,
      value: formatQuantity(key, value),
      reason: why,
      object: d.spec.source,
    });
  };
  for (const key of Object.keys(aggregated).sort()) {
    if (!(key in requests) && isSupportedPodLevelResource(key) && !key.startsWith("hugepages-"))
      set(
        key,
        aggregated[key]!,
        `pod-level ${key} limit and no pod-level request: the containers' aggregated ${key} requests (defaultPodRequests)`,
      );
  }
  for (const key of Object.keys(resources.limits).sort()) {
    if (!(key in requests) && isSupportedPodLevelResource(key))
      set(
        key,
        resources.limits[key]!,
        `pod-level ${key} limit, no pod-level request and no container request: the request defaults to the pod-level limit (defaultPodRequests)`,
      );
  }
  d.spec = { ...d.spec, resources: { requests, limits: resources.limits } };
}

export function setDefaultsPod(d: PodDraft): void {
  const spec = d.spec;
  let containers = spec.containers.map((c) => requestsFromLimits(d, c, false));
  let initContainers = spec.initContainers.map((c) => requestsFromLimits(d, c, true));
  d.spec = { ...spec, containers, initContainers };
  podLevelRequests(d);
  if (spec.hostNetwork) {
    containers = d.spec.containers.map((c) => hostNetworkPorts(d, c, false));
    initContainers = d.spec.initContainers.map((c) => hostNetworkPorts(d, c, true));
    d.spec = { ...d.spec, containers, initContainers };
  }
}
