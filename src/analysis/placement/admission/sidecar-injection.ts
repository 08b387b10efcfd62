/**
 * Sidecar injection by the two meshes people rely on, as their mutating webhooks decide it.
 *
 * Istio (istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
 * and pkg/kube/inject/inject.go injectRequired):
 * - the webhooks are called when the namespace has `istio-injection=enabled` (the pod label
 *   `sidecar.istio.io/inject` not "false"); or, without `istio-injection`, the namespace has
 *   `istio.io/rev` (same pod condition); or, with neither namespace label, the pod has the label
 *   `istio.io/rev` (not inject=false) or the label `sidecar.istio.io/inject=true`. Any other
 *   `istio-injection` value (disabled) matches no webhook. An `istio.io/rev` is taken to name an
 *   installed revision.
 * - injectRequired then skips hostNetwork pods, kube-system and kube-public, and reads
 *   `sidecar.istio.io/inject` (the label over the annotation): y/yes/true/on inject, unset follows
 *   the policy (enabled), anything else does not.
 * - istio-proxy is appended to containers with requests from the annotations
 *   `sidecar.istio.io/proxyCPU`/`proxyMemory` (when any proxy resource annotation is set, only
 *   those), else values.global.proxy.resources.requests (100m, 128Mi; --istio-proxy-requests
 *   replaces it); istio-init, a plain init container, takes the same. ENABLE_NATIVE_SIDECARS is
 *   off by default (istiod): istio-proxy is a regular container, and podpath assumes so.
 * - the injection template (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml,
 *   `metadata.labels`) labels the pod, each only where the pod does not set it:
 *   `security.istio.io/tlsMode: istio`; `service.istio.io/canonical-name`: the label
 *   `app.kubernetes.io/name`, else `app`, else the workload's name (DeploymentMeta.Name; `trunc 63
 *   | trimSuffix "-"`); `service.istio.io/canonical-revision`: `app.kubernetes.io/version`, else
 *   `version`, else `latest`. Selectors (spread, pod affinity, Services) then see them.
 *   (`networking.istio.io/tunnel` only with ISTIO_META_ENABLE_HBONE, off by default: not added.)
 *
 * Linkerd (linkerd/linkerd2 charts/linkerd-control-plane values.yaml proxyInjector selectors,
 * controller/proxy-injector, pkg/inject): the pod annotation `linkerd.io/inject`, else the
 * namespace's, `enabled` or `ingress` injects; not in kube-system or cert-manager, nor in a
 * namespace labelled `config.linkerd.io/admission-webhooks=disabled`, nor a hostNetwork pod.
 * linkerd-proxy is appended with requests from `config.linkerd.io/proxy-cpu-request` /
 * `proxy-memory-request` (pod, else namespace annotation) — the chart's proxy.resources requests
 * are empty, so none by default; linkerd-init (proxyInit.resources: 100m, 20Mi) is added as an
 * init container — only without cniEnabled (charts/patch/templates/patch.json: `if and
 * .Values.proxyInit (not .Values.cniEnabled)`). With Linkerd's CNI plugin (its linkerd-cni
 * DaemonSet in the snapshot) the init container is linkerd-network-validator instead
 * (charts/partials/templates/_network-validator.tpl), with the proxy's resources
 * (`partials.resources .Values.proxy.resources`). `config.alpha.linkerd.io/proxy-enable-native-sidecar:
 * "true"` makes the proxy a native sidecar (an init container with restartPolicy Always).
 */
import type { Container, Labels, Namespace } from "../../../model/kubernetes.js";
import { formatQuantity, quantityInModelUnits } from "../../../model/quantity.js";
import { formatSource, type SourceRef } from "../../../model/source.js";
import type { AdmissionContext, PodDraft, ProxyRequests } from "./types.js";

const ISTIO_SOURCE = "webhook:istio-sidecar-injector";
const LINKERD_SOURCE = "webhook:linkerd-proxy-injector";
/** istio values.global.proxy.resources.requests */
const ISTIO_DEFAULT_PROXY_REQUESTS: ProxyRequests = { cpu: 100, memory: 128 * 2 ** 20 };
/** linkerd values proxyInit.resources requests */
const LINKERD_INIT_REQUESTS: Readonly<Record<string, number>> = { cpu: 100, memory: 20 * 2 ** 20 };

const TRUE_VALUES = new Set(["y", "yes", "true", "on"]);

function container(name: string, requests: Readonly<Record<string, number>>, restartPolicy?: string): Container {
  return { name, image: "", requests, limits: {}, ports: [], restartPolicy, envNames: [], envValues: {} };
}

function describeRequests(r: Readonly<Record<string, number>>): string {
  const keys = Object.keys(r).sort();
  return keys.length === 0
    ? "no requests"
    : `requests ${keys.map((k) => `${k} ${formatQuantity(k, r[k]!)}`).join(", ")}`;
}

