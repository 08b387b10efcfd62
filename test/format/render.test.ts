/**
 * The formatter is picked in one place (src/format/index.ts `render`): every question renders in
 * each format it lists, `-o json` is its typed result stringified (the JSON contract, nothing
 * added on the way out), and a format a question lacks is one UserError (exit 2).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatsOf,
  render,
  RENDERERS,
  UnsupportedFormatError,
  type AnswerOf,
  type OutputFormat,
} from "../../src/format/index.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { parseEndpoint } from "../../src/analysis/paths/endpoints.js";
import { UserError } from "../../src/model/errors.js";
import { answerConnlist } from "../../src/questions/connlist.js";
import { answerDiff } from "../../src/questions/diff.js";
import { answerExposure } from "../../src/questions/exposure.js";
import { answerEgress } from "../../src/questions/egress.js";
import { answerFixPlace } from "../../src/questions/fix-place.js";
import { answerIntended } from "../../src/questions/intended.js";
import { answerLint } from "../../src/questions/lint.js";
import { answerPlace } from "../../src/questions/place.js";
import { answerReport } from "../../src/questions/report.js";
import type { QuestionName } from "../../src/questions/question.js";
import { answerSnapshotShow } from "../../src/questions/snapshot-show.js";
import { answerTrace } from "../../src/questions/trace.js";
import { EXAMPLE, REPO } from "../support/helpers.js";

const snapshot = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });

const answers: { readonly [Q in QuestionName]: AnswerOf[Q] } = {
  "snapshot show": answerSnapshotShow(snapshot),
  place: answerPlace(snapshot, {}),
  "fix place": answerFixPlace(snapshot, {
    workload: "monitoring/prometheus-grafana",
    onto: "node-role.kubernetes.io/control-plane",
  }),
  trace: answerTrace(snapshot, {
    from: parseEndpoint("internet"),
    to: parseEndpoint("url:https://growbin.app/argocd"),
  }),
  egress: answerEgress(snapshot),
  lint: answerLint(snapshot),
  report: answerReport(snapshot, { lang: "en" }),
  connlist: answerConnlist(snapshot),
  exposure: answerExposure(snapshot),
  intended: answerIntended(snapshot),
  diff: answerDiff(snapshot, snapshot),
};

const questions = Object.keys(RENDERERS) as QuestionName[];

test("every question renders text, json and md; json is JSON.stringify of its typed result", () => {
  assert.deepEqual(questions.sort(), [
    "connlist",
    "diff",
    "egress",
    "exposure",
    "fix place",
    "intended",
    "lint",
    "place",
    "report",
    "snapshot show",
    "trace",
  ]);
  // report is a document: Markdown, or one HTML page (src/format/html/)
  assert.deepEqual(formatsOf("report"), ["md", "html"]);
  assert.ok([...render("report", answers.report, "md")].join("").endsWith("\n"));
  const extra: Partial<Record<QuestionName, string[]>> = {
    // lint also renders SARIF 2.1.0 (src/format/sarif.ts)
    lint: ["sarif"],
    // connlist adds np-guard netpol-analyzer's txt, csv and dot
    connlist: ["txt", "csv", "dot"],
  };
  for (const q of questions.filter((x) => x !== "report")) {
    assert.deepEqual(formatsOf(q), ["text", "json", "md", ...(extra[q] ?? [])], q);
    const answer = answers[q];
    for (const format of formatsOf(q)) {
      const out = [...render(q, answer, format)].join("");
      assert.ok(out.length > 0 && out.endsWith("\n"), `${q} -o ${format}`);
    }
    assert.equal([...render(q, answer, "json")].join(""), JSON.stringify(answer.result, null, 2) + "\n", q);
  }
});

test("place -o json comes in chunks, one per workload at least (never one string at real scale)", () => {
  const chunks = [...render("place", answers.place, "json")];
  assert.ok(chunks.length > answers.place.result.workloads.length);
});

test("a format the question has no renderer for: UnsupportedFormatError, a UserError with exit 2", () => {
  const error = (() => {
    try {
      render("trace", answers.trace, "xml" as OutputFormat);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(error instanceof UnsupportedFormatError && error instanceof UserError);
  assert.equal(error.exitCode, 2);
  assert.equal(error.message, "podpath trace has no xml output (formats: text, json, md)");
});
