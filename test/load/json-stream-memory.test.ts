import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { writePodDump } from "../../bench/synthetic.js";
import { REPO, tempDir } from "../support/helpers.js";

const LOADER = new URL(`file://${join(REPO, "dist/src/load/load-snapshot.js")}`).href;
const HEAP_MB = 256;

/** Loads `path` in a child process whose heap is capped at HEAP_MB (V8's --max-old-space-size). */
function loadInChild(path: string, streamed: boolean) {
  const limits = streamed ? "" : ", limits: { ...DEFAULT_LIMITS, streamJsonFromBytes: Infinity }";
  const script = `const { loadSnapshot } = await import(${JSON.stringify(LOADER)});
const { DEFAULT_LIMITS } = await import(${JSON.stringify(LOADER.replace("load-snapshot.js", "limits.js"))});
const s = loadSnapshot({ paths: [${JSON.stringify(path)}]${limits} });
process.stdout.write(JSON.stringify({ pods: s.kubernetes.pods.length, maxRss: process.resourceUsage().maxRSS * 1024 }));`;
  const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, "--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("json-stream: a dump larger than the heap loads in bounded memory (items split by the scanner, JSON.parse per item)", () => {
  const dir = tempDir();
  const path = join(dir, "pods.json");
  const dump = writePodDump(path, 300 * 1024 * 1024);

  test(`a 300 MB kubectl get pods -o json loads with a ${HEAP_MB} MB heap, every pod kept, peak RSS below the file's size`, () => {
    const run = loadInChild(path, true);
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    const loaded = JSON.parse(run.stdout) as { pods: number; maxRss: number };
    assert.equal(loaded.pods, dump.pods);
    assert.ok(
      loaded.maxRss < statSync(path).size,
      `peak RSS ${loaded.maxRss} bytes, file ${statSync(path).size} bytes`,
    );
  });

  test(`read whole (one string, one JSON.parse), the same file does not fit that heap (the test can fail)`, () => {
    const run = loadInChild(path, false);
    assert.notEqual(run.code, 0, "the whole-text path loaded a 300 MB file in a 256 MB heap");
  });
});
