/**
 * `place` and `trace` JSON carry `findings` (contract.ts FindingJson, questions/findings.ts): the
 * very objects `--fail-on` judges, on lint's severity scale (SARIF 2.1.0 §3.27.10 `level`), so a
 * consumer of `-o json` sees why the command exited 1 without re-deriving it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { placeAnswerChunks } from "../../src/format/findings-json.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import type { FindingJson } from "../../src/questions/contract.js";
import { answerPlace } from "../../src/questions/place.js";
import { cli, REPO } from "../support/helpers.js";
import { fixedLintFixture, lintFixture } from "../support/lint-fixtures.js";

interface WithFindings {
  readonly findings: readonly FindingJson[];
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
const schemas = new Map(
  ["place", "trace"].map((q) => [
    q,
    ajv.compile(JSON.parse(readFileSync(join(REPO, "schemas", `${q}.schema.json`), "utf8")) as object),
  ]),
);

/** The answer's findings; the answer validated against its schema (schemas/place|trace.schema.json). */
async function json(args: readonly string[]): Promise<{ code: number; findings: readonly FindingJson[] }> {
  const r = await cli([...args, "-o", "json"]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const answer = JSON.parse(r.stdout) as WithFindings;
  const validate = schemas.get(args[0]!)!;
  assert.ok(validate(answer), `${args.join(" ")}: ${ajv.errorsText(validate.errors)}`);
  return { code: r.code, findings: answer.findings };
}

test("place -o json findings: no-feasible-node (lint's rule, SARIF level error) is what --fail-on error exits 1 for", async () => {
  const fixture = lintFixture("no-feasible-node");
  const { findings } = await json(["place", "-s", fixture]);
  assert.ok(findings.length > 0);
  assert.ok(findings.some((f) => f.ruleId === "no-feasible-node" && f.severity === "error"));
  for (const f of findings)
    for (const o of f.objects) assert.ok(o.source === null || o.at === `${o.source.file}:${o.source.line}`, o.at);
  assert.equal((await json(["place", "-s", fixture, "--fail-on", "error"])).code, 1);
  const fixed = await json(["place", "-s", fixedLintFixture("no-feasible-node"), "--fail-on", "note"]);
  assert.deepEqual(fixed, { code: 0, findings: [] });
});

test("trace -o json findings: a NetworkPolicy drop is one trace-dropped error naming the policy and its location", async () => {
  const dropped = await json([
    "trace",
    "--from",
    "workload:argocd/argocd-application-controller",
    "--to",
    "pod:argocd/argocd-dex-server-krws5mdsn-x94ng",
    "--port",
    "5556",
    "--fail-on",
    "error",
  ]);
  assert.equal(dropped.code, 1);
  assert.equal(dropped.findings.length, 1);
  const [f] = dropped.findings;
  assert.equal(f!.ruleId, "trace-dropped");
  assert.equal(f!.severity, "error");
  assert.equal(f!.objects[0]!.kind, "network-policy");
  assert.equal(f!.objects[0]!.name, "argocd/argocd-dex-server-network-policy");
  assert.match(f!.objects[0]!.at, /^examples\/ecoeco\/k8s\/networkpolicies\.yaml:\d+$/);
  assert.equal(f!.objects[0]!.source?.file, "examples/ecoeco/k8s/networkpolicies.yaml");
  const delivered = await json(["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd"]);
  assert.deepEqual(delivered, { code: 0, findings: [] });
});

test("place -o json with findings is still written chunk by chunk, byte for byte JSON.stringify of the answer", () => {
  const snapshot = loadSnapshot({ paths: [lintFixture("no-feasible-node")], cwd: REPO });
  const { result } = answerPlace(snapshot);
  assert.ok((result.findings ?? []).length > 0);
  assert.equal([...placeAnswerChunks(result)].join(""), JSON.stringify(result, null, 2) + "\n");
  const example = answerPlace(loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO })).result;
  assert.equal([...placeAnswerChunks(example)].join(""), JSON.stringify(example, null, 2) + "\n");
});
