import yaml from "js-yaml";
import { InputError } from "./errors.js";
import type { LoadLimits } from "./limits.js";
import type { ParsedFile, Position } from "./parsed.js";

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
    } as yaml.LoadOptions) as unknown[];
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

  const documents = values.map((value, index) => {
    const position =
      value !== null && typeof value === "object" ? positions.get(value) ?? { line: 1, col: 1 } : { line: 1, col: 1 };
    return { value, index, position };
  });

  for (const document of documents) checkDepth(document.value, limits.maxDepth, file, positions);

  if (aliases > 0) {
    const budget = Math.max(limits.maxAliasExpansion, nodes * 2);
    for (const document of documents) {
      checkExpansion(document.value, budget, file, positions);
    }
  }

  return { format: "yaml", documents, positionOf: (value) => positions.get(value) };
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
    for (const child of Array.isArray(value) ? value : Object.values(value as Record<string, unknown>)) {
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
        fail(value, `YAML aliases expand to more than ${budget.toLocaleString("en-US")} nodes (an alias bomb?); refusing to expand`);
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
