/**
 * `npm run bench`: generates a synthetic cluster of 5,000 nodes and 150,000 pods as kubectl JSON
 * (plus a YAML rendering of a slice of it) and measures loading: time, throughput, peak memory.
 * Later issues add feasibility, prediction and trace figures here.
 * Options: BENCH_NODES, BENCH_PODS (defaults 5000 and 150000).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { loadSnapshot } from "../src/load/load-snapshot.js";
import { writeSyntheticCluster } from "./synthetic.js";

const nodes = Number(process.env["BENCH_NODES"] ?? 5000);
const pods = Number(process.env["BENCH_PODS"] ?? 150000);
const dir = join(tmpdir(), `podpath-bench-v2-${nodes}-${pods}`);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  if (!existsSync(join(dir, "pods.json"))) {
    mkdirSync(dir, { recursive: true });
    const t = Date.now();
    process.stderr.write(`generating ${nodes} nodes and ${pods} pods in ${dir}…\n`);
    await writeSyntheticCluster(dir, { nodes, pods });
    process.stderr.write(`generated in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const jsonBytes = statSync(join(dir, "pods.json")).size + statSync(join(dir, "nodes.json")).size;

  const results: string[] = [];
  const measure = (label: string, bytes: number, run: () => { pods: number; nodes: number }) => {
    (globalThis as { gc?: () => void }).gc?.();
    peakRss = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    const counted = run();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    results.push(
      `${label.padEnd(34)} ${mb(bytes).padStart(7)} MB  ${seconds.toFixed(2).padStart(6)} s  ${(bytes / 1024 / 1024 / seconds).toFixed(0).padStart(4)} MB/s  ${counted.nodes} nodes, ${counted.pods} pods  peak RSS ${mb(peakRss)} MB`,
    );
  };

  measure("load kubectl JSON (nodes + pods)", jsonBytes, () => {
    const s = loadSnapshot({ paths: [join(dir, "nodes.json"), join(dir, "pods.json")], cwd: dir });
    return { pods: s.kubernetes.pods.length, nodes: s.kubernetes.nodes.length };
  });

  // YAML: a tenth of the pods as `kubectl get -o yaml` prints them.
  const yamlPath = join(dir, "pods-slice.yaml");
  if (!existsSync(yamlPath)) {
    const list = JSON.parse(readFileSync(join(dir, "pods.json"), "utf8")) as { items: unknown[] };
    writeFileSync(yamlPath, yaml.dump({ apiVersion: "v1", kind: "List", items: list.items.slice(0, Math.ceil(pods / 10)), metadata: { resourceVersion: "" } }, { noRefs: true, lineWidth: -1 }));
  }
  measure(`load kubectl YAML (${Math.ceil(pods / 10)} pods)`, statSync(yamlPath).size, () => {
    const s = loadSnapshot({ paths: [yamlPath], cwd: dir });
    return { pods: s.kubernetes.pods.length, nodes: s.kubernetes.nodes.length };
  });

  clearInterval(sampler);
  process.stdout.write(`podpath bench — ${nodes} nodes, ${pods} pods (node ${process.version}, ${process.arch})\n`);
  for (const line of results) process.stdout.write(line + "\n");
}

await main();
