/**
 * `podpath exposure`: who can reach each workload, and on which ports. Two sources, both reused:
 *
 * - the internet, through every frontend the snapshot shows: an Ingress path served by an ALB
 *   listener rule, a LoadBalancer Service (an NLB or a classic/ALB the controller built), and a
 *   Service's NodePort on each node. Each frontend is traced with the path engine's `tracePath`
 *   from `internet` (AWS hops, kube-proxy, NetworkPolicy), never re-derived here; the exposure's
 *   chain is the trace's deciding steps, each with its object and file:line.
 * - other workloads and address ranges, from connlist's NetworkPolicy engine (analysis/connectivity):
 *   the connections whose destination is the workload.
 *
 * A frontend is attributed to the workloads its backend Service selects (Service spec.selector
 * over the pod template's labels, as the EndpointSlice controller selects pods), so a blocked path
 * is still listed under the workload it was meant for.
 */
import type { Ingress, Pod, Service } from "../../model/kubernetes.js";
import { UserError } from "../../model/errors.js";
import { mapSelectorMatches } from "../../model/selectors.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { connectionText } from "../connectivity/connection-set.js";
import { analyseConnlist, type ConnlistReport } from "../connectivity/connlist.js";
import type { WorkloadPeer } from "../connectivity/workloads.js";
import type { EndpointSpec } from "../paths/endpoints.js";
import { memberRulesAdmitting } from "../paths/aws/security-groups.js";
import { PathContext, type PathOptions } from "../paths/path-context.js";
import { ownerKey, snapshotIndex } from "../paths/snapshot-index.js";
import { tracePath, type TraceResult } from "../paths/trace.js";
import type { Component, Protocol, Step } from "../paths/trace-model.js";
import { chooseVpcHost, isVpcHost, podSecurityGroupsNote, traceFromVpc, type NoVpcHost, type VpcHost } from "./vpc.js";

export type ExposureVerdict = "open" | "blocked" | "unknown";

/**
 * How the frontend is reached: an ALB listener rule, a LoadBalancer Service's load balancer, a
 * NodePort — and, from the VPC only, the pod's own address.
 */
export type FrontendKind = "alb-rule" | "load-balancer-service" | "nodeport" | "pod-ip";

/** Where the client stands: the internet, or a host of the cluster's VPC outside the cluster (vpc.ts). */
export type ExposureOrigin = "internet" | "vpc";

/** NodePort: the nodes that share one outcome (the verdict and the object that decides it). */
interface NodeOutcome {
  readonly verdict: ExposureVerdict;
  readonly nodes: readonly string[];
  /** blocked: the drop code; unknown: null */
  readonly code: string | null;
  /** the deciding object (blocked, unknown), null when open */
  readonly at: string | null;
  readonly message: string | null;
  readonly source: SourceRef | undefined;
}

/** One object of the chain that opens (or closes) an exposure: a step of the trace. */
export interface ChainLink {
  readonly component: Component;
  /** the deciding object: sg-…, the listener rule, ns/policy, the pod */
  readonly id: string;
  readonly action: string;
  readonly note: string;
  readonly source: SourceRef | undefined;
}

