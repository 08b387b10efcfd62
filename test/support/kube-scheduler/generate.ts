/**
 * Random valid small clusters for the differential harness against kube-scheduler's own code
 * (conformance/kube-scheduler/, issue 10 item 4): 3–12 nodes, some bound pods and several
 * candidate workloads that hit the edges of the scheduler's filters as far as podpath models them:
 * taints and tolerations (every operator and effect, an empty key with Exists), node affinity
 * (every operator, matchFields metadata.name), nodeSelector, requests with init containers and
 * restartable sidecars, limits without requests, overhead, host ports (hostNetwork included),
 * required pod (anti-)affinity with namespaces and namespaceSelector, topology spread
 * (DoNotSchedule, minDomains, nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys), unschedulable
 * and NotReady nodes (the lifecycle controller's taints, DefaultTolerationSeconds), nodeName,
 * pod-level resources (requests, or limits only), extended resources and ephemeral storage,
 * terminating pods and DaemonSets; matchLabelKeys / mismatchLabelKeys in pod (anti-)affinity terms;
 * the objects the default admission plugins read: LimitRanges (default requests and limits),
 * PriorityClasses (a globalDefault one in some clusters) and RuntimeClasses (overhead, scheduling
 * nodeSelector and tolerations).
 *
 * Pods are written as generated, as a user or a controller asks the API server to create them.
 * The Go program creates each as the API server does (store.go: core/v1 defaults, LimitRanger,
 * Priority, DefaultTolerationSeconds, RuntimeClass, the pod registry's PrepareForCreate,
 * validation) and prints the stored pods; the snapshot podpath reads holds those stored pods
 * (snapshotFiles), as `kubectl get pods -o json` prints them, except pending pods without a uid:
 * manifests not yet applied, which podpath admits itself. Templates (Deployments, DaemonSets) are
 * written as generated: podpath admits them, the Go program creates their pods.
 *
 * Objects are what the API server accepts (core/v1 validation: tolerationSeconds only with
 * NoExecute, an empty toleration key only with Exists, Gt/Lt with one integer, minDomains only
 * with DoNotSchedule, matchLabelKeys only with a labelSelector, hostPort = containerPort under
 * hostNetwork, requests ≤ limits, restartPolicy Always only on init containers, one value for a
 * matchFields In/NotIn, one spread constraint per {topologyKey, whenUnsatisfiable}, a matchLabelKeys
 * key not in the labelSelector; the Go program fails on a pod the API server would refuse), in the JSON
 * kubectl prints. The same seed gives the same cluster (mulberry32, bench/rng.ts).
 */
import { rng } from "../../../bench/rng.js";

/** A Kubernetes object as JSON. */
export type Json = Record<string, unknown>;

export interface Candidate {
  readonly kind: "Pod" | "Deployment";
  readonly namespace: string;
  readonly name: string;
  /** the object written to the snapshot (a pending Pod, or a Deployment without pods) */
  readonly object: Json;
  /** the pod kube-scheduler is given for it */
  readonly pod: Json;
}

export interface GeneratedCluster {
  readonly seed: number;
  readonly namespaces: readonly Json[];
  readonly nodes: readonly Json[];
  /** pods bound with spec.nodeName (candidates that set nodeName are among them) */
  readonly pods: readonly Json[];
  readonly candidates: readonly Candidate[];
  /** DaemonSets without pods: the controller targets nodes and makes a pod for each */
  readonly daemonSets: readonly Json[];
  /** what the admission plugins read: LimitRanges (LimitRanger), PriorityClasses (Priority), RuntimeClasses (RuntimeClass) */
  readonly limitRanges: readonly Json[];
  readonly priorityClasses: readonly Json[];
  readonly runtimeClasses: readonly Json[];
}

/**
 * The pods as the API server stored them (the Go program's `stored`, store.go: core/v1 defaults,
 * the default admission plugins, PrepareForCreate), by namespace/name.
 */
export type StoredPods = ReadonlyMap<string, Json>;

export const podRef = (pod: Json) =>
  `${String((pod["metadata"] as Json)["namespace"])}/${String((pod["metadata"] as Json)["name"])}`;

