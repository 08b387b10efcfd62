import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";
import { InputError } from "./errors.js";
import type { Position } from "./parsed.js";

/**
 * Splits the top-level `items` array of a JSON file (`kubectl get -o json`: a `kind: List` or a
 * typed `…List`) by a byte scanner over chunks read from the file, so a dump of any size is read
 * in bounded memory and each item is handed to `JSON.parse` alone. No whole-file string is ever
 * made (V8 cannot hold one above ~512 MiB).
 *
 * The scanner follows RFC 8259's grammar only as far as it must to find where each item ends:
 * strings (with their escapes, so `"a]\"}"` holds no bracket), nesting depth, and line breaks
 * (every item keeps its line and column). `JSON.parse` validates each item; the scanner itself
 * validates the structure between the items (`,` and whitespace) and the top-level object.
 * Columns count UTF-16 code units, as the whole-text parser's do (parse-json.ts).
 *
 * `metadata.managedFields` (the server-side-apply bookkeeping, often half of a dump) and a Pod's
 * container statuses are cut from an item's text before `JSON.parse` sees them (each replaced by
 * `[]`: `CUT`), when their keys are read in one chunk: the loader never reads them.
 */

/** One item of the top-level `items` array, as found by the scanner. */
export interface ScannedItem {
  /** 0-based index in `items` */
  readonly index: number;
  /** the item's text for JSON.parse (the lists of CUT cut) */
  readonly text: string;
  /** byte offsets of the item in the file: [start, end) */
  readonly start: number;
  readonly end: number;
  /** where the item starts */
  readonly position: Position;
  /** true when a list was cut from `text` (a syntax error is then looked for in the original bytes) */
  readonly cut: boolean;
}

/** A top-level member other than `items` (apiVersion, kind, metadata), parsed when the file ends. */
export interface ScannedMember {
  readonly key: string;
  readonly text: string;
  readonly position: Position;
}

export type ScanResult =
  | {
      readonly kind: "list";
      /** the top-level object's `{` */
      readonly position: Position;
      /** the `items` array's `[` */
      readonly itemsPosition: Position;
      readonly members: readonly ScannedMember[];
      readonly items: number;
    }
  /** not a top-level object with an `items` array; decided before any item was handed out */
  | { readonly kind: "not-a-list" };

/** What the scanner has read of the top-level object when it hands out an item. */
export interface ScanState {
  /** the top-level object's `{` */
  readonly position: Position;
  /** the `items` array's `[` */
  readonly itemsPosition: Position;
  /** the members read so far (kubectl prints apiVersion before items, kind after) */
  readonly members: readonly ScannedMember[];
}

export interface ScanOptions {
  /** the file as messages show it */
  readonly file: string;
  readonly maxDepth: number;
  /** largest item (bytes); a larger one is an error */
  readonly maxItemBytes: number;
  /** bytes read at a time */
  readonly chunkBytes?: number;
  /** a member before `items` larger than this means the file is no List: scanning stops (default 1 MiB) */
  readonly maxHeaderBytes?: number;
}

