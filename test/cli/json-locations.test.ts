/**
 * The machine-readable contract: no `file:line` string stands alone in a JSON answer. Beside each
 * one sits its location as data (contract.ts SourceJson {file, line, column}; SARIF 2.1.0 §3.30
 * `region` startLine/startColumn), named after it: `source` → `location`, `X` → `XLocation`, a
 * finding object's `at` → `source`. Walks every JSON answer of the embedded example and of the
 * what-if captures (a drain a PodDisruptionBudget decides, nodes added).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli } from "../support/helpers.js";

const FILE_LINE = /^\S+\.(ya?ml|json):\d+(:\d+)?$/;

const isLocation = (v: unknown): boolean =>
  typeof v === "object" && v !== null && !Array.isArray(v) && "file" in v && "line" in v && "column" in v;

/** every `path = value` whose file:line string has no location sibling */
function unlocated(value: unknown, path = "$", out: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((v) => unlocated(v, `${path}[]`, out));
    return out;
  }
  if (typeof value !== "object" || value === null) return out;
  const o = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(o)) {
    if (typeof v === "string" && FILE_LINE.test(v)) {
      const siblings = [`${key}Location`, key === "source" ? "location" : "", key === "at" ? "source" : ""];
      if (!siblings.some((s) => s !== "" && isLocation(o[s]))) out.push(`${path}.${key} = ${v}`);
      else {
        const loc = o[siblings.find((s) => s !== "" && isLocation(o[s]))!] as { file: string; line: number };
        assert.ok(v.startsWith(`${loc.file}:${loc.line}`), `${path}.${key}: ${v} vs ${JSON.stringify(loc)}`);
      }
    }
    unlocated(v, `${path}.${key}`, out);
  }
  return out;
}

const ANSWERS: readonly (readonly string[])[] = [
  ["place"],
  ["place", "--fresh", "--drain", "k8s-worker-1"],
  ["fix", "place", "monitoring/prometheus-grafana", "--onto", "node-role.kubernetes.io/control-plane"],
  ["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd"],
  [
    "trace",
    "--from",
    "workload:argocd/argocd-application-controller",
    "--to",
    "pod:argocd/argocd-dex-server-krws5mdsn-x94ng",
    "--port",
    "5556",
  ],
  ["egress"],
  ["snapshot", "show"],
  ["lint"],
  ["connlist"],
  [
    "place",
    "-s",
    "test/fixtures/captures/what-if-shop",
    "--drain",
    "node-b",
    "--add-node",
    "test/fixtures/what-if/node-c.yaml",
  ],
  [
    "place",
    "-s",
    "test/fixtures/captures/what-if-shop",
    "--add-node",
    "test/fixtures/what-if/eks-nodegroup-workers.json",
  ],
];

for (const args of ANSWERS) {
  test(`every file:line string of \`podpath ${args.join(" ")} -o json\` has its location beside it`, async () => {
    const r = await cli([...args, "-o", "json"]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.deepEqual(unlocated(JSON.parse(r.stdout)), []);
  });
}

test("the walk finds a file:line string without its location (the test can fail)", () => {
  assert.deepEqual(unlocated({ kubernetes: { source: "k8s/pods.yaml:12" } }), [
    "$.kubernetes.source = k8s/pods.yaml:12",
  ]);
  assert.deepEqual(
    unlocated({
      steps: [{ source: "a.yaml:3", location: { file: "a.yaml", line: 3, column: 5 } }, { object: "b.json:9" }],
    }),
    ["$.steps[].object = b.json:9"],
  );
  assert.deepEqual(unlocated({ objects: [{ at: "a.yaml:3", source: { file: "a.yaml", line: 3, column: 1 } }] }), []);
});
