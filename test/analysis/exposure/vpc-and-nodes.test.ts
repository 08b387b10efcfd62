/**
 * `podpath exposure` on edited copies of the hand-written captures (AWS CLI JSON, kubectl YAML):
 * - the VPC host (analysis/exposure/vpc.ts): an address of the VPC no node, pod, interface or load
 *   balancer holds — the highest one AWS does not reserve (AWS VPC User Guide, "Subnet CIDR
 *   blocks": the first four and the last address of a subnet are reserved) in a subnet without
 *   nodes;
 * - a VPC CNI pod address (Amazon VPC CNI: a secondary address of the node's ENI) reached from the
 *   VPC once the node's security group has an inbound rule from the VPC CIDR (AWS VPC User Guide,
 *   "Security group rules": a CIDR source admits every address in it);
 * - a NodePort that one node's security group does not open (EC2: each instance's own groups
 *   filter its inbound traffic): open on the others, blocked on that node, each node named.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { analyseExposure } from "../../../src/analysis/exposure/exposure.js";
import { chooseVpcHost } from "../../../src/analysis/exposure/vpc.js";
import { PathContext } from "../../../src/analysis/paths/path-context.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { REPO } from "../../support/helpers.js";
import { editedCapture } from "./edited-capture.js";

const EKS = "test/fixtures/captures/eks-vpc-cni-nlb";
const KUBEADM = "test/fixtures/captures/kubeadm-calico-public";

test("the VPC host: the highest unreserved address of the first subnet without nodes (AWS reserves the last address of a subnet)", () => {
  const snapshot = loadSnapshot({ paths: [join(REPO, EKS)], cwd: REPO });
  const host = chooseVpcHost(new PathContext(snapshot));
  assert.ok("ip" in host, JSON.stringify(host));
  assert.deepEqual(
    [host.ip, host.subnet.id, host.vpcId],
    ["10.20.0.254", "subnet-0a1b2c3d4e5f61001", "vpc-0a1b2c3d4e5f60001"],
  );
  assert.match(host.how, /a subnet without nodes/);
});

test("the VPC host: without subnets and route tables the VPC is not traced, and a note says why", () => {
  const snapshot = loadSnapshot({ paths: [join(REPO, EKS, "k8s")], cwd: REPO });
  const report = analyseExposure(snapshot);
  assert.equal(report.vpcHost, undefined);
  assert.ok(report.workloads.every((w) => w.vpc.length === 0));
  assert.ok(report.notes.some((n) => /the VPC is not traced: the snapshot has no VPC/.test(n.message)));
});

test("Amazon VPC CNI pod address from the VPC: open once the node security group admits the VPC CIDR on the pod's port (a CIDR source admits every address in it)", () => {
  const snapshot = editedCapture(EKS, {
    "aws/ec2-describe-security-groups.json": (json: {
      SecurityGroups: { GroupId: string; IpPermissions: unknown[] }[];
    }) => {
      const group = json.SecurityGroups.find((g) => g.GroupId === "sg-0a1b2c3d4e5f65002")!;
      group.IpPermissions.push({
        IpProtocol: "tcp",
        FromPort: 8080,
        ToPort: 8080,
        UserIdGroupPairs: [],
        IpRanges: [{ CidrIp: "10.20.0.0/16", Description: "pods from the VPC" }],
        Ipv6Ranges: [],
        PrefixListIds: [],
      });
    },
  });
  const web = analyseExposure(snapshot).workloads.find((w) => w.workload.id === "web/web[Deployment]");
  const pod = web?.vpc.find((e) => e.kind === "pod-ip");
  assert.ok(pod);
  assert.equal(pod.verdict, "open", pod.path);
  assert.equal(pod.pod, "web/web-6d9f7c8b5d-x7k2p");
  const sg = pod.chain.find((l) => l.component === "security-group");
  assert.match(sg?.note ?? "", /tcp 8080 from 10\.20\.0\.0\/16/);
  assert.match(
    pod.path,
    /^VPC host 10\.20\.0\.254 → sg-0a1b2c3d4e5f65002 → NetworkPolicy \(none: not isolated\) → pod web\//,
  );
});

test("a NodePort one node's security group does not open (EC2: an instance's own groups filter what reaches it): open on two nodes, blocked on ip-10-20-2-12 by its group, each node named", () => {
  const snapshot = editedCapture(KUBEADM, {
    "aws/ec2-describe-instances.json": (json: { Reservations: { Instances: { InstanceId: string }[] }[] }) => {
      // node ip-10-20-2-12's instance (and its ENI) keeps only the VPC's default group: no NodePort rule
      for (const r of json.Reservations)
        r.Instances = r.Instances.map((i) =>
          i.InstanceId === "i-0b5e1c7d9a3f20012"
            ? (JSON.parse(JSON.stringify(i).replaceAll("sg-0b5e1c7d9a3f20011", "sg-0b5e1c7d9a3f20001")) as typeof i)
            : i,
        );
    },
  });
  const web = analyseExposure(snapshot).workloads.find((w) => w.workload.id.startsWith("shop/web"));
  const nodePort = web?.internet.find((e) => e.frontend === "NodePort 30080/TCP of service shop/web");
  assert.ok(nodePort);
  assert.equal(nodePort.verdict, "open");
  assert.deepEqual(nodePort.openNodes, ["ip-10-20-1-10", "ip-10-20-1-11"]);
  assert.deepEqual(
    nodePort.byNode.map((g) => [g.verdict, g.nodes, g.code, g.at]),
    [
      ["open", ["ip-10-20-1-10", "ip-10-20-1-11"], null, null],
      ["blocked", ["ip-10-20-2-12"], "SECURITY_GROUP_INGRESS", "security-group:sg-0b5e1c7d9a3f20001"],
    ],
  );
});

test("an observed internal NLB (describe-load-balancers Scheme internal: private addresses only) from the VPC host: through its interface in the VPC, the listener, the target group and the node's security group to the pod; not listed as reachable from the internet", () => {
  const snapshot = editedCapture(EKS, {
    "aws/elbv2-describe-load-balancers.json": (json: { LoadBalancers: { Scheme: string }[] }) => {
      for (const lb of json.LoadBalancers) lb.Scheme = "internal";
    },
  });
  const web = analyseExposure(snapshot).workloads.find((w) => w.workload.id === "web/web[Deployment]");
  const fromVpc = web?.vpc.find((e) => e.kind === "load-balancer-service");
  assert.ok(fromVpc);
  assert.equal(fromVpc.verdict, "open");
  assert.equal(
    fromVpc.path,
    "VPC host 10.20.0.254 → no security group → NLB k8s-web-webnlb-3e9a7c21f0 listener 80 → target group k8s-web-webnlb-8f41d2c9aa → sg-0a1b2c3d4e5f65002 → kube-proxy web/web-nlb:http → NetworkPolicy (none: not isolated) → pod web/web-6d9f7c8b5d-x7k2p",
  );
  const fromInternet = web?.internet.find((e) => e.kind === "load-balancer-service");
  assert.notEqual(fromInternet?.verdict, "open");
});
