/**
 * The differential harness against kube-scheduler's own code (issue 10 item 4): builds the Go
 * program of conformance/kube-scheduler/ (k8s.io/kubernetes v1.34.4's framework, default profile),
 * runs it and `podpath place -o json` on the same generated cluster, and compares their
 * per-(workload, node) verdicts. podpath is driven through its CLI JSON contract only
 * (`workloads[].feasibleNodes`, `workloads[].nodes[]` {node, feasible, reasons[].plugin,
 * message}), never its internal APIs.
 *
 * Agreement: the same feasibility on the node and the same set of rejecting plugins. Messages
 * (podpath's `message` against the plugin's status reasons) are compared and counted apart.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../helpers.js";
import {
  frameworkInput,
  podRef,
  snapshotFiles,
  type Candidate,
  type GeneratedCluster,
  type Json,
  type StoredPods,
} from "./generate.js";

export const HARNESS_DIR = join(REPO, "conformance/kube-scheduler");
export const HARNESS_BIN = join(HARNESS_DIR, "bin/kube-scheduler-verdicts");
const PODPATH = join(REPO, "dist/src/bin/podpath.js");

/** The Go program built (incrementally), or why it cannot be. */
export function buildHarness(): { ok: true } | { ok: false; reason: string } {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error || go.status !== 0) return { ok: false, reason: "`go` is not on PATH" };
  const build = spawnSync("go", ["build", "-o", "bin/kube-scheduler-verdicts", "."], {
    cwd: HARNESS_DIR,
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=mod" },
    timeout: 30 * 60_000,
  });
  if (build.error || build.status !== 0) {
    const text = `${build.stderr ?? ""}${build.error ? String(build.error) : ""}`
      .trim()
      .split("\n")
      .slice(-5)
      .join(" | ");
    return {
      ok: false,
      reason: `go build in conformance/kube-scheduler failed (Go, or the module proxy for k8s.io/kubernetes v1.34.4, unavailable?): ${text}`,
    };
  }
  return { ok: true };
}

interface PluginStatus {
  readonly plugin: string;
  readonly code: string;
  readonly reasons: readonly string[];
}
interface FrameworkNode {
  readonly node: string;
  readonly feasible: boolean;
  readonly first: PluginStatus | null;
  readonly plugins: readonly PluginStatus[];
  readonly excludedByPreFilter: boolean;
}
export interface FrameworkCandidate {
  readonly namespace: string;
  readonly name: string;
  readonly preFilter: PluginStatus | null;
  readonly feasibleNodes: readonly string[];
  readonly nodes: readonly FrameworkNode[];
  /** a pod not yet created that sets spec.nodeName: its node's kubelet admission (kubelet.go) */
  readonly kubelet?: KubeletVerdict | null;
}

/** pkg/kubelet/lifecycle/predicate.go PodAdmitResult: the pod's status.reason and message when refused */
interface KubeletVerdict {
  readonly node: string;
  readonly admit: boolean;
  readonly reason: string;
  readonly message: string;
  /** every failure generalFilter found, as the kubelet words the first */
  readonly reasons: readonly { readonly reason: string; readonly message: string }[];
}

/** The pseudo-plugin holding the kubelet's status (its first failure) for a pod it refuses. */
const KUBELET_STATUS = "(kubelet status)";
export interface FrameworkDaemonSet {
  readonly namespace: string;
  readonly name: string;
  readonly targeting: readonly {
    readonly node: string;
    readonly shouldRun: boolean;
    readonly continueRunning: boolean;
  }[];
  /** the daemon pod of each targeted node, on that node */
  readonly nodes: readonly FrameworkNode[];
}
export interface FrameworkOutput {
  readonly kubernetesVersion: string;
  readonly filterPlugins: readonly string[];
  readonly candidates: readonly FrameworkCandidate[];
  readonly daemonSets: readonly FrameworkDaemonSet[];
  /** the input's pods as the API server stores them (store.go) */
  readonly stored: { readonly pods: readonly Json[]; readonly candidates: readonly Json[] };
}

/** The stored pods of a framework run, by namespace/name. */
export function storedPods(fw: FrameworkOutput): StoredPods {
  const out = new Map<string, Json>();
  for (const p of [...fw.stored.pods, ...fw.stored.candidates]) out.set(podRef(p), p);
  return out;
}

