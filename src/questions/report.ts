/**
 * `podpath report`: the analysis people read, written from the snapshot alone — where each
 * workload runs per node group and why (the `place` analysis), direct answers to the questions
 * people ask about it, the request and reply paths of every internet-exposed service (the `trace`
 * analysis, one trace per load-balancer rule), the egress table (the `egress` analysis), the lint
 * findings it is given, and recommendations, each re-run with the change applied before it says
 * "verified".
 *
 * The answer is language-neutral data; `src/format/report/` words it from message catalogs.
 */
import { answerLint } from "./lint.js";
import { analyseEgress, type EgressReport } from "../analysis/paths/egress.js";
import { loadBalancersOf, type LoadBalancerView, type RuleView } from "../analysis/paths/load-balancers/index.js";
import { parseEndpoint, type EndpointSpec } from "../analysis/paths/endpoints.js";
import { tracePath, type TraceResult } from "../analysis/paths/trace.js";
import { fixPlace, type FixPlaceResult } from "../analysis/placement/fix/index.js";
import { analysePlacement } from "../analysis/placement/placement.js";
import { resolveKubernetesVersion } from "../analysis/placement/version.js";
import { UserError } from "../model/errors.js";
import type { NetworkPolicy, Node, Toleration, Workload } from "../model/kubernetes.js";
import type { Snapshot } from "../model/snapshot.js";
import { formatSource, NO_SOURCE } from "../model/source.js";
import type { FindingJson } from "./contract.js";
import { answerPlace, type PlacementJson, type ReasonJson, type WorkloadPlacementJson } from "./place.js";
import type { Answer } from "./question.js";
import { reportPage, type ReportPage } from "./report-page.js";

export const REPORT_LANGUAGES = ["en", "ko"] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export interface ReportInput {
  /** the language the Markdown is written in (message catalogs, src/format/report/messages/) */
  readonly lang: ReportLanguage;
  /** lint findings to report; absent: `podpath lint`'s on the same snapshot (`answerLint`), empty: the section says lint found nothing */
  readonly findings?: readonly FindingJson[] | undefined;
  /**
   * `-n NS`: the report on NS's workloads, as kubectl -n: their placement, the exposed paths that
   * end at them, lint's findings about NS's objects, NS's recommendations. Placement and traces
   * still run on the whole snapshot; the egress table is per node group and stays whole.
   */
  readonly namespace?: string | undefined;
  /** also answer connlist and exposure for the HTML page's views (`-o html`; report-page.ts) */
  readonly page?: boolean | undefined;
}

// ---------------------------------------------------------------------------------------------
// Node groups: nodes the scheduler treats alike (same taints, same role and node-group labels)

/** Labels that name a node group: the role labels kubeadm and kubectl show, and the node-group labels of EKS and Karpenter. */
const GROUP_LABEL_PREFIXES = ["node-role.kubernetes.io/"];
const GROUP_LABELS = ["eks.amazonaws.com/nodegroup", "karpenter.sh/nodepool", "alpha.eksctl.io/nodegroup-name"];
const CONTROL_PLANE_ROLES = ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"];

interface ReportNodeGroup {
  /** `control-plane`, a node-group or role label's value, a taint key, else `workers` */
  readonly name: string;
  readonly nodes: readonly string[];
  /** the taints every node of the group carries, `key=value:Effect`, with the first node's taint source */
  readonly taints: readonly { readonly text: string; readonly source: string }[];
  /** the role and node-group labels that define the group, `key=value` */
  readonly labels: readonly string[];
  /** a label selector that selects exactly these nodes (for `fix place --onto`), or null */
  readonly selector: string | null;
}

