/**
 * `podpath place` stays readable at 1,000 nodes: identical rejections grouped (counted per reason
 * as kube-scheduler's FitError.Error counts them, framework/types.go), workloads with the same
 * outcome said once, a few nodes and workloads named, JSON complete. The cluster is
 * bench/synthetic.ts's full bench shape (1,000 nodes, 30,000 pods, kubectl JSON), generated once
 * for the file; each `place` over it runs once and is shared by the tests.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { writeSyntheticCluster } from "../../bench/synthetic.js";
import { formatPlacementMarkdown, formatPlacementText } from "../../src/format/place.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { answerPlace, type PlaceAnswer, type PlacementJson } from "../../src/questions/place.js";
import { join } from "node:path";
import { REPO, cli, tempDir, type CliResult } from "../support/helpers.js";

let dir = "";
before(async () => {
  dir = tempDir();
  await writeSyntheticCluster(dir, { nodes: 1000, pods: 30000 });
});

const runs = new Map<string, Promise<CliResult>>();
/** `podpath place -s DIR ARGS`, run once per argument list for the file (each run places 30,000 pods) */
function place(...args: string[]): Promise<CliResult> {
  const key = args.join(" ");
  let run = runs.get(key);
  if (!run) runs.set(key, (run = cli(["place", "-s", dir, ...args])));
  return run;
}
let answer: PlaceAnswer | undefined;
/**
 * The same placement through the library, once: its `result` is what `-o json` writes (the CLI
 * streams placementResultChunks(result)), its `analysis` what -o md renders. Printing and parsing
 * 95 MB of JSON would double the test's time on this shared machine.
 */
function placed(): PlaceAnswer {
  return (answer ??= answerPlace(loadSnapshot({ paths: [dir], cwd: REPO }), {}));
}
// eslint-disable-next-line @typescript-eslint/require-await
async function placeJson(): Promise<PlacementJson> {
  return placed().result;
}

const GPU_TAINT = "node(s) had untolerated taint {nvidia.com/gpu: present}";
const cap = (names: readonly string[]) => `${names.slice(0, 3).join(", ")}, … (+${names.length - 3})`;

