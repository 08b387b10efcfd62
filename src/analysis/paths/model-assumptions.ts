import type { Snapshot } from "../../model/snapshot.js";
import { ipPoolFor } from "./calico.js";
import { readyAssumption } from "./kube-proxy.js";
import { snapshotIndex } from "./snapshot-index.js";
import type { Step } from "./trace-model.js";

/**
 * The files of the snapshot that could not be loaded (load/load-snapshot.ts: a broken file is a
 * `Snapshot.errors` entry and the rest is loaded), as an assumption every trace and egress answer
 * rests on: what they held is missing from the answer. Empty when every file loaded.
 */
export function loadErrorsAssumptions(snapshot: Snapshot): string[] {
  const files = [...new Set(snapshot.errors.map((e) => e.file))];
  if (files.length === 0) return [];
  return [
    `${files.length} file${files.length === 1 ? "" : "s"} of the snapshot could not be loaded and ${files.length === 1 ? "is" : "are"} left out: ${files.join(", ")} (the answer does not know what ${files.length === 1 ? "it holds" : "they hold"})`,
  ];
}

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
        if (pool)
          out.add(
            `IP pool ${pool.name} (${pool.cidr}, natOutgoing ${pool.natOutgoing}, ipipMode ${pool.ipipMode}, vxlanMode ${pool.vxlanMode}) is not in the snapshot: ${pool.derived}`,
          );
      }
    }
    // the endpoint choice of kube-proxy (DNAT) or of a load balancer's target group rests on readiness
    if (
      (s.component === "kube-proxy" && s.action === "dnat") ||
      s.component === "target-group" ||
      s.component === "load-balancer"
    ) {
      const pod = index.podsByIp.get(s.packet.dst);
      if (pod?.readyAssumed) out.add(readyAssumption(pod));
    }
  }
  return [...out];
}
