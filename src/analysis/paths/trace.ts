import { loadErrorsAssumptions, modelAssumptions } from "./model-assumptions.js";
import type { NetworkInterface } from "../../model/aws.js";
import type { Node } from "../../model/kubernetes.js";
import { formatIPv4, isIPv4, isPrivateOrShared, parseCidr4 } from "../../model/net.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { internetGatewayInbound } from "./aws/gateways.js";
import { EndpointError, INTERNET_ADDRESS, type EndpointSpec } from "./endpoints.js";
import { internet, internetGatewayOut, natGateway, eniEgress, eniIngress, subnetRouter } from "./hops/vpc.js";
import { clientAddressOfLoadBalancer, loadBalancerDevice } from "./hops/load-balancer.js";
import type { Network } from "./hops/network.js";
import { nodeDevice } from "./hops/node.js";
import { podDestination, podSource } from "./hops/pod.js";
import { loadBalancerForHost, matchRequest, type HttpRequest, type LoadBalancerView } from "./load-balancers/index.js";
import { serviceLoadBalancerPlan } from "./load-balancers/service-lb.js";
import { PathContext, pathPodOf, type PathOptions, type PathPod } from "./path-context.js";
import { resolveServiceEndpoint } from "./service-endpoint.js";
import { workloadPod } from "./workload-pod.js";
import { snapshotIndex } from "./snapshot-index.js";
import { dropped, step, undecided, walk, type Device } from "./trace-engine.js";
import {
  EPHEMERAL_PORT,
  type Drop,
  type Packet,
  type Protocol,
  type Step,
  type Unknown,
  type Verdict,
} from "./trace-model.js";

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
  readonly return: {
    readonly verdict: Verdict | "not-sent";
    readonly drop: Drop | null;
    readonly unknown: Unknown | null;
    readonly hops: readonly Step[];
  };
  /** what podpath had to assume (a port, a pod address, the network between nodes) */
  readonly assumptions: readonly string[];
}

function answeredBy(verdict: Verdict, steps: readonly Step[]): TraceResult["answeredBy"] {
  const last = steps.at(-1);
  if (verdict !== "delivered" || !last || last.component !== "listener-rule" || last.action !== "deliver") return null;
  return { component: last.component, id: last.id, note: last.note };
}

