import type { SourceRef } from "../../../model/source.js";

/**
 * The builder's one result convention. Upstream's model builders return `(stack, lb, err)`
 * (pkg/ingress/model_builder.go Build; each build step returns `(value, error)` and the first
 * error stops the group, wrapped on the way up with errors.Wrapf). Here every step of the
 * controller model returns a `BuildResult<T>`: the value, or a `BuildError` (a code, the
 * controller's message, the object it points at); a caller passes a failure up unchanged or with
 * upstream's context prefix (`wrap`). Nothing in the builder throws for a refused build: a throw
 * is a bug. What the build notes on the way (a derived value, a gap of the snapshot) goes to the
 * group's task (`BuildContext.notes`, as upstream's task fills its stack) and is dropped with the
 * group when the build fails.
 *
 * A BuildError never reaches the CLI: the refused group becomes an `UnreconciledGroup` and a trace
 * through it the drop INGRESS_NOT_RECONCILED (a finding, not a user error), so it is not a
 * `UserError`.
 */

/** What kind of refusal (the message is the controller's own wording). */
export type BuildErrorCode =
  /** an annotation the controller cannot parse, or a value of one it rejects */
  | "invalid-annotation"
  /** members of the group disagree on a setting that must agree */
  | "conflict"
  /** a Service, port, action, listener or subnet the build needs is not there */
  | "missing"
  /** the Ingress's own spec (paths, backends, default backends) is refused */
  | "invalid-spec";

interface BuildError {
  readonly code: BuildErrorCode;
  /** the controller's wording, without "Failed build model due to " */
  readonly message: string;
  readonly source: SourceRef;
}

export type BuildFailure = { readonly ok: false; readonly error: BuildError };
export type BuildResult<T> = { readonly ok: true; readonly value: T } | BuildFailure;

export function ok<T>(value: T): BuildResult<T> {
  return { ok: true, value };
}

export function fail(code: BuildErrorCode, message: string, source: SourceRef): BuildFailure {
  return { ok: false, error: { code, message, source } };
}

/** errors.Wrapf: the failure with upstream's context before its message, pointing at `source` when given. */
export function wrap(failure: BuildFailure, prefix: string, source?: SourceRef): BuildFailure {
  return {
    ok: false,
    error: { ...failure.error, message: prefix + failure.error.message, source: source ?? failure.error.source },
  };
}
