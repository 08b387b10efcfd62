import { podsOn } from "../cluster-state.js";
import type { FilterPlugin, HostPort } from "../types.js";
import { hostPorts } from "../cluster-state.js";

/** Two host ports conflict on the same protocol and port when their IPs overlap (0.0.0.0 overlaps all). */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.hostIP === b.hostIP || a.hostIP === "0.0.0.0" || b.hostIP === "0.0.0.0");
}

/** kube-scheduler plugins/nodeports: a host port another pod on the node already takes. */
export const NodePorts: FilterPlugin = {
  name: "NodePorts",
  filter(pod, node, cluster) {
    const wanted = hostPorts(pod.spec);
    if (wanted.length === 0) return [];
    for (const other of podsOn(node, cluster)) {
      for (const used of other.hostPorts) {
        const clash = wanted.find((w) => portsConflict(w, used));
        if (clash) {
          return [{ plugin: "NodePorts", message: "node(s) didn't have free ports for the requested pod ports", source: pod.spec.source, detail: `hostPort ${clash.protocol}/${clash.port} is taken by pod ${other.namespace}/${other.name}` }];
        }
      }
    }
    return [];
  },
};
