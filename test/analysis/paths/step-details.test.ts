/**
 * Typed step details (issue 9 item 4, after Batfish's `Step<D>`: org/batfish/datamodel/flow/
 * TransformationStep, RoutingStep, FilterStep): each decision is data first — kube-proxy's DNAT
 * (pkg/proxy/iptables/proxier.go: the policy chain and the endpoint), the SNAT reason
 * (KUBE-MARK-MASQ's rules, Calico natOutgoing, the VPC CNI's SNAT) — and the note is its rendering.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseEndpoint } from "../../../src/analysis/paths/endpoints.js";
import { natOutgoing } from "../../../src/analysis/paths/calico.js";
import { clusterCidrsOf, resolveServiceTarget, type ServiceTarget } from "../../../src/analysis/paths/kube-proxy.js";
import { tracePath } from "../../../src/analysis/paths/trace.js";
import type { Step, StepDetail } from "../../../src/analysis/paths/trace-model.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const example = loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], cwd: REPO });
const POOLS = clusterCidrsOf(example);

function dnat(t: ServiceTarget): Extract<ServiceTarget, { kind: "dnat" }> {
  if (t.kind !== "dnat") assert.fail(`expected dnat, got ${t.kind}: ${t.note}`);
  return t;
}

function details(hops: readonly Step[], kind: StepDetail["kind"]): StepDetail[] {
  return hops.flatMap((h) => (h.detail?.kind === kind ? [h.detail] : []));
}

describe("kube-proxy decides into a DnatDetail and a SNAT reason (proxier.go syncProxyRules)", () => {
  test("ClusterIP from a pod in the cluster CIDR: internal-cluster policy, the first endpoint by name, not masqueraded", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
        arrivingOnNode: "k8s-worker-1",
        sourceIsPod: true,
        sourceIp: "192.168.230.9",
        clusterCIDRs: POOLS,
      }),
    );
    assert.deepEqual(t.detail, {
      kind: "dnat",
      service: "messaging/rabbitmq:amqp",
      access: "ClusterIP",
      policy: "internal-cluster",
      endpoint: { name: "rabbitmq-0", ip: "192.168.140.71", port: 5672, node: "k8s-worker-2" },
      chosenBy: "only-endpoint",
      candidates: 1,
    });
    assert.equal(t.masquerade.because, undefined);
  });

  test("NodePort with externalTrafficPolicy Cluster: external-cluster policy, masqueraded because of it", () => {
    const t = dnat(
      resolveServiceTarget(example, "10.0.1.11", 30080, "TCP", {
        arrivingOnNode: "k8s-worker-1",
        sourceIsPod: false,
        sourceIp: "10.0.2.57",
        clusterCIDRs: POOLS,
      }),
    );
    assert.equal(t.detail.policy, "external-cluster");
    assert.equal(t.detail.access, "NodePort");
    assert.equal(t.masquerade.because, "external-traffic-policy-cluster");
  });

  test("KUBE-SEP hairpin: the reason is the hairpin; outside the cluster CIDR: outside-cluster-cidr; --masquerade-all: masquerade-all", () => {
    assert.equal(
      dnat(
        resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
          arrivingOnNode: "k8s-worker-2",
          sourceIsPod: true,
          sourceIp: "192.168.140.71",
          clusterCIDRs: POOLS,
        }),
      ).masquerade.because,
      "hairpin",
    );
    assert.equal(
      dnat(
        resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
          arrivingOnNode: "k8s-worker-1",
          sourceIsPod: false,
          sourceIp: "10.0.1.11",
          clusterCIDRs: POOLS,
        }),
      ).masquerade.because,
      "outside-cluster-cidr",
    );
    assert.equal(
      dnat(
        resolveServiceTarget(example, "10.96.120.15", 5672, "TCP", {
          arrivingOnNode: "k8s-worker-1",
          sourceIsPod: true,
          sourceIp: "192.168.230.9",
          clusterCIDRs: POOLS,
          masqueradeAll: true,
        }),
      ).masquerade.because,
      "masquerade-all",
    );
  });
});

describe("the node's steps carry their details (hops/node.ts stages)", () => {
  test("NodePort from the ALB's subnet: the kube-proxy DNAT step carries the DnatDetail, the MASQUERADE step a SnatDetail with its reason", () => {
    const t = tracePath(example, {
      from: parseEndpoint("ip:10.0.2.57"),
      to: parseEndpoint("ip:10.0.1.12"),
      port: 30080,
    });
    const [d] = details(t.hops, "dnat");
    assert.equal(d?.kind === "dnat" && d.policy, "external-cluster");
    const snats = details(t.hops, "snat");
    assert.deepEqual(snats[0], {
      kind: "snat",
      reason: "external-traffic-policy-cluster",
      from: "10.0.2.57",
      to: "192.168.140.64",
    });
    const tunnel = details(t.hops, "tunnel");
    assert.deepEqual(
      tunnel.map((x) => x.kind === "tunnel" && x.op),
      ["encapsulate", "decapsulate"],
    );
  });

  test("a pod to the internet on Calico: natOutgoing's SNAT step says calico-nat-outgoing", () => {
    const t = tracePath(example, {
      from: parseEndpoint("workload:kube-system/coredns"),
      to: parseEndpoint("ip:1.1.1.1"),
      port: 443,
    });
    const snat = details(t.hops, "snat").find((x) => x.kind === "snat" && x.reason === "calico-nat-outgoing");
    assert.ok(snat, JSON.stringify(t.hops.map((h) => [h.component, h.action])));
  });

  test("the VPC's steps: a RoutingStep-like detail for the route table, FilterStep-like details for the source/dest check, security groups, network ACLs and NetworkPolicy", () => {
    const t = tracePath(example, {
      from: parseEndpoint("ip:10.0.2.57"),
      to: parseEndpoint("ip:10.0.1.12"),
      port: 30080,
    });
    assert.deepEqual(details(t.hops, "route")[0], {
      kind: "route",
      table: "rtb-0ecoeco0000000002",
      route: "10.0.0.0/16",
      target: "local",
    });
    const filters = details(t.hops, "filter").map((f) =>
      f.kind === "filter" ? `${f.filter}/${f.direction}/${f.verdict}` : "",
    );
    assert.deepEqual(filters.slice(0, 4), [
      "source-dest-check/egress/allow",
      "security-group/egress/allow",
      "nacl/egress/allow",
      "nacl/ingress/allow",
    ]);
    assert.equal(filters[filters.length - 1], "network-policy/ingress/allow");
    // the notes are unchanged by the details: a step without one renders the same
    for (const h of t.hops) assert.ok(h.note.length > 0);
  });
});

describe("Calico natOutgoing decides its outcome first (felix/rules/nat.go cali-nat-outgoing), then words it", () => {
  const pools = example.kubernetes.ipPools;
  const master = example.kubernetes.nodes.find((n) => n.name === "k8s-master")!;
  test("pool → internet: masquerade; pool → pool: destination-in-pool; not a pool source: no-ip-pool; to the node itself: local-delivery", () => {
    assert.equal(natOutgoing("192.168.235.193", "1.1.1.1", pools, undefined, master).outcome, "masquerade");
    assert.equal(
      natOutgoing("192.168.235.193", "192.168.230.3", pools, undefined, master).outcome,
      "destination-in-pool",
    );
    assert.equal(natOutgoing("10.0.1.10", "1.1.1.1", pools, undefined, master).outcome, "no-ip-pool");
    assert.equal(natOutgoing("192.168.235.193", "10.0.1.10", pools, undefined, master).outcome, "local-delivery");
  });
});
