import type { V1CronJob, V1DaemonSet, V1Deployment, V1Job, V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import type { ObjectMeta, Workload, WorkloadKind, WorkloadRevision } from "../../model/kubernetes.js";
import type { DocumentContext } from "../fields.js";
import { Fields } from "../fields.js";
import { readLabelSelector } from "./meta.js";
import { readPodTemplate } from "./pod-spec.js";

type Controller = V1Deployment | V1ReplicaSet | V1StatefulSet | V1DaemonSet;

/**
 * Deployment, ReplicaSet, StatefulSet, DaemonSet and ReplicationController: replicas default to
 * 1 (apps/v1 defaulting), a DaemonSet has none (one pod per eligible node).
 */
export function convertController(
  f: Fields<Controller>,
  kind: WorkloadKind,
  meta: ObjectMeta,
  ctx: DocumentContext,
): Workload {
  const spec = (f as Fields<V1StatefulSet>).obj("spec") ?? f.fail("spec is required");
  const replicas = kind === "DaemonSet" ? null : (spec.int("replicas", { min: 0 }) ?? 1);
  const revision = controllerRevision(f, kind);
  return {
    ...(revision ? { revision } : {}),
    meta,
    kind,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    replicas,
    selector: readLabelSelector(spec.obj("selector")),
    template: readPodTemplate(spec.obj("template"), ctx, spec),
    generatedFrom: undefined,
    serviceName: kind === "StatefulSet" ? spec.str("serviceName") : undefined,
  };
}

/** A Job runs `parallelism` pods at once (default 1, batch/v1 defaulting), capped by completions. */
export function convertJob(f: Fields<V1Job>, meta: ObjectMeta, ctx: DocumentContext): Workload {
  const spec = f.obj("spec") ?? f.fail("spec is required");
  return jobWorkload("Job", spec, meta, ctx);
}

export function convertCronJob(f: Fields<V1CronJob>, meta: ObjectMeta, ctx: DocumentContext): Workload {
  const spec = f.obj("spec") ?? f.fail("spec is required");
  const jobTemplate = spec.obj("jobTemplate") ?? spec.fail("jobTemplate is required");
  const jobSpec = jobTemplate.obj("spec") ?? jobTemplate.fail("spec is required");
  return jobWorkload("CronJob", jobSpec, meta, ctx);
}

function jobWorkload(
  kind: WorkloadKind,
  spec: Fields<NonNullable<V1Job["spec"]>>,
  meta: ObjectMeta,
  ctx: DocumentContext,
): Workload {
  const parallelism = spec.int("parallelism", { min: 0 }) ?? 1;
  const completions = spec.int("completions", { min: 0 });
  return {
    meta,
    kind,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    replicas: completions === undefined ? parallelism : Math.min(parallelism, completions),
    selector: readLabelSelector(spec.obj("selector")),
    template: readPodTemplate(spec.obj("template"), ctx, spec),
    generatedFrom: undefined,
    serviceName: undefined,
  };
}

/**
 * What the controller builds new pods from, as the object shows it: a Deployment's
 * status.collisionCount; a StatefulSet's status.currentRevision and updateRevision, the
 * RollingUpdate strategy's partition (apps/v1 defaults: RollingUpdate, partition 0) and
 * spec.ordinals.start. A Deployment's pod-template-hash comes from its ReplicaSets (owners.ts
 * `withTemplateHashes`).
 */
function controllerRevision(f: Fields<V1StatefulSet>, kind: WorkloadKind): WorkloadRevision | undefined {
  if (kind !== "StatefulSet" && kind !== "Deployment") return undefined;
  const spec = f.obj("spec");
  const status = f.obj("status");
  const out: { -readonly [K in keyof WorkloadRevision]: WorkloadRevision[K] } = {};
  if (kind === "Deployment") {
    const collisionCount = status?.int("collisionCount", { min: 0 });
    if (collisionCount !== undefined) out.collisionCount = collisionCount;
  } else {
    const current = status?.str("currentRevision");
    const update = status?.str("updateRevision");
    if (current) out.currentRevision = current;
    if (update) out.updateRevision = update;
    const strategy = spec?.obj("updateStrategy");
    if ((strategy?.str("type") ?? "RollingUpdate") === "RollingUpdate") {
      const partition = strategy?.obj("rollingUpdate")?.int("partition", { min: 0 });
      if (partition) out.partition = partition;
    }
    const start = spec?.obj("ordinals")?.int("start", { min: 0 });
    if (start) out.ordinalsStart = start;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
