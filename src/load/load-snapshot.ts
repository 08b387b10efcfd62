import { extname, resolve } from "node:path";
import type { LoadError, Snapshot, SnapshotFile } from "../model/snapshot.js";
import type { SourceRef } from "../model/source.js";
import { convertAwsDocument, isAwsDocument, AWS_TOP_LEVEL_KEYS } from "./aws/index.js";
import {
  convertTerraformState,
  isTerraformState,
  preferCliOverTerraform,
  TERRAFORM_STATE_KEYS,
} from "./aws/terraform/index.js";
import type { FileEntry } from "./discover.js";
import { displayPath, resolveRoot } from "./discover.js";
import { SnapshotDraft } from "./draft.js";
import { InputError } from "./errors.js";
import { DocumentContext, isRaw } from "./fields.js";
import { finishSnapshot } from "./finish.js";
import { isIndexDocument, readIndexFile, type IndexWarning } from "./index-file.js";
import { convertKubernetesDocument, isKubernetesDocument } from "./kubernetes/index.js";
import { DEFAULT_LIMITS, type LoadLimits } from "./limits.js";
import { parseJson } from "./parse-json.js";
import type { ParsedFile } from "./parsed.js";
import { parseYaml } from "./parse-yaml.js";
import { readText } from "./read-text.js";
import { STDIN_PATH, STDIN_SHOWN, stdinEntry } from "./stdin.js";
import { streamJsonFile } from "./stream-list.js";

export interface LoadProgress {
  readonly file: string;
  readonly index: number;
  readonly total: number;
  /** bytes of the files loaded before this one */
  readonly bytesDone: number;
  /** the size of this file, reported before it is parsed */
  readonly fileBytes: number;
}

export interface LoadOptions {
  /** --snapshot paths: directories, index files or single files */
  readonly paths: readonly string[];
  /** --with paths: objects laid over the snapshot, added or replacing their namesakes (a what-if) */
  readonly whatIf?: readonly string[];
  /** resolves relative paths; defaults to process.cwd() */
  readonly cwd?: string;
  /** paths in messages are shown relative to this directory; defaults to cwd */
  readonly displayBase?: string;
  /** namespace for namespaced objects without one, where no index entry names one (kubectl apply -n) */
  readonly namespace?: string;
  readonly limits?: LoadLimits;
  readonly onProgress?: (progress: LoadProgress) => void;
  /**
   * Stop at the first file that cannot be loaded (its InputError is thrown), as `--strict` does.
   * Otherwise such a file of a directory scan or an index file becomes an entry of
   * `Snapshot.errors` and the rest is loaded. A file named directly (a --snapshot or --with
   * file), a missing path or a broken index file always throws.
   */
  readonly strict?: boolean;
}

/** Files above this size are sniffed before parsing, so a huge file of the wrong kind fails fast. */
const SNIFF_THRESHOLD = 1024 * 1024;
const SNIFF_WINDOW = 64 * 1024;

/**
 * The single entry point from files to the model: resolves the --snapshot paths, reads and parses
 * every file (limits enforced), recognises each document by its content, converts it through the
 * Kubernetes or AWS adapter, then de-duplicates, joins and sorts. Throws InputError for input that
 * stops the run (see LoadOptions.strict; also when no file could be loaded at all, the
 * InputError's `files` naming each); a file that cannot be loaded becomes a Snapshot.errors
 * entry; everything else becomes a located diagnostic in the snapshot.
 */
