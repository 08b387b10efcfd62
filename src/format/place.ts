import { KUBELET_ADMISSION_NOTE } from "../analysis/placement/kubelet/admit.js";
import type {
  KubeletAdmissionView,
  NotTargetedView,
  PlacementReport,
  PodView,
  ReasonView,
  WorkloadPlacement,
} from "../analysis/placement/placement.js";
import type { Versioned } from "../questions/location.js";
import type { PlacementJson } from "../questions/place.js";
import { kubernetesVersionLine, kubernetesVersionNotes } from "./kubernetes-version.js";
import {
  groupedDetail,
  groupedReasonText,
  groupedSource,
  groupHeading,
  groupRejections,
  namedNodes,
} from "./place-groups.js";
import {
  GROUP_WORKLOADS_ABOVE,
  groupByOutcome,
  outcomeGroupLines,
  outcomeGroupMarkdown,
  overviewHeading,
  podCounts,
} from "./place-overview.js";
import { spreadLines } from "./place-spread.js";
import { whyHereBlock, whyHereLine } from "./place-why.js";
import { markdownTable, plural, table } from "./table.js";
import { whatIfMarkdown, whatIfText } from "./what-if.js";

/**
 * `place -o json`, one workload at a time: the same bytes as `JSON.stringify(result, null, 2)`,
 * which at 5,000 nodes and 150,000 pods is larger than the longest string V8 can hold
 * (≈512 MiB), so the CLI writes these chunks as they come.
 */
export function* placementResultChunks(result: Versioned<PlacementJson>): Generator<string> {
  const indented = (value: unknown, by: string): string => JSON.stringify(value, null, 2).replace(/\n/g, `\n${by}`);
  // apiVersion first, as `versioned` (questions/location.ts) puts it
  yield `{\n  "apiVersion": ${JSON.stringify(result.apiVersion)},\n  "kubernetes": ${indented(result.kubernetes, "  ")},\n  "nodeCount": ${JSON.stringify(result.nodeCount)},\n  "workloads": [`;
  let first = true;
  for (const w of result.workloads) {
    yield `${first ? "" : ","}\n    ${indented(w, "    ")}`;
    first = false;
  }
  yield `${first ? "" : "\n  "}],\n  "staticPods": ${indented(result.staticPods, "  ")}${result.whatIf ? `,\n  "whatIf": ${indented(result.whatIf, "  ")}` : ""}\n}\n`;
}

function reasonText(r: ReasonView, withDetail: boolean): string {
  const where = r.source ? ` (${r.source})` : "";
  const detail = withDetail && r.detail ? ` — ${r.detail}` : "";
  return `${r.plugin}: ${r.message}${detail}${where}`;
}

/**
 * A DaemonSet's non-targeted nodes grouped by the same reason (the taint, the selector); the
 * objects behind it (one taint per node) kept as a first source and a count. Largest group first.
 */
