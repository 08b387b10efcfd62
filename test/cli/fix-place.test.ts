/**
 * `podpath fix place` on the embedded example: the seed's "put Grafana (and Argo CD) on the
 * master" answered correctly — a toleration for the control-plane taint AND a nodeSelector, since
 * a toleration alone never moves a pod — and verified by re-running placement.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli, golden } from "../support/helpers.js";
import type { FixPlaceJson } from "../../src/questions/fix-place.js";

type FixJson = FixPlaceJson;

const CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
const TOLERATION = { key: CONTROL_PLANE, operator: "Exists", effect: "NoSchedule" };

async function fixJson(args: string[]): Promise<FixJson> {
  const r = await cli(["fix", "place", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as FixJson;
}

for (const workload of ["monitoring/prometheus-grafana", "argocd/argocd-server"]) {
  test(`fix place ${workload} --onto ${CONTROL_PLANE}: the toleration AND the nodeSelector; k8s-master the only feasible node after`, async () => {
    const r = await fixJson([workload, "--onto", CONTROL_PLANE]);
    assert.equal(r.workload, workload);
    assert.deepEqual(r.targetNodes, ["k8s-master"]);
    assert.deepEqual(r.before.feasibleNodes, ["k8s-worker-1", "k8s-worker-2"]);
    assert.deepEqual(
      r.before.nodes.find((n) => n.node === "k8s-master")!.reasons.map((x) => [x.plugin, x.source]),
      [["TaintToleration", "examples/ecoeco/k8s/nodes.yaml:33"]],
    );
    assert.deepEqual(r.change.tolerations, [TOLERATION]);
    assert.deepEqual(r.change.nodeSelector, { [CONTROL_PLANE]: "" });
    assert.equal(r.change.nodeAffinity, null);
    assert.deepEqual(r.change.replaces, []);
    assert.match(
      r.patch!,
      /^spec:\n {2}template:\n {4}spec:\n {6}nodeSelector:\n {8}node-role\.kubernetes\.io\/control-plane: ""\n {6}tolerations:\n {8}- key: node-role\.kubernetes\.io\/control-plane\n {10}operator: Exists\n {10}effect: NoSchedule\n$/,
    );
    assert.deepEqual(r.after.feasibleNodes, ["k8s-master"]);
    assert.deepEqual(
      r.after.nodes.map((n) => n.node),
      ["k8s-worker-1", "k8s-worker-2"],
    );
    assert.equal(r.verified, true);
  });
}

test("grafana comes from kube-prometheus-stack: helm upgrade with grafana.* values; Argo CD from the plain manifest: no helm", async () => {
  const grafana = await fixJson(["monitoring/prometheus-grafana", "--onto", CONTROL_PLANE]);
  assert.match(
    grafana.helm!,
    /^helm upgrade prometheus prometheus-community\/kube-prometheus-stack -n monitoring --version 65\.1\.1 --reuse-values \\\n/,
  );
  assert.match(grafana.helm!, /--set 'grafana\.tolerations\[0\]\.key=node-role\.kubernetes\.io\/control-plane'/);
  assert.match(grafana.helm!, /--set-string 'grafana\.nodeSelector\.node-role\\\.kubernetes\\\.io\/control-plane='/);
  assert.equal(
    grafana.kubectl,
    `kubectl patch deployment prometheus-grafana -n monitoring --type=merge -p '{"spec":{"template":{"spec":{"nodeSelector":{"node-role.kubernetes.io/control-plane":""},"tolerations":[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"}]}}}}'`,
  );
  const argocd = await fixJson(["argocd/argocd-server", "--onto", CONTROL_PLANE]);
  assert.equal(argocd.helm, null);
  // the existing kubernetes.io/os: linux is kept: the merge patch only adds a key
  assert.doesNotMatch(argocd.patch!, /kubernetes\.io\/os/);
});

test("Prometheus (a StatefulSet prometheus-operator makes): the patch goes to the Prometheus resource", async () => {
  const r = await fixJson(["monitoring/prometheus-prometheus-kube-prometheus-prometheus", "--onto", "k8s-master"]);
  assert.deepEqual(r.patchTarget, {
    kind: "Prometheus",
    namespace: "monitoring",
    name: "prometheus-kube-prometheus-prometheus",
    path: "spec",
  });
  assert.match(
    r.kubectl!,
    /^kubectl patch prometheus prometheus-kube-prometheus-prometheus -n monitoring --type=merge/,
  );
  assert.match(r.helm!, /prometheus\.prometheusSpec\.tolerations\[0\]\.key=/);
  assert.deepEqual(r.after.feasibleNodes, ["k8s-master"]);
  assert.equal(r.verified, true);
});

for (const format of ["text", "json"] as const) {
  test(`golden: fix place monitoring/prometheus-grafana --onto ${CONTROL_PLANE} -o ${format}`, async () => {
    const r = await cli(["fix", "place", "monitoring/prometheus-grafana", "--onto", CONTROL_PLANE, "-o", format]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, golden(`fix-place.grafana.${format === "text" ? "txt" : format}`, r.stdout));
  });
}

test("text has the sections in order; md has them as headings and fenced blocks", async () => {
  const text = await cli(["fix", "place", "monitoring/prometheus-grafana", "--onto", CONTROL_PLANE, "-o", "text"]);
  const order = [
    "Why not there now",
    "The change",
    "YAML patch",
    "kubectl",
    "helm (",
    "Verified: feasible nodes after the change: k8s-master",
  ];
  const at = order.map((s) => text.stdout.indexOf(`\n${s}`));
  assert.ok(
    at.every((i, n) => i > 0 && (n === 0 || i > at[n - 1]!)),
    `sections out of order: ${at.join(", ")}`,
  );
  const md = await cli(["fix", "place", "argocd/argocd-server", "--onto", CONTROL_PLANE, "-o", "md"]);
  assert.equal(md.code, 0, md.stderr);
  for (const heading of ["## Why not there now", "## The change", "## YAML patch", "## kubectl"])
    assert.ok(md.stdout.includes(`\n${heading}\n`), heading);
  assert.ok(!md.stdout.includes("## helm"));
  assert.match(md.stdout, /```yaml\nspec:\n/);
  assert.match(md.stdout, /\*\*Verified: feasible nodes after the change: k8s-master \(exactly the target nodes\)\*\*/);
});

