/**
 * The placement matrix: one row per workload, one column per node (per node group when the
 * cluster has more than MATRIX_MAX_NODES nodes), each cell the scheduler's verdict with its
 * reason in the cell's `title` (hover) and, on click or Enter, in the section's reason panel.
 *
 * The verdicts are kube-scheduler's: a node is rejected when a Filter plugin returns
 * Unschedulable (pkg/scheduler/framework/interface.go; the reasons are each plugin's own
 * message, as `place` reports them), feasible when every Filter passes; a DaemonSet pod exists
 * only on the nodes the controller targets (pkg/controller/daemon NodeShouldRunDaemonPod); a pod
 * bound by spec.nodeName never meets the scheduler (its kubelet admits it). The cells follow the
 * WAI-ARIA Authoring Practices' grid pattern: each is focusable, the arrow keys move between
 * them (script.ts), Enter or Space opens its reason.
 */
import type { PlacementJson, ReasonJson, WorkloadPlacementJson } from "../../questions/place.js";
import type { ReportAnalysis } from "../../questions/report.js";
import { attr, esc } from "./escape.js";

/** Above this many nodes the report's matrix has one column per node group instead of per node. */
export const MATRIX_MAX_NODES = 40;

export type CellVerdict = "runs" | "predicted" | "feasible" | "rejected" | "not-targeted";

const MARK: Readonly<Record<CellVerdict, string>> = {
  runs: "●",
  predicted: "○",
  feasible: "✓",
  rejected: "✗",
  "not-targeted": "–",
};

const VERDICT_WORDS: Readonly<Record<CellVerdict, string>> = {
  runs: "runs here (a pod is observed on the node)",
  predicted: "the scheduler places a new pod here",
  feasible: "can run here: every Filter plugin passes, no pod of it is here",
  rejected: "rejected: a Filter plugin (or the kubelet) refuses the node",
  "not-targeted": "not targeted: its controller makes no pod for the node",
};

function reasonText(r: ReasonJson): string {
  return `${r.plugin}: ${r.message}${r.detail ? ` — ${r.detail}` : ""}${r.source ? ` (${r.source})` : ""}`;
}

interface Cell {
  readonly verdict: CellVerdict;
  readonly count: number;
  readonly reason: string;
}

function workloadName(w: { readonly namespace: string; readonly name: string }): string {
  return `${w.namespace}/${w.name}`;
}

type PodJson = WorkloadPlacementJson["pods"][number];

/** One workload's answer indexed by node, once per row: each cell then costs no scan of the answer. */
export interface WorkloadIndex {
  readonly w: WorkloadPlacementJson;
  readonly observed: ReadonlyMap<string, PodJson[]>;
  readonly predicted: ReadonlyMap<string, PodJson[]>;
  readonly rejected: ReadonlyMap<string, WorkloadPlacementJson["nodes"][number]>;
  readonly notTargeted: ReadonlyMap<string, WorkloadPlacementJson["notTargeted"][number]>;
  readonly feasible: ReadonlySet<string>;
}

export function indexWorkload(w: WorkloadPlacementJson): WorkloadIndex {
  const observed = new Map<string, PodJson[]>();
  const predicted = new Map<string, PodJson[]>();
  for (const p of w.pods) {
    const [map, node] = p.observedNode !== null ? [observed, p.observedNode] : [predicted, p.predictedNode];
    if (node === null) continue;
    const list = map.get(node) ?? [];
    list.push(p);
    map.set(node, list);
  }
  return {
    w,
    observed,
    predicted,
    rejected: new Map(w.nodes.map((n) => [n.node, n])),
    notTargeted: new Map(w.notTargeted.map((n) => [n.node, n])),
    feasible: new Set(w.feasibleNodes),
  };
}

/**
 * The verdict of one workload on one node, as its cell shows it (nodeCell words the reason in this
 * order too): a pod observed there, one the scheduler places there, a node its DaemonSet does not
 * target, a node a Filter plugin rejects, a feasible node; else not targeted (no pod to place).
 */
export function cellVerdict(index: WorkloadIndex, node: string): CellVerdict {
  if (index.observed.has(node)) return "runs";
  if (index.predicted.has(node)) return "predicted";
  if (index.notTargeted.has(node)) return "not-targeted";
  if (index.rejected.has(node)) return "rejected";
  if (index.feasible.has(node)) return "feasible";
  return "not-targeted";
}

