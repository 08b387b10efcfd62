import type { Node, Workload } from "../../model/kubernetes.js";
import { isCidr, parseIPv4 } from "../../model/net.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { ipInCidr, ipPoolFor, nodeAddresses, nodeNetwork, nodePrimaryIp } from "./calico.js";
import { awsIndex } from "./aws/aws-index.js";
import { calicoNodeAgent, nodeAgent } from "./node-agents.js";
import type { Decision } from "./trace-model.js";
import { describeVpcCniSnat } from "./wording.js";

/**
 * Which CNI networks the pods, and the AWS VPC CNI's outgoing SNAT.
 *
 * amazon-vpc-cni-k8s (pkg/networkutils/network.go, docs "SNAT for pods" /
 * AWS_VPC_K8S_CNI_EXTERNALSNAT): unless AWS_VPC_K8S_CNI_EXTERNALSNAT=true, aws-node installs
 *   -A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0
 *   -A AWS-SNAT-CHAIN-0 -d <each VPC CIDR> -j RETURN
 *   -A AWS-SNAT-CHAIN-0 -d <each AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS entry> -j RETURN
 *   -A AWS-SNAT-CHAIN-0 ! -o vlan+ -m addrtype ! --dst-type LOCAL -j SNAT --to-source <primary IP of the primary ENI> [--random-fully]
 * so pods keep their (VPC-routable) IP inside the VPC and appear as the node's primary IP
 * elsewhere. With EXTERNALSNAT=true nothing is translated on the node (a NAT gateway must).
 */

type CniName = "calico" | "aws-vpc-cni" | "unknown";

export interface CniDetection {
  /** who gives pods their addresses and carries their packets between nodes */
  readonly networking: CniName;
  /** Calico enforces policy (alone, or on top of the VPC CNI) */
  readonly calicoPolicy: boolean;
  /** how it was decided, in plain words */
  readonly note: string;
  readonly source: SourceRef | undefined;
}

function awsNodeDaemonSet(snapshot: Snapshot): Workload | undefined {
  return nodeAgent(snapshot, "aws-node", "kube-system");
}

function calicoNodeDaemonSet(snapshot: Snapshot): Workload | undefined {
  return calicoNodeAgent(snapshot);
}

/** "the aws-node DaemonSet", "the aws-node pods (no DaemonSet in the snapshot)" */
function agentWords(w: Workload): string {
  return w.kind === "DaemonSet" && !w.knownFromPods
    ? `the ${w.name} DaemonSet`
    : `${w.name} pods (no DaemonSet in the snapshot)`;
}

function vpcCidrs(snapshot: Snapshot): string[] {
  return snapshot.aws.vpcs.flatMap((v) => v.cidrBlocks);
}

/**
 * Detects the CNI. Rule, in order:
 * 1. `override` (the `--cni` option) wins.
 * (A DaemonSet here is also one known only through its pods, or its agent's pods without owner.)
 * 2. IP pools (or a calico-node DaemonSet) and no aws-node DaemonSet in kube-system → Calico.
 * 3. An aws-node DaemonSet and no Calico → the AWS VPC CNI.
 * 4. Both: Calico-for-policy on the VPC CNI is the documented combination (Calico's EKS
 *    install), but a cluster may also be migrating. The observed pods decide: more
 *    non-host-network pod IPs inside IP pools than inside the VPC's CIDRs → Calico networking;
 *    otherwise the VPC CNI networks and Calico only enforces policy. With no pod evidence,
 *    calico-node's CALICO_NETWORKING_BACKEND=none means policy only; else the VPC CNI is assumed.
 * 5. Neither → unknown.
 */
