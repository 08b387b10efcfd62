import type { V1Pod } from "@kubernetes/client-node";
import type { Container, ObjectMeta, Pod, PodSpec } from "../../model/kubernetes.js";
import { isIPv4, isIPv6 } from "../../model/net.js";
import type { DocumentContext, Fields } from "../fields.js";
import { readPodSpec } from "./pod-spec.js";

export function convertPod(f: Fields<V1Pod>, meta: ObjectMeta, ctx: DocumentContext): Pod {
  const spec = f.obj("spec") ?? f.fail("spec is required");
  const status = f.objOrEmpty("status");
  const ip = (value: string | undefined, field: string): string | undefined => {
    if (value === undefined || value === "") return undefined;
    if (!isIPv4(value) && !isIPv6(value)) status.fail(`${field} ${JSON.stringify(value)} is not an IP address`);
    return value;
  };
  const podIP = ip(status.str("podIP"), "podIP");
  const podIPs = status
    .objs("podIPs")
    .map((p) => ip(p.str("ip"), "podIPs[].ip"))
    .filter((v): v is string => v !== undefined);
  const phase = status.str("phase");
  // metadata.deletionTimestamp: a terminating pod (kubectl prints it as an RFC 3339 string)
  const deletionTimestamp =
    (f as Fields<{ metadata?: { deletionTimestamp?: string } }>).obj("metadata")?.str("deletionTimestamp") || undefined;
  // a trimmed capture (status without conditions altogether, not Ready=False): a running pod is
  // taken as ready, and says so (readyAssumed) wherever that decides something
  const readyAssumed = !status.has("conditions") && podIP !== undefined && (phase === "Running" || phase === undefined);
  const ready =
    readyAssumed || status.objs("conditions").some((c) => c.str("type") === "Ready" && c.str("status") === "True");
  return {
    meta,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    labels: meta.labels,
    spec: defaultHostNetworkPorts(readPodSpec(spec, ctx)),
    nodeName: spec.str("nodeName") || undefined,
    phase,
    podIP,
    podIPs: podIPs.length > 0 ? podIPs : podIP ? [podIP] : [],
    hostIP: ip(status.str("hostIP"), "hostIP"),
    ready,
    ...(readyAssumed ? { readyAssumed } : {}),
    owner: undefined, // resolved once everything is loaded (owners.ts)
    ownedVia: undefined,
    ...(deletionTimestamp ? { deletionTimestamp } : {}),
  };
}

/**
 * kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Pod → defaultHostNetworkPorts: on a Pod with
 * hostNetwork, every container port (init and sidecar containers included) without a hostPort
 * gets its containerPort. The API server stores Pods so; a Pod manifest is read as it would be.
 */
function defaultHostNetworkPorts(spec: PodSpec): PodSpec {
  if (!spec.hostNetwork) return spec;
  const fill = (c: Container): Container =>
    c.ports.some((p) => p.hostPort === undefined)
      ? { ...c, ports: c.ports.map((p) => (p.hostPort === undefined ? { ...p, hostPort: p.containerPort } : p)) }
      : c;
  return { ...spec, containers: spec.containers.map(fill), initContainers: spec.initContainers.map(fill) };
}
