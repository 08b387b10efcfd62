/**
 * `podpath trace` and `podpath egress` on the embedded example: the seed's second question
 * ("can a worker pod answer the outside world, and how?") answered hop by hop, with golden files
 * (UPDATE_GOLDEN=1 rewrites them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { corpusPath, corpusTest } from "../support/corpus.js";
import { cli, golden, REPO } from "../support/helpers.js";
import type { TraceJson } from "../../src/questions/trace.js";

const WHAT_IF = join(REPO, "test/fixtures/what-if");

async function trace(args: string[], name?: string): Promise<TraceJson> {
  const r = await cli(["trace", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  if (name) assert.equal(r.stdout, golden(name, r.stdout), `golden ${name}`);
  return JSON.parse(r.stdout) as TraceJson;
}

const actions = (t: TraceJson, component: string): string[] =>
  t.hops.filter((h) => h.component === component).map((h) => h.action);

for (const [path, nodePort, pod] of [
  ["/argocd", 30080, "argocd-server"],
  ["/grafana", 31300, "prometheus-grafana"],
] as const) {
  test(`seed scenario: user → ALB → ${path} → NodePort ${nodePort} → pod, and back (AWS LBC rule by priority, kube-proxy NodePort DNAT + masquerade for externalTrafficPolicy Cluster)`, async () => {
    const t = await trace(
      ["--from", "internet", "--to", `url:https://growbin.app${path}`],
      `trace-internet-to-${path.slice(1)}.json`,
    );
    assert.equal(t.verdict, "delivered");
    assert.equal(t.return.verdict, "delivered");
    // the internet gateway maps the ALB's public address to its ENI, the ALB opens a new connection from its own address
    assert.deepEqual(actions(t, "internet-gateway"), ["dnat"]);
    const tg = t.hops.find((h) => h.component === "target-group")!;
    assert.equal(tg.packet.src, "10.0.2.57");
    assert.equal(tg.packet.dstPort, nodePort);
    // the NodePort is DNATed to the pod and masqueraded to the node (externalTrafficPolicy: Cluster)
    assert.deepEqual(actions(t, "kube-proxy"), ["dnat", "snat"]);
    const delivered = t.hops.at(-1)!;
    assert.equal(delivered.action, "deliver");
    assert.match(delivered.hop, new RegExp(`pod (argocd|monitoring)/${pod}-`));
    assert.equal(t.finalSourceIp, delivered.packet.src);
    assert.match(
      t.finalSourceIp ?? "",
      /^10\.0\.1\.1[12]$/,
      "the pod sees a node address, not the ALB's, nor the client's",
    );
    // the reply leaves the VPC from the ALB's public address, to the client
    const last = t.return.hops.at(-1)!;
    assert.equal(last.packet.src, "203.0.113.45");
    assert.equal(last.packet.dst, "198.51.100.20");
  });
}

test("seed scenario: a worker pod → the internet leaves through Calico natOutgoing, the NAT gateway and the internet gateway (final source: the NAT gateway's Elastic IP)", async () => {
  const t = await trace(
    ["--from", "workload:ecoeco/ecoeco-api", "--to", "internet"],
    "trace-worker-pod-to-internet.json",
  );
  assert.equal(t.verdict, "delivered");
  assert.equal(t.finalSourceIp, "203.0.113.10");
  const snats = t.hops.filter((h) => h.action === "snat").map((h) => [h.component, h.packet.src]);
  assert.deepEqual(snats, [
    ["calico-natoutgoing", "10.0.1.12"],
    ["nat-gateway", "10.0.2.100"],
    ["internet-gateway", "203.0.113.10"],
  ]);
  // replies are undone by conntrack in reverse order, never NATed again
  const undone = t.return.hops.filter((h) => h.action === "dnat").map((h) => [h.component, h.packet.dst]);
  assert.deepEqual(undone, [
    ["internet-gateway", "10.0.2.100"],
    ["nat-gateway", "10.0.1.12"],
    ["calico-natoutgoing", "192.168.140.72"],
  ]);
  assert.equal(t.return.verdict, "delivered");
  // the network ACLs are evaluated again on the reply, on the client's ephemeral port
  assert.ok(
    t.return.hops.some((h) => h.component === "nacl" && h.packet.dstPort === 49152 && /stateless/.test(h.note)),
  );
});

test("seed scenario: a pod → the RabbitMQ ClusterIP is DNATed by kube-proxy and not SNATed (the source is in the cluster CIDR)", async () => {
  const t = await trace(
    ["--from", "workload:ecoeco/ecoeco-api", "--to", "service:messaging/rabbitmq"],
    "trace-pod-to-rabbitmq.json",
  );
  assert.equal(t.verdict, "delivered");
  assert.equal(t.finalSourceIp, "192.168.140.72");
  assert.deepEqual(actions(t, "kube-proxy"), ["dnat"]);
  assert.equal(t.hops.filter((h) => h.action === "snat").length, 0);
  assert.equal(t.hops.at(-1)!.packet.dst, "192.168.140.71");
  // the reply's source is the ClusterIP again (conntrack un-DNAT)
  assert.equal(t.return.hops.at(-1)!.packet.src, "10.96.120.15");
});

test("a pod → a pod on another node crosses Calico VXLAN: encapsulated with the node IPs, the security groups see UDP 4789", async () => {
  const t = await trace([
    "--from",
    "workload:ecoeco/ecoeco-api",
    "--to",
    "pod:argocd/argocd-application-controller-0",
    "--port",
    "8082",
  ]);
  assert.equal(t.verdict, "delivered");
  const encap = t.hops.find((h) => h.action === "encapsulate")!;
  assert.deepEqual([encap.packet.outer?.src, encap.packet.outer?.dst], ["10.0.1.12", "10.0.1.11"]);
  assert.ok(t.hops.some((h) => h.action === "decapsulate"));
  assert.ok(t.hops.some((h) => h.component === "security-group" && /udp 4789|all traffic/.test(h.note)));
  assert.equal(t.finalSourceIp, "192.168.140.72");
  assert.equal(t.return.verdict, "delivered");
});

test("Calico pod IPs are not routable from the VPC: a node → a pod address without the overlay is TARGET_NOT_ROUTABLE … unless the node itself routes it (here: the node's Calico routes VXLAN)", async () => {
  // from an address in the VPC that is not a node: the VPC's route table has no route for 192.168.0.0/16
  const t = await trace(["--from", "ip:10.0.2.57", "--to", "ip:192.168.230.3", "--port", "8080"]);
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
});

test("drops carry their code, where, and the deciding object's file:line; --fail-on-drop exits 1", async () => {
  const r = await cli([
    "trace",
    "--from",
    "workload:argocd/argocd-application-controller",
    "--to",
    "pod:argocd/argocd-dex-server-krws5mdsn-x94ng",
    "--port",
    "5556",
    "-o",
    "json",
    "--fail-on-drop",
  ]);
  assert.equal(r.code, 1, r.stderr);
  const t = JSON.parse(r.stdout) as TraceJson;
  assert.equal(t.drop?.code, "NETWORK_POLICY_INGRESS");
  assert.equal(t.drop?.at, "network-policy:argocd/argocd-dex-server-network-policy");
  assert.match(t.drop?.source ?? "", /^examples\/ecoeco\/k8s\/networkpolicies\.yaml:\d+$/);
  // without --fail-on-drop the answer is exit 0
  assert.equal(
    (
      await cli([
        "trace",
        "--from",
        "workload:argocd/argocd-application-controller",
        "--to",
        "pod:argocd/argocd-dex-server-krws5mdsn-x94ng",
        "--port",
        "5556",
        "-o",
        "json",
      ])
    ).code,
    0,
  );
});

test("trace -o md: a hop table and a Mermaid sequence diagram with the packet rewritten at each NAT (golden)", async () => {
  const r = await cli(["trace", "--from", "workload:ecoeco/ecoeco-api", "--to", "internet", "-o", "md"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, golden("trace-worker-pod-to-internet.md", r.stdout), "golden trace-worker-pod-to-internet.md");
  assert.match(r.stdout, /```mermaid\nsequenceDiagram/);
  assert.match(r.stdout, /Note over P\d+: calico-natoutgoing: SNAT 192\.168\.140\.72 → 10\.0\.1\.12/);
  assert.match(r.stdout, /Note over P\d+: internet-gateway: SNAT 10\.0\.2\.100 → 203\.0\.113\.10/);
});

test("trace text output names every hop and the verdict (golden)", async () => {
  const r = await cli(["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd", "-o", "text"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, golden("trace-internet-to-argocd.txt", r.stdout), "golden trace-internet-to-argocd.txt");
  assert.match(r.stdout, /^verdict: delivered; the destination sees source 10\.0\.1\.11; the reply comes back$/m);
});

test("egress: the seed's table computed per node group and destination class, text and report-ready Markdown (golden)", async () => {
  const text = await cli(["egress", "-o", "text"]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, golden("egress.txt", text.stdout), "golden egress.txt");
  const md = await cli(["egress", "-o", "md"]);
  assert.equal(md.code, 0, md.stderr);
  assert.equal(md.stdout, golden("egress.md", md.stdout), "golden egress.md");
  assert.match(md.stdout, /```mermaid/);
  const json = await cli(["egress", "-o", "json"]);
  const report = JSON.parse(json.stdout) as {
    rows: { group: string; destinationClass: string; finalSourceIp: string | null; snat: { component: string }[] }[];
  };
  for (const group of ["control-plane", "worker"]) {
    const row = (cls: string) => report.rows.find((r) => r.group === group && r.destinationClass === cls)!;
    assert.equal(row("internet").finalSourceIp, "203.0.113.10", group);
    assert.deepEqual(
      row("internet").snat.map((s) => s.component),
      ["calico-natoutgoing", "nat-gateway", "internet-gateway"],
      group,
    );
    // the seed says VPC destinations are not NATed by Calico: natOutgoing masquerades everything outside the pools
    assert.deepEqual(
      row("vpc").snat.map((s) => s.component),
      ["calico-natoutgoing"],
      group,
    );
    assert.deepEqual(row("cluster-ip").snat, [], group);
    assert.deepEqual(row("other-node-pod").snat, [], group);
  }
});

test("what-if (--with): the seed's allow-egress-to-vpc blocks the internet and, through its `name: kube-system` selector, DNS too; the VPC stays reachable", async () => {
  const policy = join(WHAT_IF, "seed-allow-egress-to-vpc.yaml");
  const app = join(WHAT_IF, "default-worker-app.yaml");
  const run = async (to: string[], files = [policy, app]): Promise<TraceJson> => {
    const r = await cli([
      "trace",
      "--from",
      "workload:default/worker-app",
      ...to,
      "-o",
      "json",
      ...files.flatMap((f) => ["--with", f]),
    ]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as TraceJson;
  };
  const internet = await run(["--to", "internet"]);
  assert.equal(internet.verdict, "dropped");
  assert.equal(internet.drop?.code, "NETWORK_POLICY_EGRESS");
  assert.equal(internet.drop?.at, "network-policy:default/allow-egress-to-vpc");
  assert.match(internet.drop?.source ?? "", /seed-allow-egress-to-vpc\.yaml:\d+$/);
  // DNS: kube-system carries kubernetes.io/metadata.name, not `name`, so the DNS rule selects nothing;
  // the ClusterIP is DNATed to a CoreDNS pod address outside 10.0.0.0/16 before the policy sees it
  const dns = await run(["--to", "service:kube-system/kube-dns", "--protocol", "UDP", "--port", "53"]);
  assert.equal(dns.verdict, "dropped");
  assert.equal(dns.drop?.code, "NETWORK_POLICY_EGRESS");
  // VPC addresses match the ipBlock
  const vpc = await run(["--to", "node:k8s-worker-1", "--port", "10250"]);
  assert.equal(vpc.verdict, "delivered");
  assert.ok(
    vpc.hops.some(
      (h) => h.component === "network-policy" && h.action === "allow" && h.id === "default/allow-egress-to-vpc",
    ),
  );
  // without the policy, the internet is reachable from the same (predicted) pod
  const open = await run(["--to", "internet"], [app]);
  assert.equal(open.verdict, "delivered");
  assert.equal(open.finalSourceIp, "203.0.113.10");
});

test("trace usage errors are exit 2 with a message, never a stack trace", async () => {
  for (const args of [
    ["--from", "pod:nope/nope", "--to", "internet"],
    ["--from", "bogus", "--to", "internet"],
    ["--from", "url:https://x/y", "--to", "internet"],
    ["--from", "service:messaging/rabbitmq", "--to", "internet"],
    ["--from", "internet", "--to", "node:k8s-master"],
    ["--from", "internet", "--to", "internet", "--port", "70000"],
  ]) {
    const r = await cli(["trace", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, args.join(" "));
    assert.match(r.stderr, /podpath|error/);
  }
});

test("what-if (--with): an Ingress joining group ecoeco with a ClusterIP backend behind target-type instance makes the AWS Load Balancer Controller refuse the whole group (INGRESS_NOT_RECONCILED, the controller's message)", async () => {
  for (const path of ["/repo", "/argocd"]) {
    const r = await cli([
      "trace",
      "--from",
      "internet",
      "--to",
      `url:https://growbin.app${path}`,
      "-o",
      "json",
      "--with",
      join(WHAT_IF, "ingress-clusterip-backend.yaml"),
      "--fail-on-drop",
    ]);
    assert.equal(r.code, 1, r.stderr);
    const t = JSON.parse(r.stdout) as TraceJson;
    assert.equal(t.drop?.code, "INGRESS_NOT_RECONCILED", path);
    assert.match(
      t.drop?.message ?? "",
      /TargetGroup port is empty\. When using Instance targets, your service be must of type 'NodePort' or 'LoadBalancer'/,
      path,
    );
  }
});

corpusTest("egress on a snapshot without nodes says so instead of printing empty tables", async () => {
  const r = await cli([
    "egress",
    "-s",
    corpusPath("argocd-v3.1.9/install.yaml"),
    "--manifest-namespace",
    "argocd",
    "-o",
    "text",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /The snapshot has no nodes: there is no pod to send from/);
});

test("what-if (--with) headless Service: trace --to service: resolves it as DNS does (kubernetes/dns specification 2.4.1), the first ready pod by name, the others listed", async () => {
  const r = await cli([
    "trace",
    "--from",
    "pod:messaging/rabbitmq-0",
    "--to",
    "service:ecoeco/ecoeco-api-headless",
    "-o",
    "json",
    "--with",
    join(WHAT_IF, "headless-ecoeco-api.yaml"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout) as TraceJson & { to: { ip: string; how: string } };
  assert.equal(t.verdict, "delivered");
  assert.equal(t.to.ip, "192.168.140.72");
  assert.match(t.to.how, /the others: ecoeco-api-d5ktffphdb-rv2cp 192\.168\.230\.9/);
  assert.ok(
    t.assumptions.some((a) =>
      /is headless: the client is assumed to connect to the first by name of its 2 A records/.test(a),
    ),
    t.assumptions.join("\n"),
  );
  assert.deepEqual(actions(t, "kube-proxy"), []);
  assert.equal(t.hops.at(-1)?.hop, "pod ecoeco/ecoeco-api-d5ktffphdb-dn4kv");
});

test("what-if (--with) ExternalName Service: trace --to service: is a usage error (exit 2) saying the CNAME and what to trace instead (kubernetes/dns specification 2.5)", async () => {
  const r = await cli([
    "trace",
    "--from",
    "pod:messaging/rabbitmq-0",
    "--to",
    "service:ecoeco/payments-db",
    "--with",
    join(WHAT_IF, "externalname-payments-db.yaml"),
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /DNS CNAME to payments\.cluster-abc123\.ap-northeast-2\.rds\.amazonaws\.com/);
  assert.match(r.stderr, /trace `url:` or `ip:` of it/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("what-if (--with) manifest Service without spec.clusterIP: traced at an assumed ClusterIP (said in assumptions) that kube-proxy DNATs to a selected pod", async () => {
  const r = await cli([
    "trace",
    "--from",
    "pod:messaging/rabbitmq-0",
    "--to",
    "service:ecoeco/ecoeco-api-internal",
    "-o",
    "json",
    "--with",
    join(WHAT_IF, "manifest-service-no-clusterip.yaml"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout) as TraceJson & { to: { ip: string } };
  assert.equal(t.verdict, "delivered");
  assert.equal(t.to.ip, "10.96.0.2");
  assert.ok(
    t.assumptions.some((a) => /has no spec\.clusterIP .*assumed at 10\.96\.0\.2/.test(a)),
    t.assumptions.join("\n"),
  );
  const dnat = t.hops.find((h) => h.component === "kube-proxy" && h.action === "dnat");
  assert.equal(dnat?.packet.dst, "192.168.140.72");
  assert.match(dnat?.source ?? "", /manifest-service-no-clusterip\.yaml:\d+$/);
});

test("what-if (--with) egress: the source pod's own Service (sorted first) is not the ClusterIP row's destination (a hairpin kube-proxy would masquerade); another service is", async () => {
  const r = await cli([
    "egress",
    "-o",
    "json",
    "--with",
    join(WHAT_IF, "argocd-application-controller-own-service.yaml"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    rows: { group: string; destinationClass: string; from: string; to: string; hairpin: boolean; snat: unknown[] }[];
  };
  const row = (group: string) => report.rows.find((x) => x.group === group && x.destinationClass === "cluster-ip")!;
  // the workers send from argocd-application-controller-0, which the new service selects
  assert.match(row("worker").from, /argocd-application-controller-0/);
  assert.match(row("worker").to, /^service argocd\/argocd-applicationset-controller /);
  assert.equal(row("worker").hairpin, false);
  assert.deepEqual(row("worker").snat, []);
  // the control plane's pod is no endpoint of it: there it is an ordinary service, and the first by name
  assert.match(row("control-plane").to, /^service argocd\/argocd-application-controller-metrics /);
});
