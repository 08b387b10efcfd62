/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

interface ParsedDocument {
  readonly value: unknown;
  /** 0-based index of the document in its file */
  readonly index: number;
  readonly position: Position;
}

/**
 * A parsed YAML or JSON file. Parsers record the position of every mapping and sequence they
 * build, so adapters can locate any object or list they convert, however deeply nested.
 */
export interface ParsedFile {
  readonly format: "yaml" | "json";
  readonly documents: readonly ParsedDocument[];
  /** The position recorded while parsing, if one was. */
  positionOf(value: object): Position | undefined;
  /**
   * For parsers that record positions only down to a depth while parsing (JSON above a size):
   * the position of `value`, found on demand by scanning the text of `anchor`, an object whose
   * position was recorded and which contains `value`. Called when a position is printed.
   */
  resolve?(anchor: object, value: object): Position | undefined;
  /**
   * Where a field of a mapping (its key) or an item of a list (its first character) is, found
   * on demand by scanning the text from the container's recorded position: a warning about a
   * bad value cites the value's own line, not its mapping's first one. Undefined when the
   * container's position is not recorded or the key is not written in it (a YAML merge key).
   */
  fieldPosition?(container: object, key: string | number): Position | undefined;
}

/** The offset where each line starts (index 0: line 1); parsers build it when a field is first located. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line and column of `offset`, given the line starts. */
export function positionAtOffset(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo]! + 1 };
}