/** Which Istio webhook the API server calls for the pod, and why (its namespaceSelector/objectSelector), or undefined. */
function istioWebhook(ns: Labels, pod: Labels): string | undefined {
  const injection = ns["istio-injection"];
  const nsRev = ns["istio.io/rev"];
  const podInject = pod["sidecar.istio.io/inject"];
  const podRev = pod["istio.io/rev"];
  if (injection !== undefined)
    return injection === "enabled" && podInject !== "false" ? "namespace label istio-injection=enabled" : undefined;
  if (nsRev !== undefined) return podInject !== "false" ? `namespace label istio.io/rev=${nsRev}` : undefined;
  if (podRev !== undefined) return podInject !== "false" ? `pod label istio.io/rev=${podRev}` : undefined;
  return podInject === "true" ? "pod label sidecar.istio.io/inject=true" : undefined;
}

/** The istio-proxy requests: the annotations when any proxy resource annotation is set, else the mesh default. */
function istioProxyRequests(d: PodDraft, ctx: AdmissionContext): { requests: Record<string, number>; from: string } {
  const a = d.annotations;
  const keys = [
    "sidecar.istio.io/proxyCPU",
    "sidecar.istio.io/proxyMemory",
    "sidecar.istio.io/proxyCPULimit",
    "sidecar.istio.io/proxyMemoryLimit",
  ];
  if (keys.some((k) => a[k] !== undefined)) {
    const requests: Record<string, number> = {};
    for (const [key, resource] of [
      ["sidecar.istio.io/proxyCPU", "cpu"],
      ["sidecar.istio.io/proxyMemory", "memory"],
    ] as const) {
      const raw = a[key];
      if (raw === undefined) continue;
      const value = quantityInModelUnits(resource, raw);
      if (value === undefined)
        d.notes.push({
          source: ISTIO_SOURCE,
          message: `annotation ${key}: ${JSON.stringify(raw)} is not a quantity; the injected proxy's ${resource} request is unknown`,
          object: d.spec.source,
        });
      else requests[resource] = value;
    }
    return { requests, from: "the pod's sidecar.istio.io/proxy* annotations" };
  }
  const r = ctx.istioProxyRequests ?? ISTIO_DEFAULT_PROXY_REQUESTS;
  return {
    requests: { cpu: r.cpu, memory: r.memory },
    from: ctx.istioProxyRequests ? "--istio-proxy-requests" : "the mesh default (values.global.proxy.resources)",
  };
}

function istio(d: PodDraft, ns: Namespace | undefined, ctx: AdmissionContext): void {
  const why = istioWebhook(ns?.labels ?? {}, d.labels);
  if (!why) return;
  const object: SourceRef | undefined = why.startsWith("namespace") ? ns?.meta.source : d.spec.source;
  const skip = (message: string): void => {
    d.notes.push({ source: ISTIO_SOURCE, message: `${why}, but ${message}: no sidecar injected`, object });
  };
  if (d.spec.hostNetwork) return skip("the pod has hostNetwork (injectRequired)");
  if (d.namespace === "kube-system" || d.namespace === "kube-public")
    return skip(`${d.namespace} is ignored (injectRequired)`);
  if (d.annotations["sidecar.istio.io/status"] !== undefined || d.spec.containers.some((c) => c.name === "istio-proxy"))
    return;
  const selector = d.labels["sidecar.istio.io/inject"] ?? d.annotations["sidecar.istio.io/inject"];
  if (selector !== undefined && selector !== "" && !TRUE_VALUES.has(selector.toLowerCase())) {
    return skip(`sidecar.istio.io/inject is ${JSON.stringify(selector)} (injectRequired)`);
  }
  const { requests, from } = istioProxyRequests(d, ctx);
  const reason = `Istio injection (${why}); ${describeRequests(requests)} from ${from}; ENABLE_NATIVE_SIDECARS assumed off (istiod's default): a regular container`;
  d.mutations.push({
    source: ISTIO_SOURCE,
    field: "spec.initContainers[istio-init]",
    value: describeRequests(requests),
    reason,
    object,
  });
  d.mutations.push({
    source: ISTIO_SOURCE,
    field: "spec.containers[istio-proxy]",
    value: describeRequests(requests),
    reason,
    object,
  });
  d.spec = {
    ...d.spec,
    initContainers: [container("istio-init", requests), ...d.spec.initContainers],
    containers: [...d.spec.containers, container("istio-proxy", requests)],
  };
  istioLabels(d, why, object);
}

