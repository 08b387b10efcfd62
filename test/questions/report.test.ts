/**
 * `answerReport` as a library (src/index.ts, and the shared finding shape): the lint findings the report is given are
 * rendered with their objects and file:line in both languages; the answer is data the formatter
 * words, never English decided in the question.
 */
import { answerLint } from "../../src/questions/lint.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { answerReport, loadSnapshot, render } from "../../src/index.js";
// the finding shape every answer shares (src/questions/contract.ts)
import type { FindingJson } from "../../src/questions/contract.js";
import { EXAMPLE, REPO } from "../support/helpers.js";

const snapshot = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });

const finding: FindingJson = {
  ruleId: "toleration-without-selector",
  severity: "warning",
  message: "coredns tolerates node-role.kubernetes.io/control-plane:NoSchedule | without a node selector",
  objects: [
    {
      kind: "Deployment",
      namespace: "kube-system",
      name: "coredns",
      at: "examples/ecoeco/k8s/deployments.yaml:1972",
      source: { file: "examples/ecoeco/k8s/deployments.yaml", line: 1972, column: 5 },
    },
  ],
  fix: "add a nodeSelector",
};

test("SARIF 2.1.0 §3.27.10 level (the findings' severity): lint findings given to the report are listed with severity, rule id, objects and file:line, in each language", () => {
  for (const [lang, heading, header] of [
    ["en", "## 5. Lint findings", "| severity | rule | finding | objects | suggested fix |"],
    ["ko", "## 5. Lint 결과", "| 심각도 | 규칙 | 내용 | 대상 객체 | 수정 제안 |"],
  ] as const) {
    const answer = answerReport(snapshot, { lang, findings: [finding] });
    assert.deepEqual(answer.result.findings, [finding]);
    const md = [...render("report", answer, "md")].join("");
    const section = md.slice(md.indexOf(heading), md.indexOf("## 6."));
    assert.ok(section.includes(header), section);
    assert.ok(
      section.includes(
        "| warning | `toleration-without-selector` | coredns tolerates node-role.kubernetes.io/control-plane:NoSchedule \\| without a node selector | Deployment kube-system/coredns (examples/ecoeco/k8s/deployments.yaml:1972) | add a nodeSelector |",
      ),
      section,
    );
  }
});

test("with no findings given, the report runs podpath lint on the same snapshot (answerLint)", () => {
  const answer = answerReport(snapshot, { lang: "en" });
  assert.deepEqual(answer.result.findings, answerLint(snapshot).result.findings);
  assert.ok(answer.result.findings.length > 0, "the example has lint findings (tolerations without a selector)");
});

test("with an empty list of findings the lint section says lint found nothing", () => {
  const md = [...render("report", answerReport(snapshot, { lang: "en", findings: [] }), "md")].join("");
  assert.match(md, /## 5\. Lint findings\n\nLint found nothing to report\.\n/);
});

test("the answer is the same data in every language: only the wording differs", () => {
  const en = answerReport(snapshot, { lang: "en" }).result;
  const ko = answerReport(snapshot, { lang: "ko" }).result;
  assert.deepEqual(en.questions, ko.questions);
  assert.deepEqual(en.rows, ko.rows);
  assert.deepEqual(
    en.groups.map((g) => [g.name, g.nodes, g.selector]),
    [
      ["control-plane", ["k8s-master"], "node-role.kubernetes.io/control-plane"],
      ["workers", ["k8s-worker-1", "k8s-worker-2"], null],
    ],
  );
});
