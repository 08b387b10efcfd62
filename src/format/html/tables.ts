/**
 * The page's tables: node groups, the egress table (analysis/paths/egress.ts: which source address
 * each destination class sees, with each row's traced path), connectivity (connlist: what
 * NetworkPolicy allows, as np-guard netpol-analyzer's `list` words it), exposure (who reaches each
 * workload), the lint findings and the recommendations. Above CONNLIST_ALL connections the lists
 * are capped (CONNLIST_SOURCES sources per destination) with the count of what is left out and the
 * command that lists it.
 */
import type { EgressReport } from "../../analysis/paths/egress.js";
import type { FindingJson } from "../../questions/contract.js";
import type { ConnlistJson } from "../../questions/connlist.js";
import type { ExposureJson } from "../../questions/exposure.js";
import type { ReportAnalysis } from "../../questions/report.js";
import { attr, esc } from "./escape.js";
import { pathView } from "./path-view.js";

/** Sources listed per destination in the connectivity view when the answer has more than CONNLIST_ALL connections; the rest are counted. */
const CONNLIST_SOURCES = 12;
const CONNLIST_ALL = 2000;

function src(file: string | null | undefined): string {
  return file ? ` <span class="src">${esc(file)}</span>` : "";
}

function tableOf(head: readonly string[], rows: readonly string[], cls = ""): string {
  return `<div class="scroll"><table${attr("class", cls || null)}><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

/** Node names listed in a cell; the rest are counted. */
const LISTED_NODES = 12;

function nodeList(nodes: readonly string[]): string {
  return nodes.length <= LISTED_NODES
    ? nodes.join(", ")
    : `${nodes.slice(0, LISTED_NODES).join(", ")} +${nodes.length - LISTED_NODES} more (${nodes.length} nodes)`;
}

export function nodeGroupsTable(a: ReportAnalysis): string {
  return tableOf(
    ["group", "nodes", "taints", "labels"],
    a.groups.map(
      (g) =>
        `<tr><th scope="row">${esc(g.name)}</th><td>${esc(nodeList(g.nodes))}</td><td>${g.taints.map((t) => `<code>${esc(t.text)}</code>${src(t.source)}`).join("<br>") || "none"}</td><td>${g.labels.map((l) => `<code>${esc(l)}</code>`).join(" ") || "—"}</td></tr>`,
    ),
  );
}

export function staticPodsList(a: ReportAnalysis): string {
  const pods = a.placement.staticPods;
  if (pods.length === 0) return "";
  return `<p>Static pods (started by their node's kubelet, never scheduled): ${pods
    .map((p) => `${esc(p.namespace)}/${esc(p.name)} on ${esc(p.node)}${src(p.source)}`)
    .join(", ")}.</p>`;
}

function tone(verdict: string): string {
  return verdict === "delivered" ? "v-delivered" : verdict === "dropped" ? "v-dropped" : "v-unknown";
}

/** The egress table; each traced row opens its path below. */
export function egressTable(egress: EgressReport): string {
  const rows = egress.rows.map((r) => {
    const snat = r.snat.map((s) => `${s.component}: ${s.from} → ${s.to}`).join("; ") || "none";
    return (
      `<tr><th scope="row">${esc(r.group)}</th><td>${esc(r.destinationWords)}</td><td>${esc(r.from)} → ${esc(r.to)}</td>` +
      `<td class="${tone(r.verdict)}">${esc(r.verdict)}${r.drop ? ` (${esc(r.drop.code)} at ${esc(r.drop.at)})` : ""}</td>` +
      `<td>${esc(snat)}</td><td><strong>${esc(r.finalSourceIp ?? "—")}</strong></td>` +
      `<td class="${tone(r.replyVerdict)}">${esc(r.replyVerdict)}</td><td>${esc(r.note)}</td></tr>`
    );
  });
  const traced = egress.rows
    .filter((r) => r.trace)
    .map(
      (r) =>
        `<details class="flow"><summary>${esc(r.group)}: ${esc(r.destinationWords)} — ${esc(r.verdict)}, source seen ${esc(r.finalSourceIp ?? "none")}</summary>${pathView(r.trace!, `${r.from} → ${r.to}`)}</details>`,
    )
    .join("");
  return (
    `<p>CNI: ${esc(egress.cni.replace(/\.$/, ""))}. Node groups: ${egress.groups.map((g) => `${esc(g.name)} (${esc(g.role)}${g.subnetId ? `, ${esc(g.subnetId)}` : ""}: ${esc(nodeList(g.nodes))})`).join("; ")}.</p>` +
    tableOf(
      ["node group", "destination", "traced", "verdict", "SNAT on the way", "source seen", "reply", "note"],
      rows,
    ) +
    (traced ? `<h3>Each egress row's path</h3>${traced}` : "")
  );
}

