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
import type { Ingress, Service } from "../../model/kubernetes.js";
import { UserError } from "../../model/errors.js";
import { mapSelectorMatches } from "../../model/selectors.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { connectionText } from "../connectivity/connection-set.js";
import { analyseConnlist, type ConnlistReport } from "../connectivity/connlist.js";
import type { WorkloadPeer } from "../connectivity/workloads.js";
import type { EndpointSpec } from "../paths/endpoints.js";
import { PathContext, type PathOptions } from "../paths/path-context.js";
import { tracePath, type TraceResult } from "../paths/trace.js";
import type { Component, Protocol, Step } from "../paths/trace-model.js";

export type ExposureVerdict = "open" | "blocked" | "unknown";

/** How the internet reaches the frontend. */
export type FrontendKind = "alb-rule" | "load-balancer-service" | "nodeport";

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
  /**
   * true when NetworkPolicy lets every other workload and every address reach it on every port
   * (no policy isolates it for ingress); `incoming` is then left empty
   */
  readonly openToAll: boolean;
  readonly incoming: readonly IncomingConnection[];
}

export interface ExposureReport {
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

function pathOf(chain: readonly ChainLink[], verdict: ExposureVerdict, port: number, why: string | undefined): string {
  const labels = chain.map((l) => linkLabel(l, port));
  if (verdict !== "open" && labels.length > 0)
    labels[labels.length - 1] = `✗ ${labels.at(-1)!}${why ? ` (${why})` : ""}`;
  return ["internet", ...labels].join(" → ");
}

function verdictOf(trace: TraceResult): ExposureVerdict {
  // an ALB that answers itself (a redirect, a fixed response) reaches no pod
  if (trace.verdict === "delivered") return trace.answeredBy ? "blocked" : "open";
  return trace.verdict === "dropped" ? "blocked" : "unknown";
}

function exposureOf(
  kind: FrontendKind,
  frontend: string,
  frontendSource: SourceRef | undefined,
  service: string,
  trace: TraceResult,
  nodes: readonly string[],
  openNodes: readonly string[],
): InternetExposure {
  const verdict = verdictOf(trace);
  const lastPod = trace.hops.at(-1);
  const chain = chainOf(trace);
  return {
    kind,
    frontend,
    frontendSource,
    service,
    protocol: trace.protocol,
    port: trace.port,
    podPort: verdict === "open" ? trace.finalPacket.dstPort : undefined,
    nodes,
    openNodes,
    verdict,
    path: pathOf(
      chain,
      verdict,
      trace.port,
      trace.drop?.code ?? (trace.answeredBy ? "answered by the load balancer" : trace.unknown ? "unknown" : undefined),
    ),
    pod: verdict === "open" && lastPod?.component === "pod" ? lastPod.id : undefined,
    chain,
    blockedBy: trace.drop
      ? { code: trace.drop.code, at: trace.drop.at, message: trace.drop.message, source: trace.drop.source }
      : trace.answeredBy
        ? {
            code: "ANSWERED_BY_LOAD_BALANCER",
            at: `${trace.answeredBy.component}:${trace.answeredBy.id}`,
            message: trace.answeredBy.note,
            source: trace.hops.at(-1)?.source,
          }
        : null,
    unknown: trace.unknown,
    assumptions: trace.assumptions,
  };
}

const INTERNET: EndpointSpec = { kind: "internet" };

/** The Host header sent to a host-less rule whose load balancer has no DNS name yet (RFC 2606's reserved name). */
const ANY_HOST = "host.example";

/** A trace the snapshot cannot even start (an unknown host): a note instead of an exposure. */
function tryTrace(
  ctx: PathContext,
  to: EndpointSpec,
  port: number | undefined,
  protocol: Protocol,
  notes: { message: string; source: SourceRef | undefined }[],
  source: SourceRef | undefined,
  what: string,
): TraceResult | undefined {
  try {
    return tracePath(ctx, { from: INTERNET, to, port, protocol });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    notes.push({ message: `${what}: not traced: ${e.message}`, source });
    return undefined;
  }
}

/** Ingress paths, each traced as the URL the ALB serves (the listener's scheme, the rule's host and path). */
function ingressExposures(
  ctx: PathContext,
  ingress: Ingress,
  notes: { message: string; source: SourceRef | undefined }[],
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
      const trace = tryTrace(
        ctx,
        { kind: "url", scheme, host, port, path },
        undefined,
        "TCP",
        notes,
        p.source,
        `Ingress ${ingress.namespace}/${ingress.name} ${url}`,
      );
      if (trace) out.push(exposureOf("alb-rule", url, p.source, service, trace, [], []));
    }
  }
  return out;
}

