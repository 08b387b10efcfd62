import type { PodSpec } from "../../../../model/kubernetes.js";
import type { ClusterView, FilterPlugin, HostPort } from "../../types.js";
import { hostPorts } from "../../cluster-snapshot.js";
import { NO_REJECTION } from "../../framework/no-rejection.js";

/** The scheduler's reason (nodeports/node_ports.go ErrReason), word for word. */
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

/** Two host ports conflict on the same protocol and port when their IPs overlap (0.0.0.0 overlaps all). */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  return (
    a.port === b.port &&
    a.protocol === b.protocol &&
    (a.hostIP === b.hostIP || a.hostIP === "0.0.0.0" || b.hostIP === "0.0.0.0")
  );
}

const WANTED = {};

/** The host ports a pod wants (hostPorts), once per spec and snapshot: the replicas of a workload share theirs. */
function wantedPorts(spec: PodSpec, cluster: ClusterView): readonly HostPort[] {
  const wantedBySpec = cluster.snapshot.state(WANTED, () => new WeakMap<PodSpec, readonly HostPort[]>());
  let wanted = wantedBySpec.get(spec);
  if (!wanted) wantedBySpec.set(spec, (wanted = hostPorts(spec)));
  return wanted;
}

/**
 * kube-scheduler plugins/nodeports: a host port another pod on the node already takes. PreFilter
 * gathers the pod's host ports once (nodeports.go PreFilter, util.GetHostPorts), not per node,
 * and returns Skip for a pod without any (no state here: every node passes).
 */
export const NodePorts: FilterPlugin<readonly HostPort[] | undefined> = {
  name: "NodePorts",
  fastPath: "ports",
  skipsWithoutState: true,
  prepare(pod, cluster) {
    const wanted = wantedPorts(pod.spec, cluster);
    return wanted.length === 0 ? undefined : wanted;
  },
  filter(pod, node, cluster, wanted) {
    if (!wanted) return NO_REJECTION;
    for (const other of cluster.podsOn(node)) {
      for (const used of other.hostPorts) {
        const clash = wanted.find((w) => portsConflict(w, used));
        if (clash) {
          return [
            {
              plugin: "NodePorts",
              message: ERR_REASON,
              source: pod.spec.source,
              detail: `hostPort ${clash.protocol}/${clash.port} is taken by pod ${other.namespace}/${other.name}`,
            },
          ];
        }
      }
    }
    return NO_REJECTION;
  },
};
