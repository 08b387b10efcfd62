/**
 * `podpath lint -o sarif` validates against the official SARIF 2.1.0 schema (OASIS, errata 01,
 * vendored under test/fixtures/schemas/ with its notice), and `-o json` against
 * schemas/lint.schema.json, on every rule fixture and on the embedded example. Also what the
 * schema does not check: rule indexes, relative artifact URIs, 1-based regions, related locations.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { artifactUri } from "../../src/format/sarif.js";
import type { LintJson } from "../../src/questions/lint.js";
import { cli, REPO } from "../support/helpers.js";
import { lintFixture, lintFixtureRules } from "../support/lint-fixtures.js";

interface SarifLocation {
  id?: number;
  physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } };
  message?: { text: string };
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations?: SarifLocation[];
      relatedLocations?: SarifLocation[];
    }[];
  }[];
}

function ajv(): Ajv {
  const a = new Ajv({ strict: false, allErrors: true });
  addFormats.default(a);
  return a;
}

/**
 * The SARIF schema is draft-04; ajv 8 has no draft-04 mode and refuses the draft-04 `id`. The
 * schema uses nothing else of draft-04 (no boolean exclusiveMinimum/Maximum), so its top-level
 * `id` becomes `$id` and `$schema` is dropped, in memory only.
 */
function sarifValidator() {
  const text = readFileSync(join(REPO, "test/fixtures/schemas/sarif-schema-2.1.0.json"), "utf8");
  const { id, $schema, ...schema } = JSON.parse(text) as Record<string, unknown>;
  assert.equal($schema, "http://json-schema.org/draft-04/schema#");
  assert.doesNotMatch(text, /"exclusive(Minimum|Maximum)"\s*:\s*(true|false)/);
  assert.equal(typeof id, "string");
  return ajv().compile({ $id: id as string, ...schema });
}

const validateSarif = sarifValidator();
const validateLint = ajv().compile(JSON.parse(readFileSync(join(REPO, "schemas/lint.schema.json"), "utf8")) as object);

const snapshots = [
  ...lintFixtureRules().map((r) => ({ name: r, args: ["-s", lintFixture(r)] })),
  { name: "embedded example", args: [] },
];

test("the schemas can fail: a SARIF level and a lint severity outside the scale are refused", () => {
  const log = {
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "podpath" } }, results: [{ message: { text: "m" }, level: "fatal" }] }],
  };
  assert.equal(validateSarif(log), false);
  const answer = {
    apiVersion: "podpath.io/v1",
    findings: [{ ruleId: "x", severity: "fatal", message: "m", objects: [] }],
    rules: [],
    summary: { error: 0, warning: 0, note: 0, total: 1 },
  };
  assert.equal(validateLint(answer), false);
});

for (const s of snapshots) {
  test(`SARIF 2.1.0 schema (OASIS errata 01) and schemas/lint.schema.json validate lint on ${s.name}`, async () => {
    const sarif = await cli(["lint", "-o", "sarif", "--fail-on", "note", ...s.args]);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2));
    const json = JSON.parse((await cli(["lint", "-o", "json", ...s.args])).stdout) as LintJson;
    assert.ok(validateLint(json), JSON.stringify(validateLint.errors, null, 2));
    // one result per finding, in the answer's order, each pointing at its rule
    const run = log.runs[0]!;
    assert.equal(run.tool.driver.name, "podpath");
    assert.deepEqual(
      run.tool.driver.rules.map((r) => [r.id, r.defaultConfiguration.level]),
      json.rules.map((r) => [r.id, r.severity]),
    );
    assert.equal(run.results.length, json.findings.length);
    run.results.forEach((r, i) => {
      const f = json.findings[i]!;
      assert.equal(r.ruleId, f.ruleId);
      assert.equal(run.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
      assert.equal(r.level, f.severity);
      assert.ok(r.message.text.startsWith(f.message));
      const loc = r.locations?.[0]?.physicalLocation;
      assert.ok(loc, "located");
      assert.equal(loc.artifactLocation.uri, f.objects[0]!.source!.file);
      assert.doesNotMatch(loc.artifactLocation.uri, /^\/|^file:/, "relative");
      assert.equal(loc.region.startLine, f.objects[0]!.source!.line);
      assert.equal(r.relatedLocations?.length ?? 0, f.objects.slice(1).filter((o) => o.source).length);
      r.relatedLocations?.forEach((l, j) => assert.equal(l.id, j + 1));
    });
  });
}

test("artifact URIs: relative paths stay relative (segments percent-encoded), absolute ones become file: URIs", () => {
  assert.equal(artifactUri("k8s/deployments.yaml"), "k8s/deployments.yaml");
  assert.equal(artifactUri("capture dir/aws/sg #1.json"), "capture%20dir/aws/sg%20%231.json");
  assert.equal(artifactUri("/tmp/snap/nodes.yaml"), "file:///tmp/snap/nodes.yaml");
  assert.equal(artifactUri("C:\\snap\\nodes.yaml"), "file:///C:/snap/nodes.yaml");
});
