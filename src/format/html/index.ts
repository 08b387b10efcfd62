/**
 * `podpath report -o html`: one self-contained HTML page (inline style and script, diagrams as
 * inline SVG laid out here; nothing is fetched when it opens), and the fragments `podpath serve`
 * builds its live page from. Every string from the snapshot is escaped (escape.ts).
 *
 * Test hooks the browser tests rely on (keep them): each node of the cluster map has
 * `data-testid="node"` and `data-node`; each placement cell `data-testid="placement-cell"`,
 * `data-workload` (NS/NAME), `data-node` (or `data-group` in a matrix by node group),
 * `data-verdict` and a `title` with the reason, shown on click or Enter in `data-testid="reason"`;
 * each step of a path `data-testid="hop"`, the dropping one `data-dropped="true"`, and the source
 * the far end sees `data-testid="final-source"`.
 */
import type { PlaceAnswer } from "../../questions/place.js";
import type { ReportAnswer } from "../../questions/report.js";
import type { TraceAnswer } from "../../questions/trace.js";
import { reportPage } from "./page.js";
import { pathView } from "./path-view.js";
import { nodesOf, placementMatrixByNode } from "./placement-matrix.js";

export interface HtmlOptions {
  /** extra markup `podpath serve` inserts: `head` at the end of <head>, `body` at the start of <main> */
  readonly live?: { readonly head?: string; readonly body?: string };
}

/** The whole page. */
export function renderReportHtml(answer: ReportAnswer, options: HtmlOptions = {}): string {
  return reportPage(answer.analysis, options.live);
}

/** A fragment: `<section class="path">…</section>`. */
export function renderTraceHtml(answer: TraceAnswer): string {
  return pathView(answer.analysis);
}

/** A fragment: the placement matrix of that answer (workload × every node it names). */
export function renderPlaceHtml(answer: PlaceAnswer): string {
  return placementMatrixByNode(answer.result, nodesOf(answer.result));
}
