import type { NetworkInterface } from "../../../model/aws.js";
import { cidrContains, parseCidr4, parseIPv4 } from "../../../model/net.js";
import type { AwsModel } from "../../../model/snapshot.js";
import type { Decision, Packet } from "../trace-model.js";
import { awsIndex } from "./aws-index.js";

/**
 * Elastic network interfaces: which interface holds an address, and the source/destination check.
 *
 * AWS: "Elastic network interfaces" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html):
 * an interface has a primary private IPv4 address, secondary private addresses, and may have IPv4
 * prefixes delegated to it ("Assign prefixes to network interfaces",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-prefix-eni.html), every address of which
 * is the interface's. "Source/destination checking"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html#EIP_Disable_SrcDestCheck):
 * "each EC2 instance performs source/destination checks by default. This means that the instance
 * must be the source or destination of any traffic it sends or receives"; the check is an
 * attribute of each network interface (SourceDestCheck) and must be disabled for NAT, routing
 * or firewall instances.
 */

export interface EniMatch {
  readonly eni: NetworkInterface;
  /** how the interface holds the address */
  readonly via: "primary" | "secondary" | "prefix";
  /** the delegated prefix that contains the address (via "prefix") */
  readonly prefix: string | undefined;
}

/**
 * The network interface that holds `ip`: as its primary or a secondary private address, else
 * inside one of its delegated IPv4 prefixes. An exact address wins over a prefix. Undefined
 * when no interface of the snapshot holds it.
 */
export function eniForIp(ip: string, aws: AwsModel): EniMatch | undefined {
  const index = awsIndex(aws);
  const held = index.eniByAddress.get(ip);
  if (held) return { eni: held.eni, via: held.primary ? "primary" : "secondary", prefix: undefined };
  if (!index.anyPrefixes) return undefined;
  const address = parseIPv4(ip);
  if (address === undefined) return undefined;
  // AWS never delegates overlapping prefixes; should a snapshot show some, the most specific wins.
  let best: { eni: NetworkInterface; prefix: string; length: number } | undefined;
  for (const eni of aws.networkInterfaces) {
    for (const prefix of eni.ipv4Prefixes) {
      const cidr = parseCidr4(prefix);
      if (cidr === undefined || !cidrContains(cidr, address)) continue;
      if (!best || cidr.prefix > best.length) best = { eni, prefix, length: cidr.prefix };
    }
  }
  return best && { eni: best.eni, via: "prefix", prefix: best.prefix };
}

/** Whether `ip` is one of the interface's own addresses (private addresses and delegated prefixes). */
export function eniOwnsAddress(eni: NetworkInterface, ip: string): boolean {
  if (eni.privateIps.some((p) => p.address === ip)) return true;
  const address = parseIPv4(ip);
  if (address === undefined) return false;
  return eni.ipv4Prefixes.some((p) => {
    const cidr = parseCidr4(p);
    return cidr !== undefined && cidrContains(cidr, address);
  });
}

/** "eni-0abc (instance i-0def)", "eni-0abc (ELB app/k8s-…)" */
export function describeEni(eni: NetworkInterface): string {
  const owner = eni.attachment?.instanceId ? `instance ${eni.attachment.instanceId}` : eni.description;
  return owner ? `${eni.id} (${owner})` : eni.id;
}

function ownAddresses(eni: NetworkInterface): string {
  const all = [...eni.privateIps.map((p) => p.address), ...eni.ipv4Prefixes];
  return all.length > 0 ? all.join(", ") : "none listed";
}

/**
 * The source/destination check of `eni` for a packet it sends ("send": the source must be one
 * of its addresses), receives ("receive": the destination must be), or either (undefined: one of
 * the two must be). An encapsulated packet is checked on its outer header, which is what the
 * interface sees. Denied with SOURCE_DEST_CHECK.
 */
export function sourceDestCheck(eni: NetworkInterface, packet: Packet, direction?: "send" | "receive"): Decision {
  const seen = packet.outer ?? packet;
  const header = packet.outer ? "outer " : "";
  const base = { id: eni.id, source: eni.source } as const;
  if (!eni.sourceDestCheck) {
    return {
      ...base,
      allowed: true,
      rule: `source/destination check is disabled on ${describeEni(eni)}: it may send and receive packets of other addresses`,
    };
  }
  const srcOwn = eniOwnsAddress(eni, seen.src);
  const dstOwn = eniOwnsAddress(eni, seen.dst);
  const own = `its addresses: ${ownAddresses(eni)}`;
  if (direction === "send") {
    if (srcOwn)
      return {
        ...base,
        allowed: true,
        rule: `source/destination check of ${describeEni(eni)}: ${header}source ${seen.src} is its own address`,
      };
    return {
      ...base,
      allowed: false,
      code: "SOURCE_DEST_CHECK",
      rule: `source/destination check is enabled on ${describeEni(eni)} and the ${header}source ${seen.src} is not one of ${own}; the interface drops packets it is not the source of (disable the check for NAT or routing)`,
    };
  }
  if (direction === "receive") {
    if (dstOwn)
      return {
        ...base,
        allowed: true,
        rule: `source/destination check of ${describeEni(eni)}: ${header}destination ${seen.dst} is its own address`,
      };
    return {
      ...base,
      allowed: false,
      code: "SOURCE_DEST_CHECK",
      rule: `source/destination check is enabled on ${describeEni(eni)} and the ${header}destination ${seen.dst} is not one of ${own}; the interface drops packets it is not the destination of (disable the check for NAT or routing)`,
    };
  }
  if (srcOwn || dstOwn) {
    const which = srcOwn ? `${header}source ${seen.src}` : `${header}destination ${seen.dst}`;
    return {
      ...base,
      allowed: true,
      rule: `source/destination check of ${describeEni(eni)}: ${which} is its own address`,
    };
  }
  return {
    ...base,
    allowed: false,
    code: "SOURCE_DEST_CHECK",
    rule: `source/destination check is enabled on ${describeEni(eni)} and neither the ${header}source ${seen.src} nor the destination ${seen.dst} is one of ${own}`,
  };
}
