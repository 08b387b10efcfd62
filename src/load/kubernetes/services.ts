import type { V1EndpointSlice, V1Endpoints, V1Service } from "@kubernetes/client-node";
import type {
  EndpointAddress,
  EndpointSlice,
  ObjectMeta,
  Service,
  ServicePort,
  ServiceType,
} from "../../model/kubernetes.js";
import { isIPv4, isIPv6 } from "../../model/net.js";
import type { Fields } from "../fields.js";
import { PROTOCOLS } from "./pod-spec.js";

const SERVICE_TYPES: readonly ServiceType[] = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

/** core/v1 Service with the API server's defaults (targetPort = port, policies Cluster). */
export function convertService(f: Fields<V1Service>, meta: ObjectMeta): Service {
  const spec = f.objOrEmpty("spec");
  const type = spec.oneOf("type", SERVICE_TYPES, "ClusterIP");
  const ip = (value: string, field: string): string => {
    if (value !== "None" && !isIPv4(value) && !isIPv6(value))
      spec.fail(`${field} ${JSON.stringify(value)} is not an IP address`);
    return value;
  };
  const clusterIP = spec.str("clusterIP") ? ip(spec.str("clusterIP")!, "clusterIP") : undefined;
  const ports: ServicePort[] = spec.objs("ports").map((p) => {
    const port = p.port("port") ?? p.fail("port is required");
    // core/v1 SetDefaults_Service: targetPort 0 or "" means the port; nodePort 0 means "allocate one"
    const rawTarget = p.any("targetPort");
    const targetPort = rawTarget === 0 || rawTarget === "" ? port : (p.portOrName("targetPort") ?? port);
    return {
      name: p.str("name") || undefined,
      protocol: p.oneOf("protocol", PROTOCOLS, "TCP"),
      port,
      targetPort,
      nodePort: p.port("nodePort", true) || undefined,
      appProtocol: p.str("appProtocol"),
    };
  });
  const policy = (key: "externalTrafficPolicy" | "internalTrafficPolicy"): "Cluster" | "Local" => {
    // "Local" was also spelled "OnlyLocal" in early releases; the API still converts it.
    const raw = spec.str(key);
    if (raw === "OnlyLocal") return "Local";
    return spec.oneOf(key, ["Cluster", "Local"] as const, "Cluster");
  };
  const status = f.objOrEmpty("status").objOrEmpty("loadBalancer");
  return {
    meta,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    type,
    clusterIP,
    clusterIPs: spec.strings("clusterIPs").map((v) => ip(v, "clusterIPs[]")),
    externalIPs: spec.strings("externalIPs").map((v) => ip(v, "externalIPs[]")),
    externalName: spec.str("externalName"),
    ports,
    // an empty selector is no selector: the API drops it (omitempty) and no endpoints are managed
    selector: Object.keys(spec.map("selector")).length > 0 ? spec.map("selector") : null,
    externalTrafficPolicy: policy("externalTrafficPolicy"),
    internalTrafficPolicy: policy("internalTrafficPolicy"),
    sessionAffinity: spec.str("sessionAffinity") ?? "None",
    publishNotReadyAddresses: spec.bool("publishNotReadyAddresses") ?? false,
    loadBalancerSourceRanges: spec.strings("loadBalancerSourceRanges"),
    loadBalancerClass: spec.str("loadBalancerClass"),
    healthCheckNodePort: spec.port("healthCheckNodePort"),
    loadBalancerIngress: status.objs("ingress").map((i) => ({ ip: i.str("ip"), hostname: i.str("hostname") })),
  };
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export function convertEndpointSlice(f: Fields<V1EndpointSlice>, meta: ObjectMeta): EndpointSlice {
  const endpoints: EndpointAddress[] = [];
  for (const e of f.objs("endpoints")) {
    const conditions = e.objOrEmpty("conditions");
    const ready = conditions.bool("ready") ?? true;
    const targetRef = e.obj("targetRef");
    for (const address of e.strings("addresses")) {
      if (!isIPv4(address) && !isIPv6(address) && f.str("addressType") !== "FQDN")
        e.fail(`address ${JSON.stringify(address)} is not an IP address`);
      endpoints.push({
        address,
        ready,
        serving: conditions.bool("serving") ?? ready,
        terminating: conditions.bool("terminating") ?? false,
        nodeName: e.str("nodeName"),
        zone: e.str("zone"),
        targetRef: targetRef
          ? {
              kind: targetRef.str("kind") ?? "Pod",
              namespace: targetRef.str("namespace") ?? meta.namespace,
              name: targetRef.str("name") ?? "",
            }
          : undefined,
      });
    }
  }
  return {
    meta,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    serviceName: meta.labels[SERVICE_NAME_LABEL],
    addressType: f.str("addressType") ?? "IPv4",
    endpoints,
    ports: f.objs("ports").map((p) => ({
      name: p.str("name") || undefined,
      port: p.port("port") ?? p.fail("port is required"),
      protocol: p.oneOf("protocol", PROTOCOLS, "TCP"),
    })),
  };
}

/** Legacy core/v1 Endpoints: each subset becomes a slice-shaped group of the same service. */
export function convertEndpoints(f: Fields<V1Endpoints>, meta: ObjectMeta): EndpointSlice[] {
  return f.objs("subsets").map((subset, index) => {
    const endpoints: EndpointAddress[] = [];
    const add = (
      a: Fields<{ ip?: string; nodeName?: string; targetRef?: { kind?: string; namespace?: string; name?: string } }>,
      ready: boolean,
    ) => {
      const address = a.reqStr("ip");
      if (!isIPv4(address) && !isIPv6(address)) a.fail(`ip ${JSON.stringify(address)} is not an IP address`);
      const targetRef = a.obj("targetRef");
      endpoints.push({
        address,
        ready,
        serving: ready,
        terminating: false,
        nodeName: a.str("nodeName"),
        zone: undefined,
        targetRef: targetRef
          ? {
              kind: targetRef.str("kind") ?? "Pod",
              namespace: targetRef.str("namespace") ?? meta.namespace,
              name: targetRef.str("name") ?? "",
            }
          : undefined,
      });
    };
    subset.objs("addresses").forEach((a) => add(a, true));
    subset.objs("notReadyAddresses").forEach((a) => add(a, false));
    return {
      meta,
      namespace: meta.namespace ?? "default",
      name: `${meta.name}#${index}`,
      serviceName: meta.name,
      addressType: "IPv4",
      endpoints,
      ports: subset.objs("ports").map((p) => ({
        name: p.str("name") || undefined,
        port: p.port("port") ?? p.fail("port is required"),
        protocol: p.oneOf("protocol", PROTOCOLS, "TCP"),
      })),
    };
  });
}
