import type { SourceRef } from "../../model/source.js";
import type {
  Action,
  Component,
  Decision,
  Direction,
  Drop,
  DropCode,
  FilterDetail,
  Packet,
  Step,
  StepDetail,
  Undecided,
  Unknown,
} from "./trace-model.js";

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
  /**
   * where the packet enters the device, when one name has several entries ("ingress"/"egress" of
   * an interface, a node's "pod"/"host"/"wire"): with the name and the packet, the breadcrumb the
   * loop check compares (Batfish dataplane/traceroute/Breadcrumb.java: node, VRF, ingress
   * interface, flow)
   */
  readonly entry?: string | undefined;
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
interface TracedDirection extends Direction {
  readonly finalPacket: Packet;
}

export interface TraceRun {
  readonly forward: TracedDirection;
  /** the reply, traced back through every device's state; undefined when the request was dropped or answered by a device */
  readonly reply: TracedDirection | undefined;
}

/** Devices a trace may cross before it is called a loop. */
export const MAX_DEVICES = 64;

/**
 * Walks `packet` from `start` to delivery or drop, then the reply back through the same devices.
 * A device entered again at the same entry with the same packet is a forwarding loop: nothing
 * along the way can change what happens next, so the walk drops it with `LOOP` naming the devices
 * of the loop (Batfish dataplane/traceroute/FlowTracer.java: a repeated Breadcrumb is
 * FlowDisposition.LOOP). The breadcrumbs are the devices and packets already held; the check
 * compares at most MAX_DEVICES of them: two arrays per walk, nothing per device.
 */
export function walk(start: Device, packet: Packet): TraceRun {
  const steps: Step[] = [];
  const handlers: ReplyHandler[] = [];
  const devices: Device[] = [];
  const packets: Packet[] = [];
  let device: Device | undefined = start;
  let current = packet;
  while (device) {
    const limit = devices.length >= MAX_DEVICES;
    const seen = limit ? devices.length - 4 : visitedAt(devices, packets, device, current);
    if (seen >= 0) {
      const drop = loopDrop(devices, steps, seen, device, limit);
      return { forward: { verdict: "dropped", drop, steps, finalPacket: current }, reply: undefined };
    }
    devices.push(device);
    packets.push(current);
    const outcome = device.forward(current);
    steps.push(...outcome.steps);
    current = outcome.packet;
    if (outcome.reply) handlers.push(outcome.reply);
    if (outcome.drop)
      return { forward: { verdict: "dropped", drop: outcome.drop, steps, finalPacket: current }, reply: undefined };
    if (outcome.unknown)
      return {
        forward: { verdict: "unknown", drop: null, unknown: outcome.unknown, steps, finalPacket: current },
        reply: undefined,
      };
    device = outcome.next;
  }
  const forward: TracedDirection = { verdict: "delivered", drop: null, steps, finalPacket: current };
  const back = undoInReverse(handlers)(reversePacket(current));
  const verdict = back.drop ? "dropped" : back.unknown ? "unknown" : "delivered";
  return {
    forward,
    reply: {
      verdict,
      drop: back.drop ?? null,
      unknown: back.unknown ?? null,
      steps: back.steps,
      finalPacket: back.packet,
    },
  };
}

/** The index of the breadcrumb `device` + `packet` repeats, or -1. */
function visitedAt(devices: readonly Device[], packets: readonly Packet[], device: Device, packet: Packet): number {
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i]!;
    if (d.name === device.name && d.entry === device.entry && samePacket(packets[i]!, packet)) return i;
  }
  return -1;
}

function samePacket(a: Packet, b: Packet): boolean {
  if (a === b) return true;
  if (
    a.src !== b.src ||
    a.dst !== b.dst ||
    a.srcPort !== b.srcPort ||
    a.dstPort !== b.dstPort ||
    a.protocol !== b.protocol
  )
    return false;
  const x = a.outer;
  const y = b.outer;
  if (!x || !y) return x === y;
  return x.src === y.src && x.dst === y.dst && x.protocol === y.protocol && x.dstPort === y.dstPort;
}

/**
 * The LOOP drop: the devices from the first entry of the repeated one to the last (at the hop
 * limit: the last few), cited at the last route that sent the packet round (a route table, else
 * the step before the repeat).
 */
