import { isUtf8 } from "node:buffer";
import { openSync, readSync, closeSync, fstatSync, readFileSync } from "node:fs";
import { InputError } from "./errors.js";
import { formatBytes, type LoadLimits } from "./limits.js";

export type TextResult =
  | { readonly ok: true; readonly text: string; readonly bytes: number }
  | { readonly ok: false; readonly reason: "binary" | "too-large"; readonly message: string };

const SNIFF_BYTES = 8192;

/**
 * Reads a file as UTF-8 text. Refuses files above the size limit before reading them, and files
 * that are not text (a NUL byte in the first 8 KiB, or invalid UTF-8) without a stack trace.
 */
export function readText(path: string, shownAs: string, limits: LoadLimits): TextResult {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new InputError(describeFsError(error), shownAs);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > limits.maxFileBytes) {
      return {
        ok: false,
        reason: "too-large",
        message: `file is ${formatBytes(size)}, above the ${formatBytes(limits.maxFileBytes)} limit (raise it with --max-file-size)`,
      };
    }
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    readSync(fd, head, 0, head.length, 0);
    if (head.includes(0)) {
      return { ok: false, reason: "binary", message: "not a text file (it holds NUL bytes): expected YAML or JSON" };
    }
    const buffer = size <= SNIFF_BYTES ? head : readFileSync(fd);
    // isUtf8 (simdutf) validates far faster than a fatal TextDecoder decodes
    if (!isUtf8(buffer)) return { ok: false, reason: "binary", message: "not UTF-8 text: expected YAML or JSON" };
    return { ok: true, text: buffer.toString("utf8"), bytes: size };
  } finally {
    closeSync(fd);
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "ELOOP":
      return "too many symbolic links";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
