/**
 * Small clusters for the load-balancer tests, written as the files a capture holds (Kubernetes
 * YAML, `aws ec2/elbv2 describe-*` JSON) and read through the loader.
 */
import assert from "node:assert/strict";
import type { LbMatch } from "../../../../src/analysis/paths/load-balancers/index.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import { tempDir } from "../../../support/helpers.js";

export interface NodeOptions {
  readonly ip: string;
  readonly instance?: string | null;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: string;
  /** the Ready condition's status; null: no conditions at all */
  readonly ready?: "True" | "False" | "Unknown" | null;
  readonly unschedulable?: boolean;
}

export function node(name: string, o: NodeOptions): string {
  const labels = Object.entries({ "kubernetes.io/hostname": name, ...(o.labels ?? {}) })
    .map(([k, v]) => `    ${k}: "${v}"`)
    .join("\n");
  return `---
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
${labels}
spec:
${o.instance === null ? "" : `  providerID: aws:///us-east-1a/${o.instance ?? `i-${name}`}\n`}${o.unschedulable ? "  unschedulable: true\n" : ""}${o.taints ? `  taints: ${o.taints}\n` : ""}  podCIDR: 192.168.0.0/24
status:
  addresses:
  - {type: InternalIP, address: ${o.ip}}
${o.ready === null ? "" : `  conditions:\n  - {type: Ready, status: "${o.ready ?? "True"}"}\n`}`;
}

/** Two Ready workers, as most cases need. */
export const WORKERS =
  node("w1", { ip: "10.0.1.11", instance: "i-w1" }) + node("w2", { ip: "10.0.1.12", instance: "i-w2" });

export const ALB_CLASS = `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: alb}
spec: {controller: ingress.k8s.aws/alb}
`;

export function service(namespace: string, name: string, spec: string, annotations = ""): string {
  return `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
${annotations ? `  annotations:\n${annotations}\n` : ""}spec:
${spec}
`;
}

/** A NodePort Service `web` on port 80 → 8080, nodePort 30080. */
export function nodePortService(namespace = "app", name = "web", nodePort = 30080, clusterIP = "10.96.0.10"): string {
  return service(
    namespace,
    name,
    `  type: NodePort
  clusterIP: ${clusterIP}
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: ${nodePort}, protocol: TCP}]`,
  );
}

export interface ClusterIpOptions {
  readonly clusterIP?: string;
  /** default 8080 */
  readonly targetPort?: number | string;
  /** `annotations:` body (YAML, indented for metadata) */
  readonly annotations?: string;
}

/** A ClusterIP Service on port 80 (named http) selecting `app: NAME`. */
export function clusterIpService(namespace = "app", name = "internal", o: ClusterIpOptions = {}): string {
  return service(
    namespace,
    name,
    `  type: ClusterIP
  clusterIP: ${o.clusterIP ?? "10.96.0.20"}
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: ${o.targetPort ?? 8080}, protocol: TCP}]`,
    o.annotations,
  );
}

export interface PodOptions {
  readonly node: string;
  readonly ip: string;
  /** the Ready condition (default true) */
  readonly ready?: boolean;
  /** the `app` label (default pods) */
  readonly app?: string;
}

/** A running Pod in namespace app with a container port `http` 8080. */
export function pod(name: string, o: PodOptions): string {
  return `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: app, labels: {app: ${o.app ?? "pods"}}}
