/**
 * ENIs built from `aws ec2 describe-instances` (Reservations[].Instances[].NetworkInterfaces[], the
 * InstanceNetworkInterface shape of the EC2 API reference) when `describe-network-interfaces` does
 * not list them; the latter wins where both do (it is the complete record: load balancer, NAT
 * gateway and endpoint ENIs, tags, requester).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { REPO, cli, tempDir } from "../support/helpers.js";

const CAPTURE = join(REPO, "test/fixtures/captures/kubeadm-public-instances-only");
const INSTANCES = readFileSync(join(CAPTURE, "aws/ec2-describe-instances.json"), "utf8");

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the input`);
  return text.slice(0, at).split("\n").length;
}

describe("ENIs from describe-instances", () => {
  test("a full describe-instances: every ENI with subnet, VPC, zone, addresses (public IPs from Association.PublicIp), groups, source/dest check, device index and prefixes", () => {
    const s = loadSnapshot({ paths: [CAPTURE], cwd: REPO });
    // the capture's only gap: the SSH rule's prefix list (see aws-layers.test.ts)
    assert.deepEqual(
      s.diagnostics.map((d) => d.code),
      ["missing-layer"],
    );
    const enis = s.aws.networkInterfaces;
    assert.deepEqual(
      enis.map((e) => [e.id, e.origin, e.attachment?.instanceId, e.attachment?.deviceIndex]),
      [
        ["eni-0a1b2c3d4e5f60010", "describe-instances", "i-0a1b2c3d4e5f60010", 0],
        ["eni-0a1b2c3d4e5f60011", "describe-instances", "i-0a1b2c3d4e5f60011", 0],
        ["eni-0a1b2c3d4e5f60012", "describe-instances", "i-0a1b2c3d4e5f60012", 0],
        ["eni-0a1b2c3d4e5f60111", "describe-instances", "i-0a1b2c3d4e5f60011", 1],
      ],
    );
    const primary = enis[1]!;
    assert.equal(primary.subnetId, "subnet-0a1b2c3d4e5f6a001");
    assert.equal(primary.vpcId, "vpc-0a1b2c3d4e5f60718");
    assert.equal(primary.availabilityZone, "ap-northeast-2a");
    assert.deepEqual(primary.privateIps, [
      { address: "10.20.1.11", primary: true, publicIp: "3.35.10.11" },
      { address: "10.20.1.111", primary: false, publicIp: undefined },
    ]);
    assert.deepEqual(primary.securityGroupIds, ["sg-0a1b2c3d4e5f60001"]);
    assert.equal(primary.sourceDestCheck, false);
    assert.equal(primary.interfaceType, "interface");
    assert.deepEqual(primary.ipv4Prefixes, []);
    const secondary = enis[3]!;
    assert.deepEqual(secondary.ipv4Prefixes, ["10.20.1.224/28"]);
    assert.deepEqual(
      secondary.privateIps.map((p) => [p.address, p.primary, p.publicIp]),
      [
        ["10.20.1.211", true, undefined],
        ["10.20.1.212", false, undefined],
      ],
    );
    assert.equal(secondary.description, "worker-1 secondary");
    // the control plane's ENI carries both of its groups
    assert.deepEqual(enis[0]!.securityGroupIds, ["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60002"]);
    // located at the ENI's own mapping in describe-instances
    assert.equal(
      secondary.source.file,
      "test/fixtures/captures/kubeadm-public-instances-only/aws/ec2-describe-instances.json",
    );
    // its mapping opens just above its Attachment (the first key of an ENI without a public IP): three lines above AttachmentId
    assert.equal(secondary.source.line, lineOf(INSTANCES, '"AttachmentId": "eni-attach-0a1b2c3d4e5f60111"') - 3);
    // each ENI is joined to its instance by its attachment
    assert.equal(s.joins.filter((j) => j.kind === "instance-eni" && j.by === "attachment").length, 4);
  });

  test("a trimmed describe-instances (--query keeping ids and addresses only): subnet and VPC from the instance, the instance's public IP on the primary address", () => {
    // aws ec2 describe-instances --query '{Reservations: Reservations[].{Instances: Instances[].{InstanceId: InstanceId,
    //   PrivateIpAddress: PrivateIpAddress, PublicIpAddress: PublicIpAddress, SubnetId: SubnetId, VpcId: VpcId,
    //   NetworkInterfaces: NetworkInterfaces[].{NetworkInterfaceId: NetworkInterfaceId, PrivateIpAddress: PrivateIpAddress}}}}'
    const trimmed = `{
    "Reservations": [
        {
            "Instances": [
                {
                    "InstanceId": "i-0a1b2c3d4e5f60011",
                    "PrivateIpAddress": "10.20.1.11",
                    "PublicIpAddress": "3.35.10.11",
                    "SubnetId": "subnet-0a1b2c3d4e5f6a001",
                    "VpcId": "vpc-0a1b2c3d4e5f60718",
                    "NetworkInterfaces": [
                        {
                            "NetworkInterfaceId": "eni-0a1b2c3d4e5f60011",
                            "PrivateIpAddress": "10.20.1.11"
                        }
                    ]
                },
                {
                    "InstanceId": "i-0a1b2c3d4e5f60012",
                    "PrivateIpAddress": "10.20.2.12",
                    "PublicIpAddress": null,
                    "SubnetId": "subnet-0a1b2c3d4e5f6c002",
                    "VpcId": "vpc-0a1b2c3d4e5f60718",
                    "NetworkInterfaces": [
                        {
                            "NetworkInterfaceId": "eni-0a1b2c3d4e5f60012",
                            "PrivateIpAddress": null
                        }
                    ]
                }
            ]
        }
    ]
}
`;
    const dir = tempDir({ "ec2-describe-instances.json": trimmed });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    // nothing wrong with the file; the VPC and subnets it names are not in this snapshot (aws-layers.test.ts)
    assert.deepEqual(
      s.diagnostics.filter((d) => d.code !== "missing-layer"),
      [],
    );
    assert.deepEqual(
      s.aws.networkInterfaces.map((e) => [
        e.id,
        e.subnetId,
        e.vpcId,
        e.attachment?.instanceId,
        e.privateIps,
        e.sourceDestCheck,
      ]),
      [
        [
          "eni-0a1b2c3d4e5f60011",
          "subnet-0a1b2c3d4e5f6a001",
          "vpc-0a1b2c3d4e5f60718",
          "i-0a1b2c3d4e5f60011",
          [{ address: "10.20.1.11", primary: true, publicIp: "3.35.10.11" }],
          true,
        ],
        [
          "eni-0a1b2c3d4e5f60012",
          "subnet-0a1b2c3d4e5f6c002",
          "vpc-0a1b2c3d4e5f60718",
          "i-0a1b2c3d4e5f60012",
          [{ address: "10.20.2.12", primary: true, publicIp: undefined }],
          true,
        ],
      ],
    );
  });

  test("describe-instances and describe-network-interfaces together: describe-network-interfaces wins for the ENIs it lists, silently; the rest come from describe-instances", () => {
    const listed = `{
    "NetworkInterfaces": [
        {
            "Association": {
                "IpOwnerId": "amazon",
                "PublicDnsName": "ec2-3-35-10-11.ap-northeast-2.compute.amazonaws.com",
                "PublicIp": "3.35.10.11"
            },
            "Attachment": {
                "AttachTime": "2026-11-02T01:12:44+00:00",
                "AttachmentId": "eni-attach-0a1b2c3d4e5f60011",
                "DeleteOnTermination": true,
                "DeviceIndex": 0,
                "NetworkCardIndex": 0,
                "InstanceId": "i-0a1b2c3d4e5f60011",
                "InstanceOwnerId": "123456789012",
                "Status": "attached"
            },
            "AvailabilityZone": "ap-northeast-2a",
            "Description": "",
            "Groups": [
                {
                    "GroupName": "kubeadm-nodes",
                    "GroupId": "sg-0a1b2c3d4e5f60001"
                }
            ],
            "InterfaceType": "interface",
            "Ipv6Addresses": [],
            "MacAddress": "02:3c:1e:8a:10:11",
            "NetworkInterfaceId": "eni-0a1b2c3d4e5f60011",
            "OwnerId": "123456789012",
            "PrivateDnsName": "ip-10-20-1-11.ap-northeast-2.compute.internal",
            "PrivateIpAddress": "10.20.1.11",
            "PrivateIpAddresses": [
                {
                    "Association": {
                        "IpOwnerId": "amazon",
                        "PublicDnsName": "ec2-3-35-10-11.ap-northeast-2.compute.amazonaws.com",
                        "PublicIp": "3.35.10.11"
                    },
                    "Primary": true,
                    "PrivateDnsName": "ip-10-20-1-11.ap-northeast-2.compute.internal",
                    "PrivateIpAddress": "10.20.1.11"
                }
            ],
            "RequesterManaged": false,
            "SourceDestCheck": false,
            "Status": "in-use",
            "SubnetId": "subnet-0a1b2c3d4e5f6a001",
            "TagSet": [
                {
                    "Key": "captured-by",
                    "Value": "describe-network-interfaces"
                }
            ],
            "VpcId": "vpc-0a1b2c3d4e5f60718"
        }
    ]
}
`;
    const dir = tempDir({ "ec2-describe-network-interfaces.json": listed });
    const s = loadSnapshot({ paths: [CAPTURE, dir], cwd: REPO });
    assert.deepEqual(
      s.diagnostics.map((d) => d.code),
      ["missing-layer"],
      "no duplicate-object note: the two sources are expected to overlap",
    );
    assert.deepEqual(
      s.aws.networkInterfaces.map((e) => [e.id, e.origin]),
      [
        ["eni-0a1b2c3d4e5f60010", "describe-instances"],
        ["eni-0a1b2c3d4e5f60011", "describe-network-interfaces"],
        ["eni-0a1b2c3d4e5f60012", "describe-instances"],
        ["eni-0a1b2c3d4e5f60111", "describe-instances"],
      ],
    );
    const won = s.aws.networkInterfaces[1]!;
    assert.deepEqual(won.tags, { "captured-by": "describe-network-interfaces" });
    assert.deepEqual(
      won.privateIps,
      [{ address: "10.20.1.11", primary: true, publicIp: "3.35.10.11" }],
      "the secondary address only describe-instances listed is not merged in",
    );
    assert.ok(won.source.file.endsWith("ec2-describe-network-interfaces.json"));
    // one join per ENI, whatever its origin
    assert.equal(s.joins.filter((j) => j.kind === "instance-eni").length, 4);
  });

  test("an ENI whose subnet is neither on it nor on its instance is skipped with a located warning, not silently", () => {
    const json = `{
    "Reservations": [
        {
            "Instances": [
                {
                    "InstanceId": "i-0a1b2c3d4e5f60011",
                    "NetworkInterfaces": [
                        {
                            "NetworkInterfaceId": "eni-0a1b2c3d4e5f60011"
                        }
                    ]
                }
            ]
        }
    ]
}
`;
    const dir = tempDir({ "ec2-describe-instances.json": json });
    const s = loadSnapshot({ paths: ["."], cwd: dir });
    assert.deepEqual(
      s.diagnostics.map((d) => [d.code, d.source?.line, d.message]),
      [
        [
          "invalid-field",
          8,
          "instance i-0a1b2c3d4e5f60011: network interface skipped: eni-0a1b2c3d4e5f60011: SubnetId is missing on the interface and on the instance",
        ],
      ],
    );
    assert.deepEqual(s.aws.networkInterfaces, []);
    assert.equal(s.aws.instances.length, 1, "the instance itself is kept");
  });

  test("issue 8 item 1: with describe-instances only, a node's packet to the internet leaves through its ENI and the IGW, seen as the ENI's public IP", async () => {
    const r = await cli([
      "trace",
      "-s",
      "test/fixtures/captures/kubeadm-public-instances-only",
      "--from",
      "node:worker-1",
      "--to",
      "ip:8.8.8.8",
      "--port",
      "443",
      "-o",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.equal(t.verdict, "delivered");
    assert.equal(t.finalSourceIp, "3.35.10.11");
    const igw = t.hops.find((h: any) => h.component === "internet-gateway");
    assert.equal(igw?.action, "snat");
    assert.match(
      igw.source,
      /aws\/ec2-describe-instances\.json:\d+$/,
      "the public IP comes from the ENI that describe-instances embeds",
    );
    assert.ok(t.hops.some((h: any) => h.component === "security-group" && h.action === "allow"));
  });
  // issue 8's done-when traces on this shape (pod → internet through natOutgoing and the IGW,
  // internet → NodePort admitted or dropped by the node's group) are test/cli/kubeadm-calico-public.test.ts's
});
