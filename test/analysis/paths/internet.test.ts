/**
 * "The internet" is public addresses only, and traces across gaps of the snapshot say so in
 * their assumptions (issue 8 items 1, 2 and 7), on the seed's cluster with one thing changed at
 * a time. Each test names the rule it follows.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseEndpoint } from "../../../src/analysis/paths/endpoints.js";
import { tracePath, type TraceResult } from "../../../src/analysis/paths/trace.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Node } from "../../../src/model/kubernetes.js";
import { isPrivateOrShared, nonPublicKind } from "../../../src/model/net.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const base = loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], cwd: REPO });
/** kubeadm + Calico in public subnets, describe-instances only (no describe-network-interfaces) */
const publicCapture = loadSnapshot({ paths: [join(REPO, "test/fixtures/captures/kubeadm-calico-public")], cwd: REPO });
const WORKER_POD = "workload:ecoeco/ecoeco-api";
const WORKER_2 = "i-0ecoeco0000000012";

function trace(
  snapshot: Snapshot,
  from: string,
  to: string,
  port?: number,
  cni?: "calico" | "aws-vpc-cni",
): TraceResult {
  return tracePath(snapshot, { from: parseEndpoint(from), to: parseEndpoint(to), port }, { cni });
}

function withAws(change: Partial<Snapshot["aws"]>): Snapshot {
  return { ...base, aws: { ...base.aws, ...change } };
}

const mapNodes = (f: (n: Node) => Node): Snapshot => ({
  ...base,
  kubernetes: { ...base.kubernetes, nodes: base.kubernetes.nodes.map(f) },
});

describe("non-public addresses (RFC 1918 §3, RFC 6598, RFC 3927, RFC 1122)", () => {
  const table: [string, string | undefined][] = [
    ["10.99.99.99", "RFC 1918"],
    ["172.16.5.5", "RFC 1918"],
    ["172.31.255.255", "RFC 1918"],
    ["172.32.0.1", undefined],
    ["192.168.0.1", "RFC 1918"],
    ["100.64.0.1", "RFC 6598"],
    ["100.128.0.1", undefined],
    ["169.254.169.254", "RFC 3927"],
    ["127.0.0.1", "RFC 1122"],
    ["198.51.100.20", undefined],
    ["8.8.8.8", undefined],
  ];
  for (const [ip, rfc] of table) {
    test(`${ip} is ${rfc ? `non-public (${rfc})` : "public"}`, () => {
      assert.equal(isPrivateOrShared(ip), rfc !== undefined);
      if (rfc) assert.match(nonPublicKind(ip) ?? "", new RegExp(rfc));
      else assert.equal(nonPublicKind(ip), undefined);
    });
  }
});

describe("an internet gateway never carries a private destination (AWS VPC docs 'Internet gateways'; RFC 1918 §3)", () => {
  test("pod → 172.16.5.5 from a private subnet: 0.0.0.0/0 → NAT gateway, whose subnet's 0.0.0.0/0 → igw: SNAT at the NAT gateway, then dropped at the IGW (PRIVATE_DESTINATION)", () => {
    const t = trace(base, WORKER_POD, "ip:172.16.5.5", 80);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "PRIVATE_DESTINATION");
    assert.equal(t.drop?.at, "internet-gateway:igw-0ecoeco0000000001");
    assert.deepEqual(
      t.hops.filter((h) => h.action === "snat").map((h) => h.component),
      ["calico-natoutgoing", "nat-gateway"],
    );
    assert.equal(t.finalSourceIp, null);
  });

  test("the same destination without a default route is NO_ROUTE at the route table (longest prefix match finds nothing)", () => {
    const snapshot = withAws({
      routeTables: base.aws.routeTables.map((t) => ({
        ...t,
        routes: t.routes.filter((r) => r.destination !== "0.0.0.0/0"),
      })),
    });
    const t = trace(snapshot, WORKER_POD, "ip:172.16.5.5", 80);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_ROUTE");
    assert.match(t.drop?.at ?? "", /^route-table:rtb-/);
  });

  test("a public destination still leaves through the NAT gateway and the IGW (the check is on the destination only)", () => {
    const t = trace(base, WORKER_POD, "ip:8.8.8.8", 53);
    assert.equal(t.verdict, "delivered");
    assert.equal(t.finalSourceIp, "203.0.113.10");
  });

  test("RFC 6598 shared space (100.64.0.0/10) is private too: dropped at the IGW", () => {
    const t = trace(base, WORKER_POD, "ip:100.64.3.3", 80);
    assert.equal(t.drop?.code, "PRIVATE_DESTINATION");
    assert.match(t.drop?.message ?? "", /RFC 6598/);
  });
});