/** What the Go program reads on stdin. */
export function frameworkInput(c: GeneratedCluster): Json {
  return {
    nodes: c.nodes,
    pods: c.pods,
    namespaces: c.namespaces,
    candidates: c.candidates.map((x) => x.pod),
    daemonSets: c.daemonSets,
    limitRanges: c.limitRanges,
    priorityClasses: c.priorityClasses,
    runtimeClasses: c.runtimeClasses,
  };
}

/**
 * The snapshot files (kubectl's `kind: List`), by file name. A pod with a uid is one the API server
 * stored: it is written as stored (`stored`, from the Go program), as `kubectl get pods -o json`
 * prints it; a pending pod without a uid is a manifest not yet applied, written as generated
 * (podpath admits it, as the API server would). Workload templates are written as generated.
 */
export function snapshotFiles(c: GeneratedCluster, stored: StoredPods): Record<string, string> {
  const list = (items: readonly Json[]) =>
    JSON.stringify({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items }, null, 1) + "\n";
  const asStored = (pod: Json): Json => {
    if ((pod["metadata"] as Json)["uid"] === undefined) return pod;
    const s = stored.get(podRef(pod));
    if (!s) throw new Error(`no stored form of pod ${podRef(pod)}`);
    return s;
  };
  // the candidates not among the bound pods: pending, or manifests (with or without nodeName)
  const pendingPods = c.candidates
    .filter(
      (x) =>
        x.kind === "Pod" && (!(x.pod["spec"] as Json)["nodeName"] || (x.pod["metadata"] as Json)["uid"] === undefined),
    )
    .map((x) => x.object);
  const deployments = c.candidates.filter((x) => x.kind === "Deployment").map((x) => x.object);
  return {
    "namespaces.json": list(c.namespaces),
    "nodes.json": list(c.nodes),
    "pods.json": list([...c.pods, ...pendingPods].map(asStored)),
    "deployments.json": list(deployments),
    "daemonsets.json": list(c.daemonSets),
    "limitranges.json": list(c.limitRanges),
    "priorityclasses.json": list(c.priorityClasses),
    "runtimeclasses.json": list(c.runtimeClasses),
  };
}

const ZONES = ["zone-a", "zone-b", "zone-c"];
const TIERS = ["gold", "silver", "bronze"];
const APPS = ["web", "db", "cache", "batch"];
const VERSIONS = ["v1", "v2"];
const NAMESPACES: Record<string, Record<string, string>> = {
  default: { "kubernetes.io/metadata.name": "default" },
  "team-a": { "kubernetes.io/metadata.name": "team-a", team: "a", env: "prod" },
  "team-b": { "kubernetes.io/metadata.name": "team-b", team: "b", env: "dev" },
};
const TAINT_POOL: readonly Json[] = [
  { key: "dedicated", value: "gpu", effect: "NoSchedule" },
  { key: "dedicated", value: "infra", effect: "NoSchedule" },
  { key: "dedicated", value: "infra", effect: "NoExecute" },
  { key: "gpu", effect: "NoSchedule" },
  { key: "spot", value: "true", effect: "PreferNoSchedule" },
  { key: "maintenance", value: "soon", effect: "NoExecute" },
  { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
];

class Gen {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  some<T>(xs: readonly T[], max: number): T[] {
    const n = this.int(1, Math.min(max, xs.length));
    const pool = [...xs];
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!);
    return out;
  }
}

