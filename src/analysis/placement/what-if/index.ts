/**
 * The what-ifs of `place`: `--fresh` (fresh.ts), `--drain NODE` (drain.ts), `--add-node FILE`
 * (add-node.ts). Each runs on its own `ClusterSnapshot`; none changes the snapshot it is given.
 */
import type { Snapshot } from "../../../model/snapshot.js";
import type { AdmissionOptions } from "../admission/index.js";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "../plugins/index.js";
import { preparePlacement, type PreparedPlacement } from "../prepare.js";
import type { ResolvedVersion } from "../version.js";
import type { FilterPlugin, ScorePlugin } from "../types.js";
import type { AddNodeReport } from "./add-node.js";
import { drainPlacement, type DrainReport } from "./drain.js";
import { freshPlacement, type FreshReport } from "./fresh.js";

export type { AddNodePodView, AddNodeReport } from "./add-node.js";
export { addNodeReport, withAddedNodes } from "./add-node.js";
export type { TemplateView } from "./node-templates/types.js";
export type { DrainPodView, DrainReport } from "./drain.js";
export type { FreshPodView, FreshReport } from "./fresh.js";

export interface WhatIfOptions {
  readonly fresh?: boolean;
  /** nodes to drain (kubectl drain --ignore-daemonsets) */
  readonly drain?: readonly string[];
  /** kubectl drain --force: pods without a controller are deleted instead of stopping the drain */
  readonly force?: boolean;
  readonly filters?: readonly FilterPlugin<unknown>[];
  readonly scores?: readonly ScorePlugin<unknown>[];
  /** the Kubernetes version to follow, as `place` does (read from the snapshot when absent) */
  readonly version?: ResolvedVersion | undefined;
  /** admission settings (--istio-proxy-requests), as `place`'s */
  readonly admission?: AdmissionOptions | undefined;
  /** the snapshot as `place` prepared it (prepare.ts); version and admission are then its own */
  readonly prepared?: PreparedPlacement | undefined;
}

/** What `place` adds under `whatIf` when a what-if is asked; each member only when asked. */
export interface WhatIfReport {
  readonly fresh?: FreshReport;
  readonly drain?: DrainReport;
  readonly addNode?: AddNodeReport;
}

/** The what-ifs asked for, or undefined when none is. */
export function analyseWhatIf(snapshot: Snapshot, options: WhatIfOptions): WhatIfReport | undefined {
  const drain = options.drain ?? [];
  if (!options.fresh && drain.length === 0) return undefined;
  const filters = options.filters ?? DEFAULT_FILTERS;
  const scores = () => options.scores ?? DEFAULT_SCORES(snapshot);
  // the pods as `place` prepares them: admitted, version-filtered, with the version's behaviour and preemption tail
  const prepared =
    options.prepared ?? preparePlacement(snapshot, { version: options.version, admission: options.admission });
  return {
    ...(options.fresh ? { fresh: freshPlacement(snapshot, prepared, filters, scores()) } : {}),
    ...(drain.length > 0
      ? {
          drain: drainPlacement(snapshot, { nodes: drain, force: options.force === true }, filters, scores(), prepared),
        }
      : {}),
  };
}
