import { UserError, formatLocated } from "../model/errors.js";
import type { LoadError } from "../model/snapshot.js";

/**
 * A problem with the input that stops the run: a file that cannot be read or parsed, a path
 * that does not exist, a limit exceeded. The CLI prints `file:line:col: message` and exits 2.
 */
export class InputError extends UserError {
  /** the files that could not be loaded, when that is why the run stops (the CLI prints each first) */
  readonly files: readonly LoadError[];

  constructor(detail: string, file?: string, line?: number, col?: number, files: readonly LoadError[] = []) {
    super(detail, {
      location: file === undefined ? undefined : { file, line, col },
      before: files.map(formatLoadError),
    });
    this.name = "InputError";
    this.files = files;
  }

  get file(): string | undefined {
    return this.location?.file;
  }
  get line(): number | undefined {
    return this.location?.line;
  }
  get col(): number | undefined {
    return this.location?.col;
  }
}

/** `file:line:col: message` of a file that could not be loaded. */
export function formatLoadError(error: LoadError): string {
  return formatLocated(error.message, error.file, error.line, error.col);
}
