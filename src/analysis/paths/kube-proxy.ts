import { createHash } from "node:crypto";
import type { Node, ObjectRef, Pod, Service, ServicePort } from "../../model/kubernetes.js";
import { parseIPv4 } from "../../model/net.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import {
  ipInCidr,
  ipPoolFor,
  nodeAddresses,
  nodeNetwork,
  nodePrimaryIp,
  overlayFor,
  type NodeNetwork,
} from "./calico.js";
import type { PathPod } from "./path-context.js";
import { snapshotIndex } from "./snapshot-index.js";
import type { DnatDetail, DropCode, EndpointPolicy, Protocol, SnatReason } from "./trace-model.js";
import {
  describeDnatRule,
  describeEndpointPolicy,
  describeHairpinReason,
  describeHairpinRule,
  describeMarkReason,
  describeMarkRule,
  describeNoEndpoints,
  describeNoEndpointsRule,
  describeNoLocalEndpoints,
  describeNoLocalEndpointsRule,
  describeNotAService,
  describeNotProxied,
  describePortNotExposed,
  describeServiceAddress,
  describeServiceDnat,
  describeServiceReply,
  type KubeProxyWording,
  type MasqueradeMark,
} from "./wording.js";

/**
 * kube-proxy's decisions for one packet, as its iptables proxier programs them
 * (kubernetes/kubernetes pkg/proxy/iptables/proxier.go, syncProxyRules; the nftables proxier,
 * pkg/proxy/nftables/proxier.go, has the same semantics with other chain names):
 *
 * - KUBE-SERVICES matches the ClusterIP, external IPs and load-balancer IPs of each service
 *   port, then (last rule, `--dst-type LOCAL`) KUBE-NODEPORTS matches NodePorts on the node's own
 *   addresses.
 * - Endpoints: pkg/proxy/topology.go CategorizeEndpoints — ready endpoints, else (all
 *   terminating) the serving-and-terminating ones; "Local" policies use only this node's.
 * - No endpoints at all: filter-table REJECT ("has no endpoints": ICMP port unreachable). A Local
 *   policy without local endpoints: DROP ("has no local endpoints").
 * - Masquerade (KUBE-MARK-MASQ, then MASQUERADE in KUBE-POSTROUTING):
 *   ClusterIP traffic whose source is outside the cluster CIDR (`localDetector.IfNotLocal()`; no
 *   cluster CIDR known → the no-op detector, no such rule), or all of it with masqueradeAll;
 *   NodePort / LoadBalancer / external-IP traffic with externalTrafficPolicy Cluster
 *   ("masquerade traffic for … external destinations"); with Local, only traffic from the node
 *   itself (`--src-type LOCAL`), while pod traffic short-circuits to all endpoints unmasqueraded
 *   ("pod traffic for … external destinations"); hairpin: an endpoint reaching itself
 *   (KUBE-SEP `-s <endpoint IP> -j KUBE-MARK-MASQ`).
 * - MASQUERADE takes the address of the interface the packet leaves by: the node IP toward the
 *   VPC and toward local pods (Calico's veths carry no address; the kernel picks the node's
 *   primary one), the node's tunnel address toward a pod behind Calico VXLAN/IPIP on another node.
 * - Replies are reversed by conntrack (un-DNAT, un-SNAT): nothing is NATed again.
 */

type ServiceAccess = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalIP";

export interface KubeProxyContext {
  /** the node whose kube-proxy rules the packet meets (the source pod's node, or the node it arrives at) */
  readonly arrivingOnNode?: string;
  readonly sourceIsPod: boolean;
  readonly sourceIp: string;
  /** kube-proxy's clusterCIDR (detect-local-mode ClusterCIDR); [] when unknown — see {@link clusterCidrsOf} */
  readonly clusterCIDRs: readonly string[];
  /** --masquerade-all (default false) */
  readonly masqueradeAll?: boolean;
  /** proxy mode (default iptables); nftables accepts NodePorts on the primary node IP only */
  readonly mode?: "iptables" | "nftables";
  /** services podpath gave an assumed ClusterIP (PathContext.assumedServices), by that address */
  readonly assumedServices?: ReadonlyMap<string, Service>;
  /** pods podpath predicts as the endpoints of such a service (`ns/name` → pods), when no observed pod is one */
  readonly assumedEndpoints?: ReadonlyMap<string, readonly PathPod[]>;
}

