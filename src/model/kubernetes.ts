import type { AlbAnnotationIssue } from "./annotations.js";
import type { SourceRef } from "./source.js";

/**
 * The vendor-independent view of a Kubernetes cluster. Adapters below (src/load/kubernetes)
 * convert `kubectl get -o yaml/json` and manifests into these types; analyses above read only
 * these. Quantities are numbers: cpu in millicores, memory and storage in bytes, everything else
 * in units.
 */

export type Labels = Readonly<Record<string, string>>;

/** A named resource quantity map, already parsed: `cpu` in millicores, `memory` in bytes. */
export type ResourceList = Readonly<Record<string, number>>;

export interface ObjectRef {
  readonly kind: string;
  /** undefined for cluster-scoped objects */
  readonly namespace: string | undefined;
  readonly name: string;
}

export interface ObjectMeta extends ObjectRef {
  readonly apiVersion: string;
  readonly labels: Labels;
  /** Annotation values are kept, except that podpath never prints anything from Secrets. */
  readonly annotations: Labels;
  readonly uid: string | undefined;
  readonly ownerReferences: readonly OwnerReference[];
  /**
   * The name of a controller owner reference that lacks its kind (the API server rejects it:
   * apimachinery ValidateOwnerReferences requires apiVersion, kind, name and uid, but hand-written
   * manifests have them). Not in `ownerReferences`, so nothing resolves it to an object; only
   * connlist groups pods by it, as netpol-analyzer does (its peer kind is then `Pod`).
   */
  readonly kindlessController?: string;
  readonly source: SourceRef;
}

export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly uid: string | undefined;
  readonly controller: boolean;
}

// ---------------------------------------------------------------------------------------------
// Selectors

export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** metav1.LabelSelector. `null` where the API distinguishes "absent" (selects nothing). */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export type NodeSelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: NodeSelectorOperator;
  readonly values: readonly string[];
}

export interface NodeSelectorTerm {
  readonly matchExpressions: readonly NodeSelectorRequirement[];
  readonly matchFields: readonly NodeSelectorRequirement[];
  readonly source: SourceRef;
}

// ---------------------------------------------------------------------------------------------
// Nodes

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: TaintEffect;
  readonly source: SourceRef;
}

export interface NodeAddress {
  readonly type: string;
  readonly address: string;
}

/** Calico's per-node overlay addresses, from its node annotations. */
export interface OverlayAddresses {
  /** projectcalico.org/IPv4VXLANTunnelAddr */
  readonly vxlan: string | undefined;
  /** projectcalico.org/IPv4IPIPTunnelAddr */
  readonly ipip: string | undefined;
  /** projectcalico.org/IPv4WireguardInterfaceAddr */
  readonly wireguard: string | undefined;
  /** projectcalico.org/IPv4Address: the address Calico uses for the node, with its prefix */
  readonly nodeAddress: string | undefined;
}

