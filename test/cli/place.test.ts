/**
 * `podpath place` on the embedded example and on the corpus (the official Argo CD manifest and
 * kube-prometheus on a kubeadm control-plane node plus three workers): the seed's first
 * question answered from configuration, with golden files.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusTest } from "../support/corpus.js";
import { join } from "node:path";
import { displayPath } from "../../src/load/discover.js";
import { REPO, cli, golden, tempDir } from "../support/helpers.js";
import type { ReasonJson, WorkloadPlacementJson } from "../../src/questions/place.js";

type Reason = ReasonJson;
type WorkloadJson = WorkloadPlacementJson;

async function placeJson(args: string[]): Promise<{ workloads: WorkloadJson[] }> {
  const r = await cli(["place", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { workloads: WorkloadJson[] };
}

const CONTROL_PLANE_TAINT = "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }";

test("seed question 1: Argo CD and Grafana cannot run on the control-plane node (TaintToleration, the taint's file:line)", async () => {
  const report = await placeJson([]);
  const offMaster = report.workloads.filter((w) => w.namespace === "argocd" || w.name === "prometheus-grafana");
  assert.equal(offMaster.length, 8);
  for (const w of offMaster) {
    assert.ok(!w.feasibleNodes.includes("k8s-master"), `${w.name} must not fit k8s-master`);
    const master = w.nodes.find((n) => n.node === "k8s-master")!;
    assert.deepEqual(
      master.reasons.map((r) => [r.plugin, r.message, r.source]),
      [["TaintToleration", CONTROL_PLANE_TAINT, "examples/ecoeco/k8s/nodes.yaml:33"]],
      w.name,
    );
    for (const p of w.pods) assert.notEqual(p.observedNode ?? p.predictedNode, "k8s-master");
  }
});

test("node-exporter (a DaemonSet tolerating every taint) runs on every node, the control plane included", async () => {
  const report = await placeJson(["--workload", "monitoring/prometheus-prometheus-node-exporter"]);
  const [ds] = report.workloads;
  assert.deepEqual(ds!.feasibleNodes, ["k8s-master", "k8s-worker-1", "k8s-worker-2"]);
  assert.deepEqual(ds!.pods.map((p) => p.observedNode).sort(), ["k8s-master", "k8s-worker-1", "k8s-worker-2"]);
});

test("no observed pod of the example runs where the model rejects it", async () => {
  const report = await placeJson([]);
  assert.deepEqual(
    report.workloads.flatMap((w) => w.findings),
    [],
  );
});

test("--node explains one node in full for every workload", async () => {
  const r = await cli(["place", "--node", "k8s-master", "-o", "text"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /Deployment monitoring\/prometheus-grafana[^\n]*\n[^\n]*\n  k8s-master: rejected\n    TaintToleration: node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \} — taint node-role\.kubernetes\.io\/control-plane:NoSchedule \(examples\/ecoeco\/k8s\/nodes\.yaml:33\)/,
  );
  assert.match(
    r.stdout,
    /DaemonSet kube-system\/calico-node[^\n]*\n[^\n]*\n  targets 3 of 3 nodes \(the DaemonSet controller creates 3 pods\)\n  k8s-master: feasible/,
  );
});

test("an unknown --workload or --node is a usage error", async () => {
  const a = await cli(["place", "--workload", "argocd/nope"]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /no workload argocd\/nope in the snapshot/);
  const b = await cli(["place", "--node", "nope"]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /no node nope in the snapshot/);
});

for (const format of ["json", "text", "md"] as const) {
  test(`golden: podpath place -o ${format} on the embedded example`, async () => {
    const r = await cli(["place", "-o", format]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, golden(`place.ecoeco.${format === "text" ? "txt" : format}`, r.stdout));
  });
}

corpusTest(
  "golden: Argo CD v3.1.9 and kube-prometheus on a kubeadm control-plane node and three workers: every workload's feasible set",
  async () => {
    const r = await cli(["place", "-s", "test/fixtures/kubeadm-cluster", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, golden("place.corpus-kubeadm.json", r.stdout));
    const report = JSON.parse(r.stdout) as { workloads: WorkloadJson[] };
    const feasible = Object.fromEntries(report.workloads.map((w) => [`${w.namespace}/${w.name}`, w.feasibleNodes]));
    // Argo CD and kube-prometheus carry no control-plane toleration: workers only …
    for (const [name, nodes] of Object.entries(feasible)) {
      if (name === "monitoring/node-exporter") continue;
      assert.deepEqual(nodes, ["worker-1", "worker-2", "worker-3"], name);
    }
    // … except node-exporter, which tolerates every taint
    assert.deepEqual(feasible["monitoring/node-exporter"], ["cp-1", "worker-1", "worker-2", "worker-3"]);
    assert.equal(Object.keys(feasible).length, 15);
  },
);

test("observed vs model: an untolerated NoExecute taint on the pod's node is a finding that says the pod is about to be evicted (kubernetes pkg/controller/tainteviction), not that taints never evict", async () => {
  const dir = tempDir({
    "tainted.yaml":
      'apiVersion: v1\nkind: Node\nmetadata:\n  name: k8s-worker-1\n  labels: {kubernetes.io/hostname: k8s-worker-1, kubernetes.io/os: linux}\nspec:\n  taints:\n  - {key: dedicated, value: gpu, effect: NoExecute}\nstatus:\n  allocatable: {cpu: "4", memory: 16Gi, pods: "110"}\n',
  });
  const r = await cli([
    "place",
    "--with",
    join(dir, "tainted.yaml"),
    "--workload",
    "monitoring/prometheus-grafana",
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [grafana] = (JSON.parse(r.stdout) as { workloads: { findings: { node: string; message: string }[] }[] })
    .workloads;
  const [finding] = grafana!.findings;
  assert.equal(finding?.node, "k8s-worker-1");
  assert.match(finding.message, /NoExecute taint evicts running pods .* about to be evicted/);
  assert.doesNotMatch(finding.message, /never evict/);
});

test("observed vs model: a NoSchedule taint added after placement is a finding (NoSchedule never evicts)", async () => {
  const { tempDir } = await import("../support/helpers.js");
  const { join } = await import("node:path");
  // k8s-worker-1 replaced by itself with a NoSchedule taint added
  const dir = tempDir({
    "tainted.yaml":
      'apiVersion: v1\nkind: Node\nmetadata:\n  name: k8s-worker-1\n  labels: {kubernetes.io/hostname: k8s-worker-1, kubernetes.io/os: linux}\nspec:\n  taints:\n  - {key: dedicated, value: gpu, effect: NoSchedule}\nstatus:\n  allocatable: {cpu: "4", memory: 16Gi, pods: "110"}\n',
  });
  const r = await cli([
    "place",
    "--with",
    join(dir, "tainted.yaml"),
    "--workload",
    "monitoring/prometheus-grafana",
    "-o",
    "json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [grafana] = (
    JSON.parse(r.stdout) as {
      workloads: (WorkloadJson & { findings: { code: string; node: string; message: string; reasons: Reason[] }[] })[];
    }
  ).workloads;
  assert.deepEqual(grafana!.feasibleNodes, ["k8s-worker-2"]);
  const [finding] = grafana!.findings;
  assert.equal(finding?.code, "RUNS_ON_REJECTED_NODE");
  assert.equal(finding?.node, "k8s-worker-1");
  assert.match(finding.message, /NoSchedule taints never evict running pods/);
  assert.deepEqual(
    finding.reasons.map((x) => x.message),
    ["node(s) had untolerated taint {dedicated: gpu}"],
  );
});

// Static pods: the kubelet runs them from its manifest directory and mirrors each into the API as a
// pod annotated kubernetes.io/config.mirror (pkg/kubelet/types IsMirrorPod) and, since 1.17, owned
// by its Node (pkg/kubelet/pod/mirror_client.go CreateMirrorPod). The scheduler never places them.
test("static pods (owned by their Node): listed under their node, placed by the kubelet, not the scheduler, with the mirror pod's file:line", async () => {
  const r = await cli(["place", "-o", "json"]);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(
    report.staticPods.map((p: any) => [`${p.namespace}/${p.name}`, p.node]),
    ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"].map((c) => [
      `kube-system/${c}-k8s-master`,
      "k8s-master",
    ]),
  );
  assert.equal(report.staticPods[0].message, "static pod of node k8s-master, placed by the kubelet, not the scheduler");
  assert.match(report.staticPods[0].source, /^examples\/ecoeco\/k8s\/pods\.yaml:\d+$/);
  // no workload stands for them
  assert.ok(!report.workloads.some((w: any) => w.name.startsWith("kube-apiserver")));

  const text = (await cli(["place", "--node", "k8s-worker-1", "-o", "text"])).stdout;
  assert.doesNotMatch(text, /static pod of node/, "--node: only the node's own static pods");
  assert.equal(
    (await cli(["place", "--node", "k8s-master", "-o", "text"])).stdout.match(/static pod of node k8s-master/g)?.length,
    4,
  );
  const one = await cli(["place", "--workload", "kube-system/etcd-k8s-master", "-o", "text"]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /· 1 static pod ·/);
  assert.match(
    one.stdout,
    /^  kube-system\/etcd-k8s-master: static pod of node k8s-master, placed by the kubelet, not the scheduler  examples\/ecoeco\/k8s\/pods\.yaml:\d+$/m,
  );
});

test("a mirror pod without its Node owner reference (annotation only) is a static pod too, not a bare Pod to place; a pod whose only owner reference is not a controller is a bare Pod, observed where it runs", async () => {
  const pods = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: cp-1
  status:
    allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
- apiVersion: v1
  kind: Pod
  metadata:
    name: etcd-cp-1
    namespace: kube-system
    annotations:
      kubernetes.io/config.mirror: 0f1e2d3c4b5a
      kubernetes.io/config.source: file
  spec:
    nodeName: cp-1
    containers: [{name: etcd, image: registry.k8s.io/etcd:3.5.15-0}]
  status: {phase: Running}
- apiVersion: v1
  kind: Pod
  metadata:
    name: helper
    namespace: default
    ownerReferences:
    - {apiVersion: v1, kind: ConfigMap, name: settings, uid: 7d0c9a4e-0000-4000-8000-000000000001}
  spec:
    nodeName: cp-1
    containers: [{name: helper, image: busybox}]
  status: {phase: Running}
`;
  const dir = tempDir({ "dump.yaml": pods });
  const r = await cli(["place", "-s", dir, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(
    report.staticPods.map((p: any) => [p.name, p.node, p.source]),
    // as messages show paths: relative to the working directory when beside it (a clone in /tmp)
    [["etcd-cp-1", "cp-1", `${displayPath(join(dir, "dump.yaml"), REPO)}:10`]],
  );
  assert.deepEqual(
    report.workloads.map((w: any) => [
      w.kind,
      w.name,
      w.pods.map((p: any) => [p.name, p.observedNode, p.predictedNode]),
    ]),
    [["Pod", "helper", [["helper", "cp-1", null]]]],
  );
});
