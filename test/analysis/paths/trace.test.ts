/**
 * The tracer's hops on the seed's cluster with one thing changed at a time: each test names the
 * upstream rule it follows and checks the drop code, where, and what the packet looked like.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseEndpoint } from "../../../src/analysis/paths/endpoints.js";
import { tracePath, type TraceResult } from "../../../src/analysis/paths/trace.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { NetworkAcl, RouteTable, SecurityGroup } from "../../../src/model/aws.js";
import type { IPPool, Service } from "../../../src/model/kubernetes.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const base = loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], cwd: REPO });

function trace(snapshot: Snapshot, from: string, to: string, port?: number): TraceResult {
  return tracePath(snapshot, { from: parseEndpoint(from), to: parseEndpoint(to), port });
}

function withAws(change: Partial<Snapshot["aws"]>): Snapshot {
  return { ...base, aws: { ...base.aws, ...change } };
}

function withKubernetes(change: Partial<Snapshot["kubernetes"]>): Snapshot {
  return { ...base, kubernetes: { ...base.kubernetes, ...change } };
}

const mapAcls = (f: (a: NetworkAcl) => NetworkAcl): Snapshot => withAws({ networkAcls: base.aws.networkAcls.map(f) });
const mapTables = (f: (t: RouteTable) => RouteTable): Snapshot => withAws({ routeTables: base.aws.routeTables.map(f) });
const mapGroups = (f: (g: SecurityGroup) => SecurityGroup): Snapshot =>
  withAws({ securityGroups: base.aws.securityGroups.map(f) });
const mapServices = (f: (s: Service) => Service): Snapshot =>
  withKubernetes({ services: base.kubernetes.services.map(f) });
const mapPools = (f: (p: IPPool) => IPPool): Snapshot => withKubernetes({ ipPools: base.kubernetes.ipPools.map(f) });

const WORKER_POD = "workload:ecoeco/ecoeco-api";

describe("AWS VPC hops", () => {
  test("network ACLs are stateless (AWS VPC docs, 'Network ACLs' and 'Ephemeral ports'): outbound rules without the client's ephemeral port drop the reply, not the request", () => {
    const snapshot = mapAcls((acl) => ({
      ...acl,
      entries: acl.entries.map((e) => (e.egress ? { ...e, protocol: "6", portRange: { from: 443, to: 443 } } : e)),
    }));
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.equal(t.verdict, "delivered");
    assert.equal(t.return.verdict, "dropped");
    assert.equal(t.return.drop?.code, "NACL_EGRESS");
    assert.match(t.return.drop?.message ?? "", /49152/);
  });

  test("security groups are stateful (AWS docs, 'Security group connection tracking'): without an inbound NodePort rule the ALB's connection to the node is dropped (SECURITY_GROUP_INGRESS)", () => {
    const nodeGroup = base.aws.securityGroups.find((g) => g.name === "ecoeco-node-sg")!;
    const snapshot = mapGroups((g) =>
      g.id === nodeGroup.id
        ? {
            ...g,
            ingress: g.ingress.filter((r) => !r.peers.some((p) => p.kind === "security-group" && p.groupId !== g.id)),
          }
        : g,
    );
    const t = tracePath(snapshot, { from: { kind: "internet" }, to: parseEndpoint("url:https://growbin.app/argocd") });
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
    assert.equal(t.drop?.at, `security-group:${nodeGroup.id}`);
  });

  test("an internet gateway translates only addresses with a public IP (AWS VPC docs, 'Internet gateways'): a private subnet routed straight to the IGW gets NO_PUBLIC_IP", () => {
    const igw = base.aws.internetGateways[0]!.id;
    const snapshot = mapTables((t) => ({
      ...t,
      routes: t.routes.map((r) =>
        r.targetKind === "nat-gateway" ? { ...r, targetKind: "internet-gateway" as const, targetId: igw } : r,
      ),
    }));
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_PUBLIC_IP");
    assert.equal(t.drop?.at, `internet-gateway:${igw}`);
  });

  test("routes are per direction (AWS VPC docs, 'Route tables'): a public IP on an instance in a subnet routed to a NAT gateway answers through the NAT gateway — the reply is lost (asymmetric route)", () => {
    const worker1Eni = base.aws.networkInterfaces.find((e) => e.privateIps.some((p) => p.address === "10.0.1.11"))!;
    const snapshot = withAws({
      networkInterfaces: base.aws.networkInterfaces.map((e) =>
        e === worker1Eni
          ? { ...e, privateIps: e.privateIps.map((p) => (p.primary ? { ...p, publicIp: "203.0.113.77" } : p)) }
          : e,
      ),
      securityGroups: base.aws.securityGroups.map((g) =>
        worker1Eni.securityGroupIds.includes(g.id)
          ? {
              ...g,
              ingress: [
                ...g.ingress,
                {
                  protocol: "-1",
                  ports: undefined,
                  peers: [{ kind: "cidr", cidr: "0.0.0.0/0", description: undefined }],
                },
              ],
            }
          : g,
      ),
    });
    const t = trace(snapshot, "internet", "ip:203.0.113.77", 22);
    assert.equal(t.verdict, "delivered");
    assert.equal(t.return.verdict, "dropped");
    assert.equal(t.return.drop?.code, "NO_ROUTE");
    assert.match(t.return.drop?.message ?? "", /asymmetric route.*nat-0ecoeco0000000001/);
  });

  test("every subnet uses a route table, its VPC's main one at least (AWS VPC docs, 'Route tables for your VPC'): a subnet whose table the snapshot lacks is unknown, not NO_ROUTE", () => {
    const worker = "subnet-0ecoeco0000000011";
    const snapshot = withAws({
      routeTables: base.aws.routeTables
        .filter((t) => !t.subnetIds.includes(worker))
        .map((t) => ({ ...t, main: false })),
    });
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.equal(t.verdict, "unknown");
    assert.equal(t.drop ?? undefined, undefined);
    assert.equal(t.unknown?.at, `route-table:${worker}`);
    assert.match(t.unknown?.message ?? "", /no route table for subnet-0ecoeco0000000011/);
    assert.match(t.unknown?.capture ?? "", /describe-route-tables --filters Name=vpc-id,Values=vpc-/);
  });

  test("the reply's route that the snapshot cannot decide (AWS VPC docs, 'Route tables': podpath does not follow VPC peering) is an unknown reply, not an asymmetric-route drop", () => {
    const worker1Eni = base.aws.networkInterfaces.find((e) => e.privateIps.some((p) => p.address === "10.0.1.11"))!;
    const snapshot = withAws({
      networkInterfaces: base.aws.networkInterfaces.map((e) =>
        e === worker1Eni
          ? { ...e, privateIps: e.privateIps.map((p) => (p.primary ? { ...p, publicIp: "203.0.113.77" } : p)) }
          : e,
      ),
      securityGroups: base.aws.securityGroups.map((g) =>
        worker1Eni.securityGroupIds.includes(g.id)
          ? {
              ...g,
              ingress: [
                ...g.ingress,
                {
                  protocol: "-1",
                  ports: undefined,
                  peers: [{ kind: "cidr", cidr: "0.0.0.0/0", description: undefined }],
                },
              ],
            }
          : g,
      ),
      routeTables: base.aws.routeTables.map((t) =>
        t.subnetIds.includes(worker1Eni.subnetId)
          ? {
              ...t,
              routes: t.routes.map((r) =>
                r.destination === "0.0.0.0/0" ? { ...r, targetKind: "vpc-peering" as const, targetId: "pcx-0abc" } : r,
              ),
            }
          : t,
      ),
    });
    const t = trace(snapshot, "internet", "ip:203.0.113.77", 22);
    assert.equal(t.verdict, "delivered");
    assert.equal(t.return.verdict, "unknown");
    assert.equal(t.return.drop ?? undefined, undefined);
    assert.match(t.return.unknown?.message ?? "", /pcx-0abc/);
    assert.match(t.return.unknown?.capture ?? "", /describe-vpc-peering-connections/);
  });

  test("a NAT gateway whose output lists no address (AWS gives every NAT gateway a private one: the capture was trimmed) is unknown at the NAT gateway, not a blackhole", () => {
    const t = trace(
      withAws({ natGateways: base.aws.natGateways.map((n) => ({ ...n, addresses: [] })) }),
      WORKER_POD,
      "internet",
    );
    assert.equal(t.verdict, "unknown");
    assert.match(t.unknown?.at ?? "", /^nat-gateway:nat-/);
    assert.match(t.unknown?.capture ?? "", /describe-nat-gateways --nat-gateway-ids nat-/);
  });

  test("a blackhole route drops (AWS VPC docs, 'Route tables': a route whose target was deleted is blackhole)", () => {
    const snapshot = mapTables((t) => ({
      ...t,
      routes: t.routes.map((r) => (r.targetKind === "nat-gateway" ? { ...r, state: "blackhole" as const } : r)),
    }));
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.equal(t.drop?.code, "BLACKHOLE_ROUTE");
  });
});

describe("a Service's spec.externalIPs from the internet (Kubernetes docs, Service 'External IPs': the cluster administrator routes them, kube-proxy answers them on the nodes)", () => {
  const withExternalIP = (ip: string): Snapshot =>
    mapServices((s) => (s.name === "argocd-server" ? { ...s, externalIPs: [ip] } : s));

  test("a public external IP that no interface, Elastic IP or node of the snapshot holds is unknown, not 'delivered on the internet'", () => {
    const t = trace(withExternalIP("198.51.100.200"), "internet", "ip:198.51.100.200", 443);
    assert.equal(t.verdict, "unknown");
    assert.equal(t.unknown?.at, "internet:internet");
    assert.match(t.unknown?.message ?? "", /external IP of service argocd\/argocd-server \(spec\.externalIPs\)/);
    assert.match(t.unknown?.capture ?? "", /describe-addresses --public-ips 198\.51\.100\.200/);
    assert.ok(t.unknown?.source, "names the Service's file:line");
  });

  test("a private external IP is not routed on the internet (RFC 1918): NO_ROUTE, naming the service", () => {
    const t = trace(withExternalIP("10.99.0.5"), "internet", "ip:10.99.0.5", 443);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_ROUTE");
    assert.match(t.drop?.message ?? "", /external IP of service argocd\/argocd-server/);
  });

  test("from a pod, kube-proxy on its own node answers the external IP (KUBE-SERVICES -d externalIP): delivered to an endpoint", () => {
    const t = trace(withExternalIP("198.51.100.200"), WORKER_POD, "ip:198.51.100.200", 443);
    assert.equal(t.verdict, "delivered");
    assert.ok(t.hops.some((h) => h.component === "kube-proxy" && h.action === "dnat"));
  });
});

describe("Kubernetes and CNI hops", () => {
  test("kube-proxy externalTrafficPolicy Local (pkg/proxy/iptables/proxier.go): the client IP is kept where an endpoint is local", () => {
    const snapshot = mapServices((s) => (s.name === "argocd-server" ? { ...s, externalTrafficPolicy: "Local" } : s));
    const t = tracePath(snapshot, { from: { kind: "internet" }, to: parseEndpoint("url:https://growbin.app/argocd") });
    assert.equal(t.verdict, "delivered");
    // no masquerade: the pod sees the ALB's address
    assert.equal(t.finalSourceIp, "10.0.2.57");
    assert.deepEqual(
      t.hops.filter((h) => h.component === "kube-proxy").map((h) => h.action),
      ["dnat"],
    );
  });

  test("an ALB's instance targets under externalTrafficPolicy Local (AWS LBC healthcheck-port traffic-port; kube-proxy drops the NodePort where no endpoint is local): the node without a local endpoint fails the health check, so the ALB sends to the one with it, not into a NO_ENDPOINTS drop", () => {
    const pod = base.kubernetes.pods.find((p) => p.name.startsWith("argocd-server"))!;
    assert.equal(pod.nodeName, "k8s-worker-1");
    const moved = (n: string | undefined): string | undefined => (n === "k8s-worker-1" ? "k8s-worker-2" : n);
    // the endpoint on k8s-worker-2, and no captured target health: the health check is inferred
    const snapshot: Snapshot = {
      ...base,
      aws: { ...base.aws, targetHealth: [] },
      kubernetes: {
        ...base.kubernetes,
        services: base.kubernetes.services.map((s) =>
          s.name === "argocd-server" ? { ...s, externalTrafficPolicy: "Local" } : s,
        ),
        pods: base.kubernetes.pods.map((p) => (p === pod ? { ...p, nodeName: "k8s-worker-2" } : p)),
        serviceEndpoints: base.kubernetes.serviceEndpoints.map((e) =>
          e.service.name !== "argocd-server"
            ? e
            : {
                ...e,
                slices: e.slices.map((sl) => ({
                  ...sl,
                  endpoints: sl.endpoints.map((a) => ({ ...a, nodeName: moved(a.nodeName) })),
                })),
              },
        ),
      },
    };
    const t = tracePath(snapshot, { from: { kind: "internet" }, to: parseEndpoint("url:https://growbin.app/argocd") });
    assert.equal(t.verdict, "delivered", t.drop?.message);
    const tg = t.hops.find((h) => h.component === "target-group")!;
    assert.equal(tg.packet.dst, "10.0.1.12");
    assert.match(
      tg.note,
      /node k8s-worker-1 10\.0\.1\.11:30080 is not used: no ready endpoint .* the ALB's health check on the traffic port fails/,
    );
  });

  test("kube-proxy externalTrafficPolicy Local drops NodePort traffic on a node without a local endpoint (KUBE-EXTERNAL-SERVICES DROP, NO_ENDPOINTS)", () => {
    const snapshot = mapServices((s) => (s.name === "argocd-server" ? { ...s, externalTrafficPolicy: "Local" } : s));
    const t = trace(snapshot, "ip:10.0.2.57", "node:k8s-worker-2", 30080);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_ENDPOINTS");
    assert.match(t.drop?.at ?? "", /^kube-proxy:argocd\/argocd-server/);
  });

  test("kube-proxy NodePort with externalTrafficPolicy Cluster to an endpoint on another node: masqueraded to the node's VXLAN tunnel address, encapsulated (Calico docs, 'Overlay networking')", () => {
    // worker-2 has no argocd-server pod: the NodePort DNATs to the endpoint on worker-1
    const t = trace(base, "ip:10.0.2.57", "node:k8s-worker-2", 30080);
    assert.equal(t.verdict, "delivered");
    const masq = t.hops.find((h) => h.component === "kube-proxy" && h.action === "snat")!;
    const worker2 = base.kubernetes.nodes.find((n) => n.name === "k8s-worker-2")!;
    assert.equal(masq.packet.src, worker2.overlay.vxlan);
    assert.ok(t.hops.some((h) => h.action === "encapsulate" && h.packet.outer?.dst === "10.0.1.11"));
    assert.equal(t.finalSourceIp, worker2.overlay.vxlan);
    assert.equal(t.return.verdict, "delivered");
  });

  test("Calico natOutgoing masquerades VPC destinations too (Calico docs, 'Configure outgoing NAT': everything outside the IP pools)", () => {
    const t = trace(base, WORKER_POD, "node:k8s-master", 10250);
    assert.equal(t.finalSourceIp, "10.0.1.12");
    assert.ok(t.hops.some((h) => h.component === "calico-natoutgoing" && h.action === "snat"));
  });

  test("Calico natOutgoing: false keeps the pod IP, and the ENI's source/destination check then drops it (EC2: an instance must be the source of what it sends)", () => {
    const snapshot = mapPools((p) => ({ ...p, natOutgoing: false }));
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "SOURCE_DEST_CHECK");
  });

  test("Calico native routing (vxlanMode Never) across nodes needs the VPC to carry pod addresses: source/destination check drops it (SOURCE_DEST_CHECK)", () => {
    const snapshot = mapPools((p) => ({ ...p, vxlanMode: "Never", ipipMode: "Never" }));
    const t = trace(snapshot, WORKER_POD, "pod:argocd/argocd-application-controller-0", 8082);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "SOURCE_DEST_CHECK");
  });

  test('a service without endpoints is rejected by kube-proxy ("has no endpoints", NO_ENDPOINTS)', () => {
    const snapshot = withKubernetes({
      serviceEndpoints: base.kubernetes.serviceEndpoints.filter((e) => e.service.name !== "rabbitmq"),
      pods: base.kubernetes.pods.filter((p) => !p.name.startsWith("rabbitmq")),
    });
    const t = trace(snapshot, WORKER_POD, "service:messaging/rabbitmq");
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_ENDPOINTS");
  });

  test("the same snapshot gives the same trace (deterministic)", () => {
    const a = JSON.stringify(trace(base, WORKER_POD, "internet"));
    const b = JSON.stringify(trace(base, WORKER_POD, "internet"));
    assert.equal(a, b);
  });
});

describe("AWS VPC CNI (the EKS default; the seed's cluster later moved to it)", () => {
  // the API pod takes a secondary address of k8s-worker-2's ENI, as ipamd assigns it
  const POD_IP = "10.0.1.50";
  const apiPod = base.kubernetes.pods.find((p) => p.namespace === "ecoeco" && p.name.startsWith("ecoeco-api"))!;
  const worker2Eni = base.aws.networkInterfaces.find((e) => e.privateIps.some((p) => p.address === "10.0.1.12"))!;
  const snapshot: Snapshot = {
    ...base,
    kubernetes: {
      ...base.kubernetes,
      ipPools: [],
      pods: base.kubernetes.pods.map((p) => (p === apiPod ? { ...p, podIP: POD_IP, podIPs: [POD_IP] } : p)),
    },
    aws: {
      ...base.aws,
      networkInterfaces: base.aws.networkInterfaces.map((e) =>
        e === worker2Eni
          ? { ...e, privateIps: [...e.privateIps, { address: POD_IP, primary: false, publicIp: undefined }] }
          : e,
      ),
    },
  };
  const run = (to: string, port?: number): TraceResult =>
    tracePath(snapshot, { from: parseEndpoint(WORKER_POD), to: parseEndpoint(to), port }, { cni: "aws-vpc-cni" });

  test("SNAT to the primary ENI address for destinations outside the VPC (amazon-vpc-cni-k8s, AWS-SNAT-CHAIN-0), then the NAT gateway", () => {
    const t = run("internet");
    assert.equal(t.verdict, "delivered");
    assert.deepEqual(
      t.hops.filter((h) => h.action === "snat").map((h) => [h.component, h.packet.src]),
      [
        ["vpc-cni-snat", "10.0.1.12"],
        ["nat-gateway", "10.0.2.100"],
        ["internet-gateway", "203.0.113.10"],
      ],
    );
    assert.equal(t.return.verdict, "delivered");
  });

  test("no SNAT inside the VPC: the destination sees the pod's own VPC address, and the ENI holding it passes the source/destination check both ways", () => {
    const t = run("node:k8s-master", 10250);
    assert.equal(t.verdict, "delivered");
    assert.equal(t.finalSourceIp, POD_IP);
    assert.ok(t.hops.some((h) => h.component === "vpc-cni-snat" && h.action === "forward"));
    assert.equal(t.return.verdict, "delivered");
  });
});

describe("load balancers derived from Ingresses (no elbv2 JSON in the snapshot)", () => {
  const files = [
    join(EXAMPLE, "k8s"),
    ...[
      "vpcs",
      "subnets",
      "route-tables",
      "internet-gateways",
      "nat-gateways",
      "network-acls",
      "security-groups",
      "instances",
      "network-interfaces",
    ].map((f) => join(EXAMPLE, "aws", `ec2-describe-${f}.json`)),
  ];
  const derived = loadSnapshot({ paths: files, cwd: REPO });

  test("target-type instance (AWS Load Balancer Controller): the derived ALB sends to the NodePort of a node; its unknown address is said as an assumption", () => {
    const t = tracePath(derived, { from: { kind: "internet" }, to: parseEndpoint("url:https://growbin.app/argocd") });
    assert.equal(t.verdict, "delivered");
    assert.match(t.hops.find((h) => h.component === "load-balancer")!.note, /derived from the Ingresses/);
    assert.ok(t.assumptions.some((a) => /not in the snapshot/.test(a)));
    assert.equal(t.hops.find((h) => h.component === "target-group")!.packet.dstPort, 30080);
  });

  test("target-type ip with Calico VXLAN pod addresses: the ALB cannot reach them (TARGET_NOT_ROUTABLE)", () => {
    const snapshot = loadSnapshot({
      paths: files,
      whatIf: [join(REPO, "test/fixtures/what-if/argocd-ingress-target-type-ip.yaml")],
      cwd: REPO,
    });
    const t = tracePath(snapshot, { from: { kind: "internet" }, to: parseEndpoint("url:https://growbin.app/argocd") });
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
    assert.match(t.drop?.message ?? "", /IP pool default-ipv4-ippool/);
  });
});
