import type { Node, Pod, Service, ServiceEndpoints } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { nodeAddresses } from "./calico.js";

/**
 * Lookups the path evaluators share, built once per snapshot on first use (a snapshot is not
 * changed after loading; what-ifs and fixes make new ones). Without them every hop of a trace
 * scanned every pod and service: 230 traces/s on the 5,000-node bench instead of thousands.
 */
export interface SnapshotIndex {
  /** services by ClusterIP, external IP and load-balancer ingress IP, in snapshot order */
  readonly servicesByAddress: ReadonlyMap<string, readonly Service[]>;
  /** NodePort and LoadBalancer services by node port, in snapshot order */
  readonly servicesByNodePort: ReadonlyMap<number, readonly Service[]>;
  /** services by `namespace/name`, the first on a clash */
  readonly servicesByName: ReadonlyMap<string, Service>;
  readonly endpointsByService: ReadonlyMap<string, ServiceEndpoints>;
  readonly podsByName: ReadonlyMap<string, Pod>;
  /** pods not on the host network, by pod IP (a running pod wins over a finished one) */
  readonly podsByIp: ReadonlyMap<string, Pod>;
  /** pods by the workload that owns them (`Kind/namespace/name`), in snapshot order */
  readonly podsByOwner: ReadonlyMap<string, readonly Pod[]>;
  /** pods by the node they are bound to, in snapshot order */
  readonly podsByNode: ReadonlyMap<string, readonly Pod[]>;
  readonly nodesByName: ReadonlyMap<string, Node>;
  /** nodes by each of their own addresses (calico.ts nodeAddresses), the first node on a clash */
  readonly nodesByAddress: ReadonlyMap<string, Node>;
}

export function ownerKey(ref: {
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}): string {
  return `${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

const cache = new WeakMap<Snapshot, SnapshotIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function snapshotIndex(snapshot: Snapshot): SnapshotIndex {
  let index = cache.get(snapshot);
  if (index) return index;
  const k = snapshot.kubernetes;
  const servicesByAddress = new Map<string, Service[]>();
  const servicesByNodePort = new Map<number, Service[]>();
  const servicesByName = new Map<string, Service>();
  for (const s of k.services) {
    const name = `${s.namespace}/${s.name}`;
    if (!servicesByName.has(name)) servicesByName.set(name, s);
    const addresses = new Set([
      s.clusterIP,
      ...s.clusterIPs,
      ...s.externalIPs,
      ...(s.type === "LoadBalancer" ? s.loadBalancerIngress.map((i) => i.ip) : []),
    ]);
    for (const ip of addresses) if (ip && ip !== "None") push(servicesByAddress, ip, s);
    if (s.type === "NodePort" || s.type === "LoadBalancer")
      for (const port of new Set(s.ports.map((p) => p.nodePort)))
        if (port !== undefined) push(servicesByNodePort, port, s);
  }
  const endpointsByService = new Map<string, ServiceEndpoints>();
  for (const e of k.serviceEndpoints) {
    const key = `${e.service.namespace}/${e.service.name}`;
    if (!endpointsByService.has(key)) endpointsByService.set(key, e);
  }
  const podsByName = new Map<string, Pod>();
  const podsByIp = new Map<string, Pod>();
  const podsByOwner = new Map<string, Pod[]>();
  const podsByNode = new Map<string, Pod[]>();
  for (const p of k.pods) {
    if (p.owner) push(podsByOwner, ownerKey(p.owner), p);
    if (p.nodeName) push(podsByNode, p.nodeName, p);
    const key = `${p.namespace}/${p.name}`;
    if (!podsByName.has(key)) podsByName.set(key, p);
    if (p.podIP && !p.spec.hostNetwork && (!podsByIp.has(p.podIP) || p.phase === "Running")) podsByIp.set(p.podIP, p);
  }
  const nodesByName = new Map<string, Node>();
  const nodesByAddress = new Map<string, Node>();
  for (const n of k.nodes) {
    if (!nodesByName.has(n.name)) nodesByName.set(n.name, n);
    for (const a of nodeAddresses(n)) if (!nodesByAddress.has(a)) nodesByAddress.set(a, n);
  }
  index = {
    servicesByAddress,
    servicesByNodePort,
    servicesByName,
    endpointsByService,
    podsByName,
    podsByIp,
    podsByOwner,
    podsByNode,
    nodesByName,
    nodesByAddress,
  };
  cache.set(snapshot, index);
  return index;
}
