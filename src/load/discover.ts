import { readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, isAbsolute } from "node:path";
import { InputError } from "./errors.js";
import { describeFsError } from "./read-text.js";

/** One file to load, and what is known about it before reading it. */
export interface FileEntry {
  readonly absolute: string;
  /** as shown in messages: relative to the display base when below it */
  readonly shownAs: string;
  /**
   * How the file was named. argument: by the user (--snapshot FILE, --with FILE): a file that
   * cannot be loaded stops the run. index: listed in an index file, directory: found by a
   * directory scan: such a file is reported (Snapshot.errors) and the rest is loaded, unless
   * strict. A directory scan picks files by extension, so one of no known shape (or not text)
   * is only a warning there; an index file names its files, so there it is an error.
   */
  readonly origin: "argument" | "index" | "directory";
  /** the index file's section, when it has one */
  readonly expected: "kubernetes" | "aws" | undefined;
  readonly namespace: string | undefined;
  readonly targetGroupArn: string | undefined;
  /** the index file's `prefixListId:` (get-managed-prefix-list-entries does not print it) */
  readonly prefixListId?: string | undefined;
  /** from --with: objects that are added, or replace their namesakes */
  readonly whatIf: boolean;
}

const INDEX_NAMES = ["podpath.yaml", "podpath.yml"];
/** `.tfstate`: a raw Terraform state (recognised by its content, as every file is) */
const SNAPSHOT_EXTENSIONS = new Set([".yaml", ".yml", ".json", ".tfstate"]);
/** directories a scan never enters */
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);

/**
 * A path as messages show it: relative to `base` (the working directory) when below it or one
 * level beside it (`../shared/corpus/…`), absolute otherwise.
 */
export function displayPath(absolute: string, base: string): string {
  const rel = relative(base, absolute).split("\\").join("/");
  if (rel === "" || isAbsolute(rel)) return absolute;
  const ups = rel.split("/").filter((part) => part === "..").length;
  return ups <= 1 && !rel.startsWith("../..") ? rel : absolute;
}

export type RootKind =
  { readonly kind: "index"; readonly path: string } | { readonly kind: "files"; readonly files: readonly string[] };

/**
 * What a --snapshot path names: a directory (its podpath.yaml, else every YAML/JSON file below it,
 * sorted, hidden entries and node_modules skipped), an index file, or a single file.
 */
export function resolveRoot(path: string, cwd: string, base: string): RootKind {
  const absolute = resolve(cwd, path);
  let stat;
  try {
    stat = statSync(absolute);
  } catch (error) {
    throw new InputError(describeFsError(error), displayPath(absolute, base));
  }
  if (stat.isDirectory()) {
    for (const name of INDEX_NAMES) {
      const candidate = join(absolute, name);
      if (isFile(candidate)) return { kind: "index", path: candidate };
    }
    const files = scanDirectory(absolute);
    if (files.length === 0) {
      throw new InputError(
        "no snapshot files found (looked for podpath.yaml, *.yaml, *.yml, *.json and *.tfstate)",
        displayPath(absolute, base),
      );
    }
    return { kind: "files", files };
  }
  if (INDEX_NAMES.includes(basename(absolute))) return { kind: "index", path: absolute };
  return { kind: "files", files: [absolute] };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function scanDirectory(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 32) return;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full, depth + 1);
      } else if (entry.isFile() && SNAPSHOT_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        out.push(full);
      }
    }
  };
  walk(root, 0);
  return out;
}

export function indexDirectory(indexPath: string): string {
  return dirname(indexPath);
}
