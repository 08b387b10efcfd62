/**
 * `npm run bench`, part 2: path tracing on the synthetic cluster (5,000 nodes, 150,000 pods) with
 * an AWS network around it — one VPC, a private subnet for the nodes, a public one with a NAT
 * gateway, an internet gateway, security groups and network ACLs, an instance and an ENI per node
 * — and a Calico VXLAN pool with natOutgoing. Reports the time to build the trace context, the
 * first trace's latency, per-trace latency (mean, p99) and traces per second in a batch.
 *
 * Targets (issue 4): under 20 ms per trace once the snapshot is loaded, over 1,000 traces/s.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PathContext } from "../src/analysis/paths/path-context.js";
import { tracePath } from "../src/analysis/paths/trace.js";
import type { EndpointSpec } from "../src/analysis/paths/endpoints.js";
import { loadSnapshot } from "../src/load/load-snapshot.js";
import { SYNTHETIC_FILES, writeSyntheticCluster } from "./synthetic.js";

const nodes = Number(process.env["BENCH_NODES"] ?? 5000);
const pods = Number(process.env["BENCH_PODS"] ?? 150000);
const traces = Number(process.env["BENCH_TRACES"] ?? 3000);
const dir = join(tmpdir(), `podpath-bench-v3-${nodes}-${pods}`);
const AWS_FILES = [
  "aws-vpcs.json",
  "aws-subnets.json",
  "aws-route-tables.json",
  "aws-igw.json",
  "aws-nat.json",
  "aws-sgs.json",
  "aws-nacls.json",
  "aws-instances.json",
  "aws-enis.json",
  "calico.json",
] as const;

function nodeIp(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function instanceId(i: number): string {
  return `i-${i.toString(16).padStart(17, "0")}`;
}

function writeAws(): void {
  const write = (name: string, value: unknown): void => writeFileSync(join(dir, name), JSON.stringify(value));
  const vpc = "vpc-0bench000000000001";
  write("aws-vpcs.json", {
    Vpcs: [
      {
        VpcId: vpc,
        CidrBlock: "10.0.0.0/8",
        CidrBlockAssociationSet: [{ CidrBlock: "10.0.0.0/8", CidrBlockState: { State: "associated" } }],
        IsDefault: false,
        State: "available",
      },
    ],
  });
  write("aws-subnets.json", {
    Subnets: [
      {
        SubnetId: "subnet-0private",
        VpcId: vpc,
        CidrBlock: "10.0.0.0/9",
        AvailabilityZone: "ap-northeast-2a",
        MapPublicIpOnLaunch: false,
      },
      {
        SubnetId: "subnet-0public",
        VpcId: vpc,
        CidrBlock: "10.200.0.0/24",
        AvailabilityZone: "ap-northeast-2a",
        MapPublicIpOnLaunch: true,
        Tags: [{ Key: "kubernetes.io/role/elb", Value: "1" }],
      },
    ],
  });
  write("aws-route-tables.json", {
    RouteTables: [
      {
        RouteTableId: "rtb-0private",
        VpcId: vpc,
        Associations: [{ SubnetId: "subnet-0private", Main: false }],
        Routes: [
          { DestinationCidrBlock: "10.0.0.0/8", GatewayId: "local", State: "active" },
          { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0bench", State: "active" },
        ],
      },
      {
        RouteTableId: "rtb-0public",
        VpcId: vpc,
        Associations: [{ SubnetId: "subnet-0public", Main: false }, { Main: true }],
        Routes: [
          { DestinationCidrBlock: "10.0.0.0/8", GatewayId: "local", State: "active" },
          { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0bench", State: "active" },
        ],
      },
    ],
  });
  write("aws-igw.json", {
    InternetGateways: [{ InternetGatewayId: "igw-0bench", Attachments: [{ VpcId: vpc, State: "available" }] }],
  });
  write("aws-nat.json", {
    NatGateways: [
      {
        NatGatewayId: "nat-0bench",
        VpcId: vpc,
        SubnetId: "subnet-0public",
        State: "available",
        ConnectivityType: "public",
        NatGatewayAddresses: [
          {
            PrivateIp: "10.200.0.100",
            PublicIp: "203.0.113.10",
            AllocationId: "eipalloc-0bench",
            NetworkInterfaceId: "eni-0nat",
            IsPrimary: true,
          },
        ],
      },
    ],
  });
  const all = [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];
  write("aws-sgs.json", {
    SecurityGroups: [
      {
        GroupId: "sg-0nodes",
        GroupName: "nodes",
        VpcId: vpc,
        IpPermissions: [
          { IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: "sg-0nodes" }] },
          { IpProtocol: "tcp", FromPort: 30000, ToPort: 32767, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
        ],
        IpPermissionsEgress: all,
      },
    ],
  });
  const entries = [
    { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
    { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
  ];
  write("aws-nacls.json", {
    NetworkAcls: [
      {
        NetworkAclId: "acl-0bench",
        VpcId: vpc,
        IsDefault: true,
        Associations: [{ SubnetId: "subnet-0private" }, { SubnetId: "subnet-0public" }],
        Entries: entries,
      },
    ],
  });
  const instances = [];
  const enis = [];
  for (let i = 0; i < nodes; i++) {
    const ip = nodeIp(i);
    const eni = `eni-${i.toString(16).padStart(17, "0")}`;
    instances.push({
      InstanceId: instanceId(i),
      PrivateIpAddress: ip,
      SubnetId: "subnet-0private",
      VpcId: vpc,
      State: { Name: "running" },
      SourceDestCheck: true,
      SecurityGroups: [{ GroupId: "sg-0nodes", GroupName: "nodes" }],
      NetworkInterfaces: [{ NetworkInterfaceId: eni }],
      Tags: [{ Key: "Name", Value: `node-${i}` }],
    });
    enis.push({
      NetworkInterfaceId: eni,
      SubnetId: "subnet-0private",
      VpcId: vpc,
      PrivateIpAddress: ip,
      PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
      Groups: [{ GroupId: "sg-0nodes", GroupName: "nodes" }],
      Attachment: { InstanceId: instanceId(i), DeviceIndex: 0 },
      SourceDestCheck: true,
      InterfaceType: "interface",
      Description: "",
    });
  }
  enis.push({
    NetworkInterfaceId: "eni-0nat",
    SubnetId: "subnet-0public",
    VpcId: vpc,
    PrivateIpAddress: "10.200.0.100",
    PrivateIpAddresses: [
      { PrivateIpAddress: "10.200.0.100", Primary: true, Association: { PublicIp: "203.0.113.10" } },
    ],
    Groups: [],
    SourceDestCheck: false,
    InterfaceType: "nat_gateway",
    Description: "Interface for NAT Gateway nat-0bench",
  });
  write("aws-instances.json", { Reservations: [{ Instances: instances }] });
  write("aws-enis.json", { NetworkInterfaces: enis });
  write("calico.json", {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "IPPool",
        metadata: { name: "default-ipv4-ippool" },
        spec: {
          cidr: "192.168.0.0/16",
          vxlanMode: "Always",
          ipipMode: "Never",
          natOutgoing: true,
          blockSize: 26,
          nodeSelector: "all()",
        },
      },
    ],
  });
}

function ms(n: number): string {
  return n.toFixed(n < 10 ? 2 : 1);
}

async function main(): Promise<void> {
  if (!existsSync(join(dir, "priorityclasses.json"))) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating ${nodes} nodes and ${pods} pods in ${dir}…\n`);
    await writeSyntheticCluster(dir, { nodes, pods });
  }
  if (!existsSync(join(dir, AWS_FILES[AWS_FILES.length - 1]!))) writeAws();
  const paths = [...SYNTHETIC_FILES, ...AWS_FILES].map((f) => join(dir, f));
  let t = performance.now();
  const loaded = loadSnapshot({ paths, cwd: dir });
  // the synthetic Services are manifests as applied (no spec.clusterIP): allocate ClusterIPs as the API server would
  const snapshot = {
    ...loaded,
    kubernetes: {
      ...loaded.kubernetes,
      services: loaded.kubernetes.services.map((svc, i) =>
        svc.clusterIP === "None"
          ? svc
          : {
              ...svc,
              clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`,
              clusterIPs: [`10.96.${(i >> 8) & 255}.${i & 255}`],
            },
      ),
    },
  };
  const loadSeconds = (performance.now() - t) / 1000;
  console.log(
    `trace: loaded ${snapshot.kubernetes.nodes.length} nodes, ${snapshot.kubernetes.pods.length} pods, ${snapshot.aws.networkInterfaces.length} ENIs in ${loadSeconds.toFixed(1)} s`,
  );

  t = performance.now();
  const ctx = new PathContext(snapshot);
  const contextMs = performance.now() - t;
  console.log(`trace: context (indexes of pods, nodes, ENIs; CNI ${ctx.cni.networking}) ${ms(contextMs)} ms`);

  // the batch: pod → ClusterIP, pod → pod on another node, pod → internet, node → node
  const running = snapshot.kubernetes.pods.filter((p) => p.podIP && p.nodeName && !p.spec.hostNetwork);
  const services = snapshot.kubernetes.services.filter(
    (s) => s.clusterIP && s.clusterIP !== "None" && s.ports.length > 0,
  );
  const step = Math.max(1, Math.floor(running.length / traces));
  const requests: { from: EndpointSpec; to: EndpointSpec }[] = [];
  for (let i = 0; requests.length < traces; i++) {
    const a = running[(i * step) % running.length]!;
    const b = running[(i * step * 7 + 13) % running.length]!;
    const from: EndpointSpec = { kind: "pod", namespace: a.namespace, name: a.name };
    switch (i % 4) {
      case 0:
        requests.push({
          from,
          to: {
            kind: "service",
            namespace: services[i % services.length]!.namespace,
            name: services[i % services.length]!.name,
          },
        });
        break;
      case 1:
        requests.push({ from, to: { kind: "pod", namespace: b.namespace, name: b.name } });
        break;
      case 2:
        requests.push({ from, to: { kind: "internet" } });
        break;
      default:
        requests.push({ from: { kind: "node", name: a.nodeName! }, to: { kind: "node", name: b.nodeName! } });
    }
  }
  t = performance.now();
  const first = tracePath(ctx, { ...requests[0]!, port: 80 });
  const firstMs = performance.now() - t;
  console.log(`trace: first trace ${ms(firstMs)} ms (${first.verdict}, ${first.hops.length} steps)`);

  const latencies: number[] = [];
  const verdicts = new Map<string, number>();
  const started = performance.now();
  for (const r of requests) {
    const s = performance.now();
    const result = tracePath(ctx, { ...r, port: r.to.kind === "node" ? 10250 : 80 });
    latencies.push(performance.now() - s);
    const key = result.verdict === "dropped" ? `dropped ${result.drop?.code}` : `delivered`;
    verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((n, x) => n + x, 0) / latencies.length;
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  const max = latencies[latencies.length - 1]!;
  console.log(
    `trace: ${requests.length} traces in ${seconds.toFixed(2)} s = ${Math.round(requests.length / seconds)} traces/s; per trace mean ${ms(mean)} ms, p99 ${ms(p99)} ms, max ${ms(max)} ms`,
  );
  console.log(`trace: verdicts ${[...verdicts].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(
    `trace: targets — under 20 ms per trace: ${p99 < 20 ? "met" : "MISSED"} (p99); over 1,000 traces/s: ${requests.length / seconds > 1000 ? "met" : "MISSED"}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
