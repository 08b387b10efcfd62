import type { SourceRef } from "../../model/source.js";

/**
 * The closed set of types a path trace is made of (after Batfish: a trace has a disposition and
 * hops; a hop is one device's steps). Device-specific evaluators (security groups, NACLs, route
 * tables, kube-proxy, Calico, NetworkPolicy) return decisions; the tracer turns them into steps.
 * Field names follow PRODUCT.md's `trace -o json` contract: add fields, never rename.
 */

export type Protocol = "TCP" | "UDP" | "SCTP" | "ICMP";

/** The source port of every client (and of an ALB's connection to its target): IANA's first ephemeral port, inside Linux's (32768–60999), Windows' and every AWS range. */
export const EPHEMERAL_PORT = 49152;

/** A packet as one hop sees it. Ports are 0 for ICMP. */
export interface Packet {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly protocol: Protocol;
  /** the outer header while the packet is encapsulated (VXLAN/IPIP) */
  readonly outer?:
    | { readonly src: string; readonly dst: string; readonly protocol: "UDP" | "IPIP"; readonly dstPort: number }
    | undefined;
}

/** `unknown`: the device's decision needs data the snapshot lacks (the step says what to capture). */
export type Action =
  "forward" | "dnat" | "snat" | "encapsulate" | "decapsulate" | "allow" | "drop" | "deliver" | "unknown";

/** A trace's (or one direction's) outcome: PRODUCT.md's `verdict`. */
export type Verdict = "delivered" | "dropped" | "unknown";

export type Component =
  | "pod"
  | "node"
  | "network-policy"
  | "kube-proxy"
  | "calico-natoutgoing"
  | "calico-overlay"
  | "vpc-cni-snat"
  | "eni"
  | "security-group"
  | "nacl"
  | "route-table"
  | "internet-gateway"
  | "nat-gateway"
  | "load-balancer"
  | "listener-rule"
  | "target-group"
  | "internet";

export type DropCode =
  | "NO_ROUTE"
  | "NO_PUBLIC_IP"
  | "BLACKHOLE_ROUTE"
  | "SECURITY_GROUP_INGRESS"
  | "SECURITY_GROUP_EGRESS"
  | "NACL_INGRESS"
  | "NACL_EGRESS"
  | "NETWORK_POLICY_INGRESS"
  | "NETWORK_POLICY_EGRESS"
  | "NO_ENDPOINTS"
  | "NO_LISTENER"
  | "NO_MATCHING_RULE"
  | "INGRESS_NOT_RECONCILED"
  | "TARGET_NOT_ROUTABLE"
  | "SOURCE_DEST_CHECK"
  | "PORT_NOT_EXPOSED"
  | "UNKNOWN_ENDPOINT"
  | "UNSUPPORTED_TARGET"
  /** an internet gateway never carries a private (RFC 1918, RFC 6598, link-local) destination */
  | "PRIVATE_DESTINATION"
  /**
   * a forwarding loop: the packet entered a device it had already entered, unchanged (Batfish's
   * FlowDisposition.LOOP, found by its Breadcrumb check), or crossed MAX_DEVICES devices
   */
  | "LOOP";

// ---------------------------------------------------------------------------------------------
// typed step details

/**
 * What a step decided, as data: one detail type per kind of step, after Batfish's `Step<D>` and
 * its per-kind `StepDetail`s (batfish-common-protocol org/batfish/datamodel/flow/:
 * `TransformationStep` — NAT with its `TransformationType` —, `RoutingStep` — the routes
 * matched —, `FilterStep` — the filter and its type —, `ExitOutputIfaceStep`). Evaluators decide
 * these first; the note is rendered from them (`wording.ts`), so a question can read the decision
 * without parsing English. Not part of the `trace -o json` contract yet.
 */
export type StepDetail = DnatDetail | SnatDetail | RouteDetail | FilterDetail | TunnelDetail;

/** How kube-proxy picked the endpoints a service port's traffic may go to (its policy chain). */
export type EndpointPolicy =
  /** internalTrafficPolicy Cluster: any ready endpoint (KUBE-SVC) */
  | "internal-cluster"
  /** internalTrafficPolicy Local: only this node's (KUBE-SVL) */
  | "internal-local"
  /** externalTrafficPolicy Cluster: any ready endpoint on any node */
  | "external-cluster"
  /** externalTrafficPolicy Local: only this node's (KUBE-EXT → KUBE-SVL) */
  | "external-local"
  /** externalTrafficPolicy Local, but a pod in the cluster CIDR sent it: short-circuited to every endpoint */
  | "external-local-from-pod"
  /** externalTrafficPolicy Local, but the node itself sent it: every endpoint */
  | "external-local-from-node";

