/**
 * A Karpenter NodePool (karpenter.sh/v1, v1beta1) as the nodes Karpenter would launch for the
 * pods Pending in the snapshot. Karpenter launches nothing while no pod is Pending; for the
 * Pending pods a node of the pool could take (its taints tolerated, its labels selected —
 * podpath asks its own filters, on a node of the largest allowed type), it packs them onto new
 * nodes (sigs.k8s.io/karpenter pkg/controllers/provisioning/scheduling: pods by descending
 * cpu then memory — queue.go byCPUAndMemoryDescending; ties by name, where Karpenter takes the
 * creation time and uid —, each onto the in-flight node claim with the fewest pods whose
 * remaining instance types still hold it with the DaemonSet pods that node would run, else onto
 * a new claim whose types are those within the limits left — scheduler.go add, newNode,
 * filterByRemainingResources, subtractMax: the largest capacity among a claim's types is taken
 * from the limits, the pool's nodes in the snapshot counted by their capacity) and launches the
 * cheapest type of each claim. podpath has no prices: it takes the smallest (vCPUs, then memory).
 *
 * The instance types a NodePool's requirements allow come from the table in
 * model/ec2-instance-types.ts, matched on the keys Karpenter gives each type
 * (karpenter-provider-aws pkg/providers/instancetype/types.go computeRequirements:
 * node.kubernetes.io/instance-type, kubernetes.io/arch, kubernetes.io/os,
 * karpenter.k8s.aws/instance-category|family|generation|size|cpu|memory|hypervisor); every type
 * is assumed offered on-demand and spot in every zone. NodePools are tried by descending
 * `weight`; karpenter.sh/capacity-type is spot when the pool allows it ("Karpenter will prioritize
 * Spot offerings if the NodePool allows Spot and on-demand"), on-demand when it says nothing (the
 * AWS provider's default) — aws/karpenter-provider-aws website docs/concepts/nodepools.md, which
 * also says pods need not tolerate startup taints. The node's labels: the template's, the
 * single-valued `In` requirements', karpenter.sh/nodepool and karpenter.sh/capacity-type, and
 * the instance type's. Its taints: `taints`; `startupTaints` are left off, as Karpenter does when
 * it simulates (they are expected to be removed once the node is initialised). Allocatable:
 * allocatable.ts with the EC2NodeClass's kubelet settings (v1) or the NodePool's (v1beta1).
 */
import type { Node, ResourceList, Taint } from "../../../../model/kubernetes.js";
import type { Snapshot } from "../../../../model/snapshot.js";
import { formatSource, type SourceRef } from "../../../../model/source.js";
import { formatQuantity } from "../../../../model/quantity.js";
import {
  EC2_INSTANCE_TYPES,
  eniLimitedPods,
  instanceTypeParts,
  type Ec2InstanceType,
} from "../../../../model/ec2-instance-types.js";
import { analysePlacement, type PlacementOptions, type PlacementReport } from "../../placement.js";
import { preparePlacement } from "../../prepare.js";
import { locationOf } from "../../fix/location.js";
import { nodeResources, type NodeResources } from "./allocatable.js";
import type { NodePoolLaunch, TemplateView } from "./types.js";
import { templateNode } from "./node.js";
import { requirementMatches } from "../../plugins/nodeaffinity/common.js";

export interface NodePoolRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  readonly values: readonly string[];
  readonly source: SourceRef;
}

/** An EC2NodeClass's kubelet settings and root volume (or a v1beta1 NodePool's kubelet block). */
export interface Ec2NodeClass {
  readonly name: string;
  readonly source: SourceRef;
  readonly maxPods: number | undefined;
  readonly kubeReserved: ResourceList;
  readonly systemReserved: ResourceList;
  readonly evictionHardMemory: number | undefined;
  readonly diskGiB: number | undefined;
  /** spec.amiFamily, else the family of the first amiSelectorTerms alias ("al2023@latest" → "al2023"), lower case */
  readonly amiFamily: string | undefined;
}

export interface KarpenterNodePool {
  readonly name: string;
  readonly apiVersion: string;
  readonly source: SourceRef;
  readonly labels: Readonly<Record<string, string>>;
  readonly requirements: readonly NodePoolRequirement[];
  readonly taints: readonly Taint[];
  readonly startupTaints: readonly Taint[];
  /** spec.limits, in model units (cpu millicores, memory bytes, nodes) */
  readonly limits: ResourceList;
  /** spec.weight: Karpenter tries the NodePools of highest weight first */
  readonly weight: number;
  readonly nodeClassName: string | undefined;
  readonly nodeClass: Ec2NodeClass | undefined;
}

