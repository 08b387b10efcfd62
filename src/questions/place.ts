/**
 * `podpath place`: per workload, the nodes its pods can run on, why every other node is rejected,
 * and the observed or predicted node of each pod. Result: `PlacementJson`, PRODUCT.md's
 * `place -o json` contract.
 */
import { analysePlacement, type PlacementReport, type WorkloadPlacement } from "../analysis/placement/placement.js";
import {
  addNodeReport,
  analyseWhatIf,
  withAddedNodes,
  type WhatIfReport,
} from "../analysis/placement/what-if/index.js";
import type { Node } from "../model/kubernetes.js";
import { UserError } from "../model/errors.js";
import type { Snapshot } from "../model/snapshot.js";
import { staticPodNode } from "../model/static-pod.js";
import { preparePlacement } from "../analysis/placement/prepare.js";
import type { WhyHere } from "../analysis/placement/simulate.js";
import type { SpreadCounts } from "../analysis/placement/types.js";
import { resolveKubernetesVersion } from "../analysis/placement/version.js";
import type { TemplateView } from "../analysis/placement/what-if/index.js";
import { launchNodePools, type KarpenterNodePool } from "../analysis/placement/what-if/node-templates/karpenter.js";
import type { KubernetesVersionJson } from "./kubernetes-version.js";
import type { SourceJson } from "./contract.js";
import type { FindingJson } from "./contract.js";
import { placeFindings } from "./findings.js";
import { ObjectLocations, versioned, type Versioned } from "./location.js";
import type { Answer } from "./question.js";

export interface PlaceInput {
  /** only this workload, NS/NAME */
  readonly workload?: string | undefined;
  /** text and Markdown: one line per workload (where its pods are or go, what keeps the rest Pending); JSON is always complete */
  readonly brief?: boolean | undefined;
  /** explain this node in full for every workload (text output) */
  readonly node?: string | undefined;
  /** --kubernetes-version: the version to follow instead of the one the snapshot shows */
  readonly kubernetesVersion?: string | undefined;
  /** --istio-proxy-requests: istio-proxy requests (cpu millicores, memory bytes) where the pod's annotations set none */
  readonly istioProxyRequests?: { readonly cpu: number; readonly memory: number } | undefined;
  /** what-if: where every workload would land on a fresh install, beside where it runs now */
  readonly fresh?: boolean | undefined;
  /** what-if: these nodes drained (kubectl drain --ignore-daemonsets), their pods placed again */
  readonly drain?: readonly string[] | undefined;
  /** with `drain`: kubectl drain --force (pods without a controller are deleted) */
  readonly force?: boolean | undefined;
  /** what-if: these nodes added before placing (the whole answer is about the cluster with them) */
  readonly addNodes?: readonly Node[] | undefined;
  /** the EKS node groups `addNodes` (some of them) stand for, with what was assumed */
  readonly addNodeTemplates?: readonly TemplateView[] | undefined;
  /** what-if: Karpenter NodePools, whose nodes are those Karpenter would launch for the Pending pods (node-templates/karpenter.ts) */
  readonly addNodePools?: readonly KarpenterNodePool[] | undefined;
  /** -n: only the workloads and static pods of this namespace are shown (all are still placed) */
  readonly namespace?: string | undefined;
}

/**
 * One change the API server makes to the workload's pods before the scheduler sees them: the
 * upstream function, admission plugin or webhook, the field, the value, why, and the object that
 * caused it.
 */
export interface MutationJson {
  /** "core/v1 SetDefaults_Pod", "admission:LimitRanger", "admission:DefaultTolerationSeconds", "admission:RuntimeClass", "admission:Priority", "webhook:istio-sidecar-injector", "webhook:linkerd-proxy-injector" */
  readonly source: string;
  readonly field: string;
  readonly value: string;
  readonly reason: string;
  /** `file:line:col` of the LimitRange item, RuntimeClass, PriorityClass, namespace or template that caused it; null for a built-in default */
  readonly object: string | null;
  /** `object` as data */
  readonly objectLocation: SourceJson | null;
}