/** The pseudo-plugin of a node a DaemonSet does not target (the controller makes no pod there). */
const NOT_TARGETED = "(DaemonSet: not targeted)";

/** The framework's verdicts for the cluster (the Go program, input on stdin). */
export function runFramework(input: Json): FrameworkOutput {
  const run = spawnSync(HARNESS_BIN, [], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 256 << 20 });
  if (run.error || run.status !== 0)
    throw new Error(`kube-scheduler-verdicts failed: ${run.stderr || String(run.error)}`);
  return JSON.parse(run.stdout) as FrameworkOutput;
}

interface PodpathReason {
  readonly plugin: string;
  readonly message: string;
}
interface PodpathWorkload {
  readonly targetedNodes: readonly string[] | null;
  /** "kubelet": pods bound by spec.nodeName, admitted by their node's kubelet */
  readonly admittedBy?: string;
  readonly pods?: readonly {
    readonly kubelet: { readonly node: string; readonly reason: string | null; readonly message: string | null } | null;
  }[];
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly feasibleNodes: readonly string[];
  readonly nodes: readonly {
    readonly node: string;
    readonly feasible: boolean;
    readonly reasons: readonly PodpathReason[];
  }[];
}
export interface PodpathPlace {
  readonly workloads: readonly PodpathWorkload[];
}

