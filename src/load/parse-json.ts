import { InputError } from "./errors.js";
import type { LoadLimits } from "./limits.js";
import { lineStartsOf, type ParsedFile, type Position } from "./parsed.js";

/**
 * Parses JSON with `JSON.parse` (by far the fastest parser in Node: ~190 MB/s here) and then
 * recovers positions with one cheap scan of the text, driven by the text and shadowing the
 * parsed value. Small files get the position of every object and array; files of
 * `lazyPositionsFromBytes` and more (a 150,000-pod dump) only of the top two levels — the list
 * and its items — and deeper positions are found on demand by rescanning one item (`resolve`).
 * The scan also validates the structure, so a syntax error gets a line and column however the
 * engine words it.
 */
export function parseJson(text: string, file: string, limits: LoadLimits): ParsedFile {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw syntaxError(body, error, file, limits.maxDepth, undefined);
  }
  const positions = new WeakMap<object, Position>();
  const lazy = body.length >= limits.lazyPositionsFromBytes;
  const scanner = new Scanner(body, positions, limits.maxDepth, file, lazy ? 2 : Infinity);
  const position = scanner.document(value);
  const scanned = new WeakSet<object>();
  let lineStarts: number[] | undefined;
  return {
    format: "json",
    documents: [{ value, index: 0, position }],
    positionOf: (v) => positions.get(v),
    resolve: lazy
      ? (anchor, v) => {
          const known = positions.get(v);
          if (known) return known;
          if (!scanned.has(anchor)) {
            const start = scanner.offsets.get(anchor);
            if (start === undefined) return undefined;
            scanned.add(anchor);
            new Scanner(body, positions, limits.maxDepth, file, Infinity).subtree(anchor, start);
          }
          return positions.get(v);
        }
      : undefined,
    fieldPosition: (container, key) => {
      const at = positions.get(container);
      if (!at) return undefined;
      const lineStart = (lineStarts ??= lineStartsOf(body))[at.line - 1];
      if (lineStart === undefined) return undefined;
      return new Scanner(body, new WeakMap(), limits.maxDepth, file, -1).locate(
        { index: lineStart + at.col - 1, line: at.line, lineStart },
        key,
      );
    },
  };
}

/**
 * The error of a text JSON.parse refused, located by the scan (which words structural errors
 * itself). `start`: where the text begins in its file (an item of a streamed list,
 * json-stream.ts), and the nesting depth it is found at.
 */
function syntaxError(
  text: string,
  error: unknown,
  file: string,
  maxDepth: number,
  start: { readonly position: Position; readonly depth: number } | undefined,
): InputError {
  const scanner = new Scanner(text, new WeakMap(), maxDepth, file, Infinity);
  if (start) scanner.startAt(start.position, start.depth);
  scanner.document(undefined); // throws an InputError at the first structural error
  const offset = /position (\d+)/.exec(String((error as Error).message));
  const at = offset ? scanner.positionAt(Number(offset[1])) : (start?.position ?? { line: 1, col: 1 });
  const reason = String((error as Error).message)
    .replace(/ in JSON at position \d+.*$/, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "");
  return new InputError(`JSON syntax error: ${reason}`, file, at.line, at.col);
}

/**
 * For the items of a streamed list (json-stream.ts), which are parsed one by one from their own
 * text: `text` starts at `position` in `file`, `depth` levels deep.
 */
export const jsonItemText = {
  /** The located error of an item JSON.parse refused. */
  syntaxError(
    text: string,
    error: unknown,
    file: string,
    maxDepth: number,
    position: Position,
    depth: number,
  ): InputError {
    return syntaxError(text, error, file, maxDepth, { position, depth });
  },
  /**
   * Records the position of every object and array of `value` (parsed from `text`) in
   * `positions`, and where each starts in `text` in `offsets` (for `locate`).
   */
  record(
    text: string,
    value: object,
    position: Position,
    positions: WeakMap<object, Position>,
    offsets: WeakMap<object, Offset>,
    file: string,
    maxDepth: number,
  ): void {
    const scanner = new Scanner(text, positions, maxDepth, file, Infinity, offsets, true);
    scanner.subtree(value, { index: 0, line: position.line, lineStart: 1 - position.col });
  },
  /** The position of member or item `key` of the container that starts at `at` in `text`. */
  locate(text: string, at: Offset, key: string | number, file: string, maxDepth: number): Position | undefined {
    return new Scanner(text, new WeakMap(), maxDepth, file, -1).locate(at, key);
  },
};

/** Where a recorded container starts, to rescan it later: text offset, line and line start. */
export interface Offset {
  readonly index: number;
  readonly line: number;
  readonly lineStart: number;
}