/** How one candidate endpoint's packet is (or is not) masqueraded. */
export interface MasqueradeChoice {
  readonly masquerade: boolean;
  /** why it is masqueraded (the first reason: a hairpin before the service's mark), as data */
  readonly because: SnatReason | undefined;
  /** the kube-proxy rule that marked the packet, or why none did */
  readonly rule: string;
  readonly reason: string;
  /** the source after MASQUERADE, when masqueraded and the egress interface is known */
  readonly snatTo: string | undefined;
  readonly via: "node-ip" | "vxlan-tunnel" | "ipip-tunnel" | "local-delivery" | undefined;
  readonly source: SourceRef | undefined;
}

interface EndpointCandidate {
  /** the endpoint's pod name, else its address: the tracer picks the first by this name */
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly nodeName: string | undefined;
  readonly pod: ObjectRef | undefined;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** on the node whose rules apply */
  readonly local: boolean;
  /** the EndpointSlice (or Endpoints, or Pod) that lists it */
  readonly source: SourceRef | undefined;
  /** what its choice rests on that the snapshot does not show (a pod's readiness assumed) */
  readonly assumption?: string;
  /** KUBE-SEP-… for this endpoint */
  readonly chain: string;
  readonly masquerade: MasqueradeChoice;
}

export interface ServiceMatch {
  readonly service: Service;
  readonly servicePort: ServicePort;
  readonly access: ServiceAccess;
  /** kube-proxy's service-port name: `ns/name:port` (or `ns/name` for an unnamed port) */
  readonly id: string;
}

/**
 * What kube-proxy does with a packet. Every variant is a trace-model Decision (allowed, id, rule,
 * source, and a code when dropped) with a plain-words note.
 */
export type ServiceTarget =
  | {
      readonly kind: "not-a-service";
      readonly allowed: true;
      readonly id: string;
      readonly rule: string;
      readonly source: SourceRef | undefined;
      readonly note: string;
    }
  | {
      readonly kind: "not-proxied";
      readonly allowed: true;
      readonly id: string;
      readonly rule: string;
      readonly source: SourceRef | undefined;
      readonly note: string;
      readonly service: Service;
    }
  | {
      readonly kind: "dropped";
      readonly allowed: false;
      readonly id: string;
      readonly code: DropCode;
      readonly rule: string;
      readonly source: SourceRef | undefined;
      readonly note: string;
      readonly service: Service;
      readonly match: ServiceMatch | undefined;
      /** REJECT (ICMP port unreachable), DROP (silently), or no rule at all */
      readonly action: "REJECT" | "DROP" | "NO_RULE";
      /** the endpoints that exist elsewhere (a Local policy's other nodes), for the explanation */
      readonly endpoints: readonly EndpointCandidate[];
    }
  | {
      readonly kind: "dnat";
      readonly allowed: true;
      readonly id: string;
      readonly rule: string;
      readonly source: SourceRef | undefined;
      readonly note: string;
      readonly service: Service;
      readonly match: ServiceMatch;
      /** every endpoint the policy chain may pick, sorted by name */
      readonly endpoints: readonly EndpointCandidate[];
      /** the deterministic pick: the first by name */
      readonly chosen: EndpointCandidate;
      readonly dnat: { readonly ip: string; readonly port: number };
      /** the chosen endpoint's masquerade */
      readonly masquerade: MasqueradeChoice;
      /** the decision as a step detail (the note is its rendering) */
      readonly detail: DnatDetail;
      /** what conntrack does with the replies */
      readonly reply: string;
    };

// ---------------------------------------------------------------------------------------------
// chain names (pkg/proxy/iptables/proxier.go portProtoHash / servicePortEndpointChainName)

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** base32(sha256(text)) truncated to 16 characters, as kube-proxy names its chains. */
export function chainHash(text: string): string {
  return base32(createHash("sha256").update(text).digest()).slice(0, 16);
}

/** `ns/name:port`, or `ns/name` for an unnamed port (proxy.ServicePortName.String). */
function servicePortName(service: Service, port: ServicePort): string {
  return `${service.namespace}/${service.name}${port.name ? `:${port.name}` : ""}`;
}

