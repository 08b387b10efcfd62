/**
 * The cluster map as one inline SVG, laid out here at build time (no layout in the browser): the
 * internet and each VPC's internet gateways on top, the load balancers below them (a line to each
 * subnet they sit in), then each VPC as a box of availability-zone columns holding its subnets
 * (CIDR, public or private, route table and routes, NAT gateways) and, inside each subnet, its
 * nodes (taints, labels, pods). Nodes the AWS snapshot does not place in a subnet are grouped by
 * zone below. Text is monospace so that widths are known; a line too long is cut with `…` and
 * the whole text is in the element's `<title>` (the tooltip).
 */
import type { ClusterMap, MapNode, MapSubnet, MapVpc } from "../../questions/report-page.js";
import { attr, esc } from "./escape.js";

const FONT = 11;
/** the advance of one monospace character at FONT px (DejaVu Sans Mono, Liberation Mono: 0.6 em) */
const CHAR = FONT * 0.6;
const LINE = 15;
const PAD = 8;
const GAP = 12;
const NODE_W = 300;
const LB_W = 260;
const MIN_SUBNET_W = 300;
/** pods listed on a node's box (the rest are counted); the tooltip lists up to TITLE_PODS */
const BOX_PODS = 12;
const TITLE_PODS = 100;
/** Above this many nodes a node's box counts its pods without naming them, and its tooltip names up to COMPACT_TITLE_PODS. */
export const DETAIL_NODES = 40;
const COMPACT_TITLE_PODS = 10;
const BOX_ROUTES = 6;
const BOX_TAINTS = 4;

/** The labels a node's box shows (the tooltip has every label): role, node group, instance type. */
const SHOWN_LABEL =
  /^(node-role\.kubernetes\.io\/|eks\.amazonaws\.com\/nodegroup=|karpenter\.sh\/nodepool=|node\.kubernetes\.io\/instance-type=)/;

