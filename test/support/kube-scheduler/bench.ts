/**
 * Times kube-scheduler's framework (k8s.io/kubernetes v1.34.4, default profile, in-process in the
 * Go program's `-bench` mode) scheduling the bench cluster's pending pods one after another
 * (bench/synthetic.ts, the cluster `npm run bench` measures podpath on), for the speed ratio issue
 * 10 item 4 asks for. Prints the Go program's figures; podpath's are `npm run bench`'s
 * "prediction (simulate)" line on the same size.
 *
 * The Go program reports the wall clock and the process's CPU time (getrusage) of the scheduling
 * loop: on a shared machine the latter is the fairer figure.
 *
 * Environment: BENCH_NODES, BENCH_PODS (defaults 500 and 15000: a tenth of the bench's default),
 * CONFORMANCE_BENCH_ROUNDS (default 1), CONFORMANCE_BENCH_CANDIDATES (only the first N pods to
 * place, in scheduling order; default all).
 *
 * The pods to place are each Deployment's and StatefulSet's replicas not yet running (the
 * template, in its namespace), highest priority first, then in workload order — podpath's
 * schedulingOrder; DaemonSets are left out (the controller, not the scheduler, places them).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSyntheticCluster } from "../../../bench/synthetic.js";
import type { Json } from "./generate.js";
import { buildHarness, HARNESS_BIN } from "./harness.js";

const nodes = Number(process.env["BENCH_NODES"] ?? 500);
const pods = Number(process.env["BENCH_PODS"] ?? 15000);
const rounds = Number(process.env["CONFORMANCE_BENCH_ROUNDS"] ?? 1);
const firstCandidates = Number(process.env["CONFORMANCE_BENCH_CANDIDATES"] ?? Infinity);

const built = buildHarness();
if (!built.ok) {
  console.error(`conformance bench: ${built.reason}`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "podpath-ks-bench-"));
try {
  await writeSyntheticCluster(dir, { nodes, pods });
  const items = (file: string) => (JSON.parse(readFileSync(join(dir, file), "utf8")) as { items: Json[] }).items;
  const meta = (o: Json) => o["metadata"] as Json;
  const bound = items("pods.json").filter((p) => (p["spec"] as Json)["nodeName"]);
  const running = new Map<string, number>();
  for (const p of bound) {
    const app = (meta(p)["labels"] as Record<string, string> | undefined)?.["app"] ?? "";
    const key = `${String(meta(p)["namespace"])}/${app}`;
    running.set(key, (running.get(key) ?? 0) + 1);
  }
  const priorities = new Map(
    items("priorityclasses.json").map((pc) => [String(meta(pc)["name"]), Number(pc["value"])]),
  );
  const candidates: { pod: Json; priority: number; order: number }[] = [];
  for (const w of items("workloads.json")) {
    if (w["kind"] !== "Deployment" && w["kind"] !== "StatefulSet") continue;
    const spec = w["spec"] as Json;
    const template = spec["template"] as Json;
    const podSpec = template["spec"] as Json;
    const key = `${String(meta(w)["namespace"])}/${String(meta(w)["name"])}`;
    const missing = Number(spec["replicas"] ?? 1) - (running.get(key) ?? 0);
    const priority = priorities.get((podSpec["priorityClassName"] as string | undefined) ?? "") ?? 0;
    for (let i = 0; i < missing; i++) {
      candidates.push({
        pod: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: {
            ...(template["metadata"] as Json),
            name: `${String(meta(w)["name"])}-p${i}`,
            namespace: meta(w)["namespace"],
            uid: `${key}-${i}`,
          },
          spec: podSpec,
        },
        priority,
        order: candidates.length,
      });
    }
  }
  candidates.sort((a, b) => b.priority - a.priority || a.order - b.order);
  const pending = candidates.length;
  candidates.splice(firstCandidates);
  const namespaces = [
    ...new Set([...bound, ...candidates.map((c) => c.pod)].map((p) => String(meta(p)["namespace"]))),
  ].map((name) => ({ metadata: { name, labels: { "kubernetes.io/metadata.name": name } } }));
  const input = { nodes: items("nodes.json"), pods: bound, namespaces, candidates: candidates.map((c) => c.pod) };
  const started = Date.now();
  const run = spawnSync(HARNESS_BIN, [`-bench=${rounds}`], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  console.log(
    `cluster: ${nodes} nodes, ${bound.length} bound pods, ${pending} pods to place (bench/synthetic.ts), the first ${candidates.length} scheduled`,
  );
  console.log(`kube-scheduler v1.34.4 framework, sequential in-process: ${run.stdout.trim()}`);
  console.log(
    `whole Go run (reading JSON, building the framework, ${rounds} round(s)): ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
