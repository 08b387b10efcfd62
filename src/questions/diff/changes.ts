/**
 * `podpath diff`: the same questions answered on two snapshots, compared by stable keys.
 *
 * After Batfish's differential questions (projects/batfish-common-protocol/.../Answerer.java
 * `answerDiff`: run one answerer on the base and the delta snapshot and compare the rows by key):
 * connlist's connections by (src, dst), exposure's internet entries by (workload, frontend,
 * protocol, port), intended's dependencies by (workload, container, where, reference, service port).
 */
import { formatIPv4, parseIPv4 } from "../../model/net.js";
import type { ConnectionJson, ConnlistJson } from "../connlist.js";
import type { ExposureJson, InternetExposureJson } from "../exposure.js";
import type { IntendedDependencyJson, IntendedJson } from "../intended.js";
import type { PlacementJson } from "../place.js";

type ChangeKind = "added" | "removed" | "changed";

export interface ConnectionChange {
  readonly change: ChangeKind;
  readonly src: string;
  readonly dst: string;
  /** connlist's CONNECTIONS before and after ("All Connections", "TCP 8080,UDP 53"); null where absent */
  readonly before: string | null;
  readonly after: string | null;
}

export interface ExposureChange {
  readonly change: ChangeKind;
  /** the workload (connlist's peer string) or null for a frontend with no workload behind it */
  readonly workload: string | null;
  readonly frontend: string;
  /** the backend Service, `NS/NAME` */
  readonly service: string;
  readonly protocol: string;
  readonly port: number;
  readonly before: string | null;
  readonly after: string | null;
  /** the after entry's reason (blockedBy or unknown message), or the before one's where it is gone */
  readonly reason: string | null;
  readonly source: string | null;
}

export interface IntendedChange {
  readonly change: ChangeKind;
  readonly workload: string;
  readonly container: string;
  readonly reference: string;
  readonly service: string;
  readonly servicePort: number | null;
  readonly before: string | null;
  readonly after: string | null;
  /** the after dependency's reason (the isolating side and policy), or the before one's where it is gone */
  readonly reason: string;
  /** the policies (file:line) that decide the after verdict */
  readonly policies: readonly string[];
}

export interface PlacementChange {
  readonly change: ChangeKind;
  /** KIND NS/NAME as place prints it */
  readonly workload: string;
  readonly node: string;
  readonly before: "feasible" | "infeasible" | null;
  readonly after: "feasible" | "infeasible" | null;
  /** the infeasible side's first filter reason (plugin: message), the after side's first */
  readonly reason: string | null;
  readonly source: string | null;
}

export interface PredictionChange {
  readonly workload: string;
  readonly pod: string;
  /** the node the scheduler would pick (place's predictedNode); null: unschedulable or absent */
  readonly before: string | null;
  readonly after: string | null;
  /** the after side's unschedulable message, where it has one */
  readonly reason: string | null;
}

export interface DiffReport {
  readonly connections: readonly ConnectionChange[];
  readonly exposure: readonly ExposureChange[];
  /** the same, for the paths from a host of the VPC (exposure's `vpc` entries) */
  readonly vpcExposure: readonly ExposureChange[];
  readonly intended: readonly IntendedChange[];
  readonly placement: readonly PlacementChange[];
  readonly predictions: readonly PredictionChange[];
}

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return map;
}

const byText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** The keys of both maps, sorted (code-unit order: deterministic). */
function keysOf<T>(a: Map<string, T>, b: Map<string, T>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort(byText);
}

function compare<T, C>(
  before: readonly T[],
  after: readonly T[],
  key: (t: T) => string,
  value: (t: T) => string,
  make: (change: ChangeKind, b: T | undefined, a: T | undefined) => C,
): C[] {
  const b = byKey(before, key);
  const a = byKey(after, key);
  const out: C[] = [];
  for (const k of keysOf(b, a)) {
    const x = b.get(k);
    const y = a.get(k);
    if (x && y) {
      if (value(x) !== value(y)) out.push(make("changed", x, y));
    } else out.push(make(x ? "removed" : "added", x, y));
  }
  return out;
}

/** `A.B.C.D-E.F.G.H` of an `[External]` peer (connlist's `rangeText`) as numbers, or undefined (not IPv4) */
function ipv4Range(peer: string): [number, number] | undefined {
  const m = /^([\d.]+)-([\d.]+)\[External\]$/.exec(peer);
  const lo = m ? parseIPv4(m[1]!) : undefined;
  const hi = m ? parseIPv4(m[2]!) : undefined;
  return lo !== undefined && hi !== undefined ? [lo, hi] : undefined;
}