/** The injection template's metadata.labels (see the module comment), each where the pod sets none. */
function istioLabels(d: PodDraft, why: string, object: SourceRef | undefined): void {
  const l = d.labels;
  const name = l["app.kubernetes.io/name"] ?? l["app"] ?? d.workloadName;
  const labels: [string, string | undefined, string][] = [
    ["security.istio.io/tlsMode", "istio", "the default"],
    [
      "service.istio.io/canonical-name",
      name === undefined ? undefined : name.slice(0, 63).replace(/-+$/, ""),
      l["app.kubernetes.io/name"] !== undefined
        ? "from the label app.kubernetes.io/name"
        : l["app"] !== undefined
          ? "from the label app"
          : "the workload's name",
    ],
    [
      "service.istio.io/canonical-revision",
      l["app.kubernetes.io/version"] ?? l["version"] ?? "latest",
      l["app.kubernetes.io/version"] !== undefined
        ? "from the label app.kubernetes.io/version"
        : l["version"] !== undefined
          ? "from the label version"
          : "the default",
    ],
  ];
  for (const [key, value, from] of labels) {
    if (l[key] !== undefined || value === undefined) continue;
    d.addedLabels[key] = value;
    d.mutations.push({
      source: ISTIO_SOURCE,
      field: `metadata.labels.${key}`,
      value,
      reason: `Istio injection (${why}): the injection template labels the pod (${from})`,
      object,
    });
  }
  if (Object.keys(d.addedLabels).length > 0) d.labels = { ...d.addedLabels, ...l };
}

function linkerd(d: PodDraft, ns: Namespace | undefined, cni: AdmissionContext["linkerdCni"]): void {
  const nsAnnotations = ns?.meta.annotations ?? {};
  const podValue = d.annotations["linkerd.io/inject"];
  const value = podValue ?? nsAnnotations["linkerd.io/inject"];
  if (value !== "enabled" && value !== "ingress") return;
  const why =
    podValue !== undefined
      ? `pod annotation linkerd.io/inject=${value}`
      : `namespace annotation linkerd.io/inject=${value}`;
  const object = podValue !== undefined ? d.spec.source : ns?.meta.source;
  const skip = (message: string): void => {
    d.notes.push({ source: LINKERD_SOURCE, message: `${why}, but ${message}: no proxy injected`, object });
  };
  if (d.namespace === "kube-system" || d.namespace === "cert-manager")
    return skip(`the webhook's namespaceSelector leaves ${d.namespace} out`);
  if (ns?.labels["config.linkerd.io/admission-webhooks"] === "disabled")
    return skip("the namespace is labelled config.linkerd.io/admission-webhooks=disabled");
  if (d.labels["linkerd.io/control-plane-component"] !== undefined) return;
  if (d.spec.hostNetwork) return skip("the pod has hostNetwork");
  if (
    d.spec.containers.some((c) => c.name === "linkerd-proxy") ||
    d.spec.initContainers.some((c) => c.name === "linkerd-proxy")
  )
    return;
  const config = (key: string) => d.annotations[key] ?? nsAnnotations[key];
  const requests: Record<string, number> = {};
  for (const [key, resource] of [
    ["config.linkerd.io/proxy-cpu-request", "cpu"],
    ["config.linkerd.io/proxy-memory-request", "memory"],
  ] as const) {
    const raw = config(key);
    if (raw === undefined) continue;
    const parsed = quantityInModelUnits(resource, raw);
    if (parsed === undefined)
      d.notes.push({
        source: LINKERD_SOURCE,
        message: `annotation ${key}: ${JSON.stringify(raw)} is not a quantity; the proxy's ${resource} request is unknown`,
        object,
      });
    else requests[resource] = parsed;
  }
  const native = config("config.alpha.linkerd.io/proxy-enable-native-sidecar") === "true";
  const initName = cni ? "linkerd-network-validator" : "linkerd-init";
  const initRequests = cni ? requests : LINKERD_INIT_REQUESTS;
  const reason = `Linkerd injection (${why}); proxy ${describeRequests(requests)} (config.linkerd.io/proxy-*-request annotations; the chart's default is none); ${
    cni
      ? `with Linkerd's CNI plugin (DaemonSet ${cni.name}, ${formatSource(cni.source)}) no linkerd-init: linkerd-network-validator ${describeRequests(initRequests)} (the proxy's resources)`
      : `linkerd-init ${describeRequests(initRequests)} (proxyInit.resources; no linkerd-cni DaemonSet in the snapshot)`
  }`;
  d.mutations.push({
    source: LINKERD_SOURCE,
    field: `spec.initContainers[${initName}]`,
    value: describeRequests(initRequests),
    reason,
    object,
  });
  const init = container(initName, initRequests);
  if (native) {
    d.mutations.push({
      source: LINKERD_SOURCE,
      field: "spec.initContainers[linkerd-proxy]",
      value: `${describeRequests(requests)}, restartPolicy Always`,
      reason,
      object,
    });
    d.spec = {
      ...d.spec,
      initContainers: [init, container("linkerd-proxy", requests, "Always"), ...d.spec.initContainers],
    };
  } else {
    d.mutations.push({
      source: LINKERD_SOURCE,
      field: "spec.containers[linkerd-proxy]",
      value: describeRequests(requests),
      reason,
      object,
    });
    d.spec = {
      ...d.spec,
      initContainers: [init, ...d.spec.initContainers],
      containers: [...d.spec.containers, container("linkerd-proxy", requests)],
    };
  }
}

export function sidecarInjection(d: PodDraft, ctx: AdmissionContext): void {
  const ns = ctx.namespaces.get(d.namespace);
  istio(d, ns, ctx);
  linkerd(d, ns, ctx.linkerdCni);
}
