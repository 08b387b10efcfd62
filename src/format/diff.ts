/**
 * `podpath diff` output: counts first, then each change — connections (connlist's SRC => DST :
 * CONNECTIONS, before → after), internet exposure verdicts, configured dependencies' verdicts
 * with the reason and policy (file:line). Markdown is short, for a pull-request comment.
 */
import type { DiffCountsJson, DiffJson } from "../questions/diff.js";
import type {
  ConnectionChange,
  ExposureChange,
  IntendedChange,
  PlacementChange,
  PredictionChange,
} from "../questions/diff/changes.js";

const SIGN = { added: "+", removed: "-", changed: "~" } as const;

function countText(c: DiffCountsJson): string {
  return `${c.added} added, ${c.removed} removed, ${c.changed} changed`;
}

function connectionLine(c: ConnectionChange): string {
  const conn = c.change === "changed" ? `${c.before} -> ${c.after}` : (c.after ?? c.before);
  return `${SIGN[c.change]} ${c.src} => ${c.dst} : ${conn}`;
}

function verdicts(before: string | null, after: string | null): string {
  return `${before ?? "(none)"} -> ${after ?? "(none)"}`;
}

function exposureLine(c: ExposureChange): string {
  const why = c.reason ? ` — ${c.reason}${c.source ? ` (${c.source})` : ""}` : "";
  return `${SIGN[c.change]} ${c.workload ?? "(no workload)"} via ${c.frontend} ${c.protocol}/${c.port}: ${verdicts(c.before, c.after)}${why}`;
}

function intendedLine(c: IntendedChange): string {
  const port = c.servicePort === null ? "" : `:${c.servicePort}`;
  const policies = c.policies.length > 0 ? ` [${c.policies.join(", ")}]` : "";
  return `${SIGN[c.change]} ${c.workload} (${c.container}) -> ${c.service}${port} "${c.reference}": ${verdicts(c.before, c.after)} — ${c.reason}${policies}`;
}

function placementLine(c: PlacementChange): string {
  const why = c.reason ? ` — ${c.reason}${c.source ? ` (${c.source})` : ""}` : "";
  return `${SIGN[c.change]} ${c.workload} on ${c.node}: ${verdicts(c.before, c.after)}${why}`;
}

function predictionLine(c: PredictionChange): string {
  return `~ ${c.workload} pod ${c.pod}: ${c.before ?? "(unschedulable)"} -> ${c.after ?? "(unschedulable)"}${c.reason ? ` — ${c.reason}` : ""}`;
}

function sections(json: DiffJson): [string, DiffCountsJson, string[]][] {
  return [
    ["Connections", json.counts.connections, json.connections.map(connectionLine)],
    ["Internet exposure", json.counts.exposure, json.exposure.map(exposureLine)],
    ["VPC exposure", json.counts.vpcExposure, json.vpcExposure.map(exposureLine)],
    ["Configured dependencies", json.counts.intended, json.intended.map(intendedLine)],
    ["Placement (workload on node)", json.counts.placement, json.placement.map(placementLine)],
    [
      "Predicted nodes",
      { added: 0, removed: 0, changed: json.counts.predictions },
      json.predictions.map(predictionLine),
    ],
  ];
}

function summary(json: DiffJson): string {
  return `${json.newExposure} new internet exposure(s), ${json.newVpcExposure > 0 ? `${json.newVpcExposure} new VPC exposure(s), ` : ""}${json.blockedDependencies} newly blocked dependenc${json.blockedDependencies === 1 ? "y" : "ies"}`;
}

export function formatDiffText(json: DiffJson): string {
  const out = [`podpath diff${json.namespace === null ? "" : ` (namespace ${json.namespace})`}: ${summary(json)}`];
  for (const [title, c, lines] of sections(json)) {
    out.push("", `${title}: ${countText(c)}`);
    for (const l of lines) out.push(`  ${l}`);
  }
  return `${out.join("\n")}\n`;
}

export function formatDiffJson(json: DiffJson): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function formatDiffMarkdown(json: DiffJson): string {
  const out = [
    `### podpath diff${json.namespace === null ? "" : ` (namespace ${json.namespace})`}`,
    "",
    `**${summary(json)}**`,
    "",
    "| | added | removed | changed |",
    "|---|---:|---:|---:|",
  ];
  for (const [title, c] of sections(json)) out.push(`| ${title} | ${c.added} | ${c.removed} | ${c.changed} |`);
  for (const [title, , lines] of sections(json)) {
    if (lines.length === 0) continue;
    out.push("", `<details><summary>${title} (${lines.length})</summary>`, "", "```diff");
    out.push(...lines);
    out.push("```", "", "</details>");
  }
  return `${out.join("\n")}\n`;
}
