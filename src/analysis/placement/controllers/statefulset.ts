/**
 * The identity the StatefulSet controller gives each pod (kubernetes
 * pkg/controller/statefulset/stateful_set_utils.go newVersionedStatefulSetPod → newStatefulSetPod
 * → initIdentity/updateIdentity, setPodRevision): the name NAME-ORDINAL (ordinals from
 * spec.ordinals.start), the labels `statefulset.kubernetes.io/pod-name` (the pod's name),
 * `apps.kubernetes.io/pod-index` (the ordinal; PodIndexLabel, on by default since v1.28) and
 * `controller-revision-hash` (the revision: status.currentRevision for the ordinals a rolling
 * update's partition holds back, status.updateRevision for the others).
 */
import type { Labels, Pod, Workload } from "../../../model/kubernetes.js";
import { sharedLabel, type RevisionLabel } from "./deployment.js";
import { standInHash } from "./hash.js";

/** apps/v1 StatefulSetPodNameLabel, PodIndexLabel, ControllerRevisionHashLabelKey */
export const STATEFULSET_POD_NAME = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX = "apps.kubernetes.io/pod-index";
export const CONTROLLER_REVISION_HASH = "controller-revision-hash";

/** getStartOrdinal: spec.ordinals.start, 0 when unset. */
export function startOrdinal(workload: Workload): number {
  return workload.revision?.ordinalsStart ?? 0;
}

/**
 * The revisions new pods get: `held` for ordinals below start + partition (the rolling update
 * keeps them at status.currentRevision), `updated` for the rest (status.updateRevision). Read from
 * the StatefulSet's status; else the revision every live observed pod shares (an assumption);
 * else a stand-in `NAME-HASH` (history.ControllerRevisionName with HashControllerRevision, which
 * hashes the Go-serialised patch: not reproducible from a snapshot).
 */
export function statefulSetRevisions(
  workload: Workload,
  live: readonly Pod[],
): { readonly updated: RevisionLabel; readonly held: RevisionLabel; readonly partition: number } {
  const r = workload.revision;
  const partition = r?.partition ?? 0;
  const label = (value: string, note: string): RevisionLabel => ({ key: CONTROLLER_REVISION_HASH, value, note });
  let updated: RevisionLabel;
  if (r?.updateRevision)
    updated = label(r.updateRevision, `controller-revision-hash ${r.updateRevision}: status.updateRevision`);
  else {
    const shared = sharedLabel(live, CONTROLLER_REVISION_HASH);
    if (shared !== undefined)
      updated = label(
        shared,
        `controller-revision-hash ${shared}: assumed from the ${live.length} observed pod(s), which all carry it (the StatefulSet has no status.updateRevision)`,
      );
    else {
      const value = `${workload.name}-${standInHash({ labels: workload.template.labels, annotations: workload.template.annotations, spec: workload.template.spec })}`;
      updated = label(
        value,
        `controller-revision-hash ${value}: a stand-in (the StatefulSet has no status.updateRevision and HashControllerRevision is not reproducible from a snapshot)`,
      );
    }
  }
  const held =
    partition > 0 && r?.currentRevision
      ? label(
          r.currentRevision,
          `controller-revision-hash ${r.currentRevision} below ordinal ${startOrdinal(workload) + partition}: status.currentRevision (rollingUpdate.partition ${partition})`,
        )
      : updated;
  return { updated, held, partition };
}

/** The pod's name and labels for an ordinal (newStatefulSetPod + setPodRevision). */
export function statefulSetPodIdentity(
  workload: Workload,
  ordinal: number,
  revisions: ReturnType<typeof statefulSetRevisions>,
): { readonly name: string; readonly labels: Labels } {
  const name = `${workload.name}-${ordinal}`;
  const revision = ordinal < startOrdinal(workload) + revisions.partition ? revisions.held : revisions.updated;
  return {
    name,
    labels: {
      ...workload.template.labels,
      [STATEFULSET_POD_NAME]: name,
      [POD_INDEX]: String(ordinal),
      [revision.key]: revision.value,
    },
  };
}
