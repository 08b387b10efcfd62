import { ABSENT_AWS, AWS_LAYERS } from "../model/aws-layers.js";
import type { Pod } from "../model/kubernetes.js";
import type { AwsModel, Snapshot } from "../model/snapshot.js";
import { formatSource, formatSourceFull } from "../model/source.js";
import type { SourceRef } from "../model/source.js";

/**
 * What `snapshot show` reports: what was loaded, per kind and file, the joins made and every
 * diagnostic with its location. Plain data; the formatters render it.
 */
export interface SnapshotSummary {
  readonly roots: readonly string[];
  readonly whatIf: readonly string[];
  /** files that could not be loaded (the analysis leaves them out): `file:line:col` or `file` */
  readonly errors: readonly { readonly code: string; readonly message: string; readonly source: string }[];
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
  /** network interfaces per source: describe-network-interfaces, or an instance's NetworkInterfaces[] in describe-instances */
  readonly networkInterfaceOrigins: Readonly<Record<string, number>>;
  /**
   * each AWS layer: whether the snapshot has it, the files that gave it, and — when absent or
   * partial — what is lost and which command captures it (src/model/aws-layers.ts)
   */
  readonly layers: readonly LayerSummary[];
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
  readonly unresolvedOwners: readonly {
    readonly owner: string;
    readonly pods: number;
    readonly inferredVia: string | null;
  }[];
  readonly joins: readonly { readonly kind: string; readonly from: string; readonly to: string; readonly by: string }[];
  readonly diagnostics: readonly {
    readonly code: string;
    readonly severity: string;
    readonly message: string;
    readonly source: string | null;
  }[];
}

export interface LayerSummary {
  readonly key: string;
  readonly layer: string;
  readonly present: boolean;
  readonly objects: number;
  readonly files: readonly string[];
  readonly command: string;
  readonly lostWithout: string;
  /** what is partial about a present layer (ENIs from describe-instances only, prefix lists without entries) */
  readonly note: string | null;
}

function layerSummaries(aws: AwsModel, origins: Readonly<Record<string, number>>): LayerSummary[] {
  return AWS_LAYERS.map((layer) => {
    const items = aws[layer.key] as readonly {
      readonly source: SourceRef;
      readonly entriesSource?: SourceRef | undefined;
    }[];
    const files = new Set<string>();
    for (const item of items) {
      files.add(item.source.file);
      if (item.entriesSource) files.add(item.entriesSource.file);
    }
    let note: string | null = null;
    const unneeded = items.length === 0 ? notNeeded(layer.key, aws) : undefined;
    if (unneeded) {
      note = `not needed: ${unneeded}`;
    } else if (layer.key === "networkInterfaces" && items.length > 0 && !origins["describe-network-interfaces"]) {
      note = `from describe-instances only; missing: ${layer.lostWithout.replace(/ \(the others .*\)$/, "")}; add \`${layer.command}\``;
    } else if (layer.key === "prefixLists" && items.length > 0) {
      // only the lists a rule or route names matter; the AWS-managed ones nobody uses lose nothing
      // a named list missing from describe-managed-prefix-lists altogether lacks its entries too
      const byId = new Map(aws.prefixLists.map((p) => [p.id, p]));
      const without = [...namedPrefixLists(aws)].filter((id) => byId.get(id)?.entries === undefined).sort();
      if (without.length > 0)
        note = `named by a rule or route but without entries: ${without.join(", ")}; add \`aws ec2 get-managed-prefix-list-entries --prefix-list-id ID\` for each (podpath.yaml: prefixListId)`;
    }
    return {
      key: layer.key,
      layer: layer.label,
      present: items.length > 0,
      objects: items.length,
      files: [...files].sort(),
      command: layer.command,
      lostWithout: layer.lostWithout,
      note,
    };
  });
}

/** the prefix lists security group rules and routes name */
function namedPrefixLists(aws: AwsModel): Set<string> {
  const named = new Set<string>();
  for (const t of aws.routeTables)
    for (const r of t.routes) if (r.destination.startsWith("pl-")) named.add(r.destination);
  for (const g of aws.securityGroups)
    for (const rule of [...g.ingress, ...g.egress])
      for (const p of rule.peers) if (p.kind === "prefix-list") named.add(p.prefixListId);
  return named;
}

/** why an absent layer loses nothing for this snapshot (nothing in it refers to the layer), else undefined */
function notNeeded(key: string, aws: AwsModel): string | undefined {
  const routes = aws.routeTables.flatMap((t) => t.routes);
  switch (key) {
    case "prefixLists":
      return namedPrefixLists(aws).size > 0 ? undefined : "no security group rule or route names a prefix list";
    case "natGateways":
      return routes.some((r) => r.targetKind === "nat-gateway") ? undefined : "no route targets a NAT gateway";
    case "internetGateways":
      return routes.some((r) => r.targetKind === "internet-gateway") || aws.routeTables.length === 0
        ? undefined
        : "no route targets an internet gateway";
    case "listeners":
      return aws.loadBalancers.length === 0 ? "no elbv2 load balancer in the snapshot" : undefined;
    case "listenerRules":
      return aws.listeners.some((l) => l.protocol === "HTTP" || l.protocol === "HTTPS")
        ? undefined
        : "no HTTP/HTTPS listener in the snapshot";
    case "targetGroups":
      return aws.listeners.length === 0 && aws.listenerRules.length === 0
        ? "no listener or rule in the snapshot forwards to one"
        : undefined;
    case "targetHealth":
      return aws.targetGroups.length === 0 ? "no target group in the snapshot" : undefined;
    case "targetGroupAttributes":
      // only an NLB's (TCP/UDP/TLS) target groups have attributes a trace reads
      return aws.targetGroups.some((g) => g.protocol !== "HTTP" && g.protocol !== "HTTPS")
        ? undefined
        : "no NLB target group in the snapshot";
    default:
      return undefined;
  }
}