/** `podpath place --snapshot DIR -o json` (the built CLI, dist/). */
export function runPodpath(dir: string): PodpathPlace {
  const run = spawnSync(process.execPath, [PODPATH, "place", "--snapshot", dir, "-o", "json"], {
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  if (run.error || (run.status !== 0 && run.status !== 1))
    throw new Error(`podpath place failed (exit ${run.status}): ${run.stderr || String(run.error)}`);
  return JSON.parse(run.stdout) as PodpathPlace;
}

/** One (workload, node) verdict of both sides. */
export interface Verdict {
  readonly seed: number;
  readonly workload: string;
  readonly node: string;
  readonly framework: Side;
  readonly podpath: Side | null;
  /** same feasibility and the same set of rejecting plugins */
  readonly agree: boolean;
  readonly messagesAgree: boolean;
  /** the plugins both sides name whose messages differ */
  readonly messageDiffs: readonly string[];
}

/** One side's verdict on a node: feasible, the rejecting plugins, each plugin's messages. */
export interface Side {
  readonly feasible: boolean;
  readonly plugins: readonly string[];
  readonly messages: Readonly<Record<string, readonly string[]>>;
}

function messagesByPlugin(
  reasons: readonly { readonly plugin: string; readonly messages: readonly string[] }[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of reasons) out[r.plugin] = sorted([...(out[r.plugin] ?? []), ...r.messages]);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/**
 * A DaemonSet's verdicts per node: a node it does not target is rejected by NOT_TARGETED, a
 * targeted one has its daemon pod's verdict there.
 */
export function daemonSetVerdicts(ds: FrameworkDaemonSet): Record<string, Side> {
  const out: Record<string, Side> = {};
  for (const t of ds.targeting)
    if (!t.shouldRun) out[t.node] = { feasible: false, plugins: [NOT_TARGETED], messages: {} };
  Object.assign(
    out,
    frameworkVerdicts({ namespace: ds.namespace, name: ds.name, preFilter: null, feasibleNodes: [], nodes: ds.nodes }),
  );
  return out;
}

/**
 * The framework's verdicts for one candidate, as the fixtures keep them. A pod the kubelet admits
 * (spec.nodeName, not yet created) targets its node only: the kubelet's verdict there (its
 * status.reason as the plugin), every other node not targeted — what `place` reports for it.
 */
export function frameworkVerdicts(fc: FrameworkCandidate): Record<string, Side> {
  const out: Record<string, Side> = {};
  const k = fc.kubelet;
  if (k) {
    for (const n of fc.nodes)
      out[n.node] =
        n.node !== k.node
          ? { feasible: false, plugins: [NOT_TARGETED], messages: {} }
          : k.admit
            ? { feasible: true, plugins: [], messages: {} }
            : {
                feasible: false,
                plugins: sorted(k.reasons.map((r) => r.reason)),
                messages: messagesByPlugin([
                  ...k.reasons.map((r) => ({ plugin: r.reason, messages: [r.message] })),
                  { plugin: KUBELET_STATUS, messages: [`${k.reason}: ${k.message}`] },
                ]),
              };
    return out;
  }
  for (const n of fc.nodes) {
    out[n.node] = {
      feasible: n.feasible,
      plugins: sorted(n.plugins.map((p) => p.plugin)),
      messages: messagesByPlugin(n.plugins.map((p) => ({ plugin: p.plugin, messages: p.reasons }))),
    };
  }
  return out;
}

/** The candidate's workload key in podpath's output: kind/namespace/name. */
export const workloadKey = (c: Pick<Candidate, "kind" | "namespace" | "name">) => `${c.kind}/${c.namespace}/${c.name}`;

/** Compares podpath's verdicts for one workload with the framework's, node by node. */
export function compareWorkload(
  seed: number,
  key: string,
  expected: Readonly<Record<string, Side>>,
  place: PodpathPlace,
): Verdict[] {
  const w = place.workloads.find((x) => `${x.kind}/${x.namespace}/${x.name}` === key);
  return Object.entries(expected)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, fw]): Verdict => {
      if (!w)
        return {
          seed,
          workload: key,
          node,
          framework: fw,
          podpath: null,
          agree: false,
          messagesAgree: false,
          messageDiffs: [],
        };
      const rejected = w.nodes.find((n) => n.node === node && !n.feasible);
      // a pod the kubelet admits targets its node only (`nodes` holds that node, or
      // `feasibleNodes`); its status is the kubelet's first failure (pods[].kubelet)
      const kubelet = w.admittedBy === "kubelet";
      const notTargeted =
        (w.targetedNodes !== null && !w.targetedNodes.includes(node)) ||
        (kubelet && !rejected && !w.feasibleNodes.includes(node));
      const feasible = w.feasibleNodes.includes(node) && !rejected && !notTargeted;
      const status = kubelet ? w.pods?.find((p) => p.kubelet?.node === node)?.kubelet : undefined;
      const pp = {
        feasible,
        plugins: notTargeted ? [NOT_TARGETED] : sorted((rejected?.reasons ?? []).map((r) => r.plugin)),
        messages: messagesByPlugin([
          ...(rejected?.reasons ?? []).map((r) => ({ plugin: r.plugin, messages: [r.message] })),
          ...(rejected && status
            ? [{ plugin: KUBELET_STATUS, messages: [`${status.reason ?? ""}: ${status.message ?? ""}`] }]
            : []),
        ]),
      };
      const agree = pp.feasible === fw.feasible && pp.plugins.join(",") === fw.plugins.join(",");
      // the plugins both sides name, and the kubelet's status
      const messageDiffs = Object.keys(fw.messages).filter(
        (p) => pp.messages[p] !== undefined && (pp.messages[p] ?? []).join("\n") !== (fw.messages[p] ?? []).join("\n"),
      );
      return {
        seed,
        workload: key,
        node,
        framework: fw,
        podpath: pp,
        agree,
        messagesAgree: messageDiffs.length === 0,
        messageDiffs,
      };
    });
}

/** Writes the cluster as a snapshot folder podpath reads (stored pods as the API server stored them). */
export function writeSnapshot(dir: string, cluster: GeneratedCluster, stored: StoredPods): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(snapshotFiles(cluster, stored))) writeFileSync(join(dir, name), text);
}

/** Both sides on one generated cluster: every candidate's verdicts on every node. */
export function runCluster(
  cluster: GeneratedCluster,
  workDir: string,
): { verdicts: Verdict[]; framework: FrameworkOutput } {
  const framework = runFramework(frameworkInput(cluster));
  const dir = join(workDir, `cluster-${cluster.seed}`);
  writeSnapshot(dir, cluster, storedPods(framework));
  const place = runPodpath(dir);
  const verdicts: Verdict[] = [];
  cluster.candidates.forEach((c, i) => {
    const fc = framework.candidates[i]!;
    verdicts.push(...compareWorkload(cluster.seed, workloadKey(c), frameworkVerdicts(fc), place));
  });
  for (const ds of framework.daemonSets)
    verdicts.push(
      ...compareWorkload(cluster.seed, `DaemonSet/${ds.namespace}/${ds.name}`, daemonSetVerdicts(ds), place),
    );
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  return { verdicts, framework };
}

