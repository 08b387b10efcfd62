/**
 * An EKS managed node group (`aws eks describe-nodegroup`, eksctl's managedNodeGroups; eksctl's
 * self-managed nodeGroups the same without the eks.amazonaws.com labels) as the
 * nodes it launches: `desiredSize` nodes (or the count asked) of its first instance type, with
 * the labels and taints EKS and the kubelet put on them and the allocatable the EKS AMI's
 * kubelet reports (allocatable.ts).
 *
 * Labels: eks.amazonaws.com/nodegroup and eks.amazonaws.com/capacityType (EKS user guide,
 * managed node groups), the kubelet's well-known kubernetes.io/arch, kubernetes.io/os,
 * kubernetes.io/hostname, node.kubernetes.io/instance-type (k8s.io/api/core/v1
 * well_known_labels.go, set by the kubelet and the cloud provider), topology.kubernetes.io/region
 * and /zone, then the node group's own `labels`. Taints: the API's NO_SCHEDULE, NO_EXECUTE and
 * PREFER_NO_SCHEDULE effects are Kubernetes' NoSchedule, NoExecute and PreferNoSchedule (EKS API
 * Taint). What the snapshot cannot say is stated as an assumption.
 */
import type { Node, Taint, TaintEffect } from "../../../../model/kubernetes.js";
import type { SourceRef } from "../../../../model/source.js";
import type { Ec2InstanceType } from "../../../../model/ec2-instance-types.js";
import { locationOf } from "../../fix/location.js";
import { nodeResources, VM_MEMORY_OVERHEAD_PERCENT } from "./allocatable.js";
import { templateNode } from "./node.js";
import type { TemplateView } from "./types.js";

/** The EKS API's taint effects and Kubernetes' (eks Taint.effect) */
export const EKS_TAINT_EFFECTS: Readonly<Record<string, TaintEffect>> = {
  NO_SCHEDULE: "NoSchedule",
  NO_EXECUTE: "NoExecute",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

/** The node group, already read (src/cli/node-templates.ts): what EKS says of it, each part with its source. */
export interface EksNodegroup {
  readonly name: string;
  readonly source: SourceRef;
  readonly instanceType: Ec2InstanceType;
  /** the other instance types named (a SPOT group's), not used */
  readonly otherInstanceTypes: readonly string[];
  readonly capacityType: "ON_DEMAND" | "SPOT" | "CAPACITY_BLOCK";
  readonly desiredSize: number;
  readonly amiType: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly region: string | undefined;
  /** the zone of each subnet, as the snapshot's describe-subnets says (undefined: not in the snapshot); eksctl's availabilityZones as themselves */
  readonly subnetZones: readonly { readonly subnet: string; readonly zone: string | undefined }[];
  /** "subnets" (describe-nodegroup) or "availabilityZones" (eksctl) */
  readonly zonesFrom: "subnets" | "availabilityZones";
  /** false for an eksctl self-managed node group (nodeGroups): no eks.amazonaws.com labels */
  readonly managed: boolean;
  /** labels the tool that made the group adds (eksctl's alpha.eksctl.io/nodegroup-name and cluster-name) */
  readonly toolLabels: Readonly<Record<string, string>>;
  /** where desiredSize comes from: "scalingConfig.desiredSize", "desiredCapacity", … */
  readonly desiredFrom: string;
  readonly diskGiB: number | undefined;
  /** the node group's `maxPods` (eksctl), else the ENI-limited count */
  readonly maxPods: number | undefined;
}

/** Windows AMIs (amiType WINDOWS_*) run windows; the others linux. */
const osOf = (amiType: string | undefined): string => (amiType?.startsWith("WINDOWS") ? "windows" : "linux");

/** The nodes of a node group: `count` (--add-node-count) or its desired size. */
export function eksNodegroupNodes(
  g: EksNodegroup,
  asked?: number,
): { readonly nodes: readonly Node[]; readonly view: TemplateView } {
  const count = asked ?? g.desiredSize;
  const t = g.instanceType;
  const resources = nodeResources(t, { maxPods: g.maxPods, diskGiB: g.diskGiB });
  const zones = g.subnetZones.map((s) => s.zone);
  const nodes: Node[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `${g.name}-${i}`;
    const zone = zones.length > 0 ? zones[(i - 1) % zones.length] : undefined;
    const labels: Record<string, string> = {
      ...(g.managed ? { "eks.amazonaws.com/nodegroup": g.name, "eks.amazonaws.com/capacityType": g.capacityType } : {}),
      ...g.toolLabels,
      "kubernetes.io/arch": t.arch,
      "kubernetes.io/os": osOf(g.amiType),
      "kubernetes.io/hostname": name,
      "node.kubernetes.io/instance-type": t.name,
      "beta.kubernetes.io/arch": t.arch,
      "beta.kubernetes.io/os": osOf(g.amiType),
      "beta.kubernetes.io/instance-type": t.name,
      ...(g.region ? { "topology.kubernetes.io/region": g.region } : {}),
      ...(zone ? { "topology.kubernetes.io/zone": zone } : {}),
      ...g.labels,
    };
    nodes.push(templateNode(name, g.source, labels, g.taints, resources));
  }
  const assumptions = [
    `${count} node${count === 1 ? "" : "s"} (${asked === undefined ? g.desiredFrom : "--add-node-count"}) of ${t.name}${g.otherInstanceTypes.length > 0 ? ` (the first instance type; ${g.otherInstanceTypes.join(", ")} not used)` : ""}, named ${g.name}-1… (EKS names them by private DNS name, unknown before launch)`,
    `allocatable as the EKS AMI's kubelet reports it: maxPods ${resources.maxPods}${g.maxPods === undefined ? " (ENI-limited, amazon-eks-ami eni-max-pods.txt; no prefix delegation, no custom launch template)" : ""}, kube-reserved cpu ${Math.round(t.vcpus * 1000 - (resources.allocatable["cpu"] ?? 0))}m and memory 11·maxPods+255 Mi, eviction-hard 100Mi; memory capacity ${t.memoryMiB} MiB less ${VM_MEMORY_OVERHEAD_PERCENT * 100} % VM overhead${t.arch === "arm64" ? " and 64 MiB on Graviton" : ""} (Karpenter's estimate of MemTotal)`,
    zones.length === 0
      ? `no ${g.zonesFrom === "subnets" ? "subnet" : "availability zone"} named: no topology.kubernetes.io/zone label`
      : g.zonesFrom === "availabilityZones"
        ? `nodes spread over availabilityZones in turn (${[...new Set(zones)].join(", ")}), as the Auto Scaling group balances them`
        : zones.some((z) => z === undefined)
          ? `the zones of subnets ${g.subnetZones
              .filter((s) => s.zone === undefined)
              .map((s) => s.subnet)
              .join(
                ", ",
              )} are not in the snapshot (capture aws ec2 describe-subnets): those nodes get no topology.kubernetes.io/zone label`
          : `nodes spread over the subnets' zones in turn (${[...new Set(zones)].join(", ")}), as the Auto Scaling group balances them`,
  ];
  return {
    nodes,
    view: {
      kind: g.managed ? "EKS node group" : "self-managed node group",
      name: g.name,
      source: `${g.source.file}:${g.source.line}`,
      location: locationOf(g.source),
      instanceTypes: [t.name],
      nodes: nodes.map((n) => n.name),
      assumptions,
      launches: null,
      notLaunched: null,
    },
  };
}
