import type { SourceRef } from "../model/source.js";
import type { ParsedFile, Position } from "./parsed.js";

/**
 * Typed, validating access to raw parsed objects. Adapters read every field through these
 * helpers; a field of the wrong type throws `Malformed`, which the adapter turns into a located
 * warning and skips the object (the rest of the snapshot is still analysed).
 */
export type Raw = Record<string, unknown>;

/**
 * A field of a parsed mapping (its key) or an item of a list (its index): where a bad value
 * is written. `DocumentContext.source` locates it through `ParsedFile.fieldPosition`, falling
 * back to the container's position.
 */
export class FieldAt {
  constructor(
    readonly container: object,
    readonly key: string | number,
  ) {}
}

export class Malformed extends Error {
  /**
   * what the warning cites: the bad field (a FieldAt), else the mapping or list that lacks
   * a required field
   */
  readonly at: object | undefined;
  constructor(message: string, at: object | undefined) {
    super(message);
    this.name = "Malformed";
    this.at = at;
  }
}

/** Locates raw objects of one document: file, document index, and each object's position. */
export class DocumentContext {
  /**
   * Parts of an object dropped while it was converted (a port without its number, an owner
   * reference without a kind): the object is kept without them, and each becomes a warning.
   */
  readonly dropped: { readonly message: string; readonly at: object | undefined }[] = [];

  constructor(
    readonly file: string,
    readonly doc: number,
    private readonly parsed: Pick<ParsedFile, "positionOf" | "resolve" | "fieldPosition">,
    readonly fallback: Position,
    /** the object whose text holds everything converted with this context (a list item) */
    private readonly anchor?: object,
  ) {}

  /** A context for one item of a list: lazy positions inside it rescan only the item. */
  within(item: object): DocumentContext {
    const position = this.parsed.positionOf(item);
    return new DocumentContext(
      this.file,
      this.doc,
      this.parsed,
      position ?? this.fallback,
      position ? item : this.anchor,
    );
  }

  /** Records a dropped part; see `dropped`. */
  drop(message: string, at: object | undefined): void {
    this.dropped.push({ message, at });
  }

  /**
   * The source of a raw mapping or list (its own position), or of a field (a FieldAt: its key's
   * position, else its container's); else `near`'s, else the document's.
   */
  source(value: unknown, near?: SourceRef): SourceRef {
    if (value instanceof FieldAt) return this.fieldSource(value, near);
    if (value !== null && typeof value === "object") {
      const position = this.parsed.positionOf(value);
      if (position) return { file: this.file, line: position.line, col: position.col, doc: this.doc };
      const resolve = this.parsed.resolve;
      const anchor = this.anchor;
      if (resolve && anchor)
        return new LazySource(this.file, this.doc, () => resolve(anchor, value), near ?? this.documentSource());
    }
    return near ?? this.documentSource();
  }

  private fieldSource(field: FieldAt, near?: SourceRef): SourceRef {
    const container = this.source(field.container, near);
    const locate = this.parsed.fieldPosition;
    if (!locate) return container;
    // positions found on demand: the container's first (which records it), then the field's
    if (container instanceof LazySource)
      return new LazySource(this.file, this.doc, () => (container.line, locate(field.container, field.key)), container);
    const position = locate(field.container, field.key);
    return position ? { file: this.file, line: position.line, col: position.col, doc: this.doc } : container;
  }

  private documentSource(): SourceRef {
    return { file: this.file, line: this.fallback.line, col: this.fallback.col, doc: this.doc };
  }
}

/**
 * A source whose line and column are found when first read (large JSON files record deep
 * positions lazily: see parse-json.ts). Reads like any SourceRef, and serialises as one.
 */
class LazySource implements SourceRef {
  private position: Position | undefined;
  constructor(
    readonly file: string,
    readonly doc: number,
    private readonly find: () => Position | undefined,
    private readonly fallback: SourceRef,
  ) {}
  private get resolved(): Position {
    return (this.position ??= this.find() ?? { line: this.fallback.line, col: this.fallback.col });
  }
  get line(): number {
    return this.resolved.line;
  }
  get col(): number {
    return this.resolved.col;
  }
  toJSON(): SourceRef {
    return { file: this.file, line: this.line, col: this.col, doc: this.doc };
  }
}

