/**
 * selector-matches-no-pod: a Service whose spec.selector matches no pod (the EndpointSlice
 * controller, kubernetes pkg/controller/endpointslice, lists only pods the selector matches: the
 * Service gets no endpoints, clients get "connection refused" or a 503 from the proxy in front), and
 * a NetworkPolicy whose spec.podSelector selects no pod (it isolates nothing:
 * networking.k8s.io/v1 NetworkPolicySpec.podSelector). Pods are the observed ones and those the
 * workloads' templates create (a Deployment scaled to zero still counts).
 *
 * The nearest miss is named: the pods matching all of the selector but one label, with the value
 * they carry — the case of a gateway Service (Istio/Envoy ingress gateway) whose selector still
 * names the old `app.kubernetes.io/instance`/`istio` value after a Helm release was renamed.
 */
import type { LabelSelector, Labels } from "../../../model/kubernetes.js";
import { formatSelector, mapSelectorMatches, selectorMatches } from "../../../model/selectors.js";
import type { LintContext } from "../context.js";
import type { LintFinding, LintRule } from "../types.js";

interface Candidate {
  readonly what: string;
  readonly labels: Labels;
}

function candidatesIn(ctx: LintContext, namespace: string): Candidate[] {
  const out: Candidate[] = [];
  for (const p of ctx.snapshot.kubernetes.pods)
    if (p.namespace === namespace) out.push({ what: `pod ${p.name}`, labels: p.labels });
  for (const w of ctx.snapshot.kubernetes.workloads)
    if (w.namespace === namespace && w.kind !== "CronJob")
      out.push({ what: `${w.kind} ${w.name}'s pods`, labels: w.template.labels });
  return out;
}

/** The candidate that misses `selector` by one label only, and that label. */
function nearMiss(selector: Labels, candidates: readonly Candidate[]): string | undefined {
  const keys = Object.keys(selector).sort();
  if (keys.length < 2) {
    // one label: a pod carrying the key with another value is the near miss
    const key = keys[0];
    const c = key === undefined ? undefined : candidates.find((x) => x.labels[key] !== undefined);
    return c && key ? `${c.what} carry ${key}=${c.labels[key]!}, not ${key}=${selector[key]!}` : undefined;
  }
  for (const c of candidates) {
    const missed = keys.filter((k) => c.labels[k] !== selector[k]);
    if (missed.length === 1) {
      const k = missed[0]!;
      const has = c.labels[k];
      return `${c.what} match every label but ${k}: they carry ${has === undefined ? "no such label" : `${k}=${has}`}, the selector wants ${k}=${selector[k]!}`;
    }
  }
  // the same keys with other values: what a renamed Helm release does to its pods' labels
  const relabelled = candidates.find((c) => keys.every((k) => c.labels[k] !== undefined));
  if (relabelled)
    return `${relabelled.what} carry the same keys with other values: ${keys.map((k) => `${k}=${relabelled.labels[k]!}`).join(",")}`;
  return undefined;
}

function selectorText(selector: Labels): string {
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]!}`)
    .join(",");
}

function asLabelSelector(selector: LabelSelector): Labels | undefined {
  return selector.matchExpressions.length === 0 ? selector.matchLabels : undefined;
}

export const selectorMatchesNoPod: LintRule<LintContext> = {
  id: "selector-matches-no-pod",
  severity: "warning",
  title: "a Service selector or NetworkPolicy podSelector that matches no pod",
  upstream:
    "kubernetes pkg/controller/endpointslice (pods the selector matches); networking.k8s.io/v1 NetworkPolicySpec.podSelector",
  helpUri: "https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors",
  check(ctx) {
    const findings: LintFinding[] = [];
    const byNamespace = new Map<string, Candidate[]>();
    const inNamespace = (ns: string): Candidate[] => {
      let c = byNamespace.get(ns);
      if (!c) byNamespace.set(ns, (c = candidatesIn(ctx, ns)));
      return c;
    };
    for (const s of ctx.snapshot.kubernetes.services) {
      if (s.type === "ExternalName" || !s.selector || Object.keys(s.selector).length === 0) continue;
      const candidates = inNamespace(s.namespace);
      if (candidates.some((c) => mapSelectorMatches(s.selector!, c.labels))) continue;
      const near = nearMiss(s.selector, candidates);
      const gateway = /gateway/i.test(s.name) || "istio" in s.selector;
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message:
          `Service ${s.namespace}/${s.name} selects ${selectorText(s.selector)}, which no pod in ${s.namespace} carries: it has no endpoints` +
          (near ? ` (${near})` : "") +
          (gateway ? "; a gateway Service whose pods a Helm release rename relabelled keeps the old selector" : ""),
        objects: [{ kind: "Service", namespace: s.namespace, name: s.name, source: s.meta.source }],
        fix: near
          ? "change the Service's spec.selector to the labels its pods carry now (the near miss above), or relabel the pods"
          : "change spec.selector to the labels of the pods it should reach, or remove the Service",
      });
    }
    for (const p of ctx.snapshot.kubernetes.networkPolicies) {
      const sel = p.podSelector;
      if (Object.keys(sel.matchLabels).length === 0 && sel.matchExpressions.length === 0) continue; // selects every pod
      const candidates = inNamespace(p.namespace);
      if (candidates.some((c) => selectorMatches(sel, c.labels))) continue;
      const plain = asLabelSelector(sel);
      const near = plain ? nearMiss(plain, candidates) : undefined;
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message:
          `NetworkPolicy ${p.namespace}/${p.name} selects pods ${formatSelector(sel)}, and no pod in ${p.namespace} matches: it isolates nothing` +
          (near ? ` (${near})` : ""),
        objects: [{ kind: "NetworkPolicy", namespace: p.namespace, name: p.name, source: p.meta.source }],
        fix: "change spec.podSelector to the labels of the pods the policy is meant for",
      });
    }
    return findings;
  },
};
