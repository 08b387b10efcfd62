/**
 * kubectl's namespace habits: -n/--namespace limits the answer (and names the namespace of NAME
 * without NS/), -A/--all-namespaces is every namespace (the default, and it wins over -n, as
 * kubectl's `--all-namespaces` does: staging/src/k8s.io/cli-runtime/pkg/resource/builder.go
 * AllNamespaces ignores the namespace), and --manifest-namespace (or an index file's namespace:)
 * gives namespaceless manifests their namespace, as `kubectl apply -n NS -f` does.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli, tempDir } from "../support/helpers.js";

interface Named {
  readonly namespace: string;
  readonly name: string;
}

async function placeWorkloads(...args: string[]): Promise<{ workloads: Named[]; staticPods: Named[] }> {
  const r = await cli(["place", "-o", "json", ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { workloads: Named[]; staticPods: Named[] };
}

test("kubectl -n: place -n monitoring lists only monitoring's workloads; without -n (as -A) every namespace", async () => {
  const all = await placeWorkloads();
  const monitoring = await placeWorkloads("-n", "monitoring");
  assert.ok(new Set(all.workloads.map((w) => w.namespace)).size > 1);
  assert.ok(monitoring.workloads.length > 0);
  assert.deepEqual(
    monitoring.workloads.map((w) => `${w.namespace}/${w.name}`),
    all.workloads.filter((w) => w.namespace === "monitoring").map((w) => `${w.namespace}/${w.name}`),
  );
  assert.deepEqual(monitoring.staticPods, []);
  const system = await placeWorkloads("-n", "kube-system");
  assert.ok(system.staticPods.length > 0 && system.staticPods.every((p) => p.namespace === "kube-system"));
});

test('kubectl\'s "No resources found in NS namespace.": place -n and snapshot show -n of an empty namespace say so on stderr, exit 0', async () => {
  for (const command of [["place"], ["snapshot", "show"]]) {
    const r = await cli([...command, "-n", "nope", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^podpath: no workloads found in namespace nope$/m);
    assert.deepEqual((JSON.parse(r.stdout) as { workloads: unknown[] }).workloads, []);
  }
  const found = await cli(["place", "-n", "argocd", "-o", "json"]);
  assert.doesNotMatch(found.stderr, /no workloads found/);
});

test("kubectl -A wins over -n: place -A -n monitoring lists every namespace", async () => {
  const all = await placeWorkloads();
  const both = await placeWorkloads("-A", "-n", "monitoring");
  assert.deepEqual(both.workloads.length, all.workloads.length);
});

test("kubectl -n: the text answer is limited too (place -n argocd names no other namespace's workload)", async () => {
  const r = await cli(["place", "-n", "argocd", "-o", "text"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /argocd\/argocd-server/);
  assert.doesNotMatch(r.stdout, /monitoring\/prometheus-grafana|ecoeco\/ecoeco-api/);
});

test("kubectl -n: snapshot show -n argocd lists argocd's workloads only", async () => {
  const r = await cli(["snapshot", "show", "-n", "argocd", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { workloads: Named[]; nodes: unknown[] };
  assert.ok(s.workloads.length > 0 && s.workloads.every((w) => w.namespace === "argocd"));
  assert.ok(s.nodes.length > 0, "nodes are not namespaced: still listed");
});

test("kubectl get NAME -n NS: trace -n ecoeco --from workload:ecoeco-api is workload:ecoeco/ecoeco-api", async () => {
  const short = await cli(["trace", "-n", "ecoeco", "--from", "workload:ecoeco-api", "--to", "internet", "-o", "json"]);
  const full = await cli(["trace", "--from", "workload:ecoeco/ecoeco-api", "--to", "internet", "-o", "json"]);
  assert.equal(short.code, 0, short.stderr);
  assert.equal(short.stdout, full.stdout);
  const service = await cli([
    "trace",
    "-n",
    "messaging",
    "--from",
    "workload:ecoeco/ecoeco-api",
    "--to",
    "service:rabbitmq",
    "-o",
    "json",
  ]);
  assert.equal(service.code, 0, service.stderr);
  assert.equal((JSON.parse(service.stdout) as { to: { endpoint: string } }).to.endpoint, "service:messaging/rabbitmq");
});

test("kubectl refuses a name across all namespaces: trace --from workload:NAME without -n (or with -A) is exit 2", async () => {
  for (const extra of [[], ["-A", "-n", "ecoeco"]]) {
    const r = await cli(["trace", ...extra, "--from", "workload:ecoeco-api", "--to", "internet"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--from workload:ecoeco-api: a name without NAMESPACE\/ needs -n NAMESPACE/);
    assert.equal(r.stdout, "");
  }
});

test("kubectl -n: fix place NAME -n NS is fix place NS/NAME", async () => {
  const short = await cli(["fix", "place", "argocd-server", "-n", "argocd", "--onto", "k8s-master", "-o", "json"]);
  const full = await cli(["fix", "place", "argocd/argocd-server", "--onto", "k8s-master", "-o", "json"]);
  assert.equal(short.code, full.code, short.stderr);
  assert.equal(short.stdout, full.stdout);
});

const NAMESPACELESS =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";

test("kubectl apply -n NS: --manifest-namespace gives namespaceless objects their namespace; -n only filters", async () => {
  const dir = tempDir({ "web.yaml": NAMESPACELESS });
  const placed = await cli(["snapshot", "show", "-s", "web.yaml", "--manifest-namespace", "shop", "-o", "json"], dir);
  assert.equal(placed.code, 0, placed.stderr);
  const s = JSON.parse(placed.stdout) as { workloads: Named[]; files: { namespace: string | null }[] };
  assert.deepEqual(
    s.workloads.map((w) => `${w.namespace}/${w.name}`),
    ["shop/web"],
  );
  // -n no longer places manifests: the object lands in "default", which -n shop leaves out
  const filtered = await cli(["snapshot", "show", "-s", "web.yaml", "-n", "shop", "-o", "json"], dir);
  assert.equal(filtered.code, 0, filtered.stderr);
  assert.deepEqual((JSON.parse(filtered.stdout) as { workloads: Named[] }).workloads, []);
  const plain = await cli(["snapshot", "show", "-s", "web.yaml", "-o", "json"], dir);
  assert.deepEqual(
    (JSON.parse(plain.stdout) as { workloads: Named[] }).workloads.map((w) => w.namespace),
    ["default"],
  );
});

test("an index file's namespace: still gives its entry's objects their namespace", async () => {
  const dir = tempDir({
    "web.yaml": NAMESPACELESS,
    "podpath.yaml": "kubernetes:\n  - path: web.yaml\n    namespace: shop\n",
  });
  const r = await cli(["snapshot", "show", "-s", ".", "-o", "json"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    (JSON.parse(r.stdout) as { workloads: Named[] }).workloads.map((w) => `${w.namespace}/${w.name}`),
    ["shop/web"],
  );
});

test("--help says what -n, -A and --manifest-namespace do", async () => {
  const r = await cli(["place", "--help"]);
  const help = r.stdout.replace(/\s+/g, " ");
  assert.match(help, /-n, --namespace <ns> answer for this namespace only, as kubectl -n/);
  assert.match(help, /-A, --all-namespaces every namespace, as kubectl -A/);
  assert.match(help, /--manifest-namespace <ns> namespace for objects that carry none/);
});
