import type { Container, HostReference, Namespace, Protocol, Service, ServicePort } from "../../model/kubernetes.js";
import { mapSelectorMatches } from "../../model/selectors.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { WORKLOAD_KINDS, workloadPeers, type WorkloadPeer } from "../connectivity/workloads.js";
import { evaluateNetworkPolicies, type NetworkPolicyVerdict, type PodPolicyEndpoint } from "../paths/network-policy.js";

/**
 * Intended vs allowed: the Services each workload's configuration names (env values, args,
 * command, and the data of the ConfigMaps it reads by envFrom, configMapKeyRef or a mounted
 * volume; matched at load time, load/kubernetes/host-references.ts; Secrets are never read) and whether NetworkPolicy
 * lets the workload reach them, with trace's evaluator (analysis/paths/network-policy.ts): the
 * source's egress to a backend of the Service, on the Service port's targetPort (policies see the
 * packet after kube-proxy's DNAT: kubernetes.io/docs/concepts/services-networking/network-policies
 * "…the pod's IP…"), and the backend's ingress from the source.
 *
 * A reference counts when it names a Service of the snapshot: `NAME.NS[.svc[.cluster.local]]`,
 * or a bare `NAME` of the workload's own namespace (kubelet's DNS search path,
 * pkg/kubelet/network/dns/dns.go). `NAME.NS.svc…` naming no Service, and `NAME.NS` where NS is a
 * namespace of the snapshot, are dependencies on a Service that does not exist; any other name
 * (`v1.2`, `example.com`) is not a dependency. Without a port, a URL's scheme gives its default
 * (SCHEME_DEFAULT_PORTS, each with its source); otherwise every port of the Service is checked.
 *
 * Workloads are connlist's peers (analysis/connectivity/workloads.ts): a workload object stands for
 * its pods; a pod without one is its controller's peer. Peers are matched by labels, not IPs (an
 * ipBlock never matches them here, as in netpol-analyzer's reading).
 */

export type IntendedVerdict = "allowed" | "blocked" | "no-service" | "no-port" | "no-backend";
export type IsolatingSide = "egress" | "ingress" | "both";

interface PolicyRef {
  /** NS/NAME */
  readonly policy: string;
  readonly source: SourceRef;
}

export interface IntendedDependency {
  /** connlist's peer string `NS/NAME[Kind]` */
  readonly workload: string;
  readonly namespace: string;
  readonly container: string;
  /** `env NAME`, `args[i]`, `command[i]` */
  readonly where: string;
  /** the matched `host[:port]` only */
  readonly reference: string;
  readonly host: string;
  /** the port the configuration names, or the URL scheme's default; undefined: none */
  readonly configuredPort: number | undefined;
  /** a reference without a port: its scheme's default and where that default is written, or why there is none */
  readonly portSource: string | undefined;
  /** `NS/NAME` of the Service the host names (also when it does not exist) */
  readonly service: string;
  /** the Service port checked (one dependency per port when the configuration names none) */
  readonly servicePort: number | undefined;
  readonly protocol: Protocol | undefined;
  /** the backend's container port the Service port targets */
  readonly targetPort: number | undefined;
  readonly verdict: IntendedVerdict;
  /** blocked: which side isolates without a rule that allows */
  readonly side: IsolatingSide | undefined;
  /** blocked: the policies selecting the isolating side(s) */
  readonly policies: readonly PolicyRef[];
  /** allowed: the rule that allows each side (when isolated); blocked: what no rule allows */
  readonly rules: readonly { readonly text: string; readonly source: SourceRef | undefined }[];
  /** the backend checked (the first that is blocked, else the first) */
  readonly backend: string | undefined;
  /** one sentence */
  readonly reason: string;
  /** where the reference is written */
  readonly source: SourceRef;
  /** the Service object, when it exists */
  readonly serviceSource: SourceRef | undefined;
}

export interface IntendedReport {
  readonly dependencies: readonly IntendedDependency[];
  /** references read and not counted (naming no Service of the snapshot) */
  readonly ignored: number;
}

