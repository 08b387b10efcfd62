import type { LoadError } from "../model/snapshot.js";

/**
 * A problem with the input that stops the run: a file that cannot be read or parsed, a path
 * that does not exist, a limit exceeded. The CLI prints `file:line:col: message` and exits 2.
 */
export class InputError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly col: number | undefined;
  readonly detail: string;
  /** the files that could not be loaded, when that is why the run stops (the CLI prints each first) */
  readonly files: readonly LoadError[];

  constructor(detail: string, file?: string, line?: number, col?: number, files: readonly LoadError[] = []) {
    super(formatLocated(detail, file, line, col));
    this.name = "InputError";
    this.detail = detail;
    this.file = file;
    this.line = line;
    this.col = col;
    this.files = files;
  }
}

/** `file:line:col: message` of a file that could not be loaded. */
export function formatLoadError(error: LoadError): string {
  return formatLocated(error.message, error.file, error.line, error.col);
}

export function formatLocated(message: string, file?: string, line?: number, col?: number): string {
  if (file === undefined) return message;
  if (line === undefined) return `${file}: ${message}`;
  return `${file}:${line}:${col ?? 1}: ${message}`;
}
