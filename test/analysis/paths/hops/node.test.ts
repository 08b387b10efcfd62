/**
 * hops/node.ts `nodeDevice`, driven directly: one node's network namespace, stage by stage
 * (decapsulate → serviceDnat → egressPolicy → route → sourceNat → encapsulate / leave), with its
 * neighbours stubbed (support.ts). Each case is named after the upstream behaviour it checks.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nodeDevice } from "../../../../src/analysis/paths/hops/node.js";
import type { Packet } from "../../../../src/analysis/paths/trace-model.js";
import type { Node } from "../../../../src/model/kubernetes.js";
import { actions, example, podNamed, replyOf, stubNetwork, tcp } from "./support.js";

const node = (name: string): Node => example.kubernetes.nodes.find((n) => n.name === name)!;
const MASTER = node("k8s-master");
const WORKER_1 = node("k8s-worker-1");
const COREDNS = podNamed("kube-system", "coredns-b9hrv45s82-9bh6q"); // on k8s-master, 192.168.235.193
const ARGOCD_SERVER = podNamed("argocd", "argocd-server"); // on k8s-worker-1, 192.168.230.3:8080

describe("decapsulate (Calico vxlan.calico / tunl0: the node strips the overlay header addressed to it)", () => {
  test("a VXLAN packet to the node's address loses its outer header; the inner one is routed to the local pod", () => {
    const net = stubNetwork();
    const inner = tcp("192.168.140.71", ARGOCD_SERVER.ip, 8080);
    const packet: Packet = { ...inner, outer: { src: "10.0.1.12", dst: "10.0.1.11", protocol: "UDP", dstPort: 4789 } };
    const out = nodeDevice(net, WORKER_1, { kind: "wire" }).forward(packet);
    assert.equal(out.steps[0]?.action, "decapsulate");
    assert.deepEqual(out.steps[0]?.detail, { kind: "tunnel", mode: "vxlan", op: "decapsulate", peer: "10.0.1.12" });
    assert.deepEqual(out.packet, inner);
    assert.equal(out.next?.name, `podDestination argocd/${ARGOCD_SERVER.name}`);
    // conntrack: the reply is encapsulated again toward the sender
    const back = replyOf(out);
    assert.deepEqual(back.packet.outer, { src: "10.0.1.11", dst: "10.0.1.12", protocol: "UDP", dstPort: 4789 });
  });

  test("a VXLAN packet for another node's address is not decapsulated here", () => {
    const packet: Packet = {
      ...tcp("10.0.1.12", "10.0.1.10", 4789),
      outer: { src: "10.0.1.12", dst: "10.0.1.10", protocol: "UDP", dstPort: 4789 },
    };
    const out = nodeDevice(stubNetwork(), WORKER_1, { kind: "wire" }).forward(packet);
    assert.ok(!actions(out).includes("calico-overlay decapsulate"));
  });
});

describe("serviceDnat (kube-proxy proxier.go KUBE-SERVICES / KUBE-NODEPORTS)", () => {
  test("NodePort with externalTrafficPolicy Cluster and a local endpoint: DNAT, Calico's ingress policy in filter FORWARD, then MASQUERADE to the node IP; the reply is un-NATed in reverse", () => {
    const out = nodeDevice(stubNetwork(), WORKER_1, { kind: "wire" }).forward(tcp("10.0.2.57", "10.0.1.11", 30080));
    assert.deepEqual(actions(out), ["kube-proxy dnat", "network-policy allow", "kube-proxy snat"]);
    assert.deepEqual(out.packet, {
      src: "10.0.1.11",
      srcPort: 49152,
      dst: ARGOCD_SERVER.ip,
      dstPort: 8080,
      protocol: "TCP",
    });
    assert.equal(
      out.steps[2]?.detail?.kind === "snat" && out.steps[2].detail.reason,
      "external-traffic-policy-cluster",
    );
    assert.equal(out.next?.name, `podDestination argocd/${ARGOCD_SERVER.name} (ingress checked)`);
    const back = replyOf(out);
    assert.deepEqual(back.packet, {
      src: "10.0.1.11",
      srcPort: 30080,
      dst: "10.0.2.57",
      dstPort: 49152,
      protocol: "TCP",
    });
  });

  test("a ClusterIP port the service does not expose (iptables: no KUBE-SERVICES rule): dropped with PORT_NOT_EXPOSED at kube-proxy", () => {
    const out = nodeDevice(stubNetwork(), MASTER, { kind: "pod", pod: COREDNS }).forward(
      tcp(COREDNS.ip, "10.96.120.15", 5673),
    );
    assert.equal(out.drop?.code, "PORT_NOT_EXPOSED");
    assert.match(out.drop?.at ?? "", /^kube-proxy:/);
    assert.equal(out.next, undefined);
  });
});

describe("egressPolicy (NetworkPolicy egress of the sending pod, after DNAT: Calico's filter FORWARD)", () => {
  test("a pod's packet gets its egress policy step; a host-network sender gets none", () => {
    const fromPod = nodeDevice(stubNetwork(), MASTER, { kind: "pod", pod: COREDNS }).forward(
      tcp(COREDNS.ip, "10.0.1.11", 10250),
    );
    assert.equal(fromPod.steps[0]?.component, "network-policy");
    assert.equal(fromPod.steps[0]?.detail?.kind === "filter" && fromPod.steps[0].detail.direction, "egress");
    const fromHost = nodeDevice(stubNetwork(), MASTER, { kind: "host" }).forward(tcp("10.0.1.10", "10.0.1.11", 10250));
    assert.ok(!fromHost.steps.some((s) => s.component === "network-policy"));
  });
});

describe("route (the node's routing table: own address, local pod, Calico pool route, or out the ENI)", () => {
  test("one of the node's own addresses: delivered to its host network namespace", () => {
    const out = nodeDevice(stubNetwork(), WORKER_1, { kind: "wire" }).forward(tcp("10.0.1.10", "10.0.1.11", 10250));
    assert.deepEqual(actions(out), ["node deliver"]);
    assert.equal(out.next, undefined);
    assert.equal(out.drop, undefined);
  });

  test("a pod of a VXLAN pool on another node: encapsulated toward that node's address, then out through the sender's ENI", () => {
    const out = nodeDevice(stubNetwork(), MASTER, { kind: "pod", pod: COREDNS }).forward(
      tcp(COREDNS.ip, ARGOCD_SERVER.ip, 8080),
    );
    assert.deepEqual(actions(out), [
      "network-policy allow",
      "calico-natoutgoing forward",
      "calico-overlay encapsulate",
    ]);
    assert.deepEqual(out.packet.outer, { src: "10.0.1.10", dst: "10.0.1.11", protocol: "UDP", dstPort: 4789 });
    assert.equal(out.next?.name, "eniEgress eni-0ecoeco0000000010");
  });

  test("a pool address no pod holds: Calico routes it to the block's node, which the snapshot does not show — NO_ROUTE", () => {
    const out = nodeDevice(stubNetwork(), MASTER, { kind: "pod", pod: COREDNS }).forward(
      tcp(COREDNS.ip, "192.168.230.250", 80),
    );
    assert.equal(out.drop?.code, "NO_ROUTE");
    assert.match(out.drop?.at ?? "", /^calico-overlay:/);
  });
});

describe("sourceNat (nat POSTROUTING: kube-proxy MASQUERADE, else Calico natOutgoing — felix cali-nat-outgoing)", () => {
  test("a pool pod to the internet: natOutgoing SNATs it to the node IP, and the reply is un-SNATed", () => {
    const out = nodeDevice(stubNetwork(), MASTER, { kind: "pod", pod: COREDNS }).forward(
      tcp(COREDNS.ip, "1.1.1.1", 443),
    );
    const snat = out.steps.find((s) => s.action === "snat");
    assert.equal(snat?.component, "calico-natoutgoing");
    assert.deepEqual(snat?.detail, { kind: "snat", reason: "calico-nat-outgoing", from: COREDNS.ip, to: "10.0.1.10" });
    assert.equal(out.packet.src, "10.0.1.10");
    assert.equal(out.next?.name, "eniEgress eni-0ecoeco0000000010");
    assert.equal(replyOf(out).packet.dst, COREDNS.ip);
  });

  test("without the VPC in the snapshot the node says what it assumes and hands the packet on by itself", () => {
    const net = stubNetwork({ ...example, aws: { ...example.aws, subnets: [], routeTables: [] } });
    const out = nodeDevice(net, MASTER, { kind: "host" }).forward(tcp("10.0.1.10", "10.0.1.11", 10250));
    assert.equal(out.next?.name, "node k8s-worker-1 (wire)");
    assert.equal(net.assumed.length, 1);
    assert.match(net.assumed[0]!, /no VPC/);
  });
});
