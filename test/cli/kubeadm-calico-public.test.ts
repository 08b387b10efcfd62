/**
 * Issue 8's "done when" scenario: a kubeadm + Calico VXLAN cluster (1 control plane, 2 workers)
 * in public subnets (0.0.0.0/0 → igw, instances with PublicIpAddress), captured with
 * `aws ec2 describe-instances` only — no describe-network-interfaces: the ENIs come from the
 * instances' NetworkInterfaces. Files as the AWS CLI and kubectl print them, under
 * test/fixtures/captures/kubeadm-calico-public/ (no index: the directory is scanned).
 *
 * The cluster: nodes ip-10-20-1-10 (control plane), ip-10-20-1-11 (subnet a), ip-10-20-2-12
 * (subnet b), public IPs 203.0.113.110-112; IP pool 192.168.0.0/16, VXLAN Always, natOutgoing;
 * NodePort services shop/web (30080, opened to 0.0.0.0/0 by the node security group) and
 * shop/admin (30443, not opened).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { cli, REPO } from "../support/helpers.js";
import type { TraceJson } from "../../src/questions/trace.js";

const SNAPSHOT = join(REPO, "test/fixtures/captures/kubeadm-calico-public");
const SG_WITHOUT_NODEPORT = join(REPO, "test/fixtures/what-if/kubeadm-calico-public-sg-without-nodeport.json");
const SG = "sg-0b5e1c7d9a3f20011";
const IGW = "igw-0b5e1c7d9a3f20001";
const WEB_POD = "pod:shop/web-5d8f7c9b4d-7xkq2";

async function trace(...args: string[]): Promise<TraceJson> {
  const r = await cli(["trace", "--snapshot", SNAPSHOT, ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as TraceJson;
}

const never = (t: TraceJson): void =>
  assert.ok(
    !t.hops.some((h) => h.component === "internet" && h.action === "deliver"),
    "never 'delivered on the internet'",
  );

test("describe-instances only: the ENIs come from the instances, so the VPC layer is there (no 'no VPC' assumption)", async () => {
  const t = await trace("--from", WEB_POD, "--to", "internet");
  assert.ok(t.hops.some((h) => h.component === "security-group"));
  assert.ok(!t.assumptions.some((a) => /no VPC|not in the snapshot/.test(a)), t.assumptions.join("\n"));
});

test("pod → internet (Calico natOutgoing, then the internet gateway's 1:1 NAT, AWS VPC docs 'Internet gateways'): the internet sees the node's public IP", async () => {
  const t = await trace("--from", WEB_POD, "--to", "internet");
  assert.equal(t.verdict, "delivered");
  const snats = t.hops.filter((h) => h.action === "snat").map((h) => [h.component, h.packet.src]);
  assert.deepEqual(snats, [
    ["calico-natoutgoing", "10.20.1.11"],
    ["internet-gateway", "203.0.113.111"],
  ]);
  assert.equal(t.finalSourceIp, "203.0.113.111");
  assert.equal(t.return.verdict, "delivered");
});

test("internet → node:NAME means the node's public address (its instance's PublicIpAddress), the IGW maps it 1:1, and the node SG's NodePort rule admits it", async () => {
  const t = await trace("--from", "internet", "--to", "node:ip-10-20-2-12", "--port", "30080");
  assert.equal(t.to.ip, "203.0.113.112");
  assert.match(t.to.how, /public IP of instance i-0b5e1c7d9a3f20012/);
  assert.equal(t.verdict, "delivered");
  const igw = t.hops.find((h) => h.component === "internet-gateway")!;
  assert.equal(igw.action, "dnat");
  assert.equal(igw.packet.dst, "10.20.2.12");
  const sg = t.hops.find((h) => h.component === "security-group" && h.id === SG)!;
  assert.equal(sg.action, "allow");
  assert.match(sg.note, /inbound tcp 30080 from 0\.0\.0\.0\/0 \(NodePort shop\/web\)/);
  assert.match(sg.source ?? "", /ec2-describe-security-groups\.json:\d+/);
  assert.deepEqual(
    t.hops.filter((h) => h.component === "kube-proxy").map((h) => h.action),
    ["dnat", "snat"],
  );
  assert.equal(t.hops.at(-1)!.action, "deliver");
  assert.match(t.hops.at(-1)!.hop, /^pod shop\/web-/);
});

test("internet → ip: of a node's public IP works as node:NAME", async () => {
  const t = await trace("--from", "internet", "--to", "ip:203.0.113.111", "--port", "30080");
  assert.equal(t.verdict, "delivered");
  assert.match(t.to.how, /public address of .*node ip-10-20-1-11/);
});

test("internet → NodePort blocked by the node security group (SECURITY_GROUP_INGRESS): a what-if SG without the NodePort rule", async () => {
  const t = await trace(
    "--from",
    "internet",
    "--to",
    "node:ip-10-20-2-12",
    "--port",
    "30080",
    "--with",
    SG_WITHOUT_NODEPORT,
  );
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.equal(t.drop?.at, `security-group:${SG}`);
});

test("internet → a second NodePort the security group does not open (30443) is dropped (SECURITY_GROUP_INGRESS)", async () => {
  const t = await trace("--from", "internet", "--to", "node:ip-10-20-1-11", "--port", "30443");
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.match(t.drop?.message ?? "", /tcp 30443 from 198\.51\.100\.20/);
});

test("internet → a pod IP of the Calico pool is TARGET_NOT_ROUTABLE naming the pool (pod:, and ip: of it)", async () => {
  for (const to of [WEB_POD, "ip:192.168.171.70"]) {
    const t = await trace("--from", "internet", "--to", to, "--port", "8080");
    assert.equal(t.verdict, "dropped", to);
    assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
    assert.equal(t.drop?.at, "internet:default-ipv4-ippool");
    assert.match(t.drop?.message ?? "", /192\.168\.0\.0\/16/);
    assert.match(t.drop?.source ?? "", /calico\.yaml:\d+/);
    never(t);
  }
});

test("internet → a ClusterIP is TARGET_NOT_ROUTABLE naming the service CIDR", async () => {
  const t = await trace("--from", "internet", "--to", "service:shop/web");
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
  assert.match(t.drop?.message ?? "", /ClusterIP of service shop\/web.*service CIDR/);
  never(t);
});

test("internet → RFC 1918 addresses nothing maps a public IP to are dropped (NO_ROUTE: the internet does not route them), never delivered", async () => {
  for (const ip of ["10.99.99.99", "172.16.5.5"]) {
    const t = await trace("--from", "internet", "--to", `ip:${ip}`, "--port", "80");
    assert.equal(t.verdict, "dropped", ip);
    assert.equal(t.drop?.code, "NO_ROUTE");
    assert.match(t.drop?.message ?? "", /RFC 1918/);
    assert.equal(t.finalSourceIp, null);
    never(t);
  }
});

test("internet → a node's private address: not routed on the internet, the answer names its public address", async () => {
  const t = await trace("--from", "internet", "--to", "ip:10.20.1.11", "--port", "30080");
  assert.equal(t.verdict, "dropped");
  assert.match(t.drop?.message ?? "", /ip:203\.0\.113\.111/);
});

test("pod → 172.16.5.5 outside the VPC: the public subnet's 0.0.0.0/0 → igw sends it to the internet gateway, which drops a private destination (PRIVATE_DESTINATION)", async () => {
  const t = await trace("--from", WEB_POD, "--to", "ip:172.16.5.5", "--port", "80");
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "PRIVATE_DESTINATION");
  assert.equal(t.drop?.at, `internet-gateway:${IGW}`);
  // the route table that sent it there is on the path
  assert.ok(t.hops.some((h) => h.component === "route-table" && /0\.0\.0\.0\/0 → igw-/.test(h.note)));
  never(t);
});

test("NACL steps are under the subnet whose ACL decided (item 7): leaving subnet a, entering subnet b", async () => {
  const t = await trace("--from", "internet", "--to", "node:ip-10-20-2-12", "--port", "30080");
  const nacls = t.hops.filter((h) => h.component === "nacl").map((h) => [h.hop, h.note.split(":")[0]]);
  assert.deepEqual(nacls, [
    ["subnet subnet-0b5e1c7d9a3f20102", "entering subnet-0b5e1c7d9a3f20102"],
    ["subnet subnet-0b5e1c7d9a3f20102", "leaving subnet-0b5e1c7d9a3f20102"],
    ["subnet subnet-0b5e1c7d9a3f20101", "entering subnet-0b5e1c7d9a3f20101"],
  ]);
});

test("describe-instances only: an address in the VPC that no instance holds (an RDS, a load balancer…) is unknown, naming describe-network-interfaces, not a confident NO_ROUTE", async () => {
  const t = await trace("--from", WEB_POD, "--to", "ip:10.20.2.200", "--port", "5432");
  assert.equal(t.verdict, "unknown");
  assert.equal(t.drop, null);
  assert.equal(t.unknown?.capture, "aws ec2 describe-network-interfaces");
  assert.equal(t.hops.at(-1)?.action, "unknown");
  const strict = await cli([
    "trace",
    "--snapshot",
    SNAPSHOT,
    "--from",
    WEB_POD,
    "--to",
    "ip:10.20.2.200",
    "--port",
    "5432",
    "--fail-on-drop",
    "-o",
    "json",
  ]);
  assert.equal(strict.code, 1, "--fail-on-drop also fails on unknown");
});

test("ip: of a node's public IP as the source is that node sending from its private address (the IGW maps it on the way out): inside the VPC, node:NAME is then the InternalIP", async () => {
  const out = await trace("--from", "ip:203.0.113.111", "--to", "internet");
  assert.equal(out.verdict, "delivered");
  assert.equal(out.hops[0]!.hop, "eni eni-0b5e1c7d9a3f20011 (10.20.1.11)");
  assert.equal(out.finalSourceIp, "203.0.113.111");
  const between = await trace("--from", "ip:203.0.113.111", "--to", "node:ip-10-20-2-12", "--port", "10250");
  assert.equal(between.to.ip, "10.20.2.12");
  assert.equal(between.verdict, "delivered");
  assert.match(
    between.hops.find((h) => h.component === "security-group" && h.action === "allow" && /inbound/.test(h.note))
      ?.note ?? "",
    /from sg-0b5e1c7d9a3f20011/,
  );
});
