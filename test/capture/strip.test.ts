/**
 * What a capture writes of each object (src/capture/strip.ts) is what the loader reads of it:
 * the loader's model of a stripped object equals its model of the original — env names and the
 * kept CNI values (src/load/kubernetes/pod-spec.ts KEPT_ENV_VALUES), the Service hosts of env
 * values and ConfigMap data (host-references.ts, the Kubernetes DNS specification's
 * `<service>.<ns>.svc.<zone>` forms), annotations less the manifest copies (meta.ts) — while
 * no other value survives (kubectl get's default output has no managedFields, get.go
 * --show-managed-fields).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import yaml from "js-yaml";
import { stripObject } from "../../src/capture/strip.js";
import { convertYaml } from "../support/helpers.js";

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"DB_PASSWORD","value":"hunter2"}]}]}}}}'
    deployment.kubernetes.io/revision: "3"
  managedFields:
    - manager: kubectl
      operation: Update
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
        - name: wait
          image: busybox
          env:
            - {name: WAIT_FOR, value: "nc -z db.shop.svc.cluster.local:5432 && echo token=abc123"}
      containers:
        - name: api
          image: shop/api:1
          env:
            - {name: DATABASE_URL, value: "postgres://shop:s3cr3t@db.shop:5432/shop?sslmode=disable"}
            - {name: AMQP, value: "amqp://guest:guest@rabbitmq.messaging.svc.cluster.local:5672/"}
            - {name: API_KEY, value: "EXAMPLE-NOT-A-REAL-KEY"}
            - {name: AWS_VPC_K8S_CNI_EXTERNALSNAT, value: "true"}
            - {name: FROM_CM, valueFrom: {configMapKeyRef: {name: api-config, key: url}}}
          args: ["--cache=redis.cache:6379"]
`;

const CONFIGMAP = `
apiVersion: v1
kind: ConfigMap
metadata: {name: api-config, namespace: shop}
data:
  url: "https://user:pw@payments.payments.svc:8443/v1?key=secret"
  motd: "hello, nothing here"
binaryData:
  blob: aGVsbG8=
`;

const stripped = (text: string, kind: string): string => {
  const object = yaml.load(text) as Record<string, unknown>;
  stripObject(object, kind);
  return yaml.dump(object);
};

const model = (text: string) => {
  const k = convertYaml(text).kubernetes;
  return {
    workloads: k.workloads.map((w) => ({
      annotations: w.meta.annotations,
      containers: [...w.template.spec.initContainers, ...w.template.spec.containers].map((c) => ({
        envNames: c.envNames,
        envValues: c.envValues,
        envFrom: c.envFrom,
        hosts: (c.hostReferences ?? []).map((h) => [h.where, h.host, h.port, h.scheme]),
      })),
    })),
    configMaps: (
      (k as { configMaps?: { name: string; references: { key: string; host: string; port?: number }[] }[] })
        .configMaps ?? []
    ).map((c) => ({
      name: c.name,
      references: c.references.map((r) => [r.key, r.host, r.port]),
    })),
  };
};

test("pod-spec.ts / host-references.ts: a stripped Deployment loads to the same model (env names, kept CNI values, the Service hosts of env values and args, annotations less the manifest copies)", () => {
  const after = stripped(DEPLOYMENT, "Deployment");
  assert.deepEqual(model(after), model(DEPLOYMENT));
  assert.ok(
    model(DEPLOYMENT).workloads[0]!.containers.some((c) => c.hosts.length > 0),
    "the example names hosts",
  );
});

test("no secret survives: passwords, tokens, keys and the last-applied copy are gone; the kept CNI value and valueFrom stay", () => {
  const after = stripped(DEPLOYMENT, "Deployment");
  for (const secret of [
    "hunter2",
    "s3cr3t",
    "guest:guest",
    "abc123",
    "EXAMPLE-NOT-A-REAL-KEY",
    "sslmode",
    "last-applied",
    "managedFields",
  ])
    assert.ok(!after.includes(secret), secret);
  assert.match(after, /value: postgres:\/\/db\.shop:5432\n/);
  assert.match(after, /value: amqp:\/\/rabbitmq\.messaging\.svc\.cluster\.local:5672\n/);
  assert.match(after, /value: db\.shop\.svc\.cluster\.local:5432\n/);
  assert.match(after, /name: AWS_VPC_K8S_CNI_EXTERNALSNAT\n\s+value: 'true'/);
  assert.match(after, /name: API_KEY\n/);
  assert.match(after, /configMapKeyRef:/);
  // args are kept as written: the loader reads them whole (command and args name no secrets by convention)
  assert.match(after, /--cache=redis\.cache:6379/);
});

test("config-maps.ts: a stripped ConfigMap keeps its keys and the Service hosts of its values (what intended reads), drops binaryData and every other value", () => {
  const after = stripped(CONFIGMAP, "ConfigMap");
  assert.deepEqual(model(after), model(CONFIGMAP));
  assert.ok(!after.includes("binaryData"));
  assert.ok(!after.includes("secret") && !after.includes("user:pw") && !after.includes("hello"));
  assert.match(after, /url: https:\/\/payments\.payments\.svc:8443\n/);
  assert.match(after, /motd: ''\n/);
});
