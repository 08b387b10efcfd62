/**
 * `podpath trace`: the hop-by-hop path of one packet forward and back. Input: the endpoints, port,
 * protocol and CNI; result: `TraceJson`, PRODUCT.md's `trace -o json` contract.
 */
import type { EndpointSpec } from "../analysis/paths/endpoints.js";
import type { PathOptions } from "../analysis/paths/path-context.js";
import { tracePath, type TraceEndpointInfo, type TraceResult } from "../analysis/paths/trace.js";
import type {
  Action,
  Component,
  Drop,
  DropCode,
  Packet,
  Protocol,
  Step,
  Unknown,
  Verdict,
} from "../analysis/paths/trace-model.js";
import { formatSource } from "../model/source.js";
import type { SourceRef } from "../model/source.js";
import type { Snapshot } from "../model/snapshot.js";
import { sourceJson as sourceLocation, type SourceJson } from "./contract.js";
import type { FindingJson } from "./contract.js";
import { traceFindings } from "./findings.js";
import { versioned, type Versioned } from "./location.js";
import type { Answer } from "./question.js";

export interface TraceInput {
  readonly from: EndpointSpec;
  readonly to: EndpointSpec;
  /** default: the service's first port, the pod's first container port, the URL's port */
  readonly port?: number | undefined;
  /** default TCP */
  readonly protocol?: Protocol | undefined;
  /** default: what the snapshot shows */
  readonly cni?: PathOptions["cni"];
}

/** The outer header of an encapsulated packet (VXLAN: UDP 4789, IP-in-IP). */
export interface OuterHeaderJson {
  readonly src: string;
  readonly dst: string;
  readonly protocol: "UDP" | "IPIP";
  readonly dstPort: number;
}

export interface PacketJson {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly protocol: Protocol;
  /** only while the packet is encapsulated */
  readonly outer?: OuterHeaderJson;
}

export interface StepJson {
  readonly hop: string;
  readonly component: Component;
  readonly id: string;
  readonly action: Action;
  readonly packet: PacketJson;
  readonly note: string;
  /** `file:line` of the deciding object, or null */
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface DropJson {
  readonly code: DropCode;
  /** `component:id` of the step that dropped */
  readonly at: string;
  readonly message: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface UnknownJson {
  /** `component:id` of the step that could not decide */
  readonly at: string;
  readonly message: string;
  /** what to add to the snapshot to decide it */
  readonly capture: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface EndpointJson {
  /** the endpoint as asked: `pod:NS/NAME`, `internet`, … */
  readonly endpoint: string;
  readonly label: string;
  readonly ip: string | null;
  /** how it was resolved */
  readonly how: string;
}

export interface AnsweredByJson {
  readonly component: string;
  readonly id: string;
  readonly note: string;
}

export interface ReturnJson {
  readonly verdict: Verdict | "not-sent";
  readonly drop: DropJson | null;
  readonly unknown: UnknownJson | null;
  readonly hops: readonly StepJson[];
}

export interface TraceJson {
  readonly from: EndpointJson;
  readonly to: EndpointJson;
  readonly protocol: Protocol;
  readonly port: number;
  readonly verdict: Verdict;
  readonly drop: DropJson | null;
  readonly unknown: UnknownJson | null;
  /** the source address the destination sees; null when the packet does not arrive */
  readonly finalSourceIp: string | null;
  readonly packet: PacketJson;
  readonly finalPacket: PacketJson;
  /** set when a device answered instead of the destination (an ALB redirect or fixed response) */
  readonly answeredBy: AnsweredByJson | null;
  readonly hops: readonly StepJson[];
  readonly return: ReturnJson;
  /** every assumption the answer rests on */
  readonly assumptions: readonly string[];
}

/** `trace -o json`: the trace and its findings (questions/findings.ts traceFindings), the objects `--fail-on` judges. */
export interface TraceAnswerJson extends TraceJson {
  readonly findings: readonly FindingJson[];
}

/** `trace -o json` is the trace with the output schema version (an egress row's `trace` carries none). */
export type TraceAnswer = Answer<TraceInput, Versioned<TraceAnswerJson>, TraceResult>;

function sourceJson(source: SourceRef | undefined): string | null {
  return formatSource(source) || null;
}

function packetJson(p: Packet): PacketJson {
  const packet: PacketJson = { src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort, protocol: p.protocol };
  return p.outer
    ? { ...packet, outer: { src: p.outer.src, dst: p.outer.dst, protocol: p.outer.protocol, dstPort: p.outer.dstPort } }
    : packet;
}

function stepJson(s: Step): StepJson {
  return {
    hop: s.hop,
    component: s.component,
    id: s.id,
    action: s.action,
    packet: packetJson(s.packet),
    note: s.note,
    source: sourceJson(s.source),
    location: sourceLocation(s.source),
  };
}

export function dropJson(d: Drop | null): DropJson | null {
  return d
    ? { code: d.code, at: d.at, message: d.message, source: sourceJson(d.source), location: sourceLocation(d.source) }
    : null;
}

export function unknownJson(u: Unknown | null | undefined): UnknownJson | null {
  return u
    ? {
        at: u.at,
        message: u.message,
        capture: u.capture,
        source: sourceJson(u.source),
        location: sourceLocation(u.source),
      }
    : null;
}

function endpointJson(e: TraceEndpointInfo): EndpointJson {
  return { endpoint: e.endpoint, label: e.label, ip: e.ip ?? null, how: e.how };
}

/** The contract object of one trace (also each egress row's `trace`). */
export function traceJson(t: TraceResult): TraceJson {
  return {
    from: endpointJson(t.from),
    to: endpointJson(t.to),
    protocol: t.protocol,
    port: t.port,
    verdict: t.verdict,
    drop: dropJson(t.drop),
    unknown: unknownJson(t.unknown),
    finalSourceIp: t.finalSourceIp,
    packet: packetJson(t.packet),
    finalPacket: packetJson(t.finalPacket),
    answeredBy: t.answeredBy
      ? { component: t.answeredBy.component, id: t.answeredBy.id, note: t.answeredBy.note }
      : null,
    hops: t.hops.map(stepJson),
    return: {
      verdict: t.return.verdict,
      drop: dropJson(t.return.drop),
      unknown: unknownJson(t.return.unknown),
      hops: t.return.hops.map(stepJson),
    },
    assumptions: t.assumptions,
  };
}

/** The packet or its reply is dropped, or the snapshot cannot decide: what `--fail-on-drop` exits 1 for. */
function traceIsFinding(t: TraceResult): boolean {
  return t.verdict !== "delivered" || t.return.verdict === "dropped" || t.return.verdict === "unknown";
}

/**
 * Traces one packet from `input.from` to `input.to` and back. An endpoint the snapshot cannot
 * resolve is an EndpointError (a UserError).
 */
export function answerTrace(snapshot: Snapshot, input: TraceInput): TraceAnswer {
  const analysis = tracePath(
    snapshot,
    { from: input.from, to: input.to, port: input.port, protocol: input.protocol },
    { cni: input.cni },
  );
  const findings = traceFindings({ analysis });
  return {
    input,
    result: versioned({ ...traceJson(analysis), findings }),
    analysis,
    finding: traceIsFinding(analysis),
  };
}