/** KUBE-SVC-…, KUBE-SVL-…, KUBE-EXT-…, KUBE-FW-… of a service port. */
export function serviceChain(
  prefix: "KUBE-SVC" | "KUBE-SVL" | "KUBE-EXT" | "KUBE-FW",
  service: Service,
  port: ServicePort,
): string {
  return `${prefix}-${chainHash(servicePortName(service, port) + port.protocol.toLowerCase())}`;
}

/** KUBE-SEP-… of one endpoint (`ip:port`) of a service port. */
export function endpointChain(service: Service, port: ServicePort, endpoint: string): string {
  return `KUBE-SEP-${chainHash(servicePortName(service, port) + port.protocol.toLowerCase() + endpoint)}`;
}

// ---------------------------------------------------------------------------------------------
// cluster CIDR

/**
 * The cluster CIDR kube-proxy most likely runs with. The snapshot carries no kube-proxy
 * ConfigMap: kubeadm passes `--pod-network-cidr` to kube-proxy's clusterCIDR, and with Calico that
 * is the IP pool's CIDR (CALICO_IPV4POOL_CIDR), so the IPv4 pools stand in for it. Without pools,
 * [] — kube-proxy's no-op local detector (EKS's kube-proxy runs without a clusterCIDR too).
 */
export function clusterCidrsOf(snapshot: Snapshot): string[] {
  return snapshot.kubernetes.ipPools
    .filter((p) => parseIPv4(p.cidr.split("/")[0] ?? "") !== undefined)
    .map((p) => p.cidr);
}

// ---------------------------------------------------------------------------------------------
// endpoints

/** An endpoint as listed, before the node whose rules apply decides locality, masquerade and chain. */
type RawEndpoint = Omit<EndpointCandidate, "local" | "masquerade" | "chain">;

interface EndpointLookup {
  readonly endpoints: RawEndpoint[];
  /** why endpoints were left out, in plain words */
  readonly skipped: string[];
  readonly origin: string;
}

/** A pod's container port for a named targetPort (podutil.FindPort: name and protocol match). */
export function findNamedPort(pod: Pod, name: string, protocol: string): number | undefined {
  for (const c of pod.spec.containers) {
    for (const p of c.ports) if (p.name === name && p.protocol === protocol) return p.containerPort;
  }
  return undefined;
}

/** The assumption a trace states when it picks an endpoint pod whose readiness the capture does not show. */
export function readyAssumption(pod: Pod): string {
  return `pod ${pod.namespace}/${pod.name} has no status.conditions in the capture (trimmed): it is taken as ready, so kube-proxy lists it as an endpoint`;
}

