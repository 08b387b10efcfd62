import type { Instance, NetworkInterface } from "../model/aws.js";
import type { Diagnostic } from "../model/diagnostics.js";
import type { Node } from "../model/kubernetes.js";
import type { Join } from "../model/snapshot.js";

/** The EC2 instance id in a node's providerID: `aws:///ZONE/i-…` (cloud-provider-aws). */
function instanceIdFromProviderID(providerID: string | undefined): string | undefined {
  if (!providerID) return undefined;
  const m = /^aws:\/\/\/?(?:[^/]*\/)?(i-[0-9A-Za-z]+)$/.exec(providerID);
  return m?.[1];
}

/**
 * Joins Kubernetes nodes to EC2 instances: by spec.providerID, else by InternalIP = the instance's
 * private IP, else by the instance's Name tag = the node name. Nodes left unmatched while
 * instances were given get a warning: their paths cannot be followed into the VPC. Returns the
 * nodes with `instanceId` set where joined (the model's join; `joins` gets its display line).
 */
export function joinNodesToInstances(
  nodes: readonly Node[],
  instances: readonly Instance[],
  joins: Join[],
  diagnostics: Diagnostic[],
): Node[] {
  if (instances.length === 0) return [...nodes];
  const joined: Node[] = [];
  const byId = new Map(instances.map((i) => [i.id, i]));
  // private IPs and Name tags need not be unique (two VPCs with the same CIDR captured together):
  // an address or name that several instances share decides nothing
  const byIp = new Map<string, Instance[]>();
  const byName = new Map<string, Instance[]>();
  const add = (map: Map<string, Instance[]>, key: string, i: Instance) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  for (const i of instances) {
    if (i.privateIp) add(byIp, i.privateIp, i);
    if (i.name) add(byName, i.name, i);
  }
  for (const node of nodes) {
    const id = instanceIdFromProviderID(node.providerID);
    const sameIp = node.internalIP ? (byIp.get(node.internalIP) ?? []) : [];
    const sameName = byName.get(node.name) ?? [];
    let instance: Instance | undefined;
    let by = "";
    if (id && byId.has(id)) {
      instance = byId.get(id);
      by = `providerID ${node.providerID}`;
    } else if (sameIp.length === 1) {
      instance = sameIp[0];
      by = `InternalIP ${node.internalIP}`;
    } else if (sameName.length === 1) {
      instance = sameName[0];
      by = `Name tag ${node.name}`;
    } else if (sameIp.length > 1) {
      // the Name tag picks one of the instances holding the address
      instance = sameIp.find((i) => i.name === node.name);
      by = `InternalIP ${node.internalIP} and Name tag ${node.name}`;
    }
    if (instance) {
      joins.push({
        kind: "node-instance",
        from: `Node ${node.name}`,
        to: `Instance ${instance.id}`,
        by,
        source: node.meta.source,
      });
      joined.push({ ...node, instanceId: instance.id });
    } else {
      joined.push(node);
      const ambiguous = [
        sameIp.length > 1
          ? `InternalIP ${node.internalIP} is the private IP of ${sameIp.length} instances (${sameIp.map((i) => i.id).join(", ")}: VPCs with overlapping CIDRs?)`
          : "",
        sameName.length > 1
          ? `Name tag ${node.name} is on ${sameName.length} instances (${sameName.map((i) => i.id).join(", ")})`
          : "",
      ].filter((x) => x !== "");
      diagnostics.push({
        code: "unjoined-node",
        severity: "warning",
        message:
          ambiguous.length > 0
            ? `Node ${node.name} matches no single EC2 instance: ${ambiguous.join("; ")}, and no providerID names one (providerID ${node.providerID ?? "(none)"}); capture with --vpc-id, or nodes with spec.providerID`
            : `Node ${node.name} matches no EC2 instance (by providerID ${node.providerID ?? "(none)"}, InternalIP ${node.internalIP ?? "(none)"} or Name tag)`,
        source: node.meta.source,
      });
    }
  }
  return joined;
}

/** Joins ENIs to the instances they are attached to (the ENI's attachment, else the instance's list). */
export function joinInterfacesToInstances(
  instances: readonly Instance[],
  interfaces: readonly NetworkInterface[],
  joins: Join[],
): void {
  const byId = new Map(instances.map((i) => [i.id, i]));
  // one map, not a scan of every instance per unattached ENI (load balancer, NAT gateway and endpoint ENIs)
  const byEni = new Map<string, Instance>();
  for (const i of instances) for (const e of i.networkInterfaceIds) if (!byEni.has(e)) byEni.set(e, i);
  for (const eni of interfaces) {
    const attached = eni.attachment?.instanceId;
    const instance = attached ? byId.get(attached) : byEni.get(eni.id);
    if (instance) {
      joins.push({
        kind: "instance-eni",
        from: `Instance ${instance.id}`,
        to: `NetworkInterface ${eni.id}`,
        by: attached ? "attachment" : "instance network interfaces",
        source: eni.source,
      });
    }
  }
}
