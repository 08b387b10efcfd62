import type { ObjectRef } from "../../model/kubernetes.js";

/** `Kind/namespace/name`: how placement names a workload internally. */
export function workloadKey(
  ref: Pick<ObjectRef, "kind" | "name"> & { readonly namespace: string | undefined },
): string {
  return `${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}
