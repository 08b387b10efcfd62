/**
 * The whole-cluster `place` answer at scale: at 1,000 nodes and 500 workloads one block per
 * workload is thousands of lines, most of them saying the same thing ("can run on the 891
 * untainted nodes; not on the 109 GPU nodes"). Workloads whose outcome is the same — the same
 * feasible nodes, the same rejection groups (place-groups.ts: nodes per plugin and scheduler
 * message, as FitError.Error counts them, pkg/scheduler/framework/types.go) and the same
 * DaemonSet targeting — are said once, their names capped and counted; only the workloads that
 * need attention (a Pending pod, no feasible node, a pod on a node the model now rejects, a
 * kubelet rejection, a refused create, a daemon pod the controller deletes or keeps on a node it
 * does not target) get a block of their own. Text only; `--workload`, `--node` and `-o json`
 * keep every detail.
 */
import type { PodView, WorkloadPlacement } from "../analysis/placement/placement.js";
import { groupedDetail, groupedReasonText, groupRejections, namedNodes, type GroupedReason } from "./place-groups.js";
import { markdownTable, plural } from "./table.js";

/** Above this many workloads the whole-cluster text groups the workloads with the same outcome. */
export const GROUP_WORKLOADS_ABOVE = 40;

/** How many workloads a group names before it counts the rest. */
const NAMED_WORKLOADS = 4;

/** A workload that gets a block of its own even when the others are grouped. */
function needsAttention(w: WorkloadPlacement): boolean {
  return (
    w.feasibleNodes.length === 0 ||
    w.findings.length > 0 ||
    w.createRefused !== null ||
    w.pods.some((p) => p.unschedulable !== null || (p.kubelet !== null && !p.kubelet.admitted)) ||
    w.notTargeted.some((t) => t.runningPod !== null)
  );
}

/** "team-0/app-1, team-0/app-2, team-1/app-9, team-2/app-4, … (+210)" */
function namedWorkloads(ws: readonly WorkloadPlacement[]): string {
  const names = ws.map((w) => `${w.namespace}/${w.name}`);
  if (names.length <= NAMED_WORKLOADS + 1) return names.join(", ");
  return `${names.slice(0, NAMED_WORKLOADS).join(", ")}, … (+${names.length - NAMED_WORKLOADS})`;
}

/** "3,000 pods: 1,000 observed, 2,000 predicted (on 880 nodes)" (attention pods are not in a group) */
export function podCounts(pods: readonly PodView[]): string {
  const observed = pods.filter((p) => p.observedNode !== null).length;
  const predicted = pods.filter((p) => p.predictedNode !== null);
  const on = new Set(predicted.map((p) => p.predictedNode)).size;
  const unschedulable = pods.filter((p) => p.unschedulable !== null).length;
  const other = pods.length - observed - predicted.length - unschedulable;
  return `${plural(pods.length, "pod")}: ${observed} observed, ${predicted.length} predicted${predicted.length > 0 ? ` (on ${plural(on, "node")})` : ""}${unschedulable > 0 ? `, ${unschedulable} unschedulable` : ""}${other > 0 ? `, ${other} other` : ""}`;
}

interface OutcomeGroup {
  readonly workloads: WorkloadPlacement[];
  readonly feasible: readonly string[];
  readonly rejections: {
    readonly nodes: readonly string[];
    readonly reasons: (readonly [workload: WorkloadPlacement, reason: GroupedReason])[][];
  }[];
  readonly notTargeted: { readonly nodes: readonly string[]; readonly reason: string; readonly sources: Set<string> }[];
}

/** The outcome: feasible nodes, rejection groups (nodes, plugin, message, shared detail), not-targeted groups. */
function outcome(w: WorkloadPlacement): { key: string; rejections: ReturnType<typeof groupRejections> } {
  const rejections = groupRejections(w.nodes);
  const notTargeted = new Map<string, string[]>();
  for (const t of w.notTargeted) notTargeted.set(t.reason, [...(notTargeted.get(t.reason) ?? []), t.node]);
  const key = [
    w.feasibleNodes.join(","),
    ...rejections.map(
      (g) =>
        `${g.nodes.join(",")}\u0001${g.reasons.map((r) => `${r.plugin}\u0002${r.message}\u0002${r.detail ?? (r.detailsByNode ? "\u0003" : "")}`).join("\u0001")}`,
    ),
    "\u0004",
    ...[...notTargeted].map(([reason, nodes]) => `${reason}\u0001${nodes.join(",")}`),
  ].join("\n");
  return { key, rejections };
}

