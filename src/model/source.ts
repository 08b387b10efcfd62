/**
 * Where a model object came from. Every model object carries one, so a verdict can cite
 * `file:line` without looking anything up again (Batfish attaches the "why" while converting).
 *
 * `file` is the path as shown to users: relative to the snapshot root when there is one root,
 * relative to the working directory otherwise. `line` and `col` are 1-based; `doc` is the 0-based
 * index of the YAML document (or JSON value) in the file.
 */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly doc: number;
  /**
   * Terraform state only: the resource address (`module.vpc.aws_subnet.public[0]`) of the object
   * the model object was converted from; `file:line` is where that resource is written in the state.
   */
  readonly address?: string;
}

/** `file:line`, the form reports cite. */
export function formatSource(source: SourceRef | undefined): string {
  if (!source) return "";
  return source.address === undefined
    ? `${source.file}:${source.line}`
    : `${source.file}:${source.line} (${source.address})`;
}

/** `file:line:col`, the form errors use. */
export function formatSourceFull(source: SourceRef): string {
  return `${source.file}:${source.line}:${source.col}`;
}

/** A source for objects podpath synthesised (an implicit namespace, a generated StatefulSet). */
export function derivedSource(from: SourceRef): SourceRef {
  return from.address === undefined
    ? { file: from.file, line: from.line, col: from.col, doc: from.doc }
    : { file: from.file, line: from.line, col: from.col, doc: from.doc, address: from.address };
}

export const NO_SOURCE: SourceRef = Object.freeze({ file: "<implicit>", line: 0, col: 0, doc: 0 });
