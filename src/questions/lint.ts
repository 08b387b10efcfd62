/**
 * `podpath lint`: misconfigurations that break placement or paths, each a finding with its rule,
 * severity, message, the objects involved (file:line) and a suggested fix. The rules live in
 * src/analysis/lint/ and reuse the analyses (placement, the load-balancer model, the Calico and VPC
 * models); this is the question: the typed input, the JSON contract `LintJson`, and the answer.
 * `answerLint(snapshot, input).result.findings` is what other answers (the report) include.
 */
import { LINT_RULES, runLint, type LintFinding, type LintObject, type LintReport } from "../analysis/lint/index.js";
import type { LintSeverity } from "../analysis/lint/types.js";
import { UserError } from "../model/errors.js";
import type { Snapshot } from "../model/snapshot.js";
import { formatSource } from "../model/source.js";
import {
  OUTPUT_API_VERSION,
  reachesSeverity,
  sourceJson,
  type FindingJson,
  type FindingObjectJson,
  type Severity,
} from "./contract.js";
import type { Answer } from "./question.js";

// the analysis' severity scale is the contract's, both ways
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const severitiesAgree: Same<LintSeverity, Severity> = true;
void severitiesAgree;

export interface LintInput {
  /** only these rules (their ids); default every rule */
  readonly rules?: readonly string[] | undefined;
  /**
   * `-n NS`: only the findings about an object of NS, as kubectl -n lists one namespace's objects;
   * a finding whose objects are all elsewhere, or cluster-scoped (nodes, AWS resources), is left out
   * and counted in `outsideNamespace`. Absent: every finding (-A).
   */
  readonly namespace?: string | undefined;
}

/** A rule as the answer lists it (SARIF's reportingDescriptor, in podpath's words). */
interface LintRuleJson {
  readonly id: string;
  /** the severity of its findings unless one says otherwise */
  readonly severity: Severity;
  /** one line: what the rule finds */
  readonly title: string;
  /** the upstream code or documentation it follows */
  readonly upstream: string;
  readonly helpUri: string | null;
}

interface LintSummaryJson {
  readonly error: number;
  readonly warning: number;
  readonly note: number;
  readonly total: number;
}

export interface LintJson {
  readonly apiVersion: typeof OUTPUT_API_VERSION;
  /** most severe first, then by rule, then by file and line */
  readonly findings: readonly FindingJson[];
  /** the rules that ran */
  readonly rules: readonly LintRuleJson[];
  readonly summary: LintSummaryJson;
  /** with `-n NS` only: the namespace and how many findings, all about objects outside it, were left out */
  readonly namespace?: { readonly name: string; readonly outsideNamespace: number };
}

export type LintAnswer = Answer<LintInput, LintJson, LintReport>;

/** A finding object of the analysis as the contract's `FindingObjectJson` (no source: `at` empty, `source` null). */
export function findingObjectJson(o: LintObject): FindingObjectJson {
  const located = o.source && o.source.line > 0 ? o.source : undefined;
  return {
    kind: o.kind,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    name: o.name,
    at: formatSource(located),
    source: sourceJson(located),
  };
}

export function findingJson(f: LintFinding): FindingJson {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    objects: f.objects.map(findingObjectJson),
    fix: f.fix,
  };
}

function summaryOf(findings: readonly { readonly severity: Severity }[]): LintSummaryJson {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return { error: count("error"), warning: count("warning"), note: count("note"), total: findings.length };
}

function checkInput(input: LintInput): void {
  const known = LINT_RULES.map((r) => r.id);
  for (const id of input.rules ?? [])
    if (!known.includes(id)) throw new UserError(`--rule ${id}: no such rule (rules: ${known.join(", ")})`);
}

/**
 * Runs the lint rules on the snapshot. An unknown rule id is a UserError. `known`: analyses the
 * caller already ran on the same snapshot (the placement report of every workload), reused.
 */
export function answerLint(
  snapshot: Snapshot,
  input: LintInput = {},
  known: Parameters<typeof runLint>[2] = {},
): LintAnswer {
  checkInput(input);
  const all = runLint(snapshot, input.rules, known);
  const ns = input.namespace;
  const analysis =
    ns === undefined
      ? all
      : { ...all, findings: all.findings.filter((f) => f.objects.some((o) => o.namespace === ns)) };
  const findings = analysis.findings.map(findingJson);
  const result: LintJson = {
    apiVersion: OUTPUT_API_VERSION,
    findings,
    rules: analysis.rules.map((r) => ({
      id: r.id,
      severity: r.severity,
      title: r.title,
      upstream: r.upstream,
      helpUri: r.helpUri ?? null,
    })),
    summary: summaryOf(findings),
    ...(ns === undefined
      ? {}
      : { namespace: { name: ns, outsideNamespace: all.findings.length - analysis.findings.length } }),
  };
  return { input, result, analysis, finding: findings.length > 0 };
}

/** `--fail-on SEVERITY`: whether any finding is at least that severe. */
export function failsOn(
  findings: readonly { readonly severity: Severity }[],
  threshold: Severity | undefined,
): boolean {
  if (threshold === undefined) return false;
  return findings.some((f) => reachesSeverity(f.severity, threshold));
}