export interface Node {
  readonly meta: ObjectMeta;
  readonly name: string;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  /**
   * status.conditions[type=Ready].status; undefined when the node object has no Ready condition
   * (a manifest, or a capture without status). Optional: analyses that predate it build nodes
   * without it.
   */
  readonly ready?: "True" | "False" | "Unknown" | undefined;
  readonly allocatable: ResourceList;
  readonly capacity: ResourceList;
  readonly addresses: readonly NodeAddress[];
  readonly internalIP: string | undefined;
  readonly externalIP: string | undefined;
  readonly providerID: string | undefined;
  /**
   * The EC2 instance the loader joined this node to (load/joins.ts: spec.providerID, else a
   * unique InternalIP = private IP, else the Name tag); undefined when none matched or the
   * snapshot has no instances. The one node ↔ instance join: analyses read this, not `Snapshot.joins`.
   */
  readonly instanceId?: string | undefined;
  readonly podCIDRs: readonly string[];
  readonly overlay: OverlayAddresses;
  /** images present on the node with their sizes in bytes (for ImageLocality scoring) */
  readonly images: readonly { readonly names: readonly string[]; readonly sizeBytes: number }[];
  /**
   * status.nodeInfo.kubeletVersion as the kubelet reports it ("v1.30.4-eks-a737599") and where it
   * is written; undefined when absent (a manifest, a capture without status). Placement reads the
   * cluster's Kubernetes version from it (analysis/placement/version.ts).
   */
  readonly kubeletVersion?: { readonly version: string; readonly source: SourceRef } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Pod specs

export type TolerationOperator = "Equal" | "Exists";

export interface Toleration {
  /** empty with operator Exists tolerates every key */
  readonly key: string;
  readonly operator: TolerationOperator;
  readonly value: string;
  /** empty tolerates every effect */
  readonly effect: TaintEffect | "";
  readonly tolerationSeconds: number | undefined;
  readonly source: SourceRef;
}

export type Protocol = "TCP" | "UDP" | "SCTP";

export interface ContainerPort {
  readonly name: string | undefined;
  readonly containerPort: number;
  readonly hostPort: number | undefined;
  readonly hostIP: string | undefined;
  readonly protocol: Protocol;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly requests: ResourceList;
  readonly limits: ResourceList;
  readonly ports: readonly ContainerPort[];
  /** "Always" on an init container makes it a restartable sidecar (KEP-753) */
  readonly restartPolicy: string | undefined;
  /** Names of environment variables, in order. Values are never kept: they may be secrets. */
  readonly envNames: readonly string[];
  /** Plain values of a few env vars analyses need (CNI settings); never printed in reports. */
  readonly envValues: Readonly<Record<string, string>>;
  /** Where each of those few env vars is set (the `- name:` entry), for citing it. */
  readonly envSources?: Readonly<Record<string, SourceRef>>;
  /** Those of the few env vars set by valueFrom: where the value comes from ("ConfigMap calico-config key …"); the value itself is not in the snapshot. */
  readonly envFrom?: Readonly<Record<string, string>>;
  /** Service-like hosts its env values, args and command name (load/kubernetes/host-references.ts): the match only, never the value. */
  readonly hostReferences?: readonly HostReference[];
  /** the ConfigMaps it reads by envFrom, configMapKeyRef or a mounted volume (set only when there are some) */
  readonly configMapUses?: readonly ConfigMapUse[];
}

/**
 * A ConfigMap, as far as `podpath intended` needs it: the Service-like hosts its `data` values
 * name (load/kubernetes/host-references.ts), `where` being `ConfigMap NAME key KEY`. Nothing else
 * of its data is kept.
 */
export interface ConfigMapReferences {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  /** per data key */
  readonly references: readonly (HostReference & { readonly key: string })[];
}

/** A ConfigMap a container reads: `envFrom`, an env `configMapKeyRef` (one key) or a mounted volume. */
export interface ConfigMapUse {
  readonly name: string;
  /** only this key (configMapKeyRef, or a volume's `items`); undefined: every key */
  readonly keys: readonly string[] | undefined;
  /** `envFrom`, `env NAME`, `volume NAME` */
  readonly via: string;
  readonly source: SourceRef;
}

/** A `host[:port]` a container's configuration names, and where (`env AMQP_URL`, `args[2]`). */
export interface HostReference {
  /** the match as written: `rabbitmq.messaging.svc.cluster.local:5672` */
  readonly text: string;
  /** lower-cased host */
  readonly host: string;
  readonly port: number | undefined;
  /** the URL scheme when the host is a URL's */
  readonly scheme: string | undefined;
  /** `env NAME`, `args[i]`, `command[i]` */
  readonly where: string;
  readonly source: SourceRef;
}

export interface NodeAffinity {
  /** requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms (ORed); null when absent */
  readonly required: readonly NodeSelectorTerm[] | null;
  readonly preferred: readonly { readonly weight: number; readonly preference: NodeSelectorTerm }[];
}

export interface PodAffinityTerm {
  /** null: the term selects no pods */
  readonly labelSelector: LabelSelector | null;
  /** empty list and null selector: the pod's own namespace */
  readonly namespaces: readonly string[];
  readonly namespaceSelector: LabelSelector | null;
  readonly topologyKey: string;
  readonly matchLabelKeys: readonly string[];
  readonly mismatchLabelKeys: readonly string[];
  readonly source: SourceRef;
}

export interface WeightedPodAffinityTerm {
  readonly weight: number;
  readonly term: PodAffinityTerm;
}

export interface PodAffinity {
  readonly required: readonly PodAffinityTerm[];
  readonly preferred: readonly WeightedPodAffinityTerm[];
}

export interface Affinity {
  readonly nodeAffinity: NodeAffinity | undefined;
  readonly podAffinity: PodAffinity | undefined;
  readonly podAntiAffinity: PodAffinity | undefined;
}

export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  readonly labelSelector: LabelSelector | null;
  readonly minDomains: number | undefined;
  readonly nodeAffinityPolicy: "Honor" | "Ignore" | undefined;
  readonly nodeTaintsPolicy: "Honor" | "Ignore" | undefined;
  readonly matchLabelKeys: readonly string[];
  readonly source: SourceRef;
}

