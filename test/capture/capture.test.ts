/**
 * `podpath snapshot capture` against a recording server (recording-server.ts) that serves the
 * recorded cluster of examples/ecoeco as the Kubernetes API and the EC2/ELBv2 query APIs answer:
 * paging (`limit`/`continue`, NextToken, Marker), a 403 on one kind, throttling then success, a
 * malformed page; then the captured directory loads to the same model as the recorded files.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import yaml from "js-yaml";
import { summarizeSnapshot } from "../../src/analysis/snapshot-summary.js";
import { IAM_ACTIONS } from "../../src/capture/index.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { cli, EXAMPLE, REPO, tempDir } from "../support/helpers.js";
import {
  kubeconfigFor,
  OTHER_LOAD_BALANCER,
  startRecordingServer,
  TAGGED_LOAD_BALANCER,
  type RecordingServer,
} from "./recording-server.js";

// the SDK's default credential chain and configured endpoint (AWS_ENDPOINT_URL), pointed at the server
process.env["AWS_ACCESS_KEY_ID"] = "AKIDTESTCAPTURE";
process.env["AWS_SECRET_ACCESS_KEY"] = "test-secret";
process.env["AWS_EC2_METADATA_DISABLED"] = "true";
process.env["AWS_CONFIG_FILE"] = "/nonexistent/podpath-test/config";
process.env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/podpath-test/credentials";
delete process.env["AWS_PROFILE"];
delete process.env["AWS_REGION"];
delete process.env["AWS_DEFAULT_REGION"];

let clean: RecordingServer;
let faulty: RecordingServer;
let cleanDir: string;
let faultyDir: string;
let cleanRun: Awaited<ReturnType<typeof cli>>;
let faultyRun: Awaited<ReturnType<typeof cli>>;

async function capture(server: RecordingServer, extra: readonly string[] = []) {
  const dir = tempDir({ "kubeconfig.yaml": kubeconfigFor(server.url) });
  process.env["AWS_ENDPOINT_URL"] = server.url;
  const out = join(dir, "capture");
  const run = await cli(
    [
      "snapshot",
      "capture",
      "--out",
      out,
      "--kubeconfig",
      join(dir, "kubeconfig.yaml"),
      "--context",
      "recorded",
      ...extra,
    ],
    REPO,
  );
  return { out, run };
}

before(async () => {
  clean = await startRecordingServer(EXAMPLE);
  faulty = await startRecordingServer(EXAMPLE, {
    forbidden: ["networkpolicies"],
    throttledOnce: ["pods"],
    malformed: ["endpointslices"],
    denied: ["DescribeNetworkAcls"],
    awsThrottledOnce: ["DescribeSubnets", "DescribeLoadBalancers"],
    awsMalformed: ["DescribeRouteTables"],
  });
  ({ out: cleanDir, run: cleanRun } = await capture(clean, ["--chunk-size", "7"]));
  ({ out: faultyDir, run: faultyRun } = await capture(faulty, ["--chunk-size", "7", "--region", "ap-northeast-2"]));
});

after(async () => {
  await clean.close();
  await faulty.close();
});

/** a trace's JSON without what names files (the capture's files are not the example's) */
function withoutSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSources);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>))
    if (key !== "source" && key !== "location" && key !== "sources" && key !== "snapshot") out[key] = withoutSources(v);
  return out;
}

const summary = (path: string) => summarizeSnapshot(loadSnapshot({ paths: [path], cwd: REPO }));

