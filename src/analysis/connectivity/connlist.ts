import type {
  LabelSelector,
  Labels,
  Namespace,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
} from "../../model/kubernetes.js";
import { formatIPv4, parseIPv4 } from "../../model/net.js";
import { selectorMatches } from "../../model/selectors.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { namespaceLabels, peerMatches, type MatchContext, type PolicyEndpoint } from "../paths/network-policy.js";
import { classifyIngresses } from "../paths/load-balancers/controller/group-loader.js";
import { nodeAgent } from "../paths/node-agents.js";
import { detectCni } from "../paths/vpc-cni.js";
import {
  ALL_CONNECTIONS,
  NO_CONNECTIONS,
  allPortsOf,
  intersect,
  isEmpty,
  portRange,
  union,
  type ConnectionSet,
} from "./connection-set.js";
import { workloadClasses } from "./classes.js";
import { ingressControllerConnections, INGRESS_CONTROLLER_NAMESPACE } from "./ingress-controller.js";
import { externalPeers, ipBlockRanges, rangeText, type IpRange } from "./ip-ranges.js";
import { workloadPeers, type LabelGap, type WorkloadPeer } from "./workloads.js";

/**
 * The allowed connections between every pair of workloads, and between workloads and external
 * address ranges, by NetworkPolicy (networking.k8s.io/v1) alone — np-guard netpol-analyzer's
 * `connlist` (pkg/netpol/connlist/connlist.go `getConnectionsBetweenPeers`,
 * pkg/netpol/eval/check.go `allAllowedConnectionsBetweenPeers`,
 * pkg/netpol/eval/internal/k8s/netpol.go `GetXgressAllowedConns`, `ruleConnections`):
 *
 * - a connection from A to B is what A's egress allows to B intersected with what B's ingress
 *   allows from A; a direction nothing isolates allows every connection;
 * - a direction's allowed set is the union, over the policies selecting the pod for it, of the
 *   rules that select the peer (podpath's `peerMatches`, the matcher `trace` uses) — each rule's
 *   ports as a set: no ports is every connection, a port without number every port of its
 *   protocol, `port`..`endPort`, a named port resolved in the destination's container ports
 *   (with the rule's protocol; unresolved: nothing);
 * - ipBlocks select address ranges only, never pods (netpol-analyzer's reading; `trace` matches
 *   pod IPs too by default, see network-policy.ts);
 * - a workload to itself, and an address range to an address range, are not listed; nor are
 *   empty connections. Lines are sorted by source, then destination.
 *
 * Ingress objects and OpenShift Routes add `{ingress-controller}` (ingress-controller.ts).
 */

export type PeerKind = "workload" | "external" | "ingress-controller";

interface ConnPeer {
  /** netpol-analyzer's peer string: `NS/NAME[Kind]`, `A-B[External]`, `{ingress-controller}` */
  readonly id: string;
  readonly kind: PeerKind;
  readonly workload?: WorkloadPeer;
  readonly range?: IpRange;
}

interface Connection {
  readonly src: ConnPeer;
  readonly dst: ConnPeer;
  readonly conn: ConnectionSet;
}

export interface ConnlistNote {
  readonly code:
    | "host-network"
    | "node-local"
    | "label-gap"
    | "focus-not-found"
    | "ingress-blocked"
    | "alb-ingress"
    | "ipblock-pods"
    | "vpc-cni-policy-agent";
  readonly message: string;
  readonly source: SourceRef | undefined;
}

export interface ConnlistOptions {
  /** `NAME` or `NS/NAME`: list only connections from or to these workloads (`--focus-workload`) */
  readonly focusWorkloads?: readonly string[];
}

export interface ConnlistReport {
  readonly connections: readonly Connection[];
  readonly workloads: readonly WorkloadPeer[];
  readonly notes: readonly ConnlistNote[];
  /** the dataplane the notes speak of, when the snapshot shows one */
  readonly dataplane: "calico" | "aws-vpc-cni" | undefined;
}

const INGRESS_CONTROLLER_ID = "{ingress-controller}";

/** what a peer is to NetworkPolicy */
function endpointOf(peer: ConnPeer): PolicyEndpoint {
  if (peer.workload)
    return {
      kind: "pod",
      namespace: peer.workload.namespace,
      name: peer.workload.name,
      labels: peer.workload.labels,
      ip: undefined,
      ports: peer.workload.ports,
    };
  if (peer.range) return { kind: "ip", ip: formatIPv4(peer.range.first) };
  // netpol-analyzer's stand-in ingress-controller pod: no labels, in its own namespace
  return { kind: "pod", namespace: INGRESS_CONTROLLER_NAMESPACE, labels: {}, ip: undefined, ports: [] };
}

