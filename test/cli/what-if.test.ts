/**
 * `podpath place --fresh | --drain NODE | --add-node FILE`: the what-ifs asked before changing a
 * cluster, on the embedded example and on test/fixtures/captures/what-if-shop (kubectl-shaped).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli } from "../support/helpers.js";
import type { PlacementJson } from "../../src/questions/place.js";
import { FRESH_ORDER } from "../../src/analysis/placement/what-if/fresh.js";
import {
  DAEMONSET_WARNING,
  EVICTION_MULTIPLE_BUDGETS,
  EVICTION_VIOLATES_BUDGET,
  UNMANAGED_FATAL,
  UNMANAGED_WARNING,
} from "../../src/analysis/placement/what-if/drain.js";
import { ERR_REASON_UNSCHEDULABLE } from "../../src/analysis/placement/plugins/nodeunschedulable/filter.js";

const SHOP = "test/fixtures/captures/what-if-shop";

async function placeJson(args: string[]): Promise<PlacementJson> {
  const r = await cli(["place", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PlacementJson;
}

test("place without a what-if flag has no whatIf member (the contract only grows when asked)", async () => {
  const report = await placeJson(["-s", SHOP]);
  assert.equal("whatIf" in report, false);
});

// --- --fresh --------------------------------------------------------------------------------

test("--fresh on the embedded example: coredns and calico-kube-controllers leave the control plane, three more pods move; DaemonSets keep their nodes (kube-scheduler scores with every node present)", async () => {
  const { whatIf } = await placeJson(["--fresh"]);
  const fresh = whatIf!.fresh!;
  assert.equal(fresh.order, FRESH_ORDER);
  assert.equal(fresh.staticPods, 4);
  const differ = fresh.pods.filter((p) => p.differs).map((p) => [p.pod, p.observedNode, p.freshNode]);
  assert.deepEqual(differ, [
    ["calico-kube-controllers-bbdn6w747-9mhdv", "k8s-master", "k8s-worker-1"],
    ["coredns-b9hrv45s82-9bh6q", "k8s-master", "k8s-worker-2"],
    ["coredns-b9hrv45s82-xfrm8", "k8s-master", "k8s-worker-1"],
    ["prometheus-grafana-tj9ctnfdbb-8zzr6", "k8s-worker-1", "k8s-worker-2"],
    ["prometheus-kube-prometheus-operator-dz8qzzvmsf-hfms2", "k8s-worker-2", "k8s-worker-1"],
    ["prometheus-prometheus-kube-prometheus-prometheus-0", "k8s-worker-2", "k8s-worker-1"],
  ]);
  assert.equal(fresh.differing, 6);
  assert.deepEqual(fresh.nodes, [
    { node: "k8s-master", observed: 6, fresh: 3 },
    { node: "k8s-worker-1", observed: 12, fresh: 15 },
    { node: "k8s-worker-2", observed: 11, fresh: 11 },
  ]);
  // the two aws-load-balancer-controller replicas only swap nodes: replicas are interchangeable, no difference
  assert.ok(
    fresh.pods
      .filter((p) => p.workload === "Deployment kube-system/aws-load-balancer-controller")
      .every((p) => !p.differs),
  );
  // DaemonSet pods are queued first and keep their node
  const daemons = fresh.pods.filter((p) => p.workload.startsWith("DaemonSet "));
  assert.equal(daemons.length, 9);
  assert.ok(daemons.every((p) => p.freshNode === p.observedNode && p.order <= 9));

  const text = await cli(["place", "--fresh", "-o", "text"]);
  assert.match(
    text.stdout,
    /What if: a fresh install[^\n]*\n[^\n]*\n  6 of 29 observed pods would land on another node; 0 unschedulable\n/,
  );
  assert.match(text.stdout, /  Deployment kube-system\/coredns +coredns-b9hrv45s82-9bh6q +k8s-master +k8s-worker-2\n/);
  const md = await cli(["place", "--fresh", "-o", "md"]);
  assert.match(md.stdout, /## What if: a fresh install\n/);
  assert.match(
    md.stdout,
    /\| Deployment kube-system\/coredns \| coredns-b9hrv45s82-xfrm8 \| k8s-master \| k8s-worker-1 \|/,
  );
});

test("--fresh queue order (plugins/queuesort/priority_sort.go PrioritySort.Less, after the DaemonSets): the db StatefulSet (PriorityClass 1000000, last in manifest order) is scheduled before the api replicas; report stays Pending with the scheduler's FitError", async () => {
  const { whatIf } = await placeJson(["-s", SHOP, "--fresh"]);
  const fresh = whatIf!.fresh!;
  const byOrder = [...fresh.pods].sort((a, b) => a.order - b.order).map((p) => [p.order, p.pod, p.priority]);
  assert.deepEqual(byOrder.slice(0, 3), [
    [1, "log-agent-4xk2p", 0],
    [2, "log-agent-9qzmt", 0],
    [3, "db-0", 1000000],
  ]);
  const db = fresh.pods.find((p) => p.pod === "db-0")!;
  // on the empty cluster node-a and node-b tie for db-0: the snapshot's node-b was the scheduler's random pick
  assert.deepEqual(
    [db.observedNode, db.freshNode, db.tiedNodes, db.observedWasTied],
    ["node-b", "node-a", ["node-a", "node-b"], true],
  );
  const report = fresh.pods.find((p) => p.workload === "Deployment shop/report")!;
  assert.equal(report.freshNode, null);
  // the FitError with DefaultPreemption's tail, word for word as `place` gives it (prepare.ts: one preparation path)
  assert.equal(
    report.unschedulable,
    "0/2 nodes are available: 2 Insufficient cpu. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
  );
  const place = await placeJson(["-s", SHOP]);
  const placed = place.workloads.find((w) => w.kind === "Deployment" && w.name === "report")!.pods[0]!;
  assert.equal(report.unschedulable, placed.unschedulable);
  assert.equal(fresh.unschedulable, 1);
});

test("--fresh agrees with place on admitted pods (prepare.ts, one preparation path): a Deployment whose container gives only limits requests them (core/v1 SetDefaults_Pod), so on the fresh install too the second 1-CPU replica does not fit the 2-vCPU node, with place's FitError and preemption tail", async () => {
  const args = ["-s", "test/fixtures/admission/nodes-small.yaml", "-s", "test/fixtures/admission/limits-only.yaml"];
  const place = await placeJson(args);
  const report = place.workloads.find((w) => w.namespace === "batch" && w.name === "report")!;
  const fresh = (await placeJson([...args, "--fresh"])).whatIf!.fresh!;
  const pods = fresh.pods.filter((p) => p.workload === "Deployment batch/report");
  // before, the what-if expanded the template without admission: no requests, both replicas on the node
  assert.deepEqual(
    pods.map((p) => [p.pod, p.freshNode, p.unschedulable]),
    report.pods.map((p) => [p.name, p.predictedNode, p.unschedulable]),
  );
  assert.deepEqual(
    pods.map((p) => p.unschedulable),
    [
      null,
      "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ],
  );
  assert.equal(fresh.unschedulable, 1);
});

test("--fresh agrees with place on pods bound by spec.nodeName (kubelet/lifecycle/predicate.go generalFilter): their node's kubelet admits them before the scheduler's queue, ignoring the cordon and NoSchedule taint, until cpu runs out", async () => {
  const args = ["-s", "test/fixtures/controllers/kubelet-admission"];
  const place = await placeJson(args);
  const fresh = (await placeJson([...args, "--fresh"])).whatIf!.fresh!;
  const shipper = fresh.pods.filter((p) => p.workload === "Deployment ops/log-shipper");
  // before, the what-if sent them to the scheduler: the cordoned, tainted node-a rejected all three
  assert.deepEqual(
    shipper.map((p) => [p.pod, p.freshNode, p.order]),
    [
      ["log-shipper-0", "node-a", 1],
      ["log-shipper-1", "node-a", 2],
      ["log-shipper-2", null, 3],
    ],
  );
  assert.match(
    shipper[2]!.unschedulable!,
    /^bound by spec\.nodeName: the kubelet of node-a rejects it: OutOfcpu: Node didn't have enough resource: cpu/,
  );
  // the same verdicts as place's kubelet admission
  const placed = place.workloads.find((w) => w.name === "log-shipper")!;
  assert.deepEqual(
    shipper.map((p) => p.freshNode !== null),
    placed.pods.map((p) => p.kubelet!.admitted),
  );
});

test("--fresh follows the Kubernetes version as place does (--kubernetes-version: TaintToleration's wording, the PostFilter tail and its v1.29 double period)", async () => {
  // from v1.34 DynamicResources' PostFilter runs before DefaultPreemption's (default_plugins.go applyFeatureGates)
  for (const [version, taint, tail] of [
    ["v1.29", "untolerated taint {dedicated: gpu}", "preemption: "],
    ["v1.34", "untolerated taint(s)", "no new claims to deallocate, preemption: "],
  ] as const) {
    const report = await placeJson([
      "-s",
      "test/fixtures/captures/eks-mixed-kubelets",
      "--kubernetes-version",
      version,
      "--fresh",
    ]);
    const placed = report.workloads[0]!.pods[0]!;
    const fresh = report.whatIf!.fresh!.pods.find((p) => p.pod === placed.name)!;
    assert.ok(
      placed.unschedulable?.includes(`1 node(s) had ${taint}, 2 Insufficient cpu. ${tail}`),
      placed.unschedulable!,
    );
    assert.equal(fresh.unschedulable, placed.unschedulable, version);
  }
});

// --- --drain --------------------------------------------------------------------------------

test("--drain k8s-worker-1 on the embedded example (kubectl drain --ignore-daemonsets): DaemonSet pods stay, the 9 others are evicted and placed again on k8s-worker-2 (k8s-master keeps its control-plane taint), nothing Pending", async () => {
  const { whatIf } = await placeJson(["--drain", "k8s-worker-1"]);
  const drain = whatIf!.drain!;
  assert.deepEqual([drain.nodes, drain.completes, drain.error, drain.pending], [["k8s-worker-1"], true, null, 0]);
  const stays = drain.pods.filter((p) => p.action === "stays").map((p) => p.pod);
  assert.deepEqual(stays, [
    "kube-system/calico-node-hrqsg",
    "kube-system/kube-proxy-5dh6p",
    "monitoring/prometheus-prometheus-node-exporter-sw4lf",
  ]);
  for (const p of drain.pods.filter((x) => x.action === "stays"))
    assert.match(p.reason, new RegExp(`^${DAEMONSET_WARNING}`));
  const evicted = drain.pods.filter((p) => p.action === "evicted");
  assert.equal(evicted.length, 9);
  assert.ok(
    evicted.every((p) => p.replacement?.node === "k8s-worker-2" && p.wave === 1),
    JSON.stringify(evicted),
  );
  // the StatefulSet's replacement keeps its name
  assert.equal(
    drain.pods.find((p) => p.pod === "argocd/argocd-application-controller-0")!.replacement!.pod,
    "argocd-application-controller-0",
  );
});

test("--drain k8s-master on the embedded example: mirror pods of static pods stay (filters.go mirrorPodFilter), coredns and calico-kube-controllers move to the workers", async () => {
  const { whatIf } = await placeJson(["--drain", "k8s-master"]);
  const drain = whatIf!.drain!;
  const mirror = drain.pods.filter((p) => p.reason.startsWith("mirror pod")).map((p) => p.pod);
  assert.deepEqual(mirror, [
    "kube-system/etcd-k8s-master",
    "kube-system/kube-apiserver-k8s-master",
    "kube-system/kube-controller-manager-k8s-master",
    "kube-system/kube-scheduler-k8s-master",
  ]);
  const moved = drain.pods.filter((p) => p.action === "evicted").map((p) => [p.pod, p.replacement?.node]);
  assert.deepEqual(moved, [
    ["kube-system/calico-kube-controllers-bbdn6w747-9mhdv", "k8s-worker-1"],
    ["kube-system/coredns-b9hrv45s82-9bh6q", "k8s-worker-1"],
    ["kube-system/coredns-b9hrv45s82-xfrm8", "k8s-worker-2"],
  ]);
  assert.equal(drain.completes, true);
});

test("--drain node-a (eviction.go checkAndDecrement): PodDisruptionBudget shop/api (maxUnavailable 1) lets one api pod go; its replacement stays Pending with the scheduler's FitError, so the budget never recovers and blocks the drain after 1 eviction", async () => {
  const { whatIf } = await placeJson(["-s", SHOP, "--drain", "node-a"]);
  const drain = whatIf!.drain!;
  assert.equal(drain.completes, false);
  const [first, second] = drain.pods.filter((p) => p.workload === "Deployment shop/api");
  assert.deepEqual(
    [first!.pod, first!.action, first!.budget, first!.wave],
    ["shop/api-7d9c6b5f48-2bqxw", "evicted", "shop/api", 1],
  );
  // node-a cordoned (NodeUnschedulable), node-b has 100m of CPU left for 600m
  assert.equal(
    first!.replacement!.unschedulable,
    `0/2 nodes are available: 1 Insufficient cpu, 1 ${ERR_REASON_UNSCHEDULABLE}. no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.`,
  );
  assert.equal(first!.replacement!.node, null);
  assert.deepEqual([second!.pod, second!.action, second!.budget], ["shop/api-7d9c6b5f48-h8r4m", "blocked", "shop/api"]);
  assert.ok(second!.reason.startsWith(EVICTION_VIOLATES_BUDGET), second!.reason);
  assert.equal(drain.pending, 1);
  const [budget] = drain.budgets;
  assert.deepEqual(
    [
      budget!.budget,
      budget!.from,
      budget!.disruptionsAllowed,
      budget!.evictions,
      budget!.blocks,
      budget!.message,
      budget!.source,
    ],
    [
      "shop/api",
      "status",
      1,
      1,
      1,
      "blocks the drain after 1 eviction: 1 pod stays on the node (it needs 2 healthy, has 2)",
      `${SHOP}/poddisruptionbudgets.yaml:3`,
    ],
  );
  const text = await cli(["place", "-s", SHOP, "--drain", "node-a", "-o", "text"]);
  assert.match(
    text.stdout,
    /  the drain does not complete: 1 evicted, 0 deleted, 1 stay, 1 blocked; 1 replacement Pending\n/,
  );
  assert.match(
    text.stdout,
    /  shop\/api-7d9c6b5f48-2bqxw: Pending: 0\/2 nodes are available: 1 Insufficient cpu, 1 node\(s\) were unschedulable\. no new claims to deallocate, preemption: 0\/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling\.\n/,
  );
});

test("--drain node-b: PodDisruptionBudget shop/db (minAvailable 100%, disruptionsAllowed 0) blocks the drain after 0 evictions; the api pod is evicted and lands on node-a", async () => {
  const { whatIf } = await placeJson(["-s", SHOP, "--drain", "node-b"]);
  const drain = whatIf!.drain!;
  const byPod = Object.fromEntries(drain.pods.map((p) => [p.pod, p]));
  assert.equal(byPod["shop/db-0"]!.action, "blocked");
  assert.equal(byPod["shop/api-7d9c6b5f48-vt9kd"]!.replacement!.node, "node-a");
  const db = drain.budgets.find((b) => b.budget === "shop/db")!;
  assert.deepEqual([db.evictions, db.blocks, db.rule], [0, 1, "minAvailable 100%"]);
  assert.match(db.message!, /^blocks the drain after 0 evictions/);
  assert.equal(drain.budgets.find((b) => b.budget === "shop/api")!.message, null);
});

test("--drain with a pod that declares no controller (filters.go unreplicatedFilter): kubectl drain stops before any eviction unless --force, which deletes it (nothing recreates it)", async () => {
  const overlay = "test/fixtures/what-if/shop-bare-pod-debug.yaml";
  const refused = (await placeJson(["-s", SHOP, "-w", overlay, "--drain", "node-a"])).whatIf!.drain!;
  assert.equal(refused.error, `${UNMANAGED_FATAL}: shop/debug`);
  assert.equal(refused.completes, false);
  assert.deepEqual(
    refused.pods.map((p) => [p.pod, p.action]),
    [
      ["kube-system/log-agent-4xk2p", "stays"],
      ["shop/api-7d9c6b5f48-2bqxw", "refused"],
      ["shop/api-7d9c6b5f48-h8r4m", "refused"],
      ["shop/debug", "refused"],
    ],
  );
  const forced = (await placeJson(["-s", SHOP, "-w", overlay, "--drain", "node-a", "--force"])).whatIf!.drain!;
  const debug = forced.pods.find((p) => p.pod === "shop/debug")!;
  assert.deepEqual([debug.action, debug.replacement, forced.error, forced.force], ["deleted", null, null, true]);
  assert.match(debug.reason, new RegExp(`^${UNMANAGED_WARNING}`));
});

test("--drain agrees with place on admitted pods (prepare.ts, one preparation path): the replacement of a Deployment pod whose template gives only limits requests them (core/v1 SetDefaults_Pod), as place counts them, so it no longer fits node-b's last 100m and stays Pending with place's FitError and preemption tail", async () => {
  const overlay = "test/fixtures/what-if/shop-limits-only-batch.yaml";
  const { workloads, whatIf } = await placeJson(["-s", SHOP, "-w", overlay, "--drain", "node-a"]);
  const batch = workloads.find((w) => w.namespace === "shop" && w.name === "batch")!;
  assert.deepEqual(
    batch.mutations.filter((m) => m.source === "core/v1 SetDefaults_Pod").map((m) => [m.field, m.value]),
    [
      ["spec.containers[batch].resources.requests.cpu", "500m"],
      ["spec.containers[batch].resources.requests.memory", "256Mi"],
    ],
  );
  const drain = whatIf!.drain!;
  const evicted = drain.pods.find((p) => p.pod === "shop/batch-6c4f8d9b57-q7x2n")!;
  assert.equal(evicted.action, "evicted");
  // before, the replacement came from the template without admission: no requests, it landed on node-b
  assert.deepEqual(
    [evicted.replacement!.node, evicted.replacement!.unschedulable],
    [
      null,
      `0/2 nodes are available: 1 Insufficient cpu, 1 ${ERR_REASON_UNSCHEDULABLE}. no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.`,
    ],
  );
  assert.equal(drain.pending, 2);
});

test("--drain agrees with place on pods bound by spec.nodeName (kubelet/lifecycle/predicate.go generalFilter): the ReplicaSet's replacement of a Deployment pinned to node-a is admitted by node-a's kubelet again, the cordon notwithstanding, instead of going Pending at the scheduler", async () => {
  const overlay = "test/fixtures/what-if/shop-pinned-node-a.yaml";
  const { workloads, whatIf } = await placeJson(["-s", SHOP, "-w", overlay, "--drain", "node-a"]);
  assert.equal(workloads.find((w) => w.name === "pinned")!.admittedBy, "kubelet");
  const pinned = whatIf!.drain!.pods.find((p) => p.pod === "shop/pinned-5f7b9c8d64-m4k8z")!;
  assert.equal(pinned.action, "evicted");
  assert.deepEqual(pinned.replacement, {
    pod: "pinned-5f7b9c8d64-m4k8z",
    node: "node-a",
    tiedNodes: [],
    unschedulable: null,
  });
});

test("--drain of a node the snapshot lacks is a usage error", async () => {
  const r = await cli(["place", "--drain", "nope"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--drain nope: no node nope in the snapshot/);
});

// --- --add-node -----------------------------------------------------------------------------

const NODE_C = "test/fixtures/what-if/node-c.yaml";

test("--add-node node-c (a kubectl Node): the log-agent DaemonSet makes a pod for it (NodeShouldRunDaemonPod) and the Pending report pod now fits there; observed pods stay", async () => {
  const report = await placeJson(["-s", SHOP, "--add-node", NODE_C]);
  const add = report.whatIf!.addNode!;
  assert.deepEqual(add.nodes, [
    {
      node: "node-c",
      source: `${NODE_C}:1`,
      location: { file: NODE_C, line: 1, column: 1 },
      allocatable: { cpu: 2000, memory: 4002356 * 1024, pods: 110 },
      taints: [],
    },
  ]);
  assert.deepEqual(
    add.takesIn.map((p) => [p.workload, p.pod, p.before, p.node]),
    [
      ["DaemonSet kube-system/log-agent", "log-agent-node-c", "none", "node-c"],
      ["Deployment shop/report", "report-5b8f9d7c6d-k7wzn", "pending", "node-c"],
    ],
  );
  assert.equal(
    add.takesIn[1]!.beforeDetail,
    "0/2 nodes are available: 2 Insufficient cpu. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
  );
  assert.deepEqual(
    add.nowFit.map((p) => p.pod),
    ["report-5b8f9d7c6d-k7wzn"],
  );
  assert.deepEqual(add.stillPending, []);
  // the whole answer is about the cluster with node-c
  assert.equal(report.nodeCount, 3);
  assert.deepEqual(report.workloads.find((w) => w.name === "api")!.feasibleNodes, ["node-a", "node-b", "node-c"]);
  const text = await cli(["place", "-s", SHOP, "--add-node", NODE_C, "-o", "text"]);
  assert.match(
    text.stdout,
    /What if: node node-c added \(--add-node\)\n  node-c: allocatable cpu 2, memory 3909Mi, pods 110  test\/fixtures\/what-if\/node-c\.yaml:1\n  takes in 2 pods; 1 Pending before now fits; 0 still Pending/,
  );
});

test("--add-node on the embedded example: the new worker takes in the three DaemonSets' pods, nothing else (every pod is bound)", async () => {
  const add = (await placeJson(["--add-node", NODE_C])).whatIf!.addNode!;
  assert.deepEqual(
    add.takesIn.map((p) => p.pod),
    ["calico-node-node-c", "kube-proxy-node-c", "prometheus-prometheus-node-exporter-node-c"],
  );
  assert.deepEqual([add.nowFit, add.stillPending], [[], []]);
});

test("--add-node with --drain: the drained pods' budget recovers once a replacement lands on the new node (disruption.go updatePdbStatus), so the drain completes in two waves; the Pending report pod takes its room first", async () => {
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  // node-d: node-c renamed, with 4 CPUs
  const dir = tempDir({
    "node-d.yaml": readFileSync(NODE_C, "utf8")
      .replaceAll("node-c", "node-d")
      .replace(/cpu: "2"/g, 'cpu: "4"'),
  });
  const { whatIf } = await placeJson(["-s", SHOP, "--add-node", join(dir, "node-d.yaml"), "--drain", "node-a"]);
  const drain = whatIf!.drain!;
  assert.equal(drain.completes, true);
  assert.deepEqual(
    drain.pods
      .filter((p) => p.workload === "Deployment shop/api")
      .map((p) => [p.pod, p.action, p.wave, p.replacement?.node]),
    [
      ["shop/api-7d9c6b5f48-2bqxw", "evicted", 1, "node-d"],
      ["shop/api-7d9c6b5f48-h8r4m", "evicted", 2, "node-d"],
    ],
  );
  assert.deepEqual(
    whatIf!.addNode!.nowFit.map((p) => [p.pod, p.node]),
    [["report-5b8f9d7c6d-k7wzn", "node-d"]],
  );
  // with node-c (2 CPUs) the report pod leaves no room: the replacement is Pending, the budget blocks after 1 eviction
  const small = (await placeJson(["-s", SHOP, "--add-node", NODE_C, "--drain", "node-a"])).whatIf!.drain!;
  assert.equal(
    small.budgets[0]!.message,
    "blocks the drain after 1 eviction: 1 pod stays on the node (it needs 2 healthy, has 2)",
  );
  assert.equal(
    small.pods.find((p) => p.pod === "shop/api-7d9c6b5f48-2bqxw")!.replacement!.unschedulable,
    `0/3 nodes are available: 1 ${ERR_REASON_UNSCHEDULABLE}, 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`,
  );
});

test("--add-node refuses a file with no Node, node group or NodePool, and a node the snapshot has, each with a clear message", async () => {
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const dir = tempDir({
    "nodeclaim.yaml":
      "apiVersion: karpenter.sh/v1\nkind: NodeClaim\nmetadata:\n  name: default-x7k2p\nspec:\n  nodeClassRef:\n    group: karpenter.k8s.aws\n    kind: EC2NodeClass\n    name: default\n  requirements: []\n",
  });
  const claim = await cli(["place", "-s", SHOP, "--add-node", join(dir, "nodeclaim.yaml")]);
  assert.equal(claim.code, 2);
  assert.match(
    claim.stderr,
    /no Node, EKS node group or Karpenter NodePool in it \(it holds karpenter\.sh\/v1 NodeClaim\); give a Node object/,
  );
  const twice = await cli(["place", "-s", SHOP, "--add-node", `${SHOP}/nodes.yaml`]);
  assert.equal(twice.code, 2);
  assert.match(
    twice.stderr,
    /--add-node: node node-a is already in the snapshot \(test\/fixtures\/captures\/what-if-shop\/nodes\.yaml\); use --with to replace it/,
  );
});

// --- --add-node with an EKS managed node group (aws eks describe-nodegroup) ---------------------

const NODEGROUP = "test/fixtures/what-if/eks-nodegroup-workers.json";

test("--add-node NODEGROUP (aws eks describe-nodegroup): desiredSize t3.medium nodes with the EKS AMI's allocatable (amazon-eks-ami nodeadm: eni-max-pods 17, kube-reserved 70m / 11·17+255 Mi, eviction-hard 100Mi); the Pending report pod fits on one", async () => {
  const report = await placeJson(["-s", SHOP, "--add-node", NODEGROUP]);
  const add = report.whatIf!.addNode!;
  // t3.medium: 2 vCPU, 4096 MiB less 7.5 % (3788 MiB), 17 pods
  const allocatable = { cpu: 2000 - 70, memory: (3788 - (11 * 17 + 255) - 100) * 1024 * 1024, pods: 17 };
  assert.deepEqual(add.nodes, [
    {
      node: "workers-1",
      source: `${NODEGROUP}:2`,
      location: { file: NODEGROUP, line: 2, column: 18 },
      allocatable,
      taints: [],
    },
    {
      node: "workers-2",
      source: `${NODEGROUP}:2`,
      location: { file: NODEGROUP, line: 2, column: 18 },
      allocatable,
      taints: [],
    },
  ]);
  assert.deepEqual(
    add.takesIn.map((p) => [p.pod, p.before, p.node]),
    [
      ["log-agent-workers-1", "none", "workers-1"],
      ["log-agent-workers-2", "none", "workers-2"],
      ["report-5b8f9d7c6d-k7wzn", "pending", "workers-1"],
    ],
  );
  const [t] = add.templates;
  assert.deepEqual(
    [t!.kind, t!.name, t!.source, t!.instanceTypes, t!.nodes, t!.launches],
    ["EKS node group", "workers", `${NODEGROUP}:2`, ["t3.medium"], ["workers-1", "workers-2"], null],
  );
  assert.match(t!.assumptions[0]!, /^2 nodes \(scalingConfig\.desiredSize\) of t3\.medium/);
  assert.match(
    t!.assumptions[2]!,
    /zones of subnets subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002 are not in the snapshot/,
  );
  const text = await cli(["place", "-s", SHOP, "--add-node", NODEGROUP, "-o", "text"]);
  assert.match(
    text.stdout,
    /What if: nodes workers-1, workers-2 added \(--add-node\)\n  EKS node group workers \(test\/fixtures\/what-if\/eks-nodegroup-workers\.json:2\): 2 nodes of t3\.medium\n    assumed: /,
  );
  assert.match(text.stdout, /  workers-1: allocatable cpu 1\.93, memory 3246Mi, pods 17 /);
});

test("--add-node NODEGROUP: EKS taint effects become Kubernetes' (NO_SCHEDULE → NoSchedule), zones come from the snapshot's subnets, --add-node-count sets the count; the untolerated taint keeps the report pod Pending", async () => {
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const group = JSON.parse(readFileSync(NODEGROUP, "utf8"));
  group.nodegroup.taints = [{ key: "dedicated", value: "batch", effect: "NO_SCHEDULE" }];
  const subnets = {
    Subnets: ["a", "b"].map((z, i) => ({
      AvailabilityZone: `eu-west-1${z}`,
      CidrBlock: `10.0.${i}.0/24`,
      MapPublicIpOnLaunch: false,
      State: "available",
      SubnetId: `subnet-0a1b2c3d4e5f6000${i + 1}`,
      VpcId: "vpc-0a1b2c3d4e5f60000",
    })),
  };
  const dir = tempDir({
    "nodegroup.json": JSON.stringify(group, null, 4),
    "ec2-describe-subnets.json": JSON.stringify(subnets, null, 4),
  });
  const args = ["-s", SHOP, "-w", join(dir, "ec2-describe-subnets.json"), "--add-node", join(dir, "nodegroup.json")];
  const add = (await placeJson([...args, "--add-node-count", "3"])).whatIf!.addNode!;
  assert.deepEqual(
    add.nodes.map((n) => [n.node, n.taints]),
    [
      ["workers-1", ["dedicated=batch:NoSchedule"]],
      ["workers-2", ["dedicated=batch:NoSchedule"]],
      ["workers-3", ["dedicated=batch:NoSchedule"]],
    ],
  );
  assert.match(add.templates[0]!.assumptions[0]!, /^3 nodes \(--add-node-count\) of t3\.medium/);
  assert.equal(
    add.templates[0]!.assumptions[2],
    "nodes spread over the subnets' zones in turn (eu-west-1a, eu-west-1b), as the Auto Scaling group balances them",
  );
  // the log-agent DaemonSet tolerates no dedicated taint either: the nodes take in nothing
  assert.deepEqual(add.takesIn, []);
  assert.match(add.stillPending[0]!.unschedulable!, /untolerated taint/);
  const bad = await cli(["place", "-s", SHOP, "--add-node", NODE_C, "--add-node-count", "2"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--add-node-count: only an EKS node group's node count can be set/);
});

test("--add-node CLUSTERCONFIG (eksctl.io/v1alpha5): each managedNodeGroups and nodeGroups entry adds desiredCapacity nodes of its instanceType, its taints (Kubernetes effects) and availabilityZones; a self-managed group gets no eks.amazonaws.com labels", async () => {
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const dir = tempDir({
    "cluster.yaml": `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: shop
  region: eu-west-1
  version: "1.34"
managedNodeGroups:
- name: batch
  instanceType: c6i.xlarge
  desiredCapacity: 1
  availabilityZones: ["eu-west-1a"]
  labels:
    workload: batch
  taints:
  - key: dedicated
    value: batch
    effect: NoSchedule
nodeGroups:
- name: legacy
  instanceType: t3.large
`,
  });
  const add = (await placeJson(["-s", SHOP, "--add-node", join(dir, "cluster.yaml")])).whatIf!.addNode!;
  assert.deepEqual(
    add.nodes.map((n) => [n.node, n.allocatable.pods, n.taints]),
    [
      ["batch-1", 58, ["dedicated=batch:NoSchedule"]],
      ["legacy-1", 35, []],
      ["legacy-2", 35, []],
    ],
  );
  assert.deepEqual(
    add.templates.map((t) => [t.kind, t.name, t.assumptions[0]!.replace(/, named .*/, "")]),
    [
      ["EKS node group", "batch", "1 node (desiredCapacity) of c6i.xlarge"],
      ["self-managed node group", "legacy", "2 nodes (eksctl's default desiredCapacity 2) of t3.large"],
    ],
  );
  assert.equal(
    add.templates[0]!.assumptions[2],
    "nodes spread over availabilityZones in turn (eu-west-1a), as the Auto Scaling group balances them",
  );
  // the report pod does not tolerate dedicated=batch: it goes to a legacy node
  assert.match(add.nowFit[0]!.node!, /^legacy-/);
});

