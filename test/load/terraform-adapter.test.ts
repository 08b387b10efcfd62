/**
 * The Terraform state adapter (src/load/aws/terraform), resource type by resource type, through
 * `loadSnapshot` on state files written to a temporary directory, in both formats podpath reads:
 * `terraform show -json` output and a raw `terraform.tfstate` (format version 4). Each test is
 * named after the provider doc (registry.terraform.io/providers/hashicorp/aws/latest/docs/
 * resources/<type>) or the Terraform doc it checks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runLint } from "../../src/analysis/lint/index.js";
import { terraformStateFormat } from "../../src/load/aws/terraform/detect.js";
import { DEFAULT_LIMITS } from "../../src/load/limits.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { formatSource } from "../../src/model/source.js";
import { tempDir } from "../support/helpers.js";

interface Res {
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
  readonly module?: string;
  readonly index?: number | string;
  readonly mode?: "managed" | "data";
}

const address = (r: Res): string =>
  `${r.module ? `${r.module}.` : ""}${r.mode === "data" ? "data." : ""}${r.type}.${r.name}${
    r.index === undefined ? "" : typeof r.index === "number" ? `[${r.index}]` : `[${JSON.stringify(r.index)}]`
  }`;

/** A raw terraform.tfstate v4, two-space indented as Terraform writes it. */
function tfstate(resources: readonly Res[]): string {
  const blocks: { key: string; value: Record<string, unknown>; instances: unknown[] }[] = [];
  for (const r of resources) {
    const key = `${r.module ?? ""} ${r.mode ?? "managed"} ${r.type} ${r.name}`;
    let block = blocks.find((b) => b.key === key);
    if (!block) {
      block = {
        key,
        value: {
          ...(r.module ? { module: r.module } : {}),
          mode: r.mode ?? "managed",
          type: r.type,
          name: r.name,
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        },
        instances: [],
      };
      blocks.push(block);
    }
    block.instances.push({
      ...(r.index === undefined ? {} : { index_key: r.index }),
      schema_version: 0,
      attributes: r.values,
    });
  }
  const state = {
    version: 4,
    terraform_version: "1.9.8",
    serial: 1,
    lineage: "test",
    outputs: {},
    resources: blocks.map((b) => ({ ...b.value, instances: b.instances })),
  };
  return JSON.stringify(state, null, 2) + "\n";
}

/** `terraform show -json` output (pretty-printed so lines tell resources apart), modules nested by their path. */
function showJson(resources: readonly Res[]): string {
  const module = (path: string): Record<string, unknown> => {
    const depth = path === "" ? 0 : path.split(".").length / 2;
    const children = [
      ...new Set(
        resources
          .map((r) => r.module ?? "")
          .filter((m) => m.startsWith(path === "" ? "module." : `${path}.module.`) && m.split(".").length / 2 > depth)
          .map((m) =>
            m
              .split(".")
              .slice(0, depth * 2 + 2)
              .join("."),
          ),
      ),
    ].sort();
    return {
      ...(path === "" ? {} : { address: path }),
      resources: resources
        .filter((r) => (r.module ?? "") === path)
        .map((r) => ({
          address: address(r),
          mode: r.mode ?? "managed",
          type: r.type,
          name: r.name,
          ...(r.index === undefined ? {} : { index: r.index }),
          provider_name: "registry.terraform.io/hashicorp/aws",
          schema_version: 0,
          values: r.values,
          sensitive_values: {},
        })),
      ...(children.length ? { child_modules: children.map(module) } : {}),
    };
  };
  return JSON.stringify(
    { format_version: "1.0", terraform_version: "1.9.8", values: { root_module: module("") } },
    null,
    2,
  );
}

const FORMATS = [
  ["terraform show -json", "show.json", showJson],
  ["terraform.tfstate v4", "terraform.tfstate", tfstate],
] as const;

function load(files: Record<string, string>, paths?: string[]): Snapshot {
  const dir = tempDir(files);
  return loadSnapshot({ paths: paths ?? Object.keys(files), cwd: dir });
}

const codes = (s: Snapshot) => s.diagnostics.map((d) => d.code);

