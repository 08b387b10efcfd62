/**
 * Terraform state as the AWS source, end to end through the CLI: the ecoeco example's AWS network
 * written as a Terraform state of a kubeadm cluster (test/fixtures/terraform/ecoeco, made by its
 * generate.mjs from examples/ecoeco/aws: a VPC module with public and private subnets, IGW, NAT
 * gateway and EIP; security groups with rules in all three styles; a cluster module with the
 * instances; an ALB with listeners, for_each rules, target groups and attachments), with the
 * example's Kubernetes objects, gives the same `trace` answers as the example's AWS CLI JSON —
 * in both formats (`terraform show -json`, raw terraform.tfstate v4). Only sources differ.
 *
 * What no Terraform state holds comes from the AWS CLI, as a user would add it
 * (test/fixtures/terraform/ecoeco/aws-managed): the network interfaces AWS creates for the ALB and
 * the NAT gateway (requester-managed: no Terraform resource has them) and describe-target-health
 * (the state records registrations, not health).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { cli, REPO } from "../support/helpers.js";

const STATE_DIR = "test/fixtures/terraform/ecoeco";
const K8S = "examples/ecoeco/k8s";
const MANAGED = `${STATE_DIR}/aws-managed`;

/** Drops every source location (and the `file:line` strings beside them): the only part allowed to differ. */
function withoutSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSources);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (["source", "location", "objectLocation", "at", "sourceLocation"].includes(key)) continue;
      out[key] = withoutSources(v);
    }
    return out;
  }
  return value;
}

