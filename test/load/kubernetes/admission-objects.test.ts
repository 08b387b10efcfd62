/**
 * The objects admission reads, loaded as the API server stores them: LimitRange (core/v1, with
 * kubernetes pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem), RuntimeClass
 * (node.k8s.io/v1), and the pod-spec fields admission and PodRequests use; hostNetwork host ports
 * defaulted on Pods only (SetDefaults_Pod).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { convertYaml } from "../../support/helpers.js";

const Mi = 2 ** 20;

describe("core/v1 defaults.go SetDefaults_LimitRangeItem", () => {
  const draft = convertYaml(`apiVersion: v1
kind: LimitRange
metadata:
  name: limits
  namespace: team
spec:
  limits:
  - type: Container
    max:
      cpu: "2"
    default:
      memory: 512Mi
    min:
      memory: 64Mi
      ephemeral-storage: 100Mi
  - type: Pod
    max:
      memory: 4Gi
`);
  const [lr] = draft.kubernetes.limitRanges;
  test("SetDefaults_LimitRangeItem: a Container item's default limit comes from max; its default request from the default (max included), else min", () => {
    assert.equal(lr?.namespace, "team");
    assert.deepEqual(lr?.limits[0]?.default, { memory: 512 * Mi, cpu: 2000 });
    assert.deepEqual(lr?.limits[0]?.defaultRequest, { memory: 512 * Mi, cpu: 2000, "ephemeral-storage": 100 * Mi });
    assert.equal(lr?.limits[0]?.source.line, 8);
  });
  test("SetDefaults_LimitRangeItem: a Pod item gets no defaults", () => {
    assert.deepEqual([lr?.limits[1]?.default, lr?.limits[1]?.defaultRequest], [{}, {}]);
  });
});

describe("node.k8s.io/v1 RuntimeClass", () => {
  test("RuntimeClass: handler, overhead.podFixed and scheduling (nodeSelector, tolerations) are read; cluster-scoped", () => {
    const draft = convertYaml(`apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: gvisor
handler: runsc
overhead:
  podFixed:
    memory: 120Mi
    cpu: 250m
scheduling:
  nodeSelector:
    runtime: gvisor
  tolerations:
  - key: sandbox
    operator: Exists
    effect: NoSchedule
`);
    const [rc] = draft.kubernetes.runtimeClasses;
    assert.deepEqual(
      [rc?.name, rc?.meta.namespace, rc?.handler, rc?.overhead, rc?.nodeSelector, rc?.tolerations.map((t) => t.key)],
      ["gvisor", undefined, "runsc", { memory: 120 * Mi, cpu: 250 }, { runtime: "gvisor" }, ["sandbox"]],
    );
    assert.equal(rc?.overheadSource?.line, 8);
  });
});

describe("pod specs: pod-level resources, runtimeClassName, preemptionPolicy; host ports as written", () => {
  const template = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      hostNetwork: true
      runtimeClassName: gvisor
      preemptionPolicy: Never
      resources:
        requests:
          memory: 1Gi
        limits:
          cpu: "2"
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 8080
`;
  test("spec.resources, runtimeClassName and preemptionPolicy are kept", () => {
    const spec = convertYaml(template).kubernetes.workloads[0]!.template.spec;
    assert.deepEqual(
      [spec.resources, spec.runtimeClassName, spec.preemptionPolicy],
      [{ requests: { memory: 1024 * Mi }, limits: { cpu: 2000 } }, "gvisor", "Never"],
    );
  });
  test("SetDefaults_Pod defaultHostNetworkPorts applies to Pods, not to templates (admission defaults those)", () => {
    assert.equal(
      convertYaml(template).kubernetes.workloads[0]!.template.spec.containers[0]!.ports[0]!.hostPort,
      undefined,
    );
    const pod = convertYaml(`apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true
  initContainers:
  - name: init
    image: busybox
    ports:
    - containerPort: 7070
  containers:
  - name: agent
    image: agent
    ports:
    - containerPort: 9100
    - containerPort: 9200
      hostPort: 19200
`).kubernetes.pods[0]!;
    assert.deepEqual(
      [...pod.spec.initContainers, ...pod.spec.containers].flatMap((c) => c.ports.map((p) => p.hostPort)),
      [7070, 9100, 19200],
    );
  });
});