test("capture of the recorded cluster: exit 0, progress per kind and per call with counts on stderr, k8s/ aws/ podpath.yaml written", () => {
  assert.equal(cleanRun.code, 0, cleanRun.stderr);
  assert.equal(cleanRun.stdout, "");
  assert.match(cleanRun.stderr, /podpath: capture: list pods: \d+ objects/);
  assert.match(cleanRun.stderr, /podpath: capture: ec2:DescribeSubnets: \d+ \(\d+ pages\)/);
  // routes (OpenShift) and Calico's v3 API are not served: notes, not warnings
  assert.match(cleanRun.stderr, /routes\.route\.openshift\.io: not served by this cluster, skipped/);
  assert.doesNotMatch(cleanRun.stderr, /warning/);
  assert.ok(existsSync(join(cleanDir, "podpath.yaml")));
  assert.ok(existsSync(join(cleanDir, "k8s/pods.yaml")));
  assert.ok(existsSync(join(cleanDir, "aws/ec2-describe-instances.json")));
  assert.ok(existsSync(join(cleanDir, "aws/elbv2-describe-rules-https-443.json")));
});

test("captured directory loads to the same model as the recorded files (summarizeSnapshot: object counts, nodes, joins, layers)", () => {
  const captured = summary(cleanDir);
  const recorded = summary(EXAMPLE);
  assert.deepEqual(captured.kubernetes, recorded.kubernetes);
  assert.deepEqual(captured.aws, recorded.aws);
  const nodes = (s: typeof captured) => s.nodes.map(({ source: _source, ...node }) => node);
  assert.deepEqual(nodes(captured), nodes(recorded));
  assert.deepEqual(captured.networkInterfaceOrigins, recorded.networkInterfaceOrigins);
  // the example's secrets.yaml is there for leak tests; a capture never reads Secrets
  const { "v1 Secret": secrets, ...unmodelled } = recorded.unmodelledKinds;
  assert.ok(secrets !== undefined && secrets > 0);
  assert.deepEqual(captured.unmodelledKinds, unmodelled);
  assert.deepEqual(
    captured.layers.map((l) => [l.layer, l.present]),
    recorded.layers.map((l) => [l.layer, l.present]),
  );
  assert.deepEqual(
    captured.diagnostics.map((d) => d.code),
    recorded.diagnostics.map((d) => d.code),
  );
});

for (const [from, to] of [
  ["internet", "url:https://growbin.app/argocd"],
  ["workload:ecoeco/ecoeco-api", "internet"],
  ["workload:ecoeco/ecoeco-api", "service:messaging/rabbitmq"],
] as const) {
  test(`captured directory gives the recorded files' trace answer: ${from} → ${to}`, async () => {
    const captured = await cli(["trace", "--from", from, "--to", to, "-o", "json", "--snapshot", cleanDir], REPO);
    const recorded = await cli(["trace", "--from", from, "--to", to, "-o", "json", "--snapshot", EXAMPLE], REPO);
    assert.equal(captured.code, recorded.code, captured.stderr);
    assert.deepEqual(withoutSources(JSON.parse(captured.stdout)), withoutSources(JSON.parse(recorded.stdout)));
  });
}

test("Kubernetes paging as kubectl --chunk-size (ListOptions limit/continue): every list asks limit=7 and follows continue", () => {
  const pods = clean.requests.filter((r) => r.path.startsWith("/api/v1/pods?"));
  assert.ok(pods.length > 2, `pods listed in ${pods.length} pages`);
  assert.ok(pods.every((r) => r.path.includes("limit=7")));
  assert.ok(pods.slice(1).every((r) => r.path.includes("continue=")));
  const captured = yaml.load(readFileSync(join(cleanDir, "k8s/pods.yaml"), "utf8")) as {
    kind: string;
    items: unknown[];
  };
  const recorded = yaml.load(readFileSync(join(EXAMPLE, "k8s/pods.yaml"), "utf8")) as { items: unknown[] };
  assert.equal(captured.kind, "List");
  assert.equal(captured.items.length, recorded.items.length);
});

test("kubectl's List format: apiVersion and kind on every item (the API server's lists leave them out)", () => {
  const list = yaml.load(readFileSync(join(cleanDir, "k8s/deployments.yaml"), "utf8")) as {
    apiVersion: string;
    kind: string;
    items: { apiVersion: string; kind: string }[];
  };
  assert.equal(list.apiVersion, "v1");
  assert.ok(list.items.every((i) => i.apiVersion === "apps/v1" && i.kind === "Deployment"));
  const calico = yaml.load(readFileSync(join(cleanDir, "k8s/calico.yaml"), "utf8")) as { items: { kind: string }[] };
  assert.ok(calico.items.some((i) => i.kind === "IPPool"));
});

