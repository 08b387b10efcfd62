/**
 * Kubernetes captures as people have them (test/fixtures/captures/kubeadm-calico-dump, shaped as
 * kubectl prints them): `kubectl get nodes,pods -A -o json` (a List; pods name ReplicaSets,
 * DaemonSets, a StatefulSet and a Job the dump lacks; static pods name their Node; one pod trimmed
 * of status.conditions), `kubectl get ds -A -o json` (calico-node as calico.yaml installs it, no
 * IPPool anywhere; kube-proxy; log-agent without tolerations), `kubectl get svc -o json`.
 * The cluster: kubeadm, cp-1 with the control-plane taint, worker-1/2, worker-small with 1 CPU.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { cli, REPO } from "../support/helpers.js";
import type { TraceJson } from "../../src/questions/trace.js";
import type { PlacementJson } from "../../src/questions/place.js";

const DIR = "test/fixtures/captures/kubeadm-calico-dump";
const DUMP = join(DIR, "nodes-pods.json");

type PlaceJson = PlacementJson;

async function json<T>(args: readonly string[]): Promise<T> {
  const r = await cli([...args, "-o", "json"], REPO);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

test("daemon_controller.go NodeShouldRunDaemonPod: a DaemonSet without tolerations is not targeted on the tainted control-plane node; the controller's 3 pods are counted; only worker-small (no CPU left) is unschedulable", async () => {
  const report = await json<PlaceJson>(["place", "--snapshot", DIR, "--workload", "kube-system/log-agent"]);
  const [ds] = report.workloads;
  assert.ok(ds);
  assert.deepEqual(ds.targetedNodes, ["worker-1", "worker-2", "worker-small"]);
  assert.deepEqual(ds.notTargeted, [
    {
      node: "cp-1",
      rule: "taint",
      reason: "untolerated taint node-role.kubernetes.io/control-plane:NoSchedule",
      source: `${DUMP}:31`,
      location: { file: DUMP, line: 31, column: 21 },
      runningPod: null,
      continueRunning: true,
    },
  ]);
  // one pod per targeted node (desiredNumberScheduled 3 in the DaemonSet's status), none for cp-1
  assert.deepEqual(
    ds.pods.map((p) => [p.name, p.observedNode, p.unschedulable !== null]),
    [
      ["log-agent-p2mvs", "worker-1", false],
      ["log-agent-wr9fz", "worker-2", false],
      ["log-agent-worker-small", null, true],
    ],
  );
  // cp-1 is not among the rejected nodes: it is not a placement failure
  assert.deepEqual(
    ds.nodes.filter((n) => !n.feasible).map((n) => [n.node, n.reasons.map((r) => r.plugin)]),
    [["worker-small", ["NodeResourcesFit"]]],
  );
  const text = await cli(["place", "--snapshot", DIR, "--workload", "kube-system/log-agent", "-o", "text"], REPO);
  assert.match(
    text.stdout,
    /targets 3 of 4 nodes \(the DaemonSet controller creates 3 pods\)\n  not targeted on cp-1: untolerated taint node-role\.kubernetes\.io\/control-plane:NoSchedule \(test\/fixtures\/captures\/kubeadm-calico-dump\/nodes-pods\.json:31\)/,
  );
  assert.match(text.stdout, /1 unschedulable/);
  // the scheduler's own FitError for a daemon pod pinned to its node (the other nodes: NodeAffinity's PreFilterResult)
  assert.match(
    text.stdout,
    /log-agent-worker-small: 0\/4 nodes are available: 1 Insufficient cpu, 3 node\(s\) didn't satisfy plugin\(s\) \[NodeAffinity\]\./,
  );
});

test("daemon_controller.go: DaemonSets tolerating every taint (calico-node, kube-proxy) target all 4 nodes", async () => {
  const report = await json<PlaceJson>(["place", "--snapshot", DIR]);
  for (const name of ["calico-node", "kube-proxy"]) {
    const ds = report.workloads.find((w) => w.name === name)!;
    assert.deepEqual([ds.targetedNodes, ds.notTargeted], [["cp-1", "worker-1", "worker-2", "worker-small"], []], name);
  }
});

test("a nodes + pods dump without owners: every pod (static pods aside) is placed under its owner reference, a ReplicaSet x-<hash> as Deployment x (inferred), with what is unknown", async () => {
  const report = await json<PlaceJson>(["place", "--snapshot", DUMP]);
  assert.deepEqual(
    report.workloads.map((w) => [
      `${w.kind} ${w.namespace}/${w.name}`,
      w.knownFromPods?.pods,
      w.knownFromPods?.inferredVia !== null,
    ]),
    [
      ["Deployment default/cruncher", 1, true],
      ["StatefulSet default/db", 1, false],
      ["Job default/report-28891440", 1, false],
      ["Deployment default/web", 2, true],
      ["DaemonSet kube-system/calico-node", 4, false],
      ["Deployment kube-system/coredns", 2, true],
      ["DaemonSet kube-system/kube-proxy", 4, false],
      ["DaemonSet kube-system/log-agent", 2, false],
    ],
  );
  const placed = report.workloads.flatMap((w) => w.pods.map((p) => p.name)).sort();
  assert.equal(placed.length, 17);
  assert.equal(new Set(placed).size, 17);
  assert.ok(
    !placed.some((p) => p.startsWith("etcd-") || p.startsWith("kube-apiserver-")),
    "static pods stay the kubelet's",
  );
  const web = report.workloads.find((w) => w.name === "web")!;
  assert.match(web.knownFromPods!.inferredVia!, /^ReplicaSet web-6d4cf56db6 → Deployment web, inferred/);
  assert.match(web.knownFromPods!.unknown.join("; "), /replicas/);
  // the template is a pod's spec without its binding: the pods' own nodeName does not pin the workload
  assert.deepEqual(web.feasibleNodes, ["worker-1", "worker-2"]);
  // a DaemonSet known only through its pods: its targeting is unknown, no pod is invented
  const agent = report.workloads.find((w) => w.name === "log-agent")!;
  assert.deepEqual(
    [agent.targetedNodes, agent.pods.length, agent.pods.every((p) => p.predictedNode === null)],
    [null, 2, true],
  );
  // the nodes without one of its pods are named, not silently left out (ReplaceDaemonSetPodNodeNameNodeAffinity: its affinity is not on its pods)
  assert.match(
    agent.knownFromPods!.unknown[0]!,
    /^the nodes it targets .*: no pod seen on cp-1, worker-small, whether it targets them is unknown$/,
  );
  // static pods: listed as the kubelet's, with their node
  assert.deepEqual(
    report.staticPods.map((p) => [p.name, p.node]),
    [
      ["etcd-cp-1", "cp-1"],
      ["kube-apiserver-cp-1", "cp-1"],
    ],
  );

  const show = await json<{
    joinCounts: Record<string, number>;
    unresolvedOwners: { owner: string; pods: number }[];
    diagnostics: { code: string; severity: string; source: string | null }[];
  }>(["snapshot", "show", "--snapshot", DUMP]);
  // only the static pods' joins resolve (to their Node); the 17 others are listed as unresolved
  assert.equal(show.joinCounts["pod-owner"], 2);
  assert.equal(
    show.unresolvedOwners.reduce((n, o) => n + o.pods, 0),
    17,
  );
  assert.deepEqual(
    show.diagnostics.filter((d) => d.severity === "warning").map((d) => d.code),
    ["unresolved-reference"],
  );
});

test("startup.go configureIPPools: a plain calico.yaml install (no IPPool) gets calico-node's default pool from its env, and pod → internet is masqueraded by natOutgoing citing the CALICO_IPV4POOL_CIDR line", async () => {
  const t = await json<TraceJson>([
    "trace",
    "--snapshot",
    DIR,
    "--from",
    "pod:default/web-6d4cf56db6-9wq2m",
    "--to",
    "internet",
  ]);
  const snat = t.hops.find((h) => h.component === "calico-natoutgoing");
  assert.ok(snat);
  assert.deepEqual(
    [snat.id, snat.action, snat.packet.src, snat.source],
    ["default-ipv4-ippool", "snat", "10.0.1.12", `${DIR}/daemonsets.json:112`],
  );
  // the capture has no AWS part: what becomes of the private node address beyond the node is unknown
  assert.equal(t.verdict, "unknown");
  assert.equal(t.finalSourceIp, null);
  assert.ok(
    t.assumptions.some((a) =>
      /IP pool default-ipv4-ippool \(10\.244\.0\.0\/16, natOutgoing true, ipipMode Never, vxlanMode Always\) is not in the snapshot: derived from DaemonSet kube-system\/calico-node's environment/.test(
        a,
      ),
    ),
    t.assumptions.join("\n"),
  );

  const show = await json<{
    kubernetes: Record<string, number>;
    diagnostics: { code: string; severity: string; message: string; source: string | null }[];
  }>(["snapshot", "show", "--snapshot", DIR]);
  const derived = show.diagnostics.filter((d) => d.code === "derived-object");
  assert.deepEqual(
    derived.map((d) => [d.severity, d.source]),
    [["info", `${DIR}/daemonsets.json:112:37`]],
  );
  assert.match(
    derived[0]!.message,
    /cidr 10\.244\.0\.0\/16, ipipMode Never, vxlanMode Always, natOutgoing true \(the default\), blockSize 26/,
  );
});

test("startup.go configureIPPools + detectCni: with only the pods dump, calico-node's pods give the CNI and the pool (cited in the pod's env)", async () => {
  const t = await json<TraceJson>([
    "trace",
    "--snapshot",
    DUMP,
    "--from",
    "pod:default/web-6d4cf56db6-9wq2m",
    "--to",
    "internet",
  ]);
  const snat = t.hops.find((h) => h.component === "calico-natoutgoing");
  assert.ok(snat);
  assert.equal(snat.action, "snat");
  assert.match(snat.source ?? "", /nodes-pods\.json:\d+$/);
});

test("a pod trimmed of status.conditions is a ready Service endpoint, and the trace says it assumed so", async () => {
  const t = await json<TraceJson>([
    "trace",
    "--snapshot",
    DIR,
    "--from",
    "pod:default/db-0",
    "--to",
    "service:default/web",
  ]);
  assert.equal(t.verdict, "delivered");
  const dnat = t.hops.find((h) => h.component === "kube-proxy" && h.action === "dnat");
  assert.ok(dnat);
  assert.equal(dnat.packet.dst, "10.244.226.66");
  assert.match(dnat.note, /Assumed: pod default\/web-6d4cf56db6-4jx8t has no status\.conditions/);
  assert.ok(
    t.assumptions.includes(
      "pod default/web-6d4cf56db6-4jx8t has no status.conditions in the capture (trimmed): it is taken as ready, so kube-proxy lists it as an endpoint",
    ),
    t.assumptions.join("\n"),
  );
  const show = await json<{ diagnostics: { code: string; severity: string; message: string }[] }>([
    "snapshot",
    "show",
    "--snapshot",
    DIR,
  ]);
  assert.deepEqual(
    show.diagnostics.filter((d) => d.code === "assumed-ready").map((d) => [d.severity, d.message]),
    [
      [
        "info",
        "Service default/web: endpoint pod(s) web-6d4cf56db6-4jx8t have no status.conditions (a trimmed capture): taken as ready",
      ],
    ],
  );
});

test("fix place on a workload known only through its pods: the patch leaves out the pod's binding and admission tolerations, and says it rests on one pod's spec", async () => {
  const r = await cli(
    ["fix", "place", "default/web", "--onto", "node-role.kubernetes.io/control-plane", "--snapshot", DIR, "-o", "text"],
    REPO,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /Deployment default\/web is not in the snapshot; it is known only through its pods \(ReplicaSet web-6d4cf56db6 → Deployment web, inferred/,
  );
  assert.doesNotMatch(r.stdout, /tolerationSeconds: 300|nodeName/);
});
