/**
 * missing-layer warnings: a layer the snapshot's own objects need is missing; each is located at
 * the object that needs it and names the AWS CLI command that adds it. Scenarios are the capture
 * fixtures (shaped as the AWS CLI prints them) with one file left out of the index.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { summarizeSnapshot } from "../../src/analysis/snapshot-summary.js";
import { runCli } from "../../src/cli/program.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import type { Diagnostic } from "../../src/model/diagnostics.js";
import { AWS_LAYERS } from "../../src/model/aws-layers.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { EXAMPLE, REPO, cli, tempDir } from "../support/helpers.js";

const KUBEADM = join(REPO, "test/fixtures/captures/kubeadm-public-instances-only");
const PREFIX_LISTS = join(REPO, "test/fixtures/captures/prefix-lists");

/** A copy of a capture whose podpath.yaml leaves out the entries matching `drop` and lists `extra` files besides. */
function without(capture: string, drop: RegExp, extra: Record<string, string> = {}): Snapshot {
  const dir = tempDir();
  cpSync(capture, dir, { recursive: true });
  const index = readFileSync(join(dir, "podpath.yaml"), "utf8");
  const lines = index.split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*- path: /.test(line) && drop.test(line)) {
      while (i + 1 < lines.length && /^\s{4}\w+:/.test(lines[i + 1]!)) i++; // its targetGroupArn/namespace keys
      continue;
    }
    kept.push(line);
  }
  const extraEntries = Object.keys(extra).map((p) => `  - path: ${p}`);
  // the aws: section is the last one of both captures' index files
  writeFileSync(join(dir, "podpath.yaml"), [...kept, ...extraEntries, ""].join("\n"));
  for (const [p, text] of Object.entries(extra)) writeFileSync(join(dir, p), text);
  return loadSnapshot({ paths: [dir], cwd: dir });
}

function layerWarnings(s: Snapshot): Diagnostic[] {
  return s.diagnostics.filter((d) => d.code === "missing-layer");
}

function where(d: Diagnostic): string {
  return `${d.source?.file}:${d.source?.line}`;
}

const SG_PL_LINE = 3; // the node security group's mapping in ec2-describe-security-groups.json

