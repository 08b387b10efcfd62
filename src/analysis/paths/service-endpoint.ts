import type { Service } from "../../model/kubernetes.js";
import { mapSelectorMatches } from "../../model/selectors.js";
import { formatIPv4, parseIPv4 } from "../../model/net.js";
import type { SourceRef } from "../../model/source.js";
import { EndpointError } from "./endpoints.js";
import { findNamedPort, serviceEndpoints } from "./kube-proxy.js";
import type { PathContext, PathPod } from "./path-context.js";
import { snapshotIndex } from "./snapshot-index.js";
import type { Resolved, TraceEndpointInfo } from "./trace.js";
import { workloadPod } from "./workload-pod.js";
import type { Protocol } from "./trace-model.js";

/**
 * `service:NS/NAME` as a client resolves it (kubernetes/dns docs/specification.md, "Kubernetes
 * DNS-Based Service Discovery"):
 *
 * - a Service with a ClusterIP: its name is an A record of the ClusterIP (2.3.1), which
 *   kube-proxy DNATs (kube-proxy.ts);
 * - a headless Service (`clusterIP: None`): an A record for each _ready_ endpoint (2.4.1), NXDOMAIN
 *   without one; the EndpointSlice controller marks every endpoint ready when
 *   `publishNotReadyAddresses` is set (kubernetes staging/src/k8s.io/endpointslice utils.go
 *   podToEndpoint: `ready := service.Spec.PublishNotReadyAddresses || (serving && !terminating)`).
 *   No proxy is involved: the client connects to one of the addresses; podpath traces the first
 *   by name (then address) and lists the others;
 * - an ExternalName Service: a CNAME to `spec.externalName` (2.5), nothing in the cluster proxies
 *   it: a usage error that says what to trace instead;
 * - a Service without `spec.clusterIP` (a manifest not yet applied): the API server would
 *   allocate one from the service CIDR; podpath assumes one (see {@link assumedClusterIP}), says so,
 *   and registers it with PathContext.addAssumedService so that kube-proxy.ts matches it.
 */

/** An A record of a headless service: an endpoint address and what lists it. */
interface DnsRecord {
  /** the endpoint's pod name, else its address */
  readonly name: string;
  readonly ip: string;
  readonly ready: boolean;
  readonly nodeName: string | undefined;
  readonly source: SourceRef | undefined;
}

/**
 * The A records of a headless service (kubernetes/dns specification 2.4.1): its endpoints'
 * IPv4 addresses that are ready (or all of them with publishNotReadyAddresses), sorted by name
 * then address, one per address.
 */
function headlessRecords(ctx: PathContext, service: Service): { records: DnsRecord[]; notReady: DnsRecord[] } {
  const index = snapshotIndex(ctx.snapshot);
  const entry = index.endpointsByService.get(`${service.namespace}/${service.name}`);
  const all = new Map<string, DnsRecord>();
  if (entry?.origin === "selector") {
    for (const ref of entry.pods) {
      const pod = index.podsByName.get(`${ref.namespace}/${ref.name}`);
      if (pod?.podIP && parseIPv4(pod.podIP) !== undefined && !all.has(pod.podIP))
        all.set(pod.podIP, {
          name: pod.name,
          ip: pod.podIP,
          ready: pod.ready,
          nodeName: pod.nodeName,
          source: pod.meta.source,
        });
    }
  } else if (entry) {
    for (const slice of entry.slices) {
      if (slice.addressType !== "IPv4") continue;
      for (const e of slice.endpoints) {
        if (parseIPv4(e.address) === undefined || all.has(e.address)) continue;
        all.set(e.address, {
          name: e.targetRef?.name || e.address,
          ip: e.address,
          ready: e.ready,
          nodeName: e.nodeName,
          source: slice.meta.source,
        });
      }
    }
  }
  const sorted = [...all.values()].sort((a, b) =>
    a.name !== b.name ? (a.name < b.name ? -1 : 1) : parseIPv4(a.ip)! - parseIPv4(b.ip)!,
  );
  const publish = service.publishNotReadyAddresses === true;
  return { records: sorted.filter((r) => r.ready || publish), notReady: sorted.filter((r) => !r.ready) };
}