/** The verdict of one workload on one node, and the reason in words. */
function nodeCell(index: WorkloadIndex, node: string): Cell {
  const w = index.w;
  const name = `${w.kind} ${workloadName(w)}`;
  const observed = index.observed.get(node) ?? [];
  const predicted = index.predicted.get(node) ?? [];
  const rejected = index.rejected.get(node);
  const rejections = rejected ? rejected.reasons.map(reasonText) : [];
  if (observed.length > 0) {
    const lines = [
      `${name} runs on ${node}: ${observed.map((p) => p.name).join(", ")} (observed in the snapshot)`,
      ...observed.flatMap((p) =>
        p.kubelet
          ? [
              `${p.name}: bound by spec.nodeName; the kubelet ${p.kubelet.admitted ? "admits it" : `rejects it: ${p.kubelet.reason ?? ""} ${p.kubelet.message ?? ""}`.trim()}`,
            ]
          : [],
      ),
      ...(rejections.length > 0
        ? ["the scheduler would reject this node for a new pod now:", ...rejections]
        : index.feasible.has(node)
          ? ["every Filter plugin passes on this node"]
          : []),
    ];
    return { verdict: "runs", count: observed.length, reason: lines.join("\n") };
  }
  if (predicted.length > 0) {
    const lines = [`the scheduler places ${predicted.map((p) => p.name).join(", ")} of ${name} on ${node}`];
    for (const p of predicted) {
      const why = p.whyHere;
      if (p.kubelet)
        lines.push(`${p.name}: bound by spec.nodeName; the kubelet ${p.kubelet.admitted ? "admits it" : "rejects it"}`);
      else if (why && why.total !== null)
        lines.push(
          `${p.name}: score ${why.total} over ${why.scored} scored nodes${why.runnerUp ? `; runner-up ${why.runnerUp} ${why.runnerUpTotal ?? ""}`.trimEnd() : ""}${p.tiedNodes.length > 0 ? `; tied with ${p.tiedNodes.join(", ")} (the scheduler picks one at random)` : ""}`,
        );
      else if (why) lines.push(`${p.name}: the only feasible node (not scored)`);
    }
    return { verdict: "predicted", count: predicted.length, reason: lines.join("\n") };
  }
  const skipped = index.notTargeted.get(node);
  if (skipped)
    return {
      verdict: "not-targeted",
      count: 0,
      reason: `the DaemonSet controller makes no ${name} pod for ${node}: ${skipped.rule}: ${skipped.reason}${skipped.source ? ` (${skipped.source})` : ""}`,
    };
  if (rejected)
    return {
      verdict: "rejected",
      count: 0,
      reason: [`${node} rejects ${name}:`, ...rejections].join("\n"),
    };
  if (index.feasible.has(node))
    return {
      verdict: "feasible",
      count: 0,
      reason: `${node} can run ${name}: every Filter plugin passes; no pod of it is on the node`,
    };
  return {
    verdict: "not-targeted",
    count: 0,
    reason:
      w.admittedBy === "kubelet"
        ? `${name}'s pods are bound by spec.nodeName to another node: the scheduler never places them`
        : `${name} has no pod to place and no verdict on ${node}`,
  };
}

function cellMarkup(workload: string, key: string, value: string, cell: Cell): string {
  const text = `${MARK[cell.verdict]}${cell.count > 1 ? cell.count : ""}`;
  return (
    `<td class="cell v-${cell.verdict}" data-testid="placement-cell"${attr("data-workload", workload)}${attr(key, value)}` +
    `${attr("data-verdict", cell.verdict)}${attr("title", cell.reason)} tabindex="0" role="gridcell"` +
    `${attr("aria-label", `${VERDICT_WORDS[cell.verdict].split(":")[0]}: ${value}`)}>${esc(text)}</td>`
  );
}

function legend(): string {
  return `<p class="legend">${(Object.keys(MARK) as CellVerdict[])
    .map((v) => `<span class="cell v-${v}">${esc(MARK[v])}</span> ${esc(VERDICT_WORDS[v])}`)
    .join(
      " · ",
    )}. A number is the pod count. Hover a cell for the scheduler's reason; click it or press Enter to keep it below.</p>`;
}

const REASON_PANEL =
  `<div class="reason" data-testid="reason" role="status" aria-live="polite" tabindex="-1">` +
  `Select a cell (click it, or focus it and press Enter) to read the reason here.</div>`;

function table(head: string, rows: readonly string[], caption: string): string {
  return (
    `<div class="scroll"><table class="matrix" role="grid"><caption>${esc(caption)}</caption>` +
    `<thead><tr><th scope="col">workload</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`
  );
}

function rowHead(w: { kind: string; namespace: string; name: string; source: string }): string {
  return `<th scope="row"><span class="kind">${esc(w.kind)}</span> ${esc(workloadName(w))} <span class="src">${esc(w.source)}</span></th>`;
}

/** Every node the answer names, sorted (the place answer lists none on its own). */
export function nodesOf(placement: PlacementJson): string[] {
  const nodes = new Set<string>();
  for (const w of placement.workloads) {
    for (const n of w.feasibleNodes) nodes.add(n);
    for (const n of w.nodes) nodes.add(n.node);
    for (const n of w.notTargeted) nodes.add(n.node);
    for (const p of w.pods) {
      if (p.observedNode) nodes.add(p.observedNode);
      if (p.predictedNode) nodes.add(p.predictedNode);
    }
  }
  return [...nodes].sort();
}

