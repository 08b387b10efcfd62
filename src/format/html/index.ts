/**
 * The report as one self-contained HTML page, and fragments of it for `podpath serve`.
 *
 * A minimal stand-in with the agreed API and test hooks (the cluster map's nodes, the placement
 * cells with their reason, the path hops and the final source address), so that `podpath serve`
 * and the browser tests can be built against it; the full page replaces it.
 */
import type { PlaceAnswer, WorkloadPlacementJson } from "../../questions/place.js";
import type { ReportAnswer } from "../../questions/report.js";
import type { TraceAnswer } from "../../questions/trace.js";

export interface HtmlOptions {
  readonly live?: { readonly head?: string; readonly body?: string };
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function cell(w: WorkloadPlacementJson, node: string): string {
  const id = `${w.namespace}/${w.name}`;
  const runs = w.pods.some((p) => (p.observedNode ?? p.predictedNode) === node);
  const rejected = w.nodes.find((n) => n.node === node && !n.feasible);
  const verdict = runs
    ? "runs"
    : w.feasibleNodes.includes(node)
      ? "feasible"
      : rejected
        ? "rejected"
        : w.targetedNodes && !w.targetedNodes.includes(node)
          ? "not-targeted"
          : "rejected";
  const reason = rejected
    ? rejected.reasons.map((r) => `${r.plugin}: ${r.message}${r.source ? ` (${r.source})` : ""}`).join("; ")
    : verdict === "not-targeted"
      ? "the DaemonSet controller makes no pod for this node"
      : "passes every filter of the scheduler";
  return `<td data-testid="placement-cell" data-workload="${esc(id)}" data-node="${esc(node)}" data-verdict="${verdict}" title="${esc(reason)}" tabindex="0">${verdict}</td>`;
}

function matrix(workloads: readonly WorkloadPlacementJson[], nodes: readonly string[]): string {
  const head = nodes.map((n) => `<th>${esc(n)}</th>`).join("");
  const rows = workloads
    .map((w) => `<tr><th>${esc(`${w.namespace}/${w.name}`)}</th>${nodes.map((n) => cell(w, n)).join("")}</tr>`)
    .join("\n");
  return `<table class="placement"><thead><tr><th></th>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function nodesOf(workloads: readonly WorkloadPlacementJson[]): string[] {
  const nodes = new Set<string>();
  for (const w of workloads) {
    for (const n of w.feasibleNodes) nodes.add(n);
    for (const n of w.nodes) nodes.add(n.node);
  }
  return [...nodes].sort();
}

const SCRIPT = `document.addEventListener("click", (e) => {
  const c = e.target instanceof Element ? e.target.closest('[data-testid="placement-cell"]') : null;
  if (!c) return;
  const panel = document.querySelector('[data-testid="reason"]');
  if (!panel) return;
  panel.textContent = c.getAttribute("data-workload") + " on " + c.getAttribute("data-node") + ": " + c.getAttribute("title");
  panel.hidden = false;
});`;

export function renderReportHtml(answer: ReportAnswer, options: HtmlOptions = {}): string {
  const a = answer.analysis;
  const nodes = a.groups.flatMap((g) => g.nodes);
  const map = a.groups
    .map(
      (g) =>
        `<section class="group"><h3>${esc(g.name)}</h3><ul>${g.nodes.map((n) => `<li data-testid="node" data-node="${esc(n)}">${esc(n)}</li>`).join("")}</ul></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="${a.lang}"><head><meta charset="utf-8"><title>podpath report</title>
<style>td[data-verdict="rejected"]{background:#fdd}td[data-verdict="runs"]{background:#dfd}</style>
${options.live?.head ?? ""}</head><body>
<h1>podpath report</h1>
<h2>Cluster</h2>
${map}
<h2>Placement</h2>
${matrix(a.placement.workloads, nodes)}
<div data-testid="reason" hidden></div>
${options.live?.body ?? ""}
<script>${SCRIPT}</script>
</body></html>
`;
}

export function renderTraceHtml(answer: TraceAnswer): string {
  const t = answer.result;
  const hops = t.hops
    .map((h) => {
      const dropped = t.drop !== null && t.drop.at === `${h.component}:${h.id}` && h.action === "drop";
      const p = h.packet;
      return `<li data-testid="hop" data-component="${esc(h.component)}" data-dropped="${dropped}">${esc(h.hop)}: ${esc(h.action)} ${esc(`${p.src}:${p.srcPort} → ${p.dst}:${p.dstPort}`)}</li>`;
    })
    .join("\n");
  const final = t.finalSourceIp ? `<span data-testid="final-source">${esc(t.finalSourceIp)}</span>` : "none";
  return `<section class="path" data-verdict="${t.verdict}"><h3>${esc(t.from.endpoint)} → ${esc(t.to.endpoint)}: ${t.verdict}</h3>
<ol>${hops}</ol>
<p>source address the far end sees: ${final}</p></section>`;
}

export function renderPlaceHtml(answer: PlaceAnswer): string {
  const workloads = answer.result.workloads;
  return `<section class="placement">${matrix(workloads, nodesOf(workloads))}</section>`;
}
