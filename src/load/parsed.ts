/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ParsedDocument {
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
}