export interface InternetExposure {
  readonly origin: ExposureOrigin;
  readonly kind: FrontendKind;
  /** readable: `https://growbin.app/argocd`, `service web/web-nlb port 80`, `NodePort 30080 of service shop/web` */
  readonly frontend: string;
  /** the object that asks for the frontend: the Ingress path, the Service port */
  readonly frontendSource: SourceRef | undefined;
  /** the backend Service, `NS/NAME` */
  readonly service: string;
  readonly protocol: Protocol;
  /** the port the internet client sends to */
  readonly port: number;
  /** the port the pod receives on (open paths only) */
  readonly podPort: number | undefined;
  /** the nodes traced (NodePort: every node; others: none) and those that let it through */
  readonly nodes: readonly string[];
  readonly openNodes: readonly string[];
  /** NodePort: the nodes grouped by outcome (open first, then blocked, then unknown); empty otherwise */
  readonly byNode: readonly NodeOutcome[];
  readonly verdict: ExposureVerdict;
  /**
   * the chain in one line, from the internet to the pod (or to the object that blocks it, marked ✗):
   * `internet → sg-… → ALB NAME listener 443 → rule priority 1 → target group NAME → sg-… →
   * kube-proxy NS/SVC:PORT → NetworkPolicy (none: not isolated) → pod NS/POD`
   */
  readonly path: string;
  /** the pod the trace reached (open paths) */
  readonly pod: string | undefined;
  readonly chain: readonly ChainLink[];
  /** blocked: the code, the object and why */
  readonly blockedBy: {
    readonly code: string;
    readonly at: string;
    readonly message: string;
    readonly source: SourceRef | undefined;
  } | null;
  /** what the trace had to assume (a derived load balancer's address, a port), as `trace` says it */
  readonly assumptions: readonly string[];
  /**
   * blocked from the VPC by a security group: its inbound rules that admit the same traffic from
   * the members of another security group — the VPC hosts that do reach it
   */
  readonly memberRules: readonly { readonly rule: string; readonly source: SourceRef | undefined }[];
  /** unknown: where the snapshot could not decide, and what to capture */
  readonly unknown: {
    readonly at: string;
    readonly message: string;
    readonly capture: string;
    readonly source: SourceRef | undefined;
  } | null;
}

/** A connection NetworkPolicy allows to the workload (connlist's line). */
interface IncomingConnection {
  /** connlist's peer string: `NS/NAME[Kind]`, `A-B[External]`, `{ingress-controller}` */
  readonly from: string;
  readonly fromKind: "workload" | "external" | "ingress-controller";
  /** "All Connections", "TCP 8080,UDP 53" */
  readonly conn: string;
}

export interface WorkloadExposure {
  readonly workload: WorkloadPeer;
  readonly internet: readonly InternetExposure[];
  /** from a host of the VPC outside the cluster: internal load balancers, NodePorts, the pod's address */
  readonly vpc: readonly InternetExposure[];
  /**
   * true when NetworkPolicy lets every other workload and every address reach it on every port
   * (no policy isolates it for ingress); `incoming` is then left empty
   */
  readonly openToAll: boolean;
  readonly incoming: readonly IncomingConnection[];
}

export interface ExposureReport {
  /** the host the VPC-side exposures are traced from; undefined when the VPC is not traced (a note says why) */
  readonly vpcHost: VpcHost | undefined;
  readonly workloads: readonly WorkloadExposure[];
  /** frontends whose Service selects no workload of the snapshot */
  readonly unattached: readonly InternetExposure[];
  readonly notes: readonly { readonly message: string; readonly source: SourceRef | undefined }[];
}

/** Components whose steps make the chain: what opens or closes the path, not every route lookup. */
const CHAIN_COMPONENTS: ReadonlySet<Component> = new Set<Component>([
  "load-balancer",
  "listener-rule",
  "target-group",
  "security-group",
  "kube-proxy",
  "network-policy",
  "pod",
]);

function chainOf(trace: TraceResult): ChainLink[] {
  const links: ChainLink[] = [];
  const last = trace.hops.length - 1;
  trace.hops.forEach((s: Step, i) => {
    // security groups: the inbound rules that let the packet in (an outbound allow-all is noise); the last step always
    const outbound = s.detail?.kind === "filter" && s.detail.direction === "egress" && s.action === "allow";
    const kubeProxySnat = s.component === "kube-proxy" && s.action === "snat";
    if (i === last || (CHAIN_COMPONENTS.has(s.component) && !outbound && !kubeProxySnat))
      links.push({ component: s.component, id: s.id, action: s.action, note: s.note, source: s.source });
  });
  return links;
}

