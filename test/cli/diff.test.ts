/**
 * `podpath diff` as a user runs it: the embedded example before and after the seed analysis'
 * recommended egress NetworkPolicy (test/fixtures/diff/README.md). NetworkPolicy semantics are
 * connlist's and intended's (networking.k8s.io/v1, kubernetes.io/docs/concepts/services-networking/network-policies
 * "Isolation": a policy selecting a pod for Egress isolates it; only what a rule allows leaves).
 * Compared by key as Batfish's Answerer.answerDiff compares a question's rows on two snapshots.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { join } from "node:path";
import { cli, golden, tempDir } from "../support/helpers.js";

const SEED = "test/fixtures/diff/seed-policy.yaml";
const SEED_ECOECO = "test/fixtures/diff/seed-policy-ecoeco.yaml";

test("the seed's policy as it gives it (namespace default) changes nothing in the example: no pod runs in default", async () => {
  const text = await cli(["diff", "-w", SEED]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, golden("diff.ecoeco-seed-policy.txt", text.stdout));
  assert.match(text.stdout, /Connections: 0 added, 0 removed, 0 changed/);
  const json = await cli(["diff", "-w", SEED, "-o", "json"]);
  assert.equal(json.stdout, golden("diff.ecoeco-seed-policy.json", json.stdout));
});

test("Isolation (networking.k8s.io/v1 egress): the seed's policy in namespace ecoeco cuts ecoeco-api's DNS (kube-dns 53) and RabbitMQ (5672)", async () => {
  const text = await cli(["diff", "-w", SEED_ECOECO]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, golden("diff.ecoeco-seed-policy-ecoeco.txt", text.stdout));
  // DNS: the rule's namespaceSelector name=kube-system selects no namespace of the example
  assert.match(
    text.stdout,
    /^ {2}- ecoeco\/ecoeco-api\[Deployment\] => kube-system\/coredns\[Deployment\] : All Connections$/m,
  );
  // RabbitMQ: rabbitmq-0 (192.168.140.71) is outside ipBlock 10.0.0.0/16
  assert.match(
    text.stdout,
    /^ {2}- ecoeco\/ecoeco-api\[Deployment\] => messaging\/rabbitmq\[StatefulSet\] : All Connections$/m,
  );
  assert.match(
    text.stdout,
    /~ ecoeco\/ecoeco-api\[Deployment\] \(api\) -> messaging\/rabbitmq:5672 .*allowed -> blocked .*seed-policy-ecoeco\.yaml:2/,
  );
  // the ipBlock keeps 10.0.0.0/16: only the addresses around it are cut, the ranges are not re-split
  assert.doesNotMatch(text.stdout, /10\.0\.0\.0-10\.0\.255\.255/);
  const json = await cli(["diff", "-w", SEED_ECOECO, "-o", "json"]);
  assert.equal(json.stdout, golden("diff.ecoeco-seed-policy-ecoeco.json", json.stdout));
  const answer = JSON.parse(json.stdout) as { blockedDependencies: number; newExposure: number };
  assert.equal(answer.blockedDependencies, 2);
  assert.equal(answer.newExposure, 0);
  const md = await cli(["diff", "-w", SEED_ECOECO, "-o", "md"]);
  assert.equal(md.stdout, golden("diff.ecoeco-seed-policy-ecoeco.md", md.stdout));
  assert.match(md.stdout, /^\| Connections \| 0 \| 24 \| 0 \|$/m);
});

test("--fail-on blocked-dependency exits 1 when a dependency becomes blocked; new-exposure does not", async () => {
  assert.equal((await cli(["diff", "-w", SEED_ECOECO, "--fail-on", "blocked-dependency"])).code, 1);
  assert.equal((await cli(["diff", "-w", SEED_ECOECO, "--fail-on", "new-exposure"])).code, 0);
  assert.equal(
    (await cli(["diff", "-w", SEED_ECOECO, "--fail-on", "new-exposure", "--fail-on", "blocked-dependency"])).code,
    1,
  );
  const bad = await cli(["diff", "--fail-on", "everything"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Allowed choices are new-exposure, blocked-dependency/);
});

test("--before A --after B compares two snapshots as -s A -w B does", async () => {
  const overlay = await cli(["diff", "-w", SEED_ECOECO, "-o", "json"]);
  const two = await cli([
    "diff",
    "--before",
    "examples/ecoeco",
    "--after",
    "examples/ecoeco",
    "--after",
    SEED_ECOECO,
    "-o",
    "json",
  ]);
  assert.equal(two.code, 0, two.stderr);
  assert.equal(two.stdout, overlay.stdout);
  const half = await cli(["diff", "--before", "examples/ecoeco"]);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /--before and --after go together/);
});

test("TaintToleration (kube-scheduler pkg/scheduler/framework/plugins/tainttoleration): a NoSchedule taint on k8s-worker-2 makes it infeasible for the workloads without a toleration, with the taint's file:line", async () => {
  const text = await cli(["diff", "-w", "test/fixtures/diff/taint-worker-2.yaml"]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, golden("diff.ecoeco-taint-worker-2.txt", text.stdout));
  assert.match(
    text.stdout,
    /^ {2}~ StatefulSet messaging\/rabbitmq on k8s-worker-2: feasible -> infeasible — TaintToleration: node\(s\) had untolerated taint \{dedicated: batch\} \(test\/fixtures\/diff\/taint-worker-2\.yaml:\d+\)$/m,
  );
  // NetworkPolicy is not touched: nothing else changes
  assert.match(text.stdout, /Connections: 0 added, 0 removed, 0 changed/);
  const json = JSON.parse(
    (await cli(["diff", "-w", "test/fixtures/diff/taint-worker-2.yaml", "-o", "json"])).stdout,
  ) as {
    counts: { placement: { changed: number } };
  };
  assert.equal(json.counts.placement.changed, 17);
});

test("without --snapshot, diff says once that it uses the embedded example", async () => {
  const r = await cli(["diff", "-w", SEED]);
  assert.equal(r.stderr.match(/using the embedded example/g)?.length, 1, r.stderr);
});

test("-n NS (as kubectl -n, and connlist -n: connections from or to its workloads): -n messaging keeps the cut to RabbitMQ and its blocked dependencies, not the DNS cut to kube-system; -A wins over -n", async () => {
  const all = await cli(["diff", "-w", SEED_ECOECO, "-o", "json"]);
  const messaging = await cli(["diff", "-w", SEED_ECOECO, "-n", "messaging", "-o", "json"]);
  assert.equal(messaging.code, 0, messaging.stderr);
  const j = JSON.parse(messaging.stdout) as {
    namespace: string | null;
    connections: { src: string; dst: string }[];
    intended: { service: string }[];
    blockedDependencies: number;
  };
  assert.equal(j.namespace, "messaging");
  assert.deepEqual(
    j.connections.map((c) => `${c.src} => ${c.dst}`),
    ["ecoeco/ecoeco-api[Deployment] => messaging/rabbitmq[StatefulSet]"],
  );
  assert.deepEqual(
    j.intended.map((c) => c.service),
    ["messaging/rabbitmq", "messaging/rabbitmq"],
  );
  assert.equal(j.blockedDependencies, 2);
  const text = await cli(["diff", "-w", SEED_ECOECO, "-n", "messaging"]);
  assert.match(
    text.stdout,
    /^podpath diff \(namespace messaging\): 0 new internet exposure\(s\), 2 newly blocked dependencies$/m,
  );
  assert.doesNotMatch(text.stdout, /kube-system\/coredns/);
  // the source's namespace keeps every change of its workloads
  const ecoeco = JSON.parse((await cli(["diff", "-w", SEED_ECOECO, "-n", "ecoeco", "-o", "json"])).stdout) as {
    connections: unknown[];
  };
  const whole = JSON.parse(all.stdout) as { namespace: string | null; connections: unknown[] };
  assert.equal(whole.namespace, null);
  assert.equal(ecoeco.connections.length, whole.connections.length);
  // -A wins over -n, as kubectl's
  const both = await cli(["diff", "-w", SEED_ECOECO, "-n", "messaging", "-A", "-o", "json"]);
  assert.equal(both.stdout, all.stdout);
  // --fail-on reads the namespace's changes only
  assert.equal((await cli(["diff", "-w", SEED_ECOECO, "-n", "monitoring", "--fail-on", "blocked-dependency"])).code, 0);
  assert.equal((await cli(["diff", "-w", SEED_ECOECO, "-n", "messaging", "--fail-on", "blocked-dependency"])).code, 1);
});

test("-n with a namespace no workload of either snapshot is in: kubectl's 'No resources found' said on stderr, exit 0", async () => {
  const r = await cli(["diff", "-w", SEED_ECOECO, "-n", "nosuch"]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /no workloads found in namespace nosuch/);
  assert.match(r.stdout, /Connections: 0 added, 0 removed, 0 changed/);
});

test("an internal NLB added (AWS Load Balancer Controller, aws-load-balancer-scheme: internal): new VPC exposure, no new internet exposure — --fail-on new-vpc-exposure exits 1, new-exposure 0", async () => {
  const dir = tempDir({
    "internal.yaml": `apiVersion: v1
kind: Service
metadata:
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    service.beta.kubernetes.io/aws-load-balancer-type: external
  name: web-internal
  namespace: web
spec:
  type: LoadBalancer
  loadBalancerClass: service.k8s.aws/nlb
  ports:
  - {name: http, nodePort: 31081, port: 80, protocol: TCP, targetPort: http}
  selector: {app: web}
`,
  });
  const args = ["diff", "-s", "test/fixtures/captures/eks-vpc-cni-nlb", "-w", join(dir, "internal.yaml")];
  const r = await cli([...args, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    newExposure: number;
    newVpcExposure: number;
    vpcExposure: { change: string; frontend: string; after: string | null }[];
  };
  assert.equal(j.newExposure, 0);
  assert.equal(j.newVpcExposure, 1);
  assert.deepEqual(
    j.vpcExposure.map((c) => [c.change, c.frontend, c.after]),
    [
      ["added", "NodePort 31081/TCP of service web/web-internal", "blocked"],
      ["added", "service web/web-internal port 80/TCP", "open"],
    ],
  );
  assert.equal((await cli([...args, "--fail-on", "new-vpc-exposure"])).code, 1);
  assert.equal((await cli([...args, "--fail-on", "new-exposure"])).code, 0);
  const text = await cli(args);
  assert.match(
    text.stdout,
    /^podpath diff: 0 new internet exposure\(s\), 1 new VPC exposure\(s\), 0 newly blocked dependencies$/m,
  );
  assert.match(text.stdout, /^VPC exposure: 2 added, 0 removed, 0 changed$/m);
});
