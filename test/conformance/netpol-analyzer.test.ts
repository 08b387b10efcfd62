/**
 * `podpath connlist -o txt` against np-guard netpol-analyzer's own expected output
 * (tests/<case>/ and its `connlist` expected files, kept in ../shared/corpus/netpol-analyzer):
 * every case, loaded as a snapshot directory, must print exactly expected/<case>.txt.
 *
 * Where podpath and netpol-analyzer disagree, the disagreement is settled from the Kubernetes
 * API and recorded in DISAGREEMENTS with the reason; the case then checks podpath's reading and,
 * on the input corrected to what a cluster would hold, netpol-analyzer's lines.
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

/**
 * Real disagreements. The two "labels gap" cases give their pods `ownerReferences` with only
 * `name` and `controller`; the API server rejects that (apimachinery
 * pkg/api/validation/objectmeta.go `ValidateOwnerReferences`: apiVersion, kind, name and uid are
 * required), so no cluster holds these pods. netpol-analyzer groups them by the name and prints
 * the missing kind as `[Pod]`; podpath's loader drops such a reference with an `invalid-field`
 * warning, so pod-1 and pod-2 are bare pods. On the input as a cluster would hold it (the
 * references completed as a ReplicaSet's), podpath prints netpol-analyzer's lines with the kind.
 */
const DISAGREEMENTS: Readonly<Record<string, string>> = {
  example_pods_w_same_owner_and_labels_gap_with_good_match_expression:
    "owner references without kind/apiVersion/uid (rejected by the API server): podpath drops them",
  example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap:
    "owner references without kind/apiVersion/uid (rejected by the API server): podpath drops them",
};

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
  const disagreement = DISAGREEMENTS[name];
  if (disagreement === undefined) {
    corpusTest(
      `netpol-analyzer connlist conformance (pkg/netpol/connlist, -o txt): ${name} prints exactly expected/${name}.txt`,
      () => {
        assert.equal(connlistTxt(join(NETPOL, "tests", name)), expected(name));
      },
    );
    continue;
  }
  corpusTest(`netpol-analyzer connlist conformance, recorded disagreement: ${name} — ${disagreement}`, () => {
    const dir = join(NETPOL, "tests", name);
    const snapshot = loadSnapshot({ paths: [dir], cwd: REPO });
    const dropped = snapshot.diagnostics.filter(
      (d) => d.code === "invalid-field" && d.message.includes("an owner reference needs kind and name"),
    );
    assert.equal(dropped.length, 2, "both owner references are dropped, each with a located warning");
    const txt = [...render("connlist", answerConnlist(snapshot), "txt")].join("");
    assert.ok(txt.includes("default/pod-1[Pod]") && txt.includes("default/pod-2[Pod]"), txt);

    // the same pods as a cluster holds them: a ReplicaSet's, with every required field
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
