import { USER_EXIT } from "../model/errors.js";

/** What the CLI touches of the outside world, so scenario tests can run it in-process. */
interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  /** a terminal's width (Node's tty.WriteStream#columns) */
  readonly columns?: number;
}

export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly cwd: string;
  /** the environment: NO_COLOR and FORCE_COLOR (none given: no colour off a terminal, as before) */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Told how many files of the snapshot could not be loaded (printed on stderr as they were):
   * the command still answers, and the run exits 2 at the end. Set by runCli.
   */
  readonly unloadable?: (count: number) => void;
}

export const EXIT = {
  ok: 0,
  /** the answer is a finding: lint found problems, a trace dropped with --fail-on-drop */
  finding: USER_EXIT.finding,
  /** bad input or usage */
  usage: USER_EXIT.usage,
  /** a bug in podpath */
  internal: 70,
} as const;
