import type { Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { formatSource, type SourceRef } from "../../model/source.js";
import { staticPodNode } from "../../model/static-pod.js";
import type { AdmissionOptions } from "./admission/index.js";
import type { AdmissionRejection } from "./admission/types.js";
import { newPodsOf, type ControllerLabelsView } from "./controllers/index.js";
import { admission as kubeletAdmission, admitBoundPods, type KubeletAdmission } from "./kubelet/admit.js";
import { evaluatePod, type NodeVerdict } from "./feasibility.js";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "./plugins/index.js";
import { podsOfWorkload } from "./pods-to-place.js";
import { preparePlacement, type PreparedPlacement } from "./prepare.js";
import { schedulingOrder, simulate, type Prediction, type WhyHere } from "./simulate.js";
import type { FilterPlugin, PodToPlace, Rejection, ScorePlugin, SpreadCounts } from "./types.js";
import { workloadKey } from "./workload-key.js";
import type { DroppedField, KubernetesVersionChoice, ResolvedVersion } from "./version.js";
import type { WhatIfReport } from "./what-if/index.js";

/** A rejection as reports show it: the scheduler's words, podpath's detail, and file:line. */
export interface ReasonView {
  readonly plugin: string;
  readonly message: string;
  readonly detail: string | null;
  readonly source: string | null;
  /** PodTopologySpread's skew rejection: the domain counts and the skew */
  readonly spread?: SpreadCounts;
  /** `source` as data (the JSON contract's SourceJson shape) */
  readonly location: LocationView | null;
}

/** A `file:line` as data: the file, 1-based line and column (src/questions/contract.ts SourceJson). */
interface LocationView {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

function locationView(ref: SourceRef | undefined): LocationView | null {
  return ref ? { file: ref.file, line: ref.line, column: ref.col } : null;
}

export interface NodeView {
  readonly node: string;
  readonly feasible: boolean;
  readonly reasons: readonly ReasonView[];
}

export interface PodView {
  readonly name: string;
  readonly observedNode: string | null;
  readonly predictedNode: string | null;
  /** nodes tied for the best score (the scheduler picks one at random); empty when none tie */
  readonly tiedNodes: readonly string[];
  /** "0/N nodes are available: …" when no node fits */
  readonly unschedulable: string | null;
  /** for a pod bound by spec.nodeName: what the node's kubelet says (admittedBy "kubelet"); null otherwise */
  readonly kubelet: KubeletAdmissionView | null;
  /** a pod the simulation placed: the score breakdown that chose its node over the runner-up (simulate.ts WhyHere) */
  readonly whyHere?: WhyHere;
  /** an unschedulable pod: the nodes PodTopologySpread rejects, each with the domain counts and the skew */
  readonly spreadRejections?: readonly { readonly node: string; readonly reason: ReasonView }[];
}

/** The kubelet's admission of a pod bound by spec.nodeName (pkg/kubelet/lifecycle/predicate.go Admit). */
export interface KubeletAdmissionView {
  readonly node: string;
  readonly admitted: boolean;
  /** the pod's status.reason when rejected: OutOfcpu, OutOfmemory, OutOfpods, NodeAffinity, NodePorts, TaintToleration; null when admitted or no kubelet answers */
  readonly reason: string | null;
  /** the pod's status.message (the kubelet's words), or why no kubelet answers */
  readonly message: string | null;
}

/** A pod running where the model says it cannot: a finding, with its likely cause. */
interface PlacementFinding {
  readonly code: "RUNS_ON_REJECTED_NODE";
  readonly pod: string;
  readonly node: string;
  readonly message: string;
  readonly reasons: readonly ReasonView[];
}

/** A node the DaemonSet controller makes no pod for (NodeShouldRunDaemonPod), and why. */
export interface NotTargetedView {
  readonly node: string;
  /** nodeName, nodeAffinity (nodeSelector or required node affinity) or taint */
  readonly rule: string;
  readonly reason: string;
  readonly source: string | null;
  readonly location: LocationView | null;
  /** the daemon pod the snapshot shows on the node anyway, if any */
  readonly runningPod: string | null;
  /** whether the controller lets that pod keep running (shouldContinueRunning) */
  readonly continueRunning: boolean;
}

/** A change the API server makes to the workload's pods (admission/index.ts), for reports. */
interface MutationView {
  readonly source: string;
  readonly field: string;
  readonly value: string;
  readonly reason: string;
  /** file:line of the LimitRange, RuntimeClass, PriorityClass or namespace that caused it; null for a built-in default */
  readonly object: string | null;
  readonly objectLocation: LocationView | null;
}

/** What admission would do that the snapshot cannot settle, or a rejection it would give. */
interface AdmissionNoteView {
  readonly source: string;
  readonly message: string;
  readonly object: string | null;
  readonly objectLocation: LocationView | null;
}

export interface WorkloadPlacement {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number | null;
  readonly source: string;
  readonly generatedFrom: string | null;
  readonly feasibleNodes: readonly string[];
  /**
   * DaemonSets: the nodes the controller makes a pod for (NodeShouldRunDaemonPod), as many as
   * the pods it creates (desiredNumberScheduled); null for other kinds.
   */
  readonly targetedNodes: readonly string[] | null;
  /** DaemonSets: the nodes it does not target, with the rule and object that exclude each. */
  readonly notTargeted: readonly NotTargetedView[];
  /**
   * Set when the snapshot lacks the workload and podpath knows it only through its pods: how
   * many, which pod's spec stands for the template, how the owner was inferred, what is unknown.
   */
  readonly knownFromPods: {
    readonly pods: number;
    readonly templateFrom: string;
    readonly inferredVia: string | null;
    readonly unknown: readonly string[];
  } | null;
  /** the labels its controller adds to the pods podpath creates (pod-template-hash, a StatefulSet's identity), and where each value comes from; null for other kinds */
  readonly controllerLabels: ControllerLabelsView | null;
  /**
   * "kubelet" when the pods set spec.nodeName: they never reach the scheduler, the node's kubelet
   * admits them; `nodes` then holds that node alone with the kubelet's reasons (its status.reason
   * in `plugin`), and the other nodes are not targeted at all.
   */
  readonly admittedBy: "scheduler" | "kubelet";
  readonly nodes: readonly NodeView[];
  readonly pods: readonly PodView[];
  readonly findings: readonly PlacementFinding[];
  /** the changes the API server makes to the template's pods before the scheduler sees them (defaults, admission, webhooks) */
  readonly mutations: readonly MutationView[];
  readonly admissionNotes: readonly AdmissionNoteView[];
  /**
   * set when the API server refuses to create the workload's pods (a validating admission
   * plugin: LimitRanger): the pods podpath would have placed are not created, so not placed
   */
  readonly createRefused: CreateRefusedView | null;
}

/** A refused create: the API server's answer for the first pod, and how many pods it refuses. */
interface CreateRefusedView {
  readonly source: string;
  /** `pods "NAME" is forbidden: …` (admission.NewForbidden), NAME the first pod podpath would have created */
  readonly message: string;
  /** the rule's file:line (the LimitRange item) */
  readonly object: string;
  readonly pods: number;
}

/** A static pod (kubelet mirror pod): placed by its node's kubelet, not the scheduler. */
interface StaticPodView {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly message: string;
  /** the mirror pod's file:line */
  readonly source: string;
}

export interface PlacementReport {
  /** the Kubernetes version placement followed, where it came from, and what its API server dropped (version.ts) */
  readonly kubernetes: KubernetesVersionChoice & { readonly droppedFields: readonly DroppedField[] };
  readonly nodeCount: number;
  readonly workloads: readonly WorkloadPlacement[];
  /** pods no workload stands for because the kubelet runs them (static pods), each with its node */
  readonly staticPods: readonly StaticPodView[];
  /** `place --fresh`, `--drain`, `--add-node`: set only when one is asked (what-if/index.ts) */
  readonly whatIf?: WhatIfReport;
}

export interface PlacementOptions {
  /** only this workload (`namespace/name`) */
  readonly workload?: string;
  readonly filters?: readonly FilterPlugin<unknown>[];
  readonly scores?: readonly ScorePlugin<unknown>[];
  /** the Kubernetes version to follow (version.ts resolveKubernetesVersion); read from the snapshot when absent */
  readonly version?: ResolvedVersion;
  /** admission settings (--istio-proxy-requests) */
  readonly admission?: AdmissionOptions;
  /** the snapshot already prepared (prepare.ts), shared with the what-ifs; version and admission are then its own */
  readonly prepared?: PreparedPlacement;
}

function reasonView(r: Rejection): ReasonView {
  const view = {
    plugin: r.plugin,
    message: r.message,
    detail: r.detail ?? null,
    source: r.source ? formatSource(r.source) : null,
    location: locationView(r.source),
  };
  return r.spread ? { ...view, spread: r.spread } : view;
}

/** The kubelet's verdict on the bound node: its status.reason stands in `plugin`. */
function kubeletNodeView(a: KubeletAdmission): NodeView {
  return {
    node: a.node,
    feasible: a.admitted,
    reasons: a.rejections.map((r) => ({
      plugin: r.reason,
      message: r.message,
      detail: r.detail ?? null,
      source: r.source ? formatSource(r.source) : null,
      location: locationView(r.source),
    })),
  };
}

function kubeletView(a: KubeletAdmission): KubeletAdmissionView {
  if (!a.nodeKnown)
    return {
      node: a.node,
      admitted: false,
      reason: null,
      message: `node ${a.node} is not in the snapshot: no kubelet admits the pod (the pod garbage collector deletes pods bound to a node that does not exist: pkg/controller/podgc gcOrphaned)`,
    };
  const first = a.rejections[0];
  return { node: a.node, admitted: a.admitted, reason: first?.reason ?? null, message: first?.message ?? null };
}

function nodeView(v: NodeVerdict): NodeView {
  return { node: v.node, feasible: v.feasible, reasons: v.reasons.map(reasonView) };
}

/** Why a pod can run where the model rejects it, from the kind of rejection. */
function likelyCause(reasons: readonly Rejection[]): string {
  const plugins = new Set(reasons.map((r) => r.plugin));
  // an untolerated NoExecute taint does evict: the taint-eviction controller (kubernetes
  // pkg/controller/tainteviction/taint_eviction.go) deletes pods that do not tolerate it
  if (reasons.some((r) => r.plugin === "TaintToleration" && r.detail?.endsWith(":NoExecute")))
    return "an untolerated NoExecute taint evicts running pods (the taint-eviction controller): the taint was most likely added moments ago and the pod is about to be evicted, or the controller is not running";
  if (plugins.has("TaintToleration"))
    return "NoSchedule taints never evict running pods: the taint was most likely added after the pod was placed";
  if (plugins.has("NodeAffinity"))
    return "node affinity is IgnoredDuringExecution: the node's labels (or the pod's selector) most likely changed after the pod was placed";
  if (plugins.has("NodeResourcesFit"))
    return "the node is overcommitted: requests changed, or pods were bound without the scheduler";
  if (plugins.has("NodeUnschedulable"))
    return "the node was cordoned after the pod was placed (cordoning does not evict)";
  return "the pod was placed before the rule that rejects the node existed, or bound without the scheduler";
}

/**
 * What is unknown of a DaemonSet known only through its pods: which nodes it targets. Its pods
 * carry its nodeSelector and tolerations, but not its required node affinity: the DaemonSet
 * controller replaces that, on each pod, with a matchFields term naming the pod's node
 * (pkg/controller/daemon/util ReplaceDaemonSetPodNodeNameNodeAffinity). So the nodes without a
 * pod are named, and no verdict is given for them.
 */
function daemonSetTargetsUnknown(
  w: Workload,
  podOn: ReadonlyMap<string, string>,
  nodes: Snapshot["kubernetes"]["nodes"],
): string {
  const without = nodes.filter((n) => !podOn.has(n.name)).map((n) => n.name);
  const shown =
    without.length <= 8 ? without.join(", ") : `${without.slice(0, 8).join(", ")} and ${without.length - 8} more`;
  return (
    "the nodes it targets (its node selector and tolerations are read from one pod; its required node affinity is not on its pods, the DaemonSet controller replaces it with each pod's own node)" +
    (without.length > 0
      ? `: no pod seen on ${shown}, whether it targets ${without.length === 1 ? "it" : "them"} is unknown`
      : "")
  );
}

/**
 * The static pods the snapshot shows (their mirror pods): the kubelet of their node runs them from
 * its manifest directory, the scheduler never places them, so they belong to no workload. Ordered
 * by node, then namespace and name.
 */
function staticPodViews(snapshot: Snapshot, workload: string | undefined): StaticPodView[] {
  const nodes = new Set(snapshot.kubernetes.nodes.map((n) => n.name));
  const out: StaticPodView[] = [];
  for (const pod of snapshot.kubernetes.pods) {
    const node = staticPodNode(pod);
    if (node === undefined || (workload !== undefined && `${pod.namespace}/${pod.name}` !== workload)) continue;
    out.push({
      namespace: pod.namespace,
      name: pod.name,
      node,
      message: `static pod of node ${node}${nodes.has(node) ? "" : " (not in the snapshot)"}, placed by the kubelet, not the scheduler`,
      source: formatSource(pod.meta.source),
    });
  }
  return out.sort((a, b) => compare(a.node, b.node) || compare(a.namespace, b.namespace) || compare(a.name, b.name));
}

function createRefusedView(
  rejected: AdmissionRejection | undefined,
  refused: readonly string[] | undefined,
): CreateRefusedView | null {
  if (!rejected || !refused || refused.length === 0) return null;
  return {
    source: rejected.source,
    message: `pods "${refused[0]}" is forbidden: ${rejected.reason}`,
    object: formatSource(rejected.object),
    pods: refused.length,
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `podpath place`: for each workload, the nodes its pods can run on (every kube-scheduler filter
 * on every node, every rejection kept), the node each pod runs on (observed) or would be given
 * (a simulation placing the pods not yet placed one at a time), and observed pods on nodes the
 * model rejects.
 */
export function analysePlacement(snapshot: Snapshot, options: PlacementOptions = {}): PlacementReport {
  const prepared = options.prepared ?? preparePlacement(snapshot, options);
  const { version, droppedFields, podsByWorkload, targetsOf, admittedOf, kubeletBound, observed } = prepared;
  const filters = options.filters ?? DEFAULT_FILTERS;
  const scores = options.scores ?? DEFAULT_SCORES(snapshot);
  const nodes = snapshot.kubernetes.nodes;
  const selected = prepared.workloads.filter(
    (w) => !options.workload || `${w.namespace}/${w.name}` === options.workload,
  );

  // every workload's pods, for the simulation (all workloads compete for the same nodes)
  const baseline = prepared.cluster();
  const unplaced = [...podsByWorkload.values()].flat().filter((p) => !p.observed?.nodeName);
  const simCluster = prepared.cluster();
  const admissions = admitBoundPods(
    unplaced.filter((p) => kubeletBound.has(p.workload)),
    simCluster,
  );
  const toPlace = schedulingOrder(
    unplaced.filter((p) => !kubeletBound.has(p.workload)),
    (p) => prepared.priorityOf(p.spec),
  );
  const predictions: Map<PodToPlace, Prediction> = simulate(toPlace, simCluster, filters, scores, {
    hasLowerPriorityPod: prepared.hasLowerPriorityPod(),
    explain: true,
  });

  const workloads = selected.map((w): WorkloadPlacement => {
    const pods = podsByWorkload.get(w)!;
    const key = workloadKey(w);
    const cluster = baseline.withoutOwner(key);
    const byKubelet = kubeletBound.has(w);
    let verdicts: NodeVerdict[] = [];
    let ownAdmission: KubeletAdmission | undefined;
    let kubeletNodes: NodeView[] | undefined;
    if (byKubelet) {
      const admittedSpec = admittedOf.get(w)?.spec;
      const representative = pods[0] ?? podsOfWorkload({ ...w, replicas: 1 }, nodes, [], undefined, admittedSpec)[0]!;
      // the kubelet judges the pod the API server stored (admission/), bound by its spec.nodeName
      ownAdmission = kubeletAdmission({ ...representative, spec: admittedSpec ?? w.template.spec }, cluster);
      kubeletNodes = ownAdmission.nodeKnown ? [kubeletNodeView(ownAdmission)] : [];
    } else if (w.kind === "DaemonSet") {
      verdicts = pods.flatMap((p) => evaluatePod(p, cluster, filters));
    } else {
      const representative =
        pods[0] ?? podsOfWorkload({ ...w, replicas: 1 }, nodes, [], undefined, admittedOf.get(w)?.spec)[0]!;
      // a workload known from its pods: the template (the pod's spec without its binding), not one pod's nodeName
      verdicts = evaluatePod(
        { ...representative, spec: w.knownFromPods ? w.template.spec : representative.spec, observed: undefined },
        cluster,
        filters,
      );
    }
    const targets = targetsOf.get(w);
    const findings: PlacementFinding[] = [];
    // daemon pods the controller deletes (NodeShouldRunDaemonPod: shouldContinueRunning false)
    const stopped = new Set((targets?.notTargeted ?? []).filter((t) => !t.continueRunning).map((t) => t.node));
    for (const p of pods) {
      const pod = p.observed;
      // a kubelet-bound pod is judged by its admission (PodView.kubelet), not the scheduler's filters
      if (!pod?.nodeName || byKubelet) continue;
      const [verdict] = evaluatePod(
        { ...p, spec: w.kind === "DaemonSet" ? p.spec : pod.spec, daemonNode: pod.nodeName },
        cluster,
        filters,
      );
      if (verdict && !verdict.feasible) {
        findings.push({
          code: "RUNS_ON_REJECTED_NODE",
          pod: pod.name,
          node: pod.nodeName,
          message: stopped.has(pod.nodeName)
            ? `${pod.name} runs on ${pod.nodeName}, which the DaemonSet no longer targets: the controller deletes it (NodeShouldRunDaemonPod: shouldContinueRunning is false)`
            : `${pod.name} runs on ${pod.nodeName}, which the model rejects: ${likelyCause(verdict.reasons)}`,
          reasons: verdict.reasons.map(reasonView),
        });
      }
    }
    const podOn = new Map(pods.filter((p) => p.observed?.nodeName).map((p) => [p.observed!.nodeName!, p.name]));
    return {
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      replicas: w.replicas,
      source: formatSource(w.meta.source),
      generatedFrom: w.generatedFrom
        ? `${w.generatedFrom.kind} ${w.generatedFrom.namespace}/${w.generatedFrom.name}`
        : null,
      feasibleNodes: (kubeletNodes ?? verdicts).filter((v) => v.feasible).map((v) => v.node),
      targetedNodes: targets ? targets.targeted.map((n) => n.name) : null,
      notTargeted: (targets?.notTargeted ?? []).map((t) => ({
        node: t.node,
        rule: t.rule,
        reason: t.reason,
        source: t.source ? formatSource(t.source) : null,
        location: locationView(t.source),
        runningPod: podOn.get(t.node) ?? null,
        continueRunning: t.continueRunning,
      })),
      knownFromPods: w.knownFromPods
        ? {
            pods: w.knownFromPods.pods,
            templateFrom: w.knownFromPods.templateFrom,
            inferredVia: w.knownFromPods.inferredVia ?? null,
            unknown: [
              w.kind === "DaemonSet"
                ? daemonSetTargetsUnknown(w, podOn, nodes)
                : "replicas (the pods seen are counted)",
              `the template (pod ${w.knownFromPods.templateFrom}'s spec stands for it; other pods may differ)`,
            ],
          }
        : null,
      controllerLabels: newPodsOf(
        w,
        (observed.get(key) ?? []).filter((p) => p.phase !== "Succeeded" && p.phase !== "Failed"),
      ).view,
      admittedBy: byKubelet ? "kubelet" : "scheduler",
      nodes: kubeletNodes ?? verdicts.map(nodeView),
      pods: pods.map((p): PodView => {
        const prediction = predictions.get(p);
        const whyHere = !p.observed?.nodeName && !byKubelet ? prediction?.whyHere : undefined;
        return {
          name: p.name,
          observedNode: p.observed?.nodeName ?? null,
          predictedNode: p.observed?.nodeName
            ? null
            : byKubelet
              ? admissions.get(p)?.admitted
                ? p.spec.nodeName!
                : null
              : (prediction?.node ?? null),
          tiedNodes: prediction?.tied ?? [],
          unschedulable: prediction?.unschedulable ?? null,
          kubelet: byKubelet ? kubeletView(p.observed?.nodeName ? ownAdmission! : admissions.get(p)!) : null,
          ...(whyHere ? { whyHere } : {}),
          ...(prediction?.spreadRejections && !byKubelet
            ? {
                spreadRejections: prediction.spreadRejections.map((x) => ({
                  node: x.node,
                  reason: reasonView(x.reason),
                })),
              }
            : {}),
        };
      }),
      findings,
      mutations: (admittedOf.get(w)?.mutations ?? []).map((m) => ({
        source: m.source,
        field: m.field,
        value: m.value,
        reason: m.reason,
        object: m.object ? formatSource(m.object) : null,
        objectLocation: locationView(m.object),
      })),
      admissionNotes: (admittedOf.get(w)?.notes ?? []).map((n) => ({
        source: n.source,
        message: n.message,
        object: n.object ? formatSource(n.object) : null,
        objectLocation: locationView(n.object),
      })),
      createRefused: createRefusedView(admittedOf.get(w)?.rejected, prepared.refusedPods.get(w)),
    };
  });
  const selectedKeys = new Set(selected.map(workloadKey));
  const dropped = droppedFields.filter((d) => selectedKeys.has(d.workload));
  return {
    kubernetes: { ...version.choice, droppedFields: dropped },
    nodeCount: nodes.length,
    workloads,
    staticPods: staticPodViews(snapshot, options.workload),
  };
}