function fit(text: string, width: number): string {
  const max = Math.max(4, Math.floor((width - 2 * PAD) / CHAR));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Line {
  readonly text: string;
  readonly cls?: string;
}

interface Box {
  readonly w: number;
  readonly h: number;
  /** the box's markup at (0, 0) */
  readonly body: (x: number, y: number) => string;
}

function textLines(lines: readonly Line[], x: number, y: number, width: number): string {
  return lines
    .map(
      (l, i) =>
        `<text x="${x + PAD}" y="${y + PAD + FONT + i * LINE}"${attr("class", l.cls)}>${esc(fit(l.text, width))}</text>`,
    )
    .join("");
}

function podMark(state: MapNode["pods"][number]["state"]): string {
  return state === "observed" ? "●" : state === "predicted" ? "○" : "◆";
}

function nodeBox(n: MapNode, compact: boolean): Box {
  const boxPods = compact ? 0 : BOX_PODS;
  const titlePods = compact ? COMPACT_TITLE_PODS : TITLE_PODS;
  const lines: Line[] = [{ text: n.name, cls: "t-name" }];
  const addr = [n.internalIP, n.externalIP ? `public ${n.externalIP}` : null, n.instanceId].filter(Boolean).join(" · ");
  if (addr) lines.push({ text: addr, cls: "t-dim" });
  const state = [n.ready === "True" ? null : n.ready ? `Ready=${n.ready}` : null, n.unschedulable ? "cordoned" : null]
    .filter(Boolean)
    .join(", ");
  if (state) lines.push({ text: state, cls: "t-warn" });
  for (const t of n.taints.slice(0, BOX_TAINTS)) lines.push({ text: `taint ${t.text}`, cls: "t-taint" });
  if (n.taints.length > BOX_TAINTS) lines.push({ text: `+${n.taints.length - BOX_TAINTS} taints`, cls: "t-taint" });
  const shown = n.labels.filter((l) => SHOWN_LABEL.test(l));
  for (const l of shown) lines.push({ text: l, cls: "t-label" });
  if (n.labels.length > shown.length)
    lines.push({ text: `+${n.labels.length - shown.length} labels (hover)`, cls: "t-dim" });
  const counts = (s: MapNode["pods"][number]["state"]) => n.pods.filter((p) => p.state === s).length;
  lines.push({
    text: `${n.pods.length} pods (● ${counts("observed")} running, ○ ${counts("predicted")} predicted, ◆ ${counts("static")} static)`,
    cls: "t-dim",
  });
  for (const p of n.pods.slice(0, boxPods)) lines.push({ text: `${podMark(p.state)} ${p.namespace}/${p.name}` });
  if (boxPods > 0 && n.pods.length > boxPods)
    lines.push({ text: `+${n.pods.length - boxPods} more pods`, cls: "t-dim" });

  const title = [
    `node ${n.name} (${n.source})`,
    ...n.taints.map((t) => `taint ${t.text} (${t.source})`),
    ...n.labels.map((l) => `label ${l}`),
    ...n.pods.slice(0, titlePods).map((p) => `pod ${p.namespace}/${p.name} (${p.state})`),
    ...(n.pods.length > titlePods ? [`+${n.pods.length - titlePods} more pods`] : []),
  ].join("\n");
  const h = 2 * PAD + lines.length * LINE;
  const cls = n.taints.some((t) => !t.text.endsWith(":PreferNoSchedule")) ? "node tainted" : "node";
  return {
    w: NODE_W,
    h,
    body: (x, y) =>
      `<g class="${cls}" data-testid="node"${attr("data-node", n.name)} tabindex="0" role="img"${attr("aria-label", `node ${n.name}: ${n.pods.length} pods, ${n.taints.length} taints`)}>` +
      `<title>${esc(title)}</title>` +
      `<rect x="${x}" y="${y}" width="${NODE_W}" height="${h}" rx="4"/>` +
      textLines(lines, x, y, NODE_W) +
      `</g>`,
  };
}

/** Boxes in a grid of `cols` columns; each row as tall as its tallest box. */
function grid(boxes: readonly Box[], cols: number): Box {
  if (boxes.length === 0) return { w: 0, h: 0, body: () => "" };
  const rows: Box[][] = [];
  for (let i = 0; i < boxes.length; i += cols) rows.push(boxes.slice(i, i + cols));
  const colW = Math.max(...boxes.map((b) => b.w));
  const rowH = rows.map((r) => Math.max(...r.map((b) => b.h)));
  const w = Math.min(cols, boxes.length) * (colW + GAP) - GAP;
  const h = rowH.reduce((a, b) => a + b + GAP, 0) - GAP;
  return {
    w,
    h,
    body: (x, y) => {
      let out = "";
      let top = y;
      rows.forEach((r, ri) => {
        r.forEach((b, ci) => (out += b.body(x + ci * (colW + GAP), top)));
        top += rowH[ri]! + GAP;
      });
      return out;
    },
  };
}

function columnsFor(n: number): number {
  return Math.max(1, Math.min(4, n <= 3 ? n : Math.ceil(Math.sqrt(n))));
}

/** A container: a heading block of lines, then `inner` below it; `at` is told where it was drawn (the edges end there). */
function container(
  cls: string,
  lines: readonly Line[],
  inner: Box,
  minW: number,
  title: string,
  extra: string,
  at?: (x: number, y: number, w: number) => void,
): Box {
  const headH = 2 * PAD + lines.length * LINE;
  const w = Math.max(minW, inner.w + 2 * PAD);
  const h = headH + (inner.h > 0 ? inner.h + PAD : 0);
  return {
    w,
    h,
    body: (x, y) => {
      at?.(x, y, w);
      return (
        `<g class="${cls}"${extra}><title>${esc(title)}</title>` +
        `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6"/>` +
        textLines(lines, x, y, w) +
        `</g>` +
        inner.body(x + PAD, y + headH)
      );
    },
  };
}

function subnetLines(s: MapSubnet): Line[] {
  const lines: Line[] = [
    { text: `${s.id}${s.name ? ` (${s.name})` : ""}`, cls: "t-name" },
    { text: `${s.cidr} · ${s.public ? "public" : "private"}`, cls: "t-dim" },
  ];
  const t = s.routeTable;
  if (t) {
    lines.push({ text: `route table ${t.id}${t.association === "main" ? " (main)" : ""}`, cls: "t-route" });
    for (const r of t.routes.slice(0, BOX_ROUTES))
      lines.push({ text: `  ${r.destination} → ${r.target}${r.blackhole ? " (blackhole)" : ""}`, cls: "t-route" });
    if (t.routes.length > BOX_ROUTES) lines.push({ text: `  +${t.routes.length - BOX_ROUTES} routes`, cls: "t-route" });
  } else lines.push({ text: "route table: not in the snapshot", cls: "t-dim" });
  for (const g of s.natGateways)
    lines.push({ text: `NAT gateway ${g.id}${g.publicIp ? ` ${g.publicIp}` : ""}`, cls: "t-gw" });
  return lines;
}

function subnetTitle(s: MapSubnet): string {
  const t = s.routeTable;
  return [
    `subnet ${s.id} ${s.cidr} (${s.source})`,
    ...(t
      ? [
          `route table ${t.id}${t.name ? ` (${t.name})` : ""}, ${t.association === "main" ? "the VPC's main table" : "explicitly associated"} (${t.source})`,
          ...t.routes.map(
            (r) => `  ${r.destination} → ${r.target} (${r.targetKind})${r.blackhole ? " blackhole" : ""}`,
          ),
        ]
      : []),
    ...s.natGateways.map(
      (g) => `NAT gateway ${g.id} public ${g.publicIp ?? "?"} private ${g.privateIp ?? "?"} (${g.source})`,
    ),
  ].join("\n");
}

/** Columns side by side, top-aligned. */
function row(boxes: readonly Box[]): Box {
  if (boxes.length === 0) return { w: 0, h: 0, body: () => "" };
  const w = boxes.reduce((a, b) => a + b.w + GAP, 0) - GAP;
  const h = Math.max(...boxes.map((b) => b.h));
  return {
    w,
    h,
    body: (x, y) => {
      let left = x;
      let out = "";
      for (const b of boxes) {
        out += b.body(left, y);
        left += b.w + GAP;
      }
      return out;
    },
  };
}

/** Boxes stacked, left-aligned. */
function stack(boxes: readonly Box[]): Box {
  if (boxes.length === 0) return { w: 0, h: 0, body: () => "" };
  const w = Math.max(...boxes.map((b) => b.w));
  const h = boxes.reduce((a, b) => a + b.h + GAP, 0) - GAP;
  return {
    w,
    h,
    body: (x, y) => {
      let top = y;
      let out = "";
      for (const b of boxes) {
        out += b.body(x, top);
        top += b.h + GAP;
      }
      return out;
    },
  };
}

function zoneColumns(byZone: ReadonlyMap<string, readonly Box[]>, zoneTitle: (zone: string) => string): Box {
  const zones = [...byZone.keys()].sort();
  return row(
    zones.map((z) =>
      container("zone", [{ text: zoneTitle(z), cls: "t-name" }], stack(byZone.get(z)!), 0, zoneTitle(z), ""),
    ),
  );
}

const NO_ZONE = "(no zone)";

/** The map's SVG, and the number of nodes drawn. */
export function clusterMapSvg(map: ClusterMap): string {
  const compact = map.nodes.length > DETAIL_NODES;
  const subnetAt = new Map<string, { x: number; y: number; w: number }>();
  const lbAt = new Map<string, { x: number; y: number; w: number; h: number }>();
  const nodesBySubnet = new Map<string, MapNode[]>();
  const knownSubnets = new Set(map.vpcs.flatMap((v) => v.subnets.map((s) => s.id)));
  const outside: MapNode[] = [];
  for (const n of map.nodes) {
    if (n.subnetId !== null && knownSubnets.has(n.subnetId)) {
      const list = nodesBySubnet.get(n.subnetId) ?? [];
      list.push(n);
      nodesBySubnet.set(n.subnetId, list);
    } else outside.push(n);
  }

  const vpcBox = (v: MapVpc): Box => {
    const byZone = new Map<string, Box[]>();
    for (const s of v.subnets) {
      const nodes = (nodesBySubnet.get(s.id) ?? []).map((n) => nodeBox(n, compact));
      const box = container(
        s.public ? "subnet public" : "subnet private",
        subnetLines(s),
        grid(nodes, columnsFor(nodes.length)),
        MIN_SUBNET_W,
        subnetTitle(s),
        attr("data-subnet", s.id),
        (x, y, w) => subnetAt.set(s.id, { x, y, w }),
      );
      const zone = s.zone ?? NO_ZONE;
      byZone.set(zone, [...(byZone.get(zone) ?? []), box]);
    }
    const head: Line[] = [
      { text: `VPC ${v.id}${v.name ? ` (${v.name})` : ""} ${v.cidrs.join(", ")}`, cls: "t-name" },
      ...v.internetGateways.map((g) => ({ text: `internet gateway ${g.id}`, cls: "t-gw" })),
    ];
    const title = [
      `VPC ${v.id} (${v.source})`,
      ...v.internetGateways.map((g) => `internet gateway ${g.id} (${g.source})`),
    ].join("\n");
    return container(
      "vpc",
      head,
      zoneColumns(byZone, (z) => `zone ${z}`),
      0,
      title,
      attr("data-vpc", v.id),
    );
  };

  const lbBoxes = map.loadBalancers.map((lb): Box => {
    const lines: Line[] = [
      { text: lb.name, cls: "t-name" },
      {
        text: `${lb.type} · ${lb.scheme}${lb.origin === "elbv2" ? "" : ` · derived from the ${lb.origin}`}`,
        cls: "t-dim",
      },
      ...(lb.dnsName ? [{ text: lb.dnsName, cls: "t-dim" }] : []),
      ...(lb.listeners.length > 0 ? [{ text: `listeners ${lb.listeners.join(", ")}` }] : []),
    ];
    const h = 2 * PAD + lines.length * LINE;
    const title = [
      `load balancer ${lb.name} (${lb.source})`,
      `${lb.type}, ${lb.scheme}`,
      ...(lb.dnsName ? [lb.dnsName] : []),
      ...lb.subnetIds.map((s) => `subnet ${s}`),
    ].join("\n");
    return {
      w: LB_W,
      h,
      body: (x, y) => {
        lbAt.set(lb.name + "\u0000" + lb.source, { x, y, w: LB_W, h });
        return (
          `<g class="lb ${lb.scheme === "internal" ? "internal" : "facing"}" data-testid="load-balancer"${attr("data-lb", lb.name)} tabindex="0"><title>${esc(title)}</title>` +
          `<rect x="${x}" y="${y}" width="${LB_W}" height="${h}" rx="4"/>` +
          textLines(lines, x, y, LB_W) +
          `</g>`
        );
      },
    };
  });

  const byZone = new Map<string, Box[]>();
  for (const n of outside) {
    const z = n.zone ?? NO_ZONE;
    byZone.set(z, [...(byZone.get(z) ?? []), nodeBox(n, compact)]);
  }
  // each zone of nodes outside a known subnet: a grid
  const outsideZones = new Map<string, Box[]>();
  for (const [z, boxes] of byZone) outsideZones.set(z, [grid(boxes, columnsFor(boxes.length))]);

  const internet = container(
    "internet",
    [{ text: "internet", cls: "t-name" }],
    { w: 0, h: 0, body: () => "" },
    120,
    "the internet",
    "",
  );
  const parts: Box[] = [];
  if (map.vpcs.length > 0 || map.loadBalancers.length > 0) parts.push(internet);
  if (lbBoxes.length > 0) parts.push(grid(lbBoxes, Math.min(4, lbBoxes.length)));
  parts.push(...map.vpcs.map(vpcBox));
  if (outside.length > 0)
    parts.push(
      container(
        "outside",
        [
          {
            text:
              map.vpcs.length > 0
                ? "nodes in no subnet of the AWS snapshot, by zone"
                : "nodes by zone (the snapshot has no AWS network)",
            cls: "t-name",
          },
        ],
        zoneColumns(outsideZones, (z) => `zone ${z}`),
        0,
        "nodes by zone",
        "",
      ),
    );
  const all = stack(parts);
  const body = all.body(GAP, GAP);
  // edges, drawn over the boxes (a VPC's box would hide them): each load balancer to its subnets
  const edges: string[] = [];
  for (const lb of map.loadBalancers) {
    const from = lbAt.get(lb.name + "\u0000" + lb.source);
    if (!from) continue;
    for (const s of lb.subnetIds) {
      const to = subnetAt.get(s);
      if (!to) continue;
      edges.push(`<line x1="${from.x + from.w / 2}" y1="${from.y + from.h}" x2="${to.x + to.w / 2}" y2="${to.y}"/>`);
    }
  }
  const w = all.w + 2 * GAP;
  const h = all.h + 2 * GAP;
  return (
    `<svg class="map" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="group" aria-label="cluster map">` +
    `${body}<g class="edges">${edges.join("")}</g></svg>`
  );
}
