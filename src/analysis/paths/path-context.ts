import type { Instance, NetworkInterface, Subnet } from "../../model/aws.js";
import type {
  ContainerPort,
  Labels,
  Namespace,
  NetworkPolicy,
  Node,
  ObjectRef,
  Pod,
  Service,
} from "../../model/kubernetes.js";
import { cidrContains, formatIPv4, parseCidr4, parseIPv4 } from "../../model/net.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { awsIndex, type AwsIndex } from "./aws/aws-index.js";
import { eniForIp, type EniMatch } from "./aws/eni.js";
import { felixSettingsFor, nodeNetwork, type FelixSettings, type NodeNetwork } from "./calico.js";
import { clusterCidrsOf } from "./kube-proxy.js";
import { loadBalancersOf, type LoadBalancerModel, type LoadBalancerView } from "./load-balancers/index.js";
import { snapshotIndex, type SnapshotIndex } from "./snapshot-index.js";
import { detectCni, type CniDetection } from "./vpc-cni.js";

/**
 * A pod as the path engine sees it: an observed Pod, or a pod podpath places itself (a workload
 * without an observed pod, on its predicted node, at an assumed address of that node's block).
 */
export interface PathPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ip: string;
  readonly nodeName: string | undefined;
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
  readonly source: SourceRef | undefined;
  /** the workload the pod belongs to, when known */
  readonly owner: ObjectRef | undefined;
  /** set when podpath assumed the pod (not in the snapshot) */
  readonly assumed?: string | undefined;
}

export function pathPodOf(pod: Pod): PathPod | undefined {
  if (!pod.podIP) return undefined;
  return {
    namespace: pod.namespace,
    name: pod.name,
    labels: pod.labels,
    ip: pod.podIP,
    nodeName: pod.nodeName,
    hostNetwork: pod.spec.hostNetwork,
    ports: pod.spec.containers.flatMap((c) => c.ports),
    source: pod.meta.source,
    owner: pod.owner,
  };
}

export interface PathOptions {
  /** --cni: override the CNI the snapshot suggests */
  readonly cni?: "calico" | "aws-vpc-cni" | undefined;
}

/**
 * What a trace needs beyond the evaluators' own lookups (snapshot-index.ts, aws/aws-index.ts,
 * calico.ts's per-node network cache), built once per snapshot: the CNI, the cluster CIDRs, nodes
 * by instance, policies by namespace, the load balancers, and the pods podpath assumes
 * (workloads placed on their predicted node).
 */
export class PathContext {
  readonly snapshot: Snapshot;
  readonly cni: CniDetection;
  readonly clusterCIDRs: readonly string[];
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** --cni as given */
  private readonly cniOverride: PathOptions["cni"];
  private readonly index: SnapshotIndex;
  private readonly aws: AwsIndex;
  private readonly pathPods = new Map<string, PathPod>();
  private readonly assumedServicesByIp = new Map<string, Service>();
  private readonly assumedEndpointsByService = new Map<string, readonly PathPod[]>();
  private readonly nodeByInstance = new Map<string, Node>();
  private readonly policiesByNamespace = new Map<string, NetworkPolicy[]>();
  private readonly felix = new Map<string, FelixSettings>();
  private lbModel: LoadBalancerModel | undefined;
  private lbByAddress: Map<string, LoadBalancerView> | undefined;

  constructor(snapshot: Snapshot, options: PathOptions = {}) {
    this.snapshot = snapshot;
    const k = snapshot.kubernetes;
    this.cni = detectCni(snapshot, options.cni);
    this.cniOverride = options.cni;
    this.clusterCIDRs = clusterCidrsOf(snapshot);
    this.namespaces = new Map(k.namespaces.map((n) => [n.name, n]));
    // the evaluators' shared lookups, built now so that no trace pays for them
    this.index = snapshotIndex(snapshot);
    this.aws = awsIndex(snapshot.aws);
    for (const node of k.nodes) {
      // the node's instance: the loader's join (Node.instanceId), as nodeNetwork reads it
      const instanceId = nodeNetwork(snapshot, node).instanceId;
      if (instanceId !== undefined && !this.nodeByInstance.has(instanceId)) this.nodeByInstance.set(instanceId, node);
    }
    for (const p of k.networkPolicies) {
      const list = this.policiesByNamespace.get(p.namespace) ?? [];
      list.push(p);
      this.policiesByNamespace.set(p.namespace, list);
    }
  }

