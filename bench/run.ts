/**
 * `npm run bench`: generates a synthetic cluster (bench/synthetic.ts: 5,000 nodes and 150,000
 * pods, most of them still to be placed) as kubectl JSON, plus a YAML rendering of a slice of its
 * pods, and measures:
 * - loading (time, throughput);
 * - the placement phases, as `podpath place` runs them: the cluster state, the pods each workload
 *   makes, feasibility (every filter on every node, for one pod of each workload and every
 *   DaemonSet pod: placement.ts's per-workload verdicts, counted and dropped here) and the
 *   prediction (the simulation placing every pod not yet placed, with the default filters and
 *   scores), with pods per second;
 * - peak memory (RSS) for each, and over the whole run.
 * - the dump alone (pods.json, with the managedFields the API server stores): podpath's load
 *   against JSON.parse of its text, and a BENCH_BIG_MB dump (default 1024, 0 skips) loaded in a
 *   child process with its peak RSS; BENCH_ONLY_LOAD=1 runs the load phases only;
 * Options: BENCH_NODES, BENCH_PODS (defaults 5000 and 150000); BENCH_SKIP_YAML=1 skips the YAML
 * load; BENCH_BREAKDOWN=1 runs the prediction again without the InterPodAffinity and
 * PodTopologySpread filters, to show what they cost, and once more with every score plugin's
 * PreScore, Score and NormalizeScore timed (the simulation's walk over the nodes is the rest).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { ClusterSnapshot } from "../src/analysis/placement/cluster-snapshot.js";
import { evaluatePod } from "../src/analysis/placement/feasibility.js";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "../src/analysis/placement/plugins/index.js";
import { observedPodsByOwner, podsOfWorkload } from "../src/analysis/placement/pods-to-place.js";
import { schedulingOrder, simulate } from "../src/analysis/placement/simulate.js";
import type { FilterPlugin, PodToPlace, ScorePlugin } from "../src/analysis/placement/types.js";
import { workloadKey } from "../src/analysis/placement/workload-key.js";
import { loadSnapshot } from "../src/load/load-snapshot.js";
import type { Workload } from "../src/model/kubernetes.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { SYNTHETIC_FILES, writePodDump, writeSyntheticCluster } from "./synthetic.js";

const nodes = Number(process.env["BENCH_NODES"] ?? 5000);
const pods = Number(process.env["BENCH_PODS"] ?? 150000);
const dir = join(tmpdir(), `podpath-bench-v4-${nodes}-${pods}`);

let peakRss = 0;
let overallPeak = 0;
const sample = () => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  overallPeak = Math.max(overallPeak, rss);
};
const sampler = setInterval(sample, 20);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

interface Phase {
  readonly label: string;
  readonly seconds: number;
  /** CPU time (user + system, every thread: the GC's helpers included) */
  readonly cpuSeconds: number;
  readonly peakRss: number;
  readonly note: string;
}
const phases: Phase[] = [];

/** Runs one phase: wall and CPU time, peak RSS (sampled every 20 ms, and at both ends). */
function phase<T>(label: string, run: () => T, note: (result: T, seconds: number) => string): T {
  gc();
  peakRss = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  sample();
  phases.push({ label, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRss, note: note(result, seconds) });
  return result;
}

function priorityOf(snapshot: Snapshot): (pod: PodToPlace) => number {
  const priorities = new Map(snapshot.kubernetes.priorityClasses.map((p) => [p.name, p.value]));
  const globalDefault = snapshot.kubernetes.priorityClasses.find((p) => p.globalDefault)?.value ?? 0;
  return (pod) =>
    pod.spec.priority ??
    (pod.spec.priorityClassName ? (priorities.get(pod.spec.priorityClassName) ?? 0) : globalDefault);
}