export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "object":
      return "a mapping";
    case "string":
      return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)})`;
    case "number":
      return `a number (${value})`;
    case "boolean":
      return `a boolean (${value})`;
    default:
      return typeof value;
  }
}

export function isRaw(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function wrong(parent: object, key: string | number, path: string, expected: string, value: unknown): never {
  throw new Malformed(`${path} must be ${expected}, not ${describeType(value)}`, new FieldAt(parent, key));
}

/** A list; empty when absent or null. */
function list(parent: Raw, key: string, path: string): readonly unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) wrong(parent, key, path, "a list", value);
  return value;
}

function stringList(parent: Raw, key: string, path: string): readonly string[] {
  const items = list(parent, key, path);
  items.forEach((item, index) => {
    if (typeof item !== "string") wrong(items, index, `${path}[${index}]`, "a string", item);
  });
  return items as readonly string[];
}

function optString(parent: Raw, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") wrong(parent, key, path, "a string", value);
  return value;
}

function string(parent: Raw, key: string, path: string): string {
  const value = optString(parent, key, path);
  if (value === undefined || value === "")
    throw new Malformed(`${path} is required`, value === "" ? new FieldAt(parent, key) : parent);
  return value;
}

export interface IntRange {
  readonly min?: number;
  readonly max?: number;
}

function optInt(parent: Raw, key: string, path: string, range: IntRange = {}): number | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) wrong(parent, key, path, "an integer", value);
  checkRange(new FieldAt(parent, key), path, value, range);
  return value;
}

function checkRange(at: FieldAt, path: string, value: number, range: IntRange): void {
  if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
    const bounds =
      range.min !== undefined && range.max !== undefined
        ? `between ${range.min} and ${range.max}`
        : range.min !== undefined
          ? `at least ${range.min}`
          : `at most ${range.max}`;
    throw new Malformed(`${path} must be ${bounds}, not ${value}`, at);
  }
}

/** A port number, 1-65535 (0 allowed where `allowZero`). */
function optPort(parent: Raw, key: string, path: string, allowZero = false): number | undefined {
  return optInt(parent, key, path, { min: allowZero ? 0 : 1, max: 65535 });
}

/** An int-or-string field (targetPort, NetworkPolicy port). Numbers are range-checked as ports. */
function optPortOrName(parent: Raw, key: string, path: string): number | string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return optPort(parent, key, path);
  if (typeof value !== "string") wrong(parent, key, path, "a port number or name", value);
  if (value === "") throw new Malformed(`${path} must not be empty`, new FieldAt(parent, key));
  // IntOrString keeps a quoted number as a string; as a port name it must contain a letter
  // (core/v1 validation, IsValidPortName: IANA_SVC_NAME)
  if (!/[a-z]/i.test(value))
    throw new Malformed(
      `${path} ${JSON.stringify(value)} is neither a port number nor a port name (a name must contain at least one letter)`,
      new FieldAt(parent, key),
    );
  return value;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

function oneOf<T extends string>(parent: Raw, key: string, path: string, allowed: readonly T[], fallback: T): T {
  const value = optString(parent, key, path);
  if (value === undefined || value === "") return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Malformed(
      `${path} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`,
      new FieldAt(parent, key),
    );
  }
  return value as T;
}

type ElementOf<V> = NonNullable<V> extends readonly (infer U)[] ? U : never;
type Keys<T> = keyof T & string;

/**
 * Validating access typed by the maintained definitions of the input: the Kubernetes client's
 * models (`V1Pod`, `V1NodeSpec`, …) and the AWS SDK v3 output shapes (`Vpc`, `SecurityGroup`, …).
 * Field names are checked against those types when compiling; values are checked when running,
 * because a file can hold anything. `path` ("spec.taints[0]") is used in messages only, so it is
 * built only when one is needed: reading a 150,000-pod dump reads millions of fields.
 */
export class Fields<T extends object> {
  readonly raw: Raw;
  private readonly parent: Fields<object> | string;
  private readonly segment: string | undefined;
  private readonly index: number | undefined;

  constructor(raw: T | Raw, parent: string | Fields<object>, segment?: string, index?: number) {
    this.raw = raw as Raw;
    this.parent = parent;
    this.segment = segment;
    this.index = index;
  }

  static of<T extends object>(value: unknown, path: string): Fields<T> {
    if (!isRaw(value))
      throw new Malformed(`${path || "the document"} must be a mapping, not ${describeType(value)}`, undefined);
    return new Fields<T>(value, path);
  }

  /** The field path of this mapping, for messages. */
  get path(): string {
    if (typeof this.parent === "string") return this.parent;
    const base = this.parent.at(this.segment!);
    return this.index === undefined ? base : `${base}[${this.index}]`;
  }

  at(key: string): string {
    const path = this.path;
    return path ? `${path}.${key}` : key;
  }

  private wrong(key: string, expected: string, value: unknown): never {
    throw new Malformed(`${this.at(key)} must be ${expected}, not ${describeType(value)}`, new FieldAt(this.raw, key));
  }

  has(key: Keys<T>): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }
  str(key: Keys<T>): string | undefined {
    const value = this.raw[key];
    if (typeof value === "string") return value;
    if (value === undefined || value === null) return undefined;
    return this.wrong(key, "a string", value);
  }
  reqStr(key: Keys<T>): string {
    const value = this.raw[key];
    if (typeof value === "string" && value !== "") return value;
    return string(this.raw, key, this.at(key));
  }
  bool(key: Keys<T>): boolean | undefined {
    const value = this.raw[key];
    if (typeof value === "boolean") return value;
    if (value === undefined || value === null) return undefined;
    return this.wrong(key, "true or false", value);
  }
  int(key: Keys<T>, range?: IntRange): number | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    return optInt(this.raw, key, this.at(key), range);
  }
  port(key: Keys<T>, allowZero = false): number | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value >= (allowZero ? 0 : 1) && value <= 65535)
      return value;
    return optPort(this.raw, key, this.at(key), allowZero);
  }
  portOrName(key: Keys<T>): number | string | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    return optPortOrName(this.raw, key, this.at(key));
  }
  strings(key: Keys<T>): readonly string[] {
    const value = this.raw[key];
    if (value === undefined || value === null) return EMPTY_LIST;
    return stringList(this.raw, key, this.at(key));
  }
  map(key: Keys<T>): Readonly<Record<string, string>> {
    const value = this.raw[key];
    if (value === undefined || value === null) return EMPTY;
    if (!isRaw(value)) return this.wrong(key, "a mapping", value);
    for (const k in value) {
      if (typeof value[k] !== "string")
        throw new Malformed(
          `${this.at(key)}.${k} must be a string, not ${describeType(value[k])}`,
          new FieldAt(value, k),
        );
    }
    return value as Record<string, string>;
  }
  oneOf<V extends string>(key: Keys<T>, allowed: readonly V[], fallback: V): V {
    const value = this.raw[key];
    if (value === undefined || value === null || value === "") return fallback;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as V;
    return oneOf(this.raw, key, this.at(key), allowed, fallback);
  }
  /** A nested mapping, or undefined when absent. */
  obj<K extends Keys<T>>(key: K): Fields<NonNullable<T[K]> & object> | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (!isRaw(value)) return this.wrong(key, "a mapping", value);
    return new Fields<NonNullable<T[K]> & object>(value, this, key);
  }
  /** A nested mapping, empty when absent. */
  objOrEmpty<K extends Keys<T>>(key: K): Fields<NonNullable<T[K]> & object> {
    return this.obj(key) ?? new Fields<NonNullable<T[K]> & object>({}, this, key);
  }
  /** A list of mappings. */
  objs<K extends Keys<T>>(key: K): Fields<ElementOf<T[K]> & object>[] {
    const value = this.raw[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return this.wrong(key, "a list", value);
    const out = new Array<Fields<ElementOf<T[K]> & object>>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (!isRaw(item))
        throw new Malformed(
          `${this.at(key)}[${i}] must be a mapping, not ${describeType(item)}`,
          new FieldAt(value, i),
        );
      out[i] = new Fields<ElementOf<T[K]> & object>(item, this, key, i);
    }
    return out;
  }
  /** The raw value, for fields with no fixed shape. */
  any(key: Keys<T>): unknown {
    return this.raw[key];
  }
  /**
   * Rejects this mapping. The warning cites the field the message starts with when it is one of
   * this mapping's keys (`cidr "…" is not a valid CIDR block`), else the mapping itself (a
   * required field that is absent).
   */
  fail(message: string): never {
    const path = this.path;
    const field = /^[A-Za-z][\w-]*/.exec(message)?.[0];
    const at =
      field !== undefined && Object.prototype.hasOwnProperty.call(this.raw, field)
        ? new FieldAt(this.raw, field)
        : this.raw;
    throw new Malformed(path ? `${path}: ${message}` : message, at);
  }
}

const EMPTY_LIST: readonly string[] = Object.freeze([]);