export function loadSnapshot(options: LoadOptions): Snapshot {
  const cwd = options.cwd ?? process.cwd();
  const base = options.displayBase ?? cwd;
  const limits = options.limits ?? DEFAULT_LIMITS;
  if (options.paths.length === 0) throw new InputError("no snapshot given: pass --snapshot PATH");

  const entries: FileEntry[] = [];
  const indexWarnings: IndexWarning[] = [];
  const whatIf = options.whatIf ?? [];
  for (const [index, path] of [...options.paths, ...whatIf].entries()) {
    const isWhatIf = index >= options.paths.length;
    if (path === STDIN_PATH) {
      entries.push(stdinEntry(entries, isWhatIf));
      continue;
    }
    const root = resolveRoot(path, cwd, base);
    if (root.kind === "index") {
      entries.push(...readIndexFile(root.path, base, limits, indexWarnings).map((e) => ({ ...e, whatIf: isWhatIf })));
    } else {
      const origin = root.files.length === 1 ? "argument" : "directory";
      for (const file of root.files) {
        entries.push({
          absolute: file,
          shownAs: displayPath(file, base),
          origin,
          expected: undefined,
          namespace: undefined,
          targetGroupArn: undefined,
          whatIf: isWhatIf,
        });
      }
    }
  }

  const draft = new SnapshotDraft();
  for (const w of indexWarnings)
    draft.warn("capture-warning", `capture: ${w.message}`, { file: w.file, line: w.line, col: w.col, doc: 0 });
  const files: Omit<SnapshotFile, "objects">[] = [];
  const errors: LoadError[] = [];
  const seen = new Set<string>();
  let bytesDone = 0;
  entries.forEach((entry, index) => {
    if (seen.has(entry.absolute)) return;
    seen.add(entry.absolute);
    let loaded;
    try {
      loaded = loadFile(entry, draft, limits, options.namespace ?? "default", (bytes) =>
        options.onProgress?.({ file: entry.shownAs, index, total: entries.length, bytesDone, fileBytes: bytes }),
      );
    } catch (error) {
      // one bad file of a directory or an index file must not hide the rest
      if (!(error instanceof Unloadable) || options.strict || entry.origin === "argument") throw error;
      errors.push({ code: error.code, file: entry.shownAs, line: error.line, col: error.col, message: error.detail });
      return;
    }
    if (loaded) {
      files.push(loaded.file);
      bytesDone += loaded.bytes;
    }
  });

  const recognised = files.filter((f) => f.content !== "unrecognised");
  if (recognised.length === 0) {
    const what = `no Kubernetes objects or AWS CLI output found in ${options.paths.join(", ")}`;
    if (errors.length > 0)
      throw new InputError(
        `${what}: ${errors.length === 1 ? "its one file" : `${errors.length} files`} could not be loaded`,
        undefined,
        undefined,
        undefined,
        errors,
      );
    throw new InputError(what);
  }
  const shown = (p: string) => (p === STDIN_PATH ? STDIN_SHOWN : displayPath(resolve(cwd, p), base));
  preferCliOverTerraform(draft, new Set(files.filter((f) => f.whatIf).map((f) => f.path)));
  return finishSnapshot(draft, options.paths.map(shown), whatIf.map(shown), files, errors);
}

/** A file that cannot be loaded, and why (LoadError.code); thrown by loadFile, recorded or rethrown by loadSnapshot. */
class Unloadable extends InputError {
  constructor(
    readonly code: LoadError["code"],
    detail: string,
    file: string,
    line?: number,
    col?: number,
  ) {
    super(detail, file, line, col);
  }

  static from(code: LoadError["code"], error: unknown): unknown {
    return error instanceof InputError && !(error instanceof Unloadable)
      ? new Unloadable(code, error.detail, error.file ?? "", error.line, error.col)
      : error;
  }
}

