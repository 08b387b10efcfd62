/**
 * The basic Filter plugins against kube-scheduler's own rules, one table per plugin. Every case
 * is named after the upstream code it follows; cases podpath does not yet follow are `todo`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePod, fitErrorMessage } from "../../../../src/analysis/placement/feasibility.js";
import { DEFAULT_FILTERS } from "../../../../src/analysis/placement/plugins/index.js";
import { ERR_REASON_POD as NODE_AFFINITY_REASON } from "../../../../src/analysis/placement/plugins/nodeaffinity/common.js";
import { NodeAffinity } from "../../../../src/analysis/placement/plugins/nodeaffinity/filter.js";
import { ERR_REASON as NODE_NAME_REASON, NodeName } from "../../../../src/analysis/placement/plugins/nodename/filter.js";
import { ERR_REASON as NODE_PORTS_REASON, NodePorts } from "../../../../src/analysis/placement/plugins/nodeports/filter.js";
import { ERR_REASON_TOO_MANY_PODS } from "../../../../src/analysis/placement/plugins/noderesources/common.js";
import { NodeResourcesFit } from "../../../../src/analysis/placement/plugins/noderesources/filter.js";
import { ERR_REASON_UNSCHEDULABLE, NodeUnschedulable } from "../../../../src/analysis/placement/plugins/nodeunschedulable/filter.js";
import { tolerates } from "../../../../src/analysis/placement/plugins/tainttoleration/common.js";
import { TaintToleration } from "../../../../src/analysis/placement/plugins/tainttoleration/filter.js";
import type { FilterPlugin, PlacedPod, PodToPlace } from "../../../../src/analysis/placement/types.js";
import type { Container, ContainerPort, Node, PodSpec, ResourceList, Taint, Toleration } from "../../../../src/model/kubernetes.js";
import type { SourceRef } from "../../../../src/model/source.js";
import { DEFAULT_ALLOCATABLE, Gi, Mi, cluster, container, node, placed, podSpec, podToPlace, requirement, src, taint, term, toleration, workload } from "../support.js";

// ---------------------------------------------------------------------------------------------
// harness

interface FilterCase {
  readonly name: string;
  readonly pod: PodToPlace;
  /** the node judged */
  readonly node: Node;
  /** other nodes of the cluster */
  readonly others?: readonly Node[];
  readonly placed?: readonly PlacedPod[];
  readonly excludeOwner?: string;
  /** the messages of the rejections, in order; [] for "fits" */
  readonly want: readonly string[];
  /** the source of the first rejection */
  readonly source?: SourceRef;
  readonly todo?: string;
}

function filterCases(plugin: FilterPlugin<unknown>, cases: readonly FilterCase[]): void {
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const state = cluster([c.node, ...(c.others ?? [])], c.placed ?? [], c.excludeOwner === undefined ? {} : { excludeOwner: c.excludeOwner });
      const info = state.nodeByName.get(c.node.name)!;
      const prepared = plugin.prepare?.(c.pod, state);
      const reasons = plugin.filter(c.pod, info, state, prepared);
      assert.deepEqual(
        reasons.map((r) => r.message),
        c.want,
      );
      for (const r of reasons) assert.equal(r.plugin, plugin.name);
      if (c.source) assert.deepEqual(reasons[0]?.source, c.source);
    });
  }
}

const spec = podSpec;
const withTolerations = (...tolerations: Toleration[]): PodToPlace => podToPlace(spec({ tolerations }));
const cordoned = (name: string, taints: readonly Taint[] = []): Node => node(name, {}, taints, DEFAULT_ALLOCATABLE, { unschedulable: true });

const port = (hostPort: number, protocol: ContainerPort["protocol"] = "TCP", hostIP?: string): ContainerPort => ({ name: undefined, containerPort: hostPort, hostPort, hostIP, protocol });
const withPorts = (...ports: ContainerPort[]): PodSpec => spec({ containers: [container("app", {}, { ports })] });
const withInitPorts = (restartPolicy: string | undefined, ...ports: ContainerPort[]): PodSpec =>
  spec({ initContainers: [container("init", {}, { ports, restartPolicy })] });
const requesting = (requests: ResourceList, extra: Partial<Container> = {}): PodSpec => spec({ containers: [container("app", requests, extra)] });

// ---------------------------------------------------------------------------------------------
// TaintToleration