const VPC: Res = {
  type: "aws_vpc",
  name: "this",
  module: "module.vpc",
  values: {
    id: "vpc-1",
    cidr_block: "10.0.0.0/16",
    ipv6_cidr_block: "",
    main_route_table_id: "rtb-main",
    tags: { Name: "own" },
    tags_all: { Name: "own", Team: "from-default-tags" },
  },
};
const SUBNET = (i: number, az = "eu-west-1a"): Res => ({
  type: "aws_subnet",
  name: "private",
  module: "module.vpc",
  index: i,
  values: {
    id: `subnet-${i}`,
    vpc_id: "vpc-1",
    cidr_block: `10.0.${i}.0/24`,
    ipv6_cidr_block: "",
    availability_zone: az,
    map_public_ip_on_launch: false,
    tags: null,
    tags_all: {},
  },
});

describe("recognising a Terraform state by its content", () => {
  test("Terraform JSON Output Format: format_version + values is `terraform show -json`; version 4 + terraform_version + resources is a raw state", () => {
    assert.equal(terraformStateFormat({ format_version: "1.0", values: { root_module: {} } }), "show-json");
    assert.equal(terraformStateFormat({ version: 4, terraform_version: "1.9.8", resources: [] }), "tfstate-v4");
    // a plan (`terraform show -json plan`) has planned_values, not values; a v3 state is not read
    assert.equal(terraformStateFormat({ format_version: "1.2", planned_values: {} }), undefined);
    assert.equal(terraformStateFormat({ version: 3, terraform_version: "0.11.14", modules: [] }), undefined);
    assert.equal(terraformStateFormat({ Vpcs: [] }), undefined);
  });

  test("a *.tfstate file is found by a directory scan and an index file names one under aws:", () => {
    const state = tfstate([VPC]);
    const scanned = load({ "infra/terraform.tfstate": state }, ["."]);
    assert.deepEqual(
      scanned.aws.vpcs.map((v) => v.id),
      ["vpc-1"],
    );
    const indexed = load({ "podpath.yaml": "aws:\n  - path: x.tfstate\n", "x.tfstate": state }, ["podpath.yaml"]);
    assert.deepEqual(
      indexed.aws.vpcs.map((v) => v.id),
      ["vpc-1"],
    );
    assert.equal(indexed.files[0]?.content, "aws");
  });
});

