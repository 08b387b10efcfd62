import type { Node, Pod, Service, Workload } from "../../model/kubernetes.js";
import { formatIPv4, isIPv4, parseIPv4 } from "../../model/net.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { analysePlacement } from "../placement/placement.js";

/**
 * Trace endpoints (PRODUCT.md): `pod:NS/NAME`, `workload:NS/NAME`, `service:NS/NAME`,
 * `node:NAME`, `ip:ADDR`, `internet` (a public address outside every VPC), `url:https://HOST/PATH`
 * (through Ingress and the ALB).
 */
export type EndpointSpec =
  | { readonly kind: "pod" | "workload" | "service"; readonly namespace: string; readonly name: string }
  | { readonly kind: "node"; readonly name: string }
  | { readonly kind: "ip"; readonly ip: string }
  | { readonly kind: "internet" }
  | { readonly kind: "url"; readonly scheme: "http" | "https"; readonly host: string; readonly port: number; readonly path: string };

/** The public address `internet` stands for: TEST-NET-2 (RFC 5737), outside every VPC. */
export const INTERNET_ADDRESS = "198.51.100.20";

export class EndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EndpointError";
  }
}

const FORMS = "pod:NS/NAME, workload:NS/NAME, service:NS/NAME, node:NAME, ip:ADDR, internet, url:https://HOST/PATH";