/**
 * An address for a Service the API server has not allocated one to yet. kube-apiserver gives
 * default/kubernetes the first address of the service CIDR (`--service-cluster-ip-range`;
 * kubernetes pkg/controlplane ServiceIPRange: `GetIndexedIP(&serviceClusterIPRange, 1)`), so the
 * first address after it that no Service, pod or node holds is taken; without that Service, the
 * first free one after the lowest ClusterIP of the snapshot; without any, kubeadm's default
 * serviceSubnet 10.96.0.0/12 (the first address after 10.96.0.1).
 */
export function assumedClusterIP(ctx: PathContext): { ip: string; how: string } {
  const k = ctx.snapshot.kubernetes;
  const index = snapshotIndex(ctx.snapshot);
  const v4 = (ip: string | undefined): number | undefined => (ip && ip !== "None" ? parseIPv4(ip) : undefined);
  const apiserver = k.services.find(
    (s) => s.namespace === "default" && s.name === "kubernetes" && v4(s.clusterIP) !== undefined,
  );
  let start: number;
  let anchor: string;
  if (apiserver) {
    start = v4(apiserver.clusterIP)!;
    anchor = `after ${apiserver.clusterIP}, the ClusterIP of default/kubernetes (kube-apiserver gives it the first address of the service CIDR)`;
  } else {
    const lowest = k.services
      .map((s) => v4(s.clusterIP))
      .filter((n): n is number => n !== undefined)
      .sort((a, b) => a - b)[0];
    start = lowest ?? parseIPv4("10.96.0.1")!;
    anchor =
      lowest !== undefined
        ? `after ${formatIPv4(lowest)}, the lowest ClusterIP of the snapshot (default/kubernetes, the service CIDR's first address, is not in it)`
        : "in kubeadm's default service CIDR 10.96.0.0/12 (the snapshot has no ClusterIP to take the service CIDR from)";
  }
  for (let n = start + 1; ; n++) {
    const ip = formatIPv4(n);
    if (
      !index.servicesByAddress.has(ip) &&
      !ctx.assumedServices.has(ip) &&
      !ctx.podByIp(ip) &&
      !ctx.nodeWithAddress(ip)
    )
      return { ip, how: `the first free address ${anchor}` };
  }
}

/** `service:NS/NAME` as the destination of a trace (see the file comment). */
export function resolveServiceEndpoint(
  ctx: PathContext,
  service: Service,
  protocol: Protocol,
  endpoint: string,
  assumptions: string[],
): Resolved {
  const id = `${service.namespace}/${service.name}`;
  const info = (
    label: string,
    ip: string | undefined,
    how: string,
    source: SourceRef | undefined,
  ): TraceEndpointInfo => ({ endpoint, label, ip, how, source });
  const port = service.ports.find((p) => p.protocol === protocol) ?? service.ports[0];
  const portWhy = port ? `the first port of service ${id}${port.name ? ` (${port.name})` : ""}` : "";

  if (service.type === "ExternalName") {
    const target = service.externalName ?? "(spec.externalName is empty)";
    const how = parseIPv4(target) !== undefined ? `ip:${target}` : `url:http://${target}/ or ip:ADDRESS`;
    throw new EndpointError(
      `service ${id} is type ExternalName: DNS CNAME to ${target} (kubernetes/dns specification 2.5); nothing in the cluster proxies it: trace \`url:\` or \`ip:\` of it (--to ${how})`,
    );
  }

  if (service.clusterIP === "None") {
    const { records, notReady } = headlessRecords(ctx, service);
    const first = records[0];
    if (!first) {
      const why =
        notReady.length > 0
          ? `none of its ${notReady.length} endpoints is ready (and publishNotReadyAddresses is not set)`
          : "it has no endpoints in the snapshot";
      throw new EndpointError(
        `service ${id} is headless (clusterIP: None) and ${why}: its DNS name answers NXDOMAIN (kubernetes/dns specification 2.4.1), so a client has no address to connect to`,
      );
    }
    const pod = ctx.podByIp(first.ip);
    const node = ctx.node(pod?.nodeName ?? first.nodeName) ?? ctx.nodeWithAddress(first.ip);
    // the endpoint port of the service port (the EndpointSlice's port, else targetPort on the pod)
    let target: { port: number; why: string } | undefined;
    if (port) {
      const listed = serviceEndpoints(ctx.snapshot, service, port).endpoints.find((e) => e.ip === first.ip)?.port;
      const raw = pod ? snapshotIndex(ctx.snapshot).podsByName.get(`${pod.namespace}/${pod.name}`) : undefined;
      const named =
        typeof port.targetPort === "string" && raw ? findNamedPort(raw, port.targetPort, port.protocol) : undefined;
      const number = listed ?? named ?? (typeof port.targetPort === "number" ? port.targetPort : port.port);
      target = {
        port: number,
        why: `${portWhy}, on the endpoint (targetPort ${JSON.stringify(port.targetPort)}): a headless service has no proxy, the client connects to the pod's port`,
      };
    }
    const publish =
      service.publishNotReadyAddresses === true && records.some((r) => !r.ready)
        ? ", publishNotReadyAddresses: not-ready endpoints included"
        : "";
    const others = records.slice(1).map((r) => `${r.name} ${r.ip}`);
    const list = `${records.length} A record${records.length === 1 ? "" : "s"}${publish}`;
    const how = `headless (clusterIP: None): DNS answers the ready endpoints' addresses (kubernetes/dns specification 2.4.1), ${list}; the first by name, ${first.name} ${first.ip}, is traced${others.length ? `; the others: ${others.join(", ")}` : ""}`;
    const which = records.length === 1 ? `its only A record${publish}` : `the first by name of its ${list}`;
    assumptions.push(
      `service ${id} is headless: the client is assumed to connect to ${which}, ${first.name} (${first.ip})${others.length ? `, not to ${others.join(", ")}` : ""}; no kube-proxy DNAT happens`,
    );
    return {
      info: info(
        `service ${id} (headless → ${pod ? `pod ${pod.name}` : first.ip})`,
        first.ip,
        how,
        first.source ?? service.meta.source,
      ),
      ip: first.ip,
      pod,
      node,
      eni: undefined,
      port: target,
    };
  }

  const cluster = service.clusterIP
    ? { ip: service.clusterIP, how: "spec.clusterIP" }
    : assumeClusterIP(ctx, service, assumptions);
  return {
    info: info(`service ${id}`, cluster.ip, cluster.how, service.meta.source),
    ip: cluster.ip,
    pod: undefined,
    node: undefined,
    eni: undefined,
    port: port ? { port: port.port, why: portWhy } : undefined,
  };
}

