import type { ChangeStep, FixPlaceResult, OtherRejection } from "../analysis/placement/fix/index.js";
import type { NodeView, ReasonView } from "../analysis/placement/placement.js";
import type { FixPlaceJson } from "../questions/fix-place.js";
import { kubernetesVersionLine, kubernetesVersionNotes } from "./kubernetes-version.js";
import { plural } from "./table.js";

/**
 * `fix place -o json`: the question's typed result (src/questions/fix-place.ts `FixPlaceJson`), as
 * is; as in `place -o json`, its `nodes` list the rejected nodes with every reason.
 */
export function formatFixPlaceJson(result: FixPlaceJson): string {
  return JSON.stringify(result, null, 2) + "\n";
}

function reasonText(r: ReasonView | OtherRejection): string {
  const detail = r.detail ? ` — ${r.detail}` : "";
  const where = r.source ? ` (${r.source})` : "";
  return `${r.plugin}: ${r.message}${detail}${where}`;
}

function stepText(s: ChangeStep): string {
  const mark = s.action === "remove" ? "-" : "+";
  return `${mark} ${s.text}${s.source ? ` (${s.source})` : ""}`;
}

function nodeList(nodes: readonly string[]): string {
  return nodes.length === 0 ? "none" : nodes.join(", ");
}

function targetNodeViews(r: FixPlaceResult): NodeView[] {
  return r.targetNodes.map(
    (name) => r.before.nodes.find((n) => n.node === name) ?? { node: name, feasible: false, reasons: [] },
  );
}

function verdictLine(r: FixPlaceResult): string {
  const a = r.replicasAfter;
  if (r.verified)
    return `Verified: feasible nodes after the change: ${nodeList(r.after.feasibleNodes)} (exactly the target nodes)`;
  const exact =
    r.after.feasibleNodes.length === r.targetNodes.length &&
    r.after.feasibleNodes.every((n) => r.targetNodes.includes(n));
  if (exact && a.pending > 0)
    return `Not verified: the feasible nodes after the change are exactly the target nodes (${nodeList(r.targetNodes)}), but only ${a.placed} of ${plural(a.total, "replica")} ${a.placed === 1 ? "is" : "are"} placed; ${a.pending} ${a.pending === 1 ? "stays" : "stay"} Pending`;
  return `Not verified: feasible nodes after the change: ${nodeList(r.after.feasibleNodes)}; the target nodes are ${nodeList(r.targetNodes)}${a.pending > 0 ? `; ${a.pending} of ${plural(a.total, "replica")} stay Pending` : ""}`;
}

function patchHeading(r: FixPlaceResult): string {
  const t = r.patchTarget;
  // custom resources take no strategic merge patch: a merge patch (the same document) does
  const custom = t.kind === "Prometheus" || t.kind === "Alertmanager";
  return `${t.kind} ${t.namespace}/${t.name}, at ${t.path}; ${custom ? "merge patch" : "strategic merge"}: kubectl patch ${t.kind.toLowerCase()} ${t.name} -n ${t.namespace}${custom ? " --type=merge" : ""} --patch-file patch.yaml`;
}

function helmHeading(r: FixPlaceResult): string {
  const h = r.helmRelease!;
  return `chart ${h.chart}${h.version ? ` ${h.version}` : ""}, release ${h.release} in ${h.namespace}, values under ${h.valuesPath === "" ? "the top level" : h.valuesPath}`;
}

const indent = (text: string, by = "  ") =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => by + l)
    .join("\n");

