/**
 * The label the Deployment controller puts on the pods of a revision (kubernetes
 * pkg/controller/deployment/sync.go getNewReplicaSet: the new ReplicaSet's template, selector and
 * labels get `pod-template-hash` = util ComputeHash(template, status.collisionCount); its pods
 * inherit it). A topology spread constraint or pod (anti-)affinity term with
 * `matchLabelKeys: [pod-template-hash]` then counts only the pods of the same revision: the
 * observed pods of an older ReplicaSet carry another hash.
 */
import type { Labels, Pod, Workload } from "../../../model/kubernetes.js";
import { formatSource } from "../../../model/source.js";
import { standInHash } from "./hash.js";

/** apps/v1 DefaultDeploymentUniqueLabelKey */
const POD_TEMPLATE_HASH = "pod-template-hash";

export interface RevisionLabel {
  readonly key: string;
  readonly value: string;
  /** where the value comes from: the object read, an assumption, or the stand-in */
  readonly note: string;
}

/** The one value `key` has on every pod of `pods`, or undefined when they disagree or lack it. */
export function sharedLabel(pods: readonly Pod[], key: string): string | undefined {
  let value: string | undefined;
  for (const p of pods) {
    const v = p.labels[key];
    if (v === undefined || (value !== undefined && v !== value)) return undefined;
    value = v;
  }
  return value;
}

/**
 * The pod-template-hash of the pods the Deployment creates now: its new ReplicaSet's (the one it
 * controls whose deployment.kubernetes.io/revision is the Deployment's, as the loader read it);
 * else the hash every live observed pod shares (an assumption: the rollout may be under way);
 * else a stand-in (ComputeHash cannot be reproduced from a snapshot, see hash.ts).
 */
export function deploymentTemplateHash(workload: Workload, live: readonly Pod[]): RevisionLabel {
  const known = workload.revision?.podTemplateHash;
  if (known) {
    return {
      key: POD_TEMPLATE_HASH,
      value: known.value,
      note: `pod-template-hash ${known.value}: the new ReplicaSet ${known.replicaSet} (deployment.kubernetes.io/revision ${known.revision}, the Deployment's) ${formatSource(known.source)}`,
    };
  }
  const shared = sharedLabel(live, POD_TEMPLATE_HASH);
  if (shared !== undefined) {
    return {
      key: POD_TEMPLATE_HASH,
      value: shared,
      note: `pod-template-hash ${shared}: assumed from the ${live.length} observed pod(s), which all carry it (the snapshot has no ReplicaSet of the Deployment's current revision; kubectl get rs -o yaml says which is new)`,
    };
  }
  const value = standInHash(
    { labels: workload.template.labels, annotations: workload.template.annotations, spec: workload.template.spec },
    workload.revision?.collisionCount,
  );
  return {
    key: POD_TEMPLATE_HASH,
    value,
    note: `pod-template-hash ${value}: a stand-in (ComputeHash hashes the Go-serialised template the API server stored, which a snapshot cannot reproduce; add the Deployment's ReplicaSets for the real value)`,
  };
}

/** The template's labels with the revision's pod-template-hash (getNewReplicaSet: labelsutil.CloneAndAddLabel). */
export function deploymentPodLabels(template: Labels, hash: RevisionLabel): Labels {
  return { ...template, [hash.key]: hash.value };
}
