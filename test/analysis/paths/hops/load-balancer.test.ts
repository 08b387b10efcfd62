/**
 * hops/load-balancer.ts, driven directly with its neighbours stubbed (support.ts): the seed's ALB
 * (k8s-ecoeco-3f9c2a71b4, from its elbv2 JSON) — listener and rule evaluation as AWS does it
 * ("Listener rules for your Application Load Balancer": priority order, host and path
 * conditions), then the target group's target, reached on a new connection from the ALB's own
 * address.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadBalancerDevice } from "../../../../src/analysis/paths/hops/load-balancer.js";
import { actions, example, replyOf, stubNetwork, tcp } from "./support.js";

const net = (path: string) =>
  stubNetwork(example, { scheme: "https", host: "growbin.app", port: 443, path, sourceIp: "198.51.100.7" });
const ALB_ADDRESS = "10.0.2.57";
const alb = () => {
  const n = net("/argocd");
  const lb = n.ctx.loadBalancerAt(ALB_ADDRESS);
  if (!lb) throw new Error("the example's ALB is not at 10.0.2.57");
  return lb;
};

describe("the ALB (listener rules in priority order; a forward action opens a new connection to a target)", () => {
  test("https://growbin.app/argocd: the listener accepts, the /argocd rule forwards to argocd-server's target group, the target is contacted from the ALB's address through its ENI", () => {
    const out = loadBalancerDevice(net("/argocd"), alb(), ALB_ADDRESS).forward(tcp("198.51.100.7", ALB_ADDRESS, 443));
    assert.deepEqual(actions(out), ["load-balancer allow", "listener-rule forward", "target-group dnat"]);
    assert.equal(out.packet.src, ALB_ADDRESS);
    assert.equal(out.next?.name, "eniEgress eni-0ecoeco0000000201");
    // the response is relayed on the client's connection
    const back = replyOf(out);
    assert.deepEqual({ src: back.packet.src, dst: back.packet.dst }, { src: ALB_ADDRESS, dst: "198.51.100.7" });
  });

  test("a port with no listener: NO_LISTENER", () => {
    const out = loadBalancerDevice(net("/argocd"), alb(), ALB_ADDRESS).forward(tcp("198.51.100.7", ALB_ADDRESS, 8443));
    assert.equal(out.drop?.code, "NO_LISTENER");
  });
});
