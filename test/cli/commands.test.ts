/** Scenario tests of the CLI as a user meets it: help, version, usage errors, the contract's commands. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { cli, REPO } from "../support/helpers.js";

test("podpath --help teaches: what it answers, every command of the contract, snapshots, exit codes", async () => {
  const r = await cli(["--help"]);
  assert.equal(r.code, 0);
  for (const command of [
    "place",
    "trace",
    "egress",
    "connlist",
    "lint",
    "exposure",
    "diff",
    "fix",
    "report",
    "serve",
    "snapshot",
  ]) {
    assert.match(r.stdout, new RegExp(`^  ${command}\\b`, "m"), command);
  }
  assert.match(r.stdout, /Where do my pods land/);
  assert.match(r.stdout, /Exit codes: 0 answered/);
  assert.match(r.stdout, /scripts\/capture-snapshot\.sh/);
});

test("podpath --version prints the package version", async () => {
  const r = await cli(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test("an unknown command is a usage error (exit 2) with a suggestion", async () => {
  const r = await cli(["plac"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'plac'/);
  assert.match(r.stderr, /Did you mean place\?/);
});

test("an unknown output format is a usage error naming the choices", async () => {
  const r = await cli(["snapshot", "show", "-o", "yaml"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /argument 'yaml' is invalid\. Allowed choices are text, json, md/);
});

test("a bad --max-file-size is a usage error", async () => {
  const r = await cli(["snapshot", "show", "--max-file-size", "lots"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected a size such as 64M, 1G or 4096/);
});

for (const [args, message] of [
  [["serve", "--port", "x"], /option '--port <n>' argument 'x' is invalid\. expected a port number from 0 to 65535/],
  [["serve", "--port", "70000"], /expected a port number from 0 to 65535/],
  [["serve", "--host", "not a host"], /option '--host <address>' argument 'not a host' is invalid/],
] as const) {
  test(`podpath ${args.join(" ")} is a usage error naming the option (exit 2), before anything is loaded or served`, async () => {
    const r = await cli([...args]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  });
}

test("trace without --from is a usage error", async () => {
  const r = await cli(["trace", "--to", "internet"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /required option '--from <endpoint>' not specified/);
});

test("without --snapshot, commands use the embedded example and say so on stderr", async () => {
  const r = await cli(["snapshot", "show", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /no --snapshot given; using the embedded example \(examples\/ecoeco/);
  const summary = JSON.parse(r.stdout) as { roots: string[]; files: { path: string }[] };
  assert.ok(
    summary.files.every((f) => f.path.startsWith("examples/ecoeco/")),
    "paths relative to the package",
  );
});

test("the format is text by default, piped or not, as kubectl's: -o decides (json with -o json)", async () => {
  const piped = await cli(["snapshot", "show"]);
  assert.match(piped.stdout, /^Snapshot: /);
  const json = await cli(["snapshot", "show", "-o", "json"]);
  assert.doesNotThrow(() => JSON.parse(json.stdout));
  const help = await cli(["snapshot", "show", "--help"]);
  assert.match(help.stdout.replace(/\s+/g, " "), /output format \(default: text, also when piped\)/);
});

test("the same snapshot gives byte-identical output", async () => {
  for (const format of ["json", "text", "md"]) {
    const a = await cli(["snapshot", "show", "-o", format]);
    const b = await cli(["snapshot", "show", "-o", format]);
    assert.equal(a.stdout, b.stdout, format);
  }
});

test("the installed binary runs: node dist/src/bin/podpath.js --version exits 0 (no stack trace on a bad path: exit 2)", () => {
  const bin = join(REPO, "dist/src/bin/podpath.js");
  const ok = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
  assert.equal(ok.status, 0);
  const bad = spawnSync(process.execPath, [bin, "snapshot", "show", "-s", "/nonexistent/snapshot"], {
    encoding: "utf8",
  });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "podpath: /nonexistent/snapshot: no such file or directory\n");
});

test("--with replaces an object by kind, namespace and name (a what-if) and says so", async () => {
  const { tempDir } = await import("../support/helpers.js");
  const dir = tempDir({
    "untainted.yaml":
      'apiVersion: v1\nkind: Node\nmetadata:\n  name: k8s-master\n  labels: {node-role.kubernetes.io/control-plane: ""}\nstatus:\n  allocatable: {cpu: "2", memory: 8Gi, pods: "110"}\n',
  });
  const r = await cli(
    ["snapshot", "show", "-s", join(REPO, "examples/ecoeco"), "--with", join(dir, "untainted.yaml"), "-o", "json"],
    dir,
  );
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as {
    whatIf: string[];
    nodes: { name: string; taints: string[] }[];
    diagnostics: { code: string; message: string; source: string }[];
  };
  assert.deepEqual(s.whatIf, ["untainted.yaml"]);
  assert.deepEqual(s.nodes.find((n) => n.name === "k8s-master")!.taints, []);
  const note = s.diagnostics.find((d) => d.code === "what-if")!;
  assert.match(note.message, /^Node k8s-master is replaced by --with \(was .*examples\/ecoeco\/k8s\/nodes\.yaml:3\)$/);
  assert.equal(note.source, "untainted.yaml:1:1");
});