export function detectCni(snapshot: Snapshot, override?: "calico" | "aws-vpc-cni"): CniDetection {
  const pools = snapshot.kubernetes.ipPools;
  const awsNode = awsNodeDaemonSet(snapshot);
  const calicoNode = calicoNodeDaemonSet(snapshot);
  const hasCalico = pools.length > 0 || calicoNode !== undefined;
  const calicoSource = pools[0]?.meta.source ?? calicoNode?.meta.source;
  if (override) {
    return {
      networking: override,
      calicoPolicy: override === "calico" || hasCalico,
      note: `--cni ${override} given${override === "aws-vpc-cni" && hasCalico ? "; Calico in the snapshot is taken to enforce policy only" : ""}.`,
      source: undefined,
    };
  }
  if (hasCalico && !awsNode) {
    return {
      networking: "calico",
      calicoPolicy: true,
      note:
        pools.length > 0
          ? `Calico IP pools ${pools.map((p) => `${p.name} (${p.cidr}${p.derived ? `, ${p.derived}` : ""})`).join(", ")} and no aws-node DaemonSet: Calico networks the pods.`
          : `${calicoNode ? agentWords(calicoNode) : "calico-node"} and no aws-node DaemonSet: Calico networks the pods (no IPPool in the snapshot).`,
      source: calicoSource,
    };
  }
  if (awsNode && !hasCalico) {
    return {
      networking: "aws-vpc-cni",
      calicoPolicy: false,
      note: `${agentWords(awsNode).replace(/^t/, "T")} in kube-system and no Calico: the AWS VPC CNI gives pods VPC addresses.`,
      source: awsNode.meta.source,
    };
  }
  if (awsNode && hasCalico) {
    const vpc = vpcCidrs(snapshot);
    let inPools = 0;
    let inVpc = 0;
    for (const pod of snapshot.kubernetes.pods) {
      if (pod.spec.hostNetwork || !pod.podIP) continue;
      if (ipPoolFor(pod.podIP, pools)) inPools++;
      else if (vpc.some((c) => ipInCidr(pod.podIP!, c))) inVpc++;
    }
    if (inPools > inVpc) {
      return {
        networking: "calico",
        calicoPolicy: true,
        note: `Both aws-node and Calico are present; ${inPools} pod IPs lie in Calico IP pools against ${inVpc} in the VPC: Calico networks the pods.`,
        source: calicoSource,
      };
    }
    if (inVpc > 0) {
      return {
        networking: "aws-vpc-cni",
        calicoPolicy: true,
        note: `Both aws-node and Calico are present; ${inVpc} pod IPs lie in the VPC against ${inPools} in Calico IP pools: the VPC CNI networks the pods and Calico enforces policy.`,
        source: awsNode.meta.source,
      };
    }
    const backend = calicoNode?.template.spec.containers
      .map((c) => c.envValues["CALICO_NETWORKING_BACKEND"])
      .find((v) => v !== undefined);
    return {
      networking: "aws-vpc-cni",
      calicoPolicy: true,
      note: `Both aws-node and Calico are present and no pod IP tells them apart; ${backend === "none" ? "calico-node's CALICO_NETWORKING_BACKEND is none (policy only)" : "Calico on the VPC CNI for policy is the usual combination"}: assuming the VPC CNI networks the pods (use --cni to say otherwise).`,
      source: awsNode.meta.source,
    };
  }
  return {
    networking: "unknown",
    calicoPolicy: false,
    note: "No Calico IP pool or calico-node DaemonSet and no aws-node DaemonSet: the CNI is unknown (use --cni).",
    source: undefined,
  };
}

/** The aws-node container's settings (envValues keep only a few CNI variables). */
export interface VpcCniSettings {
  readonly externalSnat: boolean;
  readonly excludeSnatCidrs: readonly string[];
  /** entries of AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS that are not CIDRs (aws-node logs and skips them) */
  readonly invalidExcludes: readonly string[];
  readonly randomizeSnat: string;
  readonly source: SourceRef | undefined;
}