/** A chain link, short: the object's kind and name, the ARN cut to its name. */
function linkLabel(l: ChainLink, port: number): string {
  switch (l.component) {
    case "security-group":
      return l.id === "none" ? "no security group" : l.id;
    case "load-balancer": {
      // a load balancer derived from a Service is named after it: "NLB of service NS/NAME"
      const derived = /^(ALB|NLB|GWLB|CLB) \1 of service (\S+)/.exec(l.note);
      if (derived) return `${derived[1]} of service ${derived[2]} listener ${port}`;
      const m = /^(ALB|NLB|GWLB|CLB) (\S+)/.exec(l.note);
      return m ? `${m[1]} ${m[2]} listener ${port}` : `load balancer ${l.id}`;
    }
    case "listener-rule": {
      const m = /matches (priority \d+|the default rule)/.exec(l.note);
      return m ? `rule ${m[1]!.replace("the default rule", "default")}` : "listener rule";
    }
    case "target-group": {
      const m = /^target group (\S+)/.exec(l.note);
      return `target group ${m ? m[1] : l.id}`;
    }
    case "network-policy":
      return l.id === "no-policy" ? "NetworkPolicy (none: not isolated)" : `NetworkPolicy ${l.id}`;
    default:
      return `${l.component} ${l.id}`;
  }
}

function pathOf(
  origin: string,
  chain: readonly ChainLink[],
  verdict: ExposureVerdict,
  port: number,
  why: string | undefined,
): string {
  const labels = chain.map((l) => linkLabel(l, port));
  if (verdict !== "open" && labels.length > 0)
    labels[labels.length - 1] = `✗ ${labels.at(-1)!}${why ? ` (${why})` : ""}`;
  return [origin, ...labels].join(" → ");
}

function verdictOf(trace: TraceResult): ExposureVerdict {
  // an ALB that answers itself (a redirect, a fixed response) reaches no pod
  if (trace.verdict === "delivered") return trace.answeredBy ? "blocked" : "open";
  return trace.verdict === "dropped" ? "blocked" : "unknown";
}

/** The object that decides a trace that reaches no pod: the drop, the load balancer that answers, or where it is undecided. */
function blockedByOf(trace: TraceResult): InternetExposure["blockedBy"] {
  if (trace.drop)
    return { code: trace.drop.code, at: trace.drop.at, message: trace.drop.message, source: trace.drop.source };
  if (trace.answeredBy)
    return {
      code: "ANSWERED_BY_LOAD_BALANCER",
      at: `${trace.answeredBy.component}:${trace.answeredBy.id}`,
      message: trace.answeredBy.note,
      source: trace.hops.at(-1)?.source,
    };
  return null;
}

/** Where a trace comes from: the internet, or the VPC host. */
interface Origin {
  readonly origin: ExposureOrigin;
  /** the first element of an exposure's path */
  readonly label: string;
  trace(to: EndpointSpec, port: number | undefined, protocol: Protocol): TraceResult;
  memberRules(
    groupIds: readonly string[],
    port: number,
    protocol: Protocol,
  ): { readonly rule: string; readonly source: SourceRef | undefined }[];
}

function exposureOf(
  origin: Origin,
  kind: FrontendKind,
  frontend: string,
  frontendSource: SourceRef | undefined,
  service: string,
  trace: TraceResult,
  byNode: readonly NodeOutcome[] = [],
): InternetExposure {
  const verdict = verdictOf(trace);
  const lastPod = trace.hops.at(-1);
  const chain = chainOf(trace);
  return {
    origin: origin.origin,
    kind,
    frontend,
    frontendSource,
    service,
    protocol: trace.protocol,
    port: trace.port,
    podPort: verdict === "open" ? trace.finalPacket.dstPort : undefined,
    nodes: byNode.flatMap((g) => g.nodes).sort(),
    openNodes: byNode.filter((g) => g.verdict === "open").flatMap((g) => g.nodes),
    byNode,
    verdict,
    path: pathOf(
      origin.label,
      chain,
      verdict,
      trace.port,
      trace.drop?.code ?? (trace.answeredBy ? "answered by the load balancer" : trace.unknown ? "unknown" : undefined),
    ),
    pod: verdict === "open" && lastPod?.component === "pod" ? lastPod.id : undefined,
    chain,
    blockedBy: blockedByOf(trace),
    unknown: trace.unknown,
    assumptions: trace.assumptions,
    memberRules: origin.origin === "vpc" ? memberRulesOf(origin, trace) : [],
  };
}

