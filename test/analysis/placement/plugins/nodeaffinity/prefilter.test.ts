/**
 * NodeAffinity's PreFilter conflict (src/analysis/placement/plugins/nodeaffinity/prefilter.ts)
 * against pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go PreFilter (v1.34) and
 * framework/types.go FitError.Error (PreFilterMsg).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ERR_REASON_CONFLICT,
  nodeNamesConflict,
  preFilterFitError,
} from "../../../../../src/analysis/placement/plugins/nodeaffinity/prefilter.js";
import type { PodSpec } from "../../../../../src/model/kubernetes.js";
import { podSpec, requirement, src, term } from "../../support.js";

const name = (...values: string[]) => requirement("metadata.name", "In", values);
const withTerms = (...terms: ReturnType<typeof term>[]): PodSpec =>
  podSpec({
    affinity: { nodeAffinity: { required: terms, preferred: [] }, podAffinity: undefined, podAntiAffinity: undefined },
  });

describe("node_affinity.go PreFilter: matchFields metadata.name In, intersected in a term, ORed across terms", () => {
  for (const [label, spec, conflict] of [
    [
      "two names in one term that share none: errReasonConflict",
      withTerms(term([], [name("a"), name("b")], src(1))),
      true,
    ],
    [
      "every term empty after intersection",
      withTerms(term([], [name("a"), name("b")], src(1)), term([], [name("c"), name("d")], src(2))),
      true,
    ],
    [
      "one term still names a node: PreFilterResult{a}, no conflict",
      withTerms(term([], [name("a"), name("b")], src(1)), term([], [name("a")], src(2))),
      false,
    ],
    [
      "a term without metadata.name In: every node possible",
      withTerms(term([], [name("a"), name("b")], src(1)), term([requirement("zone", "In", ["x"])], [], src(2))),
      false,
    ],
    [
      "metadata.name NotIn is not a node list",
      withTerms(term([], [requirement("metadata.name", "NotIn", ["a"])], src(1))),
      false,
    ],
    ["no required node affinity", podSpec(), false],
  ] as const) {
    test(`PreFilter: ${label}`, () => assert.equal(nodeNamesConflict(spec), conflict));
  }
});

describe("FitError.Error with a PreFilter message (types.go: ' %v.' after '0/N nodes are available:')", () => {
  const conflicting = withTerms(term([], [name("a"), name("b")], src(1)));
  test("v1.34: '0/3 nodes are available: pod affinity terms conflict.'", () => {
    assert.equal(ERR_REASON_CONFLICT, "pod affinity terms conflict");
    assert.equal(
      preFilterFitError(conflicting, 3, { minor: 34, patch: 1 }),
      "0/3 nodes are available: pod affinity terms conflict.",
    );
  });
  test("before v1.34 not decided here (the Filter's per-node reasons stand)", () => {
    assert.equal(preFilterFitError(conflicting, 3, { minor: 33, patch: undefined }), undefined);
  });
});
