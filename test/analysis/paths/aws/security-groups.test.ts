import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ICMP_ECHO_REPLY } from "../../../../src/analysis/paths/aws/protocols.js";
import type { IcmpTypeCode } from "../../../../src/analysis/paths/aws/protocols.js";
import {
  allowTrackedReply,
  connectionTrackingNote,
  evaluateSecurityGroups,
  securityGroupMember,
} from "../../../../src/analysis/paths/aws/security-groups.js";
import type { SecurityGroupDirection } from "../../../../src/analysis/paths/aws/security-groups.js";
import type { Protocol } from "../../../../src/analysis/paths/trace-model.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { AwsModel } from "../../../../src/model/snapshot.js";
import { awsOf, REPO } from "../../../support/helpers.js";

const SECURITY_GROUPS = `{"SecurityGroups": [
  {
    "GroupId": "sg-app", "GroupName": "app", "VpcId": "vpc-1", "Description": "app servers",
    "IpPermissions": [
      {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 90, "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "web from the VPC"}], "UserIdGroupPairs": [], "PrefixListIds": []},
      {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
      {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
      {"IpProtocol": "icmp", "FromPort": 3, "ToPort": 4, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "path MTU discovery"}]},
      {"IpProtocol": "132", "FromPort": 1, "ToPort": 1, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]},
      {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": "sg-clients", "Description": "database clients"}]},
      {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": "pl-corp"}]},
      {"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    ],
    "IpPermissionsEgress": []
  },
  {
    "GroupId": "sg-clients", "GroupName": "clients", "VpcId": "vpc-1", "Description": "database clients",
    "IpPermissions": [],
    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
  },
  {
    "GroupId": "sg-ssh", "GroupName": "ssh", "VpcId": "vpc-1", "Description": "bastion ssh",
    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}],
    "IpPermissionsEgress": []
  }
]}`;

const INTERFACES = `{"NetworkInterfaces": [
  {
    "NetworkInterfaceId": "eni-client", "SubnetId": "subnet-a", "VpcId": "vpc-1",
    "Groups": [{"GroupId": "sg-clients", "GroupName": "clients"}],
    "PrivateIpAddress": "10.0.9.9",
    "PrivateIpAddresses": [
      {"Primary": true, "PrivateIpAddress": "10.0.9.9", "Association": {"PublicIp": "198.51.100.9"}},
      {"Primary": false, "PrivateIpAddress": "10.0.9.10"}
    ],
    "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.64.16/28"}],
    "SourceDestCheck": true
  },
  {
    "NetworkInterfaceId": "eni-other", "SubnetId": "subnet-a", "VpcId": "vpc-1",
    "Groups": [{"GroupId": "sg-app", "GroupName": "app"}],
    "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.7.7"}]
  }
]}`;

/** An instance in sg-clients whose interface the snapshot lacks (describe-instances only). */
const INSTANCES = `{"Reservations": [{"Instances": [
  {"InstanceId": "i-legacy", "PrivateIpAddress": "10.0.8.8", "SubnetId": "subnet-a", "VpcId": "vpc-1",
   "SecurityGroups": [{"GroupId": "sg-clients", "GroupName": "clients"}], "NetworkInterfaces": []}
]}]}`;

const aws = awsOf(SECURITY_GROUPS, INTERFACES, INSTANCES);
const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO }).aws;

