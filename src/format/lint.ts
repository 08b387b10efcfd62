/**
 * `podpath lint` as text: the findings grouped by severity (errors first), each with its rule, the
 * message, where it is (file:line of the first object, then the others involved) and the fix; then
 * one summary line. JSON is the question's `LintJson`; SARIF is src/format/sarif.ts.
 */
import { SEVERITIES, type FindingJson, type FindingObjectJson } from "../questions/contract.js";
import type { LintJson } from "../questions/lint.js";

function objectName(o: FindingObjectJson): string {
  return `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ""}${o.name}`;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
}

function findingLines(f: FindingJson): string[] {
  const lines = [`  [${f.ruleId}] ${f.message}`];
  f.objects.forEach((o, i) => {
    const where = o.at || "(no source)";
    lines.push(`    ${i === 0 ? "at  " : "also"} ${where}  ${objectName(o)}`);
  });
  if (f.fix) lines.push(`    fix: ${f.fix}`);
  return lines;
}

export function formatLintText(result: LintJson): string {
  const out: string[] = [];
  for (const severity of SEVERITIES) {
    const group = result.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`${severity === "error" ? "Errors" : severity === "warning" ? "Warnings" : "Notes"} (${group.length}):`);
    for (const f of group) out.push(...findingLines(f), "");
  }
  const s = result.summary;
  const rules = plural(result.rules.length, "rule");
  out.push(
    s.total === 0
      ? `lint: no findings (${rules} checked)`
      : `lint: ${plural(s.total, "finding")} — ${s.error} error, ${s.warning} warning, ${s.note} note (${rules} checked)`,
  );
  return out.join("\n") + "\n";
}

export function formatLintJson(result: LintJson): string {
  return JSON.stringify(result, null, 2) + "\n";
}

function mdEscape(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, "\\$1");
}

/** Markdown: one section per severity, one item per finding with its locations and fix. */
export function formatLintMarkdown(result: LintJson): string {
  const out: string[] = ["# podpath lint", ""];
  const s = result.summary;
  out.push(
    s.total === 0
      ? `No findings (${plural(result.rules.length, "rule")} checked).`
      : `${plural(s.total, "finding")}: ${s.error} error, ${s.warning} warning, ${s.note} note (${plural(result.rules.length, "rule")} checked).`,
    "",
  );
  for (const severity of SEVERITIES) {
    const group = result.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(
      `## ${severity === "error" ? "Errors" : severity === "warning" ? "Warnings" : "Notes"} (${group.length})`,
      "",
    );
    for (const f of group) {
      out.push(`- **${f.ruleId}**: ${mdEscape(f.message)}`);
      for (const o of f.objects) out.push(`  - \`${o.at || "(no source)"}\` ${mdEscape(objectName(o))}`);
      if (f.fix) out.push(`  - fix: ${mdEscape(f.fix)}`);
    }
    out.push("");
  }
  return out.join("\n");
}
