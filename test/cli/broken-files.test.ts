/**
 * One bad file must not hide the rest (issue 8, item 9): a file of a directory scan or an index
 * file that cannot be loaded is named on stderr with file:line:col, the rest of the snapshot is
 * analysed and answered on stdout, and the run exits 2 at the end. `--strict` stops at the first
 * such file. The broken files (test/fixtures/captures/broken-files) are laid over a copy of the
 * embedded example, as a capture directory that went wrong in two places would look.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { InputError } from "../../src/load/errors.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import type { SnapshotShowJson } from "../../src/questions/snapshot-show.js";
import { cli, EXAMPLE, REPO, tempDir } from "../support/helpers.js";

const BROKEN = join(REPO, "test/fixtures/captures/broken-files");
const YAML_ERROR = "snap/k8s/configmaps.yaml:9:4: YAML syntax error: bad indentation of a mapping entry";
const JSON_ERROR = "snap/aws/ec2-describe-flow-logs.json:2:1: JSON syntax error: unexpected 'An'";
const LEFT_OUT =
  "2 files of the snapshot could not be loaded and are left out: snap/aws/ec2-describe-flow-logs.json, snap/k8s/configmaps.yaml (the answer does not know what they hold)";
const SUMMARY =
  "podpath: 2 files of the snapshot could not be loaded (named above); the answer leaves them out (--strict stops at the first)";

/** examples/ecoeco plus the two broken files, in DIR/snap; with the index file or as a directory scan. */
function brokenCapture(layout: "directory" | "index"): string {
  const dir = tempDir();
  const snap = join(dir, "snap");
  cpSync(EXAMPLE, snap, { recursive: true });
  cpSync(BROKEN, snap, { recursive: true });
  rmSync(join(snap, "README.md"));
  const index = join(snap, "podpath.yaml");
  if (layout === "directory") rmSync(index);
  else {
    const text = readFileSync(index, "utf8")
      .replace("kubernetes:\n", "kubernetes:\n  - path: k8s/configmaps.yaml\n")
      .replace("aws:\n", "aws:\n  - path: aws/ec2-describe-flow-logs.json\n");
    writeFileSync(index, text);
  }
  return dir;
}

type SummaryJson = SnapshotShowJson;

for (const layout of ["directory", "index"] as const) {
  test(`a ${layout === "directory" ? "directory scan" : "an index file"} with one broken YAML and one broken JSON file: snapshot show answers, stderr names both with line:col, exit 2`, async () => {
    const dir = brokenCapture(layout);
    const r = await cli(["snapshot", "show", "-s", "snap", "-o", "json"], dir);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trimEnd().split("\n");
    // in the order the files are read: the index's order, or sorted paths in a directory scan
    const expected = layout === "directory" ? [JSON_ERROR, YAML_ERROR] : [YAML_ERROR, JSON_ERROR];
    assert.deepEqual(lines, [...expected.map((e) => `podpath: ${e}`), SUMMARY]);
    const summary = JSON.parse(r.stdout) as SummaryJson;
    assert.deepEqual(
      summary.errors.map((e) => `${e.source}: ${e.message} [${e.code}]`),
      expected.map((e) => `${e} [parse-error]`),
    );
    // everything else is there: the example's nodes, pods, VPC and load balancer
    assert.equal(summary.kubernetes["nodes"], 3);
    assert.equal(summary.kubernetes["pods"], 33);
    assert.equal(summary.aws["vpcs"], 1);
    assert.equal(summary.aws["loadBalancers"], 1);
    assert.ok(
      !summary.files.some((f) => f.path.endsWith("configmaps.yaml") || f.path.endsWith("flow-logs.json")),
      "broken files are errors, not files",
    );
  });
}