async function traceJson(snapshot: readonly string[], from: string, to: string): Promise<unknown> {
  const r = await cli(["trace", ...snapshot.flatMap((s) => ["-s", s]), "--from", from, "--to", to, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** what, from, to, and whether the path crosses the VPC (so a hop cites the state) */
const TRACES: readonly (readonly [string, string, string, boolean])[] = [
  [
    "internet → ingress URL (ALB rule → target group → NodePort → pod)",
    "internet",
    "url:https://growbin.app/argocd",
    true,
  ],
  ["internet → ingress URL of the API", "internet", "url:https://growbin.app/api/v1", true],
  [
    "pod → internet egress (private subnet → NAT gateway → internet gateway)",
    "workload:ecoeco/ecoeco-api",
    "internet",
    true,
  ],
  [
    "pod → pod across nodes (Calico, node security group self rule)",
    "workload:argocd/argocd-server",
    "workload:ecoeco/ecoeco-api",
    true,
  ],
  ["pod → service on the same node", "workload:ecoeco/ecoeco-api", "service:messaging/rabbitmq", false],
];

for (const [format, file] of [
  ["terraform show -json", "show.json"],
  ["terraform.tfstate v4", "terraform.tfstate"],
] as const) {
  for (const [what, from, to, crossesVpc] of TRACES) {
    test(`issue done-when, ${format}: ${what} is answered as with the AWS CLI JSON of examples/ecoeco (only sources differ)`, async () => {
      const expected = await traceJson(["examples/ecoeco"], from, to);
      const actual = await traceJson([K8S, `${STATE_DIR}/${file}`, MANAGED], from, to);
      assert.deepEqual(withoutSources(actual), withoutSources(expected));
      if (!crossesVpc) return;
      // and the verdict cites the state: a hop located at a resource address
      const hops = (actual as { hops: { source: string | null }[] }).hops;
      assert.ok(
        hops.some(
          (h) =>
            h.source !== null && h.source.includes(`${file}:`) && / \((module\.)?[a-z_]+\.aws_|\(aws_/.test(h.source),
        ),
        JSON.stringify(hops.map((h) => h.source)),
      );
    });
  }
}

test("trace cites the state's resource address in its sources (text and JSON location.address)", async () => {
  const r = await cli([
    "trace",
    "-s",
    K8S,
    "-s",
    `${STATE_DIR}/terraform.tfstate`,
    "-s",
    MANAGED,
    "--from",
    "workload:ecoeco/ecoeco-api",
    "--to",
    "internet",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /\[test\/fixtures\/terraform\/ecoeco\/terraform\.tfstate:\d+ \(module\.vpc\.aws_nat_gateway\.this\)\]/,
  );
  assert.match(r.stdout, /terraform\.tfstate:\d+ \(aws_security_group\.node\)/);
  const j = await cli([
    "trace",
    "-s",
    K8S,
    "-s",
    `${STATE_DIR}/terraform.tfstate`,
    "-s",
    MANAGED,
    "--from",
    "workload:ecoeco/ecoeco-api",
    "--to",
    "internet",
    "-o",
    "json",
  ]);
  const hops = (JSON.parse(j.stdout) as { hops: { location: { address?: string } | null }[] }).hops;
  assert.ok(hops.some((h) => h.location?.address === "module.vpc.aws_nat_gateway.this"));
});

test("snapshot show lists the skipped resources by type, and says where the AWS CLI output replaced the state's objects", async () => {
  const r = await cli(["snapshot", "show", "-s", "examples/ecoeco", "-s", `${STATE_DIR}/show.json`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /aws_vpc_security_group_ingress_rule ×2, skipped aws_iam_instance_profile, skipped aws_iam_role, skipped aws_key_pair, skipped data\.aws_ami, skipped data\.aws_availability_zones/,
  );
  const j = await cli(["snapshot", "show", "-s", "examples/ecoeco", "-s", `${STATE_DIR}/show.json`, "-o", "json"]);
  const messages = (code: string) =>
    (JSON.parse(j.stdout) as { diagnostics: { code: string; message: string }[] }).diagnostics
      .filter((d) => d.code === code)
      .map((d) => d.message);
  assert.deepEqual(messages("terraform-skipped"), [
    "test/fixtures/terraform/ecoeco/show.json: 5 resource instances of the state are not modelled and were skipped (data sources and types podpath does not read): aws_iam_instance_profile, aws_iam_role, aws_key_pair, data.aws_ami, data.aws_availability_zones",
  ]);
  const overridden = messages("terraform-overridden");
  // every AWS object of the state is also in the example's CLI JSON: the CLI output is used for each —
  // VPC, 3 subnets, 3 route tables, IGW, NAT, ACL, 3 groups, 3 instances and their 3 interfaces,
  // the ALB, 2 listeners, 3 rules, 3 target groups, 6 targets
  assert.equal(overridden.length, 34, overridden.join("\n"));
  assert.ok(
    overridden.includes(
      "subnet subnet-0ecoeco0000000011 is described by the Terraform state (test/fixtures/terraform/ecoeco/show.json:1 (module.vpc.aws_subnet.private[0])) and by AWS CLI output (examples/ecoeco/aws/ec2-describe-subnets.json:3): the AWS CLI output is used",
    ),
    overridden.join("\n"),
  );
});

test("lint reports the node group's mix of inline rules and rule resources, located at the state's resources", async () => {
  const r = await cli(["lint", "-s", K8S, "-s", `${STATE_DIR}/terraform.tfstate`, "-s", MANAGED, "-o", "json"]);
  const findings = (
    JSON.parse(r.stdout) as { findings: { ruleId: string; message: string; objects: { at: string }[] }[] }
  ).findings.filter((f) => f.ruleId === "terraform-sg-mixed-rules");
  assert.equal(findings.length, 1, JSON.stringify(findings, null, 2));
  assert.match(
    findings[0]!.message,
    /^security group sg-0ecoeco0000000002 \(ecoeco-node-sg\) has 1 inline rule in aws_security_group\.node/,
  );
  assert.deepEqual(
    findings[0]!.objects.map((o) => o.at.replace(/:\d+ /, ":N ")),
    [
      "test/fixtures/terraform/ecoeco/terraform.tfstate:N (aws_security_group.node)",
      "test/fixtures/terraform/ecoeco/terraform.tfstate:N (aws_security_group_rule.node_self)",
      "test/fixtures/terraform/ecoeco/terraform.tfstate:N (aws_security_group_rule.node_from_alb)",
      "test/fixtures/terraform/ecoeco/terraform.tfstate:N (aws_vpc_security_group_ingress_rule.node_api)",
      "test/fixtures/terraform/ecoeco/terraform.tfstate:N (aws_vpc_security_group_ingress_rule.node_ssh)",
    ],
  );
});

test("lint -o sarif: an object of the state has its resource address as a logical location (SARIF 2.1.0 §3.33)", async () => {
  const r = await cli(["lint", "-s", K8S, "-s", `${STATE_DIR}/terraform.tfstate`, "-s", MANAGED, "-o", "sarif"]);
  const results = (
    JSON.parse(r.stdout) as {
      runs: {
        results: {
          ruleId: string;
          locations: { logicalLocations?: unknown }[];
          relatedLocations?: { logicalLocations?: unknown }[];
        }[];
      }[];
    }
  ).runs[0]!.results.filter((x) => x.ruleId === "terraform-sg-mixed-rules");
  assert.equal(results.length, 1);
  assert.deepEqual(results[0]!.locations[0]!.logicalLocations, [
    { fullyQualifiedName: "aws_security_group.node", kind: "resource" },
  ]);
  assert.deepEqual(results[0]!.relatedLocations?.[0]?.logicalLocations, [
    { fullyQualifiedName: "aws_security_group_rule.node_self", kind: "resource" },
  ]);
});

test("values the state holds but podpath does not model (an instance's user_data) are never printed", async () => {
  const snapshot = ["-s", K8S, "-s", `${STATE_DIR}/terraform.tfstate`, "-s", MANAGED];
  for (const args of [
    ["snapshot", "show", ...snapshot, "-o", "json"],
    ["lint", ...snapshot, "-o", "json"],
    ["trace", ...snapshot, "--from", "workload:ecoeco/ecoeco-api", "--to", "internet", "-o", "json"],
  ]) {
    const r = await cli(args);
    assert.equal(r.code === 0 || r.code === 1, true, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /c2VjcmV0|user_data/, args.join(" "));
  }
});

test("a state file that is not valid JSON is a located error, exit 2, no stack trace", async () => {
  const r = await cli(["snapshot", "show", "-s", "test/fixtures/terraform/broken.tfstate"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^podpath: test\/fixtures\/terraform\/broken\.tfstate:\d+:\d+: /m);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("JSON answers with Terraform sources (location.address) validate against their schemas", async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const snapshot = ["-s", K8S, "-s", `${STATE_DIR}/terraform.tfstate`, "-s", MANAGED];
  for (const [schema, args] of [
    ["trace", ["trace", ...snapshot, "--from", "workload:ecoeco/ecoeco-api", "--to", "internet"]],
    ["snapshot-show", ["snapshot", "show", "-s", "examples/ecoeco", "-s", `${STATE_DIR}/show.json`]],
    ["lint", ["lint", ...snapshot]],
  ] as const) {
    // lint.schema.json is draft-07, the others draft 2020-12
    const validate = (schema === "lint" ? new Ajv({ strict: false, allErrors: true }) : ajv).compile(
      JSON.parse(readFileSync(join(REPO, "schemas", `${schema}.schema.json`), "utf8")) as object,
    );
    const r = await cli([...args, "-o", "json"]);
    const text = r.stdout;
    // snapshot show's diagnostics are `file:line:col` (their messages name the address)
    if (schema !== "snapshot-show") assert.match(text, /"address": ?"/, `${schema}: an address is in the answer`);
    assert.ok(validate(JSON.parse(text)), `${schema}: ${JSON.stringify(validate.errors)}`);
  }
});
