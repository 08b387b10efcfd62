/**
 * `podpath connlist` as a user runs it: on the embedded example (a kubectl capture of a kubeadm
 * cluster with Calico and the AWS Load Balancer Controller) and on a `kubectl get -o yaml` List,
 * in every output format; netpol-analyzer's `-o txt` line format (pkg/netpol/connlist/
 * conns_formatter_txt.go), its csv/md/dot shapes, --focus-workload (connlist.go
 * `includePairOfWorkloads`), and the dataplane notes that never change the lines.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli, golden, tempDir } from "../support/helpers.js";

test("connlist -o txt on the embedded example: netpol-analyzer's lines, byte for byte as the golden file; notes on stderr", async () => {
  const r = await cli(["connlist", "-o", "txt"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, golden("connlist-ecoeco.txt", r.stdout));
  for (const line of r.stdout.trimEnd().split("\n"))
    assert.match(line, /^\S+ => \S+ : (All Connections|[A-Z]+ [\d,-]+(,[A-Z]+ [\d,-]+)*)$/);
  // the ALB Ingresses to Argo CD and Grafana, through their Services' target ports
  assert.match(r.stdout, /^\{ingress-controller\} => argocd\/argocd-server\[Deployment\] : TCP 8080$/m);
  assert.match(r.stdout, /^\{ingress-controller\} => monitoring\/prometheus-grafana\[Deployment\] : TCP 3000$/m);
  // Calico is the example's dataplane: the notes go to stderr, the lines stay netpol-analyzer's
  assert.match(r.stderr, /podpath connlist: note: node-local traffic/);
  assert.match(r.stderr, /kube-system\/calico-node\[DaemonSet\] uses the host network/);
  assert.doesNotMatch(r.stdout, /note/);
});

test("connlist -o text: the same lines, then podpath's notes with file:line", async () => {
  const txt = await cli(["connlist", "-o", "txt"]);
  const r = await cli(["connlist", "-o", "text"]);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.startsWith(txt.stdout), "text starts with the txt lines");
  assert.match(r.stdout, /\nNotes:\n {2}- /);
  assert.match(r.stdout, /\n {2}- node-local traffic: NetworkPolicy cannot block a pod's own node/);
  assert.match(r.stdout, /etcd-k8s-master\[Pod\] uses the host network.*\(examples\/ecoeco\/k8s\/pods\.yaml:\d+\)/);
  // the ALB is the example's ingress controller, and no pod: said, with the Ingress's file:line
  assert.match(
    r.stdout,
    /Ingress argocd\/argocd-ingress, ecoeco\/api-ingress, monitoring\/grafana-ingress are served by an AWS ALB .*\(examples\/ecoeco\/k8s\/ingresses\.yaml:\d+\)/,
  );
});

test("connlist -o md and -o csv: netpol-analyzer's src | dst | conn table and src,dst,conn rows (quoted where a field has a comma)", async () => {
  const md = await cli(["connlist", "-o", "md"]);
  assert.equal(md.code, 0);
  assert.equal(md.stdout, golden("connlist-ecoeco.md", md.stdout));
  assert.ok(md.stdout.startsWith("| src | dst | conn |\n|-----|-----|------|\n"));
  const csv = await cli(["connlist", "-o", "csv"]);
  assert.equal(csv.code, 0);
  const rows = csv.stdout.trimEnd().split("\n");
  assert.equal(rows[0], "src,dst,conn");
  assert.ok(rows.includes("{ingress-controller},monitoring/prometheus-grafana[Deployment],TCP 3000"));
  assert.ok(
    rows.includes(
      'argocd/argocd-application-controller[StatefulSet],argocd/argocd-repo-server[Deployment],"TCP 8081,8084"',
    ),
  );
});

test("connlist -o dot: namespaces as clusters, external peers outside, one edge per line", async () => {
  const r = await cli(["connlist", "-o", "dot", "--focus-workload", "monitoring/prometheus-grafana"]);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.startsWith("digraph {\n") && r.stdout.endsWith("}\n"));
  assert.match(r.stdout, /\tsubgraph "cluster_monitoring\[namespace\]" \{/);
  assert.match(
    r.stdout,
    /\t"\{ingress-controller\}" -> "monitoring\/prometheus-grafana\[Deployment\]" \[label="TCP 3000" color="gold2" fontcolor="darkgreen" weight=1\]/,
  );
});

test("connlist --focus-workload: only the connections from or to that workload (NS/NAME or NAME); json carries apiVersion and locations", async () => {
  const r = await cli(["connlist", "--focus-workload", "prometheus-grafana", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as {
    apiVersion: string;
    question: string;
    dataplane: string;
    focusWorkloads: string[];
    connections: {
      src: string;
      dst: string;
      conn: string;
      srcKind: string;
      allConnections: boolean;
      ports: Record<string, string[]>;
    }[];
    workloads: { id: string; location: { file: string; line: number; column: number } }[];
  };
  assert.equal(r.stdout, golden("connlist-ecoeco-grafana.json", r.stdout), "the JSON contract, pinned");
  assert.equal(json.apiVersion, "podpath.io/v1");
  assert.equal(json.question, "connlist");
  assert.equal(json.dataplane, "calico");
  assert.deepEqual(json.focusWorkloads, ["prometheus-grafana"]);
  assert.ok(json.connections.length > 0);
  assert.ok(
    json.connections.every((c) => c.src.includes("prometheus-grafana") || c.dst.includes("prometheus-grafana")),
  );
  const ingress = json.connections.find((c) => c.src === "{ingress-controller}");
  assert.deepEqual(ingress && { kind: ingress.srcKind, all: ingress.allConnections, ports: ingress.ports }, {
    kind: "ingress-controller",
    all: false,
    ports: { TCP: ["3000"] },
  });
  const grafana = json.workloads.find((w) => w.id === "monitoring/prometheus-grafana[Deployment]");
  assert.match(grafana?.location.file ?? "", /^examples\/ecoeco\//);
  assert.equal(
    JSON.stringify(json),
    JSON.stringify(
      JSON.parse((await cli(["connlist", "--focus-workload", "prometheus-grafana", "-o", "json"])).stdout),
    ),
    "deterministic",
  );
});

test("connlist --focus-workload naming no workload: an empty list and a note, exit 0 (netpol-analyzer warns likewise)", async () => {
  const r = await cli(["connlist", "--focus-workload", "nowhere/nothing", "-o", "txt"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /no workload nowhere\/nothing in the snapshot/);
});

test("connlist --focus-workload twice, one naming nothing: the other still narrows the list, the missing one is said (connlist.go existsFocusWorkload)", async () => {
  const one = await cli(["connlist", "--focus-workload", "argocd/argocd-redis", "-o", "txt"]);
  const r = await cli([
    "connlist",
    "--focus-workload",
    "argocd/argocd-redis",
    "--focus-workload",
    "nowhere",
    "-o",
    "txt",
  ]);
  assert.equal(r.code, 0);
  assert.ok(one.stdout.length > 0);
  assert.equal(r.stdout, one.stdout);
  assert.match(r.stderr, /note: no workload nowhere in the snapshot\n/);
});

const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels:
      kubernetes.io/metadata.name: shop
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    replicas: 2
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: web
          image: registry.example/web:1
          ports:
          - {containerPort: 8080, name: http, protocol: TCP}
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: db
    namespace: shop
  spec:
    replicas: 1
    selector:
      matchLabels: {app: db}
    template:
      metadata:
        labels: {app: db}
      spec:
        containers:
        - name: db
          image: registry.example/db:1
          ports:
          - {containerPort: 5432, protocol: TCP}
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
  spec:
    selector: {app: web}
    ports:
    - {name: http, port: 80, protocol: TCP, targetPort: http}
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    name: web
    namespace: shop
  spec:
    rules:
    - http:
        paths:
        - path: /
          pathType: Prefix
          backend:
            service: {name: web, port: {name: http}}
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: db-from-web
    namespace: shop
  spec:
    podSelector: {matchLabels: {app: db}}
    policyTypes: [Ingress]
    ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 5432, protocol: TCP}]
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: web-from-anywhere-in-cluster
    namespace: shop
  spec:
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Ingress]
    ingress:
    - from: [{namespaceSelector: {}}]
      ports: [{port: http}]
`;

test("connlist on a kubectl List: an Ingress by named service port reaches the named container port; a policy admitting every namespace admits the ingress controller but not the outside (selectors never select addresses)", async () => {
  const dir = tempDir({ "shop.yaml": LIST });
  const r = await cli(["connlist", "-s", dir, "-o", "txt"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      "shop/db[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "shop/db[Deployment] => shop/web[Deployment] : TCP 8080",
      "shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "shop/web[Deployment] => shop/db[Deployment] : TCP 5432",
      "{ingress-controller} => shop/web[Deployment] : TCP 8080",
      "",
    ].join("\n"),
  );
  // no Calico, no aws-node: no dataplane notes
  assert.equal(r.stderr, "");
});

test("connlist on an EKS capture with the AWS VPC CNI: the lines as netpol-analyzer's; notes that aws-node has no network policy agent (so nothing is enforced) and is host-network", async () => {
  const r = await cli(["connlist", "-s", "test/fixtures/captures/eks-vpc-cni-nlb", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as {
    dataplane: string;
    notes: { code: string; message: string; source: string | null }[];
  };
  assert.equal(json.dataplane, "aws-vpc-cni");
  const agent = json.notes.find((n) => n.code === "vpc-cni-policy-agent");
  assert.match(
    agent?.message ?? "",
    /^aws-node has no aws-eks-nodeagent container .* does not enforce NetworkPolicy here/,
  );
  assert.match(agent?.source ?? "", /^test\/fixtures\/captures\/eks-vpc-cni-nlb\/k8s\/kube-system\.yaml:\d+$/);
  assert.ok(
    json.notes.some((n) => n.code === "host-network" && n.message.startsWith("kube-system/aws-node[DaemonSet]")),
  );
  assert.ok(json.notes.some((n) => n.code === "node-local"));
});

test("connlist -o yaml is a usage error naming connlist's formats", async () => {
  const r = await cli(["connlist", "-o", "yaml"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Allowed choices are text, json, md, txt, csv, dot/);
});
