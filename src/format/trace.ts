import type { TraceResult } from "../analysis/paths/trace.js";
import type { Packet, Step } from "../analysis/paths/trace-model.js";
import { formatSource } from "../model/source.js";
import type { TraceJson } from "../questions/trace.js";
import { markdownTable, table } from "./table.js";

/** `trace` output: PRODUCT.md's JSON shape, a hop table, and Markdown with a Mermaid sequence diagram. */

export function formatTraceJson(result: TraceJson): string {
  return JSON.stringify(result, null, 2) + "\n";
}

function packetText(p: Packet): string {
  const outer = p.outer
    ? ` [outer ${p.outer.src} → ${p.outer.dst}${p.outer.protocol === "UDP" ? ` UDP/${p.outer.dstPort}` : " IPIP"}]`
    : "";
  return p.protocol === "ICMP"
    ? `${p.src} → ${p.dst} ICMP${outer}`
    : `${p.src}:${p.srcPort} → ${p.dst}:${p.dstPort} ${p.protocol}${outer}`;
}

/** One line of the summary: what the destination sees, or where and why the packet died. */
function verdictText(t: TraceResult): string {
  if (t.verdict === "dropped" && t.drop) return `DROPPED at ${t.drop.at}: ${t.drop.code}`;
  if (t.verdict === "unknown" && t.unknown)
    return `UNKNOWN at ${t.unknown.at}: the snapshot cannot decide (capture ${t.unknown.capture})`;
  if (t.answeredBy)
    return `answered by the load balancer (${t.answeredBy.component} ${t.answeredBy.id}), not forwarded: ${t.answeredBy.note}`;
  const reply =
    t.return.verdict === "delivered"
      ? "the reply comes back"
      : t.return.verdict === "dropped" && t.return.drop
        ? `but the REPLY is dropped at ${t.return.drop.at}: ${t.return.drop.code}`
        : t.return.verdict === "unknown" && t.return.unknown
          ? `but whether the REPLY comes back is UNKNOWN at ${t.return.unknown.at} (capture ${t.return.unknown.capture})`
          : "";
  return `delivered; the destination sees source ${t.finalSourceIp}${reply ? `; ${reply}` : ""}`;
}

function stepRows(steps: readonly Step[]): string[][] {
  return steps.map((s, i) => [
    String(i + 1),
    s.hop,
    s.component,
    s.action,
    packetText(s.packet),
    formatSource(s.source),
  ]);
}

