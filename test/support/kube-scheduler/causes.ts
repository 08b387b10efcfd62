/**
 * Settling a disagreement: each known cause is a rewrite of the cluster that makes explicit, on
 * both sides, what the API server or the scheduler does implicitly (or removes the one object the
 * rule is about). A disagreement that the rewrite makes go away is attributed to that cause; the
 * upstream source that settles which side is right is named with it
 * (conformance/kube-scheduler/DISAGREEMENTS.md has the detail). One that no rewrite explains is
 * "unexplained" and must be looked at by hand.
 */
import type { GeneratedCluster, Json } from "./generate.js";

export interface Cause {
  readonly id: string;
  /** what differs, and which side is wrong */
  readonly summary: string;
  /** the upstream code that settles it (k8s.io/kubernetes v1.34.4) */
  readonly upstream: string;
  readonly rewrite: (c: GeneratedCluster) => GeneratedCluster;
}

type PodRewrite = (pod: Json) => Json;

const clone = <T>(x: T): T => structuredClone(x);

/** Applies a pod rewrite to every pod of the cluster (bound pods, candidates, DaemonSet templates). */
function everyPod(c: GeneratedCluster, f: PodRewrite): GeneratedCluster {
  const mapped = new Map<Json, Json>();
  const map = (p: Json) => {
    let out = mapped.get(p);
    if (!out) {
      out = f(clone(p));
      mapped.set(p, out);
    }
    return out;
  };
  return {
    ...c,
    pods: c.pods.map(map),
    candidates: c.candidates.map((x) => {
      if (x.kind === "Pod") {
        const pod = map(x.pod);
        return { ...x, pod, object: pod };
      }
      const pod = f(clone(x.pod));
      const object = clone(x.object);
      ((object["spec"] as Json)["template"] as Json)["spec"] = pod["spec"];
      return { ...x, pod, object };
    }),
    // a DaemonSet's pods are its template's (what the controller creates)
    daemonSets: c.daemonSets.map((d) => {
      const ds = clone(d);
      const template = (ds["spec"] as Json)["template"] as Json;
      template["spec"] = f({ metadata: template["metadata"], spec: template["spec"] })["spec"];
      return ds;
    }),
  };
}

const containersOf = (spec: Json): Json[] => [
  ...((spec["containers"] as Json[] | undefined) ?? []),
  ...((spec["initContainers"] as Json[] | undefined) ?? []),
];

