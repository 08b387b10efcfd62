/**
 * Settling a disagreement: each known cause is a rewrite of the cluster that makes explicit, on
 * both sides, what the API server or the scheduler does implicitly (or removes the one object the
 * rule is about). A disagreement that the rewrite makes go away is attributed to that cause; the
 * upstream source that settles which side is right is named with it
 * (conformance/kube-scheduler/DISAGREEMENTS.md has the detail). One that no rewrite explains is
 * "unexplained" and must be looked at by hand.
 */
import { frameworkInput, type Candidate, type GeneratedCluster, type Json } from "./generate.js";
import { runFramework } from "./harness.js";

export interface Cause {
  readonly id: string;
  /** what differs, and which side is wrong */
  readonly summary: string;
  /** the upstream code that settles it (k8s.io/kubernetes v1.34.4) */
  readonly upstream: string;
  readonly rewrite: (c: GeneratedCluster) => GeneratedCluster;
}

/**
 * The known causes of disagreement still open. The six found by the earlier runs (requests
 * defaulted from limits, hostPort under hostNetwork, pod-level resources, terminating pods in
 * spread, DefaultTolerationSeconds, a DaemonSet pod's matchFields in spread) were podpath bugs,
 * fixed since (admission/, controllers/, podtopologyspread); their rewrites are gone with them (git
 * history), their fixtures stay as regression tests (DISAGREEMENTS.md).
 */
export const CAUSES: readonly Cause[] = [
  {
    id: "kubelet-manifest-bound-as-written",
    summary:
      "a pod manifest (no uid, no status) that sets spec.nodeName is on its node for the other workloads' verdicts as the manifest is written: podpath binds it (ClusterSnapshot.of binds every pod with a nodeName that is not Succeeded or Failed) without the API server's defaulting and admission (requests from limits, LimitRange defaults, RuntimeClass overhead) and even when its kubelet refuses it (OutOfcpu, NodeAffinity, …: the pod is Failed and holds nothing) — podpath is wrong",
    upstream:
      "pkg/apis/core/v1/defaults.go SetDefaults_Pod and the admission plugins (the pod as stored); pkg/kubelet/kubelet.go rejectPod (status.phase Failed, with predicate.go Admit's reason) and pkg/scheduler/scheduler.go newPodInformer (field selector status.phase!=Succeeded,status.phase!=Failed: a Failed pod is not in the scheduler's cache)",
    // the rewrite: each such manifest as what it becomes — a refused one left out, an admitted one
    // a stored pod running on its node (uid, status), which podpath takes as stored
    rewrite: (c) => {
      const kubelet = new Map(
        runFramework(frameworkInput(c))
          .candidates.filter((x) => x.kubelet)
          .map((x) => [`${x.namespace}/${x.name}`, x.kubelet!]),
      );
      if (kubelet.size === 0) return c;
      const pods = [...c.pods];
      const candidates: Candidate[] = [];
      for (const x of c.candidates) {
        const k = x.kind === "Pod" ? kubelet.get(`${x.namespace}/${x.name}`) : undefined;
        if (!k) candidates.push(x);
        else if (k.admit) {
          const pod: Json = { ...structuredClone(x.pod), status: { phase: "Running" } };
          (pod["metadata"] as Json)["uid"] = `uid-${x.namespace}-${x.name}`;
          pods.push(pod);
          candidates.push({ ...x, pod, object: pod });
        }
      }
      return { ...c, pods, candidates };
    },
  },
];

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