/** A packet from the VPC host refused by security groups: the groups' rules that admit another group's members. */
function memberRulesOf(origin: Origin, trace: TraceResult): InternetExposure["memberRules"] {
  const drop = trace.drop;
  if (drop?.code !== "SECURITY_GROUP_INGRESS" || !drop.at.startsWith("security-group:")) return [];
  const last = trace.hops.at(-1);
  const packet = last?.packet ?? trace.finalPacket;
  const ids = drop.at.slice("security-group:".length).split(",");
  return origin.memberRules(ids, packet.dstPort, trace.protocol);
}

const INTERNET: EndpointSpec = { kind: "internet" };

/** The Host header sent to a host-less rule whose load balancer has no DNS name yet (RFC 2606's reserved name). */
const ANY_HOST = "host.example";

type Notes = { message: string; source: SourceRef | undefined }[];

/** A trace the snapshot cannot even start (an unknown host): a note instead of an exposure. */
function tryTrace(
  origin: Origin,
  to: EndpointSpec,
  port: number | undefined,
  protocol: Protocol,
  notes: Notes,
  source: SourceRef | undefined,
  what: string,
): TraceResult | undefined {
  try {
    return origin.trace(to, port, protocol);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    notes.push({
      message: `${what}${origin.origin === "vpc" ? " from the VPC" : ""}: not traced: ${e.message}`,
      source,
    });
    return undefined;
  }
}

/**
 * Ingress paths, each traced as the URL the ALB serves (the listener's scheme, the rule's host and
 * path): from the internet, and from the VPC when a load balancer serving the Ingress is internal
 * (AWS Load Balancer Controller annotation `alb.ingress.kubernetes.io/scheme: internal`: private
 * addresses only, reached from the VPC and the networks routed to it).
 */
function ingressExposures(
  ctx: PathContext,
  ingress: Ingress,
  internet: Origin,
  vpc: Origin | undefined,
  notes: Notes,
): InternetExposure[] {
  const out: InternetExposure[] = [];
  // the controller's listen-ports annotation (default HTTP 80, or HTTPS 443 with a certificate)
  const listen = ingress.alb.listenPorts;
  const https = listen.find((l) => l.protocol === "HTTPS");
  const http = listen.find((l) => l.protocol === "HTTP");
  const scheme: "http" | "https" = https || (!http && ingress.tls.length > 0) ? "https" : "http";
  const port = scheme === "https" ? (https?.port ?? 443) : (http?.port ?? 80);
  // a rule without a host matches every Host header (Ingress spec: "If the host is unspecified, the
  // Ingress routes all traffic based on the specified IngressRuleValue"): its status hostname, else
  // the DNS name of the load balancer the controller built for it, else a reserved name (RFC 2606)
  const served = ctx.loadBalancers.loadBalancers.filter((lb) =>
    lb.ingresses.some((r) => r.namespace === ingress.namespace && r.name === ingress.name),
  );
  const internal = served.length > 0 && served.every((lb) => lb.scheme === "internal");
  const anyHost =
    ingress.loadBalancerIngress.find((l) => l.hostname)?.hostname ??
    (served.length === 1 ? (served[0]!.dnsName ?? ANY_HOST) : undefined);
  for (const rule of ingress.rules) {
    const host = rule.host ?? anyHost;
    for (const p of rule.paths) {
      const svc = p.backend.service;
      if (!svc) continue;
      const service = `${ingress.namespace}/${svc.name}`;
      if (!host || host.startsWith("*")) {
        notes.push({
          message: `Ingress ${ingress.namespace}/${ingress.name} path ${p.path}: no host to send a request to (no rule host, no hostname in its status, and no single load balancer serving it): not traced`,
          source: p.source,
        });
        continue;
      }
      const path = p.path || "/";
      const url = `${scheme}://${host === ANY_HOST ? "(any host)" : host}${port === (scheme === "https" ? 443 : 80) ? "" : `:${port}`}${path}`;
      for (const origin of internal && vpc ? [internet, vpc] : [internet]) {
        const trace = tryTrace(
          origin,
          { kind: "url", scheme, host, port, path },
          undefined,
          "TCP",
          notes,
          p.source,
          `Ingress ${ingress.namespace}/${ingress.name} ${url}`,
        );
        if (trace) out.push(exposureOf(origin, "alb-rule", url, p.source, service, trace));
      }
    }
  }
  return out;
}

