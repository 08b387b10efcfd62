import type { Node, Service } from "../../model/kubernetes.js";
import { mapSelectorMatches } from "../../model/selectors.js";
import type { Snapshot } from "../../model/snapshot.js";
import { INTERNET_ADDRESS } from "./endpoints.js";
import { resolveServiceTarget } from "./kube-proxy.js";
import { loadErrorsAssumptions } from "./model-assumptions.js";
import { PathContext, pathPodOf, type PathOptions, type PathPod } from "./path-context.js";
import { snapshotIndex } from "./snapshot-index.js";
import { traceResolved, type Resolved, type TraceResult } from "./trace.js";
import type { Drop, Step, Unknown, Verdict } from "./trace-model.js";

/**
 * `podpath egress`: the seed's egress table, computed. For each node group (nodes of one role and
 * subnet behave alike) and each destination class — a pod on the same node, a pod on another node,
 * a ClusterIP, a VPC address, the internet — a pod of the group's first node sends one packet; the
 * table shows the SNAT steps in order, the source the destination sees, and the reply's verdict.
 */

export type DestinationClass = "same-node-pod" | "other-node-pod" | "cluster-ip" | "vpc" | "internet";

const DESTINATION_CLASSES: readonly DestinationClass[] = [
  "same-node-pod",
  "other-node-pod",
  "cluster-ip",
  "vpc",
  "internet",
];

const CLASS_WORDS: Readonly<Record<DestinationClass, string>> = {
  "same-node-pod": "a pod on the same node",
  "other-node-pod": "a pod on another node",
  "cluster-ip": "a ClusterIP service",
  vpc: "a VPC address (another node's kubelet)",
  internet: "the internet",
};

export interface NodeGroup {
  readonly name: string;
  readonly role: string;
  readonly subnetId: string | undefined;
  readonly nodes: readonly string[];
  /** the node whose pod is traced */
  readonly representative: string;
}

interface SnatStepSummary {
  readonly component: string;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly source: Step["source"];
}

export interface EgressRow {
  readonly group: string;
  readonly destinationClass: DestinationClass;
  readonly destinationWords: string;
  /** what was traced: `pod NS/NAME (IP)` → `DEST (IP:PORT)` */
  readonly from: string;
  readonly to: string;
  readonly verdict: Verdict | "skipped";
  readonly drop: Drop | null;
  readonly unknown: Unknown | null;
  readonly snat: readonly SnatStepSummary[];
  readonly finalSourceIp: string | null;
  readonly replyVerdict: Verdict | "not-sent";
  readonly replyDrop: Drop | null;
  /** why a class was skipped, or what was assumed */
  readonly note: string;
  /** the ClusterIP row traced the source pod's own service and kube-proxy picked the source itself (masqueraded) */
  readonly hairpin: boolean;
  readonly trace: TraceResult | undefined;
}

export interface EgressReport {
  readonly cni: string;
  readonly groups: readonly NodeGroup[];
  readonly rows: readonly EgressRow[];
  /** what every row rests on (files of the snapshot that could not be loaded); each row's trace lists it too */
  readonly assumptions: readonly string[];
}

const CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
const GROUP_LABELS = [
  "eks.amazonaws.com/nodegroup",
  "karpenter.sh/nodepool",
  "alpha.eksctl.io/nodegroup-name",
  "kops.k8s.io/instancegroup",
];

function roleOf(node: Node): string {
  for (const l of GROUP_LABELS) if (node.labels[l]) return node.labels[l];
  if (node.labels[CONTROL_PLANE] !== undefined || node.labels["node-role.kubernetes.io/master"] !== undefined)
    return "control-plane";
  return "worker";
}

const SORTED_NODES = new WeakMap<PathContext, readonly Node[]>();

/** The snapshot's nodes by name, sorted once per context (every group's rows walk them). */
function nodesByName(ctx: PathContext): readonly Node[] {
  let sorted = SORTED_NODES.get(ctx);
  if (!sorted)
    SORTED_NODES.set(ctx, (sorted = [...ctx.snapshot.kubernetes.nodes].sort((a, b) => a.name.localeCompare(b.name))));
  return sorted;
}

