import { modelAssumptions } from "./model-assumptions.js";
import type { NetworkInterface } from "../../model/aws.js";
import type { Node, Workload } from "../../model/kubernetes.js";
import { formatIPv4, isPrivateOrShared, parseCidr4, parseIPv4 } from "../../model/net.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { analysePlacement } from "../placement/placement.js";
import { EndpointError, INTERNET_ADDRESS, type EndpointSpec } from "./endpoints.js";
import { internet, internetGatewayOut, natGateway, eniEgress, eniIngress, subnetRouter } from "./hops/vpc.js";
import { loadBalancerDevice } from "./hops/load-balancer.js";
import type { Network } from "./hops/network.js";
import { nodeDevice } from "./hops/node.js";
import { podDestination, podSource } from "./hops/pod.js";
import { loadBalancerForHost, matchRequest, type HttpRequest, type LoadBalancerView } from "./load-balancers/index.js";
import { PathContext, pathPodOf, type PathOptions, type PathPod } from "./path-context.js";
import { ownerKey, snapshotIndex } from "./snapshot-index.js";
import { dropped, walk, type Device } from "./trace-engine.js";
import { EPHEMERAL_PORT, type Drop, type Packet, type Protocol, type Step, type Unknown, type Verdict } from "./trace-model.js";

/**
 * `podpath trace`: resolves the two endpoints, builds the first device and the packet, walks it
 * (trace-engine.ts) and shapes the result as PRODUCT.md's `trace -o json` contract.
 */


export interface TraceRequest {
  readonly from: EndpointSpec;
  readonly to: EndpointSpec;
  readonly port?: number | undefined;
  readonly protocol?: Protocol | undefined;
}

export interface TraceEndpointInfo {
  readonly endpoint: string;
  readonly label: string;
  readonly ip: string | undefined;
  readonly how: string;
  readonly source: SourceRef | undefined;
}

export interface TraceResult {
  readonly from: TraceEndpointInfo;
  readonly to: TraceEndpointInfo;
  readonly protocol: Protocol;
  readonly port: number;
  /** the packet as the source sends it */
  readonly packet: Packet;
  readonly verdict: Verdict;
  readonly drop: Drop | null;
  /** set when verdict is `unknown`: where the snapshot could not decide, and what to capture */
  readonly unknown: Unknown | null;
  /** the source address the destination sees (null when the packet is dropped) */
  readonly finalSourceIp: string | null;
  /** the packet as it is delivered (or last seen) */
  readonly finalPacket: Packet;
  /** set when a device answered instead of the destination (an ALB redirect or fixed response) */
  readonly answeredBy: { readonly component: string; readonly id: string; readonly note: string } | null;
  readonly hops: readonly Step[];
  readonly return: { readonly verdict: Verdict | "not-sent"; readonly drop: Drop | null; readonly unknown: Unknown | null; readonly hops: readonly Step[] };
  /** what podpath had to assume (a port, a pod address, the network between nodes) */
  readonly assumptions: readonly string[];
}

function answeredBy(verdict: Verdict, steps: readonly Step[]): TraceResult["answeredBy"] {
  const last = steps.at(-1);
  if (verdict !== "delivered" || !last || last.component !== "listener-rule" || last.action !== "deliver") return null;
  return { component: last.component, id: last.id, note: last.note };
}

export function endpointText(spec: EndpointSpec): string {
  switch (spec.kind) {
    case "pod":
    case "workload":
    case "service":
      return `${spec.kind}:${spec.namespace}/${spec.name}`;
    case "node":
      return `node:${spec.name}`;
    case "ip":
      return `ip:${spec.ip}`;
    case "internet":
      return "internet";
    case "url":
      return `url:${spec.scheme}://${spec.host}${spec.port === (spec.scheme === "https" ? 443 : 80) ? "" : `:${spec.port}`}${spec.path}`;
  }
}

/** Devices of one trace, wired together (each adapter names the next through this). */
function networkFor(ctx: PathContext, request: HttpRequest | undefined): Network {
  const net: Network = {
    ctx,
    request,
    podSource: (pod) => podSource(net, pod),
    podDestination: (pod) => podDestination(net, pod),
    node: (node, arrival) => nodeDevice(net, node, arrival),
    eniEgress: (eni) => eniEgress(net, eni),
    eniIngress: (eni) => eniIngress(net, eni),
    subnetRouter: (subnetId) => subnetRouter(net, subnetId),
    natGateway: (nat) => natGateway(net, nat),
    internetGatewayOut: (igwId) => internetGatewayOut(net, igwId),
    internet: (role) => internet(net, role),
    loadBalancer: (lb, address) => loadBalancerDevice(net, lb, address),
  };
  return net;
}

// ---------------------------------------------------------------------------------------------
// endpoints

