import type { LayerSummary, SnapshotSummary } from "../analysis/snapshot-summary.js";
import type { SnapshotShowJson } from "../questions/snapshot-show.js";
import { fitTable, PLAIN_TEXT, wrapLong, type TextStyle } from "./terminal.js";
import { markdownTable, plural, table } from "./table.js";

/** `snapshot show -o json`: the question's typed result (src/questions/snapshot-show.ts `SnapshotShowJson`), two-space indented, with a trailing newline. */
export function formatSnapshotJson(result: SnapshotShowJson): string {
  return JSON.stringify(result, null, 2) + "\n";
}

const LABELS: Readonly<Record<string, string>> = {
  namespaces: "namespaces",
  nodes: "nodes",
  workloads: "workloads",
  pods: "pods",
  services: "services",
  endpointSlices: "endpoint slices",
  ingresses: "ingresses",
  ingressClasses: "ingress classes",
  networkPolicies: "network policies",
  priorityClasses: "priority classes",
  ipPools: "IP pools",
  felixConfigurations: "Felix configurations",
  vpcs: "VPCs",
  subnets: "subnets",
  routeTables: "route tables",
  internetGateways: "internet gateways",
  natGateways: "NAT gateways",
  networkAcls: "network ACLs",
  securityGroups: "security groups",
  prefixLists: "managed prefix lists",
  instances: "instances",
  networkInterfaces: "network interfaces",
  loadBalancers: "load balancers",
  listeners: "listeners",
  listenerRules: "listener rules",
  targetGroups: "target groups",
  targetHealth: "target health entries",
  targetGroupAttributes: "target group attributes",
};

function counts(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .map(([k, n]) => `${LABELS[k] ?? k} ${n}`)
    .join(" · ");
}

function objects(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .map(([kind, n]) => (n === 1 ? kind : `${kind} ×${n}`))
    .join(", ");
}

function origins(s: SnapshotSummary): string {
  return Object.entries(s.networkInterfaceOrigins)
    .map(([origin, n]) => `${origin} ${n}`)
    .join(" · ");
}

/** a present layer: its files (and what is partial); an absent one: what is lost and the command that adds it */
function layerText(l: LayerSummary): string {
  if (!l.present) return l.note ? `absent, ${l.note}` : `absent: ${l.lostWithout}; add \`${l.command}\``;
  return l.files.join(", ") + (l.note ? ` (${l.note})` : "");
}

