/**
 * A synthetic cluster at real scale, written as `kubectl get -o json` prints it. Deterministic
 * (seeded), so runs compare.
 *
 * - Nodes over three zones, two instance sizes; a tenth tainted `nvidia.com/gpu:NoSchedule` (and
 *   labelled for GPU workloads), a twentieth `spot:PreferNoSchedule`; each with a few common images.
 * - Applications (one per 50 pods): Deployments, and every tenth a StatefulSet, in 40 namespaces,
 *   with a realistic mix of nodeSelectors, required and preferred node affinity, preferred and
 *   required pod (anti-)affinity, topology spread constraints (ScheduleAnyway and
 *   DoNotSchedule), host ports, priority classes and best-effort pods; two of three behind a
 *   Service. A fifth of them run in full (their pods are in the snapshot, bound), a fifth half,
 *   the rest not at all: most pods are to be predicted, not observed.
 * - Two DaemonSets: node-exporter (tolerates everything, a host port; running on every node) and
 *   log-agent (tolerates nothing; not yet running).
 * The pod count `pods` is the total: observed pods plus the pods the workloads still ask for.
 */
import { closeSync, createWriteStream, openSync, writeSync, type WriteStream } from "node:fs";
import { rng } from "./rng.js";

export interface SyntheticSize {
  readonly nodes: number;
  readonly pods: number;
  /**
   * Pods as the API server stores them (`kubectl get pods -A -o json` without
   * --show-managed-fields=false): metadata.managedFields of the controller and the kubelet, and
   * status.containerStatuses — the bulk the loader never reads (the load bench).
   */
  readonly managedFields?: boolean;
}

/**
 * The managed fields of an object as server-side apply records them (apimachinery
 * fieldpath.Set serialised as FieldsV1): `f:<field>` per field, `k:{"name":…}` per list item
 * keyed by name, `.` for a map that is itself owned.
 */
function fieldsV1(value: unknown): object {
  if (Array.isArray(value)) {
    const out: Record<string, object> = {};
    value.forEach((item, i) => {
      const name = (item as { name?: unknown } | null)?.name;
      out[typeof name === "string" ? `k:{"name":${JSON.stringify(name)}}` : `i:${i}`] = {
        ".": {},
        ...fieldsV1(item),
      };
    });
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, object> = {};
    for (const [key, child] of Object.entries(value)) out[`f:${key}`] = fieldsV1(child);
    return out;
  }
  return {};
}

/** A pod as the API server returns it: managedFields of kube-controller-manager and the kubelet, container statuses. */
function asStored(pod: {
  metadata: Record<string, unknown>;
  spec: { containers: { name: string; image: string }[] };
  status: Record<string, unknown>;
}): object {
  const containerStatuses = pod.spec.containers.map((c, i) => ({
    containerID: `containerd://${String(i).padStart(64, "0")}`,
    image: c.image,
    imageID: `${c.image.split(":")[0]}@sha256:${"ab".repeat(32)}`,
    lastState: {},
    name: c.name,
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: "2026-11-01T00:00:05Z" } },
  }));
  const status = { ...pod.status, hostIP: "10.0.0.1", qosClass: "Burstable", containerStatuses };
  const { labels, ownerReferences } = pod.metadata;
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      creationTimestamp: "2026-11-01T00:00:00Z",
      resourceVersion: "123456789",
      managedFields: [
        {
          apiVersion: "v1",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:metadata": fieldsV1({ labels, ownerReferences }), "f:spec": fieldsV1(pod.spec) },
          manager: "kube-controller-manager",
          operation: "Update",
          time: "2026-11-01T00:00:00Z",
        },
        {
          apiVersion: "v1",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:status": fieldsV1(status) },
          manager: "kubelet",
          operation: "Update",
          subresource: "status",
          time: "2026-11-01T00:00:06Z",
        },
      ],
    },
    status,
  };
}

/** What was generated, for the bench's report. */
export interface SyntheticSummary {
  readonly nodes: number;
  readonly apps: number;
  readonly daemonSets: number;
  readonly services: number;
  readonly observedPods: number;
  readonly podsToPlace: number;
  readonly files: readonly string[];
}

