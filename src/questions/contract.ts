/**
 * What every JSON answer shares: the output schema version, a source location as data, and the
 * finding shape with one severity scale for `lint`, `place` and `trace` (so `--fail-on` means the
 * same in each command).
 *
 * After SARIF 2.1.0 (OASIS, §3.27.10 `level`: error, warning, note) for severities, and §3.30
 * `physicalLocation`/`region` (`startLine`, `startColumn`, 1-based) for locations.
 */
import type { SourceRef } from "../model/source.js";

/** podpath's output schema version: every JSON answer carries it as `apiVersion`. */
export const OUTPUT_API_VERSION = "podpath.io/v1";

/** A source location as data (`file`, 1-based `line` and `column`), next to the `file:line` strings. */
export interface SourceJson {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Terraform state only: the resource address of the object (`module.vpc.aws_subnet.public[0]`) */
  readonly address?: string;
}

export function sourceJson(ref: SourceRef): SourceJson;
export function sourceJson(ref: SourceRef | undefined): SourceJson | null;
export function sourceJson(ref: SourceRef | undefined): SourceJson | null {
  if (!ref) return null;
  return ref.address === undefined
    ? { file: ref.file, line: ref.line, column: ref.col }
    : { file: ref.file, line: ref.line, column: ref.col, address: ref.address };
}

/** One severity scale for every finding (SARIF's `level`), most severe first. */
export const SEVERITIES = ["error", "warning", "note"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `--fail-on SEVERITY`: the answer exits 1 when a finding is at least this severe. */
export function reachesSeverity(found: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(found) <= SEVERITIES.indexOf(threshold);
}

/** An object a finding is about, located. */
export interface FindingObjectJson {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** `file:line` */
  readonly at: string;
  readonly source: SourceJson | null;
}

/**
 * A finding: a `lint` rule's result, or a `place`/`trace` verdict that is a problem (a workload
 * with no feasible node, a dropped packet). `--fail-on` compares `severity`.
 */
export interface FindingJson {
  /** stable rule id, e.g. `ingress-group-refused`, `place-unschedulable`, `trace-dropped` */
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly objects: readonly FindingObjectJson[];
  /** the suggested fix, in words (and a patch where one is known) */
  readonly fix?: string;
}