test("AWS paging through the SDK's paginators: DescribeSubnets and DescribeInstances follow NextToken, DescribeLoadBalancers and DescribeTargetGroups Marker", () => {
  const calls = (action: string) => clean.requests.filter((r) => r.action === action);
  assert.ok(calls("DescribeSubnets").length >= 2);
  assert.ok(
    calls("DescribeSubnets")
      .slice(1)
      .every((r) => r.params?.["NextToken"]),
  );
  assert.ok(
    calls("DescribeLoadBalancers")
      .slice(1)
      .every((r) => r.params?.["Marker"]),
  );
  assert.ok(calls("DescribeTargetGroups").length >= 2);
  const subnets = JSON.parse(readFileSync(join(cleanDir, "aws/ec2-describe-subnets.json"), "utf8")) as Record<
    string,
    unknown[]
  >;
  const recorded = JSON.parse(readFileSync(join(EXAMPLE, "aws/ec2-describe-subnets.json"), "utf8")) as Record<
    string,
    unknown[]
  >;
  assert.deepEqual(Object.keys(subnets), ["Subnets"]);
  assert.equal(subnets["Subnets"]!.length, recorded["Subnets"]!.length);
});

test("AWS scope: the VPC of the nodes' instances (providerID → DescribeInstances instance-id filter), the cluster's load balancers only", () => {
  const first = clean.requests.find((r) => r.action === "DescribeInstances");
  assert.equal(first?.params?.["Filter.1.Name"], "instance-id");
  const subnets = clean.requests.find((r) => r.action === "DescribeSubnets");
  assert.equal(subnets?.params?.["Filter.1.Name"], "vpc-id");
  const vpc = (
    JSON.parse(readFileSync(join(EXAMPLE, "aws/ec2-describe-vpcs.json"), "utf8")) as { Vpcs: { VpcId: string }[] }
  ).Vpcs[0]!.VpcId;
  assert.equal(subnets?.params?.["Filter.1.Value.1"], vpc);
  const lbs = readFileSync(join(cleanDir, "aws/elbv2-describe-load-balancers.json"), "utf8");
  assert.doesNotMatch(lbs, new RegExp(OTHER_LOAD_BALANCER.LoadBalancerName));
  // the region came from the nodes' zone (aws:///ap-northeast-2a/…): no --region, no AWS_REGION
  assert.match(cleanRun.stderr, /region ap-northeast-2, from the nodes' providerIDs/);
});

test("read-only: GET only on the Kubernetes API, never Secrets, the kubeconfig's token sent; AWS actions are IAM_ACTIONS only", () => {
  const k8s = clean.requests.filter((r) => r.action === undefined);
  assert.ok(k8s.every((r) => r.method === "GET"));
  assert.ok(k8s.every((r) => r.authorization === "Bearer recorded-token"));
  assert.ok(!k8s.some((r) => /secrets/.test(r.path)));
  const actions = new Set(clean.requests.flatMap((r) => (r.action ? [r.action] : [])));
  const allowed = new Set(IAM_ACTIONS.map((a) => a.split(":")[1]));
  assert.deepEqual(
    [...actions].filter((a) => !allowed.has(a)),
    [],
  );
  assert.ok([...actions].every((a) => /^(Describe|Get)/.test(a)));
});

test("stripped as the loader reads (meta.ts MANIFEST_COPY_ANNOTATIONS, pod-spec.ts KEPT_ENV_VALUES, host-references.ts): no last-applied-configuration, no managedFields, env values only as the hosts they name", () => {
  const text = readFileSync(join(cleanDir, "k8s/deployments.yaml"), "utf8");
  assert.doesNotMatch(text, /last-applied-configuration|managedFields/);
  assert.doesNotMatch(text, /EXAMPLE-NOT-A-REAL-KEY-ID-0001/);
  assert.doesNotMatch(text, /value: \/helm-working-dir/);
  assert.match(text, /value: rabbitmq\.messaging\.svc\.cluster\.local\n/);
  const all = readdirSync(join(cleanDir, "k8s")).map((f) => readFileSync(join(cleanDir, "k8s", f), "utf8"));
  assert.ok(!all.some((t) => /kind: Secret\b/.test(t)));
});

test("faults: a 403 on networkpolicies, a malformed endpointslices page, AccessDenied on DescribeNetworkAcls, a malformed DescribeRouteTables are warnings on stderr and in podpath.yaml; the rest is captured, exit 0, no stack trace", () => {
  assert.equal(faultyRun.code, 0, faultyRun.stderr);
  assert.doesNotMatch(faultyRun.stderr, /\n\s+at /);
  assert.match(
    faultyRun.stderr,
    /warning: list networkpolicies\.networking\.k8s\.io: 403 Forbidden: networkpolicies\.networking\.k8s\.io is forbidden: .*; networkpolicies\.networking\.k8s\.io not captured/,
  );
  assert.match(
    faultyRun.stderr,
    /warning: list endpointslices\.discovery\.k8s\.io \(page 2\): the response is not a JSON object \(.*\); endpointslices\.discovery\.k8s\.io not captured/,
  );
  assert.match(faultyRun.stderr, /warning: ec2:DescribeNetworkAcls denied: UnauthorizedOperation: /);
  assert.match(faultyRun.stderr, /warning: ec2:DescribeRouteTables could not be read: /);
  const index = yaml.load(readFileSync(join(faultyDir, "podpath.yaml"), "utf8")) as {
    warnings: string[];
    kubernetes: { path: string }[];
    aws: { path: string }[];
  };
  assert.equal(index.warnings.length, 4);
  assert.ok(!index.kubernetes.some((e) => e.path === "k8s/networkpolicies.yaml"));
  assert.ok(!index.aws.some((e) => e.path === "aws/ec2-describe-network-acls.json"));
  assert.ok(index.aws.some((e) => e.path === "aws/ec2-describe-subnets.json"));
});

test("throttling: a 429 with Retry-After on a pods page is retried (client-go rest/with_retry.go checkWait), RequestLimitExceeded and Throttling by the SDK's standard retry; everything captured", () => {
  assert.match(faultyRun.stderr, /list pods \(page 2\): 429, retrying/);
  const pods2 = faulty.requests.filter((r) => r.path.startsWith("/api/v1/pods?") && r.path.includes("continue="));
  assert.ok(pods2.length >= 2);
  const count = (dir: string, file: string) =>
    (yaml.load(readFileSync(join(dir, file), "utf8")) as { items: unknown[] }).items.length;
  assert.equal(count(faultyDir, "k8s/pods.yaml"), count(cleanDir, "k8s/pods.yaml"));
  assert.ok(
    faulty.requests.filter((r) => r.action === "DescribeSubnets").length >
      clean.requests.filter((r) => r.action === "DescribeSubnets").length,
  );
  assert.equal(
    readFileSync(join(faultyDir, "aws/ec2-describe-subnets.json"), "utf8"),
    readFileSync(join(cleanDir, "aws/ec2-describe-subnets.json"), "utf8"),
  );
  assert.equal(
    readFileSync(join(faultyDir, "aws/elbv2-describe-load-balancers.json"), "utf8"),
    readFileSync(join(cleanDir, "aws/elbv2-describe-load-balancers.json"), "utf8"),
  );
});

test("snapshot show lists the index's warnings as capture-warning diagnostics at podpath.yaml:line", async () => {
  const r = await cli(["snapshot", "show", "--snapshot", faultyDir, "-o", "json"], REPO);
  assert.equal(r.code, 0, r.stderr);
  const show = JSON.parse(r.stdout) as { diagnostics: { code: string; message: string; source: string | null }[] };
  const warnings = show.diagnostics.filter((d) => d.code === "capture-warning");
  assert.equal(warnings.length, 4);
  assert.ok(warnings.every((w) => /podpath\.yaml:\d+:\d+$/.test(w.source ?? "")));
  assert.match(warnings.map((w) => w.message).join("\n"), /capture: list networkpolicies/);
  const text = await cli(["snapshot", "show", "--snapshot", faultyDir], REPO);
  assert.match(text.stdout, /podpath\.yaml:\d+:\d+: capture: ec2:DescribeNetworkAcls denied:\s+UnauthorizedOperation/);
});

test("--live: trace captures to a temporary directory, answers as from the recorded files, and removes the directory", async () => {
  const dir = tempDir({ "kubeconfig.yaml": kubeconfigFor(clean.url) });
  process.env["AWS_ENDPOINT_URL"] = clean.url;
  const before = readdirSync(tmpdir()).filter((d) => d.startsWith("podpath-live-"));
  const args = ["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd", "-o", "json"];
  const live = await cli(
    [...args, "--live", "--kubeconfig", join(dir, "kubeconfig.yaml"), "--context", "recorded"],
    REPO,
  );
  const recorded = await cli([...args, "--snapshot", EXAMPLE], REPO);
  assert.equal(live.code, recorded.code, live.stderr);
  assert.deepEqual(withoutSources(JSON.parse(live.stdout)), withoutSources(JSON.parse(recorded.stdout)));
  assert.deepEqual(
    readdirSync(tmpdir()).filter((d) => d.startsWith("podpath-live-")),
    before,
  );
  // the answer names the captured files as laid out (k8s/…, aws/…), the same on every run
  assert.match(live.stdout, /"source": "aws\/elbv2-describe-rules-https-443\.json:\d+"/);
  assert.doesNotMatch(live.stdout, /podpath-live-/);
  const again = await cli(
    [...args, "--live", "--kubeconfig", join(dir, "kubeconfig.yaml"), "--context", "recorded"],
    REPO,
  );
  assert.equal(again.stdout, live.stdout);
  const both = await cli([...args, "--live", "--snapshot", EXAMPLE], REPO);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give --live or --snapshot, not both/);
});