/** Nodes grouped by role (a node-group label, else control plane / worker) and subnet. */
function nodeGroups(ctx: PathContext): NodeGroup[] {
  const groups = new Map<string, { role: string; subnetId: string | undefined; nodes: string[] }>();
  for (const node of nodesByName(ctx)) {
    const role = roleOf(node);
    const subnetId = ctx.network(node).subnetId;
    const key = `${role}\u0000${subnetId ?? ""}`;
    const g = groups.get(key) ?? { role, subnetId, nodes: [] };
    g.nodes.push(node.name);
    groups.set(key, g);
  }
  const roleCounts = new Map<string, number>();
  for (const g of groups.values()) roleCounts.set(g.role, (roleCounts.get(g.role) ?? 0) + 1);
  return [...groups.values()]
    .map((g) => ({
      name: roleCounts.get(g.role)! > 1 && g.subnetId ? `${g.role} (${g.subnetId})` : g.role,
      role: g.role,
      subnetId: g.subnetId,
      nodes: g.nodes,
      representative: g.nodes[0]!,
    }))
    .sort(
      (a, b) =>
        (a.role === "control-plane" ? 0 : 1) - (b.role === "control-plane" ? 0 : 1) || a.name.localeCompare(b.name),
    );
}

function podsOnNode(ctx: PathContext, nodeName: string): PathPod[] {
  return (snapshotIndex(ctx.snapshot).podsByNode.get(nodeName) ?? [])
    .filter((p) => !p.spec.hostNetwork && p.podIP && p.phase !== "Succeeded" && p.phase !== "Failed")
    .map((p) => pathPodOf(p)!)
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** A pod on the node: the first observed one, else one podpath assumes at an address of the node's pod range. */
function sourcePod(ctx: PathContext, node: Node): { pod: PathPod; assumed: string | undefined } | undefined {
  const observed = podsOnNode(ctx, node.name)[0];
  if (observed) return { pod: observed, assumed: undefined };
  // the second pod address: the first is what a predicted workload would take (trace.ts)
  const address = ctx.assumedPodAddress(node, 2);
  if (!address) return undefined;
  const assumed = `no pod observed on ${node.name}: a pod is assumed at ${address.ip}, ${address.how}`;
  const pod: PathPod = {
    namespace: "default",
    name: `a pod on ${node.name}`,
    labels: {},
    ip: address.ip,
    nodeName: node.name,
    hostNetwork: false,
    ports: [],
    source: node.meta.source,
    owner: undefined,
    assumed,
  };
  ctx.addAssumedPod(pod);
  return { pod, assumed };
}

interface Destination {
  readonly resolved: Resolved;
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
  readonly note: string;
  /** the ClusterIP row falls back to the source pod's own service */
  readonly ownService?: boolean;
}

function podDestination(pod: PathPod, why: string): Destination {
  const port = pod.ports.find((p) => p.protocol === "TCP") ?? pod.ports[0];
  return {
    resolved: {
      info: {
        endpoint: `pod:${pod.namespace}/${pod.name}`,
        label: `pod ${pod.namespace}/${pod.name}`,
        ip: pod.ip,
        how: why,
        source: pod.source,
      },
      ip: pod.ip,
      pod,
      node: undefined,
      eni: undefined,
      port: undefined,
    },
    port: port?.containerPort ?? 8080,
    protocol: port?.protocol === "UDP" ? "UDP" : "TCP",
    note: port ? "" : "port 8080 assumed (the pod declares none)",
  };
}

function serviceDestination(service: Service, note: string, ownService = false): Destination {
  const port = service.ports[0]!;
  return {
    resolved: {
      info: {
        endpoint: `service:${service.namespace}/${service.name}`,
        label: `service ${service.namespace}/${service.name}`,
        ip: service.clusterIP,
        how: "spec.clusterIP",
        source: service.meta.source,
      },
      ip: service.clusterIP!,
      pod: undefined,
      node: undefined,
      eni: undefined,
      port: undefined,
    },
    port: port.port,
    protocol: port.protocol === "UDP" ? "UDP" : "TCP",
    note,
    ownService,
  };
}

/** The addresses of a service's ready endpoints (EndpointSlices, Endpoints, else the ready pods its selector picks). */
function serviceAddresses(ctx: PathContext, service: Service): string[] {
  const index = snapshotIndex(ctx.snapshot);
  const entry = index.endpointsByService.get(`${service.namespace}/${service.name}`);
  if (!entry) return [];
  if (entry.origin === "selector")
    return entry.pods
      .map((ref) => index.podsByName.get(`${ref.namespace}/${ref.name}`))
      .filter((p) => p?.ready && p.podIP)
      .map((p) => p!.podIP!);
  return entry.slices.flatMap((sl) => sl.endpoints.filter((ep) => ep.ready).map((ep) => ep.address));
}

/** Pods tried as the destination of a pod class: the first whose trace is delivered is shown (a NetworkPolicy-isolated pod hides the SNAT question). */
const CANDIDATES = 5;

function destinationFor(ctx: PathContext, cls: DestinationClass, node: Node, source: PathPod): Destination[] | string {
  const k = ctx.snapshot.kubernetes;
  switch (cls) {
    case "same-node-pod": {
      const others = podsOnNode(ctx, node.name)
        .filter((p) => p.ip !== source.ip)
        .slice(0, CANDIDATES);
      return others.length
        ? others.map((p) => podDestination(p, `another pod on ${node.name}`))
        : `no other pod observed on ${node.name}`;
    }
    case "other-node-pod": {
      const others = nodesByName(ctx).filter((n) => n.name !== node.name);
      const out: Destination[] = [];
      for (const n of others) {
        for (const pod of podsOnNode(ctx, n.name)) {
          if (out.length < CANDIDATES) out.push(podDestination(pod, `a pod on ${n.name}`));
        }
        if (out.length >= CANDIDATES) break;
      }
      return out.length ? out : "no pod observed on another node";
    }
    case "cluster-ip": {
      const services = [...k.services]
        .filter(
          (s) =>
            s.type !== "ExternalName" &&
            s.clusterIP &&
            s.clusterIP !== "None" &&
            s.ports.length > 0 &&
            !(s.namespace === "default" && s.name === "kubernetes"),
        )
        .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      // The source's own Service (its selector picks the source, or its endpoints list it) is a
      // hairpin when kube-proxy picks the source itself, which it masquerades (kubernetes
      // pkg/proxy/iptables/proxier.go, KUBE-SEP: `-s <endpoint IP> -j KUBE-MARK-MASQ`): not what
      // "a ClusterIP service" means for the table. Another service is preferred, one whose ready
      // endpoints are pods (not host addresses) first.
      // each service's ready addresses, once (own and withPods both ask, for every service)
      const known = new Map<Service, string[]>();
      const addresses = (s: Service): string[] => {
        let list = known.get(s);
        if (!list) known.set(s, (list = serviceAddresses(ctx, s)));
        return list;
      };
      const own = (s: Service): boolean =>
        (s.namespace === source.namespace && s.selector !== null && mapSelectorMatches(s.selector, source.labels)) ||
        addresses(s).includes(source.ip);
      const others = services.filter((s) => !own(s));
      const withPods = (s: Service): boolean => addresses(s).some((ip) => ctx.podByIp(ip) !== undefined);
      const picked = [...others.filter(withPods), ...others.filter((s) => !withPods(s))].slice(0, CANDIDATES);
      if (picked.length > 0) return picked.map((s) => serviceDestination(s, ""));
      // only the source's own services: those where kube-proxy's pick is the source itself first, so the trace shows the hairpin
      const mine = services.filter(own);
      if (mine.length === 0) return "no ClusterIP service in the snapshot";
      const hairpins = mine.filter((s) => {
        const port = s.ports[0]!;
        const t = resolveServiceTarget(ctx.snapshot, s.clusterIP!, port.port, port.protocol === "UDP" ? "UDP" : "TCP", {
          arrivingOnNode: node.name,
          sourceIsPod: true,
          sourceIp: source.ip,
          clusterCIDRs: ctx.clusterCIDRs,
        });
        return t.kind === "dnat" && t.chosen.ip === source.ip;
      });
      const ordered = [...hairpins, ...mine.filter((s) => !hairpins.includes(s))].slice(0, CANDIDATES);
      return ordered.map((s) => serviceDestination(s, "", true));
    }
    case "vpc": {
      const other = nodesByName(ctx).find((n) => n.name !== node.name && n.internalIP);
      if (!other?.internalIP) return "no other node with an InternalIP";
      return [
        {
          resolved: {
            info: {
              endpoint: `node:${other.name}`,
              label: `node ${other.name}`,
              ip: other.internalIP,
              how: "status.addresses InternalIP",
              source: other.meta.source,
            },
            ip: other.internalIP,
            pod: undefined,
            node: other,
            eni: undefined,
            port: undefined,
          },
          port: 10250,
          protocol: "TCP",
          note: "kubelet port 10250",
        },
      ];
    }
    case "internet":
      return [
        {
          resolved: {
            info: {
              endpoint: "internet",
              label: "internet",
              ip: INTERNET_ADDRESS,
              how: "a public address outside every VPC (TEST-NET-2)",
              source: undefined,
            },
            ip: INTERNET_ADDRESS,
            pod: undefined,
            node: undefined,
            eni: undefined,
            port: undefined,
          },
          port: 443,
          protocol: "TCP",
          note: "",
        },
      ];
  }
}

function snatSteps(steps: readonly Step[]): SnatStepSummary[] {
  const out: SnatStepSummary[] = [];
  let before = steps[0]?.packet.src;
  for (const s of steps) {
    if (s.action === "snat" && before !== undefined && before !== s.packet.src)
      out.push({ component: s.component, id: s.id, from: before, to: s.packet.src, source: s.source });
    before = s.packet.src;
  }
  return out;
}

export function analyseEgress(source: Snapshot | PathContext, options: PathOptions = {}): EgressReport {
  const ctx = source instanceof PathContext ? source : new PathContext(source, options);
  const groups = nodeGroups(ctx);
  const rows: EgressRow[] = [];
  const shared = loadErrorsAssumptions(ctx.snapshot);
  // per traced row: its own words and the trace's assumptions; notes are written once the
  // assumptions every traced row shares (a VPC the snapshot lacks, a derived pool) are known
  const pending = new Map<EgressRow, { readonly own: readonly string[]; readonly assumptions: readonly string[] }>();
  for (const group of groups) {
    const node = ctx.node(group.representative)!;
    const src = sourcePod(ctx, node);
    for (const cls of DESTINATION_CLASSES) {
      const base = { group: group.name, destinationClass: cls, destinationWords: CLASS_WORDS[cls] } as const;
      if (!src) {
        rows.push({
          ...base,
          from: `a pod on ${node.name}`,
          to: "",
          verdict: "skipped",
          drop: null,
          unknown: null,
          snat: [],
          finalSourceIp: null,
          replyVerdict: "not-sent",
          replyDrop: null,
          hairpin: false,
          note: `${node.name}'s pod addresses are unknown (no pod observed, no Calico tunnel address or secondary ENI address)`,
          trace: undefined,
        });
        continue;
      }
      const candidates = destinationFor(ctx, cls, node, src.pod);
      // an assumed sender (no pod observed on the node) is named as such, not as a pod of "default"
      const fromText = src.pod.assumed
        ? `${src.pod.name}, assumed (${src.pod.ip})`
        : `pod ${src.pod.namespace}/${src.pod.name} (${src.pod.ip})`;
      if (typeof candidates === "string") {
        rows.push({
          ...base,
          from: fromText,
          to: "",
          verdict: "skipped",
          drop: null,
          unknown: null,
          snat: [],
          finalSourceIp: null,
          replyVerdict: "not-sent",
          replyDrop: null,
          hairpin: false,
          note: candidates,
          trace: undefined,
        });
        continue;
      }
      const from: Resolved = {
        info: {
          endpoint: `pod:${src.pod.namespace}/${src.pod.name}`,
          label: fromText,
          ip: src.pod.ip,
          how: src.assumed ?? "status.podIP",
          source: src.pod.source,
        },
        ip: src.pod.ip,
        pod: src.pod,
        node,
        eni: undefined,
        port: undefined,
      };
      let chosen: { dst: Destination; trace: TraceResult } | undefined;
      for (const dst of candidates) {
        const assumptions: string[] = src.assumed ? [src.assumed] : [];
        const trace = traceResolved(ctx, {
          from,
          fromSpec: { kind: "pod", namespace: src.pod.namespace, name: src.pod.name },
          to: dst.resolved,
          port: dst.port,
          protocol: dst.protocol,
          assumptions,
        });
        chosen ??= { dst, trace };
        if (trace.verdict === "delivered") {
          chosen = { dst, trace };
          break;
        }
      }
      const { dst, trace } = chosen!;
      const dnat = trace.hops.find((h) => h.component === "kube-proxy" && h.action === "dnat");
      const hairpin = dst.ownService === true && dnat?.packet.dst === src.pod.ip;
      const ownNote = !dst.ownService
        ? ""
        : hairpin
          ? `hairpin: every ClusterIP service of the snapshot selects the source pod, and kube-proxy picks the source itself at ${dst.resolved.info.label}: it masquerades a pod reaching itself through its service (kubernetes pkg/proxy/iptables/proxier.go, KUBE-SEP -s <endpoint> -j KUBE-MARK-MASQ)`
          : `every ClusterIP service of the snapshot selects the source pod; the traced connection goes to another endpoint${dnat ? ` (${dnat.packet.dst})` : ""}, but kube-proxy picks one at random per connection, and one that lands on the source itself is a hairpin, masqueraded (proxier.go KUBE-SEP -s <endpoint> -j KUBE-MARK-MASQ)`;
      const row: EgressRow = {
        ...base,
        from: fromText,
        to: `${dst.resolved.info.label} (${dst.resolved.ip}:${dst.port}/${dst.protocol})`,
        verdict: trace.verdict,
        drop: trace.drop,
        unknown: trace.unknown ?? trace.return.unknown,
        snat: snatSteps(trace.hops),
        finalSourceIp: trace.finalSourceIp,
        replyVerdict: trace.return.verdict,
        replyDrop: trace.return.drop,
        note: "",
        hairpin,
        trace,
      };
      rows.push(row);
      pending.set(row, { own: [ownNote, dst.note].filter((x) => x), assumptions: trace.assumptions });
    }
  }
  // an assumption several rows rest on (a VPC the snapshot lacks, a derived pool) is said once for
  // the report, not once per row; one only a single row rests on stays in its note
  const uses = new Map<string, number>();
  for (const p of pending.values()) for (const a of p.assumptions) uses.set(a, (uses.get(a) ?? 0) + 1);
  const reportWide = [...shared, ...[...uses].filter(([a, n]) => n > 1 && !shared.includes(a)).map(([a]) => a)];
  const notes = rows.map((row) => {
    const p = pending.get(row);
    // the trace's assumptions (the gaps it crossed and what the objects rest on), without the report-wide ones
    return p ? { ...row, note: [...p.own, ...p.assumptions.filter((a) => !reportWide.includes(a))].join("; ") } : row;
  });
  return { cni: `${ctx.cni.networking}: ${ctx.cni.note}`, groups, rows: notes, assumptions: reportWide };
}
