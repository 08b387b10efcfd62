/**
 * Which controller builds a Service of type LoadBalancer's load balancer on AWS, and what
 * (src/analysis/paths/load-balancers/service-lb.ts). Named after the upstream rule each case follows:
 * kubernetes-sigs/aws-load-balancer-controller pkg/service/service_utils.go IsServiceSupported and
 * docs/guide/service/annotations.md (scheme default internal, target type default instance);
 * kubernetes/cloud-provider-aws docs/service_controller.md (in-tree: `nlb` → NLB, else Classic ELB,
 * internet-facing unless aws-load-balancer-internal); AWS ELB docs "Edit target group attributes for
 * your Network Load Balancer" (client IP preservation defaults).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  clientIpPreservation,
  serviceLoadBalancerPlan,
} from "../../../../src/analysis/paths/load-balancers/service-lb.js";
import { loadBalancersOf } from "../../../../src/analysis/paths/load-balancers/index.js";
import { cluster, service, WORKERS } from "./support.js";

const A = "service.beta.kubernetes.io/";

function plan(annotations: Record<string, string>, loadBalancerClass?: string): string {
  const ann = Object.entries(annotations)
    .map(([k, v]) => `    ${k}: "${v}"`)
    .join("\n");
  const snapshot = cluster([
    WORKERS,
    service(
      "app",
      "web",
      `  type: LoadBalancer
  clusterIP: 10.96.0.10
${loadBalancerClass ? `  loadBalancerClass: ${loadBalancerClass}\n` : ""}  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080, protocol: TCP}]`,
      ann,
    ),
  ]);
  const s = snapshot.kubernetes.services[0]!;
  const p = serviceLoadBalancerPlan(s);
  return typeof p === "string" ? `none: ${p}` : `${p.controller} ${p.type} ${p.scheme} ${p.targetType}`;
}

describe("service_utils.go IsServiceSupported + annotations.md defaults: which controller, which load balancer", () => {
  const cases: [string, Record<string, string>, string | undefined, string][] = [
    [
      "loadBalancerClass service.k8s.aws/nlb: LBC NLB, internal by default, instance targets by default",
      {},
      "service.k8s.aws/nlb",
      "aws-load-balancer-controller network internal instance",
    ],
    [
      "aws-load-balancer-type external + nlb-target-type ip: LBC NLB with ip targets",
      { [`${A}aws-load-balancer-type`]: "external", [`${A}aws-load-balancer-nlb-target-type`]: "ip" },
      undefined,
      "aws-load-balancer-controller network internal ip",
    ],
    [
      "aws-load-balancer-type nlb-ip: LBC NLB with ip targets",
      { [`${A}aws-load-balancer-type`]: "nlb-ip" },
      undefined,
      "aws-load-balancer-controller network internal ip",
    ],
    [
      "aws-load-balancer-scheme internet-facing",
      {
        [`${A}aws-load-balancer-type`]: "external",
        [`${A}aws-load-balancer-nlb-target-type`]: "instance",
        [`${A}aws-load-balancer-scheme`]: "internet-facing",
      },
      undefined,
      "aws-load-balancer-controller network internet-facing instance",
    ],
    [
      "the deprecated aws-load-balancer-internal is read first",
      {
        [`${A}aws-load-balancer-type`]: "nlb-ip",
        [`${A}aws-load-balancer-internal`]: "true",
        [`${A}aws-load-balancer-scheme`]: "internet-facing",
      },
      undefined,
      "aws-load-balancer-controller network internal ip",
    ],
    [
      "in-tree aws-load-balancer-type nlb: NLB, internet-facing by default",
      { [`${A}aws-load-balancer-type`]: "nlb" },
      undefined,
      "in-tree network internet-facing instance",
    ],
    [
      "in-tree aws-load-balancer-internal: internal",
      { [`${A}aws-load-balancer-type`]: "nlb", [`${A}aws-load-balancer-internal`]: "true" },
      undefined,
      "in-tree network internal instance",
    ],
    ["no annotation: the in-tree Classic ELB", {}, undefined, "in-tree classic internet-facing instance"],
  ];
  for (const [name, annotations, cls, want] of cases) test(name, () => assert.equal(plan(annotations, cls), want));
  test("external without nlb-target-type: not the LBC's (IsServiceSupported), and the in-tree provider leaves it to an external controller (cloud-provider-aws isLBExternal)", () =>
    assert.match(
      plan({ [`${A}aws-load-balancer-type`]: "external" }),
      /^none: annotation aws-load-balancer-type: external without/,
    ));
  test("another loadBalancerClass: neither AWS controller builds it", () =>
    assert.match(plan({}, "example.com/metallb"), /^none: spec.loadBalancerClass example.com\/metallb/));
});

describe("AWS NLB target group attributes: preserve_client_ip.enabled defaults", () => {
  test("instance targets: on", () => assert.equal(clientIpPreservation("instance", "TCP").enabled, true));
  test("ip targets over TCP: off", () => assert.equal(clientIpPreservation("ip", "TCP").enabled, false));
  test("ip targets over TLS: off", () => assert.equal(clientIpPreservation("ip", "TLS").enabled, false));
  test("ip targets over UDP: on", () => assert.equal(clientIpPreservation("ip", "UDP").enabled, true));
  test("ip targets over TCP_UDP: on", () => assert.equal(clientIpPreservation("ip", "TCP_UDP").enabled, true));
  test("the LBC's target-group-attributes annotation sets it", () =>
    assert.equal(
      clientIpPreservation("ip", "TCP", {
        [`${A}aws-load-balancer-target-group-attributes`]:
          "deregistration_delay.timeout_seconds=30,preserve_client_ip.enabled=true",
      }).enabled,
      true,
    ));
});

test("a derived NLB: one listener per Service port forwarding to the NodePort of every node (instance targets), no address", () => {
  const snapshot = cluster([
    WORKERS,
    service(
      "app",
      "web",
      `  type: LoadBalancer
  clusterIP: 10.96.0.10
  loadBalancerClass: service.k8s.aws/nlb
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080, protocol: TCP}, {name: dns, port: 53, targetPort: 5353, nodePort: 30053, protocol: UDP}]`,
    ),
  ]);
  const model = loadBalancersOf(snapshot);
  const lb = model.loadBalancers.find((l) => l.service?.name === "web");
  assert.ok(lb, "a load balancer for service app/web");
  assert.equal(lb.type, "network");
  assert.equal(lb.origin, "service");
  assert.equal(lb.scheme, "internal");
  assert.deepEqual(lb.addresses, []);
  assert.deepEqual(
    lb.listeners.map((l) => `${l.port}/${l.protocol}`),
    ["80/TCP", "53/UDP"],
  );
  const tg = model.targetGroups.get("app/web:80")!;
  assert.equal(tg.targetType, "instance");
  assert.equal(tg.port, 30080);
  assert.deepEqual(
    tg.targets.map((t) => `${t.node} ${t.ip}:${t.port}`),
    ["w1 10.0.1.11:30080", "w2 10.0.1.12:30080"],
  );
  assert.equal(tg.preserveClientIp?.enabled, true);
});
