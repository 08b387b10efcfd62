/**
 * The one error type a user can cause. Every layer throws a subclass of UserError for what the user
 * can fix (a file that cannot be read or parsed, a bad `--onto`, an endpoint the snapshot lacks) and
 * the CLI catches UserError once (src/cli/program.ts): it prints `podpath: ` + each of `before`, then
 * `podpath: ` + `message`, and exits with `exitCode`. Anything else that escapes is a bug (exit 70).
 * Dependency-free, so the model, the loader and the analyses can all throw it.
 */

/** Where the problem is: a file, and when known the line and column (1-based). */
export interface ErrorLocation {
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
}

/** The exit codes a UserError can end a run with (README, `podpath --help`). */
export const USER_EXIT = {
  /** the command's answer is a finding that stops it */
  finding: 1,
  /** bad input or usage */
  usage: 2,
} as const;

export type UserExitCode = (typeof USER_EXIT)[keyof typeof USER_EXIT];

export interface UserErrorOptions {
  readonly location?: ErrorLocation;
  /** 2 (bad input or usage, the default) or 1 (a finding) */
  readonly exitCode?: UserExitCode;
  /** lines printed before the message, each as its own `podpath: ` line (the files that could not be loaded) */
  readonly before?: readonly string[];
}

export class UserError extends Error {
  /** the message without its location */
  readonly detail: string;
  readonly location: ErrorLocation | undefined;
  readonly exitCode: UserExitCode;
  readonly before: readonly string[];

  /** `message` is `file:line:col: detail` when a location is given, else `detail`. */
  constructor(detail: string, options: UserErrorOptions = {}) {
    super(formatLocated(detail, options.location?.file, options.location?.line, options.location?.col));
    this.name = "UserError";
    this.detail = detail;
    this.location = options.location;
    this.exitCode = options.exitCode ?? USER_EXIT.usage;
    this.before = options.before ?? [];
  }
}

/** `file:line:col: message`, `file: message` without a line, `message` without a file. */
export function formatLocated(message: string, file?: string, line?: number, col?: number): string {
  if (file === undefined) return message;
  if (line === undefined) return `${file}: ${message}`;
  return `${file}:${line}:${col ?? 1}: ${message}`;
}