describe("from the internet, only public addresses are reachable", () => {
  test("a Calico pod address is TARGET_NOT_ROUTABLE naming the pool (Calico docs, 'IP pools': pool addresses are routed by the cluster's nodes)", () => {
    const t = trace(base, "internet", "ip:192.168.140.72", 8080);
    assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
    assert.equal(t.drop?.at, "internet:default-ipv4-ippool");
  });

  test("a ClusterIP is TARGET_NOT_ROUTABLE naming the service CIDR (Kubernetes docs, 'Virtual IPs and Service Proxies')", () => {
    const service = base.kubernetes.services.find((s) => s.clusterIP && s.clusterIP !== "None")!;
    const t = trace(base, "internet", `ip:${service.clusterIP}`, service.ports[0]!.port);
    assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
    assert.equal(t.drop?.at, "internet:service-cidr");
    assert.match(t.drop?.message ?? "", new RegExp(`service ${service.namespace}/${service.name}`));
  });

  test("a ClusterIP sent from the VPC outside the cluster (the ALB's interface) is TARGET_NOT_ROUTABLE at the route table, not lost at the IGW", () => {
    const t = trace(base, "ip:10.0.2.57", "service:argocd/argocd-server");
    assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
    assert.match(t.drop?.at ?? "", /^route-table:rtb-/);
    assert.match(t.drop?.message ?? "", /ClusterIP of service argocd\/argocd-server.*service CIDR/);
  });

  test("a private VPC address without a public IP is NO_PUBLIC_IP", () => {
    const t = trace(base, "internet", "ip:10.0.1.11", 30080);
    assert.equal(t.drop?.code, "NO_PUBLIC_IP");
  });

  test("a public address outside every VPC is still delivered on the internet", () => {
    const t = trace(base, "internet", "ip:8.8.8.8", 443);
    assert.equal(t.verdict, "delivered");
    assert.equal(t.hops.at(-1)?.component, "internet");
  });
});

describe("node:NAME from outside the VPC is the node's public address", () => {
  test("no ExternalIP, no public IP on its instance or ENI: NO_PUBLIC_IP naming the node and its instance", () => {
    const t = trace(base, "internet", "node:k8s-worker-2", 30080);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_PUBLIC_IP");
    assert.match(t.drop?.message ?? "", new RegExp(`node k8s-worker-2 \\(instance ${WORKER_2}\\)`));
    assert.equal(t.to.ip, undefined);
  });

  test("from inside the VPC node:NAME stays its InternalIP", () => {
    const t = trace(base, "ip:10.0.2.57", "node:k8s-worker-2", 30080);
    assert.equal(t.to.ip, "10.0.1.12");
  });

  test("its ExternalIP (status.addresses) comes first, stated in the endpoint line; held by nothing of the snapshot, the trace goes to the node directly and says so", () => {
    const snapshot = mapNodes((n) =>
      n.name === "k8s-worker-2"
        ? {
            ...n,
            externalIP: "203.0.113.212",
            addresses: [...n.addresses, { type: "ExternalIP", address: "203.0.113.212" }],
          }
        : n,
    );
    const t = trace(snapshot, "internet", "node:k8s-worker-2", 30080);
    assert.equal(t.to.ip, "203.0.113.212");
    assert.match(t.to.how, /ExternalIP/);
    assert.ok(
      t.assumptions.some((a) => /203\.0\.113\.212 is an address of node k8s-worker-2/.test(a)),
      t.assumptions.join("\n"),
    );
    assert.equal(t.verdict, "delivered");
  });

  test("the public IP of its primary ENI (Association.PublicIp): the IGW maps it and the node's security group decides", () => {
    const eni = base.aws.networkInterfaces.find((e) => e.attachment?.instanceId === WORKER_2)!;
    const snapshot = withAws({
      networkInterfaces: base.aws.networkInterfaces.map((e) =>
        e === eni
          ? { ...e, privateIps: e.privateIps.map((p) => (p.primary ? { ...p, publicIp: "203.0.113.99" } : p)) }
          : e,
      ),
    });
    const t = trace(snapshot, "internet", "node:k8s-worker-2", 30080);
    assert.equal(t.to.ip, "203.0.113.99");
    assert.match(t.to.how, new RegExp(`primary ENI ${eni.id}`));
    assert.equal(t.hops.find((h) => h.component === "internet-gateway")?.action, "dnat");
    // the node group admits NodePorts only from the ALB's group: the internet is refused
    assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
  });

  test("no instance and no ENI for the node: unknown, naming what to capture", () => {
    const snapshot = withAws({ instances: [], networkInterfaces: [] });
    const t = trace(snapshot, "internet", "node:k8s-worker-2", 30080);
    assert.equal(t.verdict, "unknown");
    assert.equal(t.drop, null);
    assert.match(t.unknown?.capture ?? "", /describe-instances/);
  });
});