/** What admission would do that the snapshot cannot settle (a PriorityClass it lacks), or a rejection it would give. */
export interface AdmissionNoteJson {
  readonly source: string;
  readonly message: string;
  readonly object: string | null;
  /** `object` as data */
  readonly objectLocation: SourceJson | null;
}

/** One rejection: the kube-scheduler plugin, its own message, the object behind it. */
export interface ReasonJson {
  /** TaintToleration, NodeAffinity, NodeResourcesFit, … */
  readonly plugin: string;
  /** the scheduler's own wording */
  readonly message: string;
  readonly detail: string | null;
  /** `file:line` of the taint, selector or rule, or null */
  readonly source: string | null;
  /** PodTopologySpread's skew rejection: the domain counts and the skew (plugins/podtopologyspread filtering.go) */
  readonly spread?: SpreadCountsJson;
  /** `source` as data */
  readonly location: SourceJson | null;
}

/**
 * The arithmetic of a PodTopologySpread skew rejection: `matching` pods in the node's `domain` +
 * `selfMatch` − `globalMinimum` = `skew` > `maxSkew`; `eligibleDomains` (the node inclusion
 * policies applied: `nodeAffinityPolicy`, `nodeTaintsPolicy`), the `minimumDomains` holding the
 * minimum, `minDomains`, and `notes` saying why a minimum domain counts. Plain data shared with the
 * analysis (placement/types.ts).
 */
export type SpreadCountsJson = SpreadCounts;

export interface NodeJson {
  readonly node: string;
  readonly feasible: boolean;
  readonly reasons: readonly ReasonJson[];
}

export interface PodJson {
  readonly name: string;
  readonly observedNode: string | null;
  /** null when the pod is observed on a node, or cannot be placed */
  readonly predictedNode: string | null;
  /** nodes tied for the best score (the scheduler picks one at random); empty when none tie */
  readonly tiedNodes: readonly string[];
  /** why no node fits (the scheduler's "0/N nodes are available: …"), or null */
  readonly unschedulable: string | null;
  /** a pod bound by spec.nodeName: its node's kubelet admission (admittedBy "kubelet"); null otherwise */
  readonly kubelet: KubeletAdmissionJson | null;
  /** present on a pod the simulation placed (predictedNode set): why that node — the score breakdown against the runner-up */
  readonly whyHere?: WhyHereJson;
  /** present on an unschedulable pod PodTopologySpread rejects somewhere: each such node, with the counts */
  readonly spreadRejections?: readonly { readonly node: string; readonly reason: ReasonJson }[];
}

/**
 * Why the predicted node (kube-scheduler schedule_one.go prioritizeNodes, selectHost): `scored`
 * feasible nodes were scored; `total` is Σ weight × normalised score (0–100 per plugin,
 * NormalizeScore) of the chosen node, `runnerUpTotal` that of the runner-up (the best other node;
 * with a tie, another tied node: `tiedNodes`); `plugins` per score plugin: `weight`, `chosen`,
 * `runnerUp`, `skipped` (PreScore skipped the pod). A single feasible node is not scored:
 * `scored` 0, `total` null, `plugins` empty. Plain data shared with the analysis (simulate.ts).
 */
export type WhyHereJson = WhyHere;

/** The kubelet's admission of a pod bound by spec.nodeName (pkg/kubelet/lifecycle/predicate.go Admit). */
export interface KubeletAdmissionJson {
  readonly node: string;
  readonly admitted: boolean;
  /** the pod's status.reason when rejected (OutOfcpu, OutOfmemory, OutOfpods, NodeAffinity, NodePorts, TaintToleration), else null */
  readonly reason: string | null;
  /** the pod's status.message in the kubelet's words, or why no kubelet answers */
  readonly message: string | null;
}

