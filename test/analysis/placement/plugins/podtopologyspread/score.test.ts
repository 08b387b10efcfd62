/**
 * PodTopologySpread Score (podtopologyspread/scoring.go, common.go, helper/spread.go
 * DefaultSelector), cases after scoring_test.go TestPodTopologySpreadScore.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  defaultSelector,
  podTopologySpreadScore,
  scoreForCount,
  topologyNormalizingWeight,
} from "../../../../../src/analysis/placement/plugins/podtopologyspread/score.js";
import type { NodeInfo, PlacedPod } from "../../../../../src/analysis/placement/types.js";
import type {
  Labels,
  Node,
  PodSpec,
  Service,
  TopologySpreadConstraint,
  Workload,
  WorkloadKind,
} from "../../../../../src/model/kubernetes.js";
import { cluster, node, placed, podSpec, podToPlace, src, taint, workload } from "../../support.js";
import { runScore, service } from "../score-harness.js";

const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";

function constraint(
  topologyKey: string,
  maxSkew: number,
  matchLabels: Labels | null,
  extra: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint {
  return {
    maxSkew,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: matchLabels ? { matchLabels, matchExpressions: [] } : null,
    minDomains: undefined,
    nodeAffinityPolicy: undefined,
    nodeTaintsPolicy: undefined,
    matchLabelKeys: [],
    source: src(700),
    ...extra,
  };
}

const zoned = (name: string, zone: string | undefined, labels: Labels = {}, taints: Node["taints"] = []) =>
  node(name, zone === undefined ? labels : { [ZONE]: zone, ...labels }, taints);
/** node-a, node-b in zone1; node-c, node-d in zone2 */
const fourNodes = () => [
  zoned("node-a", "zone1"),
  zoned("node-b", "zone1"),
  zoned("node-c", "zone2"),
  zoned("node-d", "zone2"),
];
const pods = (on: string, n: number, labels: Labels = { foo: "" }, ns = "default"): PlacedPod[] =>
  Array.from({ length: n }, (_, i) => placed(`${on}-p${i}`, on, podSpec(), { labels, namespace: ns }));
const withConstraints = (...constraints: TopologySpreadConstraint[]): PodSpec =>
  podSpec({ topologySpreadConstraints: constraints });
const incoming = (
  spec: PodSpec,
  labels: Labels = { foo: "" },
  kind: WorkloadKind = "Deployment",
  extra: Partial<Workload> = {},
) => podToPlace(spec, { workload: workload(kind, "web", spec, extra), labels });

interface Case {
  readonly name: string;
  readonly pod: ReturnType<typeof incoming>;
  readonly nodes: readonly Node[];
  readonly placed: readonly PlacedPod[];
  readonly services?: readonly Service[];
  readonly feasible?: readonly string[];
  readonly raw?: Readonly<Record<string, number>>;
  readonly want: Readonly<Record<string, number>>;
  readonly skipped?: boolean;
}

