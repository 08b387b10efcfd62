import type { Namespace, Pod, PodSpec } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { nonZeroRequests, podRequests } from "./requests.js";
import { DEFAULT_BEHAVIOUR, type VersionBehaviour } from "./version.js";
import type { ClusterView, HostPort, NodeInfo, PlacedPod } from "./types.js";
import { workloadKey } from "./workload-key.js";

/**
 * The host ports a pod takes (scheduler/util GetHostPorts: the app containers and the restartable
 * init containers; 0.0.0.0 when no hostIP). A plain init container's ports are free again once
 * it has run.
 */
export function hostPorts(spec: PodSpec): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...spec.initContainers.filter((i) => i.restartPolicy === "Always"), ...spec.containers]) {
    for (const p of c.ports)
      if (p.hostPort) out.push({ protocol: p.protocol, hostIP: p.hostIP ?? "0.0.0.0", port: p.hostPort });
  }
  return out;
}

export function placedPod(
  owner: string,
  name: string,
  namespace: string,
  labels: PlacedPod["labels"],
  spec: PodSpec,
  nodeName: string,
  terminating = false,
): PlacedPod {
  const a = spec.affinity;
  return {
    terminating,
    requests: podRequests(spec),
    nonZeroRequests: nonZeroRequests(spec),
    owner,
    name,
    namespace,
    labels,
    nodeName,
    requiredAffinity: a.podAffinity?.required ?? [],
    requiredAntiAffinity: a.podAntiAffinity?.required ?? [],
    preferredAffinity: a.podAffinity?.preferred ?? [],
    preferredAntiAffinity: a.podAntiAffinity?.preferred ?? [],
    hostPorts: hostPorts(spec),
  };
}

/** A node with nothing on it yet. */
export function emptyNodeInfo(node: NodeInfo["node"]): NodeInfo {
  return {
    node,
    name: node.name,
    labels: node.labels,
    allocatable: node.allocatable,
    requested: {},
    nonZeroRequested: { cpu: 0, memory: 0 },
    pods: [],
  };
}

/**
 * A derived index the snapshot keeps fresh: told of every pod bound (`bound`, with the node's
 * position in `ClusterSnapshot.nodes`). An unbind drops it (it is built afresh at its next use).
 */
export interface BindListener {
  bound(at: number, node: NodeInfo, pod: PlacedPod): void;
}

/**
 * The cluster the placement plugins read: the nodes with the pods on them, the namespaces, and
 * every index derived from them. After kube-scheduler's snapshot of `NodeInfo`s
 * (pkg/scheduler/framework/types.go NodeInfo: a node, its pods, their summed requests, a
 * Generation bumped on each change) with per-plugin state beside it (cycle_state.go CycleState:
 * a store keyed per plugin), and cluster-autoscaler's ClusterSnapshot
 * (cluster-autoscaler/simulator/clustersnapshot/clustersnapshot.go: SchedulePod/UnschedulePod —
 * AddPod/RemovePod in older releases — as the only way pods change, Fork/Revert/Commit for
 * what-ifs; here the one what-if placement asks is `withoutOwner`, a view that leaves one
 * workload's own pods out, without copying or changing the snapshot).
 *
 * `bind` and `unbind` are the only way pods change: they update the node's requests, bump
 * `generation`, and keep every derived index fresh — the indexes in the keyed store (`index`) are
 * told of each bind (incrementally) and dropped on an unbind. What depends on the nodes only (node
 * labels, images, memos over immutable specs) lives in `state`.
 */
export class ClusterSnapshot implements ClusterView {
  readonly snapshot = this;
  readonly viewKey = null;
  readonly nodeByName: ReadonlyMap<string, NodeInfo>;
  /** each node's position in `nodes` */
  readonly positionOf: ReadonlyMap<NodeInfo, number>;
  /** bumped by every bind and unbind (NodeInfo.Generation, per snapshot): views drop what they derived from older pods */
  generation = 0;
  private readonly states = new Map<object, unknown>();
  private readonly indexes = new Map<object, BindListener>();
  private readonly listeners: BindListener[] = [];
  /** the last feasible list whose positions were asked (`positions`): the scores of one cycle share it */
  private feasible: readonly NodeInfo[] | undefined;
  private feasibleAt: readonly number[] = [];

