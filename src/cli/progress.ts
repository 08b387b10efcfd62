/**
 * Progress on stderr, for a person waiting at a terminal: only when stderr is a TTY (never in a
 * pipe or a file), on one line rewritten in place (`\r` and EL, ECMA-48 §8.3.41 `ESC [ K`), and
 * only for what takes a second or more — a step's line is erased again when it ends sooner.
 */
import type { CliIO } from "./io.js";

const ERASE = "\r\x1b[K";

/** One progress line on stderr. */
export class ProgressLine {
  private shown = false;
  private readonly started = Date.now();

  constructor(private readonly io: Pick<CliIO, "stderr">) {}

  get enabled(): boolean {
    return this.io.stderr.isTTY === true;
  }

  /** seconds since the line was made */
  get seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  /** Shows `text` in place of what the line showed. */
  show(text: string): void {
    if (!this.enabled) return;
    this.io.stderr.write(`${ERASE}${text}`);
    this.shown = true;
  }

  /** Ends the line: `text` kept on it when given, else the line erased. */
  end(text?: string): void {
    if (!this.enabled || (!this.shown && text === undefined)) return;
    this.io.stderr.write(text === undefined ? ERASE : `${ERASE}${text}\n`);
    this.shown = false;
  }
}

/**
 * Runs `work` (a synchronous analysis step) with `label…` on a terminal's stderr while it runs;
 * when it took a second or more, the line stays as `label: done in N s`, else it is erased.
 */
export function step<T>(io: Pick<CliIO, "stderr">, label: string, work: () => T): T {
  const line = new ProgressLine(io);
  line.show(`${label}…`);
  try {
    return work();
  } finally {
    line.end(line.seconds >= 1 ? `${label}: done in ${line.seconds.toFixed(1)} s` : undefined);
  }
}
