import type {
  IpPermission,
  NetworkAcl as SdkNetworkAcl,
  NetworkAclEntry as SdkNetworkAclEntry,
  SecurityGroup as SdkSecurityGroup,
} from "@aws-sdk/client-ec2";
import type {
  NetworkAcl,
  NetworkAclEntry,
  PortRange,
  SecurityGroup,
  SecurityGroupPeer,
  SecurityGroupRule,
} from "../../model/aws.js";
import { FieldAt, Malformed } from "../fields.js";
import type { Fields } from "../fields.js";
import { convertElements, fieldPath, optCidr, readableId, readTags, reqCidr, unique } from "./common.js";
import type { Conversion } from "./common.js";

/** describe-security-groups and describe-network-acls */

const PORT = { min: 0, max: 65535 } as const;
const ICMP_TYPE_OR_CODE = { min: -1, max: 255 } as const;

/** Protocol numbers security groups print by number in some rules, and the names they stand for. */
const PROTOCOL_NAMES: Readonly<Record<string, string>> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };
const PROTOCOL_KEYWORDS = new Set(["tcp", "udp", "icmp", "icmpv6", "-1"]);

/** "tcp", "udp", "icmp", "icmpv6", "-1" (all), or another IANA protocol number as a string. */
function securityGroupProtocol(p: Fields<IpPermission>): string {
  const text = p.reqStr("IpProtocol").toLowerCase();
  if (PROTOCOL_KEYWORDS.has(text)) return text;
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) {
    const number = String(Number(text));
    return PROTOCOL_NAMES[number] ?? number;
  }
  throw new Malformed(
    `${fieldPath(p, "IpProtocol")} ${JSON.stringify(text)} is not tcp, udp, icmp, icmpv6, -1 or a protocol number`,
    new FieldAt(p.raw, "IpProtocol"),
  );
}

/**
 * The ports of a rule. TCP and UDP rules carry a port range; ICMP rules carry the ICMP type in
 * FromPort and the code in ToPort (-1: any), kept as AWS prints them; for every other protocol
 * AWS allows all ports whatever the rule says, so there is no range.
 */
function securityGroupPorts(p: Fields<IpPermission>, protocol: string): PortRange | undefined {
  if (protocol === "tcp" || protocol === "udp") {
    const from = p.int("FromPort", PORT);
    const to = p.int("ToPort", PORT);
    if (from === undefined || to === undefined) p.fail(`a ${protocol} rule needs FromPort and ToPort`);
    if (from > to) p.fail(`FromPort ${from} is greater than ToPort ${to}`);
    return { from, to };
  }
  if (protocol === "icmp" || protocol === "icmpv6") {
    return { from: p.int("FromPort", ICMP_TYPE_OR_CODE) ?? -1, to: p.int("ToPort", ICMP_TYPE_OR_CODE) ?? -1 };
  }
  return undefined;
}

function securityGroupPeers(p: Fields<IpPermission>): SecurityGroupPeer[] {
  return [
    ...p
      .objs("IpRanges")
      .map((r): SecurityGroupPeer => ({ kind: "cidr", cidr: reqCidr(r, "CidrIp"), description: r.str("Description") })),
    ...p.objs("Ipv6Ranges").map((r): SecurityGroupPeer => ({
      kind: "cidr",
      cidr: reqCidr(r, "CidrIpv6"),
      description: r.str("Description"),
    })),
    ...p.objs("UserIdGroupPairs").map((r): SecurityGroupPeer => ({
      kind: "security-group",
      groupId: r.reqStr("GroupId"),
      description: r.str("Description"),
    })),
    ...p.objs("PrefixListIds").map((r): SecurityGroupPeer => ({
      kind: "prefix-list",
      prefixListId: r.reqStr("PrefixListId"),
      description: r.str("Description"),
    })),
  ];
}

function securityGroupRule(p: Fields<IpPermission>): SecurityGroupRule {
  const protocol = securityGroupProtocol(p);
  return { protocol, ports: securityGroupPorts(p, protocol), peers: securityGroupPeers(p) };
}

