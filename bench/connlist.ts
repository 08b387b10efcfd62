/**
 * `npm run bench`, connlist part: `podpath connlist -o txt` on generated clusters
 * (bench/connlist-synthetic.ts) — 10,000 workloads with 2,000 NetworkPolicies (target: under
 * 10 s and 2 GB), and 500 workloads with 100 policies, on which np-guard netpol-analyzer's
 * `list` runs too (bench/netpol-analyzer/, built with Go when Go and the module are available;
 * skipped with a line saying why otherwise). Each size: load, the analysis and the text, the
 * workload classes the policies were evaluated for, lines, peak RSS; the ratio of the two
 * tools' times and whether their lines are the same. The machine's load (uptime) is printed
 * first, since shared machines skew the numbers.
 * Options: BENCH_CONNLIST_SIZES (default "10000x2000,500x100"; the last size is the one
 * netpol-analyzer runs on), BENCH_NETPOL_ANALYZER=0 skips it, BENCH_NETPOL_ANALYZER_TIMEOUT
 * (seconds, default 900), NETPOL_ANALYZER_SRC (a checkout of np-guard/netpol-analyzer at a
 * released tag, used through a go.mod `replace` where the Go module proxy refuses the module).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { workloadClasses } from "../src/analysis/connectivity/classes.js";
import { workloadPeers } from "../src/analysis/connectivity/workloads.js";
import { render } from "../src/format/index.js";
import { loadSnapshot } from "../src/load/load-snapshot.js";
import { answerConnlist } from "../src/questions/connlist.js";
import { writeConnlistCluster } from "./connlist-synthetic.js";

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
/** the process's peak RSS so far (getrusage maxrss: a sampler cannot run during a synchronous phase) */
const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** wall time, and CPU time (user + system, the GC's helper threads included: what a shared machine does not inflate) */
function timed<T>(run: () => T): { result: T; seconds: number; cpuSeconds: number } {
  gc();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = run();
  const used = process.cpuUsage(cpu);
  return {
    result,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

/** podpath connlist -o txt on `dir`: its output, and the time of load + analysis + text */
function podpath(dir: string, label: string): { text: string; seconds: number } {
  const paths = ["namespaces.yaml", "deployments.yaml", "networkpolicies.yaml"].map((f) => join(dir, f));
  const before = maxRss();
  const load = timed(() => loadSnapshot({ paths, cwd: dir }));
  const snapshot = load.result;
  const k = snapshot.kubernetes;
  const answer = timed(() => [...render("connlist", answerConnlist(snapshot), "txt")].join(""));
  const peak = maxRss();
  let lines = 0;
  for (let i = answer.result.indexOf("\n"); i >= 0; i = answer.result.indexOf("\n", i + 1)) lines++;
  const namespaces = new Map(k.namespaces.map((n) => [n.name, n]));
  const classes = workloadClasses(workloadPeers(snapshot).peers, k.networkPolicies, namespaces).length;
  const total = load.seconds + answer.seconds;
  console.log(
    `connlist ${label}: load ${load.seconds.toFixed(2)} s, connlist -o txt ${answer.seconds.toFixed(2)} s (total ${total.toFixed(2)} s, CPU ${(load.cpuSeconds + answer.cpuSeconds).toFixed(2)} s), peak RSS ${mb(peak)} MB${peak > before ? "" : " (an earlier size's)"}: ${k.workloads.length} workloads in ${k.namespaces.length} namespaces, ${k.networkPolicies.length} policies, ${classes} workload classes, ${lines} lines`,
  );
  writeFileSync(join(dir, "podpath.txt"), answer.result);
  return { text: answer.result, seconds: total };
}

/** Builds bench/netpol-analyzer into `out`; a reason when it cannot. */
function buildNetpolAnalyzer(out: string): string | undefined {
  const source = resolve(dirname(fileURLToPath(import.meta.url)), "../../bench/netpol-analyzer");
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error || go.status !== 0) return "Go is not installed";
  const env = { ...process.env, GOFLAGS: "-mod=mod" };
  // NETPOL_ANALYZER_SRC: a checkout of github.com/np-guard/netpol-analyzer (a released tag), used
  // through a `replace` in a copy of the module where the Go module proxy refuses the module itself
  // (its dependencies are still fetched through the proxy)
  const src = process.env["NETPOL_ANALYZER_SRC"];
  let cwd = source;
  if (src) {
    cwd = join(tmpdir(), "podpath-bench-netpol-analyzer-src");
    rmSync(cwd, { recursive: true, force: true });
    cpSync(source, cwd, { recursive: true });
    const edit = spawnSync("go", ["mod", "edit", `-replace=github.com/np-guard/netpol-analyzer=${resolve(src)}`], {
      cwd,
      encoding: "utf8",
    });
    if (edit.status !== 0) return `go mod edit -replace failed: ${edit.stderr.trim()}`;
  }
  const build = spawnSync("go", ["build", "-o", out, "."], { cwd, encoding: "utf8", env, timeout: 600_000 });
  if (build.status !== 0) {
    const why = (build.stderr || build.stdout || String(build.error)).trim().split("\n");
    return `go build failed: ${why.find((l) => /Forbidden|not available|no matching versions|unknown revision/i.test(l)) ?? why[0]}`;
  }
  return undefined;
}

function netpolAnalyzer(dir: string, ours: { text: string; seconds: number }): void {
  if (process.env["BENCH_NETPOL_ANALYZER"] === "0") {
    console.log("netpol-analyzer: skipped (BENCH_NETPOL_ANALYZER=0)");
    return;
  }
  const binary = join(tmpdir(), "podpath-bench-netpol-analyzer");
  const why = existsSync(binary) ? undefined : buildNetpolAnalyzer(binary);
  if (why) {
    console.log(`netpol-analyzer: skipped (${why})`);
    return;
  }
  const timeout = Number(process.env["BENCH_NETPOL_ANALYZER_TIMEOUT"] ?? 900);
  const out = join(dir, "netpol-analyzer.txt");
  const run = spawnSync(binary, [dir, out], { encoding: "utf8", timeout: timeout * 1000 });
  if (run.status !== 0) {
    console.log(
      `netpol-analyzer: ${run.error ? `did not finish in ${timeout} s` : `failed: ${run.stderr.trim().split("\n")[0]}`}`,
    );
    return;
  }
  // main.go prints "seconds maxrss-kB"
  const [seconds, kb] = run.stdout.trim().split(/\s+/).map(Number);
  const theirs = readFileSync(out, "utf8").trim();
  // netpol-analyzer v1.4.x prints external ranges without the "[External]" suffix its later
  // versions (and the corpus's expected files) carry: compared without it
  const plain = (text: string) => text.replaceAll("[External]", "").trim();
  const same = plain(theirs) === plain(ours.text);
  const count = theirs === "" ? 0 : theirs.split("\n").length;
  console.log(
    `netpol-analyzer list: ${seconds!.toFixed(2)} s, peak RSS ${(kb! / 1024).toFixed(1)} MB, ${count} lines (${same ? "the same lines as podpath, the [External] suffix aside" : "lines differ from podpath's"}); podpath is ${(seconds! / ours.seconds).toFixed(0)}× faster`,
  );
}

/** one size in this process (its own peak RSS); `npm run bench` runs each size in a child process */
function runSize(spec: string, withNetpolAnalyzer: boolean): void {
  const [workloads, policies] = spec.split("x").map(Number);
  const size = { workloads: workloads!, policies: policies! };
  const dir = join(tmpdir(), `podpath-bench-connlist-v1-${size.workloads}x${size.policies}`);
  if (!existsSync(join(dir, "networkpolicies.yaml"))) {
    mkdirSync(dir, { recursive: true });
    writeConnlistCluster(dir, size);
  }
  const ours = podpath(dir, `${size.workloads} workloads × ${size.policies} policies`);
  if (withNetpolAnalyzer) netpolAnalyzer(dir, ours);
}

function main(): void {
  const [spec, last] = process.argv.slice(2);
  if (spec) return runSize(spec, last === "last");
  const sizes = (process.env["BENCH_CONNLIST_SIZES"] ?? "10000x2000,500x100").split(",");
  console.log(
    `connlist bench: load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")} (1, 5, 15 min)`,
  );
  sizes.forEach((size, i) => {
    const args = ["--expose-gc", fileURLToPath(import.meta.url), size, i === sizes.length - 1 ? "last" : ""];
    const child = spawnSync(process.execPath, args, { stdio: "inherit" });
    if (child.status !== 0) process.exitCode = 1;
  });
}

main();