/** The workloads that need no attention grouped by outcome, largest group first; the rest in order. */
export function groupByOutcome(workloads: readonly WorkloadPlacement[]): {
  readonly groups: readonly OutcomeGroup[];
  readonly attention: readonly WorkloadPlacement[];
} {
  const groups = new Map<string, OutcomeGroup>();
  const attention: WorkloadPlacement[] = [];
  for (const w of workloads) {
    if (needsAttention(w)) {
      attention.push(w);
      continue;
    }
    const { key, rejections } = outcome(w);
    let g = groups.get(key);
    if (!g) {
      const notTargeted = new Map<string, { nodes: string[]; reason: string; sources: Set<string> }>();
      for (const t of w.notTargeted) {
        const n = notTargeted.get(t.reason) ?? { nodes: [], reason: t.reason, sources: new Set<string>() };
        n.nodes.push(t.node);
        notTargeted.set(t.reason, n);
      }
      g = {
        workloads: [],
        feasible: w.feasibleNodes,
        rejections: rejections.map((r) => ({ nodes: r.nodes, reasons: r.reasons.map(() => []) })),
        notTargeted: [...notTargeted.values()].sort((a, b) => b.nodes.length - a.nodes.length),
      };
      groups.set(key, g);
    }
    g.workloads.push(w);
    // each member's reasons, kept to merge their sources (a NodeAffinity term is each workload's own file:line)
    rejections.forEach((r, i) => r.reasons.forEach((reason, j) => g.rejections[i]!.reasons[j]!.push([w, reason])));
    for (const t of w.notTargeted)
      if (t.source) g.notTargeted.find((n) => n.reason === t.reason)?.sources.add(t.source);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      b.workloads.length - a.workloads.length ||
      b.feasible.length - a.feasible.length ||
      (a.workloads[0]!.namespace + "/" + a.workloads[0]!.name < b.workloads[0]!.namespace + "/" + b.workloads[0]!.name
        ? -1
        : 1),
  );
  return { groups: sorted, attention };
}

/**
 * One reason of a workload group: the scheduler's words, the sources of all members, and the
 * detail when the members share it ("differs per workload, e.g. team-0/app-1: …" when not: the
 * same nodes can be kept off by different host ports).
 */
function mergedReason(members: readonly (readonly [WorkloadPlacement, GroupedReason])[]): GroupedReason {
  const sources = new Set<string>();
  for (const [, m] of members) for (const s of m.sources) sources.add(s);
  const [w, first] = members[0]!;
  const detail = groupedDetail(first);
  const shared = members.every(([, m]) => groupedDetail(m) === detail);
  return {
    ...first,
    detail: shared || detail === null ? detail : `differs per workload, e.g. ${w.namespace}/${w.name}: ${detail}`,
    detailsByNode: null,
    sources: [...sources],
  };
}

/**
 * "214 workloads can run on 887 nodes: node-0, node-1, node-10, … (+884)", the rejection groups
 * under it, the workloads named (capped) and their pods counted.
 */
export function outcomeGroupLines(g: OutcomeGroup, nodeCount: number): string[] {
  const what = g.workloads.length === 1 ? "1 workload" : `${g.workloads.length} workloads`;
  const where =
    g.feasible.length === nodeCount
      ? `every node (${nodeCount})`
      : g.feasible.length === 1
        ? g.feasible[0]!
        : `${g.feasible.length} nodes: ${namedNodes(g.feasible)}`;
  const out = [`${what} can run on ${where}`];
  for (const r of g.rejections) {
    out.push(`  not on ${r.nodes.length === 1 ? r.nodes[0]! : `${r.nodes.length} nodes: ${namedNodes(r.nodes)}`}:`);
    for (const members of r.reasons) out.push(`    ${groupedReasonText(mergedReason(members))}`);
  }
  for (const t of g.notTargeted) {
    const [first] = t.sources;
    const source =
      first === undefined ? "" : ` (${t.sources.size === 1 ? first : `${first} and ${t.sources.size - 1} more`})`;
    out.push(
      `  not targeted on ${t.nodes.length === 1 ? t.nodes[0]! : `${t.nodes.length} nodes: ${namedNodes(t.nodes)}`}: ${t.reason}${source}`,
    );
  }
  out.push(`  ${g.workloads.length === 1 ? "workload" : "workloads"}: ${namedWorkloads(g.workloads)}`);
  out.push(`  ${podCounts(g.workloads.flatMap((w) => w.pods))}`);
  return out;
}

/** The line that says how the answer is laid out and where the full detail is. */
export function overviewHeading(groups: number, grouped: number, attention: number): string {
  return `${plural(grouped, "workload")} placed as asked, grouped by outcome into ${plural(groups, "group")} (the same feasible nodes and the same rejections); ${plural(attention, "workload")} needing attention listed after, each on its own. --workload NAMESPACE/NAME or --node NAME explains one in full; -o json has every node and pod.`;
}

/** The same group in Markdown: a heading, the rejections as a table, the workloads and pods counted. */
export function outcomeGroupMarkdown(g: OutcomeGroup, nodeCount: number): string[] {
  const [heading, ...rest] = outcomeGroupLines(g, nodeCount);
  const out = [`### ${heading!}`, ""];
  const rows = g.rejections.flatMap((r) =>
    r.reasons.map((members) => {
      const reason = mergedReason(members);
      const source =
        reason.sources.length === 0
          ? ""
          : reason.sources.length === 1
            ? reason.sources[0]!
            : `${reason.sources[0]!} and ${reason.sources.length - 1} more`;
      return [
        r.nodes.length === 1 ? r.nodes[0]! : `${r.nodes.length} nodes: ${namedNodes(r.nodes)}`,
        reason.plugin,
        reason.message + (reason.detail ? ` — ${reason.detail}` : ""),
        source ? `\`${source}\`` : "",
      ];
    }),
  );
  if (rows.length > 0) out.push(markdownTable(["not on", "plugin", "reason", "source"], rows), "");
  // the not-targeted, workloads and pods lines as they are in the text
  for (const line of rest.filter((l) => !l.startsWith("  not on ") && !l.startsWith("    ")))
    out.push(`- ${line.trim()}`);
  out.push("");
  return out;
}