function taintText(t: { key: string; value: string; effect: string }): string {
  return `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
}

function groupLabels(n: Node): string[] {
  return Object.keys(n.labels)
    .filter((k) => GROUP_LABEL_PREFIXES.some((p) => k.startsWith(p)) || GROUP_LABELS.includes(k))
    .sort()
    .map((k) => (n.labels[k] ? `${k}=${n.labels[k]}` : k));
}

function groupName(n: Node, labels: readonly string[]): string {
  if (CONTROL_PLANE_ROLES.some((r) => n.labels[r] !== undefined)) return "control-plane";
  for (const key of GROUP_LABELS) if (n.labels[key]) return n.labels[key];
  const role = labels.find((l) => l.startsWith("node-role.kubernetes.io/"));
  if (role) return role.slice("node-role.kubernetes.io/".length).replace(/=.*$/, "");
  const taint = n.taints.find((t) => t.effect !== "PreferNoSchedule") ?? n.taints[0];
  if (taint) return taint.key;
  return "workers";
}

function reportNodeGroups(nodes: readonly Node[]): ReportNodeGroup[] {
  const byKey = new Map<string, { nodes: Node[]; labels: string[] }>();
  for (const n of nodes) {
    const labels = groupLabels(n);
    const key = [...n.taints.map(taintText).sort(), "|", ...labels].join("\u0000");
    const g = byKey.get(key) ?? { nodes: [], labels };
    g.nodes.push(n);
    byKey.set(key, g);
  }
  const groups = [...byKey.values()].map((g) => {
    const first = g.nodes[0]!;
    const allNames = new Set(nodes.map((n) => n.name));
    const members = new Set(g.nodes.map((n) => n.name));
    // a selector of the group's labels, if it selects exactly the group's nodes
    const pairs = g.labels.map((l) => l.split("=", 2));
    const selects = (n: Node) => pairs.every(([k, v]) => n.labels[k!] === (v ?? ""));
    const exact =
      pairs.length > 0 &&
      nodes.every((n) => selects(n) === members.has(n.name)) &&
      allNames.size > 0 &&
      g.labels.every((l) => !l.includes(","));
    return {
      name: groupName(first, g.labels),
      nodes: g.nodes.map((n) => n.name).sort(),
      taints: first.taints.map((t) => ({ text: taintText(t), source: formatSource(t.source) })),
      labels: g.labels,
      selector: exact ? g.labels.join(",") : null,
    };
  });
  // names stay unique: a repeated name gets its first node
  const counts = new Map<string, number>();
  for (const g of groups) counts.set(g.name, (counts.get(g.name) ?? 0) + 1);
  return groups
    .map((g) => (counts.get(g.name)! > 1 ? { ...g, name: `${g.name} (${g.nodes[0]})` } : g))
    .sort(
      (a, b) =>
        (a.name === "control-plane" ? 0 : 1) - (b.name === "control-plane" ? 0 : 1) ||
        (a.taints.length > 0 ? 0 : 1) - (b.taints.length > 0 ? 0 : 1) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
}

// ---------------------------------------------------------------------------------------------
// Placement summary: each workload × node group

/** One reason a group's nodes reject a workload, and on how many of them. */
interface GroupReason {
  readonly reason: ReasonJson;
  readonly nodes: number;
}

interface PlacementCell {
  readonly group: string;
  /**
   * runs: a pod of the workload is observed or predicted on a node of the group; can-run: some
   * node of the group is feasible, no pod is there; cannot: every node of the group rejects it;
   * not-targeted: a DaemonSet the controller makes no pod for on the group's nodes
   */
  readonly state: "runs" | "can-run" | "cannot" | "not-targeted";
  /** the group's nodes its pods are on (runs) or that are feasible (can-run) */
  readonly nodes: readonly string[];
  readonly pods: number;
  /** of `pods`, those not running yet: placed by the simulation (the scheduler's choice, or a DaemonSet's new node) */
  readonly predicted: number;
  /** why not (cannot, not-targeted): distinct reasons, the most frequent first */
  readonly reasons: readonly GroupReason[];
}

interface PlacementRow {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly source: string;
  readonly cells: readonly PlacementCell[];
  /** the scheduler's message for pods no node takes, or null */
  readonly unschedulable: string | null;
}

function reasonKey(r: ReasonJson): string {
  return [r.plugin, r.message, r.detail ?? "", r.source ?? ""].join("\u0000");
}

function countReasons(reasons: readonly ReasonJson[]): GroupReason[] {
  const counted = new Map<string, { reason: ReasonJson; nodes: number }>();
  for (const r of reasons) {
    const k = reasonKey(r);
    const c = counted.get(k) ?? { reason: r, nodes: 0 };
    c.nodes++;
    counted.set(k, c);
  }
  return [...counted.entries()]
    .sort(([ka, a], [kb, b]) => b.nodes - a.nodes || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([, c]) => c);
}

function placementCell(w: WorkloadPlacementJson, g: ReportNodeGroup): PlacementCell {
  const members = new Set(g.nodes);
  const here = w.pods.filter((p) => {
    const node = p.observedNode ?? p.predictedNode;
    return node !== null && members.has(node);
  });
  if (here.length > 0)
    return {
      group: g.name,
      state: "runs",
      nodes: [...new Set(here.map((p) => (p.observedNode ?? p.predictedNode)!))].sort(),
      pods: here.length,
      predicted: here.filter((p) => p.observedNode === null).length,
      reasons: [],
    };
  if (w.targetedNodes !== null) {
    const skipped = w.notTargeted.filter((n) => members.has(n.node));
    if (skipped.length === g.nodes.length) {
      const reasons = skipped.map((n): ReasonJson => ({
        plugin: `DaemonSet ${n.rule}`,
        message: n.reason,
        detail: null,
        source: n.source,
        location: n.location,
      }));
      return { group: g.name, state: "not-targeted", nodes: [], pods: 0, predicted: 0, reasons: countReasons(reasons) };
    }
  }
  const feasible = w.feasibleNodes.filter((n) => members.has(n));
  if (feasible.length > 0)
    return { group: g.name, state: "can-run", nodes: feasible, pods: 0, predicted: 0, reasons: [] };
  const rejected = w.nodes.filter((n) => members.has(n.node)).flatMap((n) => n.reasons);
  return { group: g.name, state: "cannot", nodes: [], pods: 0, predicted: 0, reasons: countReasons(rejected) };
}

function placementRows(placement: PlacementJson, groups: readonly ReportNodeGroup[]): PlacementRow[] {
  return placement.workloads.map((w) => ({
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    source: w.source,
    cells: groups.map((g) => placementCell(w, g)),
    unschedulable: w.pods.find((p) => p.unschedulable !== null)?.unschedulable ?? null,
  }));
}

// ---------------------------------------------------------------------------------------------
// The questions people ask: does this family of workloads run on that tainted node group?

interface PlacementQuestion {
  /** the family: the workloads of one namespace */
  readonly namespace: string;
  readonly group: string;
  readonly groupNodes: readonly string[];
  readonly answer: "yes" | "no" | "partly";
  /** workloads with a pod on the group's nodes */
  readonly runs: readonly { readonly name: string; readonly source: string; readonly nodes: readonly string[] }[];
  /** workloads feasible there whose pods run elsewhere */
  readonly canRun: readonly string[];
  /** workloads the group rejects (or a DaemonSet does not target), with the most frequent reason */
  readonly cannot: readonly { readonly name: string; readonly source: string; readonly reason: ReasonJson }[];
  /** the groups the family's other pods run on */
  readonly elsewhere: readonly string[];
  /** the namespace's static pods on the group's nodes (their kubelet runs them; no scheduler, no taint) */
  readonly staticPods: readonly { readonly name: string; readonly node: string; readonly source: string }[];
}

function placementQuestions(
  rows: readonly PlacementRow[],
  groups: readonly ReportNodeGroup[],
  staticPods: PlacementJson["staticPods"],
): PlacementQuestion[] {
  const questions: PlacementQuestion[] = [];
  const namespaces = [...new Set(rows.map((r) => r.namespace))].sort();
  for (const g of groups) {
    if (g.taints.length === 0) continue;
    for (const ns of namespaces) {
      const family = rows.filter((r) => r.namespace === ns);
      const cells = family.map((r) => ({ row: r, cell: r.cells.find((c) => c.group === g.name)! }));
      const runs = cells
        .filter((c) => c.cell.state === "runs")
        .map((c) => ({ name: c.row.name, source: c.row.source, nodes: c.cell.nodes }));
      const canRun = cells.filter((c) => c.cell.state === "can-run").map((c) => c.row.name);
      const cannot = cells
        .filter((c) => (c.cell.state === "cannot" || c.cell.state === "not-targeted") && c.cell.reasons.length > 0)
        .map((c) => ({ name: c.row.name, source: c.row.source, reason: c.cell.reasons[0]!.reason }));
      const elsewhere = groups
        .filter((o) => o.name !== g.name)
        .filter((o) => family.some((r) => r.cells.find((c) => c.group === o.name)?.state === "runs"))
        .map((o) => o.name);
      const answer = runs.length === family.length ? "yes" : runs.length === 0 ? "no" : "partly";
      const members = new Set(g.nodes);
      const statics = staticPods
        .filter((p) => p.namespace === ns && members.has(p.node))
        .map((p) => ({ name: p.name, node: p.node, source: p.source }));
      questions.push({
        namespace: ns,
        group: g.name,
        groupNodes: g.nodes,
        answer,
        runs,
        canRun,
        cannot,
        elsewhere,
        staticPods: statics,
      });
    }
  }
  return questions;
}

// ---------------------------------------------------------------------------------------------
// Internet-exposed services: one trace from the internet per load-balancer rule

export interface ExposedPath {
  readonly loadBalancer: {
    readonly name: string;
    readonly type: LoadBalancerView["type"];
    readonly dnsName: string | null;
    readonly source: string;
  };
  /** `HTTPS:443` */
  readonly listener: string;
  /** the rule's description (`priority 1: host growbin.app, path /argocd, /argocd/*`), or the Service for a layer-4 load balancer */
  readonly rule: string;
  readonly ruleSource: string;
  /** what was traced to: `url:https://growbin.app/argocd`, `service:NS/NAME` */
  readonly tracedTo: string;
  /** the rule does not forward: its action (`redirect to HTTPS:443`, `fixed-response 404`) */
  readonly notForwarded: string | null;
  readonly trace: TraceResult | null;
  /** the trace could not be asked (the endpoint does not resolve): the reason */
  readonly error: string | null;
}

