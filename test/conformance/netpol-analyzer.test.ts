/**
 * `podpath connlist -o txt` against np-guard netpol-analyzer's own expected output
 * (tests/<case>/ and its `connlist` expected files, kept in ../shared/corpus/netpol-analyzer):
 * every case, loaded as a snapshot directory, must print exactly expected/<case>.txt.
 *
 * All 25 agree byte for byte. Where podpath and netpol-analyzer disagree on a future case, settle
 * it from the Kubernetes NetworkPolicy documentation and upstream e2e tests
 * (test/e2e/network/netpol) before changing either side, and record it here with the reason.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { render } from "../../src/format/index.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { answerConnlist } from "../../src/questions/connlist.js";
import { CORPUS, corpusTest } from "../support/corpus.js";
import { REPO, tempDir } from "../support/helpers.js";

const NETPOL = join(CORPUS, "netpol-analyzer");

function connlistTxt(dir: string): string {
  const snapshot = loadSnapshot({ paths: [dir], cwd: REPO });
  return [...render("connlist", answerConnlist(snapshot), "txt")].join("");
}

function expected(name: string): string {
  return readFileSync(join(NETPOL, "expected", `${name}.txt`), "utf8");
}

const CASES = (() => {
  try {
    return readdirSync(join(NETPOL, "tests")).sort();
  } catch {
    return [] as string[];
  }
})();

corpusTest("netpol-analyzer connlist conformance: the corpus has its 25 cases", () => {
  assert.equal(CASES.length, 25);
});

for (const name of CASES) {
  corpusTest(
    `netpol-analyzer connlist conformance (pkg/netpol/connlist, -o txt): ${name} prints exactly expected/${name}.txt`,
    () => {
      assert.equal(connlistTxt(join(NETPOL, "tests", name)), expected(name));
    },
  );
}

/**
 * The two "labels gap" cases give their pods `ownerReferences` with only `name` and
 * `controller`; the API server rejects that (apimachinery pkg/api/validation/objectmeta.go
 * `ValidateOwnerReferences`: apiVersion, kind, name and uid are required), so no cluster holds
 * these pods, but hand-written manifests do. netpol-analyzer groups them by the owner's name and
 * prints the missing kind as `Pod` (pkg/netpol/eval/internal/k8s/peer.go `WorkloadPeer.Kind`);
 * podpath groups them the same way for connlist only, and says so in a located warning. On the
 * input as a cluster would hold it (the references completed as a ReplicaSet's), the same lines
 * carry the kind.
 */
for (const name of [
  "example_pods_w_same_owner_and_labels_gap_with_good_match_expression",
  "example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap",
]) {
  corpusTest(`netpol-analyzer peer.go WorkloadPeer.Kind: a kindless owner reference groups by name (${name})`, () => {
    const dir = join(NETPOL, "tests", name);
    const snapshot = loadSnapshot({ paths: [dir], cwd: REPO });
    const warned = snapshot.diagnostics.filter(
      (d) =>
        d.code === "invalid-field" &&
        d.message.includes('connlist groups this pod with the others of owner "internal-security"'),
    );
    assert.equal(warned.length, 2, "each kindless owner reference has its located warning");
    assert.ok(
      warned.every((d) => /pods\.yaml:\d+/.test(`${d.source?.file}:${d.source?.line}`)),
      JSON.stringify(warned),
    );
    // nothing but connlist resolves it: the pods stay bare Pods for placement and paths
    assert.ok(snapshot.kubernetes.pods.every((p) => p.owner === undefined));

    const pods = readFileSync(join(dir, "pods.yaml"), "utf8").replace(
      /ownerReferences:\r?\n( +)- name: internal-security\r?\n +controller: true/g,
      (_m, indent: string) =>
        `ownerReferences:\n${indent}- apiVersion: apps/v1\n${indent}  kind: ReplicaSet\n${indent}  name: internal-security\n${indent}  uid: 5c0d3a52-0000-4000-8000-000000000001\n${indent}  controller: true`,
    );
    assert.notEqual(pods, readFileSync(join(dir, "pods.yaml"), "utf8"));
    const fixed = tempDir({ "pods.yaml": pods, "netpol.yaml": readFileSync(join(dir, "netpol.yaml"), "utf8") });
    assert.equal(
      connlistTxt(fixed),
      expected(name).replaceAll("default/internal-security[Pod]", "default/internal-security[ReplicaSet]"),
    );
  });
}