describe("missing-layer warnings", () => {
  test("nodes but no instance data: one warning at the first node, naming describe-instances", () => {
    const s = without(KUBEADM, /describe-instances/);
    const w = layerWarnings(s).filter((d) => /EC2 instance/.test(d.message));
    assert.equal(w.length, 1);
    assert.equal(where(w[0]!), "k8s/nodes.yaml:6");
    assert.match(
      w[0]!.message,
      /^3 nodes have no EC2 instance in the snapshot: .*paths cannot leave a node into the VPC; add `aws ec2 describe-instances` output$/,
    );
  });

  test("nodes that join no instance while instances exist: one missing-layer warning naming describe-instances, beside each node's unjoined-node", () => {
    const dir = tempDir();
    cpSync(KUBEADM, dir, { recursive: true });
    const nodes = readFileSync(join(dir, "k8s/nodes.yaml"), "utf8");
    // neither its InternalIP nor its name (the instance's Name tag) matches any more
    writeFileSync(
      join(dir, "k8s/nodes.yaml"),
      nodes.replace("address: 10.20.2.12", "address: 10.20.2.99").replace("    name: worker-2", "    name: worker-9"),
    );
    const s = loadSnapshot({ paths: [dir], cwd: dir });
    assert.deepEqual(
      s.diagnostics.filter((d) => d.code === "unjoined-node").map((d) => d.message.split(" ")[1]),
      ["worker-9"],
    );
    const w = layerWarnings(s).filter((d) => /join no EC2 instance/.test(d.message));
    assert.equal(w.length, 1);
    assert.equal(where(w[0]!), "k8s/nodes.yaml:73");
    assert.match(
      w[0]!.message,
      /^1 of 3 nodes join no EC2 instance in the snapshot \(unjoined-node\): paths cannot leave it into the VPC; add `aws ec2 describe-instances` output that lists its instance/,
    );
  });

  test("instances whose subnets are not in the snapshot: one warning per missing subnet, at its first instance", () => {
    const w = layerWarnings(without(KUBEADM, /describe-subnets/)).filter((d) => /names? subnet/.test(d.message));
    assert.deepEqual(
      w.map((d) => d.message.replace(/:.*/, "")),
      [
        "instance i-0a1b2c3d4e5f60010 (cp-1) and 4 more name subnet subnet-0a1b2c3d4e5f6a001, which is not in the snapshot",
        "instance i-0a1b2c3d4e5f60012 (worker-2) and 1 more name subnet subnet-0a1b2c3d4e5f6c002, which is not in the snapshot",
      ],
    );
    assert.ok(w.every((d) => d.message.endsWith("add `aws ec2 describe-subnets` output")));
    assert.ok(w.every((d) => d.source?.file === "aws/ec2-describe-instances.json"));
  });

  test("instances whose VPC is not in the snapshot: one warning naming describe-vpcs", () => {
    const w = layerWarnings(without(KUBEADM, /describe-vpcs/));
    assert.equal(w.length, 2, JSON.stringify(w)); // the VPC; and the prefix list rule of the fixture
    const vpc = w.find((d) => /VPC vpc-0a1b2c3d4e5f60718/.test(d.message))!;
    assert.match(
      vpc.message,
      /, which is not in the snapshot: its CIDR blocks, so which addresses are inside it, are unknown; add `aws ec2 describe-vpcs` output$/,
    );
    assert.equal(vpc.source?.file, "aws/ec2-describe-instances.json");
  });

  test("subnets without any route table (no association, no main table): one warning per VPC, at the first subnet", () => {
    const w = layerWarnings(without(KUBEADM, /describe-route-tables/)).filter((d) => /route table/.test(d.message));
    assert.equal(w.length, 1);
    assert.match(
      w[0]!.message,
      /^2 subnets \(subnet-0a1b2c3d4e5f6a001, subnet-0a1b2c3d4e5f6c002\) of vpc-0a1b2c3d4e5f60718 have no route table in the snapshot .*add `aws ec2 describe-route-tables` output$/,
    );
    assert.equal(where(w[0]!), "aws/ec2-describe-subnets.json:3");
  });

  test("subnets without a network ACL: one warning naming describe-network-acls", () => {
    const w = layerWarnings(without(KUBEADM, /describe-network-acls/)).filter((d) => /network ACL/.test(d.message));
    assert.equal(w.length, 1);
    assert.match(w[0]!.message, /add `aws ec2 describe-network-acls` output$/);
  });

  test("a route to an internet gateway the snapshot lacks: at the route table, naming describe-internet-gateways", () => {
    const w = layerWarnings(without(KUBEADM, /describe-internet-gateways/)).filter((d) =>
      /internet gateway/.test(d.message),
    );
    assert.equal(w.length, 1);
    assert.match(
      w[0]!.message,
      /^route 0\.0\.0\.0\/0 of route table rtb-0a1b2c3d4e5f60720 names internet gateway igw-0a1b2c3d4e5f60719, which is not in the snapshot: .*add `aws ec2 describe-internet-gateways` output$/,
    );
    assert.equal(w[0]!.source?.file, "aws/ec2-describe-route-tables.json");
  });

  test("security groups held by ENIs but not in the snapshot: one warning per group (its rules are unknown)", () => {
    const w = layerWarnings(without(KUBEADM, /describe-security-groups/));
    assert.deepEqual(
      w.map((d) => d.message.replace(/, which.*/, "")),
      // same location: ordered by message
      [
        "instance i-0a1b2c3d4e5f60010 (cp-1) and 1 more name security group sg-0a1b2c3d4e5f60002",
        "instance i-0a1b2c3d4e5f60010 (cp-1) and 6 more name security group sg-0a1b2c3d4e5f60001",
      ],
    );
    assert.ok(w.every((d) => /its rules are unknown; add `aws ec2 describe-security-groups` output$/.test(d.message)));
  });

  test("a security group rule naming a prefix list: warned without the list, warned without its entries, silent with them", () => {
    const none = layerWarnings(without(KUBEADM, /^$/));
    assert.equal(none.length, 1);
    assert.equal(where(none[0]!), `aws/ec2-describe-security-groups.json:${SG_PL_LINE}`);
    assert.match(
      none[0]!.message,
      /^inbound rule tcp 22 of security group sg-0a1b2c3d4e5f60001 names managed prefix list pl-0f3e1c2d4b5a69788, which is not in the snapshot: .*add `aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0f3e1c2d4b5a69788` output \(podpath.yaml: prefixListId: pl-0f3e1c2d4b5a69788, or the id in the file name\)$/,
    );

    const lists = readFileSync(join(PREFIX_LISTS, "aws/ec2-describe-managed-prefix-lists.json"), "utf8");
    const listOnly = layerWarnings(without(KUBEADM, /^$/, { "aws-prefix-lists.json": lists }));
    assert.equal(listOnly.length, 1);
    assert.match(
      listOnly[0]!.message,
      /names managed prefix list pl-0f3e1c2d4b5a69788, whose entries are not in the snapshot/,
    );

    const entries = readFileSync(join(PREFIX_LISTS, "aws/prefix-list-entries/pl-0f3e1c2d4b5a69788.json"), "utf8");
    assert.deepEqual(
      layerWarnings(without(KUBEADM, /^$/, { "aws-prefix-lists.json": lists, "pl-0f3e1c2d4b5a69788.json": entries })),
      [],
    );
  });

  test("a rule naming a security group that is neither in the snapshot nor held by any ENI (another account): at the group", () => {
    const sg = `{
    "SecurityGroups": [
        {
            "Description": "bastion access",
            "GroupName": "from-shared-services",
            "IpPermissions": [
                {
                    "FromPort": 22,
                    "IpProtocol": "tcp",
                    "IpRanges": [],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "ToPort": 22,
                    "UserIdGroupPairs": [
                        {
                            "GroupId": "sg-0b0b0b0b0b0b0b0b0",
                            "UserId": "210987654321",
                            "VpcId": "vpc-0c0c0c0c0c0c0c0c0",
                            "VpcPeeringConnectionId": "pcx-0d0d0d0d0d0d0d0d0",
                            "PeeringStatus": "active"
                        }
                    ]
                }
            ],
            "OwnerId": "123456789012",
            "GroupId": "sg-0a1b2c3d4e5f60003",
            "IpPermissionsEgress": [],
            "VpcId": "vpc-0a1b2c3d4e5f60718"
        }
    ]
}
`;
    const w = layerWarnings(without(KUBEADM, /^$/, { "aws-extra-sg.json": sg })).filter((d) =>
      /sg-0b0b0b0b0b0b0b0b0/.test(d.message),
    );
    assert.equal(w.length, 1);
    assert.equal(where(w[0]!), "aws-extra-sg.json:3");
    assert.match(
      w[0]!.message,
      /^security group sg-0a1b2c3d4e5f60003 \(from-shared-services\) has an inbound rule tcp 22 naming security group sg-0b0b0b0b0b0b0b0b0, which is not in the snapshot and held by no ENI in it/,
    );
  });

  test("elbv2: a load balancer without listeners, an ALB listener without rules, a target group without target health, load balancer ENIs without describe-network-interfaces", () => {
    const messages = (drop: RegExp) => layerWarnings(without(EXAMPLE, drop)).map((d) => `${where(d)} ${d.message}`);
    assert.deepEqual(messages(/^$/), [], "the example has every layer it needs");
    const one = (drop: RegExp) => {
      const m = messages(drop);
      assert.equal(m.length, 1, m.join("\n"));
      return m[0]!;
    };
    assert.match(
      one(/describe-listeners/),
      /^aws\/elbv2-describe-load-balancers\.json:3 load balancer k8s-ecoeco-3f9c2a71b4 has no listeners in the snapshot: .*add `aws elbv2 describe-listeners --load-balancer-arn arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer\/app\/k8s-ecoeco-3f9c2a71b4\/6d0ecf831eec9f09` output$/,
    );
    assert.match(
      one(/describe-rules-http-80/),
      /^aws\/elbv2-describe-listeners\.json:3 listener HTTP:80 of k8s-ecoeco-3f9c2a71b4 has no rules in the snapshot: ALB host\/path rules: only each listener's default action is known; add `aws elbv2 describe-rules --listener-arn arn:aws:elasticloadbalancing:\S+\/a1b2c3d4e5f60718` output$/,
    );
    assert.match(
      one(/k8s-argocd-argocdse/),
      /^aws\/elbv2-describe-target-groups\.json:3 target group k8s-argocd-argocdse-5e1c7a9b42 has no target health in the snapshot: .*add `aws elbv2 describe-target-health --target-group-arn arn:\S+\/k8s-argocd-argocdse-5e1c7a9b42\/9f3a2c1b7d6e5f40 \(podpath.yaml names the target group: targetGroupArn\)` output$/,
    );
    assert.match(
      one(/describe-network-interfaces/),
      /^aws\/elbv2-describe-load-balancers\.json:3 load balancer k8s-ecoeco-3f9c2a71b4: its ENIs \(its addresses in each subnet\) come only from describe-network-interfaces, which the snapshot lacks; add `aws ec2 describe-network-interfaces` output$/,
    );
    const noGroups = messages(/describe-target-groups/);
    assert.deepEqual(
      noGroups.map((m) => m.replace(/ names .*/, "")),
      [
        "aws/elbv2-describe-rules-https-443.json:3 listener rule 1",
        "aws/elbv2-describe-rules-https-443.json:45 listener rule 2",
        "aws/elbv2-describe-rules-https-443.json:87 listener rule 3",
      ],
    );
    assert.ok(
      noGroups.every((m) =>
        m.endsWith("its target type, port and targets are unknown; add `aws elbv2 describe-target-groups` output"),
      ),
    );
  });
});