/** workload × node: the `place` answer's matrix. */
export function placementMatrixByNode(placement: PlacementJson, nodes: readonly string[]): string {
  const head = nodes.map((n) => `<th scope="col"${attr("data-node", n)}>${esc(n)}</th>`).join("");
  const rows = placement.workloads.map((w) => {
    const id = workloadName(w);
    const index = indexWorkload(w);
    return `<tr>${rowHead(w)}${nodes.map((n) => cellMarkup(id, "data-node", n, nodeCell(index, n))).join("")}</tr>`;
  });
  return (
    `<section class="placement" data-testid="placement">` +
    legend() +
    table(head, rows, `${placement.workloads.length} workloads × ${nodes.length} nodes`) +
    REASON_PANEL +
    `</section>`
  );
}

type GroupCell = ReportAnalysis["rows"][number]["cells"][number];

const GROUP_VERDICT: Readonly<Record<GroupCell["state"], CellVerdict>> = {
  runs: "runs",
  "can-run": "feasible",
  cannot: "rejected",
  "not-targeted": "not-targeted",
};

function groupCell(row: ReportAnalysis["rows"][number], c: GroupCell, groupNodes: readonly string[]): Cell {
  const name = `${row.kind} ${row.namespace}/${row.name}`;
  const reasons = groupReasons(c.reasons, groupNodes.length);
  const text =
    c.state === "runs"
      ? [
          `${name} runs on node group ${c.group}: ${c.pods} pods on ${c.nodes.join(", ")}${c.predicted > 0 ? ` (${c.predicted} placed by the scheduler)` : ""}`,
        ]
      : c.state === "can-run"
        ? [`${name} can run on ${c.nodes.length} of ${groupNodes.length} nodes of ${c.group}; no pod of it is there`]
        : c.state === "not-targeted"
          ? [`the DaemonSet controller makes no ${name} pod on node group ${c.group}:`, ...reasons]
          : [`every node of ${c.group} rejects ${name}:`, ...reasons];
  const verdict = c.state === "runs" && c.predicted === c.pods ? "predicted" : GROUP_VERDICT[c.state];
  return { verdict, count: c.pods, reason: text.join("\n") };
}

/** Reasons of a node group listed in a cell's title; the rest are counted. */
const GROUP_REASONS = 5;

/**
 * A group's reasons, the same rejection on different nodes merged (a taint every node of the
 * group carries is one reason, not one per node's taint): the first node's source, the node count.
 */
function groupReasons(reasons: GroupCell["reasons"], of: number): string[] {
  const merged = new Map<string, { reason: ReasonJson; nodes: number }>();
  for (const r of reasons) {
    const key = [r.reason.plugin, r.reason.message, r.reason.detail ?? ""].join("\u0000");
    const m = merged.get(key);
    if (m) m.nodes += r.nodes;
    else merged.set(key, { reason: r.reason, nodes: r.nodes });
  }
  const list = [...merged.values()].sort((a, b) => b.nodes - a.nodes);
  return [
    ...list
      .slice(0, GROUP_REASONS)
      .map(
        (r) =>
          `${reasonText(r.reason)} — on ${r.nodes} of ${of} nodes${r.nodes > 1 && r.reason.source ? " (the first node's object shown)" : ""}`,
      ),
    ...(list.length > GROUP_REASONS ? [`+${list.length - GROUP_REASONS} other reasons`] : []),
  ];
}

/** workload × node group: the report's matrix on a large cluster. */
export function placementMatrixByGroup(analysis: ReportAnalysis): string {
  const head = analysis.groups
    .map(
      (g) =>
        `<th scope="col"${attr("data-group", g.name)}${attr("title", g.nodes.join(", "))}>${esc(g.name)} <span class="src">${g.nodes.length} nodes</span></th>`,
    )
    .join("");
  const rows = analysis.rows.map((r) => {
    const id = `${r.namespace}/${r.name}`;
    return `<tr>${rowHead(r)}${r.cells
      .map((c, i) => cellMarkup(id, "data-group", c.group, groupCell(r, c, analysis.groups[i]!.nodes)))
      .join("")}</tr>`;
  });
  return (
    `<section class="placement" data-testid="placement">` +
    `<p>${analysis.placement.nodeCount} nodes: one column per node group (nodes the scheduler sees alike: the same taints, role and node-group labels).</p>` +
    legend() +
    table(head, rows, `${analysis.rows.length} workloads × ${analysis.groups.length} node groups`) +
    REASON_PANEL +
    `</section>`
  );
}
