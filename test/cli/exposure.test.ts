/**
 * `podpath exposure` through the CLI, on captures shaped as kubectl and the AWS CLI print them.
 * Each internet path is `tracePath` from the internet (the path engine's AWS, kube-proxy and
 * NetworkPolicy hops); the rules behind the verdicts are the trace's: the AWS Load Balancer
 * Controller's listener rules (docs/guide/ingress/annotations.md), EC2 security-group inbound
 * rules (AWS VPC User Guide, "Security group rules"), kube-proxy's NodePort (pkg/proxy/iptables
 * proxier.go, KUBE-NODEPORTS) and NetworkPolicy ingress isolation (networking.k8s.io/v1).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, golden, REPO, tempDir } from "../support/helpers.js";

interface Exposure {
  kind: string;
  frontend: string;
  verdict: string;
  path: string;
  assumptions: string[];
  openNodes: string[];
  chain: { component: string; note: string; source: string | null; location: { file: string; line: number } | null }[];
  blockedBy: { code: string; at: string; source: string | null } | null;
}
interface Workload {
  id: string;
  internetFacing: boolean;
  internet: Exposure[];
  openToAll: boolean;
}
interface ExposureJson {
  apiVersion: string;
  workloads: Workload[];
}

const workload = (j: ExposureJson, id: string): Workload => {
  const w = j.workloads.find((x) => x.id === id);
  assert.ok(w, `${id} in ${j.workloads.map((x) => x.id).join(", ")}`);
  return w;
};

test("embedded example: the internet reaches Argo CD and Grafana through the ALB's listener rule and the node SG's NodePort rule from the ALB SG (golden)", async () => {
  const text = await cli(["exposure"]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, golden("exposure.ecoeco.txt", text.stdout));
  const json = await cli(["exposure", "-o", "json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout, golden("exposure.ecoeco.json", json.stdout));
  const j = JSON.parse(json.stdout) as ExposureJson;
  for (const [id, path] of [
    ["argocd/argocd-server[Deployment]", "https://growbin.app/argocd"],
    ["monitoring/prometheus-grafana[Deployment]", "https://growbin.app/grafana"],
  ] as const) {
    const w = workload(j, id);
    assert.ok(w.internetFacing, id);
    const alb = w.internet.find((e) => e.kind === "alb-rule");
    assert.ok(alb, id);
    assert.equal(alb.frontend, path);
    assert.equal(alb.verdict, "open");
    assert.match(
      alb.path,
      /^internet → sg-0ecoeco0000000001 → ALB k8s-ecoeco-3f9c2a71b4 listener 443 → rule priority \d → target group \S+ → sg-0ecoeco0000000002 → kube-proxy \S+ → NetworkPolicy \S+.* → pod \S+$/,
    );
    const rule = alb.chain.find((l) => l.component === "listener-rule");
    assert.ok(
      rule && /elbv2-describe-rules-https-443\.json:\d+$/.test(rule.source ?? ""),
      `${id}: the listener rule and its file:line`,
    );
    assert.ok(rule.location && rule.location.line > 0);
    // the node security group's rule that admits the ALB's NodePort traffic
    const nodeSg = alb.chain.find((l) => l.component === "security-group" && /ecoeco-node-sg/.test(l.note));
    assert.ok(nodeSg && /from sg-0ecoeco0000000001/.test(nodeSg.note), `${id}: node SG rule from the ALB SG`);
    assert.match(nodeSg.source ?? "", /ec2-describe-security-groups\.json:\d+$/);
    assert.deepEqual(
      alb.chain.map((l) => l.component).filter((c) => c === "kube-proxy" || c === "network-policy" || c === "pod"),
      ["kube-proxy", "network-policy", "pod"],
    );
    // the NodePort itself is not reachable from the internet: the nodes have no public address
    const nodePort = w.internet.find((e) => e.kind === "nodeport");
    assert.ok(nodePort && nodePort.verdict === "blocked" && nodePort.blockedBy?.code === "NO_PUBLIC_IP", id);
  }
  const md = await cli(["exposure", "-o", "md"]);
  assert.equal(md.code, 0);
  assert.match(md.stdout, /^# Exposure\n/);
  assert.match(md.stdout, /### argocd\/argocd-server\[Deployment\]/);
  assert.match(md.stdout, /^## From the VPC\n\nTraced from 10\.0\.2\.254: /m);
  assert.match(
    md.stdout,
    /^ {2}- admits a security group's members: sg-0ecoeco0000000002 \(ecoeco-node-sg\) inbound tcp 30000-32767 from sg-0ecoeco0000000001/m,
  );
});

test("NodePort opened to 0.0.0.0/0 in the node security group (EC2 inbound rule) on public nodes: open on every node; one not opened: blocked by the node SG", async () => {
  const r = await cli(["exposure", "-s", "test/fixtures/captures/kubeadm-calico-public", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as ExposureJson;
  const web = j.workloads.find((w) => w.id.startsWith("shop/web"));
  assert.ok(web);
  const open = web.internet.find((e) => e.frontend === "NodePort 30080/TCP of service shop/web");
  assert.ok(open);
  assert.equal(open.verdict, "open");
  assert.deepEqual(open.openNodes, ["ip-10-20-1-10", "ip-10-20-1-11", "ip-10-20-2-12"]);
  const sg = open.chain.find((l) => l.component === "security-group");
  assert.ok(sg && /tcp 30080 from 0\.0\.0\.0\/0/.test(sg.note), sg?.note);
  assert.deepEqual(open.chain.at(-1)?.component, "pod");
  const admin = j.workloads.find((w) => w.id.startsWith("shop/admin"));
  const blocked = admin?.internet.find((e) => e.frontend === "NodePort 30443/TCP of service shop/admin");
  assert.ok(blocked);
  assert.equal(blocked.verdict, "blocked");
  assert.equal(blocked.blockedBy?.code, "SECURITY_GROUP_INGRESS");
  assert.deepEqual(blocked.openNodes, []);
});

test("NLB capture (AWS Load Balancer Controller, instance targets, externalTrafficPolicy Local): the LoadBalancer Service is open through the NLB; its NodePort alone is not (private nodes)", async () => {
  const r = await cli(["exposure", "-s", "test/fixtures/captures/eks-vpc-cni-nlb", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as ExposureJson;
  const web = workload(j, "web/web[Deployment]");
  const nlb = web.internet.find((e) => e.kind === "load-balancer-service");
  assert.ok(nlb);
  assert.equal(nlb.frontend, "service web/web-nlb port 80/TCP");
  assert.equal(nlb.verdict, "open");
  assert.ok(nlb.chain.some((l) => l.component === "load-balancer"));
  assert.ok(nlb.chain.some((l) => l.component === "target-group"));
  const nodePort = web.internet.find((e) => e.kind === "nodeport");
  assert.equal(nodePort?.verdict, "blocked");
  assert.equal(nodePort?.blockedBy?.code, "NO_PUBLIC_IP");
  const text = await cli(["exposure", "-s", "test/fixtures/captures/eks-vpc-cni-nlb"]);
  assert.match(
    text.stdout,
    /^exposure: 2 workloads, 1 reachable from the internet \(web\/web\[Deployment\]\), 1 from the VPC \(web\/web\[Deployment\]\)$/m,
  );
  assert.match(text.stdout, /OPEN service web\/web-nlb port 80\/TCP → web\/web-\S+ TCP 8080/);
});

test("a host-less Ingress rule (Ingress spec: no host routes all traffic) on a derived ALB without a DNS name: traced for any host, the ALB's unknown address said as an assumption", async () => {
  const r = await cli(["exposure", "-s", "test/fixtures/captures/aws-lbc-2048", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as ExposureJson & {
    workloads: (Workload & { internet: (Exposure & { assumptions: string[] })[] })[];
  };
  const game = j.workloads.find((w) => w.id === "game-2048/deployment-2048[Deployment]");
  assert.ok(game);
  const alb = game.internet.find((e) => e.kind === "alb-rule");
  assert.ok(alb);
  assert.equal(alb.frontend, "http://(any host)/");
  assert.equal(alb.verdict, "open");
  assert.match(alb.path, /^internet → ALB k8s-game2048-ingress2-\S+ listener 80 → rule priority 1 → target group /);
  assert.ok(
    alb.assumptions.some((a) => /public address of load balancer k8s-game2048-ingress2-/.test(a)),
    alb.assumptions.join("; "),
  );
  const text = await cli(["exposure", "-s", "test/fixtures/captures/aws-lbc-2048"]);
  assert.match(text.stdout, /assumed: the public address of load balancer k8s-game2048-ingress2-/);
});

test("exposure output is byte-identical for the same snapshot", async () => {
  const a = await cli(["exposure", "-o", "json"]);
  const b = await cli(["exposure", "-o", "json"]);
  assert.equal(a.stdout, b.stdout);
});

test("a default-deny ingress NetworkPolicy (networking.k8s.io/v1: a policy with Ingress in policyTypes and no rules isolates its pods) blocks the ALB path to Grafana, naming the policy and its file:line", async () => {
  const dir = tempDir({
    "deny.yaml": `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
  namespace: monitoring
spec:
  podSelector: {}
  policyTypes:
    - Ingress
`,
  });
  const r = await cli(["exposure", "--with", join(dir, "deny.yaml"), "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as ExposureJson;
  const grafana = workload(j, "monitoring/prometheus-grafana[Deployment]");
  assert.equal(grafana.internetFacing, false);
  const alb = grafana.internet.find((e) => e.kind === "alb-rule");
  assert.ok(alb);
  assert.equal(alb.verdict, "blocked");
  assert.equal(alb.blockedBy?.code, "NETWORK_POLICY_INGRESS");
  assert.equal(alb.blockedBy?.at, "network-policy:monitoring/default-deny-ingress");
  assert.match(alb.blockedBy?.source ?? "", /deny\.yaml:1$/);
  assert.match(alb.path, /→ ✗ NetworkPolicy monitoring\/default-deny-ingress \(NETWORK_POLICY_INGRESS\)$/);
  assert.equal(grafana.openToAll, false);
  // Argo CD, in another namespace, stays open
  assert.ok(workload(j, "argocd/argocd-server[Deployment]").internetFacing);
});

interface VpcExposure extends Exposure {
  origin: string;
  memberRules: { rule: string; source: string | null }[];
  byNode: { verdict: string; nodes: string[]; code: string | null; at: string | null }[];
}
interface VpcJson {
  vpcHost: { ip: string; vpc: string; subnet: string } | null;
  workloads: (Omit<Workload, "internet"> & { vpcFacing: boolean; vpc: VpcExposure[]; internet: VpcExposure[] })[];
}

const INTERNAL_NLB = `apiVersion: v1
kind: Service
metadata:
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    service.beta.kubernetes.io/aws-load-balancer-type: external
  name: web-internal
  namespace: web
spec:
  type: LoadBalancer
  loadBalancerClass: service.k8s.aws/nlb
  ports:
  - name: http
    nodePort: 31081
    port: 80
    protocol: TCP
    targetPort: http
  selector:
    app: web
`;

test("an internal NLB (AWS Load Balancer Controller annotation aws-load-balancer-scheme: internal — private addresses only) is blocked from the internet and open from the VPC host, with its chain", async () => {
  const dir = tempDir({ "internal.yaml": INTERNAL_NLB });
  const r = await cli([
    "exposure",
    "-s",
    "test/fixtures/captures/eks-vpc-cni-nlb",
    "--with",
    join(dir, "internal.yaml"),
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as VpcJson;
  assert.equal(j.vpcHost?.ip, "10.20.0.254");
  assert.equal(j.vpcHost?.subnet, "subnet-0a1b2c3d4e5f61001");
  const web = j.workloads.find((w) => w.id === "web/web[Deployment]");
  assert.ok(web);
  const fromInternet = web.internet.find((e) => e.frontend === "service web/web-internal port 80/TCP");
  assert.equal(fromInternet?.origin, "internet");
  assert.equal(fromInternet?.verdict, "blocked");
  assert.equal(fromInternet?.blockedBy?.code, "TARGET_NOT_ROUTABLE");
  const fromVpc = web.vpc.find((e) => e.frontend === "service web/web-internal port 80/TCP");
  assert.ok(fromVpc);
  assert.equal(fromVpc.origin, "vpc");
  assert.equal(fromVpc.verdict, "open");
  assert.match(
    fromVpc.path,
    /^VPC host 10\.20\.0\.254 → NLB of service web\/web-internal listener 80 → target group .* → pod web\/web-\S+$/,
  );
  assert.ok(web.vpcFacing);
  // an internet-facing NLB is not listed under the VPC (its address is public)
  assert.ok(!web.vpc.some((e) => e.frontend === "service web/web-nlb port 80/TCP"));
});

test("NodePort with externalTrafficPolicy: Local (Kubernetes 'Traffic policies': only node-local endpoints, dropped elsewhere) from the VPC: open on the node with the endpoint, NO_ENDPOINTS on the other — each node named with its verdict", async () => {
  const r = await cli(["exposure", "-s", "test/fixtures/captures/eks-vpc-cni-nlb", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as VpcJson;
  const web = j.workloads.find((w) => w.id === "web/web[Deployment]");
  const nodePort = web?.vpc.find((e) => e.kind === "nodeport");
  assert.ok(nodePort);
  assert.equal(nodePort.verdict, "open");
  assert.deepEqual(nodePort.openNodes, ["ip-10-20-10-21.ec2.internal"]);
  assert.deepEqual(
    nodePort.byNode.map((g) => [g.verdict, g.nodes, g.code, g.at]),
    [
      ["open", ["ip-10-20-10-21.ec2.internal"], null, null],
      ["blocked", ["ip-10-20-11-34.ec2.internal"], "NO_ENDPOINTS", "kube-proxy:web/web-nlb:http"],
    ],
  );
  // the node SG rule the controller added for NLB clients (0.0.0.0/0 covers the VPC) opens it
  assert.ok(
    nodePort.chain.some((l) => l.component === "security-group" && /tcp 31080 from 0\.0\.0\.0\/0/.test(l.note)),
  );
  const text = await cli(["exposure", "-s", "test/fixtures/captures/eks-vpc-cni-nlb"]);
  assert.match(text.stdout, /^ {8}open on ip-10-20-10-21\.ec2\.internal$/m);
  assert.match(
    text.stdout,
    /^ {8}blocked on ip-10-20-11-34\.ec2\.internal: NO_ENDPOINTS at kube-proxy:web\/web-nlb:http/m,
  );
  // the internet reaches no node (private nodes): both blocked for the same reason, no per-node lines
  const fromInternet = web?.internet.find((e) => e.kind === "nodeport");
  assert.deepEqual(
    fromInternet?.byNode.map((g) => [g.verdict, g.code]),
    [
      ["blocked", "NO_PUBLIC_IP"],
      ["blocked", "NO_PUBLIC_IP"],
    ],
  );
});

test("VPC CNI pod address (Amazon VPC CNI: a pod's IP is a secondary address of its node's ENI) from the VPC: the node's security groups decide — the EKS node groups admit only their members on 8080", async () => {
  const r = await cli(["exposure", "-s", "test/fixtures/captures/eks-vpc-cni-nlb", "-o", "json"]);
  const j = JSON.parse(r.stdout) as VpcJson;
  const web = j.workloads.find((w) => w.id === "web/web[Deployment]");
  const pod = web?.vpc.find((e) => e.kind === "pod-ip");
  assert.ok(pod);
  assert.equal(pod.frontend, "pod address 10.20.10.57:8080/TCP (http)");
  assert.equal(pod.verdict, "blocked");
  assert.equal(pod.blockedBy?.code, "SECURITY_GROUP_INGRESS");
  assert.match(pod.blockedBy?.source ?? "", /ec2-describe-security-groups\.json:\d+$/);
});

test("Calico overlay pod address (Calico docs: pool addresses are not routable outside the cluster) from the VPC: blocked at the route table, naming the IP pool; the NodePorts are blocked by the node SG, which admits only the ALB's group", async () => {
  const r = await cli(["exposure", "-o", "json"]);
  const j = JSON.parse(r.stdout) as VpcJson;
  assert.equal(j.vpcHost?.ip, "10.0.2.254");
  const argocd = j.workloads.find((w) => w.id === "argocd/argocd-server[Deployment]");
  assert.ok(argocd);
  const pod = argocd.vpc.find((e) => e.kind === "pod-ip");
  assert.equal(pod?.verdict, "blocked");
  assert.equal(pod?.blockedBy?.code, "TARGET_NOT_ROUTABLE");
  assert.match(pod?.blockedBy?.source ?? "", /calico\.yaml:\d+$/);
  const nodePort = argocd.vpc.find((e) => e.kind === "nodeport");
  assert.equal(nodePort?.verdict, "blocked");
  assert.equal(nodePort?.blockedBy?.code, "SECURITY_GROUP_INGRESS");
  // who the node SG does admit on the NodePort: the ALB's group (AWS: a group source admits its members)
  assert.ok(
    nodePort?.memberRules.some((m) =>
      /inbound tcp 30000-32767 from sg-0ecoeco0000000001 \(ecoeco-alb-sg\)/.test(m.rule),
    ),
    JSON.stringify(nodePort?.memberRules),
  );
  assert.ok(!argocd.vpcFacing);
});

test("security groups for pods (Amazon EKS: aws-node ENABLE_POD_ENI=true gives a SecurityGroupPolicy's pods their own branch interface and groups): exposure says so in a note, with the variable's file:line and what to capture", async () => {
  const kubeSystem = readFileSync(join(REPO, "test/fixtures/captures/eks-vpc-cni-nlb/k8s/kube-system.yaml"), "utf8");
  const dir = tempDir({
    "aws-node.yaml": kubeSystem.replace(
      "          - name: AWS_VPC_K8S_CNI_EXTERNALSNAT\n",
      '          - name: ENABLE_POD_ENI\n            value: "true"\n          - name: AWS_VPC_K8S_CNI_EXTERNALSNAT\n',
    ),
  });
  const r = await cli([
    "exposure",
    "-s",
    "test/fixtures/captures/eks-vpc-cni-nlb",
    "-w",
    join(dir, "aws-node.yaml"),
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { notes: { message: string; source: string | null }[] };
  const note = j.notes.find((n) => /security groups for pods is on/.test(n.message));
  assert.ok(note, JSON.stringify(j.notes));
  assert.match(note.message, /interface-type,Values=branch/);
  assert.match(note.source ?? "", /aws-node\.yaml:\d+$/);
  // without the variable, no such note
  const plain = JSON.parse(
    (await cli(["exposure", "-s", "test/fixtures/captures/eks-vpc-cni-nlb", "-o", "json"])).stdout,
  ) as {
    notes: { message: string }[];
  };
  assert.ok(!plain.notes.some((n) => /security groups for pods/.test(n.message)));
});

test("an internal ALB (AWS Load Balancer Controller annotation alb.ingress.kubernetes.io/scheme: internal): its Ingress path is blocked from the internet and open from the VPC host, through the listener rule", async () => {
  const dir = tempDir({
    "ingress.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  namespace: game-2048
  name: ingress-2048
  annotations:
    alb.ingress.kubernetes.io/scheme: internal
    alb.ingress.kubernetes.io/target-type: ip
    kubernetes.io/ingress.class: alb
spec:
  rules:
    - http:
        paths:
        - path: /
          pathType: Prefix
          backend:
            service:
              name: service-2048
              port:
                number: 80
`,
  });
  const r = await cli([
    "exposure",
    "-s",
    "test/fixtures/captures/aws-lbc-2048",
    "-w",
    join(dir, "ingress.yaml"),
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as VpcJson;
  const game = j.workloads.find((w) => w.id === "game-2048/deployment-2048[Deployment]");
  assert.ok(game);
  const fromInternet = game.internet.find((e) => e.kind === "alb-rule");
  assert.equal(fromInternet?.verdict, "blocked");
  assert.equal(fromInternet?.blockedBy?.code, "TARGET_NOT_ROUTABLE");
  const fromVpc = game.vpc.find((e) => e.kind === "alb-rule");
  assert.ok(fromVpc);
  assert.equal(fromVpc.verdict, "open");
  assert.match(
    fromVpc.path,
    /^VPC host \S+ → ALB k8s-game2048-ingress2-\S+ listener 80 → rule priority 1 → target group .* → pod game-2048\//,
  );
  assert.ok(!game.internetFacing);
  assert.ok(game.vpcFacing);
});

test("a NodePort with externalTrafficPolicy: Local (Kubernetes 'Traffic policies': node-local endpoints only, dropped on other nodes) from the internet on public nodes: open on the two nodes with a web endpoint, NO_ENDPOINTS on ip-10-20-1-10, each named", async () => {
  const dir = tempDir({
    "web-local.yaml": `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  clusterIP: 10.104.23.17
  ports:
  - {name: http, nodePort: 30080, port: 80, protocol: TCP, targetPort: 8080}
  selector: {app: web}
`,
  });
  const r = await cli([
    "exposure",
    "-s",
    "test/fixtures/captures/kubeadm-calico-public",
    "-w",
    join(dir, "web-local.yaml"),
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as VpcJson;
  const web = j.workloads.find((w) => w.id.startsWith("shop/web"));
  const nodePort = web?.internet.find((e) => e.frontend === "NodePort 30080/TCP of service shop/web");
  assert.ok(nodePort);
  assert.equal(nodePort.verdict, "open");
  assert.deepEqual(
    nodePort.byNode.map((g) => [g.verdict, g.nodes, g.code]),
    [
      ["open", ["ip-10-20-1-11", "ip-10-20-2-12"], null],
      ["blocked", ["ip-10-20-1-10"], "NO_ENDPOINTS"],
    ],
  );
  const text = await cli([
    "exposure",
    "-s",
    "test/fixtures/captures/kubeadm-calico-public",
    "-w",
    join(dir, "web-local.yaml"),
  ]);
  assert.match(text.stdout, /OPEN NodePort 30080\/TCP of service shop\/web on ip-10-20-1-11, ip-10-20-2-12 → /);
  assert.match(text.stdout, /^ {8}blocked on ip-10-20-1-10: NO_ENDPOINTS at kube-proxy:shop\/web:http — /m);
});
