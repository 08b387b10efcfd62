import type { ObjectRef, Pod, Workload } from "../../model/kubernetes.js";
import { KeyIndex } from "../key-index.js";

/**
 * Ties observed Pods to the workloads that own them (Pod.owner), through their controller ownerReference:
 * a ReplicaSet is followed to its Deployment (via the ReplicaSet object when the snapshot has it,
 * else by the `<deployment>-<pod-template-hash>` naming the Deployment controller uses), a Job
 * to its CronJob likewise.
 */
export function resolvePodOwners(pods: readonly Pod[], workloads: readonly Workload[]): void {
  const byKey = new KeyIndex<Workload>();
  for (const w of workloads) byKey.set(w.kind, w.namespace, w.name, w);
  // one lookup per ReplicaSet or Job, not per pod
  const parents = new KeyIndex<ObjectRef | null>();
  const parentOf = (kind: string, namespace: string, name: string): ObjectRef | undefined => {
    const known = parents.get(kind, namespace, name);
    if (known !== undefined) return known ?? undefined;
    let parent: ObjectRef | undefined;
    const controller = byKey.get(kind, namespace, name)?.meta.ownerReferences.find((o) => o.controller);
    if (controller) {
      parent = { kind: controller.kind, namespace, name: controller.name };
    } else {
      const dash = name.lastIndexOf("-");
      const parentKind = kind === "ReplicaSet" ? "Deployment" : kind === "Job" ? "CronJob" : undefined;
      const candidate = name.slice(0, dash);
      if (parentKind && dash > 0 && byKey.get(parentKind, namespace, candidate)) parent = { kind: parentKind, namespace, name: candidate };
    }
    parents.set(kind, namespace, name, parent ?? null);
    return parent;
  };
  for (const pod of pods) {
    const controller = pod.meta.ownerReferences.find((o) => o.controller) ?? pod.meta.ownerReferences[0];
    if (!controller) continue;
    const direct: ObjectRef = { kind: controller.kind, namespace: pod.namespace, name: controller.name };
    const parent = controller.kind === "ReplicaSet" || controller.kind === "Job" ? parentOf(controller.kind, pod.namespace, controller.name) : undefined;
    // set in place: the pods are the loader's own, not yet handed out
    const mutable = pod as { owner: ObjectRef | undefined; ownedVia: ObjectRef | undefined };
    mutable.owner = parent ?? direct;
    mutable.ownedVia = parent ? direct : undefined;
  }
}

/**
 * ReplicaSets managed by a Deployment, and Jobs by a CronJob, that the snapshot also holds are
 * not workloads of their own: the Deployment (CronJob) already stands for their pods.
 */
export function dropManagedWorkloads(workloads: readonly Workload[]): Workload[] {
  const present = new Set(workloads.map((w) => `${w.kind}/${w.namespace}/${w.name}`));
  return workloads.filter((w) => {
    if (w.kind !== "ReplicaSet" && w.kind !== "Job") return true;
    const controller = w.meta.ownerReferences.find((o) => o.controller);
    if (!controller) return true;
    return !present.has(`${controller.kind}/${w.namespace}/${controller.name}`);
  });
}