/** connlist: per destination, the sources NetworkPolicy lets in and on which ports. */
export function connlistView(c: ConnlistJson): string {
  const cap = c.connections.length <= CONNLIST_ALL ? c.connections.length : CONNLIST_SOURCES;
  const byDst = new Map<string, { src: string; conn: string }[]>();
  for (const x of c.connections) {
    const list = byDst.get(x.dst) ?? [];
    list.push({ src: x.src, conn: x.conn });
    byDst.set(x.dst, list);
  }
  const rows = [...byDst.keys()].sort().map((dst) => {
    const list = byDst.get(dst)!;
    const shown = list
      .slice(0, cap)
      .map((s) => `<li><code>${esc(s.src)}</code>: ${esc(s.conn)}</li>`)
      .join("");
    const more =
      list.length > cap ? `<li>+${list.length - cap} more sources (podpath connlist lists every one)</li>` : "";
    return `<tr><th scope="row"><code>${esc(dst)}</code></th><td>${list.length}</td><td><ul class="flat">${shown}${more}</ul></td></tr>`;
  });
  const notes = c.notes.map((n) => `<li>${esc(n.message)}${src(n.source)}</li>`).join("");
  return (
    `<p>${c.connections.length} allowed connections between ${c.workloads.length} workloads and address ranges${c.dataplane ? ` (dataplane ${esc(c.dataplane)})` : ""}, by destination.</p>` +
    tableOf(["destination", "sources", "allowed from"], rows, "conn") +
    (notes ? `<ul class="notes">${notes}</ul>` : "")
  );
}

/** exposure: per workload, its internet frontends (with the chain's verdict) and what NetworkPolicy lets in. */
export function exposureView(e: ExposureJson): string {
  const frontend = (x: ExposureJson["unattached"][number]): string =>
    `<li class="${x.verdict === "open" ? "v-open" : x.verdict === "blocked" ? "v-dropped" : "v-unknown"}">` +
    `<strong>${esc(x.verdict)}</strong> ${esc(x.kind)} <code>${esc(x.frontend)}</code> ${esc(x.protocol)} ${esc(x.port)}${src(x.source)}` +
    `<div class="chain">${esc(x.path)}</div>` +
    (x.blockedBy
      ? `<div>blocked by ${esc(x.blockedBy.at)} (${esc(x.blockedBy.code)}): ${esc(x.blockedBy.message)}${src(x.blockedBy.source)}</div>`
      : "") +
    (x.unknown ? `<div>unknown at ${esc(x.unknown.at)}: ${esc(x.unknown.message)}${src(x.unknown.source)}</div>` : "") +
    `</li>`;
  const rows = e.workloads.map((w) => {
    const internet =
      w.internet.length > 0 ? `<ul class="flat">${w.internet.map(frontend).join("")}</ul>` : "no frontend";
    // who NetworkPolicy lets in is connectivity's list (by destination): counted here, not repeated
    const incoming = w.openToAll
      ? "every workload and address, on every port"
      : w.incoming.length === 0
        ? "nothing"
        : `${w.incoming.length} workloads and address ranges (listed under <a href="#connectivity">Connectivity</a>)`;
    return `<tr${w.internetFacing ? ' class="facing"' : ""}><th scope="row"><code>${esc(w.id)}</code>${src(w.source)}</th><td>${internet}</td><td>${incoming}</td></tr>`;
  });
  const facing = e.workloads.filter((w) => w.internetFacing).length;
  return (
    `<p>${e.workloads.length} workloads, ${facing} reachable from the internet.</p>` +
    tableOf(["workload", "from the internet", "from workloads and addresses (NetworkPolicy)"], rows, "exposure") +
    (e.unattached.length > 0
      ? `<h3>Frontends that reach no workload</h3><ul class="flat">${e.unattached.map(frontend).join("")}</ul>`
      : "") +
    (e.notes.length > 0
      ? `<ul class="notes">${e.notes.map((n) => `<li>${esc(n.message)}${src(n.source)}</li>`).join("")}</ul>`
      : "")
  );
}

export function findingsTable(findings: readonly FindingJson[]): string {
  if (findings.length === 0) return "<p>Lint found nothing.</p>";
  return tableOf(
    ["severity", "rule", "finding", "objects"],
    findings.map(
      (f) =>
        `<tr class="sev-${esc(f.severity)}"><td>${esc(f.severity)}</td><td><code>${esc(f.ruleId)}</code></td><td>${esc(f.message)}${f.fix ? `<div class="fix">fix: ${esc(f.fix)}</div>` : ""}</td>` +
        `<td>${f.objects.map((o) => `${esc(o.kind)} ${esc(o.namespace ? `${o.namespace}/` : "")}${esc(o.name)}${src(o.at)}`).join("<br>")}</td></tr>`,
    ),
    "findings",
  );
}

export function recommendationsList(a: ReportAnalysis): string {
  if (a.recommendations.length === 0) return "<p>No recommendation.</p>";
  return a.recommendations
    .map((r) => {
      if (r.kind === "placement")
        return `<details class="rec"><summary>Running <code>${esc(r.workload)}</code> on node group ${esc(r.group)} (only if you want it there)${r.fix.verified ? " — verified" : ""}</summary><p>${esc(r.workloadKind)} ${esc(r.workload)}${src(r.source)} onto <code>${esc(r.onto)}</code>. With the group's tolerations alone it could run on: ${esc(r.tolerationOnlyFeasible.join(", ") || "no node")}.</p></details>`;
      return `<details class="rec"><summary>An egress NetworkPolicy for namespace ${esc(r.namespace)}${r.verified ? " — verified" : " — not verified"}</summary><pre>${esc(r.yaml)}</pre><ul>${r.checks
        .map(
          (c) =>
            `<li class="${c.holds ? "v-delivered" : "v-dropped"}">${esc(c.from)} → ${esc(c.to)}: expected ${esc(c.expected)}, ${c.holds ? "holds" : "does not hold"}</li>`,
        )
        .join("")}</ul></details>`;
    })
    .join("");
}