test("an unknown workload is exit 2 with a message naming it", async () => {
  const r = await cli(["fix", "place", "monitoring/nope", "--onto", CONTROL_PLANE]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /podpath: no workload monitoring\/nope in the snapshot; workloads in monitoring: [^\n]*prometheus-grafana/,
  );
  assert.equal(r.stdout, "");
});

test("a selector naming no node is exit 2, listing the nodes", async () => {
  const r = await cli(["fix", "place", "monitoring/prometheus-grafana", "--onto", "node-role.kubernetes.io/gpu"]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /podpath: --onto "node-role\.kubernetes\.io\/gpu" selects no node; the snapshot's nodes: k8s-master, k8s-worker-1, k8s-worker-2/,
  );
  assert.equal(r.stdout, "");
});

test("--onto is required (usage error, exit 2)", async () => {
  const r = await cli(["fix", "place", "monitoring/prometheus-grafana"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /required option '--onto <selector>' not specified/);
});

test("fix place is not verified while replicas stay Pending after the change: the nodes' room (NodeResourcesFit) or a DoNotSchedule spread keeps one Pending though the filters admit exactly the targets", async () => {
  const FIXTURE = "test/fixtures/placement-readable";
  for (const [workload, reason] of [
    ["shop/batch", "2 Insufficient cpu."],
    ["shop/spread", "2 node(s) didn't match pod topology spread constraints."],
  ] as const) {
    const r = await cli(["fix", "place", workload, "--onto", "worker-1,worker-2", "-s", FIXTURE, "-o", "json"]);
    assert.equal(r.code, 1, "an unverified fix is a finding");
    const fix = JSON.parse(r.stdout) as FixJson;
    assert.deepEqual(fix.after.feasibleNodes, ["worker-1", "worker-2"], workload);
    assert.equal(fix.verified, false, workload);
    assert.deepEqual([fix.replicasAfter.total, fix.replicasAfter.placed, fix.replicasAfter.pending], [3, 2, 1]);
    assert.ok(fix.replicasAfter.pendingBecause[0]!.includes(reason), fix.replicasAfter.pendingBecause[0]);
    const text = await cli(["fix", "place", workload, "--onto", "worker-1,worker-2", "-s", FIXTURE, "-o", "text"]);
    assert.ok(!text.stdout.includes("Verified"), text.stdout);
    assert.ok(
      text.stdout.includes(
        "Not verified: the feasible nodes after the change are exactly the target nodes (worker-1, worker-2), but only 2 of 3 replicas are placed; 1 stays Pending\n  1 of 3 replicas stay Pending after the change (2 placed): 0/3 nodes are available:",
      ),
      text.stdout,
    );
  }
  // the seed's fix is verified: its one replica is placed
  const grafana = await fixJson(["monitoring/prometheus-grafana", "--onto", CONTROL_PLANE]);
  assert.deepEqual(grafana.replicasAfter, { total: 1, placed: 1, pending: 0, pendingBecause: [] });
});