/** A node a DaemonSet does not target, the rule and object that exclude it, and its running pod. */
export interface NotTargetedJson {
  readonly node: string;
  /** nodeName, nodeAffinity (nodeSelector or required node affinity) or taint */
  readonly rule: string;
  readonly reason: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
  /** the daemon pod the snapshot shows on the node anyway, if any */
  readonly runningPod: string | null;
  /** whether the controller lets that pod keep running (shouldContinueRunning) */
  readonly continueRunning: boolean;
}

export interface PlacementFindingJson {
  readonly code: "RUNS_ON_REJECTED_NODE";
  readonly pod: string;
  readonly node: string;
  readonly message: string;
  readonly reasons: readonly ReasonJson[];
}

/** A static pod: its node's kubelet runs it, not the scheduler. */
export interface StaticPodJson {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly message: string;
  readonly source: string;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface KnownFromPodsJson {
  readonly pods: number;
  readonly templateFrom: string;
  readonly inferredVia: string | null;
  readonly unknown: readonly string[];
}

/** The labels a controller adds to the pods it creates (pod-template-hash, a StatefulSet's pod-name, pod-index, controller-revision-hash). */
export interface ControllerLabelsJson {
  /** label → value ("<pod name>", "<ordinal>" where each pod has its own) */
  readonly labels: Readonly<Record<string, string>>;
  /** where each value comes from: the object read, an assumption, or a stand-in */
  readonly notes: readonly string[];
  /** those of the labels the template's matchLabelKeys or mismatchLabelKeys name: where they decide placement */
  readonly namedByLabelKeys: readonly string[];
}

export interface WorkloadPlacementJson {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** null for a DaemonSet (one pod per targeted node) */
  readonly replicas: number | null;
  readonly source: string;
  /** `source` as data */
  readonly location: SourceJson | null;
  readonly generatedFrom: string | null;
  readonly feasibleNodes: readonly string[];
  /** DaemonSets: the nodes the controller makes a pod for; null for other kinds */
  readonly targetedNodes: readonly string[] | null;
  readonly notTargeted: readonly NotTargetedJson[];
  /** set when the snapshot lacks the workload and podpath knows it only through its pods */
  readonly knownFromPods: KnownFromPodsJson | null;
  /** Deployments and StatefulSets: the labels the controller adds to the pods podpath creates, and where each value comes from */
  readonly controllerLabels: ControllerLabelsJson | null;
  /**
   * "kubelet" when the pods set spec.nodeName: the scheduler never sees them, the node's kubelet
   * admits them; `nodes` then holds only that node, with the kubelet's reasons (its status.reason
   * in `plugin`, its message in `message`); the other nodes are not targeted.
   */
  readonly admittedBy: "scheduler" | "kubelet";
  /** the rejected nodes, each with every reason (the feasible ones are in `feasibleNodes`) */
  readonly nodes: readonly NodeJson[];
  readonly pods: readonly PodJson[];
  readonly findings: readonly PlacementFindingJson[];
  /** the changes defaulting, admission plugins and webhooks make to the template's pods, in the API server's order */
  readonly mutations: readonly MutationJson[];
  readonly admissionNotes: readonly AdmissionNoteJson[];
  /**
   * set when the API server refuses to create the pods (LimitRanger's min/max/maxLimitRequestRatio):
   * `message` is its answer for the first pod (`pods "NAME" is forbidden: …`), `pods` how many
   * pods are refused; those pods are not in `pods` (never created, never placed)
   */
  readonly createRefused: CreateRefusedJson | null;
}

interface CreateRefusedJson {
  /** the admission plugin: "admission:LimitRanger" */
  readonly source: string;
  readonly message: string;
  /** file:line of the rule (the LimitRange item) */
  readonly object: string;
  readonly pods: number;
}

export interface PlacementJson {
  /** the Kubernetes version placement followed and where it came from */
  readonly kubernetes: KubernetesVersionJson;
  readonly nodeCount: number;
  readonly workloads: readonly WorkloadPlacementJson[];
  readonly staticPods: readonly StaticPodJson[];
  /** present only when a what-if (`--fresh`, `--drain`, `--add-node`) is asked */
  readonly whatIf?: WhatIfJson;
  /**
   * the answer's findings on lint's severity scale (questions/findings.ts placeFindings), the
   * objects `--fail-on` judges; last, after the chunked fields. Every `place` answer has it.
   */
  readonly findings?: readonly FindingJson[];
}

/**
 * The what-ifs: plain data shared with the analysis (src/analysis/placement/what-if/), as the
 * views below the workload are. `fresh`: every pod's observed node beside the node a fresh
 * install gives it, per-node counts, and how many differ. `drain`: each pod of the drained nodes
 * (stays, evicted, deleted, blocked or refused, with kubectl's or the eviction API's words), its
 * replacement's node or the scheduler's FitError, and each PodDisruptionBudget involved.
 * `addNode`: the nodes added, the pods that land on them, Pending pods that now fit, and those
 * still Pending; `templates` the EKS node groups and Karpenter NodePools they stand for, with
 * the assumptions (instance type, allocatable, zones) and, for Karpenter, each launch.
 */
export type WhatIfJson = WhatIfReport;

export type PlaceAnswer = Answer<PlaceInput, Versioned<PlacementJson>, PlacementReport>;

/**
 * One workload of the contract. `nodes` keeps only the rejected nodes, so a 5,000-node cluster
 * does not print 5,000 rows per workload.
 */
function workloadPlacementJson(w: WorkloadPlacement, at: ObjectLocations | undefined): WorkloadPlacementJson {
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    replicas: w.replicas,
    source: w.source,
    location: at?.of(w.kind, w.namespace, w.name) ?? null,
    generatedFrom: w.generatedFrom,
    feasibleNodes: w.feasibleNodes,
    targetedNodes: w.targetedNodes,
    notTargeted: w.notTargeted,
    knownFromPods: w.knownFromPods
      ? {
          pods: w.knownFromPods.pods,
          templateFrom: w.knownFromPods.templateFrom,
          inferredVia: w.knownFromPods.inferredVia,
          unknown: w.knownFromPods.unknown,
        }
      : null,
    controllerLabels: w.controllerLabels,
    admittedBy: w.admittedBy,
    nodes: w.nodes.filter((n) => !n.feasible),
    pods: w.pods,
    findings: w.findings,
    mutations: w.mutations,
    admissionNotes: w.admissionNotes,
    createRefused: w.createRefused,
  };
}

