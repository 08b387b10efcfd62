/**
 * A synthetic cluster at real scale, written as `kubectl get -o json` prints it: nodes over three
 * zones (a share tainted), and pods of many Deployments with selectors, affinities, spread
 * constraints and resource requests. Deterministic (seeded), so runs compare.
 */
import { createWriteStream, type WriteStream } from "node:fs";

export interface SyntheticSize {
  readonly nodes: number;
  readonly pods: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"];

export function nodeObject(i: number, random: () => number): object {
  const zone = ZONES[i % ZONES.length]!;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const tainted = random() < 0.1;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: `node-${i}`,
      uid: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
      labels: {
        "kubernetes.io/hostname": `node-${i}`,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "topology.kubernetes.io/zone": zone,
        "node.kubernetes.io/instance-type": random() < 0.5 ? "m5.2xlarge" : "m5.4xlarge",
        ...(tainted ? { "workload-class": "gpu" } : {}),
      },
      annotations: { "projectcalico.org/IPv4Address": `${ip}/16`, "projectcalico.org/IPv4VXLANTunnelAddr": `192.168.${i % 256}.${(i >> 8) & 63}` },
    },
    spec: { providerID: `aws:///${zone}/i-${i.toString(16).padStart(17, "0")}`, ...(tainted ? { taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] } : {}) },
    status: {
      capacity: { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "100Gi" },
      allocatable: { cpu: "15890m", memory: "62Gi", pods: "110", "ephemeral-storage": "95Gi" },
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: `ip-${ip.replace(/\./g, "-")}.ec2.internal` },
      ],
      nodeInfo: { kubeletVersion: "v1.30.4", osImage: "Amazon Linux 2023", containerRuntimeVersion: "containerd://1.7.11" },
    },
  };
}

export function podObject(i: number, nodes: number, random: () => number): object {
  const app = `app-${i % 3000}`;
  const ns = `team-${i % 40}`;
  const node = Math.floor(random() * nodes);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${app}-7d9f8c6b5-${i.toString(36)}`,
      namespace: ns,
      uid: `11111111-0000-0000-0000-${String(i).padStart(12, "0")}`,
      labels: { app, "pod-template-hash": "7d9f8c6b5", tier: i % 2 ? "web" : "worker" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${app}-7d9f8c6b5`, uid: "x", controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: `node-${node}`,
      containers: [
        {
          name: "main",
          image: `registry.example.com/${app}:1.${i % 7}`,
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          resources: { requests: { cpu: `${100 + (i % 5) * 50}m`, memory: `${128 * (1 + (i % 4))}Mi` }, limits: { memory: "1Gi" } },
          env: [{ name: "LOG_LEVEL", value: "info" }, { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }],
          volumeMounts: [{ name: "kube-api-access", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true }],
        },
      ],
      nodeSelector: i % 5 === 0 ? { "kubernetes.io/os": "linux" } : undefined,
      affinity:
        i % 7 === 0
          ? { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: "kubernetes.io/hostname" } }] } }
          : undefined,
      topologySpreadConstraints: i % 11 === 0 ? [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app } } }] : undefined,
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
      schedulerName: "default-scheduler",
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
    },
    status: {
      phase: "Running",
      podIP: `192.168.${(i >> 8) & 255}.${i & 255}`,
      hostIP: `10.${(node >> 16) & 255}.${(node >> 8) & 255}.${node & 255}`,
      conditions: [{ type: "Ready", status: "True" }],
      startTime: "2026-11-01T00:00:00Z",
    },
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
    const text = pretty ? JSON.stringify(make(i), null, 4).replace(/^/gm, "        ") : "        " + JSON.stringify(make(i));
    if (!write(text + (i + 1 < count ? ",\n" : "\n"))) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  write('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return bytes;
}

/** Writes nodes.json and pods.json (kubectl-style pretty JSON) into `dir`; returns their sizes. */
export async function writeSyntheticCluster(dir: string, size: SyntheticSize): Promise<{ nodesBytes: number; podsBytes: number }> {
  const random = rng(42);
  const nodesBytes = await writeList(`${dir}/nodes.json`, size.nodes, (i) => nodeObject(i, random), true);
  const podsBytes = await writeList(`${dir}/pods.json`, size.pods, (i) => podObject(i, size.nodes, random), false);
  return { nodesBytes, podsBytes };
}