export function convertSecurityGroups(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkSecurityGroup, SecurityGroup>(
    conv,
    items,
    "SecurityGroups",
    {
      what: "security group",
      kind: "ec2:SecurityGroup",
      id: (raw) => readableId(raw, "GroupId"),
      convert: (f, raw) => ({
        id: f.reqStr("GroupId"),
        name: f.str("GroupName") ?? "",
        description: f.str("Description") ?? "",
        vpcId: f.reqStr("VpcId"),
        ingress: f.objs("IpPermissions").map(securityGroupRule),
        egress: f.objs("IpPermissionsEgress").map(securityGroupRule),
        tags: readTags(f.objs("Tags")),
        source: conv.ctx.source(raw),
      }),
    },
    conv.draft.aws.securityGroups,
  );
}

/** The rule number AWS prints for the implicit final "*" rule (32768 for its IPv6 twin). */
const DEFAULT_RULE = 32767;
const DEFAULT_RULE_IPV6 = 32768;

/** "-1" (all) or an IANA protocol number 0..255, as a string. */
function naclProtocol(e: Fields<SdkNetworkAclEntry>): string {
  const text = e.reqStr("Protocol");
  if (text === "-1") return text;
  if (/^\d{1,3}$/.test(text) && Number(text) <= 255) return String(Number(text));
  throw new Malformed(
    `${fieldPath(e, "Protocol")} ${JSON.stringify(text)} is not -1 or a protocol number between 0 and 255`,
    new FieldAt(e.raw, "Protocol"),
  );
}

function naclEntry(e: Fields<SdkNetworkAclEntry>): NetworkAclEntry {
  const ipv6 = e.has("Ipv6CidrBlock") && !e.has("CidrBlock");
  const ruleNumber = e.int("RuleNumber", { min: 1, max: ipv6 ? DEFAULT_RULE_IPV6 : DEFAULT_RULE });
  if (ruleNumber === undefined) e.fail("RuleNumber is required");
  const protocol = naclProtocol(e);
  e.reqStr("RuleAction");
  const action = e.oneOf("RuleAction", ["allow", "deny"], "deny");
  const cidr = optCidr(e, "CidrBlock") ?? optCidr(e, "Ipv6CidrBlock");
  if (cidr === undefined) e.fail("CidrBlock or Ipv6CidrBlock is required");
  let portRange: PortRange | undefined;
  if (protocol === "6" || protocol === "17") {
    const range = e.obj("PortRange");
    if (range) {
      const from = range.int("From", PORT) ?? 0;
      const to = range.int("To", PORT) ?? 65535;
      if (from > to) range.fail(`From ${from} is greater than To ${to}`);
      portRange = { from, to };
    }
  }
  let icmp: NetworkAclEntry["icmp"];
  if (protocol === "1" || protocol === "58") {
    const typeCode = e.obj("IcmpTypeCode");
    if (typeCode)
      icmp = {
        type: typeCode.int("Type", ICMP_TYPE_OR_CODE) ?? -1,
        code: typeCode.int("Code", ICMP_TYPE_OR_CODE) ?? -1,
      };
  }
  return { ruleNumber, egress: e.bool("Egress") ?? false, protocol, action, cidr, portRange, icmp };
}

export function convertNetworkAcls(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkNetworkAcl, NetworkAcl>(
    conv,
    items,
    "NetworkAcls",
    {
      what: "network ACL",
      kind: "ec2:NetworkAcl",
      id: (raw) => readableId(raw, "NetworkAclId"),
      convert: (f, raw) => {
        const id = f.reqStr("NetworkAclId");
        const vpcId = f.reqStr("VpcId");
        const entries = f
          .objs("Entries")
          .map(naclEntry)
          // the final "*" deny is implicit in the model
          .filter((e) => e.ruleNumber < DEFAULT_RULE)
          .sort((a, b) => a.ruleNumber - b.ruleNumber || Number(a.egress) - Number(b.egress));
        const subnetIds = f
          .objs("Associations")
          .map((a) => a.str("SubnetId"))
          .filter((s): s is string => s !== undefined && s !== "");
        return {
          id,
          vpcId,
          isDefault: f.bool("IsDefault") ?? false,
          subnetIds: unique(subnetIds),
          entries,
          tags: readTags(f.objs("Tags")),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.networkAcls,
  );
}