/** The policy engine of one snapshot: policies by namespace, the namespaces' labels. */
export class PolicyEngine {
  private readonly byNamespace = new Map<string, NetworkPolicy[]>();
  private readonly ctx: MatchContext;

  constructor(
    readonly policies: readonly NetworkPolicy[],
    namespaces: ReadonlyMap<string, Namespace>,
  ) {
    for (const p of policies) {
      const list = this.byNamespace.get(p.namespace);
      if (list) list.push(p);
      else this.byNamespace.set(p.namespace, [p]);
    }
    this.ctx = { namespaces, ipBlockSelectsPods: false, note: () => undefined };
  }

  /** the policies selecting `subject` for `type` (`NetworkPolicy.Selects`) */
  selecting(subject: PolicyEndpoint, type: "Ingress" | "Egress"): NetworkPolicy[] {
    if (subject.kind !== "pod") return [];
    return (this.byNamespace.get(subject.namespace) ?? []).filter(
      (p) => p.policyTypes.includes(type) && selectorMatches(p.podSelector, subject.labels),
    );
  }

  /** `GetXgressAllowedConns` over `selecting`: every connection when nothing isolates */
  private direction(
    selecting: readonly NetworkPolicy[],
    type: "Ingress" | "Egress",
    peer: PolicyEndpoint,
    destination: PolicyEndpoint,
  ): ConnectionSet {
    if (selecting.length === 0) return ALL_CONNECTIONS;
    let acc = NO_CONNECTIONS;
    for (const policy of selecting) {
      const rules = type === "Ingress" ? policy.ingress : policy.egress;
      for (const rule of rules) {
        if (!this.ruleSelects(rule, policy, peer)) continue;
        acc = union(acc, ruleConnections(rule.ports, destination));
        if (acc.all) return acc;
      }
    }
    return acc;
  }

  /** ipBlock verdicts per rule peer and address: an address range meets the same rules once per workload */
  private readonly ipVerdicts = new WeakMap<NetworkPolicyPeer, Map<string, boolean>>();

  private ruleSelects(rule: NetworkPolicyRule, policy: NetworkPolicy, peer: PolicyEndpoint): boolean {
    if (rule.peers.length === 0) return true;
    for (const p of rule.peers) {
      if (peer.kind === "ip" && p.ipBlock) {
        let verdicts = this.ipVerdicts.get(p);
        if (!verdicts) this.ipVerdicts.set(p, (verdicts = new Map<string, boolean>()));
        let v = verdicts.get(peer.ip);
        if (v === undefined) verdicts.set(peer.ip, (v = peerMatches(p, policy, peer, this.ctx)));
        if (v) return true;
      } else if (peerMatches(p, policy, peer, this.ctx)) return true;
    }
    return false;
  }

  /** `allAllowedConnectionsBetweenPeers`: egress of `src` ∩ ingress of `dst` */
  allowed(
    src: PolicyEndpoint,
    dst: PolicyEndpoint,
    srcEgress: readonly NetworkPolicy[] = this.selecting(src, "Egress"),
    dstIngress: readonly NetworkPolicy[] = this.selecting(dst, "Ingress"),
  ): ConnectionSet {
    const egress = this.direction(srcEgress, "Egress", dst, dst);
    if (isEmpty(egress)) return NO_CONNECTIONS;
    return intersect(egress, this.direction(dstIngress, "Ingress", src, dst));
  }
}

/** `ruleConnections`: the connections one rule's `ports` allow to `destination` */
function ruleConnections(ports: readonly NetworkPolicyPort[], destination: PolicyEndpoint): ConnectionSet {
  if (ports.length === 0) return ALL_CONNECTIONS;
  let acc = NO_CONNECTIONS;
  for (const p of ports) {
    if (p.port === undefined) acc = union(acc, allPortsOf(p.protocol));
    else if (typeof p.port === "number") acc = union(acc, portRange(p.protocol, p.port, p.endPort ?? p.port));
    else if (destination.kind === "pod" && p.endPort === undefined) {
      // getPortsRange / Pod.ConvertPodNamedPort: the first container port of that name, if its protocol is the rule's
      const named = destination.ports.find((c) => c.name === p.port);
      if (named && named.protocol === p.protocol)
        acc = union(acc, portRange(p.protocol, named.containerPort, named.containerPort));
    }
  }
  return acc;
}

