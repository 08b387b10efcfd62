/**
 * `podpath snapshot show`: what was loaded — files, objects per kind, AWS layers, joins, and every
 * diagnostic with its location. Result: `SnapshotShowJson`.
 */
import { summarizeSnapshot, type SnapshotSummary } from "../analysis/snapshot-summary.js";
import type { Snapshot } from "../model/snapshot.js";
import type { SourceJson } from "./contract.js";
import { locationOfFull, ObjectLocations, versioned, type Versioned } from "./location.js";
import type { Answer } from "./question.js";

/** Which files, what-ifs and limits are the loader's; the question only limits the workloads listed. */
export interface SnapshotShowInput {
  /** -n: only this namespace's workloads are listed (files, nodes, joins and warnings stay whole) */
  readonly namespace?: string | undefined;
}

/** A file that could not be loaded (the analysis leaves it out). */
export interface LoadErrorJson {
  readonly code: string;
  readonly message: string;
  /** `file:line:col` or `file` */
  readonly source: string;
  /** `source` as data; null when the whole file is at fault */
  readonly location: SourceJson | null;
}

export interface SnapshotFileJson {
  readonly path: string;
  readonly format: string;
  readonly content: string;
  readonly documents: number;
  readonly namespace: string | null;
  readonly whatIf: boolean;
  /** objects per kind */
  readonly objects: Readonly<Record<string, number>>;
}

/** An AWS layer: whether the snapshot has it, the files that gave it, what is lost without it. */
export interface LayerJson {
  readonly key: string;
  readonly layer: string;
  readonly present: boolean;
  readonly objects: number;
  readonly files: readonly string[];
  /** the aws command that captures it */
  readonly command: string;
  readonly lostWithout: string;
  /** what is partial about a present layer, or why an absent one is not needed */
  readonly note: string | null;
}

export interface NodeSummaryJson {
  readonly name: string;
  readonly internalIP: string | null;
  readonly roles: readonly string[];
  readonly taints: readonly string[];
  readonly unschedulable: boolean;
  /** in model units: millicores, bytes, pods */
  readonly allocatable: Readonly<Record<string, number>>;
  readonly overlayTunnel: string | null;
  readonly instance: string | null;
  readonly source: string;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface WorkloadSummaryJson {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number | null;
  readonly generatedFrom: string | null;
  readonly observedPods: number;
  /** the snapshot lacks the workload; podpath knows it only through its pods */
  readonly knownFromPods: boolean;
  readonly source: string;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface UnresolvedOwnerJson {
  readonly owner: string;
  readonly pods: number;
  readonly inferredVia: string | null;
}

export interface JoinJson {
  readonly kind: string;
  readonly from: string;
  readonly to: string;
  readonly by: string;
}

export interface DiagnosticJson {
  /** a stable DiagnosticCode */
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface SnapshotShowJson {
  readonly roots: readonly string[];
  readonly whatIf: readonly string[];
  readonly errors: readonly LoadErrorJson[];
  readonly files: readonly SnapshotFileJson[];
  /** Kubernetes objects per kind */
  readonly kubernetes: Readonly<Record<string, number>>;
  /** AWS objects per kind */
  readonly aws: Readonly<Record<string, number>>;
  /** network interfaces per source (describe-network-interfaces, describe-instances) */
  readonly networkInterfaceOrigins: Readonly<Record<string, number>>;
  readonly layers: readonly LayerJson[];
  readonly unmodelledKinds: Readonly<Record<string, number>>;
  readonly implicitNamespaces: readonly string[];
  readonly nodes: readonly NodeSummaryJson[];
  readonly workloads: readonly WorkloadSummaryJson[];
  /** joins made, per kind */
  readonly joinCounts: Readonly<Record<string, number>>;
  readonly unresolvedOwners: readonly UnresolvedOwnerJson[];
  readonly joins: readonly JoinJson[];
  readonly diagnostics: readonly DiagnosticJson[];
}

export type SnapshotShowAnswer = Answer<SnapshotShowInput, Versioned<SnapshotShowJson>, SnapshotSummary>;

/**
 * The contract object is the summary as `summarizeSnapshot` makes it (src/analysis/snapshot-summary.ts),
 * plain data whose fields are the interfaces above, with each `source` string's location beside it
 * (the objects' own SourceRefs; errors and diagnostics carry `file:line:col`).
 */
function snapshotShowJson(summary: SnapshotSummary, snapshot: Snapshot): SnapshotShowJson {
  const at = new ObjectLocations(snapshot);
  return {
    ...summary,
    errors: summary.errors.map((e) => ({ ...e, location: locationOfFull(e.source) })),
    nodes: summary.nodes.map((n) => ({ ...n, location: at.of("Node", "", n.name) })),
    workloads: summary.workloads.map((w) => ({ ...w, location: at.of(w.kind, w.namespace, w.name) })),
    diagnostics: summary.diagnostics.map((d) => ({ ...d, location: locationOfFull(d.source) })),
  };
}

export function answerSnapshotShow(snapshot: Snapshot, input: SnapshotShowInput = {}): SnapshotShowAnswer {
  const all = summarizeSnapshot(snapshot);
  const summary =
    input.namespace === undefined
      ? all
      : { ...all, workloads: all.workloads.filter((w) => w.namespace === input.namespace) };
  return { input, result: versioned(snapshotShowJson(summary, snapshot)), analysis: summary, finding: false };
}
