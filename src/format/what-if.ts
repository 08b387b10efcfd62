/** The what-ifs of `place` (`--fresh`, `--drain`, `--add-node`) as text and Markdown. */
import type {
  AddNodePodView,
  AddNodeReport,
  DrainPodView,
  DrainReport,
  FreshPodView,
  FreshReport,
  TemplateView,
  WhatIfReport,
} from "../analysis/placement/what-if/index.js";
import { markdownTable, plural, table } from "./table.js";

function freshWhy(p: FreshPodView): string {
  if (p.unschedulable) return p.unschedulable;
  if (p.observedWasTied)
    return `${p.observedNode} ties with ${p.freshNode} for the best score: the scheduler picks one at random`;
  const others = p.tiedNodes.filter((t) => t !== p.freshNode);
  const tie = others.length > 0 ? ` (tied with ${others.join(", ")}: the scheduler picks one at random)` : "";
  return `a fresh install scores ${p.freshNode} best${tie}; where it runs now comes from the cluster's history (the order pods were created, nodes that joined later, pods since deleted)`;
}

function freshSummary(f: FreshReport): string {
  const observed = f.pods.filter((p) => p.observedNode !== null).length;
  const tie = f.differingByTie > 0 ? ` (${f.differingByTie} only by the scheduler's random pick among tied nodes)` : "";
  return `${f.differing} of ${plural(observed, "observed pod")} would land on another node${tie}; ${f.unschedulable} unschedulable`;
}

const shown = (f: FreshReport) => f.pods.filter((p) => p.differs || p.unschedulable !== null);

function freshText(f: FreshReport): string[] {
  const out = [
    "What if: a fresh install of the same workloads on the same nodes (--fresh)",
    `  order: ${f.order}`,
    `  ${freshSummary(f)}`,
  ];
  out.push(
    table([["NODE", "PODS NOW", "FRESH"], ...f.nodes.map((n) => [n.node, String(n.observed), String(n.fresh)])], "  "),
  );
  const rows = shown(f);
  if (rows.length > 0) {
    out.push(
      table(
        [
          ["WORKLOAD", "POD", "RUNS ON", "FRESH"],
          ...rows.map((p) => [p.workload, p.pod, p.observedNode ?? "-", p.freshNode ?? "unschedulable"]),
        ],
        "  ",
      ),
    );
    for (const p of rows) out.push(`  ${p.pod}: ${freshWhy(p)}`);
  }
  out.push("");
  return out;
}

function freshMarkdown(f: FreshReport): string[] {
  const out = [
    "## What if: a fresh install",
    "",
    `Order: ${f.order}.`,
    "",
    `${freshSummary(f)[0]!.toUpperCase()}${freshSummary(f).slice(1)}.`,
    "",
  ];
  out.push(
    markdownTable(
      ["node", "pods now", "fresh"],
      f.nodes.map((n) => [n.node, String(n.observed), String(n.fresh)]),
    ),
    "",
  );
  const rows = shown(f);
  if (rows.length > 0)
    out.push(
      markdownTable(
        ["workload", "pod", "runs on", "fresh", "why"],
        rows.map((p) => [p.workload, p.pod, p.observedNode ?? "-", p.freshNode ?? "unschedulable", freshWhy(p)]),
      ),
      "",
    );
  return out;
}

function drainTitle(d: DrainReport): string {
  return `What if: kubectl drain --ignore-daemonsets${d.force ? " --force" : ""} ${d.nodes.join(" ")} (--drain)`;
}

function drainSummary(d: DrainReport): string {
  const count = (a: DrainPodView["action"]) => d.pods.filter((p) => p.action === a).length;
  const verdict = d.error
    ? "kubectl drain stops before evicting anything"
    : d.completes
      ? "the drain completes"
      : "the drain does not complete";
  return `${verdict}: ${count("evicted")} evicted, ${count("deleted")} deleted, ${count("stays")} stay, ${count("blocked")} blocked${count("refused") > 0 ? `, ${count("refused")} refused` : ""}; ${d.pending} replacement${d.pending === 1 ? "" : "s"} Pending`;
}

