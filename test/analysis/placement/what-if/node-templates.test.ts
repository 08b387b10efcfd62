/**
 * The node templates of `place --add-node` (src/analysis/placement/what-if/node-templates/, the
 * table in src/model/ec2-instance-types.ts), table by table against the upstream rule each follows.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  EC2_INSTANCE_TYPES,
  ec2InstanceType,
  eniLimitedPods,
  instanceTypeParts,
} from "../../../../src/model/ec2-instance-types.js";
import {
  cpuMillicoresToReserve,
  memoryCapacityBytes,
  memoryMebibytesToReserve,
  nodeResources,
} from "../../../../src/analysis/placement/what-if/node-templates/allocatable.js";
import {
  eksNodegroupNodes,
  type EksNodegroup,
} from "../../../../src/analysis/placement/what-if/node-templates/eks-nodegroup.js";
import {
  allowedInstanceTypes,
  nodePoolNode,
  requirementAllows,
  type KarpenterNodePool,
  type NodePoolRequirement,
} from "../../../../src/analysis/placement/what-if/node-templates/karpenter.js";

const MI = 1024 * 1024;
const SRC = { file: "t.yaml", line: 1, col: 1, doc: 0 };

/**
 * awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni-max-pods.txt, the lines of the table's
 * types, by the pattern the file shows for each family (m/c/r: medium 8, large 29, xlarge and
 * 2xlarge 58, 4xlarge to 12xlarge 234; t3/t4g: nano and micro 4, small 11, medium 17, large 35,
 * xlarge and 2xlarge 58; t3a.small 8).
 */
const ENI_MAX_PODS: Readonly<Record<string, number>> = {
  "t3.nano": 4,
  "t3.micro": 4,
  "t3.small": 11,
  "t3.medium": 17,
  "t3.large": 35,
  "t3.xlarge": 58,
  "t3.2xlarge": 58,
  "t3a.small": 8,
  "t3a.medium": 17,
  "t4g.small": 11,
  "t4g.medium": 17,
  "m5.large": 29,
  "m5.xlarge": 58,
  "m5.2xlarge": 58,
  "m5.4xlarge": 234,
  "m5.8xlarge": 234,
  "m6g.medium": 8,
  "m7g.large": 29,
  "c5.9xlarge": 234,
  "c6g.medium": 8,
  "c7i.4xlarge": 234,
  "r6g.medium": 8,
  "r7i.2xlarge": 58,
};

test("eni-max-pods.txt (amazon-eks-ami): ENIs × (IPv4 per ENI − 1) + 2 gives the file's max pods for every type of the table's sample", () => {
  for (const [name, pods] of Object.entries(ENI_MAX_PODS)) {
    const t = ec2InstanceType(name);
    assert.ok(t, name);
    assert.equal(eniLimitedPods(t), pods, name);
  }
  // every family and size of the table follows the file's pattern
  const bySize: Record<string, number> = {
    medium: 8,
    large: 29,
    xlarge: 58,
    "2xlarge": 58,
    "4xlarge": 234,
    "8xlarge": 234,
    "9xlarge": 234,
  };
  for (const t of EC2_INSTANCE_TYPES.filter((x) => !x.name.startsWith("t"))) {
    assert.equal(eniLimitedPods(t), bySize[instanceTypeParts(t.name).size], t.name);
  }
  assert.equal(new Set(EC2_INSTANCE_TYPES.map((t) => t.name)).size, EC2_INSTANCE_TYPES.length, "no type twice");
});

test("nodeadm getCPUMillicoresToReserve: 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % above", () => {
  const table: [vcpus: number, reserved: number][] = [
    [1, 60],
    [2, 70],
    [4, 80],
    [8, 90],
    [16, 110],
    [32, 150],
    [36, 160],
  ];
  for (const [vcpus, reserved] of table) assert.equal(cpuMillicoresToReserve(vcpus * 1000), reserved, `${vcpus} vCPU`);
});

test("nodeadm GetMemoryMebibytesToReserve: 11 · maxPods + 255 MiB; Karpenter's memory(): less 64 MiB on Graviton, less 7.5 % VM overhead rounded up", () => {
  assert.equal(memoryMebibytesToReserve(17), 442);
  assert.equal(memoryMebibytesToReserve(110), 1465);
  assert.equal(memoryCapacityBytes(ec2InstanceType("t3.medium")!), 3788 * MI);
  // m6g.large: 8192 − 64 = 8128, 7.5 % = 609.6 → 610
  assert.equal(memoryCapacityBytes(ec2InstanceType("m6g.large")!), 7518 * MI);
});