function actionText(rule: RuleView): string | null {
  const a = rule.actions[0];
  if (!a || a.type === "forward") return null;
  if (a.type === "redirect")
    return `redirect ${a.statusCode} to ${a.protocol ?? "#{protocol}"}:${a.port ?? "#{port}"}${a.path && a.path !== "/#{path}" ? ` ${a.path}` : ""}`;
  return `fixed-response ${a.statusCode}`;
}

/** The first concrete request a rule matches: its first host (else the load balancer's name) and path. */
function ruleRequest(lb: LoadBalancerView, rule: RuleView, protocol: string, port: number): EndpointSpec | null {
  const hostValue = rule.conditions.find((c) => c.field === "host-header")?.values.find((v) => !/[*?]/.test(v));
  const host = hostValue ?? lb.dnsName;
  if (!host) return null;
  const pattern = rule.conditions.find((c) => c.field === "path-pattern")?.values[0] ?? "/";
  const wildcard = pattern.search(/[*?]/);
  const path = (wildcard >= 0 ? pattern.slice(0, wildcard) : pattern) || "/";
  const scheme = protocol.toUpperCase() === "HTTPS" ? "https" : "http";
  return { kind: "url", scheme, host, port, path };
}

function endpointText(e: EndpointSpec): string {
  switch (e.kind) {
    case "url":
      return `url:${e.scheme}://${e.host}${(e.scheme === "https" && e.port === 443) || (e.scheme === "http" && e.port === 80) ? "" : `:${e.port}`}${e.path}`;
    case "pod":
    case "workload":
    case "service":
      return `${e.kind}:${e.namespace}/${e.name}`;
    case "node":
      return `node:${e.name}`;
    case "ip":
      return `ip:${e.ip}`;
    case "internet":
      return "internet";
  }
}

