/**
 * NodeName against kube-scheduler's own rules. Every case is named after the upstream code it
 * follows; cases podpath does not yet follow are `todo`.
 */
import { describe } from "node:test";
import {
  ERR_REASON as NODE_NAME_REASON,
  NodeName,
} from "../../../../../src/analysis/placement/plugins/nodename/filter.js";
import { node, podToPlace } from "../../support.js";
import { filterCases, spec } from "../filter-cases.js";

describe("NodeName (kube-scheduler plugins/nodename/node_name.go Filter)", () => {
  filterCases(NodeName, [
    {
      name: "node_name.go Fits: a pod without spec.nodeName fits every node",
      pod: podToPlace(),
      node: node("a"),
      want: [],
    },
    {
      name: "node_name.go Fits: spec.nodeName equal to the node's name fits",
      pod: podToPlace(spec({ nodeName: "a" })),
      node: node("a"),
      want: [],
    },
    {
      name: "node_name.go Filter: another node's name rejects, ErrReason node(s) didn't match the requested node name",
      pod: podToPlace(spec({ nodeName: "b" })),
      node: node("a"),
      others: [node("b")],
      want: [NODE_NAME_REASON],
    },
  ]);
});
