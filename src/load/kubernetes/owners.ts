import type { Diagnostic } from "../../model/diagnostics.js";
import type { ObjectRef, Pod, Toleration, Workload } from "../../model/kubernetes.js";
import { staticPodNode } from "../../model/static-pod.js";
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
      if (parentKind && dash > 0 && byKey.get(parentKind, namespace, candidate))
        parent = { kind: parentKind, namespace, name: candidate };
    }
    parents.set(kind, namespace, name, parent ?? null);
    return parent;
  };
  for (const pod of pods) {
    // only the controller reference (metav1.GetControllerOf): a pod with none is a bare Pod workload
    // (finish.ts), and must be found under that key, not under an owner that does not manage it
    const controller = pod.meta.ownerReferences.find((o) => o.controller);
    if (!controller) continue;
    const direct: ObjectRef = { kind: controller.kind, namespace: pod.namespace, name: controller.name };
    const parent =
      controller.kind === "ReplicaSet" || controller.kind === "Job"
        ? parentOf(controller.kind, pod.namespace, controller.name)
        : undefined;
    // set in place: the pods are the loader's own, not yet handed out
    const mutable = pod as { owner: ObjectRef | undefined; ownedVia: ObjectRef | undefined };
    mutable.owner = parent ?? direct;
    mutable.ownedVia = parent ? direct : undefined;
  }
}

/**
 * Each Deployment's current pod-template-hash, from the ReplicaSet it controls whose
 * `deployment.kubernetes.io/revision` annotation is the Deployment's own (kubernetes
 * pkg/controller/deployment/sync.go getNewReplicaSet sets both; deploymentutil.Revision), read
 * before the managed ReplicaSets are dropped. Returns the list with those Deployments replaced.
 */
