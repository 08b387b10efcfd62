import type {
  Container,
  Labels,
  LimitRange,
  Namespace,
  PodSpec,
  PriorityClass,
  RuntimeClass,
} from "../../../model/kubernetes.js";
import type { SourceRef } from "../../../model/source.js";

/**
 * One change the API server makes to a pod between the template and the stored pod: the upstream
 * function or admission plugin (`source`), the field, the value it set, why, and the object
 * that caused it (the LimitRange item, RuntimeClass, PriorityClass, namespace; undefined for a
 * built-in default).
 */
export interface Mutation {
  /** "core/v1 SetDefaults_Pod", "admission:LimitRanger", "webhook:istio-sidecar-injector", … */
  readonly source: string;
  /** "spec.containers[app].resources.requests.cpu", "spec.tolerations", … */
  readonly field: string;
  readonly value: string;
  readonly reason: string;
  readonly object: SourceRef | undefined;
}

/**
 * What podpath cannot settle about admission from the snapshot (a PriorityClass or RuntimeClass
 * it lacks), or a rejection the API server would give (a nodeSelector conflict with the
 * RuntimeClass): said, never guessed.
 */
export interface AdmissionNote {
  readonly source: string;
  readonly message: string;
  readonly object: SourceRef | undefined;
}

/**
 * A create the API server refuses (a validating admission plugin's Forbidden): `reason` is the
 * plugin's error, what follows `pods "NAME" is forbidden: ` in the API server's answer.
 */
export interface AdmissionRejection {
  readonly source: string;
  readonly reason: string;
  /** the object whose rule refused it (the LimitRange item) */
  readonly object: SourceRef;
}

/** Sidecar proxy requests in model units (cpu millicores, memory bytes). */
export interface ProxyRequests {
  readonly cpu: number;
  readonly memory: number;
}

/** What admission reads: the cluster objects, indexed once per snapshot, and the user's overrides. */
export interface AdmissionContext {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** per namespace, in name order */
  readonly limitRanges: ReadonlyMap<string, readonly LimitRange[]>;
  readonly runtimeClasses: ReadonlyMap<string, RuntimeClass>;
  readonly priorityClasses: ReadonlyMap<string, PriorityClass>;
  /** the globalDefault PriorityClass (the lowest value when several claim it), if any */
  readonly defaultPriorityClass: PriorityClass | undefined;
  /** --istio-proxy-requests: replaces the mesh default (values.global.proxy.resources.requests) */
  readonly istioProxyRequests: ProxyRequests | undefined;
  /** the linkerd-cni DaemonSet (linkerd2-cni chart), when the snapshot has one: Linkerd was installed with cniEnabled */
  readonly linkerdCni?: { readonly name: string; readonly source: SourceRef } | undefined;
}

/** The pod being admitted: spec, labels and annotations as each step leaves them. */
export interface PodDraft {
  readonly namespace: string;
  /** the controller's name (Istio's DeploymentMeta.Name), or the pod's own for a bare Pod; undefined when unknown */
  readonly workloadName?: string | undefined;
  spec: PodSpec;
  labels: Labels;
  annotations: Labels;
  /** the labels a webhook added (those the template did not set) */
  readonly addedLabels: Record<string, string>;
  readonly mutations: Mutation[];
  readonly notes: AdmissionNote[];
}

/** spec.containers[NAME] / spec.initContainers[NAME]: how a mutation names a container. */
export function containerField(init: boolean, c: Container): string {
  return `spec.${init ? "initContainers" : "containers"}[${c.name}]`;
}
