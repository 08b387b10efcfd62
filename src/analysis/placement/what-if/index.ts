/**
 * The what-ifs of `place`: `--fresh` (fresh.ts), `--drain NODE` (drain.ts), `--add-node FILE`
 * (add-node.ts). Each runs on its own `ClusterSnapshot`; none changes the snapshot it is given.
 */
import type { Snapshot } from "../../../model/snapshot.js";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "../plugins/index.js";
import type { FilterPlugin, ScorePlugin } from "../types.js";
import { freshPlacement, type FreshReport } from "./fresh.js";

export type { FreshNodeView, FreshPodView, FreshReport } from "./fresh.js";

export interface WhatIfOptions {
  readonly fresh?: boolean;
  readonly filters?: readonly FilterPlugin<unknown>[];
  readonly scores?: readonly ScorePlugin<unknown>[];
}

/** What `place` adds under `whatIf` when a what-if is asked; each member only when asked. */
export interface WhatIfReport {
  readonly fresh?: FreshReport;
}

/** The what-ifs asked for, or undefined when none is. */
export function analyseWhatIf(snapshot: Snapshot, options: WhatIfOptions): WhatIfReport | undefined {
  if (!options.fresh) return undefined;
  const filters = options.filters ?? DEFAULT_FILTERS;
  const scores = () => options.scores ?? DEFAULT_SCORES(snapshot);
  return {
    ...(options.fresh ? { fresh: freshPlacement(snapshot, filters, scores()) } : {}),
  };
}
