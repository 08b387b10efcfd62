import type { NetworkAcl, NetworkAclEntry } from "../../../model/aws.js";
import { cidrContains, parseCidr4, parseIPv4 } from "../../../model/net.js";
import type { AwsModel } from "../../../model/snapshot.js";
import type { Decision } from "../trace-model.js";
import { awsIndex } from "./aws-index.js";
import type { IcmpTypeCode, WireProtocol } from "./protocols.js";
import {
  describeIcmp,
  describePorts,
  describeTraffic,
  ICMP_ECHO_REQUEST,
  icmpMatches,
  WIRE_PROTOCOL_NUMBERS,
} from "./protocols.js";

/**
 * Network ACLs: stateless, ordered allow/deny rules at the subnet boundary.
 *
 * AWS: "Control subnet traffic with network access control lists"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html): every subnet is
 * associated with exactly one network ACL, the VPC's default one unless another is associated
 * explicitly. "Network ACL rules" (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html):
 * inbound and outbound rules are separate; they are evaluated in ascending rule number and the
 * first rule that matches decides, allow or deny; when none matches, the final `*` rule denies.
 * A rule's port range is the destination port of the packet; a protocol other than TCP, UDP or
 * ICMP matches all ports. ACLs are stateless: a response is evaluated again, by the rules of
 * the other direction, on its own (ephemeral) destination port.
 * "Ephemeral ports" (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
 */

export type NetworkAclDirection = "ingress" | "egress";

export interface NetworkAclSelection {
  readonly acl: NetworkAcl;
  /** explicit: the ACL lists the subnet among its associations; default: the VPC's default ACL, by omission */
  readonly association: "explicit" | "default";
  readonly note: string;
}

export interface NetworkAclOptions {
  /** ICMP type and code of the message (default: echo request) */
  readonly icmp?: IcmpTypeCode | undefined;
}

/** A network-ACL Decision with the entry that decided (undefined: the implicit `*` deny). */
export type NetworkAclDecision = Decision & { readonly entry: NetworkAclEntry | undefined };

/** The client port ranges AWS documents, which a reply's network ACL rules must allow. */
export const EPHEMERAL_PORT_RANGES = Object.freeze({
  linux: Object.freeze({ from: 32768, to: 60999 }),
  natGateway: Object.freeze({ from: 1024, to: 65535 }),
  elasticLoadBalancing: Object.freeze({ from: 1024, to: 65535 }),
  windows: Object.freeze({ from: 49152, to: 65535 }),
});

const EPHEMERAL_RANGES_TEXT =
  "Linux kernels use 32768-60999, NAT gateways 1024-65535, Elastic Load Balancing 1024-65535, Windows 49152-65535";

export const EPHEMERAL_PORTS_NOTE = `network ACLs are stateless: the reply is evaluated again by the rules of the other direction, on the client's ephemeral destination port (${EPHEMERAL_RANGES_TEXT})`;

/** "acl-0abc (name)" */
function describeNetworkAcl(acl: NetworkAcl): string {
  const name = acl.tags["Name"];
  const label = name ? `${acl.id} (${name})` : acl.id;
  return acl.isDefault ? `${label}, the default network ACL of ${acl.vpcId}` : label;
}

/**
 * The network ACL of a subnet: the one that lists it among its associations, else the default
 * ACL of the subnet's VPC. Undefined when the snapshot holds neither (no describe-network-acls,
 * or a subnet that is not in it).
 */
export function aclForSubnet(subnetId: string, aws: AwsModel): NetworkAclSelection | undefined {
  const index = awsIndex(aws);
  const explicit = index.networkAclBySubnet.get(subnetId);
  if (explicit)
    return {
      acl: explicit,
      association: "explicit",
      note: `${subnetId} is associated with network ACL ${explicit.id}`,
    };
  const vpcId = index.subnetsById.get(subnetId)?.vpcId;
  if (vpcId === undefined) return undefined;
  const fallback = index.defaultNetworkAclByVpc.get(vpcId);
  if (!fallback) return undefined;
  return {
    acl: fallback,
    association: "default",
    note: `no network ACL lists ${subnetId}, so it uses ${fallback.id}, the default network ACL of ${vpcId}`,
  };
}