export interface Resolved {
  readonly info: TraceEndpointInfo;
  readonly ip: string;
  readonly pod: PathPod | undefined;
  readonly node: Node | undefined;
  readonly eni: NetworkInterface | undefined;
  /** a default destination port, and why */
  readonly port: { readonly port: number; readonly why: string } | undefined;
}

function workloadPod(ctx: PathContext, workload: Workload, assumptions: string[]): PathPod {
  const owner = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
  const observed = (snapshotIndex(ctx.snapshot).podsByOwner.get(ownerKey(owner)) ?? []).find((p) => p.podIP && p.phase !== "Succeeded" && p.phase !== "Failed");
  const pod = observed ? pathPodOf(observed) : undefined;
  if (pod) return pod;
  const id = `${workload.namespace}/${workload.name}`;
  const predicted = analysePlacement(ctx.snapshot, { workload: id }).workloads[0]?.pods.find((p) => p.predictedNode)?.predictedNode;
  if (!predicted) throw new EndpointError(`workload ${id} has no observed pod and no node it can be placed on (see podpath place --workload ${id})`);
  const node = ctx.node(predicted)!;
  const template = workload.template.spec;
  // a host-network pod uses the node's address; another takes the first pod address of the node
  const address = template.hostNetwork ? (node.internalIP ? { ip: node.internalIP, how: "the node's address (host network)" } : undefined) : ctx.assumedPodAddress(node, 1);
  if (!address) throw new EndpointError(`workload ${id} has no observed pod; it would be placed on ${predicted}, whose pod addresses are not known: trace node:${predicted} instead`);
  assumptions.push(`workload ${id} has no observed pod: a pod predicted on ${predicted} (podpath place) is assumed at ${address.ip}, ${address.how}`);
  const assumed: PathPod = {
    namespace: workload.namespace,
    name: `${workload.name} (predicted)`,
    labels: workload.template.labels,
    ip: address.ip,
    nodeName: predicted,
    hostNetwork: template.hostNetwork,
    ports: template.containers.flatMap((c) => c.ports),
    source: workload.meta.source,
    owner,
    assumed: `predicted on ${predicted} by podpath place`,
  };
  if (!template.hostNetwork) ctx.addAssumedPod(assumed);
  return assumed;
}

function firstPort(pod: PathPod | undefined, protocol: Protocol): { port: number; why: string } | undefined {
  const p = pod?.ports.find((x) => x.protocol === protocol) ?? pod?.ports[0];
  return p ? { port: p.containerPort, why: `the first container port of ${pod!.namespace}/${pod!.name}${p.name ? ` (${p.name})` : ""}` } : undefined;
}

/** The address a client connects to: the first public (internet-facing) or private (internal) one, by subnet. */
function lbAddress(lb: LoadBalancerView): string | undefined {
  return lb.addresses.map((a) => (lb.scheme === "internal" ? a.privateIp : a.publicIp)).find((ip) => ip !== undefined);
}

/** An address for a load balancer whose ENIs are unknown: the first address AWS does not reserve in its first subnet. */
function assumedLbAddress(ctx: PathContext, lb: LoadBalancerView): { ip: string; why: string } {
  for (const id of lb.subnetIds) {
    const subnet = ctx.subnet(id);
    const block = subnet ? parseCidr4(subnet.cidr) : undefined;
    if (subnet && block) return { ip: formatIPv4(block.base + 4), why: `the first address AWS does not reserve in ${subnet.id} (${subnet.cidr})` };
  }
  return { ip: "0.0.0.0", why: "its subnets are unknown too" };
}