for (const [format, file, write] of FORMATS) {
  describe(`${format}`, () => {
    test("Terraform resource addressing: each object's source is its resource's line with the address (module path, [0] and [\"key\"])", () => {
      const nested: Res = { ...SUBNET(2), module: "module.vpc.module.extra", index: "b" };
      const text = write([VPC, SUBNET(1), nested]);
      const s = load({ [file]: text });
      const subnet = s.aws.subnets.find((x) => x.id === "subnet-1")!;
      assert.equal(subnet.source.address, "module.vpc.aws_subnet.private[1]");
      assert.equal(
        s.aws.subnets.find((x) => x.id === "subnet-2")!.source.address,
        'module.vpc.module.extra.aws_subnet.private["b"]',
      );
      // the line of the resource's object (show -json) or of the instance (v4): the line holding its id is below it
      const idLine = text.split("\n").findIndex((l) => l.includes('"subnet-1"')) + 1;
      assert.ok(subnet.source.line > 1 && subnet.source.line < idLine, `${subnet.source.line} < ${idLine}`);
      assert.equal(formatSource(subnet.source), `${file}:${subnet.source.line} (module.vpc.aws_subnet.private[1])`);
      assert.deepEqual(s.aws.vpcs[0]!.tags, { Name: "own", Team: "from-default-tags" }, "tags_all wins over tags");
      assert.deepEqual(s.aws.vpcs[0]!.cidrBlocks, ["10.0.0.0/16"]);
    });

    test("a large state (positions found lazily below the top two levels, parse-json.ts) cites the same lines", () => {
      const files = { [file]: write([VPC, SUBNET(1), { ...SUBNET(2), module: "module.vpc.module.extra" }]) };
      const dir = tempDir(files);
      const eager = loadSnapshot({ paths: [file], cwd: dir });
      const lazy = loadSnapshot({ paths: [file], cwd: dir, limits: { ...DEFAULT_LIMITS, lazyPositionsFromBytes: 1 } });
      const lines = (s: Snapshot) => s.aws.subnets.map((x) => [x.id, x.source.line, x.source.col, x.source.address]);
      assert.deepEqual(lines(lazy), lines(eager));
      assert.ok(lazy.aws.subnets.every((x) => x.source.line > 1));
    });

    test("aws_route_table: the provider leaves the local route out of `route` (flattenRoutes); aws_route and associations are merged; aws_main_route_table_association picks the main table", () => {
      const s = load({
        [file]: write([
          VPC,
          SUBNET(1),
          {
            type: "aws_route_table",
            name: "private",
            values: {
              id: "rtb-private",
              vpc_id: "vpc-1",
              route: [{ cidr_block: "0.0.0.0/0", gateway_id: "", nat_gateway_id: "nat-1", ipv6_cidr_block: "" }],
              tags: {},
            },
          },
          {
            type: "aws_route",
            name: "peer",
            values: {
              route_table_id: "rtb-private",
              destination_cidr_block: "172.16.0.0/12",
              vpc_peering_connection_id: "pcx-1",
              gateway_id: "",
              state: "active",
              origin: "CreateRoute",
            },
          },
          {
            type: "aws_route_table_association",
            name: "private",
            index: 0,
            values: { route_table_id: "rtb-private", subnet_id: "subnet-1", gateway_id: "" },
          },
          {
            type: "aws_main_route_table_association",
            name: "main",
            values: { vpc_id: "vpc-1", route_table_id: "rtb-private" },
          },
        ]),
      });
      const table = s.aws.routeTables[0]!;
      assert.equal(table.main, true, "the association replaces the VPC's main_route_table_id");
      assert.deepEqual(table.subnetIds, ["subnet-1"]);
      assert.deepEqual(
        table.routes.map((r) => [r.destination, r.targetKind, r.targetId]),
        [
          ["10.0.0.0/16", "local", "local"],
          ["0.0.0.0/0", "nat-gateway", "nat-1"],
          ["172.16.0.0/12", "vpc-peering", "pcx-1"],
        ],
      );
    });

    test("aws_nat_gateway: its VPC is its subnet's, it is available (the provider waits for it), and an aws_eip by allocation_id gives its public IP", () => {
      const s = load({
        [file]: write([
          VPC,
          SUBNET(1),
          {
            type: "aws_eip",
            name: "nat",
            values: {
              id: "eipalloc-1",
              allocation_id: "eipalloc-1",
              public_ip: "203.0.113.7",
              instance: "",
              network_interface: "",
            },
          },
          {
            type: "aws_nat_gateway",
            name: "this",
            values: {
              id: "nat-1",
              subnet_id: "subnet-1",
              allocation_id: "eipalloc-1",
              private_ip: "10.0.1.5",
              public_ip: "",
              connectivity_type: "public",
              network_interface_id: "eni-nat",
            },
          },
        ]),
      });
      const nat = s.aws.natGateways[0]!;
      assert.equal(nat.vpcId, "vpc-1");
      assert.equal(nat.state, "available");
      assert.deepEqual(nat.addresses[0], {
        privateIp: "10.0.1.5",
        publicIp: "203.0.113.7",
        allocationId: "eipalloc-1",
        networkInterfaceId: "eni-nat",
        primary: true,
      });
    });

    test("aws_network_acl + aws_network_acl_rule + aws_network_acl_association: rules by number, protocol names as numbers, ports for TCP only", () => {
      const s = load({
        [file]: write([
          VPC,
          SUBNET(1),
          SUBNET(2),
          {
            type: "aws_network_acl",
            name: "private",
            values: {
              id: "acl-1",
              vpc_id: "vpc-1",
              subnet_ids: ["subnet-1"],
              ingress: [
                {
                  rule_no: 200,
                  action: "allow",
                  protocol: "tcp",
                  cidr_block: "10.0.0.0/16",
                  from_port: 443,
                  to_port: 443,
                  icmp_type: 0,
                  icmp_code: 0,
                  ipv6_cidr_block: "",
                },
              ],
              egress: [
                {
                  rule_no: 100,
                  action: "allow",
                  protocol: "-1",
                  cidr_block: "0.0.0.0/0",
                  from_port: 0,
                  to_port: 0,
                  icmp_type: 0,
                  icmp_code: 0,
                  ipv6_cidr_block: "",
                },
              ],
            },
          },
          {
            type: "aws_network_acl_rule",
            name: "deny_ssh",
            values: {
              network_acl_id: "acl-1",
              rule_number: 100,
              egress: false,
              protocol: "6",
              rule_action: "deny",
              cidr_block: "0.0.0.0/0",
              from_port: 22,
              to_port: 22,
            },
          },
          {
            type: "aws_network_acl_association",
            name: "second",
            values: { network_acl_id: "acl-1", subnet_id: "subnet-2" },
          },
        ]),
      });
      const acl = s.aws.networkAcls[0]!;
      assert.deepEqual(acl.subnetIds, ["subnet-1", "subnet-2"]);
      assert.deepEqual(
        acl.entries.map((e) => [e.ruleNumber, e.egress, e.protocol, e.action, e.cidr, e.portRange]),
        [
          [100, false, "6", "deny", "0.0.0.0/0", { from: 22, to: 22 }],
          [100, true, "-1", "allow", "0.0.0.0/0", undefined],
          [200, false, "6", "allow", "10.0.0.0/16", { from: 443, to: 443 }],
        ],
      );
    });

    test("aws_security_group inline blocks + aws_security_group_rule + aws_vpc_security_group_ingress_rule merge into one group; a rule the state lists twice (refresh echoes rule resources into ingress) is one", () => {
      const s = load({
        [file]: write([
          VPC,
          {
            type: "aws_security_group",
            name: "node",
            values: {
              id: "sg-node",
              name: "node",
              description: "nodes",
              vpc_id: "vpc-1",
              ingress: [
                // written by aws_security_group_rule.self below, echoed here by the refresh
                {
                  from_port: 0,
                  to_port: 0,
                  protocol: "-1",
                  cidr_blocks: [],
                  ipv6_cidr_blocks: [],
                  prefix_list_ids: [],
                  security_groups: [],
                  self: true,
                  description: "",
                },
                {
                  from_port: 80,
                  to_port: 80,
                  protocol: "tcp",
                  cidr_blocks: ["0.0.0.0/0"],
                  ipv6_cidr_blocks: ["::/0"],
                  prefix_list_ids: ["pl-1"],
                  security_groups: ["sg-lb"],
                  self: false,
                  description: "web",
                },
              ],
              egress: [
                {
                  from_port: 0,
                  to_port: 0,
                  protocol: "all",
                  cidr_blocks: ["0.0.0.0/0"],
                  ipv6_cidr_blocks: [],
                  prefix_list_ids: [],
                  security_groups: [],
                  self: false,
                  description: "",
                },
              ],
              tags: {},
            },
          },
          {
            type: "aws_security_group_rule",
            name: "self",
            values: {
              type: "ingress",
              security_group_id: "sg-node",
              protocol: "-1",
              from_port: 0,
              to_port: 0,
              self: true,
              source_security_group_id: "",
              cidr_blocks: null,
              description: "",
            },
          },
          {
            type: "aws_security_group_rule",
            name: "from_lb",
            values: {
              type: "ingress",
              security_group_id: "sg-node",
              protocol: "6",
              from_port: 30000,
              to_port: 32767,
              self: false,
              source_security_group_id: "sg-lb",
              cidr_blocks: null,
              description: "NodePorts",
            },
          },
          {
            type: "aws_vpc_security_group_ingress_rule",
            name: "api",
            values: {
              security_group_id: "sg-node",
              ip_protocol: "tcp",
              from_port: 6443,
              to_port: 6443,
              cidr_ipv4: "10.0.0.0/16",
              cidr_ipv6: null,
              prefix_list_id: null,
              referenced_security_group_id: null,
              description: "API",
            },
          },
          {
            type: "aws_vpc_security_group_egress_rule",
            name: "dns",
            values: {
              security_group_id: "sg-node",
              ip_protocol: "udp",
              from_port: 53,
              to_port: 53,
              cidr_ipv4: null,
              referenced_security_group_id: "sg-dns",
              description: null,
            },
          },
        ]),
      });
      const sg = s.aws.securityGroups[0]!;
      const show = (rules: typeof sg.ingress) =>
        rules.map((r) => [
          r.protocol,
          r.ports ? `${r.ports.from}-${r.ports.to}` : "",
          r.peers.map((p) => (p.kind === "cidr" ? p.cidr : p.kind === "prefix-list" ? p.prefixListId : p.groupId)),
        ]);
      assert.deepEqual(show(sg.ingress), [
        ["-1", "", ["sg-node"]],
        ["tcp", "80-80", ["0.0.0.0/0", "::/0", "pl-1", "sg-lb"]],
        ["tcp", "30000-32767", ["sg-lb"]],
        ["tcp", "6443-6443", ["10.0.0.0/16"]],
      ]);
      assert.deepEqual(show(sg.egress), [
        ["-1", "", ["0.0.0.0/0"]],
        ["udp", "53-53", ["sg-dns"]],
      ]);
      // inline-only: the four peers of the port 80 block and the egress block; the self rule is a rule resource's
      assert.equal(sg.terraformRules?.inlineRules, 5);
      assert.equal(sg.terraformRules?.ruleResources.length, 4);
    });

    test("lint terraform-sg-mixed-rules: the provider's security_group doc warns that inline rules with rule resources conflict and overwrite each other", () => {
      const group = (id: string, ingress: unknown[]): Res => ({
        type: "aws_security_group",
        name: id,
        values: { id, name: id, description: "", vpc_id: "vpc-1", ingress, egress: [], tags: {} },
      });
      const selfBlock = {
        from_port: 0,
        to_port: 0,
        protocol: "-1",
        cidr_blocks: [],
        ipv6_cidr_blocks: [],
        prefix_list_ids: [],
        security_groups: [],
        self: true,
        description: "",
      };
      const sshBlock = {
        ...selfBlock,
        from_port: 22,
        to_port: 22,
        protocol: "tcp",
        self: false,
        cidr_blocks: ["10.0.0.0/8"],
      };
      const rule = (sg: string): Res => ({
        type: "aws_security_group_rule",
        name: `${sg}_self`,
        values: {
          type: "ingress",
          security_group_id: sg,
          protocol: "-1",
          from_port: 0,
          to_port: 0,
          self: true,
          source_security_group_id: "",
        },
      });
      const s = load({
        [file]: write([
          VPC,
          group("sg-mixed", [selfBlock, sshBlock]),
          rule("sg-mixed"),
          group("sg-echo", [selfBlock]),
          rule("sg-echo"),
          group("sg-inline", [sshBlock]),
        ]),
      });
      const findings = runLint(s).findings.filter((f) => f.ruleId === "terraform-sg-mixed-rules");
      assert.equal(findings.length, 1, JSON.stringify(findings, null, 2));
      assert.equal(findings[0]!.objects[0]!.name, "sg-mixed");
      assert.equal(findings[0]!.objects[0]!.source?.address, "aws_security_group.sg-mixed");
      assert.equal(findings[0]!.objects[1]!.source?.address, "aws_security_group_rule.sg-mixed_self");
      assert.match(findings[0]!.message, /1 inline rule/);
    });

    test("aws_instance: its VPC and primary interface as describe-instances gives them; aws_eip `instance` supersedes the launch-time public_ip (provider docs, instance public_ip)", () => {
      const instance = (id: string, ip: string, publicIp: string, name: string): Res => ({
        type: "aws_instance",
        name: "node",
        module: "module.cluster",
        index: Number(id.slice(-1)),
        values: {
          id,
          private_ip: ip,
          public_ip: publicIp,
          private_dns: `ip-${ip.replaceAll(".", "-")}.eu-west-1.compute.internal`,
          subnet_id: "subnet-1",
          availability_zone: "eu-west-1a",
          vpc_security_group_ids: ["sg-node"],
          source_dest_check: false,
          primary_network_interface_id: `eni-${id}`,
          instance_state: "running",
          secondary_private_ips: [],
          network_interface: [],
          tags: { Name: name },
        },
      });
      const s = load({
        [file]: write([
          VPC,
          SUBNET(1),
          instance("i-1", "10.0.1.11", "54.0.0.1", "worker-1"),
          instance("i-2", "10.0.1.12", "54.0.0.2", "worker-2"),
          instance("i-3", "10.0.1.13", "", "worker-3"),
          {
            type: "aws_eip",
            name: "one",
            values: { id: "eipalloc-1", public_ip: "203.0.113.1", instance: "i-1", network_interface: "" },
          },
          {
            type: "aws_eip",
            name: "two",
            values: { id: "eipalloc-2", public_ip: "203.0.113.2", instance: "", network_interface: "" },
          },
          {
            type: "aws_eip_association",
            name: "two",
            values: { allocation_id: "eipalloc-2", instance_id: "i-2", public_ip: "" },
          },
          {
            type: "aws_eip",
            name: "three",
            values: { id: "eipalloc-3", public_ip: "203.0.113.3", instance: "", network_interface: "eni-i-3" },
          },
        ]),
      });
      const byId = new Map(s.aws.instances.map((i) => [i.id, i]));
      assert.equal(byId.get("i-1")!.publicIp, "203.0.113.1", "aws_eip.instance");
      assert.equal(byId.get("i-2")!.publicIp, "203.0.113.2", "aws_eip_association");
      assert.equal(byId.get("i-3")!.publicIp, "203.0.113.3", "aws_eip.network_interface on the primary interface");
      assert.equal(byId.get("i-1")!.vpcId, "vpc-1");
      const eni = s.aws.networkInterfaces.find((e) => e.id === "eni-i-1")!;
      assert.equal(eni.origin, "describe-instances");
      assert.deepEqual(eni.privateIps, [{ address: "10.0.1.11", primary: true, publicIp: "203.0.113.1" }]);
      assert.equal(eni.sourceDestCheck, false);
      assert.equal(s.aws.networkInterfaces.find((e) => e.id === "eni-i-3")!.privateIps[0]!.publicIp, "203.0.113.3");
    });

    test("nodes join to aws_instance by private IP and by Name tag, as with describe-instances (joins.ts)", () => {
      const node = (name: string, ip: string) =>
        `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\nstatus:\n  addresses:\n    - type: InternalIP\n      address: ${ip}\n`;
      const instance = (id: string, ip: string, name: string): Res => ({
        type: "aws_instance",
        name: id,
        values: {
          id,
          private_ip: ip,
          public_ip: "",
          subnet_id: "subnet-1",
          primary_network_interface_id: `eni-${id}`,
          vpc_security_group_ids: [],
          tags: { Name: name },
        },
      });
      const s = load({
        "nodes.yaml": `${node("by-ip", "10.0.1.21")}---\n${node("by-name", "192.168.9.9")}`,
        [file]: write([VPC, SUBNET(1), instance("i-a", "10.0.1.21", "other"), instance("i-b", "10.0.1.22", "by-name")]),
      });
      assert.deepEqual(
        s.kubernetes.nodes.map((n) => [n.name, n.instanceId]),
        [
          ["by-ip", "i-a"],
          ["by-name", "i-b"],
        ],
      );
    });

    test("aws_lb, aws_lb_listener, aws_lb_listener_rule, aws_lb_target_group, aws_lb_target_group_attachment: scheme from `internal`, forward blocks, conditions, the groups' load balancers, registered targets", () => {
      const lbArn = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1";
      const listenerArn = "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/web/1/2";
      const tgArn = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/3";
      const s = load({
        [file]: write([
          VPC,
          SUBNET(1),
          SUBNET(2, "eu-west-1b"),
          {
            type: "aws_lb",
            name: "web",
            values: {
              arn: lbArn,
              id: lbArn,
              name: "web",
              internal: true,
              load_balancer_type: "application",
              dns_name: "internal-web.elb",
              subnets: ["subnet-1", "subnet-2"],
              security_groups: ["sg-lb"],
              vpc_id: "vpc-1",
              subnet_mapping: [],
            },
          },
          {
            type: "aws_lb_listener",
            name: "https",
            values: {
              arn: listenerArn,
              load_balancer_arn: lbArn,
              port: 443,
              protocol: "HTTPS",
              certificate_arn: "arn:aws:acm:eu-west-1:1:certificate/x",
              default_action: [
                {
                  type: "fixed-response",
                  order: 1,
                  fixed_response: [{ status_code: "404", content_type: "text/plain" }],
                  forward: [],
                  redirect: [],
                  target_group_arn: "",
                },
              ],
            },
          },
          {
            type: "aws_lb_listener_rule",
            name: "web",
            index: "app",
            values: {
              arn: "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/web/1/2/4",
              listener_arn: listenerArn,
              priority: 10,
              action: [
                {
                  type: "forward",
                  order: 1,
                  target_group_arn: "",
                  forward: [{ target_group: [{ arn: tgArn, weight: 1 }], stickiness: [] }],
                  redirect: [],
                  fixed_response: [],
                },
              ],
              condition: [
                {
                  host_header: [{ values: ["app.example.com"] }],
                  path_pattern: [],
                  http_header: [],
                  query_string: [],
                  source_ip: [],
                  http_request_method: [],
                },
                {
                  http_header: [{ http_header_name: "X-Env", values: ["prod"] }],
                  host_header: [],
                  path_pattern: [],
                  query_string: [],
                  source_ip: [],
                  http_request_method: [],
                },
              ],
            },
          },
          {
            type: "aws_lb_target_group",
            name: "web",
            values: {
              arn: tgArn,
              name: "web",
              port: 30080,
              protocol: "HTTP",
              target_type: "instance",
              vpc_id: "vpc-1",
              health_check: [{ path: "/healthz", port: "traffic-port", protocol: "HTTP" }],
            },
          },
          {
            type: "aws_lb_target_group_attachment",
            name: "web",
            index: 0,
            values: { target_group_arn: tgArn, target_id: "i-1", port: 30080 },
          },
        ]),
      });
      const lb = s.aws.loadBalancers[0]!;
      assert.equal(lb.scheme, "internal");
      assert.deepEqual(lb.subnetIds, ["subnet-1", "subnet-2"]);
      assert.deepEqual(s.aws.listeners[0]!.certificateArns, ["arn:aws:acm:eu-west-1:1:certificate/x"]);
      assert.deepEqual(s.aws.listeners[0]!.defaultActions[0]!.fixedResponse, {
        statusCode: "404",
        contentType: "text/plain",
      });
      const rule = s.aws.listenerRules[0]!;
      assert.equal(rule.priority, 10);
      assert.deepEqual(rule.conditions, [
        { field: "host-header", values: ["app.example.com"] },
        { field: "http-header", values: ["X-Env: prod"] },
      ]);
      assert.deepEqual(rule.actions[0]!.targetGroups, [{ arn: tgArn, weight: 1 }]);
      assert.equal(rule.source.address, 'aws_lb_listener_rule.web["app"]');
      const tg = s.aws.targetGroups[0]!;
      assert.deepEqual(tg.loadBalancerArns, [lbArn], "the load balancers whose rules forward to it");
      assert.deepEqual(tg.healthCheck, { protocol: "HTTP", port: "traffic-port", path: "/healthz" });
      assert.deepEqual(
        s.aws.targetHealth.map((h) => [h.targetId, h.port, h.state]),
        [["i-1", 30080, "unknown"]],
      );
    });

    test("data sources and unmodelled resource types are skipped and counted by type (a diagnostic and the file's counts)", () => {
      const s = load({
        [file]: write([
          VPC,
          { type: "aws_ami", name: "ubuntu", mode: "data", values: { id: "ami-1" } },
          { type: "aws_ami", name: "arm", mode: "data", values: { id: "ami-2" } },
          { type: "aws_iam_role", name: "node", module: "module.cluster", values: { id: "node" } },
        ]),
      });
      const skipped = s.diagnostics.find((d) => d.code === "terraform-skipped");
      assert.ok(skipped, JSON.stringify(s.diagnostics));
      assert.match(skipped.message, /3 resource instances .* skipped .*: aws_iam_role, data\.aws_ami ×2$/);
      assert.deepEqual(s.files[0]!.objects, { aws_vpc: 1, "skipped aws_iam_role": 1, "skipped data.aws_ami": 2 });
    });

    test("a malformed resource is skipped with a located warning naming its address; the rest is read", () => {
      const s = load({
        [file]: write([VPC, { ...SUBNET(1), values: { ...SUBNET(1).values, cidr_block: "10.0.1.0/33" } }, SUBNET(2)]),
      });
      assert.deepEqual(
        s.aws.subnets.map((x) => x.id),
        ["subnet-2"],
      );
      const warning = s.diagnostics.find((d) => d.code === "invalid-object")!;
      assert.match(
        warning.message,
        /^module\.vpc\.aws_subnet\.private\[1\] skipped: cidr_block "10\.0\.1\.0\/33" is not a valid CIDR block/,
      );
      assert.equal(warning.source?.address, "module.vpc.aws_subnet.private[1]");
    });

    test("where the state and AWS CLI output describe the same object, the CLI output wins whichever is read first, with a diagnostic naming both", () => {
      const cli = JSON.stringify(
        {
          Subnets: [
            {
              SubnetId: "subnet-1",
              VpcId: "vpc-1",
              CidrBlock: "10.0.1.0/24",
              AvailabilityZone: "eu-west-1c",
              MapPublicIpOnLaunch: true,
            },
          ],
        },
        null,
        2,
      );
      for (const names of [
        ["a-cli.json", `z-${file}`],
        ["z-cli.json", `a-${file}`],
      ] as const) {
        const s = load({ [names[0]]: cli, [names[1]]: write([VPC, SUBNET(1)]) }, ["."]);
        const subnet = s.aws.subnets.find((x) => x.id === "subnet-1")!;
        assert.equal(subnet.availabilityZone, "eu-west-1c");
        assert.equal(subnet.source.file, names[0]);
        const note = s.diagnostics.filter((d) => d.code === "terraform-overridden");
        assert.equal(note.length, 1);
        assert.match(
          note[0]!.message,
          new RegExp(
            `^subnet subnet-1 is described by the Terraform state \\(${names[1].replace(".", "\\.")}:\\d+ \\(module\\.vpc\\.aws_subnet\\.private\\[1\\]\\)\\) and by AWS CLI output \\(${names[0].replace(".", "\\.")}:3\\): the AWS CLI output is used$`,
          ),
        );
        assert.ok(!codes(s).includes("duplicate-object"));
      }
    });
  });
}

