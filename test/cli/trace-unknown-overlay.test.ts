/**
 * Issue 8 done-when scenarios on the embedded example, through the CLI with what-if files shaped
 * as `aws ec2 describe-security-groups` prints them (test/fixtures/what-if/):
 * - a one-way UDP 4789 rule between the node security groups drops the VXLAN reply (Calico
 *   "Network requirements": UDP 4789 between all nodes, bidirectional);
 * - an ALB whose only HTTPS rule references a managed prefix list gives `unknown` without the
 *   prefix list in the snapshot (with it: test/analysis/paths/overlay-and-unknown.test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { cli, REPO } from "../support/helpers.js";
import type { TraceJson } from "../../src/questions/trace.js";

const WHAT_IF = join(REPO, "test/fixtures/what-if");

async function trace(args: string[], code = 0): Promise<TraceJson> {
  const r = await cli(["trace", ...args, "-o", "json"]);
  assert.equal(r.code, code, r.stderr);
  return JSON.parse(r.stdout) as TraceJson;
}

test("what-if: ecoeco-node-sg admits UDP 4789 only from k8s-master — a pod on k8s-master → a pod on k8s-worker-1: forward delivered, the VXLAN reply DROPPED at the master's ENI naming the missing inbound 4789 rule", async () => {
  const withFile = ["--with", join(WHAT_IF, "node-sg-vxlan-one-way.json")];
  const t = await trace([
    "--from",
    "workload:kube-system/coredns",
    "--to",
    "pod:argocd/argocd-application-controller-0",
    "--port",
    "8082",
    ...withFile,
  ]);
  assert.equal(t.verdict, "delivered");
  // the request's outer packet master → worker-1:4789 is admitted by the worker's inbound rule
  const admitted = t.hops.find((h) => h.component === "security-group" && h.hop.includes("10.0.1.11"))!;
  assert.match(admitted.note, /inbound udp 4789 from 10\.0\.1\.10\/32 \(Calico VXLAN from k8s-master\)/);
  assert.equal(t.return.verdict, "dropped");
  assert.equal(t.return.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.equal(t.return.drop?.at, "security-group:sg-0ecoeco0000000002");
  assert.match(
    t.return.drop?.message ?? "",
    /missing rule: inbound UDP 4789 from 10\.0\.1\.11 \(or its security group sg-0ecoeco0000000002\) on sg-0ecoeco0000000002 \(ecoeco-node-sg\)/,
  );
  assert.match(t.return.drop?.source ?? "", /^test\/fixtures\/what-if\/node-sg-vxlan-one-way\.json:\d+$/);
  const last = t.return.hops.at(-1)!;
  assert.deepEqual(
    [last.hop, last.action, last.packet.outer?.src, last.packet.outer?.dst],
    ["eni eni-0ecoeco0000000010 (10.0.1.10)", "drop", "10.0.1.11", "10.0.1.10"],
  );
  // --fail-on-drop fails on the dropped reply too
  await trace(
    [
      "--from",
      "workload:kube-system/coredns",
      "--to",
      "pod:argocd/argocd-application-controller-0",
      "--port",
      "8082",
      ...withFile,
      "--fail-on-drop",
    ],
    1,
  );
  // without the what-if, the example's self-referencing all-traffic rule admits the reply as a new flow
  const ok = await trace([
    "--from",
    "workload:kube-system/coredns",
    "--to",
    "pod:argocd/argocd-application-controller-0",
    "--port",
    "8082",
  ]);
  assert.equal(ok.return.verdict, "delivered");
  assert.ok(ok.return.hops.some((h) => h.component === "security-group" && /new flow/.test(h.note)));
});

test("what-if: ecoeco-alb-sg's only HTTPS rule references prefix list pl-3b927c52 (CloudFront) — the internet → the ALB is `unknown` in the trace JSON, naming the rule and the aws ec2 commands to capture", async () => {
  const t = await trace([
    "--from",
    "internet",
    "--to",
    "url:https://growbin.app/argocd",
    "--with",
    join(WHAT_IF, "alb-sg-https-from-cloudfront-prefix-list.json"),
  ]);
  assert.equal(t.verdict, "unknown");
  assert.equal(t.drop, null);
  assert.equal(t.unknown?.at, "security-group:sg-0ecoeco0000000001");
  assert.match(
    t.unknown?.message ?? "",
    /inbound tcp 443 from prefix list pl-3b927c52 \(HTTPS from CloudFront only\) may allow tcp 443 from 198\.51\.100\.20, but prefix list pl-3b927c52 is not in the snapshot/,
  );
  assert.match(
    t.unknown?.capture ?? "",
    /aws ec2 describe-managed-prefix-lists --prefix-list-ids pl-3b927c52 and aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-3b927c52/,
  );
  assert.match(
    t.unknown?.source ?? "",
    /^test\/fixtures\/what-if\/alb-sg-https-from-cloudfront-prefix-list\.json:\d+$/,
  );
  assert.equal(t.hops.at(-1)?.action, "unknown");
  // HTTP (80) keeps its 0.0.0.0/0 rule: decided
  const http = await trace([
    "--from",
    "internet",
    "--to",
    "url:http://growbin.app/argocd",
    "--with",
    join(WHAT_IF, "alb-sg-https-from-cloudfront-prefix-list.json"),
  ]);
  assert.notEqual(http.verdict, "unknown");
});

test("what-if with the prefix list captured as the AWS CLI prints it (describe-managed-prefix-lists + get-managed-prefix-list-entries, id from the file name): CloudFront's 130.176.0.0/18 is admitted citing the entry, another internet client is dropped — decided, not unknown", async () => {
  const withFiles = [
    "--with",
    join(WHAT_IF, "alb-sg-https-from-cloudfront-prefix-list.json"),
    "--with",
    join(WHAT_IF, "prefix-lists/ec2-describe-managed-prefix-lists.json"),
    "--with",
    join(WHAT_IF, "prefix-lists/pl-3b927c52.json"),
  ];
  const cloudfront = await trace(["--from", "ip:130.176.1.20", "--to", "url:https://growbin.app/argocd", ...withFiles]);
  assert.equal(cloudfront.verdict, "delivered");
  const sg = cloudfront.hops.find((h) => h.component === "security-group")!;
  assert.match(sg.note, /pl-3b927c52/);
  assert.match(sg.note, /130\.176\.0\.0\/18/);
  const other = await trace(["--from", "internet", "--to", "url:https://growbin.app/argocd", ...withFiles]);
  assert.equal(other.verdict, "dropped");
  assert.equal(other.drop?.code, "SECURITY_GROUP_INGRESS");
  assert.equal(other.unknown, null);
});
