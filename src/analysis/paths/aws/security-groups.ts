import type { SecurityGroup, SecurityGroupPeer, SecurityGroupRule } from "../../../model/aws.js";
import { cidrContains, parseCidr4, parseIPv4 } from "../../../model/net.js";
import type { AwsModel } from "../../../model/snapshot.js";
import type { SourceRef } from "../../../model/source.js";
import type { Decision, Undecided } from "../trace-model.js";
import { awsIndex } from "./aws-index.js";
import { describeEni, eniForIp } from "./eni.js";
import { describePrefixList, prefixListMatch } from "./prefix-lists.js";
import type { IcmpTypeCode, WireProtocol } from "./protocols.js";
import {
  describeIcmp,
  describePorts,
  describeTraffic,
  ICMP_ECHO_REQUEST,
  icmpMatches,
  PROTOCOL_KEYWORDS,
  WIRE_PROTOCOL_NUMBERS,
} from "./protocols.js";

/**
 * Security groups: stateful, allow-only filters on network interfaces.
 *
 * AWS: "Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html):
 * rules only allow; traffic is allowed when any rule of any group associated with the interface
 * allows it. A rule names a protocol (-1 all), ports (TCP/UDP range; ICMP type and code; every
 * other protocol: all ports whatever the rule says) and a source or destination: a CIDR, a
 * prefix list, or a security group — "the rule allows traffic from (or to) the network
 * interfaces associated with the referenced security group", by their private IP addresses (a
 * public or Elastic IP address never matches a group reference). A prefix-list peer matches the
 * CIDRs of the list's entries (prefix-lists.ts); without them in the snapshot such a rule can
 * neither allow nor be ruled out, so when no other rule allows, the answer is undecided.
 * "Security group connection tracking"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html):
 * security groups are stateful, the response to allowed traffic is allowed whatever the rules.
 */

export type SecurityGroupDirection = "ingress" | "egress";

export interface SecurityGroupOptions {
  /** ICMP type and code of the message (default: echo request) */
  readonly icmp?: IcmpTypeCode | undefined;
}

/**
 * A security-group Decision — or Undecided, when only a rule referencing a prefix list the snapshot
 * lacks could allow — with the rule that allowed (or could), and notes on what was not evaluated.
 */
export type SecurityGroupDecision = (Decision | Undecided) & {
  readonly group: SecurityGroup | undefined;
  readonly matchedRule: SecurityGroupRule | undefined;
  readonly notes: readonly string[];
};

/** "sg-0abc (ecoeco-alb-sg)" */
export function describeSecurityGroup(group: SecurityGroup): string {
  return group.name ? `${group.id} (${group.name})` : group.id;
}

/** "-1" is every protocol; else the keyword (tcp, udp, icmp) or the IANA number ("4": IP-in-IP). */
function protocolMatches(rule: SecurityGroupRule, protocol: WireProtocol): boolean {
  return (
    rule.protocol === "-1" ||
    (protocol !== "IPIP" && rule.protocol === PROTOCOL_KEYWORDS[protocol]) ||
    rule.protocol === String(WIRE_PROTOCOL_NUMBERS[protocol])
  );
}

function portsMatch(rule: SecurityGroupRule, protocol: WireProtocol, port: number, icmp: IcmpTypeCode): boolean {
  if (rule.ports === undefined) return true;
  if (rule.protocol === "tcp" || rule.protocol === "udp") return port >= rule.ports.from && port <= rule.ports.to;
  if (rule.protocol === "icmp" && protocol === "ICMP")
    return icmpMatches({ type: rule.ports.from, code: rule.ports.to }, icmp);
  return true;
}

function describeRuleTraffic(rule: SecurityGroupRule): string {
  if (rule.protocol === "-1") return "all traffic";
  if (rule.ports === undefined) return `protocol ${rule.protocol}`;
  if (rule.protocol === "icmp" || rule.protocol === "icmpv6")
    return `${rule.protocol} ${describeIcmp({ type: rule.ports.from, code: rule.ports.to })}`;
  return `${rule.protocol} ${describePorts(rule.ports)}`;
}

function describePeer(peer: SecurityGroupPeer, aws: AwsModel): string {
  const label =
    peer.kind === "cidr"
      ? peer.cidr
      : peer.kind === "prefix-list"
        ? `prefix list ${describePrefixList(peer.prefixListId, aws)}`
        : (() => {
            const group = awsIndex(aws).securityGroupsById.get(peer.groupId);
            return group ? describeSecurityGroup(group) : peer.groupId;
          })();
  return peer.description ? `${label} (${peer.description})` : label;
}

/** "inbound tcp 443 from 0.0.0.0/0 (HTTPS from the internet)" */
function describeSecurityGroupRule(
  rule: SecurityGroupRule,
  direction: SecurityGroupDirection,
  peer: SecurityGroupPeer,
  aws: AwsModel,
): string {
  const word = direction === "ingress" ? "inbound" : "outbound";
  const preposition = direction === "ingress" ? "from" : "to";
  return `${word} ${describeRuleTraffic(rule)} ${preposition} ${describePeer(peer, aws)}`;
}

