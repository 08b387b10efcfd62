import type { NetworkInterface, Route, RouteTable } from "../../model/aws.js";
import type { FelixConfiguration, IPPool, Node } from "../../model/kubernetes.js";
import { cidrContains, isPrivateOrShared, parseCidr4, parseIPv4 } from "../../model/net.js";
import type { AwsModel, Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { awsIndex } from "./aws/aws-index.js";
import { lookupRoute } from "./aws/route-tables.js";
import { calicoNodeAgent } from "./node-agents.js";
import type { Decision, Packet } from "./trace-model.js";
import { describeNatOutgoing } from "./wording.js";

/**
 * Calico's data-plane decisions, as Felix programs them (iptables data plane):
 *
 * - natOutgoing: Felix's `cali-nat-outgoing` chain (felix/rules/nat.go,
 *   felix/dataplane/linux/masq_mgr.go) is
 *   `-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst
 *    [-m set ! --match-set cali40all-hosts-net dst] -j MASQUERADE` (or `-j SNAT --to-source
 *   natOutgoingAddress`). Calico docs, "Configure outgoing NAT": pods of a pool with
 *   `natOutgoing: true` are masqueraded to every destination outside all IP pools — VPC
 *   addresses and other nodes' IPs included. The seed document says VPC destinations are not
 *   NATed: that is wrong.
 * - Overlay: VXLAN/IPIP `Always` encapsulates every packet between nodes with the node IPs as
 *   outer addresses (VXLAN: UDP 4789, VNI 4096; IPIP: IP protocol 4); `CrossSubnet`
 *   encapsulates only when the other node is outside this node's subnet (the prefix of its
 *   `projectcalico.org/IPv4Address`); `Never` routes natively (Calico docs, "Overlay networking").
 * - Pod addresses of a pool exist only inside the cluster: the VPC routes nothing to them unless
 *   its route tables send them to a node.
 *
 * Replies are not NATed by these rules: NAT rules see only a connection's first packet, and
 * conntrack reverses the translation for the replies (the seed's "SNAT again on the way back"
 * does not happen).
 */

// ---------------------------------------------------------------------------------------------
// addresses (shared by kube-proxy.ts and vpc-cni.ts)

/** True when `ip` is an IPv4 address inside the IPv4 CIDR `cidr`; false for anything else. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const address = parseIPv4(ip);
  const block = parseCidr4(cidr);
  return address !== undefined && block !== undefined && cidrContains(block, address);
}

function stripPrefix(address: string): string {
  const slash = address.indexOf("/");
  return slash < 0 ? address : address.slice(0, slash);
}

/**
 * The node's primary address: its InternalIP, else the address Calico uses for it
 * (`projectcalico.org/IPv4Address`). Packets leaving through the node's NIC are masqueraded to it,
 * and it is the outer address of VXLAN/IPIP packets.
 */
export function nodePrimaryIp(node: Node): string | undefined {
  if (node.internalIP && parseIPv4(node.internalIP) !== undefined) return node.internalIP;
  const calico = node.overlay.nodeAddress ? stripPrefix(node.overlay.nodeAddress) : undefined;
  if (calico && parseIPv4(calico) !== undefined) return calico;
  return node.addresses.find((a) => a.type === "InternalIP" && parseIPv4(a.address) !== undefined)?.address;
}

/**
 * Every IPv4 address local to the node as the snapshot shows them: status addresses (InternalIP,
 * ExternalIP), Calico's node address and its tunnel addresses (vxlan.calico, tunl0, wireguard.cali
 * carry them). iptables' `--dst-type LOCAL` / `--src-type LOCAL` match exactly such addresses.
 */
export function nodeAddresses(node: Node): string[] {
  const out: string[] = [];
  const add = (value: string | undefined): void => {
    if (!value) return;
    const ip = stripPrefix(value);
    if (parseIPv4(ip) !== undefined && !out.includes(ip)) out.push(ip);
  };
  add(node.internalIP);
  add(node.externalIP);
  for (const a of node.addresses) if (a.type === "InternalIP" || a.type === "ExternalIP") add(a.address);
  add(node.overlay.nodeAddress);
  add(node.overlay.vxlan);
  add(node.overlay.ipip);
  add(node.overlay.wireguard);
  return out;
}

/** The node one of whose own addresses `ip` is. */
function nodeWithAddress(nodes: readonly Node[], ip: string): Node | undefined {
  return nodes.find((n) => nodeAddresses(n).includes(ip));
}

// ---------------------------------------------------------------------------------------------
// IP pools

/**
 * The IPv4 pool containing `ip` (the most specific, should pools overlap). Disabled pools count:
 * `disabled` only stops new allocations (Calico docs, "Migrate from one IP pool to another"), and
 * Felix keeps every pool in its `all-ipam-pools` / `masq-ipam-pools` sets (the calculation graph
 * forwards IPPool updates without looking at `disabled`).
 */
export function ipPoolFor(ip: string, pools: readonly IPPool[]): IPPool | undefined {
  const address = parseIPv4(ip);
  if (address === undefined) return undefined;
  let best: IPPool | undefined;
  let bestPrefix = -1;
  for (const pool of pools) {
    const block = parseCidr4(pool.cidr);
    if (block && cidrContains(block, address) && block.prefix > bestPrefix) {
      best = pool;
      bestPrefix = block.prefix;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Felix settings

/** The Felix settings natOutgoing reads, with where they came from. */
export interface FelixSettings {
  readonly natOutgoingAddress: string | undefined;
  /** "IPPoolsOnly" (the default) or "IPPoolsAndHostIPs" */
  readonly natOutgoingExclusions: string | undefined;
  /** what decided: the FelixConfiguration (global `default` or per-node `node.NAME`) or the env */
  readonly from: string;
  readonly source: SourceRef | undefined;
}

/**
 * Felix's effective settings for a node. Felix's precedence (felix/config/config_params.go:
 * DatastoreGlobal < DatastorePerHost < ConfigFile < EnvironmentVariable): the `default`
 * FelixConfiguration, overridden field by field by `node.<nodeName>`, overridden by the
 * calico-node DaemonSet's FELIX_NATOUTGOINGADDRESS.
 */
export function felixSettingsFor(snapshot: Snapshot, nodeName: string | undefined): FelixSettings {
  const configs = snapshot.kubernetes.felixConfigurations;
  const global = configs.find((c) => c.name === "default");
  const perNode = nodeName ? configs.find((c) => c.name === `node.${nodeName}`) : undefined;
  let natOutgoingAddress = global?.natOutgoingAddress;
  let natOutgoingExclusions = global?.natOutgoingExclusions;
  let from = global ? "FelixConfiguration default" : "Felix defaults";
  let source = global?.meta.source;
  if (perNode && (perNode.natOutgoingAddress !== undefined || perNode.natOutgoingExclusions !== undefined)) {
    natOutgoingAddress = perNode.natOutgoingAddress ?? natOutgoingAddress;
    natOutgoingExclusions = perNode.natOutgoingExclusions ?? natOutgoingExclusions;
    from = `FelixConfiguration ${perNode.name}`;
    source = perNode.meta.source;
  }
  // calico-node's environment overrides the FelixConfiguration (Felix config precedence: env first),
  // wherever calico-node runs (kube-system for the manifest, calico-system for the operator)
  const calicoNode = calicoNodeAgent(snapshot);
  const container = calicoNode?.template.spec.containers.find(
    (c) => (c.envValues["FELIX_NATOUTGOINGADDRESS"] ?? "") !== "",
  );
  if (calicoNode && container) {
    natOutgoingAddress = container.envValues["FELIX_NATOUTGOINGADDRESS"];
    from = "calico-node env FELIX_NATOUTGOINGADDRESS";
    source = container.envSources?.["FELIX_NATOUTGOINGADDRESS"] ?? calicoNode.meta.source;
  }
  return { natOutgoingAddress, natOutgoingExclusions, from, source };
}

function asSettings(felix: FelixSettings | FelixConfiguration | undefined): FelixSettings {
  if (!felix)
    return {
      natOutgoingAddress: undefined,
      natOutgoingExclusions: undefined,
      from: "Felix defaults",
      source: undefined,
    };
  if ("meta" in felix)
    return {
      natOutgoingAddress: felix.natOutgoingAddress,
      natOutgoingExclusions: felix.natOutgoingExclusions,
      from: `FelixConfiguration ${felix.name}`,
      source: felix.meta.source,
    };
  return felix;
}

// ---------------------------------------------------------------------------------------------
// natOutgoing

/** What natOutgoing did with a packet, as data (wording.ts `describeNatOutgoing` words it). */
type NatOutgoingOutcome =
  /** the source is in no IP pool: natOutgoing does not apply */
  | "no-ip-pool"
  /** the source's pool has natOutgoing: false */
  | "nat-outgoing-off"
  /** the destination is in an IP pool (cali40all-ipam-pools): never NATed */
  | "destination-in-pool"
  /** the destination is the node's own address: no POSTROUTING */
  | "local-delivery"
  /** natOutgoingExclusions IPPoolsAndHostIPs and the destination is a host */
  | "host-excluded"
  /** SNAT to natOutgoingAddress, or MASQUERADE */
  | "masquerade";

export type NatOutgoingDecision = Decision & {
  readonly masquerade: boolean;
  readonly outcome: NatOutgoingOutcome;
  /** the source address after the NAT; undefined when not masqueraded (or the node is unknown) */
  readonly snatTo: string | undefined;
  /** the source pod's pool */
  readonly pool: IPPool | undefined;
  /** where the SNAT address came from, when it is natOutgoingAddress */
  readonly addressSource: SourceRef | undefined;
  readonly note: string;
};

/**
 * Calico natOutgoing for a packet `srcPodIp → dstIp` leaving `srcNode` (evaluate it on the packet
 * after kube-proxy's DNAT: both run in the same netfilter pass, DNAT first). Masquerades when the
 * source's pool has natOutgoing and the destination is outside every IP pool (and, with
 * natOutgoingExclusions IPPoolsAndHostIPs, not a host IP either). The new source is
 * natOutgoingAddress when set, else the address of the interface the packet leaves by — the
 * node's IP for destinations reached through its NIC. Decided first (`outcome`), then worded
 * (wording.ts).
 *
 * `pools`: every IP pool (disabled ones too); `felix`: the node's effective settings
 * ({@link felixSettingsFor}) or a FelixConfiguration; `allNodes`: for IPPoolsAndHostIPs (the
 * hosts Calico knows; defaults to `srcNode` alone) — a list, or the node holding an address (the
 * tracer passes its index: a per-packet scan of 5,000 nodes' addresses otherwise).
 */
export function natOutgoing(
  srcPodIp: string,
  dstIp: string,
  pools: readonly IPPool[],
  felix: FelixSettings | FelixConfiguration | undefined,
  srcNode: Node | undefined,
  allNodes: readonly Node[] | ((ip: string) => Node | undefined) = srcNode ? [srcNode] : [],
): NatOutgoingDecision {
  const settings = asSettings(felix);
  const pool = ipPoolFor(srcPodIp, pools);
  // decide
  let outcome: NatOutgoingOutcome;
  let dstPool: IPPool | undefined;
  let host: Node | undefined;
  if (!pool) outcome = "no-ip-pool";
  else if (!pool.natOutgoing) outcome = "nat-outgoing-off";
  else if ((dstPool = ipPoolFor(dstIp, pools))) outcome = "destination-in-pool";
  else if (srcNode && nodeAddresses(srcNode).includes(dstIp)) outcome = "local-delivery";
  else if (
    settings.natOutgoingExclusions === "IPPoolsAndHostIPs" &&
    (host = typeof allNodes === "function" ? allNodes(dstIp) : nodeWithAddress(allNodes, dstIp))
  )
    outcome = "host-excluded";
  else outcome = "masquerade";
  // explain
  const nodeIp = srcNode ? nodePrimaryIp(srcNode) : undefined;
  const words = describeNatOutgoing(outcome, {
    srcPodIp,
    dstIp,
    pool,
    dstPool,
    nodeName: srcNode?.name,
    hostName: host?.name,
    settingsFrom: settings.from,
    natOutgoingAddress: settings.natOutgoingAddress,
    nodeIp,
    dstPrivate: outcome === "masquerade" && isPrivateOrShared(dstIp),
  });
  if (!pool || outcome !== "masquerade") {
    const id = pool ? pool.name : "no-ip-pool";
    const source =
      outcome === "no-ip-pool"
        ? undefined
        : outcome === "host-excluded"
          ? (settings.source ?? pool?.meta.source)
          : pool?.meta.source;
    return {
      allowed: true,
      id,
      rule: words.rule,
      source,
      masquerade: false,
      outcome,
      snatTo: undefined,
      pool,
      addressSource: undefined,
      note: words.note,
    };
  }
  return {
    allowed: true,
    id: pool.name,
    rule: words.rule,
    source: pool.meta.source,
    masquerade: true,
    outcome,
    snatTo: settings.natOutgoingAddress ?? nodeIp,
    pool,
    addressSource: settings.natOutgoingAddress ? settings.source : undefined,
    note: words.note,
  };
}

// ---------------------------------------------------------------------------------------------
// the VPC around the nodes

/** What the AWS side of the snapshot says about a node's network. */
export interface NodeNetwork {
  readonly node: string;
  readonly instanceId: string | undefined;
  readonly vpcId: string | undefined;
  readonly subnetId: string | undefined;
  readonly subnetCidr: string | undefined;
  readonly subnetSource: SourceRef | undefined;
  /** the route table of the node's subnet (its explicit association, else the VPC's main table) */
  readonly routeTable: RouteTable | undefined;
  /** every ENI attached to the node's instance */
  readonly eniIds: readonly string[];
  /** the primary one (device index 0, else the one holding the node IP as primary address) */
  readonly primaryEniId: string | undefined;
  /** source/destination check of the primary ENI (else the instance's) */
  readonly sourceDestCheck: boolean | undefined;
  readonly sourceDestCheckId: string | undefined;
  readonly sourceDestCheckSource: SourceRef | undefined;
}

const networkCache = new WeakMap<Snapshot, Map<Node, NodeNetwork>>();
/**
 * The AWS network of one node: its instance is the loader's join (`Node.instanceId`: providerID,
 * a unique InternalIP, Name tag) — no second join here; an unjoined node gets at most the ENI
 * holding its address. Cached per snapshot.
 */
export function nodeNetwork(snapshot: Snapshot, node: Node): NodeNetwork {
  let perNode = networkCache.get(snapshot);
  if (!perNode) {
    perNode = new Map();
    networkCache.set(snapshot, perNode);
  }
  let network = perNode.get(node);
  if (!network) {
    network = computeNodeNetwork(snapshot, node);
    perNode.set(node, network);
  }
  return network;
}

function computeNodeNetwork(snapshot: Snapshot, node: Node): NodeNetwork {
  const aws = snapshot.aws;
  const index = awsIndex(aws);
  const ip = nodePrimaryIp(node);
  const instance = node.instanceId !== undefined ? index.instancesById.get(node.instanceId) : undefined;
  const holder = ip ? index.eniByAddress.get(ip)?.eni : undefined;
  const enis: readonly NetworkInterface[] = instance
    ? (index.enisByInstance.get(instance.id) ?? [])
    : holder
      ? [holder]
      : [];
  const primaryEni =
    enis.find((e) => e.attachment?.deviceIndex === 0) ??
    enis.find((e) => ip !== undefined && e.privateIps.some((p) => p.primary && p.address === ip)) ??
    enis[0];
  const subnetId = instance?.subnetId ?? primaryEni?.subnetId;
  const subnet = subnetId
    ? index.subnetsById.get(subnetId)
    : ip
      ? aws.subnets.find((s) => ipInCidr(ip, s.cidr))
      : undefined;
  const vpcId = instance?.vpcId ?? subnet?.vpcId ?? primaryEni?.vpcId;
  const routeTable = subnet
    ? (index.routeTableBySubnet.get(subnet.id) ?? index.mainRouteTableByVpc.get(subnet.vpcId))
    : undefined;
  return {
    node: node.name,
    instanceId: instance?.id,
    vpcId,
    subnetId: subnet?.id,
    subnetCidr: subnet?.cidr,
    subnetSource: subnet?.source,
    routeTable,
    eniIds: enis.map((e) => e.id),
    primaryEniId: primaryEni?.id,
    sourceDestCheck: primaryEni ? primaryEni.sourceDestCheck : instance?.sourceDestCheck,
    sourceDestCheckId: primaryEni?.id ?? instance?.id,
    sourceDestCheckSource: primaryEni?.source ?? instance?.source,
  };
}

/** {@link nodeNetwork} for every node of the snapshot, by node name. */
export function nodeNetworks(snapshot: Snapshot): Map<string, NodeNetwork> {
  return new Map(snapshot.kubernetes.nodes.map((n) => [n.name, nodeNetwork(snapshot, n)]));
}

/**
 * The route `table` gives `ip`, as the VPC picks it: route-tables.ts `lookupRoute`, the one AWS
 * route selection (longest prefix; at equal length static, then prefix-list, then propagated; a
 * propagated route never over the local route it overlaps; with `aws`, prefix-list entries and
 * the local routes a trimmed table omits). A blackhole route is returned: its `state` says so.
 * Undefined when no route matches (or only a prefix list whose entries the snapshot lacks).
 */
function routeIn(table: RouteTable, ip: string, aws: AwsModel | undefined): Route | undefined {
  const lookup = lookupRoute(table, ip, aws);
  return !lookup.allowed && lookup.code === "NO_ROUTE" ? undefined : lookup.route;
}

// ---------------------------------------------------------------------------------------------
// overlay

type OverlayKind = "local" | "vxlan" | "ipip" | "native";

export type OverlayDecision = Decision & {
  readonly mode: OverlayKind;
  /** the outer header while encapsulated (VXLAN: UDP 4789; IPIP: protocol 4) */
  readonly outer: Packet["outer"];
  readonly note: string;
};

/** Felix's default VXLAN port (FelixConfiguration vxlanPort) and VNI (vxlanVNI 4096). */
const VXLAN_PORT = 4789;

function nodeSubnetPrefix(
  node: Node,
  networks: ReadonlyMap<string, NodeNetwork>,
): { cidr: string; from: string } | undefined {
  const calico = node.overlay.nodeAddress;
  if (calico && calico.includes("/") && parseCidr4(calico))
    return { cidr: calico, from: `node ${node.name}'s projectcalico.org/IPv4Address ${calico}` };
  const aws = networks.get(node.name);
  if (aws?.subnetCidr)
    return { cidr: aws.subnetCidr, from: `node ${node.name}'s subnet ${aws.subnetId} (${aws.subnetCidr})` };
  return undefined;
}

/**
 * How a packet to a pod of `pool` on `dstNode` crosses from `srcNode` (the pool of the
 * destination address decides: Felix programs the route to each remote block by its pool's
 * mode). Always → encapsulated, outer addresses the node IPs; CrossSubnet → encapsulated only
 * when `dstNode`'s IP is outside `srcNode`'s subnet (the prefix of its
 * `projectcalico.org/IPv4Address`, as Felix compares; else the AWS subnet when known); Never →
 * routed natively, which in a VPC works only if the VPC delivers pod addresses: source/destination
 * check off on both ENIs (SOURCE_DEST_CHECK) and, across subnets, a route for the pod address to
 * the destination node (TARGET_NOT_ROUTABLE).
 *
 * `subnetsOfNodes`: {@link nodeNetworks} (empty when the snapshot has no AWS side);
 * `dstIp`: the inner destination, for the route lookup (defaults to the pool's CIDR base); `aws`:
 * the snapshot's AWS model, for the prefix lists and implicit local routes of that lookup.
 */
export function overlayFor(
  srcNode: Node,
  dstNode: Node,
  pool: IPPool | undefined,
  subnetsOfNodes: ReadonlyMap<string, NodeNetwork>,
  dstIp?: string,
  aws?: AwsModel,
): OverlayDecision {
  if (srcNode.name === dstNode.name) {
    return {
      allowed: true,
      id: srcNode.name,
      rule: "same node",
      source: srcNode.meta.source,
      mode: "local",
      outer: undefined,
      note: `Source and destination are both on ${srcNode.name}: routed to the pod's interface on the node, no encapsulation.`,
    };
  }
  const srcIp = nodePrimaryIp(srcNode);
  const dstNodeIp = nodePrimaryIp(dstNode);
  if (!pool) {
    return {
      allowed: true,
      id: dstNode.name,
      rule: "not an IP pool address",
      source: undefined,
      mode: "native",
      outer: undefined,
      note: `The destination is in no Calico IP pool (a node or host-network address): forwarded unencapsulated through the node's NIC.`,
    };
  }
  const vxlan = pool.vxlanMode !== "Never";
  const encap: "vxlan" | "ipip" | undefined = vxlan ? "vxlan" : pool.ipipMode !== "Never" ? "ipip" : undefined;
  const mode = encap === "vxlan" ? pool.vxlanMode : encap === "ipip" ? pool.ipipMode : "Never";
  const field = encap === "ipip" ? "ipipMode" : "vxlanMode";
  const both =
    pool.vxlanMode !== "Never" && pool.ipipMode !== "Never"
      ? " (the pool sets both vxlanMode and ipipMode, which Calico's validation rejects; VXLAN assumed)"
      : "";

  let sameSubnet: boolean | undefined;
  let subnetWhy = "";
  if (mode === "CrossSubnet" || mode === "Never") {
    const prefix = nodeSubnetPrefix(srcNode, subnetsOfNodes);
    if (prefix && dstNodeIp) {
      sameSubnet = ipInCidr(dstNodeIp, prefix.cidr);
      subnetWhy = `${dstNode.name} (${dstNodeIp}) is ${sameSubnet ? "inside" : "outside"} ${prefix.from}`;
    }
  }
  const encapsulate = encap !== undefined && (mode === "Always" || (mode === "CrossSubnet" && sameSubnet !== true));
  if (encapsulate && encap) {
    const outer: Packet["outer"] =
      srcIp && dstNodeIp
        ? {
            src: srcIp,
            dst: dstNodeIp,
            protocol: encap === "vxlan" ? "UDP" : "IPIP",
            dstPort: encap === "vxlan" ? VXLAN_PORT : 0,
          }
        : undefined;
    const wire = encap === "vxlan" ? `VXLAN (UDP ${VXLAN_PORT}, VNI 4096)` : "IP-in-IP (IP protocol 4)";
    const why =
      mode === "Always"
        ? `${field}: Always`
        : sameSubnet === false
          ? `${field}: CrossSubnet and ${subnetWhy}`
          : `${field}: CrossSubnet and node ${srcNode.name}'s subnet is unknown (no projectcalico.org/IPv4Address prefix, no AWS subnet)`;
    return {
      allowed: true,
      id: pool.name,
      rule: `${field}: ${mode}`,
      source: pool.meta.source,
      mode: encap,
      outer,
      note:
        `IP pool ${pool.name} has ${why}${both}: encapsulated in ${wire} from ${srcNode.name} (${srcIp ?? "?"}) to ${dstNode.name} (${dstNodeIp ?? "?"}). ` +
        `The VPC sees only the node IPs; the pod IPs ride inside. Security groups and NACLs must admit ${encap === "vxlan" ? `UDP ${VXLAN_PORT}` : "IP protocol 4"} between the nodes.`,
    };
  }

  // routed natively
  const why = mode === "Never" ? `vxlanMode and ipipMode are Never` : `${field}: CrossSubnet and ${subnetWhy}`;
  const head = `IP pool ${pool.name} has ${why}: routed natively, the pod IPs travel unencapsulated between ${srcNode.name} and ${dstNode.name}`;
  const src = subnetsOfNodes.get(srcNode.name);
  const dst = subnetsOfNodes.get(dstNode.name);
  if (!src?.instanceId && !dst?.instanceId) {
    return {
      allowed: true,
      id: pool.name,
      rule: `${field}: ${mode}`,
      source: pool.meta.source,
      mode: "native",
      outer: undefined,
      note: `${head}. The network between the nodes is not in the snapshot: it must carry pod addresses.`,
    };
  }
  for (const [end, net] of [
    ["source", src],
    ["destination", dst],
  ] as const) {
    if (net?.sourceDestCheck === true) {
      return {
        allowed: false,
        id: net.sourceDestCheckId ?? net.node,
        code: "SOURCE_DEST_CHECK",
        rule: "sourceDestCheck: true",
        source: net.sourceDestCheckSource,
        mode: "native",
        outer: undefined,
        note: `${head}, but the ${end} node ${net.node}'s ENI ${net.sourceDestCheckId ?? ""} has source/destination check on: EC2 drops packets whose ${end === "source" ? "source" : "destination"} is a pod IP, not the ENI's own address. Disable the check, or use VXLAN/IPIP.`,
      };
    }
  }
  if (sameSubnet === true) {
    return {
      allowed: true,
      id: pool.name,
      rule: `${field}: ${mode}`,
      source: pool.meta.source,
      mode: "native",
      outer: undefined,
      note: `${head}; the nodes share a subnet, so the packet goes straight to ${dstNode.name}'s ENI (source/destination check is off on both).`,
    };
  }
  const target = dstIp ?? (parseCidr4(pool.cidr) ? pool.cidr.split("/")[0]! : "");
  const table = src?.routeTable;
  const route = table ? routeIn(table, target, aws) : undefined;
  const toDst =
    route &&
    route.state === "active" &&
    ((route.targetKind === "instance" && route.targetId === dst?.instanceId) ||
      (route.targetKind === "network-interface" && (dst?.eniIds ?? []).includes(route.targetId)));
  if (table && route && toDst) {
    return {
      allowed: true,
      id: table.id,
      rule: `${route.destination} → ${route.targetId}`,
      source: table.source,
      mode: "native",
      outer: undefined,
      note: `${head}; route table ${table.id} sends ${route.destination} to ${route.targetId} on ${dstNode.name}.`,
    };
  }
  return {
    allowed: false,
    id: table?.id ?? pool.name,
    code: "TARGET_NOT_ROUTABLE",
    rule: route
      ? `${route.destination} → ${route.targetId}${route.state === "blackhole" ? " (blackhole)" : ""}`
      : `no route for ${target}`,
    source: table?.source ?? pool.meta.source,
    mode: "native",
    outer: undefined,
    note: `${head}, but ${table ? `route table ${table.id}` : "the VPC"} ${route ? `sends ${target} to ${route.targetId}, not to ${dstNode.name}` : `has no route for ${target}`}: the VPC cannot deliver pod addresses of ${pool.cidr}. Add routes for each node's block, or use VXLAN/IPIP.`,
  };
}

// ---------------------------------------------------------------------------------------------
// reachability of pod addresses from the VPC

export type RoutabilityDecision = Decision & { readonly note: string };

/**
 * Can something in the VPC (an ALB target of type ip, an instance) send to this pod IP directly?
 * Pool addresses are not VPC addresses: only a route in `routeTable` (the sender's subnet's table)
 * that sends the address to an instance or ENI delivers them; otherwise TARGET_NOT_ROUTABLE.
 * Addresses in no pool are not Calico's to judge (allowed; the VPC's routing decides).
 */
export function podIpRoutableFromVpc(
  podIp: string,
  pools: readonly IPPool[],
  routeTable?: RouteTable,
  aws?: AwsModel,
): RoutabilityDecision {
  const pool = ipPoolFor(podIp, pools);
  if (!pool) {
    return {
      allowed: true,
      id: "no-ip-pool",
      rule: "not an IP pool address",
      source: undefined,
      note: `${podIp} is in no Calico IP pool: an ordinary VPC address as far as Calico is concerned; the VPC's route tables decide.`,
    };
  }
  const route = routeTable ? routeIn(routeTable, podIp, aws) : undefined;
  if (
    routeTable &&
    route &&
    route.state === "active" &&
    (route.targetKind === "instance" || route.targetKind === "network-interface")
  ) {
    return {
      allowed: true,
      id: routeTable.id,
      rule: `${route.destination} → ${route.targetId}`,
      source: routeTable.source,
      note: `Route table ${routeTable.id} sends ${route.destination} to ${route.targetId}: the VPC delivers ${podIp} to that instance, which must host the pod's block and have source/destination check off.`,
    };
  }
  const overlay =
    pool.vxlanMode !== "Never"
      ? `VXLAN ${pool.vxlanMode}`
      : pool.ipipMode !== "Never"
        ? `IPIP ${pool.ipipMode}`
        : "no overlay";
  return {
    allowed: false,
    id: pool.name,
    code: "TARGET_NOT_ROUTABLE",
    rule: route ? `${route.destination} → ${route.targetId}` : `no route for ${pool.cidr}`,
    source: pool.meta.source,
    note:
      `${podIp} belongs to Calico IP pool ${pool.name} (${pool.cidr}, ${overlay}): pod addresses exist only inside the cluster, and ` +
      `${routeTable ? `route table ${routeTable.id} ${route ? `sends it to ${route.targetId} (${route.targetKind}), not to a node` : "has no route for it"}` : "the VPC has no route for them"}. ` +
      `Nothing in the VPC can reach the pod directly: use a NodePort (ALB target type instance) or the AWS VPC CNI for VPC-routable pod IPs.`,
  };
}
