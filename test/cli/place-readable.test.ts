/**
 * `podpath place` stays readable at 1,000 nodes: identical rejections grouped (counted per reason
 * as kube-scheduler's FitError.Error counts them, framework/types.go), a few nodes named, JSON
 * complete. The cluster is bench/synthetic.ts's (kubectl JSON), generated once for the file.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { writeSyntheticCluster } from "../../bench/synthetic.js";
import type { PlacementJson } from "../../src/questions/place.js";
import { join } from "node:path";
import { REPO, cli, tempDir } from "../support/helpers.js";

let dir = "";
before(async () => {
  dir = tempDir();
  await writeSyntheticCluster(dir, { nodes: 1000, pods: 3000 });
});

const GPU_TAINT = "node(s) had untolerated taint {nvidia.com/gpu: present}";

test("grouped rejections (FitError.Error counts nodes per reason): place -o text on 1,000 nodes is under 2,000 lines, each reason once per workload with its count", async () => {
  const text = await cli(["place", "-s", dir, "-o", "text"]);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split("\n");
  assert.ok(lines.length < 2000, `${lines.length} lines`);
  const json = await cli(["place", "-s", dir, "-o", "json"]);
  const result = JSON.parse(json.stdout) as PlacementJson;
  // JSON stays complete: every rejected node of every workload, each with its reasons
  const app = result.workloads.find(
    (w) => w.kind === "Deployment" && w.nodes.some((n) => n.reasons.some((r) => r.message === GPU_TAINT)),
  )!;
  const tainted = app.nodes.filter((n) => n.reasons.some((r) => r.message === GPU_TAINT)).map((n) => n.node);
  assert.ok(tainted.length > 50, `${tainted.length} tainted nodes`);
  // text: one group for the taint in that workload, its count, three nodes named, the rest counted
  const block = text.stdout.split("\n\n").find((b) => b.startsWith(`Deployment ${app.namespace}/${app.name} `))!;
  const heading = `  not on ${tainted.length} nodes: ${tainted.slice(0, 3).join(", ")}, … (+${tainted.length - 3}):`;
  const at = block.split("\n").indexOf(heading);
  assert.ok(at > 0, `${heading}\nin\n${block}`);
  assert.match(
    block.split("\n")[at + 1]!,
    /^ {4}TaintToleration: node\(s\) had untolerated taint \{nvidia\.com\/gpu: present\} — taint nvidia\.com\/gpu=present:NoSchedule \(\S+nodes\.json:[\d:]+ and \d+ more\)$/,
  );
  assert.equal(block.split(GPU_TAINT).length - 1, 1, "the taint reason once in the workload");
  // Markdown groups the same way
  const md = await cli(["place", "-s", dir, "-o", "md"]);
  assert.ok(
    md.stdout.includes(
      `| ${tainted.length} nodes: ${tainted.slice(0, 3).join(", ")}, … (+${tainted.length - 3}) | TaintToleration |`,
    ),
  );
});

test("--node NAME still explains that node in full; --workload lists every pod", async () => {
  const json = JSON.parse((await cli(["place", "-s", dir, "-o", "json"])).stdout) as PlacementJson;
  const app = json.workloads.find(
    (w) => w.kind === "Deployment" && w.nodes.some((n) => n.reasons.some((r) => r.message === GPU_TAINT)),
  )!;
  const node = app.nodes.find((n) => n.reasons.some((r) => r.message === GPU_TAINT))!;
  const r = await cli(["place", "-s", dir, "-o", "text", "--node", node.node]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(
    r.stdout.includes(
      `  ${node.node}: rejected\n    TaintToleration: ${GPU_TAINT} — taint nvidia.com/gpu=present:NoSchedule (`,
    ),
  );
  const big = json.workloads.find((w) => w.pods.length > 10)!;
  const all = await cli(["place", "-s", dir, "-o", "text", "--workload", `${big.namespace}/${big.name}`]);
  for (const p of big.pods) assert.ok(all.stdout.includes(`  ${p.name}  `), p.name);
  const overview = await cli(["place", "-s", dir, "-o", "text"]);
  assert.match(overview.stdout, new RegExp(`… ${big.pods.length - 5} more pods: \\d+ observed, \\d+ predicted`));
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