/**
 * A URL scheme's default port, for a reference that names none, each with its source: the port
 * a client library connects to when the URL omits it. `undefined`: the scheme has no default a
 * client agrees on — every port of the Service is checked, and the dependency says why.
 */
const SCHEME_DEFAULT_PORTS: Readonly<Record<string, { readonly port: number | undefined; readonly source: string }>> = {
  http: { port: 80, source: "RFC 9110 §4.2.1 (http URI scheme)" },
  https: { port: 443, source: "RFC 9110 §4.2.2 (https URI scheme)" },
  amqp: { port: 5672, source: "IANA service name amqp 5672/tcp; RabbitMQ AMQP URI specification" },
  amqps: { port: 5671, source: "IANA service name amqps 5671/tcp; RabbitMQ AMQP URI specification" },
  redis: { port: 6379, source: "IANA provisional URI scheme redis (port defaults to 6379)" },
  rediss: { port: 6379, source: "IANA provisional URI scheme rediss (same syntax and default as redis)" },
  postgres: {
    port: 5432,
    source: "PostgreSQL libpq docs, Connection URIs (default port 5432); IANA postgresql 5432/tcp",
  },
  postgresql: {
    port: 5432,
    source: "PostgreSQL libpq docs, Connection URIs (default port 5432); IANA postgresql 5432/tcp",
  },
  mysql: { port: 3306, source: "IANA service name mysql 3306/tcp; MySQL Connector/J URL syntax (default 3306)" },
  mongodb: {
    port: 27017,
    source: "MongoDB connection string docs (without a port, 27017 is used); IANA mongodb 27017/tcp",
  },
  nats: { port: 4222, source: "NATS docs, Connecting to a Specific Server (the default port 4222)" },
  grpc: {
    port: undefined,
    source:
      "grpc:// is not a gRPC target scheme (grpc/grpc doc/naming.md defines dns:, unix:, ipv4:, ipv6:), so no default port is agreed on",
  },
  kafka: {
    port: undefined,
    source: "kafka:// has no registered scheme or port default (Kafka clients take host:port bootstrap servers)",
  },
};

interface Source {
  readonly peer: WorkloadPeer;
  readonly containers: readonly Container[];
}