const ZONES = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"];
const NAMESPACES = 40;
const MB = 1024 * 1024;
/** Images common to many nodes (ImageLocality has something to score). */
const COMMON_IMAGES: readonly [string, number][] = [
  ["docker.io/library/nginx:1.25", 70 * MB],
  ["docker.io/library/redis:7.2", 45 * MB],
  ["quay.io/example/java-base:17", 350 * MB],
  ["quay.io/example/python-base:3.12", 420 * MB],
  ["ghcr.io/example/envoy:1.29", 180 * MB],
  ["registry.k8s.io/pause:3.9", 1 * MB],
];

interface NodeFacts {
  readonly name: string;
  readonly gpu: boolean;
}

function nodeObject(i: number, random: () => number): { object: object; facts: NodeFacts } {
  const name = `node-${i}`;
  const zone = ZONES[i % ZONES.length]!;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const r = random();
  const gpu = r < 0.1;
  const spot = !gpu && r < 0.15;
  const large = random() < 0.5;
  const images = [
    {
      names: ["quay.io/prometheus/node-exporter@sha256:4cb2b9", "quay.io/prometheus/node-exporter:v1.8.1"],
      sizeBytes: 12 * MB,
    },
    ...COMMON_IMAGES.filter(() => random() < 0.3).map(([n, size]) => ({ names: [n], sizeBytes: size })),
  ];
  const taints = [
    ...(gpu ? [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] : []),
    ...(spot ? [{ key: "spot", value: "true", effect: "PreferNoSchedule" }] : []),
  ];
  const object = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      uid: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "topology.kubernetes.io/region": "ap-northeast-2",
        "topology.kubernetes.io/zone": zone,
        "node.kubernetes.io/instance-type": large ? "m5.4xlarge" : "m5.2xlarge",
        ...(gpu ? { "workload-class": "gpu" } : {}),
        ...(spot ? { lifecycle: "spot" } : {}),
      },
      annotations: {
        "projectcalico.org/IPv4Address": `${ip}/16`,
        "projectcalico.org/IPv4VXLANTunnelAddr": `192.168.${i % 256}.${(i >> 8) & 63}`,
      },
    },
    spec: {
      providerID: `aws:///${zone}/i-${i.toString(16).padStart(17, "0")}`,
      ...(taints.length > 0 ? { taints } : {}),
    },
    status: {
      capacity: { cpu: large ? "16" : "8", memory: large ? "64Gi" : "32Gi", pods: "110", "ephemeral-storage": "100Gi" },
      allocatable: {
        cpu: large ? "15890m" : "7910m",
        memory: large ? "62Gi" : "30Gi",
        pods: "110",
        "ephemeral-storage": "95Gi",
      },
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: `ip-${ip.replace(/\./g, "-")}.ec2.internal` },
      ],
      images,
      nodeInfo: {
        kubeletVersion: "v1.30.4",
        osImage: "Amazon Linux 2023",
        containerRuntimeVersion: "containerd://1.7.11",
      },
    },
  };
  return { object, facts: { name, gpu } };
}

const DEFAULT_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

interface App {
  readonly k: number;
  readonly name: string;
  readonly namespace: string;
  readonly kind: "Deployment" | "StatefulSet";
  readonly replicas: number;
  readonly observed: number;
  readonly gpu: boolean;
  readonly labels: Record<string, string>;
  readonly spec: object;
}

const selfTerm = (app: string, topologyKey: string) => ({ labelSelector: { matchLabels: { app } }, topologyKey });