test("grouped rejections (FitError.Error counts nodes per reason) and workloads grouped by outcome: place -o text on 1,000 nodes and 30,000 pods is under 2,000 lines, JSON complete", async () => {
  const text = await place("-o", "text");
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split("\n");
  assert.ok(lines.length < 2000, `${lines.length} lines`);
  const result = await placeJson();
  assert.equal(result.workloads.length, 562);
  assert.equal(
    result.workloads.reduce((n, w) => n + w.pods.length, 0),
    29891,
  );
  // JSON stays complete: every node of every workload, feasible or rejected with its reasons
  assert.ok(
    result.workloads.every(
      (w) => w.feasibleNodes.length + (w.kind === "DaemonSet" ? w.notTargeted.length : w.nodes.length) === 1000,
    ),
  );
  // what needs attention: a Pending pod, no feasible node, a pod on a node the model rejects
  const attention = result.workloads.filter(
    (w) => w.feasibleNodes.length === 0 || w.findings.length > 0 || w.pods.some((p) => p.unschedulable !== null),
  );
  assert.ok(attention.length > 0);
  const blocks = text.stdout.split("\n\n");
  for (const w of attention)
    assert.equal(
      blocks.filter((b) => b.startsWith(`${w.kind} ${w.namespace}/${w.name} (`)).length,
      1,
      `${w.namespace}/${w.name} has a block of its own`,
    );
  // the others are grouped: the groups' counts add up to them, and each block counts its pods
  const groups = blocks.filter((b) => /^\d+ workloads? can run on /.test(b));
  const grouped = groups.reduce((n, b) => n + Number(/^(\d+)/.exec(b)![1]), 0);
  assert.equal(grouped + attention.length, result.workloads.length);
  assert.ok(groups.length < 30, `${groups.length} groups`);
  assert.match(
    text.stdout,
    new RegExp(
      `\\n${grouped} workloads placed as asked, grouped by outcome into ${groups.length} groups \\(the same feasible nodes and the same rejections\\); ${attention.length} workloads needing attention listed after, each on its own\\. --workload NAMESPACE/NAME or --node NAME explains one in full; -o json has every node and pod\\.\\n`,
    ),
  );
  // the largest group: the workloads kept off the GPU nodes by their taint alone
  const plain = result.workloads.filter(
    (w) =>
      !attention.includes(w) &&
      w.kind !== "DaemonSet" &&
      w.nodes.every((n) => n.feasible || (n.reasons.length === 1 && n.reasons[0]!.message === GPU_TAINT)),
  );
  const tainted = plain[0]!.nodes.filter((n) => !n.feasible).map((n) => n.node);
  const feasible = plain[0]!.feasibleNodes;
  assert.ok(tainted.length > 50, `${tainted.length} tainted nodes`);
  assert.equal(
    groups[0],
    [
      `${plain.length} workloads can run on ${feasible.length} nodes: ${cap(feasible)}`,
      `  not on ${tainted.length} nodes: ${cap(tainted)}:`,
      groups[0]!.split("\n")[2],
      `  workloads: ${plain
        .slice(0, 4)
        .map((w) => `${w.namespace}/${w.name}`)
        .join(", ")}, … (+${plain.length - 4})`,
      groups[0]!.split("\n")[4],
    ].join("\n"),
  );
  assert.match(
    groups[0].split("\n")[2]!,
    /^ {4}TaintToleration: node\(s\) had untolerated taint \{nvidia\.com\/gpu: present\} — taint nvidia\.com\/gpu=present:NoSchedule \(\S+nodes\.json:[\d:]+ and \d+ more\)$/,
  );
  const pods = plain.flatMap((w) => w.pods);
  const observed = pods.filter((p) => p.observedNode !== null).length;
  const predicted = pods.filter((p) => p.predictedNode !== null);
  assert.equal(
    groups[0].split("\n")[4],
    `  ${pods.length} pods: ${observed} observed, ${predicted.length} predicted (on ${new Set(predicted.map((p) => p.predictedNode)).size} nodes)`,
  );
  // an attention block keeps what is wrong (its findings, capped) and counts its pods instead of listing them
  const finding = attention.find((w) => w.findings.length > 4)!;
  const block = blocks.find((b) => b.startsWith(`${finding.kind} ${finding.namespace}/${finding.name} (`))!;
  assert.ok(block.includes(`\n  finding: ${finding.findings[0]!.message}\n`), block);
  assert.ok(block.includes(`\n  … ${finding.findings.length - 3} more findings (pods on nodes the model rejects)`));
  assert.ok(!block.includes("  POD "), "no pod table");
  assert.match(block, new RegExp(`\\n  ${finding.pods.length} pods: \\d+ observed, \\d+ predicted`));
});

test("Markdown groups as the text does and caps the per-pod lists: a few pods, the rest counted; rejections grouped", () => {
  const md = formatPlacementMarkdown(placed().analysis);
  const lines = md.split("\n").length;
  assert.ok(lines < 2000, `${lines} lines`);
  const result = placed().result;
  assert.ok(md.includes("\n## Placed as asked, grouped by outcome\n"));
  const gpu = result.workloads.find(
    (w) =>
      w.kind === "Deployment" &&
      w.findings.length === 0 &&
      w.nodes.every((n) => n.reasons.length === 1 && n.reasons[0]!.message === GPU_TAINT),
  )!;
  const tainted = gpu.nodes.map((n) => n.node);
  assert.ok(md.includes(`\n| ${tainted.length} nodes: ${cap(tainted)} | TaintToleration | ${GPU_TAINT} — taint`), md);
  // a workload needing attention keeps its section, its pod table capped
  const big = result.workloads.find((w) => w.findings.length > 4 && w.pods.length > 7)!;
  const section = md.split("\n### ").find((s) => s.startsWith(`${big.kind} ${big.namespace}/${big.name}\n`))!;
  assert.ok(section.includes(`\`${big.feasibleNodes[11]!}\` and ${big.feasibleNodes.length - 12} more.`), section);
  assert.ok(section.includes(`| ${big.pods[4]!.name} |`));
  assert.ok(!section.includes(`| ${big.pods[5]!.name} |`), "the sixth pod is counted, not listed");
  assert.match(section, new RegExp(`\\n… ${big.pods.length - 5} more pods: \\d+ observed, \\d+ predicted`));
  assert.ok(section.includes(`\n> … ${big.findings.length - 3} more findings (pods on nodes the model rejects)`));
});

