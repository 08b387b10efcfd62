/**
 * IPv4 addresses and CIDR blocks as unsigned 32-bit numbers. IPv6 is recognised (so it can be
 * validated and kept) but not analysed.
 */
export interface Cidr4 {
  /** network address, unsigned */
  readonly base: number;
  readonly prefix: number;
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad IPv4 address; undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** A loose IPv6 check: hex groups, at most one `::`, optional embedded IPv4. */
export function isIPv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return false;
  const doubles = text.split("::").length - 1;
  if (doubles > 1) return false;
  const groups = text.split(":").filter((g) => g !== "");
  const last = groups[groups.length - 1];
  let count = groups.length;
  if (last && last.includes(".")) {
    if (!isIPv4(last)) return false;
    count += 1;
  }
  if (groups.some((g) => !g.includes(".") && !/^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return doubles === 1 ? count < 8 : count === 8;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parses `a.b.c.d/n`. Host bits are cleared (AWS and Kubernetes both accept and normalise them
 * in some places and reject them in others; the adapters decide). Undefined when malformed.
 */
export function parseCidr4(text: string): Cidr4 | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  return { base: (ip & maskOf(prefix)) >>> 0, prefix };
}

/** True when the text is an IPv4 or IPv6 CIDR block. */
export function isCidr(text: string): boolean {
  if (parseCidr4(text)) return true;
  const slash = text.indexOf("/");
  if (slash < 0) return false;
  const prefix = text.slice(slash + 1);
  return isIPv6(text.slice(0, slash)) && /^\d{1,3}$/.test(prefix) && Number(prefix) <= 128;
}

export function cidrContains(cidr: Cidr4, ip: number): boolean {
  return (ip & maskOf(cidr.prefix)) >>> 0 === cidr.base;
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrCovers(outer: Cidr4, inner: Cidr4): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.base);
}

export function formatCidr4(cidr: Cidr4): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}

const NON_PUBLIC = (
  [
    ["10.0.0.0/8", "a private address (RFC 1918, 10.0.0.0/8)"],
    ["172.16.0.0/12", "a private address (RFC 1918, 172.16.0.0/12)"],
    ["192.168.0.0/16", "a private address (RFC 1918, 192.168.0.0/16)"],
    ["100.64.0.0/10", "a shared address (RFC 6598, 100.64.0.0/10, carrier-grade NAT)"],
    ["127.0.0.0/8", "a loopback address (RFC 1122, 127.0.0.0/8)"],
    ["169.254.0.0/16", "a link-local address (RFC 3927, 169.254.0.0/16)"],
  ] as const
).map(([c, kind]) => ({ block: parseCidr4(c)!, kind }));

/** RFC 1918 private, RFC 6598 shared (carrier-grade NAT), loopback and link-local addresses: not routed on the internet. */
export function isPrivateOrShared(ip: string): boolean {
  return nonPublicKind(ip) !== undefined;
}

/** What kind of non-public address `ip` is ("a private address (RFC 1918, 10.0.0.0/8)"), undefined when it is public (or not IPv4). */
export function nonPublicKind(ip: string): string | undefined {
  const address = parseIPv4(ip);
  return address === undefined ? undefined : NON_PUBLIC.find((c) => cidrContains(c.block, address))?.kind;
}
