/**
 * `podpath exposure`: for every workload, who can reach it and on which ports — the internet
 * through an ALB listener rule, a LoadBalancer Service (NLB) or a NodePort, each with the chain of
 * objects that opens or closes it (analysis/exposure/, on the path engine's `tracePath`), and the
 * other workloads and address ranges NetworkPolicy lets in (connlist's engine). Result: `ExposureJson`.
 */
import type { PathOptions } from "../analysis/paths/path-context.js";
import {
  analyseExposure,
  type ChainLink,
  type ExposureReport,
  type ExposureOrigin,
  type ExposureVerdict,
  type FrontendKind,
  type InternetExposure,
} from "../analysis/exposure/exposure.js";
import type { ConnlistReport } from "../analysis/connectivity/connlist.js";
import type { Snapshot } from "../model/snapshot.js";
import { formatSource, type SourceRef } from "../model/source.js";
import { OUTPUT_API_VERSION, sourceJson, type SourceJson } from "./contract.js";
import type { Answer } from "./question.js";

export interface ExposureInput {
  /** --cni: override the CNI the snapshot suggests */
  readonly cni?: PathOptions["cni"];
}

export interface ExposureChainLinkJson {
  readonly component: ChainLink["component"];
  readonly id: string;
  readonly action: string;
  readonly note: string;
  /** `file:line`, or null */
  readonly source: string | null;
  readonly location: SourceJson | null;
}

interface NodeOutcomeJson {
  readonly verdict: ExposureVerdict;
  readonly nodes: readonly string[];
  readonly code: string | null;
  readonly at: string | null;
  readonly message: string | null;
  readonly source: string | null;
  readonly location: SourceJson | null;
}

export interface InternetExposureJson {
  /** where the client stands: `internet`, or `vpc` (the report's vpcHost) */
  readonly origin: ExposureOrigin;
  readonly kind: FrontendKind;
  readonly frontend: string;
  readonly service: string;
  readonly protocol: string;
  readonly port: number;
  readonly podPort: number | null;
  readonly verdict: ExposureVerdict;
  /** the chain in one line: `internet → … → pod NS/POD` (the blocking object marked ✗) */
  readonly path: string;
  readonly pod: string | null;
  readonly nodes: readonly string[];
  readonly openNodes: readonly string[];
  /** NodePort: the nodes grouped by outcome, each group with the object that decides it */
  readonly byNode: readonly NodeOutcomeJson[];
  readonly source: string | null;
  readonly location: SourceJson | null;
  readonly chain: readonly ExposureChainLinkJson[];
  readonly blockedBy: {
    readonly code: string;
    readonly at: string;
    readonly message: string;
    readonly source: string | null;
    readonly location: SourceJson | null;
  } | null;
  /** what the trace had to assume */
  readonly assumptions: readonly string[];
  /** blocked from the VPC by a security group: its inbound rules that admit the members of another group */
  readonly memberRules: readonly {
    readonly rule: string;
    readonly source: string | null;
    readonly location: SourceJson | null;
  }[];
  readonly unknown: {
    readonly at: string;
    readonly message: string;
    readonly capture: string;
    readonly source: string | null;
    readonly location: SourceJson | null;
  } | null;
}

export interface ExposureWorkloadJson {
  /** connlist's peer string, `NS/NAME[Kind]` */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly source: string;
  readonly location: SourceJson;
  /** some internet path reaches it (verdict open) */
  readonly internetFacing: boolean;
  readonly internet: readonly InternetExposureJson[];
  /** some VPC path reaches it (verdict open) */
  readonly vpcFacing: boolean;
  /** from a host of the VPC outside the cluster: internal load balancers, NodePorts, the pod's own address */
  readonly vpc: readonly InternetExposureJson[];
  /** NetworkPolicy lets every workload and address in on every port (incoming is then empty) */
  readonly openToAll: boolean;
  readonly incoming: readonly { readonly from: string; readonly fromKind: string; readonly conn: string }[];
}

