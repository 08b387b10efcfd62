/**
 * `podpath egress`: the seed's egress table, computed — per node group × destination class, the
 * SNAT steps, the source IP the destination sees and whether the reply comes back. Result:
 * `EgressJson`.
 */
import {
  analyseEgress,
  type DestinationClass,
  type EgressReport,
  type EgressRow,
  type NodeGroup,
} from "../analysis/paths/egress.js";
import type { PathOptions } from "../analysis/paths/path-context.js";
import type { Verdict } from "../analysis/paths/trace-model.js";
import { formatSource } from "../model/source.js";
import type { Snapshot } from "../model/snapshot.js";
import { sourceJson, type SourceJson } from "./contract.js";
import { versioned, type Versioned } from "./location.js";
import type { Answer } from "./question.js";
import { dropJson, traceJson, unknownJson, type DropJson, type TraceJson, type UnknownJson } from "./trace.js";

export interface EgressInput {
  /** default: what the snapshot shows */
  readonly cni?: PathOptions["cni"];
}

export interface NodeGroupJson {
  readonly name: string;
  readonly role: string;
  /** absent when the group's nodes have no known subnet */
  readonly subnetId?: string;
  readonly nodes: readonly string[];
  /** the node whose pod is traced */
  readonly representative: string;
}

export interface SnatStepJson {
  readonly component: string;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: SourceJson | null;
}

export interface EgressReturnJson {
  readonly verdict: Verdict | "not-sent";
  readonly drop: DropJson | null;
  readonly unknown: UnknownJson | null;
}

export interface EgressRowJson {
  readonly group: string;
  readonly destinationClass: DestinationClass;
  /** what was traced: `pod NS/NAME (IP)` → `DEST (IP:PORT)` */
  readonly from: string;
  readonly to: string;
  readonly verdict: Verdict | "skipped";
  readonly drop: DropJson | null;
  readonly unknown: UnknownJson | null;
  readonly snat: readonly SnatStepJson[];
  readonly finalSourceIp: string | null;
  readonly return: EgressReturnJson;
  /** why a class was skipped, or what was assumed */
  readonly note: string;
  readonly hairpin: boolean;
  /** the row's whole trace (`trace -o json`); null when skipped */
  readonly trace: TraceJson | null;
}

export interface EgressJson {
  readonly cni: string;
  readonly groups: readonly NodeGroupJson[];
  /** what every row rests on */
  readonly assumptions: readonly string[];
  readonly rows: readonly EgressRowJson[];
}

export type EgressAnswer = Answer<EgressInput, Versioned<EgressJson>, EgressReport>;

function nodeGroupJson(g: NodeGroup): NodeGroupJson {
  const head = { name: g.name, role: g.role };
  const tail = { nodes: g.nodes, representative: g.representative };
  return g.subnetId === undefined ? { ...head, ...tail } : { ...head, subnetId: g.subnetId, ...tail };
}

function egressRowJson(r: EgressRow): EgressRowJson {
  return {
    group: r.group,
    destinationClass: r.destinationClass,
    from: r.from,
    to: r.to,
    verdict: r.verdict,
    drop: dropJson(r.drop),
    unknown: unknownJson(r.unknown),
    snat: r.snat.map((s) => ({
      component: s.component,
      id: s.id,
      from: s.from,
      to: s.to,
      source: formatSource(s.source) || null,
      location: sourceJson(s.source),
    })),
    finalSourceIp: r.finalSourceIp,
    return: {
      verdict: r.replyVerdict,
      drop: dropJson(r.replyDrop),
      unknown: r.replyVerdict === "unknown" ? unknownJson(r.trace?.return.unknown) : null,
    },
    note: r.note,
    hairpin: r.hairpin,
    trace: r.trace ? traceJson(r.trace) : null,
  };
}

export function egressJson(report: EgressReport): EgressJson {
  return {
    cni: report.cni,
    groups: report.groups.map(nodeGroupJson),
    assumptions: report.assumptions,
    rows: report.rows.map(egressRowJson),
  };
}

/** A row's packet or reply is dropped, or the snapshot cannot decide it: what `--fail-on-drop` exits 1 for. */
function egressIsFinding(report: EgressReport): boolean {
  return report.rows.some(
    (r) =>
      r.verdict === "dropped" ||
      r.verdict === "unknown" ||
      r.replyVerdict === "dropped" ||
      r.replyVerdict === "unknown",
  );
}

/** Traces one packet per node group × destination class. */
export function answerEgress(snapshot: Snapshot, input: EgressInput = {}): EgressAnswer {
  const analysis = analyseEgress(snapshot, { cni: input.cni });
  return { input, result: versioned(egressJson(analysis)), analysis, finding: egressIsFinding(analysis) };
}