interface Ranged {
  /** the workload side's peer string and which side the external range is on */
  readonly group: string;
  readonly external: "src" | "dst";
  readonly other: string;
  readonly lo: number;
  readonly hi: number;
  readonly conn: string;
}

function ranged(c: ConnectionJson): Ranged | undefined {
  const d = ipv4Range(c.dst);
  if (d) return { group: `dst\u0000${c.src}`, external: "dst", other: c.src, lo: d[0], hi: d[1], conn: c.conn };
  const s = ipv4Range(c.src);
  if (s) return { group: `src\u0000${c.dst}`, external: "src", other: c.dst, lo: s[0], hi: s[1], conn: c.conn };
  return undefined;
}

/**
 * Connections to or from external ranges, compared address by address: netpol-analyzer splits
 * 0.0.0.0-255.255.255.255 where ipBlocks differ, so a policy with a new ipBlock splits the
 * ranges of every workload. Here both sides' ranges are cut at each other's bounds, compared
 * piece by piece, and adjacent pieces with the same before and after are joined again: only
 * the addresses whose connections changed are listed.
 */
function diffExternal(before: readonly Ranged[], after: readonly Ranged[]): ConnectionChange[] {
  const groups = new Map<string, { b: Ranged[]; a: Ranged[]; first: Ranged }>();
  for (const [list, side] of [
    [before, "b"],
    [after, "a"],
  ] as const)
    for (const r of list) {
      let g = groups.get(r.group);
      if (!g) groups.set(r.group, (g = { b: [], a: [], first: r }));
      g[side].push(r);
    }
  const out: ConnectionChange[] = [];
  for (const g of groups.values()) {
    const cuts = [...new Set([...g.b, ...g.a].flatMap((r) => [r.lo, r.hi + 1]))].sort((x, y) => x - y);
    const connAt = (list: readonly Ranged[], ip: number): string | null =>
      list.find((r) => r.lo <= ip && ip <= r.hi)?.conn ?? null;
    let open: { lo: number; hi: number; before: string | null; after: string | null } | undefined;
    const flush = (): void => {
      if (!open || open.before === open.after) return;
      const peer = `${formatIPv4(open.lo)}-${formatIPv4(open.hi)}[External]`;
      const change: ChangeKind = open.before === null ? "added" : open.after === null ? "removed" : "changed";
      const [src, dst] = g.first.external === "dst" ? [g.first.other, peer] : [peer, g.first.other];
      out.push({ change, src, dst, before: open.before, after: open.after });
    };
    for (let i = 0; i + 1 < cuts.length; i++) {
      const lo = cuts[i]!;
      const hi = cuts[i + 1]! - 1;
      const b = connAt(g.b, lo);
      const a = connAt(g.a, lo);
      if (open && open.hi + 1 === lo && open.before === b && open.after === a) open.hi = hi;
      else {
        flush();
        open = { lo, hi, before: b, after: a };
      }
    }
    flush();
  }
  return out;
}

export function diffConnections(before: ConnlistJson, after: ConnlistJson): ConnectionChange[] {
  const plain = (c: ConnectionJson): boolean => ranged(c) === undefined;
  const changes = [
    ...compare<ConnectionJson, ConnectionChange>(
      before.connections.filter(plain),
      after.connections.filter(plain),
      (c) => `${c.src}\u0000${c.dst}`,
      (c) => c.conn,
      (change, b, a) => {
        const any = (a ?? b)!;
        return { change, src: any.src, dst: any.dst, before: b?.conn ?? null, after: a?.conn ?? null };
      },
    ),
    ...diffExternal(
      before.connections.flatMap((c) => ranged(c) ?? []),
      after.connections.flatMap((c) => ranged(c) ?? []),
    ),
  ];
  return changes.sort((x, y) => byText(x.src, y.src) || byText(x.dst, y.dst));
}

interface ExposureRow {
  readonly workload: string | null;
  readonly entry: InternetExposureJson;
}

function exposureRows(json: ExposureJson, origin: "internet" | "vpc"): ExposureRow[] {
  return [
    ...json.workloads.flatMap((w) =>
      (origin === "internet" ? w.internet : (w.vpc ?? [])).map((entry) => ({ workload: w.id, entry })),
    ),
    ...json.unattached
      .filter((entry) => (entry.origin ?? "internet") === origin)
      .map((entry) => ({ workload: null, entry })),
  ];
}