const CAPACITY_TYPE = "karpenter.sh/capacity-type";
const ZONE = "topology.kubernetes.io/zone";

/** The value each requirement key has on an instance type (computeRequirements), or undefined when the key is not the type's. */
function typeValue(t: Ec2InstanceType, key: string): string | undefined {
  const parts = instanceTypeParts(t.name);
  switch (key) {
    case "node.kubernetes.io/instance-type":
      return t.name;
    case "kubernetes.io/arch":
      return t.arch;
    case "kubernetes.io/os":
      return "linux";
    case "karpenter.k8s.aws/instance-category":
      return parts.category;
    case "karpenter.k8s.aws/instance-family":
      return parts.family;
    case "karpenter.k8s.aws/instance-generation":
      return parts.generation;
    case "karpenter.k8s.aws/instance-size":
      return parts.size;
    case "karpenter.k8s.aws/instance-cpu":
      return String(t.vcpus);
    case "karpenter.k8s.aws/instance-memory":
      return String(t.memoryMiB);
    case "karpenter.k8s.aws/instance-hypervisor":
      return "nitro";
    default:
      return undefined;
  }
}

const TYPE_KEYS = new Set([
  "node.kubernetes.io/instance-type",
  "kubernetes.io/arch",
  "kubernetes.io/os",
  "karpenter.k8s.aws/instance-category",
  "karpenter.k8s.aws/instance-family",
  "karpenter.k8s.aws/instance-generation",
  "karpenter.k8s.aws/instance-size",
  "karpenter.k8s.aws/instance-cpu",
  "karpenter.k8s.aws/instance-memory",
  "karpenter.k8s.aws/instance-hypervisor",
]);

/**
 * A requirement on a value (sigs.k8s.io/karpenter pkg/scheduling Requirement.Has): the node
 * selector operators as kube-scheduler matches them (Gt/Lt compare integers), so one matcher
 * serves both (plugins/nodeaffinity/common.ts requirementMatches).
 */
export function requirementAllows(r: NodePoolRequirement, value: string | undefined): boolean {
  return requirementMatches(r, value === undefined ? {} : { [r.key]: value });
}

/** Cheapest first, as far as podpath can tell without prices: fewer vCPUs, then less memory, then the name. */
const bySize = (a: Ec2InstanceType, b: Ec2InstanceType) =>
  a.vcpus - b.vcpus || a.memoryMiB - b.memoryMiB || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The table's instance types a NodePool's requirements allow, smallest first. */
export function allowedInstanceTypes(pool: KarpenterNodePool): Ec2InstanceType[] {
  const onTypes = pool.requirements.filter((r) => TYPE_KEYS.has(r.key));
  return EC2_INSTANCE_TYPES.filter((t) => onTypes.every((r) => requirementAllows(r, typeValue(t, r.key)))).sort(bySize);
}

/** The capacity type Karpenter launches: spot when allowed (it prefers the cheaper offering), else on-demand (its default). */
function capacityType(pool: KarpenterNodePool): string {
  const r = pool.requirements.filter((q) => q.key === CAPACITY_TYPE);
  const allows = (v: string) => r.every((q) => requirementAllows(q, v));
  return allows("spot") && r.length > 0 ? "spot" : allows("on-demand") ? "on-demand" : "reserved";
}

/** The labels of the single-valued In requirements (Karpenter's NodeClaim labels from its requirements). */
function requirementLabels(pool: KarpenterNodePool): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of pool.requirements) if (r.operator === "In" && r.values.length === 1) out[r.key] = r.values[0]!;
  return out;
}

/**
 * amifamily FeatureFlags UsesENILimitedMemoryOverhead: the AL2 and AL2023 families (DefaultFamily)
 * reserve kube-reserved memory for the ENI-limited pod count whatever maxPods says; Bottlerocket
 * and Windows for maxPods. v1beta1's default family is AL2.
 */
const ENI_LIMITED_MEMORY_OVERHEAD = (family: string | undefined) =>
  !(family?.startsWith("bottlerocket") || family?.startsWith("windows"));

