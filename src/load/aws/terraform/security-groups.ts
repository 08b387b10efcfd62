import type { PortRange, SecurityGroup, SecurityGroupPeer, SecurityGroupRule } from "../../../model/aws.js";
import { isCidr } from "../../../model/net.js";
import type { SourceRef } from "../../../model/source.js";
import type { SnapshotDraft } from "../../draft.js";
import { FieldAt, Malformed } from "../../fields.js";
import { blocks, num, optCidr, str, strs, tfTags, type TfConversion, type TfFields } from "./common.js";

/**
 * aws_security_group (and aws_default_security_group) with its inline `ingress`/`egress` blocks,
 * merged with the separate rule resources on the same group: aws_security_group_rule (`type`,
 * `protocol`, `cidr_blocks`, `ipv6_cidr_blocks`, `prefix_list_ids`, `source_security_group_id`,
 * `self`) and aws_vpc_security_group_ingress_rule / _egress_rule (one peer each: `cidr_ipv4`,
 * `cidr_ipv6`, `prefix_list_id`, `referenced_security_group_id`; `ip_protocol`). Shapes after the
 * provider docs (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group,
 * security_group_rule, vpc_security_group_ingress_rule).
 *
 * The group's `ingress`/`egress` attributes are Optional+Computed: after a refresh they list every
 * rule the group has, those the rule resources created included. A (direction, protocol, ports,
 * peer) that both write is one rule; what only the inline blocks write is counted in
 * `terraformRules.inlineRules` (the lint rule `terraform-sg-mixed-rules` reads it).
 */

type Direction = "ingress" | "egress";

interface RuleEntry {
  readonly direction: Direction;
  readonly protocol: string;
  readonly ports: PortRange | undefined;
  readonly peer: SecurityGroupPeer;
}

/** Protocol numbers the provider prints by name (ProtocolForValue), "all" → "-1". */
const NAMES: Readonly<Record<string, string>> = { "1": "icmp", "6": "tcp", "17": "udp", "58": "icmpv6", all: "-1" };
const KEYWORDS = new Set(["tcp", "udp", "icmp", "icmpv6", "-1"]);

function protocolOf(f: TfFields, key: string): string {
  const text = (f.str(key) ?? f.reqStr(key)).toLowerCase();
  if (KEYWORDS.has(text)) return text;
  if (NAMES[text]) return NAMES[text];
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return NAMES[String(Number(text))] ?? String(Number(text));
  throw new Malformed(
    `${f.at(key)} ${JSON.stringify(text)} is not tcp, udp, icmp, icmpv6, -1, all or a protocol number`,
    new FieldAt(f.raw, key),
  );
}

/**
 * TCP and UDP: from_port..to_port. ICMP: the type in from_port and the code in to_port (-1 any),
 * as AWS keeps them. Any other protocol: all ports (AWS ignores the range).
 */
function portsOf(f: TfFields, protocol: string): PortRange | undefined {
  if (protocol === "tcp" || protocol === "udp") {
    const from = num(f, "from_port", { min: 0, max: 65535 });
    const to = num(f, "to_port", { min: 0, max: 65535 });
    if (from === undefined || to === undefined) f.fail(`from_port and to_port are required for ${protocol}`);
    if (from > to) f.fail(`from_port ${from} is greater than to_port ${to}`);
    return { from, to };
  }
  if (protocol === "icmp" || protocol === "icmpv6")
    return {
      from: num(f, "from_port", { min: -1, max: 255 }) ?? -1,
      to: num(f, "to_port", { min: -1, max: 255 }) ?? -1,
    };
  return undefined;
}

function cidrPeers(f: TfFields, key: string, description: string | undefined): SecurityGroupPeer[] {
  const list = f.any(key);
  return strs(f, key).map((cidr, i): SecurityGroupPeer => {
    if (!isCidr(cidr))
      throw new Malformed(
        `${f.at(key)}[${i}] ${JSON.stringify(cidr)} is not a valid CIDR block`,
        Array.isArray(list) ? new FieldAt(list, i) : f.raw,
      );
    return { kind: "cidr", cidr, description };
  });
}

/** An inline block or an aws_security_group_rule: several peers under one protocol and port range. */
function multiPeerEntries(f: TfFields, direction: Direction, groupId: string, sourceGroupKey: string): RuleEntry[] {
  const protocol = protocolOf(f, "protocol");
  const ports = portsOf(f, protocol);
  const description = str(f, "description");
  const peers: SecurityGroupPeer[] = [
    ...cidrPeers(f, "cidr_blocks", description),
    ...cidrPeers(f, "ipv6_cidr_blocks", description),
    ...strs(f, "prefix_list_ids").map((id): SecurityGroupPeer => ({
      kind: "prefix-list",
      prefixListId: id,
      description,
    })),
    ...(sourceGroupKey === "security_groups"
      ? strs(f, "security_groups")
      : [str(f, sourceGroupKey)].filter((x) => x !== undefined)
    ).map((id): SecurityGroupPeer => ({ kind: "security-group", groupId: id, description })),
    ...(f.bool("self") === true ? [{ kind: "security-group", groupId, description } as SecurityGroupPeer] : []),
  ];
  return peers.map((peer) => ({ direction, protocol, ports, peer }));
}

