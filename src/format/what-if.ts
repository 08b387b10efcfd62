/** The what-ifs of `place` (`--fresh`, `--drain`, `--add-node`) as text and Markdown. */
import type { FreshPodView, FreshReport, WhatIfReport } from "../analysis/placement/what-if/index.js";
import { markdownTable, plural, table } from "./table.js";

function freshWhy(p: FreshPodView): string {
  if (p.unschedulable) return p.unschedulable;
  if (p.observedWasTied) return `${p.observedNode} ties with ${p.freshNode} for the best score: the scheduler picks one at random`;
  return `a fresh install scores ${p.freshNode} best; where it runs now comes from the cluster's history (the order pods were created, nodes that joined later, pods since deleted)`;
}

function freshSummary(f: FreshReport): string {
  const observed = f.pods.filter((p) => p.observedNode !== null).length;
  const tie = f.differingByTie > 0 ? ` (${f.differingByTie} only by the scheduler's random pick among tied nodes)` : "";
  return `${f.differing} of ${plural(observed, "observed pod")} would land on another node${tie}; ${f.unschedulable} unschedulable`;
}

const shown = (f: FreshReport) => f.pods.filter((p) => p.differs || p.unschedulable !== null);

function freshText(f: FreshReport): string[] {
  const out = ["What if: a fresh install of the same workloads on the same nodes (--fresh)", `  order: ${f.order}`, `  ${freshSummary(f)}`];
  out.push(table([["NODE", "PODS NOW", "FRESH"], ...f.nodes.map((n) => [n.node, String(n.observed), String(n.fresh)])], "  "));
  const rows = shown(f);
  if (rows.length > 0) {
    out.push(table([["WORKLOAD", "POD", "RUNS ON", "FRESH"], ...rows.map((p) => [p.workload, p.pod, p.observedNode ?? "-", p.freshNode ?? "unschedulable"])], "  "));
    for (const p of rows) out.push(`  ${p.pod}: ${freshWhy(p)}`);
  }
  out.push("");
  return out;
}

function freshMarkdown(f: FreshReport): string[] {
  const out = ["## What if: a fresh install", "", `Order: ${f.order}.`, "", `${freshSummary(f)[0]!.toUpperCase()}${freshSummary(f).slice(1)}.`, ""];
  out.push(markdownTable(["node", "pods now", "fresh"], f.nodes.map((n) => [n.node, String(n.observed), String(n.fresh)])), "");
  const rows = shown(f);
  if (rows.length > 0) out.push(markdownTable(["workload", "pod", "runs on", "fresh", "why"], rows.map((p) => [p.workload, p.pod, p.observedNode ?? "-", p.freshNode ?? "unschedulable", freshWhy(p)])), "");
  return out;
}

/** Text lines appended to `place`'s text output. */
export function whatIfText(w: WhatIfReport): string[] {
  return [...(w.fresh ? freshText(w.fresh) : [])];
}

/** Markdown lines appended to `place`'s Markdown output. */
export function whatIfMarkdown(w: WhatIfReport): string[] {
  return [...(w.fresh ? freshMarkdown(w.fresh) : [])];
}
