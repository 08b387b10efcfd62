import yaml from "js-yaml";
import { InputError } from "./errors.js";
import type { LoadLimits } from "./limits.js";
import { lineStartsOf, positionAtOffset, type ParsedFile, type Position } from "./parsed.js";

/**
 * The schema Kubernetes manifests need: YAML 1.2 core (no timestamps turned into Dates, so
 * `creationTimestamp` stays a string as in JSON) plus `<<` merge keys, which sigs.k8s.io/yaml
 * (go-yaml) accepts.
 */
const mergeType = (yaml as unknown as { types: { merge: yaml.Type } }).types.merge;
const KUBERNETES_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [mergeType] });

interface ListenerState {
  readonly position: number;
  readonly line: number;
  readonly lineStart: number;
  readonly result: unknown;
  readonly input: string;
}

/**
 * Parses a (multi-document) YAML file with js-yaml, recording where every mapping and sequence
 * starts through js-yaml's `listener`. js-yaml resolves an alias to the anchored object itself,
 * so parsing never expands aliases; walking the result could, so after parsing each document is
 * measured as if expanded and refused past `maxAliasExpansion` nodes ("billion laughs").
 */
export function parseYaml(text: string, file: string, limits: LoadLimits): ParsedFile {
  const positions = new WeakMap<object, Position>();
  const starts: number[] = [];
  let aliases = 0;
  let nodes = 0;

  const listener = (event: "open" | "close", state: ListenerState): void => {
    if (event === "open") {
      starts.push(state.position, state.line, state.lineStart);
      return;
    }
    const lineStart = starts.pop()!;
    const line = starts.pop()!;
    const position = starts.pop()!;
    nodes++;
    const result = state.result;
    if (result === null || typeof result !== "object") return;
    if (positions.has(result)) {
      aliases++;
      return;
    }
    positions.set(result, contentStart(state.input, position, line, lineStart));
  };

  let values: unknown[];
  try {
    values = yaml.loadAll(text, undefined, {
      filename: file,
      schema: KUBERNETES_SCHEMA,
      json: true, // duplicate keys: the later wins, as in sigs.k8s.io/yaml
      listener,
      // js-yaml counts nodes of every kind, and differently per construct; its own limit only
      // guards the stack, and podpath counts nested mappings and lists itself (checkDepth), as in JSON
      maxDepth: limits.maxDepth * 3 + 10,
    } as yaml.LoadOptions);
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark as { line?: number; column?: number } | undefined;
      const reason = error.reason || "invalid YAML";
      const message = /maxDepth/.test(reason)
        ? `YAML nesting deeper than ${limits.maxDepth} levels`
        : `YAML syntax error: ${reason}`;
      throw new InputError(message, file, (mark?.line ?? 0) + 1, (mark?.column ?? 0) + 1);
    }
    if (error instanceof RangeError) {
      throw new InputError("YAML too deeply nested to parse", file, 1, 1);
    }
    throw error;
  }

  // js-yaml reads the text without its byte order mark: so do the positions found on demand
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let lineStarts: number[] | undefined;
  let scalarStarts: (Position | undefined)[] | undefined;
  const documents = values.map((value, index) => {
    const position =
      value !== null && typeof value === "object"
        ? (positions.get(value) ?? { line: 1, col: 1 })
        : ((value === null || value === undefined ? undefined : (scalarStarts ??= documentStarts(body))[index]) ?? {
            line: 1,
            col: 1,
          });
    return { value, index, position };
  });

  for (const document of documents) checkDepth(document.value, limits.maxDepth, file, positions);

  if (aliases > 0) {
    const budget = Math.max(limits.maxAliasExpansion, nodes * 2);
    for (const document of documents) {
      checkExpansion(document.value, budget, file, positions);
    }
  }

  return {
    format: "yaml",
    documents,
    positionOf: (value) => positions.get(value),
    fieldPosition: (container, key) => {
      const at = positions.get(container);
      return at ? locateField(body, (lineStarts ??= lineStartsOf(body)), at, Array.isArray(container), key) : undefined;
    },
  };
}

