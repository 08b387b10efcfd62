import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  aclForSubnet,
  EPHEMERAL_PORT_RANGES,
  EPHEMERAL_PORTS_NOTE,
  evaluateNetworkAcl,
  statelessReplyNote,
} from "../../../../src/analysis/paths/aws/network-acls.js";
import type { NetworkAclDirection } from "../../../../src/analysis/paths/aws/network-acls.js";
import { ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST } from "../../../../src/analysis/paths/aws/protocols.js";
import type { IcmpTypeCode, WireProtocol } from "../../../../src/analysis/paths/aws/protocols.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { NetworkAcl } from "../../../../src/model/aws.js";
import type { AwsModel } from "../../../../src/model/snapshot.js";
import { awsOf, REPO } from "../../../support/helpers.js";

const SUBNETS = `{"Subnets": [
  {"SubnetId": "subnet-web", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
  {"SubnetId": "subnet-plain", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"},
  {"SubnetId": "subnet-elsewhere", "VpcId": "vpc-2", "CidrBlock": "10.9.0.0/24"}
]}`;

/** Entries listed out of order: AWS evaluates them by rule number, not by listing order. */
const NETWORK_ACLS = `{"NetworkAcls": [
  {
    "NetworkAclId": "acl-web", "VpcId": "vpc-1", "IsDefault": false,
    "Associations": [{"NetworkAclId": "acl-web", "SubnetId": "subnet-web"}],
    "Tags": [{"Key": "Name", "Value": "web-acl"}],
    "Entries": [
      {"RuleNumber": 100, "Egress": false, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}},
      {"RuleNumber": 90, "Egress": false, "Protocol": "6", "RuleAction": "deny", "CidrBlock": "203.0.113.0/24", "PortRange": {"From": 443, "To": 443}},
      {"RuleNumber": 120, "Egress": false, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}},
      {"RuleNumber": 130, "Egress": false, "Protocol": "1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Type": 0, "Code": -1}},
      {"RuleNumber": 140, "Egress": false, "Protocol": "17", "RuleAction": "allow", "CidrBlock": "10.0.0.0/16", "PortRange": {"From": 53, "To": 53}},
      {"RuleNumber": 145, "Egress": false, "Protocol": "4", "RuleAction": "allow", "CidrBlock": "10.0.0.0/16"},
      {"RuleNumber": 150, "Egress": false, "Protocol": "132", "RuleAction": "allow", "CidrBlock": "10.0.0.0/16"},
      {"RuleNumber": 160, "Egress": false, "Protocol": "-1", "RuleAction": "allow", "Ipv6CidrBlock": "::/0"},
      {"RuleNumber": 32767, "Egress": false, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"},
      {"RuleNumber": 100, "Egress": true, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "10.0.0.0/16"},
      {"RuleNumber": 110, "Egress": true, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}},
      {"RuleNumber": 32767, "Egress": true, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}
    ]
  },
  {
    "NetworkAclId": "acl-default", "VpcId": "vpc-1", "IsDefault": true,
    "Associations": [],
    "Entries": [
      {"RuleNumber": 100, "Egress": false, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
      {"RuleNumber": 100, "Egress": true, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}
    ]
  }
]}`;

const aws = awsOf(SUBNETS, NETWORK_ACLS);
const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO }).aws;

function acl(model: AwsModel, id: string): NetworkAcl {
  const found = model.networkAcls.find((a) => a.id === id);
  assert.ok(found, `${id} not loaded`);
  return found;
}

interface Case {
  readonly name: string;
  readonly direction?: NetworkAclDirection;
  readonly remote: string;
  readonly port: number;
  readonly protocol: WireProtocol;
  readonly icmp?: IcmpTypeCode;
  readonly allowed: boolean;
  /** the deciding rule number; undefined: the implicit `*` deny */
  readonly ruleNumber: number | undefined;
}