/** An entry's protocol number matches the packet's (IP-in-IP: 4); "-1" matches all. */
function protocolMatches(entry: NetworkAclEntry, protocol: WireProtocol): boolean {
  return entry.protocol === "-1" || Number(entry.protocol) === WIRE_PROTOCOL_NUMBERS[protocol];
}

function portsMatch(entry: NetworkAclEntry, port: number, icmp: IcmpTypeCode): boolean {
  if ((entry.protocol === "6" || entry.protocol === "17") && entry.portRange)
    return port >= entry.portRange.from && port <= entry.portRange.to;
  if (entry.protocol === "1" && entry.icmp) return icmpMatches(entry.icmp, icmp);
  return true;
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  "6": "tcp",
  "17": "udp",
  "1": "icmp",
  "58": "icmpv6",
  "132": "sctp",
  "4": "IP-in-IP (protocol 4)",
};

function describeEntryTraffic(entry: NetworkAclEntry): string {
  if (entry.protocol === "-1") return "all traffic";
  const name = PROTOCOL_NAMES[entry.protocol] ?? `protocol ${entry.protocol}`;
  if ((entry.protocol === "6" || entry.protocol === "17") && entry.portRange)
    return `${name} ${describePorts(entry.portRange)}`;
  if ((entry.protocol === "1" || entry.protocol === "58") && entry.icmp) return `${name} ${describeIcmp(entry.icmp)}`;
  return name;
}

/** "inbound rule 100 allow all traffic from 0.0.0.0/0" */
function describeNetworkAclEntry(entry: NetworkAclEntry): string {
  const word = entry.egress ? "outbound" : "inbound";
  const preposition = entry.egress ? "to" : "from";
  return `${word} rule ${entry.ruleNumber} ${entry.action} ${describeEntryTraffic(entry)} ${preposition} ${entry.cidr}`;
}

/**
 * Evaluates `acl` for a packet entering (ingress) or leaving (egress) the subnet: `remoteIp` is
 * the address outside the subnet side (source for ingress, destination for egress), `port` the
 * packet's destination port. The first entry of that direction, in ascending rule number, that
 * matches decides; none → the implicit `*` deny (NACL_INGRESS / NACL_EGRESS).
 */
export function evaluateNetworkAcl(
  acl: NetworkAcl,
  direction: NetworkAclDirection,
  remoteIp: string,
  port: number,
  protocol: WireProtocol,
  options: NetworkAclOptions = {},
): NetworkAclDecision {
  const icmp = options.icmp ?? ICMP_ECHO_REQUEST;
  const egress = direction === "egress";
  const code = egress ? "NACL_EGRESS" : "NACL_INGRESS";
  const base = { id: acl.id, source: acl.source } as const;
  const remote = parseIPv4(remoteIp);
  const preposition = egress ? "to" : "from";
  const traffic = `${describeTraffic(protocol, port, icmp)} ${preposition} ${remoteIp}`;
  if (remote !== undefined) {
    const entries = acl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
    for (const entry of entries) {
      const cidr = parseCidr4(entry.cidr);
      if (cidr === undefined || !cidrContains(cidr, remote)) continue;
      if (!protocolMatches(entry, protocol) || !portsMatch(entry, port, icmp)) continue;
      const rule = `${describeNetworkAcl(acl)}: ${describeNetworkAclEntry(entry)} matches ${traffic}`;
      return entry.action === "allow"
        ? { ...base, allowed: true, rule, entry }
        : { ...base, allowed: false, code, rule, entry };
    }
  }
  const why =
    remote === undefined
      ? `${remoteIp} is not an IPv4 address, and podpath evaluates IPv4 rules only`
      : `no numbered ${egress ? "outbound" : "inbound"} rule matches ${traffic}`;
  return {
    ...base,
    allowed: false,
    code,
    rule: `${describeNetworkAcl(acl)}: rule * deny all traffic (${why})`,
    entry: undefined,
  };
}

/** The note the tracer attaches when a reply crosses the ACL again (stateless). */
export function statelessReplyNote(acl: NetworkAcl, replyPort: number): string {
  return `${acl.id} is stateless: the reply is evaluated again by the rules of the other direction, on its destination port ${replyPort} (the client's ephemeral port: ${EPHEMERAL_RANGES_TEXT})`;
}