  /** Adds a pod podpath assumes (a workload placed on its predicted node). */
  addAssumedPod(pod: PathPod): void {
    if (!this.podByIp(pod.ip)) this.pathPods.set(pod.ip, pod);
  }

  /**
   * Adds a service podpath gives an assumed ClusterIP (a manifest Service without
   * `spec.clusterIP`, see service-endpoint.ts): kube-proxy serves it at that address.
   */
  addAssumedService(service: Service, predictedEndpoints: readonly PathPod[] = []): void {
    if (!service.clusterIP || this.assumedServicesByIp.has(service.clusterIP)) return;
    this.assumedServicesByIp.set(service.clusterIP, service);
    if (predictedEndpoints.length > 0)
      this.assumedEndpointsByService.set(`${service.namespace}/${service.name}`, predictedEndpoints);
  }

  /** Services at an assumed ClusterIP, by that address (kube-proxy.ts matches them as it does the snapshot's). */
  get assumedServices(): ReadonlyMap<string, Service> {
    return this.assumedServicesByIp;
  }

  /** The snapshot's service `namespace/name` (a load balancer's, a target group's, an endpoint's). */
  service(ref: { readonly namespace: string; readonly name: string } | undefined): Service | undefined {
    return ref ? this.index.servicesByName.get(`${ref.namespace}/${ref.name}`) : undefined;
  }

  /** The service whose ClusterIP `ip` is: the snapshot's, else one podpath assumed an address for. */
  serviceWithClusterIP(ip: string): Service | undefined {
    return (
      this.index.servicesByAddress.get(ip)?.find((s) => s.clusterIP === ip || s.clusterIPs.includes(ip)) ??
      this.assumedServicesByIp.get(ip)
    );
  }

  /** Predicted pods serving such a service (its selector picks a workload without an observed pod), by `ns/name`. */
  get assumedEndpoints(): ReadonlyMap<string, readonly PathPod[]> {
    return this.assumedEndpointsByService;
  }

  /** The pod (not on the host network) with this address: observed, else assumed. */
  podByIp(ip: string): PathPod | undefined {
    let pod = this.pathPods.get(ip);
    if (!pod) {
      const observed = this.index.podsByIp.get(ip);
      pod = observed ? pathPodOf(observed) : undefined;
      if (pod) this.pathPods.set(ip, pod);
    }
    return pod;
  }

  /**
   * An address for a pod podpath places on `node` itself: the `nth` address after the node's
   * Calico tunnel address (Calico gives the tunnel the first address of the node's block, pods
   * the next ones), or a secondary address of its primary ENI (VPC CNI). Undefined when neither
   * is in the snapshot.
   */
  assumedPodAddress(node: Node, nth: number): { ip: string; how: string } | undefined {
    // an address an observed pod or a node holds is not free: the nth free one is taken
    const taken = (ip: string): boolean => this.index.podsByIp.has(ip) || this.index.nodesByAddress.has(ip);
    if (this.cni.networking === "calico") {
      const tunnel = node.overlay.vxlan ?? node.overlay.ipip;
      const base = tunnel ? parseIPv4(tunnel) : undefined;
      if (base === undefined) return undefined;
      let ip = "";
      for (let n = base + 1, free = 0; free < nth; n++) {
        ip = formatIPv4(n);
        if (!taken(ip)) free++;
      }
      return { ip, how: `a free address of ${node.name}'s Calico block (${tunnel} is the block's tunnel address)` };
    }
    const ip = this.primaryEni(node)?.privateIps.filter((p) => !p.primary && !taken(p.address))[nth - 1]?.address;
    return ip === undefined
      ? undefined
      : { ip, how: `a free secondary address of ${node.name}'s primary ENI (VPC CNI)` };
  }

  node(name: string | undefined): Node | undefined {
    return name === undefined ? undefined : this.index.nodesByName.get(name);
  }

  /** The node one of whose own addresses `ip` is. */
  nodeWithAddress(ip: string): Node | undefined {
    return this.index.nodesByAddress.get(ip);
  }

