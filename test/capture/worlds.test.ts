/**
 * `podpath snapshot capture` of two more recorded worlds (recording-server.ts):
 * - test/fixtures/captures/eks-vpc-cni-nlb: an NLB the AWS Load Balancer Controller made for a
 *   LoadBalancer Service (TCP listeners: no DescribeRules; its target group's attributes, which
 *   the loader reads for preserve_client_ip — DescribeTargetGroupAttributes), nodes with
 *   providerIDs in us-east-1 (the region from their zone);
 * - test/fixtures/captures/kubeadm-public-instances-only overlaid with prefix-lists: nodes without
 *   providerID (no cloud provider: their InternalIPs find the instances, private-ip-address filter),
 *   a security group rule naming a managed prefix list (DescribeManagedPrefixLists and
 *   GetManagedPrefixListEntries for it), no describe-network-interfaces (denied: a warning).
 * The captured directory loads to the same model and trace answers as the recorded files.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { summarizeSnapshot } from "../../src/analysis/snapshot-summary.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { cli, REPO, tempDir } from "../support/helpers.js";
import { kubeconfigFor, startRecordingServer } from "./recording-server.js";

process.env["AWS_ACCESS_KEY_ID"] = "AKIDTESTCAPTURE";
process.env["AWS_SECRET_ACCESS_KEY"] = "test-secret";
process.env["AWS_EC2_METADATA_DISABLED"] = "true";
process.env["AWS_CONFIG_FILE"] = "/nonexistent/podpath-test/config";
process.env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/podpath-test/credentials";
delete process.env["AWS_PROFILE"];
delete process.env["AWS_REGION"];
delete process.env["AWS_DEFAULT_REGION"];

const NLB = join(REPO, "test/fixtures/captures/eks-vpc-cni-nlb");
const KUBEADM = join(REPO, "test/fixtures/captures/kubeadm-public-instances-only");
const PREFIX_LISTS = join(REPO, "test/fixtures/captures/prefix-lists");

async function captureOf(worlds: readonly string[], extra: readonly string[] = []) {
  const server = await startRecordingServer(worlds);
  try {
    const dir = tempDir({ "kubeconfig.yaml": kubeconfigFor(server.url) });
    process.env["AWS_ENDPOINT_URL"] = server.url;
    const out = join(dir, "capture");
    const run = await cli(
      ["snapshot", "capture", "--out", out, "--kubeconfig", join(dir, "kubeconfig.yaml"), ...extra],
      REPO,
    );
    return { out, run, requests: server.requests };
  } finally {
    await server.close();
  }
}

const summary = (paths: string[]) => summarizeSnapshot(loadSnapshot({ paths, cwd: REPO }));

function sameModel(captured: ReturnType<typeof summary>, recorded: ReturnType<typeof summary>): void {
  assert.deepEqual(captured.kubernetes, recorded.kubernetes);
  assert.deepEqual(captured.aws, recorded.aws);
  const nodes = (s: typeof captured) => s.nodes.map(({ source: _source, ...node }) => node);
  assert.deepEqual(nodes(captured), nodes(recorded));
  assert.deepEqual(captured.networkInterfaceOrigins, recorded.networkInterfaceOrigins);
}

function withoutSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSources);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>))
    if (key !== "source" && key !== "location" && key !== "sources" && key !== "snapshot") out[key] = withoutSources(v);
  return out;
}

async function sameTrace(captured: string[], recorded: string[], args: readonly string[]): Promise<void> {
  const snapshots = (paths: string[]) => paths.flatMap((p) => ["--snapshot", p]);
  const a = await cli(["trace", ...args, "-o", "json", ...snapshots(captured)], REPO);
  const b = await cli(["trace", ...args, "-o", "json", ...snapshots(recorded)], REPO);
  assert.equal(a.code, b.code, a.stderr);
  // notes cite files too: each snapshot's directory reads as SNAPSHOT
  const normal = (text: string, dirs: string[]) =>
    withoutSources(
      JSON.parse(
        dirs.reduce(
          (t, d) =>
            t
              .split(relative(REPO, d) || d)
              .join("SNAPSHOT")
              .split(d)
              .join("SNAPSHOT"),
          text,
        ),
      ),
    );
  assert.deepEqual(normal(a.stdout, captured), normal(b.stdout, recorded));
}

test("eks-vpc-cni-nlb: an NLB's TCP listeners (no DescribeRules) and its target group's attributes (DescribeTargetGroupAttributes, named by targetGroupArn in podpath.yaml); same model and NLB trace as the recorded files", async () => {
  const { out, run, requests } = await captureOf([NLB]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /region us-east-1, from the nodes' providerIDs/);
  assert.ok(!requests.some((r) => r.action === "DescribeRules"));
  assert.ok(requests.some((r) => r.action === "DescribeTargetGroupAttributes"));
  const index = readFileSync(join(out, "podpath.yaml"), "utf8");
  assert.match(
    index,
    /- path: aws\/elbv2-target-group-attributes\/k8s-web-webnlb-8f41d2c9aa\.json\n\s+targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup\/k8s-web-webnlb-8f41d2c9aa\/7b2e4c9d1a3f5e60\n/,
  );
  // the recorded capture had no network ACLs: the recording server denies the call
  assert.match(run.stderr, /warning: ec2:DescribeNetworkAcls denied/);
  sameModel(summary([out]), summary([NLB]));
  await sameTrace([out], [NLB], ["--from", "internet", "--to", "service:web/web-nlb"]);
});

test("kubeadm without a cloud provider: nodes found by InternalIP (DescribeInstances private-ip-address), the prefix list a security group rule names captured with its entries (prefixListId in podpath.yaml)", async () => {
  const { out, run, requests } = await captureOf([KUBEADM, PREFIX_LISTS], ["--region", "ap-northeast-2"]);
  assert.equal(run.code, 0, run.stderr);
  const first = requests.find((r) => r.action === "DescribeInstances");
  assert.equal(first?.params?.["Filter.1.Name"], "private-ip-address");
  const lists = requests.find((r) => r.action === "DescribeManagedPrefixLists");
  assert.equal(lists?.params?.["PrefixListId.1"], "pl-0f3e1c2d4b5a69788");
  const entries = requests
    .filter((r) => r.action === "GetManagedPrefixListEntries")
    .map((r) => r.params?.["PrefixListId"]);
  assert.deepEqual(entries, ["pl-0f3e1c2d4b5a69788"]);
  assert.match(
    readFileSync(join(out, "podpath.yaml"), "utf8"),
    /- path: aws\/prefix-list-entries\/pl-0f3e1c2d4b5a69788\.json\n\s+prefixListId: pl-0f3e1c2d4b5a69788\n/,
  );
  const captured = loadSnapshot({ paths: [out], cwd: REPO });
  const list = captured.aws.prefixLists.find((p) => p.id === "pl-0f3e1c2d4b5a69788");
  assert.ok(list && list.entries && list.entries.length > 0, "the list has its entries");
  const recorded = summary([KUBEADM]);
  const mine = summary([out]);
  assert.deepEqual(mine.kubernetes, recorded.kubernetes);
  const nodes = (s: typeof mine) => s.nodes.map(({ source: _source, ...node }) => node);
  assert.deepEqual(nodes(mine), nodes(recorded));
  await sameTrace(
    [out],
    [KUBEADM, PREFIX_LISTS],
    ["--from", "internet", "--to", "node:" + recorded.nodes[0]!.name, "--port", "22"],
  );
});
