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
  positionOf(value: object): Position | undefined;
}