test("bad input: an unknown context, an unreachable API server — one line, exit 2, no stack trace", async () => {
  const dir = tempDir({
    "kubeconfig.yaml": kubeconfigFor(clean.url),
    "dead.yaml": kubeconfigFor("http://127.0.0.1:9"),
  });
  const unknown = await cli(
    ["snapshot", "capture", "--out", join(dir, "x"), "--kubeconfig", join(dir, "kubeconfig.yaml"), "--context", "nope"],
    REPO,
  );
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'podpath: no context "nope" in the kubeconfig (it has: recorded, other)\n');
  const dead = await cli(
    ["snapshot", "capture", "--out", join(dir, "y"), "--kubeconfig", join(dir, "dead.yaml"), "-q"],
    REPO,
  );
  assert.equal(dead.code, 2);
  assert.match(
    dead.stderr,
    /^podpath: cannot read the cluster's API: discovery GET \/api\/v1: cannot reach the API server http:\/\/127\.0\.0\.1:9: ECONNREFUSED/,
  );
  assert.doesNotMatch(dead.stderr, /\n\s+at /);
  assert.ok(!existsSync(join(dir, "y", "podpath.yaml")));
  const notADirectory = await cli(
    ["snapshot", "capture", "--out", join(dir, "dead.yaml"), "--kubeconfig", join(dir, "kubeconfig.yaml")],
    REPO,
  );
  assert.equal(notADirectory.code, 2);
  assert.match(notADirectory.stderr, /^podpath: cannot write the capture to .*dead\.yaml: EEXIST/);
});