/**
 * The contract object. Below the workload it shares the analysis' views (src/analysis/placement/
 * placement.ts `reasonView`, `nodeView`, …: plain data whose fields are the interfaces above, as
 * the compiler checks here) instead of copying them: at 5,000 nodes the rejected-node lists are
 * large. Only the arrays of rejected nodes are new; at real scale the object is written chunk by
 * chunk (format/place.ts `placementResultChunks`), never as one string.
 */
export function placementJson(report: PlacementReport, snapshot?: Snapshot): PlacementJson {
  // the locations of the workloads and static pods (their SourceRefs; the report carries `file:line`)
  const at = snapshot ? new ObjectLocations(snapshot) : undefined;
  return {
    kubernetes: report.kubernetes,
    nodeCount: report.nodeCount,
    workloads: report.workloads.map((w) => workloadPlacementJson(w, at)),
    staticPods: report.staticPods.map((p) => ({ ...p, location: at?.of("Pod", p.namespace, p.name) ?? null })),
    ...(report.whatIf ? { whatIf: report.whatIf } : {}),
  };
}

/**
 * `-n NS`: the report limited to NS's workloads and static pods, as kubectl -n limits what it
 * lists. Placement itself ran on every pod (the other namespaces' pods take room and count for
 * spreading and affinity); the what-ifs stay whole.
 */
function inNamespace(report: PlacementReport, namespace: string): PlacementReport {
  return {
    ...report,
    workloads: report.workloads.filter((w) => w.namespace === namespace),
    staticPods: report.staticPods.filter((p) => p.namespace === namespace),
  };
}

