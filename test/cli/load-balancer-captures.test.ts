/**
 * Load balancers on captures shaped as the AWS CLI and kubectl print them
 * (test/fixtures/captures/eks-vpc-cni-nlb, test/fixtures/captures/aws-lbc-2048): an NLB is
 * pass-through (AWS ELB docs, "Edit target group attributes for your Network Load Balancer": client
 * IP preservation on for instance targets), externalTrafficPolicy Local keeps the client address
 * and fails the health check of nodes without a local endpoint (kubernetes/kubernetes
 * pkg/proxy/healthcheck), a host-less Ingress rule matches every host (aws-load-balancer-controller
 * pkg/ingress/model_build_listener_rules.go: no host, no host-header condition), an unknown url:
 * host is a usage error, a target group missing from the snapshot is `unknown`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { cli, EXAMPLE, golden, REPO, tempDir } from "../support/helpers.js";
import type { TraceJson as Trace } from "../../src/questions/trace.js";

const NLB = join(REPO, "test/fixtures/captures/eks-vpc-cni-nlb");
const G2048 = join(REPO, "test/fixtures/captures/aws-lbc-2048");
const DNS = "k8s-web-webnlb-3e9a7c21f0-5c1f0e8d2b7a4963.elb.us-east-1.amazonaws.com";
const CLIENT = "198.51.100.20";

async function trace(args: string[]): Promise<{ t: Trace; raw: string }> {
  const r = await cli(["trace", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return { t: JSON.parse(r.stdout) as Trace, raw: r.stdout };
}

const actions = (t: Trace, component: string): string[] =>
  t.hops.filter((h) => h.component === component).map((h) => h.action);

function assertNlbToPod(t: Trace): void {
  assert.equal(t.verdict, "delivered", JSON.stringify(t.drop ?? t.unknown));
  const tg = t.hops.find((h) => h.component === "target-group")!;
  // instance target: the NodePort of the node with the local endpoint, client address kept
  assert.deepEqual([tg.packet.src, tg.packet.dst, tg.packet.dstPort], [CLIENT, "10.20.10.21", 31080]);
  assert.match(tg.note, /ip-10-20-11-34\.ec2\.internal 10\.20\.11\.34:31080 is not used/);
  // kube-proxy DNATs to the pod and does not masquerade (externalTrafficPolicy Local)
  assert.deepEqual(actions(t, "kube-proxy"), ["dnat"]);
  assert.match(t.hops.at(-1)!.hop, /^pod web\/web-6d9f7c8b5d-x7k2p$/);
  assert.equal(t.finalSourceIp, CLIENT, "the pod sees the client's address");
  assert.equal(t.return.verdict, "delivered");
}

test("EKS VPC CNI + NLB (elbv2 JSON): internet → url: of the NLB's DNS name → NodePort on the node with a local endpoint → pod, which sees the client IP; the node's security group admits the client", async () => {
  const { t } = await trace(["--snapshot", NLB, "--from", "internet", "--to", `url:http://${DNS}/`]);
  assertNlbToPod(t);
  assert.equal(t.to.ip, "52.6.118.41");
  // the NLB has no security group; the node's group sees (and admits) the client address
  const nodeSg = t.hops.find((h) => h.component === "security-group" && h.hop.includes("10.20.10.21"))!;
  assert.equal(nodeSg.action, "allow");
  assert.equal(nodeSg.packet.src, CLIENT);
  assert.match(nodeSg.note, /tcp 31080 from 0\.0\.0\.0\/0/);
  // the reply leaves through the NLB (not the private subnet's NAT gateway) from its public address
  assert.ok(!t.return.hops.some((h) => h.component === "nat-gateway"));
  assert.equal(t.return.hops.at(-1)!.packet.src, "52.6.118.41");
});

test("EKS VPC CNI + NLB: ip: of the NLB's public address (port from its listener) and service:NS/NAME from the internet both go through the NLB", async () => {
  const byIp = await trace(["--snapshot", NLB, "--from", "internet", "--to", "ip:52.6.118.41"]);
  assertNlbToPod(byIp.t);
  assert.ok(
    byIp.t.assumptions.some((a) => /port 80: the first listener of load balancer k8s-web-webnlb-3e9a7c21f0/.test(a)),
  );
  const bySvc = await trace(["--snapshot", NLB, "--from", "internet", "--to", "service:web/web-nlb"]);
  assertNlbToPod(bySvc.t);
  assert.match(bySvc.t.to.how, /reached through load balancer k8s-web-webnlb-3e9a7c21f0/);
});

test("EKS VPC CNI + NLB, externalTrafficPolicy Cluster (what-if): kube-proxy masquerades, the pod sees a node address", async () => {
  const { t } = await trace([
    "--snapshot",
    NLB,
    "--with",
    join(NLB, "etp-cluster.yaml"),
    "--from",
    "internet",
    "--to",
    "service:web/web-nlb",
  ]);
  assert.equal(t.verdict, "delivered");
  assert.deepEqual(actions(t, "kube-proxy"), ["dnat", "snat"]);
  assert.equal(t.finalSourceIp, "10.20.10.21");
});

test("EKS VPC CNI + NLB without elbv2 JSON: the NLB is derived from the Service's LBC annotations, its address is the status hostname (an assumption, never 0.0.0.0), and the node without a local endpoint is not used", async () => {
  const { t, raw } = await trace([
    "--snapshot",
    join(NLB, "no-elbv2"),
    "--from",
    "internet",
    "--to",
    "service:web/web-nlb",
  ]);
  assertNlbToPod(t);
  assert.equal(t.to.ip, DNS);
  assert.ok(!raw.includes("0.0.0.0"));
  assert.ok(
    t.assumptions.some((a) => a.includes("derived from the Service") && a.includes(DNS)),
    t.assumptions.join("\n"),
  );
  assert.match(t.hops.find((h) => h.component === "target-group")!.note, /healthCheckNodePort 32456 answers 503/);
});

test("a derived internal NLB (the LBC's default scheme) is not reachable from the internet", async () => {
  const svc = readFileSync(join(NLB, "etp-cluster.yaml"), "utf8")
    .replace("    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing\n", "")
    .replace(/status:[\s\S]*$/, "");
  const dir = tempDir({ "svc.yaml": svc });
  const r = await cli([
    "trace",
    "--snapshot",
    join(NLB, "no-elbv2"),
    "--with",
    join(dir, "svc.yaml"),
    "--from",
    "internet",
    "--to",
    "service:web/web-nlb",
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout) as Trace;
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
  assert.match(t.drop.message, /is internal/);
  assert.match(t.to.ip ?? "", /unknown/);
});

test("the AWS LBC 2048 example (host-less Ingress rule, no status): any host reaches the derived ALB, whose address is symbolic and stated as an assumption", async () => {
  const { t, raw } = await trace(["--snapshot", G2048, "--from", "internet", "--to", "url:http://game.example.com/"]);
  assert.equal(t.verdict, "delivered", JSON.stringify(t.drop));
  assert.match(t.to.ip ?? "", /^\(public address of ALB k8s-game2048-ingress2-.*, unknown\)$/);
  assert.ok(!raw.includes("0.0.0.0"));
  assert.ok(t.assumptions.some((a) => /no Ingress status names it/.test(a)));
  assert.match(t.hops.at(-1)!.hop, /^pod game-2048\/deployment-2048-/);
});

test("the AWS LBC 2048 example with its Ingress status: url: of the status hostname; the load balancer exists (not 'not yet created')", async () => {
  const host = "k8s-game2048-ingress2-7a3c1e5b9d-1946537280.us-east-1.elb.amazonaws.com";
  const { t } = await trace([
    "--snapshot",
    G2048,
    "--with",
    join(G2048, "ingress-status.yaml"),
    "--from",
    "internet",
    "--to",
    `url:http://${host}/`,
  ]);
  assert.equal(t.verdict, "delivered");
  assert.equal(t.to.ip, host);
  assert.ok(t.assumptions.some((a) => a.includes("so it exists")));
  assert.ok(!t.assumptions.some((a) => /not yet created/.test(a)));
});

test("url: whose host no load balancer, Ingress or Service names: a usage error (exit 2) naming the known hosts", async () => {
  const r = await cli(["trace", "--snapshot", NLB, "--from", "internet", "--to", "url:http://nope.example.org/"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /url: host nope\.example\.org matches no load balancer, Ingress or Service/);
  assert.ok(r.stderr.includes(DNS));
  assert.ok(!r.stderr.includes("    at "), "no stack trace");
});

test("target health whose target group is missing from the snapshot: the verdict is unknown (not 'the ALB answers 503'), naming what to capture", async () => {
  // the example without the argocd target group in describe-target-groups (its target health stays)
  const index = readFileSync(join(EXAMPLE, "podpath.yaml"), "utf8").replace(
    /path: (\S+)/g,
    (_m, p: string) => `path: ${p.includes("describe-target-groups") ? "tg.json" : join(EXAMPLE, p)}`,
  );
  const tgs = JSON.parse(readFileSync(join(EXAMPLE, "aws/elbv2-describe-target-groups.json"), "utf8")) as {
    TargetGroups: { TargetGroupName: string }[];
  };
  tgs.TargetGroups = tgs.TargetGroups.filter((g) => !g.TargetGroupName.includes("argocd"));
  const dir = tempDir({ "podpath.yaml": index, "tg.json": JSON.stringify(tgs, null, 4) });
  const { t } = await trace(["--snapshot", dir, "--from", "internet", "--to", "url:https://growbin.app/argocd"]);
  assert.equal(t.verdict, "unknown");
  assert.equal(t.drop, null);
  assert.match(
    t.unknown!.message,
    /target group k8s-argocd-argocdse-5e1c7a9b42 is not in the snapshot; the snapshot has its target health/,
  );
  assert.match(t.unknown!.capture, /aws elbv2 describe-target-groups/);
  assert.ok(!JSON.stringify(t).includes("answers 503"));
  const failing = await cli([
    "trace",
    "--snapshot",
    dir,
    "--from",
    "internet",
    "--to",
    "url:https://growbin.app/argocd",
    "--fail-on-drop",
  ]);
  assert.equal(failing.code, 1);
});

/** The NLB capture with its AWS JSON edited (security groups), as a snapshot directory. */
function nlbVariant(edit: (aws: Record<string, { [k: string]: unknown }>) => void): string {
  const files = [
    "ec2-describe-security-groups.json",
    "ec2-describe-network-interfaces.json",
    "elbv2-describe-load-balancers.json",
    "elbv2-target-group-attributes/k8s-web-webnlb-8f41d2c9aa.json",
  ];
  const aws: Record<string, { [k: string]: unknown }> = {};
  for (const f of files) aws[f] = JSON.parse(readFileSync(join(NLB, "aws", f), "utf8")) as { [k: string]: unknown };
  edit(aws);
  const flat = (f: string): string => f.replace(/^.*\//, "");
  const index = readFileSync(join(NLB, "podpath.yaml"), "utf8").replace(
    /path: (\S+)/g,
    (_m, p: string) => `path: ${files.some((f) => p.endsWith(f)) ? flat(p) : join(NLB, p)}`,
  );
  return tempDir({
    "podpath.yaml": index,
    ...Object.fromEntries(Object.entries(aws).map(([f, v]) => [flat(f), JSON.stringify(v, null, 4)])),
  });
}

test("describe-target-group-attributes with preserve_client_ip.enabled=false: the NLB connects from its own private address, which the pod sees (externalTrafficPolicy Local does not masquerade)", async () => {
  const dir = nlbVariant((aws) => {
    const attrs = aws["elbv2-target-group-attributes/k8s-web-webnlb-8f41d2c9aa.json"]!["Attributes"] as {
      Key: string;
      Value: string;
    }[];
    attrs.find((a) => a.Key === "preserve_client_ip.enabled")!.Value = "false";
  });
  const { t } = await trace(["--snapshot", dir, "--from", "internet", "--to", "service:web/web-nlb"]);
  assert.equal(t.verdict, "delivered");
  const tg = t.hops.find((h) => h.component === "target-group")!;
  assert.equal(tg.packet.src, "10.20.0.45");
  assert.match(tg.note, /preserve_client_ip\.enabled=false \(describe-target-group-attributes/);
  assert.equal(t.finalSourceIp, "10.20.0.45");
  assert.equal(t.return.verdict, "delivered");
});

interface SgJson {
  GroupId: string;
  IpPermissions: { FromPort?: number; IpRanges: unknown[]; UserIdGroupPairs: unknown[] }[];
}

test("the node's security group must admit the client: an NLB with client IP preservation and no rule for the client is dropped at the node (SECURITY_GROUP_INGRESS from the client's address)", async () => {
  const dir = nlbVariant((aws) => {
    const sgs = aws["ec2-describe-security-groups.json"]!["SecurityGroups"] as SgJson[];
    for (const g of sgs) g.IpPermissions = g.IpPermissions.filter((p) => p.FromPort !== 31080);
  });
  const { t } = await trace(["--snapshot", dir, "--from", "internet", "--to", "service:web/web-nlb"]);
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.match(t.drop.message, new RegExp(`from ${CLIENT.replace(/\./g, "\\.")}`));
});

test("an NLB with security groups: a node rule referencing the NLB's group admits its connections although the client address is preserved (AWS: 'Update the security groups for your Network Load Balancer')", async () => {
  const NLB_SG = "sg-0a1b2c3d4e5f65009";
  const dir = nlbVariant((aws) => {
    const sgs = aws["ec2-describe-security-groups.json"]!["SecurityGroups"] as SgJson[];
    for (const g of sgs) g.IpPermissions = g.IpPermissions.filter((p) => p.FromPort !== 31080);
    const node = sgs.find((g) => g.GroupId === "sg-0a1b2c3d4e5f65002")!;
    node.IpPermissions.push({
      IpProtocol: "tcp",
      FromPort: 31080,
      ToPort: 31080,
      UserIdGroupPairs: [{ UserId: "111122223333", GroupId: NLB_SG }],
      IpRanges: [],
      Ipv6Ranges: [],
      PrefixListIds: [],
    } as SgJson["IpPermissions"][number]);
    sgs.push({
      GroupId: NLB_SG,
      GroupName: "k8s-web-webnlb-3e9a7c21f0",
      Description: "[k8s] Managed SecurityGroup for LoadBalancer",
      OwnerId: "111122223333",
      VpcId: "vpc-0a1b2c3d4e5f60001",
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 80,
          ToPort: 80,
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
      IpPermissionsEgress: [
        {
          IpProtocol: "-1",
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
    } as unknown as SgJson);
    const lbs = aws["elbv2-describe-load-balancers.json"]!["LoadBalancers"] as { SecurityGroups?: string[] }[];
    lbs[0]!.SecurityGroups = [NLB_SG];
    const enis = aws["ec2-describe-network-interfaces.json"]!["NetworkInterfaces"] as {
      InterfaceType: string;
      Groups: unknown[];
    }[];
    for (const e of enis)
      if (e.InterfaceType === "network_load_balancer")
        e.Groups = [{ GroupName: "k8s-web-webnlb-3e9a7c21f0", GroupId: NLB_SG }];
  });
  const { t } = await trace(["--snapshot", dir, "--from", "internet", "--to", "service:web/web-nlb"]);
  assertNlbToPod(t);
  const nodeSg = t.hops.find((h) => h.component === "security-group" && h.hop.includes("10.20.10.21"))!;
  assert.match(nodeSg.note, /comes through the NLB/);
  // the NLB's own group filters the client first
  assert.ok(t.hops.some((h) => h.component === "security-group" && h.id === NLB_SG && h.action === "allow"));
});

test("in-tree cloud provider (cloud-provider-aws docs/service_controller.md): a Service of type LoadBalancer without annotation or class gets an internet-facing Classic ELB that proxies — the instance sees the ELB's address; with no status its address is symbolic", async () => {
  const svc = readFileSync(join(NLB, "etp-cluster.yaml"), "utf8")
    .replace(/  annotations:\n(?: {4}.*\n)+/, "")
    .replace("  loadBalancerClass: service.k8s.aws/nlb\n", "")
    .replace(/status:[\s\S]*$/, "");
  const dir = tempDir({ "svc.yaml": svc });
  const { t, raw } = await trace([
    "--snapshot",
    join(NLB, "no-elbv2"),
    "--with",
    join(dir, "svc.yaml"),
    "--from",
    "internet",
    "--to",
    "service:web/web-nlb",
  ]);
  assert.equal(t.verdict, "delivered");
  assert.equal(t.to.ip, "(public address of load balancer Classic ELB of service web/web-nlb, unknown)");
  assert.ok(!raw.includes("0.0.0.0"));
  const tg = t.hops.find((h) => h.component === "target-group")!;
  assert.match(tg.note, /Classic ELB's TCP listener proxies/);
  assert.notEqual(tg.packet.src, CLIENT);
});

test("cross-zone load balancing off (the NLB default): the NLB address in the zone without a healthy target has nowhere to send the connection (NO_ENDPOINTS), naming the address DNS returns instead", async () => {
  const r = await cli(["trace", "--snapshot", NLB, "--from", "internet", "--to", "ip:34.198.77.150", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout) as Trace;
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "NO_ENDPOINTS");
  assert.match(
    t.drop.message,
    /node in us-east-1b \(10\.20\.1\.203\) has no healthy target in its zone and cross-zone load balancing is off/,
  );
  assert.match(t.drop.message, /DNS answers only with the addresses of zones with healthy targets \(52\.6\.118\.41\)/);
});

test("golden: internet → service:web/web-nlb on the EKS capture, as text (hop by hop, forward and back)", async () => {
  const r = await cli(["trace", "--snapshot", NLB, "--from", "internet", "--to", "service:web/web-nlb", "-o", "text"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, golden("trace-eks-nlb-etp-local.txt", r.stdout));
});

test("a Service whose status was not captured is tied to its NLB by the name the LBC generates (k8s-NAMESPACE-NAME-HASH, buildLoadBalancerName), not derived a second time", async () => {
  const dir = tempDir({
    "svc.yaml": readFileSync(join(NLB, "etp-cluster.yaml"), "utf8").replace(/status:[\s\S]*$/, ""),
  });
  const { t } = await trace([
    "--snapshot",
    NLB,
    "--with",
    join(dir, "svc.yaml"),
    "--from",
    "internet",
    "--to",
    "service:web/web-nlb",
  ]);
  assert.equal(t.verdict, "delivered");
  assert.equal(t.to.ip, "52.6.118.41");
  assert.doesNotMatch(t.to.how, /derived/);
});

test("NLB loopback (AWS 'Troubleshoot your Network Load Balancer'): a pod on the target node reaching the NLB with its address preserved gets no reply through the NLB — the return is dropped, saying why", async () => {
  const { t } = await trace(["--snapshot", NLB, "--from", "pod:web/web-6d9f7c8b5d-x7k2p", "--to", "ip:10.20.0.45"]);
  assert.equal(t.verdict, "delivered");
  assert.equal(t.return.verdict, "dropped");
  assert.match(JSON.stringify(t.return), /answers it directly .* not through the NLB/);
});

test("the 2048 manifest added to the example (--with): its host-less rule takes hosts no other Ingress names, not growbin.app; with none of its pods in the snapshot the derived target group's targets are unknown, not a confident 503", async () => {
  const manifest = join(G2048, "2048_full.yaml");
  const own = await trace(["--with", manifest, "--from", "internet", "--to", "url:https://growbin.app/argocd"]);
  assert.equal(own.t.verdict, "delivered");
  assert.match(own.t.to.how, /load balancer k8s-ecoeco-3f9c2a71b4/);
  const other = await trace(["--with", manifest, "--from", "internet", "--to", "url:http://other.example/"]);
  assert.equal(other.t.verdict, "unknown");
  assert.match(other.t.to.how, /k8s-game2048-ingress2/);
  assert.match(other.t.unknown!.message, /Deployment game-2048\/deployment-2048 would run them/);
  assert.match(other.t.unknown!.capture, /kubectl get pods,endpointslices -n game-2048/);
});

test("a derived NLB: spec.loadBalancerSourceRanges, which the controllers make security-group rules, refuses a client outside them", async () => {
  const svc = readFileSync(join(NLB, "etp-cluster.yaml"), "utf8").replace(
    "  externalTrafficPolicy: Cluster\n",
    "  externalTrafficPolicy: Cluster\n  loadBalancerSourceRanges: [203.0.113.0/24]\n",
  );
  const dir = tempDir({ "svc.yaml": svc });
  const { t } = await trace([
    "--snapshot",
    join(NLB, "no-elbv2"),
    "--with",
    join(dir, "svc.yaml"),
    "--from",
    "internet",
    "--to",
    "service:web/web-nlb",
  ]);
  assert.equal(t.verdict, "dropped");
  assert.equal(t.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.match(t.drop.message, /outside the source ranges of Service web\/web-nlb \(203\.0\.113\.0\/24\)/);
});

test("a derived NLB: the service.beta.kubernetes.io/load-balancer-source-ranges annotation (LBC ParseStringSliceAnnotation: comma separated, trimmed) refuses a client outside it when spec.loadBalancerSourceRanges is empty", async () => {
  const svc = readFileSync(join(NLB, "etp-cluster.yaml"), "utf8").replace(
    "  annotations:\n",
    '  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: " 203.0.113.0/24 , 198.18.0.0/15,"\n',
  );
  const dir = tempDir({ "svc.yaml": svc });
  const args = ["--snapshot", join(NLB, "no-elbv2"), "--with", join(dir, "svc.yaml"), "--from"];
  const refused = await trace([...args, "internet", "--to", "service:web/web-nlb"]);
  assert.equal(refused.t.verdict, "dropped");
  assert.equal(refused.t.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.match(
    refused.t.drop.message,
    /outside the source ranges of Service web\/web-nlb \(203\.0\.113\.0\/24, 198\.18\.0\.0\/15\)/,
  );
});

for (const [annotation, value, enabled] of [
  ["aws-load-balancer-attributes", "deletion_protection.enabled=false,load_balancing.cross_zone.enabled=true", true],
  ["aws-load-balancer-attributes", "load_balancing.cross_zone.enabled=false", false],
  ["aws-load-balancer-cross-zone-load-balancing-enabled", "True", true],
  ["aws-load-balancer-cross-zone-load-balancing-enabled", "false", false],
] as const) {
  test(`NLB cross-zone from the Service annotation ${annotation}: "${value}" (LBC ${annotation.endsWith("attributes") ? "ParseStringMapAnnotation" : "ParseBoolAnnotation, strconv.ParseBool"}) → ${enabled ? "on" : "off"}`, async () => {
    const web = readFileSync(join(NLB, "k8s/web.yaml"), "utf8").replace(
      "      service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance\n",
      `      service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance\n      service.beta.kubernetes.io/${annotation}: "${value}"\n`,
    );
    const dir = tempDir({ "web.yaml": web });
    const r = await cli([
      "trace",
      "--snapshot",
      NLB,
      "--with",
      join(dir, "web.yaml"),
      "--from",
      "internet",
      "--to",
      "ip:34.198.77.150",
      "-o",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout) as Trace;
    // on: the us-east-1b address forwards to the healthy target in us-east-1a; off: nowhere to send it,
    // and the drop names the annotation that decided
    assert.equal(t.verdict, enabled ? "delivered" : "dropped");
    if (!enabled)
      assert.match(t.drop!.message, new RegExp(`cross-zone load balancing is off \\(annotation ${annotation}\\)`));
  });
}