export interface PodSpec {
  readonly nodeName: string | undefined;
  readonly nodeSelector: Labels;
  /** where the nodeSelector is written (the spec's position when it has none) */
  readonly nodeSelectorSource: SourceRef;
  readonly affinity: Affinity;
  readonly tolerations: readonly Toleration[];
  readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
  readonly overhead: ResourceList;
  readonly schedulerName: string;
  readonly priorityClassName: string | undefined;
  readonly priority: number | undefined;
  readonly hostNetwork: boolean;
  readonly serviceAccountName: string | undefined;
  readonly source: SourceRef;
  /** spec.resources: pod-level requests and limits (PodLevelResources, beta and on by default from v1.34) */
  readonly resources?: { readonly requests: ResourceList; readonly limits: ResourceList } | undefined;
  /** spec.runtimeClassName: the RuntimeClass admission reads its overhead and scheduling from */
  readonly runtimeClassName?: string | undefined;
  /** spec.preemptionPolicy: set by Priority admission from the PriorityClass */
  readonly preemptionPolicy?: string | undefined;
}

export interface PodTemplate {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly spec: PodSpec;
}

// ---------------------------------------------------------------------------------------------
// Workloads and pods

export type WorkloadKind =
  "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "Pod" | "ReplicationController";

/** What podpath knows of a workload the snapshot lacks, from its pods' owner references. */
export interface KnownFromPods {
  /** the observed pods that name it (directly, or through an inferred ReplicaSet) */
  readonly pods: number;
  /** the pod whose spec stands for the template (the other pods' specs may differ) */
  readonly templateFrom: string;
  /**
   * How the owner was found when the pods do not name it directly: "ReplicaSet x-5d8f7 →
   * Deployment x by the Deployment controller's naming (pod-template-hash)"; undefined when
   * the owner reference names it.
   */
  readonly inferredVia: string | undefined;
}

export interface Workload {
  readonly meta: ObjectMeta;
  /** a controller kind podpath models, or the kind of an owner known only from pods (an operator's CR) */
  readonly kind: WorkloadKind | (string & {});
  readonly namespace: string;
  readonly name: string;
  /**
   * How many pods it asks for: replicas (Deployment, ReplicaSet, StatefulSet), parallelism
   * (Job, CronJob's job template), 1 (bare Pod). null for a DaemonSet: one pod per eligible node.
   */
  readonly replicas: number | null;
  readonly selector: LabelSelector | null;
  readonly template: PodTemplate;
  /**
   * Set when podpath derived this workload from another object rather than reading it: the
   * StatefulSets prometheus-operator creates for Prometheus and Alertmanager resources.
   */
  readonly generatedFrom: ObjectRef | undefined;
  /** The StatefulSet's serviceName, where it has one. */
  readonly serviceName: string | undefined;
  /**
   * Set when the snapshot has the workload's pods but not the workload (a `kubectl get
   * nodes,pods` dump): replicas is then the number of live pods seen (the real count is
   * unknown) and the template is one pod's spec.
   */
  readonly knownFromPods?: KnownFromPods;
  /** What the controller stamps on the pods it creates, as the snapshot shows it (Deployment, StatefulSet). */
  readonly revision?: WorkloadRevision;
}

/**
 * The revision a controller builds new pods from, read from the snapshot (never computed: the
 * hashes are of Go-serialised objects). Deployment: its new ReplicaSet's pod-template-hash
 * (the ReplicaSet it controls whose deployment.kubernetes.io/revision annotation is the
 * Deployment's); StatefulSet: status.currentRevision / updateRevision, the rolling update's
 * partition and spec.ordinals.start.
 */
