import type { Service, ServicePort } from "../../model/kubernetes.js";
import { selectorMatches } from "../../model/selectors.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import {
  NO_CONNECTIONS,
  contains,
  intersect,
  isEmpty,
  portRange,
  union,
  type ConnectionSet,
} from "./connection-set.js";
import type { ConnlistNote, PolicyEngine } from "./connlist.js";
import type { WorkloadPeer } from "./workloads.js";

/**
 * What Ingress objects and OpenShift Routes open: connections from the cluster's ingress
 * controller to the workloads behind their Services, after np-guard netpol-analyzer
 * (pkg/netpol/connlist/internal/ingressanalyzer/ingress_analyzer.go; connlist.go
 * `getIngressAllowedConnections`):
 *
 * - a Service with a selector stands for the workloads of its namespace whose labels it matches;
 * - an Ingress names Services in its default backend and its rules' paths (by port name or
 *   number); a Route in `to` and `alternateBackends` (kind Service or none), all at
 *   `port.targetPort` (none: every port of the Service);
 * - a backend's port picks the Service's first port whose name, port or targetPort it equals
 *   (`getPeerAccessPort`), and the connection is TCP to that port's target — a named target
 *   resolved in the workload's container ports (TCP only) — if the workload's containers declare
 *   it (`PodExposedTCPConnections`);
 * - the result is intersected with what NetworkPolicy lets the controller's stand-in pod (no
 *   labels, namespace `ingress-controller-ns`) send to the workload; an empty result is reported
 *   as blocked.
 */

export const INGRESS_CONTROLLER_NAMESPACE = "ingress-controller-ns";

interface Backend {
  readonly namespace: string;
  readonly service: string;
  /** undefined: every port */
  readonly port: number | string | undefined;
  readonly object: string;
  readonly source: SourceRef;
}

function backends(snapshot: Snapshot): Backend[] {
  const k = snapshot.kubernetes;
  const out: Backend[] = [];
  for (const ing of k.ingresses) {
    const object = `Ingress ${ing.namespace}/${ing.name}`;
    const all = [ing.defaultBackend, ...ing.rules.flatMap((r) => r.paths.map((p) => p.backend))];
    for (const b of all)
      if (b?.service)
        out.push({
          namespace: ing.namespace,
          service: b.service.name,
          port: b.service.port,
          object,
          source: ing.meta.source,
        });
  }
  for (const route of k.routes) {
    const object = `Route ${route.namespace}/${route.name}`;
    for (const b of route.backends)
      if (b.kind === "" || b.kind === "Service")
        out.push({
          namespace: route.namespace,
          service: b.name,
          port: route.targetPort,
          object,
          source: route.meta.source,
        });
  }
  return out;
}

/** `getPeerAccessPort`: the target ports the backend's port reaches */
function accessPorts(ports: readonly ServicePort[], required: number | string | undefined): (number | string)[] {
  if (required === undefined || required === 0 || required === "") return ports.map((p) => p.targetPort);
  const match = ports.find(
    (p) =>
      (p.name !== undefined && p.name !== "" && p.name === required) ||
      p.port === required ||
      p.targetPort === required,
  );
  return match ? [match.targetPort] : [];
}

function peerConnection(w: WorkloadPeer, targets: readonly (number | string)[]): ConnectionSet {
  let acc = NO_CONNECTIONS;
  const declared = w.ports.reduce<ConnectionSet>(
    (c, p) => union(c, portRange("TCP", p.containerPort, p.containerPort)),
    NO_CONNECTIONS,
  );
  for (const t of targets) {
    let port: number | undefined = typeof t === "number" ? t : undefined;
    if (typeof t === "string") {
      const named = w.ports.find((p) => p.name === t);
      if (!named || named.protocol !== "TCP") continue;
      port = named.containerPort;
    }
    if (port !== undefined && contains(declared, "TCP", port)) acc = union(acc, portRange("TCP", port, port));
  }
  return acc;
}

export function ingressControllerConnections(
  snapshot: Snapshot,
  workloads: readonly WorkloadPeer[],
  engine: PolicyEngine,
): { connections: { workload: WorkloadPeer; conn: ConnectionSet }[]; blocked: ConnlistNote[] } {
  const services = new Map<string, { service: Service; peers: WorkloadPeer[] }>();
  for (const s of snapshot.kubernetes.services) {
    if (!s.selector) continue;
    const selector = { matchLabels: s.selector, matchExpressions: [] };
    const peers = workloads.filter((w) => w.namespace === s.namespace && selectorMatches(selector, w.labels));
    if (peers.length > 0) services.set(`${s.namespace}/${s.name}`, { service: s, peers });
  }
  const list = backends(snapshot);
  if (services.size === 0 || list.length === 0) return { connections: [], blocked: [] };
  const opened = new Map<
    string,
    { workload: WorkloadPeer; conn: ConnectionSet; objects: Set<string>; source: SourceRef }
  >();
  for (const b of list) {
    const target = services.get(`${b.namespace}/${b.service}`);
    if (!target) continue;
    const ports = accessPorts(target.service.ports, b.port);
    for (const w of target.peers) {
      const conn = peerConnection(w, ports);
      const seen = opened.get(w.id);
      if (seen) {
        seen.objects.add(b.object);
        opened.set(w.id, { ...seen, conn: union(seen.conn, conn) });
      } else opened.set(w.id, { workload: w, conn, objects: new Set([b.object]), source: b.source });
    }
  }
  const controller = {
    kind: "pod" as const,
    namespace: INGRESS_CONTROLLER_NAMESPACE,
    labels: {},
    ip: undefined,
    ports: [],
  };
  const connections: { workload: WorkloadPeer; conn: ConnectionSet }[] = [];
  const blocked: ConnlistNote[] = [];
  for (const o of [...opened.values()].sort((a, b) => (a.workload.id < b.workload.id ? -1 : 1))) {
    const w = o.workload;
    const policy = engine.allowed(controller, {
      kind: "pod",
      namespace: w.namespace,
      name: w.name,
      labels: w.labels,
      ip: undefined,
      ports: w.ports,
    });
    const conn = intersect(o.conn, policy);
    if (isEmpty(conn)) {
      blocked.push({
        code: "ingress-blocked",
        message: `${[...o.objects].sort().join(", ")} send${o.objects.size === 1 ? "s" : ""} traffic to ${w.id}, but no connection from the ingress controller is allowed (its target port is not a declared container port, or NetworkPolicy blocks it)`,
        source: o.source,
      });
      continue;
    }
    connections.push({ workload: w, conn });
  }
  return { connections, blocked };
}
