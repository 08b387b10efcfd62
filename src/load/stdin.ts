import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isatty } from "node:tty";
import type { FileEntry } from "./discover.js";
import { InputError } from "./errors.js";

/** The --snapshot / --with path that means standard input (`helm template … | podpath place -s -`). */
export const STDIN_PATH = "-";
/** How standard input is shown in messages and locations: `<stdin>:12:3`. */
export const STDIN_SHOWN = "<stdin>";

const CHUNK = 1024 * 1024;

let spooled: string | undefined;

/**
 * Copies standard input, chunk by chunk, into a private temporary file (mode 0600 in a fresh
 * 0700 directory, removed when the process exits) and returns its path: it is then loaded as
 * any file — YAML or JSON told by its content, a large JSON List streamed item by item
 * (json-stream.ts) —, and positions found on demand read it again. Memory stays bounded
 * whatever is piped in. Refuses a terminal: `-s -` with nothing piped would wait for typing.
 */
function spoolStdin(fd = 0): string {
  if (spooled !== undefined) return spooled;
  if (isatty(fd))
    throw new InputError(
      "-s - reads the snapshot from standard input, but nothing is piped into it (it is a terminal): pipe a file, e.g. helm template NAME CHART | podpath place -s -",
      STDIN_SHOWN,
    );
  const dir = mkdtempSync(join(tmpdir(), "podpath-stdin-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "stdin");
  const out = openSync(path, "wx", 0o600);
  let bytes = 0;
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readRetrying(fd, buffer);
      if (n === 0) break;
      for (let done = 0; done < n;) done += writeSync(out, buffer, done, n - done);
      bytes += n;
    }
  } finally {
    closeSync(out);
  }
  if (bytes === 0)
    throw new InputError(
      "-s - reads the snapshot from standard input, but nothing was piped in (it is empty)",
      STDIN_SHOWN,
    );
  spooled = path;
  return path;
}

/** readSync on a pipe another process set non-blocking: wait and read again on EAGAIN. */
function readRetrying(fd: number, buffer: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EOF") return 0;
      if (code !== "EAGAIN") throw new InputError(`cannot read standard input: ${String(code)}`, STDIN_SHOWN);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** The file entry of `-` (once: standard input can be read only once). */
export function stdinEntry(entries: readonly FileEntry[], whatIf: boolean): FileEntry {
  if (entries.some((e) => e.shownAs === STDIN_SHOWN))
    throw new InputError("standard input (-) can be read once: name it in one --snapshot or --with only", STDIN_SHOWN);
  return {
    absolute: spoolStdin(),
    shownAs: STDIN_SHOWN,
    origin: "argument",
    expected: undefined,
    namespace: undefined,
    targetGroupArn: undefined,
    whatIf,
  };
}
