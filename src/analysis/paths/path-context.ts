import type { Instance, NetworkInterface, Subnet } from "../../model/aws.js";
import type { Labels, Namespace, NetworkPolicy, Node, Pod } from "../../model/kubernetes.js";
import type { ContainerPort } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { nodeAddresses, nodeNetwork, nodePrimaryIp, felixSettingsFor, type FelixSettings, type NodeNetwork } from "./calico.js";
import { eniForIp, type EniMatch } from "./aws/eni.js";
import { clusterCidrsOf } from "./kube-proxy.js";
import { loadBalancersOf, type LoadBalancerModel } from "./load-balancers/index.js";
import { detectCni, type CniDetection } from "./vpc-cni.js";
import { snapshotIndex } from "./snapshot-index.js";
import { awsIndex } from "./aws/aws-index.js";

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
  };
}

export interface PathOptions {
  /** --cni: override the CNI the snapshot suggests */
  readonly cni?: "calico" | "aws-vpc-cni" | undefined;
}

/**
 * The lookups a trace needs, built once per snapshot (a trace on a 5,000-node, 150,000-pod
 * cluster must not scan every pod at every hop): pods by IP, nodes by address and by instance,
 * network interfaces by address, the CNI, the load balancers.
 */
export class PathContext {
  readonly snapshot: Snapshot;
  readonly cni: CniDetection;
  readonly clusterCIDRs: readonly string[];
  readonly namespaces: ReadonlyMap<string, Namespace>;
  private readonly podsByIp = new Map<string, PathPod>();
  private readonly nodesByName = new Map<string, Node>();
  private readonly nodesByAddress = new Map<string, Node>();
  private readonly nodeByInstance = new Map<string, Node>();
  private readonly enisByIp = new Map<string, EniMatch>();
  private readonly enisById = new Map<string, NetworkInterface>();
  private readonly instancesById = new Map<string, Instance>();
  private readonly subnetsById = new Map<string, Subnet>();
  private readonly policiesByNamespace = new Map<string, NetworkPolicy[]>();
  private readonly networks = new Map<string, NodeNetwork>();
  private readonly felix = new Map<string, FelixSettings>();
  private lbModel: LoadBalancerModel | undefined;

  constructor(snapshot: Snapshot, options: PathOptions = {}) {
    this.snapshot = snapshot;
    const k = snapshot.kubernetes;
    const aws = snapshot.aws;
    this.cni = detectCni(snapshot, options.cni);
    this.clusterCIDRs = clusterCidrsOf(snapshot);
    this.namespaces = new Map(k.namespaces.map((n) => [n.name, n]));
    // the evaluators' shared lookups, built now so that no trace pays for them
    snapshotIndex(snapshot);
    awsIndex(aws);
    for (const pod of k.pods) {
      if (pod.spec.hostNetwork) continue;
      const p = pathPodOf(pod);
      // a terminated pod may share an address with a running one: the running one wins
      if (p && (!this.podsByIp.has(p.ip) || pod.phase === "Running")) this.podsByIp.set(p.ip, p);
    }
    for (const node of k.nodes) {
      this.nodesByName.set(node.name, node);
      for (const a of nodeAddresses(node)) if (!this.nodesByAddress.has(a)) this.nodesByAddress.set(a, node);
    }
    for (const i of aws.instances) this.instancesById.set(i.id, i);
    for (const s of aws.subnets) this.subnetsById.set(s.id, s);
    for (const eni of aws.networkInterfaces) {
      this.enisById.set(eni.id, eni);
      for (const p of eni.privateIps) if (!this.enisByIp.has(p.address)) this.enisByIp.set(p.address, { eni, via: p.primary ? "primary" : "secondary", prefix: undefined });
    }
    for (const j of snapshot.joins) {
      if (j.kind !== "node-instance") continue;
      const node = this.nodesByName.get(j.from.replace(/^Node /, ""));
      if (node) this.nodeByInstance.set(j.to.replace(/^Instance /, ""), node);
    }
    const instanceByIp = new Map<string, Instance>();
    for (const i of aws.instances) if (i.privateIp && !instanceByIp.has(i.privateIp)) instanceByIp.set(i.privateIp, i);
    for (const node of k.nodes) {
      const ip = nodePrimaryIp(node);
      const instance = ip ? instanceByIp.get(ip) : undefined;
      if (instance && !this.nodeByInstance.has(instance.id)) this.nodeByInstance.set(instance.id, node);
    }
    for (const p of k.networkPolicies) {
      const list = this.policiesByNamespace.get(p.namespace) ?? [];
      list.push(p);
      this.policiesByNamespace.set(p.namespace, list);
    }
  }

  /** Adds a pod podpath assumes (a workload placed on its predicted node). */
  addAssumedPod(pod: PathPod): void {
    if (!this.podsByIp.has(pod.ip)) this.podsByIp.set(pod.ip, pod);
  }

  podByIp(ip: string): PathPod | undefined {
    return this.podsByIp.get(ip);
  }

  node(name: string | undefined): Node | undefined {
    return name === undefined ? undefined : this.nodesByName.get(name);
  }

  /** The node one of whose own addresses `ip` is. */
  nodeWithAddress(ip: string): Node | undefined {
    return this.nodesByAddress.get(ip);
  }

  nodeOfInstance(instanceId: string | undefined): Node | undefined {
    return instanceId === undefined ? undefined : this.nodeByInstance.get(instanceId);
  }

  instance(id: string | undefined): Instance | undefined {
    return id === undefined ? undefined : this.instancesById.get(id);
  }

  subnet(id: string | undefined): Subnet | undefined {
    return id === undefined ? undefined : this.subnetsById.get(id);
  }

  eni(id: string | undefined): NetworkInterface | undefined {
    return id === undefined ? undefined : this.enisById.get(id);
  }

  /** The network interface holding `ip` (an address, else a delegated prefix). */
  eniForIp(ip: string): EniMatch | undefined {
    return this.enisByIp.get(ip) ?? (this.snapshot.aws.networkInterfaces.some((e) => e.ipv4Prefixes.length > 0) ? eniForIp(ip, this.snapshot.aws) : undefined);
  }

  /** The AWS network of a node (instance, subnet, route table, ENIs), cached. */
  network(node: Node): NodeNetwork {
    let n = this.networks.get(node.name);
    if (!n) {
      n = nodeNetwork(this.snapshot, node);
      this.networks.set(node.name, n);
    }
    return n;
  }

  /** Every node's network, for Calico's CrossSubnet decisions. */
  networksOf(...nodes: Node[]): Map<string, NodeNetwork> {
    return new Map(nodes.map((n) => [n.name, this.network(n)]));
  }

  /** The node's primary network interface (device index 0), if the snapshot has it. */
  primaryEni(node: Node): NetworkInterface | undefined {
    const net = this.network(node);
    const enis = net.eniIds.map((id) => this.enisById.get(id)).filter((e): e is NetworkInterface => e !== undefined);
    return enis.find((e) => e.attachment?.deviceIndex === 0) ?? enis.find((e) => e.privateIps.some((p) => p.primary && p.address === nodePrimaryIp(node))) ?? enis[0];
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

  /** The snapshot has an AWS network to follow (subnets and route tables). */
  get hasVpc(): boolean {
    return this.snapshot.aws.subnets.length > 0 && this.snapshot.aws.routeTables.length > 0;
  }
}
