import type { ManagedPrefixList } from "../model/aws.js";
import type { Diagnostic } from "../model/diagnostics.js";
import { layerDiagnostics } from "./aws/layers.js";
import type { PrefixListEntries } from "./aws/prefix-lists.js";
import type { Namespace, ObjectMeta, Workload } from "../model/kubernetes.js";
import type { AwsModel, Join, LoadError, Snapshot, SnapshotFile } from "../model/snapshot.js";
import { NO_SOURCE, formatSource } from "../model/source.js";
import { staticPodNode } from "../model/static-pod.js";
import type { SnapshotDraft } from "./draft.js";
import { KeyIndex } from "./key-index.js";
import { joinInterfacesToInstances, joinNodesToInstances } from "./joins.js";
import { NAMESPACE_NAME_LABEL } from "./kubernetes/cluster.js";
import { resolveServiceEndpoints } from "./kubernetes/endpoints.js";
import { calicoNodeDefaultPool } from "./kubernetes/calico.js";
import { warnSharedInternalIps } from "./kubernetes/nodes.js";
import {
  dropManagedWorkloads,
  withTemplateHashes,
  resolvePodOwners,
  workloadsKnownFromPods,
} from "./kubernetes/owners.js";

const byName = <T extends { readonly name: string }>(a: T, b: T): number => compare(a.name, b.name);
const byNsName = <T extends { readonly namespace: string; readonly name: string }>(a: T, b: T): number =>
  compare(a.namespace, b.namespace) || compare(a.name, b.name);
const byId = <T extends { readonly id: string }>(a: T, b: T): number => compare(a.id, b.id);
const byArn = <T extends { readonly arn: string }>(a: T, b: T): number => compare(a.arn, b.arn);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Keeps one object per identity; a later object replaces an earlier one (as `kubectl apply` of
 * the later file would), with a note naming both places.
 */
function dedupe<T>(
  items: readonly T[],
  key: (item: T) => readonly [string, string, string],
  where: (item: T) => ObjectMeta["source"] | undefined,
  what: (item: T) => string,
  diagnostics: Diagnostic[],
  whatIf: ReadonlySet<string>,
  quiet?: (kept: T, dropped: T) => boolean,
): T[] {
  const seen = new KeyIndex<number>();
  const out: T[] = [];
  for (const item of items) {
    const [a, b, c] = key(item);
    const at = seen.get(a, b, c);
    if (at === undefined) {
      seen.set(a, b, c, out.length);
      out.push(item);
      continue;
    }
    const earlier = out[at]!;
    // a generated stand-in gives way to the real object silently, whichever came first
    if (quiet?.(item, earlier)) continue;
    if (quiet?.(earlier, item)) {
      out[at] = item;
      continue;
    }
    const source = where(item);
    const replacedByWhatIf = source !== undefined && whatIf.has(source.file);
    diagnostics.push({
      code: replacedByWhatIf ? "what-if" : "duplicate-object",
      severity: "info",
      message: replacedByWhatIf
        ? `${what(item)} is replaced by --with (was ${formatSource(where(earlier))})`
        : `${what(item)} appears again; this one replaces the one at ${formatSource(where(earlier))}`,
      ...(source ? { source } : {}),
    });
    out[at] = item;
  }
  return out;
}