/** The endpoints of one service port as kube-proxy reads them (also the ports a headless service's clients connect to). */
export function serviceEndpoints(snapshot: Snapshot, service: Service, port: ServicePort): EndpointLookup {
  const index = snapshotIndex(snapshot);
  const entry = index.endpointsByService.get(`${service.namespace}/${service.name}`);
  const skipped: string[] = [];
  const out: RawEndpoint[] = [];
  const seen = new Set<string>();
  const push = (e: RawEndpoint): void => {
    const key = `${e.ip}:${e.port}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  if (!entry) return { endpoints: [], skipped, origin: "none" };
  if (entry.origin === "EndpointSlice" || entry.origin === "Endpoints") {
    // pkg/proxy/endpointslicecache.go: a slice port serves the service port with the same name and protocol
    for (const slice of entry.slices) {
      if (slice.addressType !== "IPv4") {
        skipped.push(`${entry.origin} ${slice.name} has addressType ${slice.addressType}`);
        continue;
      }
      const slicePort = slice.ports.find((p) => (p.name ?? "") === (port.name ?? "") && p.protocol === port.protocol);
      if (!slicePort) {
        skipped.push(
          `${entry.origin} ${slice.name} has no port named ${JSON.stringify(port.name ?? "")} (${port.protocol})`,
        );
        continue;
      }
      for (const e of slice.endpoints) {
        if (parseIPv4(e.address) === undefined) continue;
        push({
          name: e.targetRef?.name || e.address,
          ip: e.address,
          port: slicePort.port,
          nodeName: e.nodeName,
          pod: e.targetRef,
          ready: e.ready,
          serving: e.serving,
          terminating: e.terminating,
          source: slice.meta.source,
        });
      }
    }
    return { endpoints: out, skipped, origin: entry.origin };
  }
  // origin "selector": the pods the endpoints controller would list; targetPort resolved per pod
  for (const ref of entry.pods) {
    const pod = index.podsByName.get(`${ref.namespace}/${ref.name}`);
    if (!pod?.podIP || parseIPv4(pod.podIP) === undefined) continue;
    let target: number | undefined;
    if (typeof port.targetPort === "number") target = port.targetPort;
    else {
      target = findNamedPort(pod, port.targetPort, port.protocol);
      if (target === undefined) {
        skipped.push(
          `pod ${pod.name} has no container port named ${JSON.stringify(port.targetPort)} (${port.protocol})`,
        );
        continue;
      }
    }
    push({
      name: pod.name,
      ip: pod.podIP,
      port: target,
      nodeName: pod.nodeName,
      pod: { kind: "Pod", namespace: pod.namespace, name: pod.name },
      ready: pod.ready,
      serving: pod.ready,
      terminating: false,
      source: pod.meta.source,
      ...(pod.readyAssumed ? { assumption: readyAssumption(pod) } : {}),
    });
  }
  return { endpoints: out, skipped, origin: "selector" };
}

/**
 * The endpoints a service would have once the predicted pods of the workload it selects run (a
 * manifest Service and Deployment not yet applied): ready, targetPort resolved on the pod as the
 * endpoints controller does (podutil.FindPort).
 */
function predictedEndpoints(pods: readonly PathPod[], port: ServicePort): EndpointLookup {
  const endpoints: RawEndpoint[] = [];
  const skipped: string[] = [];
  for (const pod of pods) {
    const target =
      typeof port.targetPort === "number"
        ? port.targetPort
        : pod.ports.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.containerPort;
    if (target === undefined) {
      skipped.push(
        `predicted pod ${pod.name} has no container port named ${JSON.stringify(port.targetPort)} (${port.protocol})`,
      );
      continue;
    }
    endpoints.push({
      name: pod.name,
      ip: pod.ip,
      port: target,
      nodeName: pod.nodeName,
      pod: { kind: "Pod", namespace: pod.namespace, name: pod.name },
      ready: true,
      serving: true,
      terminating: false,
      source: pod.source,
    });
  }
  return { endpoints, skipped, origin: "predicted" };
}

function compareEndpoints(a: RawEndpoint, b: RawEndpoint): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const ia = parseIPv4(a.ip) ?? 0;
  const ib = parseIPv4(b.ip) ?? 0;
  return ia - ib || a.port - b.port;
}

// ---------------------------------------------------------------------------------------------
// masquerade address

/**
 * The source MASQUERADE gives a packet leaving `node` toward an endpoint: the address of the
 * egress interface. Toward a pod on the same node: the node IP (the pod's veth has no address;
 * the kernel's inet_select_addr falls back to the first global address, the NIC's). Toward a
 * pod in a Calico VXLAN/IPIP pool on another node: the node's tunnel address (vxlan.calico /
 * tunl0 carry it). Toward anything else (VPC addresses, natively routed pods, VPC CNI pods): the
 * node IP. Toward one of the node's own addresses: no POSTROUTING at all (delivered locally), so
 * the source is kept.
 */
export function masqueradeAddress(
  snapshot: Snapshot,
  node: Node | undefined,
  endpointIp: string,
  endpointNodeName: string | undefined,
  networks?: ReadonlyMap<string, NodeNetwork>,
): { readonly snatTo: string | undefined; readonly via: MasqueradeChoice["via"]; readonly note: string } {
  if (!node)
    return {
      snatTo: undefined,
      via: undefined,
      note: "the node is unknown, so the egress interface (and the masquerade address) is too",
    };
  const nodeIp = nodePrimaryIp(node);
  if (nodeAddresses(node).includes(endpointIp)) {
    return {
      snatTo: undefined,
      via: "local-delivery",
      note: `the endpoint ${endpointIp} is ${node.name}'s own address: the packet is delivered locally and never reaches POSTROUTING, so the mark has no effect and the source is kept`,
    };
  }
  const k = snapshot.kubernetes;
  const index = snapshotIndex(snapshot);
  const endpointNode =
    (endpointNodeName ? index.nodesByName.get(endpointNodeName) : undefined) ??
    (() => {
      const podNode = index.podsByIp.get(endpointIp)?.nodeName;
      return podNode ? index.nodesByName.get(podNode) : undefined;
    })();
  if (endpointNode && endpointNode.name === node.name) {
    return {
      snatTo: nodeIp,
      via: "node-ip",
      note: `the endpoint is on ${node.name} itself: it leaves by the pod's veth, which has no address, so MASQUERADE takes the node's primary address ${nodeIp ?? "(unknown)"}`,
    };
  }
  const pool = ipPoolFor(endpointIp, k.ipPools);
  if (!pool) {
    return {
      snatTo: nodeIp,
      via: "node-ip",
      note: `the endpoint ${endpointIp} is reached through ${node.name}'s NIC: MASQUERADE takes the node IP ${nodeIp ?? "(unknown)"}`,
    };
  }
  let tunnel: "vxlan" | "ipip" | undefined;
  if (endpointNode) {
    const nets = networks ?? new Map([node, endpointNode].map((n) => [n.name, nodeNetwork(snapshot, n)] as const));
    const overlay = overlayFor(node, endpointNode, pool, nets, endpointIp, snapshot.aws);
    tunnel = overlay.mode === "vxlan" || overlay.mode === "ipip" ? overlay.mode : undefined;
  } else if (pool.vxlanMode === "Always") tunnel = "vxlan";
  else if (pool.ipipMode === "Always") tunnel = "ipip";
  if (tunnel) {
    const address = tunnel === "vxlan" ? node.overlay.vxlan : node.overlay.ipip;
    const annotation =
      tunnel === "vxlan" ? "projectcalico.org/IPv4VXLANTunnelAddr" : "projectcalico.org/IPv4IPIPTunnelAddr";
    const device = tunnel === "vxlan" ? "vxlan.calico" : "tunl0";
    return {
      snatTo: address,
      via: tunnel === "vxlan" ? "vxlan-tunnel" : "ipip-tunnel",
      note: address
        ? `the endpoint is a pod of IP pool ${pool.name} on ${endpointNode?.name ?? "another node"}, reached through ${device}: MASQUERADE takes ${node.name}'s tunnel address ${address} (${annotation})`
        : `the endpoint is reached through ${device}, whose address (${annotation}) node ${node.name} does not carry in the snapshot`,
    };
  }
  return {
    snatTo: nodeIp,
    via: "node-ip",
    note: `the endpoint ${endpointIp} is routed natively through ${node.name}'s NIC: MASQUERADE takes the node IP ${nodeIp ?? "(unknown)"}`,
  };
}

