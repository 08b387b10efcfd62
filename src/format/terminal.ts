/**
 * How text answers meet a terminal: the width "why" lines wrap at and whether verdicts are
 * coloured. No dependency: a few lines of SGR escapes (ECMA-48 §8.3.117: 31 red, 32 green, 33
 * yellow, 0 reset) and a greedy word wrap that never breaks a word, so a `file:line` stays whole.
 * The CLI decides the style (src/cli/terminal.ts: the stream's `columns` on a TTY, else 120;
 * colour on a TTY unless NO_COLOR, or with FORCE_COLOR); formatters only apply it.
 */

export interface TextStyle {
  /** lines are wrapped to this many columns */
  readonly width: number;
  /** verdicts and drops in colour (a terminal that asked for it) */
  readonly colour: boolean;
}

/** Piped, in files and in tests: 120 columns, no colour. */
export const PLAIN_TEXT: TextStyle = { width: 120, colour: false };

export type Tone = "delivered" | "dropped" | "unknown";

const SGR: Readonly<Record<Tone, string>> = { delivered: "32", dropped: "31", unknown: "33" };

/** `text` in the tone's colour when the style has colour, else as it is. */
export function paint(text: string, tone: Tone, style: TextStyle): string {
  return style.colour ? `\x1b[${SGR[tone]}m${text}\x1b[0m` : text;
}

/**
 * `first + text` wrapped to `width` columns, continuation lines starting with `hang` (a hanging
 * indent). Words are never split: a word longer than the room left is put alone on its line.
 */
export function wrap(first: string, text: string, width: number, hang = " ".repeat(first.length)): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(" ")) {
    if (word === "") continue;
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = hang + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Each line of `text` longer than `width` wrapped, continuing under its own leading spaces + `extra`. */
export function wrapLong(text: string, width: number, extra = "  "): string {
  return text
    .split("\n")
    .flatMap((l) => {
      if (l.length <= width) return [l];
      const lead = /^ */.exec(l)![0];
      return wrap(lead, l.slice(lead.length), width, lead + extra);
    })
    .join("\n");
}

/**
 * A table as `table.ts` lays it out (`layout`) when it fits `width`. Otherwise the widest columns
 * are narrowed (never below their longest word, so `file:line` stays whole) and their cells wrap
 * inside the column; when even that is too wide, one block per row — the first cell, then each
 * other cell as `header: value`, wrapped. No line is wider than `width` unless one word is.
 */
export function fitTable(
  rows: readonly (readonly string[])[],
  width: number,
  layout: (rows: readonly (readonly string[])[]) => string,
  indent = "  ",
  headed = true,
): string {
  const laid = layout(rows);
  if (laid.split("\n").every((l) => l.length <= width)) return laid;
  const [header, ...body] = rows;
  if (!header) return laid;
  const wrappedTable = narrowed(rows, width, indent);
  if (wrappedTable !== undefined) return wrappedTable;
  if (!headed) return laid;
  const out: string[] = [];
  for (const row of body) {
    out.push(...wrap(indent, `${header[0]} ${row[0] ?? ""}`.trim(), width, `${indent}    `));
    for (let i = 1; i < row.length; i++)
      out.push(...wrap(`${indent}  ${header[i] ?? ""}: `, row[i] ?? "", width, `${indent}      `));
  }
  return out.join("\n");
}

/** The table with its widest columns narrowed to fit `width` and their cells wrapped; undefined when words do not fit. */
function narrowed(rows: readonly (readonly string[])[], width: number, indent: string): string | undefined {
  const columns = Math.max(...rows.map((r) => r.length));
  const natural = new Array<number>(columns).fill(0);
  const least = new Array<number>(columns).fill(0);
  for (const row of rows)
    row.forEach((cell, i) => {
      natural[i] = Math.max(natural[i]!, cell.length);
      for (const word of cell.split(" ")) least[i] = Math.max(least[i]!, word.length);
    });
  const room = width - indent.length - 2 * (columns - 1);
  if (least.reduce((a, b) => a + b, 0) > room) return undefined;
  // the largest cap that fits: each column min(natural, max(cap, its longest word))
  const sized = (cap: number) => natural.map((n, i) => Math.min(n, Math.max(cap, least[i]!)));
  const total = (cap: number) => sized(cap).reduce((a, b) => a + b, 0);
  let lo = 0;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  const widths = sized(lo);
  const out: string[] = [];
  for (const row of rows) {
    const cells = widths.map((w, i) => (row[i] ? wrap("", row[i], w) : [""]));
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++)
      out.push(
        (
          indent + cells.map((c, i) => (i === columns - 1 ? (c[k] ?? "") : (c[k] ?? "").padEnd(widths[i]!))).join("  ")
        ).trimEnd(),
      );
  }
  return out.join("\n");
}