/** aws_vpc_security_group_ingress_rule / _egress_rule: one peer; `ip_protocol` "-1" has no ports. */
function vpcRuleEntry(f: TfFields, direction: Direction): RuleEntry {
  const protocol = protocolOf(f, "ip_protocol");
  const ports = portsOf(f, protocol);
  const description = str(f, "description");
  const cidr = optCidr(f, "cidr_ipv4") ?? optCidr(f, "cidr_ipv6");
  const prefixList = str(f, "prefix_list_id");
  const group = str(f, "referenced_security_group_id");
  const peer: SecurityGroupPeer | undefined = cidr
    ? { kind: "cidr", cidr, description }
    : prefixList
      ? { kind: "prefix-list", prefixListId: prefixList, description }
      : group
        ? { kind: "security-group", groupId: group, description }
        : undefined;
  if (!peer) f.fail("one of cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id is required");
  return { direction, protocol, ports, peer };
}

function peerKey(p: SecurityGroupPeer): string {
  return p.kind === "cidr" ? p.cidr : p.kind === "prefix-list" ? p.prefixListId : p.groupId;
}

function entryKey(e: RuleEntry): string {
  return `${e.direction} ${e.protocol} ${e.ports ? `${e.ports.from}-${e.ports.to}` : ""} ${peerKey(e.peer)}`;
}

/** Entries grouped back into rules (one per direction, protocol and port range), in first-seen order. */
function rulesOf(entries: readonly RuleEntry[], direction: Direction): SecurityGroupRule[] {
  const rules = new Map<string, { protocol: string; ports: PortRange | undefined; peers: SecurityGroupPeer[] }>();
  for (const e of entries) {
    if (e.direction !== direction) continue;
    const key = `${e.protocol} ${e.ports ? `${e.ports.from}-${e.ports.to}` : ""}`;
    let rule = rules.get(key);
    if (!rule) rules.set(key, (rule = { protocol: e.protocol, ports: e.ports, peers: [] }));
    rule.peers.push(e.peer);
  }
  return [...rules.values()];
}

/** A rule resource whose group is not in the state: `finish` warns unless another file describes the group. */
export interface OrphanRule {
  readonly groupId: string;
  readonly source: SourceRef;
}

/** Rule resources whose group is not in their state, per draft: checked once every file is read. */
export const orphanRules = new WeakMap<SnapshotDraft, OrphanRule[]>();

export function convertSecurityGroups(conv: TfConversion, orphans: OrphanRule[]): SecurityGroup[] {
  const resources = [
    ...conv.each(["aws_security_group_rule"], (f, r) => {
      const text = f.str("type");
      const type: Direction = text === "ingress" || text === "egress" ? text : f.fail("type must be ingress or egress");
      const groupId = f.reqStr("security_group_id");
      return {
        groupId,
        source: conv.source(r),
        entries: multiPeerEntries(f, type, groupId, "source_security_group_id"),
      };
    }),
    ...conv.each(["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"], (f, r) => ({
      groupId: f.reqStr("security_group_id"),
      source: conv.source(r),
      entries: [vpcRuleEntry(f, r.type.endsWith("ingress_rule") ? "ingress" : "egress")],
    })),
  ];
  const groups = conv.each(["aws_security_group", "aws_default_security_group"], (f, r): SecurityGroup => {
    const id = f.reqStr("id");
    const inline = [
      ...blocks(f, "ingress").flatMap((b) => multiPeerEntries(b, "ingress", id, "security_groups")),
      ...blocks(f, "egress").flatMap((b) => multiPeerEntries(b, "egress", id, "security_groups")),
    ];
    const own = resources.filter((x) => x.groupId === id);
    const written = new Set(own.flatMap((x) => x.entries.map(entryKey)));
    const seen = new Set<string>();
    const merged: RuleEntry[] = [];
    for (const e of [...inline, ...own.flatMap((x) => x.entries)]) {
      const key = entryKey(e);
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(e);
    }
    const inlineOnly = inline.filter((e) => !written.has(entryKey(e))).length;
    const source = conv.source(r);
    const ruleResources: SourceRef[] = own.map((x) => x.source);
    return {
      id,
      name: str(f, "name") ?? (r.type === "aws_default_security_group" ? "default" : ""),
      description: str(f, "description") ?? "",
      vpcId: f.reqStr("vpc_id"),
      ingress: rulesOf(merged, "ingress"),
      egress: rulesOf(merged, "egress"),
      tags: tfTags(f),
      source,
      terraformRules: { inlineRules: inlineOnly, inlineSource: source, ruleResources },
    };
  });
  const ids = new Set(groups.map((g) => g.id));
  orphans.push(...resources.filter((x) => !ids.has(x.groupId)));
  return groups;
}
