/**
 * `podpath diff`: connlist, exposure and intended answered on the snapshot before and after a
 * change, and what changed between them (src/questions/diff/). Batfish's `answerDiff` shape: one
 * answerer, two snapshots, rows compared by key.
 */
import type { Snapshot } from "../model/snapshot.js";
import {
  diffConnections,
  diffExposure,
  diffIntended,
  diffPlacement,
  diffPredictions,
  type ConnectionChange,
  type DiffReport,
  type ExposureChange,
  type IntendedChange,
  type PlacementChange,
  type PredictionChange,
} from "./diff/changes.js";
import { diffInNamespace } from "./diff/namespace.js";
import { answerConnlist } from "./connlist.js";
import { OUTPUT_API_VERSION } from "./contract.js";
import { answerExposure } from "./exposure.js";
import { answerIntended } from "./intended.js";
import { answerPlace } from "./place.js";
import type { Answer } from "./question.js";

export const DIFF_FAIL_ON = ["new-exposure", "blocked-dependency", "new-vpc-exposure"] as const;
export type DiffFailOn = (typeof DIFF_FAIL_ON)[number];

export interface DiffInput {
  /** -n: only the changes that concern this namespace (questions/diff/namespace.ts) */
  readonly namespace?: string | undefined;
  /** exit 1 when the change opens an internet path (new-exposure), a path from the VPC (new-vpc-exposure) or blocks a configured dependency */
  readonly failOn?: readonly DiffFailOn[];
}

export interface DiffCountsJson {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

export interface DiffJson {
  readonly apiVersion: typeof OUTPUT_API_VERSION;
  readonly question: "diff";
  /** -n: the namespace the changes are limited to; null: every namespace */
  readonly namespace: string | null;
  readonly counts: {
    readonly connections: DiffCountsJson;
    readonly exposure: DiffCountsJson;
    readonly vpcExposure: DiffCountsJson;
    readonly intended: DiffCountsJson;
    readonly placement: DiffCountsJson;
    readonly predictions: number;
  };
  /** exposure entries whose verdict became open (added open, or changed to open) */
  readonly newExposure: number;
  /** the same, from the VPC host */
  readonly newVpcExposure: number;
  /** configured dependencies whose verdict became blocked */
  readonly blockedDependencies: number;
  readonly connections: readonly ConnectionChange[];
  readonly exposure: readonly ExposureChange[];
  /** exposure from a host of the VPC outside the cluster (exposure's vpc entries) */
  readonly vpcExposure: readonly ExposureChange[];
  readonly intended: readonly IntendedChange[];
  /** workload × node: feasible ↔ infeasible, with the filter's reason */
  readonly placement: readonly PlacementChange[];
  /** pods whose predicted node moved */
  readonly predictions: readonly PredictionChange[];
}

export type DiffAnswer = Answer<DiffInput, DiffJson, DiffReport>;

function counts(changes: readonly { readonly change: string }[]): DiffCountsJson {
  const n = (c: string): number => changes.filter((x) => x.change === c).length;
  return { added: n("added"), removed: n("removed"), changed: n("changed") };
}

const isNewExposure = (c: ExposureChange): boolean => c.after === "open" && c.before !== "open";
const isNewlyBlocked = (c: IntendedChange): boolean => c.after === "blocked" && c.before !== "blocked";

export function diffJson(report: DiffReport, namespace?: string): DiffJson {
  return {
    apiVersion: OUTPUT_API_VERSION,
    question: "diff",
    namespace: namespace ?? null,
    counts: {
      connections: counts(report.connections),
      exposure: counts(report.exposure),
      vpcExposure: counts(report.vpcExposure),
      intended: counts(report.intended),
      placement: counts(report.placement),
      predictions: report.predictions.length,
    },
    newExposure: report.exposure.filter(isNewExposure).length,
    newVpcExposure: report.vpcExposure.filter(isNewExposure).length,
    blockedDependencies: report.intended.filter(isNewlyBlocked).length,
    connections: report.connections,
    exposure: report.exposure,
    vpcExposure: report.vpcExposure,
    intended: report.intended,
    placement: report.placement,
    predictions: report.predictions,
  };
}

export function answerDiff(before: Snapshot, after: Snapshot, input: DiffInput = {}): DiffAnswer {
  const placeBefore = answerPlace(before).result;
  const placeAfter = answerPlace(after).result;
  const connlistBefore = answerConnlist(before);
  const connlistAfter = answerConnlist(after);
  // exposure reuses connlist's analysis of the same snapshot instead of running it again
  const exposureBefore = answerExposure(before, {}, connlistBefore.analysis).result;
  const exposureAfter = answerExposure(after, {}, connlistAfter.analysis).result;
  const all: DiffReport = {
    connections: diffConnections(connlistBefore.result, connlistAfter.result),
    exposure: diffExposure(exposureBefore, exposureAfter),
    vpcExposure: diffExposure(exposureBefore, exposureAfter, "vpc"),
    intended: diffIntended(answerIntended(before).result, answerIntended(after).result),
    placement: diffPlacement(placeBefore, placeAfter),
    predictions: diffPredictions(placeBefore, placeAfter),
  };
  const report = input.namespace === undefined ? all : diffInNamespace(all, input.namespace);
  const result = diffJson(report, input.namespace);
  const failOn = input.failOn ?? [];
  const finding =
    (failOn.includes("new-exposure") && result.newExposure > 0) ||
    (failOn.includes("blocked-dependency") && result.blockedDependencies > 0) ||
    (failOn.includes("new-vpc-exposure") && result.newVpcExposure > 0);
  return { input, result, analysis: report, finding };
}