/** Text: why not there now, the change, the patch, kubectl, helm, and the verification. */
export function formatFixPlaceText(r: FixPlaceResult): string {
  const out: string[] = [];
  out.push(`fix place ${r.kind} ${r.workload} --onto ${r.onto}  ${r.source}`);
  if (r.generatedFrom) out.push(`  created from ${r.generatedFrom}`);
  out.push(kubernetesVersionLine(r.kubernetes), ...kubernetesVersionNotes(r.kubernetes).map((n) => `  ${n}`));
  out.push(
    `Target nodes (${r.ontoKind}): ${nodeList(r.targetNodes)} — ${r.targetNodes.length} of ${plural(r.nodeCount, "node")}`,
  );
  out.push(`Feasible now: ${nodeList(r.before.feasibleNodes)}`);
  out.push("");
  out.push("Why not there now");
  for (const n of targetNodeViews(r)) {
    if (n.feasible) {
      out.push(`  ${n.node}: feasible now`);
      continue;
    }
    out.push(`  ${n.node}: rejected`);
    for (const reason of n.reasons) out.push(`    ${reasonText(reason)}`);
  }
  out.push("");
  out.push("The change");
  if (r.change.empty) out.push("  nothing to change");
  for (const s of r.change.steps) out.push(`  ${stepText(s)}`);
  if (r.otherRejections.length > 0) {
    out.push("  Not changed (other filters still reject these target nodes):");
    for (const o of r.otherRejections) out.push(`    ${o.node}: ${reasonText(o)}`);
  }
  if (r.patch !== null) {
    out.push("");
    out.push(`YAML patch (${patchHeading(r)})`);
    out.push(indent(r.patch));
  }
  if (r.kubectl !== null) {
    out.push("");
    out.push("kubectl");
    out.push(indent(r.kubectl));
  }
  if (r.helm !== null) {
    out.push("");
    out.push(`helm (${helmHeading(r)})`);
    out.push(indent(r.helm));
  }
  if (r.notes.length > 0) {
    out.push("");
    out.push("Notes");
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  out.push("");
  out.push(verdictLine(r));
  for (const why of r.unverifiedBecause) out.push(`  ${why}`);
  return out.join("\n") + "\n";
}

/** Markdown: the same sections, the patch and commands in fenced blocks. */
export function formatFixPlaceMarkdown(r: FixPlaceResult): string {
  const out: string[] = [];
  const code = (s: string) => "`" + s.replace(/`/g, "\\`") + "`";
  out.push(`# fix place ${r.kind} ${r.workload} --onto ${code(r.onto)}`);
  out.push("");
  out.push(`${r.source}${r.generatedFrom ? `, created from ${r.generatedFrom}` : ""}`);
  out.push("");
  const notes = kubernetesVersionNotes(r.kubernetes).map((n) => `- ${n}`);
  out.push(kubernetesVersionLine(r.kubernetes), "", ...(notes.length > 0 ? [...notes, ""] : []));
  out.push(
    `- **Target nodes** (${r.ontoKind}): ${nodeList(r.targetNodes)} — ${r.targetNodes.length} of ${plural(r.nodeCount, "node")}`,
  );
  out.push(`- **Feasible now:** ${nodeList(r.before.feasibleNodes)}`);
  out.push("");
  out.push("## Why not there now");
  out.push("");
  for (const n of targetNodeViews(r)) {
    if (n.feasible) out.push(`- **${n.node}**: feasible now`);
    else {
      out.push(`- **${n.node}**: rejected`);
      for (const reason of n.reasons) out.push(`  - ${reasonText(reason)}`);
    }
  }
  out.push("");
  out.push("## The change");
  out.push("");
  if (r.change.empty) out.push("Nothing to change.");
  for (const s of r.change.steps)
    out.push(`- **${s.action === "remove" ? "remove" : "add"}** ${s.text}${s.source ? ` (${s.source})` : ""}`);
  if (r.otherRejections.length > 0) {
    out.push("");
    out.push("Not changed (other filters still reject these target nodes):");
    out.push("");
    for (const o of r.otherRejections) out.push(`- ${o.node}: ${reasonText(o)}`);
  }
  if (r.patch !== null) {
    out.push("");
    out.push("## YAML patch");
    out.push("");
    out.push(`${patchHeading(r)}`);
    out.push("");
    out.push("```yaml", r.patch.trimEnd(), "```");
  }
  if (r.kubectl !== null) {
    out.push("");
    out.push("## kubectl");
    out.push("");
    out.push("```sh", r.kubectl, "```");
  }
  if (r.helm !== null) {
    out.push("");
    out.push("## helm");
    out.push("");
    out.push(helmHeading(r));
    out.push("");
    out.push("```sh", r.helm, "```");
  }
  if (r.notes.length > 0) {
    out.push("");
    out.push("## Notes");
    out.push("");
    for (const n of r.notes) out.push(`- ${n}`);
  }
  out.push("");
  out.push(`**${verdictLine(r)}**`);
  for (const why of r.unverifiedBecause) out.push(`- ${why}`);
  return out.join("\n") + "\n";
}
