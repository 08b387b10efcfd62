/**
 * admitPod (src/analysis/placement/admission/) rule by rule, each table named after the upstream
 * function or plugin it follows: kubernetes pkg/apis/core/v1/defaults.go, plugin/pkg/admission/*,
 * and the Istio and Linkerd injection webhooks. The CLI scenarios are test/cli/admission.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { admitPod, type AdmissionContext, type AdmittedPod } from "../../../src/analysis/placement/admission/index.js";
import { podRequests, nonZeroRequests } from "../../../src/analysis/placement/requests.js";
import type {
  Labels,
  LimitRange,
  Namespace,
  PodSpec,
  PriorityClass,
  RuntimeClass,
} from "../../../src/model/kubernetes.js";
import { Mi, container, meta, podSpec, src, toleration } from "./support.js";

function ctx(o: Partial<AdmissionContext> = {}): AdmissionContext {
  return {
    namespaces: new Map(),
    limitRanges: new Map(),
    runtimeClasses: new Map(),
    priorityClasses: new Map(),
    defaultPriorityClass: undefined,
    istioProxyRequests: undefined,
    ...o,
  };
}

function admit(
  spec: PodSpec,
  c: AdmissionContext = ctx(),
  labels: Labels = {},
  annotations: Labels = {},
  namespace = "default",
): AdmittedPod {
  return admitPod({ labels, annotations, spec }, namespace, c);
}

const fieldsOf = (a: AdmittedPod, source: string) =>
  a.mutations.filter((m) => m.source === source).map((m) => [m.field, m.value]);

function namespace(name: string, labels: Labels = {}, annotations: Labels = {}): Namespace {
  return {
    meta: { ...meta("Namespace", name, undefined, labels, src(7, "ns.yaml")), annotations },
    name,
    labels: { ...labels, "kubernetes.io/metadata.name": name },
    implicit: false,
  };
}

describe("core/v1 defaults.go SetDefaults_Pod: requests default to limits, per container", () => {
  test("SetDefaults_Pod: only the resources without a request take the limit; init and sidecar containers too", () => {
    const spec = podSpec({
      containers: [container("app", { cpu: 200 }, { limits: { cpu: 500, memory: 256 * Mi } })],
      initContainers: [container("sidecar", {}, { limits: { memory: 64 * Mi }, restartPolicy: "Always" })],
    });
    const a = admit(spec);
    assert.deepEqual(fieldsOf(a, "core/v1 SetDefaults_Pod"), [
      ["spec.containers[app].resources.requests.memory", "256Mi"],
      ["spec.initContainers[sidecar].resources.requests.memory", "64Mi"],
    ]);
    assert.deepEqual(a.spec.containers[0]!.requests, { cpu: 200, memory: 256 * Mi });
    assert.deepEqual(podRequests(a.spec), { cpu: 200, memory: 320 * Mi });
  });

  test("SetDefaults_Pod: a container with requests and no limits is unchanged", () => {
    assert.deepEqual(
      fieldsOf(admit(podSpec({ containers: [container("app", { cpu: 100 })] })), "core/v1 SetDefaults_Pod"),
      [],
    );
  });
});

describe("core/v1 defaults.go defaultHostNetworkPorts", () => {
  const port = (containerPort: number, hostPort?: number) => ({
    name: undefined,
    containerPort,
    hostPort,
    hostIP: undefined,
    protocol: "TCP" as const,
  });
  test("defaultHostNetworkPorts: with hostNetwork a port without hostPort gets its containerPort (init containers included); a set hostPort is kept", () => {
    const spec = podSpec({
      hostNetwork: true,
      containers: [container("a", {}, { ports: [port(8080), port(9090, 19090)] })],
      initContainers: [container("i", {}, { ports: [port(7070)] })],
    });
    const a = admit(spec);
    assert.deepEqual(fieldsOf(a, "core/v1 SetDefaults_Pod"), [
      ["spec.containers[a].ports[8080/TCP].hostPort", "8080"],
      ["spec.initContainers[i].ports[7070/TCP].hostPort", "7070"],
    ]);
    assert.deepEqual(
      a.spec.containers[0]!.ports.map((p) => p.hostPort),
      [8080, 19090],
    );
  });
  test("defaultHostNetworkPorts: without hostNetwork nothing is defaulted", () => {
    assert.deepEqual(
      admit(podSpec({ containers: [container("a", {}, { ports: [port(8080)] })] })).spec.containers[0]!.ports[0]!
        .hostPort,
      undefined,
    );
  });
});

describe("core/v1 defaults.go defaultPodRequests and component-helpers PodRequests (pod-level resources)", () => {
  test("defaultPodRequests: pod-level limits default pod-level requests from the containers' aggregate where they request, else from the limit", () => {
    const spec = podSpec({
      containers: [container("a", { cpu: 100 }), container("b", { cpu: 50 })],
      resources: { requests: {}, limits: { cpu: 1000, memory: 512 * Mi } },
    });
    const a = admit(spec);
    assert.deepEqual(fieldsOf(a, "core/v1 SetDefaults_Pod"), [
      ["spec.resources.requests.cpu", "150m"],
      ["spec.resources.requests.memory", "512Mi"],
    ]);
  });
  test("PodRequests applyPodLevelResources: a pod-level request replaces the containers' for cpu and memory, overhead added on top", () => {
    const spec = podSpec({
      containers: [container("a", { cpu: 100, memory: 100 * Mi, "nvidia.com/gpu": 1 })],
      resources: { requests: { memory: Mi * 1024 }, limits: {} },
      overhead: { memory: 10 * Mi },
    });
    assert.deepEqual(podRequests(spec), { cpu: 100, memory: 1034 * Mi, "nvidia.com/gpu": 1 });
  });
  test("framework/types.go getNonMissingContainerRequests: with pod-level requests the 100m stand-in applies only where no cpu is requested at all", () => {
    const spec = podSpec({
      containers: [container("a", { cpu: 300 }), container("b")],
      resources: { requests: { memory: 512 * Mi }, limits: {} },
    });
    assert.deepEqual(nonZeroRequests(spec), { cpu: 300, memory: 512 * Mi });
    const none = podSpec({
      containers: [container("a"), container("b")],
      resources: { requests: { memory: 512 * Mi }, limits: {} },
    });
    assert.deepEqual(nonZeroRequests(none), { cpu: 200, memory: 512 * Mi });
  });
});

describe("admission limitranger/admission.go mergeContainerResources", () => {
  const range: LimitRange = {
    meta: meta("LimitRange", "defaults", "team"),
    namespace: "team",
    name: "defaults",
    limits: [
      {
        type: "Container",
        default: { cpu: 500 },
        defaultRequest: { cpu: 250, memory: 128 * Mi },
        max: {},
        min: {},
        source: src(30, "lr.yaml"),
      },
      { type: "Pod", default: {}, defaultRequest: {}, max: { memory: 4096 * Mi }, min: {}, source: src(40, "lr.yaml") },
    ],
  };
  const c = ctx({ limitRanges: new Map([["team", [range]]]) });
  test("LimitRanger: defaults only what a container (init containers included) leaves unset, after SetDefaults_Pod", () => {
    const spec = podSpec({
      containers: [container("a", {}, { limits: { memory: 256 * Mi } })],
      initContainers: [container("i", { cpu: 10 })],
    });
    const a = admit(spec, c, {}, {}, "team");
    // the app container's memory request came from its limit (SetDefaults_Pod ran first)
    assert.deepEqual(fieldsOf(a, "admission:LimitRanger"), [
      ["spec.containers[a].resources.limits.cpu", "500m"],
      ["spec.containers[a].resources.requests.cpu", "250m"],
      ["spec.initContainers[i].resources.limits.cpu", "500m"],
      ["spec.initContainers[i].resources.requests.memory", "128Mi"],
    ]);
    assert.deepEqual(a.mutations.find((m) => m.source === "admission:LimitRanger")!.object, src(30, "lr.yaml"));
    assert.deepEqual(a.spec.containers[0]!.requests, { memory: 256 * Mi, cpu: 250 });
  });
  test("LimitRanger: another namespace's LimitRange does nothing", () => {
    assert.deepEqual(fieldsOf(admit(podSpec(), c, {}, {}, "other"), "admission:LimitRanger"), []);
  });
});

describe("admission priority/admission.go admitPod", () => {
  const pc = (
    name: string,
    value: number,
    globalDefault = false,
    preemptionPolicy = "PreemptLowerPriority",
  ): PriorityClass => ({
    meta: meta("PriorityClass", name, undefined, {}, src(3, "pc.yaml")),
    name,
    value,
    globalDefault,
    preemptionPolicy,
  });
  const high = pc("high", 1000, false, "Never");
  const low = pc("low", 10, true);
  const c = ctx({
    priorityClasses: new Map([
      ["high", high],
      ["low", low],
    ]),
    defaultPriorityClass: low,
  });
  test("Priority: a named class gives value and preemptionPolicy", () => {
    const a = admit(podSpec({ priorityClassName: "high" }), c);
    assert.deepEqual([a.spec.priority, a.spec.preemptionPolicy], [1000, "Never"]);
  });
  test("Priority getDefaultPriority: no class takes the globalDefault's name, value and policy", () => {
    const a = admit(podSpec(), c);
    assert.deepEqual(fieldsOf(a, "admission:Priority"), [
      ["spec.priorityClassName", "low"],
      ["spec.priority", "10"],
      ["spec.preemptionPolicy", "PreemptLowerPriority"],
    ]);
  });
  test("Priority: no class and no globalDefault is priority 0", () => {
    assert.equal(admit(podSpec()).spec.priority, 0);
  });
  test("Priority: system-node-critical exists in every cluster (SystemPriorityClasses)", () => {
    assert.equal(admit(podSpec({ priorityClassName: "system-node-critical" })).spec.priority, 2000001000);
  });
  test("Priority: a class the snapshot lacks is a note, no value guessed", () => {
    const a = admit(podSpec({ priorityClassName: "missing" }), c);
    assert.equal(a.spec.priority, undefined);
    assert.match(a.notes[0]!.message, /PriorityClass missing is not in the snapshot/);
  });
});

describe("admission defaulttolerationseconds/admission.go Admit", () => {
  const cases: { name: string; tolerations: PodSpec["tolerations"]; want: string[] }[] = [
    {
      name: "no toleration: both added",
      tolerations: [],
      want: ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"],
    },
    {
      name: "an empty key with effect NoExecute tolerates both: none added",
      tolerations: [toleration({ key: "", operator: "Exists", effect: "NoExecute" })],
      want: [],
    },
    {
      name: "not-ready with an empty effect: only unreachable added",
      tolerations: [toleration({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "" })],
      want: ["node.kubernetes.io/unreachable"],
    },
    {
      name: "not-ready with NoSchedule does not count: both added",
      tolerations: [toleration({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" })],
      want: ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"],
    },
  ];
  for (const c of cases) {
    test(`DefaultTolerationSeconds: ${c.name}`, () => {
      const a = admit(podSpec({ tolerations: c.tolerations }));
      const added = a.spec.tolerations.slice(c.tolerations.length);
      assert.deepEqual(
        added.map((t) => t.key),
        c.want,
      );
      for (const t of added)
        assert.deepEqual([t.operator, t.effect, t.tolerationSeconds], ["Exists", "NoExecute", 300]);
    });
  }
});

describe("admission runtimeclass/admission.go setOverhead and setScheduling", () => {
  const rc: RuntimeClass = {
    meta: meta("RuntimeClass", "kata", undefined, {}, src(1, "rc.yaml")),
    name: "kata",
    handler: "kata",
    overhead: { cpu: 250, memory: 160 * Mi },
    overheadSource: src(5, "rc.yaml"),
    nodeSelector: { runtime: "kata" },
    tolerations: [toleration({ key: "kata", operator: "Exists", effect: "NoSchedule" })],
  };
  const c = ctx({ runtimeClasses: new Map([["kata", rc]]) });
  test("setOverhead: the pod's overhead is the class's overhead.podFixed, and PodRequests adds it", () => {
    const a = admit(podSpec({ runtimeClassName: "kata", containers: [container("a", { cpu: 100 })] }), c);
    assert.deepEqual(a.spec.overhead, { cpu: 250, memory: 160 * Mi });
    assert.deepEqual(podRequests(a.spec), { cpu: 350, memory: 160 * Mi });
  });
  test("setScheduling: the class's nodeSelector is merged; a conflicting value is a rejection (note), not a merge", () => {
    assert.deepEqual(admit(podSpec({ runtimeClassName: "kata", nodeSelector: { zone: "a" } }), c).spec.nodeSelector, {
      zone: "a",
      runtime: "kata",
    });
    const conflict = admit(podSpec({ runtimeClassName: "kata", nodeSelector: { runtime: "runc" } }), c);
    assert.deepEqual(conflict.spec.nodeSelector, { runtime: "runc" });
    assert.match(conflict.notes[0]!.message, /conflicts with RuntimeClass kata/);
  });
  test("setOverhead: a pod whose overhead differs is rejected (note)", () => {
    assert.match(
      admit(podSpec({ runtimeClassName: "kata", overhead: { cpu: 1 } }), c).notes[0]!.message,
      /Overhead doesn't match/,
    );
  });
});

describe("Istio injection: mutatingwebhook.yaml namespaceSelector/objectSelector, inject.go injectRequired", () => {
  const injected = (
    nsLabels: Labels,
    podLabels: Labels = {},
    annotations: Labels = {},
    spec: PodSpec = podSpec(),
    ns = "apps",
  ) =>
    admit(
      spec,
      ctx({ namespaces: new Map([[ns, namespace(ns, nsLabels)]]) }),
      podLabels,
      annotations,
      ns,
    ).spec.containers.some((c) => c.name === "istio-proxy");
  const cases: [string, boolean, () => boolean][] = [
    ["istio-injection=enabled injects", true, () => injected({ "istio-injection": "enabled" })],
    [
      "istio-injection=enabled, pod label inject=false: not called",
      false,
      () => injected({ "istio-injection": "enabled" }, { "sidecar.istio.io/inject": "false" }),
    ],
    [
      "istio-injection=enabled, pod annotation inject=false: injectRequired says no",
      false,
      () => injected({ "istio-injection": "enabled" }, {}, { "sidecar.istio.io/inject": "false" }),
    ],
    [
      "istio-injection=disabled, pod label inject=true: no webhook matches",
      false,
      () => injected({ "istio-injection": "disabled" }, { "sidecar.istio.io/inject": "true" }),
    ],
    ["istio.io/rev on the namespace injects", true, () => injected({ "istio.io/rev": "stable" })],
    ["no namespace label, pod label istio.io/rev injects", true, () => injected({}, { "istio.io/rev": "stable" })],
    [
      "no namespace label, pod label inject=true injects",
      true,
      () => injected({}, { "sidecar.istio.io/inject": "true" }),
    ],
    [
      "no namespace label, pod annotation inject=true alone: not called",
      false,
      () => injected({}, {}, { "sidecar.istio.io/inject": "true" }),
    ],
    [
      "hostNetwork: never injected",
      false,
      () => injected({ "istio-injection": "enabled" }, {}, {}, podSpec({ hostNetwork: true })),
    ],
    [
      "kube-system is ignored",
      false,
      () => injected({ "istio-injection": "enabled" }, {}, {}, podSpec(), "kube-system"),
    ],
  ];
  for (const [name, want, run] of cases) test(`Istio: ${name}`, () => assert.equal(run(), want));

  test("Istio injection-template resources: proxyCPU/proxyMemory annotations, else the mesh default, else --istio-proxy-requests", () => {
    const c = (o: Partial<AdmissionContext> = {}) =>
      ctx({ namespaces: new Map([["apps", namespace("apps", { "istio-injection": "enabled" })]]), ...o });
    const proxy = (a: AdmittedPod) => a.spec.containers.find((x) => x.name === "istio-proxy")!.requests;
    assert.deepEqual(proxy(admit(podSpec(), c(), {}, {}, "apps")), { cpu: 100, memory: 128 * Mi });
    assert.deepEqual(
      proxy(admit(podSpec(), c({ istioProxyRequests: { cpu: 200, memory: 256 * Mi } }), {}, {}, "apps")),
      { cpu: 200, memory: 256 * Mi },
    );
    // any proxy resource annotation: only the annotations count (proxyCPU alone: no memory request)
    assert.deepEqual(proxy(admit(podSpec(), c(), {}, { "sidecar.istio.io/proxyCPU": "300m" }, "apps")), { cpu: 300 });
  });
});

describe("Linkerd injection: linkerd.io/inject (pod over namespace annotation), config.linkerd.io/proxy-*-request", () => {
  const c = ctx({
    namespaces: new Map([
      [
        "pay",
        namespace("pay", {}, { "linkerd.io/inject": "enabled", "config.linkerd.io/proxy-memory-request": "32Mi" }),
      ],
    ]),
  });
  test("Linkerd: the namespace annotation injects, its config annotations give the proxy's requests; the pod's own override them", () => {
    const a = admit(podSpec(), c, {}, { "config.linkerd.io/proxy-cpu-request": "20m" }, "pay");
    assert.deepEqual(a.spec.containers.find((x) => x.name === "linkerd-proxy")!.requests, { cpu: 20, memory: 32 * Mi });
    assert.deepEqual(
      a.spec.initContainers.map((x) => x.name),
      ["linkerd-init"],
    );
  });
  test("Linkerd: the pod's linkerd.io/inject: disabled wins over the namespace", () => {
    assert.ok(
      !admit(podSpec(), c, {}, { "linkerd.io/inject": "disabled" }, "pay").spec.containers.some(
        (x) => x.name === "linkerd-proxy",
      ),
    );
  });
  test("Linkerd: config.alpha.linkerd.io/proxy-enable-native-sidecar makes the proxy a restartable init container", () => {
    const a = admit(podSpec(), c, {}, { "config.alpha.linkerd.io/proxy-enable-native-sidecar": "true" }, "pay");
    assert.deepEqual(
      a.spec.initContainers.map((x) => [x.name, x.restartPolicy]),
      [
        ["linkerd-init", undefined],
        ["linkerd-proxy", "Always"],
      ],
    );
  });
});

describe("Istio injection-template.yaml metadata.labels: each label only where the pod sets none", () => {
  const labelsOf = (podLabels: Labels, workloadName?: string) =>
    admitPod(
      { labels: podLabels, annotations: {}, spec: podSpec() },
      "apps",
      ctx({ namespaces: new Map([["apps", namespace("apps", { "istio-injection": "enabled" })]]) }),
      workloadName,
    ).addedLabels;
  const cases: [string, Labels, string | undefined, Record<string, string>][] = [
    [
      "app.kubernetes.io/name and app.kubernetes.io/version first",
      { "app.kubernetes.io/name": "cart", app: "x", "app.kubernetes.io/version": "1.2", version: "v9" },
      "cart-deploy",
      {
        "security.istio.io/tlsMode": "istio",
        "service.istio.io/canonical-name": "cart",
        "service.istio.io/canonical-revision": "1.2",
      },
    ],
    [
      "then app and version",
      { app: "cart", version: "v9" },
      "cart-deploy",
      {
        "security.istio.io/tlsMode": "istio",
        "service.istio.io/canonical-name": "cart",
        "service.istio.io/canonical-revision": "v9",
      },
    ],
    [
      "then the workload's name (DeploymentMeta.Name, trunc 63, trimSuffix -) and latest",
      {},
      `${"a".repeat(62)}-b`,
      {
        "security.istio.io/tlsMode": "istio",
        "service.istio.io/canonical-name": "a".repeat(62),
        "service.istio.io/canonical-revision": "latest",
      },
    ],
    [
      "labels the pod sets stay as they are",
      { "security.istio.io/tlsMode": "disabled", "service.istio.io/canonical-name": "own" },
      "w",
      { "service.istio.io/canonical-revision": "latest" },
    ],
  ];
  for (const [name, labels, workloadName, expected] of cases)
    test(`injection-template.yaml: ${name}`, () => assert.deepEqual(labelsOf(labels, workloadName), expected));
  test("no injection, no labels", () => {
    const a = admitPod({ labels: { app: "cart" }, annotations: {}, spec: podSpec() }, "apps", ctx(), "cart");
    assert.deepEqual(a.addedLabels, {});
  });
});

describe("Linkerd with its CNI plugin: charts/patch/templates/patch.json adds proxyInit only without cniEnabled", () => {
  const pay = namespace("pay", {}, { "linkerd.io/inject": "enabled" });
  const cni = { name: "linkerd-cni/linkerd-cni", source: src(7, "cni.yaml") };
  const inits = (linkerdCni?: typeof cni, annotations: Labels = {}) =>
    admit(
      podSpec(),
      ctx({ namespaces: new Map([["pay", pay]]), linkerdCni }),
      {},
      annotations,
      "pay",
    ).spec.initContainers.map((c) => [c.name, c.requests, c.restartPolicy]);
  test("patch.json: no CNI, linkerd-init with proxyInit.resources (100m, 20Mi)", () => {
    assert.deepEqual(inits(), [["linkerd-init", { cpu: 100, memory: 20 * Mi }, undefined]]);
  });
  test("_network-validator.tpl: with CNI, linkerd-network-validator with the proxy's resources (none by default, else the config annotations)", () => {
    assert.deepEqual(inits(cni), [["linkerd-network-validator", {}, undefined]]);
    assert.deepEqual(inits(cni, { "config.linkerd.io/proxy-cpu-request": "20m" }), [
      ["linkerd-network-validator", { cpu: 20 }, undefined],
    ]);
  });
  test("with CNI and the native sidecar: the validator, then linkerd-proxy (restartPolicy Always)", () => {
    assert.deepEqual(inits(cni, { "config.alpha.linkerd.io/proxy-enable-native-sidecar": "true" }), [
      ["linkerd-network-validator", {}, undefined],
      ["linkerd-proxy", {}, "Always"],
    ]);
  });
});