export interface WorkloadRevision {
  readonly podTemplateHash?: {
    readonly value: string;
    readonly replicaSet: string;
    readonly revision: string;
    readonly source: SourceRef;
  };
  /** Deployment status.collisionCount (ComputeHash's second input) */
  readonly collisionCount?: number;
  readonly currentRevision?: string;
  readonly updateRevision?: string;
  readonly partition?: number;
  readonly ordinalsStart?: number;
}

export interface Pod {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly spec: PodSpec;
  /** spec.nodeName: the node the pod was bound to */
  readonly nodeName: string | undefined;
  readonly phase: string | undefined;
  readonly podIP: string | undefined;
  readonly podIPs: readonly string[];
  readonly hostIP: string | undefined;
  readonly ready: boolean;
  /**
   * True when `ready` is assumed: the capture has no status.conditions at all (trimmed), the pod
   * runs and has an IP. Analyses that rely on readiness list it as an assumption.
   */
  readonly readyAssumed?: boolean;
  /** The workload this pod belongs to (resolved through ReplicaSets to Deployments), if known. */
  readonly owner: ObjectRef | undefined;
  /** The controller the owner was reached through (the ReplicaSet of a Deployment's pod), if any. */
  readonly ownedVia: ObjectRef | undefined;
  /**
   * metadata.deletionTimestamp: the pod is terminating (still on its node, holding its requests and
   * ports; PodTopologySpread no longer counts it, controllers no longer count it as a replica).
   * Optional: analyses that predate it build pods without it.
   */
  readonly deletionTimestamp?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Services, endpoints, ingress

export interface ServicePort {
  readonly name: string | undefined;
  readonly protocol: Protocol;
  readonly port: number;
  /** a number or a container port name */
  readonly targetPort: number | string;
  readonly nodePort: number | undefined;
  readonly appProtocol: string | undefined;
}

export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";

export interface Service {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  readonly type: ServiceType;
  /** "None" for headless services, undefined when not yet allocated (a manifest) */
  readonly clusterIP: string | undefined;
  readonly clusterIPs: readonly string[];
  readonly externalIPs: readonly string[];
  readonly externalName: string | undefined;
  readonly ports: readonly ServicePort[];
  /** null: the service has no selector (its endpoints are managed by hand) */
  readonly selector: Labels | null;
  readonly externalTrafficPolicy: "Cluster" | "Local";
  readonly internalTrafficPolicy: "Cluster" | "Local";
  readonly sessionAffinity: string;
  /** spec.publishNotReadyAddresses: DNS (and the EndpointSlice controller) list not-ready endpoints as ready */
  readonly publishNotReadyAddresses?: boolean;
  readonly loadBalancerSourceRanges: readonly string[];
  readonly loadBalancerClass: string | undefined;
  readonly healthCheckNodePort: number | undefined;
  readonly loadBalancerIngress: readonly { readonly ip: string | undefined; readonly hostname: string | undefined }[];
}

export interface EndpointAddress {
  readonly address: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly nodeName: string | undefined;
  readonly zone: string | undefined;
  readonly targetRef: ObjectRef | undefined;
}

export interface EndpointPort {
  readonly name: string | undefined;
  readonly port: number;
  readonly protocol: Protocol;
}

/** An EndpointSlice, or one subset group of a legacy Endpoints object in the same shape. */
export interface EndpointSlice {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  /** label kubernetes.io/service-name, or the Endpoints object's name */
  readonly serviceName: string | undefined;
  readonly addressType: string;
  readonly endpoints: readonly EndpointAddress[];
  readonly ports: readonly EndpointPort[];
}

/** How a service's endpoints were found. */
export type EndpointOrigin = "EndpointSlice" | "Endpoints" | "selector";

export interface ServiceEndpoints {
  readonly service: ObjectRef;
  readonly origin: EndpointOrigin;
  /** For the selector origin, targetRef names the pod and ports resolve per pod. */
  readonly slices: readonly EndpointSlice[];
  /** Pods selected when origin is "selector" (observed pods that are running and have an IP). */
  readonly pods: readonly ObjectRef[];
  /** Of those, the ones whose readiness is assumed (no status.conditions in the capture). */
  readonly assumedReady?: readonly ObjectRef[];
}

export interface IngressBackend {
  readonly service: { readonly name: string; readonly port: number | string } | undefined;
  readonly resource: { readonly kind: string; readonly name: string } | undefined;
}

export interface IngressPath {
  readonly path: string;
  readonly pathType: "Exact" | "Prefix" | "ImplementationSpecific";
  readonly backend: IngressBackend;
  readonly source: SourceRef;
}

export interface IngressRule {
  readonly host: string | undefined;
  readonly paths: readonly IngressPath[];
  readonly source: SourceRef;
}

/**
 * The AWS Load Balancer Controller's `alb.ingress.kubernetes.io/*` annotations, parsed
 * (kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md).
 */
export interface AlbIngressSettings {
  readonly scheme: "internet-facing" | "internal";
  readonly targetType: "instance" | "ip";
  readonly groupName: string | undefined;
  readonly groupOrder: number;
  readonly listenPorts: readonly { readonly protocol: "HTTP" | "HTTPS"; readonly port: number }[];
  readonly sslRedirect: number | undefined;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly manageBackendSecurityGroupRules: boolean | undefined;
  readonly inboundCidrs: readonly string[];
  readonly certificateArns: readonly string[];
  readonly backendProtocol: "HTTP" | "HTTPS";
  readonly healthcheckPath: string | undefined;
  readonly healthcheckPort: string | undefined;
  readonly loadBalancerName: string | undefined;
  readonly ipAddressType: string | undefined;
  /** actions.NAME annotations, raw JSON parsed, keyed by NAME */
  readonly actions: Readonly<Record<string, unknown>>;
  /** conditions.NAME annotations, raw JSON parsed, keyed by NAME */
  readonly conditions: Readonly<Record<string, unknown>>;
  /** annotations that could not be parsed, typed: the controller refuses such an Ingress */
  readonly errors: readonly AlbAnnotationIssue[];
}

export interface Ingress {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  /** spec.ingressClassName, else the kubernetes.io/ingress.class annotation */
  readonly ingressClassName: string | undefined;
  readonly defaultBackend: IngressBackend | undefined;
  readonly rules: readonly IngressRule[];
  readonly tls: readonly { readonly hosts: readonly string[]; readonly secretName: string | undefined }[];
  /** present when any alb.ingress.kubernetes.io annotation is set */
  readonly alb: AlbIngressSettings;
  readonly loadBalancerIngress: readonly { readonly ip: string | undefined; readonly hostname: string | undefined }[];
}

export interface IngressClass {
  readonly meta: ObjectMeta;
  readonly name: string;
  readonly controller: string;
  readonly isDefault: boolean;
  readonly parameters:
    { readonly kind: string; readonly name: string; readonly apiGroup: string | undefined } | undefined;
}

/**
 * route.openshift.io/v1 Route: OpenShift's router (an ingress controller) sends the route's
 * traffic to the Service `to` names and to its `alternateBackends`, at `port.targetPort` (a
 * Service port's name, number or target port; undefined: every port of the Service).
 */
export interface OpenShiftRoute {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  /** `to` first, then `alternateBackends`; kind as written ("" when omitted: a Service) */
  readonly backends: readonly { readonly kind: string; readonly name: string }[];
  readonly targetPort: number | string | undefined;
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy (networking.k8s.io/v1)

export interface NetworkPolicyPort {
  /** default TCP */
  readonly protocol: Protocol;
  /** undefined: every port */
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
}

export interface NetworkPolicyPeer {
  readonly podSelector: LabelSelector | undefined;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly ipBlock: { readonly cidr: string; readonly except: readonly string[] } | undefined;
}

export interface NetworkPolicyRule {
  /** empty: all ports */
  readonly ports: readonly NetworkPolicyPort[];
  /** empty: all peers */
  readonly peers: readonly NetworkPolicyPeer[];
  readonly source: SourceRef;
}

export interface NetworkPolicy {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly ("Ingress" | "Egress")[];
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

// ---------------------------------------------------------------------------------------------
// Cluster-scoped odds and ends

export interface Namespace {
  readonly meta: ObjectMeta;
  readonly name: string;
  /** includes kubernetes.io/metadata.name, as the API server sets it */
  readonly labels: Labels;
  /** true when the snapshot had no Namespace object and podpath assumed one */
  readonly implicit: boolean;
}

export interface PriorityClass {
  readonly meta: ObjectMeta;
  readonly name: string;
  readonly value: number;
  readonly globalDefault: boolean;
  readonly preemptionPolicy: string;
}

/** One item of a LimitRange's spec.limits (core/v1 LimitRangeItem), SetDefaults_LimitRangeItem applied. */
export interface LimitRangeItem {
  /** Container, Pod or PersistentVolumeClaim */
  readonly type: string;
  readonly default: ResourceList;
  readonly defaultRequest: ResourceList;
  readonly max: ResourceList;
  readonly min: ResourceList;
  /** maxLimitRequestRatio, each ratio as written (a plain number: "2" → 2, "1500m" → 1.5), not in model units */
  readonly maxLimitRequestRatio?: ResourceList | undefined;
  readonly source: SourceRef;
}

/** core/v1 LimitRange: what the LimitRanger admission plugin defaults in its namespace. */
export interface LimitRange {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  readonly limits: readonly LimitRangeItem[];
}

/** node.k8s.io/v1 RuntimeClass: the overhead and scheduling RuntimeClass admission adds to a pod. */
export interface RuntimeClass {
  readonly meta: ObjectMeta;
  readonly name: string;
  readonly handler: string;
  /** overhead.podFixed; undefined when the class declares none */
  readonly overhead: ResourceList | undefined;
  readonly overheadSource: SourceRef | undefined;
  /** scheduling.nodeSelector */
  readonly nodeSelector: Labels;
  /** scheduling.tolerations */
  readonly tolerations: readonly Toleration[];
}

/**
 * policy/v1 PodDisruptionBudget: how many of the pods its selector picks may be evicted at once
 * (the eviction API, pkg/registry/core/pod/storage/eviction.go, reads `status.disruptionsAllowed`).
 */
export interface PodDisruptionBudget {
  readonly meta: ObjectMeta;
  readonly namespace: string;
  readonly name: string;
  /** null: no selector, which matches no pod (eviction.go getPodDisruptionBudgets) */
  readonly selector: LabelSelector | null;
  /** an int or a percent ("50%"); undefined when not set */
  readonly minAvailable: number | string | undefined;
  readonly maxUnavailable: number | string | undefined;
  /** IfHealthyBudget (the default) or AlwaysAllow */
  readonly unhealthyPodEvictionPolicy: string | undefined;
  /** the disruption controller's status as captured; undefined when the capture has none */
  readonly status: PodDisruptionBudgetStatus | undefined;
}

export interface PodDisruptionBudgetStatus {
  readonly disruptionsAllowed: number;
  readonly currentHealthy: number;
  readonly desiredHealthy: number;
  readonly expectedPods: number;
}

// ---------------------------------------------------------------------------------------------
// Calico

export type OverlayMode = "Always" | "CrossSubnet" | "Never";

export interface IPPool {
  readonly meta: ObjectMeta;
  readonly name: string;
  readonly cidr: string;
  readonly vxlanMode: OverlayMode;
  readonly ipipMode: OverlayMode;
  readonly natOutgoing: boolean;
  readonly disabled: boolean;
  readonly nodeSelector: string;
  readonly blockSize: number;
  /**
   * Set on a pool the snapshot does not hold but podpath derived (calico-node's default pool from
   * its CALICO_IPV4POOL_* environment): how, in words, for assumptions.
   */
  readonly derived?: string;
}

export interface FelixConfiguration {
  readonly meta: ObjectMeta;
  readonly name: string;
  /** natOutgoingAddress: the source address natOutgoing uses instead of the interface's */
  readonly natOutgoingAddress: string | undefined;
  /** natOutgoingExclusions: IPPoolsOnly (default) or IPPoolsAndHostIPs */
  readonly natOutgoingExclusions: string | undefined;
  readonly vxlanEnabled: boolean | undefined;
  readonly ipipEnabled: boolean | undefined;
  readonly bpfEnabled: boolean | undefined;
}