/** The pod template of application k: the mix the placement plugins have to deal with. */
function appSpec(k: number, app: string): { spec: object; gpu: boolean } {
  const gpu = k % 50 === 7;
  const bestEffort = k % 20 === 0;
  const nodeAffinity =
    k % 13 === 0 || k % 9 === 0
      ? {
          ...(k % 13 === 0
            ? {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: "node.kubernetes.io/instance-type", operator: "In", values: ["m5.4xlarge"] },
                      ],
                    },
                  ],
                },
              }
            : {}),
          ...(k % 9 === 0
            ? {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 50,
                    preference: {
                      matchExpressions: [
                        { key: "topology.kubernetes.io/zone", operator: "In", values: [ZONES[k % 3]] },
                      ],
                    },
                  },
                ],
              }
            : {}),
        }
      : undefined;
  const podAntiAffinity =
    k % 7 === 0 || k % 61 === 0
      ? {
          ...(k % 7 === 0
            ? {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: selfTerm(app, "kubernetes.io/hostname") },
                ],
              }
            : {}),
          ...(k % 61 === 0
            ? { requiredDuringSchedulingIgnoredDuringExecution: [selfTerm(app, "kubernetes.io/hostname")] }
            : {}),
        }
      : undefined;
  const podAffinity =
    k % 17 === 0
      ? {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 20, podAffinityTerm: selfTerm(`app-${k + 1}`, "topology.kubernetes.io/zone") },
          ],
        }
      : undefined;
  const spread = [
    ...(k % 11 === 0
      ? [
          {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: { app } },
          },
        ]
      : []),
    ...(k % 23 === 0
      ? [
          {
            maxSkew: 2,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { app } },
          },
        ]
      : []),
    ...(k % 29 === 0
      ? [
          {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { app } },
          },
        ]
      : []),
  ];
  const image =
    k % 4 === 0 ? COMMON_IMAGES[k % (COMMON_IMAGES.length - 1)]![0] : `registry.example.com/${app}:1.${k % 7}`;
  const spec = {
    containers: [
      {
        name: "main",
        image,
        ports: [{ name: "http", containerPort: 8080, protocol: "TCP", ...(k % 97 === 0 ? { hostPort: 8443 } : {}) }],
        resources: bestEffort
          ? {}
          : { requests: { cpu: `${100 + (k % 5) * 100}m`, memory: `${128 << (k % 4)}Mi` }, limits: { memory: "2Gi" } },
        env: [{ name: "LOG_LEVEL", value: "info" }],
      },
    ],
    ...(k % 5 === 2 ? { nodeSelector: { "kubernetes.io/os": "linux" } } : {}),
    ...(gpu ? { nodeSelector: { "workload-class": "gpu" } } : {}),
    ...(nodeAffinity || podAntiAffinity || podAffinity
      ? {
          affinity: {
            ...(nodeAffinity ? { nodeAffinity } : {}),
            ...(podAffinity ? { podAffinity } : {}),
            ...(podAntiAffinity ? { podAntiAffinity } : {}),
          },
        }
      : {}),
    ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
    tolerations: [
      ...DEFAULT_TOLERATIONS,
      ...(gpu ? [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] : []),
    ],
    ...(k % 19 === 0 ? { priorityClassName: "high-priority" } : {}),
    schedulerName: "default-scheduler",
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    serviceAccountName: "default",
  };
  return { spec, gpu };
}

function workloadObject(app: App): object {
  return {
    apiVersion: "apps/v1",
    kind: app.kind,
    metadata: {
      name: app.name,
      namespace: app.namespace,
      uid: `22222222-0000-0000-0000-${String(app.k).padStart(12, "0")}`,
      labels: { app: app.name },
    },
    spec: {
      replicas: app.replicas,
      selector: { matchLabels: { app: app.name } },
      ...(app.kind === "StatefulSet" ? { serviceName: app.name } : {}),
      template: { metadata: { labels: app.labels }, spec: app.spec },
    },
  };
}

function daemonSet(name: string, namespace: string, spec: object): object {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace, labels: { app: name } },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
  };
}

const NODE_EXPORTER_SPEC = {
  hostNetwork: true,
  containers: [
    {
      name: "node-exporter",
      image: "quay.io/prometheus/node-exporter:v1.8.1",
      ports: [{ name: "metrics", containerPort: 9100, hostPort: 9100, protocol: "TCP" }],
      resources: { requests: { cpu: "50m", memory: "64Mi" } },
    },
  ],
  tolerations: [{ operator: "Exists" }],
  priorityClassName: "system-node-critical",
};
const LOG_AGENT_SPEC = {
  containers: [
    {
      name: "fluent-bit",
      image: "cr.fluentbit.io/fluent/fluent-bit:3.0",
      resources: { requests: { cpu: "100m", memory: "200Mi" } },
    },
  ],
};