export function generateCluster(seed: number): GeneratedCluster {
  const g = new Gen(seed);
  const namespaces = Object.entries(NAMESPACES).map(([name, labels]) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  }));

  const nodeCount = g.int(3, 12);
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `node-${i}`);
  const nodes = nodeNames.map((name) => node(g, name));
  const { limitRanges, priorityClasses, runtimeClasses } = admissionObjects(g);
  const env: Env = {
    nodeNames,
    limitRangeNamespaces: new Set(limitRanges.map((l) => String((l["metadata"] as Json)["namespace"]))),
  };

  const pods: Json[] = [];
  const boundCount = g.int(0, nodeCount * 2);
  for (let i = 0; i < boundCount; i++) {
    const ns = g.pick(Object.keys(NAMESPACES));
    const spec = podSpec(g, env, ns, "bound");
    spec["nodeName"] = g.pick(nodeNames);
    const labels = podLabels(g);
    // a pod of an older Deployment revision (matchLabelKeys [pod-template-hash] leaves it out)
    if (g.chance(0.15)) labels["pod-template-hash"] = "5d8f7c9b4";
    const pod = podObject(`bound-${i}`, ns, labels, spec, "Running");
    // a terminating pod: still on its node (resources, ports), left out of spread counts
    if (g.chance(0.06))
      Object.assign(pod["metadata"] as Json, {
        deletionTimestamp: "2026-01-01T00:00:00Z",
        deletionGracePeriodSeconds: 30,
      });
    pods.push(pod);
  }

  const candidates: Candidate[] = [];
  const candidateCount = g.int(3, 8);
  for (let i = 0; i < candidateCount; i++) {
    const ns = g.pick(Object.keys(NAMESPACES));
    const labels = podLabels(g);
    const spec = podSpec(g, env, ns, "candidate");
    if (g.chance(0.25)) {
      const name = `deploy-${i}`;
      const template = { metadata: { labels }, spec };
      const object = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: ns, labels: { app: labels["app"] } },
        spec: { replicas: 1, selector: { matchLabels: labels }, template },
      };
      candidates.push({
        kind: "Deployment",
        namespace: ns,
        name,
        object,
        // the controller's pod carries pod-template-hash (ComputeHash of the template: no bound
        // pod has its value; podpath puts a stand-in there, hash.ts)
        pod: podObject(`${name}-0`, ns, { ...labels, "pod-template-hash": "6b7c8d9f5" }, spec, "Pending"),
      });
    } else {
      const name = `cand-${i}`;
      if (g.chance(0.1)) spec["nodeName"] = g.pick(nodeNames);
      // a pod that sets nodeName: already running there, or a manifest not yet applied (the
      // node's kubelet, not the scheduler, will admit it)
      const kubelet = spec["nodeName"] !== undefined && g.chance(0.5);
      const bound = spec["nodeName"] !== undefined && !kubelet;
      const object = podObject(name, ns, labels, spec, bound ? "Running" : "Pending");
      // a pending pod not yet created (a manifest, no uid): podpath admits it itself
      // (a manifest has no status either)
      if (kubelet || (!bound && g.chance(0.4))) {
        delete (object["metadata"] as Json)["uid"];
        delete object["status"];
      }
      candidates.push({ kind: "Pod", namespace: ns, name, object, pod: object });
      // a pod that sets nodeName is bound: the others see it on its node
      if (bound) pods.push(object);
    }
  }
  const daemonSets: Json[] = [];
  const daemonCount = g.chance(0.6) ? g.int(1, 2) : 0;
  for (let i = 0; i < daemonCount; i++) {
    const ns = g.pick(Object.keys(NAMESPACES));
    const labels: Record<string, string> = { ...podLabels(g), daemon: `ds-${i}` };
    const spec = podSpec(g, env, ns, "daemon");
    daemonSets.push({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: `ds-${i}`, namespace: ns, labels: { app: labels["app"] } },
      spec: { selector: { matchLabels: { daemon: `ds-${i}` } }, template: { metadata: { labels }, spec } },
    });
  }
  return { seed, namespaces, nodes, pods, candidates, daemonSets, limitRanges, priorityClasses, runtimeClasses };
}

interface Env {
  readonly nodeNames: readonly string[];
  /** namespaces with a LimitRange (no pod-level resources there: its container defaults could exceed them) */
  readonly limitRangeNamespaces: ReadonlySet<string>;
}

const PRIORITY_CLASSES = ["high", "low", "standard"];

/**
 * The objects the default admission plugins read. LimitRanges only default (no min/max, default
 * limits above any generated request): the API server refuses no generated pod.
 */