function traceOrError(
  snapshot: Snapshot,
  to: EndpointSpec,
  port?: number,
): { trace: TraceResult | null; error: string | null } {
  try {
    return { trace: tracePath(snapshot, { from: { kind: "internet" }, to, port }), error: null };
  } catch (e) {
    // an endpoint the snapshot cannot resolve is a UserError: the report says why and goes on
    if (e instanceof UserError) return { trace: null, error: e.message };
    throw e;
  }
}

function exposedPaths(snapshot: Snapshot): ExposedPath[] {
  const paths: ExposedPath[] = [];
  const model = loadBalancersOf(snapshot);
  const lbs = [...model.loadBalancers]
    .filter((lb) => lb.scheme === "internet-facing")
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const lb of lbs) {
    const lbHead = { name: lb.name, type: lb.type, dnsName: lb.dnsName ?? null, source: formatSource(lb.source) };
    const listeners = [...lb.listeners].sort((a, b) => a.port - b.port);
    for (const listener of listeners) {
      const listenerText = `${listener.protocol}:${listener.port}`;
      if (lb.type !== "application") {
        if (!lb.service) continue;
        const to: EndpointSpec = { kind: "service", namespace: lb.service.namespace, name: lb.service.name };
        paths.push({
          loadBalancer: lbHead,
          listener: listenerText,
          rule: `Service ${lb.service.namespace}/${lb.service.name}`,
          ruleSource: formatSource(lb.service.source),
          tracedTo: endpointText(to),
          notForwarded: null,
          ...traceOrError(snapshot, to, listener.port),
        });
        continue;
      }
      for (const rule of listener.rules) {
        const notForwarded = actionText(rule);
        const request = notForwarded === null ? ruleRequest(lb, rule, listener.protocol, listener.port) : null;
        const base = {
          loadBalancer: lbHead,
          listener: listenerText,
          rule: rule.description,
          ruleSource: formatSource(rule.source),
        };
        if (notForwarded !== null || request === null) {
          paths.push({
            ...base,
            tracedTo: "-",
            notForwarded: notForwarded ?? "no host to send a request to",
            trace: null,
            error: null,
          });
          continue;
        }
        paths.push({
          ...base,
          tracedTo: endpointText(request),
          notForwarded: null,
          ...traceOrError(snapshot, request),
        });
      }
    }
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Recommendations, each re-run with the change applied

/**
 * Putting an internet-exposed workload on a tainted node group: `fix place` computes the
 * toleration and node selection and re-runs placement; the toleration alone is re-run too, to
 * show what it does (a toleration lets pods onto a tainted node, it never draws them there:
 * kube-scheduler plugins/tainttoleration/taint_toleration.go Filter only admits).
 */
export interface PlacementRecommendation {
  readonly kind: "placement";
  readonly workload: string;
  readonly workloadKind: string;
  readonly source: string;
  readonly group: string;
  readonly onto: string;
  readonly fix: FixPlaceResult;
  /** the nodes feasible with the group's tolerations only */
  readonly tolerationOnlyFeasible: readonly string[];
}

/** One trace re-run with the proposed objects laid over the snapshot, and what it should show. */
interface PolicyCheck {
  readonly from: string;
  readonly to: string;
  readonly port: number | undefined;
  readonly protocol: "TCP" | "UDP";
  /** what the recommendation claims: delivered (the reply too) or dropped */
  readonly expected: "delivered" | "dropped";
  readonly trace: TraceResult | null;
  readonly error: string | null;
  /** the re-run shows what was expected */
  readonly holds: boolean;
}

/**
 * An egress NetworkPolicy for a namespace that has none and serves the internet: allow every pod
 * of the cluster and the VPC, nothing else (the internet is dropped). Checked by tracing with the
 * policy laid over the snapshot: DNS, a pod on another node, a VPC address, the internet, and the
 * load balancer's request and its reply. A DNS rule that selects kube-system by `name:
 * kube-system` is re-traced too: the API server labels every named namespace
 * `kubernetes.io/metadata.name` (kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Namespace,
 * GA since v1.22), not `name`.
 */
export interface EgressPolicyRecommendation {
  readonly kind: "egress-policy";
  readonly namespace: string;
  readonly vpcCidrs: readonly string[];
  /** the policy as YAML, ready for `kubectl apply -f` */
  readonly yaml: string;
  readonly checks: readonly PolicyCheck[];
  /** the same policy with kube-system selected by a `name: kube-system` label, when no namespace carries it: DNS re-traced */
  readonly nameLabelCheck: PolicyCheck | null;
  readonly verified: boolean;
}

type Recommendation = PlacementRecommendation | EgressPolicyRecommendation;

function tolerationsFor(node: Node): Toleration[] {
  return node.taints
    .filter((t) => t.effect !== "PreferNoSchedule")
    .map((t) => ({
      key: t.key,
      operator: "Exists",
      value: "",
      effect: t.effect,
      tolerationSeconds: undefined,
      source: t.source,
    }));
}

function tolerationOnlyFeasible(snapshot: Snapshot, workload: Workload, tolerations: readonly Toleration[]): string[] {
  const modified: Workload = {
    ...workload,
    template: {
      ...workload.template,
      spec: { ...workload.template.spec, tolerations: [...workload.template.spec.tolerations, ...tolerations] },
    },
  };
  const k = snapshot.kubernetes;
  const changed: Snapshot = {
    ...snapshot,
    kubernetes: { ...k, workloads: k.workloads.map((w) => (w === workload ? modified : w)) },
  };
  const report = analysePlacement(changed, {
    workload: `${workload.namespace}/${workload.name}`,
    version: resolveKubernetesVersion(changed),
  });
  const w = report.workloads.find((x) => x.kind === workload.kind) ?? report.workloads[0];
  return w ? [...w.feasibleNodes] : [];
}

/** The workload behind a trace's delivery: the pod's owner. */
/** the namespace of the pod a trace delivers to (its last hop `pod NS/NAME`), if it does */
function deliveredNamespace(t: TraceResult): string | undefined {
  const last = t.hops[t.hops.length - 1];
  if (!last || last.action !== "deliver" || !last.hop.startsWith("pod ")) return undefined;
  return last.hop.slice("pod ".length).split("/")[0];
}

function backendWorkload(snapshot: Snapshot, t: TraceResult): Workload | undefined {
  const last = t.hops[t.hops.length - 1];
  if (!last || last.action !== "deliver" || !last.hop.startsWith("pod ")) return undefined;
  const ref = last.hop.slice("pod ".length);
  const pod = snapshot.kubernetes.pods.find((p) => `${p.namespace}/${p.name}` === ref);
  if (!pod) return undefined;
  const owner = pod.owner;
  if (!owner) return undefined;
  return snapshot.kubernetes.workloads.find(
    (w) => w.kind === owner.kind && w.namespace === owner.namespace && w.name === owner.name,
  );
}

function placementRecommendations(
  snapshot: Snapshot,
  groups: readonly ReportNodeGroup[],
  rows: readonly PlacementRow[],
  exposed: readonly ExposedPath[],
): PlacementRecommendation[] {
  const recs: PlacementRecommendation[] = [];
  const seen = new Set<string>();
  for (const path of exposed) {
    if (!path.trace) continue;
    const workload = backendWorkload(snapshot, path.trace);
    if (!workload) continue;
    const id = `${workload.namespace}/${workload.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const row = rows.find((r) => r.namespace === workload.namespace && r.name === workload.name);
    if (!row) continue;
    for (const g of groups) {
      if (g.taints.length === 0 || g.selector === null) continue;
      const cell = row.cells.find((c) => c.group === g.name);
      if (!cell || cell.state !== "cannot") continue;
      let fix: FixPlaceResult;
      try {
        fix = fixPlace(snapshot, { workload: id, onto: g.selector });
      } catch (e) {
        if (e instanceof UserError) continue;
        throw e;
      }
      const node = snapshot.kubernetes.nodes.find((n) => n.name === g.nodes[0]);
      const tolerations = node ? tolerationsFor(node) : [];
      recs.push({
        kind: "placement",
        workload: id,
        workloadKind: workload.kind,
        source: row.source,
        group: g.name,
        onto: g.selector,
        fix,
        tolerationOnlyFeasible: tolerationOnlyFeasible(snapshot, workload, tolerations),
      });
    }
  }
  return recs;
}

const DNS_PORT = 53;

const POLICY_NAME = "allow-egress-in-cluster-and-vpc";

/**
 * The recommended policy: every pod of the cluster (a namespaceSelector `{}` peer: all pods of all
 * namespaces, DNS included) and the VPC's CIDRs, nothing else. `dnsByNameLabel`: the shape that
 * allows only DNS in the cluster, selecting kube-system by a `name` label, re-traced to show what it
 * does where no namespace carries that label.
 */
function egressPolicy(namespace: string, vpcCidrs: readonly string[], dnsByNameLabel = false): NetworkPolicy {
  const meta = {
    kind: "NetworkPolicy",
    namespace,
    name: POLICY_NAME,
    apiVersion: "networking.k8s.io/v1",
    labels: {},
    annotations: {},
    uid: undefined,
    ownerReferences: [],
    source: NO_SOURCE,
  };
  const vpc = {
    ports: [],
    peers: vpcCidrs.map((cidr) => ({
      podSelector: undefined,
      namespaceSelector: undefined,
      ipBlock: { cidr, except: [] },
    })),
    source: NO_SOURCE,
  };
  const cluster = dnsByNameLabel
    ? {
        ports: [
          { protocol: "UDP" as const, port: DNS_PORT, endPort: undefined },
          { protocol: "TCP" as const, port: DNS_PORT, endPort: undefined },
        ],
        peers: [
          {
            podSelector: undefined,
            namespaceSelector: { matchLabels: { name: "kube-system" }, matchExpressions: [] },
            ipBlock: undefined,
          },
        ],
        source: NO_SOURCE,
      }
    : {
        ports: [],
        peers: [
          { podSelector: undefined, namespaceSelector: { matchLabels: {}, matchExpressions: [] }, ipBlock: undefined },
        ],
        source: NO_SOURCE,
      };
  return {
    meta,
    namespace,
    name: meta.name,
    podSelector: { matchLabels: {}, matchExpressions: [] },
    policyTypes: ["Egress"],
    ingress: [],
    egress: [cluster, vpc],
  };
}

function egressPolicyYaml(namespace: string, vpcCidrs: readonly string[]): string {
  return [
    "apiVersion: networking.k8s.io/v1",
    "kind: NetworkPolicy",
    "metadata:",
    `  name: ${POLICY_NAME}`,
    `  namespace: ${namespace}`,
    "spec:",
    "  podSelector: {}",
    "  policyTypes:",
    "    - Egress",
    "  egress:",
    "    - to:",
    "        - namespaceSelector: {}",
    "    - to:",
    ...vpcCidrs.flatMap((c) => ["        - ipBlock:", `            cidr: ${c}`]),
  ].join("\n");
}

function withPolicy(snapshot: Snapshot, policy: NetworkPolicy): Snapshot {
  const k = snapshot.kubernetes;
  return { ...snapshot, kubernetes: { ...k, networkPolicies: [...k.networkPolicies, policy] } };
}

function check(
  snapshot: Snapshot,
  from: EndpointSpec,
  to: EndpointSpec,
  expected: PolicyCheck["expected"],
  port?: number,
  protocol: "TCP" | "UDP" = "TCP",
): PolicyCheck {
  let trace: TraceResult | null = null;
  let error: string | null = null;
  try {
    trace = tracePath(snapshot, { from, to, port, protocol });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    error = e.message;
  }
  const holds =
    trace !== null &&
    (expected === "delivered"
      ? trace.verdict === "delivered" && trace.return.verdict !== "dropped" && trace.return.verdict !== "unknown"
      : trace.verdict === "dropped");
  return { from: endpointText(from), to: endpointText(to), port, protocol, expected, trace, error, holds };
}

function egressPolicyRecommendations(
  snapshot: Snapshot,
  exposed: readonly ExposedPath[],
  egress: EgressReport,
): EgressPolicyRecommendation[] {
  const k = snapshot.kubernetes;
  const dns = k.services.find((s) => s.namespace === "kube-system" && s.name === "kube-dns");
  const vpcCidrs = [...new Set(snapshot.aws.vpcs.flatMap((v) => v.cidrBlocks))].sort();
  if (!dns || vpcCidrs.length === 0) return [];
  const recs: EgressPolicyRecommendation[] = [];
  const seen = new Set<string>();
  for (const path of exposed) {
    if (!path.trace) continue;
    const workload = backendWorkload(snapshot, path.trace);
    if (!workload || seen.has(workload.namespace)) continue;
    seen.add(workload.namespace);
    const ns = workload.namespace;
    if (k.networkPolicies.some((p) => p.namespace === ns && p.policyTypes.includes("Egress"))) continue;
    const changed = withPolicy(snapshot, egressPolicy(ns, vpcCidrs));
    const from: EndpointSpec = { kind: "workload", namespace: ns, name: workload.name };
    const dnsTo: EndpointSpec = { kind: "service", namespace: "kube-system", name: "kube-dns" };
    const vpcRow = egress.rows.find((r) => r.destinationClass === "vpc" && r.trace?.to.ip);
    const podRow = egress.rows.find((r) => r.destinationClass === "other-node-pod" && r.trace);
    const podTo = podRow?.trace ? parseEndpoint(podRow.trace.to.endpoint) : undefined;
    const checks: PolicyCheck[] = [
      check(changed, from, dnsTo, "delivered", DNS_PORT, "UDP"),
      ...(podTo && podRow?.trace ? [check(changed, from, podTo, "delivered", podRow.trace.port)] : []),
      ...(vpcRow?.trace?.to.ip
        ? [check(changed, from, { kind: "ip", ip: vpcRow.trace.to.ip }, "delivered", vpcRow.trace.port)]
        : []),
      check(changed, from, { kind: "internet" }, "dropped", 443),
      ...(path.trace ? [check(changed, { kind: "internet" }, urlOrService(path), "delivered")] : []),
    ];
    const kubeSystem = k.namespaces.find((n) => n.name === "kube-system");
    const nameLabelCheck =
      kubeSystem && kubeSystem.labels["name"] !== "kube-system"
        ? check(withPolicy(snapshot, egressPolicy(ns, vpcCidrs, true)), from, dnsTo, "dropped", DNS_PORT, "UDP")
        : null;
    recs.push({
      kind: "egress-policy",
      namespace: ns,
      vpcCidrs,
      yaml: egressPolicyYaml(ns, vpcCidrs),
      checks,
      nameLabelCheck,
      verified: checks.every((c) => c.holds),
    });
  }
  return recs;
}

function urlOrService(path: ExposedPath): EndpointSpec {
  const t = path.tracedTo;
  if (t.startsWith("url:")) {
    const u = new URL(t.slice(4));
    return {
      kind: "url",
      scheme: u.protocol === "https:" ? "https" : "http",
      host: u.hostname,
      port: u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80,
      path: u.pathname,
    };
  }
  const [namespace, name] = t.slice("service:".length).split("/");
  return { kind: "service", namespace: namespace!, name: name! };
}

// ---------------------------------------------------------------------------------------------

export interface ReportAnalysis {
  readonly lang: ReportLanguage;
  readonly files: number;
  readonly placement: PlacementJson;
  readonly groups: readonly ReportNodeGroup[];
  readonly rows: readonly PlacementRow[];
  readonly questions: readonly PlacementQuestion[];
  readonly exposed: readonly ExposedPath[];
  readonly egress: EgressReport;
  /** Calico networks the pods and an IP pool masquerades outgoing traffic (natOutgoing): the report says it leaves replies alone */
  readonly calicoNatOutgoing: boolean;
  readonly findings: readonly FindingJson[];
  readonly recommendations: readonly Recommendation[];
  /** with `-n NS` only: the namespace the report is limited to */
  readonly namespace?: string;
  /** what the HTML page adds: the cluster map; connlist and exposure with `input.page` (report-page.ts) */
  readonly page: ReportPage;
}

export type ReportAnswer = Answer<ReportInput, ReportAnalysis, ReportAnalysis>;

/** Runs place, trace (per exposed rule), egress and the recommendations' re-runs on one snapshot. */
export function answerReport(snapshot: Snapshot, input: ReportInput): ReportAnswer {
  const ns = input.namespace;
  const placed = answerPlace(snapshot, { namespace: ns });
  const placement = placed.result;
  const groups = reportNodeGroups(snapshot.kubernetes.nodes);
  const rows = placementRows(placement, groups);
  // -n: the paths whose trace ends at one of NS's workloads (or at a Service of NS when it did not arrive)
  const exposed = exposedPaths(snapshot).filter(
    (p) =>
      ns === undefined ||
      (p.trace ? deliveredNamespace(p.trace) === ns : false) ||
      p.tracedTo.startsWith(`service:${ns}/`),
  );
  const egress = analyseEgress(snapshot);
  const recommendations: Recommendation[] = [
    ...placementRecommendations(snapshot, groups, rows, exposed),
    ...egressPolicyRecommendations(snapshot, exposed, egress),
  ].filter((r) => ns === undefined || r.kind === "placement" || r.namespace === ns);
  const analysis: ReportAnalysis = {
    lang: input.lang,
    files: snapshot.files.length,
    placement,
    groups,
    rows,
    questions: placementQuestions(rows, groups, placement.staticPods),
    exposed,
    egress,
    calicoNatOutgoing:
      egress.cni.startsWith("calico") && snapshot.kubernetes.ipPools.some((p) => p.natOutgoing && !p.disabled),
    // without -n, place's analysis is every workload's: lint reuses it instead of placing again
    findings:
      input.findings ??
      answerLint(snapshot, { namespace: ns }, ns === undefined ? { placement: placed.analysis } : {}).result.findings,
    recommendations,
    ...(ns === undefined ? {} : { namespace: ns }),
    page: reportPage(snapshot, placement, ns, input.page === true),
  };
  return { input, result: analysis, analysis, finding: false };
}
