import type { V1PodSpec, V1ResourceRequirements } from "@kubernetes/client-node";
import type { ObjectMeta, Workload } from "../../model/kubernetes.js";
import type { DocumentContext, Raw } from "../fields.js";
import { Fields } from "../fields.js";
import { readPodSpec } from "./pod-spec.js";

/**
 * prometheus-operator turns each `monitoring.coreos.com/v1` Prometheus and Alertmanager into
 * StatefulSets; podpath models those StatefulSets so their pods can be placed. Names, pod labels
 * and defaults follow the operator (prometheus-operator pkg/prometheus/server/statefulset.go,
 * pkg/alertmanager/statefulset.go, pkg/operator/config.go):
 * - Prometheus NAME → StatefulSet `prometheus-NAME` (and `prometheus-NAME-shard-N` per extra
 *   shard); Alertmanager NAME → `alertmanager-NAME`; replicas default 1.
 * - Alertmanager's container requests 200Mi of memory when the resource sets none.
 * - Every pod runs a config-reloader sidecar requesting 10m cpu and 50Mi memory (the operator's
 *   --config-reloader-cpu-request / --config-reloader-memory-request defaults).
 * Scheduling fields (nodeSelector, affinity, tolerations, topologySpreadConstraints,
 * priorityClassName, hostNetwork) are copied from the resource's spec, as the operator does.
 */
export type OperatorKind = "Prometheus" | "Alertmanager";

/**
 * The fields of `PrometheusSpec` / `AlertmanagerSpec` (monitoring.coreos.com/v1) that shape pods.
 * Declared here: prometheus-operator publishes Go types, not TypeScript ones.
 */
interface MonitoringResource {
  spec?: {
    replicas?: number;
    shards?: number;
    image?: string;
    resources?: V1ResourceRequirements;
    podMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  } & Pick<V1PodSpec, (typeof SCHEDULING_FIELDS)[number]>;
}

const SCHEDULING_FIELDS = [
  "nodeSelector",
  "affinity",
  "tolerations",
  "topologySpreadConstraints",
  "priorityClassName",
  "hostNetwork",
  "serviceAccountName",
  "initContainers",
] as const;

const RELOADER_RESOURCES = { requests: { cpu: "10m", memory: "50Mi" }, limits: { cpu: "10m", memory: "50Mi" } };

export function convertOperatorResource(
  f: Fields<MonitoringResource>,
  kind: OperatorKind,
  meta: ObjectMeta,
  ctx: DocumentContext,
): Workload[] {
  const spec = f.obj("spec") ?? new Fields<NonNullable<MonitoringResource["spec"]>>({}, "spec");
  const name = meta.name;
  const namespace = meta.namespace ?? "default";
  const component = kind === "Prometheus" ? "prometheus" : "alertmanager";
  const replicas = spec.int("replicas", { min: 0 }) ?? 1;
  // the operator treats shards <= 1 as one shard (shardsNumber in pkg/prometheus)
  const shards = kind === "Prometheus" ? Math.max(1, spec.int("shards") ?? 1) : 1;

  const resources = spec.obj("resources")?.raw ?? {};
  const requests = (resources["requests"] ?? {}) as Raw;
  const mainResources =
    kind === "Alertmanager" && requests["memory"] === undefined
      ? { ...resources, requests: { ...requests, memory: "200Mi" } }
      : resources;
  const webPort = kind === "Prometheus" ? 9090 : 9093;
  const mainContainer: Raw = {
    name: component,
    image: spec.str("image") ?? `quay.io/prometheus/${component}`,
    ports:
      kind === "Prometheus"
        ? [{ name: "web", containerPort: webPort, protocol: "TCP" }]
        : [
            { name: "web", containerPort: webPort, protocol: "TCP" },
            { name: "mesh-tcp", containerPort: 9094, protocol: "TCP" },
            { name: "mesh-udp", containerPort: 9094, protocol: "UDP" },
          ],
    resources: mainResources,
  };
  const podSpec: Raw = {
    containers: [
      mainContainer,
      {
        name: "config-reloader",
        image: "quay.io/prometheus-operator/prometheus-config-reloader",
        ports: [{ name: "reloader-web", containerPort: 8080, protocol: "TCP" }],
        resources: RELOADER_RESOURCES,
      },
    ],
  };
  for (const field of SCHEDULING_FIELDS) {
    if (spec.raw[field] !== undefined) podSpec[field] = spec.raw[field];
  }
  const template = readPodSpec(new Fields<V1PodSpec>(podSpec, "spec"), ctx);
  const podMetadata = spec.obj("podMetadata");

  const workloads: Workload[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const labels: Record<string, string> = {
      ...(podMetadata?.map("labels") ?? {}),
      "app.kubernetes.io/name": component,
      "app.kubernetes.io/managed-by": "prometheus-operator",
      "app.kubernetes.io/instance": name,
      [component]: name,
      ...(kind === "Prometheus"
        ? { "operator.prometheus.io/name": name, "operator.prometheus.io/shard": String(shard) }
        : {}),
    };
    const selectorLabels: Record<string, string> = {
      "app.kubernetes.io/name": component,
      "app.kubernetes.io/managed-by": "prometheus-operator",
      "app.kubernetes.io/instance": name,
      [component]: name,
      ...(kind === "Prometheus"
        ? { "operator.prometheus.io/name": name, "operator.prometheus.io/shard": String(shard) }
        : {}),
    };
    const setName = shard === 0 ? `${component}-${name}` : `${component}-${name}-shard-${shard}`;
    workloads.push({
      meta: {
        ...meta,
        kind: "StatefulSet",
        apiVersion: "apps/v1",
        name: setName,
        ownerReferences: [{ kind, name, uid: meta.uid, controller: true }],
      },
      kind: "StatefulSet",
      namespace,
      name: setName,
      replicas,
      selector: { matchLabels: selectorLabels, matchExpressions: [] },
      template: { labels, annotations: podMetadata?.map("annotations") ?? {}, spec: template },
      generatedFrom: { kind, namespace, name },
      serviceName: kind === "Prometheus" ? "prometheus-operated" : "alertmanager-operated",
    });
  }
  return workloads;
}
