import type { KubernetesObject } from "@kubernetes/client-node";
import type { ConfigMapReferences, WorkloadKind } from "../../model/kubernetes.js";
import type { SourceRef } from "../../model/source.js";
import type { SnapshotDraft } from "../draft.js";
import { Fields, Malformed, describeType, isRaw, type DocumentContext, type Raw } from "../fields.js";
import { convertLimitRange, convertRuntimeClass } from "./admission-objects.js";
import { argoApplicationMessage, isArgoApplication, readArgoApplication } from "./argocd.js";
import { convertFelixConfiguration, convertIPPool } from "./calico.js";
import { convertNamespace, convertPriorityClass } from "./cluster.js";
import { convertIngress, convertIngressClass } from "./ingress.js";
import { isClusterScoped, readMeta } from "./meta.js";
import { convertNetworkPolicy } from "./network-policy.js";
import { convertNode } from "./nodes.js";
import { convertPodDisruptionBudget } from "./pod-disruption-budget.js";
import { convertConfigMap } from "./config-maps.js";
import { convertPod } from "./pods.js";
import { convertRoute } from "./route.js";
import { convertOperatorResource } from "./prometheus-operator.js";
import { convertEndpointSlice, convertEndpoints, convertService } from "./services.js";
import { convertController, convertCronJob, convertJob } from "./workloads.js";

/** True for a parsed document that is a Kubernetes object or list (string apiVersion and kind). */
export function isKubernetesDocument(value: unknown): value is Raw {
  return isRaw(value) && typeof value["apiVersion"] === "string" && typeof value["kind"] === "string";
}

const API_GROUPS: Readonly<Record<string, readonly string[]>> = {
  core: ["v1"],
  apps: ["apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"],
  batch: ["batch/v1", "batch/v1beta1"],
  discovery: ["discovery.k8s.io/v1", "discovery.k8s.io/v1beta1"],
  networking: ["networking.k8s.io/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1"],
  scheduling: ["scheduling.k8s.io/v1", "scheduling.k8s.io/v1beta1"],
  node: ["node.k8s.io/v1"],
  // policy/v1 only: v1beta1 (removed in 1.25) read an empty selector as every pod
  policy: ["policy/v1"],
  calico: ["crd.projectcalico.org/v1", "projectcalico.org/v3"],
  monitoring: ["monitoring.coreos.com/v1"],
  route: ["route.openshift.io/v1"],
};

function inGroup(apiVersion: string, group: keyof typeof API_GROUPS): boolean {
  return API_GROUPS[group]!.includes(apiVersion);
}

/**
 * Converts one parsed Kubernetes document — an object, or a `kind: List` / `…List` as
 * `kubectl get -o yaml` prints — into the draft. Objects without a namespace take
 * `defaultNamespace`, as `kubectl apply -n NS -f FILE` would.
 */
export function convertKubernetesDocument(
  value: Raw,
  ctx: DocumentContext,
  draft: SnapshotDraft,
  defaultNamespace: string,
): void {
  const kind = value["kind"] as string;
  if (kind.endsWith("List") && Array.isArray(value["items"])) {
    // `kind: List` (kubectl) names each item's kind; a typed list from the API (PodList,
    // NamespaceList…) does not, and its items take the list's kind less "List" and its apiVersion.
    (value["items"] as unknown[]).forEach((item, index) => {
      convertListItem(value, item, index, ctx, draft, defaultNamespace, () => ctx.source(value["items"]));
    });
    return;
  }
  convertObject(value, ctx, draft, defaultNamespace);
}

/**
 * Converts item `index` of a list (`list`: its apiVersion and kind; a streamed list's header,
 * json-stream.ts); `itemsSource` locates the list's items for an item that is no object.
 */
export function convertListItem(
  list: Raw,
  item: unknown,
  index: number,
  ctx: DocumentContext,
  draft: SnapshotDraft,
  defaultNamespace: string,
  itemsSource: () => SourceRef,
): void {
  const kind = list["kind"] as string;
  const itemKind = kind === "List" ? undefined : kind.slice(0, -4);
  if (itemKind && isRaw(item) && item["kind"] === undefined && item["apiVersion"] === undefined) {
    convertObject(item, ctx.within(item), draft, defaultNamespace, {
      apiVersion: list["apiVersion"] as string,
      kind: itemKind,
    });
  } else if (isKubernetesDocument(item)) {
    convertKubernetesDocument(item, ctx.within(item), draft, defaultNamespace);
  } else {
    draft.warn(
      "invalid-object",
      `items[${index}] skipped: a list item must be a Kubernetes object with apiVersion and kind, not ${describeType(item)}`,
      ctx.source(item, itemsSource()),
    );
  }
}