test("--add-node NODEGROUP with an instance type podpath's table lacks, or a bad taint effect: file:line:col and what to give instead, exit 2", async () => {
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const group = JSON.parse(readFileSync(NODEGROUP, "utf8"));
  const dir = tempDir({
    "p5.json": JSON.stringify({ nodegroup: { ...group.nodegroup, instanceTypes: ["p5.48xlarge"] } }, null, 4),
    "launch-template.json": JSON.stringify(
      {
        nodegroup: {
          ...group.nodegroup,
          instanceTypes: null,
          launchTemplate: { name: "workers-lt", version: "3", id: "lt-0a1b2c3d4e5f60001" },
        },
      },
      null,
      4,
    ),
    "effect.json": JSON.stringify(
      { nodegroup: { ...group.nodegroup, taints: [{ key: "gpu", effect: "NoSchedule" }] } },
      null,
      4,
    ),
  });
  const p5 = await cli(["place", "-s", SHOP, "--add-node", join(dir, "p5.json")]);
  assert.equal(p5.code, 2);
  assert.match(
    p5.stderr,
    /p5\.json:\d+:\d+: nodegroup workers: instance type p5\.48xlarge is not in podpath's table of EC2 instance types \(families t3, t3a, t4g, m5, .*\): give a kubectl Node of that type instead/,
  );
  assert.doesNotMatch(p5.stderr, /at .*\.js:\d+/);
  const lt = await cli(["place", "-s", SHOP, "--add-node", join(dir, "launch-template.json")]);
  assert.equal(lt.code, 2);
  assert.match(
    lt.stderr,
    /launch-template\.json:\d+:\d+: nodegroup workers: its instance type is in its launch template/,
  );
  const effect = await cli(["place", "-s", SHOP, "--add-node", join(dir, "effect.json")]);
  assert.equal(effect.code, 2);
  assert.match(
    effect.stderr,
    /effect\.json:\d+:\d+: nodegroup\.taints\[0\]\.effect: "NoSchedule" is not NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE/,
  );
});

