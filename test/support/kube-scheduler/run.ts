/**
 * `npm run conformance`: the differential harness against kube-scheduler's own code over
 * generated clusters (issue 10 item 4). Builds the Go program, then generates clusters from a
 * fixed seed until the number of (workload, node) verdicts is reached, compares podpath's with
 * the framework's, prints the counts and writes a reduced reproduction of the first
 * disagreements of each kind to the output folder.
 *
 * Environment: CONFORMANCE_VERDICTS (default 5000), CONFORMANCE_SEED (default 1),
 * CONFORMANCE_OUT (default conformance/out), CONFORMANCE_REPRO (reproductions per kind, default 1).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO } from "../helpers.js";
import { generateCluster } from "./generate.js";
import { buildHarness, coverage, disagreeingPlugins, runCluster, signature, type Verdict } from "./harness.js";

/** A kind of disagreement: the plugins one side names and the other does not, and which side. */
function kindOf(v: Verdict): string {
  if (v.podpath === null) return "workload-missing";
  const fw = new Set(v.framework.plugins);
  const pp = new Set(v.podpath.plugins);
  const onlyFw = [...fw].filter((p) => !pp.has(p));
  const onlyPp = [...pp].filter((p) => !fw.has(p));
  return (
    [onlyFw.length ? `framework-only-${onlyFw.join("+")}` : "", onlyPp.length ? `podpath-only-${onlyPp.join("+")}` : ""]
      .filter(Boolean)
      .join("-") || "feasibility"
  );
}
import { CAUSES, explain, verdictKey } from "./causes.js";
import { reduce, writeReproduction } from "./reproduce.js";

const target = Number(process.env["CONFORMANCE_VERDICTS"] ?? 5000);
const seed0 = Number(process.env["CONFORMANCE_SEED"] ?? 1);
const out = process.env["CONFORMANCE_OUT"] ?? join(REPO, "conformance/out");
const reproPerKind = Number(process.env["CONFORMANCE_REPRO"] ?? 1);

const built = buildHarness();
if (!built.ok) {
  console.error(`conformance: ${built.reason}`);
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
const work = join(out, "work");
mkdirSync(work, { recursive: true });

const started = Date.now();
let clusters = 0;
const all: Verdict[] = [];
const bySignature = new Map<string, Verdict[]>();
const reproduced = new Map<string, number>();
const byCause = new Map<string, Verdict[]>();
const covered = new Map<string, number>();
for (let seed = seed0; all.length < target; seed++) {
  const cluster = generateCluster(seed);
  const { verdicts, framework } = runCluster(cluster, work);
  for (const [k, n] of Object.entries(coverage(cluster, framework))) covered.set(k, (covered.get(k) ?? 0) + n);
  clusters++;
  all.push(...verdicts);
  const open = verdicts.filter((v) => !v.agree);
  const causes =
    open.length > 0 ? explain(cluster, open, (c) => runCluster(c, work).verdicts) : new Map<string, string>();
  for (const v of open) {
    const cause = causes.get(verdictKey(v)) ?? "unexplained";
    const list = byCause.get(cause) ?? [];
    list.push(v);
    byCause.set(cause, list);
  }
  for (const v of verdicts) {
    if (v.agree) continue;
    const sig = signature(v);
    const kind = `${causes.get(verdictKey(v)) ?? "unexplained"}-${kindOf(v)}`;
    const list = bySignature.get(sig) ?? [];
    list.push(v);
    bySignature.set(sig, list);
    const done = reproduced.get(kind) ?? 0;
    if (done < reproPerKind) {
      reproduced.set(kind, done + 1);
      const small = reduce(cluster, v, work);
      const name = `${kind.replace(/[^A-Za-z0-9+]+/g, "-")}-seed${seed}-${v.workload.replace(/[^A-Za-z0-9]+/g, "-")}-${v.node}`;
      writeReproduction(join(out, "repro", name), small, v, work);
      console.error(
        `disagreement (seed ${seed}) ${v.workload} on ${v.node}: ${sig} → ${relative(REPO, join(out, "repro", name))}`,
      );
    }
  }
}
rmSync(work, { recursive: true, force: true });

const agreements = all.filter((v) => v.agree).length;
const messageDiffs = all.filter((v) => !v.messagesAgree);
const byPlugin = new Map<string, number>();
for (const v of all.filter((x) => !x.agree))
  for (const p of disagreeingPlugins(v)) byPlugin.set(p, (byPlugin.get(p) ?? 0) + 1);
const msgByPlugin = new Map<string, number>();
const msgExample = new Map<string, string>();
for (const v of messageDiffs)
  for (const p of v.messageDiffs) {
    if (!msgExample.has(p))
      msgExample.set(
        p,
        `framework ${JSON.stringify(v.framework.messages[p])} / podpath ${JSON.stringify(v.podpath?.messages[p])}`,
      );
    msgByPlugin.set(p, (msgByPlugin.get(p) ?? 0) + 1);
  }
const lines = [
  `kube-scheduler conformance (k8s.io/kubernetes v1.34.4 framework, default profile), seeds ${seed0}..${seed0 + clusters - 1}`,
  `clusters: ${clusters}`,
  `verdicts compared: ${all.length}`,
  `agreements: ${agreements}`,
  `disagreements: ${all.length - agreements}`,
  ...[...byPlugin].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `  by plugin ${p}: ${n}`),
  ...[...bySignature]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, vs]) => `  ${s}: ${vs.length} (first: seed ${vs[0]!.seed} ${vs[0]!.workload} on ${vs[0]!.node})`),
  `disagreements by settled cause:`,
  ...[...byCause]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([c, vs]) =>
        `  ${c}: ${vs.length}${c === "unexplained" ? ` (first: seed ${vs[0]!.seed} ${vs[0]!.workload} on ${vs[0]!.node})` : ""} — ${CAUSES.find((x) => x.id === c)?.upstream ?? (c === "unexplained" ? "to settle by hand" : "several causes together")}`,
    ),
  `verdicts whose messages differ for a plugin both sides name: ${messageDiffs.length}`,
  ...[...msgByPlugin]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, n]) => `  ${p}: ${n} (e.g. ${msgExample.get(p)})`),
  `coverage (pods as stored, over all clusters):`,
  ...[...covered].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`),
  `time: ${((Date.now() - started) / 1000).toFixed(1)} s`,
];
console.log(lines.join("\n"));
writeFileSync(join(out, "summary.txt"), lines.join("\n") + "\n");
writeFileSync(
  join(out, "disagreements.json"),
  JSON.stringify(
    all.filter((v) => !v.agree),
    null,
    1,
  ) + "\n",
);
writeFileSync(join(out, "message-differences.json"), JSON.stringify(messageDiffs.slice(0, 500), null, 1) + "\n");
process.exit(0);
