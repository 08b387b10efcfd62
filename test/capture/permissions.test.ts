/**
 * The permissions the README and examples/capture/ give are exactly what a capture calls:
 * the ClusterRole (rbac.authorization.k8s.io/v1 PolicyRule: apiGroups, resources, verbs) grants
 * get and list on CAPTURED_KINDS and nothing else; the IAM policy (IAM JSON policy elements:
 * Action) allows IAM_ACTIONS, all read-only (Describe*, Get*).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import yaml from "js-yaml";
import { CAPTURED_KINDS, CAPTURE_VERBS, IAM_ACTIONS } from "../../src/capture/index.js";
import { REPO } from "../support/helpers.js";

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const granted = (rules: readonly PolicyRule[]) =>
  rules
    .flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}.${g}`))))
    .sort();

test("RBAC PolicyRule: examples/capture/clusterrole.yaml grants get and list on exactly the kinds a capture lists", () => {
  const role = yaml.load(readFileSync(join(REPO, "examples/capture/clusterrole.yaml"), "utf8")) as {
    kind: string;
    rules: PolicyRule[];
  };
  assert.equal(role.kind, "ClusterRole");
  const needed = [
    ...new Set(CAPTURED_KINDS.flatMap((k) => CAPTURE_VERBS.map((v) => `${v} ${k.resource}.${k.group}`))),
  ].sort();
  assert.deepEqual(granted(role.rules), needed);
  assert.deepEqual([...CAPTURE_VERBS], ["get", "list"]);
  assert.ok(!CAPTURED_KINDS.some((k) => k.resource === "secrets"));
});

test("IAM policy Action element: examples/capture/iam-policy.json allows exactly IAM_ACTIONS, each a Describe* or Get*", () => {
  const policy = JSON.parse(readFileSync(join(REPO, "examples/capture/iam-policy.json"), "utf8")) as {
    Statement: { Effect: string; Action: string[]; Resource: string }[];
  };
  assert.equal(policy.Statement.length, 1);
  assert.equal(policy.Statement[0]!.Effect, "Allow");
  assert.deepEqual([...policy.Statement[0]!.Action].sort(), [...IAM_ACTIONS].sort());
  assert.ok(IAM_ACTIONS.every((a) => /^(ec2|elasticloadbalancing):(Describe|Get)[A-Za-z]+$/.test(a)));
});

test("the README names the files and every IAM action", () => {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  assert.match(readme, /examples\/capture\/clusterrole\.yaml/);
  assert.match(readme, /examples\/capture\/iam-policy\.json/);
  for (const action of IAM_ACTIONS) assert.ok(readme.includes(action), action);
});