interface Case {
  readonly name: string;
  readonly direction?: SecurityGroupDirection;
  readonly groups?: readonly string[];
  readonly remote: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly icmp?: IcmpTypeCode;
  readonly allowed: boolean;
  /** the allowing group, or the denied rule's pattern */
  readonly by?: string;
  readonly rule?: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: "a tcp rule allows the ports of its range",
    remote: "10.0.3.3",
    port: 85,
    protocol: "TCP",
    allowed: true,
    by: "sg-app",
    rule: /inbound tcp 80-90 from 10\.0\.0\.0\/16 \(web from the VPC\)/,
  },
  {
    name: "a tcp rule allows the first port of its range",
    remote: "10.0.3.3",
    port: 80,
    protocol: "TCP",
    allowed: true,
    by: "sg-app",
  },
  {
    name: "a tcp rule does not allow a port outside its range",
    remote: "10.0.3.3",
    port: 91,
    protocol: "TCP",
    allowed: false,
  },
  {
    name: "a CIDR rule does not allow a source outside the CIDR",
    remote: "11.0.0.1",
    port: 85,
    protocol: "TCP",
    allowed: false,
  },
  {
    name: "a udp rule allows udp",
    remote: "1.2.3.4",
    port: 53,
    protocol: "UDP",
    allowed: true,
    by: "sg-app",
    rule: /inbound udp 53 from 0\.0\.0\.0\/0/,
  },
  {
    name: "a udp rule does not allow tcp on the same port",
    remote: "1.2.3.4",
    port: 53,
    protocol: "TCP",
    allowed: false,
  },
  {
    name: "an icmp rule allows its type with any code",
    remote: "1.2.3.4",
    port: 0,
    protocol: "ICMP",
    allowed: true,
    by: "sg-app",
    rule: /icmp type 8 from/,
  },
  {
    name: "an icmp rule with a code allows that type and code (3/4: fragmentation needed)",
    remote: "1.2.3.4",
    port: 0,
    protocol: "ICMP",
    icmp: { type: 3, code: 4 },
    allowed: true,
    by: "sg-app",
    rule: /icmp type 3 code 4 from 0\.0\.0\.0\/0 \(path MTU discovery\)/,
  },
  {
    name: "an icmp rule with a code does not allow another code of its type",
    remote: "1.2.3.4",
    port: 0,
    protocol: "ICMP",
    icmp: { type: 3, code: 1 },
    allowed: false,
  },
  {
    name: "an icmp rule does not allow another type",
    remote: "1.2.3.4",
    port: 0,
    protocol: "ICMP",
    icmp: ICMP_ECHO_REPLY,
    allowed: false,
    rule: /icmp type 0 code 0/,
  },
  {
    name: "a rule for another protocol number allows all its ports",
    remote: "10.1.2.3",
    port: 3868,
    protocol: "SCTP",
    allowed: true,
    by: "sg-app",
    rule: /protocol 132/,
  },
  {
    name: "a group reference allows the primary address of a member interface",
    remote: "10.0.9.9",
    port: 5432,
    protocol: "TCP",
    allowed: true,
    by: "sg-app",
    rule: /from sg-clients \(clients\) \(database clients\): 10\.0\.9\.9 is eni-client, a member/,
  },
  {
    name: "a group reference allows a secondary address of a member interface",
    remote: "10.0.9.10",
    port: 5432,
    protocol: "TCP",
    allowed: true,
    by: "sg-app",
  },
  {
    name: "a group reference allows an address of a prefix delegated to a member interface",
    remote: "10.0.64.20",
    port: 5432,
    protocol: "TCP",
    allowed: true,
    by: "sg-app",
  },
  {
    name: "a group reference allows an instance in the group when its interface is not in the snapshot",
    remote: "10.0.8.8",
    port: 5432,
    protocol: "TCP",
    allowed: true,
    by: "sg-app",
    rule: /instance i-legacy/,
  },
  {
    name: "a group reference does not allow an interface outside the group",
    remote: "10.0.7.7",
    port: 5432,
    protocol: "TCP",
    allowed: false,
  },
  {
    name: "a group reference does not allow a member's public address",
    remote: "198.51.100.9",
    port: 5432,
    protocol: "TCP",
    allowed: false,
  },
  {
    name: "an IPv6 range never matches an IPv4 address",
    remote: "10.0.3.3",
    port: 8443,
    protocol: "TCP",
    allowed: false,
  },
  {
    name: "rules of all the groups are unioned",
    groups: ["sg-ssh", "sg-app"],
    remote: "10.0.3.3",
    port: 85,
    protocol: "TCP",
    allowed: true,
    by: "sg-app",
  },
  {
    name: "the union allows what the first group allows",
    groups: ["sg-ssh", "sg-app"],
    remote: "203.0.113.7",
    port: 22,
    protocol: "TCP",
    allowed: true,
    by: "sg-ssh",
  },
  {
    name: "a group without outbound rules allows nothing out",
    direction: "egress",
    remote: "8.8.8.8",
    port: 443,
    protocol: "TCP",
    allowed: false,
    rule: /no outbound rule of sg-app \(app\) allows tcp 443 to 8\.8\.8\.8/,
  },
  {
    name: "an all-traffic rule (-1) allows every protocol and port",
    direction: "egress",
    groups: ["sg-clients"],
    remote: "8.8.8.8",
    port: 9999,
    protocol: "UDP",
    allowed: true,
    by: "sg-clients",
    rule: /outbound all traffic to 0\.0\.0\.0\/0/,
  },
];