function admissionObjects(g: Gen): { limitRanges: Json[]; priorityClasses: Json[]; runtimeClasses: Json[] } {
  const limitRanges: Json[] = [];
  for (const ns of Object.keys(NAMESPACES))
    if (g.chance(0.3)) {
      const item: Json = {
        type: "Container",
        defaultRequest: { cpu: g.pick(["100m", "200m"]), memory: g.pick(["128Mi", "256Mi"]) },
      };
      if (g.chance(0.5)) item["default"] = { cpu: "2", memory: "4Gi" };
      if (g.chance(0.3)) delete (item["defaultRequest"] as Json)["memory"];
      limitRanges.push({
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: { name: "defaults", namespace: ns },
        spec: { limits: [item] },
      });
    }
  const priorityClasses: Json[] = [
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "high" },
      value: 1000,
      preemptionPolicy: "PreemptLowerPriority",
    },
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "low" },
      value: -10,
      preemptionPolicy: "Never",
    },
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "standard" },
      value: 100,
      globalDefault: g.chance(0.5),
      preemptionPolicy: "PreemptLowerPriority",
    },
  ];
  const runtimeClasses: Json[] = [
    {
      apiVersion: "node.k8s.io/v1",
      kind: "RuntimeClass",
      metadata: { name: "kata" },
      handler: "kata",
      overhead: { podFixed: { cpu: g.pick(["50m", "250m"]), memory: g.pick(["64Mi", "120Mi"]) } },
      scheduling: {
        nodeSelector: { runtime: "kata" },
        tolerations: [{ key: "runtime", operator: "Equal", value: "kata", effect: "NoSchedule" }],
      },
    },
    {
      apiVersion: "node.k8s.io/v1",
      kind: "RuntimeClass",
      metadata: { name: "gvisor" },
      handler: "runsc",
      overhead: { podFixed: { cpu: "100m", memory: "64Mi" } },
    },
    { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "runc" }, handler: "runc" },
  ];
  return { limitRanges, priorityClasses, runtimeClasses };
}

function node(g: Gen, name: string): Json {
  const labels: Record<string, string> = {
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
  };
  // a node without a zone label has no domain for zone spread constraints
  if (g.chance(0.9)) labels["topology.kubernetes.io/zone"] = g.pick(ZONES);
  if (g.chance(0.7)) labels["tier"] = g.pick(TIERS);
  if (g.chance(0.6)) labels["rank"] = String(g.int(1, 9));
  if (g.chance(0.3)) labels["disk"] = "ssd";
  // nodes of the kata RuntimeClass (its scheduling.nodeSelector), some tainted for it
  const kata = g.chance(0.3);
  if (kata) labels["runtime"] = "kata";
  const taints: Json[] = g.chance(0.45) ? g.some(TAINT_POOL, 2).map((t) => ({ ...t })) : [];
  // a NotReady node: the node lifecycle controller's taints, NoSchedule and NoExecute
  const notReady = g.chance(0.08);
  if (notReady) {
    const key = g.pick(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]);
    taints.push(
      { key, effect: "NoSchedule", timeAdded: "2026-01-01T00:00:00Z" },
      { key, effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" },
    );
  }
  if (kata && g.chance(0.4)) taints.push({ key: "runtime", value: "kata", effect: "NoSchedule" });
  const unschedulable = g.chance(0.12);
  if (unschedulable)
    taints.push({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: "2026-01-01T00:00:00Z" });
  const cpu = `${g.pick([500, 1000, 1930, 2000, 4000, 8000])}m`;
  const memory = `${g.pick([1, 2, 4, 8, 16])}Gi`;
  const maxPods = String(g.pick([4, 8, 110, 110]));
  const resources: Record<string, string> = {
    cpu,
    memory,
    pods: maxPods,
    "ephemeral-storage": g.pick(["20Gi", "20Gi", "4Gi"]),
  };
  // an extended resource (a device plugin's), on some nodes
  if (g.chance(0.25)) resources["example.com/gpu"] = String(g.int(1, 2));
  const spec: Json = {};
  if (taints.length > 0) spec["taints"] = taints;
  if (unschedulable) spec["unschedulable"] = true;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels },
    spec,
    status: {
      allocatable: resources,
      capacity: resources,
      conditions: [
        notReady
          ? {
              type: "Ready",
              status: "Unknown",
              reason: "NodeStatusUnknown",
              message: "Kubelet stopped posting node status.",
            }
          : { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
      ],
      nodeInfo: { kubeletVersion: "v1.34.4", operatingSystem: "linux", architecture: "amd64" },
    },
  };
}

