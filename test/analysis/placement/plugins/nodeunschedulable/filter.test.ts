/**
 * NodeUnschedulable against kube-scheduler's own rules. Every case is named after the upstream code it
 * follows; cases podpath does not yet follow are `todo`.
 */
import { describe } from "node:test";
import {
  ERR_REASON_UNSCHEDULABLE,
  NodeUnschedulable,
} from "../../../../../src/analysis/placement/plugins/nodeunschedulable/filter.js";
import { node, podToPlace, toleration } from "../../support.js";
import { filterCases, withTolerations, cordoned } from "../filter-cases.js";

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
      pod: withTolerations(
        toleration({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }),
      ),
      node: cordoned("n"),
      want: [],
    },
    {
      name: "node_unschedulable.go Filter: Equal with an empty value tolerates the value-less unschedulable taint",
      pod: withTolerations(
        toleration({ key: "node.kubernetes.io/unschedulable", operator: "Equal", value: "", effect: "NoSchedule" }),
      ),
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
      pod: withTolerations(
        toleration({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }),
      ),
      node: cordoned("n"),
      want: [ERR_REASON_UNSCHEDULABLE],
    },
    {
      name: "node_unschedulable.go Filter: a toleration of another key does not tolerate a cordoned node",
      pod: withTolerations(
        toleration({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" }),
      ),
      node: cordoned("n"),
      want: [ERR_REASON_UNSCHEDULABLE],
    },
  ]);
});
