/**
 * The whole page of `podpath report -o html`: one self-contained document (HTML Standard: the
 * `<style>` and `<script>` elements hold everything; nothing is fetched when it opens), the
 * sections in the Markdown report's order plus the cluster map, connectivity and exposure.
 * Deterministic: the same answer gives the same bytes (no date, no random id).
 */
import type { ExposedPath, ReportAnalysis } from "../../questions/report.js";
import { kubernetesVersionLine } from "../kubernetes-version.js";
import { clusterMapSvg, DETAIL_NODES } from "./cluster-map.js";
import { attr, esc } from "./escape.js";
import { pathView } from "./path-view.js";
import { MATRIX_MAX_NODES, placementMatrixByGroup, placementMatrixByNode } from "./placement-matrix.js";
import { SCRIPT } from "./script.js";
import { STYLE } from "./style.js";
import {
  connlistView,
  egressTable,
  exposureView,
  findingsTable,
  nodeGroupsTable,
  recommendationsList,
  staticPodsList,
} from "./tables.js";

/** Extra markup `podpath serve` inserts: `head` at the end of `<head>`, `body` at the start of `<main>`. */
export interface LiveMarkup {
  readonly head?: string;
  readonly body?: string;
}

/** A whole page around `main`'s markup. */
function pageShell(
  title: string,
  header: string,
  nav: readonly [string, string][],
  main: string,
  live?: LiveMarkup,
): string {
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${esc(title)}</title>\n<style>${STYLE}</style>\n${live?.head ?? ""}</head>\n<body>\n` +
    `<header class="top">${header}</header>\n` +
    (nav.length > 0
      ? `<nav class="toc" aria-label="sections">${nav.map(([id, text]) => `<a href="#${id}">${esc(text)}</a>`).join("")}</nav>\n`
      : "") +
    `<main>\n${live?.body ?? ""}${main}</main>\n<script>${SCRIPT}</script>\n</body>\n</html>\n`
  );
}

function part(id: string, title: string, body: string): string {
  return `<section class="part" id="${id}"><h2>${esc(title)}</h2>\n${body}\n</section>\n`;
}

function exposedPath(p: ExposedPath, i: number): string {
  const lb = p.loadBalancer;
  const head = `<h3${attr("id", `exposed-${i + 1}`)}>${esc(lb.name)} ${esc(p.listener)}: ${esc(p.rule)}</h3>`;
  const facts =
    `<p>rule <span class="src">${esc(p.ruleSource)}</span> on ${esc(lb.type)} ${esc(lb.name)} <span class="src">${esc(lb.source)}</span>` +
    `${lb.dnsName ? ` (${esc(lb.dnsName)})` : ""}${p.tracedTo ? `; traced to <code>${esc(p.tracedTo)}</code>` : ""}</p>`;
  if (p.notForwarded) return `${head}${facts}<p>not forwarded to the cluster: ${esc(p.notForwarded)}</p>`;
  if (p.error || !p.trace) return `${head}${facts}<p>not traced: ${esc(p.error ?? "no trace")}</p>`;
  return `${head}${facts}${pathView(p.trace)}`;
}

/** Every node with every label, below the map; on a large cluster the tooltips hold them instead. */
function nodesTable(a: ReportAnalysis): string {
  const nodes = a.page.map.nodes;
  if (nodes.length === 0 || nodes.length > DETAIL_NODES) return "";
  const rows = nodes
    .map(
      (n) =>
        `<tr><th scope="row">${esc(n.name)} <span class="src">${esc(n.source)}</span></th><td>${esc(n.zone ?? "—")}</td><td>${esc(n.subnetId ?? "—")}</td>` +
        `<td>${esc(n.internalIP ?? "—")}</td><td>${n.taints.map((t) => `<code>${esc(t.text)}</code>`).join("<br>") || "none"}</td>` +
        `<td>${n.labels.map((l) => `<code>${esc(l)}</code>`).join(" ")}</td><td>${n.pods.length}</td></tr>`,
    )
    .join("");
  return (
    `<details class="nodes"><summary>The ${nodes.length} nodes as a table (every label)</summary><div class="scroll"><table>` +
    `<thead><tr><th scope="col">node</th><th scope="col">zone</th><th scope="col">subnet</th><th scope="col">address</th><th scope="col">taints</th><th scope="col">labels</th><th scope="col">pods</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></div></details>`
  );
}

/** The whole report page. */
export function reportPage(a: ReportAnalysis, live?: LiveMarkup): string {
  const map = a.page.map;
  const header =
    `<h1>podpath report${a.namespace !== undefined ? ` — namespace ${esc(a.namespace)}` : ""}</h1>` +
    `<p>Written from the snapshot alone (${a.files} files): every claim names the object and the file:line behind it. ` +
    `Placement follows ${esc(kubernetesVersionLine(a.placement.kubernetes))}.</p>` +
    `<p class="src">${map.nodes.length} nodes, ${a.rows.length} workloads, ${a.exposed.length} exposed paths, ${a.egress.rows.length} egress rows, ${a.findings.length} lint findings.</p>`;
  const matrix =
    map.nodes.length <= MATRIX_MAX_NODES
      ? placementMatrixByNode(
          a.placement,
          map.nodes.map((n) => n.name),
        )
      : placementMatrixByGroup(a);
  const sections: [string, string, string][] = [
    [
      "map",
      "Cluster map",
      `<p>Nodes by subnet and zone with their taints, labels and pods (● running, ○ placed by the scheduler, ◆ static); the VPC with its route tables, gateways and load balancers. Hover a box, or focus it, for everything it holds.</p>` +
        `<div class="scroll">${clusterMapSvg(map)}</div>` +
        `<div class="reason" data-testid="map-detail" role="status" aria-live="polite">Focus (Tab) or click a node or load balancer to read everything it holds here.</div>` +
        nodesTable(a),
    ],
    [
      "placement",
      "Where the pods run",
      `<h3>Node groups</h3>${nodeGroupsTable(a)}<h3>Placement matrix</h3>${matrix}${staticPodsList(a)}`,
    ],
    [
      "paths",
      "Internet-exposed services: the request and the reply",
      a.exposed.length === 0
        ? "<p>No load balancer rule reaches the cluster from the internet.</p>"
        : `<p>One request from the internet per load-balancer rule, traced hop by hop and back: the packet before and after each NAT, the drop highlighted.</p>${a.exposed.map(exposedPath).join("")}`,
    ],
    ["egress", "Egress: which source IP each destination sees", egressTable(a.egress)],
    [
      "connectivity",
      "Connectivity (NetworkPolicy)",
      a.page.connlist ? connlistView(a.page.connlist) : "<p>Not computed for this page.</p>",
    ],
    ["exposure", "Exposure", a.page.exposure ? exposureView(a.page.exposure) : "<p>Not computed for this page.</p>"],
    ["lint", "Lint findings", findingsTable(a.findings)],
    ["recommendations", "Recommendations", recommendationsList(a)],
  ];
  const main = sections.map(([id, title, body], i) => part(id, `${i + 1}. ${title}`, body)).join("");
  return pageShell(
    "podpath report",
    header,
    sections.map(([id, title]) => [id, title]),
    main,
    live,
  );
}