const CASES: readonly Case[] = [
  {
    name: "a matching allow rule allows",
    remote: "8.8.8.8",
    port: 443,
    protocol: "TCP",
    allowed: true,
    ruleNumber: 100,
  },
  {
    name: "rules are evaluated in ascending rule number and the first match wins: 90 deny before 100 allow",
    remote: "203.0.113.5",
    port: 443,
    protocol: "TCP",
    allowed: false,
    ruleNumber: 90,
  },
  {
    name: "no matching rule is the implicit * deny",
    remote: "8.8.8.8",
    port: 22,
    protocol: "TCP",
    allowed: false,
    ruleNumber: undefined,
  },
  {
    name: "a reply to an ephemeral port is allowed only by a rule for those ports",
    remote: "8.8.8.8",
    port: 40000,
    protocol: "TCP",
    allowed: true,
    ruleNumber: 120,
  },
  {
    name: "a port range is the packet's destination port: 80 is not in 1024-65535",
    remote: "8.8.8.8",
    port: 80,
    protocol: "TCP",
    allowed: false,
    ruleNumber: undefined,
  },
  {
    name: "an icmp rule allows its type with any code",
    remote: "8.8.8.8",
    port: 0,
    protocol: "ICMP",
    icmp: ICMP_ECHO_REPLY,
    allowed: true,
    ruleNumber: 130,
  },
  {
    name: "an icmp rule does not allow another type",
    remote: "8.8.8.8",
    port: 0,
    protocol: "ICMP",
    icmp: ICMP_ECHO_REQUEST,
    allowed: false,
    ruleNumber: undefined,
  },
  {
    name: "a udp rule allows udp from its CIDR",
    remote: "10.0.3.3",
    port: 53,
    protocol: "UDP",
    allowed: true,
    ruleNumber: 140,
  },
  {
    name: "a udp rule does not allow a source outside its CIDR",
    remote: "8.8.8.8",
    port: 53,
    protocol: "UDP",
    allowed: false,
    ruleNumber: undefined,
  },
  {
    name: "a udp rule does not allow tcp",
    remote: "10.0.3.3",
    port: 53,
    protocol: "TCP",
    allowed: false,
    ruleNumber: undefined,
  },
  {
    name: "another protocol number matches all ports",
    remote: "10.0.3.3",
    port: 3868,
    protocol: "SCTP",
    allowed: true,
    ruleNumber: 150,
  },
  {
    name: "an IPv6 rule never matches an IPv4 address",
    remote: "192.0.2.1",
    port: 8080,
    protocol: "UDP",
    allowed: false,
    ruleNumber: undefined,
  },
  {
    name: "outbound rules are separate: all traffic to the VPC",
    direction: "egress",
    remote: "10.0.2.9",
    port: 5432,
    protocol: "TCP",
    allowed: true,
    ruleNumber: 100,
  },
  {
    name: "outbound to the internet only on ephemeral ports (replies)",
    direction: "egress",
    remote: "8.8.8.8",
    port: 50000,
    protocol: "TCP",
    allowed: true,
    ruleNumber: 110,
  },
  {
    name: "IP-in-IP (Calico): a protocol 4 rule allows IP-in-IP from its CIDR, whatever the port",
    remote: "10.0.3.3",
    port: 0,
    protocol: "IPIP",
    allowed: true,
    ruleNumber: 145,
  },
  {
    name: "IP-in-IP (Calico): tcp, udp and icmp rules do not allow protocol 4 — the implicit * deny",
    remote: "8.8.8.8",
    port: 0,
    protocol: "IPIP",
    allowed: false,
    ruleNumber: undefined,
  },
  {
    name: "IP-in-IP (Calico): an all-traffic rule (-1) allows protocol 4 out",
    direction: "egress",
    remote: "10.0.2.9",
    port: 0,
    protocol: "IPIP",
    allowed: true,
    ruleNumber: 100,
  },
  {
    name: "outbound to the internet on 443 is the implicit * deny",
    direction: "egress",
    remote: "8.8.8.8",
    port: 443,
    protocol: "TCP",
    allowed: false,
    ruleNumber: undefined,
  },
];

describe("network ACLs: ordered, first match, implicit deny", () => {
  for (const c of CASES) {
    test(`network ACLs: ${c.name}`, () => {
      const direction = c.direction ?? "ingress";
      const decision = evaluateNetworkAcl(acl(aws, "acl-web"), direction, c.remote, c.port, c.protocol, {
        icmp: c.icmp,
      });
      assert.equal(decision.allowed, c.allowed, decision.rule);
      assert.equal(decision.entry?.ruleNumber, c.ruleNumber, decision.rule);
      assert.equal(decision.id, "acl-web");
      assert.equal(decision.source?.file, "aws/1.json");
      if (!decision.allowed) assert.equal(decision.code, direction === "ingress" ? "NACL_INGRESS" : "NACL_EGRESS");
      if (c.ruleNumber === undefined) assert.match(decision.rule, /rule \* deny all traffic/);
    });
  }

  test("network ACLs: the rule text names the ACL, the rule and the traffic", () => {
    const decision = evaluateNetworkAcl(acl(aws, "acl-web"), "ingress", "203.0.113.5", 443, "TCP");
    assert.equal(
      decision.rule,
      "acl-web (web-acl): inbound rule 90 deny tcp 443 from 203.0.113.0/24 matches tcp 443 from 203.0.113.5",
    );
    const none = evaluateNetworkAcl(acl(aws, "acl-web"), "egress", "8.8.8.8", 443, "TCP");
    assert.match(
      evaluateNetworkAcl(acl(aws, "acl-web"), "ingress", "10.0.3.3", 0, "IPIP").rule,
      /inbound rule 145 allow IP-in-IP \(protocol 4\) from 10\.0\.0\.0\/16 matches IP-in-IP \(protocol 4\) from 10\.0\.3\.3/,
    );
    assert.equal(
      none.rule,
      "acl-web (web-acl): rule * deny all traffic (no numbered outbound rule matches tcp 443 to 8.8.8.8)",
    );
  });
});