spec: {nodeName: ${o.node}, containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
status: {phase: Running, podIP: ${o.ip}, conditions: [{type: Ready, status: "${o.ready === false ? "False" : "True"}"}]}
`;
}

/** The EndpointSlice `SERVICE-1` (port http 8080) of a Service in namespace app; endpoints as [pod, ip, node, ready]. */
export function endpointSlice(
  service: string,
  endpoints: readonly (readonly [string, string, string, boolean])[],
): string {
  const items = endpoints.map(
    ([pod, ip, node, ready]) =>
      `- {addresses: [${ip}], nodeName: ${node}, conditions: {ready: ${ready}}, targetRef: {kind: Pod, namespace: app, name: ${pod}}}`,
  );
  return `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${service}-1, namespace: app, labels: {kubernetes.io/service-name: ${service}}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
${items.join("\n")}
`;
}

export interface IngressOptions {
  readonly namespace?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly className?: string | null;
  /** `rules:` body (YAML, indented for spec) */
  readonly rules?: string;
  readonly defaultBackend?: string;
  readonly status?: string;
}

export function ingress(name: string, o: IngressOptions = {}): string {
  const annotations = Object.entries(o.annotations ?? {})
    .map(([k, v]) => `    ${k}: '${v}'`)
    .join("\n");
  return `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${o.namespace ?? "app"}
${annotations ? `  annotations:\n${annotations}\n` : ""}spec:
${o.className === null ? "" : `  ingressClassName: ${o.className ?? "alb"}\n`}${o.defaultBackend ? `  defaultBackend:\n${o.defaultBackend}\n` : ""}  rules:
${o.rules ?? pathRule("example.com", [["/", "Prefix", "web", 80]])}
${o.status ? `status:\n  loadBalancer:\n    ingress:\n    - hostname: ${o.status}\n` : ""}`;
}

/** One rules[] entry: a host and its paths as [path, pathType, service, port]. */
export function pathRule(
  host: string | undefined,
  paths: readonly (readonly [string, string, string, number | string])[],
): string {
  const items = paths
    .map(
      ([path, type, svc, port]) => `      - path: ${path}
        pathType: ${type}
        backend:
          service:
            name: ${svc}
            port: {${typeof port === "number" ? `number: ${port}` : `name: ${port}`}}`,
    )
    .join("\n");
  return `  - ${host ? `host: ${host}\n    ` : ""}http:
      paths:
${items}`;
}

export function alb(suffix: string): string {
  return `alb.ingress.kubernetes.io/${suffix}`;
}

/** EC2 instances for the workers (and any others), in vpc-1. */
export function instances(list: readonly (readonly [string, string])[]): string {
  return JSON.stringify({
    Reservations: [
      {
        Instances: list.map(([id, ip]) => ({
          InstanceId: id,
          PrivateIpAddress: ip,
          SubnetId: "subnet-priv-a",
          VpcId: "vpc-1",
          State: { Name: "running" },
        })),
      },
    ],
  });
}

const subnet = (id: string, az: string, tags: Record<string, string>) => ({
  SubnetId: id,
  VpcId: "vpc-1",
  CidrBlock: `10.0.${id.length}.0/24`,
  AvailabilityZone: az,
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

/** Two public subnets tagged kubernetes.io/role/elb, two private ones tagged role/internal-elb. */
const SUBNETS = JSON.stringify({
  Subnets: [
    { ...subnet("subnet-pub-a", "us-east-1a", { "kubernetes.io/role/elb": "1" }), CidrBlock: "10.0.2.0/24" },
    { ...subnet("subnet-pub-b", "us-east-1b", { "kubernetes.io/role/elb": "" }), CidrBlock: "10.0.3.0/24" },
    { ...subnet("subnet-priv-a", "us-east-1a", { "kubernetes.io/role/internal-elb": "1" }), CidrBlock: "10.0.1.0/24" },
    { ...subnet("subnet-priv-b", "us-east-1b", { "kubernetes.io/role/internal-elb": "1" }), CidrBlock: "10.0.4.0/24" },
  ],
});

const VPCS = JSON.stringify({ Vpcs: [{ VpcId: "vpc-1", CidrBlock: "10.0.0.0/16" }] });

export const BASE_AWS: Readonly<Record<string, string>> = {
  "aws/vpcs.json": VPCS,
  "aws/subnets.json": SUBNETS,
  "aws/instances.json": instances([
    ["i-w1", "10.0.1.11"],
    ["i-w2", "10.0.1.12"],
  ]),
};

/** Loads a snapshot from files (path → content) written to a fresh directory. */
export function snapshotOf(files: Readonly<Record<string, string>>): Snapshot {
  const dir = tempDir(files);
  return loadSnapshot({ paths: [dir], cwd: dir });
}

/** A cluster: the Kubernetes documents in one file, and the AWS files. */
export function cluster(k8s: readonly string[], aws: Readonly<Record<string, string>> = BASE_AWS): Snapshot {
  return snapshotOf({ "k8s/cluster.yaml": k8s.join(""), ...aws });
}

export function expectKind<K extends LbMatch["kind"]>(m: LbMatch, kind: K): Extract<LbMatch, { kind: K }> {
  if (m.kind !== kind)
    assert.fail(
      `expected ${kind}, got ${m.kind}: ${m.kind === "drop" ? `${m.code} ${m.message}` : m.rule.description}`,
    );
  return m as Extract<LbMatch, { kind: K }>;
}

export function https(
  host: string,
  path: string,
  extra: Partial<{
    method: string;
    headers: Record<string, string>;
    query: string;
    sourceIp: string;
    port: number;
  }> = {},
) {
  return { scheme: "https" as const, host, port: extra.port ?? 443, path, ...extra };
}

export function http(
  host: string,
  path: string,
  extra: Partial<{
    method: string;
    headers: Record<string, string>;
    query: string;
    sourceIp: string;
    port: number;
  }> = {},
) {
  return { scheme: "http" as const, host, port: extra.port ?? 80, path, ...extra };
}
