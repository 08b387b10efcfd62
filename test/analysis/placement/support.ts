/**
 * Small generic factories for placement tests: model objects with every field filled, so a test
 * states only what matters to it.
 */
import { ClusterSnapshot, emptyNodeInfo, placedPod } from "../../../src/analysis/placement/cluster-snapshot.js";
import { nonZeroRequests, podRequests } from "../../../src/analysis/placement/requests.js";
import type { ClusterView, NodeInfo, PlacedPod, PodToPlace } from "../../../src/analysis/placement/types.js";
import { workloadKey } from "../../../src/analysis/placement/workload-key.js";
import { versionBehaviour } from "../../../src/analysis/placement/version.js";
import type {
  Container,
  Labels,
  Namespace,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  ObjectMeta,
  ObjectRef,
  Pod,
  PodSpec,
  ResourceList,
  Taint,
  TaintEffect,
  Toleration,
  Workload,
  WorkloadKind,
} from "../../../src/model/kubernetes.js";
import type { SourceRef } from "../../../src/model/source.js";

export const Mi = 2 ** 20;
export const Gi = 2 ** 30;

/** A distinct source position, so tests can tell which object decided. */
export function src(line: number, file = "test.yaml"): SourceRef {
  return { file, line, col: 1, doc: 0 };
}

export function meta(
  kind: string,
  name: string,
  namespace: string | undefined,
  labels: Labels = {},
  source: SourceRef = src(1),
): ObjectMeta {
  return {
    kind,
    name,
    namespace,
    labels,
    apiVersion: "v1",
    annotations: {},
    uid: undefined,
    ownerReferences: [],
    source,
  };
}

/** 4 cpu, 8Gi memory, 100Gi ephemeral storage, 110 pods. */
export const DEFAULT_ALLOCATABLE: ResourceList = {
  cpu: 4000,
  memory: 8 * Gi,
  "ephemeral-storage": 100 * Gi,
  pods: 110,
};

export function node(
  name: string,
  labels: Labels = {},
  taints: readonly Taint[] = [],
  allocatable: ResourceList = DEFAULT_ALLOCATABLE,
  extra: Partial<Node> = {},
): Node {
  return {
    meta: meta("Node", name, undefined, labels, src(100)),
    name,
    labels: { "kubernetes.io/hostname": name, ...labels },
    taints,
    unschedulable: false,
    allocatable,
    capacity: allocatable,
    addresses: [],
    internalIP: undefined,
    externalIP: undefined,
    providerID: undefined,
    podCIDRs: [],
    overlay: { vxlan: undefined, ipip: undefined, wireguard: undefined, nodeAddress: undefined },
    images: [],
    ...extra,
  };
}

export function taint(key: string, value: string, effect: TaintEffect, source: SourceRef = src(200)): Taint {
  return { key, value, effect, source };
}

export function toleration(t: Partial<Toleration> = {}): Toleration {
  return { key: "", operator: "Equal", value: "", effect: "", tolerationSeconds: undefined, source: src(300), ...t };
}

export function container(name: string, requests: ResourceList = {}, extra: Partial<Container> = {}): Container {
  return {
    name,
    image: `${name}:latest`,
    requests,
    limits: {},
    ports: [],
    restartPolicy: undefined,
    envNames: [],
    envValues: {},
    ...extra,
  };
}

export function requirement(
  key: string,
  operator: NodeSelectorRequirement["operator"],
  values: readonly string[] = [],
): NodeSelectorRequirement {
  return { key, operator, values };
}

export function term(
  matchExpressions: readonly NodeSelectorRequirement[],
  matchFields: readonly NodeSelectorRequirement[] = [],
  source: SourceRef = src(400),
): NodeSelectorTerm {
  return { matchExpressions, matchFields, source };
}

/** A pod spec with one container `app` requesting nothing, unless overridden. */
export function podSpec(overrides: Partial<PodSpec> = {}): PodSpec {
  return {
    nodeName: undefined,
    nodeSelector: {},
    nodeSelectorSource: src(10),
    affinity: { nodeAffinity: undefined, podAffinity: undefined, podAntiAffinity: undefined },
    tolerations: [],
    topologySpreadConstraints: [],
    containers: [container("app")],
    initContainers: [],
    overhead: {},
    schedulerName: "default-scheduler",
    priorityClassName: undefined,
    priority: undefined,
    hostNetwork: false,
    serviceAccountName: undefined,
    source: src(5),
    ...overrides,
  };
}