function groupNotTargeted(
  list: readonly NotTargetedView[],
): { readonly nodes: readonly string[]; readonly reason: string; readonly source: string | null }[] {
  const groups = new Map<string, { nodes: string[]; reason: string; sources: Set<string> }>();
  for (const t of list) {
    const group = groups.get(t.reason) ?? { nodes: [], reason: t.reason, sources: new Set<string>() };
    group.nodes.push(t.node);
    if (t.source) group.sources.add(t.source);
    groups.set(t.reason, group);
  }
  return [...groups.values()]
    .sort((a, b) => b.nodes.length - a.nodes.length || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
    .map((g) => {
      const [first] = g.sources;
      const source =
        first === undefined ? null : g.sources.size === 1 ? first : `${first} and ${g.sources.size - 1} more`;
      return { nodes: g.nodes, reason: g.reason, source };
    });
}

/** "targets 2 of 3 nodes (the DaemonSet controller creates 2 pods)", or null for other kinds. */
function targetingLine(w: WorkloadPlacement, nodeCount: number): string | null {
  if (w.targetedNodes === null) return null;
  return `targets ${w.targetedNodes.length} of ${plural(nodeCount, "node")} (the DaemonSet controller creates ${plural(w.targetedNodes.length, "pod")})`;
}

/** What happens to a daemon pod the snapshot shows on a node the controller does not target. */
function runningNote(t: NotTargetedView): string | null {
  if (!t.runningPod) return null;
  return t.continueRunning
    ? `${t.runningPod} still runs on ${t.node}: the controller keeps it (a NoSchedule taint does not evict)`
    : `${t.runningPod} still runs on ${t.node}: the controller deletes it`;
}

function nodeList(nodes: readonly string[], max = 6): string {
  return nodes.length <= max ? nodes.join(", ") : `${nodes.slice(0, max).join(", ")} and ${nodes.length - max} more`;
}

function summary(report: PlacementReport): string {
  const pods = report.workloads.flatMap((w) => w.pods);
  const predicted = pods.filter((p) => p.predictedNode !== null).length;
  const unschedulable = pods.filter((p) => p.unschedulable !== null).length;
  const observed = pods.filter((p) => p.observedNode !== null).length;
  const findings = report.workloads.reduce((n, w) => n + w.findings.length, 0);
  const statics = report.staticPods.length > 0 ? ` · ${plural(report.staticPods.length, "static pod")}` : "";
  const rejected = pods.filter((p) => p.kubelet && !p.kubelet.admitted && p.observedNode === null).length;
  const byKubelet = rejected > 0 ? `, ${rejected} rejected by the kubelet` : "";
  return `${plural(report.nodeCount, "node")} · ${plural(report.workloads.length, "workload")} · ${plural(pods.length, "pod")}: ${observed} observed, ${predicted} predicted, ${unschedulable} unschedulable${byKubelet}${statics} · ${plural(findings, "finding")}`;
}

const STATIC_PODS_TITLE =
  "Static pods (the kubelet of their node runs them from its manifests; the scheduler does not place them)";

/** The caveat of a workload known only through its pods. */
function knownFromPodsLine(w: WorkloadPlacement): string | null {
  const k = w.knownFromPods;
  if (!k) return null;
  return `known only through its ${plural(k.pods, "pod")} (not in the snapshot${k.inferredVia ? `; ${k.inferredVia}` : ""}); unknown: ${k.unknown.join("; ")}`;
}

/**
 * "new pods carry pod-template-hash=… (where it comes from)": the labels the controller adds,
 * shown when a matchLabelKeys or mismatchLabelKeys of the template names one (JSON always has them).
 */
function controllerLabelsLine(w: WorkloadPlacement): string | null {
  const c = w.controllerLabels;
  if (!c || c.namedByLabelKeys.length === 0) return null;
  const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`);
  return `new pods carry ${labels.join(", ")} (${c.notes.join("; ")})`;
}

/** The PREDICTED cell of a pod its kubelet rejects: "rejected by the kubelet (OutOfcpu)". */
function kubeletRejected(p: PodView): string | null {
  if (!p.kubelet || p.kubelet.admitted || p.observedNode) return null;
  return p.kubelet.reason ? `rejected by the kubelet (${p.kubelet.reason})` : "no kubelet";
}

/** "the kubelet of node-a rejects it: OutOfcpu: Node didn't have enough resource: …" */
function kubeletLine(k: KubeletAdmissionView): string {
  return k.reason ? `the kubelet of ${k.node} rejects it: ${k.reason}: ${k.message}` : (k.message ?? "");
}

function workloadHeader(w: WorkloadPlacement): string {
  const replicas = w.knownFromPods
    ? `${plural(w.knownFromPods.pods, "pod")} seen`
    : w.replicas === null
      ? "one pod per eligible node"
      : plural(w.replicas, "replica");
  const from = w.generatedFrom ? `, created from ${w.generatedFrom}` : "";
  return `${w.kind} ${w.namespace}/${w.name} (${replicas}${from})  ${w.source}`;
}

/**
 * The admission line of a workload: the API server's changes grouped by source
 * ("admission:Priority spec.priority=0, …; webhook:istio-sidecar-injector …"), or null.
 */
function mutationsLine(w: WorkloadPlacement): string | null {
  if (w.mutations.length === 0) return null;
  const groups = new Map<string, string[]>();
  for (const m of w.mutations) groups.set(m.source, [...(groups.get(m.source) ?? []), `${m.field}=${m.value}`]);
  return `admitted with ${plural(w.mutations.length, "change")}: ${[...groups].map(([source, items]) => `${source} ${items.join(", ")}`).join("; ")}`;
}

export interface PlacementTextOptions {
  /** list every pod of every workload (`place --workload`); else a workload with many pods lists a few and counts the rest */
  readonly allPods?: boolean;
  /** group the workloads placed as asked by outcome above this many workloads (place-overview.ts); GROUP_WORKLOADS_ABOVE unless set */
  readonly groupAbove?: number;
}

/** How many pods a workload lists before it counts the rest (without --workload). */
const POD_ROWS = 5;
/** How many findings a workload lists before it counts the rest (without --workload). */
const FINDINGS = 3;

/** "… 45 more pods: 20 observed, 25 predicted (on 25 nodes), 0 unschedulable; --workload NS/NAME lists each" */
function morePods(rest: readonly PodView[]): string {
  const observed = rest.filter((p) => p.observedNode !== null).length;
  const predicted = rest.filter((p) => p.predictedNode !== null);
  const on = new Set(predicted.map((p) => p.predictedNode)).size;
  const unschedulable = rest.filter((p) => p.unschedulable !== null).length;
  const other = rest.length - observed - predicted.length - unschedulable;
  return `… ${plural(rest.length, "more pod")}: ${observed} observed, ${predicted.length} predicted${predicted.length > 0 ? ` (on ${plural(on, "node")})` : ""}, ${unschedulable} unschedulable${other > 0 ? `, ${other} other` : ""}; --workload NAMESPACE/NAME lists each`;
}

/** Unschedulable pods grouped by the scheduler's message (replicas of one workload mostly share it). */
function groupUnschedulable(pods: readonly PodView[]): { pods: PodView[]; message: string }[] {
  const groups = new Map<string, PodView[]>();
  for (const p of pods) {
    if (!p.unschedulable) continue;
    const list = groups.get(p.unschedulable);
    if (list) list.push(p);
    else groups.set(p.unschedulable, [p]);
  }
  return [...groups].map(([message, list]) => ({ pods: list, message }));
}

/** Text: per workload, where it can run, why not elsewhere (grouped), and where each pod is or goes. */
export function formatPlacementText(
  report: PlacementReport,
  focusNode?: string,
  options: PlacementTextOptions = {},
): string {
  const out: string[] = [
    kubernetesVersionLine(report.kubernetes),
    ...kubernetesVersionNotes(report.kubernetes).map((n) => `  ${n}`),
    summary(report),
    "",
  ];
  const grouped =
    !focusNode && !options.allPods && report.workloads.length > (options.groupAbove ?? GROUP_WORKLOADS_ABOVE);
  if (grouped) {
    const { groups, attention } = groupByOutcome(report.workloads);
    out.push(overviewHeading(groups.length, report.workloads.length - attention.length, attention.length), "");
    for (const g of groups) out.push(...outcomeGroupLines(g, report.nodeCount), "");
    if (attention.length > 0) out.push(`Needing attention (${plural(attention.length, "workload")}):`, "");
    for (const w of attention) workloadText(out, w, report, undefined, options, true);
  } else for (const w of report.workloads) workloadText(out, w, report, focusNode, options, false);
  const statics = report.staticPods.filter((p) => !focusNode || p.node === focusNode);
  if (statics.length > 0) {
    out.push(`${STATIC_PODS_TITLE}:`);
    for (const p of statics) out.push(`  ${p.namespace}/${p.name}: ${p.message}  ${p.source}`);
    out.push("");
  }
  if (report.whatIf) out.push(...whatIfText(report.whatIf));
  return out.join("\n");
}

/**
 * One workload's block. `compact` (the grouped whole-cluster layout, a workload that needs
 * attention): the pods counted instead of tabled, no why-here lines and no admission changes —
 * what is wrong stays (Pending pods, findings, kubelet rejections), --workload has the rest.
 */
function workloadText(
  out: string[],
  w: WorkloadPlacement,
  report: PlacementReport,
  focusNode: string | undefined,
  options: PlacementTextOptions,
  compact: boolean,
): void {
  out.push(workloadHeader(w));
  const known = knownFromPodsLine(w);
  if (known) out.push(`  ${known}`);
  const labels = controllerLabelsLine(w);
  if (labels) out.push(`  ${labels}`);
  if (w.admittedBy === "kubelet") out.push(`  ${KUBELET_ADMISSION_NOTE}`);
  out.push(`  can run on: ${w.feasibleNodes.length === 0 ? "no node" : nodeList(w.feasibleNodes, 12)}`);
  const targeting = targetingLine(w, report.nodeCount);
  if (targeting) out.push(`  ${targeting}`);
  if (!focusNode) {
    for (const g of groupNotTargeted(w.notTargeted))
      out.push(
        `  not targeted on ${g.nodes.length === 1 ? g.nodes[0]! : `${g.nodes.length} nodes: ${namedNodes(g.nodes)}`}: ${g.reason}${g.source ? ` (${g.source})` : ""}`,
      );
  } else {
    for (const t of w.notTargeted.filter((x) => x.node === focusNode))
      out.push(`  ${t.node}: not targeted: ${t.reason}${t.source ? ` (${t.source})` : ""}`);
  }
  for (const t of w.notTargeted) {
    const note = runningNote(t);
    if (note && (!focusNode || t.node === focusNode)) out.push(`  ${note}`);
  }
  const shown = focusNode ? w.nodes.filter((n) => n.node === focusNode) : w.nodes.filter((n) => !n.feasible);
  if (focusNode) {
    for (const n of shown) {
      out.push(`  ${n.node}: ${n.feasible ? "feasible" : "rejected"}`);
      for (const r of n.reasons) out.push(`    ${reasonText(r, true)}`);
    }
    const bound = w.pods.find((p) => p.kubelet)?.kubelet?.node;
    if (shown.length === 0 && w.admittedBy === "kubelet" && bound !== undefined)
      out.push(`  ${focusNode}: not targeted (the pods are bound to ${bound} by spec.nodeName)`);
    else if (shown.length === 0 && !w.notTargeted.some((t) => t.node === focusNode))
      out.push(`  ${focusNode}: not evaluated (a DaemonSet pod made for another node, or no such node)`);
  } else {
    for (const g of groupRejections(shown)) {
      out.push(`  ${groupHeading(g)}:`);
      for (const r of g.reasons) out.push(`    ${groupedReasonText(r)}`);
    }
  }
  const listed = compact ? [] : options.allPods || w.pods.length <= POD_ROWS + 2 ? w.pods : w.pods.slice(0, POD_ROWS);
  if (compact) out.push(`  ${podCounts(w.pods)}`);
  const podRows = listed.map((p) => [
    p.name,
    p.observedNode ?? "-",
    p.predictedNode
      ? p.tiedNodes.length > 0
        ? `${p.predictedNode} (tied with ${nodeList(
            p.tiedNodes.filter((t) => t !== p.predictedNode),
            4,
          )})`
        : p.predictedNode
      : p.unschedulable
        ? "unschedulable"
        : (kubeletRejected(p) ?? "-"),
  ]);
  if (podRows.length > 0) out.push(table([["POD", "OBSERVED ON", "PREDICTED"], ...podRows], "  "));
  if (!compact && listed.length < w.pods.length) out.push(`  ${morePods(w.pods.slice(listed.length))}`);
  for (const p of listed) {
    if (options.allPods) out.push(...whyHereBlock(p, "  "));
    else {
      const why = whyHereLine(p);
      if (why) out.push(`  ${why}`);
    }
  }
  for (const g of groupUnschedulable(w.pods)) {
    out.push(`  ${namedNodes(g.pods.map((p) => p.name))}: ${g.message}`);
    for (const line of spreadLines(g.pods[0]!)) out.push(`    ${line}`);
  }
  for (const p of w.pods) if (p.kubelet && !p.kubelet.admitted) out.push(`  ${p.name}: ${kubeletLine(p.kubelet)}`);
  const findings = options.allPods || w.findings.length <= FINDINGS + 1 ? w.findings : w.findings.slice(0, FINDINGS);
  for (const f of findings) {
    out.push(`  finding: ${f.message}`);
    for (const r of f.reasons) out.push(`    ${reasonText(r, true)}`);
  }
  if (findings.length < w.findings.length)
    out.push(
      `  … ${plural(w.findings.length - findings.length, "more finding")} (pods on nodes the model rejects); --workload NAMESPACE/NAME lists each`,
    );
  const mutations = compact ? null : mutationsLine(w);
  if (mutations) out.push(`  ${mutations}`);
  for (const n of w.admissionNotes) out.push(`  admission: ${n.message}${n.object ? ` (${n.object})` : ""}`);
  if (w.createRefused) out.push(`  ${createRefusedLine(w.createRefused)} (${w.createRefused.object})`);
  out.push("");
}

/** A refused create (WorkloadPlacement.createRefused), in the API server's words. */
function createRefusedLine(r: NonNullable<WorkloadPlacement["createRefused"]>): string {
  return `${r.pods === 1 ? "1 pod" : `${r.pods} pods`} cannot be created, so never placed: ${r.source} refuses the create: ${r.message}`;
}

/** One workload's Markdown section, under a `##` heading (or `###` under "Needing attention"). */
function workloadMarkdown(
  out: string[],
  w: WorkloadPlacement,
  report: PlacementReport,
  options: PlacementTextOptions,
  level: string,
): void {
  out.push(`${level} ${w.kind} ${w.namespace}/${w.name}`, "");
  out.push(
    `Source: \`${w.source}\`${w.generatedFrom ? ` (created from ${w.generatedFrom})` : ""}. Can run on: ${w.feasibleNodes.length === 0 ? "**no node**" : nodeList(options.allPods ? w.feasibleNodes : w.feasibleNodes.slice(0, 12), 12).replace(/[^, ]+/g, (n) => `\`${n}\``)}${!options.allPods && w.feasibleNodes.length > 12 ? ` and ${w.feasibleNodes.length - 12} more` : ""}.`,
    "",
  );
  const known = knownFromPodsLine(w);
  if (known) out.push(`> ${known[0]!.toUpperCase()}${known.slice(1)}.`, "");
  if (w.mutations.length > 0)
    out.push(
      markdownTable(
        ["admission source", "field", "value", "object"],
        w.mutations.map((m) => [m.source, m.field, m.value, m.object ? `\`${m.object}\`` : ""]),
      ),
      "",
    );
  for (const n of w.admissionNotes) out.push(`> Admission: ${n.message}${n.object ? ` (\`${n.object}\`)` : ""}`, "");
  if (w.createRefused) out.push(`> ${createRefusedLine(w.createRefused)} (\`${w.createRefused.object}\`).`, "");
  const labels = controllerLabelsLine(w);
  if (labels) out.push(`${labels[0]!.toUpperCase()}${labels.slice(1)}.`, "");
  if (w.admittedBy === "kubelet")
    out.push(`${KUBELET_ADMISSION_NOTE[0]!.toUpperCase()}${KUBELET_ADMISSION_NOTE.slice(1)}.`, "");
  const targeting = targetingLine(w, report.nodeCount);
  if (targeting) out.push(`The DaemonSet ${targeting}.`, "");
  const notTargeted = groupNotTargeted(w.notTargeted);
  if (notTargeted.length > 0)
    out.push(
      markdownTable(
        ["not targeted", "reason", "source"],
        notTargeted.map((g) => [
          g.nodes.length === 1 ? g.nodes[0]! : `${g.nodes.length} nodes: ${namedNodes(g.nodes)}`,
          g.reason,
          g.source ? `\`${g.source}\`` : "",
        ]),
      ),
      "",
    );
  for (const t of w.notTargeted) {
    const note = runningNote(t);
    if (note) out.push(`> ${note}`, "");
  }
  const rejected = groupRejections(w.nodes);
  if (rejected.length > 0) {
    out.push(
      markdownTable(
        ["not on", "plugin", "reason", "source"],
        rejected.flatMap((g) =>
          g.reasons.map((r) => {
            const detail = groupedDetail(r);
            const source = groupedSource(r);
            return [
              g.nodes.length === 1 ? g.nodes[0]! : `${g.nodes.length} nodes: ${namedNodes(g.nodes)}`,
              r.plugin,
              r.message + (detail ? ` — ${detail}` : ""),
              source ? `\`${source}\`` : "",
            ];
          }),
        ),
      ),
      "",
    );
  }
  // capped as the text is: a few pods, the rest counted (--workload lists each, -o json has each)
  const listed = options.allPods || w.pods.length <= POD_ROWS + 2 ? w.pods : w.pods.slice(0, POD_ROWS);
  out.push(
    markdownTable(
      ["pod", "observed on", "predicted"],
      listed.map((p) => [
        p.name,
        p.observedNode ?? "-",
        p.predictedNode ??
          (p.unschedulable
            ? `unschedulable: ${p.unschedulable}`
            : p.kubelet && !p.kubelet.admitted
              ? kubeletLine(p.kubelet)
              : "-"),
      ]),
    ),
    "",
  );
  if (listed.length < w.pods.length) out.push(`${morePods(w.pods.slice(listed.length))}.`, "");
  if (listed.length < w.pods.length)
    for (const g of groupUnschedulable(w.pods.slice(listed.length)))
      out.push(`> ${namedNodes(g.pods.map((p) => p.name))}: unschedulable: ${g.message}`, "");
  for (const g of groupUnschedulable(w.pods))
    for (const line of spreadLines(g.pods[0]!)) out.push(`> ${namedNodes(g.pods.map((p) => p.name))}: ${line}`, "");
  const why = w.pods.map(whyHereLine).filter((l): l is string => l !== null);
  if (why.length > 0) {
    for (const l of why.slice(0, POD_ROWS)) out.push(`- ${l[0]!.toUpperCase()}${l.slice(1)}`);
    if (why.length > POD_ROWS) out.push(`- … and ${why.length - POD_ROWS} more predicted pods (-o json has each)`);
    out.push("");
  }
  const findings = options.allPods || w.findings.length <= FINDINGS + 1 ? w.findings : w.findings.slice(0, FINDINGS);
  for (const f of findings) out.push(`> **Finding:** ${f.message}`, "");
  if (findings.length < w.findings.length)
    out.push(
      `> … ${plural(w.findings.length - findings.length, "more finding")} (pods on nodes the model rejects); --workload NAMESPACE/NAME lists each, -o json has each.`,
      "",
    );
}

