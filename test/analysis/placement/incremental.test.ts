/**
 * The state the placement plugins keep from pod to pod (the indexes of placed pods, the
 * PodTopologySpread and InterPodAffinity PreFilter states, PodTopologySpread's score counts) must
 * judge a cluster grown one bind at a time exactly as one built with the same pods at once —
 * upstream keeps its PreFilter state current with AddPod in the same way
 * (pkg/scheduler/framework/plugins/podtopologyspread/filtering.go and
 * interpodaffinity/filtering.go, updateWithPod).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { placedPod } from "../../../src/analysis/placement/cluster-snapshot.js";
import { evaluateNode, prepareFilters } from "../../../src/analysis/placement/feasibility.js";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "../../../src/analysis/placement/plugins/index.js";
import { NodeAffinity } from "../../../src/analysis/placement/plugins/nodeaffinity/filter.js";
import { ERR_REASON_CONSTRAINTS_NOT_MATCH } from "../../../src/analysis/placement/plugins/podtopologyspread/common.js";
import { PodTopologySpread } from "../../../src/analysis/placement/plugins/podtopologyspread/filter.js";
import { TaintToleration } from "../../../src/analysis/placement/plugins/tainttoleration/filter.js";
import { matchingPodIndex } from "../../../src/analysis/placement/framework/label-selectors.js";
import { scoreNodes } from "../../../src/analysis/placement/simulate.js";
import type { ClusterView, PlacedPod, PodToPlace } from "../../../src/analysis/placement/types.js";
import type { Labels, PodAffinityTerm, PodSpec, TopologySpreadConstraint } from "../../../src/model/kubernetes.js";
import { cluster, node, podSpec, podToPlace, requirement, src, taint, term, toleration, workload } from "./support.js";
import { rng } from "../../../bench/rng.js";

const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";
const SCORES = DEFAULT_SCORES({ kubernetes: { services: [] } });

const selfTerm = (app: string, topologyKey: string, source = src(2)): PodAffinityTerm => ({
  labelSelector: { matchLabels: { app }, matchExpressions: [] },
  namespaces: [],
  namespaceSelector: null,
  topologyKey,
  matchLabelKeys: [],
  mismatchLabelKeys: [],
  source,
});

const spread = (
  app: string,
  topologyKey: string,
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway",
  extra: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey,
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app }, matchExpressions: [] },
  minDomains: undefined,
  nodeAffinityPolicy: undefined,
  nodeTaintsPolicy: undefined,
  matchLabelKeys: [],
  source: src(1),
  ...extra,
});

/** Every rejection of every default filter on every node, and the scores of every node. */
function judge(pod: PodToPlace, state: ClusterView): { verdicts: string[]; totals: number[] } {
  const states = prepareFilters(pod, state, DEFAULT_FILTERS);
  const verdicts = state.nodes.map((n) => {
    const v = evaluateNode(pod, n, state, DEFAULT_FILTERS, states);
    // details of existing pods' anti-affinity name the first conflict in the order the index
    // found the terms, which depends on the order pods were bound: compared by message only
    return JSON.stringify(
      v.reasons.map((r) => [r.plugin, r.message, r.message.includes("existing pods") ? null : (r.detail ?? null)]),
    );
  });
  return { verdicts, totals: scoreNodes(pod, state.nodes, state, SCORES) };
}

