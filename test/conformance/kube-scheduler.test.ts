/**
 * podpath's placement verdicts against kube-scheduler's own code (k8s.io/kubernetes v1.34.4,
 * default profile; conformance/kube-scheduler/, issue 10 item 4).
 *
 * - The regression fixtures (conformance/kube-scheduler/fixtures/<name>/): each is a reduced
 *   cluster where podpath and the framework disagreed, with the framework's verdicts kept in
 *   expected.json; no Go needed. The ones that are known podpath bugs are listed in KNOWN_FAILING
 *   with the reason (DISAGREEMENTS.md) and run as `todo`: they report, never fail the suite.
 * - A short fixed-seed slice of generated clusters run through the Go program: fails on any
 *   disagreement no known cause explains. Needs `go` and the module proxy (the first build
 *   downloads and compiles k8s.io/kubernetes); without them it is skipped with the reason, or
 *   fails under PODPATH_REQUIRE_CORPUS=1 (CI, `.ci/run`, which fetches the modules first).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CORPUS_REQUIRED } from "../support/corpus.js";
import { explain, verdictKey } from "../support/kube-scheduler/causes.js";
import { generateCluster, type Json } from "../support/kube-scheduler/generate.js";
import {
  buildHarness,
  compareWorkload,
  coverage,
  daemonSetVerdicts,
  frameworkVerdicts,
  HARNESS_DIR,
  runCluster,
  runFramework,
  runPodpath,
  signature,
  type Verdict,
} from "../support/kube-scheduler/harness.js";
import { readExpected } from "../support/kube-scheduler/reproduce.js";

const FIXTURES = join(HARNESS_DIR, "fixtures");

/**
 * Fixtures that are known podpath bugs, with the reason (conformance/kube-scheduler/DISAGREEMENTS.md):
 * none today. Every fixture was a podpath bug fixed since (admission/, controllers/, prepare.ts) and
 * is a regression test; their snapshots hold the pods as the API server stored them (the Go
 * program's store.go), a pending bare pod as a manifest podpath admits itself.
 */
const KNOWN_FAILING: Readonly<Record<string, string>> = {};

const describeVerdicts = (vs: readonly Verdict[]) =>
  vs
    .filter((v) => !v.agree)
    .map((v) => `seed ${v.seed} ${v.workload} on ${v.node}: ${signature(v)}`)
    .join("\n");

/** The verdicts whose reason strings differ for a plugin both sides name (v1.34.4's wording). */
const describeMessages = (vs: readonly Verdict[]) =>
  vs
    .filter((v) => !v.messagesAgree)
    .map(
      (v) =>
        `seed ${v.seed} ${v.workload} on ${v.node}: ${v.messageDiffs
          .map(
            (p) =>
              `${p}: framework ${JSON.stringify(v.framework.messages[p])} / podpath ${JSON.stringify(v.podpath?.messages[p])}`,
          )
          .join("; ")}`,
    )
    .join("\n");

describe("podpath place against kube-scheduler v1.34.4's framework: regression fixtures (conformance/kube-scheduler/fixtures)", () => {
  const names = existsSync(FIXTURES)
    ? readdirSync(FIXTURES)
        .filter((n) => existsSync(join(FIXTURES, n, "expected.json")))
        .sort()
    : [];
  test("every known-failing entry names a fixture", () => {
    for (const name of Object.keys(KNOWN_FAILING))
      assert.ok(names.includes(name), `KNOWN_FAILING names ${name}, which is not under ${FIXTURES}`);
  });
  for (const name of names) {
    const reason = KNOWN_FAILING[name];
    test(
      `${name}: podpath's verdicts and reason strings are the framework's`,
      reason ? { todo: `known: ${reason}` } : {},
      () => {
        const dir = join(FIXTURES, name);
        const expected = readExpected(dir);
        const verdicts = compareWorkload(
          expected.seed,
          expected.workload,
          expected.nodes,
          runPodpath(join(dir, "snapshot")),
        );
        assert.equal(describeVerdicts(verdicts), "");
        assert.equal(describeMessages(verdicts), "");
      },
    );
  }
});