export function resolveTraceEndpoint(ctx: PathContext, spec: EndpointSpec, protocol: Protocol, assumptions: string[]): Resolved {
  const k = ctx.snapshot.kubernetes;
  const text = endpointText(spec);
  const info = (label: string, ip: string | undefined, how: string, source: SourceRef | undefined): TraceEndpointInfo => ({ endpoint: text, label, ip, how, source });
  switch (spec.kind) {
    case "pod": {
      const raw = snapshotIndex(ctx.snapshot).podsByName.get(`${spec.namespace}/${spec.name}`);
      if (!raw) throw new EndpointError(`no pod ${spec.namespace}/${spec.name} in the snapshot`);
      const pod = pathPodOf(raw);
      if (!pod) throw new EndpointError(`pod ${spec.namespace}/${spec.name} has no IP in the snapshot (status.podIP)`);
      return { info: info(`pod ${spec.namespace}/${spec.name}`, pod.ip, "status.podIP", pod.source), ip: pod.ip, pod, node: ctx.node(pod.nodeName), eni: undefined, port: firstPort(pod, protocol) };
    }
    case "workload": {
      const workload = k.workloads.find((w) => w.namespace === spec.namespace && w.name === spec.name);
      if (!workload) throw new EndpointError(`no workload ${spec.namespace}/${spec.name} in the snapshot`);
      const pod = workloadPod(ctx, workload, assumptions);
      return { info: info(`workload ${spec.namespace}/${spec.name} (pod ${pod.name})`, pod.ip, pod.assumed ?? `its observed pod ${pod.name}`, workload.meta.source), ip: pod.ip, pod, node: ctx.node(pod.nodeName), eni: undefined, port: firstPort(pod, protocol) };
    }
    case "service": {
      const service = k.services.find((s) => s.namespace === spec.namespace && s.name === spec.name);
      if (!service) throw new EndpointError(`no service ${spec.namespace}/${spec.name} in the snapshot`);
      if (!service.clusterIP || service.clusterIP === "None") throw new EndpointError(`service ${spec.namespace}/${spec.name} has no ClusterIP (headless or not yet allocated): trace to one of its pods`);
      const port = service.ports.find((p) => p.protocol === protocol) ?? service.ports[0];
      return {
        info: info(`service ${spec.namespace}/${spec.name}`, service.clusterIP, "spec.clusterIP", service.meta.source),
        ip: service.clusterIP,
        pod: undefined,
        node: undefined,
        eni: undefined,
        port: port ? { port: port.port, why: `the first port of service ${spec.namespace}/${spec.name}${port.name ? ` (${port.name})` : ""}` } : undefined,
      };
    }
    case "node": {
      const node = ctx.node(spec.name);
      if (!node) throw new EndpointError(`no node ${spec.name} in the snapshot`);
      if (!node.internalIP) throw new EndpointError(`node ${spec.name} has no InternalIP in the snapshot`);
      return { info: info(`node ${spec.name}`, node.internalIP, "status.addresses InternalIP", node.meta.source), ip: node.internalIP, pod: undefined, node, eni: undefined, port: undefined };
    }
    case "ip": {
      const pod = ctx.podByIp(spec.ip);
      const node = ctx.nodeWithAddress(spec.ip) ?? ctx.node(pod?.nodeName);
      const eni = ctx.eniForIp(spec.ip)?.eni;
      const how = pod ? `the address of pod ${pod.namespace}/${pod.name}` : ctx.nodeWithAddress(spec.ip) ? `the address of node ${node!.name}` : eni ? `held by ${eni.id}${eni.description ? ` (${eni.description})` : ""}` : "as given";
      return { info: info(`ip ${spec.ip}`, spec.ip, how, pod?.source ?? eni?.source), ip: spec.ip, pod, node, eni, port: firstPort(pod, protocol) };
    }
    case "internet":
      return { info: info("internet", INTERNET_ADDRESS, "a public address outside every VPC (TEST-NET-2, RFC 5737)", undefined), ip: INTERNET_ADDRESS, pod: undefined, node: undefined, eni: undefined, port: { port: 443, why: "HTTPS, the usual port toward the internet" } };
    case "url":
      throw new EndpointError("url: is a destination only (the request goes through the Ingress and its load balancer)");
  }
}

function sourceDevice(net: Network, from: Resolved, spec: EndpointSpec): Device {
  if (from.pod) return net.podSource(from.pod);
  if (from.node && (spec.kind === "node" || spec.kind === "ip")) return net.node(from.node, { kind: "host" });
  if (from.eni) return net.eniEgress(from.eni);
  if (spec.kind === "internet" || !isPrivateOrShared(from.ip)) return net.internet("source");
  throw new EndpointError(`${endpointText(spec)}: no pod, node or network interface of the snapshot has ${from.ip}, so the path cannot start there`);
}