/** A destination translation: kube-proxy's DNAT to a service endpoint (Batfish TransformationType.DEST_NAT). */
export interface DnatDetail {
  readonly kind: "dnat";
  /** kube-proxy's service-port name, `ns/name:port` */
  readonly service: string;
  readonly access: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalIP";
  readonly policy: EndpointPolicy;
  /** the endpoint the trace follows */
  readonly endpoint: {
    readonly name: string;
    readonly ip: string;
    readonly port: number;
    readonly node: string | undefined;
  };
  /** every endpoint may be picked (iptables: random, statistic mode): the trace follows the first by name */
  readonly chosenBy: "only-endpoint" | "first-by-name";
  readonly candidates: number;
}

/** Why a source is translated (on `snat` steps; a step that keeps the source carries no SnatDetail). */
export type SnatReason =
  /** kube-proxy --masquerade-all */
  | "masquerade-all"
  /** ClusterIP traffic from outside the cluster CIDR */
  | "outside-cluster-cidr"
  /** NodePort/LoadBalancer/external IP with externalTrafficPolicy Cluster */
  | "external-traffic-policy-cluster"
  /** externalTrafficPolicy Local, sent by the node itself (--src-type LOCAL) */
  | "node-local-source"
  /** an endpoint reaching itself through its service */
  | "hairpin"
  /** Calico natOutgoing: a pool address leaving the pools */
  | "calico-nat-outgoing"
  /** the VPC CNI's SNAT of pod traffic leaving the VPC */
  | "vpc-cni-snat";

/** A source translation (Batfish TransformationType.SOURCE_NAT). */
interface SnatDetail {
  readonly kind: "snat";
  /** the first reason that applies (a hairpin that is also masquerade-all: "hairpin") */
  readonly reason: SnatReason;
  readonly from: string;
  /** the new source */
  readonly to: string;
}

/** A route lookup (Batfish RoutingStep): the table, the route chosen, where it sends the packet. */
interface RouteDetail {
  readonly kind: "route";
  /** rtb-…, or the node's own table ("main") */
  readonly table: string;
  /** the chosen route's destination, or the kind of node-local route */
  readonly route: string;
  readonly target: string;
}

/** A filter's verdict (Batfish FilterStep): which filter, which way, what it did. */
export interface FilterDetail {
  readonly kind: "filter";
  readonly filter: "network-policy" | "security-group" | "nacl" | "source-dest-check";
  readonly direction: "ingress" | "egress";
  readonly verdict: "allow" | "deny" | "unknown";
}

/** An overlay header added or removed (Calico VXLAN / IP-in-IP). */
export interface TunnelDetail {
  readonly kind: "tunnel";
  readonly mode: "vxlan" | "ipip";
  readonly op: "encapsulate" | "decapsulate";
  readonly peer: string;
}

/** One step of a hop: what a device did, the packet after it, and the object that decided. */
export interface Step {
  /** the device the step belongs to, readable: "node k8s-worker-1", "eni-0abc (10.0.1.11)" */
  readonly hop: string;
  readonly component: Component;
  /** the deciding object: sg-…, rtb-…, namespace/policy, the pool name, … */
  readonly id: string;
  readonly action: Action;
  readonly packet: Packet;
  readonly note: string;
  readonly source: SourceRef | undefined;
  /** what the step decided, as data (the note is its rendering); not in the JSON contract yet */
  readonly detail?: StepDetail | undefined;
}

export interface Drop {
  readonly code: DropCode;
  /** `component:id` of the step that dropped */
  readonly at: string;
  readonly message: string;
  readonly source: SourceRef | undefined;
}

/**
 * Where the snapshot lacks what a decision needs (a managed prefix list, a peering connection, a
 * target outside the snapshot): the trace stops there with verdict `unknown`, and says what to
 * capture to decide it.
 */
export interface Unknown {
  /** `component:id` of the step that could not decide */
  readonly at: string;
  readonly message: string;
  /** what to add to the snapshot to decide it: "aws ec2 describe-managed-prefix-lists …" */
  readonly capture: string;
  readonly source: SourceRef | undefined;
}

/**
 * What a device evaluator returns: allowed with the rule that allowed it (or the default that
 * did), or denied with a drop code. `rule` is human-readable ("rule 100 allow all from
 * 0.0.0.0/0"); `source` is the object's file:line.
 */
export type Decision =
  | { readonly allowed: true; readonly id: string; readonly rule: string; readonly source: SourceRef | undefined }
  | {
      readonly allowed: false;
      readonly undecided?: undefined;
      readonly id: string;
      readonly code: DropCode;
      readonly rule: string;
      readonly source: SourceRef | undefined;
    };

/**
 * What an evaluator that can lack data returns besides a Decision: undecided, because the deciding
 * rule refers to something the snapshot does not hold (`capture` names what to add). Test
 * `allowed` first, then `undecided`.
 */
export interface Undecided {
  readonly allowed: false;
  readonly undecided: true;
  readonly id: string;
  readonly rule: string;
  readonly capture: string;
  readonly source: SourceRef | undefined;
}

export interface Direction {
  readonly verdict: Verdict;
  readonly drop: Drop | null;
  /** set when verdict is `unknown` */
  readonly unknown?: Unknown | null | undefined;
  readonly steps: readonly Step[];
}