test("kubelet allocatable = capacity − kube-reserved − system-reserved − eviction-hard (pkg/kubelet/cm GetNodeAllocatableReservation), with the EKS AMI's defaults and an EC2NodeClass's overrides", () => {
  const m5 = ec2InstanceType("m5.large")!;
  // 8192 MiB less 7.5 % (614.4, rounded up to 615)
  const r = nodeResources(m5);
  assert.deepEqual(r.capacity, { cpu: 2000, memory: 7577 * MI, pods: 29, "ephemeral-storage": 20 * 1024 * MI });
  assert.deepEqual(r.allocatable, {
    cpu: 1930,
    memory: (7577 - (11 * 29 + 255) - 100) * MI,
    pods: 29,
    // 20 GiB − 1 GiB kube-reserved − 10 % nodefs.available
    "ephemeral-storage": 20 * 1024 * MI - 1024 * MI - Math.ceil((20 * 1024 * MI) / 10),
  });
  const custom = nodeResources(m5, {
    maxPods: 110,
    systemReserved: { cpu: 100, memory: 100 * MI },
    evictionHardMemory: 500 * MI,
  });
  assert.equal(custom.allocatable["pods"], 110);
  assert.equal(custom.allocatable["cpu"], 1830);
  assert.equal(custom.allocatable["memory"], (7577 - 1465 - 100 - 500) * MI);
});

const group = (over: Partial<EksNodegroup> = {}): EksNodegroup => ({
  name: "workers",
  source: SRC,
  instanceType: ec2InstanceType("m6g.large")!,
  otherInstanceTypes: [],
  capacityType: "SPOT",
  desiredSize: 2,
  amiType: "AL2023_ARM_64_STANDARD",
  labels: { team: "shop" },
  taints: [],
  region: "eu-west-1",
  subnetZones: [
    { subnet: "subnet-1", zone: "eu-west-1a" },
    { subnet: "subnet-2", zone: "eu-west-1b" },
  ],
  zonesFrom: "subnets",
  managed: true,
  toolLabels: {},
  desiredFrom: "scalingConfig.desiredSize",
  diskGiB: 50,
  maxPods: undefined,
  ...over,
});

test("EKS managed node group nodes: the labels EKS and the kubelet set (eks.amazonaws.com/nodegroup and capacityType, well_known_labels.go), the group's own labels, zones in turn over its subnets", () => {
  const { nodes, view } = eksNodegroupNodes(group(), 3);
  assert.deepEqual(
    nodes.map((n) => n.name),
    ["workers-1", "workers-2", "workers-3"],
  );
  assert.deepEqual(nodes[0]!.labels, {
    "eks.amazonaws.com/nodegroup": "workers",
    "eks.amazonaws.com/capacityType": "SPOT",
    "kubernetes.io/arch": "arm64",
    "kubernetes.io/os": "linux",
    "kubernetes.io/hostname": "workers-1",
    "node.kubernetes.io/instance-type": "m6g.large",
    "beta.kubernetes.io/arch": "arm64",
    "beta.kubernetes.io/os": "linux",
    "beta.kubernetes.io/instance-type": "m6g.large",
    "topology.kubernetes.io/region": "eu-west-1",
    "topology.kubernetes.io/zone": "eu-west-1a",
    team: "shop",
  });
  assert.deepEqual(
    nodes.map((n) => n.labels["topology.kubernetes.io/zone"]),
    ["eu-west-1a", "eu-west-1b", "eu-west-1a"],
  );
  assert.equal(nodes[0]!.allocatable["ephemeral-storage"], 50 * 1024 * MI - 1024 * MI - 5 * 1024 * MI);
  assert.deepEqual(view.nodes, ["workers-1", "workers-2", "workers-3"]);
  assert.match(view.assumptions[0]!, /^3 nodes \(--add-node-count\) of m6g\.large/);
  assert.match(view.assumptions[1]!, /and 64 MiB on Graviton/);
  // eksctl's self-managed nodeGroups: its own labels, none of EKS's
  const selfManaged = eksNodegroupNodes(
    group({
      managed: false,
      toolLabels: { "alpha.eksctl.io/nodegroup-name": "workers", "alpha.eksctl.io/cluster-name": "shop" },
    }),
  );
  assert.equal(selfManaged.nodes.length, 2, "desiredSize");
  assert.equal(selfManaged.nodes[0]!.labels["eks.amazonaws.com/nodegroup"], undefined);
  assert.equal(selfManaged.nodes[0]!.labels["alpha.eksctl.io/nodegroup-name"], "workers");
  assert.equal(selfManaged.view.kind, "self-managed node group");
  const windows = eksNodegroupNodes(
    group({ amiType: "WINDOWS_CORE_2022_x86_64", instanceType: ec2InstanceType("m5.large")! }),
    1,
  );
  assert.equal(windows.nodes[0]!.labels["kubernetes.io/os"], "windows");
});

const req = (key: string, operator: NodePoolRequirement["operator"], ...values: string[]): NodePoolRequirement => ({
  key,
  operator,
  values,
  source: SRC,
});

test("Karpenter Requirement semantics (sigs.k8s.io/karpenter pkg/scheduling): In, NotIn, Exists, DoesNotExist, Gt and Lt on integers", () => {
  const table: [NodePoolRequirement, string | undefined, boolean][] = [
    [req("k", "In", "a", "b"), "a", true],
    [req("k", "In", "a"), undefined, false],
    [req("k", "NotIn", "a"), "b", true],
    [req("k", "NotIn", "a"), undefined, true],
    [req("k", "NotIn", "a"), "a", false],
    [req("k", "Exists"), "x", true],
    [req("k", "Exists"), undefined, false],
    [req("k", "DoesNotExist"), undefined, true],
    [req("k", "Gt", "5"), "6", true],
    [req("k", "Gt", "5"), "5", false],
    [req("k", "Lt", "8"), "4", true],
    [req("k", "Lt", "8"), "x", false],
  ];
  for (const [r, value, want] of table)
    assert.equal(requirementAllows(r, value), want, `${r.operator} ${r.values.join(",")} on ${String(value)}`);
});

