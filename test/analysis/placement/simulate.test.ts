/**
 * The simulation (simulate.ts) against kube-scheduler's scheduling cycle
 * (pkg/scheduler/schedule_one.go): filters over the nodes from nextStartNodeIndex until
 * numFeasibleNodesToFind fit, scores, best node, bind; and the FitError message.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluateNode, fitErrorMessage, prepareFilters } from "../../../src/analysis/placement/feasibility.js";
import { DEFAULT_FILTERS, DEFAULT_SCORES } from "../../../src/analysis/placement/plugins/index.js";
import { placedPod, type ClusterSnapshot } from "../../../src/analysis/placement/cluster-snapshot.js";
import {
  numFeasibleNodesToFind,
  schedulingNodeOrder,
  schedulingOrder,
  scoreNodes,
  simulate,
  type Prediction,
} from "../../../src/analysis/placement/simulate.js";
import type { NodeInfo, PodToPlace } from "../../../src/analysis/placement/types.js";
import type {
  ContainerPort,
  Labels,
  Node,
  PodSpec,
  ResourceList,
  Taint,
  Toleration,
  TopologySpreadConstraint,
  Workload,
} from "../../../src/model/kubernetes.js";
import {
  DEFAULT_ALLOCATABLE,
  Gi,
  cluster,
  container,
  node,
  podSpec,
  podToPlace,
  src,
  taint,
  toleration,
  workload,
} from "./support.js";
import { rng } from "../../../bench/rng.js";

const SCORES = DEFAULT_SCORES({ kubernetes: { services: [] } });
const ZONE = "topology.kubernetes.io/zone";

/** The pods of a Deployment with `replicas` replicas, as pods-to-place makes them. */
function replicas(name: string, count: number, spec: PodSpec = podSpec(), extra: Partial<Workload> = {}): PodToPlace[] {
  const w = workload("Deployment", name, spec, { replicas: count, ...extra });
  return Array.from({ length: count }, (_, i) => podToPlace(spec, { workload: w, name: `${name}-${i}` }));
}

const equalNodes = (n: number, labels: (i: number) => Labels = () => ({})): Node[] =>
  Array.from({ length: n }, (_, i) => node(`node-${String(i).padStart(4, "0")}`, labels(i)));

