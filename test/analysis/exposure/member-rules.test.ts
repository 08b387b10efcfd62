/**
 * memberRulesAdmitting (analysis/paths/aws/security-groups.ts): the inbound rules of a group that
 * admit a packet from the members of another security group — AWS VPC User Guide, "Security group
 * rules": a security group as the source admits traffic from the network interfaces associated
 * with it, never from an address merely inside the VPC. Rules with a CIDR or prefix-list source
 * are not member rules; the protocol and port must match as EC2 matches them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { memberRulesAdmitting } from "../../../src/analysis/paths/aws/security-groups.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { REPO } from "../../support/helpers.js";

const aws = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO }).aws;
const NODE_SG = "sg-0ecoeco0000000002";

const CASES: readonly (readonly [string, number, "TCP" | "UDP", readonly RegExp[]])[] = [
  [
    "a NodePort: the ALB's group (tcp 30000-32767) and the nodes' own group (all traffic)",
    30080,
    "TCP",
    [/inbound all traffic from sg-0ecoeco0000000002/, /inbound tcp 30000-32767 from sg-0ecoeco0000000001/],
  ],
  [
    "a port outside the NodePort range: only the nodes' own group",
    8080,
    "TCP",
    [/inbound all traffic from sg-0ecoeco0000000002/],
  ],
  [
    "UDP (VXLAN): only the all-traffic rule matches the protocol",
    4789,
    "UDP",
    [/inbound all traffic from sg-0ecoeco0000000002/],
  ],
];

for (const [why, port, protocol, expected] of CASES)
  test(`member rules of ${NODE_SG} for ${protocol} ${port}: ${why}`, () => {
    const rules = memberRulesAdmitting([NODE_SG], port, protocol, aws);
    assert.equal(rules.length, expected.length, rules.map((r) => r.rule).join("; "));
    expected.forEach((re, i) => assert.match(rules[i]!.rule, re));
    assert.ok(rules.every((r) => /ec2-describe-security-groups\.json$/.test(r.source.file)));
  });

test("the ALB's group admits the internet by CIDR only: no member rule", () => {
  assert.deepEqual(memberRulesAdmitting(["sg-0ecoeco0000000001"], 443, "TCP", aws), []);
});
