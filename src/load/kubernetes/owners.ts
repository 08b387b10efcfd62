import type { ObjectRef, Pod, Workload } from "../../model/kubernetes.js";
import type { Join } from "../../model/snapshot.js";

/**
 * Ties observed Pods to the workloads that own them, through their controller ownerReference:
 * a ReplicaSet is followed to its Deployment (via the ReplicaSet object when the snapshot has it,
 * else by the `<deployment>-<pod-template-hash>` naming the Deployment controller uses), a Job
 * to its CronJob likewise.
 */
export function resolvePodOwners(pods: readonly Pod[], workloads: readonly Workload[], joins: Join[]): Pod[] {
  const byKey = new Map<string, Workload>();
  for (const w of workloads) byKey.set(`${w.kind}/${w.namespace}/${w.name}`, w);
  const parentOf = (kind: string, namespace: string, name: string): ObjectRef | undefined => {
    const own = byKey.get(`${kind}/${namespace}/${name}`);
    const controller = own?.meta.ownerReferences.find((o) => o.controller);
    if (controller) return { kind: controller.kind, namespace, name: controller.name };
    const dash = name.lastIndexOf("-");
    const parentKind = kind === "ReplicaSet" ? "Deployment" : kind === "Job" ? "CronJob" : undefined;
    if (parentKind && dash > 0) {
      const candidate = name.slice(0, dash);
      if (byKey.has(`${parentKind}/${namespace}/${candidate}`)) return { kind: parentKind, namespace, name: candidate };
    }
    return undefined;
  };
  return pods.map((pod) => {
    const controller = pod.meta.ownerReferences.find((o) => o.controller) ?? pod.meta.ownerReferences[0];
    if (!controller) return pod;
    let owner: ObjectRef = { kind: controller.kind, namespace: pod.namespace, name: controller.name };
    let by = "ownerReferences";
    if (owner.kind === "ReplicaSet" || owner.kind === "Job") {
      const parent = parentOf(owner.kind, pod.namespace, owner.name);
      if (parent) {
        owner = parent;
        by = `ownerReferences via ${controller.kind} ${controller.name}`;
      }
    }
    joins.push({ kind: "pod-owner", from: `Pod ${pod.namespace}/${pod.name}`, to: `${owner.kind} ${owner.namespace}/${owner.name}`, by, source: pod.meta.source });
    return { ...pod, owner };
  });
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