describe("security groups: rules allow, by protocol, port and peer", () => {
  for (const c of CASES) {
    test(`security groups: ${c.name}`, () => {
      const direction = c.direction ?? "ingress";
      const groups = c.groups ?? ["sg-app"];
      const decision = evaluateSecurityGroups(direction, groups, c.remote, c.port, c.protocol, aws, { icmp: c.icmp });
      assert.equal(decision.allowed, c.allowed, decision.rule);
      if (decision.allowed) {
        assert.equal(decision.id, c.by);
        assert.equal(decision.group?.id, c.by);
        assert.equal(decision.source?.file, "aws/0.json");
      } else {
        assert.ok(!decision.undecided, decision.rule);
        assert.equal(decision.code, direction === "ingress" ? "SECURITY_GROUP_INGRESS" : "SECURITY_GROUP_EGRESS");
        assert.equal(decision.id, groups.join(","));
      }
      if (c.rule) assert.match(decision.rule, c.rule);
    });
  }

  test("security groups: a group missing from the snapshot may hold the allowing rule — undecided, naming it and describe-security-groups to capture", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-missing"], "10.0.3.3", 80, "TCP", aws);
    assert.ok(!decision.allowed && decision.undecided, decision.rule);
    assert.match(decision.rule, /sg-missing is not in the snapshot: its rules may/);
    assert.ok(decision.undecided && decision.capture === "aws ec2 describe-security-groups --group-ids sg-missing");
    assert.equal(decision.source, undefined);
  });

  test("security groups: a group missing from the snapshot does not change an allow by a known group", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-missing", "sg-app"], "10.0.3.3", 80, "TCP", aws);
    assert.equal(decision.allowed, true, decision.rule);
    assert.equal(decision.id, "sg-app");
  });

  test("security groups: two unresolved references ask for everything needed (the prefix list and the missing group)", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-app", "sg-missing"], "192.0.2.1", 443, "TCP", aws);
    assert.ok(!decision.allowed && decision.undecided, decision.rule);
    assert.ok(
      decision.undecided &&
        /pl-corp/.test(decision.capture) &&
        /describe-security-groups --group-ids sg-missing/.test(decision.capture),
      decision.undecided ? decision.capture : "",
    );
  });

  test("security groups: membership follows the interface's groups, not the instance's, when both are known", () => {
    assert.match(securityGroupMember("sg-clients", "10.0.9.9", aws) ?? "", /eni-client/);
    assert.equal(securityGroupMember("sg-clients", "10.0.7.7", aws), undefined);
  });
});

describe("security groups: stateful", () => {
  test("security groups: the reply of an allowed connection passes by connection tracking, whatever the rules", () => {
    // sg-app has no outbound rules: a new connection out is denied, the reply of an inbound one is not
    assert.equal(evaluateSecurityGroups("egress", ["sg-app"], "10.0.3.3", 40000, "TCP", aws).allowed, false);
    const reply = allowTrackedReply(["sg-app"], aws);
    assert.equal(reply.allowed, true);
    assert.match(reply.rule, /connection tracking/);
    assert.equal(reply.source?.file, "aws/0.json");
    assert.match(connectionTrackingNote(["sg-a", "sg-b"]), /sg-a, sg-b are stateful/);
  });
});

