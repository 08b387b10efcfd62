/**
 * One traced flow as a sequence of hops: each step of the trace (the device, the component and
 * the object that decided, its action, the packet after it, the note, `file:line`), the packet
 * before and after each NAT step (the translation of Batfish's TransformationStep: DNAT rewrites
 * the destination, SNAT the source), the dropping step highlighted, then the reply, and the
 * source address the far end sees.
 */
import type { TraceResult } from "../../analysis/paths/trace.js";
import type { Packet, Step } from "../../analysis/paths/trace-model.js";
import { formatSource } from "../../model/source.js";
import { packetText } from "../trace.js";
import { attr, esc } from "./escape.js";

const NAT = new Set(["dnat", "snat"]);

/** The device chain's geometry: boxes per row, box size, the monospace advance at 11 px. */
const CHAIN_PER_ROW = 6;
const CHAIN_W = 170;
const CHAIN_H = 40;
const CHAIN_GAP = 26;
const CHAIN_ROW_GAP = 22;
const CHAIN_CHARS = Math.floor((CHAIN_W - 12) / 6.6);

interface Device {
  readonly hop: string;
  readonly components: string[];
  nat: boolean;
  dropped: boolean;
  unknown: boolean;
}

/** The devices the packet crosses, in order (consecutive steps of one device merged), as the boxes of the chain. */
function devices(steps: readonly Step[]): Device[] {
  const out: Device[] = [];
  for (const s of steps) {
    let d = out.at(-1);
    if (!d || d.hop !== s.hop) {
      d = { hop: s.hop, components: [], nat: false, dropped: false, unknown: false };
      out.push(d);
    }
    if (!d.components.includes(s.component)) d.components.push(s.component);
    if (NAT.has(s.action)) d.nat = true;
    if (s.action === "drop") d.dropped = true;
    if (s.action === "unknown") d.unknown = true;
  }
  return out;
}

function cut(text: string): string {
  return text.length <= CHAIN_CHARS ? text : `${text.slice(0, CHAIN_CHARS - 1)}…`;
}

/**
 * The request's devices as an SVG chain laid out here, left to right in rows of CHAIN_PER_ROW:
 * a box per device (NAT in blue, the drop in red, undecided in yellow), an arrow between each.
 */
function deviceChain(steps: readonly Step[]): string {
  const list = devices(steps);
  if (list.length === 0) return "";
  const pos = list.map((_, i) => ({
    x: 6 + (i % CHAIN_PER_ROW) * (CHAIN_W + CHAIN_GAP),
    y: 6 + Math.floor(i / CHAIN_PER_ROW) * (CHAIN_H + CHAIN_ROW_GAP),
  }));
  // arrowheads drawn as triangles (no <marker>: its url(#id) would repeat one id per path on the page)
  const arrows = pos.slice(1).map((p, i) => {
    const a = pos[i]!;
    if (a.y === p.y) {
      const [x, y] = [p.x - 2, p.y + CHAIN_H / 2];
      return `<line x1="${a.x + CHAIN_W}" y1="${y}" x2="${x}" y2="${y}"/><polygon points="${x - 7},${y - 4} ${x},${y} ${x - 7},${y + 4}"/>`;
    }
    const [x, y] = [p.x + CHAIN_W / 2, p.y - 2];
    return (
      `<polyline points="${a.x + CHAIN_W / 2},${a.y + CHAIN_H} ${a.x + CHAIN_W / 2},${a.y + CHAIN_H + CHAIN_ROW_GAP / 2} ${x},${p.y - CHAIN_ROW_GAP / 2} ${x},${y}"/>` +
      `<polygon points="${x - 4},${y - 7} ${x},${y} ${x + 4},${y - 7}"/>`
    );
  });
  const boxes = list.map((d, i) => {
    const p = pos[i]!;
    const cls = d.dropped ? "dev dropped" : d.unknown ? "dev unknown" : d.nat ? "dev nat" : "dev";
    const second = `${d.components.join(", ")}${d.nat ? " · NAT" : ""}${d.dropped ? " · DROP" : ""}`;
    return (
      `<g class="${cls}"><title>${esc(`${d.hop}: ${d.components.join(", ")}`)}</title>` +
      `<rect x="${p.x}" y="${p.y}" width="${CHAIN_W}" height="${CHAIN_H}" rx="4"/>` +
      `<text x="${p.x + 6}" y="${p.y + 16}">${esc(cut(d.hop))}</text>` +
      `<text x="${p.x + 6}" y="${p.y + 31}" class="t-dim">${esc(cut(second))}</text></g>`
    );
  });
  const rows = Math.ceil(list.length / CHAIN_PER_ROW);
  const w = 12 + Math.min(list.length, CHAIN_PER_ROW) * (CHAIN_W + CHAIN_GAP) - CHAIN_GAP;
  const h = 12 + rows * CHAIN_H + (rows - 1) * CHAIN_ROW_GAP;
  return (
    `<svg class="chain" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img"` +
    `${attr("aria-label", `the devices the packet crosses: ${list.map((d) => d.hop).join(", ")}`)}>` +
    `<g class="arrows">${arrows.join("")}</g>${boxes.join("")}</svg>`
  );
}

