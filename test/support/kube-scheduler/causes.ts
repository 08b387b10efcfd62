/**
 * Settling a disagreement: each known cause is a rewrite of the cluster that makes explicit, on
 * both sides, what the API server or the scheduler does implicitly (or removes the one object the
 * rule is about). A disagreement that the rewrite makes go away is attributed to that cause; the
 * upstream source that settles which side is right is named with it
 * (conformance/kube-scheduler/DISAGREEMENTS.md has the detail). One that no rewrite explains is
 * "unexplained" and must be looked at by hand.
 */
import type { GeneratedCluster } from "./generate.js";

export interface Cause {
  readonly id: string;
  /** what differs, and which side is wrong */
  readonly summary: string;
  /** the upstream code that settles it (k8s.io/kubernetes v1.34.4) */
  readonly upstream: string;
  readonly rewrite: (c: GeneratedCluster) => GeneratedCluster;
}

/**
 * The known causes of disagreement still open: none. The seven found so far were podpath bugs,
 * fixed since: requests defaulted from limits, hostPort under hostNetwork, pod-level resources,
 * terminating pods in spread, DefaultTolerationSeconds, a DaemonSet pod's matchFields in spread
 * (admission/, controllers/, podtopologyspread) and a spec.nodeName manifest bound as written
 * (prepare.ts). Their rewrites are gone with them (git history), their fixtures stay as regression
 * tests (DISAGREEMENTS.md). A new cause gets a rewrite here, with the upstream source that settles
 * it, and a section there.
 */
export const CAUSES: readonly Cause[] = [];

/** What settled one disagreement: a cause id, several joined by "+", or "unexplained". */
export type Explained = Map<string, string>;

export const verdictKey = (v: { readonly workload: string; readonly node: string }) => `${v.workload}@${v.node}`;

/**
 * Attributes each disagreement of a cluster to the known cause whose rewrite makes it agree:
 * each cause alone first, then every cause together (named by the causes whose rewrite changes
 * the cluster). `run` is one run of both sides (harness.ts runCluster).
 */
export function explain(
  cluster: GeneratedCluster,
  disagreements: readonly { readonly workload: string; readonly node: string }[],
  run: (
    c: GeneratedCluster,
  ) => readonly { readonly workload: string; readonly node: string; readonly agree: boolean }[],
): Explained {
  const out: Explained = new Map();
  let open = new Set(disagreements.map(verdictKey));
  const agreeing = (c: GeneratedCluster) =>
    new Set(
      run(c)
        .filter((v) => v.agree)
        .map(verdictKey),
    );
  const changes = (cause: Cause) => JSON.stringify(cause.rewrite(cluster)) !== JSON.stringify(cluster);
  const relevant = CAUSES.filter(changes);
  for (const cause of relevant) {
    if (open.size === 0) break;
    const ok = agreeing(cause.rewrite(cluster));
    for (const k of open) if (ok.has(k)) out.set(k, cause.id);
    open = new Set([...open].filter((k) => !out.has(k)));
  }
  if (open.size > 0 && relevant.length > 1) {
    const ok = agreeing(relevant.reduce((c, cause) => cause.rewrite(c), cluster));
    for (const k of open) if (ok.has(k)) out.set(k, relevant.map((c) => c.id).join("+"));
  }
  for (const k of open) if (!out.has(k)) out.set(k, "unexplained");
  return out;
}
