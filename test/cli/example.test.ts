/**
 * The embedded example (examples/ecoeco, the seed document's cluster) as `snapshot show` reports
 * it: golden files for every format, the facts the later analyses rely on, and no secret in any
 * output.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { EXAMPLE, REPO, cli, golden } from "../support/helpers.js";

for (const [format, file] of [
  ["json", "snapshot-show.ecoeco.json"],
  ["text", "snapshot-show.ecoeco.txt"],
  ["md", "snapshot-show.ecoeco.md"],
] as const) {
  test(`golden: podpath snapshot show -o ${format} on the embedded example`, async () => {
    const r = await cli(["snapshot", "show", "-o", format]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, golden(file, r.stdout));
  });
}

test("the example loads without a warning, every node joined to its EC2 instance by providerID", () => {
  const s = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });
  assert.deepEqual(
    s.diagnostics.filter((d) => d.severity === "warning"),
    [],
  );
  const joins = s.joins.filter((j) => j.kind === "node-instance");
  assert.deepEqual(
    joins.map((j) => [j.from, j.to, j.by.split(" ")[0]]),
    [
      ["Node k8s-master", "Instance i-0ecoeco0000000010", "providerID"],
      ["Node k8s-worker-1", "Instance i-0ecoeco0000000011", "providerID"],
      ["Node k8s-worker-2", "Instance i-0ecoeco0000000012", "providerID"],
    ],
  );
});

test("the example holds what the seed's questions need: kubeadm's control-plane taint, Argo CD without tolerations, node-exporter tolerating all", () => {
  const s = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });
  const master = s.kubernetes.nodes.find((n) => n.name === "k8s-master")!;
  assert.deepEqual(
    master.taints.map((t) => [t.key, t.value, t.effect]),
    [["node-role.kubernetes.io/control-plane", "", "NoSchedule"]],
  );
  assert.equal(master.labels["node-role.kubernetes.io/control-plane"], "");
  // the taint's own line, so a rejection can cite it
  const taint = master.taints[0]!;
  const lines = readFileSync(join(EXAMPLE, "k8s/nodes.yaml"), "utf8").split("\n");
  assert.match(lines[taint.source.line - 1]!, /effect: NoSchedule|key: node-role\.kubernetes\.io\/control-plane/);
  for (const w of s.kubernetes.workloads.filter((w) => w.namespace === "argocd")) {
    assert.deepEqual(w.template.spec.tolerations, [], w.name);
    assert.deepEqual(w.template.spec.nodeSelector, { "kubernetes.io/os": "linux" }, w.name);
  }
  const grafana = s.kubernetes.workloads.find((w) => w.name === "prometheus-grafana")!;
  assert.deepEqual(grafana.template.spec.tolerations, []);
  const nodeExporter = s.kubernetes.workloads.find((w) => w.name === "prometheus-prometheus-node-exporter")!;
  assert.equal(nodeExporter.kind, "DaemonSet");
  assert.ok(nodeExporter.template.spec.tolerations.some((t) => t.operator === "Exists" && t.key === ""));
  const pool = s.kubernetes.ipPools[0]!;
  assert.deepEqual([pool.cidr, pool.vxlanMode, pool.natOutgoing], ["192.168.0.0/16", "Always", true]);
  assert.equal(master.overlay.vxlan !== undefined, true);
  // ingresses: one ALB group, internet-facing, instance targets
  assert.deepEqual(
    s.kubernetes.ingresses.map((i) => [
      i.namespace,
      i.rules[0]?.paths[0]?.path,
      i.alb.groupName,
      i.alb.scheme,
      i.alb.targetType,
      i.alb.errors.length,
    ]),
    [
      ["argocd", "/argocd", "ecoeco", "internet-facing", "instance", 0],
      ["ecoeco", "/api/v1", "ecoeco", "internet-facing", "instance", 0],
      ["monitoring", "/grafana", "ecoeco", "internet-facing", "instance", 0],
    ],
  );
  // every Service's endpoints come from its EndpointSlices
  assert.ok(s.kubernetes.serviceEndpoints.every((e) => e.origin === "EndpointSlice"));
});

test("secrets never leak: no Secret data and no environment value of the example appears in any output", async () => {
  const secrets = [
    "EXAMPLE-NOT-A-REAL-SECRET-0001",
    "EXAMPLE-NOT-A-REAL",
    Buffer.from("EXAMPLE-NOT-A-REAL-GRAFANA-PASSWORD-0003").toString("base64"),
  ];
  // the example really does hold them, so this test can fail
  const raw = ["k8s/deployments.yaml", "k8s/secrets.yaml"]
    .map((f) => readFileSync(join(EXAMPLE, f), "utf8"))
    .join("\n");
  assert.ok(secrets.every((s) => raw.includes(s)));
  for (const format of ["json", "text", "md"]) {
    const r = await cli(["snapshot", "show", "-o", format]);
    for (const secret of secrets) {
      assert.ok(!r.stdout.includes(secret), `${format} output holds ${secret}`);
      assert.ok(!r.stderr.includes(secret));
    }
  }
  const model = JSON.stringify(loadSnapshot({ paths: [EXAMPLE], cwd: REPO }));
  for (const secret of secrets) assert.ok(!model.includes(secret), `the model holds ${secret}`);
});