describe("tolerates (k8s.io/api core/v1 toleration.go ToleratesTaint)", () => {
  const cases: readonly { name: string; toleration: Toleration; taint: Taint; want: boolean }[] = [
    {
      name: "api core/v1 ToleratesTaint: Equal with the same key, value and effect tolerates",
      toleration: toleration({ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }),
      taint: taint("dedicated", "gpu", "NoSchedule"),
      want: true,
    },
    {
      name: "api core/v1 ToleratesTaint: Equal with another value does not tolerate",
      toleration: toleration({ key: "dedicated", operator: "Equal", value: "cpu", effect: "NoSchedule" }),
      taint: taint("dedicated", "gpu", "NoSchedule"),
      want: false,
    },
    {
      name: "api core/v1 ToleratesTaint: Equal with an empty value does not tolerate a taint with a value",
      toleration: toleration({ key: "dedicated", operator: "Equal", value: "", effect: "NoSchedule" }),
      taint: taint("dedicated", "gpu", "NoSchedule"),
      want: false,
    },
    {
      name: "api core/v1 ToleratesTaint: Equal with an empty value tolerates a taint without one",
      toleration: toleration({ key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" }),
      taint: taint("node-role.kubernetes.io/control-plane", "", "NoSchedule"),
      want: true,
    },
    {
      name: "api core/v1 ToleratesTaint: Exists ignores the value",
      toleration: toleration({ key: "dedicated", operator: "Exists", effect: "NoSchedule" }),
      taint: taint("dedicated", "anything", "NoSchedule"),
      want: true,
    },
    {
      name: "api core/v1 ToleratesTaint: Exists with another key does not tolerate",
      toleration: toleration({ key: "dedicated", operator: "Exists", effect: "NoSchedule" }),
      taint: taint("team", "a", "NoSchedule"),
      want: false,
    },
    {
      name: "api core/v1 ToleratesTaint: an empty key with Exists tolerates every key",
      toleration: toleration({ key: "", operator: "Exists", effect: "NoSchedule" }),
      taint: taint("whatever.example.com/x", "y", "NoSchedule"),
      want: true,
    },
    {
      name: "api core/v1 ToleratesTaint: an empty key with Exists still checks the effect",
      toleration: toleration({ key: "", operator: "Exists", effect: "NoSchedule" }),
      taint: taint("whatever.example.com/x", "y", "NoExecute"),
      want: false,
    },
    {
      name: "api core/v1 ToleratesTaint: an empty effect tolerates NoSchedule",
      toleration: toleration({ key: "dedicated", operator: "Equal", value: "gpu", effect: "" }),
      taint: taint("dedicated", "gpu", "NoSchedule"),
      want: true,
    },
    {
      name: "api core/v1 ToleratesTaint: an empty effect tolerates NoExecute",
      toleration: toleration({ key: "dedicated", operator: "Equal", value: "gpu", effect: "" }),
      taint: taint("dedicated", "gpu", "NoExecute"),
      want: true,
    },
    {
      name: "api core/v1 ToleratesTaint: an empty effect tolerates PreferNoSchedule",
      toleration: toleration({ key: "dedicated", operator: "Exists", effect: "" }),
      taint: taint("dedicated", "gpu", "PreferNoSchedule"),
      want: true,
    },
    {
      name: "api core/v1 ToleratesTaint: a NoSchedule toleration does not tolerate a NoExecute taint",
      toleration: toleration({ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }),
      taint: taint("dedicated", "gpu", "NoExecute"),
      want: false,
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(tolerates(c.toleration, c.taint), c.want));
});

describe("TaintToleration (kube-scheduler plugins/tainttoleration/taint_toleration.go Filter)", () => {
  const gpu = taint("dedicated", "gpu", "NoSchedule", src(201));
  const controlPlane = taint("node-role.kubernetes.io/control-plane", "", "NoSchedule", src(202));
  const evict = taint("maintenance", "now", "NoExecute", src(203));
  const prefer = taint("spot", "true", "PreferNoSchedule", src(204));
  filterCases(TaintToleration, [
    { name: "taint_toleration.go Filter: a node without taints fits", pod: podToPlace(), node: node("n"), want: [] },
    {
      name: "taint_toleration.go Filter: an untolerated NoSchedule taint rejects, message node(s) had untolerated taint {key: value}",
      pod: podToPlace(),
      node: node("n", {}, [gpu]),
      want: ["node(s) had untolerated taint {dedicated: gpu}"],
      source: src(201),
    },
    {
      name: "taint_toleration.go Filter: a taint without value prints as {key: } (the kubeadm control-plane taint)",
      pod: podToPlace(),
      node: node("n", {}, [controlPlane]),
      want: ["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"],
      source: src(202),
    },
    {
      name: "helper DoNotScheduleTaintsFilterFunc: an untolerated NoExecute taint is filtered too",
      pod: podToPlace(),
      node: node("n", {}, [evict]),
      want: ["node(s) had untolerated taint {maintenance: now}"],
      source: src(203),
    },
    {
      name: "helper DoNotScheduleTaintsFilterFunc: an untolerated PreferNoSchedule taint is not filtered (it only scores)",
      pod: podToPlace(),
      node: node("n", {}, [prefer]),
      want: [],
    },
    {
      name: "component-helpers FindMatchingUntoleratedTaint: the first untolerated taint is the one reported",
      pod: withTolerations(toleration({ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" })),
      node: node("n", {}, [gpu, evict, controlPlane]),
      want: ["node(s) had untolerated taint {maintenance: now}"],
      source: src(203),
    },
    {
      name: "component-helpers FindMatchingUntoleratedTaint: a PreferNoSchedule taint listed first is skipped for the next filtered one",
      pod: podToPlace(),
      node: node("n", {}, [prefer, controlPlane, gpu]),
      want: ["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"],
      source: src(202),
    },
    {
      name: "taint_toleration.go Filter: one status per node, however many taints are untolerated",
      pod: podToPlace(),
      node: node("n", {}, [gpu, controlPlane, evict]),
      want: ["node(s) had untolerated taint {dedicated: gpu}"],
    },
    {
      name: "api core/v1 ToleratesTaint: Equal with the taint's value tolerates it, the node fits",
      pod: withTolerations(toleration({ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" })),
      node: node("n", {}, [gpu]),
      want: [],
    },
    {
      name: "api core/v1 ToleratesTaint: Equal with another value leaves the taint untolerated",
      pod: withTolerations(toleration({ key: "dedicated", operator: "Equal", value: "cpu", effect: "NoSchedule" })),
      node: node("n", {}, [gpu]),
      want: ["node(s) had untolerated taint {dedicated: gpu}"],
    },
    {
      name: "api core/v1 ToleratesTaint: Exists on the key tolerates any value",
      pod: withTolerations(toleration({ key: "dedicated", operator: "Exists", effect: "NoSchedule" })),
      node: node("n", {}, [gpu]),
      want: [],
    },
    {
      name: "api core/v1 ToleratesTaint: an empty key with Exists and no effect tolerates every taint",
      pod: withTolerations(toleration({ key: "", operator: "Exists", effect: "" })),
      node: node("n", {}, [gpu, controlPlane, evict, prefer]),
      want: [],
    },
    {
      name: "api core/v1 ToleratesTaint: an empty effect tolerates the key's NoExecute taint",
      pod: withTolerations(toleration({ key: "maintenance", operator: "Exists", effect: "" })),
      node: node("n", {}, [evict]),
      want: [],
    },
    {
      name: "api core/v1 ToleratesTaint: a NoSchedule toleration leaves the same key's NoExecute taint untolerated",
      pod: withTolerations(toleration({ key: "maintenance", operator: "Exists", effect: "NoSchedule" })),
      node: node("n", {}, [evict]),
      want: ["node(s) had untolerated taint {maintenance: now}"],
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
// NodeUnschedulable

describe("NodeUnschedulable (kube-scheduler plugins/nodeunschedulable/node_unschedulable.go Filter)", () => {
  const n = cordoned("n");
  filterCases(NodeUnschedulable, [
    { name: "node_unschedulable.go Filter: a schedulable node fits", pod: podToPlace(), node: node("n"), want: [] },
    {
      name: "node_unschedulable.go Filter: a cordoned node rejects, ErrReasonUnschedulable, source the node",
      pod: podToPlace(),
      node: n,
      want: [ERR_REASON_UNSCHEDULABLE],
      source: n.meta.source,
    },
    {
      name: "node_unschedulable.go Filter: tolerating node.kubernetes.io/unschedulable:NoSchedule (Exists) tolerates spec.unschedulable",
      pod: withTolerations(toleration({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" })),
      node: cordoned("n"),
      want: [],
    },
    {
      name: "node_unschedulable.go Filter: Equal with an empty value tolerates the value-less unschedulable taint",
      pod: withTolerations(toleration({ key: "node.kubernetes.io/unschedulable", operator: "Equal", value: "", effect: "NoSchedule" })),
      node: cordoned("n"),
      want: [],
    },
    {
      name: "node_unschedulable.go Filter: an Exists toleration with empty key and effect tolerates a cordoned node",
      pod: withTolerations(toleration({ key: "", operator: "Exists", effect: "" })),
      node: cordoned("n"),
      want: [],
    },
    {
      name: "node_unschedulable.go Filter: the unschedulable key with effect NoExecute does not tolerate (the taint is NoSchedule)",
      pod: withTolerations(toleration({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" })),
      node: cordoned("n"),
      want: [ERR_REASON_UNSCHEDULABLE],
    },
    {
      name: "node_unschedulable.go Filter: a toleration of another key does not tolerate a cordoned node",
      pod: withTolerations(toleration({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" })),
      node: cordoned("n"),
      want: [ERR_REASON_UNSCHEDULABLE],
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
// NodeName

describe("NodeName (kube-scheduler plugins/nodename/node_name.go Filter)", () => {
  filterCases(NodeName, [
    { name: "node_name.go Fits: a pod without spec.nodeName fits every node", pod: podToPlace(), node: node("a"), want: [] },
    { name: "node_name.go Fits: spec.nodeName equal to the node's name fits", pod: podToPlace(spec({ nodeName: "a" })), node: node("a"), want: [] },
    {
      name: "node_name.go Filter: another node's name rejects, ErrReason node(s) didn't match the requested node name",
      pod: podToPlace(spec({ nodeName: "b" })),
      node: node("a"),
      others: [node("b")],
      want: [NODE_NAME_REASON],
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
// NodeAffinity

describe("NodeAffinity (kube-scheduler plugins/nodeaffinity/node_affinity.go Filter)", () => {
  const MESSAGE = NODE_AFFINITY_REASON;
  const selectorSource = src(11);
  const withSelector = (nodeSelector: Record<string, string>, extra: Partial<PodSpec> = {}) => podToPlace(spec({ nodeSelector, nodeSelectorSource: selectorSource, ...extra }));
  const required = (...terms: ReturnType<typeof term>[]): Partial<PodSpec> => ({
    affinity: { nodeAffinity: { required: terms, preferred: [] }, podAffinity: undefined, podAntiAffinity: undefined },
  });
  const withTerms = (...terms: ReturnType<typeof term>[]) => podToPlace(spec(required(...terms)));
  const expr = (...reqs: ReturnType<typeof requirement>[]) => withTerms(term(reqs, [], src(401)));
  const labelled = node("n", { zone: "a", disk: "ssd", cores: "8", size: "large" });

  filterCases(NodeAffinity, [
    { name: "node_affinity.go Filter: no nodeSelector and no affinity match every node", pod: podToPlace(), node: labelled, want: [] },
    { name: "nodeaffinity GetRequiredNodeAffinity: a nodeSelector matches when every pair is on the node", pod: withSelector({ zone: "a", disk: "ssd" }), node: labelled, want: [] },
    {
      name: "nodeaffinity GetRequiredNodeAffinity: a nodeSelector pair missing from the node rejects, source the nodeSelector",
      pod: withSelector({ zone: "a", gpu: "true" }),
      node: labelled,
      want: [MESSAGE],
      source: selectorSource,
    },
    { name: "nodeaffinity GetRequiredNodeAffinity: a nodeSelector pair with another value rejects", pod: withSelector({ zone: "b" }), node: labelled, want: [MESSAGE], source: selectorSource },
    { name: "nodeaffinity LazyErrorNodeSelector: required terms are ORed (the second term matches)", pod: withTerms(term([requirement("zone", "In", ["b"])]), term([requirement("zone", "In", ["a"])])), node: labelled, want: [] },
    {
      name: "nodeaffinity nodeSelectorTerm: the expressions of a term are ANDed (one fails), source the first term",
      pod: withTerms(term([requirement("zone", "In", ["a"]), requirement("disk", "In", ["hdd"])], [], src(410)), term([requirement("zone", "In", ["c"])], [], src(420))),
      node: labelled,
      want: [MESSAGE],
      source: src(410),
    },
    { name: "labels Requirement In: the label's value among the values matches", pod: expr(requirement("zone", "In", ["c", "a"])), node: labelled, want: [] },
    { name: "labels Requirement In: a value not listed does not match", pod: expr(requirement("zone", "In", ["b", "c"])), node: labelled, want: [MESSAGE], source: src(401) },
    { name: "labels Requirement In: a node without the label does not match", pod: expr(requirement("gpu", "In", ["true"])), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement NotIn: a value not listed matches", pod: expr(requirement("zone", "NotIn", ["b"])), node: labelled, want: [] },
    { name: "labels Requirement NotIn: a listed value does not match", pod: expr(requirement("zone", "NotIn", ["a", "b"])), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement NotIn: a node without the label matches", pod: expr(requirement("gpu", "NotIn", ["true"])), node: labelled, want: [] },
    { name: "labels Requirement Exists: a node with the label matches", pod: expr(requirement("disk", "Exists")), node: labelled, want: [] },
    { name: "labels Requirement Exists: a node without the label does not match", pod: expr(requirement("gpu", "Exists")), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement DoesNotExist: a node without the label matches", pod: expr(requirement("gpu", "DoesNotExist")), node: labelled, want: [] },
    { name: "labels Requirement DoesNotExist: a node with the label does not match", pod: expr(requirement("disk", "DoesNotExist")), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement Gt: an integer label greater than the value matches", pod: expr(requirement("cores", "Gt", ["4"])), node: labelled, want: [] },
    { name: "labels Requirement Gt: an equal integer does not match (strictly greater)", pod: expr(requirement("cores", "Gt", ["8"])), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement Lt: an integer label less than the value matches", pod: expr(requirement("cores", "Lt", ["16"])), node: labelled, want: [] },
    { name: "labels Requirement Lt: a greater integer does not match", pod: expr(requirement("cores", "Lt", ["4"])), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement Gt: a non-integer label does not match (ParseInt fails)", pod: expr(requirement("size", "Gt", ["1"])), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement Lt: a non-integer label does not match (ParseInt fails)", pod: expr(requirement("size", "Lt", ["1000"])), node: labelled, want: [MESSAGE] },
    { name: "labels Requirement Gt: a node without the label does not match", pod: expr(requirement("gpus", "Gt", ["0"])), node: labelled, want: [MESSAGE] },
    {
      name: "labels Requirement Gt: a label beyond int64 does not match (strconv.ParseInt range error)",
      pod: expr(requirement("serial", "Gt", ["1"])),
      node: node("n", { serial: "99999999999999999999" }),
      want: [MESSAGE],
    },
    { name: "nodeaffinity nodeSelectorRequirementsAsFieldSelector: matchFields metadata.name In the node's name matches", pod: withTerms(term([], [requirement("metadata.name", "In", ["n"])])), node: labelled, want: [] },
    {
      name: "nodeaffinity nodeSelectorRequirementsAsFieldSelector: matchFields metadata.name In another name does not match",
      pod: withTerms(term([], [requirement("metadata.name", "In", ["m"])], src(430))),
      node: labelled,
      want: [MESSAGE],
      source: src(430),
    },
    { name: "nodeaffinity nodeSelectorRequirementsAsFieldSelector: matchFields metadata.name NotIn the node's name does not match", pod: withTerms(term([], [requirement("metadata.name", "NotIn", ["n"])])), node: labelled, want: [MESSAGE] },
    {
      name: "nodeaffinity nodeSelectorTerm: matchExpressions and matchFields of one term are ANDed",
      pod: withTerms(term([requirement("zone", "In", ["b"])], [requirement("metadata.name", "In", ["n"])])),
      node: labelled,
      want: [MESSAGE],
    },
    { name: "nodeaffinity NewLazyErrorNodeSelector: an empty term matches no node", pod: withTerms(term([], [])), node: labelled, want: [MESSAGE] },
    { name: "nodeaffinity NewLazyErrorNodeSelector: an empty term is skipped, the other terms still count", pod: withTerms(term([], []), term([requirement("zone", "Exists")])), node: labelled, want: [] },
    { name: "nodeaffinity LazyErrorNodeSelector Match: a required node selector without terms matches no node", pod: withTerms(), node: labelled, want: [MESSAGE] },
    {
      name: "nodeaffinity RequiredNodeAffinity Match: nodeSelector AND affinity, the affinity failing rejects (source its term)",
      pod: withSelector({ zone: "a" }, required(term([requirement("disk", "In", ["hdd"])], [], src(440)))),
      node: labelled,
      want: [MESSAGE],
      source: src(440),
    },
    {
      name: "nodeaffinity RequiredNodeAffinity Match: nodeSelector AND affinity, the nodeSelector failing rejects (source the nodeSelector)",
      pod: withSelector({ zone: "b" }, required(term([requirement("disk", "In", ["ssd"])]))),
      node: labelled,
      want: [MESSAGE],
      source: selectorSource,
    },
    { name: "nodeaffinity RequiredNodeAffinity Match: nodeSelector and affinity both matching fit", pod: withSelector({ zone: "a" }, required(term([requirement("disk", "In", ["ssd"])]))), node: labelled, want: [] },
    {
      name: "node_affinity.go Filter: preferred terms never filter",
      pod: podToPlace(spec({ affinity: { nodeAffinity: { required: null, preferred: [{ weight: 100, preference: term([requirement("zone", "In", ["z"])]) }] }, podAffinity: undefined, podAntiAffinity: undefined } })),
      node: labelled,
      want: [],
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
// NodePorts

describe("NodePorts (kube-scheduler plugins/nodeports/node_ports.go Filter, framework HostPortInfo.CheckConflict)", () => {
  const MESSAGE = NODE_PORTS_REASON;
  const n = node("n");
  const on = (s: PodSpec, owner?: string) => placed("other", "n", s, owner === undefined ? {} : { owner });
  filterCases(NodePorts, [
    { name: "node_ports.go PreFilter: a pod without host ports fits (Skip)", pod: podToPlace(spec({ containers: [container("app", {}, { ports: [{ name: "http", containerPort: 8080, hostPort: undefined, hostIP: undefined, protocol: "TCP" }] })] })), node: n, placed: [on(withPorts(port(8080)))], want: [] },
    { name: "HostPortInfo CheckConflict: the same hostPort and protocol conflicts", pod: podToPlace(withPorts(port(8080))), node: n, placed: [on(withPorts(port(8080)))], want: [MESSAGE] },
    { name: "HostPortInfo CheckConflict: the same port on another protocol does not conflict", pod: podToPlace(withPorts(port(53, "UDP"))), node: n, placed: [on(withPorts(port(53, "TCP")))], want: [] },
    { name: "HostPortInfo CheckConflict: another port does not conflict", pod: podToPlace(withPorts(port(8081))), node: n, placed: [on(withPorts(port(8080)))], want: [] },
    { name: "HostPortInfo CheckConflict: a specific hostIP conflicts with 0.0.0.0 on the node", pod: podToPlace(withPorts(port(8080, "TCP", "10.0.0.1"))), node: n, placed: [on(withPorts(port(8080)))], want: [MESSAGE] },
    { name: "HostPortInfo CheckConflict: 0.0.0.0 conflicts with a specific hostIP on the node", pod: podToPlace(withPorts(port(8080))), node: n, placed: [on(withPorts(port(8080, "TCP", "10.0.0.1")))], want: [MESSAGE] },
    { name: "HostPortInfo CheckConflict: the same specific hostIP conflicts", pod: podToPlace(withPorts(port(8080, "TCP", "10.0.0.1"))), node: n, placed: [on(withPorts(port(8080, "TCP", "10.0.0.1")))], want: [MESSAGE] },
    { name: "HostPortInfo CheckConflict: different specific hostIPs do not conflict", pod: podToPlace(withPorts(port(8080, "TCP", "10.0.0.1"))), node: n, placed: [on(withPorts(port(8080, "TCP", "10.0.0.2")))], want: [] },
    { name: "HostPortInfo CheckConflict: any one of several wanted ports conflicting rejects", pod: podToPlace(withPorts(port(80), port(443))), node: n, placed: [on(withPorts(port(443)))], want: [MESSAGE] },
    { name: "node_ports.go Filter: a pod on another node takes no port here", pod: podToPlace(withPorts(port(8080))), node: n, others: [node("m")], placed: [placed("other", "m", withPorts(port(8080)))], want: [] },
    { name: "scheduler util GetHostPorts: a sidecar's (restartable init container) host port is taken", pod: podToPlace(withPorts(port(9100))), node: n, placed: [on(withInitPorts("Always", port(9100)))], want: [MESSAGE] },
    { name: "scheduler util GetHostPorts: a pod's sidecar host port is wanted", pod: podToPlace(withInitPorts("Always", port(9100))), node: n, placed: [on(withPorts(port(9100)))], want: [MESSAGE] },
    {
      name: "scheduler util GetHostPorts: a regular init container's host port is not held by the pod on the node",
      pod: podToPlace(withPorts(port(9100))),
      node: n,
      placed: [on(withInitPorts(undefined, port(9100)))],
      want: [],
    },
    {
      name: "scheduler util GetHostPorts: a regular init container's host port is not wanted by the pod (NodePorts PreFilter)",
      pod: podToPlace(withInitPorts(undefined, port(9100))),
      node: n,
      placed: [on(withPorts(port(9100)))],
      want: [],
    },
    { name: "ClusterView excludeOwner: without it the workload's own pod holds the port", pod: podToPlace(withPorts(port(8080))), node: n, placed: [on(withPorts(port(8080)), "Deployment/default/web")], want: [MESSAGE] },
    {
      name: "ClusterView excludeOwner: the workload's own pods are left out (feasibility asks about one of its pods)",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      placed: [on(withPorts(port(8080)), "Deployment/default/web")],
      excludeOwner: "Deployment/default/web",
      want: [],
    },
    {
      name: "ClusterView excludeOwner: another workload's pods still hold their ports",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      placed: [on(withPorts(port(8080)), "Deployment/default/api")],
      excludeOwner: "Deployment/default/web",
      want: [MESSAGE],
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
// NodeResourcesFit

describe("NodeResourcesFit (kube-scheduler plugins/noderesources/fit.go fitsRequest)", () => {
  const small = (pods = 110) => node("n", {}, [], { cpu: 2000, memory: 4 * Gi, "ephemeral-storage": 10 * Gi, pods, "nvidia.com/gpu": 1 });
  const busy = (name: string, requests: ResourceList, owner?: string) => placed(name, "n", requesting(requests), owner === undefined ? {} : { owner });
  filterCases(NodeResourcesFit, [
    { name: "fit.go fitsRequest: a pod within every allocatable fits", pod: podToPlace(requesting({ cpu: 500, memory: Gi })), node: small(), want: [] },
    {
      name: "fit.go fitsRequest: len(Pods)+1 > allowedPodNumber is Too many pods",
      pod: podToPlace(),
      node: small(2),
      placed: [busy("a", {}), busy("b", {})],
      want: [ERR_REASON_TOO_MANY_PODS],
    },
    { name: "fit.go fitsRequest: one pod below allowedPodNumber fits", pod: podToPlace(), node: small(2), placed: [busy("a", {})], want: [] },
    { name: "fit.go fitsRequest: cpu beyond allocatable minus requested is Insufficient cpu", pod: podToPlace(requesting({ cpu: 1500 })), node: small(), placed: [busy("a", { cpu: 1000 })], want: ["Insufficient cpu"] },
    { name: "fit.go fitsRequest: memory beyond free is Insufficient memory", pod: podToPlace(requesting({ memory: 3 * Gi })), node: small(), placed: [busy("a", { memory: 2 * Gi })], want: ["Insufficient memory"] },
    { name: "fit.go fitsRequest: ephemeral-storage beyond free is Insufficient ephemeral-storage", pod: podToPlace(requesting({ "ephemeral-storage": 11 * Gi })), node: small(), want: ["Insufficient ephemeral-storage"] },
    { name: "fit.go fitsRequest: an extended resource beyond free is Insufficient <name>", pod: podToPlace(requesting({ "nvidia.com/gpu": 1 })), node: small(), placed: [busy("a", { "nvidia.com/gpu": 1 })], want: ["Insufficient nvidia.com/gpu"] },
    { name: "fit.go fitsRequest: an extended resource the node does not have is insufficient", pod: podToPlace(requesting({ "example.com/fpga": 1 })), node: small(), want: ["Insufficient example.com/fpga"] },
    { name: "fit.go fitsRequest: an extended resource within allocatable fits", pod: podToPlace(requesting({ "nvidia.com/gpu": 1 })), node: small(), want: [] },
    {
      name: "fit.go fitsRequest: every insufficiency is reported, in order pods, cpu, memory, ephemeral-storage, extended",
      pod: podToPlace(requesting({ "nvidia.com/gpu": 2, "ephemeral-storage": 20 * Gi, memory: 5 * Gi, cpu: 3000 })),
      node: small(1),
      placed: [busy("a", {})],
      want: ["Too many pods", "Insufficient cpu", "Insufficient memory", "Insufficient ephemeral-storage", "Insufficient nvidia.com/gpu"],
    },
    {
      name: "fit.go fitsRequest: requests exactly equal to what is free fit (rejects only when request > free)",
      pod: podToPlace(requesting({ cpu: 500, memory: Gi, "ephemeral-storage": 4 * Gi, "nvidia.com/gpu": 1 })),
      node: small(),
      placed: [busy("a", { cpu: 1500, memory: 3 * Gi, "ephemeral-storage": 6 * Gi })],
      want: [],
    },
    {
      name: "fit.go fitsRequest: a pod requesting nothing fits a node whose resources are all taken",
      pod: podToPlace(),
      node: small(),
      placed: [busy("a", { cpu: 2000, memory: 4 * Gi, "ephemeral-storage": 10 * Gi, "nvidia.com/gpu": 1 })],
      want: [],
    },
    {
      name: "fit.go fitsRequest: a pod requesting nothing is still counted against allocatable pods",
      pod: podToPlace(),
      node: small(1),
      placed: [busy("a", {})],
      want: [ERR_REASON_TOO_MANY_PODS],
    },
    {
      name: "fit.go computePodResourceRequest: the request is PodRequests (an init container's larger request counts)",
      pod: podToPlace(spec({ containers: [container("app", { cpu: 500 })], initContainers: [container("init", { cpu: 2500 })] })),
      node: small(),
      want: ["Insufficient cpu"],
    },
    {
      name: "fit.go computePodResourceRequest: the pod overhead counts",
      pod: podToPlace(spec({ containers: [container("app", { memory: 4 * Gi })], overhead: { memory: 100 * Mi } })),
      node: small(),
      want: ["Insufficient memory"],
    },
    {
      name: "ClusterView excludeOwner: without it, the workload's own pods hold their requests",
      pod: podToPlace(requesting({ cpu: 1000 })),
      node: small(),
      placed: [busy("own", { cpu: 1500 }, "Deployment/default/web")],
      want: ["Insufficient cpu"],
    },
    {
      name: "ClusterView excludeOwner: the workload's own pods' requests are subtracted",
      pod: podToPlace(requesting({ cpu: 1000 })),
      node: small(),
      placed: [busy("own", { cpu: 1500 }, "Deployment/default/web"), busy("other", { cpu: 500 }, "Deployment/default/api")],
      excludeOwner: "Deployment/default/web",
      want: [],
    },
    {
      name: "ClusterView excludeOwner: another workload's requests still count",
      pod: podToPlace(requesting({ cpu: 1000 })),
      node: small(),
      placed: [busy("own", { cpu: 500 }, "Deployment/default/web"), busy("other", { cpu: 1500 }, "Deployment/default/api")],
      excludeOwner: "Deployment/default/web",
      want: ["Insufficient cpu"],
    },
    {
      name: "ClusterView excludeOwner: the workload's own pods do not count against allocatable pods",
      pod: podToPlace(),
      node: small(1),
      placed: [busy("own", {}, "Deployment/default/web")],
      excludeOwner: "Deployment/default/web",
      want: [],
    },
  ]);
});

// ---------------------------------------------------------------------------------------------
// FitError

describe("fitErrorMessage (kube-scheduler framework/types.go FitError.Error)", () => {
  const cpuNode = (name: string, taints: readonly Taint[] = [], extra: Partial<Node> = {}) => node(name, {}, taints, { cpu: 1000, memory: Gi, pods: 110 }, extra);
  const hungry = podToPlace(requesting({ cpu: 2000 }));
  const message = (nodes: readonly Node[], pod: PodToPlace = hungry) => fitErrorMessage(evaluatePod(pod, cluster(nodes), DEFAULT_FILTERS), nodes.length);

  test("FitError.Error: 0/N nodes are available: a sorted histogram of the first rejecting plugin's reasons per node", () => {
    const nodes = [cpuNode("a", [taint("dedicated", "gpu", "NoSchedule")]), cpuNode("b"), cpuNode("c")];
    assert.equal(message(nodes), "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.");
  });

  test("FitError.Error: a node rejected by several plugins counts only under the first (NodeUnschedulable before TaintToleration before NodeResourcesFit)", () => {
    const nodes = [cpuNode("a", [taint("dedicated", "gpu", "NoSchedule")], { unschedulable: true }), cpuNode("b", [taint("dedicated", "gpu", "NoSchedule")])];
    assert.equal(message(nodes), "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable.");
  });

  test("FitError.Error: every reason of the first rejecting plugin counts (NodeResourcesFit's cpu and memory)", () => {
    const pod = podToPlace(requesting({ cpu: 2000, memory: 2 * Gi }));
    assert.equal(message([cpuNode("a")], pod), "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.");
  });

  test("FitError.Error: the histogram is sorted as strings (sort.Strings: \"10 …\" before \"2 …\")", () => {
    const nodes = [...Array.from({ length: 10 }, (_, i) => cpuNode(`c${i}`)), cpuNode("t0", [taint("dedicated", "gpu", "NoSchedule")]), cpuNode("t1", [taint("dedicated", "gpu", "NoSchedule")])];
    assert.equal(message(nodes), "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.");
  });

  test("FitError.Error: different taints are different reasons", () => {
    const nodes = [cpuNode("a", [taint("dedicated", "gpu", "NoSchedule")]), cpuNode("b", [taint("node-role.kubernetes.io/control-plane", "", "NoSchedule")])];
    assert.equal(message(nodes, podToPlace()), "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.");
  });

  test("evaluatePod: a DaemonSet's pod is judged on its own node only (the controller pins it by metadata.name)", () => {
    const ds = workload("DaemonSet", "agent");
    const pod = podToPlace(spec(), { workload: ds, daemonNode: "b" });
    const verdicts = evaluatePod(pod, cluster([node("a"), node("b"), node("c")]), DEFAULT_FILTERS);
    assert.deepEqual(verdicts.map((v) => v.node), ["b"]);
  });
});