function resourcesOf(pool: KarpenterNodePool, t: Ec2InstanceType): NodeResources {
  const c = pool.nodeClass;
  return nodeResources(t, {
    maxPods: c?.maxPods,
    kubeReservedPods: ENI_LIMITED_MEMORY_OVERHEAD(c?.amiFamily) ? eniLimitedPods(t) : undefined,
    kubeReserved: c?.kubeReserved,
    systemReserved: c?.systemReserved,
    evictionHardMemory: c?.evictionHardMemory,
    diskGiB: c?.diskGiB,
  });
}

export function nodePoolNode(pool: KarpenterNodePool, t: Ec2InstanceType, name: string): Node {
  const parts = instanceTypeParts(t.name);
  const labels: Record<string, string> = {
    ...requirementLabels(pool),
    ...pool.labels,
    "karpenter.sh/nodepool": pool.name,
    [CAPACITY_TYPE]: capacityType(pool),
    "karpenter.sh/registered": "true",
    "karpenter.sh/initialized": "true",
    "node.kubernetes.io/instance-type": t.name,
    "kubernetes.io/arch": t.arch,
    "kubernetes.io/os": "linux",
    "kubernetes.io/hostname": name,
    "karpenter.k8s.aws/instance-category": parts.category ?? "",
    "karpenter.k8s.aws/instance-family": parts.family,
    "karpenter.k8s.aws/instance-generation": parts.generation ?? "",
    "karpenter.k8s.aws/instance-size": parts.size,
    "karpenter.k8s.aws/instance-cpu": String(t.vcpus),
    "karpenter.k8s.aws/instance-memory": String(t.memoryMiB),
    "karpenter.k8s.aws/instance-hypervisor": "nitro",
  };
  return templateNode(name, pool.source, labels, pool.taints, resourcesOf(pool, t));
}

type Requests = Record<string, number>;
const addTo = (into: Requests, r: ResourceList) => {
  for (const [k, v] of Object.entries(r)) into[k] = (into[k] ?? 0) + v;
};

/** Whether allocatable holds the requests and `pods` pods. */
function holds(allocatable: ResourceList, requests: Requests, pods: number): boolean {
  if (pods > (allocatable["pods"] ?? 0)) return false;
  for (const [k, v] of Object.entries(requests)) if (k !== "pods" && v > 0 && v > (allocatable[k] ?? 0)) return false;
  return true;
}

interface Candidate {
  readonly key: string;
  readonly pod: string;
  readonly requests: ResourceList;
}

/** an in-flight node claim (nodeclaim.go): its pods, their requests with the DaemonSet overhead, the types still holding them */
interface Claim {
  readonly pods: Candidate[];
  readonly sum: Requests;
  options: Ec2InstanceType[];
}

/** The nodes of `pool` already in the snapshot, counted against its limits. */
function poolUsage(snapshot: Snapshot, pool: KarpenterNodePool): Requests {
  const used: Requests = { nodes: 0 };
  for (const n of snapshot.kubernetes.nodes) {
    if (n.labels["karpenter.sh/nodepool"] !== pool.name) continue;
    addTo(used, n.capacity);
    used["nodes"]! += 1;
  }
  return used;
}

const podKey = (owner: string, name: string) => `${owner}/${name}`;

/**
 * The nodes the NodePools would launch for the snapshot's Pending pods (in `pools` order, each
 * taking the pods the ones before left), with what was assumed.
 */
export function launchNodePools(
  snapshot: Snapshot,
  pools: readonly KarpenterNodePool[],
  options: PlacementOptions,
): { readonly nodes: readonly Node[]; readonly views: readonly TemplateView[]; readonly before: PlacementReport } {
  const before = analysePlacement(snapshot, options);
  const pending = new Set<string>();
  for (const w of before.workloads) {
    if (w.kind === "DaemonSet" || w.admittedBy === "kubelet") continue;
    for (const p of w.pods)
      if (p.observedNode === null && p.unschedulable !== null)
        pending.add(podKey(`${w.kind}/${w.namespace}/${w.name}`, p.name));
  }
  const nodes: Node[] = [];
  const views: TemplateView[] = [];
  const taken = new Set<string>();
  // the highest weight first, then by name (docs/concepts/nodepools.md spec.weight)
  const ordered = [...pools].sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const pool of ordered) {
    const view = launchOne(snapshot, pool, options, pending, taken, nodes);
    views.push(view.view);
    nodes.push(...view.nodes);
  }
  return { nodes, views, before };
}