describe("security groups: the example cluster", () => {
  const NODE_SG = "sg-0ecoeco0000000002";
  const ALB_SG = "sg-0ecoeco0000000001";

  test("ecoeco-node-sg allows a worker's egress to 8.8.8.8:443 (all traffic to 0.0.0.0/0)", () => {
    const decision = evaluateSecurityGroups("egress", [NODE_SG], "8.8.8.8", 443, "TCP", example);
    assert.equal(decision.allowed, true, decision.rule);
    assert.match(decision.rule, /ecoeco-node-sg\) outbound all traffic to 0\.0\.0\.0\/0/);
    assert.equal(decision.source?.file, "examples/ecoeco/aws/ec2-describe-security-groups.json");
  });

  test("ecoeco-alb-sg allows HTTPS (443) from the internet", () => {
    const decision = evaluateSecurityGroups("ingress", [ALB_SG], "198.51.100.20", 443, "TCP", example);
    assert.equal(decision.allowed, true, decision.rule);
    assert.match(decision.rule, /inbound tcp 443 from 0\.0\.0\.0\/0 \(HTTPS from the internet\)/);
  });

  test("ecoeco-alb-sg denies SSH (22) from the internet", () => {
    const decision = evaluateSecurityGroups("ingress", [ALB_SG], "198.51.100.20", 22, "TCP", example);
    assert.equal(decision.allowed, false);
    assert.equal(!decision.allowed && !decision.undecided && decision.code, "SECURITY_GROUP_INGRESS");
    assert.equal(decision.id, ALB_SG);
  });

  test("ecoeco-node-sg allows NodePort 30080 from an ALB interface through the group reference", () => {
    const decision = evaluateSecurityGroups("ingress", [NODE_SG], "10.0.2.57", 30080, "TCP", example);
    assert.equal(decision.allowed, true, decision.rule);
    assert.match(
      decision.rule,
      /inbound tcp 30000-32767 from sg-0ecoeco0000000001 \(ecoeco-alb-sg\) \(NodePorts from the ALB\): 10\.0\.2\.57 is eni-0ecoeco0000000201/,
    );
  });

  test("ecoeco-node-sg denies NodePort 30080 from another address of the public subnet (not in the ALB group)", () => {
    const decision = evaluateSecurityGroups("ingress", [NODE_SG], "10.0.2.99", 30080, "TCP", example);
    assert.equal(decision.allowed, false, decision.rule);
  });

  test("ecoeco-node-sg allows everything between nodes through its self reference", () => {
    const decision = evaluateSecurityGroups("ingress", [NODE_SG], "10.0.1.12", 4789, "UDP", example);
    assert.equal(decision.allowed, true, decision.rule);
    assert.match(decision.rule, /from sg-0ecoeco0000000002 \(ecoeco-node-sg\)/);
  });
});

/** A managed prefix list as the model holds it (the loader is written separately): pl-corp with one entry. */
function withPrefixList(
  model: AwsModel,
  id: string,
  entries: { cidr: string; description?: string }[] | undefined,
  name = "corp-offices",
): AwsModel {
  const list = {
    id,
    name,
    addressFamily: "IPv4",
    entries: entries?.map((e) => ({ cidr: e.cidr, description: e.description })),
    source: { file: "aws/prefix-lists.json", line: 3, col: 5, doc: 0 },
  };
  return { ...model, prefixLists: [...model.prefixLists, list] };
}

