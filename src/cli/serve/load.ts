/** The served snapshot as the configuration names it: the page's load (server.ts) and the what-if form's (routes.ts). */
import { loadSnapshot } from "../../load/load-snapshot.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { ServeConfig } from "./server.js";

/** Loads the snapshot's files with the server's --with, then `extraWhatIf` (the what-if form's file). */
export function loadServedSnapshot(config: ServeConfig, extraWhatIf: readonly string[] = []): Snapshot {
  return loadSnapshot({
    paths: config.paths,
    whatIf: [...config.whatIf, ...extraWhatIf],
    cwd: config.cwd,
    displayBase: config.displayBase,
    ...(config.namespace ? { namespace: config.namespace } : {}),
    limits: config.limits,
  });
}