function endpointText(spec: EndpointSpec): string {
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

/** Devices of one trace, wired together (each adapter names the next through this); gaps the walk crosses are added to `assumptions`. */
function networkFor(ctx: PathContext, request: HttpRequest | undefined, assumptions: string[]): Network {
  const net: Network = {
    ctx,
    request,
    assume: (text) => {
      if (!assumptions.includes(text)) assumptions.push(text);
    },
    podSource: (pod) => podSource(net, pod),
    podDestination: (pod, ingressChecked) => podDestination(net, pod, ingressChecked),
    node: (node, arrival) => nodeDevice(net, node, arrival),
    eniEgress: (eni) => eniEgress(net, eni),
    eniIngress: (eni) => eniIngress(net, eni),
    subnetRouter: (subnetId) => subnetRouter(net, subnetId),
    natGateway: (nat) => natGateway(net, nat),
    internetGatewayOut: (igwId) => internetGatewayOut(net, igwId),
    internet: (role) => internet(net, role),
    loadBalancer: (lb, address) => loadBalancerDevice(net, lb, address),
    loadBalancedFlows: new Map(),
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

function firstPort(pod: PathPod | undefined, protocol: Protocol): { port: number; why: string } | undefined {
  const p = pod?.ports.find((x) => x.protocol === protocol) ?? pod?.ports[0];
  return p
    ? {
        port: p.containerPort,
        why: `the first container port of ${pod!.namespace}/${pod!.name}${p.name ? ` (${p.name})` : ""}`,
      }
    : undefined;
}

/** The first listener port of the load balancer one of whose addresses (private or public) `ip` is. */
function listenerPort(ctx: PathContext, ip: string, protocol: Protocol): { port: number; why: string } | undefined {
  const lb =
    ctx.loadBalancerAt(ip) ?? ctx.loadBalancers.loadBalancers.find((l) => l.addresses.some((a) => a.publicIp === ip));
  const listener = lb?.listeners.find((l) => l.protocol === protocol) ?? lb?.listeners[0];
  return lb && listener
    ? {
        port: listener.port,
        why: `the first listener of load balancer ${lb.name} (${listener.port}/${listener.protocol})`,
      }
    : undefined;
}

/** An address for a load balancer whose ENIs are unknown: the first address AWS does not reserve in its first subnet. */
function assumedLbAddress(ctx: PathContext, lb: LoadBalancerView): { ip: string; why: string } {
  for (const id of lb.subnetIds) {
    const subnet = ctx.subnet(id);
    const block = subnet ? parseCidr4(subnet.cidr) : undefined;
    if (subnet && block)
      return {
        ip: formatIPv4(block.base + 4),
        why: `the first address AWS does not reserve in ${subnet.id} (${subnet.cidr})`,
      };
  }
  return { ip: `(private address of ${lb.name}, unknown)`, why: "its subnets are unknown too" };
}

export function resolveTraceEndpoint(
  ctx: PathContext,
  spec: EndpointSpec,
  protocol: Protocol,
  assumptions: string[],
): Resolved {
  const k = ctx.snapshot.kubernetes;
  const text = endpointText(spec);
  const info = (
    label: string,
    ip: string | undefined,
    how: string,
    source: SourceRef | undefined,
  ): TraceEndpointInfo => ({ endpoint: text, label, ip, how, source });
  switch (spec.kind) {
    case "pod": {
      const raw = snapshotIndex(ctx.snapshot).podsByName.get(`${spec.namespace}/${spec.name}`);
      if (!raw) throw new EndpointError(`no pod ${spec.namespace}/${spec.name} in the snapshot`);
      const pod = pathPodOf(raw);
      if (!pod) throw new EndpointError(`pod ${spec.namespace}/${spec.name} has no IP in the snapshot (status.podIP)`);
      return {
        info: info(`pod ${spec.namespace}/${spec.name}`, pod.ip, "status.podIP", pod.source),
        ip: pod.ip,
        pod,
        node: ctx.node(pod.nodeName),
        eni: undefined,
        port: firstPort(pod, protocol),
      };
    }
    case "workload": {
      const workload = k.workloads.find((w) => w.namespace === spec.namespace && w.name === spec.name);
      if (!workload) throw new EndpointError(`no workload ${spec.namespace}/${spec.name} in the snapshot`);
      const pod = workloadPod(ctx, workload, assumptions);
      return {
        info: info(
          `workload ${spec.namespace}/${spec.name} (pod ${pod.name})`,
          pod.ip,
          pod.assumed ?? `its observed pod ${pod.name}`,
          workload.meta.source,
        ),
        ip: pod.ip,
        pod,
        node: ctx.node(pod.nodeName),
        eni: undefined,
        port: firstPort(pod, protocol),
      };
    }
    case "service": {
      const service = ctx.service(spec);
      if (!service) throw new EndpointError(`no service ${spec.namespace}/${spec.name} in the snapshot`);
      return resolveServiceEndpoint(ctx, service, protocol, text, assumptions);
    }
    case "node": {
      const node = ctx.node(spec.name);
      if (!node) throw new EndpointError(`no node ${spec.name} in the snapshot`);
      if (!node.internalIP) throw new EndpointError(`node ${spec.name} has no InternalIP in the snapshot`);
      return {
        info: info(`node ${spec.name}`, node.internalIP, "status.addresses InternalIP", node.meta.source),
        ip: node.internalIP,
        pod: undefined,
        node,
        eni: undefined,
        port: undefined,
      };
    }
    case "ip": {
      const pod = ctx.podByIp(spec.ip);
      const node = ctx.nodeWithAddress(spec.ip) ?? ctx.node(pod?.nodeName);
      const eni = ctx.eniForIp(spec.ip)?.eni;
      // a public address the internet gateway maps to a VPC address (an instance's public IP, an Elastic IP)
      const inbound =
        !pod && !node && !eni && !isPrivateOrShared(spec.ip)
          ? internetGatewayInbound(spec.ip, ctx.snapshot.aws)
          : undefined;
      const holder = inbound?.allowed ? inbound.holder : undefined;
      const holderNode = holder
        ? ctx.nodeOfInstance(holder.kind === "instance" ? holder.id : ctx.eni(holder.id)?.attachment?.instanceId)
        : undefined;
      const how = pod
        ? `the address of pod ${pod.namespace}/${pod.name}`
        : ctx.nodeWithAddress(spec.ip)
          ? `the address of node ${node!.name}`
          : eni
            ? `held by ${eni.id}${eni.description ? ` (${eni.description})` : ""}`
            : holder
              ? `the public address of ${holder.description}${holderNode ? `, node ${holderNode.name}` : ""} (1:1 NAT at the internet gateway to ${inbound!.privateIp})`
              : "as given";
      return {
        info: info(`ip ${spec.ip}`, spec.ip, how, pod?.source ?? eni?.source ?? holder?.source),
        ip: spec.ip,
        pod,
        node,
        eni,
        port: firstPort(pod, protocol) ?? listenerPort(ctx, spec.ip, protocol),
      };
    }
    case "internet":
      return {
        info: info(
          "internet",
          INTERNET_ADDRESS,
          "a public address outside every VPC (TEST-NET-2, RFC 5737)",
          undefined,
        ),
        ip: INTERNET_ADDRESS,
        pod: undefined,
        node: undefined,
        eni: undefined,
        port: { port: 443, why: "HTTPS, the usual port toward the internet" },
      };
    case "url":
      throw new EndpointError(
        "url: is a destination only (the request goes through the Ingress and its load balancer)",
      );
  }
}

/**
 * A source given as the public address of something in the VPC (an instance's public IP, an
 * Elastic IP): it sends from its private address, which the internet gateway maps 1:1 on the
 * way out (AWS VPC docs, "Internet gateways") — the path starts at that node or interface.
 */
function sentFrom(ctx: PathContext, from: Resolved): Resolved {
  if (from.pod || from.node || from.eni || isPrivateOrShared(from.ip) || !isIPv4(from.ip)) return from;
  const inbound = internetGatewayInbound(from.ip, ctx.snapshot.aws);
  if (!inbound.allowed || inbound.privateIp === undefined) return from;
  const privateIp = inbound.privateIp;
  const eni = ctx.eniForIp(privateIp)?.eni;
  const node =
    ctx.nodeWithAddress(privateIp) ??
    ctx.nodeOfInstance(inbound.holder?.kind === "instance" ? inbound.holder.id : eni?.attachment?.instanceId);
  if (!node && !eni) return from;
  return {
    ...from,
    ip: privateIp,
    node,
    eni,
    info: {
      ...from.info,
      how: `${from.info.how}; it sends from its private address ${privateIp}, which the internet gateway maps to ${from.ip}`,
    },
  };
}

/** A source outside every VPC of the snapshot: `internet`, or an `ip:` public address nothing of the snapshot holds. */
function outsideTheVpc(from: Resolved, spec: EndpointSpec): boolean {
  return (
    spec.kind === "internet" ||
    (spec.kind === "ip" && !from.pod && !from.node && !from.eni && !isPrivateOrShared(from.ip))
  );
}

/**
 * `node:NAME` reached from outside the VPC: the node's public address — its ExternalIP
 * (status.addresses, set by a cloud controller manager), else the public IP of its instance
 * (describe-instances PublicIpAddress), else of its primary ENI (Association.PublicIp). The
 * internet gateway maps it 1:1 to the private address (AWS VPC docs, "Internet gateways").
 * Without any: NO_PUBLIC_IP naming the node and its instance; without the node's instance in the
 * snapshot at all: unknown, naming what to capture.
 */
function nodeFromOutside(
  ctx: PathContext,
  name: string,
  text: string,
): { to: Resolved; start: ((net: Network, packet: Packet) => Device) | undefined } {
  const node = ctx.node(name);
  if (!node) throw new EndpointError(`no node ${name} in the snapshot`);
  const label = `node ${name}`;
  const resolved = (ip: string, how: string, source: SourceRef | undefined): Resolved => ({
    info: { endpoint: text, label, ip, how, source },
    ip,
    pod: undefined,
    node,
    eni: undefined,
    port: undefined,
  });
  const external = [
    node.externalIP,
    ...node.addresses.filter((a) => a.type === "ExternalIP").map((a) => a.address),
  ].find((ip) => ip !== undefined && isIPv4(ip) && !isPrivateOrShared(ip));
  if (external)
    return {
      to: resolved(external, "its public address: status.addresses ExternalIP", node.meta.source),
      start: undefined,
    };
  const network = ctx.network(node);
  const instance = ctx.instance(network.instanceId);
  if (instance?.publicIp)
    return {
      to: resolved(
        instance.publicIp,
        `its public address: the public IP of instance ${instance.id} (describe-instances PublicIpAddress)`,
        instance.source,
      ),
      start: undefined,
    };
  const eni = ctx.primaryEni(node);
  const eniPublic = eni?.privateIps.find((p) => p.primary)?.publicIp;
  if (eni && eniPublic)
    return {
      to: resolved(
        eniPublic,
        `its public address: the public IP of its primary ENI ${eni.id} (Association.PublicIp)`,
        eni.source,
      ),
      start: undefined,
    };
  // no public address: the packet is shown to the private one, which the internet does not route
  const unreachable = (how: string, source: SourceRef | undefined): Resolved => ({
    info: { endpoint: text, label, ip: undefined, how, source },
    ip: node.internalIP ?? "0.0.0.0",
    pod: undefined,
    node,
    eni: undefined,
    port: undefined,
  });
  const first = (packet: Packet): Step =>
    step(
      "internet",
      "internet",
      "internet",
      "forward",
      packet,
      `a client on the internet (${packet.src}) needs a public address of node ${name} (${node.internalIP ? `${packet.dst} is its private address, which the internet does not route` : "it has no InternalIP either"})`,
      undefined,
    );
  if (!instance && !eni) {
    const capture =
      "aws ec2 describe-instances (its PublicIpAddress), or a node object whose status.addresses lists its ExternalIP";
    const message = `node ${name} has no ExternalIP in status.addresses and no EC2 instance of the snapshot matches it (by spec.providerID, InternalIP or the Name tag): whether the internet can reach it depends on a public address the snapshot does not show`;
    const start = (): Device => ({
      name: "internet",
      forward: (packet) => {
        const u = undecided("internet", "internet", name, packet, message, capture, node.meta.source);
        return { steps: [first(packet), u.step], packet, next: undefined, unknown: u.unknown };
      },
    });
    return { to: unreachable("its public address, which the snapshot does not show", node.meta.source), start };
  }
  const holder = instance ? `instance ${instance.id}` : `ENI ${eni!.id}`;
  const holderSource = instance?.source ?? eni!.source;
  const message = `node ${name} (${holder}) has no public address: no ExternalIP in status.addresses${instance ? `, no PublicIpAddress on instance ${instance.id}` : ""}${eni ? `, no public IP on its primary ENI ${eni.id}` : ""}; the internet gateway translates only addresses that have one, so the internet cannot reach the node (reach it through a load balancer, or give it a public IP or Elastic IP)`;
  const start = (): Device => ({
    name: "internet",
    forward: (packet) => {
      const d = dropped("internet", "internet", instance?.id ?? eni!.id, "NO_PUBLIC_IP", packet, message, holderSource);
      return { steps: [first(packet), d.step], packet, next: undefined, drop: d.drop };
    },
  });
  return {
    to: unreachable("no public address (none in status.addresses, on its instance or its primary ENI)", holderSource),
    start,
  };
}

function sourceDevice(net: Network, from: Resolved, spec: EndpointSpec): Device {
  if (from.pod) return net.podSource(from.pod);
  if (from.node && (spec.kind === "node" || spec.kind === "ip")) return net.node(from.node, { kind: "host" });
  if (from.eni) return net.eniEgress(from.eni);
  if (spec.kind === "internet" || !isPrivateOrShared(from.ip)) return net.internet("source");
  throw new EndpointError(
    `${endpointText(spec)}: no pod, node or network interface of the snapshot has ${from.ip}, so the path cannot start there`,
  );
}

/** A source outside the cluster: the internet, or an address that is neither a pod nor a node. */
function fromOutsideCluster(from: Resolved, spec: EndpointSpec): boolean {
  return spec.kind === "internet" || (spec.kind === "ip" && from.pod === undefined && from.node === undefined);
}

/** The load balancer (observed or derived) of a Service of type LoadBalancer. */
function serviceLoadBalancer(ctx: PathContext, namespace: string, name: string): LoadBalancerView | undefined {
  return ctx.loadBalancers.loadBalancers.find((lb) => lb.service?.namespace === namespace && lb.service.name === name);
}

/** The usage error for a url: host that no load balancer, Ingress or Service names, with the hosts that are known. */
function unknownHostMessage(ctx: PathContext, host: string): string {
  const model = ctx.loadBalancers;
  const hosts = new Set<string>();
  for (const r of model.routes) if (r.host) hosts.add(r.host.toLowerCase());
  for (const lb of model.loadBalancers) if (lb.dnsName) hosts.add(lb.dnsName.toLowerCase());
  for (const s of ctx.snapshot.kubernetes.services)
    for (const i of s.loadBalancerIngress) if (i.hostname) hosts.add(i.hostname.toLowerCase());
  const known = [...hosts].sort();
  const list =
    known.length === 0
      ? "the snapshot names no host (no Ingress host, load balancer DNS name or Service status hostname)"
      : `known hosts: ${known.slice(0, 20).join(", ")}${known.length > 20 ? `, … (${known.length} in all)` : ""}`;
  return `url: host ${host} matches no load balancer, Ingress or Service of the snapshot; ${list}`;
}

/**
 * The destination a client connects to for a load balancer: its public (internet-facing) or
 * private (internal) address when the snapshot has it — the packet then crosses the VPC to it —,
 * else its DNS name (a status hostname) or a symbolic address, stated as an assumption, with the
 * load balancer as the first device.
 */
export function reachLoadBalancer(
  ctx: PathContext,
  lb: LoadBalancerView,
  label: string,
  how: string,
  port: { port: number; why: string } | undefined,
  assumptions: string[],
): { to: Resolved; start: ((net: Network) => Device) | undefined } {
  const what = `${lb.origin === "elbv2" ? "" : "the derived "}load balancer ${lb.name}${lb.dnsName ? ` (${lb.dnsName})` : ""}`;
  const ip = clientAddressOfLoadBalancer(ctx, lb);
  if (ip) {
    return {
      to: {
        info: {
          endpoint: label,
          label,
          ip,
          how: `${how} ${what}, ${lb.scheme === "internal" ? "private" : "public"} address ${ip}`,
          source: lb.source,
        },
        ip,
        pod: undefined,
        node: undefined,
        eni: undefined,
        port,
      },
      start: undefined,
    };
  }
  const own = lb.addresses.find((a) => a.privateIp)?.privateIp;
  const assumed = own ? { ip: own, why: "its private address in the snapshot" } : assumedLbAddress(ctx, lb);
  const shown =
    lb.dnsName ??
    `(${lb.scheme === "internal" ? "private" : "public"} address of ${lb.type === "application" ? "ALB" : "load balancer"} ${lb.name}, unknown)`;
  const owner = lb.origin === "ingress" ? "Ingress" : "Service";
  const owners = lb.origin === "ingress" ? "Ingresses" : "Service";
  const why =
    lb.origin === "elbv2"
      ? "no network interface of it is in the snapshot"
      : lb.dnsName
        ? `derived from the ${owners}; the ${owner} status names its DNS name, so it exists, but no elbv2 JSON of it is in the snapshot`
        : `derived from the ${owners}; no ${owner} status names it (not created yet, or the status was not captured)`;
  assumptions.push(
    `the ${lb.scheme === "internal" ? "private" : "public"} address of load balancer ${lb.name} is not in the snapshot (${why}): the client is assumed to reach it directly at ${shown}, and its own address toward the targets is taken as ${assumed.ip} (${assumed.why})${own ? "" : "; the VPC hops between it and its targets are not evaluated"}`,
  );
  return {
    to: {
      info: { endpoint: label, label, ip: shown, how: `${how} ${what}`, source: lb.source },
      ip: shown,
      pod: undefined,
      node: undefined,
      eni: undefined,
      port,
    },
    start: (net) => net.loadBalancer(lb, assumed.ip),
  };
}

/** Traces one packet from `request.from` to `request.to` and its reply. */
export function tracePath(
  source: Snapshot | PathContext,
  request: TraceRequest,
  options: PathOptions = {},
): TraceResult {
  const ctx = source instanceof PathContext ? source : new PathContext(source, options);
  const protocol = request.protocol ?? "TCP";
  const assumptions: string[] = [];
  if (request.from.kind === "service")
    throw new EndpointError(
      "a service does not send packets: trace from one of its pods (pod:NS/NAME) or its workload (workload:NS/NAME)",
    );
  const from = sentFrom(ctx, resolveTraceEndpoint(ctx, request.from, protocol, assumptions));

  let http: HttpRequest | undefined;
  let to: Resolved;
  let start: ((net: Network, packet: Packet) => Device) | undefined;
  const viaLoadBalancer =
    request.to.kind === "service" && fromOutsideCluster(from, request.from)
      ? serviceLoadBalancer(ctx, request.to.namespace, request.to.name)
      : undefined;
  if (request.to.kind === "service" && !viaLoadBalancer && fromOutsideCluster(from, request.from)) {
    const spec = request.to;
    const named = ctx.service(spec);
    const service = named?.type === "LoadBalancer" ? named : undefined;
    const plan = service ? serviceLoadBalancerPlan(service) : undefined;
    if (typeof plan === "string")
      assumptions.push(
        `service ${spec.namespace}/${spec.name} is of type LoadBalancer, but no AWS load balancer serves it (${plan}): traced to the service itself`,
      );
  }
  if (request.to.kind === "url") {
    const spec = request.to;
    http = { scheme: spec.scheme, host: spec.host, port: spec.port, path: spec.path };
    const lb = loadBalancerForHost(ctx.loadBalancers, spec.host);
    const label = endpointText(spec);
    if (!lb) {
      const m = matchRequest(ctx.loadBalancers, http);
      // a host nothing in the snapshot names is a mistake in the request, not a network drop
      if (m.kind === "drop" && m.code === "UNKNOWN_ENDPOINT" && m.source === undefined)
        throw new EndpointError(unknownHostMessage(ctx, spec.host));
      const message = m.kind === "drop" ? m.message : `no load balancer serves ${spec.host}`;
      const code = m.kind === "drop" ? m.code : "UNKNOWN_ENDPOINT";
      const packet: Packet = { src: from.ip, srcPort: EPHEMERAL_PORT, dst: spec.host, dstPort: spec.port, protocol };
      const d = dropped(
        "load-balancer",
        "load-balancer",
        spec.host,
        code,
        packet,
        message,
        m.kind === "drop" ? m.source : undefined,
      );
      return {
        from: from.info,
        to: {
          endpoint: label,
          label,
          ip: undefined,
          how: "through the Ingress rules and the load balancer",
          source: undefined,
        },
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
    const reached = reachLoadBalancer(
      ctx,
      lb,
      label,
      `${spec.host} is served by`,
      { port: spec.port, why: "the URL's port" },
      assumptions,
    );
    to = reached.to;
    start = reached.start;
  } else if (viaLoadBalancer && request.to.kind === "service") {
    const service = ctx.service(viaLoadBalancer.service);
    const port = service?.ports.find((p) => p.protocol === protocol) ?? service?.ports[0];
    const reached = reachLoadBalancer(
      ctx,
      viaLoadBalancer,
      endpointText(request.to),
      `service ${request.to.namespace}/${request.to.name} of type LoadBalancer, traced from outside the cluster, is reached through`,
      port
        ? {
            port: port.port,
            why: `the first port of service ${request.to.namespace}/${request.to.name}${port.name ? ` (${port.name})` : ""}`,
          }
        : undefined,
      assumptions,
    );
    to = reached.to;
    start = reached.start;
  } else if (request.to.kind === "node" && outsideTheVpc(from, request.from)) {
    const r = nodeFromOutside(ctx, request.to.name, endpointText(request.to));
    to = r.to;
    start = r.start;
  } else {
    to = resolveTraceEndpoint(ctx, request.to, protocol, assumptions);
  }

  let port = request.port;
  if (port === undefined) {
    if (!to.port)
      throw new EndpointError(`${endpointText(request.to)} has no port podpath can default to: give --port`);
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
  const net = networkFor(ctx, t.http, assumptions);
  for (const pod of [from.pod, to.pod]) {
    const misfit = pod ? ctx.cniOverrideMisfit(pod) : undefined;
    if (misfit) net.assume(misfit);
  }
  const packet: Packet = {
    src: from.ip,
    srcPort: protocol === "ICMP" ? 0 : EPHEMERAL_PORT,
    dst: to.ip,
    dstPort: port,
    protocol,
  };
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
    return: run.reply
      ? { verdict: run.reply.verdict, drop: run.reply.drop, unknown: run.reply.unknown ?? null, hops: run.reply.steps }
      : { verdict: "not-sent", drop: null, unknown: null, hops: [] },
    // and what the objects crossed rest on (a derived IP pool, an endpoint's assumed readiness), and the files left out
    assumptions: [
      ...new Set([
        ...assumptions,
        ...modelAssumptions(ctx.snapshot, [...forward.steps, ...(run.reply?.steps ?? [])]),
        ...loadErrorsAssumptions(ctx.snapshot),
      ]),
    ],
  };
}