const cases: readonly Case[] = [
  {
    name: "podtopologyspread score: one constraint on node, no existing pods: every node 100",
    pod: incoming(withConstraints(constraint(HOST, 1, { foo: "" }))),
    nodes: fourNodes().slice(0, 2),
    placed: [],
    want: { "node-a": 100, "node-b": 100 },
  },
  {
    name: "podtopologyspread score: one constraint on node, all 4 nodes are candidates: fewer matching pods, higher score",
    pod: incoming(withConstraints(constraint(HOST, 1, { foo: "" }))),
    nodes: fourNodes(),
    placed: [...pods("node-a", 2), ...pods("node-b", 1), ...pods("node-d", 3)],
    // weight log(4 + 2) = 1.79: raw round(2×1.79) = 4, 2, 0, round(5.38) = 5; normalized 100 × (5 + 0 − s) / 5
    raw: { "node-a": 4, "node-b": 2, "node-c": 0, "node-d": 5 },
    want: { "node-a": 20, "node-b": 60, "node-c": 100, "node-d": 0 },
  },
  {
    name: "podtopologyspread score: one constraint on zone: a node scores the matching pods of its whole zone",
    pod: incoming(withConstraints(constraint(ZONE, 1, { foo: "" }))),
    nodes: fourNodes(),
    placed: [...pods("node-a", 2), ...pods("node-b", 1), ...pods("node-c", 1)],
    // 2 zones: weight log(4) = 1.386; zone1 round(3 × 1.386) = 4, zone2 round(1.386) = 1
    raw: { "node-a": 4, "node-b": 4, "node-c": 1, "node-d": 1 },
    want: { "node-a": 25, "node-b": 25, "node-c": 100, "node-d": 100 },
  },
  {
    name: "podtopologyspread score: maxSkew − 1 is added to every scored domain, watering differences down",
    pod: incoming(withConstraints(constraint(HOST, 5, { foo: "" }))),
    nodes: fourNodes().slice(0, 2),
    placed: pods("node-a", 2),
    // weight log(4): a round(2.77 + 4) = 7, b 4 → 100 × (7 + 4 − 7) / 7 = 57, 100
    raw: { "node-a": 7, "node-b": 4 },
    want: { "node-a": 57, "node-b": 100 },
  },
  {
    name: "podtopologyspread score: with the pod's own constraints, a feasible node lacking a topology key is ignored (score 0)",
    pod: incoming(withConstraints(constraint(ZONE, 1, { foo: "" }))),
    nodes: [zoned("node-a", "zone1"), zoned("node-b", "zone2"), zoned("node-x", undefined)],
    placed: [...pods("node-a", 1), ...pods("node-x", 4)],
    want: { "node-a": 0, "node-b": 100, "node-x": 0 },
  },
  {
    name: "podtopologyspread score: only pods of the incoming pod's namespace count",
    pod: incoming(withConstraints(constraint(HOST, 1, { foo: "" }))),
    nodes: fourNodes().slice(0, 2),
    placed: [...pods("node-a", 3, { foo: "" }, "other"), ...pods("node-b", 1)],
    want: { "node-a": 100, "node-b": 0 },
  },
  {
    name: "podtopologyspread score: only ScheduleAnyway constraints score; a pod with only DoNotSchedule ones is skipped (no system defaults either)",
    pod: incoming(withConstraints(constraint(HOST, 1, { foo: "" }, { whenUnsatisfiable: "DoNotSchedule" }))),
    nodes: fourNodes().slice(0, 2),
    placed: pods("node-a", 3),
    skipped: true,
    want: { "node-a": 0, "node-b": 0 },
  },
  {
    name: "podtopologyspread score: an empty labelSelector counts no pod (countPodsMatchSelector: selector.Empty())",
    pod: incoming(withConstraints(constraint(HOST, 1, {}))),
    nodes: fourNodes().slice(0, 2),
    placed: pods("node-a", 3),
    want: { "node-a": 100, "node-b": 100 },
  },
  {
    name: "podtopologyspread score: matchLabelKeys adds the pod's own value to the selector",
    pod: incoming(withConstraints(constraint(HOST, 1, { app: "web" }, { matchLabelKeys: ["pod-template-hash"] })), {
      app: "web",
      "pod-template-hash": "v2",
    }),
    nodes: fourNodes().slice(0, 2),
    placed: [
      ...pods("node-a", 3, { app: "web", "pod-template-hash": "v1" }),
      ...pods("node-b", 1, { app: "web", "pod-template-hash": "v2" }),
    ],
    want: { "node-a": 100, "node-b": 0 },
  },
  {
    name: "podtopologyspread score: nodeAffinityPolicy Honor (default) counts only pods on nodes the pod's nodeSelector allows",
    pod: incoming(
      podSpec({ nodeSelector: { disk: "ssd" }, topologySpreadConstraints: [constraint(ZONE, 1, { foo: "" })] }),
    ),
    nodes: [
      zoned("node-a", "zone1", { disk: "ssd" }),
      zoned("node-c", "zone2", { disk: "ssd" }),
      zoned("node-d", "zone2"),
    ],
    feasible: ["node-a", "node-c"],
    placed: [...pods("node-c", 1), ...pods("node-d", 5)],
    // zone2 counts node-c's pod only: round(1 × log 4) = 1
    raw: { "node-a": 0, "node-c": 1 },
    want: { "node-a": 100, "node-c": 0 },
  },
  {
    name: "podtopologyspread score: nodeAffinityPolicy Ignore counts pods on every node of the domain",
    pod: incoming(
      podSpec({
        nodeSelector: { disk: "ssd" },
        topologySpreadConstraints: [constraint(ZONE, 1, { foo: "" }, { nodeAffinityPolicy: "Ignore" })],
      }),
    ),
    nodes: [
      zoned("node-a", "zone1", { disk: "ssd" }),
      zoned("node-c", "zone2", { disk: "ssd" }),
      zoned("node-d", "zone2"),
    ],
    feasible: ["node-a", "node-c"],
    placed: [...pods("node-c", 1), ...pods("node-d", 5)],
    // zone2: 6 pods: round(6 × 1.386) = 8
    raw: { "node-a": 0, "node-c": 8 },
    want: { "node-a": 100, "node-c": 0 },
  },
  {
    name: "podtopologyspread score: nodeTaintsPolicy Honor leaves out pods on nodes with taints the pod does not tolerate",
    pod: incoming(withConstraints(constraint(ZONE, 1, { foo: "" }, { nodeTaintsPolicy: "Honor" }))),
    nodes: [
      zoned("node-a", "zone1"),
      zoned("node-c", "zone2"),
      zoned("node-d", "zone2", {}, [taint("dedicated", "x", "NoSchedule")]),
    ],
    feasible: ["node-a", "node-c"],
    placed: [...pods("node-a", 1), ...pods("node-d", 5)],
    raw: { "node-a": 1, "node-c": 0 },
    want: { "node-a": 0, "node-c": 100 },
  },
  {
    name: "podtopologyspread score: system defaults: a pod without constraints spreads by hostname (maxSkew 3) and zone (maxSkew 5) over the pods its Services select",
    pod: incoming(podSpec(), { app: "web" }, "Job", { selector: null }),
    nodes: fourNodes(),
    placed: [...pods("node-a", 2, { app: "web" }), ...pods("node-c", 1, { app: "web" })],
    services: [service("web", { app: "web" })],
    // hostname weight log 6, zone weight log 4: a round(2×1.79 + 2 + 2×1.39 + 4) = 12, b 9, c 9, d 7
    raw: { "node-a": 12, "node-b": 9, "node-c": 9, "node-d": 7 },
    want: { "node-a": 58, "node-b": 83, "node-c": 83, "node-d": 100 },
  },
  {
    name: "podtopologyspread score: system defaults: the owning ReplicaSet's (here the Deployment's) selector counts without any Service",
    pod: incoming(podSpec(), { app: "web" }),
    nodes: fourNodes(),
    placed: [...pods("node-a", 2, { app: "web" }), ...pods("node-c", 1, { app: "web" })],
    want: { "node-a": 58, "node-b": 83, "node-c": 83, "node-d": 100 },
  },
  {
    name: "podtopologyspread score: system defaults: a bare pod no Service selects gets no default constraint (Skip)",
    pod: incoming(podSpec(), { app: "web" }, "Pod", { selector: null }),
    nodes: fourNodes(),
    placed: pods("node-a", 2, { app: "web" }),
    services: [service("other", { app: "other" }), service("manual", null)],
    skipped: true,
    want: { "node-a": 0, "node-b": 0, "node-c": 0, "node-d": 0 },
  },
  {
    name: "podtopologyspread score: system defaults: a node without a zone label is not ignored; it scores by hostname alone",
    pod: incoming(podSpec(), { app: "web" }),
    nodes: [zoned("node-a", "zone1"), zoned("node-x", undefined)],
    placed: pods("node-a", 1, { app: "web" }),
    // hostname weight log 4; zone domains "zone1" and "" (the unlabelled node's), weight log 4
    // a: round(1.386 + 2 + 1.386 + 4) = 9; x: round(0 + 2) = 2 → a 100 × (9 + 2 − 9) / 9 = 22, x 100
    raw: { "node-a": 9, "node-x": 2 },
    want: { "node-a": 22, "node-x": 100 },
  },
];