function podLabels(g: Gen): Record<string, string> {
  const labels: Record<string, string> = { app: g.pick(APPS) };
  if (g.chance(0.7)) labels["version"] = g.pick(VERSIONS);
  if (g.chance(0.3)) labels["role"] = g.pick(["primary", "replica"]);
  return labels;
}

function podObject(name: string, namespace: string, labels: Record<string, string>, spec: Json, phase: string): Json {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels, uid: `uid-${namespace}-${name}` },
    spec,
    status: { phase },
  };
}

const cpuQ = (g: Gen) => `${g.pick([50, 100, 250, 500, 900, 1000, 1500])}m`;
const memQ = (g: Gen) => `${g.pick([64, 128, 256, 512, 1024, 3072])}Mi`;

function resources(g: Gen): Json {
  const out = baseResources(g);
  // an extended resource: its request, if given, equals its limit (validation)
  if (g.chance(0.08)) {
    const n = String(g.int(1, 2));
    out["limits"] = { ...(out["limits"] ?? {}), "example.com/gpu": n };
    if (g.chance(0.5)) out["requests"] = { ...(out["requests"] ?? {}), "example.com/gpu": n };
  }
  if (g.chance(0.1))
    out["requests"] = { ...(out["requests"] ?? {}), "ephemeral-storage": g.pick(["1Gi", "5Gi", "30Gi"]) };
  return out;
}

function baseResources(g: Gen): Json {
  const r = g.next();
  if (r < 0.15) return {};
  const cpu = cpuQ(g);
  const memory = memQ(g);
  if (r < 0.3) return { limits: { cpu, memory } }; // requests defaulted from limits
  if (r < 0.4) return { requests: { cpu }, limits: { cpu, memory } }; // memory request from its limit
  return { requests: { cpu, memory } };
}

function container(g: Gen, name: string, hostNetwork: boolean, usedPorts: Set<string>): Json {
  const c: Json = { name, image: `registry.example/${name}:1`, resources: resources(g) };
  if (g.chance(0.3)) {
    const containerPort = g.pick([80, 443, 8080, 9100]);
    const protocol = g.pick(["TCP", "TCP", "UDP"]);
    const key = `${protocol}/${containerPort}`;
    if (!usedPorts.has(key)) {
      usedPorts.add(key);
      const port: Json = { containerPort, protocol };
      // under hostNetwork, hostPort is containerPort (validation); left out, the API server sets it
      if (hostNetwork) {
        if (g.chance(0.5)) port["hostPort"] = containerPort;
      } else if (g.chance(0.7)) {
        port["hostPort"] = containerPort;
        if (g.chance(0.2)) port["hostIP"] = g.pick(["10.0.0.1", "0.0.0.0"]);
      }
      c["ports"] = [port];
    }
  }
  return c;
}