async function main(): Promise<void> {
  if (!existsSync(join(dir, "priorityclasses.json"))) {
    mkdirSync(dir, { recursive: true });
    const t = Date.now();
    process.stderr.write(`generating ${nodes} nodes and ${pods} pods in ${dir}…\n`);
    const summary = await writeSyntheticCluster(dir, { nodes, pods, managedFields: true });
    process.stderr.write(
      `generated in ${((Date.now() - t) / 1000).toFixed(1)} s: ${summary.apps} applications, ${summary.observedPods} pods observed, ${summary.podsToPlace} to place\n`,
    );
  }
  const paths = SYNTHETIC_FILES.map((f) => join(dir, f));
  const jsonBytes = paths.reduce((n, p) => n + statSync(p).size, 0);

  // load
  const snapshot = phase(
    "load kubectl JSON",
    () => loadSnapshot({ paths, cwd: dir }),
    (s, seconds) =>
      `${mb(jsonBytes)} MB, ${(jsonBytes / 1024 / 1024 / seconds).toFixed(0)} MB/s: ${s.kubernetes.nodes.length} nodes, ${s.kubernetes.pods.length} pods, ${s.kubernetes.workloads.length} workloads, ${s.kubernetes.services.length} services`,
  );

  if (process.env["BENCH_SKIP_YAML"] !== "1") {
    // YAML: a tenth of the pods as `kubectl get -o yaml` prints them.
    const yamlPath = join(dir, "pods-slice.yaml");
    if (!existsSync(yamlPath)) {
      const list = JSON.parse(readFileSync(join(dir, "pods.json"), "utf8")) as { items: unknown[] };
      writeFileSync(
        yamlPath,
        yaml.dump(
          {
            apiVersion: "v1",
            kind: "List",
            items: list.items.slice(0, Math.ceil(list.items.length / 10)),
            metadata: { resourceVersion: "" },
          },
          { noRefs: true, lineWidth: -1 },
        ),
      );
    }
    const yamlBytes = statSync(yamlPath).size;
    phase(
      "load kubectl YAML (a tenth of the pods)",
      () => loadSnapshot({ paths: [yamlPath], cwd: dir }),
      (s, seconds) =>
        `${mb(yamlBytes)} MB, ${(yamlBytes / 1024 / 1024 / seconds).toFixed(1)} MB/s: ${s.kubernetes.pods.length} pods`,
    );
  }

  loadPhases();
  if (process.env["BENCH_ONLY_LOAD"] === "1") {
    report();
    return;
  }

  // placement: the phases of analysePlacement
  const filters = DEFAULT_FILTERS;
  const baseline = phase(
    "cluster state",
    () => ClusterSnapshot.of(snapshot),
    (c) => `${c.nodes.length} nodes, ${c.nodes.reduce((n, x) => n + x.pods.length, 0)} pods bound`,
  );
  const podsByWorkload = phase(
    "pods to place",
    () => {
      const observed = observedPodsByOwner(snapshot);
      const out = new Map<Workload, PodToPlace[]>();
      for (const w of snapshot.kubernetes.workloads)
        out.set(w, podsOfWorkload(w, snapshot.kubernetes.nodes, observed.get(workloadKey(w)) ?? []));
      return out;
    },
    (m) => `${[...m.values()].reduce((n, list) => n + list.length, 0)} pods of ${m.size} workloads`,
  );
  const workloadCount = podsByWorkload.size;
  phase(
    "feasibility (every filter, every node)",
    () => {
      let verdicts = 0;
      let feasible = 0;
      for (const [w, list] of podsByWorkload) {
        const cluster = baseline.withoutOwner(workloadKey(w));
        const evaluated =
          w.kind === "DaemonSet"
            ? list
            : [
                {
                  ...(list[0] ?? podsOfWorkload({ ...w, replicas: 1 }, snapshot.kubernetes.nodes, [])[0]!),
                  observed: undefined,
                },
              ];
        for (const p of evaluated) {
          for (const v of evaluatePod(p, cluster, filters)) {
            verdicts++;
            if (v.feasible) feasible++;
          }
        }
      }
      return { verdicts, feasible };
    },
    (r, seconds) =>
      `${workloadCount} workloads, ${r.verdicts} node verdicts (${r.feasible} feasible), ${(r.verdicts / seconds / 1e6).toFixed(2)} M verdicts/s`,
  );

  const toPlace = schedulingOrder(
    [...podsByWorkload.values()].flat().filter((p) => !p.observed?.nodeName),
    priorityOf(snapshot),
  );
  const predict = (
    label: string,
    withFilters: readonly FilterPlugin<unknown>[],
    scores: readonly ScorePlugin<unknown>[] = DEFAULT_SCORES(snapshot),
  ) =>
    phase(
      label,
      () => simulate(toPlace, ClusterSnapshot.of(snapshot), withFilters, scores),
      (out, seconds) => {
        let placed = 0;
        let tied = 0;
        let unschedulable = 0;
        for (const p of out.values()) {
          if (p.node) placed++;
          else unschedulable++;
          if (p.tied.length > 0) tied++;
        }
        return `${toPlace.length} pods, ${(toPlace.length / seconds).toFixed(0)} pods/s: ${placed} placed (${tied} with tied nodes), ${unschedulable} unschedulable`;
      },
    );
  predict("prediction (simulate)", filters);
  let scoreTimes: Map<string, number> | undefined;
  if (process.env["BENCH_BREAKDOWN"] === "1") {
    predict(
      "  the same without IPA and PTS filters",
      filters.filter((f) => f.name !== "InterPodAffinity" && f.name !== "PodTopologySpread"),
    );
    scoreTimes = new Map();
    predict("  the same, score plugins timed", filters, timedScores(DEFAULT_SCORES(snapshot), scoreTimes));
  }

  report(scoreTimes);
}

