import { resolve } from "node:path";
import type { FileEntry } from "./discover.js";
import { displayPath, indexDirectory } from "./discover.js";
import { InputError } from "./errors.js";
import { FieldAt, Fields, Malformed } from "./fields.js";
import type { LoadLimits } from "./limits.js";
import { parseYaml } from "./parse-yaml.js";
import { readText } from "./read-text.js";

/** The index file (podpath.yaml): which files make the snapshot, and how to read each. */
interface IndexFile {
  kubernetes?: IndexEntry[];
  aws?: IndexEntry[];
  /** what a capture could not read (podpath snapshot capture: RBAC denied, AWS AccessDenied) */
  warnings?: string[];
}

/** a `warnings:` entry of an index file, located */
export interface IndexWarning {
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

interface IndexEntry {
  path?: string;
  namespace?: string;
  targetGroupArn?: string;
  prefixListId?: string;
}

export function isIndexDocument(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v["apiVersion"] === undefined && (Array.isArray(v["kubernetes"]) || Array.isArray(v["aws"]));
}

export function readIndexFile(
  path: string,
  base: string,
  limits: LoadLimits,
  warnings: IndexWarning[] = [],
): FileEntry[] {
  const shown = displayPath(path, base);
  const text = readText(path, shown, limits);
  if (!text.ok) throw new InputError(text.message, shown);
  const parsed = parseYaml(text.text, shown, limits);
  const document = parsed.documents[0];
  const where = (value: unknown) => {
    const field = value instanceof FieldAt ? parsed.fieldPosition?.(value.container, value.key) : undefined;
    const container = value instanceof FieldAt ? value.container : value;
    const p = field ?? (container !== null && typeof container === "object" ? parsed.positionOf(container) : undefined);
    return p ?? document?.position ?? { line: 1, col: 1 };
  };
  if (!document || parsed.documents.length !== 1 || !isIndexDocument(document.value)) {
    throw new InputError(
      "an index file holds one mapping with `kubernetes:` and/or `aws:` lists of {path: …}",
      shown,
      1,
      1,
    );
  }
  const directory = indexDirectory(path);
  const entries: FileEntry[] = [];
  try {
    const index = Fields.of<IndexFile>(document.value, "");
    for (const section of ["kubernetes", "aws"] as const) {
      for (const entry of index.objs(section)) {
        const relativePath = entry.reqStr("path");
        const absolute = resolve(directory, relativePath);
        entries.push({
          absolute,
          shownAs: displayPath(absolute, base),
          origin: "index",
          expected: section,
          namespace: entry.str("namespace"),
          targetGroupArn: entry.str("targetGroupArn"),
          prefixListId: entry.str("prefixListId"),
          whatIf: false,
        });
      }
    }
    const listed = index.strings("warnings");
    const raw = (document.value as Record<string, unknown>)["warnings"];
    listed.forEach((message, i) => {
      const p = Array.isArray(raw) ? where(new FieldAt(raw, i)) : where(document.value);
      warnings.push({ message, file: shown, line: p.line, col: p.col });
    });
  } catch (error) {
    if (error instanceof Malformed) {
      const p = where(error.at);
      throw new InputError(error.message, shown, p.line, p.col);
    }
    throw error;
  }
  if (entries.length === 0) throw new InputError("the index file lists no files", shown, 1, 1);
  return entries;
}
