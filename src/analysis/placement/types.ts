import type {
  Labels,
  Namespace,
  Node,
  Pod,
  PodAffinityTerm,
  PodSpec,
  ResourceList,
  Workload,
} from "../../model/kubernetes.js";
import type { SourceRef } from "../../model/source.js";
import type { BindListener, ClusterSnapshot } from "./cluster-snapshot.js";

/** The kube-scheduler plugins podpath runs (default profile, v1.28+). */
export type PluginName =
  | "NodeUnschedulable"
  | "NodeName"
  | "TaintToleration"
  | "NodeAffinity"
  | "NodePorts"
  | "NodeResourcesFit"
  | "PodTopologySpread"
  | "InterPodAffinity";

/** Why a node cannot take a pod: the plugin, its own wording, and the object that decided. */
export interface Rejection {
  readonly plugin: PluginName;
  /** the scheduler's message, word for word ("node(s) had untolerated taint {key: value}") */
  readonly message: string;
  /** the object behind the verdict: the taint, the nodeSelector, the affinity term, … */
  readonly source: SourceRef | undefined;
  /** podpath's own explanation, when the message alone does not say enough */
  readonly detail?: string;
  /** PodTopologySpread's skew rejection: the counts it compared (podtopologyspread/filter.ts) */
  readonly spread?: SpreadCounts;
}

/**
 * The arithmetic behind a PodTopologySpread rejection (kube-scheduler plugins/podtopologyspread
 * filtering.go Filter): matching pods in the node's domain + the pod itself − the global minimum
 * over the eligible domains = skew, compared with maxSkew.
 */
export interface SpreadCounts {
  readonly topologyKey: string;
  /** the node's domain (its topologyKey value) */
  readonly domain: string;
  /** pods matching the constraint's selector in the node's domain, before this pod */
  readonly matching: number;
  /** 1 when the pod matches its own selector (it adds itself), else 0 */
  readonly selfMatch: number;
  /** the fewest matching pods in an eligible domain (0 when fewer than minDomains domains are eligible) */
  readonly globalMinimum: number;
  readonly skew: number;
  readonly maxSkew: number;
  readonly minDomains: number;
  /** how many domains the node inclusion policies keep eligible */
  readonly eligibleDomains: number;
  /** the eligible domains holding the global minimum (at most 10), by name */
  readonly minimumDomains: readonly string[];
  /** nodeAffinityPolicy and nodeTaintsPolicy as applied (defaults: Honor, Ignore) */
  readonly nodeAffinityPolicy: "Honor" | "Ignore";
  readonly nodeTaintsPolicy: "Honor" | "Ignore";
  /** why a minimum domain counts though the pod could not land there (a default policy), in words */
  readonly notes: readonly string[];
}

/** One pod the analysis places: a replica of a workload, or a DaemonSet's pod for one node. */
export interface PodToPlace {
  readonly workload: Workload;
  /** `Kind/namespace/name` of the workload */
  readonly owner: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** the spec the scheduler sees: the DaemonSet controller's tolerations and node affinity added */
  readonly spec: PodSpec;
  /** effective requests (component-helpers PodRequests): containers, init containers, sidecars, overhead */
  readonly requests: ResourceList;
  /** cpu and memory as scoring counts them: 100m / 200Mi for a container that requests none */
  readonly nonZeroRequests: { readonly cpu: number; readonly memory: number };
  /** the observed Pod this stands for, when the snapshot has it */
  readonly observed: Pod | undefined;
  /** for a DaemonSet's pod: the node it is made for */
  readonly daemonNode: string | undefined;
}

/** A pod already on a node (observed, or placed by the simulation): what other pods' rules see. */
export interface PlacedPod {
  /** `Kind/namespace/name` of the owning workload, or of the pod itself when it has none */
  readonly owner: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly nodeName: string;
  /** required anti-affinity terms of the pod (existing pods' anti-affinity is checked against newcomers) */
  readonly requiredAntiAffinity: readonly PodAffinityTerm[];
  readonly requiredAffinity: readonly PodAffinityTerm[];
  readonly preferredAffinity: readonly { readonly weight: number; readonly term: PodAffinityTerm }[];
  readonly preferredAntiAffinity: readonly { readonly weight: number; readonly term: PodAffinityTerm }[];
  readonly hostPorts: readonly HostPort[];
  /** what the pod holds on its node */
  readonly requests: Readonly<Record<string, number>>;
  readonly nonZeroRequests: { readonly cpu: number; readonly memory: number };
  /**
   * metadata.deletionTimestamp is set: the pod still holds its requests and host ports (NodeInfo
   * keeps it), but PodTopologySpread does not count it (podtopologyspread/common.go
   * countPodsMatchSelector: "Bypass terminating Pod").
   */
  readonly terminating: boolean;
}

export interface HostPort {
  readonly protocol: string;
  readonly hostIP: string;
  readonly port: number;
}

/** A node with what is already on it. Mutable: the simulation adds the pods it places. */
export interface NodeInfo {
  readonly node: Node;
  readonly name: string;
  readonly labels: Labels;
  readonly allocatable: ResourceList;
  /** sum of the requests of the pods on the node */
  readonly requested: Record<string, number>;
  /** cpu and memory with the non-zero defaults, for scoring */
  readonly nonZeroRequested: { cpu: number; memory: number };
  readonly pods: PlacedPod[];
}