function podObject(app: App, index: number, nodeName: string, i: number): object {
  const name =
    app.kind === "StatefulSet"
      ? `${app.name}-${index}`
      : `${app.name}-7d9f8c6b5-${index.toString(36).padStart(5, "0")}`;
  const owner =
    app.kind === "StatefulSet"
      ? { apiVersion: "apps/v1", kind: "StatefulSet", name: app.name }
      : { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${app.name}-7d9f8c6b5` };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: app.namespace,
      uid: `11111111-0000-0000-0000-${String(i).padStart(12, "0")}`,
      labels:
        app.kind === "StatefulSet"
          ? { ...app.labels, "statefulset.kubernetes.io/pod-name": name }
          : { ...app.labels, "pod-template-hash": "7d9f8c6b5" },
      ownerReferences: [{ ...owner, uid: "x", controller: true, blockOwnerDeletion: true }],
    },
    spec: { ...app.spec, nodeName },
    status: {
      phase: "Running",
      podIP: `192.168.${(i >> 8) & 255}.${i & 255}`,
      conditions: [{ type: "Ready", status: "True" }],
      startTime: "2026-11-01T00:00:00Z",
    },
  };
}

function daemonPod(name: string, namespace: string, spec: object, nodeName: string, i: number): object {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${name}-${nodeName}`,
      namespace,
      uid: `33333333-0000-0000-0000-${String(i).padStart(12, "0")}`,
      labels: { app: name },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name, uid: "y", controller: true }],
    },
    spec: { ...spec, nodeName },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
}

/**
 * Writes a `kind: List`. `pretty` indents like kubectl (4 spaces); otherwise each item is one
 * line, which keeps 150,000 pods near the 200 MB a real dump of that size has.
 */
async function writeList(path: string, count: number, make: (i: number) => object, pretty: boolean): Promise<number> {
  const out: WriteStream = createWriteStream(path);
  let bytes = 0;
  const write = (s: string) => {
    bytes += s.length;
    return out.write(s);
  };
  write('{\n    "apiVersion": "v1",\n    "items": [\n');
  for (let i = 0; i < count; i++) {
    const text = pretty
      ? JSON.stringify(make(i), null, 4).replace(/^/gm, "        ")
      : "        " + JSON.stringify(make(i));
    if (!write(text + (i + 1 < count ? ",\n" : "\n"))) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  write('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return bytes;
}

export const SYNTHETIC_FILES = [
  "nodes.json",
  "pods.json",
  "workloads.json",
  "services.json",
  "priorityclasses.json",
] as const;

/** Writes the cluster's files (SYNTHETIC_FILES) into `dir`. */
export async function writeSyntheticCluster(dir: string, size: SyntheticSize): Promise<SyntheticSummary> {
  const random = rng(42);
  const nodes: NodeFacts[] = [];
  await writeList(
    `${dir}/nodes.json`,
    size.nodes,
    (i) => {
      const { object, facts } = nodeObject(i, random);
      nodes.push(facts);
      return object;
    },
    true,
  );
  const gpuNodes = nodes.filter((n) => n.gpu);
  const plainNodes = nodes.filter((n) => !n.gpu);

  // two DaemonSets' pods (one per node) are part of the total; the applications share the rest
  const daemonPods = 2 * size.nodes;
  const appPods = Math.max(0, size.pods - daemonPods);
  const appCount = Math.max(1, Math.round(appPods / 50));
  const apps: App[] = [];
  let assigned = 0;
  for (let k = 0; k < appCount; k++) {
    const base = Math.floor(appPods / appCount);
    const replicas = k === appCount - 1 ? appPods - assigned : Math.max(1, base + ((k % 7) - 3) * 8);
    assigned += replicas;
    const name = `app-${k}`;
    const { spec, gpu } = appSpec(k, name);
    const observed = k % 5 === 0 ? replicas : k % 5 === 1 ? Math.floor(replicas / 2) : 0;
    apps.push({
      k,
      name,
      namespace: `team-${k % NAMESPACES}`,
      kind: k % 10 === 3 ? "StatefulSet" : "Deployment",
      replicas,
      observed,
      gpu,
      labels: { app: name, tier: k % 2 ? "web" : "worker" },
      spec,
    });
  }

  const observedPods: { app: App; index: number }[] = [];
  for (const app of apps) for (let index = 0; index < app.observed; index++) observedPods.push({ app, index });
  const exporterPods = size.nodes;
  await writeList(
    `${dir}/pods.json`,
    observedPods.length + exporterPods,
    (i) => {
      const stored = (pod: object) => (size.managedFields ? asStored(pod as Parameters<typeof asStored>[0]) : pod);
      if (i >= observedPods.length)
        return stored(
          daemonPod("node-exporter", "monitoring", NODE_EXPORTER_SPEC, nodes[i - observedPods.length]!.name, i),
        );
      const { app, index } = observedPods[i]!;
      const pool = app.gpu && gpuNodes.length > 0 ? gpuNodes : plainNodes.length > 0 ? plainNodes : nodes;
      return stored(podObject(app, index, pool[Math.floor(random() * pool.length)]!.name, i));
    },
    false,
  );

  const workloads = [
    ...apps.map(workloadObject),
    daemonSet("node-exporter", "monitoring", NODE_EXPORTER_SPEC),
    daemonSet("log-agent", "logging", LOG_AGENT_SPEC),
  ];
  await writeList(`${dir}/workloads.json`, workloads.length, (i) => workloads[i]!, false);

  const serviced = apps.filter((a) => a.k % 3 !== 2);
  await writeList(
    `${dir}/services.json`,
    serviced.length,
    (i) => {
      const app = serviced[i]!;
      return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: app.name, namespace: app.namespace },
        spec: {
          selector: { app: app.name },
          ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }],
          ...(app.kind === "StatefulSet" ? { clusterIP: "None" } : {}),
        },
      };
    },
    false,
  );

  const priorityClasses = [
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "high-priority" },
      value: 100000,
      globalDefault: false,
    },
    {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "system-node-critical" },
      value: 2000001000,
      globalDefault: false,
    },
  ];
  await writeList(`${dir}/priorityclasses.json`, priorityClasses.length, (i) => priorityClasses[i]!, true);

  const observedCount = observedPods.length + exporterPods;
  return {
    nodes: size.nodes,
    apps: apps.length,
    daemonSets: 2,
    services: serviced.length,
    observedPods: observedCount,
    podsToPlace: apps.reduce((n, a) => n + a.replicas - a.observed, 0) + size.nodes,
    files: SYNTHETIC_FILES,
  };
}