function loadFile(
  entry: FileEntry,
  draft: SnapshotDraft,
  limits: LoadLimits,
  defaultNamespace: string,
  starting: (bytes: number) => void,
): { file: Omit<SnapshotFile, "objects">; bytes: number } | undefined {
  const shown = entry.shownAs;
  let streamed;
  try {
    // a large JSON List: item by item, in bounded memory (stream-list.ts); else read whole
    streamed = streamJsonFile(entry.absolute, shown, limits, draft, entry.namespace ?? defaultNamespace, starting);
  } catch (error) {
    throw Unloadable.from("parse-error", error);
  }
  if (streamed) {
    warnIfNotExpected(entry, "kubernetes", draft);
    return {
      file: {
        path: shown,
        format: "json",
        content: "kubernetes",
        documents: streamed.documents,
        defaultNamespace: entry.namespace,
        whatIf: entry.whatIf,
      },
      bytes: streamed.bytes,
    };
  }
  let text;
  try {
    text = readText(entry.absolute, shown, limits);
  } catch (error) {
    throw Unloadable.from("unreadable-file", error);
  }
  starting(text.ok ? text.bytes : 0);
  if (!text.ok) throw new Unloadable(text.reason === "too-large" ? "too-large" : "binary-file", text.message, shown);
  const format = detectFormat(entry.absolute, text.text);
  if (text.bytes > SNIFF_THRESHOLD && !looksLikeSnapshot(text.text)) {
    const message = "not Kubernetes YAML/JSON or AWS CLI JSON: no apiVersion, kind or AWS CLI key in its first 64 KiB";
    if (entry.origin !== "directory") throw new Unloadable("unrecognised-file", message, shown, 1, 1);
    draft.warn("unrecognised-file", `${shown}: skipped: ${message}`, { file: shown, line: 1, col: 1, doc: 0 });
    return {
      file: {
        path: shown,
        format,
        content: "unrecognised",
        documents: 0,
        defaultNamespace: entry.namespace,
        whatIf: entry.whatIf,
      },
      bytes: text.bytes,
    };
  }
  let parsed: ParsedFile;
  try {
    parsed = format === "json" ? parseJson(text.text, shown, limits) : parseYaml(text.text, shown, limits);
  } catch (error) {
    throw Unloadable.from("parse-error", error);
  }

  let kubernetes = 0;
  let aws = 0;
  const unrecognised: { message: string; at: SourceRef }[] = [];
  for (const document of parsed.documents) {
    const value = document.value;
    if (value === null || value === undefined) continue; // an empty document (`---` at the end)
    const ctx = new DocumentContext(
      shown,
      document.index,
      parsed,
      document.position,
      value !== null && typeof value === "object" ? value : undefined,
    );
    if (isKubernetesDocument(value)) {
      kubernetes++;
      convertKubernetesDocument(value, ctx, draft, entry.namespace ?? defaultNamespace);
    } else if (isAwsDocument(value)) {
      aws++;
      convertAwsDocument(value as Record<string, unknown>, ctx, draft, {
        targetGroupArn: entry.targetGroupArn,
        prefixListId: entry.prefixListId,
      });
    } else if (isTerraformState(value)) {
      aws++;
      convertTerraformState(value as Record<string, unknown>, ctx, draft);
    } else {
      const at = { file: shown, line: document.position.line, col: document.position.col, doc: document.index };
      const message = isIndexDocument(value)
        ? `document ${document.index + 1} is a podpath index file; name it (or its directory) with --snapshot instead`
        : describeUnknown(value, document.index, parsed.documents.length);
      unrecognised.push({ message, at });
    }
  }
  // a document that is not an object, in a file that holds some: located at that document
  for (const u of unrecognised) {
    if (kubernetes + aws > 0) draft.warn("ignored-document", `${shown}: ${u.message}`, u.at);
  }
  const content = kubernetes > 0 ? "kubernetes" : aws > 0 ? "aws" : "unrecognised";
  if (content === "unrecognised") {
    const first = unrecognised[0];
    const message = first?.message ?? "the file holds no documents";
    const at = first?.at ?? { file: shown, line: 1, col: 1, doc: 0 };
    if (entry.origin !== "directory") throw new Unloadable("unrecognised-file", message, shown, at.line, at.col);
    draft.warn("unrecognised-file", `${shown}: skipped: ${message}`, at);
  } else warnIfNotExpected(entry, content, draft);
  return {
    file: {
      path: shown,
      format,
      content,
      documents: parsed.documents.length,
      defaultNamespace: entry.namespace,
      whatIf: entry.whatIf,
    },
    bytes: text.bytes,
  };
}

/** A file the index lists under one source that holds the other's objects is read as what it holds, with a warning. */
function warnIfNotExpected(entry: FileEntry, content: "kubernetes" | "aws", draft: SnapshotDraft): void {
  if (entry.expected && entry.expected !== content)
    draft.warn(
      "unrecognised-file",
      `${entry.shownAs}: listed under ${entry.expected} in the index file but holds ${content} objects; read as ${content}`,
    );
}

function detectFormat(path: string, text: string): "yaml" | "json" {
  const ext = extname(path).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  const first = /\S/.exec(text)?.[0];
  return first === "{" || first === "[" ? "json" : "yaml";
}

function looksLikeSnapshot(text: string): boolean {
  const head = text.slice(0, SNIFF_WINDOW);
  if (/["']?(apiVersion|kind)["']?\s*:/.test(head)) return true;
  if (/^\s*(kubernetes|aws)\s*:/m.test(head)) return true;
  if (TERRAFORM_STATE_KEYS.some((key) => head.includes(key))) return true;
  return AWS_TOP_LEVEL_KEYS.some((key) => head.includes(`"${key}"`));
}

function describeUnknown(value: unknown, index: number, count: number): string {
  const where = count > 1 ? `document ${index + 1}: ` : "";
  if (isRaw(value)) {
    const keys = Object.keys(value).slice(0, 5);
    const more = Object.keys(value).length > 5 ? ", …" : "";
    return `${where}not a Kubernetes object (no apiVersion and kind) nor AWS CLI output (top-level keys ${keys.map((k) => JSON.stringify(k)).join(", ")}${more} match no describe-* command podpath reads)`;
  }
  return `${where}not a Kubernetes object or AWS CLI output: the document is ${Array.isArray(value) ? "a list" : `a ${typeof value}`}`;
}