  nodeOfInstance(instanceId: string | undefined): Node | undefined {
    return instanceId === undefined ? undefined : this.nodeByInstance.get(instanceId);
  }

  subnet(id: string | undefined): Subnet | undefined {
    return id === undefined ? undefined : this.aws.subnetsById.get(id);
  }

  instance(id: string | undefined): Instance | undefined {
    return id === undefined ? undefined : this.aws.instancesById.get(id);
  }

  /**
   * `--cni aws-vpc-cni` given for a pod whose address lies outside every VPC CIDR of the
   * snapshot: the override does not fit that pod (the VPC CNI gives pods secondary addresses of
   * their node's ENIs, inside the VPC — amazon-vpc-cni-k8s, docs/cni-proposal.md). The sentence
   * to add to the trace's assumptions, else undefined.
   */
  cniOverrideMisfit(pod: PathPod): string | undefined {
    if (this.cniOverride !== "aws-vpc-cni" || pod.hostNetwork) return undefined;
    const address = parseIPv4(pod.ip);
    const blocks = this.snapshot.aws.vpcs.flatMap((v) =>
      v.cidrBlocks.map((c) => ({ vpc: v.id, cidr: c, block: parseCidr4(c) })),
    );
    if (address === undefined || blocks.length === 0 || blocks.some((b) => b.block && cidrContains(b.block, address)))
      return undefined;
    return `--cni aws-vpc-cni does not fit pod ${pod.namespace}/${pod.name}: its address ${pod.ip} lies outside every VPC CIDR of the snapshot (${blocks.map((b) => `${b.vpc} ${b.cidr}`).join(", ")}), while the VPC CNI gives pods addresses of their node's ENIs; the trace treats it as a VPC address anyway — drop --cni to let the snapshot decide`;
  }

  eni(id: string | undefined): NetworkInterface | undefined {
    return id === undefined ? undefined : this.aws.enisById.get(id);
  }

  /** The network interface holding `ip` (an address, else a delegated prefix). */
  eniForIp(ip: string): EniMatch | undefined {
    return eniForIp(ip, this.snapshot.aws);
  }

  /** The AWS network of a node (instance, subnet, route table, ENIs); calico.ts caches it. */
  network(node: Node): NodeNetwork {
    return nodeNetwork(this.snapshot, node);
  }

  /** The networks of some nodes by name, for Calico's CrossSubnet decisions. */
  networksOf(...nodes: Node[]): Map<string, NodeNetwork> {
    return new Map(nodes.map((n) => [n.name, this.network(n)]));
  }

  /** The node's primary network interface, if the snapshot has it. */
  primaryEni(node: Node): NetworkInterface | undefined {
    return this.eni(this.network(node).primaryEniId);
  }

  felixSettings(nodeName: string | undefined): FelixSettings {
    const key = nodeName ?? "";
    let s = this.felix.get(key);
    if (!s) {
      s = felixSettingsFor(this.snapshot, nodeName);
      this.felix.set(key, s);
    }
    return s;
  }

  policiesIn(namespace: string): readonly NetworkPolicy[] {
    return this.policiesByNamespace.get(namespace) ?? [];
  }

  get loadBalancers(): LoadBalancerModel {
    this.lbModel ??= loadBalancersOf(this.snapshot);
    return this.lbModel;
  }

  /** The load balancer one of whose private addresses `ip` is. */
  loadBalancerAt(ip: string): LoadBalancerView | undefined {
    if (!this.lbByAddress) {
      this.lbByAddress = new Map();
      for (const lb of this.loadBalancers.loadBalancers)
        for (const a of lb.addresses)
          if (a.privateIp && !this.lbByAddress.has(a.privateIp)) this.lbByAddress.set(a.privateIp, lb);
    }
    return this.lbByAddress.get(ip);
  }

  /**
   * The snapshot has the output of describe-network-interfaces (every interface of the region,
   * load balancers' and NAT gateways' included), not only the instances' own interfaces from
   * describe-instances: an address no interface holds is then held by nothing.
   */
  get interfacesListed(): boolean {
    return this.aws.interfacesComplete;
  }

  /** The snapshot has an AWS network to follow (subnets and route tables). */
  get hasVpc(): boolean {
    return this.snapshot.aws.subnets.length > 0 && this.snapshot.aws.routeTables.length > 0;
  }
}
