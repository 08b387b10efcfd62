/**
 * InterPodAffinity Filter against kube-scheduler's rules
 * (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go, v1.28+; matchLabelKeys from
 * pkg/registry/core/pod/strategy.go). Every case names the upstream rule it checks, and judges
 * every node of its cluster.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_FILTERS } from "../../../../../src/analysis/placement/plugins/index.js";
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH as AFFINITY,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH as ANTI,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH as EXISTING,
} from "../../../../../src/analysis/placement/plugins/interpodaffinity/common.js";
import { InterPodAffinity } from "../../../../../src/analysis/placement/plugins/interpodaffinity/filter.js";
import type { ClusterView, PlacedPod, PodToPlace } from "../../../../../src/analysis/placement/types.js";
import type {
  LabelSelector,
  Labels,
  Namespace,
  Node,
  PodAffinityTerm,
  PodSpec,
} from "../../../../../src/model/kubernetes.js";
import type { SourceRef } from "../../../../../src/model/source.js";
import { cluster, namespace, node, placed, podSpec, podToPlace, src, workload } from "../../support.js";

// ---------------------------------------------------------------------------------------------
// factories

const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";

function sel(matchLabels: Labels, matchExpressions: LabelSelector["matchExpressions"] = []): LabelSelector {
  return { matchLabels, matchExpressions };
}

/** A required pod (anti-)affinity term; `selector` null is a term without labelSelector. */
function term(
  selector: LabelSelector | null,
  topologyKey: string,
  extra: Partial<PodAffinityTerm> = {},
  source: SourceRef = src(700),
): PodAffinityTerm {
  return {
    labelSelector: selector,
    namespaces: [],
    namespaceSelector: null,
    topologyKey,
    matchLabelKeys: [],
    mismatchLabelKeys: [],
    source,
    ...extra,
  };
}

function withTerms(affinity: readonly PodAffinityTerm[], anti: readonly PodAffinityTerm[] = []): PodSpec {
  return podSpec({
    affinity: {
      nodeAffinity: undefined,
      podAffinity: affinity.length > 0 ? { required: affinity, preferred: [] } : undefined,
      podAntiAffinity: anti.length > 0 ? { required: anti, preferred: [] } : undefined,
    },
  });
}

/** The pod to place: a replica of Deployment NS/web with `labels` (app=web by default). */
function incoming(spec: PodSpec, labels: Labels = { app: "web" }, ns = "default"): PodToPlace {
  return podToPlace(spec, { workload: workload("Deployment", "web", spec, {}, ns), labels });
}