describe("a pod manifest that sets spec.nodeName is on its node only as its kubelet makes it (DISAGREEMENTS.md 7)", () => {
  const verdictOn = (fixture: string, workload: string, node: string) => {
    const place = runPodpath(join(FIXTURES, fixture, "snapshot"));
    const w = place.workloads.find((x) => `${x.kind}/${x.namespace}/${x.name}` === workload)!;
    return { feasible: w.feasibleNodes.includes(node), reasons: w.nodes.find((n) => n.node === node)?.reasons ?? [] };
  };
  test("pkg/kubelet/kubelet.go rejectPod + pkg/scheduler/scheduler.go newPodInformer: a manifest its kubelet refuses (OutOfcpu) is Failed and holds nothing — another pod fits where its anti-affinity and requests would have been", () => {
    const v = verdictOn("kubelet-refused-manifest-still-on-its-node", "Pod/default/cand-1", "node-4");
    assert.deepEqual(v, { feasible: true, reasons: [] });
  });
  test("pkg/apis/core/v1/defaults.go SetDefaults_Pod: an admitted manifest holds the requests the API server stores (from its limits), not the ones it was written with", () => {
    const v = verdictOn("kubelet-manifest-bound-as-written", "Deployment/team-a/deploy-6", "node-1");
    assert.equal(v.feasible, false);
    assert.deepEqual(
      v.reasons.map((r) => [r.plugin, r.message]),
      [["NodeResourcesFit", "Insufficient memory"]],
    );
  });
});

describe("kube-scheduler v1.34.4's framework on generated clusters (conformance/kube-scheduler, Go)", () => {
  const built = buildHarness();
  const opts = built.ok
    ? {}
    : CORPUS_REQUIRED
      ? {}
      : { skip: `${built.reason}; set PODPATH_REQUIRE_CORPUS=1 to make that a failure` };
  const requireBuilt = () => {
    if (!built.ok)
      assert.fail(
        `${built.reason}, and PODPATH_REQUIRE_CORPUS=1 requires the Go harness (CI runs .ci/run, which fetches the modules)`,
      );
  };

  test("the fixtures' expected verdicts are still the framework's", opts, () => {
    requireBuilt();
    const names = existsSync(FIXTURES)
      ? readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, "framework-input.json")))
      : [];
    for (const name of names) {
      const dir = join(FIXTURES, name);
      const expected = readExpected(dir);
      const fw = runFramework(JSON.parse(readFileSync(join(dir, "framework-input.json"), "utf8")) as Json);
      const actual = fw.candidates[0] ? frameworkVerdicts(fw.candidates[0]) : daemonSetVerdicts(fw.daemonSets[0]!);
      assert.deepEqual(actual, expected.nodes, name);
    }
  });

  test("a fixed-seed slice: every disagreement is one of the known causes, every reason string v1.34.4's", opts, () => {
    requireBuilt();
    const work = mkdtempSync(join(tmpdir(), "podpath-conformance-"));
    try {
      let compared = 0;
      const unexplained: Verdict[] = [];
      const messages: Verdict[] = [];
      const covered = new Map<string, number>();
      for (let seed = 1; seed <= 6; seed++) {
        const cluster = generateCluster(seed);
        const { verdicts, framework } = runCluster(cluster, work);
        for (const [k, n] of Object.entries(coverage(cluster, framework))) covered.set(k, (covered.get(k) ?? 0) + n);
        compared += verdicts.length;
        messages.push(...verdicts.filter((v) => !v.messagesAgree));
        const open = verdicts.filter((v) => !v.agree);
        if (open.length === 0) continue;
        const causes = explain(cluster, open, (c) => runCluster(c, work).verdicts);
        unexplained.push(...open.filter((v) => causes.get(verdictKey(v)) === "unexplained"));
      }
      assert.ok(compared >= 200, `only ${compared} verdicts compared`);
      // the slice reaches what the API server does to a pod before the scheduler sees it
      for (const edge of [
        "LimitRanger defaults",
        "RuntimeClass overhead",
        "Priority from a PriorityClass",
        "pod (anti-)affinity matchLabelKeys/mismatchLabelKeys",
        "sidecar (restartable init container)",
        "candidates: Pod manifest (podpath admits it)",
        "candidates: spec.nodeName manifest (the kubelet admits it)",
        "DaemonSets",
      ])
        assert.ok((covered.get(edge) ?? 0) > 0, `the slice never hits: ${edge}`);
      assert.equal(describeMessages(messages), "", "reason strings that differ from kube-scheduler v1.34.4's");
      assert.equal(
        describeVerdicts(unexplained),
        "",
        "disagreements no known cause explains: settle each from upstream (DISAGREEMENTS.md) and keep it as a fixture",
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
