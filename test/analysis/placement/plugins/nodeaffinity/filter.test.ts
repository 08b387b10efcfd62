/**
 * NodeAffinity against kube-scheduler's own rules. Every case is named after the upstream code it
 * follows; cases podpath does not yet follow are `todo`.
 */
import { describe } from "node:test";
import { ERR_REASON_POD as NODE_AFFINITY_REASON } from "../../../../../src/analysis/placement/plugins/nodeaffinity/common.js";
import { NodeAffinity } from "../../../../../src/analysis/placement/plugins/nodeaffinity/filter.js";
import type { PodSpec } from "../../../../../src/model/kubernetes.js";
import { node, podToPlace, requirement, src, term } from "../../support.js";
import { filterCases, spec } from "../filter-cases.js";

describe("NodeAffinity (kube-scheduler plugins/nodeaffinity/node_affinity.go Filter)", () => {
  const MESSAGE = NODE_AFFINITY_REASON;
  const selectorSource = src(11);
  const withSelector = (nodeSelector: Record<string, string>, extra: Partial<PodSpec> = {}) =>
    podToPlace(spec({ nodeSelector, nodeSelectorSource: selectorSource, ...extra }));
  const required = (...terms: ReturnType<typeof term>[]): Partial<PodSpec> => ({
    affinity: { nodeAffinity: { required: terms, preferred: [] }, podAffinity: undefined, podAntiAffinity: undefined },
  });
  const withTerms = (...terms: ReturnType<typeof term>[]) => podToPlace(spec(required(...terms)));
  const expr = (...reqs: ReturnType<typeof requirement>[]) => withTerms(term(reqs, [], src(401)));
  const labelled = node("n", { zone: "a", disk: "ssd", cores: "8", size: "large" });

  filterCases(NodeAffinity, [
    {
      name: "node_affinity.go Filter: no nodeSelector and no affinity match every node",
      pod: podToPlace(),
      node: labelled,
      want: [],
    },
    {
      name: "nodeaffinity GetRequiredNodeAffinity: a nodeSelector matches when every pair is on the node",
      pod: withSelector({ zone: "a", disk: "ssd" }),
      node: labelled,
      want: [],
    },
    {
      name: "nodeaffinity GetRequiredNodeAffinity: a nodeSelector pair missing from the node rejects, source the nodeSelector",
      pod: withSelector({ zone: "a", gpu: "true" }),
      node: labelled,
      want: [MESSAGE],
      source: selectorSource,
    },
    {
      name: "nodeaffinity GetRequiredNodeAffinity: a nodeSelector pair with another value rejects",
      pod: withSelector({ zone: "b" }),
      node: labelled,
      want: [MESSAGE],
      source: selectorSource,
    },
    {
      name: "nodeaffinity LazyErrorNodeSelector: required terms are ORed (the second term matches)",
      pod: withTerms(term([requirement("zone", "In", ["b"])]), term([requirement("zone", "In", ["a"])])),
      node: labelled,
      want: [],
    },
    {
      name: "nodeaffinity nodeSelectorTerm: the expressions of a term are ANDed (one fails), source the first term",
      pod: withTerms(
        term([requirement("zone", "In", ["a"]), requirement("disk", "In", ["hdd"])], [], src(410)),
        term([requirement("zone", "In", ["c"])], [], src(420)),
      ),
      node: labelled,
      want: [MESSAGE],
      source: src(410),
    },
    {
      name: "labels Requirement In: the label's value among the values matches",
      pod: expr(requirement("zone", "In", ["c", "a"])),
      node: labelled,
      want: [],
    },
    {
      name: "labels Requirement In: a value not listed does not match",
      pod: expr(requirement("zone", "In", ["b", "c"])),
      node: labelled,
      want: [MESSAGE],
      source: src(401),
    },
    {
      name: "labels Requirement In: a node without the label does not match",
      pod: expr(requirement("gpu", "In", ["true"])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement NotIn: a value not listed matches",
      pod: expr(requirement("zone", "NotIn", ["b"])),
      node: labelled,
      want: [],
    },
    {
      name: "labels Requirement NotIn: a listed value does not match",
      pod: expr(requirement("zone", "NotIn", ["a", "b"])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement NotIn: a node without the label matches",
      pod: expr(requirement("gpu", "NotIn", ["true"])),
      node: labelled,
      want: [],
    },
    {
      name: "labels Requirement Exists: a node with the label matches",
      pod: expr(requirement("disk", "Exists")),
      node: labelled,
      want: [],
    },
    {
      name: "labels Requirement Exists: a node without the label does not match",
      pod: expr(requirement("gpu", "Exists")),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement DoesNotExist: a node without the label matches",
      pod: expr(requirement("gpu", "DoesNotExist")),
      node: labelled,
      want: [],
    },
    {
      name: "labels Requirement DoesNotExist: a node with the label does not match",
      pod: expr(requirement("disk", "DoesNotExist")),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement Gt: an integer label greater than the value matches",
      pod: expr(requirement("cores", "Gt", ["4"])),
      node: labelled,
      want: [],
    },
    {
      name: "labels Requirement Gt: an equal integer does not match (strictly greater)",
      pod: expr(requirement("cores", "Gt", ["8"])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement Lt: an integer label less than the value matches",
      pod: expr(requirement("cores", "Lt", ["16"])),
      node: labelled,
      want: [],
    },
    {
      name: "labels Requirement Lt: a greater integer does not match",
      pod: expr(requirement("cores", "Lt", ["4"])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement Gt: a non-integer label does not match (ParseInt fails)",
      pod: expr(requirement("size", "Gt", ["1"])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement Lt: a non-integer label does not match (ParseInt fails)",
      pod: expr(requirement("size", "Lt", ["1000"])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement Gt: a node without the label does not match",
      pod: expr(requirement("gpus", "Gt", ["0"])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "labels Requirement Gt: a label beyond int64 does not match (strconv.ParseInt range error)",
      pod: expr(requirement("serial", "Gt", ["1"])),
      node: node("n", { serial: "99999999999999999999" }),
      want: [MESSAGE],
    },
    {
      name: "nodeaffinity nodeSelectorRequirementsAsFieldSelector: matchFields metadata.name In the node's name matches",
      pod: withTerms(term([], [requirement("metadata.name", "In", ["n"])])),
      node: labelled,
      want: [],
    },
    {
      name: "nodeaffinity nodeSelectorRequirementsAsFieldSelector: matchFields metadata.name In another name does not match",
      pod: withTerms(term([], [requirement("metadata.name", "In", ["m"])], src(430))),
      node: labelled,
      want: [MESSAGE],
      source: src(430),
    },
    {
      name: "nodeaffinity nodeSelectorRequirementsAsFieldSelector: matchFields metadata.name NotIn the node's name does not match",
      pod: withTerms(term([], [requirement("metadata.name", "NotIn", ["n"])])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "nodeaffinity nodeSelectorTerm: matchExpressions and matchFields of one term are ANDed",
      pod: withTerms(term([requirement("zone", "In", ["b"])], [requirement("metadata.name", "In", ["n"])])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "nodeaffinity NewLazyErrorNodeSelector: an empty term matches no node",
      pod: withTerms(term([], [])),
      node: labelled,
      want: [MESSAGE],
    },
    {
      name: "nodeaffinity NewLazyErrorNodeSelector: an empty term is skipped, the other terms still count",
      pod: withTerms(term([], []), term([requirement("zone", "Exists")])),
      node: labelled,
      want: [],
    },
    {
      name: "nodeaffinity LazyErrorNodeSelector Match: a required node selector without terms matches no node",
      pod: withTerms(),
      node: labelled,
      want: [MESSAGE],
    },
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
    {
      name: "nodeaffinity RequiredNodeAffinity Match: nodeSelector and affinity both matching fit",
      pod: withSelector({ zone: "a" }, required(term([requirement("disk", "In", ["ssd"])]))),
      node: labelled,
      want: [],
    },
    {
      name: "node_affinity.go Filter: preferred terms never filter",
      pod: podToPlace(
        spec({
          affinity: {
            nodeAffinity: {
              required: null,
              preferred: [{ weight: 100, preference: term([requirement("zone", "In", ["z"])]) }],
            },
            podAffinity: undefined,
            podAntiAffinity: undefined,
          },
        }),
      ),
      node: labelled,
      want: [],
    },
  ]);
});
