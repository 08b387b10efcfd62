import type { V1CronJob, V1DaemonSet, V1Deployment, V1Job, V1ReplicaSet, V1StatefulSet } from "@kubernetes/client-node";
import type { ObjectMeta, Workload, WorkloadKind } from "../../model/kubernetes.js";
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
  return {
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
