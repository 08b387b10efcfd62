/**
 * hops/pod.ts, driven directly with its neighbours stubbed (support.ts): a pod sending (through
 * its veth into the node's namespace, or the node's own namespace with hostNetwork) and a pod
 * receiving (NetworkPolicy ingress — networking.k8s.io/v1 semantics, stateful —, then delivery).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { podDestination, podSource } from "../../../../src/analysis/paths/hops/pod.js";
import { actions, podNamed, replyOf, stubNetwork, tcp } from "./support.js";

const COREDNS = podNamed("kube-system", "coredns-b9hrv45s82-9bh6q"); // k8s-master, 192.168.235.193
const ARGOCD_SERVER = podNamed("argocd", "argocd-server"); // k8s-worker-1, 192.168.230.3
const ARGOCD_REDIS = podNamed("argocd", "argocd-redis"); // k8s-worker-1, 192.168.230.2, isolated by argocd-redis-network-policy
const KUBE_PROXY = podNamed("kube-system", "kube-proxy-cjdbn"); // hostNetwork on k8s-master

describe("podSource (a pod's packet enters its node through the veth; a hostNetwork pod is the node itself)", () => {
  test("a pod sends: one step, then its node with the pod as the arrival; the reply reaches the pod", () => {
    const out = podSource(stubNetwork(), COREDNS).forward(tcp(COREDNS.ip, ARGOCD_SERVER.ip, 8080));
    assert.deepEqual(actions(out), ["pod forward"]);
    assert.equal(out.next?.name, `node k8s-master (pod kube-system/${COREDNS.name})`);
    assert.deepEqual(actions(replyOf(out)), ["pod deliver"]);
  });

  test("a hostNetwork pod sends from the node's own namespace (arrival host)", () => {
    const out = podSource(stubNetwork(), KUBE_PROXY).forward(tcp(KUBE_PROXY.ip, "10.0.1.11", 10250));
    assert.equal(out.next?.name, "node k8s-master (host)");
  });

  test("a pod bound to no node: UNKNOWN_ENDPOINT; bound to a node the snapshot lacks: unknown, naming what to capture", () => {
    const unbound = podSource(stubNetwork(), { ...COREDNS, nodeName: undefined }).forward(
      tcp(COREDNS.ip, "10.0.1.11", 80),
    );
    assert.equal(unbound.drop?.code, "UNKNOWN_ENDPOINT");
    const elsewhere = podSource(stubNetwork(), { ...COREDNS, nodeName: "k8s-gone" }).forward(
      tcp(COREDNS.ip, "10.0.1.11", 80),
    );
    assert.equal(elsewhere.unknown?.capture, "kubectl get nodes -o yaml");
  });
});

describe("podDestination (NetworkPolicy ingress of the receiving pod, then delivery)", () => {
  test("a pod no policy isolates: the ingress step allows, then delivered; the pod answers on the reply", () => {
    const out = podDestination(stubNetwork(), COREDNS).forward(tcp(ARGOCD_SERVER.ip, COREDNS.ip, 53));
    assert.deepEqual(actions(out), ["network-policy allow", "pod deliver"]);
    assert.equal(out.next, undefined);
    assert.equal(actions(replyOf(out))[0], "pod forward");
  });

  test("argocd-redis admits only what its policy lists: coredns is refused (NETWORK_POLICY_INGRESS)", () => {
    const out = podDestination(stubNetwork(), ARGOCD_REDIS).forward(tcp(COREDNS.ip, ARGOCD_REDIS.ip, 6379));
    assert.equal(out.drop?.code, "NETWORK_POLICY_INGRESS");
    assert.equal(out.steps[0]?.detail?.kind === "filter" && out.steps[0].detail.verdict, "deny");
  });

  test("ingress already evaluated on the node (Calico's filter FORWARD before MASQUERADE): no second policy step, the node's reply handler is used", () => {
    let replied = false;
    const out = podDestination(
      stubNetwork(),
      ARGOCD_REDIS,
      (back) => ((replied = true), { steps: [], packet: back }),
    ).forward(tcp("10.0.1.11", ARGOCD_REDIS.ip, 6379));
    assert.deepEqual(actions(out), ["pod deliver"]);
    replyOf(out);
    assert.ok(replied);
  });
});