  constructor(
    readonly nodes: readonly NodeInfo[],
    /** namespace labels (with kubernetes.io/metadata.name), for namespaceSelector */
    readonly namespaces: ReadonlyMap<string, Namespace> = new Map(),
    /** the Kubernetes version's behaviour the plugins follow (version.ts: its gates and wording) */
    readonly behaviour: VersionBehaviour = DEFAULT_BEHAVIOUR,
  ) {
    this.nodeByName = new Map(nodes.map((n) => [n.name, n]));
    this.positionOf = new Map(nodes.map((n, i) => [n, i]));
  }

  /**
   * The cluster as the snapshot shows it: every node with the requests of the pods bound to it
   * (Succeeded and Failed pods hold nothing), and the namespaces for namespaceSelector.
   */
  static of(snapshot: Snapshot, behaviour?: VersionBehaviour): ClusterSnapshot {
    const nodes = snapshot.kubernetes.nodes.map(emptyNodeInfo);
    const cluster = new ClusterSnapshot(
      nodes,
      new Map<string, Namespace>(snapshot.kubernetes.namespaces.map((n) => [n.name, n])),
      behaviour,
    );
    for (const pod of snapshot.kubernetes.pods) {
      if (!isActive(pod)) continue;
      const node = cluster.nodeByName.get(pod.nodeName!);
      if (!node) continue;
      const owner = pod.owner
        ? workloadKey(pod.owner)
        : workloadKey({ kind: "Pod", namespace: pod.namespace, name: pod.name });
      cluster.bind(
        node,
        placedPod(owner, pod.name, pod.namespace, pod.labels, pod.spec, node.name, pod.deletionTimestamp !== undefined),
      );
    }
    return cluster;
  }

  /** Binds a pod to a node (AddPod): its requests added, every index told. */
  bind(node: NodeInfo, pod: PlacedPod): void {
    for (const key in pod.requests) node.requested[key] = (node.requested[key] ?? 0) + pod.requests[key]!;
    node.requested["pods"] = (node.requested["pods"] ?? 0) + 1;
    node.nonZeroRequested.cpu += pod.nonZeroRequests.cpu;
    node.nonZeroRequested.memory += pod.nonZeroRequests.memory;
    node.pods.push(pod);
    this.generation++;
    if (this.indexes.size === 0 && this.listeners.length === 0) return;
    const at = this.positionOf.get(node)!;
    for (const index of this.indexes.values()) index.bound(at, node, pod);
    for (const listener of this.listeners) listener.bound(at, node, pod);
  }

  /** Takes a pod off its node (RemovePod, a what-if); false when it is not there. The indexes are built afresh at their next use. */
  unbind(node: NodeInfo, pod: PlacedPod): boolean {
    const at = node.pods.indexOf(pod);
    if (at < 0) return false;
    for (const key in pod.requests) node.requested[key] = (node.requested[key] ?? 0) - pod.requests[key]!;
    node.requested["pods"] = (node.requested["pods"] ?? 0) - 1;
    node.nonZeroRequested.cpu -= pod.nonZeroRequests.cpu;
    node.nonZeroRequested.memory -= pod.nonZeroRequests.memory;
    node.pods.splice(at, 1);
    this.generation++;
    this.indexes.clear();
    return true;
  }

  /** What depends only on the nodes (never on their pods), built on first use: one slot per key. */
  state<T>(key: object, build: () => T): T {
    let value = this.states.get(key) as T | undefined;
    if (value === undefined) this.states.set(key, (value = build()));
    return value;
  }

  /** An index over the pods, built on first use and told of every bind; an unbind drops it. */
  index<T extends BindListener>(key: object, build: () => T): T {
    let value = this.indexes.get(key) as T | undefined;
    if (value === undefined) this.indexes.set(key, (value = build()));
    return value;
  }

