import type { EndpointPolicy, TunnelDetail } from "./trace-model.js";

/**
 * The English of the path decisions, rendered from typed decisions (trace-model.ts `StepDetail`,
 * kube-proxy.ts `MasqueradeMark`) — the one place a note's words are chosen, so evaluators decide
 * and devices carry the data (after Batfish: a `Step` holds its `StepDetail`, and the answerer
 * renders it). Every function here is pure wording: no decision is taken in this file.
 */

// ---------------------------------------------------------------------------------------------
// kube-proxy (kube-proxy.ts serviceTarget)

/** kube-proxy's masquerade-mark decision for a service port (before the per-endpoint hairpin rule). */
export type MasqueradeMark =
  /** --masquerade-all: KUBE-SVC -j KUBE-MARK-MASQ */
  | "masquerade-all"
  /** no cluster CIDR: the no-op local detector, no mark */
  | "no-detector"
  /** ClusterIP from outside the cluster CIDR: `! -s CIDR -j KUBE-MARK-MASQ` */
  | "outside-cluster-cidr"
  /** ClusterIP from inside the cluster CIDR: not marked */
  | "inside-cluster-cidr"
  /** externalTrafficPolicy Cluster: KUBE-EXT -j KUBE-MARK-MASQ */
  | "external-cluster"
  /** externalTrafficPolicy Local, from a pod: `-s CIDR -j KUBE-SVC`, not marked */
  | "external-local-from-pod"
  /** externalTrafficPolicy Local, from the node: `--src-type LOCAL -j KUBE-MARK-MASQ` */
  | "external-local-from-node"
  /** externalTrafficPolicy Local: KUBE-EXT -j KUBE-SVL, not marked */
  | "external-local";

/** What the kube-proxy wording needs besides the decision: the names of the rules and the packet's source. */
export interface KubeProxyWording {
  readonly mode: "iptables" | "nftables";
  /** kube-proxy's service-port name, `ns/name:port` */
  readonly svcName: string;
  readonly svcChain: string;
  readonly svlChain: string;
  readonly extChain: string;
  readonly clusterCIDRs: readonly string[];
  readonly sourceIp: string;
  readonly sourceIsPod: boolean;
  /** the node whose rules apply, when known */
  readonly nodeName: string | undefined;
  readonly access: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalIP";
}

/** The iptables words, or the nftables ones. */
function chainWord(w: KubeProxyWording, iptables: string, nft: string): string {
  return w.mode === "nftables" ? nft : iptables;
}

function where(w: KubeProxyWording): string {
  return w.nodeName !== undefined ? ` on ${w.nodeName}` : "";
}

/** Which endpoints the policy chain offers, in words. */
export function describeEndpointPolicy(policy: EndpointPolicy, w: KubeProxyWording): string {
  switch (policy) {
    case "internal-local":
      return `internalTrafficPolicy: Local: only endpoints${where(w)} (${chainWord(w, w.svlChain, "local policy chain")})`;
    case "internal-cluster":
      return `internalTrafficPolicy: Cluster: any ready endpoint (${chainWord(w, w.svcChain, "cluster policy chain")})`;
    case "external-cluster":
      return "externalTrafficPolicy: Cluster: any ready endpoint on any node";
    case "external-local-from-pod":
      return "externalTrafficPolicy: Local, but the source is a pod: short-circuited to every endpoint (as if it went out to the load balancer and back)";
    case "external-local-from-node":
      return "externalTrafficPolicy: Local, but the source is the node itself: routed to every endpoint";
    case "external-local":
      return `externalTrafficPolicy: Local: only endpoints${where(w)}`;
  }
}

