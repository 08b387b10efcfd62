/** InterPodAffinity Score (interpodaffinity/scoring.go), cases after scoring_test.go TestPreferredAffinity. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InterPodAffinityScore } from "../../../../../src/analysis/placement/plugins/interpodaffinity/score.js";
import type { PlacedPod } from "../../../../../src/analysis/placement/types.js";
import type {
  LabelSelector,
  Labels,
  PodAffinity,
  PodAffinityTerm,
  PodSpec,
} from "../../../../../src/model/kubernetes.js";
import { cluster, namespace, node, placed, podSpec, podToPlace, src, workload } from "../../support.js";
import { runScore } from "../score-harness.js";

const selector = (matchLabels: Labels): LabelSelector => ({ matchLabels, matchExpressions: [] });
function term(matchLabels: Labels | null, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm {
  return {
    labelSelector: matchLabels ? selector(matchLabels) : null,
    namespaces: [],
    namespaceSelector: null,
    topologyKey,
    matchLabelKeys: [],
    mismatchLabelKeys: [],
    source: src(600),
    ...extra,
  };
}
const prefer = (...terms: [number, PodAffinityTerm][]): PodAffinity => ({
  required: [],
  preferred: terms.map(([weight, t]) => ({ weight, term: t })),
});
const specWith = (podAffinity?: PodAffinity, podAntiAffinity?: PodAffinity): PodSpec =>
  podSpec({ affinity: { nodeAffinity: undefined, podAffinity, podAntiAffinity } });
const incoming = (spec: PodSpec = podSpec(), labels: Labels = { app: "web" }, ns = "default") =>
  podToPlace(spec, { workload: workload("Deployment", "web", spec, {}, ns), labels });

const REGION = "region";
const nodes = () => [
  node("node1", { region: "China", az: "az1" }),
  node("node2", { region: "India", az: "az2" }),
  node("node3", { region: "China", az: "az3" }),
];
const existing = (name: string, on: string, labels: Labels, spec: PodSpec = podSpec(), ns = "default"): PlacedPod =>
  placed(name, on, spec, { labels, namespace: ns });

interface Case {
  readonly name: string;
  readonly pod: ReturnType<typeof incoming>;
  readonly placed: readonly PlacedPod[];
  readonly raw?: Readonly<Record<string, number>>;
  readonly want: Readonly<Record<string, number>>;
  readonly skipped?: boolean;
}

const cases: readonly Case[] = [
  {
    name: "interpodaffinity score: all nodes are the same priority when no pod has affinity terms (Skip)",
    pod: incoming(),
    placed: [existing("p1", "node1", { security: "S1" })],
    skipped: true,
    want: { node1: 0, node2: 0, node3: 0 },
  },
  {
    name: "interpodaffinity score: affinity: nodes in the topology domain of a pod the preferred term selects score high",
    pod: incoming(specWith(prefer([5, term({ security: "S1" }, REGION)]))),
    placed: [existing("p1", "node1", { security: "S1" })],
    raw: { node1: 5, node2: 0, node3: 5 },
    want: { node1: 100, node2: 0, node3: 100 },
  },
  {
    name: "interpodaffinity score: anti-affinity: nodes in the domain of a pod the preferred anti-affinity term selects score low",
    pod: incoming(specWith(undefined, prefer([5, term({ security: "S1" }, REGION)]))),
    placed: [existing("p1", "node1", { security: "S1" })],
    raw: { node1: -5, node2: 0, node3: -5 },
    want: { node1: 0, node2: 100, node3: 0 },
  },
  {
    name: "interpodaffinity score: affinity and anti-affinity weights add per domain; NormalizeScore maps min..max to 0..100",
    pod: incoming(
      specWith(prefer([10, term({ security: "S1" }, "az")]), prefer([5, term({ security: "S2" }, REGION)])),
    ),
    placed: [existing("p1", "node1", { security: "S1" }), existing("p2", "node3", { security: "S2" })],
    // node1: +10 (az1) − 5 (China); node2: 0; node3: −5 (China)
    raw: { node1: 5, node2: 0, node3: -5 },
    want: { node1: 100, node2: 50, node3: 0 },
  },
  {
    name: "interpodaffinity score: symmetry: an existing pod's preferred affinity term that selects the incoming pod counts",
    pod: incoming(),
    placed: [existing("p1", "node1", { security: "S1" }, specWith(prefer([5, term({ app: "web" }, REGION)])))],
    raw: { node1: 5, node2: 0, node3: 5 },
    want: { node1: 100, node2: 0, node3: 100 },
  },
  {
    name: "interpodaffinity score: symmetry: an existing pod's required affinity term counts with hardPodAffinityWeight 1",
    pod: incoming(),
    placed: [
      existing(
        "p1",
        "node2",
        { security: "S1" },
        specWith({ required: [term({ app: "web" }, REGION)], preferred: [] }),
      ),
    ],
    raw: { node1: 0, node2: 1, node3: 0 },
    want: { node1: 0, node2: 100, node3: 0 },
  },
  {
    name: "interpodaffinity score: symmetry: an existing pod's preferred anti-affinity term that selects the incoming pod lowers its node",
    pod: incoming(),
    placed: [
      existing(
        "p1",
        "node1",
        { security: "S1" },
        specWith(undefined, prefer([7, term({ app: "web" }, "kubernetes.io/hostname")])),
      ),
    ],
    raw: { node1: -7, node2: 0, node3: 0 },
    want: { node1: 0, node2: 100, node3: 100 },
  },
  {
    name: "interpodaffinity score: a term selects pods of its owner's namespace only, unless it names namespaces",
    pod: incoming(specWith(prefer([5, term({ security: "S1" }, REGION)]))),
    placed: [existing("p1", "node1", { security: "S1" }, podSpec(), "other")],
    skipped: true,
    want: { node1: 0, node2: 0, node3: 0 },
  },
  {
    name: "interpodaffinity score: a term naming namespaces selects pods there",
    pod: incoming(specWith(prefer([5, term({ security: "S1" }, REGION, { namespaces: ["other"] })]))),
    placed: [
      existing("p1", "node1", { security: "S1" }, podSpec(), "other"),
      existing("p2", "node2", { security: "S1" }),
    ],
    raw: { node1: 5, node2: 0, node3: 5 },
    want: { node1: 100, node2: 0, node3: 100 },
  },
  {
    name: "interpodaffinity score: an empty namespaceSelector selects pods of every namespace",
    pod: incoming(specWith(prefer([5, term({ security: "S1" }, "az", { namespaceSelector: selector({}) })]))),
    placed: [
      existing("p1", "node1", { security: "S1" }, podSpec(), "other"),
      existing("p2", "node2", { security: "S1" }),
    ],
    raw: { node1: 5, node2: 5, node3: 0 },
    want: { node1: 100, node2: 100, node3: 0 },
  },
  {
    name: "interpodaffinity score: an existing pod's term does not select pods of another namespace",
    pod: incoming(podSpec(), { app: "web" }, "default"),
    placed: [existing("p1", "node1", { security: "S1" }, specWith(prefer([5, term({ app: "web" }, REGION)])), "other")],
    skipped: true,
    want: { node1: 0, node2: 0, node3: 0 },
  },
  {
    name: "interpodaffinity score: matchLabelKeys narrows the term to pods sharing the incoming pod's value",
    pod: incoming(specWith(prefer([5, term({ app: "web" }, "az", { matchLabelKeys: ["version"] })])), {
      app: "web",
      version: "v2",
    }),
    placed: [
      existing("p1", "node1", { app: "web", version: "v1" }),
      existing("p2", "node2", { app: "web", version: "v2" }),
    ],
    raw: { node1: 0, node2: 5, node3: 0 },
    want: { node1: 0, node2: 100, node3: 0 },
  },
  {
    name: "interpodaffinity score: a term without labelSelector selects no pod",
    pod: incoming(specWith(prefer([5, term(null, REGION)]))),
    placed: [existing("p1", "node1", { security: "S1" })],
    skipped: true,
    want: { node1: 0, node2: 0, node3: 0 },
  },
  {
    name: "interpodaffinity score: every matching pod counts: two pods in a domain weigh twice",
    pod: incoming(specWith(prefer([3, term({ security: "S1" }, "az")]))),
    placed: [
      existing("p1", "node1", { security: "S1" }),
      existing("p2", "node1", { security: "S1" }),
      existing("p3", "node3", { security: "S1" }),
    ],
    raw: { node1: 6, node2: 0, node3: 3 },
    want: { node1: 100, node2: 0, node3: 50 },
  },
];

describe("InterPodAffinity score", () => {
  for (const c of cases) {
    test(c.name, () => {
      const state = cluster(nodes(), c.placed, { namespaces: [namespace("default"), namespace("other")] });
      const run = runScore(InterPodAffinityScore, c.pod, state);
      assert.equal(run.skipped, c.skipped ?? false);
      if (c.raw) assert.deepEqual(run.raw, c.raw);
      assert.deepEqual(run.normalized, c.want);
    });
  }
  test("interpodaffinity score: weight 2", () => assert.equal(InterPodAffinityScore.weight, 2));
});