const enum Ch {
  Tab = 0x09,
  Lf = 0x0a,
  Cr = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Colon = 0x3a,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

class Scanner {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  /** where the text starts counting depth (an item of a streamed list starts deeper) */
  private baseDepth = 0;
  /** where line 1 starts: positionAt counts from here */
  private startLine = 1;
  private startLineStart = 0;

  constructor(
    private readonly text: string,
    private readonly positions: WeakMap<object, Position>,
    private readonly maxDepth: number,
    private readonly file: string,
    /** containers deeper than this are skipped, not recorded */
    private readonly recordDepth: number,
    /**
     * start offsets of the deepest recorded containers (the anchors of lazy resolution); of every
     * container when given
     */
    readonly offsets = new WeakMap<object, Offset>(),
    private readonly everyOffset = false,
  ) {}

  /** The text starts at `position` of its file, `depth` levels deep (an item of a streamed list). */
  startAt(position: Position, depth: number): void {
    this.line = this.startLine = position.line;
    this.lineStart = this.startLineStart = 1 - position.col;
    this.baseDepth = depth;
  }

  document(shadow: unknown): Position {
    this.skipWs();
    const start = this.here();
    if (this.i >= this.text.length) this.fail("the file holds no JSON value");
    this.value(shadow, this.baseDepth);
    this.skipWs();
    if (this.i < this.text.length) this.fail("unexpected text after the JSON value");
    return start;
  }

  /** Scans one container from a recorded offset, recording everything below it. */
  subtree(shadow: object, start: Offset): void {
    this.i = start.index;
    this.line = start.line;
    this.lineStart = start.lineStart;
    this.value(shadow, 0);
  }

  /**
   * The position of member `key` of the object that starts at `start` (its name's opening
   * quote; the last one when the name repeats, as JSON.parse keeps the last), or of item `key`
   * of the array there. The text was validated by the parse; values are skipped, not recorded.
   */
  locate(start: Offset, key: string | number): Position | undefined {
    this.i = start.index;
    this.line = start.line;
    this.lineStart = start.lineStart;
    const open = this.text.charCodeAt(this.i);
    if (open !== Ch.OpenBrace && open !== Ch.OpenBracket) return undefined;
    this.i++;
    let found: Position | undefined;
    for (let index = 0; ; index++) {
      this.skipWs();
      const ch = this.text.charCodeAt(this.i);
      if (ch === Ch.CloseBrace || ch === Ch.CloseBracket || Number.isNaN(ch)) return found;
      const here = this.here();
      if (open === Ch.OpenBrace) {
        const keyStart = this.i;
        this.string();
        const raw = this.text.slice(keyStart + 1, this.i - 1);
        const name = raw.includes("\\") ? (JSON.parse(this.text.slice(keyStart, this.i)) as string) : raw;
        if (name === key) found = here;
        this.skipWs();
        this.i++; // the colon
        this.skipWs();
      } else if (index === key) {
        return here;
      }
      this.value(undefined, 0);
      this.skipWs();
      if (this.text.charCodeAt(this.i) === Ch.Comma) this.i++;
    }
  }

  positionAt(offset: number): Position {
    let line = this.startLine;
    let lineStart = this.startLineStart;
    for (let i = 0; i < offset && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === Ch.Lf) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, col: offset - lineStart + 1 };
  }

  private here(): Position {
    return { line: this.line, col: this.i - this.lineStart + 1 };
  }

  private fail(message: string): never {
    const at = this.here();
    throw new InputError(`JSON syntax error: ${message}`, this.file, at.line, at.col);
  }

  private skipWs(): void {
    const text = this.text;
    let i = this.i;
    for (;;) {
      const ch = text.charCodeAt(i);
      if (ch === Ch.Space || ch === Ch.Tab || ch === Ch.Cr) {
        i++;
      } else if (ch === Ch.Lf) {
        i++;
        this.line++;
        this.lineStart = i;
      } else {
        break;
      }
    }
    this.i = i;
  }

  private value(shadow: unknown, depth: number): void {
    const ch = this.text.charCodeAt(this.i);
    if (ch === Ch.OpenBrace || ch === Ch.OpenBracket) {
      if (depth > this.recordDepth) this.skipContainer(depth);
      else if (ch === Ch.OpenBrace) this.object(shadow, depth);
      else this.array(shadow, depth);
    } else if (ch === Ch.Quote) this.string();
    else this.scalar();
  }

  private enter(depth: number, shadow: unknown): void {
    if (depth >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
    if (shadow !== null && typeof shadow === "object") {
      this.positions.set(shadow, this.here());
      if (depth === this.recordDepth || this.everyOffset)
        this.offsets.set(shadow, { index: this.i, line: this.line, lineStart: this.lineStart });
    }
  }

  /**
   * Skips a container the parse already validated: only brackets, strings and line breaks
   * matter. The fast path of large files.
   */
  private skipContainer(depth: number): void {
    const text = this.text;
    let i = this.i;
    let level = 0;
    for (;;) {
      const ch = text.charCodeAt(i);
      if (ch === Ch.Quote) {
        this.i = i;
        this.string();
        i = this.i;
        continue;
      }
      i++;
      if (ch === Ch.Lf) {
        this.line++;
        this.lineStart = i;
      } else if (ch === Ch.OpenBrace || ch === Ch.OpenBracket) {
        level++;
        if (depth + level > this.maxDepth) {
          this.i = i - 1;
          this.fail(`nesting deeper than ${this.maxDepth} levels`);
        }
      } else if (ch === Ch.CloseBrace || ch === Ch.CloseBracket) {
        level--;
        if (level === 0) break;
      } else if (Number.isNaN(ch)) {
        this.i = i - 1;
        this.fail("unexpected end of the file");
      }
    }
    this.i = i;
  }

  private object(shadow: unknown, depth: number): void {
    const target =
      shadow !== null && typeof shadow === "object" && !Array.isArray(shadow)
        ? (shadow as Record<string, unknown>)
        : undefined;
    this.enter(depth, target);
    this.i++;
    this.skipWs();
    if (this.text.charCodeAt(this.i) === Ch.CloseBrace) {
      this.i++;
      return;
    }
    const recordChildren = depth < this.recordDepth;
    for (;;) {
      this.skipWs();
      if (this.text.charCodeAt(this.i) !== Ch.Quote) this.fail("expected a property name in double quotes");
      const keyStart = this.i;
      this.string();
      let child: unknown;
      if (target && recordChildren) {
        const raw = this.text.slice(keyStart + 1, this.i - 1);
        const key = raw.includes("\\") ? (JSON.parse(this.text.slice(keyStart, this.i)) as string) : raw;
        child = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
      }
      this.skipWs();
      if (this.text.charCodeAt(this.i) !== Ch.Colon) this.fail("expected ':' after a property name");
      this.i++;
      this.skipWs();
      this.value(child, depth + 1);
      this.skipWs();
      const next = this.text.charCodeAt(this.i);
      this.i++;
      if (next === Ch.Comma) continue;
      if (next === Ch.CloseBrace) return;
      this.i--;
      this.fail("expected ',' or '}' after a property value");
    }
  }

  private array(shadow: unknown, depth: number): void {
    const target = Array.isArray(shadow) ? (shadow as unknown[]) : undefined;
    this.enter(depth, target);
    this.i++;
    this.skipWs();
    if (this.text.charCodeAt(this.i) === Ch.CloseBracket) {
      this.i++;
      return;
    }
    for (let index = 0; ; index++) {
      this.skipWs();
      this.value(target ? target[index] : undefined, depth + 1);
      this.skipWs();
      const next = this.text.charCodeAt(this.i);
      this.i++;
      if (next === Ch.Comma) continue;
      if (next === Ch.CloseBracket) return;
      this.i--;
      this.fail("expected ',' or ']' after an array element");
    }
  }

  private string(): void {
    const text = this.text;
    let i = this.i + 1;
    for (;;) {
      const q = text.indexOf('"', i);
      if (q < 0) this.fail("unterminated string");
      let backslashes = 0;
      for (let j = q - 1; text.charCodeAt(j) === Ch.Backslash; j--) backslashes++;
      i = q + 1;
      if (backslashes % 2 === 0) break;
    }
    this.i = i;
  }

  private scalar(): void {
    const text = this.text;
    const start = this.i;
    let i = start;
    for (;;) {
      const ch = text.charCodeAt(i);
      if (
        Number.isNaN(ch) ||
        ch === Ch.Comma ||
        ch === Ch.CloseBrace ||
        ch === Ch.CloseBracket ||
        ch === Ch.Space ||
        ch === Ch.Lf ||
        ch === Ch.Cr ||
        ch === Ch.Tab
      )
        break;
      i++;
    }
    const token = text.slice(start, i);
    if (!(
      token === "true" ||
      token === "false" ||
      token === "null" ||
      /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(token)
    )) {
      this.fail(
        token === "" ? "expected a value" : `unexpected '${token.length > 20 ? token.slice(0, 20) + "…" : token}'`,
      );
    }
    this.i = i;
  }
}
