/**
 * Conformance against real public inputs in ../shared/corpus (never copied into this repo):
 * the official Argo CD install manifest, kube-prometheus's rendered manifests, and the 25
 * connectivity cases of np-guard's netpol-analyzer. Every file must load with zero errors and
 * the model must hold exactly what the files define.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { CORPUS, corpusTest } from "../support/corpus.js";
import { REPO, tempDir } from "../support/helpers.js";

const ARGOCD = join(CORPUS, "argocd-v3.1.9/install.yaml");
const KUBE_PROMETHEUS = join(CORPUS, "kube-prometheus");

const workloadNames = (s: Snapshot) => s.kubernetes.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`);
const warnings = (s: Snapshot) => s.diagnostics.filter((d) => d.severity === "warning");

corpusTest(
  "Argo CD v3.1.9 install.yaml applied with -n argocd: every Deployment and the StatefulSet are workloads in argocd",
  () => {
    const s = loadSnapshot({ paths: [ARGOCD], namespace: "argocd", cwd: REPO });
    assert.deepEqual(workloadNames(s), [
      "StatefulSet argocd/argocd-application-controller",
      "Deployment argocd/argocd-applicationset-controller",
      "Deployment argocd/argocd-dex-server",
      "Deployment argocd/argocd-notifications-controller",
      "Deployment argocd/argocd-redis",
      "Deployment argocd/argocd-repo-server",
      "Deployment argocd/argocd-server",
    ]);
    assert.equal(s.kubernetes.services.length, 8);
    assert.equal(s.kubernetes.networkPolicies.length, 7);
    assert.deepEqual(warnings(s), []);
    // the corpus README's facts: nodeSelector kubernetes.io/os=linux, no tolerations
    for (const w of s.kubernetes.workloads) {
      assert.deepEqual(w.template.spec.nodeSelector, { "kubernetes.io/os": "linux" }, w.name);
      assert.deepEqual(w.template.spec.tolerations, [], w.name);
    }
    assert.deepEqual(
      s.kubernetes.namespaces.map((n) => [n.name, n.implicit, n.labels["kubernetes.io/metadata.name"]]),
      [["argocd", true, "argocd"]],
    );
    // Secrets are counted, never modelled
    assert.equal(s.kubernetes.unmodelledKinds["v1 Secret"], 2);
    assert.equal(s.kubernetes.unmodelledKinds["apiextensions.k8s.io/v1 CustomResourceDefinition"], 3);
  },
);

corpusTest("Argo CD through an index file with `namespace: argocd` gives the same workloads", () => {
  const dir = tempDir({ "podpath.yaml": `kubernetes:\n  - path: ${ARGOCD}\n    namespace: argocd\n` });
  const s = loadSnapshot({ paths: [dir], cwd: dir });
  assert.equal(s.kubernetes.workloads.length, 7);
  assert.ok(s.kubernetes.workloads.every((w) => w.namespace === "argocd"));
  assert.equal(s.files[0]?.defaultNamespace, "argocd");
});

corpusTest(
  "kube-prometheus: Prometheus and Alertmanager resources become the StatefulSets prometheus-operator creates",
  () => {
    const s = loadSnapshot({ paths: [KUBE_PROMETHEUS], cwd: REPO });
    assert.deepEqual(s.errors, [], "every file of the directory loads");
    assert.deepEqual(workloadNames(s), [
      "StatefulSet monitoring/alertmanager-main",
      "Deployment monitoring/blackbox-exporter",
      "Deployment monitoring/grafana",
      "Deployment monitoring/kube-state-metrics",
      "DaemonSet monitoring/node-exporter",
      "Deployment monitoring/prometheus-adapter",
      "StatefulSet monitoring/prometheus-k8s",
      "Deployment monitoring/prometheus-operator",
    ]);
    assert.deepEqual(warnings(s), []);
    const byName = new Map(s.kubernetes.workloads.map((w) => [w.name, w]));
    const prometheus = byName.get("prometheus-k8s")!;
    assert.equal(prometheus.replicas, 2);
    assert.deepEqual(prometheus.generatedFrom, { kind: "Prometheus", namespace: "monitoring", name: "k8s" });
    assert.equal(prometheus.template.labels["app.kubernetes.io/name"], "prometheus");
    assert.equal(prometheus.template.labels["app.kubernetes.io/instance"], "k8s");
    assert.deepEqual(prometheus.template.spec.nodeSelector, { "kubernetes.io/os": "linux" });
    const alertmanager = byName.get("alertmanager-main")!;
    assert.equal(alertmanager.replicas, 3);
    assert.deepEqual(alertmanager.generatedFrom, { kind: "Alertmanager", namespace: "monitoring", name: "main" });
    // node-exporter tolerates every taint (operator: Exists, no key)
    const nodeExporter = byName.get("node-exporter")!;
    assert.equal(nodeExporter.replicas, null);
    assert.deepEqual(
      nodeExporter.template.spec.tolerations.map((t) => [t.key, t.operator, t.effect]),
      [["", "Exists", ""]],
    );
    assert.equal(s.kubernetes.networkPolicies.length, 8);
    assert.equal(s.kubernetes.unmodelledKinds["v1 Secret"], 3);
  },
);

/** [case, workloads, pods, network policies, namespaces, services, ingresses, warnings] */
const NETPOL_CASES: readonly [string, number, number, number, number, number, number, number][] = [
  ["acs-security-demos", 11, 0, 14, 3, 11, 0, 1], // the warning: connlist_output.json is not a snapshot file
  ["acs_security_frontend_demos", 2, 0, 3, 1, 2, 0, 0],
  ["demo_app_with_routes_and_ingress", 3, 0, 0, 3, 3, 2, 0],
  ["example_pods_w_same_owner_and_labels_gap_with_good_match_expression", 3, 3, 1, 1, 0, 0, 2], // owner references without kind
  ["example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap", 3, 3, 1, 1, 0, 0, 2],
  // pods-only dumps: their owners become workloads known only through their pods, with one warning
  ["ipblockstest_2", 22, 29, 1, 8, 0, 0, 1],
  ["ipblockstest_4", 22, 29, 1, 8, 0, 0, 1],
  ["minikube_resources", 8, 12, 0, 5, 0, 0, 2], // and: calico-node sets no CALICO_IPV4POOL_CIDR, pod IPs lie outside its default: the pool is unknown
  ["multiple_ingress_objects_with_different_ports", 1, 0, 0, 1, 1, 2, 0],
  ["multiple_topology_resources_2", 24, 32, 2, 9, 0, 0, 1],
  ["multiple_topology_resources_4", 24, 32, 1, 9, 0, 0, 1],
  ["netpol_named_port_test", 2, 0, 1, 1, 0, 0, 1], // a container port without containerPort
  ["new_online_boutique", 11, 0, 11, 1, 0, 0, 0],
  ["one_ingress_multiple_ports", 1, 0, 0, 1, 1, 1, 0],
  ["online_boutique_workloads_no_ns", 12, 0, 11, 1, 12, 0, 0],
  ["onlineboutique_workloads", 12, 0, 11, 5, 12, 0, 0],
  ["semanticDiff-different-topologies-policy-a-with-ipblock", 5, 5, 2, 2, 0, 0, 1],
  ["semanticDiff-different-topologies-policy-b-with-ipblock", 5, 5, 2, 2, 0, 0, 1],
  ["semanticDiff-orig-topologies-policy-a", 21, 29, 1, 8, 0, 0, 1],
  ["semanticDiff-same-topologies-new1a", 3, 3, 2, 2, 0, 0, 1],
  ["semanticDiff-same-topologies-new3", 3, 3, 2, 2, 0, 0, 1],
  ["semanticDiff-same-topologies-old2", 3, 3, 1, 2, 0, 0, 1],
  ["test_with_named_ports", 21, 29, 1, 8, 0, 0, 1],
  ["test_with_named_ports_changed_netpol_2", 21, 29, 1, 8, 0, 0, 1],
  ["with_end_port_example", 21, 29, 1, 8, 0, 0, 1],
];

corpusTest("the netpol-analyzer corpus has 25 cases, and each is in the table below", async () => {
  const { readdirSync } = await import("node:fs");
  assert.deepEqual(readdirSync(join(CORPUS, "netpol-analyzer/tests")).sort(), NETPOL_CASES.map((c) => c[0]).sort());
});

for (const [name, workloads, pods, policies, namespaces, services, ingresses, warningCount] of NETPOL_CASES) {
  corpusTest(`netpol-analyzer case ${name} loads without errors`, () => {
    const s = loadSnapshot({ paths: [join(CORPUS, "netpol-analyzer/tests", name)], cwd: REPO });
    const k = s.kubernetes;
    assert.deepEqual(
      [
        k.workloads.length,
        k.pods.length,
        k.networkPolicies.length,
        k.namespaces.length,
        k.services.length,
        k.ingresses.length,
        warnings(s).length,
      ],
      [workloads, pods, policies, namespaces, services, ingresses, warningCount],
    );
    assert.ok(!s.diagnostics.some((d) => d.code === "invalid-object"), "no object skipped");
    assert.deepEqual(s.errors, [], "every file of the directory loads");
  });
}