describe("simulate", () => {
  test("schedule_one.go: replicas of a Deployment spread across equal nodes (LeastAllocated and the default spreading)", () => {
    const state = cluster(equalNodes(3));
    const pods = replicas("web", 3, podSpec({ containers: [container("app", { cpu: 500, memory: Gi })] }));
    const out = simulate(pods, state, DEFAULT_FILTERS, SCORES);
    assert.deepEqual(pods.map((p) => out.get(p)!.node).sort(), ["node-0000", "node-0001", "node-0002"]);
    assert.deepEqual(
      state.nodes.map((n) => n.pods.length),
      [1, 1, 1],
    );
  });

  test("schedule_one.go: the first replica on equal nodes ties; the first tied node by name is predicted and the tie reported", () => {
    const state = cluster(equalNodes(3));
    const [first] = replicas("web", 1);
    const p = simulate([first!], state, DEFAULT_FILTERS, SCORES).get(first!)!;
    assert.equal(p.node, "node-0000");
    assert.deepEqual(p.tied, ["node-0000", "node-0001", "node-0002"]);
    assert.equal(typeof p.score, "number");
  });

  test("schedule_one.go: a clear winner is no tie", () => {
    const state = cluster([
      node("busy", {}, [], { cpu: 4000, memory: 8 * Gi, pods: 110 }),
      node("idle", {}, [], { cpu: 4000, memory: 8 * Gi, pods: 110 }),
    ]);
    state.bind(
      state.nodeByName.get("busy")!,
      placedPod(
        "Pod/default/x",
        "x",
        "default",
        {},
        podSpec({ containers: [container("c", { cpu: 3000, memory: 4 * Gi })] }),
        "busy",
      ),
    );
    const [pod] = replicas("web", 1, podSpec({ containers: [container("app", { cpu: 100, memory: 128 * 2 ** 20 })] }));
    const p = simulate([pod!], state, DEFAULT_FILTERS, SCORES).get(pod!)!;
    assert.equal(p.node, "idle");
    assert.deepEqual(p.tied, []);
  });

  test('types.go FitError: a pod no node fits gets "0/N nodes are available: …", with the first rejecting plugin\'s reason per node', () => {
    const nodes = [
      node("tainted", {}, [taint("dedicated", "infra", "NoSchedule")]),
      node("small", {}, [], { cpu: 500, memory: 8 * Gi, pods: 110 }),
      node("cordoned", {}, [], DEFAULT_ALLOCATABLE, { unschedulable: true }),
    ];
    const [pod] = replicas("big", 1, podSpec({ containers: [container("app", { cpu: 1000 })] }));
    const p = simulate([pod!], cluster(nodes), DEFAULT_FILTERS, SCORES).get(pod!)!;
    assert.equal(p.node, undefined);
    assert.equal(
      p.unschedulable,
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: infra}, 1 node(s) were unschedulable.",
    );
  });

  test("schedule_one.go: earlier placements count: the replica that no longer fits is unschedulable", () => {
    const state = cluster([node("only", {}, [], { cpu: 1000, memory: 8 * Gi, pods: 110 })]);
    const pods = replicas("web", 2, podSpec({ containers: [container("app", { cpu: 600 })] }));
    const out = simulate(pods, state, DEFAULT_FILTERS, SCORES);
    assert.equal(out.get(pods[0]!)!.node, "only");
    assert.equal(out.get(pods[1]!)!.unschedulable, "0/1 nodes are available: 1 Insufficient cpu.");
  });

  test('static filters: a nodeSelector label named "source" is part of what pods share verdicts by', () => {
    const state = cluster([node("a", { source: "a" }), node("b", { source: "b" })]);
    const [onA] = replicas("on-a", 1, podSpec({ nodeSelector: { source: "a" } }));
    const [onB] = replicas("on-b", 1, podSpec({ nodeSelector: { source: "b" } }));
    const out = simulate([onA!, onB!], state, DEFAULT_FILTERS, SCORES);
    assert.equal(out.get(onA!)!.node, "a");
    assert.equal(out.get(onB!)!.node, "b");
  });

  test("PrioritySort: higher priority is scheduled first, and takes the room", () => {
    const state = cluster([node("only", {}, [], { cpu: 1000, memory: 8 * Gi, pods: 110 })]);
    const [low] = replicas("low", 1, podSpec({ priority: 0, containers: [container("app", { cpu: 800 })] }));
    const [high] = replicas("high", 1, podSpec({ priority: 1000, containers: [container("app", { cpu: 800 })] }));
    const ordered = schedulingOrder([low!, high!], (p) => p.spec.priority ?? 0);
    assert.deepEqual(
      ordered.map((p) => p.name),
      ["high-0", "low-0"],
    );
    const out = simulate(ordered, state, DEFAULT_FILTERS, SCORES);
    assert.equal(out.get(high!)!.node, "only");
    assert.equal(out.get(low!)!.unschedulable, "0/1 nodes are available: 1 Insufficient cpu.");
  });

  test("schedule_one.go numFeasibleNodesToFind: all nodes below 100, else 50 − nodes/125 % (at least 5 %), at least 100", () => {
    const table: [number, number][] = [
      [1, 1],
      [99, 99],
      [100, 100],
      [150, 100],
      [500, 230],
      [1000, 420],
      [5000, 500],
      [6000, 300],
      [10000, 500],
      [20000, 1000],
    ];
    for (const [nodes, want] of table) assert.equal(numFeasibleNodesToFind(nodes), want, `${nodes} nodes`);
    assert.equal(numFeasibleNodesToFind(5000, 100), 5000);
    assert.equal(numFeasibleNodesToFind(5000, 30), 1500);
  });

  test("schedule_one.go: with 1,000 equal nodes a pod is scored on the first 420 feasible ones, and the next pod starts where it stopped", () => {
    const state = cluster(equalNodes(1000));
    const [a, b] = replicas("web", 2);
    const out = simulate([a!, b!], state, DEFAULT_FILTERS, SCORES);
    const first = out.get(a!)!;
    const second = out.get(b!)!;
    assert.equal(first.tied.length, 420);
    assert.equal(second.tied.length, 420);
    const seen = new Set(first.tied);
    assert.ok(
      second.tied.every((n) => !seen.has(n)),
      "the second pod examines other nodes",
    );
  });

  test("schedule_one.go: with 100 nodes every node is examined", () => {
    const state = cluster(equalNodes(100));
    const [a] = replicas("web", 1);
    assert.equal(simulate([a!], state, DEFAULT_FILTERS, SCORES).get(a!)!.tied.length, 100);
  });

  test("schedule_one.go: rejected nodes are walked past: the feasible ones found are what gets scored", () => {
    // 200 nodes (100 to find), 150 of which the nodeSelector rejects: the walk goes through them all and scores the 50 that fit
    const state = cluster(equalNodes(200, (i) => (i < 150 ? { pool: "other" } : { pool: "mine" })));
    const [a] = replicas("web", 1, podSpec({ nodeSelector: { pool: "mine" } }));
    const p = simulate([a!], state, DEFAULT_FILTERS, SCORES).get(a!)!;
    assert.equal(p.tied.length, 50);
    assert.ok(p.tied.every((n) => Number(n.slice(5)) >= 150));
  });

  test("node_tree.go: the walk order takes one node of each zone in turn, by name within a zone", () => {
    const nodes = cluster([
      node("a1", { [ZONE]: "a" }),
      node("a2", { [ZONE]: "a" }),
      node("a3", { [ZONE]: "a" }),
      node("b1", { [ZONE]: "b" }),
      node("c1", { [ZONE]: "c" }),
      node("c2", { [ZONE]: "c" }),
      node("none"),
    ]).nodes;
    assert.deepEqual(
      schedulingNodeOrder([...nodes].reverse()).map((n) => n.name),
      ["a1", "b1", "c1", "none", "a2", "c2", "a3"],
    );
  });

  test("schedule_one.go schedulePod: a single feasible node is taken without scoring", () => {
    const state = cluster([node("gpu", { gpu: "yes" }), node("cpu")]);
    const [a] = replicas("web", 1, podSpec({ nodeSelector: { gpu: "yes" } }));
    const p = simulate([a!], state, DEFAULT_FILTERS, SCORES).get(a!)!;
    assert.deepEqual(p, { node: "gpu", tied: [], unschedulable: undefined, score: undefined } satisfies Prediction);
  });

  test("daemon pods: a DaemonSet's pod is placed on the node it is made for, or not at all", () => {
    const state = cluster([node("a"), node("b", {}, [taint("dedicated", "x", "NoSchedule")])]);
    const spec = podSpec();
    const w = workload("DaemonSet", "agent", spec);
    const onA = podToPlace(spec, { workload: w, name: "agent-a", daemonNode: "a" });
    const onB = podToPlace(spec, { workload: w, name: "agent-b", daemonNode: "b" });
    const out = simulate([onA, onB], state, DEFAULT_FILTERS, SCORES);
    assert.equal(out.get(onA)!.node, "a");
    // schedule_one.go: the nodes NodeAffinity's PreFilterResult leaves out (the pod is pinned to b) count as such
    assert.equal(
      out.get(onB)!.unschedulable,
      "0/2 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity], 1 node(s) had untolerated taint {dedicated: x}.",
    );
  });

  test("simulate keeps its old signature: scores default to none, every feasible node ties", () => {
    const state = cluster(equalNodes(2));
    const [a] = replicas("web", 1);
    assert.deepEqual(simulate([a!], state, DEFAULT_FILTERS, []).get(a!)!.tied, ["node-0000", "node-0001"]);
  });

  test("the fast paths change nothing: against every filter on every node and plain scoring, on a random cluster", () => {
    const random = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const nodes: Node[] = Array.from({ length: 24 }, (_, i) => {
      const taints: Taint[] =
        random() < 0.2 ? [taint("dedicated", pick(["infra", "gpu"]), pick(["NoSchedule", "PreferNoSchedule"]))] : [];
      const allocatable: ResourceList = {
        cpu: pick([2000, 4000, 8000]),
        memory: pick([4, 8, 16]) * Gi,
        pods: pick([10, 30, 110]),
      };
      return node(
        `n${String(i).padStart(2, "0")}`,
        { [ZONE]: pick(["z1", "z2", "z3"]), disk: pick(["ssd", "hdd"]) },
        taints,
        allocatable,
        { unschedulable: random() < 0.05 },
      );
    });
    const specs: PodSpec[] = Array.from({ length: 12 }, (_, k) => {
      const tolerations: Toleration[] = random() < 0.3 ? [toleration({ key: "dedicated", operator: "Exists" })] : [];
      const ports: ContainerPort[] =
        random() < 0.3
          ? [{ name: undefined, containerPort: 8080, hostPort: 9000 + (k % 2), hostIP: undefined, protocol: "TCP" }]
          : [];
      const spread: TopologySpreadConstraint[] =
        random() < 0.3
          ? [
              {
                maxSkew: 1,
                topologyKey: ZONE,
                whenUnsatisfiable: pick(["DoNotSchedule", "ScheduleAnyway"]),
                labelSelector: { matchLabels: { app: `w${k}` }, matchExpressions: [] },
                minDomains: undefined,
                nodeAffinityPolicy: undefined,
                nodeTaintsPolicy: undefined,
                matchLabelKeys: [],
                source: src(1),
              },
            ]
          : [];
      const self = (topologyKey: string) => ({
        labelSelector: { matchLabels: { app: `w${k}` }, matchExpressions: [] },
        namespaces: [],
        namespaceSelector: null,
        topologyKey,
        matchLabelKeys: [],
        mismatchLabelKeys: [],
        source: src(2),
      });
      const anti =
        random() < 0.4
          ? {
              required: random() < 0.5 ? [self("kubernetes.io/hostname")] : [],
              preferred: [{ weight: 50, term: self("kubernetes.io/hostname") }],
            }
          : undefined;
      const near =
        random() < 0.2
          ? {
              required: [],
              preferred: [
                {
                  weight: 20,
                  term: {
                    ...self(ZONE),
                    labelSelector: { matchLabels: { app: `w${(k + 1) % 12}` }, matchExpressions: [] },
                  },
                },
              ],
            }
          : undefined;
      return podSpec({
        nodeSelector: random() < 0.3 ? { disk: pick(["ssd", "hdd"]) } : {},
        tolerations,
        topologySpreadConstraints: spread,
        affinity: { nodeAffinity: undefined, podAffinity: near, podAntiAffinity: anti },
        containers: [
          container(
            "app",
            random() < 0.1 ? {} : { cpu: pick([100, 500, 1500]), memory: pick([128, 512, 2048]) * 2 ** 20 },
            { ports },
          ),
        ],
      });
    });
    const pods = specs.flatMap((spec, k) => replicas(`w${k}`, 5 + Math.floor(random() * 20), spec));
    // more pods than room: host ports taken on every node, cpu exhausted
    const hostPort: ContainerPort = {
      name: undefined,
      containerPort: 9100,
      hostPort: 9100,
      hostIP: undefined,
      protocol: "TCP",
    };
    pods.push(
      ...replicas(
        "exporter",
        30,
        podSpec({
          tolerations: [toleration({ operator: "Exists" })],
          containers: [container("app", { cpu: 50 }, { ports: [hostPort] })],
        }),
      ),
    );
    pods.push(...replicas("huge", 30, podSpec({ containers: [container("app", { cpu: 1900, memory: Gi })] })));
    const fast = simulate(pods, cluster(nodes), DEFAULT_FILTERS, SCORES, { percentageOfNodesToScore: 100 });
    const plain = referenceSimulate(pods, cluster(nodes));
    let placedCount = 0;
    for (const p of pods) {
      assert.deepEqual(fast.get(p), plain.get(p), p.name);
      if (fast.get(p)!.node) placedCount++;
    }
    assert.ok(
      placedCount > 20 && placedCount < pods.length,
      `a test that places some pods and not others (${placedCount}/${pods.length})`,
    );
  });
});