/** The kube-proxy rule that marked the packet for masquerade, or why none did. */
export function describeMarkRule(mark: MasqueradeMark, w: KubeProxyWording): string {
  const cidrs = w.clusterCIDRs.join(",");
  switch (mark) {
    case "masquerade-all":
      return chainWord(w, `${w.svcChain} -j KUBE-MARK-MASQ (--masquerade-all)`, "masquerade-all");
    case "no-detector":
      return "no local-traffic detector";
    case "outside-cluster-cidr":
      return chainWord(
        w,
        `${w.svcChain} ! -s ${cidrs} -j KUBE-MARK-MASQ`,
        `ip saddr != ${cidrs} jump mark-for-masquerade`,
      );
    case "inside-cluster-cidr":
      return chainWord(w, `${w.svcChain} ! -s ${cidrs} (not matched)`, "source in the cluster CIDR");
    case "external-cluster":
      return chainWord(
        w,
        `${w.extChain} -j KUBE-MARK-MASQ ("masquerade traffic for ${w.svcName} external destinations")`,
        "external destinations: jump mark-for-masquerade",
      );
    case "external-local-from-pod":
      return chainWord(
        w,
        `${w.extChain} -s ${cidrs} -j ${w.svcChain} ("pod traffic for ${w.svcName} external destinations")`,
        "pod traffic for external destinations: jump cluster policy chain",
      );
    case "external-local-from-node":
      return chainWord(
        w,
        `${w.extChain} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ ("masquerade LOCAL traffic for ${w.svcName} external destinations")`,
        "masquerade LOCAL traffic for external destinations",
      );
    case "external-local":
      return chainWord(w, `${w.extChain} -j ${w.svlChain}`, "external destinations: jump local policy chain");
  }
}

/** Why the packet is (or is not) marked for masquerade. */
export function describeMarkReason(mark: MasqueradeMark, w: KubeProxyWording): string {
  const cidrs = w.clusterCIDRs.join(", ");
  const src = `${w.sourceIp}${w.sourceIsPod ? " (a pod)" : ""}`;
  switch (mark) {
    case "masquerade-all":
      return "kube-proxy runs with --masquerade-all: every ClusterIP packet is masqueraded";
    case "no-detector":
      return "kube-proxy knows no cluster CIDR (detect-local-mode ClusterCIDR without --cluster-cidr is a no-op): ClusterIP traffic is never masqueraded for coming from outside";
    case "outside-cluster-cidr":
      return `the source ${src} is outside the cluster CIDR ${cidrs}: off-cluster traffic to a ClusterIP is masqueraded`;
    case "inside-cluster-cidr":
      return `the source ${src} is inside the cluster CIDR ${cidrs}: pod-to-ClusterIP traffic keeps its source`;
    case "external-cluster":
      return `externalTrafficPolicy: Cluster: ${w.access} traffic is always masqueraded (the endpoint may be on another node, and the reply must come back through this one)`;
    case "external-local-from-pod":
      return `the source ${src} is in the cluster CIDR: pod traffic to an externalTrafficPolicy Local service keeps its source`;
    case "external-local-from-node":
      return `the source ${w.sourceIp} is ${w.nodeName ?? "the node"}'s own address: host traffic to an external address is masqueraded`;
    case "external-local":
      return "externalTrafficPolicy: Local keeps the client's source IP (only local endpoints are used, so the reply leaves through this node anyway)";
  }
}

/** The KUBE-SEP rule that marks a hairpin (an endpoint reaching itself through its service). */
export function describeHairpinRule(endpointChain: string, endpointIp: string, w: KubeProxyWording): string {
  return chainWord(
    w,
    `${endpointChain} -s ${endpointIp}/32 -j KUBE-MARK-MASQ`,
    "endpoint: ip saddr <endpoint> jump mark-for-masquerade",
  );
}

/** Why a hairpin is masqueraded; `also`: the service-level reason when the mark applied anyway. */
export function describeHairpinReason(endpointIp: string, also: string | undefined): string {
  return `hairpin: the endpoint ${endpointIp} is the client itself, so the packet is masqueraded (else the pod would answer itself directly, bypassing the DNAT)${also !== undefined ? `; also ${also}` : ""}`;
}