describe("PodTopologySpread score", () => {
  for (const c of cases) {
    test(c.name, () => {
      const state = cluster(c.nodes, c.placed);
      const feasible: NodeInfo[] = c.feasible ? c.feasible.map((n) => state.nodeByName.get(n)!) : [...state.nodes];
      const run = runScore(podTopologySpreadScore(c.services ?? []), c.pod, state, feasible);
      assert.equal(run.skipped, c.skipped ?? false);
      if (c.raw) assert.deepEqual(run.raw, c.raw);
      assert.deepEqual(run.normalized, c.want);
    });
  }

  test("podtopologyspread score: DefaultSelector merges the selecting Services' selectors with the owner's (StatefulSet)", () => {
    const w = workload("StatefulSet", "db", podSpec(), {
      selector: { matchLabels: { app: "db" }, matchExpressions: [{ key: "tier", operator: "Exists", values: [] }] },
    });
    const pod = podToPlace(podSpec(), { workload: w, labels: { app: "db", tier: "x", role: "primary" } });
    const selector = defaultSelector(pod, [
      service("db", { app: "db" }),
      service("primary", { role: "primary" }),
      service("other", { app: "other" }),
      service("elsewhere", { app: "db" }, "other-ns"),
    ]);
    assert.deepEqual(selector, {
      matchLabels: { app: "db", role: "primary" },
      matchExpressions: [
        { key: "app", operator: "In", values: ["db"] },
        { key: "tier", operator: "Exists", values: [] },
      ],
    });
  });

  test("podtopologyspread score: DefaultSelector: a DaemonSet's or Job's own selector is not used (only RC, RS, StatefulSet)", () => {
    for (const kind of ["DaemonSet", "Job", "CronJob"] as const) {
      const pod = podToPlace(podSpec(), { workload: workload(kind, "agent"), labels: { app: "agent" } });
      assert.equal(defaultSelector(pod, []), undefined, kind);
    }
  });

  test("podtopologyspread score: topologyNormalizingWeight is log(size + 2); scoreForCount adds maxSkew − 1", () => {
    assert.equal(topologyNormalizingWeight(0), Math.log(2));
    assert.equal(scoreForCount(3, 2, 2), 7);
  });

  test("podtopologyspread score: weight 2", () => assert.equal(podTopologySpreadScore([]).weight, 2));
});
