/**
 * A generated cluster for `podpath connlist` at scale, shaped as a real one: dozens of namespaces
 * (about 250 workloads each), each with a default-deny for both directions, DNS egress to
 * kube-system's CoreDNS, egress within the namespace, Prometheus scraping from the monitoring
 * namespace on a named port, egress to address ranges (ipBlock with except, a per-namespace
 * cut) and ingress from the load balancers' subnet, cross-namespace web → api by namespace
 * labels, and the rest allow policies between components (named ports) and between single apps
 * (port ranges with endPort). Deployments carry app / component / tier labels and named
 * container ports. Written as `kubectl get -o yaml` prints a list (kind: List), one file per
 * kind, so that np-guard netpol-analyzer's directory scan reads the same files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { rng } from "./rng.js";

export interface ConnlistClusterSize {
  readonly workloads: number;
  readonly policies: number;
}

const TIERS = ["web", "web", "api", "api", "api", "worker", "worker", "data", "data", "cache"] as const;

function list(items: object[]): string {
  return yaml.dump({ apiVersion: "v1", kind: "List", items, metadata: { resourceVersion: "" } }, { noRefs: true });
}

function namespaceObject(name: string, labels: Record<string, string>): object {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ports: { name: string; containerPort: number; protocol: string }[],
): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: labels["app"] ?? name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: labels["app"] ?? name } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: "main", image: `registry.example.com/${name}:1.0.0`, ports }] },
      },
    },
  };
}

function portsOf(tier: (typeof TIERS)[number]): { name: string; containerPort: number; protocol: string }[] {
  const ports = [
    { name: "http", containerPort: 8080, protocol: "TCP" },
    { name: "metrics", containerPort: 9100, protocol: "TCP" },
  ];
  if (tier === "api") ports.push({ name: "grpc", containerPort: 9090, protocol: "TCP" });
  if (tier === "data") ports.push({ name: "db", containerPort: 5432, protocol: "TCP" });
  if (tier === "cache") ports.push({ name: "redis", containerPort: 6379, protocol: "TCP" });
  return ports;
}

function policy(namespace: string, name: string, spec: object): object {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec };
}

/** The namespaces' policies: the fixed seven, then component and app allows to `perNamespace`. */
function namespacePolicies(
  ns: string,
  index: number,
  perNamespace: number,
  apps: number,
  teams: number,
  random: () => number,
): object[] {
  const out: object[] = [
    policy(ns, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy(ns, "allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
    policy(ns, "allow-same-namespace-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
    policy(ns, "allow-prometheus", {
      podSelector: { matchLabels: { monitored: "true" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
              podSelector: { matchLabels: { app: "prometheus" } },
            },
          ],
          ports: [{ protocol: "TCP", port: "metrics" }],
        },
      ],
    }),
    policy(ns, "allow-api-egress-external", {
      podSelector: { matchLabels: { tier: "api" } },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: [`10.${(index % 250) + 1}.0.0/16`] } }] },
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }],
          ports: [{ protocol: "TCP", port: 443 }],
        },
      ],
    }),
    policy(ns, "allow-web-from-load-balancers", {
      podSelector: { matchLabels: { tier: "web" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/20" } }], ports: [{ protocol: "TCP", port: "http" }] }],
    }),
    policy(ns, "allow-web-egress-api", {
      podSelector: { matchLabels: { tier: "web" } },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { env: "prod" } }, podSelector: { matchLabels: { tier: "api" } } }],
          ports: [{ protocol: "TCP", port: "grpc" }],
        },
      ],
    }),
  ];
  for (let m = out.length; m < perNamespace; m++) {
    const r = random();
    if (r < 0.1) {
      const team = `t${Math.floor(random() * teams)}`;
      out.push(
        policy(ns, `allow-api-from-${team}-web-${m}`, {
          podSelector: { matchLabels: { tier: "api" } },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { team } }, podSelector: { matchLabels: { tier: "web" } } }],
              ports: [{ protocol: "TCP", port: "grpc" }],
            },
          ],
        }),
      );
    } else if (r < 0.25) {
      const a = Math.floor(random() * apps);
      const b = Math.floor(random() * apps);
      out.push(
        policy(ns, `allow-svc-${a}-from-svc-${b}`, {
          podSelector: { matchLabels: { app: `svc-${a}` } },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { app: `svc-${b}` } } }],
              ports: [{ protocol: "TCP", port: 8080, endPort: 8090 }],
            },
          ],
        }),
      );
    } else {
      const a = Math.floor(random() * 10);
      const b = Math.floor(random() * 10);
      const port = TIERS[a] === "data" ? "db" : TIERS[a] === "cache" ? "redis" : "http";
      out.push(
        policy(ns, `allow-c${a}-from-c${b}-${m}`, {
          podSelector: { matchLabels: { component: `c${a}` } },
          policyTypes: ["Ingress"],
          ingress: [
            { from: [{ podSelector: { matchLabels: { component: `c${b}` } } }], ports: [{ protocol: "TCP", port }] },
          ],
        }),
      );
    }
  }
  return out;
}

/** Writes namespaces.yaml, deployments.yaml and networkpolicies.yaml into `dir`. */
export function writeConnlistCluster(dir: string, size: ConnlistClusterSize, seed = 12): { namespaces: number } {
  mkdirSync(dir, { recursive: true });
  const random = rng(seed);
  const count = Math.max(2, Math.round(size.workloads / 250));
  const perNamespace = Math.ceil(size.workloads / count);
  const policiesPer = Math.max(7, Math.round(size.policies / count));
  const teams = Math.max(1, Math.ceil(count / 5));
  const namespaces: object[] = [
    namespaceObject("kube-system", {}),
    namespaceObject("monitoring", { team: "platform", env: "prod" }),
  ];
  const deployments: object[] = [
    deployment("kube-system", "coredns", { "k8s-app": "kube-dns" }, [
      { name: "dns", containerPort: 53, protocol: "UDP" },
      { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
    ]),
    deployment("monitoring", "prometheus", { app: "prometheus" }, [
      { name: "web", containerPort: 9090, protocol: "TCP" },
    ]),
  ];
  const policies: object[] = [];
  let made = 0;
  for (let n = 0; n < count; n++) {
    const ns = `team${n % teams}-app${n}`;
    namespaces.push(namespaceObject(ns, { team: `t${n % teams}`, env: n % 4 === 3 ? "staging" : "prod" }));
    const here = Math.min(perNamespace, size.workloads - made);
    for (let j = 0; j < here; j++) {
      const tier = TIERS[j % 10]!;
      const labels: Record<string, string> = { app: `svc-${j}`, component: `c${j % 10}`, tier };
      if (j % 4 === 0) labels["monitored"] = "true";
      deployments.push(deployment(ns, `svc-${j}`, labels, portsOf(tier)));
    }
    made += here;
    policies.push(...namespacePolicies(ns, n, policiesPer, here, teams, random));
  }
  writeFileSync(join(dir, "namespaces.yaml"), list(namespaces));
  writeFileSync(join(dir, "deployments.yaml"), list(deployments));
  writeFileSync(join(dir, "networkpolicies.yaml"), list(policies));
  return { namespaces: count };
}