const isBreakOrEnd = (ch: string | undefined) => ch === undefined || ch === "\n" || ch === "\r";
const isBlankOrEnd = (ch: string | undefined) => isBreakOrEnd(ch) || ch === " " || ch === "\t";

/**
 * Where key `key` of a mapping, or item `key` of a list, is written, given where the container
 * starts (its first key or dash, or its `{`/`[`). A block container's keys or dashes all start
 * in the column of its first one: lines indented deeper belong to values, and the first line
 * indented less (or a document marker) ends it. A repeated key: the last one, which the parse keeps.
 */
function locateField(
  text: string,
  starts: readonly number[],
  at: Position,
  isList: boolean,
  key: string | number,
): Position | undefined {
  const base = starts[at.line - 1]! + at.col - 1;
  if (text[base] === "{" || text[base] === "[") return locateInFlow(text, starts, base, key);
  let found: Position | undefined;
  let index = -1;
  for (let line = at.line; line <= starts.length; line++) {
    const lineStart = starts[line - 1]!;
    let i = base;
    if (line !== at.line) {
      i = lineStart;
      while (text[i] === " ") i++;
      if (isBreakOrEnd(text[i]) || text[i] === "#") continue; // a blank line or a comment
      const col = i - lineStart + 1;
      if (col > at.col) continue; // inside a value
      if (col < at.col || (col === 1 && /^(---|\.\.\.)(\s|$)/.test(text.slice(i, i + 4)))) break;
    }
    const dash = text[i] === "-" && isBlankOrEnd(text[i + 1]);
    if (isList) {
      if (!dash) break;
      if (++index !== key) continue;
      let content = i + 1;
      while (text[content] === " ") content++;
      return positionAtOffset(starts, isBreakOrEnd(text[content]) || text[content] === "#" ? i : content);
    }
    // a mapping's keys; a dash in their column starts an item of the previous key's list
    if (!dash && typeof key === "string" && keyAt(text, i, key, false)) found = { line, col: i - lineStart + 1 };
  }
  return found;
}

/** Whether `key` (plain or quoted) followed by `:` is written at offset `i`. */
function keyAt(text: string, i: number, key: string, flow: boolean): boolean {
  let end: number;
  if (text.startsWith(key, i) && key !== "") end = i + key.length;
  else if ((text[i] === '"' || text[i] === "'") && text.startsWith(key, i + 1) && text[i + 1 + key.length] === text[i])
    end = i + key.length + 2;
  else return false;
  while (text[end] === " " || text[end] === "\t") end++;
  // a plain key needs a blank after the colon; in a flow mapping `"key":value` is allowed
  return (
    text[end] === ":" &&
    (isBlankOrEnd(text[end + 1]) ||
      (flow && (text[i] === '"' || text[i] === "'" || text[end + 1] === "," || text[end + 1] === "}")))
  );
}

/** locateField for a flow mapping or sequence (`{a: 1, b: 2}`, `[x, y]`), possibly over several lines. */
function locateInFlow(
  text: string,
  starts: readonly number[],
  base: number,
  key: string | number,
): Position | undefined {
  const isList = text[base] === "[";
  let depth = 0;
  let index = -1;
  let found: Position | undefined;
  let expectItem = false;
  for (let i = base; i < text.length; i++) {
    const ch = text[i]!;
    if (depth === 1 && expectItem && !isBlankOrEnd(ch) && ch !== "#" && ch !== "," && ch !== "]" && ch !== "}") {
      expectItem = false;
      index++;
      if (isList ? index === key : typeof key === "string" && keyAt(text, i, key, true)) {
        if (isList) return positionAtOffset(starts, i);
        found = positionAtOffset(starts, i);
      }
    }
    if (ch === '"' || ch === "'") {
      // skip the quoted scalar: "" with backslash escapes, '' with a doubled quote
      for (i++; i < text.length; i++) {
        if (ch === '"' && text[i] === "\\") i++;
        else if (text[i] === ch && !(ch === "'" && text[i + 1] === "'")) break;
        else if (ch === "'" && text[i] === "'") i++;
      }
    } else if (ch === "#" && (i === 0 || isBlankOrEnd(text[i - 1]))) {
      while (i < text.length && !isBreakOrEnd(text[i])) i++;
    } else if (ch === "{" || ch === "[") {
      depth++;
      if (depth === 1) expectItem = true;
    } else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return found;
    } else if (ch === "," && depth === 1) {
      expectItem = true;
    }
  }
  return found;
}

