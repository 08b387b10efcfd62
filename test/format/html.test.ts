/**
 * `podpath report -o html` (src/format/html/): one self-contained page. Checked here without a
 * browser (the browser tests open it in Chromium): its structure and the test hooks the browser
 * tests use, escaping (HTML Standard §13.3 "Escaping a string"), that it references nothing
 * outside itself, that it is deterministic and prints no Secret data or env value, the golden
 * page of the example, and the fragments `podpath serve` builds on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { writeSyntheticCluster } from "../../bench/synthetic.js";
import { parseEndpoint } from "../../src/analysis/paths/endpoints.js";
import { esc } from "../../src/format/html/escape.js";
import { renderPlaceHtml, renderReportHtml, renderTraceHtml } from "../../src/format/html/index.js";
import { MATRIX_MAX_NODES } from "../../src/format/html/placement-matrix.js";
import { SCRIPT } from "../../src/format/html/script.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { answerPlace } from "../../src/questions/place.js";
import { answerReport } from "../../src/questions/report.js";
import { answerTrace } from "../../src/questions/trace.js";
import { cli, EXAMPLE, golden, REPO, tempDir } from "../support/helpers.js";

const snapshot = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });

let page: Promise<string> | undefined;
/** The example's page, through the CLI (once). */
function examplePage(): Promise<string> {
  page ??= cli(["report", "-o", "html"]).then((r) => {
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  });
  return page;
}

