/**
 * `podpath fix place NS/NAME --onto SELECTOR`: the smallest change that puts a workload onto the
 * nodes named, and only there, verified by re-running placement. Result: `FixPlaceJson`.
 */
import { fixPlace, type FixPlaceResult, type ReplicasAfter } from "../analysis/placement/fix/index.js";
import type { NodeSelectorTermYaml, TolerationYaml } from "../analysis/placement/fix/shapes.js";
import type { Snapshot } from "../model/snapshot.js";
import type { SourceJson } from "./contract.js";
import { ObjectLocations, versioned, type Versioned } from "./location.js";
import type { Answer } from "./question.js";
import type { NodeJson } from "./place.js";
import type { KubernetesVersionJson } from "./kubernetes-version.js";

export interface FixPlaceInput {
  /** the workload, NS/NAME */
  readonly workload: string;
  /** node names (comma-separated) or a label selector in kubectl syntax */
  readonly onto: string;
  /** --kubernetes-version: the version to follow instead of the one the snapshot shows */
  readonly kubernetesVersion?: string | undefined;
}

/** A part of the workload's rules the change drops because it rejects a target node. */
export interface ReplacedPartJson {
  /** `nodeSelector.KEY`, `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution` or `nodeName` */
  readonly field: string;
  readonly was: string;
  readonly why: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface ChangeStepJson {
  readonly action: "add-toleration" | "add-node-selector" | "add-node-affinity" | "remove" | "keep";
  readonly text: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

/**
 * The change: tolerations added, nodeSelector pairs added, the resulting required node affinity,
 * what it replaces, its steps. Tolerations and node selector terms are in the Kubernetes API's
 * own shape (src/analysis/placement/fix/shapes.ts).
 */
export interface ChangeJson {
  readonly tolerations: readonly TolerationYaml[];
  /** null when none is added */
  readonly nodeSelector: Readonly<Record<string, string>> | null;
  /** null when unchanged */
  readonly nodeAffinity: {
    readonly requiredDuringSchedulingIgnoredDuringExecution: {
      readonly nodeSelectorTerms: readonly NodeSelectorTermYaml[];
    };
  } | null;
  readonly replaces: readonly ReplacedPartJson[];
  readonly steps: readonly ChangeStepJson[];
  /** nothing to change: the rules already admit exactly the target nodes */
  readonly empty: boolean;
}

/** A target node's rejection the change does not address (resources, ports, a cordon, …). */
export interface OtherRejectionJson {
  readonly node: string;
  readonly plugin: string;
  readonly message: string;
  readonly detail: string | null;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface PatchTargetJson {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** where the pod settings sit in the object, dotted: `spec.template.spec` */
  readonly path: string;
}

export interface HelmReleaseJson {
  readonly chart: string;
  readonly chartRef: string;
  /** absent when the chart label carries no version */
  readonly version?: string;
  readonly release: string;
  readonly namespace: string;
  readonly valuesPath: string;
}

/** Placement before or after the change: the feasible nodes, and the rejected ones with every reason. */
export interface FixPlacementJson {
  readonly feasibleNodes: readonly string[];
  readonly nodes: readonly NodeJson[];
}

export interface FixPlaceJson {
  /** the Kubernetes version placement followed and where it came from */
  readonly kubernetes: KubernetesVersionJson;
  readonly workload: string;
  readonly kind: string;
  readonly source: string;
  /** `source` as data */
  readonly location: SourceJson | null;
  readonly generatedFrom: string | null;
  readonly onto: string;
  /** how --onto was read: "node name", "node names" or "label selector" */
  readonly ontoKind: string;
  readonly targetNodes: readonly string[];
  readonly nodeCount: number;
  readonly before: FixPlacementJson;
  readonly change: ChangeJson;
  readonly otherRejections: readonly OtherRejectionJson[];
  readonly patchTarget: PatchTargetJson;
  /** the patch as YAML; null when nothing changes */
  readonly patch: string | null;
  readonly kubectl: string | null;
  readonly helm: string | null;
  readonly helmRelease: HelmReleaseJson | null;
  readonly after: FixPlacementJson;
  /** the workload's replicas after the change, as `place` places them: total, placed (observed or predicted), pending, and the scheduler's message for the Pending ones */
  readonly replicasAfter: ReplicasAfterJson;
  /** the feasible nodes after the change are exactly the target nodes, and no replica stays Pending */
  readonly verified: boolean;
  readonly unverifiedBecause: readonly string[];
  readonly notes: readonly string[];
}

/** Plain data shared with the analysis (fix/index.ts ReplicasAfter). */
export type ReplicasAfterJson = ReplicasAfter;

export type FixPlaceAnswer = Answer<FixPlaceInput, Versioned<FixPlaceJson>, FixPlaceResult>;

function fixPlacementJson(p: FixPlaceResult["before"]): FixPlacementJson {
  // as in `place -o json`: `nodes` lists the rejected nodes, the feasible ones are in `feasibleNodes`
  return { feasibleNodes: p.feasibleNodes, nodes: p.nodes.filter((n) => !n.feasible) };
}

function helmReleaseJson(h: NonNullable<FixPlaceResult["helmRelease"]>): HelmReleaseJson {
  const head = { chart: h.chart, chartRef: h.chartRef };
  const tail = { release: h.release, namespace: h.namespace, valuesPath: h.valuesPath };
  return h.version === undefined ? { ...head, ...tail } : { ...head, version: h.version, ...tail };
}

export function fixPlaceJson(r: FixPlaceResult, snapshot?: Snapshot): FixPlaceJson {
  const slash = r.workload.indexOf("/");
  const location = snapshot
    ? new ObjectLocations(snapshot).of(r.kind, r.workload.slice(0, slash), r.workload.slice(slash + 1))
    : null;
  return {
    kubernetes: r.kubernetes,
    workload: r.workload,
    kind: r.kind,
    source: r.source,
    location,
    generatedFrom: r.generatedFrom,
    onto: r.onto,
    ontoKind: r.ontoKind,
    targetNodes: r.targetNodes,
    nodeCount: r.nodeCount,
    before: fixPlacementJson(r.before),
    // the analysis' plain-data views, shared, not copied: their fields are the interfaces above
    change: r.change,
    otherRejections: r.otherRejections,
    patchTarget: {
      kind: r.patchTarget.kind,
      namespace: r.patchTarget.namespace,
      name: r.patchTarget.name,
      path: r.patchTarget.path,
    },
    patch: r.patch,
    kubectl: r.kubectl,
    helm: r.helm,
    helmRelease: r.helmRelease ? helmReleaseJson(r.helmRelease) : null,
    after: fixPlacementJson(r.after),
    replicasAfter: r.replicasAfter,
    verified: r.verified,
    unverifiedBecause: r.unverifiedBecause,
    notes: r.notes,
  };
}

/**
 * Computes the change, writes it as a patch, kubectl and helm commands, and verifies it. A bad
 * `onto` or an unknown workload is a FixPlaceError (a UserError). A change that cannot be
 * verified (another filter still rejects a target node) is a finding.
 */
export function answerFixPlace(snapshot: Snapshot, input: FixPlaceInput): FixPlaceAnswer {
  const analysis = fixPlace(snapshot, {
    workload: input.workload,
    onto: input.onto,
    kubernetesVersion: input.kubernetesVersion,
  });
  return { input, result: versioned(fixPlaceJson(analysis, snapshot)), analysis, finding: !analysis.verified };
}