/** An existing pod with `labels` on `nodeName`, its own owner. */
function existing(
  name: string,
  nodeName: string,
  labels: Labels,
  options: { ns?: string; spec?: PodSpec; owner?: string } = {},
): PlacedPod {
  return placed(name, nodeName, options.spec ?? podSpec(), {
    labels,
    ...(options.ns ? { namespace: options.ns } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  });
}

/** Each node's verdict: the plugin's message, or null when it fits. */
function verdicts(pod: PodToPlace, state: ClusterView): Record<string, string | null> {
  const prepared = InterPodAffinity.prepare!(pod, state);
  const out: Record<string, string | null> = {};
  for (const n of state.nodes) {
    const reasons = InterPodAffinity.filter(pod, n, state, prepared);
    assert.ok(reasons.length <= 1, "the scheduler reports one reason per node");
    assert.equal(
      InterPodAffinity.passes!(pod, n, state, prepared),
      reasons.length === 0,
      "passes is filter's verdict alone",
    );
    for (const r of reasons) assert.equal(r.plugin, "InterPodAffinity");
    out[n.name] = reasons[0]?.message ?? null;
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly nodes: readonly Node[];
  readonly placed?: readonly PlacedPod[];
  readonly pod: PodToPlace;
  readonly namespaces?: readonly Namespace[];
  readonly excludeOwner?: string;
  readonly want: Record<string, string | null>;
}

function cases(list: readonly Case[]): void {
  for (const c of list) {
    test(c.name, () => {
      const state = cluster(c.nodes, c.placed ?? [], {
        ...(c.excludeOwner ? { excludeOwner: c.excludeOwner } : {}),
        ...(c.namespaces ? { namespaces: c.namespaces } : {}),
      });
      assert.deepEqual(verdicts(c.pod, state), c.want);
    });
  }
}

/** n1, n2 in zone a; n3 in zone b. */
const zoned = [node("n1", { [ZONE]: "a" }), node("n2", { [ZONE]: "a" }), node("n3", { [ZONE]: "b" })];
const twoHosts = [node("n1"), node("n2")];

// ---------------------------------------------------------------------------------------------

describe("InterPodAffinity: required pod affinity (satisfyPodAffinity)", () => {
  cases([
    {
      name: "interpodaffinity: affinity by hostname is satisfied only on the node of a matching pod",
      nodes: twoHosts,
      placed: [existing("db-0", "n1", { app: "db" })],
      pod: incoming(withTerms([term(sel({ app: "db" }), HOST)])),
      want: { n1: null, n2: AFFINITY },
    },
    {
      name: "interpodaffinity: affinity by zone is satisfied on every node of the matching pod's zone",
      nodes: zoned,
      placed: [existing("db-0", "n1", { app: "db" })],
      pod: incoming(withTerms([term(sel({ app: "db" }), ZONE)])),
      want: { n1: null, n2: null, n3: AFFINITY },
    },
    {
      name: "interpodaffinity: the first pod of a group satisfies its own affinity (no matching pod anywhere)",
      nodes: zoned,
      pod: incoming(withTerms([term(sel({ app: "web" }), ZONE)])),
      want: { n1: null, n2: null, n3: null },
    },
    {
      name: "interpodaffinity: the first-pod exception needs the pod to match its own terms",
      nodes: zoned,
      pod: incoming(withTerms([term(sel({ app: "db" }), ZONE)])),
      want: { n1: AFFINITY, n2: AFFINITY, n3: AFFINITY },
    },
    {
      name: "interpodaffinity: the first-pod exception ends once a matching pod runs anywhere",
      nodes: zoned,
      placed: [existing("web-x", "n3", { app: "web" })],
      pod: incoming(withTerms([term(sel({ app: "web" }), ZONE)])),
      want: { n1: AFFINITY, n2: AFFINITY, n3: null },
    },
    {
      name: "interpodaffinity: a node without the topologyKey label fails an affinity term, even for the first pod",
      nodes: [...zoned, node("n4")],
      pod: incoming(withTerms([term(sel({ app: "web" }), ZONE)])),
      want: { n1: null, n2: null, n3: null, n4: AFFINITY },
    },
    {
      name: "interpodaffinity: a node without the topologyKey label fails even beside a matching pod",
      nodes: [node("n1", { [ZONE]: "a" }), node("n2")],
      placed: [existing("db-0", "n2", { app: "db" })],
      pod: incoming(withTerms([term(sel({ app: "db" }), ZONE)])),
      want: { n1: AFFINITY, n2: AFFINITY },
    },
    {
      name: "interpodaffinity: an existing pod counts only if it matches every affinity term (podMatchesAllAffinityTerms)",
      nodes: zoned,
      // db-0 matches the zone term only, cache-0 the hostname term only: no pod matches both
      placed: [existing("db-0", "n1", { app: "db" }), existing("cache-0", "n2", { tier: "cache" })],
      pod: incoming(withTerms([term(sel({ app: "db" }), ZONE), term(sel({ tier: "cache" }), HOST)])),
      want: { n1: AFFINITY, n2: AFFINITY, n3: AFFINITY },
    },
    {
      name: "interpodaffinity: a pod matching every term satisfies each term in its own domains",
      nodes: zoned,
      placed: [existing("db-0", "n1", { app: "db", tier: "cache" })],
      pod: incoming(withTerms([term(sel({ app: "db" }), ZONE), term(sel({ tier: "cache" }), HOST)])),
      want: { n1: null, n2: AFFINITY, n3: AFFINITY },
    },
    {
      name: "interpodaffinity: a null labelSelector selects no pod, so the affinity term is never satisfied",
      nodes: twoHosts,
      placed: [existing("db-0", "n1", { app: "db" })],
      pod: incoming(withTerms([term(null, HOST)])),
      want: { n1: AFFINITY, n2: AFFINITY },
    },
    {
      name: "interpodaffinity: the term's namespaces default to the incoming pod's own (a pod elsewhere does not count)",
      nodes: twoHosts,
      placed: [existing("db-0", "n1", { app: "db" }, { ns: "data" })],
      pod: incoming(withTerms([term(sel({ app: "db" }), HOST)])),
      want: { n1: AFFINITY, n2: AFFINITY },
    },
    {
      name: "interpodaffinity: the term's namespaces list selects pods of the listed namespaces",
      nodes: twoHosts,
      placed: [existing("db-0", "n1", { app: "db" }, { ns: "data" })],
      pod: incoming(withTerms([term(sel({ app: "db" }), HOST, { namespaces: ["data"] })])),
      want: { n1: null, n2: AFFINITY },
    },
  ]);
});

describe("InterPodAffinity: required pod anti-affinity (satisfyPodAntiAffinity)", () => {
  cases([
    {
      name: "interpodaffinity: anti-affinity by hostname rejects the node of a matching pod",
      nodes: twoHosts,
      placed: [existing("web-x", "n1", { app: "web" })],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), HOST)])),
      want: { n1: ANTI, n2: null },
    },
    {
      name: "interpodaffinity: anti-affinity by zone rejects every node of the matching pod's zone",
      nodes: zoned,
      placed: [existing("web-x", "n1", { app: "web" })],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), ZONE)])),
      want: { n1: ANTI, n2: ANTI, n3: null },
    },
    {
      name: "interpodaffinity: a node without the topologyKey label satisfies an anti-affinity term",
      nodes: [node("n1", { [ZONE]: "a" }), node("n2")],
      placed: [existing("web-x", "n1", { app: "web" }), existing("web-y", "n2", { app: "web" })],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), ZONE)])),
      want: { n1: ANTI, n2: null },
    },
    {
      name: "interpodaffinity: anti-affinity namespaces default to the incoming pod's own namespace",
      nodes: twoHosts,
      placed: [existing("web-x", "n1", { app: "web" }, { ns: "other" })],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), HOST)])),
      want: { n1: null, n2: null },
    },
    {
      name: "interpodaffinity: anti-affinity namespaces list: pods of listed namespaces only, not the pod's own",
      nodes: twoHosts,
      placed: [existing("web-x", "n1", { app: "web" }, { ns: "other" }), existing("web-y", "n2", { app: "web" })],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), HOST, { namespaces: ["other"] })])),
      want: { n1: ANTI, n2: null },
    },
    {
      name: "interpodaffinity: namespaceSelector selects namespaces by their labels",
      nodes: [node("n1"), node("n2"), node("n3")],
      namespaces: [namespace("default"), namespace("team-a", { team: "a" }), namespace("team-b", { team: "b" })],
      placed: [
        existing("web-a", "n1", { app: "web" }, { ns: "team-a" }),
        existing("web-b", "n2", { app: "web" }, { ns: "team-b" }),
        existing("web-d", "n3", { app: "web" }),
      ],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), HOST, { namespaceSelector: sel({ team: "a" }) })])),
      want: { n1: ANTI, n2: null, n3: null },
    },
    {
      name: "interpodaffinity: namespaces and namespaceSelector are ORed",
      nodes: [node("n1"), node("n2"), node("n3")],
      namespaces: [namespace("default"), namespace("team-a", { team: "a" }), namespace("team-b", { team: "b" })],
      placed: [
        existing("web-a", "n1", { app: "web" }, { ns: "team-a" }),
        existing("web-b", "n2", { app: "web" }, { ns: "team-b" }),
        existing("web-d", "n3", { app: "web" }),
      ],
      pod: incoming(
        withTerms(
          [],
          [term(sel({ app: "web" }), HOST, { namespaces: ["team-b"], namespaceSelector: sel({ team: "a" }) })],
        ),
      ),
      want: { n1: ANTI, n2: ANTI, n3: null },
    },
    {
      name: "interpodaffinity: an empty namespaceSelector {} selects every namespace",
      nodes: [node("n1"), node("n2"), node("n3")],
      placed: [existing("web-a", "n1", { app: "web" }, { ns: "team-a" }), existing("web-d", "n2", { app: "web" })],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), HOST, { namespaceSelector: sel({}) })])),
      want: { n1: ANTI, n2: ANTI, n3: null },
    },
    {
      name: "interpodaffinity: a null labelSelector selects no pod, so the anti-affinity term never rejects",
      nodes: twoHosts,
      placed: [existing("web-x", "n1", { app: "web" })],
      pod: incoming(withTerms([], [term(null, HOST)])),
      want: { n1: null, n2: null },
    },
    {
      name: "interpodaffinity: an empty labelSelector {} selects every pod of the term's namespaces",
      nodes: [node("n1"), node("n2"), node("n3")],
      placed: [
        existing("any", "n1", { whatever: "x" }),
        existing("elsewhere", "n2", { whatever: "x" }, { ns: "other" }),
      ],
      pod: incoming(withTerms([], [term(sel({}), HOST)])),
      want: { n1: ANTI, n2: null, n3: null },
    },
    {
      name: "interpodaffinity: a selector `In (a, b)` selects pods with either value",
      nodes: [node("n1"), node("n2"), node("n3")],
      placed: [
        existing("a-0", "n1", { app: "a" }),
        existing("b-0", "n2", { app: "b" }),
        existing("c-0", "n3", { app: "c" }),
      ],
      pod: incoming(withTerms([], [term(sel({}, [{ key: "app", operator: "In", values: ["a", "b"] }]), HOST)])),
      want: { n1: ANTI, n2: ANTI, n3: null },
    },
    {
      name: "interpodaffinity: a selector `NotIn (a)` selects pods without the value, and pods without the label",
      nodes: [node("n1"), node("n2"), node("n3")],
      placed: [existing("a-0", "n1", { app: "a" }), existing("b-0", "n2", { app: "b" }), existing("none", "n3", {})],
      pod: incoming(withTerms([], [term(sel({}, [{ key: "app", operator: "NotIn", values: ["a"] }]), HOST)])),
      want: { n1: null, n2: ANTI, n3: ANTI },
    },
    {
      name: "interpodaffinity: matchLabelKeys adds `key In (the pod's value)`: another revision's pods do not count",
      nodes: twoHosts,
      placed: [
        existing("web-old", "n1", { app: "web", "pod-template-hash": "v1" }),
        existing("web-new", "n2", { app: "web", "pod-template-hash": "v2" }),
      ],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), HOST, { matchLabelKeys: ["pod-template-hash"] })]), {
        app: "web",
        "pod-template-hash": "v2",
      }),
      want: { n1: null, n2: ANTI },
    },
    {
      name: "interpodaffinity: matchLabelKeys for a label the pod lacks is ignored",
      nodes: twoHosts,
      placed: [existing("web-old", "n1", { app: "web", "pod-template-hash": "v1" })],
      pod: incoming(withTerms([], [term(sel({ app: "web" }), HOST, { matchLabelKeys: ["pod-template-hash"] })]), {
        app: "web",
      }),
      want: { n1: ANTI, n2: null },
    },
    {
      name: "interpodaffinity: mismatchLabelKeys adds `key NotIn (the pod's value)`: other tenants' pods repel",
      nodes: [node("n1"), node("n2"), node("n3")],
      placed: [existing("b-0", "n1", { tenant: "b" }), existing("a-0", "n2", { tenant: "a" })],
      pod: incoming(
        withTerms(
          [],
          [term(sel({}, [{ key: "tenant", operator: "Exists", values: [] }]), HOST, { mismatchLabelKeys: ["tenant"] })],
        ),
        { tenant: "a" },
      ),
      want: { n1: ANTI, n2: null, n3: null },
    },
  ]);
});

