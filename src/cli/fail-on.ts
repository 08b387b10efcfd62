import { Option } from "commander";
import type { Snapshot } from "../model/snapshot.js";
import { SEVERITIES, type Severity } from "../questions/contract.js";
import { placeFindings } from "../questions/findings.js";
import { failsOn } from "../questions/lint.js";
import type { PlaceAnswer } from "../questions/place.js";
import type { TraceAnswer } from "../questions/trace.js";
import { EXIT } from "./io.js";

/**
 * `--fail-on SEVERITY`, shared by lint, place and trace: exit 1 when a finding of the answer is at
 * least that severe (error > warning > note, SARIF's levels). `lint` defaults to error; place and
 * trace fail only when asked.
 */
export function failOnOption(defaultSeverity?: Severity): Option {
  const option = new Option(
    "--fail-on <severity>",
    `exit 1 when a finding is at least this severe (${SEVERITIES.join(" > ")})${defaultSeverity ? "" : "; default: never"}`,
  ).choices(SEVERITIES);
  return defaultSeverity ? option.default(defaultSeverity) : option;
}

/** The exit code of `place --fail-on`: pods no node can run are errors, pods on nodes the model rejects warnings. */
export function placeExit(snapshot: Snapshot, answer: PlaceAnswer, failOn: Severity | undefined): number {
  // the findings the JSON answer carries (computed on the cluster with any --add-node nodes)
  return failsOn(answer.result.findings ?? placeFindings(snapshot, answer), failOn) ? EXIT.finding : EXIT.ok;
}

/** The exit code of `trace --fail-on`: a drop is an error, an unknown verdict a warning; `--fail-on-drop` is `--fail-on warning`. */
export function traceExit(answer: TraceAnswer, failOn: Severity | undefined, failOnDrop: boolean | undefined): number {
  return failsOn(answer.result.findings, failOn ?? (failOnDrop ? "warning" : undefined)) ? EXIT.finding : EXIT.ok;
}
