import type { LabelSelector, Namespace, NetworkPolicy } from "../../model/kubernetes.js";
import { selectorMatches } from "../../model/selectors.js";
import { namespaceLabels } from "../paths/network-policy.js";
import type { WorkloadPeer } from "./workloads.js";

/**
 * Equivalence classes of workloads for connlist: workloads that no NetworkPolicy tells apart
 * get the same connections from and to every peer, so the policies are evaluated once per class
 * pair and the result expanded to the workloads' lines (the scale approach of the Kubernetes
 * NetworkPolicy model, where a connection depends only on the pod's namespace, its labels as
 * seen by the selectors, and its named ports — networking.k8s.io/v1 NetworkPolicySpec,
 * NetworkPolicyPeer, NetworkPolicyPort; np-guard netpol-analyzer evaluates pod by pod instead).
 *
 * Two workloads share a class when they are in the same namespace (a rule peer without a
 * namespaceSelector selects by namespace identity, so the name matters, not only the labels),
 * every pod selector that can apply to that namespace matches both or neither — each policy's
 * `podSelector` there, and each rule peer's `podSelector` whose namespace part (its
 * namespaceSelector on the namespace's labels, or the policy's own namespace) takes it — and
 * their named container ports are the same, in order (a named port resolves to the first
 * container port of that name, `ruleConnections`).
 */
export interface WorkloadClass {
  /** the workload the policies are evaluated for; the others are alike */
  readonly representative: WorkloadPeer;
  readonly members: readonly WorkloadPeer[];
}

/** the pod selectors that can apply to pods of `namespace`, deduplicated */
function selectorsFor(
  namespace: string,
  policies: readonly NetworkPolicy[],
  namespaces: ReadonlyMap<string, Namespace>,
): LabelSelector[] {
  const nsLabels = namespaceLabels(namespace, namespaces);
  const seen = new Map<string, LabelSelector>();
  const add = (s: LabelSelector) => {
    const key = JSON.stringify(s);
    if (!seen.has(key)) seen.set(key, s);
  };
  for (const p of policies) {
    if (p.namespace === namespace) add(p.podSelector);
    for (const rules of [p.ingress, p.egress])
      for (const rule of rules)
        for (const peer of rule.peers) {
          if (peer.ipBlock || !peer.podSelector) continue;
          const inNamespace = peer.namespaceSelector
            ? selectorMatches(peer.namespaceSelector, nsLabels)
            : p.namespace === namespace;
          if (inNamespace) add(peer.podSelector);
        }
  }
  return [...seen.values()];
}

/** The classes of `workloads`, in the order of their first member. */
export function workloadClasses(
  workloads: readonly WorkloadPeer[],
  policies: readonly NetworkPolicy[],
  namespaces: ReadonlyMap<string, Namespace>,
): WorkloadClass[] {
  const selectors = new Map<string, LabelSelector[]>();
  const byKey = new Map<string, { representative: WorkloadPeer; members: WorkloadPeer[] }>();
  for (const w of workloads) {
    let list = selectors.get(w.namespace);
    if (!list) selectors.set(w.namespace, (list = selectorsFor(w.namespace, policies, namespaces)));
    let bits = "";
    for (const s of list) bits += selectorMatches(s, w.labels) ? "1" : "0";
    const named = w.ports.filter((p) => p.name !== undefined).map((p) => [p.name, p.protocol, p.containerPort]);
    const key = `${w.namespace}\u0000${bits}\u0000${JSON.stringify(named)}`;
    const c = byKey.get(key);
    if (c) c.members.push(w);
    else byKey.set(key, { representative: w, members: [w] });
  }
  return [...byKey.values()];
}
