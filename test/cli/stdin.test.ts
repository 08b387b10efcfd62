import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { writePodDump } from "../../bench/synthetic.js";
import { REPO, tempDir } from "../support/helpers.js";

const BIN = join(REPO, "dist/src/bin/podpath.js");
const RENDERED = join(REPO, "test/fixtures/rendered");
const NODES = "test/fixtures/captures/kubeadm-calico-dump";

/** Runs the built podpath with `input` piped into its standard input, as a shell pipe would. */
function piped(args: readonly string[], input: string | Buffer): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, input, encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

interface PlacementJson {
  workloads: { kind: string; namespace: string; name: string; source: string; location: { file: string } }[];
}

describe("-s - reads the snapshot from standard input (YAML or JSON, told by content; shown as <stdin>)", () => {
  test("helm template … | podpath place -s - (helm pkg/action/action.go renderResources: `---` + `# Source:` per manifest, no namespace → --manifest-namespace; hooks appended as cmd/helm/template.go does)", () => {
    const input = readFileSync(join(RENDERED, "helm-template-web.yaml"));
    const run = piped(
      ["place", "-s", "-", "-s", NODES, "--manifest-namespace", "web", "-n", "web", "-o", "json"],
      input,
    );
    assert.equal(run.code, 0, run.stderr);
    const placement = JSON.parse(run.stdout) as PlacementJson;
    assert.deepEqual(
      placement.workloads.map((w) => [w.kind, `${w.namespace}/${w.name}`, w.source, w.location.file]),
      [
        ["Deployment", "web/web", "<stdin>:38", "<stdin>"],
        // the chart's test hook: helm template prints it unless --skip-tests, and podpath places it
        ["Pod", "web/web-test-connection", "<stdin>:88", "<stdin>"],
      ],
    );
  });

  test("kustomize build DIR (sorted keys, sequences not indented, no leading ---) piped, and the same output saved to a file", () => {
    const input = readFileSync(join(RENDERED, "kustomize-build-shop.yaml"));
    const fromStdin = piped(["place", "-s", "-", "-s", NODES, "-n", "shop", "-o", "json"], input);
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    const workloads = (JSON.parse(fromStdin.stdout) as PlacementJson).workloads;
    assert.deepEqual(
      workloads.map((w) => [w.kind, `${w.namespace}/${w.name}`, w.source]),
      [["Deployment", "shop/cart", "<stdin>:21"]],
    );
    // kustomize build DIR > x.yaml; podpath place -s x.yaml: the same answer, located in the file
    const dir = tempDir({ "x.yaml": input });
    const fromFile = piped(["place", "-s", join(dir, "x.yaml"), "-s", NODES, "-n", "shop", "-o", "json"], "");
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromFile.stdout.replaceAll(join(dir, "x.yaml"), "<stdin>"), fromStdin.stdout);
  });

  test("a warning inside a piped document is located at <stdin>:line:col", () => {
    const yaml =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: x\n    ports:\n    - containerPort: abc\n";
    const run = piped(["snapshot", "show", "-s", "-", "-o", "json"], yaml);
    assert.equal(run.code, 0, run.stderr);
    const show = JSON.parse(run.stdout) as { diagnostics: { source?: string; code: string }[] };
    assert.deepEqual(
      show.diagnostics.filter((d) => d.code === "invalid-object").map((d) => d.source),
      ["<stdin>:10:7"],
    );
  });

  test("a JSON syntax error on stdin: <stdin>:line:col, exit 2, no stack trace", () => {
    const run = piped(
      ["place", "-s", "-"],
      '{\n  "apiVersion": "v1",\n  "items": [\n    {"kind": }\n  ],\n  "kind": "List"\n}\n',
    );
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^podpath: <stdin>:4:14: JSON syntax error: /m);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  test("a large `kubectl get pods -o json` on stdin is streamed item by item (json-stream.ts)", () => {
    const dir = tempDir();
    const dump = writePodDump(join(dir, "pods.json"), 20 * 1024 * 1024);
    const run = piped(["snapshot", "show", "-s", "-", "-o", "json"], readFileSync(join(dir, "pods.json")));
    assert.equal(run.code, 0, run.stderr);
    const show = JSON.parse(run.stdout) as { kubernetes: { pods: number } };
    assert.equal(show.kubernetes.pods, dump.pods);
  });

  test("combined with --with -: the what-if read from stdin", () => {
    const run = piped(
      ["snapshot", "show", "-s", NODES, "-w", "-", "-o", "json"],
      readFileSync(join(RENDERED, "kustomize-build-shop.yaml")),
    );
    assert.equal(run.code, 0, run.stderr);
    const show = JSON.parse(run.stdout) as { files: { path: string; whatIf?: boolean }[] };
    assert.ok(
      show.files.some((f) => f.path === "<stdin>"),
      JSON.stringify(show.files),
    );
  });

  test("- named twice: standard input is read once, exit 2", () => {
    const run = piped(["place", "-s", "-", "-w", "-"], "kind: List\n");
    assert.equal(run.code, 2);
    assert.match(run.stderr, /<stdin>: standard input \(-\) can be read once/);
  });

  test("nothing piped (empty standard input): exit 2 saying so", () => {
    const run = piped(["place", "-s", "-"], "");
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^podpath: <stdin>: -s - reads the snapshot from standard input, but nothing was piped in/m,
    );
  });

  const script = spawnSync("script", ["--version"], { encoding: "utf8" });
  test(
    "standard input a terminal (-s - given, nothing piped): exit 2 at once, not waiting for typing",
    script.status === 0 ? {} : { skip: "util-linux `script` (to give podpath a terminal) is not installed" },
    () => {
      const dir = tempDir();
      const out = join(dir, "out.txt");
      writeFileSync(out, "");
      const run = spawnSync("script", ["-qec", `${process.execPath} ${BIN} place -s - 2>${out}`, "/dev/null"], {
        cwd: REPO,
        encoding: "utf8",
        timeout: 20_000,
      });
      assert.equal(run.status, 2);
      assert.match(readFileSync(out, "utf8"), /nothing is piped into it \(it is a terminal\)/);
    },
  );
});
