/**
 * `podpath report -o md` through the CLI: the embedded example's report in English and Korean
 * (golden files), what it must say where a hand-written analysis of the same cluster went wrong,
 * Mermaid blocks GitHub can render, and the usage errors.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeSyntheticCluster } from "../../bench/synthetic.js";
import { cli, golden, REPO } from "../support/helpers.js";

for (const lang of ["en", "ko"] as const) {
  test(`golden: podpath report -o md --lang ${lang} on the embedded example`, async () => {
    const r = await cli(["report", "-o", "md", "--lang", lang]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, golden(`report.ecoeco.${lang}.md`, r.stdout));
  });
}

test("npm start prints the report of the embedded example (package.json start = podpath report -o md)", async () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> };
  assert.match(pkg.scripts["start"]!, /podpath\.js report -o md$/);
  const r = await cli(["report", "-o", "md"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# podpath report\n/);
  // without -o the report is still Markdown (it has no other format yet)
  const plain = await cli(["report"]);
  assert.equal(plain.stdout, r.stdout);
});

test("the report is deterministic: the same snapshot gives the same bytes", async () => {
  const a = await cli(["report", "--lang", "ko"]);
  const b = await cli(["report", "--lang", "ko"]);
  assert.equal(a.stdout, b.stdout);
});

test("TaintToleration (kube-scheduler plugins/tainttoleration/taint_toleration.go Filter): Argo CD tolerates no control-plane taint, so it does not run on k8s-master — the report says No, citing the taint", async () => {
  const r = await cli(["report"]);
  const section = r.stdout.slice(r.stdout.indexOf("### Does namespace argocd run on the control-plane"));
  assert.match(
    section,
    /^### Does namespace argocd run on the control-plane node group \(k8s-master\)\?\n\n\*\*No\*\* — none of its 7 workloads has a pod there\.\n- kept off: .*argocd-server — TaintToleration: .*taint node-role\.kubernetes\.io\/control-plane:NoSchedule \(examples\/ecoeco\/k8s\/nodes\.yaml:33\)/,
  );
  // node-exporter tolerates it (DaemonSet with operator Exists): monitoring runs there only partly
  assert.match(
    r.stdout,
    /### Does namespace monitoring run on the control-plane node group \(k8s-master\)\?\n\n\*\*Partly\*\* — running there: prometheus-prometheus-node-exporter/,
  );
});

test("the reply of a NodePort backend is un-NATed by conntrack (kube-proxy pkg/proxy/iptables/proxier.go KUBE-POSTROUTING MASQUERADE), not by Calico natOutgoing (felix/rules/nat.go applies to pod-initiated flows)", async () => {
  const r = await cli(["report"]);
  const argocd = r.stdout.slice(r.stdout.indexOf("### k8s-ecoeco-3f9c2a71b4 HTTPS:443: priority 1"));
  assert.match(argocd, /- backend: pod argocd\/argocd-server-\S+ \(examples\/ecoeco\/k8s\/pods\.yaml:\d+\)/);
  assert.match(argocd, /- NAT on the way in: .*kube-proxy: SNAT 10\.0\.2\.57 → 10\.0\.1\.11/);
  assert.match(
    argocd,
    /Yes — the pod sees the source 10\.0\.1\.11; its reply comes back, and the client sees it from 203\.0\.113\.45\./,
  );
  assert.match(argocd, /Calico natOutgoing does not touch it/);
  assert.doesNotMatch(argocd.slice(0, argocd.indexOf("```mermaid")), /calico-natoutgoing/);
});

test("recommendations are verified by re-running: fix place for a toleration + nodeSelector, and a toleration alone is said not to be enough", async () => {
  const r = await cli(["report"]);
  const rec = r.stdout.slice(
    r.stdout.indexOf("### Running monitoring/prometheus-grafana on the control-plane node group"),
  );
  assert.match(
    rec,
    /A toleration alone is not enough: re-run with only the toleration, the feasible nodes are k8s-master, k8s-worker-1, k8s-worker-2, so the pods may still land on k8s-worker-1, k8s-worker-2\./,
  );
  assert.match(rec, /\*\*Verified\*\*: re-run with the change, the only feasible nodes are k8s-master\./);
  assert.match(rec, /--set 'grafana\.tolerations\[0\]\.key=node-role\.kubernetes\.io\/control-plane'/);
});

test("NetworkPolicy namespaceSelector (networking.k8s.io/v1; kubernetes.io/metadata.name set by pkg/apis/core/v1/defaults.go SetDefaults_Namespace): the egress policy keeps DNS and the cluster's pods, drops the internet, keeps the ALB's reply — each re-traced", async () => {
  const r = await cli(["report"]);
  const rec = r.stdout.slice(r.stdout.indexOf("### An egress NetworkPolicy for namespace monitoring"));
  assert.match(
    rec,
    /`workload:monitoring\/prometheus-grafana → service:kube-system\/kube-dns UDP\/53` \| delivered, reply back \| delivered; reply: returns \(conntrack\) \| as expected/,
  );
  assert.match(
    rec,
    /`workload:monitoring\/prometheus-grafana → pod:\S+ TCP\/\d+` \| delivered, reply back \| delivered; reply: returns \(conntrack\) \| as expected/,
  );
  assert.match(
    rec,
    /`workload:monitoring\/prometheus-grafana → internet TCP\/443` \| dropped \| dropped: NETWORK_POLICY_EGRESS at network-policy:monitoring\/allow-egress-in-cluster-and-vpc \| as expected/,
  );
  assert.match(
    rec,
    /`internet → url:https:\/\/growbin\.app\/grafana` \| delivered, reply back \| delivered; reply: returns \(conntrack\) \| as expected/,
  );
  assert.match(rec, /\*\*Verified\*\*: every re-run trace shows what the policy is meant to do\./);
  assert.match(
    rec,
    /a namespaceSelector on `name: kube-system` matches no namespace of this cluster — re-run with it, DNS is dropped \(NETWORK_POLICY_EGRESS/,
  );
});

test("Mermaid blocks GitHub can parse: sequenceDiagram, declared participants, arrows and notes only, no statement-ending characters in texts", async () => {
  for (const lang of ["en", "ko"]) {
    const r = await cli(["report", "--lang", lang]);
    const blocks = [...r.stdout.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    assert.ok(blocks.length >= 5, `${lang}: ${blocks.length} diagrams`);
    for (const block of blocks) {
      const lines = block.trimEnd().split("\n");
      assert.equal(lines[0], "sequenceDiagram");
      const declared = new Set<string>();
      for (const line of lines.slice(1)) {
        const participant = /^ {4}participant (P\d+) as ([^;#\n]+)$/.exec(line);
        if (participant) {
          declared.add(participant[1]!);
          continue;
        }
        const arrow = /^ {4}(P\d+)(->>|-->>)(P\d+): ([^;#]+)$/.exec(line);
        const note = /^ {4}Note over (P\d+): ([^;#]+)$/.exec(line);
        assert.ok(arrow || note, `${lang}: not a simple Mermaid statement: ${line}`);
        for (const p of arrow ? [arrow[1]!, arrow[3]!] : [note![1]!]) assert.ok(declared.has(p), `${p} undeclared`);
      }
    }
  }
});

test("Markdown tables keep their columns: every row has as many cells as its header", async () => {
  const r = await cli(["report", "--lang", "ko"]);
  const lines = r.stdout.split("\n");
  const cells = (l: string) => l.replace(/\\\|/g, "").split("|").length;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith("| ") || !lines[i + 1]?.startsWith("| --- ")) continue;
    const width = cells(lines[i]!);
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith("|"); j++)
      assert.equal(cells(lines[j]!), width, `line ${j + 1}: ${lines[j]}`);
  }
});

test("podpath report -o html writes one page (exit 0); -o text is a usage error; an unknown --lang is a usage error", async () => {
  const html = await cli(["report", "-o", "html"]);
  assert.equal(html.code, 0);
  assert.match(html.stdout, /^<!DOCTYPE html>\n/);
  const text = await cli(["report", "-o", "text"]);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /Allowed choices are md, html/);
  const lang = await cli(["report", "--lang", "fr"]);
  assert.equal(lang.code, 2);
  assert.match(lang.stderr, /Allowed choices are en, ko/);
  // the page has no Korean catalog yet: said, not silently English
  assert.doesNotMatch(html.stderr, /English only/);
  const ko = await cli(["report", "-o", "html", "--lang", "ko"]);
  assert.equal(ko.code, 0);
  assert.equal(ko.stdout, html.stdout);
  assert.match(ko.stderr, /note: the HTML page is in English only; --lang ko applies to -o md/);
});

test("the report never prints a secret of the example", async () => {
  for (const lang of ["en", "ko"]) {
    const r = await cli(["report", "--lang", lang]);
    assert.doesNotMatch(r.stdout, /AWS_SECRET_ACCESS_KEY|RABBITMQ_DEFAULT_PASS|GF_SECURITY_ADMIN_PASSWORD/);
  }
});

test("an NLB of a Service of type LoadBalancer (aws-load-balancer-controller pkg/service): traced from the internet through the Service; on the VPC CNI no Calico sentence; no tainted group, so no placement question", async () => {
  const r = await cli(["report", "-s", "test/fixtures/captures/eks-vpc-cni-nlb"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /### k8s-web-webnlb-3e9a7c21f0 TCP:80: Service web\/web-nlb\n/);
  assert.match(r.stdout, /- traced: `internet` → `service:web\/web-nlb`/);
  assert.match(
    r.stdout,
    /\| ng-general \| ip-10-20-10-21\.ec2\.internal, ip-10-20-11-34\.ec2\.internal \| `eks\.amazonaws\.com\/nodegroup=ng-general` \|/,
  );
  assert.match(r.stdout, /No node group is tainted/);
  assert.doesNotMatch(r.stdout, /natOutgoing/);
});

test("Calico natOutgoing (felix/rules/nat.go cali-nat-outgoing: every destination outside the IP pools): a VPC address sees the node's IP, not the pod's — answered with the pool's file:line", async () => {
  const r = await cli(["report"]);
  assert.match(
    r.stdout,
    /\*\*Which source IP does a VPC address \(another node's kubelet\) see from a pod on the worker nodes\?\*\*\n\n`10\.0\.1\.11` — rewritten on the way: calico-natoutgoing 192\.168\.230\.4 → 10\.0\.1\.11 \(examples\/ecoeco\/k8s\/calico\.yaml:\d+\)\./,
  );
  // the static control-plane pods are named where the kube-system question is answered
  assert.match(
    r.stdout,
    /- static pods there \(started by the kubelet, never scheduled\): etcd-k8s-master \(examples\/ecoeco\/k8s\/pods\.yaml:\d+\)/,
  );
});

test("node groups by taint (kube-scheduler plugins/tainttoleration Filter decides per taint): a GPU worker added with --with is its own group, asked about per namespace; a DaemonSet's pod there is predicted, not running", async () => {
  const r = await cli(["report", "-w", "test/fixtures/what-if/gpu-worker.yaml"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /\| nvidia\.com\/gpu \| k8s-gpu-1 \| taint `nvidia\.com\/gpu=true:NoSchedule` \(test\/fixtures\/what-if\/gpu-worker\.yaml:\d+\) \|/,
  );
  assert.match(r.stdout, /\| workload \| control-plane \| nvidia\.com\/gpu \| workers \|/);
  assert.match(
    r.stdout,
    /### Does namespace argocd run on the nvidia\.com\/gpu node group \(k8s-gpu-1\)\?\n\n\*\*No\*\* — none of its 7 workloads has a pod there\.\n- kept off: .* — TaintToleration: node\(s\) had untolerated taint \{nvidia\.com\/gpu: true\}/,
  );
  assert.match(
    r.stdout,
    /\| DaemonSet kube-system\/calico-node \(examples\/ecoeco\/k8s\/daemonsets\.yaml:3\) \| runs \(1 pod: k8s-master\) \| would run \(1 pod not running yet, predicted: k8s-gpu-1\) \|/,
  );
  // no label selects the GPU node alone: no placement recommendation onto it
  assert.doesNotMatch(r.stdout, /### Running .* on the nvidia\.com\/gpu node group/);
});

test("at scale a node list stays one short cell: the first names, then how many more (a generated 60-node cluster)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "podpath-report-"));
  try {
    await writeSyntheticCluster(dir, { nodes: 60, pods: 600 });
    const r = await cli(["report", "-s", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^\| workers \S* ?\|? ?[^|]*node-\d+, node-\d+, node-\d+, node-\d+, node-\d+, node-\d+, … \(\+\d+\) \|/m,
    );
    for (const line of r.stdout.split("\n"))
      assert.ok(line.length <= 2000, `${line.length} columns: ${line.slice(0, 120)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("podpath report --help shows the report's own default format, no other", async () => {
  const r = await cli(["report", "--help"]);
  assert.equal(r.code, 0);
  assert.match(
    r.stdout,
    /-o, --output <format>\s+output format: md \(the default\), or\s+html \(one\s+self-contained\s+page\)/,
  );
  assert.doesNotMatch(r.stdout, /text on a terminal/);
});