test("a broken capture: trace still answers on stdout (pod → internet through the NAT gateway), exit 2 at the end", async () => {
  const dir = brokenCapture("directory");
  const r = await cli(
    ["trace", "-s", "snap", "--from", "workload:ecoeco/ecoeco-api", "--to", "internet", "-o", "json"],
    dir,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(r.stderr.trimEnd().split("\n"), [`podpath: ${JSON_ERROR}`, `podpath: ${YAML_ERROR}`, SUMMARY]);
  const trace = JSON.parse(r.stdout) as { verdict: string; hops: { component: string }[]; assumptions: string[] };
  assert.equal(trace.verdict, "delivered");
  assert.ok(
    trace.hops.some((h) => h.component === "nat-gateway"),
    "the VPC layer was loaded",
  );
  // the answer rests on the files it left out: its assumptions say so, not only stderr
  assert.ok(trace.assumptions.includes(LEFT_OUT), trace.assumptions.join("\n"));
});

test("a broken capture: egress lists the files left out once in its assumptions (text) and in every row's trace (json)", async () => {
  const dir = brokenCapture("directory");
  const json = await cli(["egress", "-s", "snap", "-o", "json"], dir);
  assert.equal(json.code, 2, json.stderr);
  const report = JSON.parse(json.stdout) as {
    assumptions: string[];
    rows: { note: string; trace: { assumptions: string[] } | null }[];
  };
  assert.deepEqual(report.assumptions, [LEFT_OUT]);
  const traced = report.rows.filter((row) => row.trace);
  assert.ok(traced.length > 0);
  for (const row of traced) {
    assert.ok(row.trace!.assumptions.includes(LEFT_OUT));
    assert.ok(!row.note.includes("could not be loaded"), "said once for the report, not in every row's note");
  }
  const text = await cli(["egress", "-s", "snap", "-o", "text"], dir);
  // text wraps at 120 columns: compare with the line breaks read as spaces
  assert.equal(text.stdout.replace(/\n */g, " ").split(LEFT_OUT).length - 1, 1, text.stdout);
});

test("a broken capture: snapshot show -o text and -o md list the files as errors", async () => {
  const dir = brokenCapture("directory");
  const text = await cli(["snapshot", "show", "-s", "snap", "-o", "text"], dir);
  assert.equal(text.code, 2);
  assert.match(text.stdout, /\nErrors \(2\): files that could not be loaded; everything below leaves them out\n/);
  assert.ok(text.stdout.includes(`  ${JSON_ERROR} [parse-error]\n  ${YAML_ERROR} [parse-error]\n`), text.stdout);
  const md = await cli(["snapshot", "show", "-s", "snap", "-o", "md"], dir);
  assert.equal(md.code, 2);
  assert.ok(md.stdout.includes("## Errors\n"), md.stdout);
  assert.ok(
    md.stdout.includes(
      "- `snap/k8s/configmaps.yaml:9:4` YAML syntax error: bad indentation of a mapping entry (parse-error)\n",
    ),
    md.stdout,
  );
});

for (const layout of ["directory", "index"] as const) {
  test(`--strict: the first broken file of ${layout === "directory" ? "a directory scan" : "an index file"} stops the run, nothing on stdout, exit 2`, async () => {
    const dir = brokenCapture(layout);
    const r = await cli(
      ["trace", "-s", "snap", "--strict", "--from", "workload:ecoeco/ecoeco-api", "--to", "internet", "-o", "json"],
      dir,
    );
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `podpath: ${layout === "directory" ? JSON_ERROR : YAML_ERROR}\n`);
  });
}

test("--strict is a snapshot option of every command (in its --help)", async () => {
  for (const command of [["snapshot", "show"], ["place"], ["trace"], ["egress"], ["fix", "place"]]) {
    const r = await cli([...command, "--help"]);
    assert.equal(r.code, 0, command.join(" "));
    // commander wraps the description at the width of the command's longest option (place has --istio-proxy-requests)
    assert.match(
      r.stdout,
      /--strict\s+stop\s+at\s+the\s+first\s+file\s+that\s+cannot\s+be\s+loaded/,
      command.join(" "),
    );
  }
});

test("a single broken file named with --snapshot still stops at once (exit 2), and so does a missing path", async () => {
  const dir = brokenCapture("directory");
  const file = await cli(["snapshot", "show", "-s", "snap/k8s/configmaps.yaml"], dir);
  assert.deepEqual([file.code, file.stdout, file.stderr], [2, "", `podpath: ${YAML_ERROR}\n`]);
  const missing = await cli(["snapshot", "show", "-s", "snap", "-s", "nope"], dir);
  assert.deepEqual(
    [missing.code, missing.stdout, missing.stderr],
    [2, "", "podpath: nope: no such file or directory\n"],
  );
});