/**
 * Where each document's content starts, for documents that are not a mapping or a list (a bare
 * scalar): after its `---` marker, or at the file's first content for a first document without one.
 */
function documentStarts(text: string): (Position | undefined)[] {
  const out: (Position | undefined)[] = [];
  const starts = lineStartsOf(text);
  let current = -1; // the document being read
  let ended = false; // after a `...` marker: the next content starts a document
  for (let line = 1; line <= starts.length; line++) {
    const lineStart = starts[line - 1]!;
    const content = text.slice(lineStart, line < starts.length ? starts[line]! - 1 : text.length).replace(/\r$/, "");
    if (/^---(\s|$)/.test(content)) {
      current++;
      ended = false;
      const rest = content.slice(3).search(/\S/);
      if (rest >= 0 && content[3 + rest] !== "#") out[current] = { line, col: 4 + rest };
      continue;
    }
    if (/^\.\.\.(\s|$)/.test(content)) {
      ended = true;
      continue;
    }
    const first = content.search(/\S/);
    if (first < 0 || content[first] === "#" || ((current < 0 || ended) && content[first] === "%")) continue;
    if (current < 0 || ended) {
      current++;
      ended = false;
    }
    out[current] ??= { line, col: first + 1 };
  }
  return out;
}

/**
 * Refuses mappings and lists nested more than `limit` deep (the same count as parse-json.ts).
 * Iterative, and each object is visited once, so aliases cannot make it slow.
 */
function checkDepth(root: unknown, limit: number, file: string, positions: WeakMap<object, Position>): void {
  if (root === null || typeof root !== "object") return;
  const seen = new Set<object>();
  const stack: [object, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    if (depth > limit) {
      const p = positions.get(value) ?? { line: 1, col: 1 };
      throw new InputError(`YAML nesting deeper than ${limit} levels`, file, p.line, p.col);
    }
    for (const child of Array.isArray(value) ? (value as unknown[]) : Object.values(value as Record<string, unknown>)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
}

/** From where js-yaml opened a node, skip blanks, line breaks and comments to its first character. */
function contentStart(input: string, position: number, line: number, lineStart: number): Position {
  let i = position;
  for (;;) {
    const ch = input.charCodeAt(i);
    if (ch === 0x20 || ch === 0x09 || ch === 0x0d) {
      i++;
    } else if (ch === 0x0a) {
      i++;
      line++;
      lineStart = i;
    } else if (ch === 0x23 /* # */) {
      while (i < input.length && input.charCodeAt(i) !== 0x0a) i++;
    } else {
      break;
    }
  }
  return { line: line + 1, col: i - lineStart + 1 };
}

/**
 * Counts the nodes a value would have with every alias expanded, memoised per object so the
 * count itself stays linear in the parsed size. Throws on recursion and past the budget.
 */
function checkExpansion(root: unknown, budget: number, file: string, positions: WeakMap<object, Position>): void {
  const sizes = new Map<object, number>();
  const active = new Set<object>();
  const fail = (at: object, message: string): never => {
    const position = positions.get(at) ?? { line: 1, col: 1 };
    throw new InputError(message, file, position.line, position.col);
  };
  const measure = (value: unknown): number => {
    if (value === null || typeof value !== "object") return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (active.has(value)) fail(value, "YAML alias refers to itself (a recursive structure)");
    active.add(value);
    let total = 1;
    const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    for (const child of children) {
      total += measure(child);
      if (total > budget) {
        fail(
          value,
          `YAML aliases expand to more than ${budget.toLocaleString("en-US")} nodes (an alias bomb?); refusing to expand`,
        );
      }
    }
    active.delete(value);
    sizes.set(value, total);
    return total;
  };
  try {
    measure(root);
  } catch (error) {
    if (error instanceof RangeError) throw new InputError("YAML aliases nest too deeply to expand", file, 1, 1);
    throw error;
  }
}
