/**
 * `lint` as a library (src/index.ts): `answerLint(snapshot, input).result.findings` is what other
 * answers (the report) include — the contract's FindingJson, located, most severe first; place's
 * and trace's findings come on the same scale, and `failsOn` is --fail-on's rule.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  answerLint,
  answerPlace,
  answerTrace,
  failsOn,
  loadSnapshot,
  parseEndpoint,
  placeFindings,
  traceFindings,
  type LintJson,
} from "../../src/index.js";
import type { FindingJson } from "../../src/questions/contract.js";
import { EXAMPLE, REPO } from "../support/helpers.js";
import { lintFixture } from "../support/lint-fixtures.js";

test("answerLint(snapshot).result.findings: FindingJson, located, most severe first; answer.finding when any", () => {
  const snapshot = loadSnapshot({ paths: [lintFixture("networkpolicy-blocks-dns")], cwd: REPO });
  const answer = answerLint(snapshot);
  const result: LintJson = answer.result;
  const findings: readonly FindingJson[] = result.findings;
  assert.equal(result.apiVersion, "podpath.io/v1");
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.severity]),
    [
      ["networkpolicy-blocks-dns", "error"],
      ["toleration-without-selector", "note"],
    ],
  );
  assert.ok(findings.every((f) => f.objects[0]?.source !== null));
  assert.equal(answer.finding, true);
  assert.equal(failsOn(findings, "error"), true);
  assert.equal(failsOn(findings.slice(1), "warning"), false);
  assert.equal(failsOn(findings, undefined), false);
  assert.throws(() => answerLint(snapshot, { rules: ["nope"] }), /--rule nope: no such rule/);
});

test("placeFindings and traceFindings: no-feasible-node is an error; a NetworkPolicy drop an error (trace-dropped)", () => {
  const stuck = loadSnapshot({ paths: [lintFixture("no-feasible-node")], cwd: REPO });
  assert.deepEqual(
    placeFindings(stuck, answerPlace(stuck)).map((f) => [f.ruleId, f.severity]),
    [["no-feasible-node", "error"]],
  );
  const example = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });
  const drop = traceFindings(
    answerTrace(example, {
      from: parseEndpoint("workload:argocd/argocd-application-controller"),
      to: parseEndpoint("pod:argocd/argocd-dex-server-krws5mdsn-x94ng"),
      port: 5556,
    }),
  );
  assert.deepEqual(
    drop.map((f) => [f.ruleId, f.severity, f.objects[0]?.kind, f.objects[0]?.name]),
    [["trace-dropped", "error", "network-policy", "argocd/argocd-dex-server-network-policy"]],
  );
  assert.match(drop[0]!.message, /NETWORK_POLICY_INGRESS/);
  assert.match(drop[0]!.objects[0]!.at, /^examples\/ecoeco\/k8s\/networkpolicies\.yaml:\d+$/);
});