const pool = (requirements: NodePoolRequirement[], over: Partial<KarpenterNodePool> = {}): KarpenterNodePool => ({
  name: "default",
  apiVersion: "karpenter.sh/v1",
  source: SRC,
  labels: {},
  requirements,
  taints: [],
  startupTaints: [],
  limits: {},
  weight: 0,
  nodeClassName: undefined,
  nodeClass: undefined,
  ...over,
});

test("NodePool requirements select instance types on the keys karpenter-provider-aws gives each (types.go computeRequirements: instance-family, -size, -cpu, -memory, arch), smallest first", () => {
  const names = (r: NodePoolRequirement[]) => allowedInstanceTypes(pool(r)).map((t) => t.name);
  assert.deepEqual(
    names([
      req("karpenter.k8s.aws/instance-family", "In", "m7g"),
      req("karpenter.k8s.aws/instance-size", "NotIn", "8xlarge"),
    ]),
    ["m7g.medium", "m7g.large", "m7g.xlarge", "m7g.2xlarge", "m7g.4xlarge"],
  );
  assert.deepEqual(names([req("node.kubernetes.io/instance-type", "In", "t3.large", "t3.medium")]), [
    "t3.medium",
    "t3.large",
  ]);
  assert.deepEqual(
    names([
      req("karpenter.k8s.aws/instance-cpu", "Gt", "8"),
      req("karpenter.k8s.aws/instance-memory", "Lt", "40000"),
      req("kubernetes.io/arch", "In", "arm64"),
    ]),
    ["c6g.4xlarge", "c7g.4xlarge"],
  );
  assert.deepEqual(names([req("karpenter.k8s.aws/instance-category", "In", "x")]), []);
  // a requirement on a key that is not the instance type's leaves the types alone and labels the node when single-valued
  assert.equal(names([req("example.com/team", "In", "shop")]).length, EC2_INSTANCE_TYPES.length);
});

test("Karpenter's kube-reserved memory (types.go kubeReservedResources): the ENI-limited pod count for the AL2/AL2023 families (UsesENILimitedMemoryOverhead), maxPods for Bottlerocket", () => {
  const nodeClass = (amiFamily: string) => ({
    name: "default",
    source: SRC,
    maxPods: 110,
    kubeReserved: {},
    systemReserved: {},
    evictionHardMemory: undefined,
    diskGiB: undefined,
    amiFamily,
  });
  const m5 = ec2InstanceType("m5.large")!;
  const memory = (family: string) =>
    nodePoolNode(pool([], { nodeClass: nodeClass(family) }), m5, "n").allocatable["memory"];
  assert.equal(memory("al2023"), (7577 - (11 * 29 + 255) - 100) * MI);
  assert.equal(memory("bottlerocket"), (7577 - (11 * 110 + 255) - 100) * MI);
});

test("a NodePool's node: karpenter.sh/nodepool and capacity-type (spot when allowed, else on-demand), the single-valued In requirements' labels, the template's labels, the type's labels; taints but not startupTaints", () => {
  const taint = { key: "dedicated", value: "batch", effect: "NoSchedule" as const, source: SRC };
  const startup = { key: "example.com/bootstrapping", value: "", effect: "NoSchedule" as const, source: SRC };
  const p = pool(
    [
      req("karpenter.sh/capacity-type", "In", "spot", "on-demand"),
      req("topology.kubernetes.io/zone", "In", "eu-west-1b"),
      req("example.com/team", "In", "shop", "web"),
    ],
    { labels: { tier: "batch" }, taints: [taint], startupTaints: [startup] },
  );
  const n = nodePoolNode(p, ec2InstanceType("c7g.large")!, "default-1");
  assert.equal(n.labels["karpenter.sh/nodepool"], "default");
  assert.equal(n.labels["karpenter.sh/capacity-type"], "spot");
  assert.equal(n.labels["topology.kubernetes.io/zone"], "eu-west-1b");
  assert.equal(n.labels["example.com/team"], undefined, "two values: Karpenter picks one, podpath sets none");
  assert.equal(n.labels["tier"], "batch");
  assert.equal(n.labels["karpenter.k8s.aws/instance-family"], "c7g");
  assert.equal(n.labels["karpenter.k8s.aws/instance-category"], "c");
  assert.equal(n.labels["karpenter.k8s.aws/instance-generation"], "7");
  assert.equal(n.labels["kubernetes.io/arch"], "arm64");
  assert.deepEqual(n.taints, [taint]);
  assert.equal(
    nodePoolNode(pool([]), ec2InstanceType("c7g.large")!, "x").labels["karpenter.sh/capacity-type"],
    "on-demand",
  );
});