/** A manifest Service's assumed ClusterIP, registered with PathContext (once per service) so that kube-proxy.ts serves it. */
function assumeClusterIP(ctx: PathContext, service: Service, assumptions: string[]): { ip: string; how: string } {
  const earlier = [...ctx.assumedServices.values()].find(
    (s) => s.namespace === service.namespace && s.name === service.name,
  );
  const assumed = earlier?.clusterIP
    ? { ip: earlier.clusterIP, how: "the address podpath assumed for it earlier in this run" }
    : assumedClusterIP(ctx);
  if (!earlier)
    ctx.addAssumedService(
      { ...service, clusterIP: assumed.ip, clusterIPs: [assumed.ip] },
      predictedEndpoints(ctx, service, assumptions),
    );
  assumptions.push(
    `service ${service.namespace}/${service.name} has no spec.clusterIP (a manifest not yet applied; the API server allocates one from the service CIDR): ` +
      `it is assumed at ${assumed.ip}, ${assumed.how}, and kube-proxy is assumed to serve it there`,
  );
  return { ip: assumed.ip, how: `assumed ClusterIP (no spec.clusterIP): ${assumed.how}` };
}

/**
 * The pods a manifest Service would select once the workloads it picks run: when no observed pod
 * is selected (and no EndpointSlice lists one), one predicted pod of each workload of its
 * namespace whose pod template matches the selector (trace.ts workloadPod: the node `podpath
 * place` predicts, an address of that node's pod range), each said in `assumptions`.
 */
function predictedEndpoints(ctx: PathContext, service: Service, assumptions: string[]): PathPod[] {
  const selector = service.selector;
  const entry = snapshotIndex(ctx.snapshot).endpointsByService.get(`${service.namespace}/${service.name}`);
  if (!selector || (entry && (entry.origin !== "selector" || entry.pods.length > 0))) return [];
  const workloads = ctx.snapshot.kubernetes.workloads
    .filter((w) => w.namespace === service.namespace && mapSelectorMatches(selector, w.template.labels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pods: PathPod[] = [];
  for (const w of workloads) {
    try {
      pods.push(workloadPod(ctx, w, assumptions));
    } catch (error) {
      if (!(error instanceof EndpointError)) throw error;
      assumptions.push(
        `service ${service.namespace}/${service.name} selects ${w.kind} ${w.namespace}/${w.name}, which gives it no endpoint: ${error.message}`,
      );
    }
  }
  return pods;
}
