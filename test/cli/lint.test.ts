/**
 * `podpath lint` through the CLI: each rule fires on its fixture (shaped as kubectl and the AWS CLI
 * print it) and not on the fixed variant; --fail-on and --rule; the same severity scale and exit
 * rule for `place` and `trace`; the embedded example's findings, held in golden files.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { LintJson } from "../../src/questions/lint.js";
import { cli, golden, tempDir } from "../support/helpers.js";
import { fixedLintFixture, lintFixture, lintFixtureRules } from "../support/lint-fixtures.js";

interface RuleCase {
  readonly rule: string;
  /** the upstream behaviour the fixture breaks */
  readonly upstream: string;
  readonly severity: "error" | "warning" | "note";
  readonly findings: number;
  readonly message: RegExp;
  /** the kinds of the finding's objects, the located one first */
  readonly kinds: readonly string[];
}

const CASES: readonly RuleCase[] = [
  {
    rule: "ingress-group-refused",
    upstream:
      "aws-load-balancer-controller model_build_load_balancer.go buildLoadBalancerScheme: one scheme per IngressGroup",
    severity: "error",
    findings: 1,
    message: /IngressGroup shop \(shop\/storefront, shop\/admin\): "Failed build model due to conflicting scheme/,
    kinds: ["Ingress", "Ingress"],
  },
  {
    rule: "alb-ip-target-overlay",
    upstream: "target-type ip sends to pod IPs; Calico VXLAN pool addresses are not routable in the VPC",
    severity: "error",
    findings: 1,
    message:
      /has target type ip for Service shop\/storefront.*Calico IP pool default-ipv4-ippool \(192\.168\.0\.0\/16, VXLAN Always\)/,
    kinds: ["Ingress", "IPPool"],
  },
  {
    rule: "nodeport-unreachable",
    upstream: "ALB instance targets: the node security groups must admit the NodePort from the ALB's security group",
    severity: "error",
    findings: 1,
    message:
      /NodePort 30080 to instance targets, and the security groups of worker-1, worker-2 .* admit no TCP 30080 from its security group sg-0lint000000000001/,
    kinds: ["Ingress", "SecurityGroup", "Node", "Node"],
  },
  {
    rule: "overlay-one-way",
    upstream: "Calico network requirements: VXLAN UDP 4789 between all nodes, both ways",
    severity: "error",
    findings: 1,
    message:
      /^VXLAN \(UDP 4789\) from cp-1 to worker-1, worker-2 is allowed, but not back: no inbound rule of sg-0lint000000000003/,
    kinds: ["SecurityGroup", "Node", "Node", "Node"],
  },
  {
    rule: "no-feasible-node",
    upstream: "kube-scheduler FitError: 0/3 nodes are available",
    severity: "error",
    findings: 1,
    message:
      /^Deployment shop\/checkout: 2 of 2 pods cannot run \(checkout-0: 0\/3 nodes are available: 1 Insufficient cpu/,
    kinds: ["Deployment"],
  },
  {
    rule: "daemonset-skips-nodes",
    upstream: "DaemonSet controller NodeShouldRunDaemonPod: untolerated NoSchedule taint",
    severity: "warning",
    findings: 1,
    message:
      /^DaemonSet logging\/fluent-bit runs no pod on 1 node \(gpu-1\): untolerated taint nvidia\.com\/gpu=true:NoSchedule$/,
    kinds: ["DaemonSet", "Node"],
  },
  {
    rule: "toleration-without-selector",
    upstream: "taints and tolerations: a toleration allows, it does not attract",
    severity: "note",
    findings: 1,
    message: /^Deployment ml\/trainer tolerates nvidia\.com\/gpu=true:NoSchedule \(on gpu-1\).*worker-1/,
    kinds: ["Deployment", "Node"],
  },
  {
    rule: "selector-matches-no-pod",
    upstream:
      "EndpointSlice controller: a selector no pod matches gives no endpoints (renamed Helm release of an Istio gateway)",
    severity: "warning",
    findings: 2,
    message:
      /istio-ingress\/istio-ingressgateway selects app=istio-ingressgateway,istio=ingressgateway.*app=istio-gateway,istio=gateway|NetworkPolicy shop\/catalog-ingress selects pods app=catalog-api/,
    kinds: [],
  },
  {
    rule: "networkpolicy-blocks-dns",
    upstream: "NetworkPolicy egress isolation: no rule to kube-dns on UDP and TCP 53",
    severity: "error",
    findings: 1,
    message:
      /^Deployment shop\/orders is isolated for egress by NetworkPolicy shop\/orders-egress.* on UDP 53 and TCP 53/,
    kinds: ["Deployment", "NetworkPolicy"],
  },
  {
    rule: "private-subnet-no-egress",
    upstream: "VPC route tables: a private subnet needs a 0.0.0.0/0 route to a NAT gateway",
    severity: "warning",
    findings: 1,
    message:
      /^nodes cp-1, worker-1, worker-2 in subnet subnet-0lint000000000011 cannot reach the internet: route table rtb-0lint000000000003 .* no 0\.0\.0\.0\/0 route$/,
    kinds: ["RouteTable", "Node", "Node", "Node"],
  },
  {
    rule: "nat-outgoing-no-route-back",
    upstream: "Calico natOutgoing false: pod source addresses need a VPC route back",
    severity: "error",
    findings: 1,
    message: /^Calico IP pool default-ipv4-ippool \(192\.168\.0\.0\/16\) has natOutgoing: false.*rtb-0lint000000000003/,
    kinds: ["IPPool", "RouteTable"],
  },
  {
    rule: "terraform-sg-mixed-rules",
    upstream:
      "terraform-provider-aws security_group docs: in-line rules with rule resources conflict and overwrite each other",
    severity: "warning",
    findings: 1,
    message:
      /^security group sg-0lint0000000000002 \(cluster-node\) has 1 inline rule in aws_security_group\.node that no rule resource writes .* and 2 separate rule resources \(aws_security_group_rule\.node_self, aws_vpc_security_group_ingress_rule\.node_ssh\)/,
    kinds: ["SecurityGroup", "SecurityGroupRule", "SecurityGroupRule"],
  },
  {
    rule: "sg-open-to-world",
    upstream: "Kubernetes ports and protocols: API server, etcd, kubelet and SSH not open to 0.0.0.0/0",
    severity: "error",
    findings: 4,
    message: /admits tcp (10250|6443|2379-2380|22) from 0\.0\.0\.0\/0/,
    kinds: [],
  },
];

async function lintJson(args: readonly string[]): Promise<{ code: number; json: LintJson; stderr: string }> {
  const r = await cli(["lint", "-o", "json", ...args]);
  return { code: r.code, json: JSON.parse(r.stdout) as LintJson, stderr: r.stderr };
}

test("every rule has a fixture and a case, and every rule with a fixture is a rule lint runs", async () => {
  const { json } = await lintJson(["-s", lintFixture("no-feasible-node")]);
  const ids = json.rules.map((r) => r.id);
  assert.deepEqual([...ids].sort(), lintFixtureRules());
  assert.deepEqual(CASES.map((c) => c.rule).sort(), lintFixtureRules());
  for (const r of json.rules) assert.ok(r.upstream.length > 0 && r.title.length > 0, r.id);
});

for (const c of CASES) {
  test(`${c.rule} (${c.upstream}): fires on its fixture, not on the fixed variant`, async () => {
    const broken = await lintJson(["-s", lintFixture(c.rule), "--rule", c.rule, "--fail-on", "note"]);
    assert.equal(broken.code, 1, broken.stderr);
    assert.equal(broken.json.findings.length, c.findings, JSON.stringify(broken.json.findings, null, 2));
    for (const f of broken.json.findings) {
      assert.equal(f.ruleId, c.rule);
      assert.match(f.message, c.message);
      assert.ok(f.fix && f.fix.length > 0, "a suggested fix");
      const first = f.objects[0];
      assert.ok(first?.source, "the finding is located");
      assert.match(first.source.file, new RegExp(`^test/fixtures/lint/${c.rule}/snapshot/`));
      // a Terraform state's object: `file:line (resource address)`
      const address = (first.source as { address?: string }).address;
      assert.equal(first.at, `${first.source.file}:${first.source.line}${address ? ` (${address})` : ""}`);
      assert.ok(first.source.line >= 1 && first.source.column >= 1);
    }
    if (c.kinds.length > 0)
      assert.deepEqual(
        broken.json.findings[0]!.objects.map((o) => o.kind),
        c.kinds,
      );
    if (c.rule !== "sg-open-to-world") assert.ok(broken.json.findings.every((f) => f.severity === c.severity));
    const fixed = await lintJson(["-s", fixedLintFixture(c.rule), "--rule", c.rule, "--fail-on", "note"]);
    assert.deepEqual(fixed.json.findings, [], JSON.stringify(fixed.json.findings, null, 2));
    assert.equal(fixed.code, 0);
  });
}

test("sg-open-to-world (Kubernetes ports and protocols): the API server and etcd only on control-plane nodes, SSH a warning", async () => {
  const { json } = await lintJson(["-s", lintFixture("sg-open-to-world"), "--rule", "sg-open-to-world"]);
  const by = (port: string) => json.findings.find((f) => f.message.includes(`tcp ${port} from`));
  for (const port of ["6443", "2379-2380"]) {
    assert.equal(by(port)?.severity, "error", port);
    assert.deepEqual(
      by(port)?.objects.map((o) => o.name),
      ["sg-0lint000000000002", "cp-1"],
      port,
    );
  }
  assert.equal(by("10250")?.severity, "error");
  assert.deepEqual(
    by("10250")?.objects.map((o) => o.name),
    ["sg-0lint000000000002", "cp-1", "worker-1", "worker-2"],
  );
  assert.equal(by("22")?.severity, "warning");
  assert.deepEqual(json.summary, { error: 3, warning: 1, note: 0, total: 4 });
  // errors first
  assert.deepEqual(
    json.findings.map((f) => f.severity),
    ["error", "error", "error", "warning"],
  );
});

test("--fail-on: error by default, so a warning alone exits 0; --fail-on warning exits 1; a bad severity is a usage error", async () => {
  const fixture = lintFixture("daemonset-skips-nodes");
  assert.equal((await cli(["lint", "-s", fixture, "-o", "json"])).code, 0);
  assert.equal((await cli(["lint", "-s", fixture, "-o", "json", "--fail-on", "warning"])).code, 1);
  assert.equal((await cli(["lint", "-s", fixture, "-o", "json", "--fail-on", "error"])).code, 0);
  const bad = await cli(["lint", "-s", fixture, "--fail-on", "critical"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /--fail-on <severity>' argument 'critical' is invalid\. Allowed choices are error, warning, note/,
  );
  const errors = await cli(["lint", "-s", lintFixture("no-feasible-node"), "-o", "json"]);
  assert.equal(errors.code, 1);
});

test("--rule: only that rule runs; an unknown rule id is a usage error naming the rules", async () => {
  const { json } = await lintJson([
    "-s",
    lintFixture("networkpolicy-blocks-dns"),
    "--rule",
    "networkpolicy-blocks-dns",
  ]);
  assert.deepEqual(
    json.rules.map((r) => r.id),
    ["networkpolicy-blocks-dns"],
  );
  const bad = await cli(["lint", "-s", lintFixture("networkpolicy-blocks-dns"), "--rule", "no-such-rule"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^podpath: --rule no-such-rule: no such rule \(rules: ingress-group-refused, /m);
});

test("text output: grouped by severity, each finding with file:line, the other objects and the fix", async () => {
  const r = await cli(["lint", "-s", lintFixture("networkpolicy-blocks-dns"), "-o", "text"]);
  assert.equal(r.code, 1);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "Errors (1):");
  assert.match(lines[1]!, /^ {2}\[networkpolicy-blocks-dns\] Deployment shop\/orders is isolated for egress/);
  assert.match(
    lines[2]!,
    /^ {4}at {3}test\/fixtures\/lint\/networkpolicy-blocks-dns\/snapshot\/k8s\/deployments\.yaml:\d+ {2}Deployment shop\/orders$/,
  );
  assert.match(
    lines[3]!,
    /^ {4}also test\/fixtures\/lint\/networkpolicy-blocks-dns\/snapshot\/k8s\/networkpolicies\.yaml:\d+ {2}NetworkPolicy shop\/orders-egress$/,
  );
  assert.match(lines[4]!, /^ {4}fix: add an egress rule/);
  assert.ok(r.stdout.includes("\nNotes (1):\n"));
  assert.match(lines.at(-2)!, /^lint: 2 findings — 1 error, 0 warning, 1 note \(13 rules checked\)$/);
});

test("place --fail-on: a workload no node can run is an error finding (no-feasible-node), as in lint", async () => {
  const fixture = lintFixture("no-feasible-node");
  assert.equal((await cli(["place", "-s", fixture, "-o", "json"])).code, 0);
  assert.equal((await cli(["place", "-s", fixture, "-o", "json", "--fail-on", "error"])).code, 1);
  assert.equal(
    (await cli(["place", "-s", fixedLintFixture("no-feasible-node"), "-o", "json", "--fail-on", "note"])).code,
    0,
  );
});

test("trace --fail-on: a NetworkPolicy drop is an error finding; --fail-on-drop stays the alias of --fail-on warning", async () => {
  const args = [
    "trace",
    "--from",
    "workload:argocd/argocd-application-controller",
    "--to",
    "pod:argocd/argocd-dex-server-krws5mdsn-x94ng",
    "--port",
    "5556",
    "-o",
    "json",
  ];
  assert.equal((await cli([...args])).code, 0);
  assert.equal((await cli([...args, "--fail-on", "error"])).code, 1);
  assert.equal((await cli([...args, "--fail-on-drop"])).code, 1);
  const delivered = ["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd", "-o", "json"];
  assert.equal((await cli([...delivered, "--fail-on", "note"])).code, 0);
});

test("the embedded example: its findings, checked by hand against the snapshot (golden text and SARIF)", async () => {
  const text = await cli(["lint", "-o", "text"]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, golden("lint.ecoeco.txt", text.stdout));
  const sarif = await cli(["lint", "-o", "sarif"]);
  assert.equal(sarif.code, 0);
  assert.equal(sarif.stdout, golden("lint.ecoeco.sarif.json", sarif.stdout));
  // deterministic: the same snapshot gives the same bytes
  assert.equal((await cli(["lint", "-o", "sarif"])).stdout, sarif.stdout);
});

test("lint --help lists every rule with its default severity, and names no document the user lacks", async () => {
  const help = await cli(["lint", "--help"]);
  assert.equal(help.code, 0);
  const { json } = await lintJson(["-s", lintFixture("no-feasible-node")]);
  for (const r of json.rules) assert.match(help.stdout, new RegExp(`^  ${r.id} +${r.severity} `, "m"), r.id);
  assert.match(help.stdout, /-o, --output <format>.*"sarif"/s);
  assert.doesNotMatch(help.stdout, /PRODUCT\.md|seed|issue #?\d/i);
});

test("a capture as users have it (kubeadm + Calico in public subnets): the API server open to 0.0.0.0/0 is the one finding", async () => {
  const { code, json } = await lintJson(["-s", "test/fixtures/captures/kubeadm-calico-public"]);
  assert.equal(code, 1);
  assert.deepEqual(
    json.findings.map((f) => [f.ruleId, f.severity, f.objects.map((o) => o.name)]),
    [["sg-open-to-world", "error", ["sg-0b5e1c7d9a3f20011", "ip-10-20-1-10"]]],
  );
  assert.equal(
    json.findings[0]!.objects[0]!.at,
    "test/fixtures/captures/kubeadm-calico-public/aws/ec2-describe-security-groups.json:39",
  );
});

test("overlay-one-way (Calico network requirements: IP-in-IP is IP protocol 4, and IPIP pools route with BGP on TCP 179)", async () => {
  const dir = lintFixture("overlay-one-way");
  const calico = readFileSync(join(dir, "k8s/calico.yaml"), "utf8")
    .replace("ipipMode: Never", "ipipMode: Always")
    .replace("vxlanMode: Always", "vxlanMode: Never");
  interface Permission {
    IpProtocol: string;
    FromPort?: number;
    ToPort?: number;
  }
  const groups = JSON.parse(readFileSync(join(dir, "aws/ec2-describe-security-groups.json"), "utf8")) as {
    SecurityGroups: { GroupName: string; IpPermissions: Permission[] }[];
  };
  // the workers admit IP-in-IP and BGP from the control plane, the control plane neither from the workers
  const workers = groups.SecurityGroups.find((g) => g.GroupName === "lint-node-sg")!;
  const vxlan = workers.IpPermissions.find((p) => p.IpProtocol === "udp")!;
  workers.IpPermissions.push({ ...vxlan, IpProtocol: "4", FromPort: undefined, ToPort: undefined });
  workers.IpPermissions.push({ ...vxlan, IpProtocol: "tcp", FromPort: 179, ToPort: 179 });
  const snapshot = tempDir({
    "k8s/nodes.yaml": readFileSync(join(dir, "k8s/nodes.yaml"), "utf8"),
    "k8s/calico.yaml": calico,
    ...Object.fromEntries(
      ["vpcs", "subnets", "route-tables", "instances"].map((n) => [
        `aws/ec2-describe-${n}.json`,
        readFileSync(join(dir, `aws/ec2-describe-${n}.json`), "utf8"),
      ]),
    ),
    "aws/ec2-describe-security-groups.json": JSON.stringify(groups, null, 4),
  });
  const { json } = await lintJson(["-s", snapshot, "--rule", "overlay-one-way"]);
  assert.deepEqual(
    json.findings.map((f) => f.message.replace(/ is allowed, but not back: .*/, "")),
    // same place: ordered by message
    ["BGP (TCP 179) from cp-1 to worker-1, worker-2", "IP-in-IP (IP protocol 4) from cp-1 to worker-1, worker-2"],
  );
});

test("nodeport-unreachable (aws-load-balancer-controller security groups): a Service's NLB is judged only when it names its own security groups", async () => {
  const dir = lintFixture("nodeport-unreachable");
  const copy = (path: string) => readFileSync(join(dir, path), "utf8");
  const nlb = (annotations: string) => `apiVersion: v1
kind: Service
metadata:
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance
    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
${annotations}  name: storefront-nlb
  namespace: shop
spec:
  type: LoadBalancer
  selector:
    app: storefront
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: http
    nodePort: 31080
`;
  const snapshot = (service: string) =>
    tempDir({
      ...Object.fromEntries(
        [
          "k8s/nodes.yaml",
          "k8s/deployments.yaml",
          ...["vpcs", "subnets", "route-tables", "instances", "security-groups"].map(
            (n) => `aws/ec2-describe-${n}.json`,
          ),
        ].map((p) => [p, copy(p)]),
      ),
      "k8s/service.yaml": service,
    });
  // the controller creates the NLB's security groups and adds the nodes' rules itself
  const managed = await lintJson(["-s", snapshot(nlb("")), "--rule", "nodeport-unreachable"]);
  assert.deepEqual(managed.json.findings, []);
  // its own security group, and nobody adds the rule
  const own = await lintJson([
    "-s",
    snapshot(nlb("    service.beta.kubernetes.io/aws-load-balancer-security-groups: sg-0lint000000000001\n")),
    "--rule",
    "nodeport-unreachable",
  ]);
  assert.equal(own.json.findings.length, 1);
  assert.match(
    own.json.findings[0]!.message,
    /^NLB .* sends Service shop\/storefront-nlb's NodePort 31080 to instance targets/,
  );
  assert.deepEqual(
    own.json.findings[0]!.objects.map((o) => o.kind),
    ["Service", "SecurityGroup", "Node", "Node"],
  );
});
