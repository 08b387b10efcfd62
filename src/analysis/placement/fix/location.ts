/**
 * A fix's and a what-if's `file:line` strings with their location as data beside them (the JSON contract's
 * SourceJson shape, src/questions/contract.ts: file, 1-based line and column), from one SourceRef.
 */
import { formatSource, type SourceRef } from "../../../model/source.js";

export interface FixLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The ref as data; null when it locates nothing (no line). */
export function locationOf(ref: SourceRef | undefined): FixLocation | null {
  return ref && ref.line > 0 ? { file: ref.file, line: ref.line, column: ref.col } : null;
}

/** `{ source: "file:line", location: {file, line, column} }`, both null when the ref locates nothing. */
export function located(ref: SourceRef | undefined): {
  readonly source: string | null;
  readonly location: FixLocation | null;
} {
  const source = formatSource(ref) || null;
  return { source, location: source === null ? null : locationOf(ref) };
}
