/**
 * kubectl's -n on the answers that list a whole cluster: `kubectl get -n NS` lists NS's objects
 * only and `-A` every namespace, winning over -n (staging/src/k8s.io/cli-runtime/pkg/resource/
 * builder.go AllNamespaces). lint keeps the findings about an object of NS, connlist the
 * connections from or to NS's workloads, report NS's workloads; egress is per node group and says
 * -n does not change it. What a filter left out is said on stderr, as kubectl's "No resources
 * found in NS namespace." (staging/src/k8s.io/kubectl/pkg/cmd/get/get.go).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ConnlistJson } from "../../src/questions/connlist.js";
import type { LintJson } from "../../src/questions/lint.js";
import { cli, REPO } from "../support/helpers.js";
import { lintFixture } from "../support/lint-fixtures.js";

const schema = (name: string): object =>
  JSON.parse(readFileSync(join(REPO, "schemas", `${name}.schema.json`), "utf8")) as object;
// lint's schema is draft-07, the others draft 2020-12
const validLint = new Ajv({ strict: false, allErrors: true }).compile(schema("lint"));
const validConnlist = new Ajv2020({ strict: true, allErrors: true }).compile(schema("connlist"));

async function lint(...args: string[]): Promise<{ code: number; json: LintJson; stderr: string }> {
  const r = await cli(["lint", "-s", lintFixture("no-feasible-node"), "-o", "json", ...args]);
  const json = JSON.parse(r.stdout) as LintJson;
  assert.ok(validLint(json), JSON.stringify(validLint.errors));
  return { code: r.code, json, stderr: r.stderr };
}

test("kubectl -n: lint -n NS keeps the findings about an object of NS, leaves out (and counts) the rest; -A wins over -n", async () => {
  const all = await lint();
  assert.equal(all.code, 1);
  const [finding] = all.json.findings.filter((f) => f.ruleId === "no-feasible-node");
  const ns = finding!.objects[0]!.namespace!;
  assert.equal(ns, "shop");
  const same = await lint("-n", ns);
  assert.equal(same.code, 1, "the kept error still fails --fail-on error");
  assert.ok(same.json.findings.every((f) => f.objects.some((o) => o.namespace === ns)));
  assert.ok(same.json.findings.some((f) => f.ruleId === "no-feasible-node"));
  assert.equal(same.json.namespace?.name, ns);
  assert.equal(same.json.namespace?.outsideNamespace, all.json.findings.length - same.json.findings.length);
  const other = await lint("-n", "elsewhere");
  assert.equal(other.code, 0, "no finding left to fail on");
  assert.deepEqual(other.json.findings, []);
  assert.equal(other.json.summary.total, 0);
  assert.deepEqual(other.json.namespace, { name: "elsewhere", outsideNamespace: all.json.findings.length });
  assert.match(other.stderr, /podpath lint: \d+ findings? outside namespace elsewhere left out \(-A lists them\)/);
  const everything = await lint("-n", "elsewhere", "-A");
  assert.deepEqual(everything.json, all.json);
});

async function connlist(...args: string[]): Promise<{ json: ConnlistJson; stderr: string }> {
  const r = await cli(["connlist", "-o", "json", ...args]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as ConnlistJson;
  assert.ok(validConnlist(json), JSON.stringify(validConnlist.errors));
  return { json, stderr: r.stderr };
}

test("kubectl -n: connlist -n monitoring lists the connections from or to monitoring's workloads only; -A all", async () => {
  const { json: all } = await connlist();
  const { json: monitoring } = await connlist("-n", "monitoring");
  const ours = new Set(all.workloads.filter((w) => w.namespace === "monitoring").map((w) => w.id));
  assert.ok(ours.size > 0);
  assert.deepEqual(new Set(monitoring.workloads.map((w) => w.id)), ours);
  const expected = all.connections.filter((c) => ours.has(c.src) || ours.has(c.dst));
  assert.ok(expected.length > 0 && expected.length < all.connections.length);
  assert.deepEqual(monitoring.connections, expected);
  assert.equal(monitoring.namespace, "monitoring");
  assert.equal(all.namespace, undefined);
  assert.deepEqual((await connlist("-n", "monitoring", "-A")).json, all);
  const none = await connlist("-n", "nope");
  assert.deepEqual(none.json.connections, []);
  assert.match(none.stderr, /no workloads found in namespace nope/);
});

test("kubectl -n: report -n monitoring is on monitoring's workloads and says so; -A the whole report", async () => {
  const all = await cli(["report"]);
  const monitoring = await cli(["report", "-n", "monitoring"]);
  assert.equal(monitoring.code, 0, monitoring.stderr);
  assert.match(monitoring.stdout, /^The report is limited to namespace monitoring \(-n\)/m);
  const rows = (md: string) => md.split("\n").filter((l) => /^\| (Deployment|StatefulSet|DaemonSet) /.test(l));
  assert.ok(rows(all.stdout).some((l) => !l.includes(" monitoring/")));
  assert.ok(rows(monitoring.stdout).length > 0);
  assert.ok(
    rows(monitoring.stdout).every((l) => l.includes(" monitoring/")),
    rows(monitoring.stdout).join("\n"),
  );
  // the argocd exposed path ends at an argocd pod: left out; grafana's stays
  assert.match(all.stdout, /path \/argocd/);
  assert.doesNotMatch(monitoring.stdout, /path \/argocd/);
  assert.match(monitoring.stdout, /path \/grafana/);
  assert.equal((await cli(["report", "-n", "monitoring", "-A"])).stdout, all.stdout);
  const ko = await cli(["report", "-n", "monitoring", "--lang", "ko"]);
  assert.match(ko.stdout, /네임스페이스 monitoring\(-n\)로 한정/);
});

test("egress is per node group: its help says -n does not change the rows, and it does not", async () => {
  const help = await cli(["egress", "--help"]);
  assert.match(help.stdout.replace(/\s+/g, " "), /-n does not change them/);
  const all = await cli(["egress", "-o", "json"]);
  assert.equal((await cli(["egress", "-o", "json", "-n", "monitoring"])).stdout, all.stdout);
});
