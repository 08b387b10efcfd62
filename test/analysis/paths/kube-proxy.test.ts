/**
 * kube-proxy's service decisions against its own rules (pkg/proxy/iptables/proxier.go,
 * pkg/proxy/topology.go, pkg/proxy/nftables). Each case is named after the upstream rule it
 * follows; the example cases are the seed document's paths.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  chainHash,
  clusterCidrsOf,
  endpointChain,
  masqueradeAddress,
  resolveServiceTarget,
  serviceChain,
  serviceTarget,
  type KubeProxyContext,
  type ServiceTarget,
} from "../../../src/analysis/paths/kube-proxy.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { formatSource } from "../../../src/model/source.js";
import { REPO, tempDir } from "../../support/helpers.js";

const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO });
const POOLS = clusterCidrsOf(example);

function dnat(t: ServiceTarget): Extract<ServiceTarget, { kind: "dnat" }> {
  if (t.kind !== "dnat") assert.fail(`expected dnat, got ${t.kind}: ${t.note}`);
  return t;
}

function dropped(t: ServiceTarget): Extract<ServiceTarget, { kind: "dropped" }> {
  if (t.kind !== "dropped") assert.fail(`expected dropped, got ${t.kind}: ${t.note}`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// a small cluster: two nodes in one /24, Calico VXLAN pool 192.168.0.0/16

const NODES = `
apiVersion: v1
kind: List
items:
${["n1", "n2"]
  .map(
    (name, i) => `- apiVersion: v1
  kind: Node
  metadata:
    name: ${name}
    annotations:
      projectcalico.org/IPv4Address: 10.0.1.${11 + i}/24
      projectcalico.org/IPv4VXLANTunnelAddr: 192.168.${i + 1}.0
  status:
    addresses:
    - {type: InternalIP, address: 10.0.1.${11 + i}}
    - {type: Hostname, address: ${name}}`,
  )
  .join("\n")}
---
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata: {name: pool}
spec: {cidr: 192.168.0.0/16, vxlanMode: Always, ipipMode: Never, natOutgoing: true}
`;

function pod(
  name: string,
  node: string,
  ip: string,
  opts: { ready?: boolean; ports?: string; labels?: string } = {},
): string {
  return `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: app, labels: {${opts.labels ?? "app: web"}}}
spec:
  nodeName: ${node}
  containers:
  - name: c
    image: web
    ports: [${opts.ports ?? "{name: http, containerPort: 8080}"}]
status:
  phase: Running
  podIP: ${ip}
  conditions: [{type: Ready, status: "${opts.ready === false ? "False" : "True"}"}]
`;
}

function service(spec: string, name = "web"): string {
  return `---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: app}
spec:
${spec}
`;
}

function slice(
  endpoints: string,
  ports = "[{name: http, port: 8080, protocol: TCP}]",
  name = "web-abc",
  svc = "web",
): string {
  return `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}, namespace: app, labels: {kubernetes.io/service-name: ${svc}}}
addressType: IPv4
ports: ${ports}
endpoints:
${endpoints}
`;
}

function ep(
  ip: string,
  node: string,
  podName: string,
  conditions = "{ready: true, serving: true, terminating: false}",
): string {
  return `- addresses: [${ip}]
  nodeName: ${node}
  conditions: ${conditions}
  targetRef: {kind: Pod, namespace: app, name: ${podName}}`;
}

function cluster(...docs: string[]): Snapshot {
  const dir = tempDir({ "cluster.yaml": NODES + docs.join("") });
  return loadSnapshot({ paths: [dir], cwd: dir });
}

const NODEPORT_LOCAL = `  type: NodePort
  clusterIP: 10.96.0.50
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http, nodePort: 30080, protocol: TCP}]`;

/** one ready endpoint on n1 */
const ONE_ENDPOINT_ON_N1 = [pod("web-1", "n1", "192.168.1.5"), slice(ep("192.168.1.5", "n1", "web-1"))];

const ctx = (
  sourceIp: string,
  arrivingOnNode: string | undefined,
  extra: Partial<KubeProxyContext> = {},
): KubeProxyContext => ({
  sourceIp,
  arrivingOnNode,
  sourceIsPod: sourceIp.startsWith("192.168."),
  clusterCIDRs: ["192.168.0.0/16"],
  ...extra,
});