/** The service address the packet was sent to, in words. */
export function describeServiceAddress(
  access: KubeProxyWording["access"],
  clusterIP: string | undefined,
  port: number,
  nodePort: number | undefined,
): string {
  return access === "ClusterIP"
    ? `ClusterIP ${clusterIP}:${port}`
    : access === "NodePort"
      ? `NodePort ${nodePort}`
      : access === "LoadBalancer"
        ? `load-balancer IP port ${port}`
        : `external IP port ${port}`;
}

/** An endpoint as the DNAT note lists it. */
export interface WordedEndpoint {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly assumption?: string | undefined;
  readonly masquerade: {
    readonly masquerade: boolean;
    readonly snatTo: string | undefined;
    readonly via: string | undefined;
    readonly reason: string;
  };
}

/** What happens to the source of the chosen endpoint's packet, as the note's second sentence starts. */
function describeSourceAfter(chosen: WordedEndpoint, sourceIp: string): string {
  const m = chosen.masquerade;
  if (!m.masquerade) return `the source ${sourceIp} is kept`;
  if (m.snatTo) return `masqueraded to ${m.snatTo}`;
  return m.via === "local-delivery"
    ? "marked for masquerade but delivered locally, so the source is kept"
    : "masqueraded (the new source is unknown)";
}

/** The DNAT step's note: the service matched, the policy, the endpoint picked among the candidates, and the masquerade. */
export function describeServiceDnat(
  w: KubeProxyWording,
  service: { readonly namespace: string; readonly name: string },
  port: { readonly name: string | undefined; readonly port: number; readonly targetPort: number | string },
  addressWords: string,
  policyWords: string,
  candidates: readonly WordedEndpoint[],
): string {
  const chosen = candidates[0]!;
  const others =
    candidates.length > 1
      ? ` (${candidates.length} candidates; the first by name is traced: ${candidates.map((c) => `${c.name} ${c.ip}:${c.port}`).join(", ")})`
      : "";
  const targetPortWords = typeof port.targetPort === "string" ? `, targetPort ${JSON.stringify(port.targetPort)}` : "";
  const snatWords = describeSourceAfter(chosen, w.sourceIp);
  return (
    `kube-proxy${where(w)} matches ${addressWords} of service ${service.namespace}/${service.name} (port ${port.name ?? port.port}${targetPortWords}); ${policyWords}: ` +
    `DNAT to ${chosen.name} ${chosen.ip}:${chosen.port}${others}. ${snatWords[0]!.toUpperCase()}${snatWords.slice(1)}: ${chosen.masquerade.reason}.` +
    (chosen.assumption ? ` Assumed: ${chosen.assumption}.` : "")
  );
}

/** The KUBE-SEP rule that DNATs to the chosen endpoint. */
export function describeDnatRule(w: KubeProxyWording, endpointChain: string, ip: string, port: number): string {
  return `${chainWord(w, endpointChain, "endpoint chain")} -j DNAT --to-destination ${ip}:${port}`;
}

/** What conntrack does with the replies of a DNATed (and maybe masqueraded) connection. */
export function describeServiceReply(
  w: KubeProxyWording,
  clusterIP: string | undefined,
  port: number,
  nodePort: number | undefined,
  chosen: WordedEndpoint,
): string {
  const back =
    w.access === "NodePort"
      ? `the node address:${nodePort}`
      : `${w.access === "ClusterIP" ? clusterIP : "the service address"}:${port}`;
  return `Replies match the conntrack entry: the endpoint's source ${chosen.ip}:${chosen.port} is rewritten back to ${back}${chosen.masquerade.masquerade && chosen.masquerade.snatTo ? `, and the destination ${chosen.masquerade.snatTo} back to the client ${w.sourceIp}` : ""}; nothing is NATed again.`;
}

/** The REJECT rule of a service port without endpoints. */
export function describeNoEndpointsRule(w: KubeProxyWording): string {
  return chainWord(
    w,
    `KUBE-SERVICES -j REJECT ("${w.svcName} has no endpoints")`,
    "nftables no-endpoint-services: reject",
  );
}

