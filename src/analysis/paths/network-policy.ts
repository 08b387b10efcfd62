import type {
  ContainerPort,
  LabelSelector,
  Labels,
  Namespace,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  Pod,
  Protocol,
} from "../../model/kubernetes.js";
import { cidrContains, isIPv6, parseCidr4, parseIPv4 } from "../../model/net.js";
import { formatSelector, selectorMatches } from "../../model/selectors.js";
import type { SourceRef } from "../../model/source.js";
import type { Decision } from "./trace-model.js";

/**
 * networking.k8s.io/v1 NetworkPolicy, evaluated for one connection (one packet's 5-tuple as the
 * subject pod sends or receives it), as the API reference and the concepts page
 * (kubernetes.io/docs/concepts/services-networking/network-policies/) define it, and as np-guard
 * netpol-analyzer (pkg/netpol/eval/internal/k8s/netpol.go) implements it:
 *
 * - Isolation is per direction: a pod is isolated for ingress (egress) iff some NetworkPolicy in
 *   its namespace selects it by `podSelector` and lists Ingress (Egress) in `policyTypes` (the
 *   loader applies the API's policyTypes defaulting). A pod that is not isolated allows
 *   everything in that direction. Rules of a direction the policy does not list are ignored.
 * - Policies are additive: the connection is allowed iff any rule of any selecting policy allows
 *   it. A rule allows when it selects the peer (empty `from`/`to`: every peer, IPs included; else
 *   any listed peer) and the port (empty `ports`: every port and protocol; else any listed port).
 * - Peers: podSelector alone selects pods in the policy's own namespace; namespaceSelector alone
 *   selects every pod in the selected namespaces; both select the matching pods in the selected
 *   namespaces; an empty selector `{}` selects everything. Selectors never select a bare IP.
 *   ipBlock selects addresses inside `cidr` and outside every `except`.
 * - Ports: `protocol` (default TCP) must equal the packet's; a numeric port matches exactly, or
 *   the range port..endPort inclusive; no port matches every port of the protocol; a named port is
 *   resolved against the destination pod's container ports with that name and the rule's protocol
 *   (ingress: the subject; egress: the peer pod). An IP peer has no named ports, so a named-port
 *   rule never matches egress to an IP.
 *
 * Choices where the API leaves room (each is listed in the verdict's notes when it decides):
 *
 * - ipBlock and pod IPs. The API documents ipBlock for "cluster-external IPs" and leaves pod IPs
 *   unspecified. Calico (the CNI this project models) and the upstream e2e suite ("should allow
 *   egress access to server in CIDR block" uses a pod's IP/32) match ipBlock against pod IPs as
 *   well, and so does this evaluator by default. np-guard netpol-analyzer and Cilium do NOT
 *   ("assuming that peer of type Pod cannot be selected by IPBlock"); pass
 *   `{ ipBlockSelectsPods: false }` to reproduce np-guard (connlist's `-o txt` parity).
 * - IPv6. podpath analyses IPv4 only: an IPv6 address never matches an ipBlock, and an IPv6
 *   ipBlock (or except) never matches an IPv4 address. Selectors are unaffected.
 * - A peer with none of podSelector/namespaceSelector/ipBlock is invalid for the API server (the
 *   object would have been rejected); here it selects nothing.
 * - A namespace the snapshot lacks has the labels the API server would give it
 *   (`kubernetes.io/metadata.name: NAME`) and nothing else.
 * - Named ports: every container port carrying the name and the rule's protocol counts (pods
 *   normally carry a name once; np-guard takes the first).
 *
 * What the caller decides: which addresses the policy sees (policies see the packet after
 * kube-proxy's DNAT to an endpoint, and before the sending node's SNAT), that replies of an
 * allowed connection pass (NetworkPolicy is stateful), and whether a host-network pod is a pod.
 */

export interface PodPolicyEndpoint {
  readonly kind: "pod";
  readonly namespace: string;
  /** for messages only */
  readonly name?: string | undefined;
  readonly labels: Labels;
  readonly ip: string | undefined;
  /** the pod's container ports, for named ports */
  readonly ports: readonly ContainerPort[];
}