/** The outcome that decides a node's NodePort trace, as a key and a group. */
function nodeOutcome(trace: TraceResult): Omit<NodeOutcome, "nodes"> {
  const verdict = verdictOf(trace);
  if (verdict === "open") return { verdict, code: null, at: null, message: null, source: undefined };
  const blocked = blockedByOf(trace);
  if (blocked) return { verdict, code: blocked.code, at: blocked.at, message: blocked.message, source: blocked.source };
  const u = trace.unknown;
  return { verdict, code: null, at: u?.at ?? null, message: u?.message ?? null, source: u?.source };
}

const VERDICT_ORDER: Record<ExposureVerdict, number> = { open: 0, blocked: 1, unknown: 2 };

/**
 * A NodePort on every node: kube-proxy opens it on each (Kubernetes docs, Service type NodePort:
 * "each node proxies that port"), but each node's security groups, address and — with
 * externalTrafficPolicy: Local — its own endpoints decide ("Traffic policies": Local routes only to
 * node-local endpoints and drops the traffic otherwise). The nodes are grouped by outcome; the
 * trace shown is the first open one, else the first unknown, else the first.
 */
function nodePortExposure(
  origin: Origin,
  service: Service,
  port: Service["ports"][number],
  nodeNames: readonly string[],
  notes: Notes,
): InternetExposure | undefined {
  const id = `${service.namespace}/${service.name}`;
  const src = service.meta.source;
  if (port.nodePort === undefined || nodeNames.length === 0) return undefined;
  const traces: [string, TraceResult][] = [];
  for (const node of nodeNames) {
    const t = tryTrace(
      origin,
      { kind: "node", name: node },
      port.nodePort,
      port.protocol,
      notes,
      src,
      `NodePort ${port.nodePort} of ${id} on ${node}`,
    );
    if (t) traces.push([node, t]);
  }
  if (traces.length === 0) return undefined;
  const groups = new Map<string, NodeOutcome & { nodes: string[] }>();
  for (const [node, t] of traces) {
    const o = nodeOutcome(t);
    const key = `${o.verdict}\u0000${o.code ?? ""}\u0000${o.at ?? ""}`;
    const g = groups.get(key);
    if (g) g.nodes.push(node);
    else groups.set(key, { ...o, nodes: [node] });
  }
  const byNode = [...groups.values()].sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict]);
  const open = traces.filter(([, t]) => verdictOf(t) === "open");
  const shown = (open[0] ?? traces.find(([, t]) => t.verdict === "unknown") ?? traces[0]!)[1];
  return exposureOf(
    origin,
    "nodeport",
    `NodePort ${port.nodePort}/${port.protocol} of service ${id}`,
    src,
    id,
    shown,
    byNode,
  );
}