/** Exposure entries by (workload, frontend, protocol, port): from the internet, or from the VPC host. */
export function diffExposure(
  before: ExposureJson,
  after: ExposureJson,
  origin: "internet" | "vpc" = "internet",
): ExposureChange[] {
  return compare<ExposureRow, ExposureChange>(
    exposureRows(before, origin),
    exposureRows(after, origin),
    (r) => `${r.workload ?? ""}\u0000${r.entry.frontend}\u0000${r.entry.protocol}\u0000${r.entry.port}`,
    (r) => r.entry.verdict,
    (change, b, a) => {
      const any = (a ?? b)!;
      const why = any.entry.blockedBy ?? any.entry.unknown;
      return {
        change,
        workload: any.workload,
        frontend: any.entry.frontend,
        service: any.entry.service,
        protocol: any.entry.protocol,
        port: any.entry.port,
        before: b?.entry.verdict ?? null,
        after: a?.entry.verdict ?? null,
        reason: why ? why.message : null,
        source: why?.source ?? any.entry.source,
      };
    },
  );
}

export function diffIntended(before: IntendedJson, after: IntendedJson): IntendedChange[] {
  return compare<IntendedDependencyJson, IntendedChange>(
    before.dependencies,
    after.dependencies,
    (d) => [d.workload, d.container, d.where, d.reference, d.service, String(d.servicePort)].join("\u0000"),
    (d) => d.verdict,
    (change, b, a) => {
      const any = (a ?? b)!;
      return {
        change,
        workload: any.workload,
        container: any.container,
        reference: any.reference,
        service: any.service,
        servicePort: any.servicePort,
        before: b?.verdict ?? null,
        after: a?.verdict ?? null,
        reason: any.reason,
        policies: any.policies.map((p) => `${p.policy} (${p.source})`),
      };
    },
  );
}

interface NodeRow {
  readonly workload: string;
  readonly node: string;
  readonly feasible: boolean;
  readonly reason: string | null;
  readonly source: string | null;
}

/** place lists a workload's feasible nodes by name (feasibleNodes) and each other node with its reasons (nodes) */
function nodeRows(json: PlacementJson): NodeRow[] {
  return json.workloads.flatMap((w) => {
    const workload = `${w.kind} ${w.namespace}/${w.name}`;
    const rows = new Map<string, NodeRow>();
    for (const n of w.nodes) {
      const r = n.reasons[0];
      rows.set(n.node, {
        workload,
        node: n.node,
        feasible: n.feasible,
        reason: r ? `${r.plugin}: ${r.message}` : null,
        source: r?.source ?? null,
      });
    }
    for (const node of w.feasibleNodes)
      if (!rows.has(node)) rows.set(node, { workload, node, feasible: true, reason: null, source: null });
    return [...rows.values()];
  });
}

const feasibility = (r: NodeRow | undefined): "feasible" | "infeasible" | null =>
  r ? (r.feasible ? "feasible" : "infeasible") : null;

/** Placement by (workload, node): feasible before and infeasible after (or back), with the filter's reason. */
export function diffPlacement(before: PlacementJson, after: PlacementJson): PlacementChange[] {
  return compare<NodeRow, PlacementChange>(
    nodeRows(before),
    nodeRows(after),
    (r) => `${r.workload}\u0000${r.node}`,
    (r) => String(r.feasible),
    (change, b, a) => {
      const why = [a, b].find((r) => r && !r.feasible);
      return {
        change,
        workload: (a ?? b)!.workload,
        node: (a ?? b)!.node,
        before: feasibility(b),
        after: feasibility(a),
        reason: why?.reason ?? null,
        source: why?.source ?? null,
      };
    },
  );
}

interface PodRow {
  readonly workload: string;
  readonly pod: string;
  readonly predicted: string | null;
  readonly unschedulable: string | null;
}

function podRows(json: PlacementJson): PodRow[] {
  return json.workloads.flatMap((w) =>
    w.pods.map((p) => ({
      workload: `${w.kind} ${w.namespace}/${w.name}`,
      pod: p.name,
      predicted: p.predictedNode,
      unschedulable: p.unschedulable,
    })),
  );
}

/** A pod whose predicted node moved (kube-scheduler's pick, place's predictedNode), by (workload, pod). */
export function diffPredictions(before: PlacementJson, after: PlacementJson): PredictionChange[] {
  return compare<PodRow, PredictionChange | undefined>(
    podRows(before),
    podRows(after),
    (r) => `${r.workload}\u0000${r.pod}`,
    (r) => r.predicted ?? "",
    (change, b, a) =>
      change === "changed"
        ? {
            workload: a!.workload,
            pod: a!.pod,
            before: b!.predicted,
            after: a!.predicted,
            reason: a!.unschedulable,
          }
        : undefined,
  ).filter((c): c is PredictionChange => c !== undefined);
}
