import type { TraceResult } from "../analysis/paths/trace.js";
import type { Drop, Packet, Step, Unknown } from "../analysis/paths/trace-model.js";
import { formatSource, type SourceRef } from "../model/source.js";
import type { TraceJson } from "../questions/trace.js";
import { markdownTable, table } from "./table.js";
import { fitTable, paint, PLAIN_TEXT, wrap, type TextStyle, type Tone } from "./terminal.js";

/**
 * `trace` output: the JSON contract, a hop table, Markdown with a Mermaid sequence diagram, and
 * `--brief` (the verdict, the NAT chain, the drop). Text lines fit the style's width (120 when
 * piped): long lines wrap with a hanging indent, never inside a word, so `file:line` stays whole.
 */

export function formatTraceJson(result: TraceJson): string {
  return JSON.stringify(result, null, 2) + "\n";
}

/** A packet as one line: `src:port → dst:port PROTO`, an overlay's outer header in brackets (also the HTML path view's). */
export function packetText(p: Packet): string {
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

/** The tone of the whole answer: dropped or unknown if the packet or its reply is, else delivered. */
function toneOfTrace(t: TraceResult): Tone {
  if (t.verdict !== "delivered") return t.verdict;
  return t.return.verdict === "dropped" || t.return.verdict === "unknown" ? t.return.verdict : "delivered";
}

/** `first + text` wrapped to the style's width, the first line's `first` painted in `tone`. */
function wrapped(first: string, text: string, style: TextStyle, tone?: Tone, hang?: string): string[] {
  const lines = wrap(first, text, style.width, hang);
  if (tone && style.colour) {
    const label = first.trimEnd();
    lines[0] = paint(label, tone, style) + lines[0]!.slice(label.length);
  }
  return lines;
}

/** The "why" lines, one per step, wrapped; with `withSource`, each ends with its step's `[file:line]`. */
function notes(steps: readonly Step[], style: TextStyle, withSource: boolean): string[] {
  return steps.flatMap((s, i) => {
    const tone: Tone | undefined = s.action === "drop" ? "dropped" : s.action === "unknown" ? "unknown" : undefined;
    const note = withSource ? located(s.note, s.source) : s.note;
    return wrapped(`  ${String(i + 1).padStart(2)}. `, note, style, tone);
  });
}

const STEP_HEADER = ["#", "hop", "component", "action", "packet after the step", "source"];

/**
 * The steps as a table and their "why" lines. When the table with its `source` column is wider
 * than the style allows, `source` moves to the end of each "why" line (a `file:line` is never
 * split), and the table wraps its cells.
 */
function stepLines(steps: readonly Step[], style: TextStyle): string[] {
  const rows = [STEP_HEADER, ...stepRows(steps)];
  const full = table(rows);
  if (full.split("\n").every((l) => l.length <= style.width)) return [full, "why:", ...notes(steps, style, false)];
  const narrow = rows.map((r) => r.slice(0, -1));
  return [fitTable(narrow, style.width, table), "why:", ...notes(steps, style, true)];
}

function located(message: string, source: SourceRef | undefined): string {
  return `${message}${source ? ` [${formatSource(source)}]` : ""}`;
}

/** The lines under the verdict: the drop, the undecided step, the reply's, and what was assumed. */
function outcomeLines(t: TraceResult, style: TextStyle): string[] {
  const lines: string[] = [];
  if (t.drop) lines.push(...wrapped("  ", located(t.drop.message, t.drop.source), style, undefined, "    "));
  if (t.unknown) lines.push(...wrapped("  ", located(t.unknown.message, t.unknown.source), style, undefined, "    "));
  if (t.return.drop)
    lines.push(...wrapped("  reply: ", located(t.return.drop.message, t.return.drop.source), style, "dropped", "    "));
  if (t.return.unknown)
    lines.push(
      ...wrapped("  reply: ", located(t.return.unknown.message, t.return.unknown.source), style, "unknown", "    "),
    );
  for (const a of t.assumptions) lines.push(...wrapped("assumed: ", a, style, undefined, "  "));
  return lines;
}

function heading(t: TraceResult): string {
  return `trace ${t.from.endpoint} → ${t.to.endpoint} (${t.protocol}${t.protocol === "ICMP" ? "" : ` port ${t.port}`})`;
}

export function formatTraceText(t: TraceResult, style: TextStyle = PLAIN_TEXT): string {
  const lines: string[] = [];
  lines.push(...wrapped("", heading(t), style, undefined, "  "));
  lines.push(...wrapped("  from ", `${t.from.label}${t.from.ip ? ` ${t.from.ip}` : ""} (${t.from.how})`, style));
  lines.push(...wrapped("  to   ", `${t.to.label}${t.to.ip ? ` ${t.to.ip}` : ""} (${t.to.how})`, style));
  lines.push(...wrapped("verdict: ", verdictText(t), style, toneOfTrace(t), "  "));
  lines.push(...outcomeLines(t, style));
  lines.push("", "forward:", ...stepLines(t.hops, style));
  if (t.return.hops.length > 0) lines.push("", `return (${t.return.verdict}):`, ...stepLines(t.return.hops, style));
  return lines.join("\n") + "\n";
}

/**
 * The NAT chain: the packet as it leaves, each address a SNAT or DNAT step rewrote (with the
 * component that did it), and where it arrives: `10.0.1.5:3456 → SNAT 172.31.0.9 (vpc-cni) → …`.
 */
function natChain(t: TraceResult): string {
  const icmp = t.protocol === "ICMP";
  const parts = [icmp ? t.packet.src : `${t.packet.src}:${t.packet.srcPort}`];
  let before = t.packet;
  for (const s of t.hops) {
    if (s.action === "snat" && s.packet.src !== before.src) parts.push(`SNAT ${s.packet.src} (${s.component})`);
    if (s.action === "dnat" && (s.packet.dst !== before.dst || s.packet.dstPort !== before.dstPort))
      parts.push(`DNAT ${s.packet.dst}${icmp ? "" : `:${s.packet.dstPort}`} (${s.component})`);
    before = s.packet;
  }
  parts.push(icmp ? t.finalPacket.dst : `${t.finalPacket.dst}:${t.finalPacket.dstPort}`);
  return parts.join(" → ");
}

/** The drops and undecided steps of the packet and its reply, as `--brief` lists them. */
function briefOutcomes(t: TraceResult): { label: string; tone: Tone; text: string; md: string }[] {
  const out: { label: string; tone: Tone; text: string; md: string }[] = [];
  const drops: [string, Drop | null][] = [
    ["drop", t.drop],
    ["reply drop", t.return.drop],
  ];
  for (const [label, d] of drops)
    if (d)
      out.push({
        label,
        tone: "dropped",
        text: `${d.code} at ${d.at}: ${located(d.message, d.source)}`,
        md: `\`${d.code}\` at \`${d.at}\`: ${d.message}${d.source ? ` (${formatSource(d.source)})` : ""}`,
      });
  const unknowns: [string, Unknown | null][] = [
    ["unknown", t.unknown],
    ["reply unknown", t.return.unknown],
  ];
  for (const [label, u] of unknowns)
    if (u)
      out.push({
        label,
        tone: "unknown",
        text: `at ${u.at}: ${located(u.message, u.source)}; capture ${u.capture}`,
        md: `at \`${u.at}\`: ${u.message}${u.source ? ` (${formatSource(u.source)})` : ""}; to decide, capture ${u.capture}`,
      });
  return out;
}

/** `trace --brief`: the verdict, the NAT chain, the drop (its code and the object that dropped it). */
export function formatTraceBriefText(t: TraceResult, style: TextStyle = PLAIN_TEXT): string {
  const lines: string[] = [];
  lines.push(...wrapped("", heading(t), style, undefined, "  "));
  lines.push(...wrapped("  verdict: ", verdictText(t), style, toneOfTrace(t), "    "));
  lines.push(...wrapped("  NAT: ", natChain(t), style, undefined, "    "));
  for (const o of briefOutcomes(t)) lines.push(...wrapped(`  ${o.label}: `, o.text, style, o.tone, "    "));
  return lines.join("\n") + "\n";
}

/** `trace --brief -o md`: the same facts as a short list. */
export function formatTraceBriefMarkdown(t: TraceResult): string {
  const out = [`- \`${heading(t)}\`: **${verdictText(t)}**`, `  - NAT: \`${natChain(t)}\``];
  for (const o of briefOutcomes(t)) out.push(`  - ${o.label}: ${o.md}`);
  return out.join("\n") + "\n";
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
