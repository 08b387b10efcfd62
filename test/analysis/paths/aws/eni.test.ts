import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { eniForIp, eniOwnsAddress, sourceDestCheck } from "../../../../src/analysis/paths/aws/eni.js";
import type { Packet } from "../../../../src/analysis/paths/trace-model.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { NetworkInterface } from "../../../../src/model/aws.js";
import type { AwsModel } from "../../../../src/model/snapshot.js";
import { awsOf, REPO } from "../../../support/helpers.js";

const INTERFACES = `{"NetworkInterfaces": [
  {
    "NetworkInterfaceId": "eni-wide", "SubnetId": "subnet-a", "VpcId": "vpc-1",
    "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.70"}],
    "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.0/24"}]
  },
  {
    "NetworkInterfaceId": "eni-node", "SubnetId": "subnet-a", "VpcId": "vpc-1",
    "Attachment": {"InstanceId": "i-node", "DeviceIndex": 0},
    "PrivateIpAddresses": [
      {"Primary": true, "PrivateIpAddress": "10.0.1.10"},
      {"Primary": false, "PrivateIpAddress": "10.0.1.30"}
    ],
    "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.64/28"}],
    "SourceDestCheck": true
  },
  {
    "NetworkInterfaceId": "eni-router", "SubnetId": "subnet-a", "VpcId": "vpc-1",
    "Attachment": {"InstanceId": "i-router", "DeviceIndex": 0},
    "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.20"}],
    "SourceDestCheck": false
  },
  {
    "NetworkInterfaceId": "eni-mid", "SubnetId": "subnet-a", "VpcId": "vpc-1",
    "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.71"}],
    "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.64/26"}]
  }
]}`;

const aws = awsOf(INTERFACES);
const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO }).aws;

function eni(model: AwsModel, id: string): NetworkInterface {
  const found = model.networkInterfaces.find((e) => e.id === id);
  assert.ok(found, `${id} not loaded`);
  return found;
}

function packet(src: string, dst: string, outer?: { src: string; dst: string }): Packet {
  return {
    src,
    srcPort: 40000,
    dst,
    dstPort: 443,
    protocol: "TCP",
    outer: outer && { src: outer.src, dst: outer.dst, protocol: "UDP", dstPort: 4789 },
  };
}

describe("network interfaces: which interface holds an address", () => {
  const CASES = [
    { name: "the primary private address", ip: "10.0.1.10", eni: "eni-node", via: "primary" },
    { name: "a secondary private address", ip: "10.0.1.30", eni: "eni-node", via: "secondary" },
    { name: "an address inside a delegated /28 prefix", ip: "10.0.1.77", eni: "eni-node", via: "prefix" },
    {
      name: "an exact address wins over another interface's prefix that contains it",
      ip: "10.0.1.70",
      eni: "eni-wide",
      via: "primary",
    },
    { name: "an address in no prefix but a wider one", ip: "10.0.1.200", eni: "eni-wide", via: "prefix" },
    {
      name: "overlapping prefixes (never delegated by AWS): the most specific wins, whatever the listing order",
      ip: "10.0.1.78",
      eni: "eni-node",
      via: "prefix",
    },
    { name: "an address nobody holds", ip: "10.0.2.5", eni: undefined, via: undefined },
  ] as const;
  for (const c of CASES) {
    test(`network interfaces: ${c.name}`, () => {
      const match = eniForIp(c.ip, aws);
      assert.equal(match?.eni.id, c.eni);
      assert.equal(match?.via, c.via);
    });
  }

  test("network interfaces: the prefix that holds the address is named", () => {
    assert.equal(eniForIp("10.0.1.77", aws)?.prefix, "10.0.1.64/28");
    assert.equal(eniOwnsAddress(eni(aws, "eni-node"), "10.0.1.80"), false);
  });
});

describe("source/destination check: an interface sends only its own sources and receives only its own destinations", () => {
  const CASES = [
    {
      name: "sending from its own address is allowed",
      eni: "eni-node",
      p: packet("10.0.1.10", "8.8.8.8"),
      direction: "send",
      allowed: true,
    },
    {
      name: "sending from a prefix address (VPC CNI pod) is allowed",
      eni: "eni-node",
      p: packet("10.0.1.75", "8.8.8.8"),
      direction: "send",
      allowed: true,
    },
    {
      name: "sending a pod address that is not the interface's (Calico pod CIDR) is dropped",
      eni: "eni-node",
      p: packet("192.168.1.5", "10.0.1.20"),
      direction: "send",
      allowed: false,
    },
    {
      name: "receiving for its own address is allowed",
      eni: "eni-node",
      p: packet("8.8.8.8", "10.0.1.30"),
      direction: "receive",
      allowed: true,
    },
    {
      name: "receiving for another address is dropped",
      eni: "eni-node",
      p: packet("10.0.1.20", "192.168.1.5"),
      direction: "receive",
      allowed: false,
    },
    {
      name: "an encapsulated packet is checked on its outer header (VXLAN between nodes)",
      eni: "eni-node",
      p: packet("192.168.1.5", "192.168.2.6", { src: "10.0.1.10", dst: "10.0.1.20" }),
      direction: "send",
      allowed: true,
    },
    {
      name: "with no direction, either the source or the destination must be its own",
      eni: "eni-node",
      p: packet("8.8.8.8", "10.0.1.10"),
      direction: undefined,
      allowed: true,
    },
    {
      name: "with no direction, a packet of two foreign addresses is dropped",
      eni: "eni-node",
      p: packet("8.8.8.8", "192.168.1.5"),
      direction: undefined,
      allowed: false,
    },
    {
      name: "with the check disabled, a router forwards packets of other addresses",
      eni: "eni-router",
      p: packet("192.168.1.5", "8.8.8.8"),
      direction: "send",
      allowed: true,
    },
  ] as const;
  for (const c of CASES) {
    test(`source/destination check: ${c.name}`, () => {
      const decision = sourceDestCheck(eni(aws, c.eni), c.p, c.direction);
      assert.equal(decision.allowed, c.allowed, decision.rule);
      assert.equal(decision.id, c.eni);
      assert.equal(decision.source?.file, "aws/0.json");
      if (!decision.allowed) {
        assert.equal(decision.code, "SOURCE_DEST_CHECK");
        assert.match(decision.rule, /source\/destination check is enabled on eni-node \(instance i-node\)/);
      }
    });
  }
});

describe("source/destination check: the example cluster", () => {
  test("a worker's interface drops a Calico pod address it did not masquerade", () => {
    const worker = eni(example, "eni-0ecoeco0000000011");
    const decision = sourceDestCheck(worker, packet("192.168.140.5", "8.8.8.8"), "send");
    assert.equal(!decision.allowed && decision.code, "SOURCE_DEST_CHECK");
    assert.equal(sourceDestCheck(worker, packet("10.0.1.11", "8.8.8.8"), "send").allowed, true);
    assert.equal(decision.source?.file, "examples/ecoeco/aws/ec2-describe-network-interfaces.json");
  });

  test("the NAT gateway's interface has the check disabled: it forwards the worker's packets", () => {
    const nat = eni(example, "eni-0ecoeco0000000100");
    const decision = sourceDestCheck(nat, packet("10.0.1.11", "8.8.8.8"), "receive");
    assert.equal(decision.allowed, true);
    assert.match(decision.rule, /disabled/);
    assert.equal(eniForIp("10.0.2.100", example)?.eni.id, "eni-0ecoeco0000000100");
  });
});
