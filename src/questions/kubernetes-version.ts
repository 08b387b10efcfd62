/**
 * The `kubernetes` block of `place` and `fix place` answers: the Kubernetes version placement
 * followed, where it came from, and what that version changes (src/analysis/placement/version.ts).
 */
import type { DroppedField, KubernetesVersionChoice } from "../analysis/placement/version.js";

/**
 * The analysis' choice as it is (version, from, read, source, modelledAs, assumptions,
 * featureGates: already plain data with `file:line` strings), plus the template fields that
 * version's API server drops (a gate off), so placement ignores them.
 */
export interface KubernetesVersionJson extends KubernetesVersionChoice {
  readonly droppedFields: readonly DroppedField[];
}
