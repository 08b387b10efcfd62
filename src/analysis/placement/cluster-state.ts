import type { Namespace, Pod, PodSpec } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { nonZeroRequests, podRequests } from "./requests.js";
import type { ClusterState, HostPort, NodeInfo, PlacedPod } from "./types.js";
import { workloadKey } from "./workload-key.js";

/**
 * The host ports a pod takes (scheduler/util GetHostPorts: the app containers and the restartable
 * init containers; 0.0.0.0 when no hostIP). A plain init container's ports are free again once
 * it has run.
 */
export function hostPorts(spec: PodSpec): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...spec.initContainers.filter((i) => i.restartPolicy === "Always"), ...spec.containers]) {
    for (const p of c.ports) if (p.hostPort) out.push({ protocol: p.protocol, hostIP: p.hostIP ?? "0.0.0.0", port: p.hostPort });
  }
  return out;
}

export function placedPod(owner: string, name: string, namespace: string, labels: PlacedPod["labels"], spec: PodSpec, nodeName: string): PlacedPod {
  const a = spec.affinity;
  return {
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

/**
 * Every change to the pods of a node goes through addToNode or removeFromNode, which count them
 * (over all clusters): an index over a node list that saw `podChanges` at its last look knows,
 * without walking the nodes, that nothing changed since; one that sees `podRemovals` unchanged
 * knows the pods it indexed are all still there (pods were only appended).
 */
let podChanges = 0;
let podRemovals = 0;

/** How many times addToNode and removeFromNode have changed a node's pods, in any cluster. */
export function podChangeCount(): number {
  return podChanges;
}

/** How many times removeFromNode has taken a pod off a node, in any cluster. */
export function podRemovalCount(): number {
  return podRemovals;
}

/** Adds a pod to a node with its requests (the simulation's "bind"). */
export function addToNode(node: NodeInfo, placed: PlacedPod): void {
  for (const key in placed.requests) node.requested[key] = (node.requested[key] ?? 0) + placed.requests[key]!;
  node.requested["pods"] = (node.requested["pods"] ?? 0) + 1;
  node.nonZeroRequested.cpu += placed.nonZeroRequests.cpu;
  node.nonZeroRequested.memory += placed.nonZeroRequests.memory;
  node.pods.push(placed);
  podChanges++;
}

/** Takes a pod off its node with its requests (a what-if removal); false when it is not there. */
export function removeFromNode(node: NodeInfo, placed: PlacedPod): boolean {
  const at = node.pods.indexOf(placed);
  if (at < 0) return false;
  for (const key in placed.requests) node.requested[key] = (node.requested[key] ?? 0) - placed.requests[key]!;
  node.requested["pods"] = (node.requested["pods"] ?? 0) - 1;
  node.nonZeroRequested.cpu -= placed.nonZeroRequests.cpu;
  node.nonZeroRequested.memory -= placed.nonZeroRequests.memory;
  node.pods.splice(at, 1);
  podChanges++;
  podRemovals++;
  return true;
}

/** The pods on a node that count for `cluster` (its excluded workload's own pods do not). */
export function podsOn(node: NodeInfo, cluster: ClusterState): readonly PlacedPod[] {
  return cluster.excludeOwner === undefined ? node.pods : node.pods.filter((p) => p.owner !== cluster.excludeOwner);
}

function isActive(pod: Pod): boolean {
  return pod.nodeName !== undefined && pod.phase !== "Succeeded" && pod.phase !== "Failed";
}

/**
 * The cluster as the snapshot shows it: every node with the requests of the pods bound to it
 * (Succeeded and Failed pods hold nothing), and the namespaces for namespaceSelector.
 */
export function buildClusterState(snapshot: Snapshot, excludeOwner?: string): ClusterState {
  const nodes: NodeInfo[] = snapshot.kubernetes.nodes.map((node) => ({
    node,
    name: node.name,
    labels: node.labels,
    allocatable: node.allocatable,
    requested: {},
    nonZeroRequested: { cpu: 0, memory: 0 },
    pods: [],
  }));
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  for (const pod of snapshot.kubernetes.pods) {
    if (!isActive(pod)) continue;
    const node = nodeByName.get(pod.nodeName!);
    if (!node) continue;
    const owner = pod.owner ? workloadKey(pod.owner) : workloadKey({ kind: "Pod", namespace: pod.namespace, name: pod.name });
    addToNode(node, placedPod(owner, pod.name, pod.namespace, pod.labels, pod.spec, node.name));
  }
  const namespaces = new Map<string, Namespace>(snapshot.kubernetes.namespaces.map((n) => [n.name, n]));
  return { nodes, nodeByName, namespaces, excludeOwner };
}

/** The same cluster seen without one workload's own pods (feasibility: "could it land here?"). */
export function withoutOwner(cluster: ClusterState, owner: string): ClusterState {
  return { ...cluster, excludeOwner: owner };
}
