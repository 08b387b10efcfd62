/**
 * `podpath place --fresh | --drain NODE | --add-node FILE`: the what-ifs asked before changing a
 * cluster, on the embedded example and on test/fixtures/captures/what-if-shop (kubectl-shaped).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli } from "../support/helpers.js";
import type { PlacementJson } from "../../src/questions/place.js";
import { FRESH_ORDER } from "../../src/analysis/placement/what-if/fresh.js";

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
  assert.ok(fresh.pods.filter((p) => p.workload === "Deployment kube-system/aws-load-balancer-controller").every((p) => !p.differs));
  // DaemonSet pods are queued first and keep their node
  const daemons = fresh.pods.filter((p) => p.workload.startsWith("DaemonSet "));
  assert.equal(daemons.length, 9);
  assert.ok(daemons.every((p) => p.freshNode === p.observedNode && p.order <= 9));

  const text = await cli(["place", "--fresh", "-o", "text"]);
  assert.match(text.stdout, /What if: a fresh install[^\n]*\n[^\n]*\n  6 of 29 observed pods would land on another node; 0 unschedulable\n/);
  assert.match(text.stdout, /  Deployment kube-system\/coredns +coredns-b9hrv45s82-9bh6q +k8s-master +k8s-worker-2\n/);
  const md = await cli(["place", "--fresh", "-o", "md"]);
  assert.match(md.stdout, /## What if: a fresh install\n/);
  assert.match(md.stdout, /\| Deployment kube-system\/coredns \| coredns-b9hrv45s82-xfrm8 \| k8s-master \| k8s-worker-1 \|/);
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
  assert.deepEqual([db.observedNode, db.freshNode, db.tiedNodes, db.observedWasTied], ["node-b", "node-a", ["node-a", "node-b"], true]);
  const report = fresh.pods.find((p) => p.workload === "Deployment shop/report")!;
  assert.equal(report.freshNode, null);
  assert.equal(report.unschedulable, "0/2 nodes are available: 2 Insufficient cpu.");
  assert.equal(fresh.unschedulable, 1);
});
