/**
 * `podpath place` on pods as the API server stores them: defaulting and admission applied to each
 * template (src/analysis/placement/admission/), each change listed in `mutations` with its
 * source, and the placement following from the admitted pod. One scenario per rule of issue 10
 * item 1, on kubectl-shaped inputs (test/fixtures/admission/, README there); each test checks
 * the verdict that would differ without the rule.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ERR_REASON as NODE_PORTS_REASON } from "../../src/analysis/placement/plugins/nodeports/filter.js";
import type { MutationJson, PlacementJson, WorkloadPlacementJson } from "../../src/questions/place.js";
import { cli } from "../support/helpers.js";

const F = "test/fixtures/admission";
const SMALL = `${F}/nodes-small.yaml`;
const POOL = `${F}/nodes-pool.yaml`;
const NODE = "ip-10-0-1-21.eu-west-1.compute.internal";
const SANDBOX_NODE = "ip-10-0-1-31.eu-west-1.compute.internal";
const PLAIN_NODE = "ip-10-0-2-32.eu-west-1.compute.internal";

async function place(...args: string[]): Promise<PlacementJson> {
  const r = await cli(["place", ...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PlacementJson;
}

function workload(report: PlacementJson, id: string): WorkloadPlacementJson {
  const w = report.workloads.find((x) => `${x.namespace}/${x.name}` === id);
  assert.ok(w, `no workload ${id}`);
  return w;
}

const from = (w: WorkloadPlacementJson, source: string): MutationJson[] =>
  w.mutations.filter((m) => m.source === source);
const fields = (ms: readonly MutationJson[]) => ms.map((m) => [m.field, m.value]);
const placed = (w: WorkloadPlacementJson) => w.pods.filter((p) => p.predictedNode !== null).length;
const unschedulable = (w: WorkloadPlacementJson) =>
  w.pods.filter((p) => p.unschedulable !== null).map((p) => p.unschedulable);

describe("core/v1 defaults.go SetDefaults_Pod: requests default to limits", () => {
  test("SetDefaults_Pod: a container with limits only requests its limits, so the second 1-CPU replica does not fit a 2-vCPU node", async () => {
    const w = workload(await place("-s", SMALL, "-s", `${F}/limits-only.yaml`), "batch/report");
    assert.deepEqual(fields(from(w, "core/v1 SetDefaults_Pod")), [
      ["spec.containers[report].resources.requests.cpu", "1"],
      ["spec.containers[report].resources.requests.memory", "512Mi"],
    ]);
    assert.equal(from(w, "core/v1 SetDefaults_Pod")[0]!.object, `${F}/limits-only.yaml:47`);
    assert.equal(placed(w), 1);
    assert.deepEqual(unschedulable(w), [
      "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
  });
});

describe("admission defaulttolerationseconds/admission.go Admit: not-ready and unreachable NoExecute for 300 s", () => {
  test("DefaultTolerationSeconds: both tolerations when the pod has neither; none with a blanket toleration; only unreachable when not-ready is tolerated", async () => {
    const report = await place("-s", SMALL, "-s", `${F}/toleration-seconds.yaml`);
    const source = "admission:DefaultTolerationSeconds";
    assert.deepEqual(fields(from(workload(report, "ops/plain"), source)), [
      ["spec.tolerations", "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s"],
      ["spec.tolerations", "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"],
    ]);
    assert.deepEqual(from(workload(report, "ops/tolerates-all"), source), []);
    assert.deepEqual(fields(from(workload(report, "ops/short-not-ready"), source)), [
      ["spec.tolerations", "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"],
    ]);
  });
});

describe("core/v1 defaults.go SetDefaults_Pod → defaultHostNetworkPorts", () => {
  test("defaultHostNetworkPorts: with hostNetwork every container port — app, sidecar and plain init containers — gets hostPort = containerPort, and NodePorts keeps a second replica off the node", async () => {
    const w = workload(await place("-s", POOL, "-s", `${F}/host-network.yaml`), "observability/agent");
    assert.deepEqual(fields(from(w, "core/v1 SetDefaults_Pod")), [
      ["spec.containers[agent].ports[9100/TCP].hostPort", "9100"],
      ["spec.initContainers[log-shipper].ports[2020/TCP].hostPort", "2020"],
      ["spec.initContainers[setup].ports[9999/TCP].hostPort", "9999"],
    ]);
    // one replica per node that admits it (the sandbox node's taint keeps it off the other)
    assert.equal(placed(w), 1);
    for (const message of unschedulable(w)) assert.ok(message?.includes(`1 ${NODE_PORTS_REASON}`), message ?? "");
  });
});

describe("admission limitranger/admission.go PodMutateLimitFunc: the namespace's LimitRange defaults", () => {
  test("LimitRanger: containers without requests get the LimitRange's defaultRequest and default limits (cited at the item), only in its namespace; the replicas no longer all fit", async () => {
    const report = await place("-s", SMALL, "-s", `${F}/limit-range.yaml`);
    const worker = workload(report, "team-a/worker");
    const lr = from(worker, "admission:LimitRanger");
    assert.deepEqual(fields(lr), [
      ["spec.containers[worker].resources.limits.cpu", "500m"],
      ["spec.containers[worker].resources.limits.memory", "512Mi"],
      ["spec.containers[worker].resources.requests.cpu", "250m"],
      ["spec.containers[worker].resources.requests.memory", "256Mi"],
    ]);
    for (const m of lr) assert.equal(m.object, `${F}/limit-range.yaml:27`);
    // a container that sets its cpu request keeps it
    assert.deepEqual(
      fields(from(workload(report, "team-a/sized"), "admission:LimitRanger")).map(([f]) => f),
      [
        "spec.containers[sized].resources.limits.cpu",
        "spec.containers[sized].resources.limits.memory",
        "spec.containers[sized].resources.requests.memory",
      ],
    );
    assert.deepEqual(from(workload(report, "team-b/worker"), "admission:LimitRanger"), []);
    // 1,855 Mi allocatable: team-b's worker and team-a's sized (256 Mi) leave room for six 256 Mi workers of eight
    assert.equal(placed(worker), 6);
    assert.deepEqual(unschedulable(worker), [
      "0/1 nodes are available: 1 Insufficient memory. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
      "0/1 nodes are available: 1 Insufficient memory. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
  });
});

describe("admission runtimeclass/admission.go Admit: RuntimeClass overhead and scheduling", () => {
  test("RuntimeClass setOverhead and setScheduling: overhead.podFixed, the nodeSelector (NodeAffinity cites the RuntimeClass) and the toleration of the sandbox taint", async () => {
    const report = await place("-s", POOL, "-s", `${F}/runtime-class.yaml`);
    const w = workload(report, "sandboxed/untrusted");
    assert.deepEqual(fields(from(w, "admission:RuntimeClass")), [
      ["spec.overhead.cpu", "250m"],
      ["spec.overhead.memory", "160Mi"],
      ["spec.nodeSelector.runtime", "gvisor"],
      ["spec.tolerations", "sandbox=gvisor:NoSchedule op=Equal"],
    ]);
    assert.equal(from(w, "admission:RuntimeClass")[1]!.object, `${F}/runtime-class.yaml:13`, "overhead.podFixed");
    assert.deepEqual(w.feasibleNodes, [SANDBOX_NODE]);
    const plain = w.nodes.find((n) => n.node === PLAIN_NODE)!;
    assert.deepEqual(
      plain.reasons.map((r) => [r.plugin, r.source]),
      [["NodeAffinity", `${F}/runtime-class.yaml:3`]],
    );
    // a RuntimeClass the snapshot lacks is said, not guessed
    const unknown = workload(report, "sandboxed/unknown-runtime");
    assert.deepEqual(
      unknown.admissionNotes.map((n) => n.source),
      ["admission:RuntimeClass"],
    );
    assert.match(unknown.admissionNotes[0]!.message, /RuntimeClass kata is not in the snapshot/);
  });
});

describe("admission priority/admission.go admitPod: PriorityClass value and preemptionPolicy, globalDefault", () => {
  test("Priority: a named class gives its value and preemptionPolicy; no class takes the globalDefault; the higher priority is placed first", async () => {
    const report = await place("-s", SMALL, "-s", `${F}/priority.yaml`);
    const rollup = workload(report, "jobs/rollup");
    assert.deepEqual(fields(from(rollup, "admission:Priority")), [
      ["spec.priority", "100000"],
      ["spec.preemptionPolicy", "Never"],
    ]);
    assert.equal(from(rollup, "admission:Priority")[0]!.object, `${F}/priority.yaml:3`);
    const ingest = workload(report, "jobs/ingest");
    assert.deepEqual(fields(from(ingest, "admission:Priority")), [
      ["spec.priorityClassName", "default-low"],
      ["spec.priority", "100"],
      ["spec.preemptionPolicy", "PreemptLowerPriority"],
    ]);
    // both ask 1.2 CPU of 1.93: ingest comes first in the manifest, rollup's priority places it first
    assert.equal(rollup.pods[0]!.predictedNode, NODE);
    assert.deepEqual(unschedulable(ingest), [
      "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
  });
});

describe("component-helpers resource/helpers.go PodRequests with pod-level resources (PodLevelResources, on by default in v1.34)", () => {
  test("PodRequests: pod-level requests replace the containers' (1 Gi, not 200 Mi), so the second notebook does not fit; pod-level limits alone default the pod-level requests (defaultPodRequests)", async () => {
    const report = await place("-s", SMALL, "-s", `${F}/pod-level.yaml`);
    const notebook = workload(report, "analytics/notebook");
    assert.equal(placed(notebook), 1);
    assert.deepEqual(unschedulable(notebook), [
      "0/1 nodes are available: 1 Insufficient memory. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
    assert.deepEqual(fields(from(workload(report, "analytics/limits-at-pod-level"), "core/v1 SetDefaults_Pod")), [
      ["spec.resources.requests.cpu", "300m"],
      ["spec.resources.requests.memory", "256Mi"],
    ]);
  });
});

describe("Istio sidecar injection (istio mutatingwebhook.yaml selectors, pkg/kube/inject injectRequired, injection-template resources)", () => {
  test("issue 10: on a 2 GiB node (1,855 Mi allocatable) five injected storefront pods need 2,304 Mi with coredns: the fifth does not fit", async () => {
    const w = workload(await place("-s", SMALL, "-s", `${F}/istio.yaml`), "shop/storefront");
    assert.deepEqual(fields(from(w, "webhook:istio-sidecar-injector")), [
      ["spec.initContainers[istio-init]", "requests cpu 100m, memory 128Mi"],
      ["spec.containers[istio-proxy]", "requests cpu 100m, memory 128Mi"],
      // injection-template.yaml metadata.labels (canonical-name from app.kubernetes.io/name)
      ["metadata.labels.security.istio.io/tlsMode", "istio"],
      ["metadata.labels.service.istio.io/canonical-name", "storefront"],
      ["metadata.labels.service.istio.io/canonical-revision", "latest"],
    ]);
    assert.equal(from(w, "webhook:istio-sidecar-injector")[0]!.object, `${F}/istio.yaml:3`);
    assert.match(from(w, "webhook:istio-sidecar-injector")[0]!.reason, /ENABLE_NATIVE_SIDECARS assumed off/);
    assert.equal(placed(w), 4);
    assert.deepEqual(unschedulable(w), [
      "0/1 nodes are available: 1 Insufficient memory. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
  });

  test("without the namespace label (--with an unlabelled namespace) nothing is injected and all five fit", async () => {
    const w = workload(
      await place("-s", SMALL, "-s", `${F}/istio.yaml`, "--with", `${F}/istio-namespace-unlabelled.yaml`),
      "shop/storefront",
    );
    assert.deepEqual(from(w, "webhook:istio-sidecar-injector"), []);
    assert.equal(placed(w), 5);
  });

  test("--istio-proxy-requests replaces the mesh default: with 100m,20Mi all five fit", async () => {
    const w = workload(
      await place("-s", SMALL, "-s", `${F}/istio.yaml`, "--istio-proxy-requests", "100m,20Mi"),
      "shop/storefront",
    );
    assert.deepEqual(fields(from(w, "webhook:istio-sidecar-injector"))[1], [
      "spec.containers[istio-proxy]",
      "requests cpu 100m, memory 20Mi",
    ]);
    assert.equal(placed(w), 5);
  });

  test("--istio-proxy-requests that is not CPU,MEMORY is a usage error (exit 2)", async () => {
    const r = await cli(["place", "-s", SMALL, "--istio-proxy-requests", "lots"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--istio-proxy-requests "lots": give CPU,MEMORY/);
  });

  test("injection rules: namespace label, istio.io/rev, pod label opt-in and opt-out, annotation opt-out, proxy annotations, hostNetwork, istio-injection=disabled", async () => {
    const report = await place("-s", POOL, "-s", `${F}/istio-rules.yaml`);
    const injected = (id: string) =>
      from(workload(report, id), "webhook:istio-sidecar-injector").map((m) => m.value)[1] ?? null;
    assert.equal(
      injected("mesh/cron"),
      null,
      "pod label sidecar.istio.io/inject=false: the webhook's objectSelector leaves it out",
    );
    assert.equal(injected("mesh/batch"), null, "annotation sidecar.istio.io/inject=false: injectRequired says no");
    assert.match(workload(report, "mesh/batch").admissionNotes[0]!.message, /sidecar\.istio\.io\/inject is "false"/);
    assert.equal(injected("mesh/tuned"), "requests cpu 50m, memory 64Mi", "sidecar.istio.io/proxyCPU and proxyMemory");
    assert.equal(injected("mesh/host-agent"), null, "hostNetwork pods are never injected");
    assert.equal(
      injected("legacy/opted-in"),
      "requests cpu 100m, memory 128Mi",
      "pod label sidecar.istio.io/inject=true in an unlabelled namespace",
    );
    assert.equal(
      injected("legacy/annotation-only"),
      null,
      "the annotation alone does not match the webhook's objectSelector",
    );
    assert.equal(injected("canary/api"), "requests cpu 100m, memory 128Mi", "namespace label istio.io/rev");
    assert.equal(
      injected("frozen/legacy-api"),
      null,
      "istio-injection=disabled matches no webhook, whatever the pod says",
    );
  });
});

describe("Linkerd proxy injection (linkerd2 proxy-injector: linkerd.io/inject, config.linkerd.io/proxy-*-request)", () => {
  test("Linkerd: the namespace annotation injects linkerd-proxy (requests from the pod's config annotations, none by the chart's default) and linkerd-init; the pod's linkerd.io/inject: disabled opts out", async () => {
    const report = await place("-s", POOL, "-s", `${F}/linkerd.yaml`);
    const source = "webhook:linkerd-proxy-injector";
    assert.deepEqual(fields(from(workload(report, "payments/ledger"), source)), [
      ["spec.initContainers[linkerd-init]", "requests cpu 100m, memory 20Mi"],
      ["spec.containers[linkerd-proxy]", "requests cpu 50m, memory 64Mi"],
    ]);
    assert.deepEqual(fields(from(workload(report, "payments/defaults"), source))[1], [
      "spec.containers[linkerd-proxy]",
      "no requests",
    ]);
    assert.deepEqual(from(workload(report, "payments/audit"), source), []);
  });
});

test("text output: one 'admitted with N changes' line per workload, naming each source", async () => {
  const r = await cli(["place", "-s", SMALL, "-s", `${F}/istio.yaml`, "--workload", "shop/storefront", "-o", "text"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /\n {2}admitted with 9 changes: admission:Priority spec\.priority=0, spec\.preemptionPolicy=PreemptLowerPriority; admission:DefaultTolerationSeconds .*; webhook:istio-sidecar-injector spec\.initContainers\[istio-init\]=requests cpu 100m, memory 128Mi, spec\.containers\[istio-proxy\]=requests cpu 100m, memory 128Mi, metadata\.labels\.security\.istio\.io\/tlsMode=istio, .*canonical-revision=latest\n/,
  );
});