function checkInput(snapshot: Snapshot, input: PlaceInput): void {
  const named = (x: { namespace: string; name: string }) => `${x.namespace}/${x.name}` === input.workload;
  // a static pod is no workload, but `place` says where it runs and why the scheduler is not involved
  if (
    input.workload &&
    !snapshot.kubernetes.workloads.some(named) &&
    !snapshot.kubernetes.pods.some((p) => named(p) && staticPodNode(p) !== undefined)
  ) {
    throw new UserError(
      `no workload ${input.workload} in the snapshot (give it as NAMESPACE/NAME; \`podpath snapshot show\` lists them)`,
    );
  }
  if (input.node && !snapshot.kubernetes.nodes.some((n) => n.name === input.node)) {
    throw new UserError(`no node ${input.node} in the snapshot`);
  }
  for (const node of input.drain ?? []) {
    if (!snapshot.kubernetes.nodes.some((n) => n.name === node))
      throw new UserError(`--drain ${node}: no node ${node} in the snapshot`);
  }
}

/**
 * Feasibility per workload and node (kube-scheduler's filters), and the predicted node of each pod
 * not yet placed. A workload or node the snapshot lacks is a UserError.
 */
export function answerPlace(snapshot: Snapshot, input: PlaceInput = {}): PlaceAnswer {
  let added = input.addNodes ?? [];
  let templates = input.addNodeTemplates ?? [];
  // the placement without the added nodes, when the NodePools' own can stand for it (same snapshot, every workload)
  let before: PlacementReport | undefined;
  if (input.addNodePools && input.addNodePools.length > 0) {
    // --add-node NODEPOOL: the nodes Karpenter would launch for the Pending pods, then as any added node
    const version = resolveKubernetesVersion(snapshot, input.kubernetesVersion);
    const admission = input.istioProxyRequests ? { admission: { istioProxyRequests: input.istioProxyRequests } } : {};
    const launched = launchNodePools(withAddedNodes(snapshot, added), input.addNodePools, { version, ...admission });
    if (added.length === 0 && !input.workload) before = launched.before;
    added = [...added, ...launched.nodes];
    templates = [...templates, ...launched.views];
  }
  for (const n of added) {
    if (snapshot.kubernetes.nodes.some((x) => x.name === n.name))
      throw new UserError(
        `--add-node: node ${n.name} is already in the snapshot (${n.meta.source.file}); use --with to replace it`,
      );
  }
  // --add-node: the whole answer (and the other what-ifs) is about the cluster with the nodes
  const cluster = added.length > 0 ? withAddedNodes(snapshot, added) : snapshot;
  checkInput(cluster, input);
  // a bad --kubernetes-version is a KubernetesVersionError (a UserError)
  const version = resolveKubernetesVersion(cluster, input.kubernetesVersion);
  const admission = input.istioProxyRequests ? { admission: { istioProxyRequests: input.istioProxyRequests } } : {};
  const options = input.workload ? { workload: input.workload, version, ...admission } : { version, ...admission };
  // one preparation (prepare.ts) for `place` and its what-ifs: the same admitted pods, version and preemption tail
  const prepared = preparePlacement(cluster, options);
  const placement = analysePlacement(cluster, { ...options, prepared });
  const addNode =
    added.length > 0 || templates.length > 0
      ? addNodeReport(before ?? analysePlacement(snapshot, options), placement, added, templates)
      : undefined;
  const asked = analyseWhatIf(cluster, {
    fresh: input.fresh === true,
    drain: input.drain ?? [],
    force: input.force === true,
    version,
    ...admission,
    prepared,
  });
  const whatIf = asked || addNode ? { ...asked, ...(addNode ? { addNode } : {}) } : undefined;
  const all: PlacementReport = whatIf ? { ...placement, whatIf } : placement;
  const analysis = input.namespace === undefined ? all : inNamespace(all, input.namespace);
  const findings = placeFindings(cluster, { analysis });
  return { input, result: versioned({ ...placementJson(analysis, cluster), findings }), analysis, finding: false };
}