// --- --add-node with a Karpenter NodePool (kubectl get nodepool,ec2nodeclass -o yaml) ------------

const NODEPOOL = "test/fixtures/what-if/karpenter-nodepool-default.yaml";

test("--add-node NODEPOOL (karpenter.sh/v1 with its EC2NodeClass): Karpenter launches the smallest allowed type for the Pending report pod (c6i.large: category c|m, generation > 5, amd64), startupTaints left off", async () => {
  const add = (await placeJson(["-s", SHOP, "--add-node", NODEPOOL])).whatIf!.addNode!;
  const [t] = add.templates;
  assert.deepEqual(
    [t!.kind, t!.name, t!.source, t!.nodes, t!.launches, t!.notLaunched],
    [
      "Karpenter NodePool",
      "default",
      `${NODEPOOL}:3`,
      ["default-1"],
      [{ node: "default-1", instanceType: "c6i.large", pods: ["shop/report-5b8f9d7c6d-k7wzn"] }],
      [],
    ],
  );
  assert.match(
    t!.assumptions[1]!,
    /^allowed instance types \(of podpath's table of common EC2 types\): c6i\.large, c7i\.large, m6a\.large, m6i\.large, m7i\.large, c6i\.xlarge,/,
  );
  assert.ok(!t!.assumptions[1]!.includes("m5."), "generation 5 is not > 5");
  assert.ok(t!.assumptions.some((a) => a.startsWith("startupTaints example.com/bootstrapping:NoSchedule left off")));
  // c6i.large: 2 vCPU, 4096 MiB less 7.5 % = 3788 MiB, ENI-limited 29 pods (3 × (10 − 1) + 2)
  assert.deepEqual(add.nodes, [
    {
      node: "default-1",
      source: `${NODEPOOL}:3`,
      location: { file: NODEPOOL, line: 3, column: 3 },
      allocatable: { cpu: 1930, memory: (3788 - (11 * 29 + 255) - 100) * 1024 * 1024, pods: 29 },
      taints: [],
    },
  ]);
  assert.deepEqual(
    add.takesIn.map((p) => [p.pod, p.node]),
    [
      ["log-agent-default-1", "default-1"],
      ["report-5b8f9d7c6d-k7wzn", "default-1"],
    ],
  );
});

test("--add-node NODEPOOL of karpenter.sh/v1beta1: the kubelet block on the NodePool (maxPods 110) gives the pods; kube-reserved memory stays the ENI-limited count's (11·29+255 MiB: karpenter-provider-aws kubeReservedResources with AL2, v1beta1's default family, UsesENILimitedMemoryOverhead)", async () => {
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const dir = tempDir({
    "v1beta1.yaml": `apiVersion: karpenter.sh/v1beta1
kind: NodePool
metadata:
  name: general
spec:
  template:
    spec:
      kubelet:
        maxPods: 110
      nodeClassRef:
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        name: default
      requirements:
      - key: node.kubernetes.io/instance-type
        operator: In
        values:
        - m5.large
`,
  });
  const add = (await placeJson(["-s", SHOP, "--add-node", join(dir, "v1beta1.yaml")])).whatIf!.addNode!;
  // m5.large: 8192 MiB less 7.5 % (615) = 7577 MiB
  assert.deepEqual(add.nodes[0]!.allocatable, { cpu: 1930, memory: (7577 - 574 - 100) * 1024 * 1024, pods: 110 });
  assert.equal(add.templates[0]!.launches![0]!.instanceType, "m5.large");
  assert.match(
    add.templates[0]!.assumptions[2]!,
    /^kubelet settings and root volume from the NodePool's kubelet block/,
  );
});

test("--add-node NODEPOOL packs the Pending pods as Karpenter's scheduler does (queue.go: by descending cpu; scheduler.go add: onto the in-flight claim whose types still hold it; newNode: types within the limits left, subtractMax taking the largest one's capacity)", async () => {
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const batch = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: batch
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: batch
  template:
    metadata:
      labels:
        app.kubernetes.io/name: batch
    spec:
      containers:
      - image: registry.example.com/shop/batch:1.4.2
        name: batch
        resources:
          requests:
            cpu: 1800m
            memory: 256Mi
`;
  const dir = tempDir({
    "batch.yaml": batch,
    "pool-4cpu.yaml": readFileSync(NODEPOOL, "utf8").replace('      cpu: "16"', '      cpu: "4"'),
  });
  const run = async (pool: string) =>
    (await placeJson(["-s", SHOP, "-w", join(dir, "batch.yaml"), "--add-node", pool])).whatIf!.addNode!.templates[0]!;
  // limits cpu 16: the three 1800m replicas and the 1500m report pod fit one c6i.2xlarge (7910m allocatable with the 100m log-agent)
  const roomy = await run(NODEPOOL);
  assert.deepEqual(
    roomy.launches!.map((l) => [l.node, l.instanceType, l.pods.length]),
    [["default-1", "c6i.2xlarge", 4]],
  );
  // limits cpu 4: the first claim may be a large or an xlarge, so 4 CPUs are taken at once (subtractMax);
  // the second replica joins it (an xlarge holds 3700m), the rest would need a new node past the limits
  const limited = await run(join(dir, "pool-4cpu.yaml"));
  assert.equal(limited.launches!.length, 1);
  assert.equal(limited.launches![0]!.instanceType, "c6i.xlarge");
  assert.equal(limited.launches![0]!.pods.length, 2);
  assert.ok(limited.launches![0]!.pods.every((p) => p.startsWith("shop/batch-")));
  assert.deepEqual(
    limited.notLaunched!.map((n) => [/^shop\/(batch|report)-/.exec(n.pod)?.[1], n.reason]),
    // taken: the m6i.xlarge's 4 CPUs and 16384 MiB less 7.5 %
    [
      [
        "batch",
        "every allowed type that holds it would exceed the NodePool's limits (cpu 4, 4 taken; memory 64Gi, 15155Mi taken)",
      ],
      [
        "report",
        "every allowed type that holds it would exceed the NodePool's limits (cpu 4, 4 taken; memory 64Gi, 15155Mi taken)",
      ],
    ],
  );
});

test("--add-node NODEPOOL: spec.limits stop a launch past them (cpu 1 < the 2 vCPUs of the smallest type); a pool whose taint no Pending pod tolerates launches nothing; with no Pending pod Karpenter launches nothing", async () => {
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const pool = readFileSync(NODEPOOL, "utf8");
  const dir = tempDir({
    "limited.yaml": pool.replace('      cpu: "16"', '      cpu: "1"'),
    "tainted.yaml": pool.replace(
      "        startupTaints:",
      "        taints:\n        - effect: NoSchedule\n          key: dedicated\n          value: gpu\n        startupTaints:",
    ),
  });
  const limited = (await placeJson(["-s", SHOP, "--add-node", join(dir, "limited.yaml")])).whatIf!.addNode!;
  assert.deepEqual(limited.nodes, []);
  assert.deepEqual(limited.templates[0]!.notLaunched, [
    {
      pod: "shop/report-5b8f9d7c6d-k7wzn",
      reason:
        "every allowed type that holds it would exceed the NodePool's limits (cpu 1, 0 taken; memory 64Gi, 0 taken)",
    },
  ]);
  assert.deepEqual(
    limited.stillPending.map((p) => p.pod),
    ["report-5b8f9d7c6d-k7wzn"],
  );
  const tainted = (await placeJson(["-s", SHOP, "--add-node", join(dir, "tainted.yaml")])).whatIf!.addNode!;
  assert.deepEqual([tainted.nodes, tainted.templates[0]!.launches], [[], []]);
  assert.ok(
    tainted.templates[0]!.assumptions.some((a) =>
      a.startsWith("none of the 1 Pending pod can run on a node of this pool"),
    ),
  );
  // the embedded example: every pod is bound
  const none = (await placeJson(["--add-node", NODEPOOL])).whatIf!.addNode!;
  assert.deepEqual(none.nodes, []);
  assert.ok(none.templates[0]!.assumptions.includes("no pod is Pending: Karpenter launches no node"));
  const text = await cli(["place", "--add-node", NODEPOOL, "-o", "text"]);
  assert.match(text.stdout, /What if: Karpenter NodePool default added \(--add-node\): no node\n/);
});

const pdbYaml = (name: string, spec: string, status = "") =>
  `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  creationTimestamp: "2026-11-02T08:00:00Z"\n  generation: 1\n  name: ${name}\n  namespace: shop\n  resourceVersion: "1200"\n  uid: 3f0c2a4e-8b1d-4c6e-9a7f-0d2e4b6c8a10\nspec:\n${spec}  selector:\n    matchLabels:\n      app.kubernetes.io/name: api\n${status}`;

test("--drain with two PodDisruptionBudgets over one pod (eviction.go: more than one budget is refused with a 500): the pod is blocked, naming both", async () => {
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const dir = tempDir({
    "pdb.yaml": pdbYaml(
      "api-extra",
      "  minAvailable: 1\n",
      "status:\n  currentHealthy: 3\n  desiredHealthy: 1\n  disruptionsAllowed: 2\n  expectedPods: 3\n  observedGeneration: 1\n",
    ),
  });
  const drain = (await placeJson(["-s", SHOP, "-w", join(dir, "pdb.yaml"), "--drain", "node-b"])).whatIf!.drain!;
  const api = drain.pods.find((p) => p.pod === "shop/api-7d9c6b5f48-vt9kd")!;
  assert.equal(api.action, "blocked");
  assert.equal(api.reason, `${EVICTION_MULTIPLE_BUDGETS} (shop/api, shop/api-extra)`);
  assert.equal(drain.completes, false);
});

test("--drain with a budget the disruption controller has not processed (no status): disruptionsAllowed computed as disruption.go does (maxUnavailable 34% of 3 replicas rounds up to 2), both api pods evicted, both replacements Pending", async () => {
  const { join } = await import("node:path");
  const { tempDir } = await import("../support/helpers.js");
  const dir = tempDir({ "pdb.yaml": pdbYaml("api", '  maxUnavailable: "34%"\n') });
  const drain = (await placeJson(["-s", SHOP, "-w", join(dir, "pdb.yaml"), "--drain", "node-a"])).whatIf!.drain!;
  const budget = drain.budgets.find((b) => b.budget === "shop/api")!;
  assert.deepEqual(
    [
      budget.from,
      budget.disruptionsAllowed,
      budget.desiredHealthy,
      budget.currentHealthy,
      budget.evictions,
      budget.blocks,
    ],
    ["computed", 2, 1, 3, 2, 0],
  );
  assert.deepEqual(
    drain.pods
      .filter((p) => p.workload === "Deployment shop/api")
      .map((p) => [p.action, p.wave, p.replacement?.node ?? null]),
    [
      ["evicted", 1, null],
      ["evicted", 1, null],
    ],
  );
  // every eviction went through: the drain completes, and leaves two pods Pending
  assert.deepEqual([drain.completes, drain.pending], [true, 2]);
});