/** Every start tag carrying `data-testid="ID"`, its attributes decoded. */
function hooks(html: string, id: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of html.matchAll(/<[a-z]+((?:\s+[a-z-:]+(?:="[^"]*")?)*)\s*>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([a-z-:]+)(?:="([^"]*)")?/g)) attrs[a[1]!] = unescape(a[2] ?? "");
    if (attrs["data-testid"] === id) out.push(attrs);
  }
  return out;
}

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

test("HTML Standard §13.3 escaping a string: & < > in text, and \" (and ') in attribute values", () => {
  const table: [string, string][] = [
    ["plain", "plain"],
    ["a & b", "a &amp; b"],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    ['"><script>', "&quot;&gt;&lt;script&gt;"],
    ["it's", "it&#39;s"],
    ["&amp;", "&amp;amp;"],
  ];
  for (const [input, want] of table) assert.equal(esc(input), want, input);
});

test("the example's page: a document with every section, the cluster map showing every node (data-testid=node, data-node)", async () => {
  const html = await examplePage();
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.ok(html.endsWith("</html>\n"));
  for (const id of ["map", "placement", "paths", "egress", "connectivity", "exposure", "lint", "recommendations"])
    assert.match(html, new RegExp(`<section class="part" id="${id}">`), id);
  const nodes = hooks(html, "node").map((n) => n["data-node"]);
  assert.deepEqual(nodes.sort(), snapshot.kubernetes.nodes.map((n) => n.name).sort());
  // the VPC around them: route tables, the internet and NAT gateways, the load balancer
  assert.match(html, /route table rtb-0ecoeco0000000003/);
  assert.match(html, /internet gateway igw-0ecoeco0000000001/);
  assert.match(html, /NAT gateway nat-0ecoeco0000000001/);
  assert.equal(hooks(html, "load-balancer")[0]?.["data-lb"], "k8s-ecoeco-3f9c2a71b4");
  // keyboard and print (WCAG 2.2 SC 2.4.7 Focus Visible; CSS @media print): a focus ring, focusable map nodes, a print stylesheet
  assert.match(html, /:focus-visible\{outline:3px solid/);
  assert.ok(hooks(html, "node").every((n) => n["tabindex"] === "0"));
  assert.match(html, /@media print\{\n {2}nav\.toc\{display:none\}/);
  // the SVG is laid out here: no layout library, no script builds it
  assert.match(html, /<svg class="map" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
});

test("kube-scheduler Filter verdicts in the placement matrix: one cell per workload × node, the reason in its title, a reason panel", async () => {
  const html = await examplePage();
  const cells = hooks(html, "placement-cell");
  const place = answerPlace(snapshot, {}).result;
  assert.equal(cells.length, place.workloads.length * snapshot.kubernetes.nodes.length);
  for (const c of cells) {
    assert.match(c["data-workload"] ?? "", /^[a-z0-9-]+\/[a-z0-9-]+$/);
    assert.ok(["runs", "predicted", "feasible", "rejected", "not-targeted"].includes(c["data-verdict"] ?? ""));
    assert.ok((c["title"] ?? "").length > 0);
    assert.equal(c["tabindex"], "0");
  }
  // TaintToleration (plugins/tainttoleration): the control-plane taint keeps argocd-server off k8s-master
  const master = cells.find((c) => c["data-workload"] === "argocd/argocd-server" && c["data-node"] === "k8s-master")!;
  assert.equal(master["data-verdict"], "rejected");
  assert.match(
    master["title"]!,
    /TaintToleration: node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \} .*\(examples\/ecoeco\/k8s\/nodes\.yaml:33\)/,
  );
  const runs = cells.find((c) => c["data-workload"] === "argocd/argocd-server" && c["data-node"] === "k8s-worker-1")!;
  assert.equal(runs["data-verdict"], "runs");
  assert.match(runs["title"]!, /runs on k8s-worker-1: argocd-server-/);
  assert.equal(hooks(html, "reason").length, 1);
  assert.equal(hooks(html, "map-detail").length, 1);
});

test("each exposed path hop by hop: data-testid=hop per step, the packet before and after each NAT, the final source, file:line", async () => {
  const html = await examplePage();
  const argocd = html.slice(html.indexOf("priority 1: host growbin.app, path /argocd"));
  const section = argocd.slice(argocd.indexOf('<section class="path"'), argocd.indexOf("</section>"));
  const hops = hooks(section, "hop");
  const trace = answerTrace(snapshot, {
    from: parseEndpoint("internet"),
    to: parseEndpoint("url:https://growbin.app/argocd"),
  }).analysis;
  assert.equal(hops.length, trace.hops.length + trace.return.hops.length);
  assert.ok(hops.every((h) => h["data-dropped"] === undefined));
  assert.match(section, /<strong data-testid="final-source">10\.0\.1\.11<\/strong>/);
  // kube-proxy's DNAT to the pod, then its MASQUERADE (SNAT) after the policy: the packet before and after each
  assert.match(
    section,
    /<span class="lbl">before<\/span> <code>10\.0\.2\.57:49152 → 10\.0\.1\.11:30080 TCP<\/code> <span class="lbl">after<\/span> <code class="changed">10\.0\.2\.57:49152 → 192\.168\.230\.3:8080 TCP<\/code>/,
  );
  assert.match(
    section,
    /<span class="lbl">before<\/span> <code>10\.0\.2\.57:49152 → 192\.168\.230\.3:8080 TCP<\/code> <span class="lbl">after<\/span> <code class="changed">10\.0\.1\.11:49152 → 192\.168\.230\.3:8080 TCP<\/code>/,
  );
  assert.match(section, /<span class="src">examples\/ecoeco\/k8s\/services\.yaml:206<\/span>/);
  // the devices as an SVG chain: the internet gateway and kube-proxy's node marked NAT, none dropped
  const chain = /<svg class="chain"[^]*?<\/svg>/.exec(section)?.[0] ?? "";
  assert.match(chain, /<g class="dev nat"><title>internet-gateway igw-0ecoeco0000000001: internet-gateway<\/title>/);
  assert.match(chain, /<g class="dev nat"><title>node k8s-worker-1: kube-proxy, network-policy<\/title>/);
  assert.doesNotMatch(chain, /dev dropped/);
});

test("a dropped trace (the VPC has no route to a Calico pod address: TARGET_NOT_ROUTABLE): the dropping hop has data-dropped=true, no final source", () => {
  const answer = answerTrace(snapshot, {
    from: parseEndpoint("ip:10.0.2.57"),
    to: parseEndpoint("ip:192.168.230.3"),
    port: 8080,
  });
  assert.equal(answer.analysis.verdict, "dropped");
  const html = renderTraceHtml(answer);
  assert.match(html, /^<section class="path" data-testid="path" data-verdict="dropped"/);
  assert.ok(html.endsWith("</section>"));
  const dropped = hooks(html, "hop").filter((h) => h["data-dropped"] === "true");
  assert.equal(dropped.length, 1);
  assert.equal(dropped[0]!["data-action"], "drop");
  assert.match(html, /TARGET_NOT_ROUTABLE/);
  // the device chain (inline SVG): the dropping device in red, nothing after it
  const chain = /<svg class="chain"[^]*?<\/svg>/.exec(html)?.[0] ?? "";
  assert.match(chain, /<g class="dev dropped"><title>[^<]*<\/title>[^]*<\/g><\/svg>$/);
  assert.match(html, /<strong data-testid="final-source" data-none="true">none<\/strong>/);
});

test("renderPlaceHtml: the matrix of a place answer alone, one cell per workload × node it names", () => {
  const answer = answerPlace(snapshot, { workload: "monitoring/prometheus-grafana" });
  const html = renderPlaceHtml(answer);
  assert.match(html, /^<section class="placement" data-testid="placement">/);
  const cells = hooks(html, "placement-cell");
  assert.deepEqual(
    cells.map((c) => `${c["data-workload"]} ${c["data-node"]} ${c["data-verdict"]}`),
    [
      "monitoring/prometheus-grafana k8s-master rejected",
      "monitoring/prometheus-grafana k8s-worker-1 runs",
      "monitoring/prometheus-grafana k8s-worker-2 feasible",
    ],
  );
});

test("offline: no external reference — no <script src>, <link>, <img>, <iframe>, url() or @import; every href is a #fragment; http(s) only in displayed text", async () => {
  const html = await examplePage();
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
  assert.doesNotMatch(html, /<link[\s>]/i);
  assert.doesNotMatch(html, /<(img|iframe|object|embed|audio|video|source|base|form)[\s>]/i);
  assert.doesNotMatch(html, /url\(|@import/i);
  for (const m of html.matchAll(/\s(href|src|srcset|action|xlink:href|poster|data)="([^"]*)"/gi))
    assert.match(m[2]!, /^#[a-z0-9-]+$/, `${m[1]}="${m[2]}"`);
  // each http(s) occurrence is text of the snapshot (the traced URL, a reason, a note), never inside a tag
  // but in a title or aria-label (displayed text)
  const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0]);
  for (const tag of tags.filter((t) => /https?:\/\//.test(t))) {
    const stripped = tag.replace(/\s(title|aria-label)="[^"]*"/g, "");
    assert.doesNotMatch(stripped, /https?:\/\//, tag.slice(0, 200));
  }
  assert.match(html, /<style>[^<]*<\/style>/);
  assert.equal([...html.matchAll(/<script>/g)].length, 1);
});

test("escaping: label, taint and nodeSelector values like <img src=x onerror=alert(1)> are text, never markup; env values never printed", async () => {
  const dir = tempDir({
    "cluster.yaml": `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: node-a
    labels:
      kubernetes.io/hostname: node-a
      topology.kubernetes.io/zone: "<script>alert(2)</script>"
      evil: "<img src=x onerror=alert(1)>"
  spec:
    taints:
    - key: dedicated
      value: "\\"><img src=x onerror=alert(3)>"
      effect: NoSchedule
  status:
    allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
    capacity: {cpu: "4", memory: 8Gi, pods: "110"}
    addresses:
    - {type: InternalIP, address: 10.0.1.10}
    conditions:
    - {type: Ready, status: "True"}
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: default
  spec:
    replicas: 1
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        nodeSelector:
          evil: "<img src=x onerror=alert(4)>"
        containers:
        - name: web
          image: nginx
          env:
          - name: PASSWORD
            value: "hunter2-not-printed"
`,
  });
  const r = await cli(["report", "-o", "html", "-s", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /<img|<script>alert|"><img/);
  assert.match(r.stdout, /evil=&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(r.stdout, /dedicated=&quot;&gt;&lt;img src=x onerror=alert\(3\)&gt;:NoSchedule/);
  assert.match(r.stdout, /zone &lt;script&gt;alert\(2\)&lt;\/script&gt;/);
  // the nodeSelector's value reaches the page through the scheduler's reason, escaped
  const cell = hooks(r.stdout, "placement-cell")[0]!;
  assert.equal(cell["data-verdict"], "rejected");
  assert.match(cell["title"]!, /NodeAffinity/);
  assert.doesNotMatch(r.stdout, /hunter2-not-printed|PASSWORD/);
});

test("no Secret data or env value of the example on the page", async () => {
  const html = await examplePage();
  assert.doesNotMatch(
    html,
    /RVhBTVBMRS1OT1Qt|EXAMPLE-NOT-A-REAL|AWS_SECRET_ACCESS_KEY|RABBITMQ_DEFAULT_PASS|GF_SECURITY_ADMIN_PASSWORD|helm-working-dir/,
  );
});

test("deterministic: the same snapshot gives the same bytes; the golden page of the example", async () => {
  const a = await examplePage();
  const b = renderReportHtml(answerReport(snapshot, { lang: "en", page: true }));
  assert.equal(b, a);
  assert.equal(a, golden("report.ecoeco.html", a));
  // small: the example's page stays well under a megabyte
  assert.ok(a.length < 600_000, `${a.length} bytes`);
});

test("podpath serve's markup goes at the end of <head> and the start of <main>", () => {
  const html = renderReportHtml(answerReport(snapshot, { lang: "en" }), {
    live: { head: '<meta name="live" content="1">', body: '<div id="live-form"></div>' },
  });
  assert.match(html, /<meta name="live" content="1"><\/head>/);
  assert.match(html, /<main>\n<div id="live-form"><\/div><section class="part" id="map">/);
  // without ReportInput.page the connectivity and exposure views say they were not computed
  assert.match(
    html,
    /<section class="part" id="connectivity"><h2>5\. Connectivity \(NetworkPolicy\)<\/h2>\n<p>Not computed/,
  );
});

test("the inline script runs on a page with none of its elements (a fragment) without throwing", () => {
  const listeners: Record<string, ((e: unknown) => void)[]> = {};
  const on = (type: string, f: (e: unknown) => void): void => {
    (listeners[type] ??= []).push(f);
  };
  runInNewContext(SCRIPT, {
    document: { addEventListener: on, querySelectorAll: () => [] },
    window: { addEventListener: on },
  });
  assert.deepEqual(Object.keys(listeners).sort(), ["beforeprint", "click", "focusin", "keydown"]);
  const nothing = { closest: () => null, matches: () => false };
  listeners["click"]![0]!({ target: nothing });
  listeners["keydown"]![0]!({ target: nothing, key: "Enter" });
  listeners["focusin"]![0]!({ target: nothing });
  listeners["focusin"]![0]!({ target: null });
  listeners["beforeprint"]![0]!({});
});

test(`a cluster of more than ${MATRIX_MAX_NODES} nodes: the matrix has one column per node group (data-group), the map every node`, async () => {
  const dir = tempDir();
  await writeSyntheticCluster(dir, { nodes: MATRIX_MAX_NODES + 5, pods: 300 });
  const r = await cli(["report", "-o", "html", "-s", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(hooks(r.stdout, "node").length, MATRIX_MAX_NODES + 5);
  const cells = hooks(r.stdout, "placement-cell");
  assert.ok(cells.length > 0);
  assert.ok(cells.every((c) => c["data-group"] !== undefined && c["data-node"] === undefined));
});

test("DaemonSet controller NodeShouldRunDaemonPod (pkg/controller/daemon): a node whose NoSchedule taint the DaemonSet does not tolerate is not-targeted, its other nodes get a pod each", async () => {
  const dir = tempDir();
  // bench/synthetic.ts: log-agent tolerates nothing; a tenth of the nodes carry nvidia.com/gpu:NoSchedule
  await writeSyntheticCluster(dir, { nodes: 30, pods: 200 });
  const r = await cli(["report", "-o", "html", "-s", dir]);
  assert.equal(r.code, 0, r.stderr);
  const cells = hooks(r.stdout, "placement-cell").filter((c) => c["data-workload"] === "logging/log-agent");
  assert.equal(cells.length, 30);
  const skipped = cells.filter((c) => c["data-verdict"] === "not-targeted");
  assert.ok(skipped.length > 0);
  for (const c of skipped)
    assert.match(
      c["title"]!,
      /^the DaemonSet controller makes no DaemonSet logging\/log-agent pod for node-\d+: taint: untolerated taint nvidia\.com\/gpu=present:NoSchedule \(.*nodes\.json:\d+\)$/,
    );
  assert.ok(cells.filter((c) => c["data-verdict"] !== "not-targeted").every((c) => c["data-verdict"] === "predicted"));
});
