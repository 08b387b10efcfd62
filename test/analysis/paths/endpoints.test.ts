import assert from "node:assert/strict";
import { test } from "node:test";
import {
  EndpointError,
  INTERNET_ADDRESS,
  parseEndpoint,
  type EndpointSpec,
} from "../../../src/analysis/paths/endpoints.js";
import { PathContext } from "../../../src/analysis/paths/path-context.js";
import { resolveTraceEndpoint, type Resolved } from "../../../src/analysis/paths/trace.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { corpusPath, corpusTest } from "../../support/corpus.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const PARSED: readonly [string, unknown][] = [
  ["pod:argocd/argocd-server-0", { kind: "pod", namespace: "argocd", name: "argocd-server-0" }],
  ["workload:monitoring/prometheus-grafana", { kind: "workload", namespace: "monitoring", name: "prometheus-grafana" }],
  ["service:messaging/rabbitmq", { kind: "service", namespace: "messaging", name: "rabbitmq" }],
  ["node:k8s-worker-1", { kind: "node", name: "k8s-worker-1" }],
  ["ip:10.0.2.57", { kind: "ip", ip: "10.0.2.57" }],
  ["internet", { kind: "internet" }],
  ["url:https://growbin.app/argocd", { kind: "url", scheme: "https", host: "growbin.app", port: 443, path: "/argocd" }],
  ["url:http://growbin.app:8080/", { kind: "url", scheme: "http", host: "growbin.app", port: 8080, path: "/" }],
];

for (const [text, expected] of PARSED) {
  test(`PRODUCT.md endpoint syntax: ${text}`, () => assert.deepEqual(parseEndpoint(text), expected));
}

for (const [text, message] of [
  ["argocd-server", /is not an endpoint; use one of pod:NS\/NAME/],
  ["pod:argocd", /pod: needs NAMESPACE\/NAME/],
  ["ip:10.0.0.300", /is not an IPv4 address/],
  ["url:ftp://x/y", /only http and https/],
  ["host:x", /unknown endpoint kind "host"/],
] as const) {
  test(`a malformed endpoint is refused with a clear message: ${text}`, () =>
    assert.throws(
      () => parseEndpoint(text),
      (e: unknown) => e instanceof EndpointError && message.test(e.message),
    ));
}

function resolveEndpoint(s: Snapshot, spec: EndpointSpec): Resolved {
  return resolveTraceEndpoint(new PathContext(s), spec, "TCP", []);
}

test("endpoints resolve against the example: pod IP, ClusterIP, node InternalIP, internet", () => {
  const s = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });
  const rabbit = resolveEndpoint(s, parseEndpoint("service:messaging/rabbitmq"));
  assert.equal(rabbit.ip, "10.96.120.15");
  const node = resolveEndpoint(s, parseEndpoint("node:k8s-worker-1"));
  assert.equal(node.ip, "10.0.1.11");
  const grafana = resolveEndpoint(s, parseEndpoint("workload:monitoring/prometheus-grafana"));
  assert.equal(grafana.pod?.owner?.name, "prometheus-grafana");
  assert.match(grafana.ip, /^192\.168\./);
  assert.equal(resolveEndpoint(s, parseEndpoint("internet")).ip, INTERNET_ADDRESS);
  assert.throws(() => resolveEndpoint(s, parseEndpoint("pod:argocd/nope")), /no pod argocd\/nope in the snapshot/);
});

corpusTest(
  "a workload without an observed pod is placed on its predicted node, with an assumed address from that node's Calico block",
  () => {
    const s = loadSnapshot({
      paths: [`${REPO}/test/fixtures/kubeadm-cluster/nodes.yaml`, corpusPath("argocd-v3.1.9/install.yaml")],
      namespace: "argocd",
      cwd: REPO,
    });
    // the fixture's nodes carry no Calico tunnel address: the trace cannot assume a pod address
    assert.throws(
      () => resolveEndpoint(s, parseEndpoint("workload:argocd/argocd-server")),
      /would be placed on worker-\d, whose pod addresses are not known/,
    );
  },
);