test("--node NAME still explains that node in full; --workload lists every pod", async () => {
  const json = await placeJson();
  const app = json.workloads.find(
    (w) => w.kind === "Deployment" && w.nodes.some((n) => n.reasons.some((r) => r.message === GPU_TAINT)),
  )!;
  const node = app.nodes.find((n) => n.reasons.some((r) => r.message === GPU_TAINT))!;
  const r = formatPlacementText(placed().analysis, node.node);
  assert.ok(
    r.includes(
      `  ${node.node}: rejected\n    TaintToleration: ${GPU_TAINT} — taint nvidia.com/gpu=present:NoSchedule (`,
    ),
  );
  const big = json.workloads.find((w) => w.pods.length > 10 && w.findings.length === 0)!;
  const all = await place("-o", "text", "--workload", `${big.namespace}/${big.name}`);
  for (const p of big.pods) assert.ok(all.stdout.includes(`  ${p.name}  `), p.name);
  assert.ok(all.stdout.startsWith("Kubernetes "));
  assert.ok(all.stdout.includes(`\n${big.kind} ${big.namespace}/${big.name} (`), "its own block, not a group");
});

const FIXTURE = join(REPO, "test/fixtures/placement-readable");

test("place --brief: one line per workload — placed/total, the nodes, what keeps the rest Pending (the FitError without preemption's tail), or the top reason when no node is feasible", async () => {
  const r = await cli(["place", "-s", FIXTURE, "--brief", "-o", "text"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split("\n").slice(2, -1);
  assert.equal(rows[0], "WORKLOAD         KIND        PLACED  WHERE");
  assert.deepEqual(rows.slice(1), [
    "shop/batch       Deployment  2/3     on worker-1, worker-2; 1 pending: 0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.",
    "shop/gpu-worker  Deployment  0/2     no feasible node: NodeAffinity: node(s) didn't match Pod's node affinity/selector (3 of 3 nodes)",
    "shop/spread      Deployment  2/3     on worker-1, worker-2; 1 pending: 0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match pod topology spread constraints.",
    "shop/web         Deployment  2/2     on worker-1, worker-2",
  ]);
  const md = await cli(["place", "-s", FIXTURE, "--brief", "-o", "md"]);
  assert.match(md.stdout, /\n\| shop\/web \| Deployment \| 2\/2 \| on worker-1, worker-2 \|\n/);
  // JSON stays the full answer
  const json = JSON.parse((await cli(["place", "-s", FIXTURE, "--brief", "-o", "json"])).stdout) as PlacementJson;
  assert.equal(json.workloads.length, 4);
  assert.ok(json.workloads.every((w) => w.pods.length > 0));
});

test("why here (schedule_one.go prioritizeNodes + selectHost): the chosen node's Σ weight × normalised score against the runner-up, per plugin; a tie said as a tie; a single feasible node is not scored", async () => {
  const json = JSON.parse((await cli(["place", "-s", FIXTURE, "-o", "json"])).stdout) as PlacementJson;
  const pods = new Map(json.workloads.flatMap((w) => w.pods.map((p) => [p.name, p])));
  // web-0: both empty workers score the same — a tie, podpath takes the first by name
  const tie = pods.get("web-0")!;
  assert.deepEqual(
    [tie.predictedNode, tie.tiedNodes, tie.whyHere?.runnerUp],
    ["worker-1", ["worker-1", "worker-2"], "worker-2"],
  );
  assert.equal(tie.whyHere!.total, tie.whyHere!.runnerUpTotal);
  // web-1: worker-2 beats worker-1, which holds web-0; the totals are Σ weight × score
  const won = pods.get("web-1")!.whyHere!;
  assert.equal(won.runnerUp, "worker-1");
  assert.equal(won.scored, 2);
  for (const [total, side] of [
    [won.total, "chosen"],
    [won.runnerUpTotal, "runnerUp"],
  ] as const)
    assert.equal(
      total,
      won.plugins.reduce((sum, p) => sum + p.weight * (p[side] ?? 0), 0),
    );
  assert.ok(won.total! > won.runnerUpTotal!);
  assert.deepEqual(
    won.plugins.map((p) => p.plugin),
    [
      "TaintToleration",
      "NodeAffinity",
      "NodeResourcesFit",
      "PodTopologySpread",
      "InterPodAffinity",
      "NodeResourcesBalancedAllocation",
      "ImageLocality",
    ],
  );
  const spread = won.plugins.find((p) => p.plugin === "PodTopologySpread")!;
  assert.ok(spread.chosen > spread.runnerUp!, "the system default hostname spread prefers the empty worker");
  // the counts PodTopologySpread scored (plugins/podtopologyspread scoring.go: system default constraints, hostname maxSkew 3)
  assert.match(
    spread.chosenDetail!,
    /^system default constraints: kubernetes\.io\/hostname=worker-2: 0 matching pod\(s\) \(maxSkew 3\)/,
  );
  assert.match(
    spread.runnerUpDetail!,
    /^system default constraints: kubernetes\.io\/hostname=worker-1: 1 matching pod\(s\) \(maxSkew 3\)/,
  );
  // batch-1: 500m left on worker-1 — worker-2 is the only feasible node, not scored
  assert.deepEqual(pods.get("batch-1")!.whyHere, {
    scored: 0,
    total: null,
    runnerUp: null,
    runnerUpTotal: null,
    plugins: [],
  });
  // observed and unschedulable pods have none
  assert.equal(pods.get("batch-2")!.whyHere, undefined);

  const text = (await cli(["place", "-s", FIXTURE, "-o", "text"])).stdout;
  assert.ok(
    text.includes(
      `  why web-0 on worker-1: worker-1 and worker-2 tie at ${tie.whyHere!.total} (of 2 scored nodes); kube-scheduler picks one at random (selectHost reservoir sampling); podpath picks the first by name\n`,
    ),
  );
  assert.match(
    text,
    new RegExp(
      `  why web-1 on worker-2: ${won.total} against worker-1 ${won.runnerUpTotal} \\(the runner-up of 2 scored nodes\\) — .*PodTopologySpread ×2: ${spread.chosen} vs ${spread.runnerUp}`,
    ),
  );
  assert.match(
    text,
    /  why batch-1 on worker-2: the only feasible node it found: kube-scheduler does not score a single feasible node/,
  );
  const full = (await cli(["place", "-s", FIXTURE, "-o", "text", "--workload", "shop/web"])).stdout;
  assert.match(full, new RegExp(`\\n    PodTopologySpread +2 +${spread.chosen} +${spread.runnerUp}\\n`));
  assert.match(full, new RegExp(`\\n    total \\(Σ weight × score\\) +${won.total} +${won.runnerUpTotal}\\n`));
});

test("spread made visible (podtopologyspread filtering.go: matching + self − global minimum > maxSkew; nodeTaintsPolicy defaults to Ignore): the Pending replica's domain counts, and why the tainted control plane counts", async () => {
  const json = JSON.parse(
    (await cli(["place", "-s", FIXTURE, "-o", "json", "--workload", "shop/spread"])).stdout,
  ) as PlacementJson;
  const pending = json.workloads[0]!.pods.find((p) => p.unschedulable !== null)!;
  assert.equal(pending.name, "spread-2");
  assert.deepEqual(
    pending.spreadRejections!.map((r) => r.node),
    ["worker-1", "worker-2"],
  );
  const s = pending.spreadRejections![0]!.reason.spread!;
  assert.deepEqual(
    [
      s.topologyKey,
      s.domain,
      s.matching,
      s.selfMatch,
      s.globalMinimum,
      s.skew,
      s.maxSkew,
      s.eligibleDomains,
      s.minimumDomains,
      s.nodeAffinityPolicy,
      s.nodeTaintsPolicy,
    ],
    ["kubernetes.io/hostname", "worker-1", 1, 1, 0, 2, 1, 3, ["k8s-master"], "Honor", "Ignore"],
  );
  assert.match(
    s.notes[0]!,
    /^k8s-master \(kubernetes\.io\/hostname=k8s-master, 0 pod\(s\)\) counts because nodeTaintsPolicy defaults to Ignore: its untolerated taint node-role\.kubernetes\.io\/control-plane:NoSchedule/,
  );
  // pods that are placed, or Pending for another reason, carry none
  const batch = JSON.parse(
    (await cli(["place", "-s", FIXTURE, "-o", "json", "--workload", "shop/batch"])).stdout,
  ) as PlacementJson;
  assert.ok(batch.workloads[0]!.pods.every((p) => p.spreadRejections === undefined));

  const text = (await cli(["place", "-s", FIXTURE, "-o", "text"])).stdout;
  assert.ok(
    text.includes(
      "\n    PodTopologySpread (kubernetes.io/hostname, maxSkew 1): worker-1, worker-2 would have 2 (skew 2), k8s-master 0 (the global minimum); k8s-master (kubernetes.io/hostname=k8s-master, 0 pod(s)) counts because nodeTaintsPolicy defaults to Ignore",
    ),
    text,
  );
  const md = (await cli(["place", "-s", FIXTURE, "-o", "md"])).stdout;
  assert.match(
    md,
    /\n> spread-2: PodTopologySpread \(kubernetes\.io\/hostname, maxSkew 1\): worker-1, worker-2 would have 2/,
  );
});

test("grouped layout (forced on the small fixture): Pending pods and a workload with no feasible node get a block of their own with the scheduler's FitError; the workload placed as asked is one group", () => {
  const snapshot = loadSnapshot({ paths: [FIXTURE], cwd: REPO });
  const text = formatPlacementText(answerPlace(snapshot, {}).analysis, undefined, { groupAbove: 0 });
  const blocks = text.split("\n\n");
  assert.equal(
    blocks[1],
    "1 workload placed as asked, grouped by outcome into 1 group (the same feasible nodes and the same rejections); 3 workloads needing attention listed after, each on its own. --workload NAMESPACE/NAME or --node NAME explains one in full; -o json has every node and pod.",
  );
  assert.match(
    blocks[2]!,
    /^1 workload can run on 2 nodes: worker-1, worker-2\n {2}not on k8s-master:\n {4}TaintToleration: .*\n {2}workload: shop\/web\n {2}2 pods: 0 observed, 2 predicted \(on 2 nodes\)$/,
  );
  assert.equal(blocks[3], "Needing attention (3 workloads):");
  assert.deepEqual(
    blocks.slice(4, 7).map((b) => b.split("  ")[0]),
    [
      "Deployment shop/batch (3 replicas)",
      "Deployment shop/gpu-worker (2 replicas)",
      "Deployment shop/spread (3 replicas)",
    ],
  );
  assert.match(
    blocks[4]!,
    /\n {2}3 pods: 0 observed, 2 predicted \(on 2 nodes\), 1 unschedulable\n {2}batch-2: 0\/3 nodes are available: /,
  );
  assert.match(blocks[5]!, /\n {2}can run on: no node\n/);
  assert.match(
    blocks[6]!,
    /\n {4}PodTopologySpread \(kubernetes\.io\/hostname, maxSkew 1\): worker-1, worker-2 would have 2/,
  );
  // below the threshold (4 workloads) the default layout keeps a block per workload
  const plain = formatPlacementText(answerPlace(snapshot, {}).analysis);
  assert.ok(plain.includes("\nDeployment shop/web (2 replicas)  "));
  assert.ok(!plain.includes("placed as asked"));
});