test("what a directory scan reports: files that cannot be read as YAML/JSON are errors; valid YAML/JSON of no known shape is a warning", async () => {
  const node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n";
  const dir = tempDir({
    "snap/nodes.yaml": node,
    "snap/garbage.yaml": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
    "snap/latin1.yaml": Buffer.from("kind: Namespace\nmetadata: {name: caf\xe9}\n", "latin1"),
    "snap/huge.json": `{"Vpcs": [${" ".repeat(4096)}]}`,
    "snap/package.json": '{\n  "name": "not-a-snapshot",\n  "version": "1.0.0"\n}\n',
  });
  const r = await cli(["snapshot", "show", "-s", "snap", "--max-file-size", "2K", "-o", "json"], dir);
  assert.equal(r.code, 2, r.stderr);
  const summary = JSON.parse(r.stdout) as SummaryJson & {
    diagnostics: { code: string; severity: string; source: string | null }[];
  };
  assert.deepEqual(
    summary.errors.map((e) => `${e.source} [${e.code}]`),
    ["snap/garbage.yaml [binary-file]", "snap/huge.json [too-large]", "snap/latin1.yaml [binary-file]"],
  );
  assert.deepEqual(
    summary.diagnostics.filter((d) => d.severity === "warning").map((d) => `${d.source} [${d.code}]`),
    ["snap/package.json:1:1 [unrecognised-file]"],
  );
  assert.equal(summary.kubernetes["nodes"], 1);
});

test("an index file lists its files: one of no known shape there is an error, not a warning", async () => {
  const dir = tempDir({
    "podpath.yaml": "kubernetes:\n  - path: nodes.yaml\naws:\n  - path: package.json\n",
    "nodes.yaml": "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n",
    "package.json": '{\n  "name": "not-a-snapshot"\n}\n',
  });
  const r = await cli(["snapshot", "show", "-s", ".", "-o", "json"], dir);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.split("\n")[0],
    'podpath: package.json:1:1: not a Kubernetes object (no apiVersion and kind) nor AWS CLI output (top-level keys "name" match no describe-* command podpath reads)',
  );
  assert.deepEqual(
    (JSON.parse(r.stdout) as SummaryJson).errors.map((e) => e.code),
    ["unrecognised-file"],
  );
});

test("every file broken: each is named, then that nothing is left to analyse (exit 2, no stdout)", async () => {
  const dir = brokenCapture("directory");
  const r = await cli(["snapshot", "show", "-s", "snap/k8s/configmaps.yaml", "-s", "snap/aws"], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, `podpath: ${YAML_ERROR}\n`, "a file named on its own stops at once");
  rmSync(join(dir, "snap/aws"), { recursive: true });
  rmSync(join(dir, "snap/k8s"), { recursive: true });
  cpSync(BROKEN, join(dir, "snap"), { recursive: true });
  const all = await cli(["snapshot", "show", "-s", "snap"], dir);
  assert.equal(all.code, 2);
  assert.equal(all.stdout, "");
  assert.equal(
    all.stderr,
    `podpath: ${JSON_ERROR}\npodpath: ${YAML_ERROR}\npodpath: no Kubernetes objects or AWS CLI output found in snap: 2 files could not be loaded\n`,
  );
});

test("library: loadSnapshot returns the files it could not load in Snapshot.errors; strict throws the first as an InputError", () => {
  const dir = brokenCapture("directory");
  const s = loadSnapshot({ paths: ["snap"], cwd: dir });
  assert.deepEqual(s.errors, [
    {
      code: "parse-error",
      file: "snap/aws/ec2-describe-flow-logs.json",
      line: 2,
      col: 1,
      message: "JSON syntax error: unexpected 'An'",
    },
    {
      code: "parse-error",
      file: "snap/k8s/configmaps.yaml",
      line: 9,
      col: 4,
      message: "YAML syntax error: bad indentation of a mapping entry",
    },
  ]);
  assert.equal(s.kubernetes.nodes.length, 3);
  assert.throws(
    () => loadSnapshot({ paths: ["snap"], cwd: dir, strict: true }),
    (e: unknown) => e instanceof InputError && e.message === JSON_ERROR,
  );
  // the example itself loads without an error
  assert.deepEqual(loadSnapshot({ paths: [EXAMPLE] }).errors, []);
});
