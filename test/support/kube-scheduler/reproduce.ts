/**
 * A disagreement between podpath and kube-scheduler's framework, reduced to a small cluster and
 * written as a folder: `snapshot/` (what podpath reads), `framework-input.json` (what the Go
 * program reads) and `expected.json` (the framework's verdicts for the workload on every node).
 * conformance/kube-scheduler/fixtures/ keeps such folders as regression fixtures.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { frameworkInput, type GeneratedCluster, type Json } from "./generate.js";
import {
  daemonSetVerdicts,
  frameworkVerdicts,
  runCluster,
  signature,
  storedPods,
  workloadKey,
  writeSnapshot,
  type Side,
  type Verdict,
} from "./harness.js";

export interface Expected {
  readonly seed: number;
  readonly kubernetesVersion: string;
  readonly workload: string;
  /** the node and signature the disagreement was found with */
  readonly found: { readonly node: string; readonly signature: string };
  readonly nodes: Record<string, Side>;
}

const dsKey = (ds: Json) =>
  `DaemonSet/${String((ds["metadata"] as Json)["namespace"])}/${String((ds["metadata"] as Json)["name"])}`;

/** The cluster with only the given workload to place (candidate or DaemonSet). */
function only(cluster: GeneratedCluster, workload: string): GeneratedCluster {
  return {
    ...cluster,
    candidates: cluster.candidates.filter((c) => workloadKey(c) === workload),
    daemonSets: cluster.daemonSets.filter((d) => dsKey(d) === workload),
  };
}

/**
 * Keeps the workload of `v` alone, then drops bound pods and nodes one at a time while the
 * same disagreement (same node, same signature) remains. At most `budget` runs of both sides.
 */
export function reduce(cluster: GeneratedCluster, v: Verdict, workDir: string, budget = 40): GeneratedCluster {
  const want = signature(v);
  const still = (c: GeneratedCluster): boolean => {
    if (budget-- <= 0) return false;
    const found = runCluster(c, workDir).verdicts.find((x) => x.workload === v.workload && x.node === v.node);
    return found !== undefined && !found.agree && signature(found) === want;
  };
  // the other candidates matter only as the bound pods they may be (nodeName)
  let current = only(cluster, v.workload);
  const self = current.candidates[0];
  for (const pod of [...current.pods]) {
    const meta = pod["metadata"] as Json;
    if (self && meta["name"] === self.name && meta["namespace"] === self.namespace) continue;
    const next = { ...current, pods: current.pods.filter((p) => p !== pod) };
    if (still(next)) current = next;
  }
  for (const node of [...current.nodes]) {
    const name = (node["metadata"] as Json)["name"];
    if (name === v.node) continue;
    // the node's pods go with it
    const next = {
      ...current,
      nodes: current.nodes.filter((n) => n !== node),
      pods: current.pods.filter((p) => (p["spec"] as Json)["nodeName"] !== name),
    };
    if (still(next)) current = next;
  }
  return current;
}

/** Writes a reproduction (or fixture) folder for a cluster with one workload to place. */
export function writeReproduction(dir: string, cluster: GeneratedCluster, found: Verdict, workDir: string): Expected {
  const c = only(cluster, found.workload);
  const { framework } = runCluster(c, workDir);
  const expected = framework.candidates[0]
    ? frameworkVerdicts(framework.candidates[0])
    : daemonSetVerdicts(framework.daemonSets[0]!);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeSnapshot(join(dir, "snapshot"), c, storedPods(framework));
  writeFileSync(join(dir, "framework-input.json"), JSON.stringify(frameworkInput(c), null, 1) + "\n");
  const out: Expected = {
    seed: c.seed,
    kubernetesVersion: framework.kubernetesVersion,
    workload: found.workload,
    found: { node: found.node, signature: signature(found) },
    nodes: expected,
  };
  writeFileSync(join(dir, "expected.json"), JSON.stringify(out, null, 1) + "\n");
  return out;
}

export function readExpected(dir: string): Expected {
  return JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
}
