/**
 * `place --brief`: one line per workload — where its pods are or go, how many are pending, and
 * the top reason when none can be placed. Text and Markdown; JSON stays the full answer.
 */
import type { PlacementReport, PodView, WorkloadPlacement } from "../analysis/placement/placement.js";
import { kubernetesVersionLine } from "./kubernetes-version.js";
import { groupRejections, namedNodes } from "./place-groups.js";
import { markdownTable, plural, table } from "./table.js";

/** PostFilter's part of the FitError (preemption.ts withPostFilter): DynamicResources' "no new claims to deallocate, " (v1.34+), then DefaultPreemption's "preemption: …" */
const POST_FILTER_TAIL = / (?:no new claims to deallocate, )?preemption: /;

/** Where a pod is or goes: its observed node, its predicted node, or its kubelet's node when admitted. */
function nodeOf(p: PodView): string | null {
  return p.observedNode ?? p.predictedNode;
}

/** The reason rejecting the most nodes: "TaintToleration: node(s) had untolerated taint {…} (3 of 3 nodes)". */
function topReason(w: WorkloadPlacement, nodeCount: number): string | null {
  const [top] = groupRejections(w.nodes);
  const reason = top?.reasons[0];
  if (!top || !reason) return null;
  return `${reason.plugin}: ${reason.message} (${top.nodes.length} of ${plural(nodeCount, "node")})`;
}

/** The WHERE cell: "on worker-1, worker-2", then what keeps the rest Pending. */
function where(w: WorkloadPlacement, nodeCount: number): string {
  const placed = w.pods.map(nodeOf).filter((n): n is string => n !== null);
  const nodes = [...new Set(placed)].sort();
  const pending = w.pods.length - placed.length;
  const parts: string[] = [];
  if (nodes.length > 0) parts.push(`on ${namedNodes(nodes)}`);
  if (pending > 0) {
    // the scheduler's FitError without preemption's PostFilter tail (the full answer has it)
    const unschedulable = w.pods.find((p) => p.unschedulable !== null)?.unschedulable?.split(POST_FILTER_TAIL)[0];
    const kubelet = w.pods.find((p) => p.kubelet && !p.kubelet.admitted && p.observedNode === null)?.kubelet;
    const why =
      w.feasibleNodes.length === 0
        ? `no feasible node: ${topReason(w, nodeCount) ?? unschedulable ?? "no node evaluated"}`
        : (unschedulable ??
          (kubelet
            ? `rejected by the kubelet of ${kubelet.node}: ${kubelet.reason ?? kubelet.message ?? ""}`
            : "not placed"));
    parts.push(`${nodes.length > 0 ? `${pending} pending: ` : ""}${why}`);
  }
  if (w.pods.length === 0)
    parts.push(w.feasibleNodes.length === 0 ? `no feasible node: ${topReason(w, nodeCount) ?? "-"}` : "no pod");
  return parts.join("; ");
}

function rows(report: PlacementReport): string[][] {
  return report.workloads.map((w) => {
    const placed = w.pods.filter((p) => nodeOf(p) !== null).length;
    return [`${w.namespace}/${w.name}`, w.kind, `${placed}/${w.pods.length}`, where(w, report.nodeCount)];
  });
}

const HEADER = ["WORKLOAD", "KIND", "PLACED", "WHERE"];

/** Text: one line per workload under a header. */
export function formatPlacementBriefText(report: PlacementReport): string {
  const out = [kubernetesVersionLine(report.kubernetes), ""];
  if (report.workloads.length > 0) out.push(table([HEADER, ...rows(report)], ""));
  return `${out.join("\n")}\n`;
}

/** Markdown: the same as a table. */
export function formatPlacementBriefMarkdown(report: PlacementReport): string {
  return [
    "# Placement (brief)",
    "",
    kubernetesVersionLine(report.kubernetes),
    "",
    markdownTable(
      HEADER.map((h) => h.toLowerCase()),
      rows(report),
    ),
    "",
  ].join("\n");
}
