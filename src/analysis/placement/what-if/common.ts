/**
 * What the what-ifs (`place --fresh`, `--drain`, `--add-node`) share besides the preparation of
 * the snapshot (prepare.ts, the same as `analysePlacement`'s): the order a cluster's manifests were
 * written in, and names.
 */
import type { Pod, Workload } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import type { KubeletAdmission } from "../kubelet/admit.js";
import { workloadKey } from "../workload-key.js";

/**
 * Manifest order: the order `kubectl apply -f` creates the objects in — files in the order the
 * snapshot read them, then by line. (The model's lists are sorted by name; this is the order the
 * objects were written.)
 */
export function manifestOrder(snapshot: Snapshot): (w: Workload) => number {
  const fileRank = new Map(snapshot.files.map((f, i) => [f.path, i]));
  const ranks = new Map<string, number>();
  const sorted = [...snapshot.kubernetes.workloads].sort((a, b) => {
    const fa = fileRank.get(a.meta.source.file) ?? snapshot.files.length;
    const fb = fileRank.get(b.meta.source.file) ?? snapshot.files.length;
    return fa - fb || a.meta.source.line - b.meta.source.line;
  });
  sorted.forEach((w, i) => ranks.set(workloadKey(w), i));
  // by key: the workloads placement prepares are the version's copies (prepare.ts)
  return (w) => ranks.get(workloadKey(w)) ?? sorted.length;
}

/** `namespace/name` of a pod. */
export const podName = (p: Pick<Pod, "namespace" | "name">): string => `${p.namespace}/${p.name}`;

/** `Kind namespace/name` of a workload. */
export const workloadName = (w: Pick<Workload, "kind" | "namespace" | "name">): string =>
  `${w.kind} ${w.namespace}/${w.name}`;

export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Why the kubelet of a pod's spec.nodeName does not run it, or null when it admits it. */
export function kubeletRefusal(a: KubeletAdmission): string | null {
  if (a.admitted) return null;
  if (!a.nodeKnown) return `bound by spec.nodeName to ${a.node}, which is not in the snapshot: no kubelet admits it`;
  const first = a.rejections[0];
  return `bound by spec.nodeName: the kubelet of ${a.node} rejects it: ${first?.reason ?? "rejected"}: ${first?.message ?? ""}`;
}
