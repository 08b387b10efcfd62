/**
 * networkpolicy-blocks-dns: pods that a NetworkPolicy isolates for egress (policyTypes Egress)
 * and that no egress rule lets reach the cluster DNS — the kube-dns Service's pods (CoreDNS) on
 * port 53, UDP and TCP. Egress isolation denies everything no rule allows (networking.k8s.io/v1
 * NetworkPolicy: "isolated for egress"); the policy sees the packet after kube-proxy's DNAT, so the
 * peer is the CoreDNS pod, not the Service's ClusterIP (Kubernetes docs, "Network Policies",
 * and its example of allowing DNS). Judged by the path engine's own evaluator
 * (src/analysis/paths/network-policy.ts, after np-guard netpol-analyzer's reading). DNS falls back
 * to TCP for large answers (RFC 7766), so both are checked.
 */
import type { ContainerPort, Labels } from "../../../model/kubernetes.js";
import { mapSelectorMatches } from "../../../model/selectors.js";
import { evaluateNetworkPolicies, type PodPolicyEndpoint, type PolicyProtocol } from "../../paths/network-policy.js";
import type { LintContext } from "../context.js";
import type { LintFinding, LintObject, LintRule } from "../types.js";

const DNS_SERVICE = { namespace: "kube-system", name: "kube-dns" };
const DNS_LABELS: Labels = { "k8s-app": "kube-dns" };

/** The DNS pods as NetworkPolicy sees them: an observed pod of the kube-dns Service, else its workload's template, else the labels kubeadm and EKS give CoreDNS. */
function dnsPeer(ctx: LintContext): { peer: PodPolicyEndpoint; port: (p: PolicyProtocol) => number; assumed: boolean } {
  const k = ctx.snapshot.kubernetes;
  const service = k.services.find((s) => s.namespace === DNS_SERVICE.namespace && s.name === DNS_SERVICE.name);
  const selector = service?.selector ?? DNS_LABELS;
  const pod = k.pods.find((p) => p.namespace === DNS_SERVICE.namespace && mapSelectorMatches(selector, p.labels));
  const workload = pod
    ? undefined
    : k.workloads.find((w) => w.namespace === DNS_SERVICE.namespace && mapSelectorMatches(selector, w.template.labels));
  const ports: ContainerPort[] = (pod?.spec ?? workload?.template.spec)?.containers.flatMap((c) => c.ports) ?? [];
  const peer: PodPolicyEndpoint = {
    kind: "pod",
    namespace: DNS_SERVICE.namespace,
    name: pod?.name ?? workload?.name ?? "coredns",
    labels: pod?.labels ?? workload?.template.labels ?? selector,
    ip: pod?.podIP,
    ports,
  };
  // the Service's port 53 → its targetPort: a number, or a container port's name
  const port = (protocol: PolicyProtocol): number => {
    const sp = service?.ports.find((p) => p.port === 53 && p.protocol === protocol);
    const target = sp?.targetPort ?? 53;
    if (typeof target === "number") return target;
    return ports.find((c) => c.name === target && c.protocol === protocol)?.containerPort ?? 53;
  };
  return { peer, port, assumed: !pod && !workload };
}

export const networkPolicyBlocksDns: LintRule<LintContext> = {
  id: "networkpolicy-blocks-dns",
  severity: "error",
  title: "pods isolated for egress by a NetworkPolicy with no rule that allows DNS (kube-dns, UDP and TCP 53)",
  upstream: "networking.k8s.io/v1 NetworkPolicy egress isolation; Kubernetes docs, Network Policies",
  helpUri: "https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods",
  check(ctx) {
    const k = ctx.snapshot.kubernetes;
    if (!k.networkPolicies.some((p) => p.policyTypes.includes("Egress"))) return [];
    const dns = dnsPeer(ctx);
    const findings: LintFinding[] = [];
    for (const w of k.workloads) {
      const spec = w.template.spec;
      if (spec.hostNetwork || w.kind === "CronJob") continue;
      const subject: PodPolicyEndpoint = {
        kind: "pod",
        namespace: w.namespace,
        name: w.name,
        labels: w.template.labels,
        ip: undefined,
        ports: spec.containers.flatMap((c) => c.ports),
      };
      const blocked: string[] = [];
      let selectedBy: { namespace: string; name: string; source: LintObject["source"] }[] = [];
      for (const protocol of ["UDP", "TCP"] as const) {
        const port = dns.port(protocol);
        const v = evaluateNetworkPolicies(
          "egress",
          subject,
          dns.peer,
          port,
          protocol,
          k.networkPolicies,
          ctx.namespaces,
        );
        if (!v.isolated) break;
        selectedBy = [...v.selectedBy];
        if (!v.allowed) blocked.push(`${protocol} ${port}`);
      }
      if (blocked.length === 0) continue;
      const policies = selectedBy.map((p) => `${p.namespace}/${p.name}`).join(", ");
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message: `${w.kind} ${w.namespace}/${w.name} is isolated for egress by NetworkPolicy ${policies}, and no egress rule allows DNS to ${dns.peer.namespace}/${dns.peer.name}${dns.assumed ? " (assumed labels k8s-app=kube-dns: no DNS pod in the snapshot)" : ""} on ${blocked.join(" and ")}: every name lookup of its pods times out`,
        objects: [
          { kind: w.kind, namespace: w.namespace, name: w.name, source: w.meta.source },
          ...selectedBy.map((p) => ({ kind: "NetworkPolicy", namespace: p.namespace, name: p.name, source: p.source })),
        ],
        fix: `add an egress rule to one of the policies: to namespaceSelector {kubernetes.io/metadata.name: kube-system} with podSelector {k8s-app: kube-dns}, ports UDP 53 and TCP 53`,
      });
    }
    return findings;
  },
};
