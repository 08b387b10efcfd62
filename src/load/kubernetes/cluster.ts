import type { V1Namespace, V1PriorityClass } from "@kubernetes/client-node";
import type { Namespace, ObjectMeta, PriorityClass } from "../../model/kubernetes.js";
import type { Fields } from "../fields.js";

/** The API server labels every namespace with kubernetes.io/metadata.name (Kubernetes 1.21+). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function convertNamespace(_f: Fields<V1Namespace>, meta: ObjectMeta): Namespace {
  return { meta, name: meta.name, labels: { ...meta.labels, [NAMESPACE_NAME_LABEL]: meta.name }, implicit: false };
}

export function convertPriorityClass(f: Fields<V1PriorityClass>, meta: ObjectMeta): PriorityClass {
  return {
    meta,
    name: meta.name,
    value: f.int("value") ?? f.fail("value is required"),
    globalDefault: f.bool("globalDefault") ?? false,
    preemptionPolicy: f.str("preemptionPolicy") ?? "PreemptLowerPriority",
  };
}