/**
 * Why a service port has no endpoint to DNAT to: `listed` endpoints, none ready (or none at all,
 * `origin` "none" when nothing in the snapshot lists any), and the ones left out (`skipped`).
 */
export function describeNoEndpoints(
  service: { readonly namespace: string; readonly name: string },
  addressWords: string,
  listed: number,
  origin: string,
  skipped: readonly string[],
): string {
  const none =
    listed === 0
      ? `it has no endpoints${origin === "none" ? " (no EndpointSlice, Endpoints or selected pod in the snapshot)" : ""}`
      : `none of its ${listed} endpoints is ready (or serving while terminating)`;
  const skippedWords = skipped.length ? ` (${skipped.join("; ")})` : "";
  return `Service ${service.namespace}/${service.name} (${addressWords}): ${none}${skippedWords}; kube-proxy REJECTs the packet: the client gets ICMP port unreachable (a refused connection).`;
}

/** The DROP rule of a Local traffic policy without a local endpoint. */
export function describeNoLocalEndpointsRule(policy: "internal-local" | "external-local", w: KubeProxyWording): string {
  const chain = policy === "internal-local" ? "KUBE-SERVICES" : "KUBE-EXTERNAL-SERVICES";
  return chainWord(
    w,
    `${chain} -j DROP ("${w.svcName} has no local endpoints")`,
    "nftables: drop (no local endpoints)",
  );
}

/** Why a Local traffic policy drops here: no local endpoint, while endpoints run `elsewhere` (node names, else addresses). */
export function describeNoLocalEndpoints(
  policy: "internal-local" | "external-local",
  w: KubeProxyWording,
  service: { readonly namespace: string; readonly name: string; readonly healthCheckNodePort?: number | undefined },
  elsewhere: readonly string[],
): string {
  const nodes = elsewhere.join(", ");
  if (policy === "internal-local") {
    return `Service ${service.namespace}/${service.name} has internalTrafficPolicy: Local and no ready endpoint${where(w)}${w.nodeName !== undefined ? "" : " (the node is unknown, so no endpoint counts as local)"}: kube-proxy DROPs ClusterIP traffic there ("has no local endpoints"), although endpoints run on ${nodes}.`;
  }
  return (
    `Service ${service.namespace}/${service.name} has externalTrafficPolicy: Local and no local endpoints${where(w)}${w.nodeName !== undefined ? "" : " (the node is unknown, so none counts as local)"}: ` +
    `kube-proxy DROPs ${w.access} traffic arriving there; only nodes running an endpoint (${nodes}) accept it. ` +
    `(Load balancers avoid such nodes through the health-check NodePort${service.healthCheckNodePort ? ` ${service.healthCheckNodePort}` : ""}.)`
  );
}

/** Why kube-proxy programs no rule for a service (servicechangetracker.go, the service-proxy-name label). */
export function describeNotProxied(
  why: "external-name" | "headless" | "other-proxy",
  service: { readonly namespace: string; readonly name: string; readonly externalName?: string | undefined },
  label: string,
): string {
  const name = `${service.namespace}/${service.name}`;
  switch (why) {
    case "external-name":
      return `Service ${name} is type ExternalName (a DNS CNAME to ${service.externalName ?? "?"}): kube-proxy programs nothing for it; clients resolve the name and connect to that host directly.`;
    case "headless":
      return `Service ${name} is headless (clusterIP: None): no virtual IP and no kube-proxy rules; DNS returns the pod IPs and clients connect to them directly.`;
    case "other-proxy":
      return `Service ${name} carries ${label}: kube-proxy ignores it (another proxy serves it).`;
  }
}

/** A service address on a port the service does not expose: nftables rejects, iptables has no rule. */
export function describePortNotExposed(
  dstIp: string,
  service: { readonly namespace: string; readonly name: string },
  ports: string,
  mode: "iptables" | "nftables",
): string {
  return (
    `${dstIp} is service ${service.namespace}/${service.name}'s address, but it exposes only ${ports || "no ports"}: ` +
    (mode === "nftables"
      ? "kube-proxy (nftables) rejects the packet."
      : "kube-proxy has no rule for this port; the virtual IP belongs to no interface, so the packet is routed toward the default gateway and never answered.")
  );
}

