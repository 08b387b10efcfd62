import type { Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";

/**
 * A CNI's node agent (calico-node, aws-node): its DaemonSet (read, or known only through its
 * pods' owner references), else one of its pods without an owner (the `k8s-app` label both
 * manifests set). `namespace` undefined: any (Calico's operator installs it in calico-system,
 * its manifest in kube-system).
 */
export function nodeAgent(snapshot: Snapshot, name: string, namespace: string | undefined): Workload | undefined {
  const here = (w: Workload) => namespace === undefined || w.namespace === namespace;
  const workloads = snapshot.kubernetes.workloads;
  return (
    workloads.find((w) => w.kind === "DaemonSet" && w.name === name && here(w)) ??
    workloads.find((w) => w.kind === "Pod" && w.template.labels["k8s-app"] === name && here(w))
  );
}

/** calico-node, wherever it is installed. */
export function calicoNodeAgent(snapshot: Snapshot): Workload | undefined {
  return nodeAgent(snapshot, "calico-node", undefined);
}