  /** Tells `listener` of every bind until the returned function is called (the simulation's own tables). */
  listen(listener: BindListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** The positions in `nodes` of a list of feasible nodes (kept for the last list asked: the score plugins of one cycle share it). */
  positions(feasible: readonly NodeInfo[], known?: readonly number[]): readonly number[] {
    if (known) {
      this.feasible = feasible;
      this.feasibleAt = known;
    } else if (this.feasible !== feasible) {
      this.feasible = feasible;
      this.feasibleAt = feasible.map((node) => this.positionOf.get(node) ?? -1);
    }
    return this.feasibleAt;
  }

  counts(_pod: PlacedPod): boolean {
    return true;
  }

  podsOn(node: NodeInfo): readonly PlacedPod[] {
    return node.pods;
  }

  requestedOn(node: NodeInfo): Readonly<Record<string, number>> {
    return node.requested;
  }

  /** The nodes holding pods of each workload (owner → nodes), kept fresh as pods are bound. */
  nodesOfOwner(owner: string): ReadonlySet<NodeInfo> | undefined {
    return this.index(OWNER_NODES, () => new OwnerNodes(this.nodes)).byOwner.get(owner);
  }

  /** The same cluster seen without one workload's own pods (feasibility: "could it land here?"). */
  withoutOwner(owner: string): ClusterView {
    return new WithoutOwner(this, owner);
  }
}

/**
 * A view of a snapshot without one workload's own pods (feasibility asks "could a pod of this
 * workload land here?": its own pods would otherwise conflict with themselves). Shares the
 * snapshot's state and indexes; what depends on the excluded owner is kept per view (`index`,
 * the nodes holding its pods), and dropped when the snapshot's pods changed since. The plugins
 * never see the owner: they ask `counts`, `podsOn`, `requestedOn`, and key their states by `viewKey`.
 */
class WithoutOwner implements ClusterView {
  readonly viewKey: string;
  readonly nodes: readonly NodeInfo[];
  readonly nodeByName: ReadonlyMap<string, NodeInfo>;
  readonly namespaces: ReadonlyMap<string, Namespace>;
  private readonly own = new Map<object, unknown>();
  private generation: number;
  /** the nodes holding the excluded workload's pods, as of `generation` (undefined: not looked up yet) */
  private ownNodes: ReadonlySet<NodeInfo> | null | undefined;

  constructor(
    readonly snapshot: ClusterSnapshot,
    private readonly excludeOwner: string,
  ) {
    this.viewKey = excludeOwner;
    this.nodes = snapshot.nodes;
    this.nodeByName = snapshot.nodeByName;
    this.namespaces = snapshot.namespaces;
    this.generation = snapshot.generation;
  }

  index<T extends BindListener>(key: object, build: () => T): T {
    this.follow();
    let value = this.own.get(key) as T | undefined;
    if (value === undefined) this.own.set(key, (value = build()));
    return value;
  }

  /** Drops what was derived from the snapshot's pods when they changed since. */
  private follow(): void {
    if (this.generation === this.snapshot.generation) return;
    this.own.clear();
    this.ownNodes = undefined;
    this.generation = this.snapshot.generation;
  }

  counts(pod: PlacedPod): boolean {
    return pod.owner !== this.excludeOwner;
  }

  podsOn(node: NodeInfo): readonly PlacedPod[] {
    return node.pods.filter((p) => p.owner !== this.excludeOwner);
  }

  /** The node's requests less the excluded workload's own pods (looked for only on the nodes that hold some). */
  requestedOn(node: NodeInfo): Readonly<Record<string, number>> {
    this.follow();
    if (this.ownNodes === undefined) this.ownNodes = this.snapshot.nodesOfOwner(this.excludeOwner) ?? null;
    if (this.ownNodes === null || !this.ownNodes.has(node)) return node.requested;
    const out = { ...node.requested };
    for (const p of node.pods) {
      if (p.owner !== this.excludeOwner) continue;
      for (const key in p.requests) out[key] = (out[key] ?? 0) - p.requests[key]!;
      out["pods"] = (out["pods"] ?? 0) - 1;
    }
    return out;
  }
}

/** The nodes holding pods of each workload: feasibility asks it once per workload instead of scanning every node's pods per node. */
class OwnerNodes implements BindListener {
  readonly byOwner = new Map<string, Set<NodeInfo>>();

  constructor(nodes: readonly NodeInfo[]) {
    for (const node of nodes) for (const p of node.pods) this.add(p.owner, node);
  }

  bound(_at: number, node: NodeInfo, pod: PlacedPod): void {
    this.add(pod.owner, node);
  }

  private add(owner: string, node: NodeInfo): void {
    let set = this.byOwner.get(owner);
    if (!set) this.byOwner.set(owner, (set = new Set()));
    set.add(node);
  }
}

const OWNER_NODES = {};

function isActive(pod: Pod): boolean {
  return pod.nodeName !== undefined && pod.phase !== "Succeeded" && pod.phase !== "Failed";
}
