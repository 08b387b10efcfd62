import type { NetworkPolicy, NetworkPolicyRule } from "../../model/kubernetes.js";
import { formatIPv4, parseCidr4 } from "../../model/net.js";

/**
 * The external peers of a connectivity list: the address space cut into the ranges no ipBlock
 * of any NetworkPolicy tells apart, after np-guard netpol-analyzer (pkg/netpol/eval/resources.go
 * `getDisjointIPBlocks`; np-guard/models pkg/netset/ipblock.go `DisjointIPBlocks`, `Split`,
 * `ToIPRanges`). Each ipBlock (`cidr` less every `except`) is split into its contiguous ranges;
 * with 0.0.0.0/0 they cut 0.0.0.0–255.255.255.255 at every range's start and after its end, so
 * every ipBlock is a union of whole pieces and a piece is either inside an ipBlock or outside it.
 * Sources (ingress `from` ipBlocks) and destinations (egress `to` ipBlocks) are cut separately,
 * as netpol-analyzer does. IPv4 only: an IPv6 ipBlock cuts nothing (podpath analyses IPv4).
 */

/** a contiguous range of IPv4 addresses, unsigned, inclusive */
export interface IpRange {
  readonly first: number;
  readonly last: number;
}

const TOP = 0xffffffff;

/** `cidr` less `except`, as contiguous ranges (`IPBlockFromCidr(cidr).ExceptCidrs(except...).Split()`) */
export function ipBlockRanges(cidr: string, except: readonly string[]): IpRange[] {
  const c = parseCidr4(cidr);
  if (!c) return [];
  let ranges: IpRange[] = [{ first: c.base, last: c.base + 2 ** (32 - c.prefix) - 1 }];
  for (const e of except) {
    const x = parseCidr4(e);
    if (!x) continue;
    const xs = x.base;
    const xe = x.base + 2 ** (32 - x.prefix) - 1;
    ranges = ranges.flatMap((r) => {
      if (xe < r.first || xs > r.last) return [r];
      const out: IpRange[] = [];
      if (xs > r.first) out.push({ first: r.first, last: xs - 1 });
      if (xe < r.last) out.push({ first: xe + 1, last: r.last });
      return out;
    });
  }
  return ranges;
}

function rulesBlocks(rules: readonly NetworkPolicyRule[]): IpRange[] {
  const out: IpRange[] = [];
  for (const rule of rules)
    for (const peer of rule.peers) if (peer.ipBlock) out.push(...ipBlockRanges(peer.ipBlock.cidr, peer.ipBlock.except));
  return out;
}

/** the pieces `ranges` and 0.0.0.0/0 cut the address space into, in address order */
export function disjointRanges(ranges: readonly IpRange[]): IpRange[] {
  const cuts = new Set<number>([0, TOP + 1]);
  for (const r of ranges) {
    cuts.add(r.first);
    cuts.add(r.last + 1);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: IpRange[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) out.push({ first: sorted[i]!, last: sorted[i + 1]! - 1 });
  return out;
}

/** The external source pieces (from ingress ipBlocks) and destination pieces (from egress ipBlocks). */
export function externalPeers(policies: readonly NetworkPolicy[]): { sources: IpRange[]; destinations: IpRange[] } {
  return {
    sources: disjointRanges(policies.flatMap((p) => rulesBlocks(p.ingress))),
    destinations: disjointRanges(policies.flatMap((p) => rulesBlocks(p.egress))),
  };
}

/** "10.0.0.0-10.255.255.255", as netpol-analyzer prints an IP block (`ToIPRanges`) */
export function rangeText(r: IpRange): string {
  return `${formatIPv4(r.first)}-${formatIPv4(r.last)}`;
}
