/**
 * `podpath intended` as a user runs it: the Services a workload's configuration names, and
 * NetworkPolicy's verdict on each (networking.k8s.io/v1 semantics as trace evaluates them:
 * per-direction isolation, kubernetes.io/docs/concepts/services-networking/network-policies
 * "Isolation"), after a default-deny rollout; the Kubernetes DNS specification's Service names
 * (kubernetes/dns docs/specification.md §2.3.1) and kubelet's search path for a bare NAME.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli, golden, tempDir } from "../support/helpers.js";

const CLUSTER = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: app
- apiVersion: v1
  kind: Namespace
  metadata:
    name: messaging
- apiVersion: apps/v1
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
          env:
          - name: AMQP_URL
            value: amqp://worker:Sup3rSecretPw@rabbitmq.messaging.svc.cluster.local:5672/prod
          - name: AUTH_URL
            value: http://auth-api:8000/v1
          - name: CACHE_ADDR
            value: redis.app:6380
          - name: SEARCH_ADDR
            value: search.app.svc:9200
          - name: DB_PASSWORD
            valueFrom:
              secretKeyRef: {name: db, key: password}
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: auth-api
    namespace: app
  spec:
    selector:
      matchLabels: {app: auth-api}
    template:
      metadata:
        labels: {app: auth-api}
      spec:
        containers:
        - name: auth
          image: registry.example/auth:1
          ports:
          - {containerPort: 8000, name: http}
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: redis
    namespace: app
  spec:
    selector:
      matchLabels: {app: redis}
    template:
      metadata:
        labels: {app: redis}
      spec:
        containers:
        - name: redis
          image: registry.example/redis:7
          ports:
          - {containerPort: 6379}
- apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: rabbitmq
    namespace: messaging
  spec:
    serviceName: rabbitmq
    selector:
      matchLabels: {app: rabbitmq}
    template:
      metadata:
        labels: {app: rabbitmq}
      spec:
        containers:
        - name: rabbitmq
          image: registry.example/rabbitmq:3
          ports:
          - {containerPort: 5672, name: amqp}
- apiVersion: v1
  kind: Service
  metadata:
    name: auth-api
    namespace: app
  spec:
    selector: {app: auth-api}
    ports:
    - {port: 8000, targetPort: http}
- apiVersion: v1
  kind: Service
  metadata:
    name: redis
    namespace: app
  spec:
    selector: {app: redis}
    ports:
    - {port: 6379, targetPort: 6379}
- apiVersion: v1
  kind: Service
  metadata:
    name: rabbitmq
    namespace: messaging
  spec:
    selector: {app: rabbitmq}
    ports:
    - {name: amqp, port: 5672, targetPort: amqp}
`;

// the rollout: every pod of messaging isolated for ingress, nothing allowed yet
const DEFAULT_DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: messaging
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

// app's egress isolated too, DNS and auth-api allowed: RabbitMQ is blocked on both sides
const APP_EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: worker-egress
  namespace: app
spec:
  podSelector: {matchLabels: {app: worker}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
    ports: [{port: 53, protocol: UDP}]
  - to: [{podSelector: {matchLabels: {app: auth-api}}}]
    ports: [{port: 8000}]
`;

test("intended before the rollout: each configured Service allowed (no policy isolates), a wrong port and a missing Service said; only host:port printed", async () => {
  const dir = tempDir({ "cluster.yaml": CLUSTER });
  const r = await cli(["intended", "-s", dir], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^ {2}allowed {2}rabbitmq\.messaging\.svc\.cluster\.local:5672 -> messaging\/rabbitmq:5672 {2}\(worker env AMQP_URL, cluster\.yaml:29\)$/m,
  );
  // a bare NAME of the workload's namespace, as a URL host (kubelet's search path)
  assert.match(
    r.stdout,
    /^ {2}allowed {2}auth-api:8000 -> app\/auth-api:8000 {2}\(worker env AUTH_URL, cluster\.yaml:31\)$/m,
  );
  assert.match(
    r.stdout,
    /^ {2}NO PORT {2}redis\.app:6380 -> app\/redis:6380 {2}\(worker env CACHE_ADDR, cluster\.yaml:33\)\n {6}Service app\/redis has no port 6380 \(its ports: 6379\/TCP\)$/m,
  );
  assert.match(
    r.stdout,
    /^ {2}NO SERVICE {2}search\.app\.svc:9200 -> app\/search {2}\(worker env SEARCH_ADDR, cluster\.yaml:35\)$/m,
  );
  assert.doesNotMatch(r.stdout + r.stderr, /Sup3rSecretPw|\/prod|\/v1|amqp:\/\/|password/);
  // no --fail-on: a finding does not change the exit code
  const failing = await cli(["intended", "-s", dir, "--fail-on", "blocked-dependency"], dir);
  assert.equal(failing.code, 1, "the wrong port and the missing Service fail it");
});

test("intended after a default-deny rollout: the configured amqp://…rabbitmq.svc.cluster.local:5672 is blocked by the destination's ingress (the policy's file:line); with the source's egress isolated too, both sides", async () => {
  const dir = tempDir({ "cluster.yaml": CLUSTER, "deny.yaml": DEFAULT_DENY, "egress.yaml": APP_EGRESS });
  const ingressOnly = await cli(["intended", "-s", `${dir}/cluster.yaml`, "-s", `${dir}/deny.yaml`, "-o", "json"], dir);
  assert.equal(ingressOnly.code, 0, ingressOnly.stderr);
  const json = JSON.parse(ingressOnly.stdout) as {
    apiVersion: string;
    counts: Record<string, number>;
    dependencies: {
      reference: string;
      verdict: string;
      side: string | null;
      policies: { policy: string; source: string }[];
      location: { line: number };
    }[];
  };
  assert.equal(json.apiVersion, "podpath.io/v1");
  assert.deepEqual(json.counts, { allowed: 1, blocked: 1, "no-service": 1, "no-port": 1, "no-backend": 0 });
  const amqp = json.dependencies.find((d) => d.reference.startsWith("rabbitmq."))!;
  assert.equal(amqp.verdict, "blocked");
  assert.equal(amqp.side, "ingress");
  assert.deepEqual(
    amqp.policies.map((p) => p.policy + " " + p.source),
    ["messaging/default-deny deny.yaml:1"],
  );
  assert.equal(amqp.location.line, 29);
  assert.doesNotMatch(ingressOnly.stdout, /Sup3rSecretPw/);

  const both = await cli(["intended", "-s", dir, "--fail-on", "blocked-dependency"], dir);
  assert.equal(both.code, 1);
  assert.match(
    both.stdout,
    /^ {2}BLOCKED {2}rabbitmq\.messaging\.svc\.cluster\.local:5672 -> messaging\/rabbitmq:5672 {2}\(worker env AMQP_URL, cluster\.yaml:29\)\n {6}egress and ingress isolate: app\/worker-egress \(egress\.yaml:1\), messaging\/default-deny \(deny\.yaml:1\)\n {6}no rule of app\/worker-egress allows egress .*TCP\/5672/m,
  );
  // auth-api is allowed by the egress rule that names it
  assert.match(
    both.stdout,
    /^ {2}allowed {2}auth-api:8000 -> app\/auth-api:8000 .*\n {6}allowed: egress\[1\] .* of app\/worker-egress allows/m,
  );
});

test("intended on the embedded example: text, JSON and Markdown as the golden files", async () => {
  for (const [format, file] of [
    ["text", "intended.ecoeco.txt"],
    ["json", "intended.ecoeco.json"],
    ["md", "intended.ecoeco.md"],
  ] as const) {
    const r = await cli(["intended", "-o", format]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, golden(file, r.stdout), format);
  }
});

const CONFIGMAPS = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: worker-env
    namespace: app
  data:
    QUEUE_URL: amqp://worker:Sup3rSecretPw@rabbitmq.messaging.svc:5672
    UNUSED_BY_KEY: http://auth-api:8000
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: worker-files
    namespace: app
  data:
    app.properties: |
      cache.host=redis.app.svc.cluster.local
      cache.port=6379
- apiVersion: v1
  kind: Secret
  metadata:
    name: worker-secret
    namespace: app
  stringData:
    AUTH: http://auth-api:8000
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: reader
    namespace: app
  spec:
    selector:
      matchLabels: {app: reader}
    template:
      metadata:
        labels: {app: reader}
      spec:
        volumes:
        - name: files
          configMap: {name: worker-files}
        containers:
        - name: reader
          image: registry.example/reader:1
          envFrom:
          - configMapRef: {name: worker-env}
          - secretRef: {name: worker-secret}
          volumeMounts:
          - {name: files, mountPath: /etc/reader}
`;

test("intended reads the ConfigMaps a container uses (envFrom, a mounted volume), never Secrets; only host:port printed", async () => {
  const dir = tempDir({ "cluster.yaml": CLUSTER, "reader.yaml": CONFIGMAPS });
  const r = await cli(["intended", "-s", dir, "-o", "json"], dir);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as {
    dependencies: {
      workload: string;
      where: string;
      reference: string;
      servicePort: number | null;
      verdict: string;
      source: string;
    }[];
  };
  const reader = json.dependencies.filter((d) => d.workload === "app/reader[Deployment]");
  assert.deepEqual(
    reader.map((d) => [d.where, d.reference, d.servicePort, d.verdict, d.source]),
    [
      [
        "ConfigMap worker-env key QUEUE_URL (envFrom)",
        "rabbitmq.messaging.svc:5672",
        5672,
        "allowed",
        "reader.yaml:10",
      ],
      ["ConfigMap worker-env key UNUSED_BY_KEY (envFrom)", "auth-api:8000", 8000, "allowed", "reader.yaml:11"],
      // no port in the file: every port of the Service is checked
      [
        "ConfigMap worker-files key app.properties (volume files)",
        "redis.app.svc.cluster.local",
        6379,
        "allowed",
        "reader.yaml:18",
      ],
    ],
  );
  assert.doesNotMatch(r.stdout, /Sup3rSecretPw|cache\.host|cache\.port|worker-secret/);
});

test("a redis:// reference without a port is checked on the scheme's default 6379 (IANA provisional URI scheme redis), said under the dependency; only host printed", async () => {
  const dir = tempDir({
    "cluster.yaml": CLUSTER,
    "client.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: cache-client, namespace: app}
spec:
  selector: {matchLabels: {app: cache-client}}
  template:
    metadata: {labels: {app: cache-client}}
    spec:
      containers:
      - name: client
        image: registry.example/client:1
        env:
        - {name: REDIS_URL, value: "redis://:Sup3rSecretPw@redis.app/0"}
`,
  });
  const r = await cli(["intended", "-s", dir], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^app\/cache-client\[Deployment\]\n {2}\S.* {2}redis\.app -> app\/redis:6379 {2}\(client env REDIS_URL, client\.yaml:13\)\n(?: {6}.*\n)*? {6}port: the redis scheme's default port 6379 \(IANA provisional URI scheme redis \(port defaults to 6379\)\)$/m,
  );
  assert.doesNotMatch(r.stdout, /Sup3rSecretPw/);
  const json = JSON.parse((await cli(["intended", "-s", dir, "-o", "json"], dir)).stdout) as {
    dependencies: { workload: string; configuredPort: number | null; portSource: string | null }[];
  };
  const dep = json.dependencies.find((d) => d.workload === "app/cache-client[Deployment]");
  assert.equal(dep?.configuredPort, 6379);
  assert.match(dep?.portSource ?? "", /^the redis scheme's default port 6379/);
});
