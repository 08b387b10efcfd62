/** The Node object a node template stands for: what the scheduler reads of a node (labels, taints, allocatable). */
import type { Node, Taint } from "../../../../model/kubernetes.js";
import type { SourceRef } from "../../../../model/source.js";
import type { NodeResources } from "./allocatable.js";

export function templateNode(
  name: string,
  source: SourceRef,
  labels: Readonly<Record<string, string>>,
  taints: readonly Taint[],
  resources: NodeResources,
): Node {
  return {
    meta: {
      kind: "Node",
      apiVersion: "v1",
      namespace: undefined,
      name,
      labels,
      annotations: {},
      uid: undefined,
      ownerReferences: [],
      source,
    },
    name,
    labels,
    taints,
    unschedulable: false,
    ready: "True",
    allocatable: resources.allocatable,
    capacity: resources.capacity,
    addresses: [],
    internalIP: undefined,
    externalIP: undefined,
    providerID: undefined,
    podCIDRs: [],
    overlay: { vxlan: undefined, ipip: undefined, wireguard: undefined, nodeAddress: undefined },
    images: [],
  };
}