/**
 * The dump alone — `kubectl get pods -A -o json` of the cluster, managedFields included — loaded
 * by podpath (streamed item by item: src/load/json-stream.ts) against JSON.parse of its text in
 * memory, in the same run; then a dump of BENCH_BIG_MB (default 1024; 0 skips) loaded in a child
 * process, for its peak RSS against its size (bounded memory).
 */
function loadPhases(): void {
  const dumpPath = join(dir, "pods.json");
  const dumpBytes = statSync(dumpPath).size;
  const rate = (bytes: number, seconds: number) => (bytes / 1024 / 1024 / seconds).toFixed(0);
  let text: string | undefined = readFileSync(dumpPath, "utf8");
  phase(
    "JSON.parse alone (pods.json in memory)",
    () => JSON.parse(text!) as unknown,
    (_, seconds) => `${mb(dumpBytes)} MB, ${rate(dumpBytes, seconds)} MB/s`,
  );
  text = undefined;
  const parsed = phases[phases.length - 1]!;
  const parseSeconds = parsed.seconds;
  phase(
    "load pods.json (kubectl get pods -A -o json)",
    () => loadSnapshot({ paths: [dumpPath], cwd: dir }),
    (s, seconds) =>
      `${mb(dumpBytes)} MB, ${rate(dumpBytes, seconds)} MB/s end to end (${((parseSeconds / seconds) * 100).toFixed(0)}% of JSON.parse's speed): ${s.kubernetes.pods.length} pods`,
  );
  // on a shared machine the wall clock says how much CPU the run got: the CPU times compare too
  const loaded = phases[phases.length - 1]!;
  phases[phases.length - 1] = {
    ...loaded,
    note: `${loaded.note}; by CPU time ${rate(dumpBytes, loaded.cpuSeconds)} MB/s against JSON.parse's ${rate(dumpBytes, parsed.cpuSeconds)} MB/s (${((parsed.cpuSeconds / loaded.cpuSeconds) * 100).toFixed(0)}%)`,
  };
  const bigMb = Number(process.env["BENCH_BIG_MB"] ?? 1024);
  if (bigMb <= 0) return;
  const bigPath = join(dir, `pods-${bigMb}m.json`);
  if (!existsSync(bigPath)) {
    process.stderr.write(`generating a ${bigMb} MB kubectl get pods -o json in ${bigPath}…\n`);
    writePodDump(bigPath, bigMb * 1024 * 1024);
  }
  const bigBytes = statSync(bigPath).size;
  const loader = new URL("../src/load/load-snapshot.js", import.meta.url).href;
  const script = `const { loadSnapshot } = await import(${JSON.stringify(loader)});
const t = process.hrtime.bigint();
const s = loadSnapshot({ paths: [${JSON.stringify(bigPath)}] });
const seconds = Number(process.hrtime.bigint() - t) / 1e9;
process.stdout.write(JSON.stringify({ seconds, pods: s.kubernetes.pods.length, maxRss: process.resourceUsage().maxRSS * 1024 }));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`the ${bigMb} MB load failed: ${child.stderr}`);
  const big = JSON.parse(child.stdout) as { seconds: number; pods: number; maxRss: number };
  phases.push({
    label: `load a ${bigMb} MB dump (child process)`,
    seconds: big.seconds,
    cpuSeconds: Number.NaN,
    peakRss: big.maxRss,
    note: `${mb(bigBytes)} MB, ${rate(bigBytes, big.seconds)} MB/s: ${big.pods} pods; peak RSS ${((big.maxRss / bigBytes) * 100).toFixed(0)}% of the file`,
  });
}

function report(scoreTimes?: Map<string, number>): void {
  clearInterval(sampler);
  sample();
  const total = phases
    .filter(
      (p) =>
        p.label === "load kubectl JSON" ||
        (!p.label.startsWith("load") && !p.label.startsWith("JSON.parse") && !p.label.startsWith(" ")),
    )
    .reduce((n, p) => n + p.seconds, 0);
  process.stdout.write(`podpath bench — ${nodes} nodes, ${pods} pods (node ${process.version}, ${process.arch})\n`);
  for (const p of phases)
    process.stdout.write(
      `${p.label.padEnd(44)} ${p.seconds.toFixed(2).padStart(7)} s (cpu ${(Number.isNaN(p.cpuSeconds) ? "-" : p.cpuSeconds.toFixed(2)).padStart(7)} s)  peak RSS ${mb(p.peakRss).padStart(7)} MB  ${p.note}\n`,
    );
  process.stdout.write(
    `${"load + placement (JSON)".padEnd(44)} ${total.toFixed(2).padStart(7)} s                  peak RSS ${mb(overallPeak).padStart(7)} MB over the run\n`,
  );
  if (scoreTimes) {
    process.stdout.write("score plugins in the timed prediction (PreScore, Score, NormalizeScore):\n");
    for (const [name, seconds] of [...scoreTimes].sort((a, b) => b[1] - a[1]))
      process.stdout.write(`  ${name.padEnd(50)} ${seconds.toFixed(2).padStart(7)} s\n`);
  }
}

/** Copies of the score plugins whose prepare, score/scoreAll and normalize add their time to `times`. */
function timedScores(plugins: readonly ScorePlugin<unknown>[], times: Map<string, number>): ScorePlugin<unknown>[] {
  return plugins.map((plugin) => {
    const copy: Record<string, unknown> = { ...plugin };
    for (const method of ["prepare", "score", "scoreAll", "normalize"] as const) {
      const original = (plugin as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>)[method];
      if (typeof original !== "function") continue;
      const label = `${plugin.name}.${method}`;
      copy[method] = (...args: unknown[]) => {
        const started = process.hrtime.bigint();
        try {
          return original.apply(plugin, args);
        } finally {
          times.set(label, (times.get(label) ?? 0) + Number(process.hrtime.bigint() - started) / 1e9);
        }
      };
    }
    return copy as unknown as ScorePlugin<unknown>;
  });
}

await main();