export const CAUSES: readonly Cause[] = [
  {
    id: "requests-defaulted-from-limits",
    summary:
      "a container that gives a limit without a request gets the limit as its request (API server defaulting); podpath counts no request, the scheduler counts the limit — podpath is wrong",
    upstream:
      'pkg/apis/core/v1/defaults.go SetDefaults_Pod ("if a container has limits and no requests, requests = limits"); issue 10 item 1',
    rewrite: (c) =>
      everyPod(c, (pod) => {
        for (const ctr of containersOf(pod["spec"] as Json)) {
          const r = (ctr["resources"] ??= {}) as Json;
          const limits = r["limits"] as Record<string, string> | undefined;
          if (!limits) continue;
          const requests = (r["requests"] ??= {}) as Record<string, string>;
          for (const [k, v] of Object.entries(limits)) requests[k] ??= v;
        }
        return pod;
      }),
  },
  {
    id: "host-port-defaulted-under-host-network",
    summary:
      "under hostNetwork every container port without a hostPort gets hostPort = containerPort, init (sidecar) containers included (API server defaulting); podpath leaves the sidecar's port without a host port — podpath is wrong",
    upstream:
      "pkg/apis/core/v1/defaults.go SetDefaults_Pod → defaultHostNetworkPorts(&InitContainers); pkg/scheduler/util/utils.go GetHostPorts (restartable init containers' host ports count); issue 10 item 1",
    rewrite: (c) =>
      everyPod(c, (pod) => {
        const spec = pod["spec"] as Json;
        if (spec["hostNetwork"] !== true) return pod;
        for (const ctr of containersOf(spec))
          for (const p of (ctr["ports"] as Json[] | undefined) ?? []) p["hostPort"] ??= p["containerPort"];
        return pod;
      }),
  },
  {
    id: "pod-level-resources",
    summary:
      "spec.resources (pod-level requests, PodLevelResources: beta and on by default from v1.34) is the pod's request; podpath ignores it and counts the containers' (none) — podpath is wrong",
    upstream:
      "pkg/scheduler/framework/plugins/noderesources/fit.go computePodResourceRequest → component-helpers resource.PodRequests (pod-level requests when set); pkg/features/kube_features.go PodLevelResources {1.34: Beta, default true}; issue 10 item 1",
    rewrite: (c) =>
      everyPod(c, (pod) => {
        const spec = pod["spec"] as Json;
        const level = spec["resources"] as Json | undefined;
        if (!level) return pod;
        delete spec["resources"];
        ((spec["containers"] as Json[])[0]!["resources"] as Json)["requests"] = level["requests"];
        return pod;
      }),
  },
  {
    id: "terminating-pods-in-spread",
    summary:
      "pods with a deletionTimestamp are not counted by PodTopologySpread; podpath counts them — podpath is wrong",
    upstream:
      "pkg/scheduler/framework/plugins/podtopologyspread/common.go countPodsMatchSelector (`if p.GetPod().DeletionTimestamp != nil … continue`); issue 10 item 2",
    rewrite: (c) => ({ ...c, pods: c.pods.filter((p) => (p["metadata"] as Json)["deletionTimestamp"] === undefined) }),
  },
  {
    id: "default-toleration-seconds",
    summary:
      "the DefaultTolerationSeconds admission plugin (on by default) gives a pod created without them tolerations of node.kubernetes.io/not-ready and unreachable NoExecute for 300 s; podpath does not, and rejects a NotReady node for its NoExecute taint — podpath is wrong",
    upstream: "plugin/pkg/admission/defaulttolerationseconds/admission.go Admit; issue 10 item 1",
    // the rewrite: the tolerations the plugin adds, written into the pods to place (bound pods
    // and DaemonSet pods have theirs: the generator's tolerate everything, the controller adds its own)
    rewrite: (c) => {
      const admitted = new Map<Json, Json>();
      const candidates = c.candidates.map((x) => {
        const pod = clone(x.pod);
        const spec = pod["spec"] as Json;
        const tolerations = ((spec["tolerations"] as Json[] | undefined) ?? []).slice();
        for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
          const tolerated = tolerations.some(
            (t) => (t["key"] === key || !t["key"]) && (t["effect"] === "NoExecute" || !t["effect"]),
          );
          if (!tolerated) tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
        }
        spec["tolerations"] = tolerations;
        admitted.set(x.pod, pod);
        if (x.kind === "Pod") return { ...x, pod, object: pod };
        const object = clone(x.object);
        ((object["spec"] as Json)["template"] as Json)["spec"] = spec;
        return { ...x, pod, object };
      });
      // a candidate that sets nodeName is among the bound pods too
      return { ...c, candidates, pods: c.pods.map((p) => admitted.get(p) ?? p) };
    },
  },
  {
    id: "daemonset-matchfields-in-spread",
    summary:
      "a DaemonSet pod's node affinity is the controller's matchFields metadata.name = its node, and PodTopologySpread's nodeAffinityPolicy Honor (the default) counts only the nodes that affinity matches: one node, so one domain; podpath counts the domains of every node, as if the policy were Ignore — podpath is wrong",
    upstream:
      "pkg/controller/daemon/daemon_controller.go syncNodes → util.ReplaceDaemonSetPodNodeNameNodeAffinity; pkg/scheduler/framework/plugins/podtopologyspread/filtering.go calPreFilterState → common.go matchNodeInclusionPolicies with nodeaffinity.GetRequiredNodeAffinity(pod) (matchFields included); issue 10 item 2",
    // the rewrite: the DaemonSets' spread constraints with nodeAffinityPolicy Ignore, which is
    // what podpath computes today; it explains a disagreement only when that is all there is to it
    rewrite: (c) => ({
      ...c,
      daemonSets: c.daemonSets.map((d) => {
        const ds = clone(d);
        const spec = ((ds["spec"] as Json)["template"] as Json)["spec"] as Json;
        for (const tsc of (spec["topologySpreadConstraints"] as Json[] | undefined) ?? [])
          tsc["nodeAffinityPolicy"] = "Ignore";
        return ds;
      }),
    }),
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