/** Traces one packet from `request.from` to `request.to` and its reply. */
export function tracePath(source: Snapshot | PathContext, request: TraceRequest, options: PathOptions = {}): TraceResult {
  const ctx = source instanceof PathContext ? source : new PathContext(source, options);
  const protocol = request.protocol ?? "TCP";
  const assumptions: string[] = [];
  if (request.from.kind === "service") throw new EndpointError("a service does not send packets: trace from one of its pods (pod:NS/NAME) or its workload (workload:NS/NAME)");
  const from = resolveTraceEndpoint(ctx, request.from, protocol, assumptions);

  let http: HttpRequest | undefined;
  let to: Resolved;
  let start: ((net: Network, packet: Packet) => Device) | undefined;
  if (request.to.kind === "url") {
    const spec = request.to;
    http = { scheme: spec.scheme, host: spec.host, port: spec.port, path: spec.path };
    const lb = loadBalancerForHost(ctx.loadBalancers, spec.host);
    const label = endpointText(spec);
    if (!lb) {
      const m = matchRequest(ctx.loadBalancers, http);
      const message = m.kind === "drop" ? m.message : `no load balancer serves ${spec.host}`;
      const code = m.kind === "drop" ? m.code : "UNKNOWN_ENDPOINT";
      const packet: Packet = { src: from.ip, srcPort: EPHEMERAL_PORT, dst: "0.0.0.0", dstPort: spec.port, protocol };
      const d = dropped("load-balancer", "load-balancer", spec.host, code, packet, message, m.kind === "drop" ? m.source : undefined);
      return {
        from: from.info,
        to: { endpoint: label, label, ip: undefined, how: "through the Ingress rules and the load balancer", source: undefined },
        protocol,
        port: spec.port,
        packet,
        verdict: "dropped",
        drop: d.drop,
        unknown: null,
        finalSourceIp: null,
        finalPacket: packet,
        answeredBy: null,
        hops: [d.step],
        return: { verdict: "not-sent", drop: null, unknown: null, hops: [] },
        assumptions,
      };
    }
    const ip = lbAddress(lb);
    const how = `${spec.host} is served by ${lb.origin === "elbv2" ? "" : "the derived "}load balancer ${lb.name}${lb.dnsName ? ` (${lb.dnsName})` : ""}`;
    const port = { port: spec.port, why: "the URL's port" };
    if (ip) {
      to = { info: { endpoint: label, label, ip, how: `${how}, ${lb.scheme === "internal" ? "private" : "public"} address ${ip}`, source: lb.source }, ip, pod: undefined, node: undefined, eni: undefined, port };
    } else {
      const own = lb.addresses.find((a) => a.privateIp)?.privateIp;
      const assumed = own ? { ip: own, why: "its private address in the snapshot" } : assumedLbAddress(ctx, lb);
      assumptions.push(`the ${lb.scheme === "internal" ? "private" : "public"} address of load balancer ${lb.name} is not in the snapshot (${lb.origin === "ingress" ? "derived from the Ingresses, not yet created" : "no ENI of it in the snapshot"}): the client is assumed to reach it directly, and its own address is taken as ${assumed.ip} (${assumed.why})${own ? "" : "; the VPC hops between it and its targets are not evaluated"}`);
      to = { info: { endpoint: label, label, ip: undefined, how, source: lb.source }, ip: assumed.ip, pod: undefined, node: undefined, eni: undefined, port };
      start = (net) => net.loadBalancer(lb, assumed.ip);
    }
  } else {
    to = resolveTraceEndpoint(ctx, request.to, protocol, assumptions);
  }

  let port = request.port;
  if (port === undefined) {
    if (!to.port) throw new EndpointError(`${endpointText(request.to)} has no port podpath can default to: give --port`);
    port = to.port.port;
    if (request.to.kind !== "url") assumptions.push(`port ${port}: ${to.port.why} (give --port to choose)`);
  }
  return traceResolved(ctx, { from, fromSpec: request.from, to, port, protocol, http, start, assumptions });
}

export interface ResolvedTrace {
  readonly from: Resolved;
  readonly fromSpec: EndpointSpec;
  readonly to: Resolved;
  readonly port: number;
  readonly protocol: Protocol;
  readonly http?: HttpRequest | undefined;
  /** a first device other than the source's (a load balancer whose address is unknown) */
  readonly start?: ((net: Network, packet: Packet) => Device) | undefined;
  readonly assumptions: string[];
}

/** Traces between resolved endpoints (`podpath egress` builds its own sources). */
export function traceResolved(ctx: PathContext, t: ResolvedTrace): TraceResult {
  const { from, to, port, protocol, assumptions } = t;
  const net = networkFor(ctx, t.http);
  const packet: Packet = { src: from.ip, srcPort: protocol === "ICMP" ? 0 : EPHEMERAL_PORT, dst: to.ip, dstPort: port, protocol };
  // a load balancer whose address is unknown: the client is assumed to reach it directly
  const device = t.start ? t.start(net, packet) : sourceDevice(net, from, t.fromSpec);
  const run = walk(device, packet);
  const forward = run.forward;
  return {
    from: from.info,
    to: to.info,
    protocol,
    port,
    packet,
    verdict: forward.verdict,
    drop: forward.drop,
    unknown: forward.unknown ?? null,
    finalSourceIp: forward.verdict === "delivered" ? forward.finalPacket.src : null,
    finalPacket: forward.finalPacket,
    answeredBy: answeredBy(forward.verdict, forward.steps),
    hops: forward.steps,
    return: run.reply ? { verdict: run.reply.verdict, drop: run.reply.drop, unknown: run.reply.unknown ?? null, hops: run.reply.steps } : { verdict: "not-sent", drop: null, unknown: null, hops: [] },
    // and what the objects crossed rest on (a derived IP pool, an endpoint's assumed readiness)
    assumptions: [...assumptions, ...modelAssumptions(ctx.snapshot, [...forward.steps, ...(run.reply?.steps ?? [])]).filter((a) => !assumptions.includes(a))],
  };
}
