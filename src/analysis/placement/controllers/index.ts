/**
 * Pods as their controllers really build them, before kube-scheduler sees them: which observed
 * pods a controller counts as replicas (controller.FilterActivePods), and the names and labels of
 * the pods it creates (the Deployment's pod-template-hash, the StatefulSet's identity labels). The
 * DaemonSet's per-node node affinity is in daemonset.ts; kubelet admission of pods bound by
 * spec.nodeName in ../kubelet/admit.ts.
 */
import type { Labels, Pod, PodSpec, Workload } from "../../../model/kubernetes.js";
import { deploymentPodLabels, deploymentTemplateHash, type RevisionLabel } from "./deployment.js";
import {
  CONTROLLER_REVISION_HASH,
  POD_INDEX,
  STATEFULSET_POD_NAME,
  startOrdinal,
  statefulSetPodIdentity,
  statefulSetRevisions,
} from "./statefulset.js";

/**
 * kubernetes pkg/controller/controller_utils.go IsPodActive: neither Succeeded nor Failed, and not
 * terminating (no deletionTimestamp). The ReplicaSet and Job controllers count only these as
 * replicas: a terminating pod is replaced at once.
 */
export function isActivePod(pod: Pod): boolean {
  return pod.phase !== "Succeeded" && pod.phase !== "Failed" && pod.deletionTimestamp === undefined;
}

/** What a controller stamps on the pods it creates, for the report. */
export interface ControllerLabelsView {
  /** label → value on the pods podpath creates ("<pod name>", "<ordinal>" where each pod has its own) */
  readonly labels: Readonly<Record<string, string>>;
  /** where each value comes from: the object read, an assumption, or a stand-in */
  readonly notes: readonly string[];
  /** those of the labels the template's matchLabelKeys or mismatchLabelKeys name: where they decide placement */
  readonly namedByLabelKeys: readonly string[];
}

/** How a workload's controller names and labels the pods it creates: once per workload. */
export interface NewPods {
  /**
   * Whether an observed pod counts towards replicas. A StatefulSet's terminating pod keeps its
   * ordinal until it is gone (the controller recreates the same name after); the ReplicaSet and
   * Job controllers replace it at once (isActivePod).
   */
  readonly countsAsReplica: (pod: Pod) => boolean;
  /** the i-th pod not observed: its name (as podpath names it) and labels */
  identity(i: number): { readonly name: string; readonly labels: Labels };
  readonly view: ControllerLabelsView | null;
}

function view(
  workload: Workload,
  labels: Record<string, string>,
  notes: readonly RevisionLabel[],
): ControllerLabelsView {
  const used = labelKeysUsed(workload.template.spec).filter((k) => k in labels);
  return { labels, notes: notes.map((n) => n.note), namedByLabelKeys: used };
}

export function newPodsOf(workload: Workload, live: readonly Pod[]): NewPods {
  if (workload.kind === "Deployment" && !workload.knownFromPods) {
    const hash = deploymentTemplateHash(workload, live.filter(isActivePod));
    // one labels object for every replica: the scores key their per-pod caches by it
    const labels = deploymentPodLabels(workload.template.labels, hash);
    return {
      countsAsReplica: isActivePod,
      identity: (i) => ({ name: `${workload.name}-${i}`, labels }),
      view: view(workload, { [hash.key]: hash.value }, [hash]),
    };
  }
  if (workload.kind === "StatefulSet" && !workload.knownFromPods) {
    const revisions = statefulSetRevisions(workload, live);
    const start = startOrdinal(workload);
    const notes = revisions.held === revisions.updated ? [revisions.updated] : [revisions.updated, revisions.held];
    return {
      countsAsReplica: () => true,
      identity: (i) => statefulSetPodIdentity(workload, start + i, revisions),
      view: view(
        workload,
        {
          [STATEFULSET_POD_NAME]: "<pod name>",
          [POD_INDEX]: "<ordinal>",
          [CONTROLLER_REVISION_HASH]: revisions.updated.value,
        },
        notes,
      ),
    };
  }
  const labels = workload.template.labels;
  return {
    countsAsReplica: workload.kind === "Pod" ? () => true : isActivePod,
    identity: (i) => ({ name: `${workload.name}-${i}`, labels }),
    view: null,
  };
}

/** The label keys a spec's spread constraints and pod (anti-)affinity terms take from the pod's own labels (matchLabelKeys, mismatchLabelKeys), sorted. */
export function labelKeysUsed(spec: PodSpec): string[] {
  const keys = new Set<string>();
  for (const c of spec.topologySpreadConstraints) for (const k of c.matchLabelKeys) keys.add(k);
  const a = spec.affinity;
  for (const group of [a.podAffinity, a.podAntiAffinity]) {
    for (const term of [...(group?.required ?? []), ...(group?.preferred ?? []).map((p) => p.term)])
      for (const k of [...term.matchLabelKeys, ...term.mismatchLabelKeys]) keys.add(k);
  }
  return [...keys].sort();
}
