/**
 * The pods a workload creates, as its controller creates them: the DaemonSet controller's
 * tolerations and one pod per node (pkg/controller/daemon), StatefulSet ordinals
 * (pkg/controller/statefulset), replicas counted with the live observed pods.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NodeUnschedulable } from "../../../src/analysis/placement/plugins/nodeunschedulable/filter.js";
import { TaintToleration } from "../../../src/analysis/placement/plugins/tainttoleration/filter.js";
import {
  daemonPodSpec,
  daemonSetTargets,
  daemonSetTolerations,
  observedPodsByOwner,
  podsOfWorkload,
} from "../../../src/analysis/placement/pods-to-place.js";
import { nonZeroRequests, podRequests } from "../../../src/analysis/placement/requests.js";
import type { Pod, PodSpec, Toleration } from "../../../src/model/kubernetes.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import {
  DEFAULT_ALLOCATABLE,
  cluster,
  container,
  node,
  pod,
  podSpec,
  ref,
  requirement,
  src,
  taint,
  term,
  toleration,
  workload,
} from "./support.js";

/** key:effect:operator of each toleration, for comparing lists. */
const brief = (ts: readonly Toleration[]) => ts.map((t) => `${t.key}:${t.effect}:${t.operator}`);

const CONTROLLER_TOLERATIONS = [
  "node.kubernetes.io/not-ready:NoExecute:Exists",
  "node.kubernetes.io/unreachable:NoExecute:Exists",
  "node.kubernetes.io/disk-pressure:NoSchedule:Exists",
  "node.kubernetes.io/memory-pressure:NoSchedule:Exists",
  "node.kubernetes.io/pid-pressure:NoSchedule:Exists",
  "node.kubernetes.io/unschedulable:NoSchedule:Exists",
];

