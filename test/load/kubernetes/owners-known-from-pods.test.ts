/**
 * Pods whose owner the snapshot lacks (a `kubectl get nodes,pods` dump) stand for that owner:
 * owners.ts workloadsKnownFromPods, with the Deployment controller's naming
 * (pkg/controller/deployment: ReplicaSet `<deployment>-<pod-template-hash>`, the hash from
 * rand.SafeEncodeString's alphabet).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { tempDir } from "../../support/helpers.js";

function pod(name: string, owner: string | undefined, extra = ""): string {
  const [kind, ownerName] = owner?.split("/") ?? [];
  const refs = owner
    ? `\n  ownerReferences: [{apiVersion: apps/v1, kind: ${kind}, name: ${ownerName}, uid: u-${ownerName}, controller: true, blockOwnerDeletion: true}]`
    : "";
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop${refs}${extra}\nspec:\n  nodeName: n1\n  containers: [{name: c, resources: {requests: {cpu: 100m}}}]\nstatus: {phase: Running, podIP: 10.244.0.9, hostIP: 10.0.0.1}\n`;
}

function load(docs: string[]): Snapshot {
  return loadSnapshot({ paths: ["."], cwd: tempDir({ "pods.yaml": docs.join("---\n") }) });
}

const summary = (s: Snapshot) =>
  s.kubernetes.workloads.map((w) => [
    `${w.kind} ${w.namespace}/${w.name}`,
    w.knownFromPods?.pods ?? null,
    w.knownFromPods?.inferredVia !== undefined,
    w.replicas,
  ]);

test("deployment controller naming: a ReplicaSet owner whose name ends in the pods' pod-template-hash stands for Deployment <name> (inferred, said)", () => {
  const s = load([
    pod("api-5d8f7c9b6-abcde", "ReplicaSet/api-5d8f7c9b6", "\n  labels: {pod-template-hash: 5d8f7c9b6}"),
    pod("api-5d8f7c9b6-fghij", "ReplicaSet/api-5d8f7c9b6", "\n  labels: {pod-template-hash: 5d8f7c9b6}"),
  ]);
  assert.deepEqual(summary(s), [["Deployment shop/api", 2, true, 2]]);
  const w = s.kubernetes.workloads[0]!;
  assert.equal(w.template.spec.nodeName, undefined, "the pod's binding is not the template's");
  assert.deepEqual(
    s.kubernetes.pods.map((p) => [p.owner?.kind, p.owner?.name, p.ownedVia?.name]),
    [
      ["Deployment", "api", "api-5d8f7c9b6"],
      ["Deployment", "api", "api-5d8f7c9b6"],
    ],
  );
});

test("deployment controller naming: without the label, a suffix in rand.SafeEncodeString's alphabet still names the Deployment; another suffix keeps the ReplicaSet", () => {
  const s = load([
    pod("web-7d77fb55cc-x1", "ReplicaSet/web-7d77fb55cc"),
    pod("legacy-abc-x1", "ReplicaSet/legacy-abc"),
  ]);
  assert.deepEqual(summary(s), [
    ["ReplicaSet shop/legacy-abc", 1, false, 1],
    ["Deployment shop/web", 1, true, 1],
  ]);
});

test("ownerReferences: any controller kind, an operator's resource included, stands for its pods; one warning names the owners", () => {
  const s = load([pod("rollout-0", "Rollout/canary"), pod("db-0", "StatefulSet/db")]);
  assert.deepEqual(summary(s), [
    ["Rollout shop/canary", 1, false, 1],
    ["StatefulSet shop/db", 1, false, 1],
  ]);
  assert.deepEqual(
    s.diagnostics.map((d) => [d.code, d.severity]),
    [["unresolved-reference", "warning"]],
  );
  assert.match(
    s.diagnostics[0]!.message,
    /2 pod\(s\) name 2 owner\(s\) the snapshot does not hold \(Rollout shop\/canary, StatefulSet shop\/db\)/,
  );
});

test("a ReplicaSet object in the snapshot whose Deployment is not: the pods belong to the ReplicaSet (nothing known only from pods)", () => {
  const rs =
    "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: api-5d8f7c9b6\n  namespace: shop\n  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: u-api, controller: true}]\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: c}]}\n";
  const s = load([rs, pod("api-5d8f7c9b6-abcde", "ReplicaSet/api-5d8f7c9b6")]);
  assert.deepEqual(summary(s), [["ReplicaSet shop/api-5d8f7c9b6", null, false, 3]]);
  assert.deepEqual([s.kubernetes.pods[0]!.owner?.kind, s.diagnostics], ["ReplicaSet", []]);
});

test("static pods (owned by their Node) and bare pods are not workloads known from pods", () => {
  const s = load([pod("etcd-n1", "Node/n1"), pod("debug", undefined)]);
  assert.deepEqual(summary(s), [["Pod shop/debug", null, false, 1]]);
  assert.deepEqual(s.diagnostics, []);
});