export function vpcCniSettings(snapshot: Snapshot): VpcCniSettings {
  const ds = awsNodeDaemonSet(snapshot);
  const containers = ds?.template.spec.containers ?? [];
  const container =
    containers.find((c) => c.name === "aws-node") ??
    containers.find((c) => c.envNames.some((n) => n.startsWith("AWS_VPC_K8S_CNI_")));
  const env = container?.envValues ?? {};
  const raw = (env["AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return {
    // aws-node parses it with strconv.ParseBool-like rules; "true" is the documented value
    externalSnat: /^(true|1|t)$/i.test(env["AWS_VPC_K8S_CNI_EXTERNALSNAT"] ?? "false"),
    excludeSnatCidrs: raw.filter((c) => isCidr(c)),
    invalidExcludes: raw.filter((c) => !isCidr(c)),
    randomizeSnat: env["AWS_VPC_K8S_CNI_RANDOMIZESNAT"] ?? "prng",
    source: ds?.meta.source,
  };
}

/** What the VPC CNI's SNAT rule did with a pod's packet, as data (wording.ts `describeVpcCniSnat` words it). */
type VpcCniSnatOutcome =
  /** AWS_VPC_K8S_CNI_EXTERNALSNAT=true: no SNAT rule on the node */
  | "external-snat"
  /** no VPC in the snapshot: its CIDRs are unknown, no SNAT assumed */
  | "vpc-unknown"
  /** the destination is in the VPC's CIDRs: RETURN */
  | "inside-vpc"
  /** the destination is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: RETURN */
  | "excluded"
  /** one of the node's own addresses: `! --dst-type LOCAL` */
  | "local-destination"
  /** SNAT to the primary ENI's address */
  | "snat";

export type VpcCniSnatDecision = Decision & {
  readonly snat: boolean;
  readonly outcome: VpcCniSnatOutcome;
  readonly snatTo: string | undefined;
  readonly note: string;
};

/**
 * The VPC CNI's SNAT for a pod's packet `srcPodIp → dstIp` leaving `node`: SNAT to the primary
 * IP of the node's primary ENI for destinations outside the VPC's CIDRs, unless
 * AWS_VPC_K8S_CNI_EXTERNALSNAT=true, the destination is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, or
 * it is one of the node's own addresses (`! --dst-type LOCAL`). Decided first (`outcome`), then
 * worded (wording.ts).
 */
export function vpcCniSnat(
  srcPodIp: string,
  dstIp: string,
  snapshot: Snapshot,
  node: Node | undefined,
): VpcCniSnatDecision {
  const settings = vpcCniSettings(snapshot);
  const id = "kube-system/aws-node";
  // decide
  let outcome: VpcCniSnatOutcome;
  let vpc: Snapshot["aws"]["vpcs"][number] | undefined;
  let inVpc: string | undefined;
  let excluded: string | undefined;
  if (settings.externalSnat) outcome = "external-snat";
  else {
    const network = node ? nodeNetwork(snapshot, node) : undefined;
    vpc = network?.vpcId
      ? snapshot.aws.vpcs.find((v) => v.id === network.vpcId)
      : (snapshot.aws.vpcs.find((v) => v.cidrBlocks.some((c) => ipInCidr(srcPodIp, c))) ??
        (snapshot.aws.vpcs.length === 1 ? snapshot.aws.vpcs[0] : undefined));
    if (!vpc) outcome = "vpc-unknown";
    else if ((inVpc = vpc.cidrBlocks.find((c) => ipInCidr(dstIp, c)))) outcome = "inside-vpc";
    else if ((excluded = settings.excludeSnatCidrs.find((c) => ipInCidr(dstIp, c)))) outcome = "excluded";
    else if (node && nodeAddresses(node).includes(dstIp)) outcome = "local-destination";
    else outcome = "snat";
  }
  const snatTo = outcome === "snat" ? primaryEniIp(snapshot, node) : undefined;
  // explain
  const words = describeVpcCniSnat(outcome, {
    srcPodIp,
    dstIp,
    nodeName: node?.name,
    vpc: vpc ? { id: vpc.id, cidrBlocks: vpc.cidrBlocks } : undefined,
    matched: inVpc ?? excluded,
    excludeListed: settings.excludeSnatCidrs.length > 0,
    snatTo,
    randomizeSnat: settings.randomizeSnat,
  });
  const source = outcome === "inside-vpc" ? vpc?.source : settings.source;
  return { allowed: true, id, rule: words.rule, source, snat: outcome === "snat", outcome, snatTo, note: words.note };
}

/** The primary private IP of the node's primary ENI (device index 0), else the instance's private IP, else the node IP. */
function primaryEniIp(snapshot: Snapshot, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const network = nodeNetwork(snapshot, node);
  const index = awsIndex(snapshot.aws);
  const primary = network.primaryEniId !== undefined ? index.enisById.get(network.primaryEniId) : undefined;
  const ip = primary?.privateIps.find((p) => p.primary)?.address;
  if (ip && parseIPv4(ip) !== undefined) return ip;
  const instance = network.instanceId ? index.instancesById.get(network.instanceId) : undefined;
  return instance?.privateIp ?? nodePrimaryIp(node);
}