/** A destination kube-proxy serves nothing at. */
export function describeNotAService(
  dstIp: string,
  dstPort: number,
  protocol: string,
  nodeName: string | undefined,
): string {
  return `${dstIp}:${dstPort}/${protocol} is no ClusterIP, external IP, load-balancer IP or NodePort kube-proxy serves${nodeName !== undefined ? ` on ${nodeName}` : ""}: forwarded unchanged.`;
}

// ---------------------------------------------------------------------------------------------
// the node's stages (hops/node.ts)

/** A Calico tunnel device taking the overlay header off (`op` decapsulate), from its detail. */
export function describeDecapsulation(
  d: TunnelDetail,
  nodeName: string,
  inner: { readonly src: string; readonly dst: string },
): string {
  return `${d.mode === "vxlan" ? "vxlan.calico" : "tunl0"} on ${nodeName} strips the ${d.mode === "vxlan" ? "VXLAN" : "IP-in-IP"} header from ${d.peer}: the inner packet ${inner.src} → ${inner.dst} continues`;
}

/** The reply of a decapsulated request, wrapped again toward the node that sent it. */
export function describeReencapsulation(peer: string): string {
  return `the reply is encapsulated again toward ${peer}`;
}

/** The reply of an overlay request arriving encapsulated; `ownTunnelAddress`: the request was masqueraded to this node's tunnel address. */
export function describeOverlayReply(
  from: string,
  nodeName: string,
  innerDst: string,
  ownTunnelAddress: boolean,
): string {
  return `the reply arrives encapsulated from ${from}: ${nodeName} strips the header${ownTunnelAddress ? `; ${innerDst} is its own tunnel address (the request was masqueraded to it), so conntrack takes the reply from here` : ` and routes it to ${innerDst}`}`;
}

/** conntrack undoing a DNAT on the reply. */
export function describeUnDnat(
  replySrc: string,
  replySrcPort: number,
  originalDst: string,
  originalDstPort: number,
): string {
  return `conntrack reverses the DNAT: the reply's source ${replySrc}:${replySrcPort} becomes ${originalDst}:${originalDstPort} again`;
}

/** conntrack undoing an SNAT on the reply. */
export function describeUnSnat(replyDst: string, originalSrc: string): string {
  return `conntrack reverses the SNAT: the reply to ${replyDst} goes back to ${originalSrc}`;
}

/** kube-proxy's MASQUERADE in KUBE-POSTROUTING, for the packet its mark rule marked. */
export function describeMasquerade(markRule: string, reason: string): string {
  return `KUBE-POSTROUTING -j MASQUERADE (marked by ${markRule}): ${reason}`;
}

/** A packet for one of the node's own addresses. */
export function describeHostDelivery(nodeName: string, dst: string): string {
  return `delivered to ${nodeName}'s host network namespace (${dst} is its own address): a host process or host-network pod answers`;
}

/** A local pod's ingress policy note, when Calico evaluates it before kube-proxy's MASQUERADE. */
export function describeIngressBeforeMasquerade(
  policyNote: string,
  pod: { readonly namespace: string; readonly name: string },
  nodeName: string,
  src: string,
): string {
  return `${policyNote} (Calico evaluates ${pod.namespace}/${pod.name}'s ingress in ${nodeName}'s filter FORWARD, before kube-proxy's MASQUERADE in nat POSTROUTING: it sees the source ${src})`;
}

/** A pool address no pod of the snapshot holds. */
export function describeUnroutedPoolAddress(
  dst: string,
  pool: { readonly name: string; readonly cidr: string },
): string {
  return `${dst} is in IP pool ${pool.name} (${pool.cidr}), but no pod in the snapshot has that address: Calico routes it to the node owning its block, which the snapshot does not show`;
}