describe("InterPodAffinity: existing pods' required anti-affinity (satisfyExistingPodsAntiAffinity)", () => {
  const antiWeb = (topologyKey: string, extra: Partial<PodAffinityTerm> = {}) =>
    withTerms([], [term(sel({ app: "web" }), topologyKey, extra, src(900, "existing.yaml"))]);
  cases([
    {
      name: "interpodaffinity: an existing pod's anti-affinity by hostname repels a matching pod without terms (symmetry)",
      nodes: twoHosts,
      placed: [existing("guard", "n1", { app: "guard" }, { spec: antiWeb(HOST) })],
      pod: incoming(podSpec()),
      want: { n1: EXISTING, n2: null },
    },
    {
      name: "interpodaffinity: an existing pod's anti-affinity by zone repels from its whole zone",
      nodes: [...zoned, node("n4")],
      placed: [existing("guard", "n1", { app: "guard" }, { spec: antiWeb(ZONE) })],
      pod: incoming(podSpec()),
      want: { n1: EXISTING, n2: EXISTING, n3: null, n4: null },
    },
    {
      name: "interpodaffinity: an existing pod on a node without the topologyKey label repels nothing",
      nodes: [node("n1"), node("n2", { [ZONE]: "a" })],
      placed: [existing("guard", "n1", { app: "guard" }, { spec: antiWeb(ZONE) })],
      pod: incoming(podSpec()),
      want: { n1: null, n2: null },
    },
    {
      name: "interpodaffinity: an existing pod's anti-affinity ignores pods it does not select",
      nodes: twoHosts,
      placed: [existing("guard", "n1", { app: "guard" }, { spec: antiWeb(HOST) })],
      pod: incoming(podSpec(), { app: "api" }),
      want: { n1: null, n2: null },
    },
    {
      name: "interpodaffinity: an existing pod's term namespaces default to the existing pod's namespace",
      nodes: twoHosts,
      placed: [existing("guard", "n1", { app: "guard" }, { ns: "other", spec: antiWeb(HOST) })],
      pod: incoming(podSpec()),
      want: { n1: null, n2: null },
    },
    {
      name: "interpodaffinity: an existing pod's namespaceSelector is matched against the incoming pod's namespace labels",
      nodes: [node("n1"), node("n2")],
      namespaces: [namespace("default", { team: "a" }), namespace("other")],
      placed: [
        existing(
          "guard",
          "n1",
          { app: "guard" },
          { ns: "other", spec: antiWeb(HOST, { namespaceSelector: sel({ team: "a" }) }) },
        ),
        existing(
          "guard2",
          "n2",
          { app: "guard" },
          { ns: "other", spec: antiWeb(HOST, { namespaceSelector: sel({ team: "b" }) }) },
        ),
      ],
      pod: incoming(podSpec()),
      want: { n1: EXISTING, n2: null },
    },
    {
      name: "interpodaffinity: an existing pod's matchLabelKeys take the existing pod's label values",
      nodes: twoHosts,
      placed: [
        existing(
          "guard-v1",
          "n1",
          { app: "web", "pod-template-hash": "v1" },
          { spec: antiWeb(HOST, { matchLabelKeys: ["pod-template-hash"] }) },
        ),
        existing(
          "guard-v2",
          "n2",
          { app: "web", "pod-template-hash": "v2" },
          { spec: antiWeb(HOST, { matchLabelKeys: ["pod-template-hash"] }) },
        ),
      ],
      pod: incoming(podSpec(), { app: "web", "pod-template-hash": "v2" }),
      want: { n1: null, n2: EXISTING },
    },
  ]);

  test("interpodaffinity: the rejection cites the existing pod's term and names the pod", () => {
    const state = cluster([node("n1")], [existing("guard", "n1", { app: "guard" }, { spec: antiWeb(HOST) })]);
    const pod = incoming(podSpec());
    const [r] = InterPodAffinity.filter(pod, state.nodes[0]!, state, InterPodAffinity.prepare!(pod, state));
    assert.equal(r?.message, EXISTING);
    assert.deepEqual(r?.source, src(900, "existing.yaml"));
    assert.match(r?.detail ?? "", /pod default\/guard on n1/);
    assert.match(r?.detail ?? "", /topologyKey kubernetes\.io\/hostname/);
  });
});

