import type { Pod, Service, ServiceEndpoints } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";

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
  readonly endpointsByService: ReadonlyMap<string, ServiceEndpoints>;
  readonly podsByName: ReadonlyMap<string, Pod>;
  /** pods not on the host network, by pod IP (a running pod wins over a finished one) */
  readonly podsByIp: ReadonlyMap<string, Pod>;
}

const cache = new WeakMap<Snapshot, SnapshotIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else map.set(key, [value]);
}

export function snapshotIndex(snapshot: Snapshot): SnapshotIndex {
  let index = cache.get(snapshot);
  if (index) return index;
  const k = snapshot.kubernetes;
  const servicesByAddress = new Map<string, Service[]>();
  const servicesByNodePort = new Map<number, Service[]>();
  for (const s of k.services) {
    for (const ip of [s.clusterIP, ...s.clusterIPs, ...s.externalIPs]) if (ip && ip !== "None") push(servicesByAddress, ip, s);
    if (s.type === "LoadBalancer") for (const i of s.loadBalancerIngress) if (i.ip) push(servicesByAddress, i.ip, s);
    if (s.type === "NodePort" || s.type === "LoadBalancer") for (const p of s.ports) if (p.nodePort !== undefined) push(servicesByNodePort, p.nodePort, s);
  }
  const endpointsByService = new Map<string, ServiceEndpoints>();
  for (const e of k.serviceEndpoints) {
    const key = `${e.service.namespace}/${e.service.name}`;
    if (!endpointsByService.has(key)) endpointsByService.set(key, e);
  }
  const podsByName = new Map<string, Pod>();
  const podsByIp = new Map<string, Pod>();
  for (const p of k.pods) {
    const key = `${p.namespace}/${p.name}`;
    if (!podsByName.has(key)) podsByName.set(key, p);
    if (p.podIP && !p.spec.hostNetwork && (!podsByIp.has(p.podIP) || p.phase === "Running")) podsByIp.set(p.podIP, p);
  }
  index = { servicesByAddress, servicesByNodePort, endpointsByService, podsByName, podsByIp };
  cache.set(snapshot, index);
  return index;
}