function cpu(milli: number | undefined): string {
  if (milli === undefined) return "-";
  return milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`;
}

function memory(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  const gi = bytes / 2 ** 30;
  return gi >= 1 ? `${gi.toFixed(1)}Gi` : `${Math.round(bytes / 2 ** 20)}Mi`;
}

/** Text: what a person reads first — files, counts, nodes, workloads, joins, warnings. */
export function formatSnapshotText(s: SnapshotSummary, style: TextStyle = PLAIN_TEXT): string {
  // tables narrowed to the width (cells wrapped inside their column) where their words allow,
  // else as wide as they are (a list of 1,000 nodes stays 1,000 lines); other long lines wrapped
  const tables = new Set<string>();
  const fit = (rows: readonly (readonly string[])[]): string => {
    const laid = fitTable(rows, style.width, table, "  ", false);
    tables.add(laid);
    return laid;
  };
  const out: string[] = [];
  out.push(`Snapshot: ${s.roots.join(", ")}`);
  if (s.whatIf.length > 0) out.push(`What-if (--with): ${s.whatIf.join(", ")}`);
  out.push("");
  out.push(`Files (${s.files.length}):`);
  out.push(
    fit(
      s.files.map((f) => [
        f.path,
        f.content,
        objects(f.objects) || "-",
        [f.namespace ? `namespace ${f.namespace}` : "", f.whatIf ? "(--with)" : ""].join(" ").trim(),
      ]),
    ),
  );
  if (s.errors.length > 0) {
    out.push("");
    out.push(`Errors (${s.errors.length}): files that could not be loaded; everything below leaves them out`);
    for (const e of s.errors) out.push(`  ${e.source}: ${e.message} [${e.code}]`);
  }
  out.push("");
  out.push("Kubernetes:");
  out.push(`  ${counts(s.kubernetes)}`);
  if (s.implicitNamespaces.length > 0)
    out.push(`  namespaces assumed (referenced, not in the snapshot): ${s.implicitNamespaces.join(", ")}`);
  if (Object.keys(s.unmodelledKinds).length > 0) out.push(`  kept but not modelled: ${objects(s.unmodelledKinds)}`);
  out.push("");
  out.push("AWS:");
  out.push(`  ${counts(s.aws)}`);
  if (Object.keys(s.networkInterfaceOrigins).length > 0) out.push(`  network interfaces by source: ${origins(s)}`);
  if (s.layers.some((l) => l.present)) {
    out.push("");
    out.push("AWS layers:");
    out.push(
      fit([
        ["LAYER", "OBJECTS", "FROM / WITHOUT IT"],
        ...s.layers.map((l) => [l.layer, l.present ? String(l.objects) : "-", layerText(l)]),
      ]),
    );
  }
  if (s.nodes.length > 0) {
    out.push("");
    out.push(`Nodes (${s.nodes.length}):`);
    out.push(
      fit([
        ["NODE", "INTERNAL IP", "ROLES", "CPU", "MEMORY", "PODS", "TAINTS", "EC2 INSTANCE", "SOURCE"],
        ...s.nodes.map((n) => [
          n.name,
          n.internalIP ?? "-",
          n.roles.join(",") || "-",
          cpu(n.allocatable["cpu"]),
          memory(n.allocatable["memory"]),
          n.allocatable["pods"] !== undefined ? String(n.allocatable["pods"]) : "-",
          [...n.taints, ...(n.unschedulable ? ["(cordoned)"] : [])].join(", ") || "-",
          n.instance ?? "-",
          n.source,
        ]),
      ]),
    );
  }
  if (s.workloads.length > 0) {
    out.push("");
    out.push(`Workloads (${s.workloads.length}):`);
    out.push(
      fit([
        ["KIND", "NAMESPACE/NAME", "REPLICAS", "OBSERVED PODS", "SOURCE"],
        ...s.workloads.map((w) => [
          w.kind,
          `${w.namespace}/${w.name}`,
          w.knownFromPods ? "unknown" : w.replicas === null ? "per node" : String(w.replicas),
          String(w.observedPods),
          w.generatedFrom ? `${w.source} (from ${w.generatedFrom})` : w.source,
        ]),
      ]),
    );
  }
  out.push("");
  out.push(
    `Joins: ${
      Object.entries(s.joinCounts)
        .map(([k, n]) => `${k} ${n}`)
        .join(" · ") || "none"
    }`,
  );
  const nodeJoins = s.joins.filter((j) => j.kind === "node-instance");
  if (nodeJoins.length > 0) out.push(fit(nodeJoins.map((j) => [j.from, "→", j.to, `by ${j.by}`])));
  if (s.unresolvedOwners.length > 0) {
    out.push(
      `Owner references not in the snapshot (${s.unresolvedOwners.length}; placed as workloads known only through their pods):`,
    );
    for (const o of s.unresolvedOwners)
      out.push(`  ${o.owner}: ${plural(o.pods, "pod")}${o.inferredVia ? ` (${o.inferredVia})` : ""}`);
  }
  const warnings = s.diagnostics.filter((d) => d.severity === "warning");
  const notes = s.diagnostics.filter((d) => d.severity !== "warning");
  out.push("");
  out.push(warnings.length === 0 ? "Warnings: none" : `Warnings (${warnings.length}):`);
  for (const d of warnings) out.push(`  ${d.source ? d.source + ": " : ""}${d.message} [${d.code}]`);
  if (notes.length > 0) {
    out.push(`Notes (${plural(notes.length, "note")}):`);
    for (const d of notes) out.push(`  ${d.source ? d.source + ": " : ""}${d.message} [${d.code}]`);
  }
  return out.map((o) => (tables.has(o) ? o : wrapLong(o, style.width))).join("\n") + "\n";
}

/** Markdown: the same content for a design review. */
export function formatSnapshotMarkdown(s: SnapshotSummary): string {
  const out: string[] = [];
  out.push(`# Snapshot: ${s.roots.join(", ")}`, "");
  if (s.whatIf.length > 0) out.push(`What-if (--with): ${s.whatIf.join(", ")}`, "");
  out.push(
    "## Files",
    "",
    markdownTable(
      ["file", "content", "objects"],
      s.files.map((f) => [f.path, f.content, objects(f.objects) || "-"]),
    ),
    "",
  );
  if (s.errors.length > 0) {
    out.push("## Errors", "", "Files that could not be loaded; everything below leaves them out.", "");
    out.push(...s.errors.map((e) => `- \`${e.source}\` ${e.message} (${e.code})`), "");
  }
  out.push("## Counts", "", `- Kubernetes: ${counts(s.kubernetes)}`, `- AWS: ${counts(s.aws)}`);
  if (Object.keys(s.networkInterfaceOrigins).length > 0) out.push(`- network interfaces by source: ${origins(s)}`);
  out.push("");
  if (s.layers.some((l) => l.present)) {
    out.push(
      "## AWS layers",
      "",
      markdownTable(
        ["layer", "objects", "from", "without it"],
        s.layers.map((l) => [
          l.layer,
          l.present ? String(l.objects) : "-",
          l.present ? l.files.join(", ") + (l.note ? ` (${l.note})` : "") : "absent",
          l.present ? "" : (l.note ?? `${l.lostWithout}; add \`${l.command}\``),
        ]),
      ),
      "",
    );
  }
  if (s.nodes.length > 0) {
    out.push(
      "## Nodes",
      "",
      markdownTable(
        ["node", "internal IP", "taints", "EC2 instance", "source"],
        s.nodes.map((n) => [n.name, n.internalIP ?? "-", n.taints.join(", ") || "-", n.instance ?? "-", n.source]),
      ),
      "",
    );
  }
  if (s.workloads.length > 0) {
    out.push(
      "## Workloads",
      "",
      markdownTable(
        ["kind", "namespace/name", "replicas", "source"],
        s.workloads.map((w) => [
          w.kind,
          `${w.namespace}/${w.name}`,
          w.knownFromPods
            ? `${w.observedPods} pods seen (known only through its pods)`
            : w.replicas === null
              ? "per node"
              : String(w.replicas),
          w.source,
        ]),
      ),
      "",
    );
  }
  out.push("## Warnings", "");
  const warnings = s.diagnostics.filter((d) => d.severity === "warning");
  out.push(
    ...(warnings.length === 0 ? ["None."] : warnings.map((d) => `- \`${d.source ?? ""}\` ${d.message} (${d.code})`)),
    "",
  );
  const absent = s.diagnostics.find((d) => d.code === "absent-layer");
  if (absent) out.push(`Note: ${absent.message}`, "");
  return out.join("\n");
}