// ---------------------------------------------------------------------------------------------
// Calico natOutgoing (calico.ts natOutgoing)

/** What natOutgoing's words need besides its outcome. */
export interface NatOutgoingWording {
  readonly srcPodIp: string;
  readonly dstIp: string;
  /** the source's pool */
  readonly pool: { readonly name: string; readonly cidr: string } | undefined;
  /** the destination's pool, when it is in one */
  readonly dstPool: { readonly name: string; readonly cidr: string } | undefined;
  /** the source node, when known */
  readonly nodeName: string | undefined;
  /** the node holding the destination (natOutgoingExclusions IPPoolsAndHostIPs) */
  readonly hostName: string | undefined;
  /** where the Felix settings came from ("FelixConfiguration default", "Felix defaults", …) */
  readonly settingsFrom: string;
  readonly natOutgoingAddress: string | undefined;
  readonly nodeIp: string | undefined;
  /** the destination is a private or shared address (still outside the pools) */
  readonly dstPrivate: boolean;
}

/** The Felix rule and the note of a natOutgoing outcome (felix/rules/nat.go cali-nat-outgoing). */
export function describeNatOutgoing(
  outcome:
    "no-ip-pool" | "nat-outgoing-off" | "destination-in-pool" | "local-delivery" | "host-excluded" | "masquerade",
  w: NatOutgoingWording,
): { readonly rule: string; readonly note: string } {
  const pool = w.pool ? `IP pool ${w.pool.name} (${w.pool.cidr})` : "";
  switch (outcome) {
    case "no-ip-pool":
      return {
        rule: "cali-nat-outgoing: source not in cali40masq-ipam-pools",
        note: `${w.srcPodIp} is in no Calico IP pool (a host-network pod or the node itself): natOutgoing does not apply.`,
      };
    case "nat-outgoing-off":
      return {
        rule: "natOutgoing: false",
        note: `${pool} has natOutgoing: false: the packet leaves with the pod IP ${w.srcPodIp}.`,
      };
    case "destination-in-pool":
      return {
        rule: "cali-nat-outgoing: destination in cali40all-ipam-pools",
        note: `${w.dstIp} is inside IP pool ${w.dstPool?.name ?? ""} (${w.dstPool?.cidr ?? ""}): traffic between IP pool addresses is never NATed; the pod IP ${w.srcPodIp} is kept.`,
      };
    case "local-delivery":
      return {
        rule: "delivered locally: no POSTROUTING",
        note: `${w.dstIp} is node ${w.nodeName ?? ""}'s own address: the packet is delivered to the host (netfilter INPUT), never leaves through POSTROUTING, so natOutgoing does not touch it; the host sees ${w.srcPodIp}.`,
      };
    case "host-excluded":
      return {
        rule: "cali-nat-outgoing: destination in cali40all-hosts-net (natOutgoingExclusions IPPoolsAndHostIPs)",
        note: `${w.dstIp} is node ${w.hostName ?? ""}'s address and ${w.settingsFrom} sets natOutgoingExclusions: IPPoolsAndHostIPs: host IPs are excluded from natOutgoing; the pod IP ${w.srcPodIp} is kept.`,
      };
    case "masquerade": {
      const how = w.natOutgoingAddress
        ? `SNAT to natOutgoingAddress ${w.natOutgoingAddress} (${w.settingsFrom})`
        : w.nodeName !== undefined
          ? `MASQUERADE to the address of the interface it leaves by: node ${w.nodeName}'s IP ${w.nodeIp ?? "(unknown)"}`
          : "MASQUERADE to the leaving interface's address (the source node is unknown)";
      return {
        rule: w.natOutgoingAddress
          ? `cali-nat-outgoing -j SNAT --to-source ${w.natOutgoingAddress}`
          : "cali-nat-outgoing -j MASQUERADE",
        note:
          `${pool} has natOutgoing: true and ${w.dstIp} is outside every IP pool` +
          `${w.dstPrivate ? " (a private/VPC address is still outside the pools: it is masqueraded too)" : ""}: ${how}. ` +
          "Replies are translated back by conntrack, not NATed again.",
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the VPC CNI's SNAT (vpc-cni.ts vpcCniSnat)

/** What the VPC CNI SNAT's words need besides its outcome. */
export interface VpcCniSnatWording {
  readonly srcPodIp: string;
  readonly dstIp: string;
  readonly nodeName: string | undefined;
  readonly vpc: { readonly id: string; readonly cidrBlocks: readonly string[] } | undefined;
  /** the VPC CIDR or excluded CIDR the destination matched */
  readonly matched: string | undefined;
  /** AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS lists any CIDR */
  readonly excludeListed: boolean;
  readonly snatTo: string | undefined;
  /** AWS_VPC_K8S_CNI_RANDOMIZESNAT */
  readonly randomizeSnat: string;
}

/** The rule and note of a VPC CNI SNAT outcome (amazon-vpc-cni-k8s pkg/networkutils/network.go AWS-SNAT-CHAIN-0). */
export function describeVpcCniSnat(
  outcome: "external-snat" | "vpc-unknown" | "inside-vpc" | "excluded" | "local-destination" | "snat",
  w: VpcCniSnatWording,
): { readonly rule: string; readonly note: string } {
  switch (outcome) {
    case "external-snat":
      return {
        rule: "AWS_VPC_K8S_CNI_EXTERNALSNAT=true",
        note: `aws-node sets AWS_VPC_K8S_CNI_EXTERNALSNAT=true: the node installs no SNAT rule, the packet leaves with the pod IP ${w.srcPodIp}; reaching ${w.dstIp} outside the VPC then needs a NAT gateway (or another translation) on the way.`,
      };
    case "vpc-unknown":
      return {
        rule: "VPC CIDRs unknown",
        note: `The snapshot has no VPC for ${w.nodeName !== undefined ? `node ${w.nodeName}` : "the pod"}: AWS-SNAT-CHAIN-0 compares the destination with the VPC's CIDRs, which are unknown here, so no SNAT is assumed.`,
      };
    case "inside-vpc":
      return {
        rule: `AWS-SNAT-CHAIN-0 -d ${w.matched ?? ""} -j RETURN`,
        note: `${w.dstIp} is inside ${w.vpc?.id ?? ""}'s CIDR ${w.matched ?? ""}: VPC traffic is not translated; the destination sees the pod IP ${w.srcPodIp}.`,
      };
    case "excluded":
      return {
        rule: `AWS-SNAT-CHAIN-0 -d ${w.matched ?? ""} -j RETURN (AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS)`,
        note: `${w.dstIp} is in ${w.matched ?? ""}, listed in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: not translated; the pod IP ${w.srcPodIp} is kept.`,
      };
    case "local-destination":
      return {
        rule: "! --dst-type LOCAL",
        note: `${w.dstIp} is node ${w.nodeName ?? ""}'s own address: the SNAT rule skips local destinations.`,
      };
    case "snat":
      return {
        rule: `AWS-SNAT-CHAIN-0 ! -o vlan+ -m addrtype ! --dst-type LOCAL -j SNAT --to-source ${w.snatTo ?? "<primary ENI IP>"}${w.randomizeSnat === "prng" ? " --random-fully" : w.randomizeSnat === "hashrandom" ? " --random" : ""}`,
        note: `${w.dstIp} is outside ${w.vpc?.id ?? ""}'s CIDRs (${w.vpc?.cidrBlocks.join(", ") ?? ""})${w.excludeListed ? " and AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS" : ""}: the VPC CNI SNATs the pod IP ${w.srcPodIp} to ${w.nodeName !== undefined ? `node ${w.nodeName}'s` : "the node's"} primary ENI address ${w.snatTo ?? "(unknown)"}, whichever ENI the pod's address is on.`,
      };
  }
}
