/**
 * Placement rules, read from the placement report (kube-scheduler's filters, the DaemonSet
 * controller's targeting) instead of re-deriving it:
 *
 * - no-feasible-node: pods the scheduler cannot place (its FitError "0/N nodes are available: …",
 *   kubernetes pkg/scheduler/schedule_one.go) or that their node's kubelet rejects
 *   (pkg/kubelet/lifecycle/predicate.go). `place` reports the same finding (src/questions/findings.ts).
 * - daemonset-skips-nodes: nodes the DaemonSet controller makes no pod for because of an
 *   untolerated NoSchedule/NoExecute taint (pkg/controller/daemon/daemon_controller.go
 *   NodeShouldRunDaemonPod).
 * - toleration-without-selector: a toleration lets a pod onto tainted nodes, it does not move it
 *   there (Kubernetes docs, "Taints and Tolerations": "tolerations allow scheduling but don't
 *   guarantee scheduling"; "Dedicated nodes" pairs the toleration with a node affinity); a
 *   workload tolerating a taint of some nodes while nodes without the taint stay feasible for it,
 *   and no preferred node affinity leaning to the tainted ones, is a note.
 */
import type { Node, Taint, Workload } from "../../../model/kubernetes.js";
import { formatSource, type SourceRef } from "../../../model/source.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { daemonPodSpec } from "../../placement/pods-to-place.js";
import { termMatches } from "../../placement/plugins/nodeaffinity/common.js";
import { FILTERED_EFFECTS, tolerates, untoleratedTaint } from "../../placement/plugins/tainttoleration/common.js";
import type { PlacementReport, WorkloadPlacement } from "../../placement/placement.js";
import type { LintContext } from "../context.js";
import { listNames, plural } from "../words.js";
import type { LintFinding, LintObject, LintRule } from "../types.js";

function workloadOf(snapshot: Snapshot, w: WorkloadPlacement): Workload | undefined {
  return snapshot.kubernetes.workloads.find(
    (x) => x.kind === w.kind && x.namespace === w.namespace && x.name === w.name,
  );
}

/** `file:line` (the report's form) back to a source, for workloads the model does not list. */
function parseFileLine(text: string): SourceRef | undefined {
  const m = /^(.*):(\d+)$/.exec(text);
  return m ? { file: m[1]!, line: Number(m[2]), col: 1, doc: 0 } : undefined;
}

function workloadObject(snapshot: Snapshot, w: WorkloadPlacement): LintObject {
  const model = workloadOf(snapshot, w);
  return { kind: w.kind, namespace: w.namespace, name: w.name, source: model?.meta.source ?? parseFileLine(w.source) };
}

const NO_FEASIBLE_NODE = "no-feasible-node";

/**
 * Workloads with pods that cannot run: no node passes the scheduler's filters, or the kubelet of
 * the node they name rejects them. Shared by `lint` and `place` (one derivation, one rule id).
 */
export function unschedulableFindings(snapshot: Snapshot, report: PlacementReport): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const w of report.workloads) {
    const stuck = w.pods.filter((p) => p.unschedulable !== null || (p.kubelet !== null && !p.kubelet.admitted));
    if (stuck.length === 0) continue;
    const first = stuck[0]!;
    const why =
      first.unschedulable ??
      `the kubelet of ${first.kubelet!.node} rejects it: ${first.kubelet!.message ?? first.kubelet!.reason}`;
    const name = `${w.namespace}/${w.name}`;
    findings.push({
      ruleId: NO_FEASIBLE_NODE,
      severity: "error",
      message: `${w.kind} ${name}: ${stuck.length} of ${plural(w.pods.length, "pod")} cannot run (${first.name}: ${why})`,
      objects: [workloadObject(snapshot, w)],
      fix: `read \`podpath place --workload ${name}\` for each node's reasons and \`podpath fix place --workload ${name}\` for a verified change (a toleration, a selector, smaller requests, or a node that fits)`,
    });
  }
  return findings;
}

export const noFeasibleNode: LintRule<LintContext> = {
  id: NO_FEASIBLE_NODE,
  severity: "error",
  title: "a workload with pods no node can run (kube-scheduler's filters or the kubelet's admission reject every node)",
  upstream: "kubernetes pkg/scheduler/schedule_one.go (FitError), pkg/kubelet/lifecycle/predicate.go",
  helpUri: "https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/",
  check: (ctx) => unschedulableFindings(ctx.snapshot, ctx.placement),
};

