/**
 * `podpath intended`: the Services each workload's configuration names (env values, args,
 * command, ConfigMaps it reads) and whether NetworkPolicy allows the connection (analysis/intended/). Result:
 * `IntendedJson`. Only the matched `host[:port]` of a value is ever in the answer.
 */
import {
  analyseIntended,
  type IntendedReport,
  type IntendedVerdict,
  type IsolatingSide,
} from "../analysis/intended/intended.js";
import type { Protocol } from "../model/kubernetes.js";
import type { Snapshot } from "../model/snapshot.js";
import { formatSource } from "../model/source.js";
import { OUTPUT_API_VERSION, sourceJson, type SourceJson } from "./contract.js";
import type { Answer } from "./question.js";

const INTENDED_VERDICTS: readonly IntendedVerdict[] = ["allowed", "blocked", "no-service", "no-port", "no-backend"];

/** `--fail-on blocked-dependency`: a configured dependency NetworkPolicy blocks, or one naming a missing Service or port */
export const INTENDED_FAIL_ON = ["blocked-dependency"] as const;
export type IntendedFailOn = (typeof INTENDED_FAIL_ON)[number];

export interface IntendedInput {
  readonly failOn?: IntendedFailOn;
}

interface IntendedRuleJson {
  readonly text: string;
  /** `file:line`, or null */
  readonly source: string | null;
  readonly location: SourceJson | null;
}

export interface IntendedDependencyJson {
  /** connlist's peer string `NS/NAME[Kind]` */
  readonly workload: string;
  readonly container: string;
  /** `env NAME`, `args[i]`, `command[i]` */
  readonly where: string;
  /** the matched `host[:port]`, nothing else of the value */
  readonly reference: string;
  /** `NS/NAME` */
  readonly service: string;
  readonly configuredPort: number | null;
  /** a reference without a port: its scheme's default and its source, or why it has none (null: the port is written) */
  readonly portSource: string | null;
  readonly servicePort: number | null;
  readonly protocol: Protocol | null;
  readonly targetPort: number | null;
  readonly verdict: IntendedVerdict;
  /** blocked: the side that isolates without an allowing rule */
  readonly side: IsolatingSide | null;
  readonly policies: readonly { readonly policy: string; readonly source: string; readonly location: SourceJson }[];
  readonly rules: readonly IntendedRuleJson[];
  readonly backend: string | null;
  readonly reason: string;
  /** where the reference is written: `file:line` */
  readonly source: string;
  readonly location: SourceJson;
  readonly serviceSource: string | null;
}

export interface IntendedJson {
  readonly apiVersion: typeof OUTPUT_API_VERSION;
  readonly question: "intended";
  readonly counts: Readonly<Record<IntendedVerdict, number>>;
  readonly dependencies: readonly IntendedDependencyJson[];
}

export type IntendedAnswer = Answer<IntendedInput, IntendedJson, IntendedReport>;

export function intendedJson(report: IntendedReport): IntendedJson {
  const counts = Object.fromEntries(INTENDED_VERDICTS.map((v) => [v, 0])) as Record<IntendedVerdict, number>;
  for (const d of report.dependencies) counts[d.verdict]++;
  return {
    apiVersion: OUTPUT_API_VERSION,
    question: "intended",
    counts,
    dependencies: report.dependencies.map((d) => ({
      workload: d.workload,
      container: d.container,
      where: d.where,
      reference: d.reference,
      service: d.service,
      configuredPort: d.configuredPort ?? null,
      portSource: d.portSource ?? null,
      servicePort: d.servicePort ?? null,
      protocol: d.protocol ?? null,
      targetPort: d.targetPort ?? null,
      verdict: d.verdict,
      side: d.side ?? null,
      policies: d.policies.map((p) => ({
        policy: p.policy,
        source: formatSource(p.source),
        location: sourceJson(p.source),
      })),
      rules: d.rules.map((r) => ({
        text: r.text,
        source: r.source ? formatSource(r.source) : null,
        location: sourceJson(r.source),
      })),
      backend: d.backend ?? null,
      reason: d.reason,
      source: formatSource(d.source),
      location: sourceJson(d.source),
      serviceSource: d.serviceSource ? formatSource(d.serviceSource) : null,
    })),
  };
}

/** a dependency `--fail-on blocked-dependency` fails on: blocked, or naming a Service or port that does not exist */
function isBrokenDependency(verdict: IntendedVerdict): boolean {
  return verdict === "blocked" || verdict === "no-service" || verdict === "no-port";
}

export function answerIntended(snapshot: Snapshot, input: IntendedInput = {}): IntendedAnswer {
  const analysis = analyseIntended(snapshot);
  const finding =
    input.failOn === "blocked-dependency" && analysis.dependencies.some((d) => isBrokenDependency(d.verdict));
  return { input, result: intendedJson(analysis), analysis, finding };
}
