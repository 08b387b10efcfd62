/**
 * TaintToleration and the toleration matching it rests on (tolerates) against kube-scheduler's own rules. Every case is named after the upstream code it
 * follows; cases podpath does not yet follow are `todo`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tolerates } from "../../../../../src/analysis/placement/plugins/tainttoleration/common.js";
import { TaintToleration } from "../../../../../src/analysis/placement/plugins/tainttoleration/filter.js";
import type { Taint, Toleration } from "../../../../../src/model/kubernetes.js";
import { node, podToPlace, src, taint, toleration } from "../../support.js";
import { filterCases, withTolerations } from "../filter-cases.js";

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
      toleration: toleration({
        key: "node-role.kubernetes.io/control-plane",
        operator: "Equal",
        value: "",
        effect: "NoSchedule",
      }),
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