function src(file: string): string {
  return file ? ` <span class="src">${esc(file)}</span>` : "";
}

function stepItem(s: Step, before: Packet | undefined, direction: "request" | "reply"): string {
  const dropped = s.action === "drop";
  const packet =
    NAT.has(s.action) && before
      ? `<div class="pkt"><span class="lbl">before</span> <code>${esc(packetText(before))}</code> <span class="lbl">after</span> <code class="changed">${esc(packetText(s.packet))}</code></div>`
      : `<div class="pkt"><code>${esc(packetText(s.packet))}</code></div>`;
  return (
    `<li class="hop a-${esc(s.action)}" data-testid="hop"${attr("data-direction", direction)}${attr("data-action", s.action)}` +
    `${dropped ? ' data-dropped="true"' : ""}${s.action === "unknown" ? ' data-unknown="true"' : ""} tabindex="0">` +
    `<div class="dev"><strong>${esc(s.hop)}</strong> <span class="comp">${esc(s.component)}</span> <code>${esc(s.id)}</code> <span class="act">${esc(s.action)}</span></div>` +
    packet +
    `<p class="note">${esc(s.note)}${src(formatSource(s.source))}</p></li>`
  );
}

function steps(list: readonly Step[], first: Packet | undefined, direction: "request" | "reply"): string {
  return list.map((s, i) => stepItem(s, i === 0 ? first : list[i - 1]!.packet, direction)).join("");
}

function verdictLine(t: TraceResult): string {
  const final =
    t.finalSourceIp !== null
      ? `<strong data-testid="final-source">${esc(t.finalSourceIp)}</strong>`
      : `<strong data-testid="final-source" data-none="true">none</strong>`;
  if (t.verdict === "dropped" && t.drop)
    return `<p class="verdict v-dropped"><span class="badge">dropped</span> at <code>${esc(t.drop.at)}</code> (${esc(t.drop.code)}): ${esc(t.drop.message)}${src(formatSource(t.drop.source))}. The far end sees the source ${final}.</p>`;
  if (t.verdict === "unknown" && t.unknown)
    return `<p class="verdict v-unknown"><span class="badge">unknown</span> at <code>${esc(t.unknown.at)}</code>: ${esc(t.unknown.message)}${src(formatSource(t.unknown.source))}; capture ${esc(t.unknown.capture)} to decide. The far end sees the source ${final}.</p>`;
  if (t.answeredBy)
    return `<p class="verdict v-delivered"><span class="badge">answered</span> by ${esc(t.answeredBy.component)} <code>${esc(t.answeredBy.id)}</code>, not forwarded: ${esc(t.answeredBy.note)}. Source seen: ${final}.</p>`;
  const reply =
    t.return.verdict === "delivered"
      ? "the reply comes back"
      : t.return.verdict === "dropped" && t.return.drop
        ? `but the reply is dropped at ${t.return.drop.at} (${t.return.drop.code})`
        : t.return.verdict === "unknown" && t.return.unknown
          ? `whether the reply comes back is unknown at ${t.return.unknown.at}`
          : "";
  const tone =
    t.return.verdict === "dropped" ? "v-dropped" : t.return.verdict === "unknown" ? "v-unknown" : "v-delivered";
  return `<p class="verdict ${tone}"><span class="badge">delivered</span> the destination sees the source ${final}${reply ? `; ${esc(reply)}` : ""}.</p>`;
}

/** The path viewer of one trace: `<section class="path">…</section>`. */
export function pathView(t: TraceResult, heading?: string): string {
  const title =
    heading ?? `${t.from.endpoint} → ${t.to.endpoint} (${t.protocol}${t.protocol === "ICMP" ? "" : ` port ${t.port}`})`;
  const reply =
    t.return.hops.length > 0
      ? `<h4>the reply</h4><ol class="hops reply">${steps(t.return.hops, undefined, "reply")}</ol>` +
        (t.return.drop
          ? `<p class="verdict v-dropped">reply dropped at <code>${esc(t.return.drop.at)}</code> (${esc(t.return.drop.code)}): ${esc(t.return.drop.message)}${src(formatSource(t.return.drop.source))}</p>`
          : "")
      : "";
  const assumptions =
    t.assumptions.length > 0
      ? `<details class="assumed"><summary>${t.assumptions.length} assumptions</summary><ul>${t.assumptions.map((a) => `<li>${esc(a)}</li>`).join("")}</ul></details>`
      : "";
  return (
    `<section class="path" data-testid="path"${attr("data-verdict", t.verdict)}${attr("data-reply", t.return.verdict)}>` +
    `<h3>${esc(title)}</h3>` +
    `<p class="ends">from <strong>${esc(t.from.label)}</strong>${t.from.ip ? ` (${esc(t.from.ip)})` : ""} to <strong>${esc(t.to.label)}</strong>${t.to.ip ? ` (${esc(t.to.ip)})` : ""}; sent as <code>${esc(packetText(t.packet))}</code></p>` +
    verdictLine(t) +
    `<div class="scroll">${deviceChain(t.hops)}</div>` +
    `<h4>the packet, hop by hop</h4><ol class="hops">${steps(t.hops, t.packet, "request")}</ol>` +
    reply +
    assumptions +
    `</section>`
  );
}