export function withTemplateHashes(workloads: readonly Workload[]): Workload[] {
  const REVISION = "deployment.kubernetes.io/revision";
  const current = new Map<string, Workload>();
  for (const w of workloads) {
    if (w.kind !== "ReplicaSet") continue;
    const controller = w.meta.ownerReferences.find((o) => o.controller && o.kind === "Deployment");
    if (controller && w.meta.annotations[REVISION] !== undefined)
      current.set(`${w.namespace}/${controller.name}/${w.meta.annotations[REVISION]}`, w);
  }
  if (current.size === 0) return [...workloads];
  return workloads.map((w) => {
    const revision = w.meta.annotations[REVISION];
    if (w.kind !== "Deployment" || revision === undefined) return w;
    const rs = current.get(`${w.namespace}/${w.name}/${revision}`);
    const hash = rs?.meta.labels["pod-template-hash"] ?? rs?.template.labels["pod-template-hash"];
    if (!rs || !hash) return w;
    return {
      ...w,
      revision: {
        ...w.revision,
        podTemplateHash: { value: hash, replicaSet: rs.name, revision, source: rs.meta.source },
      },
    };
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

const key = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;
const compareKeys = (a: ObjectRef, b: ObjectRef): number => {
  const x = `${a.namespace ?? ""}/${a.name}/${a.kind}`;
  const y = `${b.namespace ?? ""}/${b.name}/${b.kind}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * A toleration the DefaultTolerationSeconds admission plugin adds to every pod that lacks one
 * (plugin/pkg/admission/defaulttolerationseconds: node.kubernetes.io/not-ready and /unreachable,
 * Exists, NoExecute, 300 s): on a pod, not on its controller's template.
 */
function isAdmissionToleration(t: Toleration): boolean {
  return (
    (t.key === "node.kubernetes.io/not-ready" || t.key === "node.kubernetes.io/unreachable") &&
    t.operator === "Exists" &&
    t.effect === "NoExecute" &&
    t.tolerationSeconds === 300
  );
}

/**
 * The pod-template-hash suffix of a ReplicaSet name `<deployment>-<hash>`: the pod's
 * `pod-template-hash` label when the name ends with it, else a suffix shaped like one
 * (kubernetes pkg/controller/deployment/util ComputeHash → rand.SafeEncodeString: the
 * alphabet bcdfghjklmnpqrstvwxz2456789), for pods trimmed of their labels.
 */
function templateHashSuffix(replicaSet: string, label: string | undefined): string | undefined {
  if (label && replicaSet.endsWith(`-${label}`) && replicaSet.length > label.length + 1) return label;
  const m = /-([bcdfghjklmnpqrstvwxz2456789]{6,10})$/.exec(replicaSet);
  return m && m.index > 0 ? m[1] : undefined;
}

/**
 * The workloads a snapshot shows only through their pods (a plain `kubectl get nodes,pods -o
 * json` dump): pods whose controller owner is not among `workloads` are grouped by that owner and
 * stand for it, one pod's spec as the template (`knownFromPods` says which, and that replicas are
 * unknown). A ReplicaSet owner named `<x>-<hash>` whose pods carry `pod-template-hash: <hash>` is
 * most likely Deployment `<x>`'s (kubernetes pkg/controller/deployment/sync.go names it so); that
 * Deployment is inferred, and said to be. A pod whose owner was resolved through a ReplicaSet to a
 * Deployment the snapshot lacks falls back to the ReplicaSet when that one is present. Mutates
 * the pods' `owner`/`ownedVia` (the loader's own pods, not yet handed out); one warning names
 * the owners not found.
 */
export function workloadsKnownFromPods(
  pods: readonly Pod[],
  workloads: readonly Workload[],
  diagnostics: Diagnostic[],
): Workload[] {
  const present = new Set(workloads.map((w) => key(w.kind, w.namespace, w.name)));
  const groups = new Map<string, { owner: ObjectRef; inferredVia: string | undefined; pods: Pod[] }>();
  for (const pod of pods) {
    const owner = pod.owner;
    // (resolvePodOwners sets an owner only from a controller reference)
    if (!owner) continue;
    // a static pod's mirror names its Node: the kubelet runs it, no controller stands behind it
    if (staticPodNode(pod) !== undefined) continue;
    if (present.has(key(owner.kind, owner.namespace ?? pod.namespace, owner.name))) continue;
    const mutable = pod as { owner: ObjectRef | undefined; ownedVia: ObjectRef | undefined };
    const via = pod.ownedVia;
    if (via && present.has(key(via.kind, via.namespace ?? pod.namespace, via.name))) {
      // the ReplicaSet (Job) is loaded, its Deployment (CronJob) is not: the pod is the ReplicaSet's
      mutable.owner = via;
      mutable.ownedVia = undefined;
      continue;
    }
    let stands: ObjectRef = owner;
    let inferredVia: string | undefined;
    const hash =
      owner.kind === "ReplicaSet" && !via ? templateHashSuffix(owner.name, pod.labels["pod-template-hash"]) : undefined;
    if (hash) {
      stands = { kind: "Deployment", namespace: pod.namespace, name: owner.name.slice(0, -(hash.length + 1)) };
      inferredVia = `ReplicaSet ${owner.name} → Deployment ${stands.name}, inferred from the Deployment controller's naming (<deployment>-<pod-template-hash>)`;
      mutable.owner = stands;
      mutable.ownedVia = owner;
    } else if (via) {
      inferredVia = `${via.kind} ${via.name} → ${owner.kind} ${owner.name}, inferred from the controller's naming`;
    }
    const k = key(stands.kind, stands.namespace ?? pod.namespace, stands.name);
    const group = groups.get(k) ?? { owner: stands, inferredVia, pods: [] };
    group.pods.push(pod);
    groups.set(k, group);
  }
  const out: Workload[] = [];
  const ordered = [...groups.values()].sort((a, b) => compareKeys(a.owner, b.owner));
  for (const { owner, inferredVia, pods: owned } of ordered) {
    const sorted = [...owned].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const live = sorted.filter((p) => p.phase !== "Succeeded" && p.phase !== "Failed");
    const first = live[0] ?? sorted[0]!;
    const namespace = owner.namespace ?? first.namespace;
    out.push({
      meta: {
        kind: owner.kind,
        apiVersion: "",
        namespace,
        name: owner.name,
        labels: {},
        annotations: {},
        uid: undefined,
        ownerReferences: [],
        source: first.meta.source,
      },
      kind: owner.kind,
      namespace,
      name: owner.name,
      // a DaemonSet has no replicas; the others: the live pods seen (the real count is unknown)
      replicas: owner.kind === "DaemonSet" ? null : live.length,
      selector: null,
      // spec.nodeName is the scheduler's binding, and the not-ready/unreachable tolerations of 300 s
      // the DefaultTolerationSeconds admission plugin's: neither is the template's
      template: {
        labels: first.labels,
        annotations: first.meta.annotations,
        spec: {
          ...first.spec,
          nodeName: undefined,
          tolerations: first.spec.tolerations.filter((t) => !isAdmissionToleration(t)),
        },
      },
      generatedFrom: undefined,
      serviceName: undefined,
      knownFromPods: { pods: sorted.length, templateFrom: first.name, inferredVia },
    });
  }
  if (out.length > 0) {
    const names = out.map((w) => `${w.kind} ${w.namespace}/${w.name}`);
    const podCount = out.reduce((n, w) => n + w.knownFromPods!.pods, 0);
    diagnostics.push({
      code: "unresolved-reference",
      severity: "warning",
      message:
        `${podCount} pod(s) name ${out.length} owner(s) the snapshot does not hold (${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""}): ` +
        "each is placed as a workload known only through its pods (template from one pod, replicas unknown); add the workloads (kubectl get deploy,rs,sts,ds,job -A -o yaml) for exact answers",
      source: out[0]!.meta.source,
    });
  }
  return out;
}