/**
 * Whether `ip` belongs to a member of `groupId`: a private address (or delegated prefix) of a
 * network interface associated with the group, else — when no interface of the snapshot holds
 * the address — the private address of an instance in the group. Returns what matched.
 */
export function securityGroupMember(groupId: string, ip: string, aws: AwsModel): string | undefined {
  const held = eniForIp(ip, aws);
  if (held)
    return held.eni.securityGroupIds.includes(groupId) ? `${ip} is ${describeEni(held.eni)}, a member` : undefined;
  const instance = awsIndex(aws).instanceByPrivateIp.get(ip);
  if (instance && instance.securityGroupIds.includes(groupId))
    return `${ip} is instance ${instance.id}${instance.name ? ` (${instance.name})` : ""}, a member`;
  return undefined;
}

/**
 * Why the holder of a VPC address is unknown, when it is: no interface or instance of the snapshot
 * holds it and the snapshot's interfaces come from describe-instances only (which lists no load
 * balancer, NAT gateway or endpoint interface). Undefined when the snapshot can tell (a complete
 * interface list, or an address outside every VPC: a public address never matches a group).
 */
function unknownHolder(remote: number, remoteIp: string, aws: AwsModel): string | undefined {
  const index = awsIndex(aws);
  if (index.interfacesComplete || index.instanceByPrivateIp.has(remoteIp) || eniForIp(remoteIp, aws)) return undefined;
  const vpc = aws.vpcs.find((v) =>
    v.cidrBlocks.some((b) => {
      const cidr = parseCidr4(b);
      return cidr !== undefined && cidrContains(cidr, remote);
    }),
  );
  return vpc
    ? `${remoteIp} is in ${vpc.id}, but no interface of the snapshot holds it (its interfaces come from describe-instances only)`
    : undefined;
}

/**
 * How a peer matches the remote address: undefined when it does not, `{ unknown }` when it refers
 * to a prefix list the snapshot lacks (so it may match).
 */
function peerMatch(
  peer: SecurityGroupPeer,
  remote: number,
  remoteIp: string,
  aws: AwsModel,
): string | undefined | { readonly unknown: string; readonly capture: string } {
  switch (peer.kind) {
    case "cidr": {
      const cidr = parseCidr4(peer.cidr);
      return cidr !== undefined && cidrContains(cidr, remote) ? "" : undefined;
    }
    case "security-group": {
      const member = securityGroupMember(peer.groupId, remoteIp, aws);
      if (member !== undefined) return `: ${member}`;
      const holder = unknownHolder(remote, remoteIp, aws);
      return (
        holder && {
          unknown: `${holder}, so whether it is a member of ${peer.groupId} is unknown`,
          capture: `aws ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,Values=${remoteIp}`,
        }
      );
    }
    case "prefix-list": {
      const m = prefixListMatch(peer.prefixListId, remote, aws);
      if (m.kind === "unknown") return { unknown: m.why, capture: m.capture };
      if (m.kind === "no-match") return undefined;
      return `: ${remoteIp} is in ${m.cidr}${m.description ? ` (${m.description})` : ""}, an entry of ${peer.prefixListId}`;
    }
  }
}

/**
 * Evaluates the security groups `groupIds` of an interface for traffic to (ingress) or from
 * (egress) it: `remoteIp` is the other end, `port` the destination port, `protocol` the packet's.
 * Allowed by the first rule (in group order, then rule order) that allows it; else undecided when
 * a rule referencing a prefix list the snapshot lacks could allow it (naming the rule and what to
 * capture); denied with SECURITY_GROUP_INGRESS / SECURITY_GROUP_EGRESS naming all the groups otherwise.
 */
