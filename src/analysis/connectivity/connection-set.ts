import type { Protocol } from "../../model/kubernetes.js";

/**
 * A set of connections: protocols × port ranges, after np-guard netpol-analyzer's
 * `common.ConnectionSet` (pkg/netpol/internal/common/connectionset.go): either every connection
 * (`AllowAll`), or per protocol (TCP, UDP, SCTP — the protocols NetworkPolicy ports name) a set of
 * port intervals within 1–65535 (`MinPort`..`MaxPort`). A set whose three protocols all cover
 * every port is every connection (`updateIfAllConnections`). Values are immutable.
 */

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];
const MIN_PORT = 1;
const MAX_PORT = 65535;

/** sorted, disjoint, non-adjacent closed intervals */
type PortIntervals = readonly (readonly [number, number])[];

export interface ConnectionSet {
  readonly all: boolean;
  /** per protocol, its allowed ports (absent or empty: none); unused when `all` */
  readonly ports: Readonly<Partial<Record<Protocol, PortIntervals>>>;
}

export const ALL_CONNECTIONS: ConnectionSet = { all: true, ports: {} };
export const NO_CONNECTIONS: ConnectionSet = { all: false, ports: {} };

const FULL: PortIntervals = [[MIN_PORT, MAX_PORT]];

/** Ports `start`..`end` of `protocol`; an empty or out-of-range interval (`isEmptyPortRange`) is no connection. */
export function portRange(protocol: Protocol, start: number, end: number): ConnectionSet {
  if (start < MIN_PORT || end < MIN_PORT || end < start || start > MAX_PORT || end > MAX_PORT) return NO_CONNECTIONS;
  return { all: false, ports: { [protocol]: [[start, end]] } };
}

/** every port of `protocol` */
export function allPortsOf(protocol: Protocol): ConnectionSet {
  return { all: false, ports: { [protocol]: FULL } };
}

function intervalsOf(c: ConnectionSet, p: Protocol): PortIntervals {
  return c.all ? FULL : (c.ports[p] ?? []);
}

function normalise(list: (readonly [number, number])[]): PortIntervals {
  list.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of list) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function unionIntervals(a: PortIntervals, b: PortIntervals): PortIntervals {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normalise([...a, ...b]);
}

function intersectIntervals(a: PortIntervals, b: PortIntervals): PortIntervals {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [as, ae] = a[i]!;
    const [bs, be] = b[j]!;
    const s = Math.max(as, bs);
    const e = Math.min(ae, be);
    if (s <= e) out.push([s, e]);
    if (ae < be) i++;
    else j++;
  }
  return out;
}

function isFull(list: PortIntervals | undefined): boolean {
  return list !== undefined && list.length === 1 && list[0]![0] === MIN_PORT && list[0]![1] === MAX_PORT;
}

function build(per: Partial<Record<Protocol, PortIntervals>>): ConnectionSet {
  if (PROTOCOLS.every((p) => isFull(per[p]))) return ALL_CONNECTIONS;
  const ports: Partial<Record<Protocol, PortIntervals>> = {};
  for (const p of PROTOCOLS) {
    const list = per[p];
    if (list && list.length > 0) ports[p] = list;
  }
  return { all: false, ports };
}

/** `ConnectionSet.Union` */
export function union(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  if (a.all || b.all) return ALL_CONNECTIONS;
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  const per: Partial<Record<Protocol, PortIntervals>> = {};
  for (const p of PROTOCOLS) per[p] = unionIntervals(intervalsOf(a, p), intervalsOf(b, p));
  return build(per);
}

/** `ConnectionSet.Intersection` */
export function intersect(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  if (a.all) return b;
  if (b.all) return a;
  const per: Partial<Record<Protocol, PortIntervals>> = {};
  for (const p of PROTOCOLS) per[p] = intersectIntervals(intervalsOf(a, p), intervalsOf(b, p));
  return build(per);
}

/** `ConnectionSet.IsEmpty` */
export function isEmpty(c: ConnectionSet): boolean {
  return !c.all && PROTOCOLS.every((p) => (c.ports[p]?.length ?? 0) === 0);
}

/** whether `protocol`/`port` is in the set (`ConnectionSet.Contains`) */
export function contains(c: ConnectionSet, protocol: Protocol, port: number): boolean {
  return intervalsOf(c, protocol).some(([s, e]) => port >= s && port <= e);
}

/** A port interval as np-guard prints it (`interval.ShortString`): "8080" or "8080-8081". */
function intervalText([s, e]: readonly [number, number]): string {
  return s === e ? `${s}` : `${s}-${e}`;
}

/**
 * The connection set as netpol-analyzer prints it (`ConnStrFromConnProperties`): "All
 * Connections", "No Connections", or "PROTOCOL ports" per protocol, sorted, comma-separated:
 * "SCTP 7070,TCP 8080-8081,UDP 9090".
 */
export function connectionText(c: ConnectionSet): string {
  // connlist expands one class pair's set to many lines: the text is made once per set
  let text = texts.get(c);
  if (text === undefined) texts.set(c, (text = textOf(c)));
  return text;
}

const texts = new WeakMap<ConnectionSet, string>();

function textOf(c: ConnectionSet): string {
  if (c.all) return "All Connections";
  if (isEmpty(c)) return "No Connections";
  const parts: string[] = [];
  for (const p of PROTOCOLS) {
    const list = c.ports[p];
    if (list && list.length > 0) parts.push(`${p} ${list.map(intervalText).join(",")}`);
  }
  return parts.sort().join(",");
}

/** per protocol, its port intervals as "8080" / "8080-8081" strings (JSON): {} with `all` */
export function connectionPorts(c: ConnectionSet): Partial<Record<Protocol, string[]>> {
  // made once per set, as connectionText (the JSON of many lines shares it)
  let ports = portTexts.get(c);
  if (ports === undefined) portTexts.set(c, (ports = portsOf(c)));
  return ports;
}

const portTexts = new WeakMap<ConnectionSet, Partial<Record<Protocol, string[]>>>();

function portsOf(c: ConnectionSet): Partial<Record<Protocol, string[]>> {
  const out: Partial<Record<Protocol, string[]>> = {};
  if (c.all) return out;
  for (const p of PROTOCOLS) {
    const list = c.ports[p];
    if (list && list.length > 0) out[p] = list.map(intervalText);
  }
  return out;
}