function serviceExposures(
  ctx: PathContext,
  service: Service,
  nodeNames: readonly string[],
  internet: Origin,
  vpc: Origin | undefined,
  notes: Notes,
): InternetExposure[] {
  const out: InternetExposure[] = [];
  const id = `${service.namespace}/${service.name}`;
  const src = service.meta.source;
  if (service.type === "LoadBalancer") {
    // an internal load balancer (scheme internal) has private addresses only: the VPC reaches it, the internet does not
    const lb = ctx.loadBalancers.loadBalancers.find(
      (l) => l.service?.namespace === service.namespace && l.service.name === service.name,
    );
    const origins = lb?.scheme === "internal" && vpc ? [internet, vpc] : [internet];
    for (const origin of origins)
      for (const p of service.ports) {
        const trace = tryTrace(
          origin,
          { kind: "service", namespace: service.namespace, name: service.name },
          p.port,
          p.protocol,
          notes,
          src,
          `service ${id} port ${p.port}`,
        );
        if (trace)
          out.push(
            exposureOf(origin, "load-balancer-service", `service ${id} port ${p.port}/${p.protocol}`, src, id, trace),
          );
      }
  }
  if (service.type === "LoadBalancer" || service.type === "NodePort")
    for (const origin of vpc ? [internet, vpc] : [internet])
      for (const p of service.ports) {
        const e = nodePortExposure(origin, service, p, nodeNames, notes);
        if (e) out.push(e);
      }
  return out;
}

/** The first running observed pod of a workload (connlist's peer), with an address. */
function observedPod(snapshot: Snapshot, peer: WorkloadPeer): Pod | undefined {
  const index = snapshotIndex(snapshot);
  const candidates =
    index.podsByOwner.get(ownerKey(peer)) ??
    (peer.kind === "Pod"
      ? [index.podsByName.get(`${peer.namespace}/${peer.name}`)].filter((p) => p !== undefined)
      : []);
  return candidates.find(
    (p) =>
      p.podIP &&
      p.phase !== "Succeeded" &&
      p.phase !== "Failed" &&
      Object.entries(peer.labels).every(([k, v]) => p.labels[k] === v),
  );
}

/**
 * The workload's pod address from the VPC, on each port its containers declare: with the VPC CNI
 * a pod address is a VPC address (secondary IP or prefix of a node's ENI — Amazon VPC CNI docs),
 * so the node's security groups (or, with security groups for pods, the branch ENI's) and
 * NetworkPolicy decide; a Calico pool address is routed in the VPC only where a route table sends
 * it to a node (Calico docs, "Determine best networking option": overlay pod addresses are not
 * routable outside the cluster) — the path engine's route-table device says which.
 */