export function evaluateSecurityGroups(
  direction: SecurityGroupDirection,
  groupIds: readonly string[],
  remoteIp: string,
  port: number,
  protocol: WireProtocol,
  aws: AwsModel,
  options: SecurityGroupOptions = {},
): SecurityGroupDecision {
  const icmp = options.icmp ?? ICMP_ECHO_REQUEST;
  const notes: string[] = [];
  const groups: SecurityGroup[] = [];
  const missing: string[] = [];
  for (const id of groupIds) {
    const group = awsIndex(aws).securityGroupsById.get(id);
    if (group) groups.push(group);
    else missing.push(id);
  }
  if (missing.length > 0)
    notes.push(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in the snapshot: ${missing.length === 1 ? "its" : "their"} rules are unknown`,
    );

  const remote = parseIPv4(remoteIp);
  if (remote === undefined) notes.push(`${remoteIp} is not an IPv4 address; podpath evaluates IPv4 rules only`);

  // the first rule that may allow, through a prefix list the snapshot lacks: it decides only if no rule allows
  let pending: { group: SecurityGroup; rule: SecurityGroupRule; peer: SecurityGroupPeer; why: string } | undefined;
  const captures = new Set<string>();
  if (remote !== undefined) {
    for (const group of groups) {
      const rules = direction === "ingress" ? group.ingress : group.egress;
      for (const rule of rules) {
        if (!protocolMatches(rule, protocol) || !portsMatch(rule, protocol, port, icmp)) continue;
        for (const peer of rule.peers) {
          const how = peerMatch(peer, remote, remoteIp, aws);
          if (how === undefined) continue;
          if (typeof how !== "string") {
            captures.add(how.capture);
            if (!pending) pending = { group, rule, peer, why: how.unknown };
            else
              notes.push(
                `${describeSecurityGroup(group)} ${describeSecurityGroupRule(rule, direction, peer, aws)} may also allow it: ${how.unknown}`,
              );
            continue;
          }
          return {
            allowed: true,
            id: group.id,
            rule: `${describeSecurityGroup(group)} ${describeSecurityGroupRule(rule, direction, peer, aws)}${how}`,
            source: group.source,
            group,
            matchedRule: rule,
            notes,
          };
        }
      }
    }
  }

  const word = direction === "ingress" ? "inbound" : "outbound";
  const preposition = direction === "ingress" ? "from" : "to";
  const named = [...groups.map(describeSecurityGroup), ...missing].join(", ") || "no security group";
  const unknown = missing.length > 0 ? ` (${missing.join(", ")} not in the snapshot: rules unknown)` : "";
  const traffic = `${describeTraffic(protocol, port, icmp)} ${preposition} ${remoteIp}`;
  if (missing.length > 0 && remote !== undefined)
    captures.add(`aws ec2 describe-security-groups --group-ids ${missing.join(" ")}`);
  if (pending) {
    return {
      allowed: false,
      undecided: true,
      id: pending.group.id,
      rule: `${describeSecurityGroup(pending.group)} ${describeSecurityGroupRule(pending.rule, direction, pending.peer, aws)} may allow ${traffic}, but ${pending.why}; no other ${word} rule of ${named} allows it${unknown}`,
      capture: [...captures].join("; "),
      source: pending.group.source,
      group: pending.group,
      matchedRule: pending.rule,
      notes,
    };
  }
  // a group the snapshot lacks may hold the rule that allows: undecided, not denied
  if (missing.length > 0 && remote !== undefined) {
    return {
      allowed: false,
      undecided: true,
      id: groupIds.join(",") || "none",
      rule: `no ${word} rule of ${named} in the snapshot allows ${traffic}, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in the snapshot: ${missing.length === 1 ? "its" : "their"} rules may`,
      capture: [...captures].join("; "),
      source: groups[0]?.source,
      group: undefined,
      matchedRule: undefined,
      notes,
    };
  }
  return {
    allowed: false,
    id: groupIds.join(",") || "none",
    code: direction === "ingress" ? "SECURITY_GROUP_INGRESS" : "SECURITY_GROUP_EGRESS",
    rule: `no ${word} rule of ${named} allows ${traffic}${unknown}`,
    source: groups[0]?.source,
    group: undefined,
    matchedRule: undefined,
    notes,
  };
}

/**
 * The note for a reply: security groups are stateful, so the response to a connection they
 * allowed passes in both directions by connection tracking, whatever their rules say.
 */
export function connectionTrackingNote(groupIds: readonly string[]): string {
  const which = groupIds.length > 0 ? groupIds.join(", ") : "the security groups";
  return `return traffic of an allowed connection is allowed by connection tracking: ${which} ${groupIds.length === 1 ? "is" : "are"} stateful, whatever the rules in the reverse direction say`;
}

/** The Decision for a reply crossing security groups that allowed the request (stateful). */
export function allowTrackedReply(groupIds: readonly string[], aws: AwsModel): Decision {
  const first = aws.securityGroups.find((g) => groupIds.includes(g.id));
  return {
    allowed: true,
    id: groupIds.join(",") || "none",
    rule: connectionTrackingNote(groupIds),
    source: first?.source,
  };
}

/**
 * The inbound rules of `groupIds` that admit `protocol`/`port` from the members of a security
 * group (a source that is a security group admits only traffic from its members' interfaces: AWS
 * VPC User Guide, "Security group rules"): who else these groups let in, for a packet from an
 * address they refuse (`podpath exposure` from the VPC).
 */
export function memberRulesAdmitting(
  groupIds: readonly string[],
  port: number,
  protocol: WireProtocol,
  aws: AwsModel,
): { readonly rule: string; readonly source: SourceRef }[] {
  const out: { rule: string; source: SourceRef }[] = [];
  for (const id of groupIds) {
    const group = awsIndex(aws).securityGroupsById.get(id);
    if (!group) continue;
    for (const rule of group.ingress) {
      if (!protocolMatches(rule, protocol) || !portsMatch(rule, protocol, port, ICMP_ECHO_REQUEST)) continue;
      for (const peer of rule.peers)
        if (peer.kind === "security-group")
          out.push({
            rule: `${describeSecurityGroup(group)} ${describeSecurityGroupRule(rule, "ingress", peer, aws)}`,
            source: group.source,
          });
    }
  }
  return out;
}
