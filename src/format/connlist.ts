import { connectionText } from "../analysis/connectivity/connection-set.js";
import type { ConnlistReport } from "../analysis/connectivity/connlist.js";
import { formatSource } from "../model/source.js";
import type { ConnlistJson } from "../questions/connlist.js";

/**
 * `podpath connlist` output, after np-guard netpol-analyzer's formatters
 * (pkg/netpol/connlist/conns_formatter_{txt,md,csv,dot}.go): `-o txt` is its line format exactly
 * (`SRC => DST : CONN`, one per line, sorted by source then destination; nothing at all when no
 * connection is allowed); `-o text` is the same lines and then podpath's notes; md and csv are
 * its `src | dst | conn` table and `src,dst,conn` rows; dot its graph (namespaces as clusters,
 * external peers outside them). The notes (where NetworkPolicy is not the whole story) never
 * change the lines.
 */

function lines(report: ConnlistReport): string[] {
  return report.connections.map((c) => `${c.src.id} => ${c.dst.id} : ${connectionText(c.conn)}`);
}

/** netpol-analyzer's `-o txt`, byte for byte */
export function formatConnlistTxt(report: ConnlistReport): string {
  return lines(report)
    .map((l) => `${l}\n`)
    .join("");
}

export function formatConnlistText(report: ConnlistReport): string {
  const out = lines(report);
  if (out.length === 0) out.push("(no allowed connections)");
  if (report.notes.length > 0) {
    out.push("", "Notes:");
    for (const n of report.notes) out.push(`  - ${n.message}${n.source ? ` (${formatSource(n.source)})` : ""}`);
  }
  return `${out.join("\n")}\n`;
}

export function formatConnlistJson(result: ConnlistJson): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function formatConnlistMarkdown(report: ConnlistReport): string {
  const out = ["| src | dst | conn |", "|-----|-----|------|"];
  for (const c of report.connections)
    out.push(`| ${mdCell(c.src.id)} | ${mdCell(c.dst.id)} | ${mdCell(connectionText(c.conn))} |`);
  if (report.notes.length > 0) {
    out.push("", "**Notes**", "");
    for (const n of report.notes)
      out.push(`- ${mdCell(n.message)}${n.source ? ` (\`${formatSource(n.source)}\`)` : ""}`);
  }
  return `${out.join("\n")}\n`;
}

/** RFC 4180 field, as Go's encoding/csv writes it (quoted when it holds a comma, quote or line break) */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text.startsWith(" ") ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatConnlistCsv(report: ConnlistReport): string {
  const rows = [["src", "dst", "conn"], ...report.connections.map((c) => [c.src.id, c.dst.id, connectionText(c.conn)])];
  return rows.map((r) => `${r.map(csvField).join(",")}\n`).join("");
}

function q(text: string): string {
  return JSON.stringify(text);
}

export function formatConnlistDot(report: ConnlistReport): string {
  const byNamespace = new Map<string, Set<string>>();
  const external = new Set<string>();
  const peerLine = (id: string, label: string, color: string) =>
    `${q(id)} [label=${q(label)} color=${q(color)} fontcolor=${q(color)}]`;
  const visit = (p: ConnlistReport["connections"][number]["src"]) => {
    if (p.workload) {
      const ns = `${p.workload.namespace}[namespace]`;
      const set = byNamespace.get(ns) ?? new Set<string>();
      set.add(`\t\t${peerLine(p.id, `${p.workload.name}[${p.workload.kind}]`, "blue")}`);
      byNamespace.set(ns, set);
    } else external.add(`\t${peerLine(p.id, p.id, p.kind === "external" ? "red2" : "blue")}`);
  };
  const edges: string[] = [];
  for (const c of report.connections) {
    visit(c.src);
    visit(c.dst);
    const weight = c.src.id <= c.dst.id ? "0.5" : "1";
    edges.push(
      `\t${q(c.src.id)} -> ${q(c.dst.id)} [label=${q(connectionText(c.conn))} color="gold2" fontcolor="darkgreen" weight=${weight}]`,
    );
  }
  for (const w of report.workloads) visit({ id: w.id, kind: "workload", workload: w });
  const out = ["digraph {"];
  for (const ns of [...byNamespace.keys()].sort()) {
    out.push(`\tsubgraph "cluster_${ns.replace(/-/g, "_")}" {`, '\t\tcolor="black"', '\t\tfontcolor="black"');
    out.push(...[...byNamespace.get(ns)!].sort());
    out.push(`\t\tlabel=${q(ns)}`, "\t}");
  }
  out.push(...[...external].sort(), ...edges.sort(), "}");
  return `${out.join("\n")}\n`;
}