test("podpath --help names snapshot capture and --live; snapshot --help lists capture beside show", async () => {
  const root = await cli(["--help"], REPO);
  assert.match(root.stdout, /podpath snapshot capture --out DIR/);
  assert.match(root.stdout, /--live/);
  const snapshot = await cli(["snapshot", "--help"], REPO);
  assert.match(snapshot.stdout, /\n  show \[options\]/);
  assert.match(snapshot.stdout, /\n  capture \[options\]/);
});

test("--namespace (repeatable) limits the namespaced kinds to those namespaces (GET …/namespaces/NS/…), cluster-scoped kinds whole; --quiet prints no progress", async () => {
  const dir = tempDir({ "kubeconfig.yaml": kubeconfigFor(clean.url) });
  process.env["AWS_ENDPOINT_URL"] = clean.url;
  const out = join(dir, "capture");
  const r = await cli(
    [
      "snapshot",
      "capture",
      "--out",
      out,
      "--kubeconfig",
      join(dir, "kubeconfig.yaml"),
      "--context",
      "recorded",
      "-n",
      "ecoeco",
      "-n",
      "argocd",
      "--no-aws",
      "--quiet",
    ],
    REPO,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const namespaces = (file: string) =>
    new Set(
      (yaml.load(readFileSync(join(out, file), "utf8")) as { items: { metadata: { namespace?: string } }[] }).items.map(
        (i) => i.metadata.namespace ?? "",
      ),
    );
  assert.deepEqual([...namespaces("k8s/pods.yaml")].sort(), ["argocd", "ecoeco"]);
  assert.ok(
    namespaces("k8s/namespaces.yaml").size === 1 &&
      (yaml.load(readFileSync(join(out, "k8s/namespaces.yaml"), "utf8")) as { items: unknown[] }).items.length > 2,
  );
  assert.ok(!existsSync(join(out, "aws")));
});

test("aws-load-balancer-controller tracking/provider.go: without the cluster (--no-kubernetes --vpc-id), the load balancers tagged for it (elbv2.k8s.aws/cluster, the legacy ingress.k8s.aws/cluster) are captured, another team's is not", async () => {
  const server = await startRecordingServer(EXAMPLE, { taggedLoadBalancer: true });
  try {
    process.env["AWS_ENDPOINT_URL"] = server.url;
    const out = join(tempDir(), "capture");
    const r = await cli(
      [
        "snapshot",
        "capture",
        "--out",
        out,
        "--no-kubernetes",
        "--vpc-id",
        "vpc-0ecoeco0000000001",
        "--region",
        "ap-northeast-2",
      ],
      REPO,
    );
    assert.equal(r.code, 0, r.stderr);
    const lbs = (
      JSON.parse(readFileSync(join(out, "aws/elbv2-describe-load-balancers.json"), "utf8")) as {
        LoadBalancers: { LoadBalancerName: string }[];
      }
    ).LoadBalancers.map((lb) => lb.LoadBalancerName);
    assert.deepEqual(lbs, ["k8s-ecoeco-3f9c2a71b4", TAGGED_LOAD_BALANCER.LoadBalancerName]);
    // two load balancers: one listeners file each, named after it (as scripts/capture-snapshot.sh)
    assert.ok(existsSync(join(out, "aws/elbv2-describe-listeners-k8s-ecoeco-3f9c2a71b4.json")));
    assert.ok(existsSync(join(out, "aws/elbv2-describe-rules-k8s-ecoeco-3f9c2a71b4-https-443.json")));
    assert.ok(!existsSync(join(out, "k8s")));
  } finally {
    await server.close();
  }
});

test("aws/*.json as the AWS CLI prints them: every captured file holds what the recorded CLI output holds (SDK output back to PascalCase keys, pages merged, timestamps as isoformat())", () => {
  const files = (dir: string): string[] =>
    readdirSync(join(cleanDir, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
    );
  const captured = files("aws").sort();
  assert.equal(captured.length, 17);
  for (const file of captured)
    assert.deepEqual(
      JSON.parse(readFileSync(join(cleanDir, file), "utf8")),
      JSON.parse(readFileSync(join(EXAMPLE, file), "utf8")),
      file,
    );
});
