import type { EgressReport, EgressRow } from "../analysis/paths/egress.js";
import { formatSource } from "../model/source.js";
import type { EgressJson } from "../questions/egress.js";
import { markdownTable, table } from "./table.js";
import { fitTable, paint, PLAIN_TEXT, wrap, type TextStyle } from "./terminal.js";
import { traceMermaid } from "./trace.js";

function snatText(row: EgressRow): string {
  if (row.verdict === "skipped") return "-";
  if (row.snat.length === 0) return "none";
  return row.snat.map((s) => `${s.component} ${s.from} → ${s.to}`).join(", then ");
}

function toText(row: EgressRow): string {
  return row.hairpin ? `${row.to} — hairpin (its own service)` : row.to;
}

function verdictText(row: EgressRow): string {
  if (row.verdict === "skipped") return `skipped: ${row.note}`;
  if (row.verdict === "dropped" && row.drop) return `DROPPED ${row.drop.code} at ${row.drop.at}`;
  if (row.verdict === "unknown") return `UNKNOWN at ${row.unknown?.at ?? "?"}`;
  return "delivered";
}

function replyText(row: EgressRow): string {
  if (row.replyVerdict === "not-sent") return "-";
  if (row.replyVerdict === "dropped" && row.replyDrop) return `DROPPED ${row.replyDrop.code} at ${row.replyDrop.at}`;
  if (row.replyVerdict === "unknown") return `UNKNOWN at ${row.unknown?.at ?? "?"}`;
  return "returns (conntrack)";
}

/** `egress -o json`: the question's typed result (src/questions/egress.ts `EgressJson`), as is. */
export function formatEgressJson(result: EgressJson): string {
  return JSON.stringify(result, null, 2) + "\n";
}

/** A group's nodes for text: all of them up to 5, else the first 3 and how many more (JSON lists all). */
function nodeNames(nodes: readonly string[]): string {
  return nodes.length <= 5 ? nodes.join(", ") : `${nodes.slice(0, 3).join(", ")}, … (+${nodes.length - 3})`;
}

export function formatEgressText(report: EgressReport, style: TextStyle = PLAIN_TEXT): string {
  const lines: string[] = [`CNI: ${report.cni}`, ""];
  if (report.groups.length === 0)
    return (
      [
        ...lines,
        "The snapshot has no nodes: there is no pod to send from. Add `kubectl get nodes -o yaml` (and pods) to the snapshot.",
      ].join("\n") + "\n"
    );
  lines.push("node groups:");
  const sender = (group: string): string => report.rows.find((r) => r.group === group)?.from ?? "-";
  lines.push(
    fitTable(
      [
        ["group", "nodes", "subnet", "traced from"],
        ...report.groups.map((g) => [g.name, nodeNames(g.nodes), g.subnetId ?? "-", sender(g.name)]),
      ],
      style.width,
      table,
    ),
  );
  lines.push("");
  const header = ["group", "destination", "traced to", "SNAT steps, in order", "source seen", "verdict", "reply"];
  lines.push(
    fitTable(
      [
        header,
        ...report.rows.map((r) => [
          r.group,
          r.destinationWords,
          r.verdict === "skipped" ? "-" : toText(r),
          snatText(r),
          r.finalSourceIp ?? "-",
          verdictText(r),
          replyText(r),
        ]),
      ],
      style.width,
      table,
    ),
  );
  const drops = report.rows.filter((r) => r.drop || r.replyDrop);
  if (drops.length > 0) {
    lines.push("", "drops:");
    for (const r of drops) {
      const d = r.drop ?? r.replyDrop!;
      const label = `  ${r.group} → ${r.destinationWords}: `;
      const text = `${r.drop ? "" : "reply "}${d.code}: ${d.message}${d.source ? ` [${formatSource(d.source)}]` : ""}`;
      const [first, ...rest] = wrap(label, text, style.width, "      ");
      lines.push(style.colour ? paint(first!, "dropped", style) : first!, ...rest);
    }
  }
  const notes = report.rows.filter((r) => r.note && r.verdict !== "skipped");
  if (notes.length > 0) {
    lines.push("", "notes:");
    for (const r of notes) lines.push(...wrap(`  ${r.group} → ${r.destinationWords}: `, r.note, style.width, "      "));
  }
  for (const a of report.assumptions) lines.push("", ...wrap("assumed: ", a, style.width, "  "));
  lines.push(
    "",
    ...wrap(
      "",
      "Each row traces one packet (`podpath trace` shows every hop); replies are undone by conntrack, never NATed again.",
      style.width,
    ),
  );
  return lines.join("\n") + "\n";
}

/** Markdown for `report`: the table, then a sequence diagram per group for the internet row. */
export function formatEgressMarkdown(report: EgressReport): string {
  const out: string[] = ["## Egress: which source IP each destination sees", "", `CNI: ${report.cni}`, ""];
  const sender = (group: string): string => report.rows.find((r) => r.group === group)?.from ?? "-";
  out.push(
    markdownTable(
      ["group", "nodes", "subnet", "traced from"],
      report.groups.map((g) => [g.name, g.nodes.join(", "), g.subnetId ?? "-", sender(g.name)]),
    ),
    "",
  );
  out.push(
    markdownTable(
      ["group", "destination", "traced to", "SNAT steps, in order", "source seen", "verdict", "reply"],
      report.rows.map((r) => [
        r.group,
        r.destinationWords,
        r.verdict === "skipped" ? "-" : toText(r),
        snatText(r),
        r.finalSourceIp ? `\`${r.finalSourceIp}\`` : "-",
        verdictText(r),
        replyText(r),
      ]),
    ),
  );
  if (report.assumptions.length > 0) out.push("", ...report.assumptions.map((a) => `- assumed: ${a}`));
  for (const r of report.rows) {
    if (r.destinationClass !== "internet" || !r.trace) continue;
    out.push("", `### ${r.group}: a pod → the internet`, "", traceMermaid(r.trace));
  }
  return out.join("\n") + "\n";
}