/**
 * The edges a generated cluster hits, counted over the pods the API server stored (`stored`) and
 * the cluster's objects: what `npm run conformance` reports as its coverage.
 */
export function coverage(cluster: GeneratedCluster, fw: FrameworkOutput): Record<string, number> {
  const out: Record<string, number> = {};
  const hit = (k: string, n = 1) => {
    if (n > 0) out[k] = (out[k] ?? 0) + n;
  };
  const specOf = (p: Json) => p["spec"] as Json;
  const annotations = (p: Json) => ((p["metadata"] as Json)["annotations"] as Record<string, string> | undefined) ?? {};
  const terms = (spec: Json) => {
    const a = (spec["affinity"] as Json | undefined) ?? {};
    return ["podAffinity", "podAntiAffinity"].flatMap(
      (k) =>
        ((a[k] as Json | undefined)?.["requiredDuringSchedulingIgnoredDuringExecution"] as Json[] | undefined) ?? [],
    );
  };
  const pods = [...fw.stored.pods, ...fw.stored.candidates];
  for (const p of pods) {
    const spec = specOf(p);
    const inits = (spec["initContainers"] as Json[] | undefined) ?? [];
    hit("pods (stored)");
    hit("LimitRanger defaults", annotations(p)["kubernetes.io/limit-ranger"] ? 1 : 0);
    hit("RuntimeClass overhead", spec["overhead"] ? 1 : 0);
    hit("Priority from a PriorityClass", spec["priorityClassName"] ? 1 : 0);
    hit("pod-level resources", spec["resources"] ? 1 : 0);
    hit("sidecar (restartable init container)", inits.some((c) => c["restartPolicy"] === "Always") ? 1 : 0);
    hit("init containers", inits.length > 0 ? 1 : 0);
    hit("hostNetwork", spec["hostNetwork"] === true ? 1 : 0);
    hit(
      "pod (anti-)affinity matchLabelKeys/mismatchLabelKeys",
      terms(spec).some((t) => t["matchLabelKeys"] || t["mismatchLabelKeys"]) ? 1 : 0,
    );
    hit("spread constraints", ((spec["topologySpreadConstraints"] as Json[] | undefined) ?? []).length > 0 ? 1 : 0);
    hit(
      "spread minDomains",
      ((spec["topologySpreadConstraints"] as Json[] | undefined) ?? []).some((c) => c["minDomains"]) ? 1 : 0,
    );
    hit("terminating", (p["metadata"] as Json)["deletionTimestamp"] ? 1 : 0);
  }
  for (const c of cluster.candidates) {
    hit(`candidates: ${c.kind}`);
    if (c.kind === "Pod" && (c.pod["metadata"] as Json)["uid"] === undefined)
      hit("candidates: Pod manifest (podpath admits it)");
    if ((c.pod["spec"] as Json)["nodeName"])
      hit(
        (c.pod["metadata"] as Json)["uid"] === undefined
          ? "candidates: spec.nodeName manifest (the kubelet admits it)"
          : "candidates: spec.nodeName, running",
      );
  }
  hit("DaemonSets", cluster.daemonSets.length);
  hit("LimitRanges", cluster.limitRanges.length);
  hit("nodes", cluster.nodes.length);
  return out;
}

/** A disagreement's signature: which plugins each side names (where they differ). */
export function signature(v: Verdict): string {
  const fw = v.framework.feasible ? "feasible" : v.framework.plugins.join("+");
  const pp = v.podpath === null ? "missing" : v.podpath.feasible ? "feasible" : v.podpath.plugins.join("+");
  return `framework ${fw} / podpath ${pp}`;
}

/** The plugins a disagreement is about: those named by one side and not the other. */
export function disagreeingPlugins(v: Verdict): string[] {
  if (v.podpath === null) return ["(workload missing)"];
  const a = new Set(v.framework.plugins);
  const b = new Set(v.podpath.plugins);
  const diff = [...a].filter((p) => !b.has(p)).concat([...b].filter((p) => !a.has(p)));
  return diff.length > 0 ? sorted(diff) : ["(feasibility)"];
}