function loopDrop(
  devices: readonly Device[],
  steps: readonly Step[],
  from: number,
  again: Device,
  limit: boolean,
): Drop {
  const names: string[] = [];
  for (let i = from; i < devices.length; i++) {
    const name = devices[i]!.name;
    if (names[names.length - 1] !== name) names.push(name);
  }
  let decided: Step | undefined;
  for (let i = steps.length - 1; i >= 0 && !decided; i--) if (steps[i]!.component === "route-table") decided = steps[i];
  decided ??= steps[steps.length - 1];
  const at = decided ? `${decided.component}:${decided.id}` : `node:${again.name}`;
  const cycle = `${names.join(" → ")} → ${again.name}`;
  const message = limit
    ? `routing loop: the packet crossed ${MAX_DEVICES} devices without arriving (the last: ${cycle})`
    : `routing loop: the packet enters ${again.name} again unchanged (${cycle}); it circles until its TTL runs out`;
  return { code: "LOOP", at, message, source: decided?.source };
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
  return {
    src: packet.dst,
    srcPort: packet.dstPort,
    dst: packet.src,
    dstPort: packet.srcPort,
    protocol: packet.protocol,
  };
}

// ---------------------------------------------------------------------------------------------
// step and drop builders shared by the adapters

export function step(
  hop: string,
  component: Component,
  id: string,
  action: Action,
  packet: Packet,
  note: string,
  source: SourceRef | undefined,
  detail?: StepDetail,
): Step {
  return detail
    ? { hop, component, id, action, packet, note, source, detail }
    : { hop, component, id, action, packet, note, source };
}

/** A drop step and the drop it records. */
export function dropped(
  hop: string,
  component: Component,
  id: string,
  code: DropCode,
  packet: Packet,
  message: string,
  source: SourceRef | undefined,
  detail?: StepDetail,
): { step: Step; drop: Drop } {
  return {
    step: step(hop, component, id, "drop", packet, message, source, detail),
    drop: { code, at: `${component}:${id}`, message, source },
  };
}

/** An undecided step and the `unknown` it records: the snapshot lacks what the decision needs. */
export function undecided(
  hop: string,
  component: Component,
  id: string,
  packet: Packet,
  message: string,
  capture: string,
  source: SourceRef | undefined,
  detail?: StepDetail,
): { step: Step; unknown: Unknown } {
  return {
    step: step(hop, component, id, "unknown", packet, `${message} — to decide, capture ${capture}`, source, detail),
    unknown: { at: `${component}:${id}`, message, capture, source },
  };
}

/** The components whose steps are filters a FilterDetail names. */
const FILTERS: Partial<Record<Component, FilterDetail["filter"]>> = {
  "network-policy": "network-policy",
  "security-group": "security-group",
  nacl: "nacl",
  eni: "source-dest-check",
};

/**
 * A filter's decision as a step (allow), a drop, or an unknown (the snapshot cannot decide).
 * `direction`, for the filters a FilterDetail names (NetworkPolicy, security groups, network
 * ACLs, an interface's source/destination check): the step carries the filter's detail.
 */
export function filterStep(
  hop: string,
  component: Component,
  decision: Decision | Undecided,
  packet: Packet,
  note?: string,
  direction?: FilterDetail["direction"],
): { step: Step; drop: Drop | undefined; unknown?: Unknown | undefined } {
  const filter = direction === undefined ? undefined : FILTERS[component];
  const detail: FilterDetail | undefined =
    filter && direction
      ? {
          kind: "filter",
          filter,
          direction,
          verdict: decision.allowed ? "allow" : decision.undecided ? "unknown" : "deny",
        }
      : undefined;
  if (decision.allowed)
    return {
      step: step(hop, component, decision.id, "allow", packet, note ?? decision.rule, decision.source, detail),
      drop: undefined,
    };
  if (decision.undecided) {
    const u = undecided(
      hop,
      component,
      decision.id,
      packet,
      note ?? decision.rule,
      decision.capture,
      decision.source,
      detail,
    );
    return { step: u.step, drop: undefined, unknown: u.unknown };
  }
  const d = dropped(hop, component, decision.id, decision.code, packet, note ?? decision.rule, decision.source, detail);
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