export function summarizeSnapshot(snapshot: Snapshot): SnapshotSummary {
  const k = snapshot.kubernetes;
  const a = snapshot.aws;
  const instanceOf = new Map(
    snapshot.joins
      .filter((j) => j.kind === "node-instance")
      .map((j) => [j.from.replace(/^Node /, ""), `${j.to.replace(/^Instance /, "")} (by ${j.by.split(" ")[0]})`]),
  );
  const podsPerOwner = new Map<string, number>();
  for (const pod of k.pods) {
    const owner = pod.owner
      ? `${pod.owner.kind}/${pod.owner.namespace}/${pod.owner.name}`
      : `Pod/${pod.namespace}/${pod.name}`;
    podsPerOwner.set(owner, (podsPerOwner.get(owner) ?? 0) + 1);
  }
  const networkInterfaceOrigins: Record<string, number> = {};
  for (const e of a.networkInterfaces) networkInterfaceOrigins[e.origin] = (networkInterfaceOrigins[e.origin] ?? 0) + 1;
  const layers = layerSummaries(a, networkInterfaceOrigins);
  const diagnostics = snapshot.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    source: d.source ? formatSourceFull(d.source) : null,
  }));
  if (!layers.some((l) => l.present))
    diagnostics.push({ code: "absent-layer", severity: "info", message: ABSENT_AWS, source: null });
  return {
    roots: snapshot.roots,
    whatIf: snapshot.whatIf,
    errors: snapshot.errors.map((e) => ({
      code: e.code,
      message: e.message,
      source: e.line === undefined ? e.file : `${e.file}:${e.line}:${e.col ?? 1}`,
    })),
    files: snapshot.files.map((f) => ({
      path: f.path,
      format: f.format,
      content: f.content,
      documents: f.documents,
      namespace: f.defaultNamespace ?? null,
      whatIf: f.whatIf,
      objects: f.objects,
    })),
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
      prefixLists: a.prefixLists.length,
      instances: a.instances.length,
      networkInterfaces: a.networkInterfaces.length,
      loadBalancers: a.loadBalancers.length,
      listeners: a.listeners.length,
      listenerRules: a.listenerRules.length,
      targetGroups: a.targetGroups.length,
      targetHealth: a.targetHealth.length,
      ...(a.targetGroupAttributes.length > 0 ? { targetGroupAttributes: a.targetGroupAttributes.length } : {}),
    },
    networkInterfaceOrigins: Object.fromEntries(
      Object.entries(networkInterfaceOrigins).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    ),
    layers,
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
      generatedFrom: w.generatedFrom
        ? `${w.generatedFrom.kind} ${w.generatedFrom.namespace}/${w.generatedFrom.name}`
        : null,
      observedPods: podsPerOwner.get(`${w.kind}/${w.namespace}/${w.name}`) ?? 0,
      knownFromPods: w.knownFromPods !== undefined,
      source: formatSource(w.meta.source),
    })),
    joinCounts: joinCounts(snapshot),
    unresolvedOwners: k.workloads
      .filter((w) => w.knownFromPods)
      .map((w) => ({
        owner: `${w.kind} ${w.namespace}/${w.name}`,
        pods: w.knownFromPods!.pods,
        inferredVia: w.knownFromPods!.inferredVia ?? null,
      })),
    joins: snapshot.joins.map((j) => ({ kind: j.kind, from: j.from, to: j.to, by: j.by })),
    diagnostics,
  };
}

function joinCounts(snapshot: Snapshot): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const j of snapshot.joins) counts[j.kind] = (counts[j.kind] ?? 0) + 1;
  // only the owner references that resolved: the owner is a workload the snapshot holds
  const held = new Set(
    snapshot.kubernetes.workloads.filter((w) => !w.knownFromPods).map((w) => `${w.kind}/${w.namespace}/${w.name}`),
  );
  // a static pod's mirror is owned by its Node
  const nodes = new Set(snapshot.kubernetes.nodes.map((n) => n.name));
  const resolved = (owner: NonNullable<Pod["owner"]>, namespace: string): boolean =>
    owner.kind === "Node"
      ? nodes.has(owner.name)
      : held.has(`${owner.kind}/${owner.namespace ?? namespace}/${owner.name}`);
  const owned = snapshot.kubernetes.pods.filter((p) => p.owner !== undefined && resolved(p.owner, p.namespace)).length;
  if (owned > 0) counts["pod-owner"] = owned;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
