/**
 * Why here: the score breakdown that chose a predicted pod's node over the runner-up, as
 * kube-scheduler sums it (pkg/scheduler/schedule_one.go prioritizeNodes: Σ weight × normalised
 * score, each plugin's NormalizeScore to 0–100) and picks (selectHost: the highest total, a tie
 * broken at random by reservoir sampling). Ties are said as ties; podpath's own pick among tied
 * nodes is the first by name.
 */
import type { PodView } from "../analysis/placement/placement.js";
import type { WhyHere } from "../analysis/placement/simulate.js";
import { table } from "./table.js";

const TIE_RULE = "kube-scheduler picks one at random (selectHost reservoir sampling); podpath picks the first by name";

const NOT_SCORED =
  "the only feasible node it found: kube-scheduler does not score a single feasible node (schedule_one.go schedulePod)";

/** "worker-1 and worker-2", "a, b and c" */
function and(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]!}`;
}

/** The plugins whose scores differ between the two nodes: "NodeResourcesFit ×1: 52 vs 45". */
function deciding(w: WhyHere): string[] {
  return w.plugins
    .filter((p) => !p.skipped && p.runnerUp !== null && p.chosen !== p.runnerUp)
    .map(
      (p) =>
        `${p.plugin} ×${p.weight}: ${p.chosen} vs ${p.runnerUp!}${p.chosenDetail !== undefined ? ` (${p.chosenDetail} vs ${p.runnerUpDetail ?? "-"})` : ""}`,
    );
}

/** The heading: a tie, the only feasible node, or the chosen total against the runner-up's. */
function heading(p: PodView, w: WhyHere): string {
  const node = p.predictedNode!;
  if (w.total === null) return `${p.name} on ${node}: ${NOT_SCORED}`;
  if (p.tiedNodes.length > 1) {
    const shown =
      p.tiedNodes.length <= 4 ? p.tiedNodes : [...p.tiedNodes.slice(0, 3), `${p.tiedNodes.length - 3} more`];
    return `${p.name} on ${node}: ${and(shown)} tie at ${w.total} (of ${w.scored} scored nodes); ${TIE_RULE}`;
  }
  return `${p.name} on ${node}: ${w.total} against ${w.runnerUp ?? "-"} ${w.runnerUpTotal ?? "-"} (the runner-up of ${w.scored} scored nodes)`;
}

/** One line per pod: the heading and the plugins that made the difference. */
export function whyHereLine(p: PodView): string | null {
  const w = p.whyHere;
  if (!w || p.predictedNode === null) return null;
  const diff = w.total !== null && p.tiedNodes.length <= 1 ? deciding(w) : [];
  return `why ${heading(p, w)}${diff.length > 0 ? ` — ${diff.join(", ")}` : ""}`;
}

/** The full breakdown (`place --workload`): the heading, then a table per score plugin. */
export function whyHereBlock(p: PodView, indent: string): string[] {
  const w = p.whyHere;
  if (!w || p.predictedNode === null) return [];
  const out = [`${indent}why ${heading(p, w)}`];
  if (w.plugins.length === 0) return out;
  const runnerUp = w.runnerUp;
  const cell = (skipped: boolean, score: number | null) => (skipped ? "skipped" : score === null ? "-" : String(score));
  const rows = [
    ["SCORE PLUGIN", "WEIGHT", p.predictedNode, ...(runnerUp ? [runnerUp] : [])],
    ...w.plugins.map((s) => [
      s.plugin,
      String(s.weight),
      cell(s.skipped, s.chosen),
      ...(runnerUp ? [cell(s.skipped, s.runnerUp)] : []),
    ]),
    ["total (Σ weight × score)", "", String(w.total), ...(runnerUp ? [String(w.runnerUpTotal)] : [])],
  ];
  out.push(table(rows, `${indent}  `));
  for (const s of w.plugins)
    if (s.chosenDetail !== undefined)
      out.push(
        `${indent}  ${s.plugin} counted ${p.predictedNode}: ${s.chosenDetail}; ${runnerUp ?? "-"}: ${s.runnerUpDetail ?? "-"}`,
      );
  return out;
}