/** Turns the draft into the immutable, de-duplicated, joined and sorted Snapshot. */
export function finishSnapshot(
  draft: SnapshotDraft,
  roots: readonly string[],
  whatIf: readonly string[],
  files: readonly Omit<SnapshotFile, "objects">[],
  errors: readonly LoadError[] = [],
): Snapshot {
  const diagnostics: Diagnostic[] = [...draft.diagnostics];
  const whatIfFiles = new Set(files.filter((f) => f.whatIf).map((f) => f.path));
  const joins: Join[] = [];
  const k = draft.kubernetes;
  const metaKey = (m: ObjectMeta) => [m.kind, m.namespace ?? "", m.name] as const;
  const metaWhat = (m: ObjectMeta) => `${m.kind} ${m.namespace ? m.namespace + "/" : ""}${m.name}`;
  const simple = <T extends { readonly meta: ObjectMeta }>(items: T[]) =>
    dedupe(
      items,
      (i) => metaKey(i.meta),
      (i) => i.meta.source,
      (i) => metaWhat(i.meta),
      diagnostics,
      whatIfFiles,
    );

  const generated = (w: Workload) => w.generatedFrom !== undefined;
  const allWorkloads = dedupe(
    k.workloads,
    (w) => [w.kind, w.namespace, w.name] as const,
    (w) => w.meta.source,
    (w) => metaWhat(w.meta),
    diagnostics,
    whatIfFiles,
    (a, b) => generated(a) !== generated(b) && generated(a),
  );
  // owners are resolved through every workload, ReplicaSets included, before those a Deployment
  // stands for are dropped
  const pods = simple(k.pods);
  resolvePodOwners(pods, allWorkloads);
  const workloads = dropManagedWorkloads(withTemplateHashes(allWorkloads));
  // pods whose owner the snapshot lacks (a nodes + pods dump) stand for it
  workloads.push(...workloadsKnownFromPods(pods, workloads, diagnostics));
  // A Pod with no controller is a workload of its own (a bare Pod); a static pod's mirror is not
  // (the kubelet runs it: `place` lists it under its node), even when it names no Node owner.
  for (const pod of pods) {
    if (pod.meta.ownerReferences.some((o) => o.controller) || staticPodNode(pod) !== undefined) continue;
    workloads.push({
      meta: pod.meta,
      kind: "Pod",
      namespace: pod.namespace,
      name: pod.name,
      replicas: 1,
      selector: null,
      template: { labels: pod.labels, annotations: pod.meta.annotations, spec: pod.spec },
      generatedFrom: undefined,
      serviceName: undefined,
    });
  }

  const namespaces: Namespace[] = simple(k.namespaces);
  const known = new Set(namespaces.map((n) => n.name));
  const referenced = new Map<string, ObjectMeta>();
  const note = (m: ObjectMeta) => {
    if (m.namespace !== undefined && !known.has(m.namespace) && !referenced.has(m.namespace))
      referenced.set(m.namespace, m);
  };
  for (const list of [workloads, pods, k.services, k.endpointSlices, k.ingresses, k.networkPolicies] as const) {
    for (const item of list) note(item.meta);
  }
  for (const [name] of referenced) {
    namespaces.push({
      meta: {
        kind: "Namespace",
        apiVersion: "v1",
        namespace: undefined,
        name,
        labels: {},
        annotations: {},
        uid: undefined,
        ownerReferences: [],
        source: NO_SOURCE,
      },
      name,
      labels: { [NAMESPACE_NAME_LABEL]: name },
      implicit: true,
    });
  }

  // a plain calico.yaml install: the pool calico-node creates from its environment
  const ipPools = simple(k.ipPools);
  const derivedPool = calicoNodeDefaultPool(workloads, pods, ipPools, diagnostics);
  if (derivedPool) ipPools.push(derivedPool);

  const services = simple(k.services);
  const endpointSlices = dedupe(
    k.endpointSlices,
    (s) => [s.meta.kind, s.namespace, s.name] as const,
    (s) => s.meta.source,
    (s) => metaWhat(s.meta),
    diagnostics,
    whatIfFiles,
  );
  const serviceEndpoints = resolveServiceEndpoints(services, endpointSlices, pods, joins, diagnostics);

  const a = draft.aws;
  const awsDedupe = <T extends { readonly source: ObjectMeta["source"] }>(
    items: T[],
    key: (t: T) => string,
    what: string,
  ) =>
    dedupe(
      items,
      (i) => [what, "", key(i)] as const,
      (i) => i.source,
      (i) => `${what} ${key(i)}`,
      diagnostics,
      whatIfFiles,
    );
  const instances = awsDedupe(a.instances, (i) => i.id, "instance").sort(byId);
  const listed = awsDedupe(a.networkInterfaces, (i) => i.id, "network interface");
  // describe-network-interfaces wins where both list an ENI: it is the complete record
  const listedIds = new Set(listed.map((e) => e.id));
  const fromInstances = awsDedupe(
    draft.enisFromInstances.filter((e) => !listedIds.has(e.id)),
    (i) => i.id,
    "network interface",
  );
  const networkInterfaces = [...listed, ...fromInstances].sort(byId);
  const unjoinedNodes = simple(k.nodes).sort(byName);
  warnSharedInternalIps(unjoinedNodes, diagnostics);
  // the one node ↔ instance join: each joined Node carries its instanceId
  const nodes = joinNodesToInstances(unjoinedNodes, instances, joins, diagnostics);
  joinInterfacesToInstances(instances, networkInterfaces, joins);

  const aws: AwsModel = {
    vpcs: awsDedupe(a.vpcs, (v) => v.id, "VPC").sort(byId),
    subnets: awsDedupe(a.subnets, (v) => v.id, "subnet").sort(byId),
    routeTables: awsDedupe(a.routeTables, (v) => v.id, "route table").sort(byId),
    internetGateways: awsDedupe(a.internetGateways, (v) => v.id, "internet gateway").sort(byId),
    natGateways: awsDedupe(a.natGateways, (v) => v.id, "NAT gateway").sort(byId),
    networkAcls: awsDedupe(a.networkAcls, (v) => v.id, "network ACL").sort(byId),
    securityGroups: awsDedupe(a.securityGroups, (v) => v.id, "security group").sort(byId),
    prefixLists: withEntries(
      awsDedupe(a.prefixLists, (v) => v.id, "managed prefix list"),
      awsDedupe(draft.prefixListEntries, (e) => e.prefixListId, "entries of prefix list"),
    ).sort(byId),
    instances,
    networkInterfaces,
    loadBalancers: awsDedupe(a.loadBalancers, (v) => v.arn, "load balancer").sort(byArn),
    listeners: awsDedupe(a.listeners, (v) => v.arn, "listener").sort(byArn),
    listenerRules: awsDedupe(a.listenerRules, (v) => v.arn, "listener rule").sort(byArn),
    targetGroups: awsDedupe(a.targetGroups, (v) => v.arn, "target group").sort(byArn),
    targetHealth: awsDedupe(
      a.targetHealth,
      (v) => `${v.targetGroupArn} ${v.targetId}:${v.port ?? ""}`,
      "target health",
    ).sort(
      (x, y) =>
        compare(x.targetGroupArn, y.targetGroupArn) || compare(x.targetId, y.targetId) || (x.port ?? 0) - (y.port ?? 0),
    ),
    targetGroupAttributes: awsDedupe(
      a.targetGroupAttributes,
      (v) => `${v.targetGroupArn} ${v.key}`,
      "target group attribute",
    ).sort((x, y) => compare(x.targetGroupArn, y.targetGroupArn) || compare(x.key, y.key)),
  };
  diagnostics.push(...layerDiagnostics(nodes, aws, draft.targetHealthCaptured));

  const objects = new Map(draft.counts);
  return {
    roots,
    whatIf,
    errors,
    files: files.map((f) => ({ ...f, objects: sortRecord(objects.get(f.path) ?? {}) })),
    kubernetes: {
      namespaces: namespaces.sort(byName),
      nodes,
      workloads: workloads.sort((x, y) => byNsName(x, y) || compare(x.kind, y.kind)),
      pods: pods.sort(byNsName),
      services: services.sort(byNsName),
      endpointSlices: endpointSlices.sort(byNsName),
      serviceEndpoints: serviceEndpoints.sort(
        (x, y) =>
          compare(x.service.namespace ?? "", y.service.namespace ?? "") || compare(x.service.name, y.service.name),
      ),
      ingresses: simple(k.ingresses).sort(byNsName),
      ingressClasses: simple(k.ingressClasses).sort(byName),
      routes: simple(k.routes).sort(byNsName),
      networkPolicies: simple(k.networkPolicies).sort(byNsName),
      configMaps: simple([...(k.configMaps ?? [])]).sort(byNsName),
      priorityClasses: simple(k.priorityClasses).sort(byName),
      limitRanges: simple(k.limitRanges).sort(byNsName),
      runtimeClasses: simple(k.runtimeClasses).sort(byName),
      podDisruptionBudgets: simple(k.podDisruptionBudgets).sort(byNsName),
      ipPools: ipPools.sort(byName),
      felixConfigurations: simple(k.felixConfigurations).sort(byName),
      unmodelledKinds: sortRecord(draft.unmodelledKinds),
    },
    aws,
    joins: joins.sort((x, y) => compare(x.kind, y.kind) || compare(x.from, y.from) || compare(x.to, y.to)),
    diagnostics: diagnostics.sort(
      (x, y) =>
        compare(x.source?.file ?? "", y.source?.file ?? "") ||
        (x.source?.line ?? 0) - (y.source?.line ?? 0) ||
        (x.source?.col ?? 0) - (y.source?.col ?? 0) ||
        compare(x.message, y.message),
    ),
  };
}

/** Attaches get-managed-prefix-list-entries outputs to their lists; a list known only by its entries is created. */
export function withEntries(
  lists: readonly ManagedPrefixList[],
  entries: readonly PrefixListEntries[],
): ManagedPrefixList[] {
  const byId = new Map(lists.map((l) => [l.id, l]));
  for (const e of entries) {
    const list = byId.get(e.prefixListId);
    byId.set(
      e.prefixListId,
      list
        ? { ...list, entries: e.entries, entriesSource: e.source }
        : {
            id: e.prefixListId,
            name: undefined,
            addressFamily: undefined,
            entries: e.entries,
            entriesSource: e.source,
            source: e.source,
          },
    );
  }
  return [...byId.values()];
}

function sortRecord(record: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(record).sort(compare)) out[key] = record[key]!;
  return out;
}