/**
 * Whether some selector tells pods of `namespace` labelled `a` and `b` apart: a policy of their
 * namespace selects one and not the other, or a rule's podSelector (whose namespace part takes
 * their namespace) matches one and not the other — the exact form of netpol-analyzer's
 * `NetworkPolicy.ContainsLabels` check.
 */
function selectorsTellApart(
  namespace: string,
  a: Labels,
  b: Labels,
  policies: readonly NetworkPolicy[],
  namespaces: ReadonlyMap<string, Namespace>,
): boolean {
  const differs = (s: LabelSelector) => selectorMatches(s, a) !== selectorMatches(s, b);
  const nsLabels = namespaceLabels(namespace, namespaces);
  for (const p of policies) {
    if (p.namespace === namespace && differs(p.podSelector)) return true;
    for (const rule of [...p.ingress, ...p.egress])
      for (const peer of rule.peers) {
        if (peer.ipBlock || !peer.podSelector) continue;
        const inNamespace = peer.namespaceSelector
          ? selectorMatches(peer.namespaceSelector, nsLabels)
          : p.namespace === namespace;
        if (inNamespace && differs(peer.podSelector)) return true;
      }
  }
  return false;
}

/** peers the policies cannot tell apart, and what selects their representative */
interface PeerClass {
  readonly rep: ConnPeer;
  readonly members: readonly ConnPeer[];
  /** some member is a focus (or there is no focus) */
  readonly focused: boolean;
  readonly egress: readonly NetworkPolicy[];
  readonly ingress: readonly NetworkPolicy[];
}

function matchesFocus(peer: ConnPeer, focus: readonly string[]): boolean {
  if (focus.length === 0) return true;
  const w = peer.workload;
  if (peer.kind === "ingress-controller") return focus.includes("ingress-controller");
  return w !== undefined && (focus.includes(w.name) || focus.includes(`${w.namespace}/${w.name}`));
}

function compareIds(a: Connection, b: Connection): number {
  if (a.src.id !== b.src.id) return a.src.id < b.src.id ? -1 : 1;
  if (a.dst.id !== b.dst.id) return a.dst.id < b.dst.id ? -1 : 1;
  return 0;
}

export function analyseConnlist(snapshot: Snapshot, options: ConnlistOptions = {}): ConnlistReport {
  const k = snapshot.kubernetes;
  const focus = options.focusWorkloads ?? [];
  const notes: ConnlistNote[] = [];
  const namespaces = new Map(k.namespaces.map((n) => [n.name, n]));
  const { peers: workloads, labelGaps } = workloadPeers(snapshot, (ns, a, b) =>
    selectorsTellApart(ns, a, b, k.networkPolicies, namespaces),
  );
  const engine = new PolicyEngine(k.networkPolicies, namespaces);

  for (const gap of labelGaps) addGapNote(gap, workloads, notes);

  const connections: Connection[] = [];
  const workloadSide: ConnPeer[] = workloads.map((w) => ({ id: w.id, kind: "workload", workload: w }));
  if (workloads.length > 0) {
    const { sources, destinations } = externalPeers(k.networkPolicies);
    const ext = (r: IpRange): ConnPeer => ({ id: `${rangeText(r)}[External]`, kind: "external", range: r });
    const srcPeers = sources.map(ext);
    const dstPeers = destinations.map(ext);
    const workloadIndex = new Map(workloadSide.map((p, i) => [p.id, i]));
    const endpoints = new Map<string, PolicyEndpoint>();
    const endpoint = (p: ConnPeer) => {
      let e = endpoints.get(p.id);
      if (!e) endpoints.set(p.id, (e = endpointOf(p)));
      return e;
    };
    // connlist.go existsFocusWorkload: each focus that names nothing is said; the rest still narrow the list
    for (const f of focus)
      if (f !== "ingress-controller" && !workloadSide.some((p) => matchesFocus(p, [f])))
        notes.push({
          code: "focus-not-found",
          message: `no workload ${f} in the snapshot${focus.length === 1 ? ": the list is empty" : ""}`,
          source: undefined,
        });
    // the policies evaluated once per class pair (classes.ts), then expanded to the workloads' lines
    const classes: PeerClass[] = workloadClasses(workloads, k.networkPolicies, namespaces).map((c) => {
      const members = c.members.map((w) => workloadSide[workloadIndex.get(w.id)!]!);
      const rep = members[0]!;
      const e = endpoint(rep);
      return {
        rep,
        members,
        focused: members.some((m) => matchesFocus(m, focus)),
        egress: engine.selecting(e, "Egress"),
        ingress: engine.selecting(e, "Ingress"),
      };
    });
    const single = (p: ConnPeer): PeerClass => ({
      rep: p,
      members: [p],
      focused: matchesFocus(p, focus),
      egress: [],
      ingress: [],
    });
    const srcClasses = [...srcPeers.map(single), ...classes];
    const dstClasses = [...dstPeers.map(single), ...classes];
    // lines by source, each source's row sorted by destination: the order compareIds gives, without sorting every line
    const rows = new Map<ConnPeer, Connection[]>();
    const rowOf = (p: ConnPeer) => {
      let row = rows.get(p);
      if (!row) rows.set(p, (row = []));
      return row;
    };
    for (const sc of srcClasses) {
      for (const dc of dstClasses) {
        if (sc.rep.kind === "external" && dc.rep.kind === "external") continue;
        if (!sc.focused && !dc.focused) continue;
        const conn = engine.allowed(endpoint(sc.rep), endpoint(dc.rep), sc.egress, dc.ingress);
        if (isEmpty(conn)) continue;
        for (const src of sc.members) {
          const row = rowOf(src);
          const srcFocused = focus.length === 0 || matchesFocus(src, focus);
          for (const dst of dc.members) {
            if (src.id === dst.id) continue;
            if (!srcFocused && !matchesFocus(dst, focus)) continue;
            row.push({ src, dst, conn });
          }
        }
      }
    }
    const ingress = ingressControllerConnections(snapshot, workloads, engine);
    for (const blocked of ingress.blocked) notes.push(blocked);
    const controller: ConnPeer = { id: INGRESS_CONTROLLER_ID, kind: "ingress-controller" };
    for (const c of ingress.connections) {
      const dst = workloadSide[workloadIndex.get(c.workload.id)!]!;
      if (!matchesFocus(controller, focus) && !matchesFocus(dst, focus)) continue;
      rowOf(controller).push({ src: controller, dst, conn: c.conn });
    }
    const bySource = [...rows.keys()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const src of bySource) for (const c of rows.get(src)!.sort(compareIds)) connections.push(c);
  }
  notes.push(...albNotes(snapshot), ...ipBlockPodNotes(snapshot));
  const dataplane = dataplaneOf(snapshot);
  if (dataplane) notes.push(...dataplaneNotes(dataplane, workloads));
  if (dataplane === "aws-vpc-cni") notes.push(vpcCniAgentNote(snapshot));
  return { connections, workloads, notes, dataplane };
}

