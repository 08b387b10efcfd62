/**
 * The `kubernetes` block of `place` and `fix place` answers: the Kubernetes version placement
 * followed, where it came from, and what that version changes (src/analysis/placement/version.ts).
 */
import type { DroppedField, FeatureGate, VersionFrom } from "../analysis/placement/version.js";

export interface KubernetesVersionJson {
  /** "v1.30.5" ("v1.30" when no patch is known), without a distribution's suffix */
  readonly version: string;
  /** flag, kube-scheduler-image, kube-apiserver-image, control-plane-kubelet, newest-kubelet or default */
  readonly from: VersionFrom;
  /** what was read: the kubeletVersion string ("v1.30.4-eks-a737599") or the image; null for a flag or the default */
  readonly read: string | null;
  /** file:line of the node or pod it was read from, or null */
  readonly source: string | null;
  /** the version whose behaviour podpath applied */
  readonly modelledAs: string;
  readonly assumptions: readonly string[];
  /** the feature gates that change placement, as on by default in that version */
  readonly featureGates: Readonly<Record<FeatureGate, boolean>>;
  /** fields of the templates that version's API server drops (a gate off), so placement ignores them */
  readonly droppedFields: readonly DroppedField[];
}