function launchOne(
  snapshot: Snapshot,
  pool: KarpenterNodePool,
  options: PlacementOptions,
  pending: ReadonlySet<string>,
  taken: Set<string>,
  launchedBefore: readonly Node[],
): { nodes: Node[]; view: TemplateView } {
  const types = allowedInstanceTypes(pool);
  const assumptions: string[] = [
    "Karpenter picks instance types by price: podpath, without prices, launches the smallest allowed type (vCPUs, then memory) that holds the Pending pods it packs onto each node (pods by descending cpu, then memory, each onto the first node that still holds it, with the DaemonSet pods that node would run); every type is assumed offered in every zone",
    `allowed instance types (of podpath's table of common EC2 types): ${types.length > 0 ? types.map((t) => t.name).join(", ") : "none"}`,
    pool.nodeClass
      ? `kubelet settings and root volume from ${pool.apiVersion === "karpenter.sh/v1beta1" ? "the NodePool's kubelet block" : `EC2NodeClass ${pool.nodeClass.name}`} (${formatSource(pool.nodeClass.source)}); allocatable otherwise as the EKS AMI's kubelet and Karpenter compute it (ENI-limited maxPods, kube-reserved cpu by the 6/1/0.5/0.25 % ladder and memory 11·maxPods+255 MiB, eviction-hard 100Mi, memory less 7.5 % VM overhead)`
      : `${pool.nodeClassName ? `EC2NodeClass ${pool.nodeClassName} not in the file: ` : ""}allocatable as the EKS AMI's kubelet and Karpenter compute it by default (ENI-limited maxPods, kube-reserved cpu by the 6/1/0.5/0.25 % ladder and memory 11·maxPods+255 MiB, eviction-hard 100Mi, memory less 7.5 % VM overhead)`,
  ];
  if (pool.startupTaints.length > 0)
    assumptions.push(
      `startupTaints ${pool.startupTaints.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`).join(", ")} left off: Karpenter expects them removed once the node is initialised`,
    );
  if (!pool.requirements.some((r) => r.key === ZONE && r.operator === "In" && r.values.length === 1))
    assumptions.push(`no single zone required: the nodes get no ${ZONE} label (Karpenter picks the zone at launch)`);
  const view = (
    nodes: Node[],
    launches: NodePoolLaunch[],
    notLaunched: { pod: string; reason: string }[],
  ): TemplateView => ({
    kind: "Karpenter NodePool",
    name: pool.name,
    source: formatSource(pool.source),
    location: locationOf(pool.source),
    instanceTypes: [...new Set(launches.map((l) => l.instanceType))],
    nodes: nodes.map((n) => n.name),
    assumptions,
    launches,
    notLaunched,
  });
  const largest = types[types.length - 1];
  const open = [...pending].filter((k) => !taken.has(k));
  if (!largest || open.length === 0) {
    if (open.length === 0) assumptions.push("no pod is Pending: Karpenter launches no node");
    return { nodes: [], view: view([], [], []) };
  }
  // which Pending pods a node of the pool could take, and the DaemonSet pods it would run: ask the filters on a probe node
  const probe = nodePoolNode(pool, largest, `${pool.name}-probe-${largest.name}`);
  const probed: Snapshot = {
    ...snapshot,
    kubernetes: { ...snapshot.kubernetes, nodes: [...snapshot.kubernetes.nodes, ...launchedBefore, probe] },
  };
  const prepared = preparePlacement(probed, options);
  const report = analysePlacement(probed, { ...options, prepared });
  const requestsOf = new Map<string, ResourceList>();
  const overhead: Requests = {};
  let overheadPods = 0;
  for (const [w, pods] of prepared.podsByWorkload) {
    for (const p of pods) {
      requestsOf.set(podKey(p.owner, p.name), p.requests);
      if (w.kind === "DaemonSet" && p.daemonNode === probe.name) {
        addTo(overhead, p.requests);
        overheadPods++;
      }
    }
  }
  const candidates: Candidate[] = [];
  for (const w of report.workloads) {
    if (!w.nodes.some((n) => n.node === probe.name && n.feasible)) continue;
    for (const p of w.pods) {
      const key = podKey(`${w.kind}/${w.namespace}/${w.name}`, p.name);
      if (!open.includes(key)) continue;
      candidates.push({ key, pod: `${w.namespace}/${p.name}`, requests: requestsOf.get(key) ?? {} });
    }
  }
  candidates.sort(
    (a, b) =>
      (b.requests["cpu"] ?? 0) - (a.requests["cpu"] ?? 0) ||
      (b.requests["memory"] ?? 0) - (a.requests["memory"] ?? 0) ||
      (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0),
  );
  if (candidates.length === 0)
    assumptions.push(
      `none of the ${open.length} Pending pod${open.length === 1 ? "" : "s"} can run on a node of this pool (its taints, labels or instance types; podpath's filters on a ${largest.name} node): Karpenter launches nothing for them`,
    );
  const allocatable = new Map(types.map((t) => [t, resourcesOf(pool, t)]));
  const fits = (t: Ec2InstanceType, sum: Requests, pods: number) => holds(allocatable.get(t)!.allocatable, sum, pods);
  // scheduler.go: the limits left, less the capacity of the pool's nodes (calculateExistingNodeClaims)
  const remaining: Requests = {};
  const used = poolUsage(snapshot, pool);
  for (const [k, limit] of Object.entries(pool.limits)) remaining[k] = limit - (used[k] ?? 0);
  const withinRemaining = (t: Ec2InstanceType) =>
    Object.entries(remaining).every(
      ([k, left]) => (k === "nodes" ? 1 : (allocatable.get(t)!.capacity[k] ?? 0)) <= left,
    );
  const claims: Claim[] = [];
  const notLaunched: { pod: string; reason: string }[] = [];
  for (const c of candidates) {
    // scheduler.go add: the in-flight node claims with the fewest pods first
    const claim = [...claims]
      .sort((a, b) => a.pods.length - b.pods.length)
      .find((cl) => {
        const sum = { ...cl.sum };
        addTo(sum, c.requests);
        return cl.options.some((t) => fits(t, sum, overheadPods + cl.pods.length + 1));
      });
    if (claim) {
      addTo(claim.sum, c.requests);
      claim.pods.push(c);
      claim.options = claim.options.filter((t) => fits(t, claim.sum, overheadPods + claim.pods.length));
      continue;
    }
    // scheduler.go newNode: the types within the limits left (filterByRemainingResources) that hold the pod
    const sum = { ...overhead };
    addTo(sum, c.requests);
    const holding = types.filter((t) => fits(t, sum, overheadPods + 1));
    const options = holding.filter(withinRemaining);
    if (options.length === 0) {
      const big = allocatable.get(largest)!.allocatable;
      notLaunched.push({
        pod: c.pod,
        reason:
          holding.length > 0
            ? `every allowed type that holds it would exceed the NodePool's limits (${Object.entries(pool.limits)
                .map(
                  ([k, v]) =>
                    `${k} ${k === "nodes" ? v : formatQuantity(k, v)}, ${k === "nodes" ? Math.max(0, v - (remaining[k] ?? 0)) : formatQuantity(k, Math.max(0, v - (remaining[k] ?? 0)))} taken`,
                )
                .join("; ")})`
            : `no allowed instance type holds it with the DaemonSet pods (requests ${Object.entries(c.requests)
                .filter(([, v]) => v > 0)
                .map(([k, v]) => `${k} ${formatQuantity(k, v)}`)
                .join(
                  ", ",
                )}; the largest, ${largest.name}, has ${formatQuantity("cpu", big["cpu"] ?? 0)} cpu and ${formatQuantity("memory", big["memory"] ?? 0)} memory allocatable)`,
      });
      continue;
    }
    claims.push({ pods: [c], sum, options });
    // subtractMax: pessimistically the largest capacity among the claim's options
    for (const k of Object.keys(remaining))
      remaining[k]! -= Math.max(...options.map((t) => (k === "nodes" ? 1 : (allocatable.get(t)!.capacity[k] ?? 0))));
  }
  // each claim launches the cheapest of its options: the smallest (options are smallest first)
  const nodes: Node[] = [];
  const launches: NodePoolLaunch[] = [];
  for (const claim of claims) {
    const t = claim.options[0]!;
    const name = `${pool.name}-${nodes.length + 1}`;
    nodes.push(nodePoolNode(pool, t, name));
    launches.push({ node: name, instanceType: t.name, pods: claim.pods.map((c) => c.pod) });
    for (const c of claim.pods) taken.add(c.key);
  }
  return { nodes, view: view(nodes, launches, notLaunched) };
}
