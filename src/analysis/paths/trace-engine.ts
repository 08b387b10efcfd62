import type { SourceRef } from "../../model/source.js";
import type { Action, Component, Decision, Direction, Drop, DropCode, Packet, Step, Undecided, Unknown } from "./trace-model.js";

/**
 * The generic tracer (after Batfish's traceroute engine): it walks devices and knows nothing
 * about AWS, Calico or kube-proxy. A device takes the packet as it arrives, returns the steps it
 * took (filters, translations, routing), the packet as it leaves and the next device — or a drop,
 * or nothing (delivered here). Each device also returns its conntrack state for the reply: a
 * function the tracer calls, in reverse device order, on the reply packet. Stateful devices
 * (security groups, NetworkPolicy, NAT) admit or un-translate it from that state; stateless ones
 * (network ACLs) evaluate their rules again on the reversed packet.
 *
 * Devices are built by the adapters in `hops/` from the snapshot model.
 */

export interface Device {
  /** a readable name of the device, shown as the hop: "node k8s-worker-1", "eni-0abc (10.0.1.11)" */
  readonly name: string;
  forward(packet: Packet): DeviceOutcome;
}

export interface DeviceOutcome {
  readonly steps: readonly Step[];
  /** the packet as it leaves the device */
  readonly packet: Packet;
  /** the next device; undefined when the packet is delivered here (or dropped) */
  readonly next: Device | undefined;
  readonly drop?: Drop | undefined;
  /** the device cannot decide from the snapshot (the trace stops: verdict `unknown`) */
  readonly unknown?: Unknown | undefined;
  /** what the device does with the reply, from the state the forward packet left (conntrack) */
  readonly reply?: ReplyHandler | undefined;
}

export type ReplyHandler = (packet: Packet) => ReplyOutcome;

export interface ReplyOutcome {
  readonly steps: readonly Step[];
  readonly packet: Packet;
  readonly drop?: Drop | undefined;
  readonly unknown?: Unknown | undefined;
}

/** One direction of a trace, with the packet as it was delivered (or last seen). */
export interface TracedDirection extends Direction {
  readonly finalPacket: Packet;
}

export interface TraceRun {
  readonly forward: TracedDirection;
  /** the reply, traced back through every device's state; undefined when the request was dropped or answered by a device */
  readonly reply: TracedDirection | undefined;
}

/** Devices a trace may cross before it is called a loop. */
export const MAX_DEVICES = 64;

/** Walks `packet` from `start` to delivery or drop, then the reply back through the same devices. */
export function walk(start: Device, packet: Packet): TraceRun {
  const steps: Step[] = [];
  const handlers: ReplyHandler[] = [];
  let device: Device | undefined = start;
  let current = packet;
  let count = 0;
  while (device) {
    if (++count > MAX_DEVICES) {
      const drop: Drop = { code: "NO_ROUTE", at: `node:${device.name}`, message: `the packet crossed ${MAX_DEVICES} devices without arriving: a routing loop`, source: undefined };
      return { forward: { verdict: "dropped", drop, steps, finalPacket: current }, reply: undefined };
    }
    const outcome = device.forward(current);
    steps.push(...outcome.steps);
    current = outcome.packet;
    if (outcome.reply) handlers.push(outcome.reply);
    if (outcome.drop) return { forward: { verdict: "dropped", drop: outcome.drop, steps, finalPacket: current }, reply: undefined };
    if (outcome.unknown) return { forward: { verdict: "unknown", drop: null, unknown: outcome.unknown, steps, finalPacket: current }, reply: undefined };
    device = outcome.next;
  }
  const forward: TracedDirection = { verdict: "delivered", drop: null, steps, finalPacket: current };
  const back = undoInReverse(handlers)(reversePacket(current));
  const verdict = back.drop ? "dropped" : back.unknown ? "unknown" : "delivered";
  return { forward, reply: { verdict, drop: back.drop ?? null, unknown: back.unknown ?? null, steps: back.steps, finalPacket: back.packet } };
}

/**
 * One reply handler made of several, run last-first: the reply meets the state of the last
 * translation or filter first (the tracer does this across devices, a device within itself).
 */
export function undoInReverse(handlers: readonly ReplyHandler[]): ReplyHandler {
  return (packet) => {
    const steps: Step[] = [];
    let current = packet;
    for (let i = handlers.length - 1; i >= 0; i--) {
      const outcome = handlers[i]!(current);
      steps.push(...outcome.steps);
      current = outcome.packet;
      if (outcome.drop) return { steps, packet: current, drop: outcome.drop };
      if (outcome.unknown) return { steps, packet: current, unknown: outcome.unknown };
    }
    return { steps, packet: current };
  };
}

/** The reply to a packet: addresses and ports swapped (the outer header is the reply's own business). */
export function reversePacket(packet: Packet): Packet {
  return { src: packet.dst, srcPort: packet.dstPort, dst: packet.src, dstPort: packet.srcPort, protocol: packet.protocol };
}

// ---------------------------------------------------------------------------------------------
// step and drop builders shared by the adapters

export function step(hop: string, component: Component, id: string, action: Action, packet: Packet, note: string, source: SourceRef | undefined): Step {
  return { hop, component, id, action, packet, note, source };
}

/** A drop step and the drop it records. */
export function dropped(hop: string, component: Component, id: string, code: DropCode, packet: Packet, message: string, source: SourceRef | undefined): { step: Step; drop: Drop } {
  return { step: step(hop, component, id, "drop", packet, message, source), drop: { code, at: `${component}:${id}`, message, source } };
}

/** An undecided step and the `unknown` it records: the snapshot lacks what the decision needs. */
export function undecided(hop: string, component: Component, id: string, packet: Packet, message: string, capture: string, source: SourceRef | undefined): { step: Step; unknown: Unknown } {
  return { step: step(hop, component, id, "unknown", packet, `${message} — to decide, capture ${capture}`, source), unknown: { at: `${component}:${id}`, message, capture, source } };
}

/** A filter's decision as a step (allow), a drop, or an unknown (the snapshot cannot decide). */
export function filterStep(hop: string, component: Component, decision: Decision | Undecided, packet: Packet, note?: string): { step: Step; drop: Drop | undefined; unknown?: Unknown | undefined } {
  if (decision.allowed) return { step: step(hop, component, decision.id, "allow", packet, note ?? decision.rule, decision.source), drop: undefined };
  if (decision.undecided) {
    const u = undecided(hop, component, decision.id, packet, note ?? decision.rule, decision.capture, decision.source);
    return { step: u.step, drop: undefined, unknown: u.unknown };
  }
  const d = dropped(hop, component, decision.id, decision.code, packet, note ?? decision.rule, decision.source);
  return { step: d.step, drop: d.drop };
}

/** Translates `packet`'s source (SNAT), keeping everything else. */
export function withSource(packet: Packet, src: string, srcPort = packet.srcPort): Packet {
  return { ...packet, src, srcPort };
}

/** Translates `packet`'s destination (DNAT), keeping everything else. */
export function withDestination(packet: Packet, dst: string, dstPort = packet.dstPort): Packet {
  return { ...packet, dst, dstPort };
}

/** The packet without its outer header. */
export function inner(packet: Packet): Packet {
  if (!packet.outer) return packet;
  const { outer: _outer, ...rest } = packet;
  return rest;
}
