/**
 * `podpath fix place NS/NAME --onto SELECTOR`: the smallest change to a workload's pod template
 * that makes kube-scheduler's filters admit exactly the selected nodes, written as a patch, a
 * `kubectl patch` command and `helm upgrade --set` flags, and verified by re-running placement on
 * the snapshot with the change applied.
 *
 * Two rules do the work, and the seed document confuses them: a toleration only stops a taint
 * from rejecting a node (TaintToleration) — it never draws a pod there; a nodeSelector or required
 * node affinity (NodeAffinity) is what keeps a pod off every other node. So the change tolerates
 * the target nodes' taints and selects the target nodes.
 */

import type { Workload } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { formatSource } from "../../../model/source.js";
import { tolerates } from "../plugins/tainttoleration/common.js";
import { resolveKubernetesVersion, type ResolvedVersion } from "../version.js";
import {
  analysePlacement,
  type NodeView,
  type PlacementReport,
  type ReasonView,
  type WorkloadPlacement,
} from "../placement.js";
import {
  applyChange,
  computeChange,
  effectiveTolerations,
  FILTERING,
  isConditionTaint,
  type PlacementChange,
} from "./change.js";
import { FixPlaceError } from "./error.js";
import { findHelmRelease, helmSetFlags, helmUpgradeCommand, type HelmRelease } from "./helm-values.js";
import { located, type FixLocation } from "./location.js";
import { describeOnto, parseOnto, selectNodes } from "./onto.js";
import { kubectlPatchCommand, nest, patchTarget, podSpecPatch } from "./patch.js";
import { tolerationYaml } from "./shapes.js";
import { toYaml } from "./yaml.js";

export { FixPlaceError } from "./error.js";
export type { ChangeStep } from "./change.js";

export interface OtherRejection {
  readonly node: string;
  readonly plugin: string;
  readonly message: string;
  readonly detail: string | null;
  readonly source: string | null;
  /** `source` as data */
  readonly location: FixLocation | null;
}

export interface FixPlaceResult {
  /** the Kubernetes version placement followed (version.ts), as `place` reports it */
  readonly kubernetes: PlacementReport["kubernetes"];
  /** NS/NAME as asked */
  readonly workload: string;
  readonly kind: string;
  readonly source: string;
  readonly generatedFrom: string | null;
  readonly onto: string;
  /** how --onto was read: "node name", "node names" or "label selector" */
  readonly ontoKind: string;
  readonly targetNodes: readonly string[];
  readonly nodeCount: number;
  readonly before: { readonly feasibleNodes: readonly string[]; readonly nodes: readonly NodeView[] };
  readonly change: PlacementChange;
  /** rejections of target nodes the change does not address (resources, ports, cordon, node conditions, pod affinity) */
  readonly otherRejections: readonly OtherRejection[];
  readonly patchTarget: {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly path: string;
  };
  /** the patch as YAML (strategic merge; also a valid JSON merge patch); null when nothing changes */
  readonly patch: string | null;
  readonly kubectl: string | null;
  readonly helm: string | null;
  readonly helmRelease: Omit<HelmRelease, "notes"> | null;
  readonly after: { readonly feasibleNodes: readonly string[]; readonly nodes: readonly NodeView[] };
  /**
   * the workload's replicas as `place` sees them after the change: on a node (observed, or
   * predicted by the simulation with every other workload) or Pending, with the scheduler's
   * distinct FitErrors; a fix that leaves replicas Pending is not verified
   */
  readonly replicasAfter: ReplicasAfter;
  /** the feasible nodes after the change are exactly the target nodes, and no replica stays Pending */
  readonly verified: boolean;
  /** why not, when not verified */
  readonly unverifiedBecause: readonly string[];
  readonly notes: readonly string[];
}

export interface ReplicasAfter {
  readonly total: number;
  readonly placed: number;
  readonly pending: number;
  /** the scheduler's message for the Pending ones ("0/3 nodes are available: …"), each once */
  readonly pendingBecause: readonly string[];
}

export interface FixPlaceOptions {
  /** NS/NAME */
  readonly workload: string;
  /** --onto */
  readonly onto: string;
  /** --kubernetes-version: the version to follow instead of the one the snapshot shows */
  readonly kubernetesVersion?: string | undefined;
}