describe("security groups: rules referencing a managed prefix list (AWS 'Managed prefix lists': a rule matches the CIDRs of the list's entries)", () => {
  test("security groups (prefix list with entries): an address in an entry is allowed, the reason names the list and the entry", () => {
    const model = withPrefixList(aws, "pl-corp", [
      { cidr: "198.51.100.0/24", description: "HQ" },
      { cidr: "203.0.113.0/24" },
    ]);
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "198.51.100.7", 443, "TCP", model);
    assert.equal(decision.allowed, true, decision.rule);
    assert.match(
      decision.rule,
      /inbound tcp 443 from prefix list pl-corp \(corp-offices\): 198\.51\.100\.7 is in 198\.51\.100\.0\/24 \(HQ\), an entry of pl-corp/,
    );
  });

  test("security groups (prefix list with entries): an address in no entry is denied (SECURITY_GROUP_INGRESS)", () => {
    const model = withPrefixList(aws, "pl-corp", [{ cidr: "198.51.100.0/24" }]);
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "192.0.2.1", 443, "TCP", model);
    assert.equal(decision.allowed, false);
    assert.ok(!decision.allowed && !decision.undecided && decision.code === "SECURITY_GROUP_INGRESS", decision.rule);
  });

  test("security groups (prefix list not in the snapshot): no other rule allows → undecided, naming the rule and both AWS CLI commands to capture", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "192.0.2.1", 443, "TCP", aws);
    assert.equal(decision.allowed, false);
    assert.ok(!decision.allowed && decision.undecided, decision.rule);
    assert.equal(decision.id, "sg-app");
    assert.match(
      decision.rule,
      /sg-app \(app\) inbound tcp 443 from prefix list pl-corp may allow tcp 443 from 192\.0\.2\.1, but prefix list pl-corp is not in the snapshot/,
    );
    assert.ok(
      decision.undecided &&
        /aws ec2 describe-managed-prefix-lists --prefix-list-ids pl-corp/.test(decision.capture) &&
        /get-managed-prefix-list-entries --prefix-list-id pl-corp/.test(decision.capture),
    );
  });

  test("security groups (prefix list without entries): undecided, and only the entries command is asked for", () => {
    const decision = evaluateSecurityGroups(
      "ingress",
      ["sg-app"],
      "192.0.2.1",
      443,
      "TCP",
      withPrefixList(aws, "pl-corp", undefined),
    );
    assert.ok(!decision.allowed && decision.undecided, decision.rule);
    assert.match(decision.rule, /the entries of prefix list pl-corp \(corp-offices\) are not in the snapshot/);
    assert.ok(
      decision.undecided && decision.capture === "aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-corp",
    );
  });

  test("security groups (prefix list not in the snapshot): another rule that allows wins — allowed, not undecided", () => {
    // sg-ssh allows 203.0.113.0/24 on 22; a prefix-list rule for 22 in a group listed first cannot change an allow
    const model = {
      ...aws,
      securityGroups: aws.securityGroups.map((g) =>
        g.id === "sg-app"
          ? {
              ...g,
              ingress: [
                ...g.ingress,
                {
                  protocol: "tcp",
                  ports: { from: 22, to: 22 },
                  peers: [{ kind: "prefix-list" as const, prefixListId: "pl-admins", description: undefined }],
                },
              ],
            }
          : g,
      ),
    };
    const decision = evaluateSecurityGroups("ingress", ["sg-app", "sg-ssh"], "203.0.113.7", 22, "TCP", model);
    assert.equal(decision.allowed, true, decision.rule);
    assert.equal(decision.id, "sg-ssh");
  });

  test("security groups (prefix list not in the snapshot): a rule for another port is not a candidate — denied, not undecided", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "192.0.2.1", 8080, "TCP", aws);
    assert.ok(!decision.allowed && !decision.undecided, decision.rule);
  });
});

