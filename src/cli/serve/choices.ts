/**
 * What the live page's forms offer, from the snapshot: the trace endpoints (in parseEndpoint's
 * forms: `internet`, `node:NAME`, `pod:NS/NAME`, `workload:NS/NAME`, `service:NS/NAME`, the
 * ingress URLs), the workloads `place` answers for, and the nodes. Names only: nothing of a
 * Secret, an environment variable or a ConfigMap is offered.
 */
import { parseEndpoint } from "../../analysis/paths/endpoints.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { ReportAnswer } from "../../questions/report.js";

export interface Choices {
  /** trace endpoints, sorted; pods are left out above `MAX_POD_CHOICES` (their workloads stay) */
  readonly endpoints: readonly string[];
  /** `NS/NAME` of each workload placement answers for */
  readonly workloads: readonly string[];
  readonly nodes: readonly string[];
  /** how many pods were left out of `endpoints` */
  readonly podsLeftOut: number;
}

/** Above this many pods the page's list offers workloads only: a datalist of 30,000 entries is no help. */
const MAX_POD_CHOICES = 500;

/** `url:SCHEME://HOST/PATH` of each Ingress rule with a host (https when a TLS entry names the host or the ALB listens on HTTPS). */
function ingressUrls(snapshot: Snapshot): string[] {
  const urls: string[] = [];
  for (const ingress of snapshot.kubernetes.ingresses) {
    const tls = new Set(ingress.tls.flatMap((t) => t.hosts));
    for (const rule of ingress.rules) {
      if (!rule.host || /[*?]/.test(rule.host)) continue;
      const scheme =
        tls.has(rule.host) || ingress.alb.listenPorts.some((l) => l.protocol === "HTTPS") ? "https" : "http";
      for (const path of rule.paths.length ? rule.paths : [{ path: "/" }]) {
        const p = (path.path || "/").replace(/[*?].*$/, "") || "/";
        urls.push(`url:${scheme}://${rule.host}${p.startsWith("/") ? p : `/${p}`}`);
      }
    }
  }
  return urls;
}

function isEndpoint(text: string): boolean {
  try {
    parseEndpoint(text);
    return true;
  } catch {
    return false;
  }
}

export function choicesOf(snapshot: Snapshot, report: ReportAnswer): Choices {
  const k = snapshot.kubernetes;
  const pods = k.pods.length <= MAX_POD_CHOICES ? k.pods.map((p) => `pod:${p.namespace}/${p.name}`) : [];
  const endpoints = new Set<string>([
    "internet",
    ...k.nodes.map((n) => `node:${n.name}`),
    ...k.workloads.map((w) => `workload:${w.namespace}/${w.name}`),
    ...k.services.map((s) => `service:${s.namespace}/${s.name}`),
    ...pods,
    // what the report traced (`-` where a rule forwards nothing)
    ...report.analysis.exposed.map((e) => e.tracedTo).filter(isEndpoint),
    ...ingressUrls(snapshot).filter(isEndpoint),
  ]);
  // internet, then the URLs, then the rest, each group by code unit (no key string built per comparison)
  const rank = (e: string) => (e === "internet" ? 0 : e.startsWith("url:") ? 1 : 2);
  return {
    endpoints: [...endpoints].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)),
    workloads: report.analysis.placement.workloads.map((w) => `${w.namespace}/${w.name}`),
    nodes: k.nodes.map((n) => n.name).sort(),
    podsLeftOut: k.pods.length - pods.length,
  };
}