// ---------------------------------------------------------------------------------------------
// the decision

function sameProtocol(port: ServicePort, protocol: Protocol): boolean {
  return protocol !== "ICMP" && port.protocol === protocol;
}

/** Addresses kube-proxy accepts NodePorts on: iptables — every local address; nftables — the primary IP (`--nodeport-addresses primary`). */
function nodePortAddresses(node: Node, mode: "iptables" | "nftables"): string[] {
  if (mode === "nftables") {
    const primary = nodePrimaryIp(node);
    return primary ? [primary] : [];
  }
  return nodeAddresses(node);
}

function findMatch(
  snapshot: Snapshot,
  dstIp: string,
  dstPort: number,
  protocol: Protocol,
  node: Node | undefined,
  mode: "iptables" | "nftables",
  assumed: ReadonlyMap<string, Service> | undefined,
): { match: ServiceMatch | undefined; ipOnly: Service | undefined } {
  let ipOnly: Service | undefined;
  const index = snapshotIndex(snapshot);
  const assumedService = assumed?.get(dstIp);
  const atAddress = index.servicesByAddress.get(dstIp) ?? [];
  for (const service of assumedService ? [...atAddress, assumedService] : atAddress) {
    const clusterIPs = new Set(
      [service.clusterIP, ...service.clusterIPs].filter((ip): ip is string => ip !== undefined && ip !== "None"),
    );
    const kinds: ServiceAccess[] = [];
    if (clusterIPs.has(dstIp)) kinds.push("ClusterIP");
    if (service.externalIPs.includes(dstIp)) kinds.push("ExternalIP");
    if (service.type === "LoadBalancer" && service.loadBalancerIngress.some((i) => i.ip === dstIp))
      kinds.push("LoadBalancer");
    if (kinds.length === 0) continue;
    const port = service.ports.find((p) => p.port === dstPort && sameProtocol(p, protocol));
    if (port)
      return {
        match: { service, servicePort: port, access: kinds[0]!, id: servicePortName(service, port) },
        ipOnly: undefined,
      };
    ipOnly ??= service;
  }
  if (node && nodePortAddresses(node, mode).includes(dstIp)) {
    for (const service of index.servicesByNodePort.get(dstPort) ?? []) {
      if (service.type !== "NodePort" && service.type !== "LoadBalancer") continue;
      const port = service.ports.find((p) => p.nodePort === dstPort && sameProtocol(p, protocol));
      if (port)
        return {
          match: { service, servicePort: port, access: "NodePort", id: servicePortName(service, port) },
          ipOnly: undefined,
        };
    }
  }
  return { match: undefined, ipOnly };
}

const PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";

/**
 * Finds the service kube-proxy serves at `dstIp:dstPort/protocol` — a ClusterIP, an external IP,
 * a load-balancer ingress IP, or (when `dstIp` is an address of the node the packet arrives at)
 * a NodePort — and decides as kube-proxy does: the endpoints the traffic policy allows, the DNAT,
 * and the masquerade. Every candidate endpoint is returned (sorted by name); `chosen` is the first.
 */
export function resolveServiceTarget(
  snapshot: Snapshot,
  dstIp: string,
  dstPort: number,
  protocol: Protocol,
  context: KubeProxyContext,
): ServiceTarget {
  const mode = context.mode ?? "iptables";
  // a packet addressed to a node IP arrives at that node
  const index = snapshotIndex(snapshot);
  const node = context.arrivingOnNode ? index.nodesByName.get(context.arrivingOnNode) : index.nodesByAddress.get(dstIp);
  const { match, ipOnly } = findMatch(snapshot, dstIp, dstPort, protocol, node, mode, context.assumedServices);
  if (!match) {
    if (ipOnly) {
      const ports = ipOnly.ports.map((p) => `${p.port}/${p.protocol}`).join(", ");
      return {
        kind: "dropped",
        allowed: false,
        id: `${ipOnly.namespace}/${ipOnly.name}`,
        code: "PORT_NOT_EXPOSED",
        rule:
          mode === "nftables"
            ? "nftables: reject traffic to a service IP on an unknown port"
            : `no KUBE-SERVICES rule for ${dstIp}:${dstPort}/${protocol}`,
        source: ipOnly.meta.source,
        note: describePortNotExposed(dstIp, ipOnly, ports, mode),
        service: ipOnly,
        match: undefined,
        action: mode === "nftables" ? "REJECT" : "NO_RULE",
        endpoints: [],
      };
    }
    return {
      kind: "not-a-service",
      allowed: true,
      id: dstIp,
      rule: "no service matches",
      source: undefined,
      note: describeNotAService(dstIp, dstPort, protocol, node?.name),
    };
  }
  return serviceTarget(snapshot, match, { ...context, arrivingOnNode: node?.name ?? context.arrivingOnNode });
}

/**
 * kube-proxy's decision for a matched service port (see {@link resolveServiceTarget}). Headless
 * services, ExternalName services and services of another proxy (label
 * service.kubernetes.io/service-proxy-name) get no rules (pkg/proxy/servicechangetracker.go,
 * cmd/kube-proxy server.go).
 */