function podSpec(g: Gen, env: Env, namespace: string, role: "bound" | "candidate" | "daemon"): Json {
  const nodeNames = env.nodeNames;
  const hostNetwork = g.chance(role === "bound" ? 0.1 : role === "daemon" ? 0.4 : 0.12);
  const usedPorts = new Set<string>();
  const spec: Json = {
    containers: Array.from({ length: g.int(1, 2) }, (_, i) => container(g, `c${i}`, hostNetwork, usedPorts)),
  };
  if (hostNetwork) spec["hostNetwork"] = true;
  if (g.chance(0.35)) {
    spec["initContainers"] = Array.from({ length: g.int(1, 2) }, (_, i) => {
      const c = container(g, `init${i}`, hostNetwork, usedPorts);
      if (g.chance(0.5)) c["restartPolicy"] = "Always"; // a sidecar
      return c;
    });
  }
  if (g.chance(0.08) && !env.limitRangeNamespaces.has(namespace)) {
    // pod-level resources (PodLevelResources, beta and on from v1.34): the containers say nothing,
    // the pod's requests (or its limits, which defaultPodRequests copies) are what the scheduler counts
    for (const c of [...(spec["containers"] as Json[]), ...((spec["initContainers"] as Json[] | undefined) ?? [])])
      c["resources"] = {};
    spec["resources"] = g.chance(0.7)
      ? { requests: { cpu: cpuQ(g), memory: memQ(g) } }
      : { limits: { cpu: cpuQ(g), memory: memQ(g) } };
  }
  // overhead and scheduling come from the RuntimeClass (the RuntimeClass admission plugin)
  if (g.chance(0.12)) spec["runtimeClassName"] = g.pick(["kata", "kata", "gvisor", "runc"]);
  // priority from the PriorityClass (the Priority admission plugin; the globalDefault one if unnamed)
  if (g.chance(0.2)) spec["priorityClassName"] = g.pick(PRIORITY_CLASSES);
  if (role === "bound") {
    if (g.chance(0.2)) spec["affinity"] = { podAntiAffinity: podAffinityRequired(g) };
    else if (g.chance(0.1)) spec["affinity"] = { podAffinity: podAffinityRequired(g) };
    spec["tolerations"] = [{ operator: "Exists" }];
    return spec;
  }
  if (g.chance(0.55)) spec["tolerations"] = Array.from({ length: g.int(1, 3) }, () => toleration(g));
  if (g.chance(0.25)) spec["nodeSelector"] = nodeSelector(g);
  const affinity: Json = {};
  if (g.chance(0.35))
    affinity["nodeAffinity"] = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: Array.from({ length: g.int(1, 2) }, () => nodeSelectorTerm(g, nodeNames)),
      },
    };
  if (g.chance(0.25)) affinity["podAffinity"] = podAffinityRequired(g);
  if (g.chance(0.25)) affinity["podAntiAffinity"] = podAffinityRequired(g);
  if (Object.keys(affinity).length > 0) spec["affinity"] = affinity;
  if (g.chance(0.35)) {
    // one constraint per {topologyKey, whenUnsatisfiable} (validation)
    const constraints = Array.from({ length: g.int(1, 2) }, (_, i) => spread(g, i));
    spec["topologySpreadConstraints"] = constraints.filter(
      (c, i) =>
        constraints.findIndex(
          (d) => d["topologyKey"] === c["topologyKey"] && d["whenUnsatisfiable"] === c["whenUnsatisfiable"],
        ) === i,
    );
  }
  return spec;
}

function toleration(g: Gen): Json {
  const r = g.next();
  if (r < 0.08) return { operator: "Exists" }; // empty key with Exists: tolerates every taint
  if (r < 0.14) return { operator: "Exists", effect: g.pick(["NoSchedule", "NoExecute", "PreferNoSchedule"]) };
  // the NoSchedule taint of a NotReady node tolerated, its NoExecute one left to the admission
  if (r < 0.25) return { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" };
  if (r < 0.3)
    return {
      key: g.pick(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]),
      operator: "Exists",
      effect: "NoSchedule",
    };
  const taint = g.pick(TAINT_POOL);
  const t: Json = { key: taint["key"] };
  if (taint["value"] === undefined || g.chance(0.3)) t["operator"] = "Exists";
  else {
    if (g.chance(0.7)) t["operator"] = "Equal"; // left out, the operator is Equal
    t["value"] = g.chance(0.8) ? taint["value"] : "other";
  }
  const effect = g.pick(["", "", "NoSchedule", "NoExecute", "PreferNoSchedule"]);
  if (effect) t["effect"] = effect;
  if (effect === "NoExecute" && g.chance(0.4)) t["tolerationSeconds"] = 300;
  return t;
}

function nodeSelector(g: Gen): Record<string, string> {
  const r = g.next();
  if (r < 0.4) return { "topology.kubernetes.io/zone": g.pick(ZONES) };
  if (r < 0.7) return { tier: g.pick(TIERS) };
  if (r < 0.85) return { disk: "ssd", "kubernetes.io/os": "linux" };
  return { "kubernetes.io/hostname": `node-${g.int(0, 5)}` };
}