export function workload(
  kind: WorkloadKind,
  name: string,
  spec: PodSpec = podSpec(),
  extra: Partial<Workload> = {},
  namespace = "default",
): Workload {
  const labels = { app: name };
  return {
    meta: meta(kind, name, namespace, labels, src(1)),
    kind,
    namespace,
    name,
    replicas: kind === "DaemonSet" ? null : 1,
    selector: { matchLabels: labels, matchExpressions: [] },
    template: { labels, annotations: {}, spec },
    generatedFrom: undefined,
    serviceName: undefined,
    ...extra,
  };
}

/** An observed Pod (bound to `nodeName` when given). */
export function pod(name: string, spec: PodSpec = podSpec(), extra: Partial<Pod> = {}, namespace = "default"): Pod {
  return {
    meta: meta("Pod", name, namespace, {}, src(50)),
    namespace,
    name,
    labels: {},
    spec,
    nodeName: undefined,
    phase: "Running",
    podIP: undefined,
    podIPs: [],
    hostIP: undefined,
    ready: true,
    owner: undefined,
    ownedVia: undefined,
    ...extra,
  };
}

/** The pod to place for `spec`: one replica of Deployment default/web unless `workload` says otherwise. */
export function podToPlace(
  spec: PodSpec = podSpec(),
  options: { workload?: Workload; name?: string; labels?: Labels; daemonNode?: string; observed?: Pod } = {},
): PodToPlace {
  const w = options.workload ?? workload("Deployment", "web", spec);
  return {
    workload: w,
    owner: workloadKey(w),
    name: options.name ?? `${w.name}-0`,
    namespace: w.namespace,
    labels: options.labels ?? w.template.labels,
    spec,
    requests: podRequests(spec),
    nonZeroRequests: nonZeroRequests(spec),
    observed: options.observed,
    daemonNode: options.daemonNode,
  };
}

/** A pod already on `nodeName`, owned by `owner` (`Kind/namespace/name`; the pod itself by default). */
export function placed(
  name: string,
  nodeName: string,
  spec: PodSpec = podSpec(),
  options: { owner?: string; namespace?: string; labels?: Labels } = {},
): PlacedPod {
  const namespace = options.namespace ?? "default";
  return placedPod(options.owner ?? `Pod/${namespace}/${name}`, name, namespace, options.labels ?? {}, spec, nodeName);
}

/**
 * The version the plugin tests' clusters follow: v1.34.1, every gate of v1.34 on and the last
 * TaintToleration wording that names the taint ("node(s) had untolerated taint {key: value}";
 * version.ts TAINT_REASONS), which the table tests assert.
 */
const TEST_VERSION = versionBehaviour({ minor: 34, patch: 1 });

export function nodeInfo(n: Node): NodeInfo {
  return emptyNodeInfo(n);
}

/** The cluster of `nodes` with `placedPods` bound to their nodes (as the snapshot's bound pods are). */
export function cluster(
  nodes: readonly Node[],
  placedPods?: readonly PlacedPod[],
  options?: { excludeOwner?: undefined; namespaces?: readonly Namespace[] },
): ClusterSnapshot;
/** The same, seen without one workload's own pods (`withoutOwner`: feasibility's view). */
export function cluster(
  nodes: readonly Node[],
  placedPods: readonly PlacedPod[],
  options: { excludeOwner?: string; namespaces?: readonly Namespace[] },
): ClusterView;
export function cluster(
  nodes: readonly Node[],
  placedPods: readonly PlacedPod[] = [],
  options: { excludeOwner?: string; namespaces?: readonly Namespace[] } = {},
): ClusterView {
  const snapshot = new ClusterSnapshot(
    nodes.map(nodeInfo),
    new Map((options.namespaces ?? []).map((ns) => [ns.name, ns])),
    TEST_VERSION,
  );
  for (const p of placedPods) {
    const n = snapshot.nodeByName.get(p.nodeName);
    if (!n) throw new Error(`placed pod ${p.name} is on unknown node ${p.nodeName}`);
    snapshot.bind(n, p);
  }
  return options.excludeOwner === undefined ? snapshot : snapshot.withoutOwner(options.excludeOwner);
}

export function namespace(name: string, labels: Labels = {}): Namespace {
  return {
    meta: meta("Namespace", name, undefined, labels),
    name,
    labels: { "kubernetes.io/metadata.name": name, ...labels },
    implicit: false,
  };
}

export function ref(kind: string, name: string, namespace: string | undefined = "default"): ObjectRef {
  return { kind, namespace, name };
}