describe("gaps say so in assumptions", () => {
  test("no VPC in the snapshot: the network beyond the node is assumed, the assumption names the files to capture, and a private source bound for the internet is unknown (a private address is never what the internet sees)", () => {
    const snapshot = withAws({ subnets: [], routeTables: [] });
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.equal(t.verdict, "unknown");
    assert.equal(t.finalSourceIp, null);
    assert.equal(t.unknown?.at, "node:k8s-worker-2");
    assert.match(t.unknown?.message ?? "", /from the private address 10\.0\.1\.12/);
    assert.match(t.unknown?.capture ?? "", /describe-subnets/);
    assert.ok(
      t.assumptions.some((a) => /no VPC/.test(a) && /describe-subnets/.test(a)),
      t.assumptions.join("\n"),
    );
  });

  test("a node whose instance is not in the snapshot: the assumption names the node and describe-instances", () => {
    const snapshot = withAws({
      instances: base.aws.instances.filter((i) => i.id !== WORKER_2),
      networkInterfaces: base.aws.networkInterfaces.filter((e) => e.attachment?.instanceId !== WORKER_2),
    });
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.ok(
      t.assumptions.some((a) => /node k8s-worker-2 matches no EC2 instance/.test(a) && /describe-instances/.test(a)),
      t.assumptions.join("\n"),
    );
  });

  test("an instance without a network interface in the snapshot: the assumption names the instance", () => {
    const snapshot = withAws({
      networkInterfaces: base.aws.networkInterfaces.filter((e) => e.attachment?.instanceId !== WORKER_2),
    });
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.ok(
      t.assumptions.some((a) =>
        new RegExp(`instance ${WORKER_2} of node k8s-worker-2 has no network interface`).test(a),
      ),
      t.assumptions.join("\n"),
    );
  });

  test("a subnet no network ACL of the snapshot covers (describe-network-acls not captured): assumed to allow, said", () => {
    const t = trace(withAws({ networkAcls: [] }), WORKER_POD, "internet");
    assert.equal(t.verdict, "delivered");
    assert.ok(
      t.assumptions.some(
        (a) =>
          /no network ACL of the snapshot covers subnet-0ecoeco0000000011/.test(a) && /describe-network-acls/.test(a),
      ),
      t.assumptions.join("\n"),
    );
  });

  test("instances without their interfaces: from the internet, the node's public IP still reaches the node, and both gaps are said", () => {
    const snapshot: Snapshot = { ...publicCapture, aws: { ...publicCapture.aws, networkInterfaces: [] } };
    const t = trace(snapshot, "internet", "node:ip-10-20-2-12", 30080);
    assert.equal(t.verdict, "delivered");
    assert.ok(t.hops.some((h) => h.component === "kube-proxy" && h.action === "dnat"));
    assert.ok(
      t.assumptions.some((a) => /203\.0\.113\.112 maps to 10\.20\.2\.12 \(instance i-0b5e1c7d9a3f20012/.test(a)),
      t.assumptions.join("\n"),
    );
    assert.ok(
      t.assumptions.some((a) => /instance i-0b5e1c7d9a3f20012 of node ip-10-20-2-12 has no network interface/.test(a)),
      t.assumptions.join("\n"),
    );
  });

  test("with the whole VPC in the snapshot, no such assumption", () => {
    const t = trace(base, WORKER_POD, "internet");
    assert.deepEqual(
      t.assumptions.filter((a) => /not in the snapshot|no VPC|no network interface|no EC2 instance/.test(a)),
      [],
    );
  });

  test("--cni aws-vpc-cni on pods outside every VPC CIDR: the override does not fit, said in the assumptions (amazon-vpc-cni-k8s docs/cni-proposal.md: pods get ENI addresses)", () => {
    const t = trace(base, WORKER_POD, "internet", undefined, "aws-vpc-cni");
    assert.ok(
      t.assumptions.some((a) =>
        /--cni aws-vpc-cni does not fit pod ecoeco\/ecoeco-api-.*192\.168\.140\.72.*10\.0\.0\.0\/16/.test(a),
      ),
      t.assumptions.join("\n"),
    );
    const fits = trace(base, WORKER_POD, "internet", undefined, "calico");
    assert.ok(!fits.assumptions.some((a) => /does not fit/.test(a)));
  });
});

describe("what the snapshot lacks is unknown, not a drop (PRODUCT.md: verdict unknown names what to capture)", () => {
  test("a route to a NAT gateway that is not in the snapshot: unknown, capture describe-nat-gateways", () => {
    const t = trace(withAws({ natGateways: [] }), WORKER_POD, "internet");
    assert.equal(t.verdict, "unknown");
    assert.equal(t.unknown?.capture, "aws ec2 describe-nat-gateways");
    assert.match(t.unknown?.at ?? "", /^route-table:rtb-/);
  });

  test("a VPC address no interface holds, with interfaces from describe-instances only: unknown, capture describe-network-interfaces", () => {
    const t = trace(publicCapture, "pod:shop/web-5d8f7c9b4d-7xkq2", "ip:10.20.1.200", 5432);
    assert.equal(t.verdict, "unknown");
    assert.equal(t.unknown?.capture, "aws ec2 describe-network-interfaces");
  });

  test("the same with describe-network-interfaces in the snapshot: nothing holds it, NO_ROUTE", () => {
    const t = trace(base, WORKER_POD, "ip:10.0.1.200", 5432);
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_ROUTE");
  });

  test("a public address from the internet when the snapshot has no internet gateway at all: unknown, capture describe-internet-gateways", () => {
    const t = trace(withAws({ internetGateways: [] }), "internet", "url:https://growbin.app/argocd");
    assert.equal(t.verdict, "unknown");
    assert.equal(t.unknown?.capture, "aws ec2 describe-internet-gateways");
    // outward, a route to the missing gateway is followed and the assumption said
    const out = trace(withAws({ internetGateways: [] }), WORKER_POD, "internet");
    assert.equal(out.verdict, "delivered");
    assert.ok(
      out.assumptions.some((a) =>
        /internet gateway igw-0ecoeco0000000001, a route's target, is not in the snapshot/.test(a),
      ),
      out.assumptions.join("\n"),
    );
  });

  test("a pod bound to a node the snapshot lacks: unknown, capture the nodes", () => {
    const snapshot: Snapshot = {
      ...base,
      kubernetes: { ...base.kubernetes, nodes: base.kubernetes.nodes.filter((n) => n.name !== "k8s-worker-2") },
    };
    const t = trace(snapshot, WORKER_POD, "internet");
    assert.equal(t.verdict, "unknown");
    assert.match(t.unknown?.message ?? "", /node k8s-worker-2, which is not in the snapshot/);
    assert.match(t.unknown?.capture ?? "", /kubectl get nodes/);
  });
});