/** each peer's containers: the workload object's template, else its first pod's */
function sources(snapshot: Snapshot, peers: readonly WorkloadPeer[]): Source[] {
  const k = snapshot.kubernetes;
  const containers = new Map<string, readonly Container[]>();
  for (const w of k.workloads)
    if (!w.knownFromPods && w.generatedFrom === undefined && WORKLOAD_KINDS.has(w.kind)) {
      const id = `${w.namespace}/${w.name}[${w.kind}]`;
      if (!containers.has(id)) containers.set(id, [...w.template.spec.initContainers, ...w.template.spec.containers]);
    }
  for (const pod of [...k.pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const controller = pod.meta.ownerReferences.find((o) => o.controller);
    const [name, kind] =
      !controller || controller.kind === "Node" ? [pod.name, "Pod"] : [controller.name, controller.kind];
    const id = `${pod.namespace}/${name}[${kind}]`;
    if (!containers.has(id)) containers.set(id, [...pod.spec.initContainers, ...pod.spec.containers]);
  }
  return peers.map((peer) => ({ peer, containers: containers.get(peer.id) ?? [] }));
}

function endpoint(peer: WorkloadPeer): PodPolicyEndpoint {
  return {
    kind: "pod",
    namespace: peer.namespace,
    // the policy evaluator words a pod as NAMESPACE/NAME: the peer's id without its namespace
    name: peer.id.startsWith(`${peer.namespace}/`) ? peer.id.slice(peer.namespace.length + 1) : peer.id,
    labels: peer.labels,
    ip: undefined,
    ports: peer.ports,
  };
}

/** the backend's container port a Service port targets (a name is looked up with the port's protocol) */
function targetPortOf(port: ServicePort, backend: WorkloadPeer): number | undefined {
  if (typeof port.targetPort === "number") return port.targetPort;
  return backend.ports.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.containerPort;
}

export function analyseIntended(snapshot: Snapshot): IntendedReport {
  const k = snapshot.kubernetes;
  const { peers } = workloadPeers(snapshot);
  const namespaces = new Map<string, Namespace>(k.namespaces.map((n) => [n.name, n]));
  const knownNamespaces = new Set([
    ...namespaces.keys(),
    ...peers.map((p) => p.namespace),
    ...k.services.map((s) => s.namespace),
  ]);
  const services = new Map<string, Service>(k.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const dependencies: IntendedDependency[] = [];
  let ignored = 0;

  const configMaps = new Map((k.configMaps ?? []).map((c) => [`${c.namespace}/${c.name}`, c]));
  // a ConfigMap's references, as the container reads them (envFrom, one key, a mounted volume)
  const fromConfigMaps = (container: Container, namespace: string): HostReference[] =>
    (container.configMapUses ?? []).flatMap((use) =>
      (configMaps.get(`${namespace}/${use.name}`)?.references ?? [])
        .filter((r) => use.keys === undefined || use.keys.includes(r.key))
        .map((r) => ({ ...r, where: `${r.where} (${use.via})` })),
    );
  for (const { peer, containers } of sources(snapshot, peers)) {
    const seen = new Set<string>();
    for (const container of containers)
      for (const ref of [...(container.hostReferences ?? []), ...fromConfigMaps(container, peer.namespace)]) {
        const target = serviceOf(ref, peer.namespace, services, knownNamespaces);
        if (!target) {
          ignored++;
          continue;
        }
        const key = `${container.name}|${ref.where}|${ref.host}|${ref.port ?? ""}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const base = {
          workload: peer.id,
          namespace: peer.namespace,
          container: container.name,
          where: ref.where,
          reference: ref.text,
          host: ref.host,
          configuredPort: ref.port ?? (ref.scheme ? SCHEME_DEFAULT_PORTS[ref.scheme]?.port : undefined),
          portSource: portSourceOf(ref),
          service: target.id,
          source: ref.source,
          serviceSource: target.service?.meta.source,
        };
        for (const d of verdicts(base, peer, target.service, peers, snapshot, namespaces)) dependencies.push(d);
      }
  }
  dependencies.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
  return { dependencies, ignored };
}

/** how a reference without a port got one (its scheme's default), or why it has none; undefined when it names a port */
function portSourceOf(ref: HostReference): string | undefined {
  if (ref.port !== undefined || ref.scheme === undefined) return undefined;
  const d = SCHEME_DEFAULT_PORTS[ref.scheme];
  if (!d) return `${ref.scheme}:// has no default port podpath knows: every port of the Service is checked`;
  return d.port === undefined
    ? `${d.source}: every port of the Service is checked`
    : `the ${ref.scheme} scheme's default port ${d.port} (${d.source})`;
}

function serviceOf(
  ref: HostReference,
  namespace: string,
  services: ReadonlyMap<string, Service>,
  knownNamespaces: ReadonlySet<string>,
): { id: string; service: Service | undefined } | undefined {
  const labels = ref.host.split(".");
  if (labels.length === 1) {
    const id = `${namespace}/${labels[0]!}`;
    const service = services.get(id);
    return service ? { id, service } : undefined;
  }
  const id = `${labels[1]!}/${labels[0]!}`;
  const service = services.get(id);
  if (service) return { id, service };
  // `NAME.NS.svc…` is a Service name by its shape; `NAME.NS` only when NS is a namespace here
  if (labels.length > 2 || knownNamespaces.has(labels[1]!)) return { id, service: undefined };
  return undefined;
}

type Base = Pick<
  IntendedDependency,
  | "workload"
  | "namespace"
  | "container"
  | "where"
  | "reference"
  | "host"
  | "configuredPort"
  | "portSource"
  | "service"
  | "source"
  | "serviceSource"
>;

const NO_CHECK = {
  servicePort: undefined,
  protocol: undefined,
  targetPort: undefined,
  side: undefined,
  policies: [],
  rules: [],
  backend: undefined,
} as const;

function verdicts(
  base: Base,
  source: WorkloadPeer,
  service: Service | undefined,
  peers: readonly WorkloadPeer[],
  snapshot: Snapshot,
  namespaces: ReadonlyMap<string, Namespace>,
): IntendedDependency[] {
  if (!service)
    return [{ ...base, ...NO_CHECK, verdict: "no-service", reason: `no Service ${base.service} in the snapshot` }];
  const ports =
    base.configuredPort === undefined ? service.ports : service.ports.filter((p) => p.port === base.configuredPort);
  if (ports.length === 0)
    return [
      {
        ...base,
        ...NO_CHECK,
        servicePort: base.configuredPort,
        verdict: "no-port",
        reason:
          `Service ${base.service} has no port ${base.configuredPort ?? ""} (its ports: ${service.ports.map((p) => `${p.port}/${p.protocol}`).join(", ") || "none"})`.replace(
            " port  (",
            " port (",
          ),
      },
    ];
  const backends =
    service.selector === null
      ? []
      : peers.filter((p) => p.namespace === service.namespace && mapSelectorMatches(service.selector!, p.labels));
  return ports.map((port) => check(base, source, service, port, backends, snapshot, namespaces));
}

function check(
  base: Base,
  source: WorkloadPeer,
  service: Service,
  port: ServicePort,
  backends: readonly WorkloadPeer[],
  snapshot: Snapshot,
  namespaces: ReadonlyMap<string, Namespace>,
): IntendedDependency {
  const at = { servicePort: port.port, protocol: port.protocol };
  const served = backends.flatMap((b) => {
    const target = targetPortOf(port, b);
    return target === undefined ? [] : [{ backend: b, target }];
  });
  if (served.length === 0)
    return {
      ...base,
      ...NO_CHECK,
      ...at,
      verdict: "no-backend",
      reason:
        service.selector === null
          ? `Service ${base.service} has no selector: its endpoints are set by hand, NetworkPolicy toward them is not checked`
          : `no workload of the snapshot backs Service ${base.service} port ${port.port} (selector ${Object.entries(
              service.selector,
            )
              .map(([k, v]) => `${k}=${v}`)
              .join(",")}, targetPort ${port.targetPort})`,
    };
  const policies = snapshot.kubernetes.networkPolicies;
  const results = served.map(({ backend, target }) => {
    const egress = evaluateNetworkPolicies(
      "egress",
      endpoint(source),
      endpoint(backend),
      target,
      port.protocol,
      policies,
      namespaces,
      { ipBlockSelectsPods: false },
    );
    const ingress = evaluateNetworkPolicies(
      "ingress",
      endpoint(backend),
      endpoint(source),
      target,
      port.protocol,
      policies,
      namespaces,
      { ipBlockSelectsPods: false },
    );
    return { backend, target, egress, ingress };
  });
  const blocked = results.find((r) => !r.egress.allowed || !r.ingress.allowed);
  const r = blocked ?? results[0]!;
  const common = { ...base, ...at, targetPort: r.target, backend: r.backend.id };
  if (!blocked) {
    const rules = [r.egress, r.ingress]
      .filter((v) => v.isolated)
      .map((v) => ({ text: v.decision.rule, source: v.decision.source }));
    return {
      ...common,
      verdict: "allowed",
      side: undefined,
      policies: [],
      rules,
      reason:
        rules.length === 0
          ? `no NetworkPolicy isolates ${source.id} for egress or ${r.backend.id} for ingress`
          : `allowed: ${rules.map((x) => x.text).join("; ")}`,
    };
  }
  const denied: NetworkPolicyVerdict[] = [r.egress, r.ingress].filter((v) => !v.allowed);
  const side: IsolatingSide = denied.length === 2 ? "both" : denied[0]!.direction;
  const policyRefs = denied.flatMap((v) =>
    v.selectedBy.map((p) => ({ policy: `${p.namespace}/${p.name}`, source: p.source })),
  );
  const rules = denied.map((v) => ({ text: v.decision.rule, source: v.decision.source }));
  const who =
    side === "both"
      ? `${source.id}'s egress and ${r.backend.id}'s ingress`
      : side === "egress"
        ? `${source.id}'s egress`
        : `${r.backend.id}'s ingress`;
  return {
    ...common,
    verdict: "blocked",
    side,
    policies: policyRefs,
    rules,
    reason: `blocked by ${who}: ${rules.map((x) => x.text).join("; ")}`,
  };
}
