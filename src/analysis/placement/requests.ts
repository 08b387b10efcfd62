import type { Container, PodSpec, ResourceList } from "../../model/kubernetes.js";

/**
 * The containers' requests (component-helpers/resource/helpers.go AggregateContainerRequests):
 * the sum of the app containers and of the restartable init containers (sidecars, KEP-753), or
 * the largest init container (with the sidecars started before it) if that is more.
 */
export function aggregateContainerRequests(spec: PodSpec): Record<string, number> {
  const reqs: Record<string, number> = {};
  for (const c of spec.containers) add(reqs, c.requests);
  const sidecars: Record<string, number> = {};
  let initMax: Record<string, number> = {};
  for (const c of spec.initContainers) {
    let containerReqs: Record<string, number>;
    if (c.restartPolicy === "Always") {
      add(reqs, c.requests);
      add(sidecars, c.requests);
      containerReqs = { ...sidecars };
    } else {
      containerReqs = { ...c.requests };
      add(containerReqs, sidecars);
    }
    initMax = max(initMax, containerReqs);
  }
  return max(reqs, initMax);
}

/** component-helpers/resource/helpers.go IsSupportedPodLevelResource: cpu, memory and hugepages-*. */
export function isSupportedPodLevelResource(name: string): boolean {
  return name === "cpu" || name === "memory" || name.startsWith("hugepages-");
}

/**
 * The resources a pod requests, as the scheduler counts them
 * (k8s.io/component-helpers/resource/helpers.go PodRequests): the containers' aggregate, each
 * supported resource replaced by the pod-level request when spec.resources sets one
 * (PodLevelResources, beta and on by default from v1.34: applyPodLevelResources), plus the pod
 * overhead.
 */
export function podRequests(spec: PodSpec): ResourceList {
  const out = aggregateContainerRequests(spec);
  const podLevel = spec.resources?.requests;
  if (podLevel) for (const key in podLevel) if (isSupportedPodLevelResource(key)) out[key] = podLevel[key]!;
  add(out, spec.overhead);
  return out;
}

/** scheduler/util: DefaultMilliCPURequest and DefaultMemoryRequest, for containers requesting none */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/**
 * cpu and memory as the scoring plugins count them: a container (or init container) without a
 * request counts 100m cpu and 200Mi memory (scheduler/util GetNonzeroRequests).
 */
export function nonZeroRequests(spec: PodSpec): { cpu: number; memory: number } {
  const nonZero = (c: Container) => ({
    cpu: c.requests["cpu"] ?? DEFAULT_MILLI_CPU_REQUEST,
    memory: c.requests["memory"] ?? DEFAULT_MEMORY_REQUEST,
  });
  let cpu = 0;
  let memory = 0;
  for (const c of spec.containers) {
    const r = nonZero(c);
    cpu += r.cpu;
    memory += r.memory;
  }
  let sidecarCpu = 0;
  let sidecarMemory = 0;
  let initCpu = 0;
  let initMemory = 0;
  for (const c of spec.initContainers) {
    const r = nonZero(c);
    if (c.restartPolicy === "Always") {
      cpu += r.cpu;
      memory += r.memory;
      sidecarCpu += r.cpu;
      sidecarMemory += r.memory;
      initCpu = Math.max(initCpu, sidecarCpu);
      initMemory = Math.max(initMemory, sidecarMemory);
    } else {
      initCpu = Math.max(initCpu, r.cpu + sidecarCpu);
      initMemory = Math.max(initMemory, r.memory + sidecarMemory);
    }
  }
  const standIn = {
    cpu: Math.max(cpu, initCpu) + (spec.overhead["cpu"] ?? 0),
    memory: Math.max(memory, initMemory) + (spec.overhead["memory"] ?? 0),
  };
  // PodLevelResources (scheduler framework/types.go calculateResource, getNonMissingContainerRequests):
  // with pod-level requests set, the 100m / 200Mi stand-ins apply only to a resource that
  // PodRequests (pod level, containers, overhead) leaves out altogether
  const podLevel = spec.resources?.requests;
  if (!podLevel || !Object.keys(podLevel).some(isSupportedPodLevelResource)) return standIn;
  const requests = podRequests(spec);
  return { cpu: requests["cpu"] ?? standIn.cpu, memory: requests["memory"] ?? standIn.memory };
}

function add(into: Record<string, number>, from: ResourceList): void {
  for (const key in from) into[key] = (into[key] ?? 0) + from[key]!;
}

function max(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const key in b) out[key] = Math.max(out[key] ?? 0, b[key]!);
  return out;
}