function placedAt(p: DrainPodView): string {
  const r = p.replacement;
  if (!r) return p.action === "evicted" || p.action === "deleted" ? "not recreated" : "-";
  if (r.node)
    return r.tiedNodes.length > 0
      ? `${r.node} (tied with ${r.tiedNodes.filter((t) => t !== r.node).join(", ")})`
      : r.node;
  return "Pending";
}

function drainText(d: DrainReport): string[] {
  const out = [drainTitle(d), `  ${drainSummary(d)}`];
  if (d.error) out.push(`  error: ${d.error}`);
  out.push(
    table(
      [["POD", "NODE", "ACTION", "REPLACEMENT ON"], ...d.pods.map((p) => [p.pod, p.node, p.action, placedAt(p)])],
      "  ",
    ),
  );
  for (const p of d.pods) {
    if (p.action !== "evicted" || p.replacement?.unschedulable)
      out.push(`  ${p.pod}: ${p.replacement?.unschedulable ? `Pending: ${p.replacement.unschedulable}` : p.reason}`);
  }
  for (const b of d.budgets) {
    out.push(
      `  PodDisruptionBudget ${b.budget} (${b.rule}; disruptionsAllowed ${b.disruptionsAllowed} from ${b.from === "status" ? "its status" : "the pods, as the disruption controller counts"})${b.message ? `: ${b.message}` : `: ${b.evictions} of ${b.covers} evicted`}  ${b.source}`,
    );
  }
  for (const a of d.assumptions) out.push(`  assumed: ${a}`);
  out.push("");
  return out;
}

function drainMarkdown(d: DrainReport): string[] {
  const out = [`## ${drainTitle(d)}`, "", `${drainSummary(d)[0]!.toUpperCase()}${drainSummary(d).slice(1)}.`, ""];
  if (d.error) out.push(`> **Error:** ${d.error}`, "");
  out.push(
    markdownTable(
      ["pod", "node", "action", "replacement on", "why"],
      d.pods.map((p) => [p.pod, p.node, p.action, placedAt(p), p.replacement?.unschedulable ?? p.reason]),
    ),
    "",
  );
  if (d.budgets.length > 0) {
    out.push(
      markdownTable(
        ["PodDisruptionBudget", "rule", "disruptionsAllowed", "evicted", "blocks", "source"],
        d.budgets.map((b) => [
          b.budget,
          b.rule,
          `${b.disruptionsAllowed} (${b.from})`,
          `${b.evictions} of ${b.covers}`,
          b.message ?? "-",
          `\`${b.source}\``,
        ]),
      ),
      "",
    );
  }
  for (const a of d.assumptions) out.push(`- Assumed: ${a}`);
  out.push("");
  return out;
}

function addNodeTitle(a: AddNodeReport): string {
  if (a.nodes.length === 0)
    return `What if: ${a.templates.map((t) => `${t.kind} ${t.name}`).join(", ")} added (--add-node): no node`;
  return `What if: ${a.nodes.length === 1 ? "node" : "nodes"} ${a.nodes.map((n) => n.node).join(", ")} added (--add-node)`;
}

/** A node group or NodePool: the nodes it adds (Karpenter: each launch and its pods), what was not launched, what was assumed. */
function templateLines(t: TemplateView): { head: string; items: string[]; assumed: readonly string[] } {
  const head = `${t.kind} ${t.name} (${t.source}): ${t.nodes.length === 0 ? "no node" : `${plural(t.nodes.length, "node")} of ${t.instanceTypes.join(", ")}`}`;
  const items = [
    ...(t.launches ?? []).map((l) => `${l.node} (${l.instanceType}) launched for ${l.pods.join(", ")}`),
    ...(t.notLaunched ?? []).map((n) => `not launched for ${n.pod}: ${n.reason}`),
  ];
  return { head, items, assumed: t.assumptions };
}