describe("daemonSetTolerations (controller/daemon/util/daemonset_util.go AddOrUpdateDaemonPodTolerations)", () => {
  test("daemonset_util.go AddOrUpdateDaemonPodTolerations: not-ready and unreachable NoExecute; disk-, memory-, pid-pressure and unschedulable NoSchedule", () => {
    assert.deepEqual(brief(daemonSetTolerations(podSpec())), CONTROLLER_TOLERATIONS);
  });

  test("daemonset_util.go AddOrUpdateDaemonPodTolerations: the added tolerations are Exists with an empty value and no tolerationSeconds", () => {
    for (const t of daemonSetTolerations(podSpec())) {
      assert.equal(t.operator, "Exists");
      assert.equal(t.value, "");
      assert.equal(t.tolerationSeconds, undefined);
    }
  });

  test("daemonset_util.go AddOrUpdateDaemonPodTolerations: network-unavailable NoSchedule only for a hostNetwork pod", () => {
    assert.ok(
      !brief(daemonSetTolerations(podSpec())).some((t) => t.startsWith("node.kubernetes.io/network-unavailable")),
    );
    assert.deepEqual(brief(daemonSetTolerations(podSpec({ hostNetwork: true }))), [
      ...CONTROLLER_TOLERATIONS,
      "node.kubernetes.io/network-unavailable:NoSchedule:Exists",
    ]);
  });

  test("daemonset_util.go AddOrUpdateDaemonPodTolerations: the pod's own tolerations are kept", () => {
    const own = toleration({ key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" });
    const all = daemonSetTolerations(podSpec({ tolerations: [own] }));
    assert.deepEqual(all[0], own);
    assert.deepEqual(brief(all.slice(1)), CONTROLLER_TOLERATIONS);
  });

  test("v1helper AddOrUpdateTolerationInPodSpec: a toleration the pod already has is not added twice", () => {
    const own = toleration({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" });
    const all = brief(daemonSetTolerations(podSpec({ tolerations: [own] })));
    assert.equal(all.filter((t) => t === "node.kubernetes.io/unschedulable:NoSchedule:Exists").length, 1);
    assert.equal(all.length, CONTROLLER_TOLERATIONS.length);
  });
});

describe("daemonSetTargets (pkg/controller/daemon/daemon_controller.go NodeShouldRunDaemonPod and predicates)", () => {
  const CONTROL_PLANE = taint("node-role.kubernetes.io/control-plane", "", "NoSchedule", src(19, "nodes.yaml"));
  const targets = (spec: PodSpec, nodes: readonly ReturnType<typeof node>[]) =>
    daemonSetTargets(daemonPodSpec(spec), nodes);

  test("predicates: an untolerated NoSchedule taint means not targeted (shouldRun false, shouldContinueRunning true)", () => {
    const r = targets(podSpec(), [node("cp", {}, [CONTROL_PLANE]), node("w")]);
    assert.deepEqual(
      r.targeted.map((n) => n.name),
      ["w"],
    );
    assert.deepEqual(r.notTargeted, [
      {
        node: "cp",
        rule: "taint",
        reason: "untolerated taint node-role.kubernetes.io/control-plane:NoSchedule",
        source: src(19, "nodes.yaml"),
        continueRunning: true,
      },
    ]);
  });

  test("NodeShouldRunDaemonPod: an untolerated NoExecute taint also stops a running daemon pod (shouldContinueRunning false)", () => {
    const r = targets(podSpec(), [node("gpu", {}, [taint("dedicated", "gpu", "NoExecute")])]);
    assert.deepEqual(
      r.notTargeted.map((t) => [t.reason, t.continueRunning]),
      [["untolerated taint dedicated=gpu:NoExecute", false]],
    );
  });

  test("predicates: PreferNoSchedule taints do not matter; a tolerated taint is targeted", () => {
    const own = toleration({ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" });
    const r = targets(podSpec({ tolerations: [own] }), [
      node("cp", {}, [CONTROL_PLANE]),
      node("soft", {}, [taint("x", "", "PreferNoSchedule")]),
    ]);
    assert.deepEqual(
      r.targeted.map((n) => n.name),
      ["cp", "soft"],
    );
    assert.deepEqual(r.notTargeted, []);
  });

  test("NewPod + AddOrUpdateDaemonPodTolerations: the controller's own tolerations count (a not-ready, cordoned, disk-pressure node is targeted)", () => {
    const sick = node("a", {}, [
      taint("node.kubernetes.io/not-ready", "", "NoExecute"),
      taint("node.kubernetes.io/unschedulable", "", "NoSchedule"),
      taint("node.kubernetes.io/disk-pressure", "", "NoSchedule"),
    ]);
    assert.deepEqual(
      targets(podSpec(), [sick]).targeted.map((n) => n.name),
      ["a"],
    );
  });

  test("predicates: the nodeSelector and the required node affinity decide (nodeaffinity.GetRequiredNodeAffinity)", () => {
    const bySelector = targets(podSpec({ nodeSelector: { pool: "infra" }, nodeSelectorSource: src(7) }), [
      node("a", { pool: "infra" }),
      node("b"),
    ]);
    assert.deepEqual(
      bySelector.targeted.map((n) => n.name),
      ["a"],
    );
    assert.deepEqual(
      bySelector.notTargeted.map((t) => [t.node, t.rule, t.reason, t.source, t.continueRunning]),
      [["b", "nodeAffinity", "nodeSelector needs pool=infra", src(7), false]],
    );
    const byAffinity = targets(
      podSpec({
        affinity: {
          nodeAffinity: { required: [term([requirement("zone", "In", ["a"])])], preferred: [] },
          podAffinity: undefined,
          podAntiAffinity: undefined,
        },
      }),
      [node("a", { zone: "a" }), node("b", { zone: "b" })],
    );
    assert.deepEqual(
      byAffinity.targeted.map((n) => n.name),
      ["a"],
    );
    assert.equal(byAffinity.notTargeted[0]!.rule, "nodeAffinity");
  });

  test("NodeShouldRunDaemonPod: a template nodeName targets that node only", () => {
    const r = targets(podSpec({ nodeName: "b" }), [node("a"), node("b")]);
    assert.deepEqual(
      r.targeted.map((n) => n.name),
      ["b"],
    );
    assert.deepEqual(
      r.notTargeted.map((t) => [t.node, t.rule]),
      [["a", "nodeName"]],
    );
  });

  test("daemon controller: no pod is made for a node it does not target; a pod observed there is kept", () => {
    const nodes = [node("cp", {}, [CONTROL_PLANE]), node("w1"), node("w2")];
    const w = workload("DaemonSet", "agent", podSpec());
    assert.deepEqual(
      podsOfWorkload(w, nodes, []).map((p) => p.daemonNode),
      ["w1", "w2"],
    );
    const stale = pod("agent-old", podSpec(), { nodeName: "cp" });
    assert.deepEqual(
      podsOfWorkload(w, nodes, [stale]).map((p) => [p.daemonNode, p.observed?.name]),
      [
        ["cp", "agent-old"],
        ["w1", undefined],
        ["w2", undefined],
      ],
    );
  });
});

describe("podsOfWorkload", () => {
  const nodes = [node("a"), node("b"), node("c")];
  const spec = podSpec({ containers: [container("app", { cpu: 250, memory: 64 * 2 ** 20 })] });

  test("daemon controller: a DaemonSet has one pod per node, each made for its node (daemonNode)", () => {
    const pods = podsOfWorkload(workload("DaemonSet", "agent", spec), nodes, []);
    assert.deepEqual(
      pods.map((p) => [p.name, p.daemonNode, p.observed]),
      [
        ["agent-a", "a", undefined],
        ["agent-b", "b", undefined],
        ["agent-c", "c", undefined],
      ],
    );
    for (const p of pods) assert.equal(p.owner, "DaemonSet/default/agent");
  });

  test("daemon controller: a DaemonSet's pods carry the controller's tolerations", () => {
    for (const p of podsOfWorkload(workload("DaemonSet", "agent", spec), nodes, []))
      assert.deepEqual(brief(p.spec.tolerations), CONTROLLER_TOLERATIONS);
  });

  test("daemon controller: a hostNetwork DaemonSet's pods tolerate network-unavailable", () => {
    const [first] = podsOfWorkload(workload("DaemonSet", "cni", podSpec({ hostNetwork: true })), nodes, []);
    assert.ok(brief(first!.spec.tolerations).includes("node.kubernetes.io/network-unavailable:NoSchedule:Exists"));
  });

  test("node_unschedulable.go + daemon tolerations: a DaemonSet's pod fits a cordoned node and a not-ready node", () => {
    const sick = node(
      "a",
      {},
      [
        taint("node.kubernetes.io/not-ready", "", "NoExecute"),
        taint("node.kubernetes.io/disk-pressure", "", "NoSchedule"),
      ],
      DEFAULT_ALLOCATABLE,
      { unschedulable: true },
    );
    const state = cluster([sick]);
    const [daemon] = podsOfWorkload(workload("DaemonSet", "agent", spec), [sick], []);
    const info = state.nodeByName.get("a")!;
    assert.deepEqual(NodeUnschedulable.filter(daemon!, info, state, undefined), []);
    assert.deepEqual(TaintToleration.filter(daemon!, info, state, undefined), []);
  });

  test("daemon controller: the pod observed on a node stands for that node's pod", () => {
    const here = pod("agent-x7k2p", spec, { nodeName: "b", labels: { app: "agent", "pod-template-hash": "1" } });
    const pods = podsOfWorkload(workload("DaemonSet", "agent", spec), nodes, [here]);
    assert.deepEqual(
      pods.map((p) => p.name),
      ["agent-a", "agent-x7k2p", "agent-c"],
    );
    assert.equal(pods[1]!.observed, here);
    assert.deepEqual(pods[1]!.labels, here.labels);
  });

  test("replica controllers: the observed pods are kept and count against replicas", () => {
    const live = pod("web-5d8f7-abcde", spec, { nodeName: "a" });
    const pods = podsOfWorkload(workload("Deployment", "web", spec, { replicas: 3 }), nodes, [live]);
    assert.equal(pods.length, 3);
    assert.equal(pods[0]!.observed, live);
    assert.equal(pods[0]!.name, "web-5d8f7-abcde");
    assert.deepEqual(
      pods.slice(1).map((p) => p.observed),
      [undefined, undefined],
    );
  });

  test("replica controllers: more observed pods than replicas are all kept (none are invented)", () => {
    const observed = [pod("web-1", spec, { nodeName: "a" }), pod("web-2", spec, { nodeName: "b" })];
    const pods = podsOfWorkload(workload("Deployment", "web", spec, { replicas: 1 }), nodes, observed);
    assert.deepEqual(
      pods.map((p) => p.name),
      ["web-1", "web-2"],
    );
  });

  test("replica controllers: replicas 0 makes no pod", () => {
    assert.deepEqual(podsOfWorkload(workload("Deployment", "web", spec, { replicas: 0 }), nodes, []), []);
  });

  test("statefulset controller: pods are named NAME-0 … NAME-(replicas-1)", () => {
    const pods = podsOfWorkload(workload("StatefulSet", "db", spec, { replicas: 3 }), nodes, []);
    assert.deepEqual(
      pods.map((p) => p.name),
      ["db-0", "db-1", "db-2"],
    );
  });

  test("statefulset controller: an observed ordinal is kept and not made again", () => {
    const observed = pod("db-1", spec, { nodeName: "b" });
    const pods = podsOfWorkload(workload("StatefulSet", "db", spec, { replicas: 3 }), nodes, [observed]);
    assert.deepEqual(pods.map((p) => p.name).sort(), ["db-0", "db-1", "db-2"]);
    assert.equal(pods.find((p) => p.name === "db-1")!.observed, observed);
  });

  test("controller_utils FilterActivePods: Succeeded and Failed pods do not count against replicas", () => {
    const observed: Pod[] = [
      pod("web-a", spec, { nodeName: "a", phase: "Failed" }),
      pod("web-b", spec, { nodeName: "b", phase: "Succeeded" }),
      pod("web-c", spec, { nodeName: "c", phase: "Running" }),
    ];
    const pods = podsOfWorkload(workload("ReplicaSet", "web", spec, { replicas: 2 }), nodes, observed);
    assert.equal(pods.length, 2);
    assert.deepEqual(
      pods.map((p) => p.observed?.name),
      ["web-c", undefined],
    );
  });

  test("a pending observed pod (no node yet) is kept as one of the replicas", () => {
    const pending = pod("web-p", spec, { phase: "Pending" });
    const pods = podsOfWorkload(workload("Deployment", "web", spec, { replicas: 2 }), nodes, [pending]);
    assert.equal(pods.length, 2);
    assert.equal(pods[0]!.observed, pending);
  });

  test("a bare Pod is one pod named after itself", () => {
    const bare = workload("Pod", "debug", spec, { replicas: 1 });
    const pods = podsOfWorkload(bare, nodes, []);
    assert.deepEqual(
      pods.map((p) => [p.name, p.owner, p.observed, p.daemonNode]),
      [["debug", "Pod/default/debug", undefined, undefined]],
    );
  });

  test("a bare Pod observed in the snapshot is placed with its own spec", () => {
    const ownSpec: PodSpec = podSpec({ nodeName: "c", containers: [container("x", { cpu: 900 })] });
    const observed = pod("debug", ownSpec, { nodeName: "c" });
    const [only] = podsOfWorkload(workload("Pod", "debug", spec), nodes, [observed]);
    assert.equal(only!.observed, observed);
    assert.equal(only!.spec, ownSpec);
    assert.deepEqual(only!.requests, { cpu: 900 });
  });

  test("component-helpers PodRequests: each pod carries the effective and non-zero requests of its spec", () => {
    const s = podSpec({
      containers: [container("app", { cpu: 100 })],
      initContainers: [container("init", { cpu: 700, memory: 2 ** 20 })],
    });
    const [p] = podsOfWorkload(workload("Deployment", "web", s), nodes, []);
    assert.deepEqual(p!.requests, podRequests(s));
    assert.deepEqual(p!.requests, { cpu: 700, memory: 2 ** 20 });
    assert.deepEqual(p!.nonZeroRequests, nonZeroRequests(s));
  });
});

describe("observedPodsByOwner", () => {
  test("pods are grouped by their owner's Kind/namespace/name; a pod without owner is its own", () => {
    const pods = [
      pod("web-1", podSpec(), { owner: ref("Deployment", "web") }),
      pod("lonely", podSpec()),
      pod("web-2", podSpec(), { owner: ref("Deployment", "web") }),
      pod("db-0", podSpec(), { owner: ref("StatefulSet", "db", "data") }, "data"),
    ];
    const snapshot = { kubernetes: { pods } } as unknown as Snapshot;
    const grouped = observedPodsByOwner(snapshot);
    assert.deepEqual(
      [...grouped].map(([key, list]) => [key, list.map((p) => p.name)]),
      [
        ["Deployment/default/web", ["web-1", "web-2"]],
        ["Pod/default/lonely", ["lonely"]],
        ["StatefulSet/data/db", ["db-0"]],
      ],
    );
  });
});