// ---------------------------------------------------------------------------------------------

describe("kube-proxy on the ecoeco example", () => {
  test("proxier.go: ClusterIP traffic from a pod inside the cluster CIDR is DNATed to the endpoint and not masqueraded (worker pod → RabbitMQ)", () => {
    const apiPod = example.kubernetes.pods.find((p) => p.name === "ecoeco-api-d5ktffphdb-rv2cp")!;
    const t = dnat(
      resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
        arrivingOnNode: apiPod.nodeName,
        sourceIsPod: true,
        sourceIp: apiPod.podIP!,
        clusterCIDRs: POOLS,
      }),
    );
    assert.deepEqual(t.dnat, { ip: "192.168.140.71", port: 5672 });
    assert.equal(t.chosen.name, "rabbitmq-0");
    assert.equal(t.chosen.nodeName, "k8s-worker-2");
    assert.equal(t.chosen.local, false);
    assert.equal(t.masquerade.masquerade, false);
    assert.equal(t.masquerade.snatTo, undefined);
    assert.equal(t.match.access, "ClusterIP");
    assert.equal(t.id, "messaging/rabbitmq:amqp");
    assert.equal(formatSource(t.source), "examples/ecoeco/k8s/services.yaml:" + t.service.meta.source.line);
    assert.equal(t.service.name, "rabbitmq");
    assert.match(t.chosen.chain, /^KUBE-SEP-[A-Z2-7]{16}$/);
    assert.match(formatSource(t.chosen.source), /endpointslices\.yaml:\d+$/);
    assert.match(t.reply, /conntrack/);
  });

  test("proxier.go: NodePort with externalTrafficPolicy Cluster is masqueraded; a local endpoint gets the node IP (ALB → k8s-worker-1:30080 → argocd-server)", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.0.1.11", 30080, "TCP", {
        arrivingOnNode: "k8s-worker-1",
        sourceIsPod: false,
        sourceIp: "10.0.2.57",
        clusterCIDRs: POOLS,
      }),
    );
    assert.equal(t.service.name, "argocd-server");
    assert.equal(t.match.access, "NodePort");
    assert.deepEqual(t.dnat, { ip: "192.168.230.3", port: 8080 });
    assert.equal(t.chosen.local, true);
    assert.equal(t.masquerade.masquerade, true);
    assert.equal(t.masquerade.snatTo, "10.0.1.11");
    assert.equal(t.masquerade.via, "node-ip");
    assert.match(t.masquerade.rule, /^KUBE-EXT-[A-Z2-7]{16} -j KUBE-MARK-MASQ/);
  });

  test("proxier.go: NodePort with externalTrafficPolicy Cluster on a node without the endpoint masquerades to the node's VXLAN tunnel address (ALB → k8s-worker-2:30080)", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.0.1.12", 30080, "TCP", {
        arrivingOnNode: "k8s-worker-2",
        sourceIsPod: false,
        sourceIp: "10.0.2.57",
        clusterCIDRs: POOLS,
      }),
    );
    assert.deepEqual(t.dnat, { ip: "192.168.230.3", port: 8080 });
    assert.equal(t.chosen.local, false);
    assert.equal(t.masquerade.snatTo, "192.168.140.64");
    assert.equal(t.masquerade.via, "vxlan-tunnel");
    assert.match(t.masquerade.reason, /IPv4VXLANTunnelAddr/);
  });

  test("proxier.go: the node IP is inferred as the arriving node when none is given", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.0.1.12", 30080, "TCP", {
        sourceIsPod: false,
        sourceIp: "10.0.2.57",
        clusterCIDRs: POOLS,
      }),
    );
    assert.equal(t.masquerade.snatTo, "192.168.140.64");
  });

  test("proxier.go: ClusterIP traffic from outside the cluster CIDR (the node itself) is masqueraded, to the tunnel address toward a remote pod", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
        arrivingOnNode: "k8s-worker-1",
        sourceIsPod: false,
        sourceIp: "10.0.1.11",
        clusterCIDRs: POOLS,
      }),
    );
    assert.equal(t.masquerade.masquerade, true);
    assert.match(t.masquerade.rule, /! -s 192\.168\.0\.0\/16 -j KUBE-MARK-MASQ/);
    assert.equal(t.masquerade.snatTo, "192.168.230.0");
  });

  test("proxier.go: without a cluster CIDR the local detector is a no-op and ClusterIP traffic is never masqueraded for its source", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
        arrivingOnNode: "k8s-worker-1",
        sourceIsPod: false,
        sourceIp: "10.0.1.11",
        clusterCIDRs: [],
      }),
    );
    assert.equal(t.masquerade.masquerade, false);
    assert.match(t.masquerade.reason, /no cluster CIDR/);
  });

  test("proxier.go: --masquerade-all masquerades pod traffic to a ClusterIP too", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
        arrivingOnNode: "k8s-worker-1",
        sourceIsPod: true,
        sourceIp: "192.168.230.9",
        clusterCIDRs: POOLS,
        masqueradeAll: true,
      }),
    );
    assert.equal(t.masquerade.masquerade, true);
    assert.equal(t.masquerade.snatTo, "192.168.230.0");
  });

  test("proxier.go KUBE-SEP: hairpin traffic (a pod reaching itself through its service) is masqueraded", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
        arrivingOnNode: "k8s-worker-2",
        sourceIsPod: true,
        sourceIp: "192.168.140.71",
        clusterCIDRs: POOLS,
      }),
    );
    assert.equal(t.masquerade.masquerade, true);
    assert.match(t.masquerade.rule, /-s 192\.168\.140\.71\/32 -j KUBE-MARK-MASQ/);
    assert.match(t.masquerade.reason, /hairpin/);
    assert.equal(t.masquerade.snatTo, "10.0.1.12");
  });

  test("proxier.go: the service port's other port is served by the slice port of the same name", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.96.120.15", 15672, "TCP", {
        arrivingOnNode: "k8s-worker-1",
        sourceIsPod: true,
        sourceIp: "192.168.230.9",
        clusterCIDRs: POOLS,
      }),
    );
    assert.deepEqual(t.dnat, { ip: "192.168.140.71", port: 15672 });
    assert.equal(t.id, "messaging/rabbitmq:management");
  });

  test("proxier.go: a ClusterIP on a port the service does not expose has no rule (iptables) or is rejected (nftables)", () => {
    const iptables = dropped(
      resolveServiceTarget(example, "10.96.120.15", 5673, "TCP", ctx("192.168.230.9", "k8s-worker-1")),
    );
    assert.equal(iptables.code, "PORT_NOT_EXPOSED");
    assert.equal(iptables.action, "NO_RULE");
    const nft = dropped(
      resolveServiceTarget(
        example,
        "10.96.120.15",
        5673,
        "TCP",
        ctx("192.168.230.9", "k8s-worker-1", { mode: "nftables" }),
      ),
    );
    assert.equal(nft.action, "REJECT");
    const udp = dropped(
      resolveServiceTarget(example, "10.96.120.15", 5672, "UDP", ctx("192.168.230.9", "k8s-worker-1")),
    );
    assert.equal(udp.code, "PORT_NOT_EXPOSED");
  });

  test("proxier.go: an address no service owns is not kube-proxy's", () => {
    const t = resolveServiceTarget(example, "8.8.8.8", 443, "TCP", ctx("192.168.230.9", "k8s-worker-1"));
    assert.equal(t.kind, "not-a-service");
    assert.equal(t.allowed, true);
    const icmp = resolveServiceTarget(example, "10.96.120.15", 0, "ICMP", ctx("192.168.230.9", "k8s-worker-1"));
    assert.notEqual(icmp.kind, "dnat");
  });

  test("proxier.go: NodePorts are captured only on the node's own addresses (KUBE-NODEPORTS after --dst-type LOCAL)", () => {
    const t = resolveServiceTarget(example, "10.0.1.12", 30080, "TCP", ctx("10.0.2.57", "k8s-worker-1"));
    assert.equal(t.kind, "not-a-service");
  });

  test("nftables proxier: --nodeport-addresses defaults to primary, so the tunnel address takes no NodePort; iptables takes every local address", () => {
    const iptables = resolveServiceTarget(example, "192.168.230.0", 30080, "TCP", ctx("10.0.2.57", "k8s-worker-1"));
    assert.equal(iptables.kind, "dnat");
    const nft = resolveServiceTarget(
      example,
      "192.168.230.0",
      30080,
      "TCP",
      ctx("10.0.2.57", "k8s-worker-1", { mode: "nftables" }),
    );
    assert.equal(nft.kind, "not-a-service");
  });

  test("proxier.go portProtoHash: chain names are base32(sha256(service port name + protocol))[:16], as on real nodes", () => {
    const kubernetes = example.kubernetes.services.find((s) => s.name === "kubernetes")!;
    assert.equal(serviceChain("KUBE-SVC", kubernetes, kubernetes.ports[0]!), "KUBE-SVC-NPX46M4PTMTKRN6Y");
    const dns = example.kubernetes.services.find((s) => s.name === "kube-dns")!;
    assert.equal(
      serviceChain(
        "KUBE-SVC",
        dns,
        dns.ports.find((p) => p.name === "dns")!,
      ),
      "KUBE-SVC-TCOU7JCQXEZGVUNU",
    );
    assert.equal(
      endpointChain(
        dns,
        dns.ports.find((p) => p.name === "dns")!,
        "192.168.11.99:53",
      ),
      "KUBE-SEP-CSVG4NHGS2XS6TPF",
    );
    assert.equal(chainHash("game-2048/service-2048tcp192.168.2.92:80"), "6RLR7GMXHKSBV5ON");
  });

  test("servicechangetracker.go: headless and ExternalName services get no kube-proxy rules", () => {
    const headless = example.kubernetes.services.find((s) => s.name === "rabbitmq-headless")!;
    const h = serviceTarget(
      example,
      {
        service: headless,
        servicePort: headless.ports[0]!,
        access: "ClusterIP",
        id: "messaging/rabbitmq-headless:amqp",
      },
      ctx("192.168.230.9", "k8s-worker-1"),
    );
    assert.equal(h.kind, "not-proxied");
    assert.match(h.note, /headless/);
    assert.equal(h.source, headless.meta.source);
    const ext = {
      ...headless,
      type: "ExternalName" as const,
      clusterIP: undefined,
      clusterIPs: [],
      externalName: "db.example.com",
    };
    const e = serviceTarget(
      example,
      { service: ext, servicePort: ext.ports[0]!, access: "ClusterIP", id: "x" },
      ctx("192.168.230.9", "k8s-worker-1"),
    );
    assert.equal(e.kind, "not-proxied");
    assert.match(e.note, /ExternalName.*db\.example\.com/);
  });
});