function serviceExposures(
  ctx: PathContext,
  service: Service,
  nodeNames: readonly string[],
  notes: { message: string; source: SourceRef | undefined }[],
): InternetExposure[] {
  const out: InternetExposure[] = [];
  const id = `${service.namespace}/${service.name}`;
  const src = service.meta.source;
  if (service.type === "LoadBalancer")
    for (const p of service.ports) {
      const trace = tryTrace(
        ctx,
        { kind: "service", namespace: service.namespace, name: service.name },
        p.port,
        p.protocol,
        notes,
        src,
        `service ${id} port ${p.port}`,
      );
      if (trace)
        out.push(
          exposureOf("load-balancer-service", `service ${id} port ${p.port}/${p.protocol}`, src, id, trace, [], []),
        );
    }
  if (service.type === "LoadBalancer" || service.type === "NodePort")
    for (const p of service.ports) {
      if (p.nodePort === undefined || nodeNames.length === 0) continue;
      // every node opens the NodePort (kube-proxy); each node's security groups and address decide
      const traces: [string, TraceResult][] = [];
      for (const node of nodeNames) {
        const t = tryTrace(
          ctx,
          { kind: "node", name: node },
          p.nodePort,
          p.protocol,
          notes,
          src,
          `NodePort ${p.nodePort} of ${id} on ${node}`,
        );
        if (t) traces.push([node, t]);
      }
      if (traces.length === 0) continue;
      const open = traces.filter(([, t]) => verdictOf(t) === "open");
      const shown = (open[0] ?? traces.find(([, t]) => t.verdict === "unknown") ?? traces[0]!)[1];
      out.push(
        exposureOf(
          "nodeport",
          `NodePort ${p.nodePort}/${p.protocol} of service ${id}`,
          src,
          id,
          shown,
          traces.map(([n]) => n),
          open.map(([n]) => n),
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

function incomingOf(
  connlist: ConnlistReport,
  peer: WorkloadPeer,
): { openToAll: boolean; incoming: IncomingConnection[] } {
  const incoming = connlist.connections
    .filter((c) => c.dst.id === peer.id)
    .map((c) => ({ from: c.src.id, fromKind: c.src.kind, conn: connectionText(c.conn), all: c.conn.all }));
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

export function analyseExposure(snapshot: Snapshot, options: PathOptions = {}): ExposureReport {
  const ctx = new PathContext(snapshot, options);
  const notes: { message: string; source: SourceRef | undefined }[] = [];
  const k = snapshot.kubernetes;
  const nodeNames = k.nodes.map((n) => n.name).sort();
  const frontends: InternetExposure[] = [];
  const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }): number =>
    a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  for (const ingress of [...k.ingresses].sort(byName)) frontends.push(...ingressExposures(ctx, ingress, notes));
  const services = [...k.services].sort(byName);
  for (const service of services) frontends.push(...serviceExposures(ctx, service, nodeNames, notes));

  const connlist = analyseConnlist(snapshot);
  const serviceByKey = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const attached = new Set<InternetExposure>();
  const workloads: WorkloadExposure[] = connlist.workloads.map((peer) => {
    const internet = frontends.filter((f) => {
      const service = serviceByKey.get(f.service);
      return service !== undefined && selects(service, peer);
    });
    for (const f of internet) attached.add(f);
    return { workload: peer, internet, ...incomingOf(connlist, peer) };
  });
  return { workloads, unattached: frontends.filter((f) => !attached.has(f)), notes };
}