interface IpPolicyEndpoint {
  readonly kind: "ip";
  readonly ip: string;
}

export type PolicyEndpoint = PodPolicyEndpoint | IpPolicyEndpoint;

export type PolicyDirection = "ingress" | "egress";
/** ICMP matches only rules without ports (NetworkPolicy ports are TCP, UDP or SCTP) */
export type PolicyProtocol = Protocol | "ICMP";

export interface NetworkPolicyOptions {
  /** ipBlock peers match pod IPs too (Calico, upstream e2e). false: np-guard's reading. Default true. */
  readonly ipBlockSelectsPods?: boolean;
}

/** One rule of a selecting policy, and whether it selected the peer and the port. */
interface RuleEvaluation {
  /** namespace/name */
  readonly policy: string;
  readonly ruleIndex: number;
  readonly peerMatched: boolean;
  readonly portMatched: boolean;
  /** the rule lists peers (it does not allow every peer) */
  readonly restrictsPeers: boolean;
  /** the rule lists ports (it does not allow every port) */
  readonly restrictsPorts: boolean;
  /** the rule, readable: `egress[1] to all pods in namespaces {name=kube-system}; UDP/53` */
  readonly text: string;
  readonly source: SourceRef;
}

export interface NetworkPolicyVerdict {
  readonly direction: PolicyDirection;
  readonly allowed: boolean;
  /** some policy selects the subject for this direction */
  readonly isolated: boolean;
  /** the policies selecting the subject for this direction, in input order */
  readonly selectedBy: readonly { readonly namespace: string; readonly name: string; readonly source: SourceRef }[];
  /** every rule that allows the connection (empty when denied or not isolated) */
  readonly allowedBy: readonly { readonly policy: string; readonly ruleIndex: number; readonly source: SourceRef }[];
  /** every rule of the selecting policies, with what it matched (why a rule did not allow) */
  readonly rules: readonly RuleEvaluation[];
  readonly decision: Decision;
  /** the documented choices that decided a match (IPv6, ipBlock vs pod IPs, invalid peers) */
  readonly notes: readonly string[];
}

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The endpoint NetworkPolicy sees for a pod: its labels, its IP and its containers' ports. */
export function policyEndpointForPod(pod: Pod): PodPolicyEndpoint {
  return {
    kind: "pod",
    namespace: pod.namespace,
    name: pod.name,
    labels: pod.labels,
    ip: pod.podIP,
    ports: pod.spec.containers.flatMap((c) => c.ports),
  };
}

/**
 * Whether NetworkPolicy lets `subject` receive from (ingress) or send to (egress) `peer` on
 * `port`/`protocol` (the destination port: the subject's on ingress, the peer's on egress).
 */
