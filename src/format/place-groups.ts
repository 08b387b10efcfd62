/**
 * Rejections grouped for reading: at 1,000 nodes a workload is kept off a hundred GPU nodes by
 * the same taint, and one line per node buries the answer. Nodes are grouped by what rejects
 * them — the plugin and the scheduler's message, as kube-scheduler's own FitError.Error counts
 * them (pkg/scheduler/framework/types.go: "0/N nodes are available: 113 node(s) had untolerated
 * taint …", one count per reason string) — with the deciding object (the detail: the taint, the
 * selector; and its file:line) kept. Reasons rejecting exactly the same nodes share one group.
 * Groups are sorted by size, then by text. Text and Markdown only: JSON keeps every node.
 */
import type { NodeView } from "../analysis/placement/placement.js";

/** One reason of a group: the scheduler's words, and the detail and sources of its nodes. */
export interface GroupedReason {
  readonly plugin: string;
  readonly message: string;
  /** the detail every node of the group shares; null when none has one or they differ */
  readonly detail: string | null;
  /** when the details differ per node: each node's own, in node order */
  readonly detailsByNode: readonly (readonly [node: string, detail: string])[] | null;
  /** the distinct `file:line:col` behind the reason, in node order (one taint per node: one each) */
  readonly sources: readonly string[];
}

export interface RejectionGroup {
  readonly nodes: readonly string[];
  readonly reasons: readonly GroupedReason[];
}

interface Building {
  readonly plugin: string;
  readonly message: string;
  readonly nodes: string[];
  readonly details: [string, string][];
  readonly sources: Set<string>;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The rejected nodes of `nodes` grouped by reason; reasons rejecting the same nodes merged. */
export function groupRejections(nodes: readonly NodeView[]): RejectionGroup[] {
  const byReason = new Map<string, Building>();
  for (const n of nodes) {
    if (n.feasible) continue;
    for (const r of n.reasons) {
      const key = `${r.plugin}\u0000${r.message}`;
      let b = byReason.get(key);
      if (!b)
        byReason.set(key, (b = { plugin: r.plugin, message: r.message, nodes: [], details: [], sources: new Set() }));
      if (b.nodes[b.nodes.length - 1] !== n.node) b.nodes.push(n.node);
      if (r.detail !== null) b.details.push([n.node, r.detail]);
      if (r.source !== null) b.sources.add(r.source);
    }
  }
  const byNodes = new Map<string, { nodes: readonly string[]; reasons: GroupedReason[] }>();
  for (const b of byReason.values()) {
    const distinct = new Set(b.details.map(([, d]) => d));
    const shared = distinct.size === 1 && b.details.length === b.nodes.length;
    const reason: GroupedReason = {
      plugin: b.plugin,
      message: b.message,
      detail: shared ? b.details[0]![1] : null,
      detailsByNode: distinct.size > 1 || (distinct.size === 1 && !shared) ? b.details : null,
      sources: [...b.sources],
    };
    const key = b.nodes.join("\n");
    const group = byNodes.get(key);
    if (group) group.reasons.push(reason);
    else byNodes.set(key, { nodes: b.nodes, reasons: [reason] });
  }
  const text = (g: RejectionGroup) => g.reasons.map((r) => `${r.plugin}: ${r.message}`).join("\n");
  return [...byNodes.values()].sort(
    (a, b) => b.nodes.length - a.nodes.length || compare(text(a), text(b)) || compare(a.nodes[0]!, b.nodes[0]!),
  );
}

/** How many nodes a group names before it gives the count. */
const NAMED = 3;

/** "node-1, node-2, node-3, … (+110)": a few nodes by name, then how many more. */
export function namedNodes(nodes: readonly string[]): string {
  if (nodes.length <= NAMED + 1) return nodes.join(", ");
  return `${nodes.slice(0, NAMED).join(", ")}, … (+${nodes.length - NAMED})`;
}

/** "not on k8s-master" / "not on 113 nodes: node-1, node-2, node-3, … (+110)" */
export function groupHeading(g: RejectionGroup): string {
  return g.nodes.length === 1 ? `not on ${g.nodes[0]!}` : `not on ${g.nodes.length} nodes: ${namedNodes(g.nodes)}`;
}

/** The detail of a grouped reason: the shared one, or the named nodes' own when they differ. */
export function groupedDetail(r: GroupedReason): string | null {
  if (r.detail !== null) return r.detail;
  if (!r.detailsByNode || r.detailsByNode.length === 0) return null;
  const [node, detail] = r.detailsByNode[0]!;
  return `differs per node, e.g. ${node}: ${detail}`;
}

/** The sources of a grouped reason: the one object, or the first and how many more. */
export function groupedSource(r: GroupedReason): string | null {
  if (r.sources.length === 0) return null;
  return r.sources.length === 1 ? r.sources[0]! : `${r.sources[0]!} and ${r.sources.length - 1} more`;
}

/** One reason line: "TaintToleration: node(s) had untolerated taint {…} — taint …:NoSchedule (nodes.json:33)". */
export function groupedReasonText(r: GroupedReason): string {
  const detail = groupedDetail(r);
  const source = groupedSource(r);
  return `${r.plugin}: ${r.message}${detail ? ` — ${detail}` : ""}${source ? ` (${source})` : ""}`;
}
