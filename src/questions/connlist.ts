/**
 * `podpath connlist`: the connections NetworkPolicy allows between all workloads and external
 * address ranges, as np-guard netpol-analyzer's `list` computes them (analysis/connectivity/).
 * Result: `ConnlistJson`.
 */
import type { Protocol } from "../model/kubernetes.js";
import type { Snapshot } from "../model/snapshot.js";
import { formatSource } from "../model/source.js";
import { connectionPorts, connectionText } from "../analysis/connectivity/connection-set.js";
import {
  analyseConnlist,
  type ConnlistNote,
  type ConnlistReport,
  type PeerKind,
} from "../analysis/connectivity/connlist.js";
import { OUTPUT_API_VERSION, sourceJson, type SourceJson } from "./contract.js";
import type { Answer } from "./question.js";

export interface ConnlistInput {
  /** `NAME` or `NS/NAME` (`{ingress-controller}`'s is `ingress-controller`): only connections from or to them */
  readonly focusWorkloads?: readonly string[];
  /**
   * `-n NS`: only the workloads of NS, as kubectl -n lists one namespace's objects — the
   * connections with one of them as source or destination, and those workloads. Absent: all (-A).
   */
  readonly namespace?: string | undefined;
}

export interface ConnectionJson {
  /** netpol-analyzer's peer strings: `NS/NAME[Kind]`, `FIRST-LAST[External]`, `{ingress-controller}` */
  readonly src: string;
  readonly dst: string;
  /** netpol-analyzer's connection text: "All Connections", "TCP 8080,UDP 53" */
  readonly conn: string;
  readonly srcKind: PeerKind;
  readonly dstKind: PeerKind;
  readonly allConnections: boolean;
  /** per protocol, its ports ("8080", "8080-8081"); empty with allConnections */
  readonly ports: Readonly<Partial<Record<Protocol, readonly string[]>>>;
}

export interface ConnlistWorkloadJson {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** observed pods it groups (0: a workload object, its template stands for its pods) */
  readonly pods: number;
  readonly hostNetwork: boolean;
  /** `file:line` */
  readonly source: string;
  readonly location: SourceJson;
}

export interface ConnlistNoteJson {
  readonly code: ConnlistNote["code"];
  readonly message: string;
  readonly source: string | null;
  readonly location: SourceJson | null;
}

export interface ConnlistJson {
  readonly apiVersion: typeof OUTPUT_API_VERSION;
  readonly question: "connlist";
  readonly focusWorkloads: readonly string[];
  /** "calico" or "aws-vpc-cni" when the snapshot shows that dataplane (see notes), else null */
  readonly dataplane: string | null;
  readonly connections: readonly ConnectionJson[];
  readonly workloads: readonly ConnlistWorkloadJson[];
  readonly notes: readonly ConnlistNoteJson[];
  /** with `-n NS` only: the namespace whose workloads the list is limited to */
  readonly namespace?: string;
}

export type ConnlistAnswer = Answer<ConnlistInput, ConnlistJson, ConnlistReport>;

export function connlistJson(report: ConnlistReport, input: ConnlistInput = {}): ConnlistJson {
  return {
    apiVersion: OUTPUT_API_VERSION,
    question: "connlist",
    focusWorkloads: input.focusWorkloads ?? [],
    dataplane: report.dataplane ?? null,
    connections: report.connections.map((c) => ({
      src: c.src.id,
      dst: c.dst.id,
      conn: connectionText(c.conn),
      srcKind: c.src.kind,
      dstKind: c.dst.kind,
      allConnections: c.conn.all,
      ports: connectionPorts(c.conn),
    })),
    workloads: report.workloads.map((w) => ({
      id: w.id,
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      pods: w.pods,
      hostNetwork: w.hostNetwork,
      source: formatSource(w.source),
      location: sourceJson(w.source),
    })),
    notes: report.notes.map((n) => ({
      code: n.code,
      message: n.message,
      source: n.source ? formatSource(n.source) : null,
      location: sourceJson(n.source),
    })),
    ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
  };
}

/** `-n NS`: the connections from or to a workload of NS, and NS's workloads; the notes stay whole. */
function inNamespace(report: ConnlistReport, namespace: string): ConnlistReport {
  const ours = (p: { readonly workload?: { readonly namespace: string } | undefined }): boolean =>
    p.workload?.namespace === namespace;
  return {
    ...report,
    connections: report.connections.filter((c) => ours(c.src) || ours(c.dst)),
    workloads: report.workloads.filter((w) => w.namespace === namespace),
  };
}

/** `all`: the whole-cluster analysis with the same focus, when the caller already has it (the report's page, for exposure too) */
export function answerConnlist(snapshot: Snapshot, input: ConnlistInput = {}, all?: ConnlistReport): ConnlistAnswer {
  all ??= analyseConnlist(snapshot, { focusWorkloads: input.focusWorkloads ?? [] });
  const analysis = input.namespace === undefined ? all : inNamespace(all, input.namespace);
  return { input, result: connlistJson(analysis, input), analysis, finding: false };
}