function addedLine(n: AddNodeReport["nodes"][number]): string {
  const cpu = n.allocatable.cpu === null ? "?" : `${n.allocatable.cpu / 1000}`;
  const memory = n.allocatable.memory === null ? "?" : `${Math.round(n.allocatable.memory / 1024 / 1024)}Mi`;
  return `${n.node}: allocatable cpu ${cpu}, memory ${memory}, pods ${n.allocatable.pods ?? "?"}${n.taints.length > 0 ? `; taints ${n.taints.join(", ")}` : ""}  ${n.source}`;
}

function beforeText(p: AddNodePodView): string {
  if (p.before === "none") return "new (the DaemonSet targets the added node)";
  if (p.before === "pending") return "Pending before";
  return `predicted on ${p.beforeDetail} before`;
}

function addNodeSummary(a: AddNodeReport): string {
  return `takes in ${plural(a.takesIn.length, "pod")}; ${a.nowFit.length} Pending before now ${a.nowFit.length === 1 ? "fits" : "fit"}; ${a.stillPending.length} still Pending (observed pods stay where they run: the scheduler does not move bound pods)`;
}

function addNodeText(a: AddNodeReport): string[] {
  const out = [addNodeTitle(a)];
  for (const t of a.templates) {
    const l = templateLines(t);
    out.push(`  ${l.head}`, ...l.items.map((i) => `    ${i}`), ...l.assumed.map((x) => `    assumed: ${x}`));
  }
  out.push(...a.nodes.map((n) => `  ${addedLine(n)}`), `  ${addNodeSummary(a)}`);
  const rows = [...a.takesIn, ...a.nowFit.filter((p) => !a.takesIn.includes(p))];
  if (rows.length > 0)
    out.push(
      table(
        [
          ["WORKLOAD", "POD", "NOW ON", "BEFORE"],
          ...rows.map((p) => [p.workload, p.pod, p.node ?? "-", beforeText(p)]),
        ],
        "  ",
      ),
    );
  for (const p of a.stillPending) out.push(`  still Pending: ${p.pod}: ${p.unschedulable}`);
  out.push("");
  return out;
}

function addNodeMarkdown(a: AddNodeReport): string[] {
  const out = [`## ${addNodeTitle(a)}`, ""];
  for (const t of a.templates) {
    const l = templateLines(t);
    out.push(`${l.head}`, "", ...l.items.map((i) => `- ${i}`), ...l.assumed.map((x) => `- Assumed: ${x}`), "");
  }
  out.push(
    ...a.nodes.map((n) => `- ${addedLine(n)}`),
    "",
    `${addNodeSummary(a)[0]!.toUpperCase()}${addNodeSummary(a).slice(1)}.`,
    "",
  );
  const rows = [...a.takesIn, ...a.nowFit.filter((p) => !a.takesIn.includes(p))];
  if (rows.length > 0)
    out.push(
      markdownTable(
        ["workload", "pod", "now on", "before"],
        rows.map((p) => [p.workload, p.pod, p.node ?? "-", beforeText(p)]),
      ),
      "",
    );
  for (const p of a.stillPending) out.push(`> Still Pending: ${p.pod}: ${p.unschedulable}`, "");
  return out;
}

/** Text lines appended to `place`'s text output. */
export function whatIfText(w: WhatIfReport): string[] {
  return [
    ...(w.fresh ? freshText(w.fresh) : []),
    ...(w.drain ? drainText(w.drain) : []),
    ...(w.addNode ? addNodeText(w.addNode) : []),
  ];
}

/** Markdown lines appended to `place`'s Markdown output. */
export function whatIfMarkdown(w: WhatIfReport): string[] {
  return [
    ...(w.fresh ? freshMarkdown(w.fresh) : []),
    ...(w.drain ? drainMarkdown(w.drain) : []),
    ...(w.addNode ? addNodeMarkdown(w.addNode) : []),
  ];
}