// character codes (plain numbers: the scanner compares bytes)
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const enum Mode {
  /** before the top-level value */
  Start,
  /** in the top-level object, a member name or `}` expected (`}` only when `first`) */
  Key,
  /** reading a member name */
  KeyString,
  Colon,
  /** a member's value expected */
  MemberValue,
  /** after a member's value: `,` or `}` */
  AfterMember,
  /** in `items`: an item or `]` (only when `first`) expected */
  Item,
  /** after an item: `,` or `]` */
  AfterItem,
  /** inside a value (an item, or a member other than items) */
  Value,
  /** inside a scalar value (number, true, false, null) */
  Scalar,
  /** after the top-level value: whitespace only */
  End,
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

/** What a byte means outside strings (0: nothing; brackets and braces map to their opening or closing brace). */
const OUTSIDE = new Uint8Array(256);
/** What a byte means inside a string (0: nothing). */
const IN_STRING = new Uint8Array(256);
for (let c = 0x80; c < 256; c++) OUTSIDE[c] = IN_STRING[c] = 0x80;
OUTSIDE[QUOTE] = IN_STRING[QUOTE] = QUOTE;
OUTSIDE[LF] = IN_STRING[LF] = LF;
IN_STRING[BACKSLASH] = BACKSLASH;
OUTSIDE[OPEN_BRACE] = OUTSIDE[OPEN_BRACKET] = OPEN_BRACE;
OUTSIDE[CLOSE_BRACE] = OUTSIDE[CLOSE_BRACKET] = CLOSE_BRACE;
/** A Pod's status lists the loader never reads (pods.ts reads phase, podIP(s), hostIP and conditions). */
export const POD_STATUS_LISTS: readonly string[] = [
  "containerStatuses",
  "initContainerStatuses",
  "ephemeralContainerStatuses",
];
/**
 * Lists cut from an item's text before JSON.parse, by the object they are in: what the loader
 * never reads and a dump holds in bulk — server-side apply's `metadata.managedFields`, a Pod's
 * `status.containerStatuses` (and its init and ephemeral containers': pods.ts reads phase,
 * podIP(s), hostIP and conditions only). Each becomes `[]`.
 */
const CUT: readonly (readonly [Buffer, readonly Buffer[]])[] = [
  [Buffer.from('"metadata"'), [Buffer.from('"managedFields"')]],
  [Buffer.from('"status"'), POD_STATUS_LISTS.map((k) => Buffer.from(`"${k}"`))],
];

/** The scanner: feed it chunks in order, then call `finish`. */
export class ListScanner {
  private mode = Mode.Start;
  private first = true;
  /** absolute byte offset of the current chunk's first byte */
  private base = 0;
  private line = 1;
  /** absolute byte offset where the current line starts */
  private lineStart = 0;
  /** UTF-8 bytes minus UTF-16 code units since lineStart (for columns) */
  private lineAdj = 0;

  // the value being scanned
  private depth = 0;
  private inString = false;
  private escape = false;
  private valueStart = 0;
  private valuePosition: Position = { line: 1, col: 1 };
  private parts: Buffer[] = [];
  private partBytes = 0;
  private isItem = false;
  // the cuts: the last string closed (a key before `{` or `[`)
  private stringStart = -1;
  private lastStringStart = -1;
  private lastStringEnd = -1;
  /** the lists that may be cut in the object the scan is in (depth 2 of an item) */
  private cuttable: readonly Buffer[] | undefined;
  /** byte ranges cut from the item: [start, end) pairs, absolute */
  private cuts: number[] = [];
  private cutStart = -1;

  private key: Buffer[] = [];
  private keyPosition: Position = { line: 1, col: 1 };
  private currentKey = "";
  private readonly members: ScannedMember[] = [];
  private documentPosition: Position | undefined;
  private itemsPosition: Position | undefined;
  private itemsSeen = false;
  private items = 0;
  private gaveUp = false;
  private readonly maxHeaderBytes: number;

  constructor(
    private readonly options: ScanOptions,
    private readonly onItem: (item: ScannedItem, state: ScanState) => void,
  ) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? 1024 * 1024;
  }

  private get state(): ScanState {
    return { position: this.documentPosition!, itemsPosition: this.itemsPosition!, members: this.members };
  }

  /** Scans one chunk; false once the file is known not to be a List (nothing handed out yet). */
  feed(chunk: Buffer): boolean {
    if (this.gaveUp) return false;
    let i = 0;
    // indexes of strings are per chunk: a key read across two chunks is never compared
    this.stringStart = -1;
    this.lastStringStart = -1;
    this.lastStringEnd = -1;
    const n = chunk.length;
    while (i < n) {
      if (this.mode === Mode.Value) {
        i = this.scanValue(chunk, i);
        continue;
      }
      if (this.mode === Mode.Scalar) {
        i = this.scanScalar(chunk, i);
        continue;
      }
      if (this.mode === Mode.KeyString) {
        i = this.scanKey(chunk, i);
        continue;
      }
      const c = chunk[i]!;
      if (c === SPACE || c === TAB || c === CR) {
        i++;
        continue;
      }
      if (c === LF) {
        i++;
        this.newLine(i);
        continue;
      }
      if (!this.structural(chunk, i, c)) {
        this.gaveUp = true;
        return false;
      }
      if (this.gaveUp) return false;
      if ((this.mode as Mode) === Mode.Value || (this.mode as Mode) === Mode.Scalar) continue; // startValue: its first byte is the value's
      i++;
    }
    if (this.mode === Mode.Value || this.mode === Mode.Scalar) this.keepPart(chunk, this.partFrom(), n);
    if (this.mode === Mode.KeyString) this.key.push(Buffer.from(chunk.subarray(this.partFrom(), n)));
    this.base += n;
    return !this.gaveUp;
  }

  /** After the last chunk: the List's other members, or not-a-list. */
  finish(): ScanResult {
    // without items, the whole-text parser reads the file (and words its errors)
    if (this.gaveUp || !this.itemsSeen) return { kind: "not-a-list" };
    if (this.mode !== Mode.End) this.fail("unexpected end of the file", this.base);
    return {
      kind: "list",
      position: this.documentPosition!,
      itemsPosition: this.itemsPosition!,
      members: this.members,
      items: this.items,
    };
  }

  private newLine(next: number): void {
    this.line++;
    this.lineStart = this.base + next;
    this.lineAdj = 0;
  }

  private positionAt(absolute: number): Position {
    return { line: this.line, col: absolute - this.lineStart - this.lineAdj + 1 };
  }

  private fail(message: string, absolute: number): never {
    const at = this.positionAt(absolute);
    throw new InputError(`JSON syntax error: ${message}`, this.options.file, at.line, at.col);
  }

  /** Where the bytes of the value or key in progress start in the current chunk. */
  private partFrom(): number {
    return Math.max(0, this.valueStart - this.base);
  }

  /** One byte outside any value: the top-level structure. False: not a List (give up). */
  private structural(chunk: Buffer, i: number, c: number): boolean {
    const at = this.base + i;
    switch (this.mode) {
      case Mode.Start:
        if ((at === 0 && c === 0xef) || (at === 1 && c === 0xbb) || (at === 2 && c === 0xbf)) {
          // a byte order mark: not part of the text (columns count from after it, as parse-json.ts's)
          this.lineStart = at + 1;
          return true;
        }
        if (c !== OPEN_BRACE) return false;
        this.documentPosition = this.positionAt(at);
        this.mode = Mode.Key;
        this.first = true;
        return true;
      case Mode.Key:
        if (c === CLOSE_BRACE && this.first) {
          this.mode = Mode.End;
          return true;
        }
        if (c !== QUOTE) this.fail("expected a property name in double quotes", at);
        this.mode = Mode.KeyString;
        this.key = [];
        this.valueStart = at;
        this.keyPosition = this.positionAt(at);
        this.inString = true;
        this.escape = false;
        // scanKey starts after the opening quote
        this.key.push(Buffer.from('"'));
        this.valueStart = at + 1;
        return true;
      case Mode.Colon:
        if (c !== COLON) this.fail("expected ':' after a property name", at);
        this.mode = Mode.MemberValue;
        return true;
      case Mode.MemberValue:
        if (this.currentKey === "items" && c === OPEN_BRACKET) {
          if (this.itemsSeen) this.fail("the top-level object has two members named items", at);
          this.itemsSeen = true;
          this.itemsPosition = this.positionAt(at);
          this.mode = Mode.Item;
          this.first = true;
          return true;
        }
        // before items, a member above maxHeaderBytes means another shape (keepPart gives up)
        return this.startValue(chunk, i, c, false);
      case Mode.AfterMember:
        if (c === COMMA) {
          this.mode = Mode.Key;
          this.first = false;
          return true;
        }
        if (c === CLOSE_BRACE) {
          this.mode = Mode.End;
          return true;
        }
        this.fail("expected ',' or '}' after a property value", at);
      // falls through: fail never returns
      case Mode.Item:
        if (c === CLOSE_BRACKET && this.first) {
          this.mode = Mode.AfterMember;
          return true;
        }
        return this.startValue(chunk, i, c, true);
      case Mode.AfterItem:
        if (c === COMMA) {
          this.mode = Mode.Item;
          this.first = false;
          return true;
        }
        if (c === CLOSE_BRACKET) {
          this.mode = Mode.AfterMember;
          return true;
        }
        this.fail("expected ',' or ']' after an array element", at);
      // falls through: fail never returns
      case Mode.End:
        this.fail("unexpected text after the JSON value", at);
      // falls through: fail never returns
      default:
        return true;
    }
  }

  private startValue(chunk: Buffer, i: number, c: number, isItem: boolean): boolean {
    const at = this.base + i;
    this.isItem = isItem;
    this.valueStart = at;
    this.valuePosition = this.positionAt(at);
    this.parts = [];
    this.partBytes = 0;
    this.cutStart = -1;
    if (this.cuts.length > 0) this.cuts = [];
    this.cuttable = undefined;
    this.lastStringEnd = -1;
    if (c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE) {
      this.mode = Mode.Value;
      this.depth = 0;
      this.inString = false;
      this.escape = false;
    } else {
      this.mode = Mode.Scalar;
    }
    return true;
  }

  private keepPart(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    // a copy: the chunk's buffer is read into again
    this.parts.push(Buffer.from(chunk.subarray(from, to)));
    this.partBytes += to - from;
    this.checkSize(this.partBytes);
  }

  private checkSize(bytes: number): void {
    const limit = this.isItem || this.itemsSeen ? this.options.maxItemBytes : this.maxHeaderBytes;
    if (bytes > limit) {
      if (!this.isItem && !this.itemsSeen) {
        this.gaveUp = true;
        return;
      }
      const at = this.valuePosition;
      throw new InputError(
        `${this.isItem ? `items[${this.items}]` : `member ${this.currentKey}`} is larger than ${limit} bytes (the --max-file-size limit applies to each item of a streamed list)`,
        this.options.file,
        at.line,
        at.col,
      );
    }
  }

  /** The hot loop: inside an item (or member value), find where it ends. */
  private scanValue(chunk: Buffer, from: number): number {
    let i = from;
    const n = chunk.length;
    const maxDepth = this.options.maxDepth;
    // parse-json.ts counts depth from the top-level object (0): an item's object is at 2, a member's value at 1
    const depthLimit = maxDepth - (this.isItem ? 1 : 0);
    let depth = this.depth;
    let inString = this.inString;
    let lineAdj = this.lineAdj;
    let ended = false;
    if (this.escape) {
      this.escape = false;
      i++;
    }
    let stringStart = this.stringStart;
    while (i < n) {
      if (inString) {
        // the common byte in a string is none of ", \, a line break or a non-ASCII byte
        let t = 0;
        while (i < n && (t = IN_STRING[chunk[i]!]!) === 0) i++;
        if (i >= n) break;
        if (t === QUOTE) {
          inString = false;
          this.lastStringStart = stringStart;
          this.lastStringEnd = i + 1;
          i++;
          if (depth === 0) {
            ended = true;
            break;
          }
        } else if (t === BACKSLASH) {
          if (i + 1 >= n) this.escape = true; // the escaped byte opens the next chunk
          i += 2;
        } else if (t === LF) {
          lineAdj = 0;
          this.newLine(++i);
        } else {
          const c = chunk[i++]!;
          if ((c & 0xc0) === 0x80) lineAdj++;
          else if (c >= 0xf0) lineAdj--;
        }
        continue;
      }
      let t = 0;
      while (i < n && (t = OUTSIDE[chunk[i]!]!) === 0) i++;
      if (i >= n) break;
      if (t === QUOTE) {
        inString = true;
        stringStart = i;
      } else if (t === OPEN_BRACE) {
        depth++;
        if (depth >= depthLimit) {
          this.lineAdj = lineAdj;
          this.fail(`nesting deeper than ${maxDepth} levels`, this.base + i);
        }
        const c = chunk[i];
        if (depth === 2 && this.isItem && c === OPEN_BRACE) this.cuttable = this.cuttableIn(chunk);
        else if (depth === 3 && this.cuttable && c === OPEN_BRACKET && this.lastStringIsOneOf(chunk, this.cuttable))
          this.cutStart = this.base + i;
      } else if (t === CLOSE_BRACE) {
        depth--;
        if (depth === 0) {
          i++;
          ended = true;
          break;
        }
        if (depth === 2 && this.cutStart >= 0) {
          this.cuts.push(this.cutStart, this.base + i + 1);
          this.cutStart = -1;
        } else if (depth === 1) this.cuttable = undefined;
      } else if (t === LF) {
        lineAdj = 0;
        this.newLine(i + 1);
      } else {
        const c = chunk[i]!;
        if ((c & 0xc0) === 0x80) lineAdj++;
        else if (c >= 0xf0) lineAdj--;
      }
      i++;
    }
    this.stringStart = stringStart;
    this.depth = depth;
    this.inString = inString;
    this.lineAdj = lineAdj;
    if (ended) this.endValue(chunk, i);
    return Math.min(i, n);
  }

  private cuttableIn(chunk: Buffer): readonly Buffer[] | undefined {
    for (const [key, lists] of CUT) if (this.lastStringIs(chunk, key)) return lists;
    return undefined;
  }

  private lastStringIsOneOf(chunk: Buffer, keys: readonly Buffer[]): boolean {
    for (const key of keys) if (this.lastStringIs(chunk, key)) return true;
    return false;
  }

  private lastStringIs(chunk: Buffer, expected: Buffer): boolean {
    const start = this.lastStringStart;
    const end = this.lastStringEnd;
    // the key must lie in this chunk (else the list is simply kept, and dropped after parsing)
    if (start < 0 || end - start !== expected.length) return false;
    return chunk.compare(expected, 0, expected.length, start, end) === 0;
  }

  private scanScalar(chunk: Buffer, from: number): number {
    let i = from;
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === SPACE || c === LF || c === CR || c === TAB)
        break;
    }
    if (i < n) this.endValue(chunk, i);
    return i;
  }

  private scanKey(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let i = from;
    if (this.escape) {
      this.escape = false;
      i++;
    }
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (c === BACKSLASH) {
        if (i + 1 >= n) this.escape = true;
        i++;
      } else if (c === QUOTE) {
        break;
      } else if (c === LF) {
        this.fail("unterminated string", this.base + i);
      } else if (c >= 0x80) {
        if ((c & 0xc0) === 0x80) this.lineAdj++;
        else if (c >= 0xf0) this.lineAdj--;
      }
    }
    if (i >= n) return i;
    this.key.push(chunk.subarray(this.partFrom(), i + 1));
    const raw = Buffer.concat(this.key).toString("utf8");
    try {
      this.currentKey = JSON.parse(raw) as string;
    } catch {
      this.fail("invalid property name", this.base + i);
    }
    this.key = [];
    this.mode = Mode.Colon;
    return i + 1;
  }

  private endValue(chunk: Buffer, i: number): void {
    const end = this.base + i;
    const from = this.partFrom();
    this.checkSize(this.partBytes + i - from);
    if (this.gaveUp) return;
    const bytes =
      this.parts.length === 0
        ? chunk.subarray(from, i)
        : Buffer.concat([...this.parts, chunk.subarray(from, i)], this.partBytes + i - from);
    this.parts = [];
    this.partBytes = 0;
    const start = this.valueStart;
    if (!isUtf8(bytes)) {
      const at = this.valuePosition;
      throw new InputError("not UTF-8 text: expected YAML or JSON", this.options.file, at.line, at.col);
    }
    if (this.isItem) {
      let text: string;
      const cuts = this.cuts;
      const cut = cuts.length > 0;
      if (cut) {
        text = "";
        let from = 0;
        for (let k = 0; k < cuts.length; k += 2) {
          text += bytes.toString("utf8", from, cuts[k]! - start) + "[]";
          from = cuts[k + 1]! - start;
        }
        text += bytes.toString("utf8", from);
      } else {
        text = bytes.toString("utf8");
      }
      const item: ScannedItem = { index: this.items++, text, start, end, position: this.valuePosition, cut };
      this.mode = Mode.AfterItem;
      this.onItem(item, this.state);
    } else {
      this.members.push({ key: this.currentKey, text: bytes.toString("utf8"), position: this.valuePosition });
      this.mode = Mode.AfterMember;
    }
  }
}

/** Reads bytes [start, end) of a file as UTF-8 text (to resolve positions inside one item later). */
export function readRange(path: string, start: number, end: number): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < buffer.length) {
      const n = readSync(fd, buffer, done, buffer.length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.toString("utf8", 0, done);
  } finally {
    closeSync(fd);
  }
}

/** Scans an open file from its start, chunk by chunk. */
export function scanFile(
  fd: number,
  options: ScanOptions,
  onItem: (item: ScannedItem, state: ScanState) => void,
): ScanResult {
  const scanner = new ListScanner(options, onItem);
  const size = options.chunkBytes ?? DEFAULT_CHUNK;
  let position = 0;
  // one buffer, read into again and again: the scanner copies what it keeps across chunks
  const chunk = Buffer.allocUnsafe(size);
  for (;;) {
    const n = readSync(fd, chunk, 0, size, position);
    if (n === 0) break;
    position += n;
    if (!scanner.feed(n === size ? chunk : chunk.subarray(0, n))) return { kind: "not-a-list" };
  }
  return scanner.finish();
}