describe("incremental placement state", () => {
  test("a cluster grown one bind at a time is judged as one built with the same pods (filters with their details, scores)", () => {
    const random = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const nodes = Array.from({ length: 14 }, (_, i) =>
      node(
        `n${String(i).padStart(2, "0")}`,
        { ...(i % 7 === 6 ? {} : { [ZONE]: pick(["a", "b", "c"]) }), disk: pick(["ssd", "hdd"]) },
        i % 5 === 4
          ? [taint("dedicated", "infra", "NoSchedule")]
          : i % 5 === 3
            ? [taint("spot", "true", "PreferNoSchedule")]
            : [],
      ),
    );
    const namespaces = ["default", "other"];
    const specs: { spec: PodSpec; labels: Labels; ns: string; name: string }[] = Array.from({ length: 8 }, (_, k) => {
      const app = `w${k}`;
      const constraints = [
        ...(k % 2 === 0
          ? [spread(app, ZONE, "DoNotSchedule", { maxSkew: 2, ...(k % 4 === 0 ? { nodeTaintsPolicy: "Honor" } : {}) })]
          : []),
        ...(k % 3 === 0 ? [spread(app, HOST, pick(["DoNotSchedule", "ScheduleAnyway"]))] : []),
        ...(k === 5 ? [spread(app, ZONE, "ScheduleAnyway", { minDomains: 4 })] : []),
      ];
      return {
        name: app,
        ns: namespaces[k % 2]!,
        labels: { app, tier: k % 2 ? "web" : "db" },
        spec: podSpec({
          nodeSelector: k === 3 ? { disk: "ssd" } : {},
          tolerations: k % 4 === 1 ? [toleration({ key: "dedicated", operator: "Exists", effect: "NoSchedule" })] : [],
          topologySpreadConstraints: constraints,
          affinity: {
            nodeAffinity:
              k === 6 ? { required: [term([requirement("disk", "In", ["hdd"])])], preferred: [] } : undefined,
            podAffinity:
              k === 7
                ? { required: [selfTerm("w1", ZONE, src(3))], preferred: [{ weight: 30, term: selfTerm("w2", ZONE) }] }
                : undefined,
            podAntiAffinity:
              k % 3 === 1
                ? {
                    required: [
                      selfTerm(app, pick([HOST, ZONE]), src(4)),
                      ...(k === 4 ? [selfTerm("w7", HOST, src(5))] : []),
                    ],
                    preferred: [{ weight: 50, term: selfTerm(app, HOST) }],
                  }
                : undefined,
          },
        }),
      };
    });
    const probes = specs.map((s) =>
      podToPlace(s.spec, { workload: workload("Deployment", s.name, s.spec, {}, s.ns), labels: s.labels }),
    );

    const grown = cluster(nodes);
    const bound: PlacedPod[] = [];
    for (let step = 0; step < 60; step++) {
      const k = Math.floor(random() * specs.length);
      const s = specs[k]!;
      const target = pick(grown.nodes);
      const pod = placedPod(`Deployment/${s.ns}/${s.name}`, `${s.name}-${step}`, s.ns, s.labels, s.spec, target.name);
      // the simulation's path: the snapshot tells its indexes of the bind
      grown.bind(target, pod);
      bound.push(pod);
      if (step % 3 !== 0) continue;
      const fresh = cluster(nodes, bound);
      for (const probe of probes)
        assert.deepEqual(judge(probe, grown), judge(probe, fresh), `${probe.owner} after ${step + 1} binds`);
    }
    // the same, every workload excluded in turn (feasibility's view)
    const fresh = cluster(nodes, bound);
    for (const probe of probes) {
      const a = grown.withoutOwner(probe.owner);
      const b = fresh.withoutOwner(probe.owner);
      assert.deepEqual(judge(probe, a), judge(probe, b), `${probe.owner} excluded`);
    }
  });

  test("a PreFilter state handed out is not changed by later binds (a rejection's detail read afterwards tells what was judged)", () => {
    const nodes = [node("n1", { [ZONE]: "a" }), node("n2", { [ZONE]: "b" })];
    const state = cluster(nodes);
    const spec = podSpec({ topologySpreadConstraints: [spread("web", ZONE, "DoNotSchedule")] });
    const pod = podToPlace(spec, { workload: workload("Deployment", "web", spec), labels: { app: "web" } });
    state.bind(state.nodes[0]!, placedPod("Deployment/default/web", "web-0", "default", { app: "web" }, spec, "n1"));
    const [r] = PodTopologySpread.filter(pod, state.nodes[0]!, state, PodTopologySpread.prepare!(pod, state));
    assert.equal(r?.message, ERR_REASON_CONSTRAINTS_NOT_MATCH);
    // more pods bound in zone b, and the next pod's PreFilter brings the counts up to date
    for (let i = 1; i <= 3; i++)
      state.bind(
        state.nodes[1]!,
        placedPod("Deployment/default/web", `web-${i}`, "default", { app: "web" }, spec, "n2"),
      );
    PodTopologySpread.prepare!(pod, state);
    assert.match(r.detail ?? "", /has 1 pod\(s\) .* − global minimum 0 = skew 2 > maxSkew 1; .* domains: a=1, b=0$/);
  });

  test("the index of placed pods: current after binds (the snapshot tells it), afresh after a removal", () => {
    const state = cluster([node("n1"), node("n2")]);
    const before = matchingPodIndex(state);
    const a = placedPod("Pod/default/a", "a", "default", { app: "a" }, podSpec(), "n1");
    state.bind(state.nodes[0]!, a);
    const told = matchingPodIndex(state);
    assert.equal(told, before, "the same index, brought up to date by the bind");
    assert.deepEqual(
      told.all.map((e) => e.pod.name),
      ["a"],
    );
    assert.equal(told.generation, state.generation);
    const b = placedPod("Pod/default/b", "b", "default", { app: "b" }, podSpec(), "n2");
    state.bind(state.nodes[1]!, b);
    assert.deepEqual(
      matchingPodIndex(state).all.map((e) => e.pod.name),
      ["a", "b"],
      "found by a look at the nodes",
    );
    assert.ok(state.unbind(state.nodes[0]!, a));
    assert.equal(state.unbind(state.nodes[0]!, a), false, "not there any more");
    const after = matchingPodIndex(state);
    assert.notEqual(after, before);
    assert.deepEqual(
      after.all.map((e) => e.pod.name),
      ["b"],
    );
    assert.deepEqual(state.nodes[0]!.requested, { pods: 0 });
  });

  test("the scores' views of the cluster follow a removal and an addition that leave the pod count as it was", () => {
    const spec = podSpec({
      affinity: {
        nodeAffinity: undefined,
        podAffinity: undefined,
        podAntiAffinity: { required: [], preferred: [{ weight: 100, term: selfTerm("web", HOST) }] },
      },
    });
    const pod = podToPlace(spec, { workload: workload("Deployment", "web", spec), labels: { app: "web" } });
    const web = (n: number) => placedPod("Deployment/default/web", "web-0", "default", { app: "web" }, spec, `n${n}`);
    const moved = cluster([node("n1", { [HOST]: "n1" }), node("n2", { [HOST]: "n2" })], [web(1)]);
    const first = scoreNodes(pod, moved.nodes, moved, SCORES);
    assert.ok(moved.unbind(moved.nodes[0]!, moved.nodes[0]!.pods[0]!));
    moved.bind(moved.nodes[1]!, web(2));
    const fresh = cluster([node("n1", { [HOST]: "n1" }), node("n2", { [HOST]: "n2" })], [web(2)]);
    assert.deepEqual(scoreNodes(pod, moved.nodes, moved, SCORES), scoreNodes(pod, fresh.nodes, fresh, SCORES));
    assert.notDeepEqual(first, scoreNodes(pod, fresh.nodes, fresh, SCORES), "the pod moved: the scores changed");
  });

  test("static filters: specs with the same staticKey are rejected by the same nodes, whatever their sources", () => {
    const nodes = cluster([
      node("gpu", { accel: "gpu" }, [taint("gpu", "yes", "NoSchedule")]),
      node("plain", { accel: "none" }),
    ]).nodes;
    const specA = podSpec({
      nodeSelector: { accel: "gpu" },
      tolerations: [toleration({ key: "gpu", operator: "Exists", source: src(10) })],
      nodeSelectorSource: src(11),
    });
    const specB = podSpec({
      nodeSelector: { accel: "gpu" },
      tolerations: [toleration({ key: "gpu", operator: "Exists", source: src(20) })],
      nodeSelectorSource: src(21),
    });
    const specC = podSpec({ nodeSelector: { accel: "none" } });
    for (const plugin of [NodeAffinity, TaintToleration]) {
      assert.equal(plugin.staticKey!(specA), plugin.staticKey!(specB), plugin.name);
      const verdicts = (spec: PodSpec) =>
        nodes.map((n) => plugin.filter(podToPlace(spec), n, cluster([]), undefined).length === 0);
      assert.deepEqual(verdicts(specA), verdicts(specB), plugin.name);
    }
    assert.notEqual(NodeAffinity.staticKey!(specA), NodeAffinity.staticKey!(specC));
    assert.notEqual(TaintToleration.staticKey!(specA), TaintToleration.staticKey!(specC));
    // the nodeSelector's keys are label names: one may be named "source"
    assert.notEqual(
      NodeAffinity.staticKey!(podSpec({ nodeSelector: { source: "a" } })),
      NodeAffinity.staticKey!(podSpec({ nodeSelector: { source: "b" } })),
    );
    for (const f of DEFAULT_FILTERS)
      assert.ok(!(f.staticKey && f.prepare), `${f.name}: a static filter has no PreFilter`);
  });
});
