/** podpath as a library: load a snapshot into the model, then ask it questions. */
export * from "./model/index.js";
export { loadSnapshot, type LoadOptions, type LoadProgress } from "./load/load-snapshot.js";
export { InputError } from "./load/errors.js";
export { DEFAULT_LIMITS, type LoadLimits } from "./load/limits.js";
export { summarizeSnapshot, type SnapshotSummary } from "./analysis/snapshot-summary.js";
export { runCli } from "./cli/program.js";