export function serviceTarget(snapshot: Snapshot, match: ServiceMatch, context: KubeProxyContext): ServiceTarget {
  const { service, servicePort: port, access } = match;
  const mode = context.mode ?? "iptables";
  const svcName = match.id;
  if (service.type === "ExternalName") {
    return {
      kind: "not-proxied",
      allowed: true,
      id: `${service.namespace}/${service.name}`,
      rule: "type ExternalName",
      source: service.meta.source,
      service,
      note: describeNotProxied("external-name", service, PROXY_NAME_LABEL),
    };
  }
  if (!service.clusterIP || service.clusterIP === "None") {
    return {
      kind: "not-proxied",
      allowed: true,
      id: `${service.namespace}/${service.name}`,
      rule: "clusterIP: None",
      source: service.meta.source,
      service,
      note: describeNotProxied("headless", service, PROXY_NAME_LABEL),
    };
  }
  if (service.meta.labels[PROXY_NAME_LABEL] !== undefined) {
    return {
      kind: "not-proxied",
      allowed: true,
      id: `${service.namespace}/${service.name}`,
      rule: `${PROXY_NAME_LABEL}=${service.meta.labels[PROXY_NAME_LABEL]}`,
      source: service.meta.source,
      service,
      note: describeNotProxied("other-proxy", service, PROXY_NAME_LABEL),
    };
  }

  const index = snapshotIndex(snapshot);
  const node = context.arrivingOnNode ? index.nodesByName.get(context.arrivingOnNode) : undefined;
  const observed = serviceEndpoints(snapshot, service, port);
  const predicted =
    observed.endpoints.length === 0 ? context.assumedEndpoints?.get(`${service.namespace}/${service.name}`) : undefined;
  const lookup = predicted ? predictedEndpoints(predicted, port) : observed;
  const all = [...lookup.endpoints].sort(compareEndpoints);
  const isLocal = (e: RawEndpoint): boolean =>
    node !== undefined &&
    (e.nodeName === node.name || (e.nodeName === undefined && nodeAddresses(node).includes(e.ip)));

  // CategorizeEndpoints: ready, else serving-and-terminating
  const ready = all.filter((e) => e.ready);
  const clusterEndpoints = ready.length > 0 ? ready : all.filter((e) => e.serving && e.terminating);
  const localReady = all.filter((e) => isLocal(e) && e.ready);
  const localEndpoints =
    localReady.length > 0 ? localReady : all.filter((e) => isLocal(e) && e.serving && e.terminating);
  const hasEndpoints = clusterEndpoints.length > 0 || localEndpoints.length > 0;

  const svcChain = serviceChain("KUBE-SVC", service, port);
  const svlChain = serviceChain("KUBE-SVL", service, port);
  const extChain = serviceChain("KUBE-EXT", service, port);
  const external = access !== "ClusterIP";
  const addressWords = describeServiceAddress(access, service.clusterIP, port.port, port.nodePort);
  const words: KubeProxyWording = {
    mode,
    svcName,
    svcChain,
    svlChain,
    extChain,
    clusterCIDRs: context.clusterCIDRs,
    sourceIp: context.sourceIp,
    sourceIsPod: context.sourceIsPod,
    nodeName: node?.name,
    access,
  };

  if (!hasEndpoints) {
    return {
      kind: "dropped",
      allowed: false,
      id: svcName,
      code: "NO_ENDPOINTS",
      rule: describeNoEndpointsRule(words),
      source: service.meta.source,
      note: describeNoEndpoints(service, addressWords, all.length, lookup.origin, lookup.skipped),
      service,
      match,
      action: "REJECT",
      endpoints: [],
    };
  }

  const srcIsNodeLocal = node !== undefined && nodeAddresses(node).includes(context.sourceIp);
  const srcInClusterCidr = context.clusterCIDRs.some((c) => ipInCidr(context.sourceIp, c));
  const detector = context.clusterCIDRs.length > 0;

  // 1. decide: which endpoints (the policy chain), and the chain-level masquerade mark
  let policy: EndpointPolicy;
  let mark: MasqueradeMark;
  if (!external) {
    policy = service.internalTrafficPolicy === "Local" ? "internal-local" : "internal-cluster";
    mark = context.masqueradeAll
      ? "masquerade-all"
      : !detector
        ? "no-detector"
        : !srcInClusterCidr
          ? "outside-cluster-cidr"
          : "inside-cluster-cidr";
  } else if (service.externalTrafficPolicy === "Cluster") {
    policy = mark = "external-cluster";
  } else if (detector && srcInClusterCidr) {
    policy = mark = "external-local-from-pod";
  } else if (srcIsNodeLocal) {
    policy = mark = "external-local-from-node";
  } else {
    policy = mark = "external-local";
  }
  const chosenSet = policy === "internal-local" || policy === "external-local" ? localEndpoints : clusterEndpoints;
  if (chosenSet.length === 0) {
    // a Local policy without local endpoints (clusterEndpoints is not empty: hasEndpoints)
    const elsewhere = [...new Set(clusterEndpoints.map((e) => e.nodeName ?? e.ip))];
    const local = policy === "internal-local" ? "internal-local" : "external-local";
    return {
      kind: "dropped",
      allowed: false,
      id: svcName,
      code: "NO_ENDPOINTS",
      rule: describeNoLocalEndpointsRule(local, words),
      source: service.meta.source,
      note: describeNoLocalEndpoints(local, words, service, elsewhere),
      service,
      match,
      action: "DROP",
      endpoints: clusterEndpoints.map((e) => toCandidate(service, port, e, false, NOT_MASQUERADED)),
    };
  }
  const marked = MARKING.has(mark);
  const markRule = describeMarkRule(mark, words);
  const markReason = describeMarkReason(mark, words);

  // 2. per endpoint: the hairpin mark and the address MASQUERADE would take
  const networks = new Map<string, NodeNetwork>();
  const candidates = chosenSet.map((e) => {
    const hairpin = e.ip === context.sourceIp;
    const sep = endpointChain(service, port, `${e.ip}:${e.port}`);
    const masq = marked || hairpin;
    const rule = hairpin && !marked ? describeHairpinRule(sep, e.ip, words) : markRule;
    const reason = hairpin ? describeHairpinReason(e.ip, marked ? markReason : undefined) : markReason;
    let address: ReturnType<typeof masqueradeAddress> | undefined;
    if (masq) {
      for (const n of [node, e.nodeName ? index.nodesByName.get(e.nodeName) : undefined]) {
        if (n && !networks.has(n.name)) networks.set(n.name, nodeNetwork(snapshot, n));
      }
      address = masqueradeAddress(snapshot, node, e.ip, e.nodeName, networks);
    }
    const choice: MasqueradeChoice = {
      masquerade: masq,
      because: masq ? (hairpin ? "hairpin" : SNAT_REASON[mark]) : undefined,
      rule,
      reason: address ? `${reason}; ${address.note}` : reason,
      snatTo: address?.snatTo,
      via: address?.via,
      source: service.meta.source,
    };
    return toCandidate(service, port, e, isLocal(e), choice, sep);
  });
  const chosen = candidates[0]!;

  // 3. explain
  return {
    kind: "dnat",
    allowed: true,
    id: svcName,
    rule: describeDnatRule(words, chosen.chain, chosen.ip, chosen.port),
    source: service.meta.source,
    note: describeServiceDnat(words, service, port, addressWords, describeEndpointPolicy(policy, words), candidates),
    service,
    match,
    endpoints: candidates,
    chosen,
    dnat: { ip: chosen.ip, port: chosen.port },
    masquerade: chosen.masquerade,
    detail: {
      kind: "dnat",
      service: svcName,
      access,
      policy,
      endpoint: { name: chosen.name, ip: chosen.ip, port: chosen.port, node: chosen.nodeName },
      chosenBy: candidates.length > 1 ? "first-by-name" : "only-endpoint",
      candidates: candidates.length,
    },
    reply: describeServiceReply(words, service.clusterIP, port.port, port.nodePort, chosen),
  };
}