function podExposures(snapshot: Snapshot, peer: WorkloadPeer, vpc: Origin, notes: Notes): InternetExposure[] {
  const pod = observedPod(snapshot, peer);
  if (!pod) return [];
  const out: InternetExposure[] = [];
  const seen = new Set<string>();
  for (const port of pod.spec.containers.flatMap((c) => c.ports)) {
    const key = `${port.protocol}/${port.containerPort}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const trace = tryTrace(
      vpc,
      { kind: "pod", namespace: pod.namespace, name: pod.name },
      port.containerPort,
      port.protocol,
      notes,
      pod.meta.source,
      `pod ${pod.namespace}/${pod.name} port ${port.containerPort}`,
    );
    if (trace)
      out.push(
        exposureOf(
          vpc,
          "pod-ip",
          `pod address ${pod.podIP}:${port.containerPort}/${port.protocol}${port.name ? ` (${port.name})` : ""}${pod.spec.hostNetwork ? " (host network: the node's address)" : ""}`,
          pod.meta.source,
          `${pod.namespace}/${pod.name}`,
          trace,
        ),
      );
  }
  return out;
}

function selects(service: Service, peer: WorkloadPeer): boolean {
  return (
    service.namespace === peer.namespace &&
    service.selector !== null &&
    Object.keys(service.selector).length > 0 &&
    mapSelectorMatches(service.selector, peer.labels)
  );
}

type ConnlistConnection = ConnlistReport["connections"][number];

function incomingOf(
  connlist: ConnlistReport,
  toPeer: readonly ConnlistConnection[],
  peer: WorkloadPeer,
): { openToAll: boolean; incoming: IncomingConnection[] } {
  const incoming = toPeer.map((c) => ({
    from: c.src.id,
    fromKind: c.src.kind,
    conn: connectionText(c.conn),
    all: c.conn.all,
  }));
  const others = connlist.workloads.filter((w) => w.id !== peer.id).map((w) => w.id);
  const allFrom = new Set(incoming.filter((c) => c.all).map((c) => c.from));
  const openToAll =
    others.every((w) => allFrom.has(w)) &&
    incoming.some((c) => c.all && c.fromKind === "external" && c.from === "0.0.0.0-255.255.255.255[External]");
  return {
    openToAll,
    incoming: openToAll ? [] : incoming.map(({ from, fromKind, conn }) => ({ from, fromKind, conn })),
  };
}

/**
 * `connlist`: connlist's analysis of the same snapshot (every namespace, no focus) when the caller
 * already has it — `podpath report -o html` and `diff` answer connlist too — instead of running it again.
 */
export function analyseExposure(
  snapshot: Snapshot,
  options: PathOptions = {},
  connlist: ConnlistReport = analyseConnlist(snapshot),
): ExposureReport {
  const ctx = new PathContext(snapshot, options);
  const notes: Notes = [];
  const k = snapshot.kubernetes;
  const nodeNames = k.nodes.map((n) => n.name).sort();
  const internet: Origin = {
    origin: "internet",
    label: "internet",
    trace: (to, port, protocol) => tracePath(ctx, { from: INTERNET, to, port, protocol }),
    memberRules: () => [],
  };
  const chosen = chooseVpcHost(ctx);
  const vpcHost = isVpcHost(chosen) ? chosen : undefined;
  if (!vpcHost) notes.push({ message: `the VPC is not traced: ${(chosen as NoVpcHost).reason}`, source: undefined });
  const podEni = vpcHost ? podSecurityGroupsNote(ctx) : undefined;
  if (podEni) notes.push(podEni);
  const vpc: Origin | undefined = vpcHost
    ? {
        origin: "vpc",
        label: `VPC host ${vpcHost.ip}`,
        trace: (to, port, protocol) => traceFromVpc(ctx, vpcHost, to, port, protocol),
        memberRules: (ids, port, protocol) => memberRulesAdmitting(ids, port, protocol, snapshot.aws),
      }
    : undefined;
  const frontends: InternetExposure[] = [];
  const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }): number =>
    a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  for (const ingress of [...k.ingresses].sort(byName))
    frontends.push(...ingressExposures(ctx, ingress, internet, vpc, notes));
  const services = [...k.services].sort(byName);
  for (const service of services) frontends.push(...serviceExposures(ctx, service, nodeNames, internet, vpc, notes));

  // each workload's incoming connections, grouped once (in connlist's order): filtering every
  // connection per workload is workloads × connections
  const connectionsTo = new Map<string, ConnlistConnection[]>();
  for (const c of connlist.connections) {
    const list = connectionsTo.get(c.dst.id);
    if (list) list.push(c);
    else connectionsTo.set(c.dst.id, [c]);
  }
  const serviceByKey = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const attached = new Set<InternetExposure>();
  const workloads: WorkloadExposure[] = connlist.workloads.map((peer) => {
    const reaching = frontends.filter((f) => {
      const service = serviceByKey.get(f.service);
      return service !== undefined && selects(service, peer);
    });
    for (const f of reaching) attached.add(f);
    return {
      workload: peer,
      internet: reaching.filter((f) => f.origin === "internet"),
      vpc: vpc ? [...reaching.filter((f) => f.origin === "vpc"), ...podExposures(snapshot, peer, vpc, notes)] : [],
      ...incomingOf(connlist, connectionsTo.get(peer.id) ?? [], peer),
    };
  });
  return { vpcHost, workloads, unattached: frontends.filter((f) => !attached.has(f)), notes };
}