test("a state given with --with is a what-if: its objects replace the AWS CLI output's namesakes", () => {
  const dir = tempDir({
    "cli.json": JSON.stringify({
      Subnets: [{ SubnetId: "subnet-1", VpcId: "vpc-1", CidrBlock: "10.0.1.0/24", AvailabilityZone: "eu-west-1c" }],
    }),
    "planned.tfstate": tfstate([VPC, SUBNET(1)]),
  });
  const s = loadSnapshot({ paths: ["cli.json"], whatIf: ["planned.tfstate"], cwd: dir });
  const subnet = s.aws.subnets.find((x) => x.id === "subnet-1")!;
  assert.equal(subnet.availabilityZone, "eu-west-1a");
  assert.equal(subnet.source.address, "module.vpc.aws_subnet.private[1]");
  assert.ok(codes(s).includes("what-if"));
  assert.ok(!codes(s).includes("terraform-overridden"));
});

test("terraform.tfstate v4: a deposed object (create_before_destroy's old one, to be destroyed) is not the resource's current object and is not read", () => {
  const text = tfstate([VPC, SUBNET(1)]);
  const state = JSON.parse(text) as { resources: { type: string; instances: Record<string, unknown>[] }[] };
  const subnet = state.resources.find((r) => r.type === "aws_subnet")!;
  subnet.instances.push({
    ...subnet.instances[0]!,
    deposed: "00000001",
    attributes: { ...SUBNET(9).values, id: "subnet-old" },
  });
  const s = load({ "terraform.tfstate": JSON.stringify(state, null, 2) });
  assert.deepEqual(
    s.aws.subnets.map((x) => x.id),
    ["subnet-1"],
  );
});