describe("kube-proxy endpoints and traffic policies", () => {
  test("proxier.go: a service without endpoints is REJECTed (ICMP port unreachable), citing the service", () => {
    const s = cluster(
      service(`  clusterIP: 10.96.0.40\n  selector: {app: nothing}\n  ports: [{port: 80, targetPort: 8080}]`),
    );
    const t = dropped(resolveServiceTarget(s, "10.96.0.40", 80, "TCP", ctx("192.168.1.9", "n1")));
    assert.equal(t.code, "NO_ENDPOINTS");
    assert.equal(t.action, "REJECT");
    assert.match(t.rule, /has no endpoints/);
    assert.match(t.note, /port unreachable/);
    assert.equal(formatSource(t.source), "cluster.yaml:" + t.service.meta.source.line);
    assert.equal(t.id, "app/web");
  });

  test("topology.go CategorizeEndpoints: not-ready endpoints are not used; none ready and none terminating → REJECT", () => {
    const s = cluster(
      pod("web-1", "n1", "192.168.1.5", { ready: false }),
      service(`  clusterIP: 10.96.0.41\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]`),
      slice(ep("192.168.1.5", "n1", "web-1", "{ready: false, serving: false, terminating: false}")),
    );
    const t = dropped(resolveServiceTarget(s, "10.96.0.41", 80, "TCP", ctx("192.168.1.9", "n1")));
    assert.equal(t.code, "NO_ENDPOINTS");
    assert.match(t.note, /none of its 1 endpoints is ready/);
  });

  test("topology.go CategorizeEndpoints: with no ready endpoint anywhere, serving terminating endpoints are used", () => {
    const s = cluster(
      service(`  clusterIP: 10.96.0.42\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]`),
      slice(
        [
          ep("192.168.1.5", "n1", "a-old", "{ready: false, serving: true, terminating: true}"),
          ep("192.168.2.5", "n2", "b-dead", "{ready: false, serving: false, terminating: true}"),
        ].join("\n"),
      ),
    );
    const t = dnat(resolveServiceTarget(s, "10.96.0.42", 80, "TCP", ctx("192.168.1.9", "n1")));
    assert.deepEqual(
      t.endpoints.map((e) => e.name),
      ["a-old"],
    );
  });

  test("proxier.go: every ready endpoint is a candidate, sorted by name; the first is chosen", () => {
    const s = cluster(
      service(`  clusterIP: 10.96.0.43\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]`),
      slice(
        [
          ep("192.168.1.7", "n1", "web-b"),
          ep("192.168.2.7", "n2", "web-a"),
          ep("192.168.1.8", "n1", "web-c", "{ready: false}"),
        ].join("\n"),
      ),
    );
    const t = dnat(resolveServiceTarget(s, "10.96.0.43", 80, "TCP", ctx("192.168.1.9", "n1")));
    assert.deepEqual(
      t.endpoints.map((e) => e.name),
      ["web-a", "web-b"],
    );
    assert.equal(t.chosen.ip, "192.168.2.7");
    assert.deepEqual(
      t.endpoints.map((e) => e.local),
      [false, true],
    );
  });

  test("endpointslicecache.go: a slice without a port of the service port's name serves nothing for it", () => {
    const s = cluster(
      service(`  clusterIP: 10.96.0.44\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]`),
      slice(ep("192.168.1.5", "n1", "web-1"), "[{name: metrics, port: 9090, protocol: TCP}]"),
    );
    const t = dropped(resolveServiceTarget(s, "10.96.0.44", 80, "TCP", ctx("192.168.1.9", "n1")));
    assert.equal(t.code, "NO_ENDPOINTS");
    assert.match(t.note, /no port named "http"/);
  });

  test("endpoints controller FindPort: without slices, a named targetPort resolves per selected pod; pods without the name are left out", () => {
    const s = cluster(
      pod("web-1", "n1", "192.168.1.5", { ports: "{name: http, containerPort: 8080}" }),
      pod("web-2", "n2", "192.168.2.5", { ports: "{name: http, containerPort: 9090}" }),
      pod("web-3", "n2", "192.168.2.6", { ports: "{name: other, containerPort: 7070}" }),
      service(`  clusterIP: 10.96.0.45\n  selector: {app: web}\n  ports: [{name: web, port: 80, targetPort: http}]`),
    );
    const t = dnat(resolveServiceTarget(s, "10.96.0.45", 80, "TCP", ctx("192.168.1.9", "n1")));
    assert.deepEqual(
      t.endpoints.map((e) => `${e.name} ${e.ip}:${e.port}`),
      ["web-1 192.168.1.5:8080", "web-2 192.168.2.5:9090"],
    );
    assert.match(formatSource(t.chosen.source), /^cluster\.yaml:\d+$/);
  });

  test("proxier.go: externalTrafficPolicy Local drops on a node without local endpoints", () => {
    const s = cluster(...ONE_ENDPOINT_ON_N1, service(NODEPORT_LOCAL));
    const t = dropped(resolveServiceTarget(s, "10.0.1.12", 30080, "TCP", ctx("10.0.2.57", "n2")));
    assert.equal(t.code, "NO_ENDPOINTS");
    assert.equal(t.action, "DROP");
    assert.match(t.rule, /has no local endpoints/);
    assert.match(t.note, /n1/);
    assert.equal(t.source, t.service.meta.source);
  });

  test("proxier.go: externalTrafficPolicy Local keeps the client IP and uses the local endpoint", () => {
    const s = cluster(...ONE_ENDPOINT_ON_N1, service(NODEPORT_LOCAL));
    const t = dnat(resolveServiceTarget(s, "10.0.1.11", 30080, "TCP", ctx("10.0.2.57", "n1")));
    assert.deepEqual(t.dnat, { ip: "192.168.1.5", port: 8080 });
    assert.equal(t.masquerade.masquerade, false);
    assert.equal(t.masquerade.snatTo, undefined);
  });

  test("proxier.go: pod traffic to an externalTrafficPolicy Local NodePort short-circuits to all endpoints, unmasqueraded", () => {
    const s = cluster(...ONE_ENDPOINT_ON_N1, service(NODEPORT_LOCAL));
    const t = dnat(resolveServiceTarget(s, "10.0.1.12", 30080, "TCP", ctx("192.168.2.9", "n2")));
    assert.equal(t.chosen.ip, "192.168.1.5");
    assert.equal(t.masquerade.masquerade, false);
    assert.match(t.masquerade.rule, /pod traffic for app\/web:http external destinations/);
  });

  test("proxier.go: the node's own traffic to an externalTrafficPolicy Local NodePort is masqueraded and may use any endpoint", () => {
    const s = cluster(...ONE_ENDPOINT_ON_N1, service(NODEPORT_LOCAL));
    const t = dnat(resolveServiceTarget(s, "10.0.1.12", 30080, "TCP", ctx("10.0.1.12", "n2")));
    assert.equal(t.masquerade.masquerade, true);
    assert.match(t.masquerade.rule, /--src-type LOCAL/);
    assert.equal(t.masquerade.snatTo, "192.168.2.0");
  });

  test("proxier.go: externalTrafficPolicy Cluster masquerades pod traffic to a NodePort too (no short-circuit)", () => {
    const s = cluster(...ONE_ENDPOINT_ON_N1, service(NODEPORT_LOCAL.replace("Local", "Cluster")));
    const t = dnat(resolveServiceTarget(s, "10.0.1.11", 30080, "TCP", ctx("192.168.1.9", "n1")));
    assert.equal(t.masquerade.masquerade, true);
    assert.equal(t.masquerade.snatTo, "10.0.1.11");
  });

  test("proxier.go: internalTrafficPolicy Local drops ClusterIP traffic on a node without local endpoints", () => {
    const spec = `  clusterIP: 10.96.0.46\n  internalTrafficPolicy: Local\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]`;
    const s = cluster(...ONE_ENDPOINT_ON_N1, service(spec));
    const off = dropped(resolveServiceTarget(s, "10.96.0.46", 80, "TCP", ctx("192.168.2.9", "n2")));
    assert.equal(off.code, "NO_ENDPOINTS");
    assert.equal(off.action, "DROP");
    const on = dnat(resolveServiceTarget(s, "10.96.0.46", 80, "TCP", ctx("192.168.1.9", "n1")));
    assert.equal(on.chosen.ip, "192.168.1.5");
    assert.equal(on.masquerade.masquerade, false);
  });

  test("proxier.go: external IPs and load-balancer ingress IPs go through the external chain", () => {
    const spec = `  type: LoadBalancer\n  clusterIP: 10.96.0.47\n  externalIPs: [203.0.113.50]\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http, nodePort: 30081}]`;
    const lb = `---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: app}\nspec:\n${spec}\nstatus: {loadBalancer: {ingress: [{ip: 203.0.113.60}]}}\n`;
    const s = cluster(...ONE_ENDPOINT_ON_N1, lb);
    const e = dnat(resolveServiceTarget(s, "203.0.113.50", 80, "TCP", ctx("198.51.100.1", "n2")));
    assert.equal(e.match.access, "ExternalIP");
    assert.equal(e.masquerade.snatTo, "192.168.2.0");
    const l = dnat(resolveServiceTarget(s, "203.0.113.60", 80, "TCP", ctx("198.51.100.1", "n1")));
    assert.equal(l.match.access, "LoadBalancer");
    assert.equal(l.masquerade.snatTo, "10.0.1.11");
  });

  test("masquerade to an endpoint at the node's own address is never applied: local delivery skips POSTROUTING", () => {
    const n1 = example.kubernetes.nodes.find((n) => n.name === "k8s-worker-1")!;
    const m = masqueradeAddress(example, n1, "10.0.1.11", "k8s-worker-1");
    assert.equal(m.via, "local-delivery");
    assert.equal(m.snatTo, undefined);
    const remoteHost = masqueradeAddress(example, n1, "10.0.1.12", "k8s-worker-2");
    assert.equal(remoteHost.snatTo, "10.0.1.11");
  });
});