function nodeSelectorTerm(g: Gen, nodeNames: readonly string[]): Json {
  const term: Json = {};
  if (g.chance(0.8)) {
    term["matchExpressions"] = Array.from({ length: g.int(1, 2) }, () => {
      const op = g.pick(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]);
      switch (op) {
        case "In":
        case "NotIn": {
          const key = g.pick(["tier", "topology.kubernetes.io/zone", "disk"]);
          const values = key === "tier" ? g.some(TIERS, 2) : key === "disk" ? ["ssd"] : g.some(ZONES, 2);
          return { key, operator: op, values };
        }
        case "Exists":
        case "DoesNotExist":
          return { key: g.pick(["tier", "disk", "rank", "topology.kubernetes.io/zone"]), operator: op };
        default:
          return { key: "rank", operator: op, values: [String(g.int(1, 8))] };
      }
    });
  }
  if (g.chance(0.3) || term["matchExpressions"] === undefined) {
    // a node field selector takes exactly one value with In or NotIn (validation: what the
    // DaemonSet controller writes)
    const name = g.chance(0.1) ? "node-absent" : g.pick(nodeNames);
    term["matchFields"] = [{ key: "metadata.name", operator: g.chance(0.8) ? "In" : "NotIn", values: [name] }];
  }
  return term;
}

function labelSelector(g: Gen): Json {
  if (g.chance(0.6)) return { matchLabels: { app: g.pick(APPS) } };
  return {
    matchExpressions: [
      g.chance(0.5)
        ? { key: "app", operator: g.pick(["In", "NotIn"]), values: g.some(APPS, 2) }
        : { key: g.pick(["version", "role"]), operator: g.pick(["Exists", "DoesNotExist"]) },
    ],
  };
}

function podAffinityRequired(g: Gen): Json {
  return {
    requiredDuringSchedulingIgnoredDuringExecution: Array.from({ length: g.int(1, 2) }, () => {
      const term: Json = {
        labelSelector: labelSelector(g),
        topologyKey: g.pick([
          "kubernetes.io/hostname",
          "topology.kubernetes.io/zone",
          "topology.kubernetes.io/zone",
          "tier",
        ]),
      };
      // matchLabelKeys / mismatchLabelKeys (KEP-3633): the API server merges them into the
      // labelSelector on create (PrepareForCreate); a matchLabelKeys key must not be in the
      // labelSelector too (validation)
      const k = g.next();
      if (k < 0.12) {
        term["labelSelector"] = { matchLabels: { app: g.pick(APPS) } };
        term["matchLabelKeys"] = ["version"];
      } else if (k < 0.22) term["mismatchLabelKeys"] = [g.pick(["role", "version"])];
      const r = g.next();
      if (r < 0.2) term["namespaces"] = g.some(Object.keys(NAMESPACES), 2);
      else if (r < 0.3) term["namespaceSelector"] = {};
      else if (r < 0.45) term["namespaceSelector"] = { matchLabels: { env: g.pick(["prod", "dev"]) } };
      else if (r < 0.5) {
        term["namespaces"] = ["default"];
        term["namespaceSelector"] = { matchLabels: { team: "b" } };
      }
      return term;
    }),
  };
}

function spread(g: Gen, i: number): Json {
  const whenUnsatisfiable = g.chance(0.85) ? "DoNotSchedule" : "ScheduleAnyway";
  const topologyKey =
    i === 0 ? g.pick(["topology.kubernetes.io/zone", "kubernetes.io/hostname", "tier"]) : "kubernetes.io/hostname";
  const c: Json = { maxSkew: g.int(1, 2), topologyKey, whenUnsatisfiable, labelSelector: labelSelector(g) };
  if (whenUnsatisfiable === "DoNotSchedule" && g.chance(0.25)) c["minDomains"] = g.int(1, 5);
  if (g.chance(0.25)) c["nodeAffinityPolicy"] = g.pick(["Honor", "Ignore"]);
  if (g.chance(0.25)) c["nodeTaintsPolicy"] = g.pick(["Honor", "Ignore"]);
  if (g.chance(0.2)) {
    // a key of matchLabelKeys must not be in the labelSelector too (validation)
    c["labelSelector"] = { matchLabels: { app: g.pick(APPS) } };
    c["matchLabelKeys"] = [g.pick(["version", "pod-template-hash"])];
  }
  return c;
}
