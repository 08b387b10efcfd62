import type { Pod } from "../model/kubernetes.js";
import type { Snapshot } from "../model/snapshot.js";
import { formatSource, formatSourceFull } from "../model/source.js";

/**
 * What `snapshot show` reports: what was loaded, per kind and file, the joins made and every
 * diagnostic with its location. Plain data; the formatters render it.
 */
export interface SnapshotSummary {
  readonly roots: readonly string[];
  readonly whatIf: readonly string[];
  readonly files: readonly {
    readonly path: string;
    readonly format: string;
    readonly content: string;
    readonly documents: number;
    readonly namespace: string | null;
    readonly whatIf: boolean;
    readonly objects: Readonly<Record<string, number>>;
  }[];
  readonly kubernetes: Readonly<Record<string, number>>;
  readonly aws: Readonly<Record<string, number>>;
  readonly unmodelledKinds: Readonly<Record<string, number>>;
  readonly implicitNamespaces: readonly string[];
  readonly nodes: readonly {
    readonly name: string;
    readonly internalIP: string | null;
    readonly roles: readonly string[];
    readonly taints: readonly string[];
    readonly unschedulable: boolean;
    readonly allocatable: Readonly<Record<string, number>>;
    readonly overlayTunnel: string | null;
    readonly instance: string | null;
    readonly source: string;
  }[];
  readonly workloads: readonly {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly replicas: number | null;
    readonly generatedFrom: string | null;
    readonly observedPods: number;
    /** true when the snapshot lacks the workload and podpath knows it only through its pods */
    readonly knownFromPods: boolean;
    readonly source: string;
  }[];
  /** joins made, per kind (pod-owner: observed pods tied to a workload the snapshot holds) */
  readonly joinCounts: Readonly<Record<string, number>>;
  /**
   * Owner references that did not resolve: the workloads known only through their pods (a
   * nodes + pods dump), with how many pods name each and how the owner was inferred.
   */
  readonly unresolvedOwners: readonly { readonly owner: string; readonly pods: number; readonly inferredVia: string | null }[];
  readonly joins: readonly { readonly kind: string; readonly from: string; readonly to: string; readonly by: string }[];
  readonly diagnostics: readonly { readonly code: string; readonly severity: string; readonly message: string; readonly source: string | null }[];
}

export function summarizeSnapshot(snapshot: Snapshot): SnapshotSummary {
  const k = snapshot.kubernetes;
  const a = snapshot.aws;
  const instanceOf = new Map(snapshot.joins.filter((j) => j.kind === "node-instance").map((j) => [j.from.replace(/^Node /, ""), `${j.to.replace(/^Instance /, "")} (by ${j.by.split(" ")[0]})`]));
  const podsPerOwner = new Map<string, number>();
  for (const pod of k.pods) {
    const owner = pod.owner ? `${pod.owner.kind}/${pod.owner.namespace}/${pod.owner.name}` : `Pod/${pod.namespace}/${pod.name}`;
    podsPerOwner.set(owner, (podsPerOwner.get(owner) ?? 0) + 1);
  }
  return {
    roots: snapshot.roots,
    whatIf: snapshot.whatIf,
    files: snapshot.files.map((f) => ({ path: f.path, format: f.format, content: f.content, documents: f.documents, namespace: f.defaultNamespace ?? null, whatIf: f.whatIf, objects: f.objects })),
    kubernetes: {
      namespaces: k.namespaces.length,
      nodes: k.nodes.length,
      workloads: k.workloads.length,
      pods: k.pods.length,
      services: k.services.length,
      endpointSlices: k.endpointSlices.length,
      ingresses: k.ingresses.length,
      ingressClasses: k.ingressClasses.length,
      networkPolicies: k.networkPolicies.length,
      priorityClasses: k.priorityClasses.length,
      ipPools: k.ipPools.length,
      felixConfigurations: k.felixConfigurations.length,
    },
    aws: {
      vpcs: a.vpcs.length,
      subnets: a.subnets.length,
      routeTables: a.routeTables.length,
      internetGateways: a.internetGateways.length,
      natGateways: a.natGateways.length,
      networkAcls: a.networkAcls.length,
      securityGroups: a.securityGroups.length,
      instances: a.instances.length,
      networkInterfaces: a.networkInterfaces.length,
      loadBalancers: a.loadBalancers.length,
      listeners: a.listeners.length,
      listenerRules: a.listenerRules.length,
      targetGroups: a.targetGroups.length,
      targetHealth: a.targetHealth.length,
    },
    unmodelledKinds: k.unmodelledKinds,
    implicitNamespaces: k.namespaces.filter((n) => n.implicit).map((n) => n.name),
    nodes: k.nodes.map((n) => ({
      name: n.name,
      internalIP: n.internalIP ?? null,
      roles: Object.keys(n.labels)
        .filter((l) => l.startsWith("node-role.kubernetes.io/"))
        .map((l) => l.slice("node-role.kubernetes.io/".length))
        .sort(),
      taints: n.taints.map((t) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`),
      unschedulable: n.unschedulable,
      allocatable: n.allocatable,
      overlayTunnel: n.overlay.vxlan ?? n.overlay.ipip ?? n.overlay.wireguard ?? null,
      instance: instanceOf.get(n.name) ?? null,
      source: formatSource(n.meta.source),
    })),
    workloads: k.workloads.map((w) => ({
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      replicas: w.replicas,
      generatedFrom: w.generatedFrom ? `${w.generatedFrom.kind} ${w.generatedFrom.namespace}/${w.generatedFrom.name}` : null,
      observedPods: podsPerOwner.get(`${w.kind}/${w.namespace}/${w.name}`) ?? 0,
      knownFromPods: w.knownFromPods !== undefined,
      source: formatSource(w.meta.source),
    })),
    joinCounts: joinCounts(snapshot),
    unresolvedOwners: k.workloads
      .filter((w) => w.knownFromPods)
      .map((w) => ({ owner: `${w.kind} ${w.namespace}/${w.name}`, pods: w.knownFromPods!.pods, inferredVia: w.knownFromPods!.inferredVia ?? null })),
    joins: snapshot.joins.map((j) => ({ kind: j.kind, from: j.from, to: j.to, by: j.by })),
    diagnostics: snapshot.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, source: d.source ? formatSourceFull(d.source) : null })),
  };
}

function joinCounts(snapshot: Snapshot): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const j of snapshot.joins) counts[j.kind] = (counts[j.kind] ?? 0) + 1;
  // only the owner references that resolved: the owner is a workload the snapshot holds
  const held = new Set(snapshot.kubernetes.workloads.filter((w) => !w.knownFromPods).map((w) => `${w.kind}/${w.namespace}/${w.name}`));
  // a static pod's mirror is owned by its Node
  const nodes = new Set(snapshot.kubernetes.nodes.map((n) => n.name));
  const resolved = (owner: NonNullable<Pod["owner"]>, namespace: string): boolean =>
    owner.kind === "Node" ? nodes.has(owner.name) : held.has(`${owner.kind}/${owner.namespace ?? namespace}/${owner.name}`);
  const owned = snapshot.kubernetes.pods.filter((p) => p.owner !== undefined && resolved(p.owner, p.namespace)).length;
  if (owned > 0) counts["pod-owner"] = owned;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
