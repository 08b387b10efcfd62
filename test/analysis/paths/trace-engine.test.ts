import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_DEVICES,
  dropped,
  reversePacket,
  step,
  walk,
  withDestination,
  withSource,
  type Device,
} from "../../../src/analysis/paths/trace-engine.js";
import type { Packet } from "../../../src/analysis/paths/trace-model.js";

const P: Packet = { src: "10.0.0.1", srcPort: 49152, dst: "10.0.0.2", dstPort: 80, protocol: "TCP" };

/** A NAT device: SNAT on the way out, its conntrack entry undoes it on the reply. */
function snatDevice(to: string, next: Device | undefined): Device {
  return {
    name: "nat",
    forward(p) {
      const after = withSource(p, to);
      return {
        steps: [step("nat", "nat-gateway", "nat", "snat", after, "snat", undefined)],
        packet: after,
        next,
        reply: (back) => {
          const restored = withDestination(back, p.src, p.srcPort);
          return {
            steps: [step("nat", "nat-gateway", "nat", "dnat", restored, "un-snat", undefined)],
            packet: restored,
          };
        },
      };
    },
  };
}

const sink: Device = {
  name: "sink",
  forward: (p) => ({
    steps: [step("sink", "pod", "sink", "deliver", p, "delivered", undefined)],
    packet: p,
    next: undefined,
  }),
};

test("conntrack reversal (netfilter nf_nat): the reply is un-NATed by the state the request left, in reverse device order", () => {
  const run = walk(snatDevice("192.0.2.1", snatDevice("192.0.2.2", sink)), P);
  assert.equal(run.forward.verdict, "delivered");
  assert.equal(run.forward.finalPacket.src, "192.0.2.2");
  assert.ok(run.reply);
  assert.equal(run.reply.verdict, "delivered");
  // the reply starts as the reversed delivered packet and ends addressed to the original client
  assert.deepEqual(run.reply.finalPacket, reversePacket(P));
  assert.deepEqual(
    run.reply.steps.map((s) => s.packet.dst),
    ["192.0.2.1", "10.0.0.1"],
  );
});

test("a drop stops the walk, records the code and where, and sends no reply", () => {
  const wall: Device = {
    name: "wall",
    forward(p) {
      const d = dropped("wall", "security-group", "sg-1", "SECURITY_GROUP_INGRESS", p, "no rule allows it", undefined);
      return { steps: [d.step], packet: p, next: undefined, drop: d.drop };
    },
  };
  const run = walk(snatDevice("192.0.2.1", wall), P);
  assert.equal(run.forward.verdict, "dropped");
  assert.equal(run.forward.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.equal(run.forward.drop?.at, "security-group:sg-1");
  assert.equal(run.reply, undefined);
});

test("a stateless device that refuses the reply drops the reply, not the request", () => {
  const acl: Device = {
    name: "acl",
    forward: (p) => ({
      steps: [],
      packet: p,
      next: sink,
      reply: (back) => {
        const d = dropped(
          "acl",
          "nacl",
          "acl-1",
          "NACL_EGRESS",
          back,
          `no outbound rule allows port ${back.dstPort}`,
          undefined,
        );
        return { steps: [d.step], packet: back, drop: d.drop };
      },
    }),
  };
  const run = walk(acl, P);
  assert.equal(run.forward.verdict, "delivered");
  assert.equal(run.reply?.verdict, "dropped");
  assert.equal(run.reply?.drop?.code, "NACL_EGRESS");
  assert.match(run.reply?.drop?.message ?? "", /port 49152/);
});

test("a routing loop (Batfish FlowTracer: a repeated Breadcrumb is FlowDisposition.LOOP): the device entered again with the same packet drops it with LOOP", () => {
  const loop: Device = { name: "loop", forward: (p) => ({ steps: [], packet: p, next: loop }) };
  const run = walk(loop, P);
  assert.equal(run.forward.verdict, "dropped");
  assert.equal(run.forward.drop?.code, "LOOP");
  assert.match(run.forward.drop?.message ?? "", /loop/);
  assert.match(run.forward.drop?.message ?? "", /enters loop again unchanged \(loop → loop\)/);
});

test("the loop check compares name, entry and packet: one interface's egress and ingress, or a packet changed on the way, are no loop", () => {
  let sent = false;
  const egress: Device = { name: "eni", entry: "egress", forward: (p) => ({ steps: [], packet: p, next: ingress }) };
  const ingress: Device = {
    name: "eni",
    entry: "ingress",
    forward: (p) => ({ steps: [], packet: p, next: sent ? sink : ((sent = true), snatDevice("192.0.2.9", egress)) }),
  };
  const run = walk(egress, P);
  assert.equal(run.forward.verdict, "delivered");
});

test(`a packet still changing after ${MAX_DEVICES} devices is cut there with LOOP, naming the last devices`, () => {
  const counter: Device = {
    name: "counter",
    forward: (p) => ({ steps: [], packet: { ...p, srcPort: p.srcPort + 1 }, next: counter }),
  };
  const run = walk(counter, P);
  assert.equal(run.forward.drop?.code, "LOOP");
  assert.match(run.forward.drop?.message ?? "", new RegExp(`crossed ${MAX_DEVICES} devices`));
  assert.equal(run.forward.steps.length, 0);
});