describe("network ACLs: which ACL a subnet uses", () => {
  test("network ACLs: a subnet listed in an ACL's associations uses that ACL", () => {
    const selection = aclForSubnet("subnet-web", aws);
    assert.equal(selection?.acl.id, "acl-web");
    assert.equal(selection?.association, "explicit");
  });

  test("network ACLs: a subnet no ACL lists uses its VPC's default ACL", () => {
    const selection = aclForSubnet("subnet-plain", aws);
    assert.equal(selection?.acl.id, "acl-default");
    assert.equal(selection?.association, "default");
  });

  test("network ACLs: the default ACL of another VPC is never used", () => {
    assert.equal(aclForSubnet("subnet-elsewhere", aws), undefined);
  });
});

describe("network ACLs: stateless replies", () => {
  test("network ACLs: the documented ephemeral port ranges", () => {
    assert.deepEqual(EPHEMERAL_PORT_RANGES.linux, { from: 32768, to: 60999 });
    assert.deepEqual(EPHEMERAL_PORT_RANGES.natGateway, { from: 1024, to: 65535 });
    assert.deepEqual(EPHEMERAL_PORT_RANGES.elasticLoadBalancing, { from: 1024, to: 65535 });
    assert.match(EPHEMERAL_PORTS_NOTE, /stateless/);
    assert.match(
      EPHEMERAL_PORTS_NOTE,
      /Linux kernels use 32768-60999, NAT gateways 1024-65535, Elastic Load Balancing 1024-65535/,
    );
    assert.match(statelessReplyNote(acl(aws, "acl-web"), 40000), /acl-web is stateless: .* destination port 40000/);
  });

  test("network ACLs: a request allowed in is not enough, the reply is evaluated again on its ephemeral port", () => {
    const web = acl(aws, "acl-web");
    // a client 8.8.8.8:40000 → 10.0.1.5:443: allowed in by rule 100 ...
    assert.equal(evaluateNetworkAcl(web, "ingress", "8.8.8.8", 443, "TCP").allowed, true);
    // ... the reply 10.0.1.5:443 → 8.8.8.8:40000 is allowed out by rule 110 (ephemeral ports)
    assert.equal(evaluateNetworkAcl(web, "egress", "8.8.8.8", 40000, "TCP").entry?.ruleNumber, 110);
    // a client on a privileged source port (e.g. 1000) gets no reply
    assert.equal(evaluateNetworkAcl(web, "egress", "8.8.8.8", 1000, "TCP").allowed, false);
  });
});

describe("network ACLs: the example cluster", () => {
  test("the worker subnet uses the default ACL, which allows all traffic both ways (rule 100)", () => {
    const selection = aclForSubnet("subnet-0ecoeco0000000011", example);
    assert.ok(selection);
    assert.equal(selection.acl.id, "acl-0ecoeco0000000001");
    assert.equal(selection.acl.isDefault, true);
    const acl0 = selection.acl;
    const out = evaluateNetworkAcl(acl0, "egress", "8.8.8.8", 443, "TCP");
    assert.equal(out.allowed, true, out.rule);
    assert.equal(out.entry?.ruleNumber, 100);
    const back = evaluateNetworkAcl(acl0, "ingress", "8.8.8.8", 40000, "TCP");
    assert.equal(back.allowed, true, back.rule);
    assert.match(
      out.rule,
      /the default network ACL of vpc-0ecoeco0000000001: outbound rule 100 allow all traffic to 0\.0\.0\.0\/0/,
    );
    assert.equal(out.source?.file, "examples/ecoeco/aws/ec2-describe-network-acls.json");
  });
});
