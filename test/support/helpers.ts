import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/program.js";
import { SnapshotDraft } from "../../src/load/draft.js";
import { DocumentContext } from "../../src/load/fields.js";
import { convertKubernetesDocument, isKubernetesDocument } from "../../src/load/kubernetes/index.js";
import { DEFAULT_LIMITS } from "../../src/load/limits.js";
import { parseYaml } from "../../src/load/parse-yaml.js";
import { parseJson } from "../../src/load/parse-json.js";
import { convertAwsDocument } from "../../src/load/aws/index.js";
import { withEntries } from "../../src/load/finish.js";
import type { AwsModel } from "../../src/model/snapshot.js";

/** The repository root (tests run from dist/test/…). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const EXAMPLE = join(REPO, "examples/ecoeco");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, stdout and stderr captured, as a non-terminal. */
export async function cli(args: readonly string[], cwd = REPO): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    cwd,
  });
  return { code, stdout, stderr };
}

/** Converts Kubernetes YAML text into a draft, as the loader would (for adapter table tests). */
export function convertYaml(text: string, file = "test.yaml", namespace = "default"): SnapshotDraft {
  const parsed = parseYaml(text, file, DEFAULT_LIMITS);
  const draft = new SnapshotDraft();
  for (const document of parsed.documents) {
    if (!isKubernetesDocument(document.value)) continue;
    convertKubernetesDocument(
      document.value,
      new DocumentContext(file, document.index, parsed, document.position),
      draft,
      namespace,
    );
  }
  return draft;
}

const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory with the given files (path → content), removed when the test process exits. */
export function tempDir(files: Readonly<Record<string, string | Buffer>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "podpath-test-"));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

/**
 * Compares `actual` with the golden file test/golden/NAME; with UPDATE_GOLDEN=1 writes it instead.
 * Returns the expected text (or the new one).
 */
export function golden(name: string, actual: string): string {
  const path = join(REPO, "test", "golden", name);
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(path)) {
    if (process.env["CI"] && !existsSync(path))
      throw new Error(`golden file ${name} is missing; run UPDATE_GOLDEN=1 npm test and commit it`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return actual;
  }
  return readFileSync(path, "utf8");
}

/** AWS CLI JSON texts converted as the loader does, into one model; no warnings allowed. */
export function awsOf(...documents: readonly string[]): AwsModel {
  const draft = new SnapshotDraft();
  documents.forEach((json, index) => {
    const file = `aws/${index}.json`;
    const parsed = parseJson(json, file, DEFAULT_LIMITS);
    const doc = parsed.documents[0];
    assert.ok(doc);
    convertAwsDocument(
      doc.value as Record<string, unknown>,
      new DocumentContext(file, 0, parsed, doc.position),
      draft,
      {},
    );
  });
  assert.deepEqual(draft.diagnostics, []);
  return { ...draft.aws, prefixLists: withEntries(draft.aws.prefixLists, draft.prefixListEntries) };
}