/** The marks that masquerade, and the SNAT reason each gives the step. */
const SNAT_REASON: Readonly<Record<MasqueradeMark, SnatReason | undefined>> = {
  "masquerade-all": "masquerade-all",
  "no-detector": undefined,
  "outside-cluster-cidr": "outside-cluster-cidr",
  "inside-cluster-cidr": undefined,
  "external-cluster": "external-traffic-policy-cluster",
  "external-local-from-pod": undefined,
  "external-local-from-node": "node-local-source",
  "external-local": undefined,
};
const MARKING: ReadonlySet<MasqueradeMark> = new Set(
  (Object.keys(SNAT_REASON) as MasqueradeMark[]).filter((m) => SNAT_REASON[m] !== undefined),
);

const NOT_MASQUERADED: MasqueradeChoice = {
  masquerade: false,
  because: undefined,
  rule: "",
  reason: "not reached: the packet is dropped",
  snatTo: undefined,
  via: undefined,
  source: undefined,
};

function toCandidate(
  service: Service,
  port: ServicePort,
  e: RawEndpoint,
  local: boolean,
  masquerade: MasqueradeChoice,
  chain = endpointChain(service, port, `${e.ip}:${e.port}`),
): EndpointCandidate {
  return {
    name: e.name,
    ip: e.ip,
    port: e.port,
    nodeName: e.nodeName,
    pod: e.pod,
    ready: e.ready,
    serving: e.serving,
    terminating: e.terminating,
    local,
    source: e.source,
    ...(e.assumption ? { assumption: e.assumption } : {}),
    chain,
    masquerade,
  };
}
