import type { NatGateway, NetworkInterface } from "../../../model/aws.js";
import type { Node } from "../../../model/kubernetes.js";
import type { PathContext, PathPod } from "../path-context.js";
import type { HttpRequest, LoadBalancerView } from "../load-balancers/index.js";
import type { Device } from "../trace-engine.js";
import type { Packet, Step } from "../trace-model.js";

/** How a packet reaches a node's network namespace. */
export type Arrival =
  /** sent by a pod on the node (through its veth) */
  | { readonly kind: "pod"; readonly pod: PathPod }
  /** sent by the node itself (a host process, a host-network pod) */
  | { readonly kind: "host" }
  /** received from the wire (the node's network interface) */
  | { readonly kind: "wire" };

/**
 * The devices of a snapshot, built on demand; each adapter module gets this to name the next
 * device without importing the others (pod → node → ENI → subnet → … → node → pod).
 */
export interface Network {
  readonly ctx: PathContext;
  /** the HTTP request, when the trace goes to a url: (load balancers route by it) */
  readonly request: HttpRequest | undefined;
  /**
   * Records an assumption the trace rests on (a gap in the snapshot the walk crossed), with what
   * to capture to close it; the trace lists each once in `assumptions`.
   */
  assume(text: string): void;
  podSource(pod: PathPod): Device;
  /**
   * A pod receiving. `ingressChecked`: its NetworkPolicy ingress was already evaluated on the node
   * (Calico's filter FORWARD runs before a MASQUERADE in nat POSTROUTING, see node.ts); the
   * reply handler of that decision.
   */
  podDestination(pod: PathPod, ingressChecked?: (back: Packet) => { steps: Step[]; packet: Packet }): Device;
  node(node: Node, arrival: Arrival): Device;
  eniEgress(eni: NetworkInterface): Device;
  eniIngress(eni: NetworkInterface): Device;
  /** the route table of a subnet, for a packet leaving an interface (or a NAT gateway) there */
  subnetRouter(subnetId: string): Device;
  natGateway(nat: NatGateway): Device;
  /** an internet gateway translating a VPC address outward */
  internetGatewayOut(igwId: string, vpcId: string | undefined): Device;
  /** the internet as a source or transit: a packet to a VPC's public address enters through its internet gateway */
  internet(role: "source" | "transit"): Device;
  loadBalancer(lb: LoadBalancerView, address: string): Device;
  /**
   * Connections a Network Load Balancer forwarded with the client's address (hops/load-balancer.ts
   * flowKey): their replies return through it whatever the route tables say, so the subnet router
   * does not call them asymmetric; and the targets' security-group rules that reference the NLB's
   * security groups admit them (the value: those groups, and the NLB address that sent it).
   */
  readonly loadBalancedFlows: Map<string, { readonly address: string; readonly securityGroupIds: readonly string[] }>;
}