describe("InterPodAffinity: PreFilter and Filter mechanics", () => {
  test("interpodaffinity: PreFilter skips a pod without terms when no existing anti-affinity matches it", () => {
    const state = cluster(twoHosts, [existing("web-x", "n1", { app: "web" })]);
    assert.equal(InterPodAffinity.prepare!(incoming(podSpec()), state), undefined);
  });

  test("interpodaffinity: affinity is checked before anti-affinity, and only the first failure is reported", () => {
    const state = cluster(twoHosts, [existing("web-x", "n1", { app: "web" })]);
    const pod = incoming(
      withTerms([term(sel({ app: "db" }), HOST, {}, src(701))], [term(sel({ app: "web" }), HOST, {}, src(702))]),
    );
    const prepared = InterPodAffinity.prepare!(pod, state);
    const reasons = InterPodAffinity.filter(pod, state.nodes[0]!, state, prepared);
    assert.deepEqual(
      reasons.map((r) => [r.message, r.source]),
      [[AFFINITY, src(701)]],
    );
  });

  test("interpodaffinity: the anti-affinity rejection cites the incoming pod's term and names the matching pod", () => {
    const state = cluster(twoHosts, [existing("web-x", "n1", { app: "web" })]);
    const pod = incoming(withTerms([], [term(sel({ app: "web" }), HOST, {}, src(702))]));
    const [r] = InterPodAffinity.filter(pod, state.nodes[0]!, state, InterPodAffinity.prepare!(pod, state));
    assert.deepEqual(r?.source, src(702));
    assert.match(r?.detail ?? "", /pod default\/web-x on n1 matches .*labelSelector app=web/);
  });

  test("interpodaffinity: feasibility mode ignores the workload's own pods (excludeOwner), the simulation counts them", () => {
    const owner = "Deployment/default/web";
    const spec = withTerms([], [term(sel({ app: "web" }), HOST)]);
    const replicas = [placed("web-0", "n1", spec, { owner, labels: { app: "web" } })];
    const pod = incoming(spec);
    assert.deepEqual(verdicts(pod, cluster(twoHosts, replicas, { excludeOwner: owner })), { n1: null, n2: null });
    assert.deepEqual(verdicts(pod, cluster(twoHosts, replicas)), { n1: ANTI, n2: null });
  });

  test("interpodaffinity: a pod bound after PreFilter counts for the next pod (the simulation's earlier replicas)", () => {
    const spec = withTerms([], [term(sel({ app: "web" }), HOST)]);
    const state = cluster(twoHosts, [existing("db-0", "n2", { app: "db" })]);
    const pod = incoming(spec);
    assert.deepEqual(verdicts(pod, state), { n1: null, n2: null });
    state.bind(
      state.nodeByName.get("n1")!,
      placed("web-0", "n1", spec, { owner: "Deployment/default/web", labels: { app: "web" } }),
    );
    assert.deepEqual(verdicts(pod, state), { n1: ANTI, n2: null });
  });

  test("interpodaffinity: InterPodAffinity runs last among the default filters, after PodTopologySpread", () => {
    assert.deepEqual(DEFAULT_FILTERS.map((f) => f.name).slice(-3), [
      "NodeResourcesFit",
      "PodTopologySpread",
      "InterPodAffinity",
    ]);
  });
});

describe("terminating pods (kubernetes/kubernetes#111793, #112098 not merged: InterPodAffinity counts pods still on the node)", () => {
  test("filtering.go PreFilter: a terminating pod's labels still repel a required anti-affinity (unlike PodTopologySpread's countPodsMatchSelector)", () => {
    const dying: PlacedPod = { ...existing("web-old", "n1", { app: "web" }), terminating: true };
    const state = cluster([node("n1", { [HOST]: "n1" }), node("n2", { [HOST]: "n2" })], [dying]);
    assert.deepEqual(verdicts(incoming(withTerms([], [term(sel({ app: "web" }), HOST)])), state), {
      n1: ANTI,
      n2: null,
    });
  });
});
