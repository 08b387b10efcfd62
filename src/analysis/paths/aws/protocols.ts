import type { Protocol } from "../trace-model.js";

/**
 * What security groups and network ACLs share: IANA protocol numbers, ICMP type/code, and how a
 * piece of traffic is described in a rule's text.
 *
 * AWS: "Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)
 * and "Network ACL rules" (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html): TCP and
 * UDP rules carry a port range, ICMP rules a type and code (-1: any), every other protocol matches
 * all ports whatever the rule says.
 */

/** IANA protocol numbers of the protocols a trace carries. */
const PROTOCOL_NUMBERS: Readonly<Record<Protocol, number>> = Object.freeze({
  TCP: 6,
  UDP: 17,
  ICMP: 1,
  SCTP: 132,
});

/** The lower-case keyword security groups print for a protocol, where there is one. */
export const PROTOCOL_KEYWORDS: Readonly<Record<Protocol, string>> = Object.freeze({
  TCP: "tcp",
  UDP: "udp",
  ICMP: "icmp",
  SCTP: "sctp",
});

/**
 * What a VPC device sees on the wire: a trace protocol, or IP-in-IP (IP protocol 4, no ports) while
 * Calico encapsulates a packet between nodes. Security-group and network-ACL rules name it by
 * number ("IpProtocol": "4", "Protocol": "4") or allow it with "-1".
 */
export type WireProtocol = Protocol | "IPIP";

/** IANA protocol numbers of what a VPC device sees on the wire. */
export const WIRE_PROTOCOL_NUMBERS: Readonly<Record<WireProtocol, number>> = Object.freeze({
  ...PROTOCOL_NUMBERS,
  IPIP: 4,
});

export interface IcmpTypeCode {
  readonly type: number;
  readonly code: number;
}

/**
 * The ICMP message assumed when the caller gives none: an echo request (ping). Packets carry
 * ports only (0 for ICMP), so the type and code are a parameter of the evaluators.
 */
export const ICMP_ECHO_REQUEST: IcmpTypeCode = Object.freeze({ type: 8, code: 0 });
export const ICMP_ECHO_REPLY: IcmpTypeCode = Object.freeze({ type: 0, code: 0 });

/** Whether an ICMP type/code of a rule (-1: any) admits the message. */
export function icmpMatches(rule: IcmpTypeCode, message: IcmpTypeCode): boolean {
  if (rule.type === -1) return true;
  if (rule.type !== message.type) return false;
  return rule.code === -1 || rule.code === message.code;
}

/** "tcp 443", "udp 53", "icmp type 8 code 0", "sctp 3868", "IP-in-IP (protocol 4)" */
export function describeTraffic(protocol: WireProtocol, port: number, icmp: IcmpTypeCode = ICMP_ECHO_REQUEST): string {
  if (protocol === "ICMP") return `icmp type ${icmp.type} code ${icmp.code}`;
  if (protocol === "IPIP") return "IP-in-IP (protocol 4)";
  return `${PROTOCOL_KEYWORDS[protocol]} ${port}`;
}

/** "443", "30000-32767" */
export function describePorts(range: { readonly from: number; readonly to: number }): string {
  return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}

/** "all types", "type 8", "type 3 code 4" */
export function describeIcmp(rule: IcmpTypeCode): string {
  if (rule.type === -1) return "all types";
  return rule.code === -1 ? `type ${rule.type}` : `type ${rule.type} code ${rule.code}`;
}
