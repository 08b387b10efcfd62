import type * as aws from "./aws.js";
import type { Diagnostic } from "./diagnostics.js";
import type * as k8s from "./kubernetes.js";
import type { SourceRef } from "./source.js";

/** A file that went into the snapshot and what it was recognised as. */
export interface SnapshotFile {
  /** as shown to users (see SourceRef.file) */
  readonly path: string;
  readonly format: "yaml" | "json";
  readonly content: "kubernetes" | "aws" | "unrecognised";
  readonly documents: number;
  /** recognised objects per kind, e.g. {"Node": 3} or {"ec2:Subnet": 4} */
  readonly objects: Readonly<Record<string, number>>;
  /** the index file's `namespace:` for objects without one */
  readonly defaultNamespace: string | undefined;
  /** given with --with: its objects are added, or replace their namesakes */
  readonly whatIf: boolean;
}

export interface KubernetesModel {
  readonly namespaces: readonly k8s.Namespace[];
  readonly nodes: readonly k8s.Node[];
  readonly workloads: readonly k8s.Workload[];
  readonly pods: readonly k8s.Pod[];
  readonly services: readonly k8s.Service[];
  readonly endpointSlices: readonly k8s.EndpointSlice[];
  readonly serviceEndpoints: readonly k8s.ServiceEndpoints[];
  readonly ingresses: readonly k8s.Ingress[];
  readonly ingressClasses: readonly k8s.IngressClass[];
  /** OpenShift Routes (route.openshift.io/v1): the ingress controller's targets, for connlist */
  readonly routes: readonly k8s.OpenShiftRoute[];
  readonly networkPolicies: readonly k8s.NetworkPolicy[];
  /** ConfigMaps: only the Service-like hosts their data names (podpath intended) */
  readonly configMaps?: readonly k8s.ConfigMapReferences[];
  readonly priorityClasses: readonly k8s.PriorityClass[];
  /** LimitRanges (core/v1), for LimitRanger admission */
  readonly limitRanges: readonly k8s.LimitRange[];
  /** RuntimeClasses (node.k8s.io/v1), for RuntimeClass admission */
  readonly runtimeClasses: readonly k8s.RuntimeClass[];
  readonly podDisruptionBudgets: readonly k8s.PodDisruptionBudget[];
  readonly ipPools: readonly k8s.IPPool[];
  readonly felixConfigurations: readonly k8s.FelixConfiguration[];
  /** kinds podpath does not model, counted: "rbac.authorization.k8s.io/v1 ClusterRole" → 3 */
  readonly unmodelledKinds: Readonly<Record<string, number>>;
}

export interface AwsModel {
  readonly vpcs: readonly aws.Vpc[];
  readonly subnets: readonly aws.Subnet[];
  readonly routeTables: readonly aws.RouteTable[];
  readonly internetGateways: readonly aws.InternetGateway[];
  readonly natGateways: readonly aws.NatGateway[];
  readonly networkAcls: readonly aws.NetworkAcl[];
  readonly securityGroups: readonly aws.SecurityGroup[];
  /** managed prefix lists that security-group rules and routes may reference */
  readonly prefixLists: readonly aws.ManagedPrefixList[];
  readonly instances: readonly aws.Instance[];
  readonly networkInterfaces: readonly aws.NetworkInterface[];
  readonly loadBalancers: readonly aws.LoadBalancer[];
  readonly listeners: readonly aws.Listener[];
  readonly listenerRules: readonly aws.ListenerRule[];
  readonly targetGroups: readonly aws.TargetGroup[];
  readonly targetHealth: readonly aws.TargetHealth[];
  /** describe-target-group-attributes (preserve_client_ip.enabled, …), per target group */
  readonly targetGroupAttributes: readonly aws.TargetGroupAttribute[];
}

/**
 * A link the loader made between objects of different sources. (Pods are tied to their
 * workloads too; that link is each Pod's `owner`, not listed here: a cluster has 150,000.) For
 * display (`snapshot show`): analyses read the model's links, e.g. `Node.instanceId`, not these strings.
 */
export interface Join {
  readonly kind: "node-instance" | "instance-eni" | "service-endpoints";
  readonly from: string;
  readonly to: string;
  /** what matched: providerID, InternalIP, Name tag, attachment, ownerReferences, … */
  readonly by: string;
  readonly source: SourceRef | undefined;
}

/**
 * A file of a directory scan or an index file that could not be loaded: the rest of the snapshot
 * was, and the answer leaves this file out (the CLI prints it and exits 2 at the end; with
 * --strict, or `LoadOptions.strict`, the first such file stops the load instead).
 */
export interface LoadError {
  /** unreadable-file: cannot be opened; binary-file: not UTF-8 text; too-large: above --max-file-size;
   *  parse-error: YAML/JSON syntax or a parser limit (nesting, alias expansion);
   *  unrecognised-file: an index file lists it, but it holds no Kubernetes object or AWS CLI output */
  readonly code: "unreadable-file" | "binary-file" | "too-large" | "parse-error" | "unrecognised-file";
  /** as shown to users (see SourceRef.file) */
  readonly file: string;
  /** 1-based, where the parser stopped; undefined when the whole file is at fault */
  readonly line: number | undefined;
  readonly col: number | undefined;
  /** what is wrong, without the location */
  readonly message: string;
}

export interface Snapshot {
  /** the --snapshot paths as given (or the embedded example's) */
  readonly roots: readonly string[];
  /** the --with paths: what-if objects laid over the snapshot */
  readonly whatIf: readonly string[];
  readonly files: readonly SnapshotFile[];
  readonly kubernetes: KubernetesModel;
  readonly aws: AwsModel;
  readonly joins: readonly Join[];
  readonly diagnostics: readonly Diagnostic[];
  /** files that could not be loaded (empty when every file was); see LoadError */
  readonly errors: readonly LoadError[];
}
