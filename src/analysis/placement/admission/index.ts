/**
 * The pod the API server stores for a workload's template, before kube-scheduler sees it: the
 * decode defaults (core/v1 SetDefaults_Pod), then the mutating admission plugins in the API
 * server's order (kubernetes pkg/kubeapiserver/options/plugins.go AllOrderedPlugins: LimitRanger,
 * Priority, DefaultTolerationSeconds, RuntimeClass, then MutatingAdmissionWebhook — the sidecar
 * injectors). Every change is listed as a Mutation with its upstream source; what the snapshot
 * cannot settle is an AdmissionNote. Computed once per workload, never per node.
 */
import type { LimitRange, PodSpec, PodTemplate, PriorityClass } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { defaultTolerationSeconds } from "./default-toleration-seconds.js";
import { setDefaultsPod } from "./defaults.js";
import { limitRanger } from "./limit-range.js";
import { limitRangerValidate } from "./limit-range-validate.js";
import { priority } from "./priority.js";
import { runtimeClass } from "./runtime-class.js";
import { sidecarInjection } from "./sidecar-injection.js";
import type {
  AdmissionContext,
  AdmissionNote,
  AdmissionRejection,
  Mutation,
  PodDraft,
  ProxyRequests,
} from "./types.js";

export type { AdmissionContext } from "./types.js";

export interface AdmittedPod {
  readonly spec: PodSpec;
  /** the labels webhooks added to the pod, where the template set none (Istio's security.istio.io/tlsMode, …): selectors see them */
  readonly addedLabels: Readonly<Record<string, string>>;
  readonly mutations: readonly Mutation[];
  readonly notes: readonly AdmissionNote[];
  /** set when a validating admission plugin refuses the create: the pod is never stored */
  readonly rejected?: AdmissionRejection | undefined;
}

export interface AdmissionOptions {
  /** --istio-proxy-requests: the istio-proxy requests where the pod's annotations set none */
  readonly istioProxyRequests?: ProxyRequests | undefined;
}

/** The objects admission reads, indexed once per snapshot. */
export function admissionContext(snapshot: Snapshot, options: AdmissionOptions = {}): AdmissionContext {
  const k = snapshot.kubernetes;
  const limitRanges = new Map<string, LimitRange[]>();
  for (const r of k.limitRanges) limitRanges.set(r.namespace, [...(limitRanges.get(r.namespace) ?? []), r]);
  // admission/priority getDefaultPriorityClass: of several global defaults, the lowest value
  let defaultPriorityClass: PriorityClass | undefined;
  for (const p of k.priorityClasses)
    if (p.globalDefault && (!defaultPriorityClass || p.value < defaultPriorityClass.value)) defaultPriorityClass = p;
  return {
    namespaces: new Map(k.namespaces.map((n) => [n.name, n])),
    limitRanges,
    runtimeClasses: new Map(k.runtimeClasses.map((r) => [r.name, r])),
    priorityClasses: new Map(k.priorityClasses.map((p) => [p.name, p])),
    defaultPriorityClass,
    istioProxyRequests: options.istioProxyRequests,
    linkerdCni: linkerdCniDaemonSet(snapshot),
  };
}

/**
 * The linkerd2-cni chart's DaemonSet (named linkerd-cni, in any namespace): Linkerd's CNI plugin
 * runs, so the control plane was installed with cniEnabled (the chart requires it to be said).
 */
function linkerdCniDaemonSet(snapshot: Snapshot): AdmissionContext["linkerdCni"] {
  const ds = snapshot.kubernetes.workloads.find((w) => w.kind === "DaemonSet" && w.name === "linkerd-cni");
  return ds ? { name: `${ds.namespace}/${ds.name}`, source: ds.meta.source } : undefined;
}

/** The pod the API server stores for `template` in `namespace`, and every change made to it. */
export function admitPod(
  template: PodTemplate,
  namespace: string,
  ctx: AdmissionContext,
  workloadName?: string,
): AdmittedPod {
  const d: PodDraft = {
    namespace,
    workloadName,
    addedLabels: {},
    spec: template.spec,
    labels: template.labels,
    annotations: template.annotations,
    mutations: [],
    notes: [],
  };
  setDefaultsPod(d);
  limitRanger(d, ctx);
  priority(d, ctx);
  defaultTolerationSeconds(d);
  runtimeClass(d, ctx);
  sidecarInjection(d, ctx);
  // validating admission, after every mutation (LimitRanger Validate)
  const violation = limitRangerValidate(d, ctx);
  const rejected = violation && { source: "admission:LimitRanger", ...violation };
  return {
    spec: d.spec,
    addedLabels: d.addedLabels,
    mutations: d.mutations,
    notes: d.notes,
    ...(rejected ? { rejected } : {}),
  };
}
