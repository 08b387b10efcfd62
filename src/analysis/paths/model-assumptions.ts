import type { Snapshot } from "../../model/snapshot.js";
import { ipPoolFor } from "./calico.js";
import { readyAssumption } from "./kube-proxy.js";
import { snapshotIndex } from "./snapshot-index.js";
import type { Step } from "./trace-model.js";

/**
 * What the objects a trace went through rest on that the snapshot does not show, for the
 * trace's `assumptions`: a Calico IP pool derived from calico-node's environment (no IPPool
 * object; load/kubernetes/calico.ts calicoNodeDefaultPool) whose addresses the packet used, and an
 * endpoint pod kube-proxy DNATed to (or a load balancer's target group sent to) whose readiness is
 * assumed (no status.conditions).
 * A few lookups per step; traces have tens of steps.
 */
export function modelAssumptions(snapshot: Snapshot, steps: readonly Step[]): string[] {
  const out = new Set<string>();
  const derived = snapshot.kubernetes.ipPools.filter((p) => p.derived !== undefined);
  const index = snapshotIndex(snapshot);
  for (const s of steps) {
    if (derived.length > 0) {
      for (const ip of [s.packet.src, s.packet.dst]) {
        const pool = ipPoolFor(ip, derived);
        if (pool) out.add(`IP pool ${pool.name} (${pool.cidr}, natOutgoing ${pool.natOutgoing}, ipipMode ${pool.ipipMode}, vxlanMode ${pool.vxlanMode}) is not in the snapshot: ${pool.derived}`);
      }
    }
    // the endpoint choice of kube-proxy (DNAT) or of a load balancer's target group rests on readiness
    if ((s.component === "kube-proxy" && s.action === "dnat") || s.component === "target-group" || s.component === "load-balancer") {
      const pod = index.podsByIp.get(s.packet.dst);
      if (pod?.readyAssumed) out.add(readyAssumption(pod));
    }
  }
  return [...out];
}