function addGapNote(gap: LabelGap, workloads: readonly WorkloadPeer[], notes: ConnlistNote[]) {
  const w = workloads.find((p) => p.id === gap.variants[0]);
  notes.push({
    code: "label-gap",
    message: `pods ${gap.pods.join(", ")} of ${gap.workload} differ in label${gap.keys.length > 1 ? "s" : ""} ${gap.keys.join(", ")}, and a NetworkPolicy selector tells them apart: listed apart as ${gap.variants.join(", ")} (netpol-analyzer refuses such input)`,
    source: w?.source,
  });
}

/**
 * Ingresses the AWS Load Balancer Controller serves (its IngressClass `alb`): the ALB is the
 * "ingress controller", and it is no pod — its packets come from its own addresses in the VPC
 * (target-type ip) or through a node port (instance), so NetworkPolicy admits it by ipBlock
 * (or as node traffic), not by a namespaceSelector as the `{ingress-controller}` lines assume.
 */
function albNotes(snapshot: Snapshot): ConnlistNote[] {
  const served = [...classifyIngresses(snapshot).members.values()].flat().map((m) => m.ingress);
  if (served.length === 0) return [];
  const names = served.map((i) => `${i.namespace}/${i.name}`).sort();
  return [
    {
      code: "alb-ingress",
      message: `Ingress ${names.join(", ")} ${names.length === 1 ? "is" : "are"} served by an AWS ALB (AWS Load Balancer Controller): the packets come from the ALB's VPC addresses (target-type ip) or through a node port (instance), not from a pod, so NetworkPolicy admits them by ipBlock or as node traffic; the {ingress-controller} lines follow netpol-analyzer's model — \`podpath trace --from internet\` follows the ALB`,
      source: served[0]!.meta.source,
    },
  ];
}

/**
 * ipBlocks that cover observed pod IPs. netpol-analyzer (and so these lines) never lets an
 * ipBlock select a pod; the upstream e2e suite does (kubernetes test/e2e/network/netpol/
 * network_policy.go "should allow egress access to server in CIDR block" allows a pod's IP/32),
 * and so do Calico and podpath's `trace`. One note per rule peer.
 */