/**
 * Writes `kubectl get pods -A -o json` of about `bytes` bytes to `path`, as kubectl prints it
 * (4-space indent) with what the API server stores (managedFields, container statuses), in
 * bounded memory: a dump larger than the heap of the process that loads it (the load bench, the
 * bounded-memory test). Returns the pods and bytes written.
 */
export function writePodDump(path: string, bytes: number): { readonly pods: number; readonly bytes: number } {
  const fd = openSync(path, "w");
  try {
    let written = writeSync(fd, '{\n    "apiVersion": "v1",\n    "items": [\n');
    let pods = 0;
    let batch: string[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      written += writeSync(fd, batch.join(""));
      batch = [];
    };
    // one template per application, the per-pod values filled in (JSON.stringify per pod is slow)
    const templates = new Map<number, string>();
    const template = (k: number): string => {
      const name = `app-${k}`;
      const spec = {
        containers: [
          {
            name: "main",
            image: "docker.io/library/nginx:1.25",
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            resources: { requests: { cpu: "100m", memory: "128Mi" } },
            env: [{ name: "LOG_LEVEL", value: "info" }],
          },
        ],
        nodeName: "@NODE@",
      };
      const pod = asStored({
        metadata: {
          name: `${name}-7d9f8c6b5-@ID@`,
          namespace: `team-${k % NAMESPACES}`,
          uid: "22222222-0000-0000-0000-@UID@",
          labels: { app: name, tier: k % 2 ? "web" : "worker", "pod-template-hash": "7d9f8c6b5" },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "ReplicaSet",
              name: `${name}-7d9f8c6b5`,
              uid: "x",
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec,
        status: {
          phase: "Running",
          podIP: "@IP@",
          conditions: [{ type: "Ready", status: "True" }],
          startTime: "2026-11-01T00:00:00Z",
        },
      });
      return JSON.stringify({ apiVersion: "v1", kind: "Pod", ...pod }, null, 4).replace(/^/gm, "        ");
    };
    let pending = 0;
    while (written + pending < bytes) {
      const k = pods % 500;
      let text = templates.get(k);
      if (text === undefined) templates.set(k, (text = template(k)));
      const item = text
        .replace("@ID@", pods.toString(36).padStart(6, "0"))
        .replace("@UID@", String(pods).padStart(12, "0"))
        .replace("@NODE@", `node-${pods % 5000}`)
        .replace("@IP@", `10.${(pods >> 16) & 255}.${(pods >> 8) & 255}.${pods & 255}`);
      batch.push((pods > 0 ? ",\n" : "") + item);
      pending += item.length + 2;
      pods++;
      if (batch.length >= 256) {
        flush();
        pending = 0;
      }
    }
    flush();
    written += writeSync(
      fd,
      '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
    );
    return { pods, bytes: written };
  } finally {
    closeSync(fd);
  }
}
