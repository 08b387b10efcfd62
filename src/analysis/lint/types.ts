/**
 * The lint rules' shared shapes. A rule reads a `LintContext` (the snapshot and the analyses it
 * already has — placement, the load-balancer model, the Calico and VPC views — built once and
 * shared by every rule) and returns `LintFinding`s: each with the rule's id and severity, a
 * message, the objects involved with their source, and a suggested fix.
 *
 * Severities are SARIF 2.1.0's `level` values (§3.27.10: error, warning, note), the scale
 * src/questions/contract.ts `Severity` holds; the question layer checks the two agree.
 */
import type { SourceRef } from "../../model/source.js";

/** SARIF's `level`: the same scale as the JSON contract's `Severity`. */
export type LintSeverity = "error" | "warning" | "note";

/** An object a finding is about: what it is and where it is written. */
export interface LintObject {
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly source: SourceRef | undefined;
}

export interface LintFinding {
  readonly ruleId: string;
  readonly severity: LintSeverity;
  readonly message: string;
  /** the object the finding is located at first, then the others involved */
  readonly objects: readonly LintObject[];
  /** the suggested fix, in words */
  readonly fix: string;
}

export interface LintRule<Context = unknown> {
  /** stable id (kebab-case); tests, SARIF and --fail-on rely on it */
  readonly id: string;
  /** the severity of its findings unless a finding says otherwise */
  readonly severity: LintSeverity;
  /** one line: what the rule finds (SARIF shortDescription) */
  readonly title: string;
  /** the upstream code or documentation the rule follows */
  readonly upstream: string;
  /** a page that explains the rule's subject */
  readonly helpUri?: string | undefined;
  readonly check: (ctx: Context) => readonly LintFinding[];
}
