import type { MermaidWords } from "../../trace.js";

/**
 * The sentences of `podpath report`, one key per sentence template, in every language the report
 * is written in (en.ts, ko.ts: the same keys, a test checks it). Object names, IPs, ports, rule
 * ids and `file:line` are parameters and stay as they are; kube-scheduler's messages and the
 * trace's hop notes are upstream wording and are quoted, not translated.
 */
export interface Catalog {
  readonly title: string;
  readonly intro: (p: { files: number; version: string; versionFrom: string; versionSource: string }) => string;
  /** `-n NS`: the sentence saying what the report is limited to */
  readonly namespaceOnly: (namespace: string) => string;
  readonly howToRead: string;

  // 1. placement
  readonly secPlacement: string;
  readonly placementLead: string;
  readonly nodeGroupsHeading: string;
  readonly colGroup: string;
  readonly colNodes: string;
  readonly colDefinedBy: string;
  readonly taintAt: (p: { taint: string; source: string }) => string;
  readonly noTaints: string;
  readonly placementHeading: string;
  readonly colWorkload: string;
  readonly cellRuns: (p: { pods: number; nodes: string }) => string;
  readonly cellPredicted: (p: { pods: number; nodes: string }) => string;
  readonly cellCanRun: (p: { nodes: string }) => string;
  readonly cellCannot: (p: { refs: string }) => string;
  readonly cellNotTargeted: (p: { refs: string }) => string;
  readonly reasonsHeading: string;
  readonly reasonOnNodes: (p: { nodes: number }) => string;
  readonly unschedulable: (p: { workload: string; source: string; message: string }) => string;
  readonly staticPods: (p: { pods: string }) => string;
  readonly staticPod: (p: { pod: string; node: string; source: string }) => string;

  // 2. questions
  readonly secQuestions: string;
  readonly questionsLead: string;
  readonly question: (p: { namespace: string; group: string; nodes: string }) => string;
  readonly answerYes: string;
  readonly answerNo: string;
  readonly answerPartly: string;
  readonly noneRunThere: (p: { count: number }) => string;
  readonly runThere: (p: { workloads: string }) => string;
  readonly cannotThere: (p: { workloads: string; reason: string }) => string;
  readonly canRunThere: (p: { workloads: string }) => string;
  readonly runElsewhere: (p: { groups: string }) => string;
  readonly noTaintedGroups: string;
  readonly staticThere: (p: { pods: string }) => string;
  readonly egressQuestionsHeading: string;
  readonly egressQuestion: (p: { destination: string; group: string }) => string;
  readonly egressAnswerSnat: (p: { ip: string; steps: string }) => string;
  readonly egressAnswerKept: (p: { ip: string }) => string;

  // 3. internet-exposed services
  readonly secExposed: string;
  readonly exposedLead: string;
  readonly noExposed: string;
  readonly pathTitle: (p: { lb: string; listener: string; rule: string }) => string;
  readonly ruleLine: (p: { lbType: string; lb: string; source: string; rule: string; ruleSource: string }) => string;
  readonly notForwarded: (p: { action: string }) => string;
  readonly tracedLine: (p: { to: string }) => string;
  readonly traceError: (p: { message: string }) => string;
  readonly backendLine: (p: { backend: string; source: string }) => string;
  readonly questionReply: (p: { backend: string }) => string;
  readonly replyYes: (p: { sourceSeen: string; replySource: string }) => string;
  readonly replyNoForward: (p: { at: string; code: string; message: string; source: string }) => string;
  readonly replyUnknownForward: (p: { at: string; capture: string }) => string;
  readonly replyDropped: (p: { at: string; code: string; message: string; source: string }) => string;
  readonly replyUnknown: (p: { at: string; capture: string }) => string;
  readonly natForward: string;
  readonly natReply: string;
  readonly natNone: string;
  readonly natReplyCalico: (p: { components: string }) => string;
  readonly diagramLead: string;
  /** the notes of the sequence diagrams (format/trace.ts MermaidWords) */
  readonly mermaid: MermaidWords;

  // 4. egress
  readonly secEgress: string;
  readonly egressLead: (p: { cni: string }) => string;
  readonly colTracedFrom: string;
  readonly colDestination: string;
  readonly colTracedTo: string;
  readonly colSnat: string;
  readonly colSourceSeen: string;
  readonly colVerdict: string;
  readonly colReply: string;
  readonly destination: (p: { cls: string }) => string;
  readonly snatNone: string;
  readonly snatThen: string;
  readonly verdictDelivered: string;
  readonly verdictDropped: (p: { code: string; at: string }) => string;
  readonly verdictUnknown: (p: { at: string }) => string;
  readonly verdictSkipped: (p: { note: string }) => string;
  readonly replyReturns: string;
  readonly hairpin: string;
  readonly egressDiagram: (p: { group: string }) => string;
  readonly noNodes: string;

  // 5. lint
  readonly secLint: string;
  readonly lintNone: string;
  readonly colSeverity: string;
  readonly colRule: string;
  readonly colMessage: string;
  readonly colObjects: string;
  readonly colFix: string;

  // 6. recommendations
  readonly secRecommendations: string;
  readonly recommendationsLead: string;
  readonly noRecommendations: string;
  readonly recPlacementTitle: (p: { workload: string; group: string }) => string;
  readonly recPlacementWhy: (p: { workload: string; source: string; group: string; nodes: string }) => string;
  readonly recTolerationOnly: (p: { nodes: string; others: string }) => string;
  readonly recChange: string;
  readonly recPatch: (p: { kind: string; command: string }) => string;
  readonly recHelm: string;
  readonly recVerifiedPlacement: (p: { nodes: string }) => string;
  readonly recNotVerified: (p: { why: string }) => string;
  readonly recOtherRejections: (p: { list: string }) => string;
  readonly recPolicyTitle: (p: { namespace: string }) => string;
  readonly recPolicyWhy: (p: { namespace: string; cidrs: string }) => string;
  readonly colCheck: string;
  readonly colExpected: string;
  readonly colResult: string;
  readonly colHolds: string;
  readonly expectDelivered: string;
  readonly expectDropped: string;
  readonly checkHolds: string;
  readonly checkFails: string;
  readonly recVerifiedPolicy: string;
  readonly recNotVerifiedPolicy: string;
  readonly recInternetCaveat: (p: { namespace: string }) => string;
  readonly recNameLabel: (p: { code: string; at: string }) => string;
}