function convertObject(
  raw: Raw,
  ctx: DocumentContext,
  draft: SnapshotDraft,
  defaultNamespace: string,
  header?: { apiVersion: string; kind: string },
): void {
  const apiVersion = header?.apiVersion ?? (raw["apiVersion"] as string);
  const kind = header?.kind ?? (raw["kind"] as string);
  const f = new Fields<KubernetesObject>(raw, "");
  const objectHeader = { apiVersion, kind };
  const named = (): string => {
    const metadata = raw["metadata"];
    const name = isRaw(metadata) && typeof metadata["name"] === "string" ? metadata["name"] : "<unnamed>";
    const namespace =
      isRaw(metadata) && typeof metadata["namespace"] === "string" && metadata["namespace"] !== ""
        ? metadata["namespace"]
        : isClusterScoped(kind)
          ? undefined
          : defaultNamespace;
    return namespace ? `${namespace}/${name}` : name;
  };
  ctx.dropped.length = 0;
  try {
    const k = draft.kubernetes;
    const meta = () => readMeta(f, objectHeader, ctx, defaultNamespace);
    const workload = (w: WorkloadKind) => k.workloads.push(convertController(f, w, meta(), ctx));
    let modelled = true;
    if (inGroup(apiVersion, "core")) {
      switch (kind) {
        case "Namespace":
          k.namespaces.push(convertNamespace(f, meta()));
          break;
        case "Node":
          k.nodes.push(convertNode(f, meta(), ctx));
          break;
        case "Pod":
          k.pods.push(convertPod(f, meta(), ctx));
          break;
        case "Service":
          k.services.push(convertService(f, meta()));
          break;
        case "Endpoints":
          k.endpointSlices.push(...convertEndpoints(f, meta()));
          break;
        case "ReplicationController":
          workload("ReplicationController");
          break;
        case "ConfigMap":
          ((k as { configMaps?: ConfigMapReferences[] }).configMaps ??= []).push(convertConfigMap(f, meta(), ctx));
          break;
        case "LimitRange":
          k.limitRanges.push(convertLimitRange(f, meta(), ctx));
          break;
        default:
          modelled = false;
      }
    } else if (inGroup(apiVersion, "apps") && ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"].includes(kind)) {
      workload(kind as WorkloadKind);
    } else if (inGroup(apiVersion, "batch") && kind === "Job") {
      k.workloads.push(convertJob(f, meta(), ctx));
    } else if (inGroup(apiVersion, "batch") && kind === "CronJob") {
      k.workloads.push(convertCronJob(f, meta(), ctx));
    } else if (inGroup(apiVersion, "discovery") && kind === "EndpointSlice") {
      k.endpointSlices.push(convertEndpointSlice(f, meta()));
    } else if (inGroup(apiVersion, "networking") && kind === "Ingress") {
      const ingress = convertIngress(f, meta(), ctx);
      for (const error of ingress.alb.errors)
        draft.warn(
          "invalid-field",
          `Ingress ${ingress.namespace}/${ingress.name}: ${error.message}`,
          ingress.meta.source,
        );
      k.ingresses.push(ingress);
    } else if (inGroup(apiVersion, "networking") && kind === "IngressClass") {
      k.ingressClasses.push(convertIngressClass(f, meta()));
    } else if (inGroup(apiVersion, "networking") && kind === "NetworkPolicy") {
      k.networkPolicies.push(convertNetworkPolicy(f, meta(), ctx));
    } else if (inGroup(apiVersion, "route") && kind === "Route") {
      k.routes.push(convertRoute(f, meta()));
    } else if (inGroup(apiVersion, "scheduling") && kind === "PriorityClass") {
      k.priorityClasses.push(convertPriorityClass(f, meta()));
    } else if (inGroup(apiVersion, "node") && kind === "RuntimeClass") {
      k.runtimeClasses.push(convertRuntimeClass(f, meta(), ctx));
    } else if (inGroup(apiVersion, "policy") && kind === "PodDisruptionBudget") {
      k.podDisruptionBudgets.push(convertPodDisruptionBudget(f, meta()));
    } else if (inGroup(apiVersion, "calico") && kind === "IPPool") {
      k.ipPools.push(convertIPPool(f as Fields<never>, meta()));
    } else if (inGroup(apiVersion, "calico") && kind === "FelixConfiguration") {
      k.felixConfigurations.push(convertFelixConfiguration(f as Fields<never>, meta()));
    } else if (inGroup(apiVersion, "monitoring") && (kind === "Prometheus" || kind === "Alertmanager")) {
      k.workloads.push(...convertOperatorResource(f as Fields<never>, kind, meta(), ctx));
    } else if (isArgoApplication(apiVersion, kind)) {
      // listed, not rendered: its objects are not in the snapshot (argocd.ts)
      const app = readArgoApplication(f, meta());
      draft.warn("unrendered-application", argoApplicationMessage(app), app.source);
      modelled = false;
    } else {
      modelled = false;
    }
    for (const d of ctx.dropped)
      draft.warn("invalid-field", `${kind} ${named()}: ${d.message}`, ctx.source(d.at, ctx.source(raw)));
    if (modelled) {
      draft.count(ctx.file, kind);
    } else {
      // Kept out of the model, counted. Nothing of an unmodelled object (a Secret's data above
      // all) is read beyond its apiVersion and kind.
      const key = `${apiVersion} ${kind}`;
      draft.unmodelledKinds[key] = (draft.unmodelledKinds[key] ?? 0) + 1;
      draft.count(ctx.file, kind);
    }
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    draft.warn("invalid-object", `${kind} ${named()} skipped: ${error.message}`, ctx.source(error.at, ctx.source(raw)));
  }
}