/** The simulation without shortcuts: every filter on every node, every feasible node scored. */
function referenceSimulate(pods: readonly PodToPlace[], state: ClusterSnapshot): Map<PodToPlace, Prediction> {
  const out = new Map<PodToPlace, Prediction>();
  for (const pod of pods) {
    const states = prepareFilters(pod, state, DEFAULT_FILTERS);
    const verdicts = state.nodes.map((n) => evaluateNode(pod, n, state, DEFAULT_FILTERS, states));
    const feasible: NodeInfo[] = state.nodes.filter((_, i) => verdicts[i]!.feasible);
    if (feasible.length === 0) {
      out.set(pod, {
        node: undefined,
        tied: [],
        unschedulable: fitErrorMessage(verdicts, state.nodes.length),
        score: undefined,
      });
      continue;
    }
    let chosen = feasible[0]!;
    let tied: string[] = [];
    let score: number | undefined;
    if (feasible.length > 1) {
      const totals = scoreNodes(pod, feasible, state, SCORES);
      score = Math.max(...totals);
      tied = feasible
        .filter((_, i) => totals[i] === score)
        .map((n) => n.name)
        .sort();
      chosen = state.nodeByName.get(tied[0]!)!;
      if (tied.length === 1) tied = [];
    }
    state.bind(chosen, placedPod(pod.owner, pod.name, pod.namespace, pod.labels, pod.spec, chosen.name));
    out.set(pod, { node: chosen.name, tied, unschedulable: undefined, score });
  }
  return out;
}
