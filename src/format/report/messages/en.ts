import type { Catalog } from "./catalog.js";

/** `podpath report` in English. */
export const EN: Catalog = {
  title: "podpath report",
  intro: (p) =>
    `Written from the snapshot alone (${p.files} files): every claim names the object and the file:line behind it. Placement follows Kubernetes ${p.version} (${p.versionFrom}, ${p.versionSource}).`,
  namespaceOnly: (ns) =>
    `The report is limited to namespace ${ns} (-n): its workloads, the paths to them, the findings about its objects; the egress table covers every node group.`,
  howToRead:
    "Scheduler messages and hop notes are quoted as kube-scheduler and podpath's trace word them. `podpath place`, `podpath trace` and `podpath egress` show every detail behind a line.",

  secPlacement: "1. Where the pods run",
  placementLead:
    "Nodes are grouped by what the scheduler sees alike: the same taints and the same role or node-group labels. For each workload and node group: where its pods run, where they could run, and why not elsewhere.",
  nodeGroupsHeading: "Node groups",
  colGroup: "group",
  colNodes: "nodes",
  colDefinedBy: "taints and labels",
  taintAt: (p) => `taint \`${p.taint}\` (${p.source})`,
  noTaints: "no taints",
  placementHeading: "Workloads × node groups",
  colWorkload: "workload",
  cellRuns: (p) => `runs (${p.pods === 1 ? "1 pod" : `${p.pods} pods`}: ${p.nodes})`,
  cellPredicted: (p) =>
    `would run (${p.pods === 1 ? "1 pod" : `${p.pods} pods`} not running yet, predicted: ${p.nodes})`,
  cellCanRun: (p) => `can run (${p.nodes})`,
  cellCannot: (p) => `cannot: ${p.refs}`,
  cellNotTargeted: (p) => `not targeted: ${p.refs}`,
  reasonsHeading: "Why not (the reasons the table refers to)",
  reasonOnNodes: (p) => (p.nodes === 1 ? "on 1 node" : `on ${p.nodes} nodes`),
  unschedulable: (p) => `${p.workload} (${p.source}) has pods no node takes: ${p.message}`,
  staticPods: (p) => `Static pods, started by their node's kubelet and never scheduled: ${p.pods}.`,
  staticPod: (p) => `${p.pod} on ${p.node} (${p.source})`,

  secQuestions: "2. Answers",
  questionsLead:
    "The questions people ask about this cluster, answered from the placement above: for each tainted node group, does each namespace's workloads run there?",
  question: (p) => `Does namespace ${p.namespace} run on the ${p.group} node group (${p.nodes})?`,
  answerYes: "Yes",
  answerNo: "No",
  answerPartly: "Partly",
  noneRunThere: (p) =>
    p.count === 1 ? "its workload has no pod there" : `none of its ${p.count} workloads has a pod there`,
  runThere: (p) => `running there: ${p.workloads}`,
  cannotThere: (p) => `kept off: ${p.workloads} — ${p.reason}`,
  canRunThere: (p) => `allowed there but running elsewhere: ${p.workloads}`,
  runElsewhere: (p) => `its pods run on: ${p.groups}`,
  noTaintedGroups: "No node group is tainted: every workload may run on every node the other filters allow.",
  staticThere: (p) => `static pods there (started by the kubelet, never scheduled): ${p.pods}`,
  egressQuestionsHeading: "Which source IP the far end sees",
  egressQuestion: (p) => `Which source IP does ${p.destination} see from a pod on the ${p.group} nodes?`,
  egressAnswerSnat: (p) => `\`${p.ip}\` — rewritten on the way: ${p.steps}.`,
  egressAnswerKept: (p) => `\`${p.ip}\`, the pod's own address: nothing rewrites it.`,

  secExposed: "3. Internet-exposed services: the request and the reply",
  exposedLead:
    "One request from the internet per load-balancer rule, traced hop by hop and back. The diagrams show the packet (source → destination) after each hop; notes mark each NAT.",
  noExposed: "The snapshot shows no internet-facing load balancer or Service of type LoadBalancer.",
  pathTitle: (p) => `${p.lb} ${p.listener}: ${p.rule}`,
  ruleLine: (p) => `rule: ${p.rule} (${p.ruleSource}) on ${p.lbType} ${p.lb} (${p.source})`,
  notForwarded: (p) => `not forwarded to the cluster: ${p.action}`,
  tracedLine: (p) => `traced: \`internet\` → \`${p.to}\``,
  traceError: (p) => `not traced: ${p.message}`,
  backendLine: (p) => `backend: ${p.backend} (${p.source})`,
  questionReply: (p) => `Does the reply of ${p.backend} get back to the client?`,
  replyYes: (p) =>
    `Yes — the pod sees the source ${p.sourceSeen}; its reply comes back, and the client sees it from ${p.replySource}.`,
  replyNoForward: (p) =>
    `No — the request is dropped at ${p.at}: ${p.code}, ${p.message}${p.source ? ` (${p.source})` : ""}.`,
  replyUnknownForward: (p) => `Unknown — the snapshot cannot decide at ${p.at}; capture ${p.capture} to settle it.`,
  replyDropped: (p) =>
    `No — the request arrives, but the reply is dropped at ${p.at}: ${p.code}, ${p.message}${p.source ? ` (${p.source})` : ""}.`,
  replyUnknown: (p) =>
    `Unknown — the request arrives; whether the reply comes back cannot be decided at ${p.at} (capture ${p.capture}).`,
  natForward: "NAT on the way in",
  natReply: "on the way back (conntrack undoes each NAT)",
  natNone: "none",
  natReplyCalico: (p) =>
    `The reply is rewritten only by the connection's own state (${p.components}); Calico natOutgoing does not touch it — it applies to connections a pod opens, not to replies.`,
  diagramLead: "The packet, hop by hop:",
  mermaid: { drop: "DROP", unknown: "UNKNOWN", delivered: (source) => `delivered, source ${source}` },

  secEgress: "4. Egress: which source IP each destination sees",
  egressLead: (p) =>
    `One packet per node group and destination class, from a pod of the group's first node. CNI: ${p.cni}.`,
  colTracedFrom: "traced from",
  colDestination: "destination",
  colTracedTo: "traced to",
  colSnat: "SNAT steps, in order",
  colSourceSeen: "source seen",
  colVerdict: "verdict",
  colReply: "reply",
  destination: (p) =>
    ({
      "same-node-pod": "a pod on the same node",
      "other-node-pod": "a pod on another node",
      "cluster-ip": "a ClusterIP service",
      vpc: "a VPC address (another node's kubelet)",
      internet: "the internet",
    })[p.cls] ?? p.cls,
  snatNone: "none",
  snatThen: ", then ",
  verdictDelivered: "delivered",
  verdictDropped: (p) => `dropped: ${p.code} at ${p.at}`,
  verdictUnknown: (p) => `unknown at ${p.at}`,
  verdictSkipped: (p) => `skipped: ${p.note}`,
  replyReturns: "returns (conntrack)",
  hairpin: "hairpin (its own service)",
  egressDiagram: (p) => `${p.group}: a pod → the internet`,
  noNodes: "The snapshot has no nodes: there is no pod to send from.",

  secLint: "5. Lint findings",
  lintNone: "Lint found nothing to report.",
  colSeverity: "severity",
  colRule: "rule",
  colMessage: "finding",
  colObjects: "objects",
  colFix: "suggested fix",

  secRecommendations: "6. Recommendations",
  recommendationsLead:
    'Each change below was applied to a copy of the snapshot and the analysis run again; it says "verified" only where the re-run shows it.',
  noRecommendations: "Nothing to recommend: no change was found that the re-run analysis would confirm.",
  recPlacementTitle: (p) => `Running ${p.workload} on the ${p.group} node group (only if you want it there)`,
  recPlacementWhy: (p) =>
    `${p.workload} (${p.source}) is exposed to the internet and kept off ${p.group} (${p.nodes}). To move it there, it needs a toleration and a node selection.`,
  recTolerationOnly: (p) =>
    `A toleration alone is not enough: re-run with only the toleration, the feasible nodes are ${p.nodes}, so the pods may still land on ${p.others}. A toleration lets a pod onto a tainted node; it never draws it there.`,
  recChange: "The change (tolerations and nodeSelector):",
  recPatch: (p) => `As a patch of the ${p.kind}: \`${p.command}\``,
  recHelm: "With Helm, so that the next upgrade keeps it:",
  recVerifiedPlacement: (p) => `**Verified**: re-run with the change, the only feasible nodes are ${p.nodes}.`,
  recNotVerified: (p) => `**Not verified**: ${p.why}`,
  recOtherRejections: (p) => `Still rejected for other reasons: ${p.list}`,
  recPolicyTitle: (p) => `An egress NetworkPolicy for namespace ${p.namespace}`,
  recPolicyWhy: (p) =>
    `Namespace ${p.namespace} serves the internet and no NetworkPolicy limits where its pods connect. This policy allows every pod of the cluster (DNS included) and the VPC (${p.cidrs}), and nothing else:`,
  colCheck: "re-run trace (policy applied)",
  colExpected: "expected",
  colResult: "result",
  colHolds: "check",
  expectDelivered: "delivered, reply back",
  expectDropped: "dropped",
  checkHolds: "as expected",
  checkFails: "NOT as expected",
  recVerifiedPolicy: "**Verified**: every re-run trace shows what the policy is meant to do.",
  recNotVerifiedPolicy:
    "**Not verified**: a re-run trace does not show what the policy is meant to do (see the table).",
  recInternetCaveat: (p) =>
    `The internet is dropped for every pod of ${p.namespace} once it applies: add an egress rule for each thing that must be reached there (a Git server, an external API) before applying.`,
  recNameLabel: (p) =>
    `If the rule for the cluster allows DNS only, select kube-system by \`kubernetes.io/metadata.name\` (the API server sets it on every namespace): a namespaceSelector on \`name: kube-system\` matches no namespace of this cluster — re-run with it, DNS is dropped (${p.code} at ${p.at}).`,
};
