/**
 * The machine-readable contract: every JSON answer carries `apiVersion` and validates against its
 * JSON Schema (draft 2020-12, schemas/<question>.schema.json, shipped in the package): the JSON
 * goldens and the embedded example's answers, through the CLI.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import { OUTPUT_API_VERSION } from "../../src/questions/contract.js";
import { cli, REPO } from "../support/helpers.js";

const SCHEMAS = [
  "snapshot-show",
  "place",
  "fix-place",
  "trace",
  "egress",
  "connlist",
  "exposure",
  "intended",
  "diff",
] as const;
type SchemaName = (typeof SCHEMAS)[number];

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validators = new Map<SchemaName, ValidateFunction>(
  SCHEMAS.map((name) => [
    name,
    ajv.compile(JSON.parse(readFileSync(join(REPO, "schemas", `${name}.schema.json`), "utf8")) as object),
  ]),
);

function check(name: SchemaName, value: unknown, what: string): void {
  const validate = validators.get(name)!;
  assert.ok(validate(value), `${what} against schemas/${name}.schema.json: ${ajv.errorsText(validate.errors)}`);
  assert.equal((value as { apiVersion?: unknown }).apiVersion, OUTPUT_API_VERSION, what);
}

/** The schema of a golden file, from its name (`trace-….json`, `place.….json`, …). */
function schemaOfGolden(file: string): SchemaName {
  const name = SCHEMAS.find((s) => file.startsWith(`${s}.`) || file.startsWith(`${s}-`));
  assert.ok(name, `golden ${file} names no question`);
  return name;
}

test("every JSON golden validates against its question's JSON Schema and carries apiVersion", () => {
  // lint's answers (its JSON, draft-07 schemas/lint.schema.json, and its SARIF) are validated by test/cli/lint-sarif.test.ts
  const goldens = readdirSync(join(REPO, "test", "golden")).filter(
    (f) => f.endsWith(".json") && !f.startsWith("lint."),
  );
  assert.ok(goldens.length >= 5);
  for (const file of goldens)
    check(schemaOfGolden(file), JSON.parse(readFileSync(join(REPO, "test", "golden", file), "utf8")), file);
});

const EXAMPLE_ANSWERS: readonly (readonly [SchemaName, readonly string[]])[] = [
  ["snapshot-show", ["snapshot", "show"]],
  ["place", ["place"]],
  ["place", ["place", "--fresh", "--drain", "k8s-worker-1"]],
  ["fix-place", ["fix", "place", "monitoring/prometheus-grafana", "--onto", "node-role.kubernetes.io/control-plane"]],
  ["trace", ["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd"]],
  ["trace", ["trace", "--from", "workload:ecoeco/ecoeco-api", "--to", "service:messaging/rabbitmq"]],
  ["egress", ["egress"]],
  ["connlist", ["connlist"]],
  // no CNI in the snapshot: dataplane null
  ["connlist", ["connlist", "-s", "test/fixtures/placement-readable"]],
  ["exposure", ["exposure"]],
  ["diff", ["diff", "-w", "test/fixtures/diff/seed-policy-ecoeco.yaml"]],
  ["intended", ["intended"]],
];

for (const [schema, args] of EXAMPLE_ANSWERS) {
  test(`the example's \`podpath ${args.join(" ")} -o json\` validates against schemas/${schema}.schema.json`, async () => {
    const r = await cli([...args, "-o", "json"]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    check(schema, JSON.parse(r.stdout), args.join(" "));
  });
}

test("the schemas catch a broken answer: no apiVersion, a location without its line, a renamed field", () => {
  const trace = JSON.parse(readFileSync(join(REPO, "test", "golden", "trace-internet-to-argocd.json"), "utf8")) as {
    apiVersion?: string;
    verdict?: string;
    hops: { location: unknown }[];
  };
  const validate = validators.get("trace")!;
  assert.ok(validate(trace));
  const { apiVersion: _dropped, ...unversioned } = trace;
  assert.equal(validate(unversioned), false);
  assert.equal(validate({ ...trace, hops: [{ ...trace.hops[0], location: { file: "x.yaml", column: 1 } }] }), false);
  const { verdict, ...renamed } = trace;
  assert.equal(validate({ ...renamed, outcome: verdict }), false);
  // fields other slices add are allowed
  assert.ok(validate({ ...trace, findings: [] }));
});

test("the schemas ship with the package (package.json files) and each names its question", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { files: string[] };
  assert.ok(pkg.files.includes("schemas"), "package.json files lists schemas");
  for (const name of SCHEMAS) {
    const schema = JSON.parse(readFileSync(join(REPO, "schemas", `${name}.schema.json`), "utf8")) as {
      $schema: string;
      title: string;
      required: string[];
    };
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
    assert.match(schema.title, new RegExp(`^podpath ${name.replace("-", " ")} -o json$`));
    assert.equal(schema.required[0], "apiVersion");
  }
});