test("describe-target-health lists every target of its group: a state's registration it does not list is dropped, with a note", () => {
  const tgArn = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/3";
  const attachment = (n: number): Res => ({
    type: "aws_lb_target_group_attachment",
    name: "web",
    index: n,
    values: { target_group_arn: tgArn, target_id: `i-${n}`, port: 30080 },
  });
  const health = JSON.stringify(
    {
      TargetGroupArn: tgArn,
      TargetHealthDescriptions: [{ Target: { Id: "i-1", Port: 30080 }, TargetHealth: { State: "healthy" } }],
    },
    null,
    2,
  );
  const s = load({ "terraform.tfstate": tfstate([attachment(1), attachment(2)]), "health.json": health });
  assert.deepEqual(
    s.aws.targetHealth.map((h) => [h.targetId, h.state, h.source.file]),
    [["i-1", "healthy", "health.json"]],
  );
  const notes = s.diagnostics.filter((d) => d.code === "terraform-overridden").map((d) => d.message);
  assert.equal(notes.length, 2);
  assert.ok(
    notes.some((m) =>
      /^target i-2:30080 .* is registered in the Terraform state .* but not listed by describe-target-health \(health\.json\)/.test(
        m,
      ),
    ),
  );
});

test("a rule resource whose security group is in neither the state nor the snapshot is a located warning", () => {
  const s = load({
    "terraform.tfstate": tfstate([
      VPC,
      {
        type: "aws_vpc_security_group_ingress_rule",
        name: "lost",
        values: { security_group_id: "sg-gone", ip_protocol: "-1", cidr_ipv4: "10.0.0.0/8" },
      },
    ]),
  });
  const warning = s.diagnostics.find((d) => d.code === "unresolved-reference");
  assert.ok(warning);
  assert.match(
    warning.message,
    /^aws_vpc_security_group_ingress_rule\.lost: security group sg-gone is in neither the state nor the snapshot/,
  );
  assert.equal(warning.source?.file, join("terraform.tfstate"));
});
