/**
 * `podpath snapshot show`: what was loaded — files, objects per kind, AWS layers, joins, and every
 * diagnostic with its location. Result: `SnapshotShowJson`.
 */
import { summarizeSnapshot, type LayerSummary, type SnapshotSummary } from "../analysis/snapshot-summary.js";
import type { Snapshot } from "../model/snapshot.js";
import type { Answer } from "./question.js";

/** The question takes no parameter beyond the snapshot (which files, what-ifs and limits are the loader's). */
export type SnapshotShowInput = Readonly<Record<never, never>>;

/**
 * `snapshot show -o json` is the summary as `summarizeSnapshot` makes it: plain data already
 * (files, counts per kind, layers, nodes, workloads, joins, diagnostics), typed in
 * src/analysis/snapshot-summary.ts.
 */
export type SnapshotShowJson = SnapshotSummary;
export type LayerJson = LayerSummary;

export type SnapshotShowAnswer = Answer<SnapshotShowInput, SnapshotShowJson, SnapshotSummary>;

export function answerSnapshotShow(snapshot: Snapshot, input: SnapshotShowInput = {}): SnapshotShowAnswer {
  const summary = summarizeSnapshot(snapshot);
  return { input, result: summary, analysis: summary, finding: false };
}