describe("security groups: IP-in-IP (IP protocol 4; AWS 'Security group rules': a protocol number other than tcp/udp/icmp allows all ports, -1 all protocols)", () => {
  const groups = awsOf(
    `{"SecurityGroups": [
    {"GroupId": "sg-ipip", "GroupName": "calico-ipip", "VpcId": "vpc-1", "Description": "nodes",
     "IpPermissions": [{"IpProtocol": "4", "UserIdGroupPairs": [{"GroupId": "sg-ipip", "Description": "Calico IP-in-IP"}], "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}],
     "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "UserIdGroupPairs": [], "Ipv6Ranges": [], "PrefixListIds": []}]},
    {"GroupId": "sg-udp", "GroupName": "udp-only", "VpcId": "vpc-1", "Description": "nodes",
     "IpPermissions": [{"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "10.0.0.0/16"}], "UserIdGroupPairs": [], "Ipv6Ranges": [], "PrefixListIds": []}],
     "IpPermissionsEgress": []}
  ]}`,
    `{"NetworkInterfaces": [
    {"NetworkInterfaceId": "eni-a", "SubnetId": "subnet-a", "VpcId": "vpc-1", "Groups": [{"GroupId": "sg-ipip", "GroupName": "calico-ipip"}],
     "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10"}], "SourceDestCheck": false}
  ]}`,
  );

  test("security groups (IP-in-IP): a protocol 4 rule allows IP-in-IP from a member of the referenced group", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-ipip"], "10.0.1.10", 0, "IPIP", groups);
    assert.equal(decision.allowed, true, decision.rule);
    assert.match(
      decision.rule,
      /inbound protocol 4 from sg-ipip \(calico-ipip\) \(Calico IP-in-IP\): 10\.0\.1\.10 is eni-a/,
    );
  });

  test("security groups (IP-in-IP): a UDP rule for all ports does not allow protocol 4", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-udp"], "10.0.1.10", 0, "IPIP", groups);
    assert.ok(!decision.allowed && !decision.undecided, decision.rule);
    assert.match(
      decision.rule,
      /no inbound rule of sg-udp \(udp-only\) allows IP-in-IP \(protocol 4\) from 10\.0\.1\.10/,
    );
  });

  test("security groups (IP-in-IP): an all-traffic rule (-1) allows protocol 4", () => {
    const decision = evaluateSecurityGroups("egress", ["sg-ipip"], "10.0.1.11", 0, "IPIP", groups);
    assert.equal(decision.allowed, true, decision.rule);
  });
});

describe("security groups: group references when the snapshot's interfaces come from describe-instances only", () => {
  // the same groups, with the interfaces as describe-instances embeds them (no load balancer, NAT or endpoint interfaces)
  const complete = awsOf(
    `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "IsDefault": false}]}`,
    SECURITY_GROUPS,
    INTERFACES,
    INSTANCES,
  );
  const model: AwsModel = {
    ...complete,
    networkInterfaces: complete.networkInterfaces.map((e) => ({ ...e, origin: "describe-instances" as const })),
  };

  test("security groups (incomplete interfaces): a VPC address no interface or instance holds may be a member — undecided, asking for its interface", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "10.0.4.4", 5432, "TCP", model);
    assert.ok(!decision.allowed && decision.undecided, decision.rule);
    assert.match(
      decision.rule,
      /10\.0\.4\.4 is in vpc-1, but no interface of the snapshot holds it \(its interfaces come from describe-instances only\), so whether it is a member of sg-clients is unknown/,
    );
    assert.ok(
      decision.undecided &&
        decision.capture ===
          "aws ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,Values=10.0.4.4",
    );
  });

  test("security groups (incomplete interfaces): an interface the snapshot has, outside the group, is decided — denied", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "10.0.7.7", 5432, "TCP", model);
    assert.ok(!decision.allowed && !decision.undecided, decision.rule);
  });

  test("security groups (incomplete interfaces): an address outside every VPC is never a member (public addresses never match a group reference) — denied", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "198.51.100.99", 5432, "TCP", model);
    assert.ok(!decision.allowed && !decision.undecided, decision.rule);
  });

  test("security groups (complete interfaces, describe-network-interfaces): a VPC address no interface holds is not a member — denied", () => {
    const decision = evaluateSecurityGroups("ingress", ["sg-app"], "10.0.4.4", 5432, "TCP", complete);
    assert.ok(!decision.allowed && !decision.undecided, decision.rule);
  });
});