export function evaluateNetworkPolicies(
  direction: PolicyDirection,
  subject: PodPolicyEndpoint,
  peer: PolicyEndpoint,
  port: number,
  protocol: PolicyProtocol,
  policies: readonly NetworkPolicy[],
  namespaces: ReadonlyMap<string, Namespace>,
  options: NetworkPolicyOptions = {},
): NetworkPolicyVerdict {
  const type = direction === "ingress" ? "Ingress" : "Egress";
  const notes: string[] = [];
  const ctx: MatchContext = {
    namespaces,
    ipBlockSelectsPods: options.ipBlockSelectsPods ?? true,
    note: (text) => {
      if (!notes.includes(text)) notes.push(text);
    },
  };
  const selecting = policies.filter(
    (p) =>
      p.namespace === subject.namespace &&
      p.policyTypes.includes(type) &&
      selectorMatches(p.podSelector, subject.labels),
  );
  const selectedBy = selecting.map((p) => ({ namespace: p.namespace, name: p.name, source: p.meta.source }));
  const flow = `${direction} ${direction === "ingress" ? `from ${endpointText(peer)} to ${endpointText(subject)}` : `from ${endpointText(subject)} to ${endpointText(peer)}`} ${protocol}/${port}`;

  if (selecting.length === 0) {
    return {
      direction,
      allowed: true,
      isolated: false,
      selectedBy,
      allowedBy: [],
      rules: [],
      decision: {
        allowed: true,
        id: "no-policy",
        rule: `no NetworkPolicy in namespace ${subject.namespace} selects ${endpointText(subject)} for ${type}: not isolated, ${flow} allowed`,
        source: undefined,
      },
      notes,
    };
  }

  // the pod whose container ports name the destination port
  const destination = direction === "ingress" ? subject : peer.kind === "pod" ? peer : undefined;
  const rules: RuleEvaluation[] = [];
  for (const policy of selecting) {
    const list = direction === "ingress" ? policy.ingress : policy.egress;
    list.forEach((rule, ruleIndex) => {
      const peerMatched = rule.peers.length === 0 || rule.peers.some((p) => peerMatches(p, policy, peer, ctx));
      const portMatched =
        rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, port, protocol, destination, ctx));
      rules.push({
        policy: policyId(policy),
        ruleIndex,
        peerMatched,
        portMatched,
        restrictsPeers: rule.peers.length > 0,
        restrictsPorts: rule.ports.length > 0,
        text: ruleText(direction, ruleIndex, rule, policy.namespace),
        source: rule.source,
      });
    });
  }
  const allowing = rules.filter((r) => r.peerMatched && r.portMatched);
  const allowedBy = allowing.map((r) => ({ policy: r.policy, ruleIndex: r.ruleIndex, source: r.source }));
  const first = allowing[0];
  const ids = selecting.map(policyId);
  const decision: Decision = first
    ? { allowed: true, id: first.policy, rule: `${first.text} of ${first.policy} allows ${flow}`, source: first.source }
    : {
        allowed: false,
        id: ids.join(","),
        code: direction === "ingress" ? "NETWORK_POLICY_INGRESS" : "NETWORK_POLICY_EGRESS",
        rule: `no rule of ${ids.join(", ")} allows ${flow}${denialHint(rules, selecting.length)}`,
        source: selecting[0]!.meta.source,
      };
  return { direction, allowed: first !== undefined, isolated: true, selectedBy, allowedBy, rules, decision, notes };
}

// ---------------------------------------------------------------------------------------------
// matching

/** what peer matching needs: the namespaces' labels, the ipBlock reading, a sink for notes (exported for connlist) */
export interface MatchContext {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly ipBlockSelectsPods: boolean;
  readonly note: (text: string) => void;
}

/** whether one `from`/`to` peer of `policy` selects `peer` (exported for connlist's connection sets) */
export function peerMatches(
  rulePeer: NetworkPolicyPeer,
  policy: NetworkPolicy,
  peer: PolicyEndpoint,
  ctx: MatchContext,
): boolean {
  if (rulePeer.ipBlock) return ipBlockMatches(rulePeer.ipBlock, peer, ctx);
  if (!rulePeer.podSelector && !rulePeer.namespaceSelector) {
    ctx.note(
      `${policyId(policy)} has a peer with no podSelector, namespaceSelector or ipBlock (the API server rejects it): it selects nothing`,
    );
    return false;
  }
  // selectors select pods only, never a bare address
  if (peer.kind !== "pod") return false;
  const namespaceMatched = rulePeer.namespaceSelector
    ? selectorMatches(rulePeer.namespaceSelector, namespaceLabels(peer.namespace, ctx.namespaces))
    : peer.namespace === policy.namespace;
  if (!namespaceMatched) return false;
  return rulePeer.podSelector ? selectorMatches(rulePeer.podSelector, peer.labels) : true;
}

function ipBlockMatches(
  block: { readonly cidr: string; readonly except: readonly string[] },
  peer: PolicyEndpoint,
  ctx: MatchContext,
): boolean {
  if (peer.kind === "pod" && !ctx.ipBlockSelectsPods) return false;
  const text = peer.ip;
  if (text === undefined) return false;
  const ip = parseIPv4(text);
  if (ip === undefined) {
    if (isIPv6(text)) ctx.note(`${text} is IPv6: podpath analyses IPv4 only, so no ipBlock matches it`);
    return false;
  }
  const cidr = parseCidr4(block.cidr);
  if (!cidr) {
    ctx.note(`ipBlock ${block.cidr} is not IPv4: it never matches an IPv4 address here`);
    return false;
  }
  if (!cidrContains(cidr, ip)) return false;
  for (const e of block.except) {
    const inner = parseCidr4(e);
    if (inner && cidrContains(inner, ip)) return false;
  }
  return true;
}

