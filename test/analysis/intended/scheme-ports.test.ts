/**
 * Intended vs allowed: the port a reference without one connects to — its URL scheme's default,
 * each from the source a client library follows (RFC 9110 for http/https; IANA's service names and
 * the RabbitMQ AMQP URI spec for amqp/amqps; IANA's provisional redis/rediss URI schemes; libpq's
 * Connection URIs for postgres/postgresql; MySQL Connector/J; MongoDB's connection string docs; NATS
 * docs) — and the schemes without one (grpc://, which gRPC's naming doc does not define; kafka://),
 * where every port of the Service is checked. And flags that hold identifiers, not connections
 * (kube-apiserver --service-account-issuer), are not dependencies.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyseIntended } from "../../../src/analysis/intended/intended.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { tempDir } from "../../support/helpers.js";

const CASES: readonly (readonly [scheme: string, port: number | undefined, source: RegExp])[] = [
  ["http", 80, /RFC 9110 §4\.2\.1/],
  ["https", 443, /RFC 9110 §4\.2\.2/],
  ["amqp", 5672, /IANA service name amqp 5672\/tcp; RabbitMQ AMQP URI specification/],
  ["amqps", 5671, /IANA service name amqps 5671\/tcp/],
  ["redis", 6379, /IANA provisional URI scheme redis/],
  ["rediss", 6379, /IANA provisional URI scheme rediss/],
  ["postgres", 5432, /PostgreSQL libpq docs, Connection URIs/],
  ["postgresql", 5432, /PostgreSQL libpq docs, Connection URIs/],
  ["mysql", 3306, /IANA service name mysql 3306\/tcp/],
  ["mongodb", 27017, /MongoDB connection string docs/],
  ["nats", 4222, /NATS docs/],
  ["grpc", undefined, /grpc:\/\/ is not a gRPC target scheme \(grpc\/grpc doc\/naming\.md/],
  ["kafka", undefined, /kafka:\/\/ has no registered scheme or port default/],
];

function cluster(): string {
  const services = CASES.map(
    ([scheme, port]) => `---
apiVersion: v1
kind: Service
metadata: {name: ${scheme}-backend, namespace: data}
spec:
  selector: {app: ${scheme}-backend}
  ports:
  - {name: main, port: ${port ?? 7000}, targetPort: ${port ?? 7000}}
  - {name: other, port: 9999, targetPort: 9999}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${scheme}-backend, namespace: data}
spec:
  selector: {matchLabels: {app: ${scheme}-backend}}
  template:
    metadata: {labels: {app: ${scheme}-backend}}
    spec:
      containers:
      - {name: main, image: registry.example/backend:1, ports: [{containerPort: ${port ?? 7000}}, {containerPort: 9999}]}
`,
  ).join("");
  const env = CASES.map(
    ([scheme]) => `        - {name: ${scheme.toUpperCase()}_URL, value: "${scheme}://${scheme}-backend.data/x"}`,
  ).join("\n");
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: app}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      containers:
      - name: client
        image: registry.example/client:1
        env:
${env}
${services}`;
}

const snapshot = loadSnapshot({ paths: [tempDir({ "cluster.yaml": cluster() })] });
const report = analyseIntended(snapshot);

for (const [scheme, port, source] of CASES)
  test(`a ${scheme}:// reference without a port: ${port === undefined ? "no default, every Service port checked" : `the scheme's default ${port}`} (${source.source.slice(0, 40)}…)`, () => {
    const deps = report.dependencies.filter((d) => d.service === `data/${scheme}-backend`);
    assert.ok(deps.length > 0, `${scheme}: a dependency`);
    for (const d of deps) {
      assert.equal(d.configuredPort, port);
      assert.match(d.portSource ?? "", source);
    }
    assert.deepEqual(
      deps.map((d) => d.servicePort),
      port === undefined ? [7000, 9999] : [port],
    );
    assert.ok(
      deps.every((d) => d.verdict === "allowed"),
      deps.map((d) => d.reason).join("; "),
    );
  });

test("a reference that names its port has no portSource (the port is written)", () => {
  const snap = loadSnapshot({
    paths: [
      tempDir({
        "c.yaml": cluster().replace('"amqp://amqp-backend.data/x"', '"amqp://amqp-backend.data:9999/x"'),
      }),
    ],
  });
  const d = analyseIntended(snap).dependencies.filter((x) => x.service === "data/amqp-backend");
  assert.deepEqual(
    d.map((x) => [x.configuredPort, x.servicePort, x.portSource]),
    [[9999, 9999, undefined]],
  );
});

const APISERVER = (args: string) => `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-cp-1, namespace: kube-system}
spec:
  nodeName: cp-1
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.34.0
    command:
${args}
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default}
spec:
  ports:
  - {name: https, port: 443, targetPort: 6443}
`;

test("kube-apiserver --service-account-issuer, --api-audiences, --service-account-jwks-uri, --external-hostname (kube-apiserver reference: identifiers and published URLs, not connections) are not dependencies; a flag that connects still is", () => {
  const snap = loadSnapshot({
    paths: [
      tempDir({
        "apiserver.yaml": APISERVER(
          [
            "kube-apiserver",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--api-audiences=https://kubernetes.default.svc",
            "--service-account-jwks-uri=https://kubernetes.default.svc/openid/v1/jwks",
            "--external-hostname=kubernetes.default.svc",
            "--oidc-issuer-url=https://kubernetes.default.svc:443",
          ]
            .map((a) => `    - ${a}`)
            .join("\n"),
        ),
      }),
    ],
  });
  const deps = analyseIntended(snap).dependencies;
  assert.deepEqual(
    deps.map((d) => [d.where, d.reference]),
    [["command[5]", "kubernetes.default.svc:443"]],
  );
});
