/**
 * The text style of an answer, from where it goes: a terminal gets its own width (`columns`) and
 * colour, anything else (a pipe, a file) 120 columns and no colour.
 *
 * Colour follows no-color.org ("NO_COLOR … when present and not an empty string (regardless of
 * its value), prevents the addition of ANSI color") and Node's FORCE_COLOR (doc/api/cli.md:
 * "1, true, or the empty string '' indicate 16-color support … When FORCE_COLOR is used and set to
 * a supported value, both the NO_COLOR, and NODE_DISABLE_COLORS environment variables are
 * ignored. Any other value will result in colorized output being disabled.").
 */
import { PLAIN_TEXT, type TextStyle } from "../format/terminal.js";
import type { CliIO } from "./io.js";

const FORCE_ON = new Set(["", "1", "true", "2", "3"]);

/** Whether to colour: FORCE_COLOR decides when set, else NO_COLOR (non-empty) turns it off, else a TTY has it. */
export function colourWanted(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return FORCE_ON.has(force);
  const noColor = env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  return isTTY;
}

/** The style of text written to stdout: the terminal's width on a TTY (at least 40), else 120. */
export function stdoutStyle(io: Pick<CliIO, "stdout" | "env">): TextStyle {
  const tty = io.stdout.isTTY === true;
  const columns = io.stdout.columns;
  const width = tty && columns !== undefined && columns > 0 ? Math.max(40, columns) : PLAIN_TEXT.width;
  return { width, colour: colourWanted(tty, io.env ?? {}) };
}
