/**
 * The Service references a container's configuration names, matched at load time
 * (src/load/kubernetes/host-references.ts) so no value reaches the model: the Kubernetes DNS
 * specification's Service names (kubernetes/dns docs/specification.md §2.3.1
 * `<service>.<ns>.svc.<zone>`, and kubelet's search path `<ns>.svc.<zone> svc.<zone> <zone>`,
 * pkg/kubelet/network/dns/dns.go), and RFC 3986 §3.2's authority (`user:password@host:port`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { extractHostReferences } from "../../../src/load/kubernetes/host-references.js";
import { convertYaml } from "../../support/helpers.js";

const texts = (value: string) => extractHostReferences(value).map((m) => m.text);

const CASES: readonly (readonly [string, string, readonly string[]])[] = [
  [
    "DNS spec §2.3.1: NAME.NS.svc.cluster.local with a port, in a URL",
    "amqp://rabbitmq.messaging.svc.cluster.local:5672",
    ["rabbitmq.messaging.svc.cluster.local:5672"],
  ],
  ["search path: NAME.NS.svc", "character-grpc.character.svc:50051", ["character-grpc.character.svc:50051"]],
  ["search path: NAME.NS in a URL with a path", "http://auth-api.auth:8000/v1/token", ["auth-api.auth:8000"]],
  ["search path: bare NAME as a URL host", "http://auth-api/healthz", ["auth-api"]],
  ["bare NAME:port", "redis:6379", ["redis:6379"]],
  ["a bare word without a port or scheme is no host", "redis", []],
  [
    "a pod's DNS name under a headless Service is not the Service (longer name)",
    "rabbit@$(MY_POD_NAME).rabbitmq-headless.messaging.svc.cluster.local",
    [],
  ],
  ["other zones and public names are no Service shape", "https://api.example.com:443 10.0.0.1:9000", []],
  [
    "RFC 3986 §3.2.1: userinfo is never a host",
    "amqp://admin:1234@rabbitmq.messaging:5672/",
    ["rabbitmq.messaging:5672"],
  ],
  ["user:password outside a URL is no NAME:port", "admin:1234@db.data:5432", ["db.data:5432"]],
  ["several in one value, each once", "--peer=a.b:1 --peer=a.b:1 --other=c.d.svc", ["a.b:1", "c.d.svc"]],
  ["a flag name is not a host", "--web.external-url=http://prom.monitoring:9090", ["prom.monitoring:9090"]],
];

for (const [name, value, expected] of CASES)
  test(`host references: ${name}`, () => assert.deepEqual(texts(value), expected));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: app
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
      - name: worker
        image: registry.example/worker:1
        args: ["--queue", "amqp://svc-user:Hunter2Secret@rabbitmq.messaging.svc.cluster.local:5672/prod?token=abc123"]
        env:
        - name: AMQP_URL
          value: "amqp://svc-user:Hunter2Secret@rabbitmq.messaging.svc.cluster.local:5672/prod"
        - name: PLAIN_SECRET
          value: "Hunter2Secret"
`;

test("the loader keeps only the matched host:port of a value with a password around it, never the value (args and env)", () => {
  const draft = convertYaml(DEPLOYMENT, "worker.yaml", "app");
  const dump = JSON.stringify(draft, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
  assert.doesNotMatch(dump, /Hunter2Secret|svc-user|token=abc123|\/prod/);
  const container = draft.kubernetes.workloads[0]!.template.spec.containers[0]!;
  assert.deepEqual(
    container.hostReferences?.map((r) => [r.where, r.text, r.host, r.port, r.source.line]),
    [
      ["env AMQP_URL", "rabbitmq.messaging.svc.cluster.local:5672", "rabbitmq.messaging.svc.cluster.local", 5672, 19],
      ["args[1]", "rabbitmq.messaging.svc.cluster.local:5672", "rabbitmq.messaging.svc.cluster.local", 5672, 16],
    ],
  );
  assert.deepEqual(container.envValues, {});
});

test("a ConfigMap keeps only the matched host:port of each data key (binaryData never read), the key's file:line beside it", () => {
  const draft = convertYaml(
    `apiVersion: v1
kind: ConfigMap
metadata: {name: db, namespace: app}
data:
  url: "postgres://app:TopSecretPw@db.data:5432/orders?sslmode=require"
  note: "just words"
binaryData:
  blob: ZGIuZGF0YTo1NDMy
`,
    "cm.yaml",
    "app",
  );
  const dump = JSON.stringify(draft, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
  assert.doesNotMatch(dump, /TopSecretPw|orders|sslmode|just words|ZGIuZGF0YTo1NDMy/);
  const cm = draft.kubernetes.configMaps![0]!;
  assert.deepEqual(
    cm.references.map((r) => [r.key, r.where, r.text, r.source.line]),
    [["url", "ConfigMap db key url", "db.data:5432", 5]],
  );
});
