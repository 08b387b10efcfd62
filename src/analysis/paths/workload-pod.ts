import type { Workload } from "../../model/kubernetes.js";
import { analysePlacement } from "../placement/placement.js";
import { EndpointError } from "./endpoints.js";
import { pathPodOf, type PathContext, type PathPod } from "./path-context.js";
import { ownerKey, snapshotIndex } from "./snapshot-index.js";

/**
 * The pod a `workload:` endpoint (or a Service in front of a workload) stands for: its first
 * running observed pod, else a pod podpath places itself on the node placement predicts, at an
 * assumed address of that node (said in `assumptions`).
 */
export function workloadPod(ctx: PathContext, workload: Workload, assumptions: string[]): PathPod {
  const owner = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
  const observed = (snapshotIndex(ctx.snapshot).podsByOwner.get(ownerKey(owner)) ?? []).find(
    (p) => p.podIP && p.phase !== "Succeeded" && p.phase !== "Failed",
  );
  const pod = observed ? pathPodOf(observed) : undefined;
  if (pod) return pod;
  const id = `${workload.namespace}/${workload.name}`;
  const predicted = analysePlacement(ctx.snapshot, { workload: id }).workloads[0]?.pods.find(
    (p) => p.predictedNode,
  )?.predictedNode;
  if (!predicted)
    throw new EndpointError(
      `workload ${id} has no observed pod and no node it can be placed on (see podpath place --workload ${id})`,
    );
  const node = ctx.node(predicted)!;
  const template = workload.template.spec;
  // a host-network pod uses the node's address; another takes the first pod address of the node
  const address = template.hostNetwork
    ? node.internalIP
      ? { ip: node.internalIP, how: "the node's address (host network)" }
      : undefined
    : ctx.assumedPodAddress(node, 1);
  if (!address)
    throw new EndpointError(
      `workload ${id} has no observed pod; it would be placed on ${predicted}, whose pod addresses are not known: trace node:${predicted} instead`,
    );
  assumptions.push(
    `workload ${id} has no observed pod: a pod predicted on ${predicted} (podpath place) is assumed at ${address.ip}, ${address.how}`,
  );
  const assumed: PathPod = {
    namespace: workload.namespace,
    name: `${workload.name} (predicted)`,
    labels: workload.template.labels,
    ip: address.ip,
    nodeName: predicted,
    hostNetwork: template.hostNetwork,
    ports: template.containers.flatMap((c) => c.ports),
    source: workload.meta.source,
    owner,
    assumed: `predicted on ${predicted} by podpath place`,
  };
  if (!template.hostNetwork) ctx.addAssumedPod(assumed);
  return assumed;
}