/** The workload `NS/NAME` names; a controller before a bare Pod of the same name. */
function findWorkload(snapshot: Snapshot, ref: string): Workload {
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1 || ref.indexOf("/", slash + 1) >= 0)
    throw new FixPlaceError(
      `workload ${JSON.stringify(ref)}: expected NAMESPACE/NAME, such as monitoring/prometheus-grafana`,
    );
  const namespace = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  const matches = snapshot.kubernetes.workloads.filter((w) => w.namespace === namespace && w.name === name);
  const found = matches.find((w) => w.kind !== "Pod") ?? matches[0];
  if (found) return found;
  const inNamespace = snapshot.kubernetes.workloads
    .filter((w) => w.namespace === namespace && w.kind !== "Pod")
    .map((w) => w.name);
  const hint =
    inNamespace.length > 0
      ? `; workloads in ${namespace}: ${inNamespace.slice(0, 12).join(", ")}${inNamespace.length > 12 ? `, … (${inNamespace.length})` : ""}`
      : `; the snapshot has no workload in namespace ${namespace}`;
  throw new FixPlaceError(`no workload ${ref} in the snapshot${hint}`);
}

function placementOf(
  snapshot: Snapshot,
  workload: Workload,
  version: ResolvedVersion,
): WorkloadPlacement & { readonly kubernetes: PlacementReport["kubernetes"] } {
  const report = analysePlacement(snapshot, { workload: `${workload.namespace}/${workload.name}`, version });
  return {
    ...(report.workloads.find((w) => w.kind === workload.kind) ?? report.workloads[0]!),
    kubernetes: report.kubernetes,
  };
}

const HANDLED_PLUGINS = new Set(["TaintToleration", "NodeAffinity"]);

/** How many of the workload's pods are on a node (observed, predicted, admitted by their kubelet) and how many stay Pending. */
function replicasOf(w: WorkloadPlacement): ReplicasAfter {
  const placed = w.pods.filter((p) => p.observedNode !== null || p.predictedNode !== null).length;
  const pendingBecause = [...new Set(w.pods.map((p) => p.unschedulable).filter((m): m is string => m !== null))];
  return { total: w.pods.length, placed, pending: w.pods.length - placed, pendingBecause };
}

function reasonLine(r: ReasonView): string {
  return `${r.plugin}: ${r.message}${r.detail ? ` (${r.detail})` : ""}${r.source ? ` ${r.source}` : ""}`;
}

/**
 * `podpath fix place`: resolves the workload and the target nodes (FixPlaceError when either is
 * missing), computes the change, writes it as a patch, a kubectl command and helm flags, applies
 * it to a copy of the snapshot and re-runs placement on it.
 */
