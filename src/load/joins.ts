import type { Instance, NetworkInterface } from "../model/aws.js";
import type { Diagnostic } from "../model/diagnostics.js";
import type { Node } from "../model/kubernetes.js";
import type { Join } from "../model/snapshot.js";

/** The EC2 instance id in a node's providerID: `aws:///ZONE/i-…` (cloud-provider-aws). */
export function instanceIdFromProviderID(providerID: string | undefined): string | undefined {
  if (!providerID) return undefined;
  const m = /^aws:\/\/\/?(?:[^/]*\/)?(i-[0-9A-Za-z]+)$/.exec(providerID);
  return m?.[1];
}

/**
 * Joins Kubernetes nodes to EC2 instances: by spec.providerID, else by InternalIP = the instance's
 * private IP, else by the instance's Name tag = the node name. Nodes left unmatched while
 * instances were given get a warning: their paths cannot be followed into the VPC.
 */
export function joinNodesToInstances(nodes: readonly Node[], instances: readonly Instance[], joins: Join[], diagnostics: Diagnostic[]): void {
  if (instances.length === 0) return;
  const byId = new Map(instances.map((i) => [i.id, i]));
  const byIp = new Map<string, Instance>();
  const byName = new Map<string, Instance>();
  for (const i of instances) {
    if (i.privateIp) byIp.set(i.privateIp, i);
    if (i.name) byName.set(i.name, i);
  }
  for (const node of nodes) {
    const id = instanceIdFromProviderID(node.providerID);
    let instance: Instance | undefined;
    let by = "";
    if (id && byId.has(id)) {
      instance = byId.get(id);
      by = `providerID ${node.providerID}`;
    } else if (node.internalIP && byIp.has(node.internalIP)) {
      instance = byIp.get(node.internalIP);
      by = `InternalIP ${node.internalIP}`;
    } else if (byName.has(node.name)) {
      instance = byName.get(node.name);
      by = `Name tag ${node.name}`;
    }
    if (instance) {
      joins.push({ kind: "node-instance", from: `Node ${node.name}`, to: `Instance ${instance.id}`, by, source: node.meta.source });
    } else {
      diagnostics.push({
        code: "unjoined-node",
        severity: "warning",
        message: `Node ${node.name} matches no EC2 instance (by providerID ${node.providerID ?? "(none)"}, InternalIP ${node.internalIP ?? "(none)"} or Name tag)`,
        source: node.meta.source,
      });
    }
  }
}

/** Joins ENIs to the instances they are attached to (the ENI's attachment, else the instance's list). */
export function joinInterfacesToInstances(instances: readonly Instance[], interfaces: readonly NetworkInterface[], joins: Join[]): void {
  const byId = new Map(instances.map((i) => [i.id, i]));
  for (const eni of interfaces) {
    const attached = eni.attachment?.instanceId;
    const instance = attached ? byId.get(attached) : instances.find((i) => i.networkInterfaceIds.includes(eni.id));
    if (instance) {
      joins.push({ kind: "instance-eni", from: `Instance ${instance.id}`, to: `NetworkInterface ${eni.id}`, by: attached ? "attachment" : "instance network interfaces", source: eni.source });
    }
  }
}