export const daemonSetSkipsNodes: LintRule<LintContext> = {
  id: "daemonset-skips-nodes",
  severity: "warning",
  title: "a DaemonSet that makes no pod on some nodes because of a taint it does not tolerate",
  upstream: "kubernetes pkg/controller/daemon/daemon_controller.go NodeShouldRunDaemonPod",
  helpUri: "https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations",
  check(ctx) {
    const findings: LintFinding[] = [];
    for (const w of ctx.placement.workloads) {
      if (w.kind !== "DaemonSet") continue;
      const skipped = w.notTargeted.filter((n) => n.rule === "taint");
      if (skipped.length === 0) continue;
      const model = workloadOf(ctx.snapshot, w);
      const tolerations = model ? daemonPodSpec(model.template.spec).tolerations : [];
      const objects: LintObject[] = [workloadObject(ctx.snapshot, w)];
      const taints: string[] = [];
      for (const n of skipped) {
        const node = ctx.node(n.node);
        const taint = node ? untoleratedTaint(node.taints, tolerations, FILTERED_EFFECTS) : undefined;
        objects.push({ kind: "Node", name: n.node, source: taint?.source ?? node?.meta.source });
        const text = n.reason.replace(/^untolerated taint /, "");
        if (!taints.includes(text)) taints.push(text);
      }
      const names = skipped.map((n) => n.node);
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message: `DaemonSet ${w.namespace}/${w.name} runs no pod on ${plural(names.length, "node")} (${names.join(", ")}): untolerated taint ${taints.join(", ")}`,
        objects,
        fix: `if the DaemonSet belongs on those nodes, add a toleration for ${taints.join(", ")} to its pod template (spec.template.spec.tolerations); if not, nothing to do`,
      });
    }
    return findings;
  },
};

function taintText(t: Taint): string {
  return `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`;
}

/** The nodes' NoSchedule/NoExecute taints a spec tolerates (node condition taints left out: those come and go with the node's state). */
function toleratedTaints(workload: Workload, nodes: readonly Node[]): Map<string, { taint: Taint; nodes: Node[] }> {
  const out = new Map<string, { taint: Taint; nodes: Node[] }>();
  for (const node of nodes)
    for (const taint of node.taints) {
      if (!FILTERED_EFFECTS.includes(taint.effect) || taint.key.startsWith("node.kubernetes.io/")) continue;
      if (!workload.template.spec.tolerations.some((t) => tolerates(t, taint))) continue;
      const key = taintText(taint);
      const entry = out.get(key) ?? { taint, nodes: [] };
      entry.nodes.push(node);
      out.set(key, entry);
    }
  return out;
}

export const tolerationWithoutSelector: LintRule<LintContext> = {
  id: "toleration-without-selector",
  severity: "note",
  title:
    "a toleration without a node selector or affinity: it lets the pods onto the tainted nodes, it does not move them there",
  upstream: "Kubernetes docs, Taints and Tolerations (dedicated nodes: a toleration plus a node affinity)",
  helpUri: "https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#example-use-cases",
  check(ctx) {
    const findings: LintFinding[] = [];
    const nodes = ctx.snapshot.kubernetes.nodes;
    for (const w of ctx.placement.workloads) {
      if (w.kind === "DaemonSet" || w.admittedBy !== "scheduler") continue;
      const model = workloadOf(ctx.snapshot, w);
      if (!model) continue;
      const spec = model.template.spec;
      const feasible = new Set(w.feasibleNodes);
      for (const { taint, nodes: tainted } of toleratedTaints(model, nodes).values()) {
        const taintedNames = new Set(tainted.map((n) => n.name));
        const elsewhere = w.feasibleNodes.filter((n) => !taintedNames.has(n));
        // confined to the tainted nodes (selector or required affinity), or none of them feasible: nothing to say
        if (elsewhere.length === 0 || !tainted.some((n) => feasible.has(n.name))) continue;
        const preferred = spec.affinity.nodeAffinity?.preferred ?? [];
        if (preferred.some((p) => tainted.some((n) => termMatches(p.preference, n)))) continue;
        const toleration = spec.tolerations.find((t) => tolerates(t, taint))!;
        const name = `${w.namespace}/${w.name}`;
        findings.push({
          ruleId: this.id,
          severity: this.severity,
          message: `${w.kind} ${name} tolerates ${taintText(taint)} (on ${tainted.map((n) => n.name).join(", ")}), and no node selector or affinity leads its pods there: they may land there or on ${listNames(elsewhere)}, as the scores decide`,
          objects: [
            { kind: w.kind, namespace: w.namespace, name: w.name, source: toleration.source },
            ...tainted.map((n) => ({
              kind: "Node",
              name: n.name,
              source: n.taints.find((t) => taintText(t) === taintText(taint))?.source ?? n.meta.source,
            })),
          ],
          fix: `nothing to change if the pods only may run on the tainted nodes; to run them there, add a nodeSelector or required node affinity for a label only those nodes carry (the toleration at ${formatSource(toleration.source)} alone does not move them)`,
        });
      }
    }
    return findings;
  },
};