export function fixPlace(snapshot: Snapshot, options: FixPlaceOptions): FixPlaceResult {
  const workload = findWorkload(snapshot, options.workload);
  // a bad --kubernetes-version is a KubernetesVersionError (a UserError)
  const version = resolveKubernetesVersion(snapshot, options.kubernetesVersion);
  const nodes = snapshot.kubernetes.nodes;
  if (nodes.length === 0) throw new FixPlaceError("the snapshot has no nodes: nothing to place onto");
  const onto = parseOnto(
    options.onto,
    nodes.map((n) => n.name),
  );
  const targets = selectNodes(onto, nodes);
  if (targets.length === 0) {
    throw new FixPlaceError(
      `--onto ${JSON.stringify(options.onto)} selects no node; the snapshot's nodes: ${nodes
        .slice(0, 20)
        .map((n) => n.name)
        .join(", ")}${nodes.length > 20 ? `, … (${nodes.length})` : ""}`,
    );
  }
  const targetNames = targets.map((t) => t.name);
  const before = placementOf(snapshot, workload, version);
  const { change, model } = computeChange(workload, nodes, targets, onto);
  const spec = workload.template.spec;

  // where the change goes, and as what
  const target = patchTarget(workload);
  const specPatch = podSpecPatch(spec, change, model);
  const patchObject = nest(target.path, specPatch);
  const notes: string[] = [];
  let helm: string | null = null;
  let helmRelease: HelmRelease | undefined;
  if (!change.empty) {
    helmRelease = findHelmRelease(workload, target.kind, snapshot);
    if (helmRelease) {
      const selectorAfter: Record<string, string | null> = {};
      for (const key of model.removeSelectorKeys) selectorAfter[key] = null;
      for (const [k, v] of Object.entries(applyChange(spec, model).nodeSelector)) selectorAfter[k] = v;
      const flags = helmSetFlags(helmRelease.valuesPath, {
        tolerations:
          model.addTolerations.length > 0
            ? [...spec.tolerations, ...model.addTolerations].map(tolerationYaml)
            : undefined,
        nodeSelector:
          model.removeSelectorKeys.length > 0 || Object.keys(model.addSelector).length > 0 ? selectorAfter : undefined,
        nodeSelectorTerms: change.nodeAffinity
          ? change.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
          : model.required === null
            ? null
            : undefined,
      });
      helm = helmUpgradeCommand(helmRelease, flags);
      notes.push(...helmRelease.notes);
      notes.push(
        `helm --set replaces lists even with --reuse-values: the tolerations flags list the existing tolerations too${helmRelease.version ? `; --version ${helmRelease.version} keeps the installed chart version` : "; the chart version is unknown: add --version with the installed one, or helm upgrades the chart too"}.`,
      );
      if (helmRelease.chart === "argo-cd" && change.nodeAffinity)
        notes.push(
          `${helmRelease.valuesPath}.affinity replaces the chart's global affinity preset (soft pod anti-affinity) for this component.`,
        );
      notes.push(
        `The release is managed by Helm: a kubectl patch lasts until the next helm upgrade; the helm flags make it stick.`,
      );
    } else if (
      workload.meta.labels["app.kubernetes.io/part-of"] === "argocd" &&
      !workload.meta.labels["helm.sh/chart"]
    ) {
      notes.push(
        "Installed from the Argo CD manifest (no Helm labels): no helm flags. Applying the manifest again (kubectl apply -n argocd -f install.yaml) undoes the patch; keep it in a kustomize overlay.",
      );
    }
    if (target.kind !== workload.kind)
      notes.push(
        `${workload.kind} ${workload.namespace}/${workload.name} is generated by prometheus-operator from ${target.kind} ${target.namespace}/${target.name}: the change goes to the ${target.kind}'s spec (the operator would undo a patch of the ${workload.kind}).`,
      );
    else {
      const owner = workload.meta.ownerReferences.find((o) => o.controller);
      if (owner)
        notes.push(
          `${workload.kind} ${workload.namespace}/${workload.name} is controlled by ${owner.kind} ${owner.name}, which may undo a patch: change it there.`,
        );
    }
    if (workload.knownFromPods) {
      const k = workload.knownFromPods;
      notes.push(
        `${workload.kind} ${workload.namespace}/${workload.name} is not in the snapshot; it is known only through its pods${k.inferredVia ? ` (${k.inferredVia})` : ""}: the patch is built on pod ${k.templateFrom}'s spec, so check it against the real ${workload.kind} (kubectl get ${workload.kind.toLowerCase()} ${workload.name} -n ${workload.namespace} -o yaml) before applying.`,
      );
    }
    if (workload.kind === "Pod")
      notes.push(
        "A Pod's nodeSelector, affinity and nodeName cannot be changed once created (tolerations can only be added): delete the Pod and create it again with the patch applied.",
      );
    if (workload.kind === "Job")
      notes.push(
        "A Job's pod template can be changed only while the Job is suspended (spec.suspend: true); otherwise delete and re-create it.",
      );
    if (model.addTolerations.length > 0)
      notes.push(
        "A merge patch replaces the whole tolerations list: the patch lists the existing tolerations and the added ones.",
      );
  } else {
    const keptOff = before.nodes
      .filter((v) => !targetNames.includes(v.node) && !v.feasible)
      .map((v) => `${v.node} by ${[...new Set(v.reasons.map((x) => x.plugin))].join(" and ")}`);
    notes.push(
      `Nothing to change: the workload's tolerations and node selection already admit exactly the target nodes${keptOff.length > 0 ? ` (the others are kept off: ${keptOff.join("; ")})` : ""}.`,
    );
  }
  if (model.addTolerations.some((t) => t.effect === "NoExecute"))
    notes.push(
      "A NoExecute toleration without tolerationSeconds keeps the pods on the node for as long as the taint stays.",
    );

  // verification: the same placement analysis on the snapshot with the change applied
  const newSpec = applyChange(spec, model);
  const modified: Workload = { ...workload, template: { ...workload.template, spec: newSpec } };
  const k = snapshot.kubernetes;
  const changed: Snapshot = {
    ...snapshot,
    kubernetes: {
      ...k,
      workloads: k.workloads.map((w) => (w === workload ? modified : w)),
      pods:
        workload.kind === "Pod"
          ? k.pods.map((p) =>
              p.namespace === workload.namespace && p.name === workload.name && !p.owner ? { ...p, spec: newSpec } : p,
            )
          : k.pods,
    },
  };
  const after = placementOf(changed, modified, version);
  const targetSet = new Set(targetNames);
  const exact = after.feasibleNodes.length === targetSet.size && after.feasibleNodes.every((n) => targetSet.has(n));
  const replicasAfter = replicasOf(after);
  const verified = exact && replicasAfter.pending === 0;
  const unverifiedBecause: string[] = [];
  for (const v of after.nodes) {
    if (targetSet.has(v.node) && !v.feasible)
      unverifiedBecause.push(`${v.node} is still rejected: ${v.reasons.map(reasonLine).join("; ")}`);
    if (!targetSet.has(v.node) && v.feasible) unverifiedBecause.push(`${v.node} is admitted too, though not a target`);
  }
  if (after.nodes.length === 0) unverifiedBecause.push("no node was evaluated");
  // the filters admitting the targets is not enough: a spread constraint or the nodes' room can keep replicas Pending
  for (const why of replicasAfter.pendingBecause)
    unverifiedBecause.push(
      `${replicasAfter.pending} of ${replicasAfter.total} replicas stay Pending after the change (${replicasAfter.placed} placed): ${why}`,
    );

  const otherRejections: OtherRejection[] = [];
  for (const v of before.nodes) {
    if (!targetSet.has(v.node)) continue;
    for (const r of v.reasons) {
      // the change answers taints and node selection; condition taints are listed below
      if (HANDLED_PLUGINS.has(r.plugin)) continue;
      if (r.plugin === "NodeName" && model.removeNodeName) continue;
      otherRejections.push({
        node: v.node,
        plugin: r.plugin,
        message: r.message,
        detail: r.detail,
        source: r.source,
        location: r.location,
      });
    }
  }
  for (const node of targets) {
    for (const t of node.taints) {
      if (
        !FILTERING(t) ||
        !isConditionTaint(t.key) ||
        effectiveTolerations(workload, spec.tolerations).some((tol) => tolerates(tol, t))
      )
        continue;
      otherRejections.push({
        node: node.name,
        plugin: "TaintToleration",
        message: version.behaviour.taintReason(t),
        detail: `taint ${t.key}:${t.effect} reports the node's condition; a placement fix does not tolerate it`,
        ...located(t.source),
      });
    }
  }

  const kubectl = change.empty ? null : kubectlPatchCommand(target, patchObject);
  return {
    kubernetes: before.kubernetes,
    workload: options.workload,
    kind: workload.kind,
    source: formatSource(workload.meta.source),
    generatedFrom: workload.generatedFrom
      ? `${workload.generatedFrom.kind} ${workload.generatedFrom.namespace}/${workload.generatedFrom.name}`
      : null,
    onto: options.onto,
    ontoKind: describeOnto(onto),
    targetNodes: targetNames,
    nodeCount: nodes.length,
    before: { feasibleNodes: before.feasibleNodes, nodes: before.nodes },
    change,
    otherRejections,
    patchTarget: { kind: target.kind, namespace: target.namespace, name: target.name, path: target.path.join(".") },
    patch: change.empty ? null : toYaml(patchObject),
    kubectl,
    helm,
    helmRelease: helmRelease
      ? {
          chart: helmRelease.chart,
          chartRef: helmRelease.chartRef,
          version: helmRelease.version,
          release: helmRelease.release,
          namespace: helmRelease.namespace,
          valuesPath: helmRelease.valuesPath,
        }
      : null,
    after: { feasibleNodes: after.feasibleNodes, nodes: after.nodes },
    replicasAfter,
    verified,
    unverifiedBecause,
    notes,
  };
}
