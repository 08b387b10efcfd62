/**
 * `podpath place` where the version's scheduler words, the PostFilter tail, the API server's
 * dropping of disabled fields and admission decide the answer (issue 10 items 1–3): one scenario
 * per upstream rule, on kubectl-shaped inputs (test/fixtures/admission/, README there).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PlacementJson, WorkloadPlacementJson } from "../../src/questions/place.js";
import { cli } from "../support/helpers.js";

const F = "test/fixtures/admission";
const SMALL = `${F}/nodes-small.yaml`;

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

const unschedulable = (w: WorkloadPlacementJson) =>
  w.pods.filter((p) => p.unschedulable !== null).map((p) => p.unschedulable);

describe("defaultpreemption/default_preemption.go PodEligibleToPreemptOthers: preemptionPolicy Never (from the PriorityClass)", () => {
  test("PodEligibleToPreemptOthers: the second rollup replica is Pending with 'preemption: not eligible due to preemptionPolicy=Never.', after DynamicResources' 'no new claims to deallocate' on v1.34, with the doubled period before v1.30", async () => {
    const args = ["-s", SMALL, "-s", `${F}/preemption-never.yaml`];
    assert.deepEqual(unschedulable(workload(await place(...args), "jobs/rollup")), [
      "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.",
    ]);
    assert.deepEqual(unschedulable(workload(await place(...args, "--kubernetes-version", "v1.33"), "jobs/rollup")), [
      "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
    ]);
    assert.deepEqual(unschedulable(workload(await place(...args, "--kubernetes-version", "v1.29"), "jobs/rollup")), [
      "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..",
    ]);
  });
});

describe("pkg/api/pod/util.go dropDisabledPodLevelResources: pod-level resources only where PodLevelResources is on (beta, on by default from v1.34)", () => {
  test("dropDisabledPodLevelResources: on v1.33 the API server drops spec.resources at create (said in droppedFields), so the containers' 200 Mi count and both notebooks fit; on v1.34 the pod-level 1 Gi counts and the second does not", async () => {
    const args = ["-s", SMALL, "-s", `${F}/pod-level.yaml`];
    const v133 = await place(...args, "--kubernetes-version", "v1.33");
    assert.deepEqual(
      v133.kubernetes.droppedFields.map((d) => [d.workload, d.field, d.gate, d.source]),
      [
        ["Deployment/analytics/limits-at-pod-level", "resources", "PodLevelResources", `${F}/pod-level.yaml:118`],
        ["Deployment/analytics/notebook", "resources", "PodLevelResources", `${F}/pod-level.yaml:47`],
      ],
    );
    const notebook = workload(v133, "analytics/notebook");
    assert.deepEqual(unschedulable(notebook), []);
    assert.equal(notebook.pods.filter((p) => p.predictedNode !== null).length, 2);
    // defaultPodRequests (SetDefaults_Pod) has nothing to default: the field is gone
    assert.deepEqual(
      workload(v133, "analytics/limits-at-pod-level").mutations.filter((m) => m.field.startsWith("spec.resources")),
      [],
    );
    const v134 = await place(...args, "--kubernetes-version", "v1.34");
    assert.deepEqual(v134.kubernetes.droppedFields, []);
    assert.equal(unschedulable(workload(v134, "analytics/notebook")).length, 1);
  });
});

describe("admission limitranger/admission.go PodValidateLimitFunc: a LimitRange's min, max and maxLimitRequestRatio refuse the create", () => {
  test("PodValidateLimitFunc: team-c/api (request 50m under min 100m, limit 8× the request) and team-c/cache (limit 2Gi over max 1Gi) get no pod — place says the API server's Forbidden instead of placing them; team-c/web, within bounds after LimitRanger's defaults, is placed", async () => {
    const report = await place("-s", SMALL, "-s", `${F}/limit-range-violations.yaml`);
    const api = workload(report, "team-c/api");
    assert.deepEqual(api.pods, []);
    assert.deepEqual(api.createRefused, {
      source: "admission:LimitRanger",
      message:
        'pods "api-0" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, cpu max limit to request ratio per Container is 2, but provided ratio is 8.000000]',
      object: `${F}/limit-range-violations.yaml:27`,
      pods: 2,
    });
    assert.equal(
      workload(report, "team-c/cache").createRefused?.message,
      'pods "cache-0" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi',
    );
    const web = workload(report, "team-c/web");
    assert.equal(web.createRefused, null);
    assert.equal(web.pods.filter((p) => p.predictedNode !== null).length, 2);
    const text = await cli(["place", "-s", SMALL, "-s", `${F}/limit-range-violations.yaml`, "-o", "text"]);
    assert.match(
      text.stdout,
      /\n {2}1 pod cannot be created, so never placed: admission:LimitRanger refuses the create: pods "cache-0" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi \(test\/fixtures\/admission\/limit-range-violations\.yaml:27\)\n/,
    );
  });
});

describe("istio injection-template.yaml metadata.labels: the labels Istio's webhook adds, which selectors then see", () => {
  test("injection-template.yaml: checkout's pods get service.istio.io/canonical-name=checkout (from app) and canonical-revision=v2 (from version), so its required anti-affinity on them keeps the second replica off the only node; without injection both fit", async () => {
    const args = ["-s", SMALL, "-s", `${F}/istio-labels.yaml`];
    const w = workload(await place(...args), "mesh/checkout");
    assert.deepEqual(
      w.mutations.filter((m) => m.field.startsWith("metadata.labels.")).map((m) => [m.field, m.value]),
      [
        ["metadata.labels.security.istio.io/tlsMode", "istio"],
        ["metadata.labels.service.istio.io/canonical-name", "checkout"],
        ["metadata.labels.service.istio.io/canonical-revision", "v2"],
      ],
    );
    assert.deepEqual(unschedulable(w), [
      "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    ]);
    // the same namespace without istio-injection: no labels, the selector matches nothing
    const plain = workload(await place(...args, "--with", `${F}/istio-labels-off.yaml`), "mesh/checkout");
    assert.deepEqual(
      plain.mutations.filter((m) => m.field.startsWith("metadata.labels.")),
      [],
    );
    assert.deepEqual(unschedulable(plain), []);
  });
});

describe("linkerd2 charts/patch/templates/patch.json: no linkerd-init with Linkerd's CNI plugin (cniEnabled)", () => {
  test("patch.json proxyInit only without cniEnabled: with the linkerd-cni DaemonSet in the snapshot, payments/ledger gets linkerd-network-validator (the proxy's 50m/64Mi, _network-validator.tpl) instead of linkerd-init (100m/20Mi)", async () => {
    const source = "webhook:linkerd-proxy-injector";
    const injected = (r: PlacementJson, id: string) =>
      workload(r, id)
        .mutations.filter((m) => m.source === source)
        .map((m) => [m.field, m.value]);
    const withCni = await place("-s", `${F}/nodes-pool.yaml`, "-s", `${F}/linkerd.yaml`, "-s", `${F}/linkerd-cni.yaml`);
    assert.deepEqual(injected(withCni, "payments/ledger"), [
      ["spec.initContainers[linkerd-network-validator]", "requests cpu 50m, memory 64Mi"],
      ["spec.containers[linkerd-proxy]", "requests cpu 50m, memory 64Mi"],
    ]);
    assert.match(
      workload(withCni, "payments/ledger").mutations.find((m) => m.source === source)!.reason,
      /with Linkerd's CNI plugin \(DaemonSet linkerd-cni\/linkerd-cni, test\/fixtures\/admission\/linkerd-cni\.yaml:19\) no linkerd-init/,
    );
    const without = await place("-s", `${F}/nodes-pool.yaml`, "-s", `${F}/linkerd.yaml`);
    assert.deepEqual(injected(without, "payments/ledger")[0], [
      "spec.initContainers[linkerd-init]",
      "requests cpu 100m, memory 20Mi",
    ]);
  });
});

describe("nodeaffinity/node_affinity.go PreFilter: matchFields metadata.name terms that leave no node (errReasonConflict)", () => {
  test("PreFilter errReasonConflict: on v1.34 the FitError is the PreFilter's message alone ('0/1 nodes are available: pod affinity terms conflict.'); before, podpath keeps the Filter's per-node reason", async () => {
    const args = ["-s", SMALL, "-s", `${F}/node-name-conflict.yaml`];
    assert.deepEqual(unschedulable(workload(await place(...args), "ops/pinned")), [
      "0/1 nodes are available: pod affinity terms conflict.",
    ]);
    assert.deepEqual(unschedulable(workload(await place(...args, "--kubernetes-version", "v1.33"), "ops/pinned")), [
      "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    ]);
  });
});