/** Markdown: the same, for a design review. */
export function formatPlacementMarkdown(report: PlacementReport, options: PlacementTextOptions = {}): string {
  const notes = kubernetesVersionNotes(report.kubernetes).map((n) => `- ${n}`);
  const out: string[] = [
    "# Placement",
    "",
    kubernetesVersionLine(report.kubernetes),
    "",
    ...(notes.length > 0 ? [...notes, ""] : []),
    summary(report),
    "",
  ];
  const grouped = !options.allPods && report.workloads.length > (options.groupAbove ?? GROUP_WORKLOADS_ABOVE);
  if (grouped) {
    const { groups, attention } = groupByOutcome(report.workloads);
    out.push("## Placed as asked, grouped by outcome", "");
    out.push(overviewHeading(groups.length, report.workloads.length - attention.length, attention.length), "");
    for (const g of groups) out.push(...outcomeGroupMarkdown(g, report.nodeCount));
    if (attention.length > 0) out.push(`## Needing attention (${plural(attention.length, "workload")})`, "");
    for (const w of attention) workloadMarkdown(out, w, report, options, "###");
  } else for (const w of report.workloads) workloadMarkdown(out, w, report, options, "##");
  if (report.staticPods.length > 0) {
    out.push("## Static pods", "", `${STATIC_PODS_TITLE}.`, "");
    out.push(
      markdownTable(
        ["pod", "node", "source"],
        report.staticPods.map((p) => [`${p.namespace}/${p.name}`, p.node, `\`${p.source}\``]),
      ),
      "",
    );
  }
  if (report.whatIf) out.push(...whatIfMarkdown(report.whatIf));
  return out.join("\n");
}