/**
 * Everything filters and scores may consult about the cluster: a `ClusterSnapshot`
 * (cluster-snapshot.ts), or a view of one without a workload's own pods (`withoutOwner`).
 */
export interface ClusterView {
  /** the snapshot the view is of (itself, for the snapshot): its nodes-only state and shared indexes */
  readonly snapshot: ClusterSnapshot;
  readonly nodes: readonly NodeInfo[];
  readonly nodeByName: ReadonlyMap<string, NodeInfo>;
  /** namespace labels (with kubernetes.io/metadata.name), for namespaceSelector */
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /**
   * Feasibility asks "could a pod of this workload land here?" through a view that leaves the
   * workload's own pods out (they would otherwise conflict with themselves: a DaemonSet's
   * hostPort, a replica's anti-affinity); the simulation asks the snapshot itself, where earlier
   * replicas count. Plugins see only what the view counts: `counts`, `podsOn`, `requestedOn`.
   * `viewKey` names the view (null: the whole snapshot) for the states kept with the snapshot's
   * shared indexes: a state that counts pods must have it in its key.
   */
  readonly viewKey: string | null;
  /** whether a pod on a node counts in this view */
  counts(pod: PlacedPod): boolean;
  /** the pods on a node that count in this view */
  podsOn(node: NodeInfo): readonly PlacedPod[];
  /** the requests of the pods on a node that count in this view, and their number as `pods` */
  requestedOn(node: NodeInfo): Readonly<Record<string, number>>;
  /** an index over the pods as this view sees them, built on first use and kept fresh as pods are bound */
  index<T extends BindListener>(key: object, build: () => T): T;
}

/**
 * A Filter extension point: returns the reasons the node is rejected (empty: it fits).
 * `prepare` is PreFilter: state computed once per pod over the whole cluster.
 */
export interface FilterPlugin<State = undefined> {
  readonly name: PluginName;
  prepare?(pod: PodToPlace, cluster: ClusterView): State;
  filter(pod: PodToPlace, node: NodeInfo, cluster: ClusterView, state: State): readonly Rejection[];
  /**
   * Filter's verdict alone: true exactly when `filter` returns no rejection. For callers that need
   * no reasons (the simulation's walk over thousands of nodes per pod); `filter` is used when absent.
   */
  passes?(pod: PodToPlace, node: NodeInfo, cluster: ClusterView, state: State): boolean;
  /**
   * Present on a static filter: one whose verdict depends only on the node's own fields (its name,
   * labels, taints, spec.unschedulable) and on the parts of the pod's spec this key captures —
   * never on the pods placed, the cluster or the PreFilter state (it has no `prepare`). Two specs
   * with the same key are rejected by the same nodes (the reasons may name different sources), so
   * callers may keep its verdict per node and key: the simulation judges each node once per
   * distinct key, not once per pod.
   */
  staticKey?(spec: PodSpec): string;
  /**
   * Set when `prepare` returns undefined only for a pod the filter has nothing to check (the
   * scheduler's PreFilter Skip): `filter` then passes every node, and callers may leave it out.
   */
  readonly skipsWithoutState?: true;
  /**
   * A verdict the simulation may compute itself from flat per-node tables it keeps current across
   * binds, without calling `filter` (it runs on the whole snapshot, no workload left out):
   * "fit" — fit.go fitsRequest: room for one more pod, each requested resource against
   * allocatable minus requested; "ports" — nodeports: no host port the pod wants (the PreFilter
   * state, a HostPort list) conflicts with one a pod on the node takes. The plugin's `filter` must
   * give the same verdict.
   */
  readonly fastPath?: "fit" | "ports";
}

/** The score plugins of the default profile (pkg/scheduler/apis/config/v1/default_plugins.go). */
export type ScorePluginName =
  | "TaintToleration"
  | "NodeAffinity"
  | "NodeResourcesFit"
  | "NodeResourcesBalancedAllocation"
  | "ImageLocality"
  | "InterPodAffinity"
  | "PodTopologySpread";

/**
 * A Score extension point: `prepare` is PreScore (once per pod, over the feasible nodes),
 * `score` the raw score of one node, `normalize` NormalizeScore (in place, to 0..100).
 * The framework multiplies each plugin's normalized score by its weight and sums them.
 */
export interface ScorePlugin<State = undefined> {
  readonly name: ScorePluginName;
  readonly weight: number;
  prepare?(pod: PodToPlace, feasible: readonly NodeInfo[], cluster: ClusterView): State;
  score(pod: PodToPlace, node: NodeInfo, cluster: ClusterView, state: State): number;
  normalize?(scores: number[], pod: PodToPlace, state: State): void;
  /**
   * What the plugin counted for `node`, in words, for why-here (called for the chosen node and the
   * runner-up only, after scoring, before the pod is bound); undefined when there is nothing to say.
   */
  explain?(pod: PodToPlace, node: NodeInfo, cluster: ClusterView, state: State): string | undefined;
}