describe("snapshot show: the AWS layers", () => {
  test("a Kubernetes-only snapshot: no missing-layer warning, one absent-layer note saying what it means for traces", () => {
    const dir = tempDir({ "nodes.yaml": readFileSync(join(KUBEADM, "k8s/nodes.yaml"), "utf8") });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    assert.deepEqual(s.diagnostics, []);
    const summary = summarizeSnapshot(s);
    assert.deepEqual(
      summary.diagnostics.map((d) => [d.code, d.severity]),
      [["absent-layer", "info"]],
    );
    assert.match(summary.diagnostics[0]!.message, /no AWS data: traces stop at the node/);
    assert.ok(summary.layers.every((l) => !l.present));
  });

  test("layers name the files that gave them; ENIs count per source; absent layers say what is lost and the command, or that nothing needs them", () => {
    const summary = summarizeSnapshot(loadSnapshot({ paths: [KUBEADM], cwd: KUBEADM }));
    assert.deepEqual(summary.networkInterfaceOrigins, { "describe-instances": 4 });
    const byKey = Object.fromEntries(summary.layers.map((l) => [l.key, l]));
    assert.deepEqual(byKey["instances"]!.files, ["aws/ec2-describe-instances.json"]);
    assert.deepEqual(byKey["networkInterfaces"]!.files, ["aws/ec2-describe-instances.json"]);
    assert.match(
      byKey["networkInterfaces"]!.note!,
      /^from describe-instances only; missing: .*load balancer, NAT gateway and VPC endpoint ENIs.*add `aws ec2 describe-network-interfaces`$/,
    );
    assert.equal(byKey["prefixLists"]!.present, false);
    assert.equal(byKey["prefixLists"]!.note, null, "a rule names a prefix list: it is needed");
    assert.equal(byKey["natGateways"]!.note, "not needed: no route targets a NAT gateway");
    assert.deepEqual(
      summary.layers.map((l) => l.key),
      [
        "vpcs",
        "subnets",
        "routeTables",
        "internetGateways",
        "natGateways",
        "networkAcls",
        "securityGroups",
        "prefixLists",
        "instances",
        "networkInterfaces",
        "loadBalancers",
        "listeners",
        "listenerRules",
        "targetGroups",
        "targetHealth",
        "targetGroupAttributes",
      ],
    );
    // a list the SSH rule names, loaded without its entries; the unnamed CloudFront list is no gap
    const lists = readFileSync(join(PREFIX_LISTS, "aws/ec2-describe-managed-prefix-lists.json"), "utf8");
    const partial = summarizeSnapshot(without(KUBEADM, /^$/, { "aws-prefix-lists.json": lists })).layers.find(
      (l) => l.key === "prefixLists",
    )!;
    assert.equal(partial.present, true);
    assert.equal(
      partial.note,
      "named by a rule or route but without entries: pl-0f3e1c2d4b5a69788; add `aws ec2 get-managed-prefix-list-entries --prefix-list-id ID` for each (podpath.yaml: prefixListId)",
    );
    // another list with its entries, and the named one missing from describe-managed-prefix-lists altogether: still named as lacking
    const cloudfront = readFileSync(join(PREFIX_LISTS, "aws/prefix-list-entries/cloudfront.json"), "utf8");
    const other = summarizeSnapshot(without(KUBEADM, /^$/, { "pl-22a6434b.json": cloudfront })).layers.find(
      (l) => l.key === "prefixLists",
    )!;
    assert.equal(other.present, true);
    assert.match(other.note ?? "", /^named by a rule or route but without entries: pl-0f3e1c2d4b5a69788;/);
    const withEntries = summarizeSnapshot(loadSnapshot({ paths: [PREFIX_LISTS], cwd: PREFIX_LISTS }));
    assert.deepEqual(withEntries.layers.find((l) => l.key === "prefixLists")!.files, [
      "aws/ec2-describe-managed-prefix-lists.json",
      "aws/prefix-list-entries/cloudfront.json",
      "aws/prefix-list-entries/pl-0f3e1c2d4b5a69788.json",
    ]);
  });

  test("snapshot show text, md and json print the layers, the ENI sources and the missing-layer warning", async () => {
    // on a terminal wide enough for one line per layer (piped, text wraps at 120 columns)
    let stdout = "";
    const code = await runCli(
      ["snapshot", "show", "-s", "test/fixtures/captures/kubeadm-public-instances-only", "-o", "text"],
      {
        stdout: { write: (s: string) => (stdout += s), isTTY: true, columns: 1000 },
        stderr: { write: () => undefined },
        cwd: REPO,
        env: { NO_COLOR: "1" },
      },
    );
    const text = { code, stdout, stderr: "" };
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^  network interfaces by source: describe-instances 4$/m);
    assert.match(text.stdout, /^AWS layers:\n  LAYER +OBJECTS +FROM \/ WITHOUT IT$/m);
    assert.match(
      text.stdout,
      /^  instances +3 +test\/fixtures\/captures\/kubeadm-public-instances-only\/aws\/ec2-describe-instances\.json$/m,
    );
    assert.match(text.stdout, /^  NAT gateways +- +absent, not needed: no route targets a NAT gateway$/m);
    assert.match(
      text.stdout,
      /^  managed prefix lists +- +absent: .*; add `aws ec2 describe-managed-prefix-lists \+ aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-… \(per list\)`$/m,
    );
    assert.match(
      text.stdout,
      /^Warnings \(1\):\n  test\/fixtures\/captures\/kubeadm-public-instances-only\/aws\/ec2-describe-security-groups\.json:3:9: inbound rule tcp 22 .* \[missing-layer\]$/m,
    );
    const md = await cli([
      "snapshot",
      "show",
      "-s",
      "test/fixtures/captures/kubeadm-public-instances-only",
      "-o",
      "md",
    ]);
    assert.match(md.stdout, /^## AWS layers\n\n\| layer \| objects \| from \| without it \|$/m);
    assert.match(md.stdout, /^- network interfaces by source: describe-instances 4$/m);
    const json = JSON.parse(
      (await cli(["snapshot", "show", "-s", "test/fixtures/captures/kubeadm-public-instances-only", "-o", "json"]))
        .stdout,
    );
    assert.deepEqual(json.networkInterfaceOrigins, { "describe-instances": 4 });
    assert.equal(json.layers.length, 16);
    const k8sOnly = await cli([
      "snapshot",
      "show",
      "-s",
      "test/fixtures/captures/kubeadm-public-instances-only/k8s",
      "-o",
      "text",
    ]);
    assert.doesNotMatch(k8sOnly.stdout, /AWS layers:/);
    assert.match(
      k8sOnly.stdout,
      /^Warnings: none\nNotes \(1 note\):\n  the snapshot has no AWS data: traces stop at the node [^]*?\[absent-layer\]$/m,
    );
  });

  test("README's layer table names the command of every layer snapshot show knows", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("#### Which AWS file gives which layer"));
    for (const layer of AWS_LAYERS) {
      const base = /^aws \S+ \S+/.exec(layer.command)![0];
      assert.ok(table.includes(`\`${base}`), `${layer.key}: ${base} is not in README's table`);
    }
  });
});
