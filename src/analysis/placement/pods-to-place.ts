import type { Node, Pod, PodSpec, Toleration, Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { nonZeroRequests, podRequests } from "./requests.js";
import type { PodToPlace } from "./types.js";
import { workloadKey } from "./workload-key.js";

/**
 * The tolerations the DaemonSet controller adds to every daemon pod
 * (pkg/controller/daemon/util/daemonset_util.go AddOrUpdateDaemonPodTolerations): not-ready and
 * unreachable (NoExecute), disk-, memory- and pid-pressure and unschedulable (NoSchedule), and
 * network-unavailable for host-network pods.
 */
export function daemonSetTolerations(spec: PodSpec): Toleration[] {
  const source = spec.source;
  const t = (key: string, effect: "NoExecute" | "NoSchedule"): Toleration => ({ key, operator: "Exists", value: "", effect, tolerationSeconds: undefined, source });
  const added = [
    t("node.kubernetes.io/not-ready", "NoExecute"),
    t("node.kubernetes.io/unreachable", "NoExecute"),
    t("node.kubernetes.io/disk-pressure", "NoSchedule"),
    t("node.kubernetes.io/memory-pressure", "NoSchedule"),
    t("node.kubernetes.io/pid-pressure", "NoSchedule"),
    t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ...(spec.hostNetwork ? [t("node.kubernetes.io/network-unavailable", "NoSchedule")] : []),
  ];
  const present = (x: Toleration) => spec.tolerations.some((y) => y.key === x.key && y.effect === x.effect && y.operator === "Exists");
  return [...spec.tolerations, ...added.filter((x) => !present(x))];
}

function pod(workload: Workload, name: string, spec: PodSpec, observed: Pod | undefined, daemonNode: string | undefined): PodToPlace {
  return {
    workload,
    owner: workloadKey(workload),
    name,
    namespace: workload.namespace,
    labels: observed?.labels ?? workload.template.labels,
    spec,
    requests: podRequests(spec),
    nonZeroRequests: nonZeroRequests(spec),
    observed,
    daemonNode,
  };
}

/** Observed pods per workload key, in name order. */
export function observedPodsByOwner(snapshot: Snapshot): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of snapshot.kubernetes.pods) {
    const key = p.owner ? workloadKey(p.owner) : workloadKey({ kind: "Pod", namespace: p.namespace, name: p.name });
    const list = out.get(key) ?? [];
    list.push(p);
    out.set(key, list);
  }
  return out;
}

/**
 * The pods a workload creates: its observed pods (which keep their node), then as many more as
 * its replicas ask for (StatefulSets name them NAME-ORDINAL as their controller does; others
 * NAME-INDEX). A DaemonSet has one pod per node, with the daemon tolerations added; each is
 * matched to the node it is made for (the controller pins it with a metadata.name node affinity).
 */
export function podsOfWorkload(workload: Workload, nodes: readonly Node[], observed: readonly Pod[]): PodToPlace[] {
  const spec = workload.template.spec;
  if (workload.kind === "DaemonSet") {
    const daemonSpec: PodSpec = { ...spec, tolerations: daemonSetTolerations(spec) };
    return nodes.map((node) => {
      const here = observed.find((p) => p.nodeName === node.name);
      return pod(workload, here?.name ?? `${workload.name}-${node.name}`, daemonSpec, here, node.name);
    });
  }
  if (workload.kind === "Pod") {
    const self = observed[0];
    return [pod(workload, workload.name, self?.spec ?? spec, self, undefined)];
  }
  const out: PodToPlace[] = [];
  const live = observed.filter((p) => p.phase !== "Succeeded" && p.phase !== "Failed");
  for (const p of live) out.push(pod(workload, p.name, spec, p, undefined));
  const taken = new Set(live.map((p) => p.name));
  const wanted = workload.replicas ?? 0;
  for (let i = 0; out.length < wanted; i++) {
    const name = `${workload.name}-${i}`;
    if (taken.has(name)) continue;
    out.push(pod(workload, name, spec, undefined, undefined));
  }
  return out;
}