function portMatches(
  rulePort: NetworkPolicyPort,
  port: number,
  protocol: PolicyProtocol,
  destination: PodPolicyEndpoint | undefined,
  ctx: MatchContext,
): boolean {
  if (rulePort.protocol !== protocol) return false;
  const p = rulePort.port;
  if (p === undefined) return true;
  if (typeof p === "number") return port >= p && port <= (rulePort.endPort ?? p);
  if (!destination) {
    ctx.note(`named port ${JSON.stringify(p)} cannot match an IP peer: only pods have named ports`);
    return false;
  }
  return destination.ports.some((c) => c.name === p && c.protocol === rulePort.protocol && c.containerPort === port);
}

export function namespaceLabels(name: string, namespaces: ReadonlyMap<string, Namespace>): Labels {
  return namespaces.get(name)?.labels ?? { [NAMESPACE_NAME_LABEL]: name };
}

// ---------------------------------------------------------------------------------------------
// text

function policyId(p: NetworkPolicy): string {
  return `${p.namespace}/${p.name}`;
}

function endpointText(e: PolicyEndpoint): string {
  if (e.kind === "ip") return e.ip;
  if (e.name !== undefined) return `${e.namespace}/${e.name}`;
  return `pod ${e.ip ?? "(no IP)"} in ${e.namespace}`;
}

function selectorText(s: LabelSelector): string {
  return `{${formatSelector(s)}}`;
}

function peerText(p: NetworkPolicyPeer, policyNamespace: string): string {
  if (p.ipBlock)
    return `ipBlock ${p.ipBlock.cidr}${p.ipBlock.except.length > 0 ? ` except ${p.ipBlock.except.join(", ")}` : ""}`;
  const pods = p.podSelector
    ? formatSelector(p.podSelector) === ""
      ? "all pods"
      : `pods ${selectorText(p.podSelector)}`
    : "all pods";
  if (!p.namespaceSelector) return p.podSelector ? `${pods} in ${policyNamespace}` : "nothing (empty peer)";
  const nss =
    formatSelector(p.namespaceSelector) === "" ? "all namespaces" : `namespaces ${selectorText(p.namespaceSelector)}`;
  return `${pods} in ${nss}`;
}

function portText(p: NetworkPolicyPort): string {
  if (p.port === undefined) return `${p.protocol}/*`;
  if (p.endPort !== undefined) return `${p.protocol}/${p.port}-${p.endPort}`;
  return `${p.protocol}/${p.port}`;
}

function ruleText(direction: PolicyDirection, index: number, rule: NetworkPolicyRule, policyNamespace: string): string {
  const word = direction === "ingress" ? "from" : "to";
  const peers =
    rule.peers.length === 0
      ? `${word} any peer`
      : `${word} ${rule.peers.map((p) => peerText(p, policyNamespace)).join(" or ")}`;
  const ports = rule.ports.length === 0 ? "all ports" : rule.ports.map(portText).join(", ");
  return `${direction}[${index}] (${peers}; ${ports})`;
}

/** Why nothing allowed: no rules at all, or the closest rules (peer or port matched, not both). */
function denialHint(rules: readonly RuleEvaluation[], policies: number): string {
  if (rules.length === 0)
    return policies === 1
      ? ": the policy has no rules for this direction (deny all)"
      : ": the policies have no rules for this direction (deny all)";
  // a rule is "close" when it restricts what it matched (a rule for all ports matching the port says nothing)
  const near = rules.filter(
    (r) =>
      (r.peerMatched && !r.portMatched && r.restrictsPeers) || (r.portMatched && !r.peerMatched && r.restrictsPorts),
  );
  if (near.length === 0) return "";
  return `; ${near.map((r) => `${r.policy} ${r.text} matches the ${r.peerMatched ? "peer but not the port" : "port but not the peer"}`).join("; ")}`;
}
