/**
 * A disagreement between podpath and kube-scheduler's framework, reduced to a small cluster and
 * written as a folder: `snapshot/` (what podpath reads), `framework-input.json` (what the Go
 * program reads) and `expected.json` (the framework's verdicts for the candidate on every node).
 * conformance/kube-scheduler/fixtures/ keeps such folders as regression fixtures.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { frameworkInput, type GeneratedCluster, type Json } from "./generate.js";
import { compareWorkload, frameworkVerdicts, runFramework, runPodpath, signature, workloadKey, writeSnapshot, type Verdict } from "./harness.js";

export interface Expected {
  readonly seed: number;
  readonly kubernetesVersion: string;
  readonly workload: string;
  /** the node and signature the disagreement was found with */
  readonly found: { readonly node: string; readonly signature: string };
  readonly nodes: Record<string, Verdict["framework"]>;
}

/** Both sides on a cluster with one candidate: its verdicts. */
function verdictsOf(cluster: GeneratedCluster, workDir: string): { verdicts: Verdict[]; expected: Record<string, Verdict["framework"]>; version: string } {
  const fw = runFramework(frameworkInput(cluster));
  const dir = join(workDir, "try");
  writeSnapshot(dir, cluster);
  const expected = frameworkVerdicts(fw.candidates[0]!);
  const verdicts = compareWorkload(cluster.seed, workloadKey(cluster.candidates[0]!), expected, runPodpath(dir));
  return { verdicts, expected, version: fw.kubernetesVersion };
}

/**
 * Keeps the candidate of `v` alone, then drops bound pods and nodes one at a time while the
 * same disagreement (same node, same signature) remains. At most `budget` runs of both sides.
 */
export function reduce(cluster: GeneratedCluster, v: Verdict, workDir: string, budget = 40): GeneratedCluster {
  const candidate = cluster.candidates.find((c) => workloadKey(c) === v.workload)!;
  const want = signature(v);
  const still = (c: GeneratedCluster): boolean => {
    if (budget-- <= 0) return false;
    const found = verdictsOf(c, workDir).verdicts.find((x) => x.node === v.node);
    return found !== undefined && !found.agree && signature(found) === want;
  };
  // the other candidates matter only as the bound pods they may be (nodeName)
  let current: GeneratedCluster = { ...cluster, candidates: [candidate] };
  for (const pod of [...current.pods]) {
    const meta = pod["metadata"] as Json;
    if (meta["name"] === candidate.name && meta["namespace"] === candidate.namespace) continue;
    const next = { ...current, pods: current.pods.filter((p) => p !== pod) };
    if (still(next)) current = next;
  }
  for (const node of [...current.nodes]) {
    const name = (node["metadata"] as Json)["name"];
    if (name === v.node) continue;
    // the node's pods go with it
    const next = { ...current, nodes: current.nodes.filter((n) => n !== node), pods: current.pods.filter((p) => (p["spec"] as Json)["nodeName"] !== name) };
    if (still(next)) current = next;
  }
  return current;
}

/** Writes a reproduction (or fixture) folder for a one-candidate cluster. */
export function writeReproduction(dir: string, cluster: GeneratedCluster, found: Verdict, workDir: string): Expected {
  const { expected, version } = verdictsOf(cluster, workDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeSnapshot(join(dir, "snapshot"), cluster);
  writeFileSync(join(dir, "framework-input.json"), JSON.stringify(frameworkInput(cluster), null, 1) + "\n");
  const out: Expected = {
    seed: cluster.seed,
    kubernetesVersion: version,
    workload: workloadKey(cluster.candidates[0]!),
    found: { node: found.node, signature: signature(found) },
    nodes: expected,
  };
  writeFileSync(join(dir, "expected.json"), JSON.stringify(out, null, 1) + "\n");
  return out;
}

export function readExpected(dir: string): Expected {
  return JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
}