function notes(steps: readonly Step[]): string {
  return steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s.note}`).join("\n");
}

export function formatTraceText(t: TraceResult): string {
  const lines: string[] = [];
  lines.push(
    `trace ${t.from.endpoint} → ${t.to.endpoint} (${t.protocol}${t.protocol === "ICMP" ? "" : ` port ${t.port}`})`,
  );
  lines.push(`  from ${t.from.label}${t.from.ip ? ` ${t.from.ip}` : ""} (${t.from.how})`);
  lines.push(`  to   ${t.to.label}${t.to.ip ? ` ${t.to.ip}` : ""} (${t.to.how})`);
  lines.push(`verdict: ${verdictText(t)}`);
  if (t.drop) lines.push(`  ${t.drop.message}${t.drop.source ? ` [${formatSource(t.drop.source)}]` : ""}`);
  if (t.unknown) lines.push(`  ${t.unknown.message}${t.unknown.source ? ` [${formatSource(t.unknown.source)}]` : ""}`);
  if (t.return.drop)
    lines.push(
      `  reply: ${t.return.drop.message}${t.return.drop.source ? ` [${formatSource(t.return.drop.source)}]` : ""}`,
    );
  if (t.return.unknown)
    lines.push(
      `  reply: ${t.return.unknown.message}${t.return.unknown.source ? ` [${formatSource(t.return.unknown.source)}]` : ""}`,
    );
  for (const a of t.assumptions) lines.push(`assumed: ${a}`);
  const header = ["#", "hop", "component", "action", "packet after the step", "source"];
  lines.push("", "forward:");
  lines.push(table([header, ...stepRows(t.hops)]));
  lines.push("why:", notes(t.hops));
  if (t.return.hops.length > 0) {
    lines.push("", `return (${t.return.verdict}):`);
    lines.push(table([header, ...stepRows(t.return.hops)]));
    lines.push("why:", notes(t.return.hops));
  }
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Markdown + Mermaid

function mermaidText(text: string): string {
  // Mermaid message text: no semicolons, #, or line breaks (they end the statement)
  return text.replace(/[;#]/g, ",").replace(/[\r\n]+/g, " ");
}

/** What a SNAT or DNAT step (`action` snat or dnat) rewrote: `SNAT 10.0.2.57 → 10.0.1.11`, `DNAT 10.0.1.11:30080 → 192.168.230.3:8080`. */
export function natText(s: Step, before: Packet | undefined): string {
  return s.action === "snat"
    ? `SNAT ${before?.src ?? "?"} → ${s.packet.src}`
    : `DNAT ${before ? `${before.dst}:${before.dstPort}` : "?"} → ${s.packet.dst}:${s.packet.dstPort}`;
}

/** The few words of a sequence diagram's notes that are not names or addresses (the report writes them in its language). */
export interface MermaidWords {
  readonly drop: string;
  readonly unknown: string;
  readonly delivered: (source: string) => string;
}

const MERMAID_WORDS: MermaidWords = {
  drop: "DROP",
  unknown: "UNKNOWN",
  delivered: (source) => `delivered, source ${source}`,
};

/** A Mermaid sequence diagram: one participant per device, the packet on every arrow, NAT as notes. */
export function traceMermaid(t: TraceResult, words: MermaidWords = MERMAID_WORDS): string {
  const participants = new Map<string, string>();
  const id = (hop: string): string => {
    let p = participants.get(hop);
    if (!p) {
      p = `P${participants.size + 1}`;
      participants.set(hop, p);
    }
    return p;
  };
  const body: string[] = [];
  const walkSteps = (steps: readonly Step[], arrow: "->>" | "-->>", start: Packet | undefined): void => {
    let prevHop: string | undefined;
    let packet = start;
    for (const s of steps) {
      const pid = id(s.hop);
      if (prevHop !== undefined && prevHop !== s.hop && packet)
        body.push(`    ${id(prevHop)}${arrow}${pid}: ${mermaidText(packetText(packet))}`);
      if (s.action === "snat" || s.action === "dnat") {
        body.push(`    Note over ${pid}: ${mermaidText(`${s.component}: ${natText(s, packet)}`)}`);
      } else if (s.action === "encapsulate" || s.action === "decapsulate") {
        body.push(
          `    Note over ${pid}: ${mermaidText(`${s.component}: ${s.action}${s.packet.outer ? ` (outer ${s.packet.outer.src} → ${s.packet.outer.dst})` : ""}`)}`,
        );
      } else if (s.action === "drop") {
        body.push(`    Note over ${pid}: ${mermaidText(`${words.drop} ${s.component} ${s.id}`)}`);
      } else if (s.action === "unknown") {
        body.push(`    Note over ${pid}: ${mermaidText(`${words.unknown} ${s.component} ${s.id}`)}`);
      } else if (s.action === "deliver") {
        body.push(`    Note over ${pid}: ${mermaidText(words.delivered(s.packet.src))}`);
      }
      prevHop = s.hop;
      packet = s.packet;
    }
  };
  walkSteps(t.hops, "->>", t.packet);
  if (t.return.hops.length > 0) {
    const first = t.return.hops[0]!;
    walkSteps(t.return.hops, "-->>", first.packet);
  }
  const head = ["```mermaid", "sequenceDiagram"];
  for (const [hop, p] of participants) head.push(`    participant ${p} as ${mermaidText(hop)}`);
  return [...head, ...body, "```"].join("\n") + "\n";
}

export function formatTraceMarkdown(t: TraceResult): string {
  const out: string[] = [];
  out.push(`## trace ${t.from.endpoint} → ${t.to.endpoint} (${t.protocol} ${t.port})`, "");
  out.push(`- from: ${t.from.label}${t.from.ip ? ` \`${t.from.ip}\`` : ""} (${t.from.how})`);
  out.push(`- to: ${t.to.label}${t.to.ip ? ` \`${t.to.ip}\`` : ""} (${t.to.how})`);
  out.push(`- verdict: **${verdictText(t)}**`);
  if (t.drop)
    out.push(
      `- drop: \`${t.drop.code}\` at \`${t.drop.at}\`: ${t.drop.message}${t.drop.source ? ` (${formatSource(t.drop.source)})` : ""}`,
    );
  if (t.unknown)
    out.push(
      `- unknown at \`${t.unknown.at}\`: ${t.unknown.message}; to decide, capture ${t.unknown.capture}${t.unknown.source ? ` (${formatSource(t.unknown.source)})` : ""}`,
    );
  if (t.return.drop)
    out.push(`- reply drop: \`${t.return.drop.code}\` at \`${t.return.drop.at}\`: ${t.return.drop.message}`);
  if (t.return.unknown)
    out.push(
      `- reply unknown at \`${t.return.unknown.at}\`: ${t.return.unknown.message}; to decide, capture ${t.return.unknown.capture}`,
    );
  for (const a of t.assumptions) out.push(`- assumed: ${a}`);
  out.push("", traceMermaid(t));
  const rows = (steps: readonly Step[]): string[][] =>
    steps.map((s, i) => [
      String(i + 1),
      s.hop,
      s.component,
      s.action,
      `\`${packetText(s.packet)}\``,
      s.note.replace(/\|/g, "\\|"),
      formatSource(s.source),
    ]);
  const header = ["#", "hop", "component", "action", "packet", "why", "source"];
  out.push("### forward", "", markdownTable(header, rows(t.hops)));
  if (t.return.hops.length > 0)
    out.push("", `### return (${t.return.verdict})`, "", markdownTable(header, rows(t.return.hops)));
  return out.join("\n") + "\n";
}