export function parseEndpoint(text: string): EndpointSpec {
  if (text === "internet") return { kind: "internet" };
  const colon = text.indexOf(":");
  if (colon < 0) throw new EndpointError(`${JSON.stringify(text)} is not an endpoint; use one of ${FORMS}`);
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (kind) {
    case "pod":
    case "workload":
    case "service": {
      const m = /^([a-z0-9][-a-z0-9.]*)\/([a-z0-9][-a-z0-9.]*)$/.exec(rest);
      if (!m) throw new EndpointError(`${kind}: needs NAMESPACE/NAME, not ${JSON.stringify(rest)}`);
      return { kind, namespace: m[1]!, name: m[2]! };
    }
    case "node":
      if (!rest) throw new EndpointError("node: needs a node name");
      return { kind, name: rest };
    case "ip":
      if (!isIPv4(rest)) throw new EndpointError(`ip: ${JSON.stringify(rest)} is not an IPv4 address`);
      return { kind, ip: rest };
    case "url": {
      let url: URL;
      try {
        url = new URL(rest);
      } catch {
        throw new EndpointError(`url: ${JSON.stringify(rest)} is not a URL such as https://example.com/path`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new EndpointError("url: only http and https URLs reach an Ingress");
      const scheme = url.protocol === "https:" ? "https" : "http";
      return { kind, scheme, host: url.hostname, port: url.port ? Number(url.port) : scheme === "https" ? 443 : 80, path: url.pathname || "/" };
    }
    default:
      throw new EndpointError(`unknown endpoint kind ${JSON.stringify(kind)}; use one of ${FORMS}`);
  }
}

/** An endpoint resolved against the snapshot: an address, and where it lives. */
export interface ResolvedEndpoint {
  readonly spec: EndpointSpec;
  readonly label: string;
  readonly ip: string;
  /** the node a pod runs on (observed or predicted), or the node itself */
  readonly node: Node | undefined;
  readonly pod: Pod | undefined;
  readonly service: Service | undefined;
  /** how the address was found, for the report */
  readonly how: string;
  readonly source: SourceRef | undefined;
}

function findPod(snapshot: Snapshot, namespace: string, name: string): Pod | undefined {
  return snapshot.kubernetes.pods.find((p) => p.namespace === namespace && p.name === name);
}

/**
 * Resolves an endpoint. A workload stands for its first observed pod with an IP; without one, for
 * its predicted node, where the pod's IP is not known (the trace says so).
 */
export function resolveEndpoint(snapshot: Snapshot, spec: EndpointSpec): ResolvedEndpoint {
  const k = snapshot.kubernetes;
  const nodeByName = new Map(k.nodes.map((n) => [n.name, n]));
  switch (spec.kind) {
    case "pod": {
      const pod = findPod(snapshot, spec.namespace, spec.name);
      if (!pod) throw new EndpointError(`no pod ${spec.namespace}/${spec.name} in the snapshot`);
      if (!pod.podIP) throw new EndpointError(`pod ${spec.namespace}/${spec.name} has no IP in the snapshot (status.podIP)`);
      return { spec, label: `pod ${spec.namespace}/${spec.name}`, ip: pod.podIP, node: pod.nodeName ? nodeByName.get(pod.nodeName) : undefined, pod, service: undefined, how: "status.podIP", source: pod.meta.source };
    }
    case "workload": {
      const workload: Workload | undefined = k.workloads.find((w) => w.namespace === spec.namespace && w.name === spec.name);
      if (!workload) throw new EndpointError(`no workload ${spec.namespace}/${spec.name} in the snapshot`);
      const pod = k.pods.find((p) => p.owner?.kind === workload.kind && p.owner.namespace === workload.namespace && p.owner.name === workload.name && p.podIP);
      if (pod) {
        return { spec, label: `workload ${spec.namespace}/${spec.name} (pod ${pod.name})`, ip: pod.podIP!, node: pod.nodeName ? nodeByName.get(pod.nodeName) : undefined, pod, service: undefined, how: `its observed pod ${pod.name}`, source: workload.meta.source };
      }
      const placement = analysePlacement(snapshot, { workload: `${spec.namespace}/${spec.name}` }).workloads[0];
      const predicted = placement?.pods.find((p) => p.predictedNode)?.predictedNode;
      if (!predicted) throw new EndpointError(`workload ${spec.namespace}/${spec.name} has no observed pod and no node it can be placed on`);
      const node = nodeByName.get(predicted)!;
      const tunnel = node.overlay.vxlan ?? node.overlay.ipip;
      const base = tunnel ? parseIPv4(tunnel) : undefined;
      if (base === undefined) {
        throw new EndpointError(`workload ${spec.namespace}/${spec.name} has no observed pod; it would be placed on ${predicted}, whose pod addresses are not known: trace node:${predicted} or a pod instead`);
      }
      // Calico gives the tunnel the first address of the node's block; a new pod takes a later one
      const ip = formatIPv4(base + 1);
      return { spec, label: `workload ${spec.namespace}/${spec.name} (predicted on ${predicted})`, ip, node, pod: undefined, service: undefined, how: `assumed: a pod predicted on ${predicted} takes an address of its Calico block (${tunnel} is the block's tunnel address)`, source: workload.meta.source };
    }
    case "service": {
      const service = k.services.find((s) => s.namespace === spec.namespace && s.name === spec.name);
      if (!service) throw new EndpointError(`no service ${spec.namespace}/${spec.name} in the snapshot`);
      if (!service.clusterIP || service.clusterIP === "None") throw new EndpointError(`service ${spec.namespace}/${spec.name} has no ClusterIP (headless or not yet allocated)`);
      return { spec, label: `service ${spec.namespace}/${spec.name}`, ip: service.clusterIP, node: undefined, pod: undefined, service, how: "spec.clusterIP", source: service.meta.source };
    }
    case "node": {
      const node = nodeByName.get(spec.name);
      if (!node) throw new EndpointError(`no node ${spec.name} in the snapshot`);
      if (!node.internalIP) throw new EndpointError(`node ${spec.name} has no InternalIP in the snapshot`);
      return { spec, label: `node ${spec.name}`, ip: node.internalIP, node, pod: undefined, service: undefined, how: "status.addresses InternalIP", source: node.meta.source };
    }
    case "ip": {
      const pod = k.pods.find((p) => p.podIP === spec.ip && !p.spec.hostNetwork);
      const node = k.nodes.find((n) => n.internalIP === spec.ip);
      return { spec, label: `ip ${spec.ip}`, ip: spec.ip, node: node ?? (pod?.nodeName ? nodeByName.get(pod.nodeName) : undefined), pod, service: undefined, how: pod ? `the address of pod ${pod.namespace}/${pod.name}` : node ? `the address of node ${node.name}` : "as given", source: undefined };
    }
    case "internet":
      return { spec, label: "internet", ip: INTERNET_ADDRESS, node: undefined, pod: undefined, service: undefined, how: "a public address outside every VPC (TEST-NET-2)", source: undefined };
    case "url":
      return { spec, label: `${spec.scheme}://${spec.host}${spec.port === (spec.scheme === "https" ? 443 : 80) ? "" : ":" + spec.port}${spec.path}`, ip: "", node: undefined, pod: undefined, service: undefined, how: "through the Ingress rules and the load balancer", source: undefined };
  }
}