export interface ExposureJson {
  readonly apiVersion: typeof OUTPUT_API_VERSION;
  readonly question: "exposure";
  /** the host the VPC-side exposures are traced from (null: the VPC is not traced, a note says why) */
  readonly vpcHost: {
    readonly ip: string;
    readonly vpc: string;
    readonly subnet: string;
    readonly how: string;
    readonly source: string | null;
    readonly location: SourceJson | null;
  } | null;
  readonly workloads: readonly ExposureWorkloadJson[];
  readonly unattached: readonly InternetExposureJson[];
  readonly notes: readonly {
    readonly message: string;
    readonly source: string | null;
    readonly location: SourceJson | null;
  }[];
}

export type ExposureAnswer = Answer<ExposureInput, ExposureJson, ExposureReport>;

const src = (s: SourceRef | undefined): string | null => (s ? formatSource(s) : null);

function internetJson(e: InternetExposure): InternetExposureJson {
  return {
    origin: e.origin,
    kind: e.kind,
    frontend: e.frontend,
    service: e.service,
    protocol: e.protocol,
    port: e.port,
    podPort: e.podPort ?? null,
    verdict: e.verdict,
    path: e.path,
    pod: e.pod ?? null,
    nodes: e.nodes,
    openNodes: e.openNodes,
    byNode: e.byNode.map((g) => ({
      verdict: g.verdict,
      nodes: g.nodes,
      code: g.code,
      at: g.at,
      message: g.message,
      source: src(g.source),
      location: sourceJson(g.source),
    })),
    source: src(e.frontendSource),
    location: sourceJson(e.frontendSource),
    chain: e.chain.map((l) => ({
      component: l.component,
      id: l.id,
      action: l.action,
      note: l.note,
      source: src(l.source),
      location: sourceJson(l.source),
    })),
    blockedBy: e.blockedBy
      ? { ...e.blockedBy, source: src(e.blockedBy.source), location: sourceJson(e.blockedBy.source) }
      : null,
    assumptions: e.assumptions,
    memberRules: e.memberRules.map((m) => ({ rule: m.rule, source: src(m.source), location: sourceJson(m.source) })),
    unknown: e.unknown ? { ...e.unknown, source: src(e.unknown.source), location: sourceJson(e.unknown.source) } : null,
  };
}

export function exposureJson(report: ExposureReport): ExposureJson {
  return {
    apiVersion: OUTPUT_API_VERSION,
    question: "exposure",
    vpcHost: report.vpcHost
      ? {
          ip: report.vpcHost.ip,
          vpc: report.vpcHost.vpcId,
          subnet: report.vpcHost.subnet.id,
          how: report.vpcHost.how,
          source: src(report.vpcHost.source),
          location: sourceJson(report.vpcHost.source),
        }
      : null,
    workloads: report.workloads.map((w) => ({
      id: w.workload.id,
      namespace: w.workload.namespace,
      name: w.workload.name,
      kind: w.workload.kind,
      source: formatSource(w.workload.source),
      location: sourceJson(w.workload.source),
      internetFacing: w.internet.some((e) => e.verdict === "open"),
      internet: w.internet.map(internetJson),
      vpcFacing: w.vpc.some((e) => e.verdict === "open"),
      vpc: w.vpc.map(internetJson),
      openToAll: w.openToAll,
      incoming: w.incoming,
    })),
    unattached: report.unattached.map(internetJson),
    notes: report.notes.map((n) => ({ message: n.message, source: src(n.source), location: sourceJson(n.source) })),
  };
}

/** `connlist`: `analyseConnlist(snapshot)` when the caller has it already (analyseExposure reuses it) */
export function answerExposure(
  snapshot: Snapshot,
  input: ExposureInput = {},
  connlist?: ConnlistReport,
): ExposureAnswer {
  const analysis = analyseExposure(snapshot, { cni: input.cni }, connlist);
  return { input, result: exposureJson(analysis), analysis, finding: false };
}