function ipBlockPodNotes(snapshot: Snapshot): ConnlistNote[] {
  const pods = snapshot.kubernetes.pods.flatMap((p) => {
    const ip = p.podIP === undefined || p.spec.hostNetwork ? undefined : parseIPv4(p.podIP);
    return ip === undefined ? [] : [{ id: `${p.namespace}/${p.name}`, ip }];
  });
  if (pods.length === 0) return [];
  const out: ConnlistNote[] = [];
  for (const policy of snapshot.kubernetes.networkPolicies)
    for (const [direction, rules] of [
      ["ingress", policy.ingress],
      ["egress", policy.egress],
    ] as const)
      rules.forEach((rule, index) => {
        for (const peer of rule.peers) {
          if (!peer.ipBlock) continue;
          const ranges = ipBlockRanges(peer.ipBlock.cidr, peer.ipBlock.except);
          const covered = pods.filter((p) => ranges.some((r) => p.ip >= r.first && p.ip <= r.last));
          if (covered.length === 0) continue;
          const shown = covered.slice(0, 3).map((p) => p.id);
          out.push({
            code: "ipblock-pods",
            message: `NetworkPolicy ${policy.namespace}/${policy.name} ${direction}[${index}] ipBlock ${peer.ipBlock.cidr} covers the IPs of ${covered.length} observed pod${covered.length > 1 ? "s" : ""} (${shown.join(", ")}${covered.length > shown.length ? ", …" : ""}): Calico and the upstream e2e suite match ipBlocks against pod IPs, so ${direction === "ingress" ? "they are admitted" : "they are reachable"} too; these lines, as netpol-analyzer's, treat ipBlocks as external addresses only (\`podpath trace\` matches pod IPs)`,
            source: rule.source,
          });
        }
      });
  return out;
}

/**
 * The AWS VPC CNI enforces NetworkPolicy only through its network policy agent: the
 * `aws-eks-nodeagent` container of the aws-node pods (VPC CNI v1.14.0 and later), and only when
 * it runs with `--enable-network-policy=true` (the EKS add-on's `enableNetworkPolicy`).
 */
function vpcCniAgentNote(snapshot: Snapshot): ConnlistNote {
  const awsNode = nodeAgent(snapshot, "aws-node", "kube-system");
  const agent = awsNode?.template.spec.containers.some((c) => c.name === "aws-eks-nodeagent") ?? false;
  return {
    code: "vpc-cni-policy-agent",
    message: agent
      ? "the AWS VPC CNI enforces NetworkPolicy through aws-node's aws-eks-nodeagent container, and only when it runs with --enable-network-policy=true (the EKS add-on's enableNetworkPolicy), which the snapshot does not show: without it, no line is enforced"
      : "aws-node has no aws-eks-nodeagent container (the VPC CNI's network policy agent, v1.14.0 and later): the AWS VPC CNI does not enforce NetworkPolicy here, so every line is what the policies say, not what the cluster does",
    source: awsNode?.meta.source,
  };
}

function dataplaneOf(snapshot: Snapshot): "calico" | "aws-vpc-cni" | undefined {
  const cni = detectCni(snapshot);
  if (cni.calicoPolicy) return "calico";
  if (cni.networking === "aws-vpc-cni") return "aws-vpc-cni";
  return undefined;
}

/**
 * Where NetworkPolicy is not the whole story on this dataplane (Kubernetes docs, "Network
 * Policies": "What you can't do (at least, not yet)" — a pod cannot block traffic from its own
 * node — and "NetworkPolicy behavior for hostNetwork pods is undefined"; Calico enforces
 * NetworkPolicy on workload endpoints only, and a host-network pod has none).
 */
function dataplaneNotes(dataplane: "calico" | "aws-vpc-cni", workloads: readonly WorkloadPeer[]): ConnlistNote[] {
  const name = dataplane === "calico" ? "Calico" : "the AWS VPC CNI";
  const out: ConnlistNote[] = [
    {
      code: "node-local",
      message: `node-local traffic: NetworkPolicy cannot block a pod's own node (kubelet probes, host-network pods on that node reach it whatever the policies say); ${name} enforces the policies on pod traffic only, and the lines do not list the nodes`,
      source: undefined,
    },
  ];
  for (const w of workloads.filter((x) => x.hostNetwork))
    out.push({
      code: "host-network",
      message: `${w.id} uses the host network: NetworkPolicy does not isolate it (it has the node's addresses; ${dataplane === "calico" ? "only Calico host-endpoint policy applies" : "the node's security groups apply"}), and policies see it as its node's IP, not by its labels`,
      source: w.source,
    });
  return out;
}
