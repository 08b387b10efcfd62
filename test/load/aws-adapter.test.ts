import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AWS_TOP_LEVEL_KEYS, convertAwsDocument, isAwsDocument } from "../../src/load/aws/index.js";
import { listenerArnOfRule } from "../../src/load/aws/elbv2.js";
import { SnapshotDraft } from "../../src/load/draft.js";
import { DocumentContext } from "../../src/load/fields.js";
import { DEFAULT_LIMITS } from "../../src/load/limits.js";
import { parseJson } from "../../src/load/parse-json.js";
import type { Diagnostic } from "../../src/model/diagnostics.js";

/** Converts one AWS CLI JSON text the way the loader does: parsed with positions, one context. */
function load(json: string, hints: { targetGroupArn?: string } = {}, file = "aws/out.json"): SnapshotDraft {
  const parsed = parseJson(json, file, DEFAULT_LIMITS);
  const doc = parsed.documents[0];
  assert.ok(doc);
  const ctx = new DocumentContext(file, 0, parsed, doc.position);
  const draft = new SnapshotDraft();
  convertAwsDocument(doc.value as Record<string, unknown>, ctx, draft, hints);
  return draft;
}

/** 1-based line of the only occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in the input`);
  assert.equal(text.indexOf(needle, at + 1), -1, `${needle} occurs twice in the input`);
  return text.slice(0, at).split("\n").length;
}

function only(diagnostics: readonly Diagnostic[]): Diagnostic {
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics, null, 2));
  const d = diagnostics[0];
  assert.ok(d);
  return d;
}

function counts(draft: SnapshotDraft, file = "aws/out.json"): Record<string, number> | undefined {
  return draft.counts.get(file);
}

describe("recognising AWS CLI output", () => {
  test("the top-level keys of every supported describe-* output are recognised", () => {
    assert.deepEqual([...AWS_TOP_LEVEL_KEYS].sort(), [
      "Attributes",
      "Entries",
      "InternetGateways",
      "Listeners",
      "LoadBalancers",
      "NatGateways",
      "NetworkAcls",
      "NetworkInterfaces",
      "PrefixLists",
      "Reservations",
      "RouteTables",
      "Rules",
      "SecurityGroups",
      "Subnets",
      "TargetGroups",
      "TargetHealthDescriptions",
      "Vpcs",
    ]);
  });

  test("a document is AWS output only when one of the keys holds a list", () => {
    assert.equal(isAwsDocument({ Vpcs: [] }), true);
    assert.equal(isAwsDocument({ NextToken: "abc", Reservations: [] }), true);
    assert.equal(isAwsDocument({ Vpcs: {} }), false);
    assert.equal(isAwsDocument({ apiVersion: "v1", kind: "List", items: [] }), false);
    assert.equal(isAwsDocument([{ Vpcs: [] }]), false);
    assert.equal(isAwsDocument(null), false);
  });

  test("a top-level key that is not a list is one invalid-object warning and nothing is read from it", () => {
    const json = `{
    "Vpcs": {
        "VpcId": "vpc-0a1b2c3d"
    },
    "Subnets": []
}`;
    const draft = load(json);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(d.message, "Vpcs must be a list, not a mapping; nothing was read from it");
    assert.equal(d.source?.line, 2);
    assert.equal(d.source?.file, "aws/out.json");
    assert.equal(draft.aws.vpcs.length, 0);
  });

  test("a document may hold several outputs; NextToken and unknown keys are ignored", () => {
    const json = `{
    "Vpcs": [
        {
            "CidrBlock": "10.0.0.0/16",
            "VpcId": "vpc-0a1b2c3d",
            "IsDefault": false
        }
    ],
    "Subnets": [
        {
            "AvailabilityZone": "ap-northeast-2a",
            "CidrBlock": "10.0.1.0/24",
            "SubnetId": "subnet-011",
            "VpcId": "vpc-0a1b2c3d"
        }
    ],
    "NextToken": "eyJ2IjoiMiJ9",
    "ResponseMetadata": {"RequestId": "x"}
}`;
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    assert.equal(draft.aws.vpcs.length, 1);
    assert.equal(draft.aws.subnets.length, 1);
    assert.deepEqual(counts(draft), { "ec2:Vpc": 1, "ec2:Subnet": 1 });
  });

  test("an element that is not a mapping is skipped and named by its index", () => {
    const json = `{
    "SecurityGroups": [
        "sg-0123",
        {
            "GroupId": "sg-0456",
            "GroupName": "web",
            "Description": "web",
            "VpcId": "vpc-1"
        }
    ]
}`;
    const draft = load(json);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(d.message, 'security group #0 skipped: SecurityGroups[0] must be a mapping, not a string ("sg-0123")');
    assert.equal(d.source?.line, 3, "at the element itself");
    assert.deepEqual(
      draft.aws.securityGroups.map((g) => g.id),
      ["sg-0456"],
    );
  });
});

describe("ec2 describe-vpcs", () => {
  const json = `{
    "Vpcs": [
        {
            "CidrBlock": "10.0.0.0/16",
            "DhcpOptionsId": "dopt-0f1e2d3c",
            "State": "available",
            "VpcId": "vpc-0a1b2c3d",
            "OwnerId": "123456789012",
            "InstanceTenancy": "default",
            "Ipv6CidrBlockAssociationSet": [
                {
                    "AssociationId": "vpc-cidr-assoc-6e42b10c",
                    "Ipv6CidrBlock": "2600:1f18:1234:5600::/56",
                    "Ipv6CidrBlockState": {
                        "State": "associated"
                    },
                    "NetworkBorderGroup": "ap-northeast-2"
                }
            ],
            "CidrBlockAssociationSet": [
                {
                    "AssociationId": "vpc-cidr-assoc-0a",
                    "CidrBlock": "10.0.0.0/16",
                    "CidrBlockState": {
                        "State": "associated"
                    }
                },
                {
                    "AssociationId": "vpc-cidr-assoc-0b",
                    "CidrBlock": "100.64.0.0/16",
                    "CidrBlockState": {
                        "State": "associated"
                    }
                },
                {
                    "AssociationId": "vpc-cidr-assoc-0c",
                    "CidrBlock": "172.31.0.0/16",
                    "CidrBlockState": {
                        "State": "disassociated"
                    }
                }
            ],
            "IsDefault": false,
            "Tags": [
                {
                    "Key": "Name",
                    "Value": "k8s-vpc"
                },
                {
                    "Key": "env",
                    "Value": "prod"
                }
            ]
        }
    ]
}`;

  test("primary and associated CIDR blocks are the VPC's, a disassociated block is not", () => {
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const vpc = draft.aws.vpcs[0];
    assert.ok(vpc);
    assert.equal(vpc.id, "vpc-0a1b2c3d");
    assert.deepEqual(vpc.cidrBlocks, ["10.0.0.0/16", "100.64.0.0/16"]);
    assert.deepEqual(vpc.ipv6CidrBlocks, ["2600:1f18:1234:5600::/56"]);
    assert.equal(vpc.isDefault, false);
    assert.deepEqual(vpc.tags, { Name: "k8s-vpc", env: "prod" });
    assert.deepEqual(vpc.source, { file: "aws/out.json", line: 3, col: 9, doc: 0 });
    assert.deepEqual(counts(draft), { "ec2:Vpc": 1 });
  });

  test("an invalid CIDR block (prefix 33) skips the VPC with a located warning", () => {
    const bad = json.replace('"CidrBlock": "100.64.0.0/16"', '"CidrBlock": "10.0.0.0/33"');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(
      d.message,
      'VPC vpc-0a1b2c3d skipped: CidrBlockAssociationSet[1].CidrBlock "10.0.0.0/33" is not a valid CIDR block',
    );
    assert.equal(d.source?.line, lineOf(bad, '"10.0.0.0/33"'), "at the bad field");
    assert.equal(draft.aws.vpcs.length, 0);
    assert.equal(counts(draft), undefined);
  });

  test("host bits in a CIDR block are accepted, as AWS normalises them", () => {
    const draft = load(json.replace('"CidrBlock": "100.64.0.0/16"', '"CidrBlock": "100.64.7.0/16"'));
    assert.deepEqual(draft.diagnostics, []);
    assert.deepEqual(draft.aws.vpcs[0]?.cidrBlocks, ["10.0.0.0/16", "100.64.7.0/16"]);
  });

  test("a VPC without VpcId is skipped and named by its index; the next VPC is still read", () => {
    const two = `{
    "Vpcs": [
        {
            "CidrBlock": "10.1.0.0/16",
            "State": "available"
        },
        {
            "CidrBlock": "10.2.0.0/16",
            "VpcId": "vpc-2"
        }
    ]
}`;
    const draft = load(two);
    const d = only(draft.diagnostics);
    assert.equal(d.message, "VPC #0 skipped: VpcId is required");
    assert.equal(d.source?.line, 3);
    assert.deepEqual(
      draft.aws.vpcs.map((v) => v.id),
      ["vpc-2"],
    );
    assert.deepEqual(counts(draft), { "ec2:Vpc": 1 });
  });
});

describe("ec2 describe-subnets", () => {
  const json = `{
    "Subnets": [
        {
            "AvailabilityZone": "ap-northeast-2a",
            "AvailabilityZoneId": "apne2-az1",
            "AvailableIpAddressCount": 4089,
            "CidrBlock": "10.0.0.0/20",
            "DefaultForAz": false,
            "MapPublicIpOnLaunch": true,
            "State": "available",
            "SubnetId": "subnet-0pub",
            "VpcId": "vpc-0a1b2c3d",
            "OwnerId": "123456789012",
            "AssignIpv6AddressOnCreation": false,
            "Ipv6CidrBlockAssociationSet": [],
            "Tags": [
                {
                    "Key": "kubernetes.io/role/elb",
                    "Value": "1"
                }
            ],
            "SubnetArn": "arn:aws:ec2:ap-northeast-2:123456789012:subnet/subnet-0pub"
        },
        {
            "AvailabilityZone": "ap-northeast-2c",
            "CidrBlock": "10.0.16.0/20",
            "MapPublicIpOnLaunch": "false",
            "SubnetId": "subnet-0bad",
            "VpcId": "vpc-0a1b2c3d"
        }
    ]
}`;

  test("subnet fields are read, and a string where AWS prints a boolean skips that subnet", () => {
    const draft = load(json);
    assert.deepEqual(draft.aws.subnets, [
      {
        id: "subnet-0pub",
        vpcId: "vpc-0a1b2c3d",
        cidr: "10.0.0.0/20",
        availabilityZone: "ap-northeast-2a",
        mapPublicIpOnLaunch: true,
        tags: { "kubernetes.io/role/elb": "1" },
        source: { file: "aws/out.json", line: 3, col: 9, doc: 0 },
      },
    ]);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(
      d.message,
      'subnet subnet-0bad skipped: MapPublicIpOnLaunch must be true or false, not a string ("false")',
    );
    assert.equal(d.source?.line, lineOf(json, '"MapPublicIpOnLaunch": "false"'));
    assert.deepEqual(counts(draft), { "ec2:Subnet": 1 });
  });
});

describe("ec2 describe-route-tables", () => {
  const json = `{
    "RouteTables": [
        {
            "Associations": [
                {
                    "Main": true,
                    "RouteTableAssociationId": "rtbassoc-0main",
                    "RouteTableId": "rtb-0main",
                    "AssociationState": {
                        "State": "associated"
                    }
                },
                {
                    "Main": false,
                    "RouteTableAssociationId": "rtbassoc-0a",
                    "RouteTableId": "rtb-0main",
                    "SubnetId": "subnet-0pub",
                    "AssociationState": {
                        "State": "associated"
                    }
                },
                {
                    "Main": false,
                    "RouteTableAssociationId": "rtbassoc-0g",
                    "RouteTableId": "rtb-0main",
                    "GatewayId": "igw-0edge",
                    "AssociationState": {
                        "State": "associated"
                    }
                }
            ],
            "PropagatingVgws": [],
            "RouteTableId": "rtb-0main",
            "Routes": [
                {
                    "DestinationCidrBlock": "10.0.0.0/16",
                    "GatewayId": "local",
                    "Origin": "CreateRouteTable",
                    "State": "active"
                },
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": "igw-0edge",
                    "Origin": "CreateRoute",
                    "State": "active"
                },
                {
                    "DestinationCidrBlock": "192.168.0.0/16",
                    "InstanceId": "i-0router",
                    "InstanceOwnerId": "123456789012",
                    "NetworkInterfaceId": "eni-0router",
                    "Origin": "CreateRoute",
                    "State": "active"
                },
                {
                    "DestinationCidrBlock": "172.16.0.0/16",
                    "NetworkInterfaceId": "eni-0orphan",
                    "Origin": "CreateRoute",
                    "State": "blackhole"
                },
                {
                    "DestinationCidrBlock": "10.10.0.0/16",
                    "Origin": "CreateRoute",
                    "State": "active",
                    "VpcPeeringConnectionId": "pcx-0peer"
                },
                {
                    "DestinationCidrBlock": "10.20.0.0/16",
                    "Origin": "CreateRoute",
                    "State": "active",
                    "TransitGatewayId": "tgw-0hub"
                },
                {
                    "DestinationIpv6CidrBlock": "::/0",
                    "EgressOnlyInternetGatewayId": "eigw-0v6",
                    "Origin": "CreateRoute",
                    "State": "active"
                },
                {
                    "DestinationPrefixListId": "pl-78a54011",
                    "GatewayId": "vpce-0s3",
                    "Origin": "CreateRoute",
                    "State": "active"
                },
                {
                    "DestinationCidrBlock": "10.30.0.0/16",
                    "GatewayId": "vgw-0vpn",
                    "Origin": "EnableVgwRoutePropagation",
                    "State": "active"
                }
            ],
            "Tags": [],
            "VpcId": "vpc-0a1b2c3d",
            "OwnerId": "123456789012"
        },
        {
            "Associations": [
                {
                    "Main": false,
                    "RouteTableAssociationId": "rtbassoc-0b",
                    "RouteTableId": "rtb-0priv",
                    "SubnetId": "subnet-0priv",
                    "AssociationState": {
                        "State": "associated"
                    }
                }
            ],
            "RouteTableId": "rtb-0priv",
            "Routes": [
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": "nat-0egress",
                    "Origin": "CreateRoute",
                    "State": "active"
                }
            ],
            "VpcId": "vpc-0a1b2c3d"
        }
    ]
}`;

  test("the main table and explicit subnet and gateway associations come from Associations", () => {
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const [main, priv] = draft.aws.routeTables;
    assert.ok(main && priv);
    assert.equal(main.main, true);
    assert.deepEqual(main.subnetIds, ["subnet-0pub"]);
    assert.deepEqual(main.gatewayIds, ["igw-0edge"]);
    assert.equal(priv.main, false);
    assert.deepEqual(priv.subnetIds, ["subnet-0priv"]);
    assert.deepEqual(counts(draft), { "ec2:RouteTable": 2 });
  });

  test("a route's target kind comes from the field that is set and the gateway id's prefix", () => {
    const draft = load(json);
    const routes = draft.aws.routeTables[0]?.routes.map((r) => [r.destination, r.targetKind, r.targetId, r.state]);
    assert.deepEqual(routes, [
      ["10.0.0.0/16", "local", "local", "active"],
      ["0.0.0.0/0", "internet-gateway", "igw-0edge", "active"],
      ["192.168.0.0/16", "instance", "i-0router", "active"],
      ["172.16.0.0/16", "network-interface", "eni-0orphan", "blackhole"],
      ["10.10.0.0/16", "vpc-peering", "pcx-0peer", "active"],
      ["10.20.0.0/16", "transit-gateway", "tgw-0hub", "active"],
      ["::/0", "egress-only-internet-gateway", "eigw-0v6", "active"],
      ["pl-78a54011", "vpc-endpoint", "vpce-0s3", "active"],
      ["10.30.0.0/16", "virtual-private-gateway", "vgw-0vpn", "active"],
    ]);
    assert.equal(draft.aws.routeTables[0]?.routes[8]?.origin, "EnableVgwRoutePropagation");
    assert.deepEqual(draft.aws.routeTables[1]?.routes[0], {
      destination: "0.0.0.0/0",
      targetKind: "nat-gateway",
      targetId: "nat-0egress",
      state: "active",
      origin: "CreateRoute",
    });
  });

  test("a route with an invalid destination CIDR skips its route table only", () => {
    const bad = json.replace('"DestinationCidrBlock": "10.20.0.0/16"', '"DestinationCidrBlock": "10.20.0/16"');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(
      d.message,
      'route table rtb-0main skipped: Routes[5].DestinationCidrBlock "10.20.0/16" is not a valid CIDR block',
    );
    assert.equal(d.source?.line, lineOf(bad, '"10.20.0/16"'), "at the bad field");
    assert.deepEqual(
      draft.aws.routeTables.map((t) => t.id),
      ["rtb-0priv"],
    );
  });
});

describe("ec2 describe-internet-gateways and describe-nat-gateways", () => {
  test("an internet gateway is attached to the VPCs of its attachments", () => {
    const json = `{
    "InternetGateways": [
        {
            "Attachments": [
                {
                    "State": "available",
                    "VpcId": "vpc-0a1b2c3d"
                }
            ],
            "InternetGatewayId": "igw-0edge",
            "OwnerId": "123456789012",
            "Tags": [
                {
                    "Key": "Name",
                    "Value": "edge"
                }
            ]
        }
    ]
}`;
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    assert.deepEqual(draft.aws.internetGateways, [
      {
        id: "igw-0edge",
        vpcIds: ["vpc-0a1b2c3d"],
        tags: { Name: "edge" },
        source: { file: "aws/out.json", line: 3, col: 9, doc: 0 },
      },
    ]);
    assert.deepEqual(counts(draft), { "ec2:InternetGateway": 1 });
  });

  const nat = `{
    "NatGateways": [
        {
            "CreateTime": "2024-03-01T09:12:44.000Z",
            "NatGatewayAddresses": [
                {
                    "AllocationId": "eipalloc-0a",
                    "NetworkInterfaceId": "eni-0nat",
                    "PrivateIp": "10.0.0.57",
                    "PublicIp": "3.35.10.20",
                    "AssociationId": "eipassoc-0a",
                    "Status": "succeeded"
                },
                {
                    "AllocationId": "eipalloc-0b",
                    "NetworkInterfaceId": "eni-0nat",
                    "PrivateIp": "10.0.0.58",
                    "PublicIp": "3.35.10.21",
                    "Status": "succeeded"
                }
            ],
            "NatGatewayId": "nat-0egress",
            "State": "available",
            "SubnetId": "subnet-0pub",
            "VpcId": "vpc-0a1b2c3d",
            "Tags": [],
            "ConnectivityType": "public"
        },
        {
            "NatGatewayAddresses": [
                {
                    "NetworkInterfaceId": "eni-0prv",
                    "PrivateIp": "10.0.32.9",
                    "IsPrimary": true,
                    "Status": "succeeded"
                }
            ],
            "NatGatewayId": "nat-0private",
            "State": "available",
            "SubnetId": "subnet-0priv",
            "VpcId": "vpc-0a1b2c3d",
            "ConnectivityType": "private"
        }
    ]
}`;

  test("NAT gateway addresses: without IsPrimary the first address is the primary one", () => {
    const draft = load(nat);
    assert.deepEqual(draft.diagnostics, []);
    const [pub, prv] = draft.aws.natGateways;
    assert.ok(pub && prv);
    assert.equal(pub.connectivityType, "public");
    assert.equal(pub.state, "available");
    assert.deepEqual(pub.addresses, [
      {
        privateIp: "10.0.0.57",
        publicIp: "3.35.10.20",
        allocationId: "eipalloc-0a",
        networkInterfaceId: "eni-0nat",
        primary: true,
      },
      {
        privateIp: "10.0.0.58",
        publicIp: "3.35.10.21",
        allocationId: "eipalloc-0b",
        networkInterfaceId: "eni-0nat",
        primary: false,
      },
    ]);
    assert.equal(prv.connectivityType, "private");
    assert.deepEqual(prv.addresses[0], {
      privateIp: "10.0.32.9",
      publicIp: undefined,
      allocationId: undefined,
      networkInterfaceId: "eni-0prv",
      primary: true,
    });
    assert.deepEqual(counts(draft), { "ec2:NatGateway": 2 });
  });

  test("ConnectivityType defaults to public, as in output from before private NAT gateways", () => {
    const draft = load(nat.replace('"ConnectivityType": "public"', '"ProvisionedBandwidth": null'));
    assert.equal(draft.aws.natGateways[0]?.connectivityType, "public");
  });

  test("an invalid public IP skips the NAT gateway with a located warning", () => {
    const bad = nat.replace('"PublicIp": "3.35.10.21"', '"PublicIp": "3.35.10.256"');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(
      d.message,
      'NAT gateway nat-0egress skipped: NatGatewayAddresses[1].PublicIp "3.35.10.256" is not a valid IPv4 address',
    );
    assert.equal(d.source?.line, lineOf(bad, '"3.35.10.256"'), "at the bad field");
    assert.deepEqual(
      draft.aws.natGateways.map((n) => n.id),
      ["nat-0private"],
    );
  });
});

describe("ec2 describe-security-groups", () => {
  const json = `{
    "SecurityGroups": [
        {
            "Description": "EKS node shared security group",
            "GroupName": "eks-nodes",
            "IpPermissions": [
                {
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "IpRanges": [
                        {
                            "CidrIp": "10.0.0.0/16",
                            "Description": "VPC"
                        },
                        {
                            "CidrIp": "100.64.0.0/16"
                        }
                    ],
                    "Ipv6Ranges": [
                        {
                            "CidrIpv6": "2600:1f18:1234:5600::/56",
                            "Description": "VPC v6"
                        }
                    ],
                    "PrefixListIds": [
                        {
                            "Description": "office",
                            "PrefixListId": "pl-0office"
                        }
                    ],
                    "ToPort": 443,
                    "UserIdGroupPairs": [
                        {
                            "Description": "from the ALB",
                            "GroupId": "sg-0alb",
                            "UserId": "123456789012"
                        }
                    ]
                },
                {
                    "IpProtocol": "-1",
                    "IpRanges": [],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [
                        {
                            "GroupId": "sg-0nodes",
                            "UserId": "123456789012"
                        }
                    ]
                },
                {
                    "FromPort": 30000,
                    "IpProtocol": "6",
                    "IpRanges": [
                        {
                            "CidrIp": "0.0.0.0/0"
                        }
                    ],
                    "ToPort": 32767
                },
                {
                    "FromPort": 8,
                    "IpProtocol": "icmp",
                    "IpRanges": [
                        {
                            "CidrIp": "10.0.0.0/8"
                        }
                    ],
                    "ToPort": -1
                },
                {
                    "FromPort": -1,
                    "IpProtocol": "50",
                    "IpRanges": [
                        {
                            "CidrIp": "192.0.2.0/24"
                        }
                    ],
                    "ToPort": -1
                }
            ],
            "OwnerId": "123456789012",
            "GroupId": "sg-0nodes",
            "IpPermissionsEgress": [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [
                        {
                            "CidrIp": "0.0.0.0/0"
                        }
                    ],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": []
                }
            ],
            "Tags": [
                {
                    "Key": "kubernetes.io/cluster/prod",
                    "Value": "owned"
                }
            ],
            "VpcId": "vpc-0a1b2c3d"
        }
    ]
}`;

  test("rule peers come from IpRanges, Ipv6Ranges, UserIdGroupPairs and PrefixListIds, each with its Description", () => {
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const sg = draft.aws.securityGroups[0];
    assert.ok(sg);
    assert.equal(sg.id, "sg-0nodes");
    assert.equal(sg.name, "eks-nodes");
    assert.equal(sg.description, "EKS node shared security group");
    assert.equal(sg.vpcId, "vpc-0a1b2c3d");
    assert.deepEqual(sg.ingress[0], {
      protocol: "tcp",
      ports: { from: 443, to: 443 },
      peers: [
        { kind: "cidr", cidr: "10.0.0.0/16", description: "VPC" },
        { kind: "cidr", cidr: "100.64.0.0/16", description: undefined },
        { kind: "cidr", cidr: "2600:1f18:1234:5600::/56", description: "VPC v6" },
        { kind: "security-group", groupId: "sg-0alb", description: "from the ALB" },
        { kind: "prefix-list", prefixListId: "pl-0office", description: "office" },
      ],
    });
    assert.deepEqual(sg.tags, { "kubernetes.io/cluster/prod": "owned" });
    assert.deepEqual(counts(draft), { "ec2:SecurityGroup": 1 });
  });

  test("protocol -1 means all traffic and has no ports; 6 is printed for tcp; other protocols allow every port", () => {
    const sg = load(json).aws.securityGroups[0];
    assert.ok(sg);
    assert.deepEqual(
      sg.ingress.map((r) => [r.protocol, r.ports]),
      [
        ["tcp", { from: 443, to: 443 }],
        ["-1", undefined],
        ["tcp", { from: 30000, to: 32767 }],
        ["icmp", { from: 8, to: -1 }],
        ["50", undefined],
      ],
    );
    assert.deepEqual(sg.egress, [
      { protocol: "-1", ports: undefined, peers: [{ kind: "cidr", cidr: "0.0.0.0/0", description: undefined }] },
    ]);
  });

  test("a TCP port above 65535 skips the security group", () => {
    const bad = json.replace('"ToPort": 32767', '"ToPort": 70000');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(
      d.message,
      "security group sg-0nodes skipped: IpPermissions[2].ToPort must be between 0 and 65535, not 70000",
    );
    assert.equal(d.source?.line, lineOf(bad, '"ToPort": 70000'));
    assert.equal(draft.aws.securityGroups.length, 0);
  });

  test("FromPort greater than ToPort in a TCP rule skips the security group", () => {
    const bad = json.replace('"FromPort": 443,', '"FromPort": 8080,').replace('"ToPort": 443,', '"ToPort": 80,');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(
      d.message,
      "security group sg-0nodes skipped: IpPermissions[0]: FromPort 8080 is greater than ToPort 80",
    );
    assert.equal(d.source?.line, lineOf(bad, '"FromPort": 8080'));
  });

  test("ICMP FromPort and ToPort are type and code, -1..255", () => {
    const draft = load(json.replace('"FromPort": 8,', '"FromPort": 256,'));
    assert.equal(
      only(draft.diagnostics).message,
      "security group sg-0nodes skipped: IpPermissions[3].FromPort must be between -1 and 255, not 256",
    );
  });

  test("ports of an all-traffic rule are ignored, whatever they say", () => {
    const draft = load(
      json.replace(
        '"FromPort": -1,\n                    "IpProtocol": "50"',
        '"FromPort": 70000,\n                    "IpProtocol": "-1"',
      ),
    );
    assert.deepEqual(draft.diagnostics, []);
    assert.deepEqual(draft.aws.securityGroups[0]?.ingress[4], {
      protocol: "-1",
      ports: undefined,
      peers: [{ kind: "cidr", cidr: "192.0.2.0/24", description: undefined }],
    });
  });

  test("an unknown protocol name is malformed", () => {
    const draft = load(json.replace('"IpProtocol": "tcp"', '"IpProtocol": "http"'));
    assert.equal(
      only(draft.diagnostics).message,
      'security group sg-0nodes skipped: IpPermissions[0].IpProtocol "http" is not tcp, udp, icmp, icmpv6, -1 or a protocol number',
    );
  });
});

describe("ec2 describe-network-acls", () => {
  const json = `{
    "NetworkAcls": [
        {
            "Associations": [
                {
                    "NetworkAclAssociationId": "aclassoc-0a",
                    "NetworkAclId": "acl-0main",
                    "SubnetId": "subnet-0pub"
                },
                {
                    "NetworkAclAssociationId": "aclassoc-0b",
                    "NetworkAclId": "acl-0main",
                    "SubnetId": "subnet-0priv"
                }
            ],
            "Entries": [
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": true,
                    "Protocol": "-1",
                    "RuleAction": "allow",
                    "RuleNumber": 100
                },
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": true,
                    "Protocol": "-1",
                    "RuleAction": "deny",
                    "RuleNumber": 32767
                },
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": false,
                    "PortRange": {
                        "From": 1024,
                        "To": 65535
                    },
                    "Protocol": "6",
                    "RuleAction": "allow",
                    "RuleNumber": 200
                },
                {
                    "CidrBlock": "198.51.100.0/24",
                    "Egress": false,
                    "Protocol": "-1",
                    "RuleAction": "deny",
                    "RuleNumber": 50
                },
                {
                    "CidrBlock": "10.0.0.0/16",
                    "Egress": false,
                    "IcmpTypeCode": {
                        "Code": -1,
                        "Type": 8
                    },
                    "Protocol": "1",
                    "RuleAction": "allow",
                    "RuleNumber": 150
                },
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": false,
                    "Protocol": "-1",
                    "RuleAction": "deny",
                    "RuleNumber": 32767
                },
                {
                    "Egress": false,
                    "Ipv6CidrBlock": "::/0",
                    "Protocol": "-1",
                    "RuleAction": "deny",
                    "RuleNumber": 32768
                }
            ],
            "IsDefault": true,
            "NetworkAclId": "acl-0main",
            "Tags": [],
            "VpcId": "vpc-0a1b2c3d",
            "OwnerId": "123456789012"
        }
    ]
}`;

  test("entries are sorted by rule number and the implicit * rules (32767, IPv6 32768) are dropped", () => {
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const acl = draft.aws.networkAcls[0];
    assert.ok(acl);
    assert.equal(acl.isDefault, true);
    assert.deepEqual(acl.subnetIds, ["subnet-0pub", "subnet-0priv"]);
    assert.deepEqual(
      acl.entries.map((e) => [e.ruleNumber, e.egress, e.protocol, e.action, e.cidr]),
      [
        [50, false, "-1", "deny", "198.51.100.0/24"],
        [100, true, "-1", "allow", "0.0.0.0/0"],
        [150, false, "1", "allow", "10.0.0.0/16"],
        [200, false, "6", "allow", "0.0.0.0/0"],
      ],
    );
    assert.deepEqual(acl.entries[3]?.portRange, { from: 1024, to: 65535 });
    assert.deepEqual(acl.entries[2]?.icmp, { type: 8, code: -1 });
    assert.equal(acl.entries[0]?.portRange, undefined);
    assert.deepEqual(counts(draft), { "ec2:NetworkAcl": 1 });
  });

  test("a rule number above 32767 skips the network ACL", () => {
    const bad = json.replace('"RuleNumber": 150', '"RuleNumber": 40000');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(
      d.message,
      "network ACL acl-0main skipped: Entries[4].RuleNumber must be between 1 and 32767, not 40000",
    );
    assert.equal(d.source?.line, lineOf(bad, '"RuleNumber": 40000'));
    assert.equal(draft.aws.networkAcls.length, 0);
  });

  test("a port range whose From is greater than its To is malformed", () => {
    const bad = json.replace('"From": 1024', '"From": 2048').replace('"To": 65535', '"To": 1024');
    const d = only(load(bad).diagnostics);
    assert.equal(d.message, "network ACL acl-0main skipped: Entries[2].PortRange: From 2048 is greater than To 1024");
    assert.equal(d.source?.line, lineOf(bad, '"From": 2048'));
  });

  test("the protocol must be -1 or a protocol number as a string", () => {
    const d = only(load(json.replace('"Protocol": "6"', '"Protocol": "tcp"')).diagnostics);
    assert.equal(
      d.message,
      'network ACL acl-0main skipped: Entries[2].Protocol "tcp" is not -1 or a protocol number between 0 and 255',
    );
    const n = only(load(json.replace('"Protocol": "6"', '"Protocol": 6')).diagnostics);
    assert.equal(n.message, "network ACL acl-0main skipped: Entries[2].Protocol must be a string, not a number (6)");
  });
});

describe("ec2 describe-instances", () => {
  const json = `{
    "Reservations": [
        {
            "Groups": [],
            "Instances": [
                {
                    "AmiLaunchIndex": 0,
                    "ImageId": "ami-0c9c942bd7bf113a2",
                    "InstanceId": "i-0worker1",
                    "InstanceType": "t3.large",
                    "LaunchTime": "2024-03-01T09:12:44+00:00",
                    "Monitoring": {
                        "State": "disabled"
                    },
                    "Placement": {
                        "AvailabilityZone": "ap-northeast-2a",
                        "GroupName": "",
                        "Tenancy": "default"
                    },
                    "PrivateDnsName": "ip-10-0-1-10.ap-northeast-2.compute.internal",
                    "PrivateIpAddress": "10.0.1.10",
                    "PublicDnsName": "",
                    "State": {
                        "Code": 16,
                        "Name": "running"
                    },
                    "SubnetId": "subnet-0priv",
                    "VpcId": "vpc-0a1b2c3d",
                    "NetworkInterfaces": [
                        {
                            "Attachment": {
                                "DeviceIndex": 0,
                                "Status": "attached"
                            },
                            "NetworkInterfaceId": "eni-0w1a",
                            "PrivateIpAddress": "10.0.1.10"
                        },
                        {
                            "NetworkInterfaceId": "eni-0w1b",
                            "PrivateIpAddress": "10.0.1.11"
                        }
                    ],
                    "SecurityGroups": [
                        {
                            "GroupName": "eks-nodes",
                            "GroupId": "sg-0nodes"
                        }
                    ],
                    "Tags": [
                        {
                            "Key": "Name",
                            "Value": "k8s-worker-1"
                        }
                    ]
                }
            ],
            "OwnerId": "123456789012",
            "ReservationId": "r-0aaa"
        },
        {
            "Groups": [],
            "Instances": [
                {
                    "InstanceId": "i-0bastion",
                    "PrivateIpAddress": "10.0.0.5",
                    "PublicIpAddress": "3.35.1.2",
                    "SourceDestCheck": false,
                    "State": {
                        "Code": 80,
                        "Name": "stopped"
                    },
                    "SubnetId": "subnet-0pub",
                    "VpcId": "vpc-0a1b2c3d"
                },
                {
                    "InstanceId": "i-0broken",
                    "PrivateIpAddress": "10.0.0.256"
                }
            ],
            "ReservationId": "r-0bbb"
        }
    ]
}`;

  test("instances are read from Reservations[].Instances[], named by their Name tag", () => {
    const draft = load(json);
    const [worker, bastion] = draft.aws.instances;
    assert.ok(worker && bastion);
    assert.deepEqual(worker, {
      id: "i-0worker1",
      name: "k8s-worker-1",
      state: "running",
      privateIp: "10.0.1.10",
      privateDnsName: "ip-10-0-1-10.ap-northeast-2.compute.internal",
      publicIp: undefined,
      subnetId: "subnet-0priv",
      vpcId: "vpc-0a1b2c3d",
      availabilityZone: "ap-northeast-2a",
      securityGroupIds: ["sg-0nodes"],
      networkInterfaceIds: ["eni-0w1a", "eni-0w1b"],
      sourceDestCheck: true,
      tags: { Name: "k8s-worker-1" },
      source: { file: "aws/out.json", line: 6, col: 17, doc: 0 },
    });
    assert.equal(bastion.name, undefined);
    assert.equal(bastion.publicIp, "3.35.1.2");
    assert.equal(bastion.sourceDestCheck, false);
    assert.equal(bastion.state, "stopped");
    assert.deepEqual(counts(draft), { "ec2:Instance": 2 });
  });

  test("an instance with an invalid private IP is skipped; the others in its reservation are kept", () => {
    const draft = load(json);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.equal(d.message, 'instance i-0broken skipped: PrivateIpAddress "10.0.0.256" is not a valid IPv4 address');
    assert.equal(d.source?.line, lineOf(json, '"10.0.0.256"'), "at the bad field");
  });

  test("a reservation whose Instances is not a list is skipped", () => {
    const draft = load(`{
    "Reservations": [
        {
            "Instances": {"InstanceId": "i-0x"},
            "ReservationId": "r-0ccc"
        }
    ]
}`);
    const d = only(draft.diagnostics);
    assert.equal(d.message, "reservation r-0ccc skipped: Reservations[0].Instances must be a list, not a mapping");
    assert.equal(d.source?.line, 4, "at the Instances field");
    assert.equal(draft.aws.instances.length, 0);
  });
});

describe("ec2 describe-network-interfaces", () => {
  const json = `{
    "NetworkInterfaces": [
        {
            "Association": {
                "IpOwnerId": "amazon",
                "PublicDnsName": "ec2-3-35-1-2.ap-northeast-2.compute.amazonaws.com",
                "PublicIp": "3.35.1.2"
            },
            "Attachment": {
                "AttachTime": "2024-03-01T09:12:45+00:00",
                "AttachmentId": "eni-attach-0a",
                "DeleteOnTermination": true,
                "DeviceIndex": 0,
                "NetworkCardIndex": 0,
                "InstanceId": "i-0worker1",
                "InstanceOwnerId": "123456789012",
                "Status": "attached"
            },
            "AvailabilityZone": "ap-northeast-2a",
            "Description": "",
            "Groups": [
                {
                    "GroupName": "eks-nodes",
                    "GroupId": "sg-0nodes"
                }
            ],
            "InterfaceType": "interface",
            "Ipv6Addresses": [],
            "MacAddress": "02:4b:6e:1a:2b:3c",
            "NetworkInterfaceId": "eni-0w1a",
            "OwnerId": "123456789012",
            "PrivateDnsName": "ip-10-0-1-10.ap-northeast-2.compute.internal",
            "PrivateIpAddress": "10.0.1.10",
            "PrivateIpAddresses": [
                {
                    "Association": {
                        "IpOwnerId": "amazon",
                        "PublicIp": "3.35.1.2"
                    },
                    "Primary": true,
                    "PrivateDnsName": "ip-10-0-1-10.ap-northeast-2.compute.internal",
                    "PrivateIpAddress": "10.0.1.10"
                },
                {
                    "Primary": false,
                    "PrivateIpAddress": "10.0.1.77"
                }
            ],
            "Ipv4Prefixes": [
                {
                    "Ipv4Prefix": "10.0.1.176/28"
                }
            ],
            "RequesterManaged": false,
            "SourceDestCheck": false,
            "Status": "in-use",
            "SubnetId": "subnet-0priv",
            "TagSet": [
                {
                    "Key": "node.k8s.amazonaws.com/instance_id",
                    "Value": "i-0worker1"
                }
            ],
            "VpcId": "vpc-0a1b2c3d"
        },
        {
            "AvailabilityZone": "ap-northeast-2a",
            "Description": "ELB app/k8s-ingress/50dc6c495c0c9188",
            "Groups": [],
            "InterfaceType": "interface",
            "NetworkInterfaceId": "eni-0alb",
            "PrivateIpAddress": "10.0.0.99",
            "PrivateIpAddresses": [
                {
                    "Primary": true,
                    "PrivateIpAddress": "10.0.0.99"
                }
            ],
            "RequesterId": "amazon-elb",
            "RequesterManaged": true,
            "SourceDestCheck": true,
            "Status": "in-use",
            "SubnetId": "subnet-0pub",
            "TagSet": [],
            "VpcId": "vpc-0a1b2c3d"
        }
    ]
}`;

  test("private IPs with their public association, prefixes, groups and the attachment are read", () => {
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const [eni, alb] = draft.aws.networkInterfaces;
    assert.ok(eni && alb);
    assert.deepEqual(eni.privateIps, [
      { address: "10.0.1.10", primary: true, publicIp: "3.35.1.2" },
      { address: "10.0.1.77", primary: false, publicIp: undefined },
    ]);
    assert.deepEqual(eni.ipv4Prefixes, ["10.0.1.176/28"]);
    assert.deepEqual(eni.securityGroupIds, ["sg-0nodes"]);
    assert.deepEqual(eni.attachment, { instanceId: "i-0worker1", deviceIndex: 0 });
    assert.equal(eni.sourceDestCheck, false);
    assert.equal(eni.interfaceType, "interface");
    assert.equal(eni.description, undefined);
    assert.deepEqual(eni.tags, { "node.k8s.amazonaws.com/instance_id": "i-0worker1" });
    assert.equal(eni.source.line, 3);
    assert.equal(alb.attachment, undefined);
    assert.equal(alb.requesterId, "amazon-elb");
    assert.equal(alb.description, "ELB app/k8s-ingress/50dc6c495c0c9188");
    assert.deepEqual(counts(draft), { "ec2:NetworkInterface": 2 });
  });

  test("an invalid delegated prefix skips the network interface", () => {
    const bad = json.replace('"Ipv4Prefix": "10.0.1.176/28"', '"Ipv4Prefix": "10.0.1.176"');
    const d = only(load(bad).diagnostics);
    assert.equal(
      d.message,
      'network interface eni-0w1a skipped: Ipv4Prefixes[0].Ipv4Prefix "10.0.1.176" is not a valid CIDR block',
    );
    assert.equal(d.source?.line, lineOf(bad, '"10.0.1.176"'), "at the bad field");
  });
});

describe("elbv2 describe-load-balancers", () => {
  test("scheme, type, subnets, per-zone addresses and security groups are read", () => {
    const json = `{
    "LoadBalancers": [
        {
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-ingress/50dc6c495c0c9188",
            "DNSName": "k8s-ingress-1234567890.ap-northeast-2.elb.amazonaws.com",
            "CanonicalHostedZoneId": "ZWKZPGTI48KDX",
            "CreatedTime": "2024-03-01T09:20:00.000Z",
            "LoadBalancerName": "k8s-ingress",
            "Scheme": "internet-facing",
            "VpcId": "vpc-0a1b2c3d",
            "State": {
                "Code": "active"
            },
            "Type": "application",
            "AvailabilityZones": [
                {
                    "ZoneName": "ap-northeast-2a",
                    "SubnetId": "subnet-0pub",
                    "LoadBalancerAddresses": []
                },
                {
                    "ZoneName": "ap-northeast-2c",
                    "SubnetId": "subnet-0pubc",
                    "LoadBalancerAddresses": []
                }
            ],
            "SecurityGroups": [
                "sg-0alb"
            ],
            "IpAddressType": "ipv4"
        },
        {
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/net/k8s-nlb/73e2d6bc24d8a067",
            "DNSName": "k8s-nlb-73e2d6bc24d8a067.elb.ap-northeast-2.amazonaws.com",
            "LoadBalancerName": "k8s-nlb",
            "Scheme": "internal",
            "VpcId": "vpc-0a1b2c3d",
            "State": {
                "Code": "active"
            },
            "Type": "network",
            "AvailabilityZones": [
                {
                    "ZoneName": "ap-northeast-2a",
                    "SubnetId": "subnet-0priv",
                    "LoadBalancerAddresses": [
                        {
                            "PrivateIPv4Address": "10.0.32.20"
                        }
                    ]
                }
            ],
            "IpAddressType": "ipv4"
        }
    ]
}`;
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const [alb, nlb] = draft.aws.loadBalancers;
    assert.ok(alb && nlb);
    assert.deepEqual(alb, {
      arn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-ingress/50dc6c495c0c9188",
      name: "k8s-ingress",
      dnsName: "k8s-ingress-1234567890.ap-northeast-2.elb.amazonaws.com",
      scheme: "internet-facing",
      type: "application",
      vpcId: "vpc-0a1b2c3d",
      subnetIds: ["subnet-0pub", "subnet-0pubc"],
      addresses: [],
      securityGroupIds: ["sg-0alb"],
      state: "active",
      ipAddressType: "ipv4",
      source: { file: "aws/out.json", line: 3, col: 9, doc: 0 },
    });
    assert.equal(nlb.scheme, "internal");
    assert.equal(nlb.type, "network");
    assert.deepEqual(nlb.addresses, [{ subnetId: "subnet-0priv", privateIp: "10.0.32.20", publicIp: undefined }]);
    assert.deepEqual(nlb.securityGroupIds, []);
    assert.deepEqual(counts(draft), { "elbv2:LoadBalancer": 2 });

    const bad = json.replace('"Scheme": "internal"', '"Scheme": "private"');
    const d = only(load(bad).diagnostics);
    assert.equal(
      d.message,
      'load balancer arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/net/k8s-nlb/73e2d6bc24d8a067 skipped: Scheme must be one of internet-facing, internal, not "private"',
    );
    assert.equal(d.source?.line, lineOf(bad, '"Scheme": "private"'));
  });
});

describe("elbv2 describe-listeners", () => {
  const json = `{
    "Listeners": [
        {
            "ListenerArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/k8s-ingress/50dc6c495c0c9188/f2f7dc8efc522ab2",
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-ingress/50dc6c495c0c9188",
            "Port": 443,
            "Protocol": "HTTPS",
            "Certificates": [
                {
                    "CertificateArn": "arn:aws:acm:ap-northeast-2:123456789012:certificate/3dcb0a41-bd72-4774-9ad9-756919c40557"
                }
            ],
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "DefaultActions": [
                {
                    "Type": "forward",
                    "TargetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-server/6d0ecf831eec9f09",
                    "Order": 1,
                    "ForwardConfig": {
                        "TargetGroups": [
                            {
                                "TargetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-server/6d0ecf831eec9f09",
                                "Weight": 1
                            }
                        ],
                        "TargetGroupStickinessConfig": {
                            "Enabled": false
                        }
                    }
                }
            ]
        },
        {
            "ListenerArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/k8s-ingress/50dc6c495c0c9188/0467ef3c8400ae65",
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-ingress/50dc6c495c0c9188",
            "Port": 80,
            "Protocol": "HTTP",
            "DefaultActions": [
                {
                    "Type": "redirect",
                    "Order": 1,
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "Host": "#{host}",
                        "Path": "/#{path}",
                        "Query": "#{query}",
                        "StatusCode": "HTTP_301"
                    }
                }
            ]
        }
    ]
}`;

  test("a single-target-group forward, printed as TargetGroupArn and as ForwardConfig, is one target group", () => {
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const [https, http] = draft.aws.listeners;
    assert.ok(https && http);
    assert.equal(https.port, 443);
    assert.equal(https.protocol, "HTTPS");
    assert.equal(
      https.loadBalancerArn,
      "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-ingress/50dc6c495c0c9188",
    );
    assert.deepEqual(https.certificateArns, [
      "arn:aws:acm:ap-northeast-2:123456789012:certificate/3dcb0a41-bd72-4774-9ad9-756919c40557",
    ]);
    assert.deepEqual(https.defaultActions, [
      {
        type: "forward",
        order: 1,
        targetGroups: [
          {
            arn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-server/6d0ecf831eec9f09",
            weight: 1,
          },
        ],
        redirect: undefined,
        fixedResponse: undefined,
      },
    ]);
    assert.deepEqual(http.defaultActions[0]?.redirect, {
      protocol: "HTTPS",
      port: "443",
      host: "#{host}",
      path: "/#{path}",
      query: "#{query}",
      statusCode: "HTTP_301",
    });
    assert.deepEqual(counts(draft), { "elbv2:Listener": 2 });
  });

  test("a listener port of 70000 skips the listener", () => {
    const bad = json.replace('"Port": 80,', '"Port": 70000,');
    const d = only(load(bad).diagnostics);
    assert.equal(
      d.message,
      "listener arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/k8s-ingress/50dc6c495c0c9188/0467ef3c8400ae65 skipped: Port must be between 1 and 65535, not 70000",
    );
    assert.equal(d.source?.line, lineOf(bad, '"Port": 70000'));
  });

  test("a redirect status code other than HTTP_301 or HTTP_302 is malformed", () => {
    const d = only(load(json.replace('"StatusCode": "HTTP_301"', '"StatusCode": "HTTP_307"')).diagnostics);
    assert.match(
      d.message,
      /skipped: DefaultActions\[0\]\.RedirectConfig\.StatusCode must be one of HTTP_301, HTTP_302, not "HTTP_307"$/,
    );
  });

  test("an action type the model does not know (jwt-validation) is left out with a warning, the listener is kept", () => {
    const bad = json.replace('"Type": "redirect"', '"Type": "jwt-validation"');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-field");
    assert.match(
      d.message,
      /^listener arn:.*\/0467ef3c8400ae65: DefaultActions\[0\]\.Type "jwt-validation" is not modelled; the action was left out$/,
    );
    assert.equal(d.source?.line, lineOf(bad, '"jwt-validation"') - 1);
    assert.equal(draft.aws.listeners.length, 2);
    assert.deepEqual(draft.aws.listeners[1]?.defaultActions, []);
  });
});

describe("elbv2 describe-rules", () => {
  const json = `{
    "Rules": [
        {
            "RuleArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener-rule/app/k8s-ingress/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
            "Priority": "1",
            "Conditions": [
                {
                    "Field": "host-header",
                    "Values": [
                        "argocd.example.com"
                    ],
                    "HostHeaderConfig": {
                        "Values": [
                            "argocd.example.com"
                        ]
                    }
                },
                {
                    "Field": "path-pattern",
                    "PathPatternConfig": {
                        "Values": [
                            "/api/*",
                            "/auth/*"
                        ]
                    }
                },
                {
                    "Field": "http-header",
                    "HttpHeaderConfig": {
                        "HttpHeaderName": "X-Canary",
                        "Values": [
                            "on"
                        ]
                    }
                },
                {
                    "Field": "query-string",
                    "QueryStringConfig": {
                        "Values": [
                            {
                                "Key": "version",
                                "Value": "v2"
                            },
                            {
                                "Value": "debug"
                            }
                        ]
                    }
                },
                {
                    "Field": "source-ip",
                    "SourceIpConfig": {
                        "Values": [
                            "10.0.0.0/16"
                        ]
                    }
                },
                {
                    "Field": "http-request-method",
                    "HttpRequestMethodConfig": {
                        "Values": [
                            "GET",
                            "HEAD"
                        ]
                    }
                }
            ],
            "Actions": [
                {
                    "Type": "forward",
                    "Order": 1,
                    "ForwardConfig": {
                        "TargetGroups": [
                            {
                                "TargetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/blue/1111111111111111",
                                "Weight": 90
                            },
                            {
                                "TargetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/green/2222222222222222"
                            }
                        ]
                    }
                }
            ],
            "IsDefault": false
        },
        {
            "RuleArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener-rule/app/k8s-ingress/50dc6c495c0c9188/f2f7dc8efc522ab2/4a5b6c7d8e9f0a1b",
            "Priority": "default",
            "Conditions": [],
            "Actions": [
                {
                    "Type": "fixed-response",
                    "Order": 1,
                    "FixedResponseConfig": {
                        "ContentType": "text/plain",
                        "StatusCode": "404"
                    }
                }
            ],
            "IsDefault": true
        }
    ]
}`;

  test("describe-rules: listener ARN is derived from the rule ARN", () => {
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    assert.deepEqual(
      draft.aws.listenerRules.map((r) => r.listenerArn),
      [
        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/k8s-ingress/50dc6c495c0c9188/f2f7dc8efc522ab2",
        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/k8s-ingress/50dc6c495c0c9188/f2f7dc8efc522ab2",
      ],
    );
    assert.equal(
      listenerArnOfRule(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/net/my-nlb/73e2d6bc24d8a067/9d3e1e6b1f2c4a55/0123456789abcdef",
      ),
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/my-nlb/73e2d6bc24d8a067/9d3e1e6b1f2c4a55",
    );
    assert.equal(
      listenerArnOfRule("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"),
      undefined,
    );
    assert.deepEqual(counts(draft), { "elbv2:Rule": 2 });
  });

  test('describe-rules: priority is a number printed as a string, and "default" marks the default rule', () => {
    const [first, last] = load(json).aws.listenerRules;
    assert.ok(first && last);
    assert.equal(first.priority, 1);
    assert.equal(first.isDefault, false);
    assert.equal(last.priority, undefined);
    assert.equal(last.isDefault, true);
    assert.deepEqual(last.actions, [
      {
        type: "fixed-response",
        order: 1,
        targetGroups: [],
        redirect: undefined,
        fixedResponse: { statusCode: "404", contentType: "text/plain" },
      },
    ]);
  });

  test("describe-rules: conditions in their *Config forms are flattened into field and values", () => {
    const rule = load(json).aws.listenerRules[0];
    assert.deepEqual(rule?.conditions, [
      { field: "host-header", values: ["argocd.example.com"] },
      { field: "path-pattern", values: ["/api/*", "/auth/*"] },
      { field: "http-header", values: ["X-Canary: on"] },
      { field: "query-string", values: ["version=v2", "debug"] },
      { field: "source-ip", values: ["10.0.0.0/16"] },
      { field: "http-request-method", values: ["GET", "HEAD"] },
    ]);
  });

  test("describe-rules: weighted forward keeps each target group's weight, 1 when unprinted", () => {
    const rule = load(json).aws.listenerRules[0];
    assert.deepEqual(rule?.actions[0]?.targetGroups, [
      { arn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/blue/1111111111111111", weight: 90 },
      { arn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/green/2222222222222222", weight: 1 },
    ]);
  });

  test("describe-rules: a priority outside 1..50000 skips the rule", () => {
    const bad = json.replace('"Priority": "1"', '"Priority": "50001"');
    const draft = load(bad);
    const d = only(draft.diagnostics);
    assert.equal(
      d.message,
      'listener rule arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener-rule/app/k8s-ingress/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee skipped: Priority must be "default" or a number between 1 and 50000, not "50001"',
    );
    assert.equal(d.source?.line, lineOf(bad, '"Priority": "50001"'), "at the bad field");
    assert.equal(draft.aws.listenerRules.length, 1);
  });

  test("describe-rules: a source-ip condition with an invalid CIDR skips the rule", () => {
    const bad = json.replace('"10.0.0.0/16"', '"10.0.0.0/33"');
    const d = only(load(bad).diagnostics);
    assert.match(
      d.message,
      /skipped: Conditions\[4\]\.SourceIpConfig\.Values\[0\] "10\.0\.0\.0\/33" is not a valid CIDR block$/,
    );
    assert.equal(d.source?.line, lineOf(bad, '"10.0.0.0/33"'), "at the bad field");
  });

  test("describe-rules: a rule ARN that names no listener skips the rule", () => {
    const bad = json.replace(
      "listener-rule/app/k8s-ingress/50dc6c495c0c9188/f2f7dc8efc522ab2/4a5b6c7d8e9f0a1b",
      "listener-rule/app/k8s-ingress/4a5b6c7d8e9f0a1b",
    );
    const d = only(load(bad).diagnostics);
    assert.match(
      d.message,
      /^listener rule arn:.*\/k8s-ingress\/4a5b6c7d8e9f0a1b skipped: RuleArn ".*" is not a listener rule ARN$/,
    );
  });
});

describe("elbv2 describe-target-groups", () => {
  test("target type, protocol, port, load balancers and the health check are read", () => {
    const json = `{
    "TargetGroups": [
        {
            "TargetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-server/6d0ecf831eec9f09",
            "TargetGroupName": "k8s-argocd-server",
            "Protocol": "HTTP",
            "Port": 8080,
            "VpcId": "vpc-0a1b2c3d",
            "HealthCheckProtocol": "HTTP",
            "HealthCheckPort": "traffic-port",
            "HealthCheckEnabled": true,
            "HealthCheckIntervalSeconds": 15,
            "HealthCheckTimeoutSeconds": 5,
            "HealthyThresholdCount": 2,
            "UnhealthyThresholdCount": 2,
            "HealthCheckPath": "/healthz",
            "Matcher": {
                "HttpCode": "200"
            },
            "LoadBalancerArns": [
                "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-ingress/50dc6c495c0c9188"
            ],
            "TargetType": "ip",
            "ProtocolVersion": "HTTP1",
            "IpAddressType": "ipv4"
        },
        {
            "TargetGroupArn": "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/fn/0000000000000001",
            "TargetGroupName": "fn",
            "HealthCheckEnabled": false,
            "LoadBalancerArns": [],
            "TargetType": "lambda"
        }
    ]
}`;
    const draft = load(json);
    assert.deepEqual(draft.diagnostics, []);
    const [tg, fn] = draft.aws.targetGroups;
    assert.ok(tg && fn);
    assert.deepEqual(tg, {
      arn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-server/6d0ecf831eec9f09",
      name: "k8s-argocd-server",
      protocol: "HTTP",
      port: 8080,
      targetType: "ip",
      vpcId: "vpc-0a1b2c3d",
      loadBalancerArns: [
        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-ingress/50dc6c495c0c9188",
      ],
      healthCheck: { protocol: "HTTP", port: "traffic-port", path: "/healthz" },
      source: { file: "aws/out.json", line: 3, col: 9, doc: 0 },
    });
    assert.equal(fn.targetType, "lambda");
    assert.equal(fn.port, undefined);
    assert.deepEqual(counts(draft), { "elbv2:TargetGroup": 2 });

    const bad = json.replace('"Port": 8080', '"Port": "8080"');
    const d = only(load(bad).diagnostics);
    assert.equal(
      d.message,
      'target group arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-server/6d0ecf831eec9f09 skipped: Port must be an integer, not a string ("8080")',
    );
    assert.equal(d.source?.line, lineOf(bad, '"Port": "8080"'), "the offending field's line");
  });
});

describe("elbv2 describe-target-health", () => {
  const json = `{
    "TargetHealthDescriptions": [
        {
            "Target": {
                "Id": "10.0.1.23",
                "Port": 8080,
                "AvailabilityZone": "ap-northeast-2a"
            },
            "HealthCheckPort": "8080",
            "TargetHealth": {
                "State": "healthy"
            }
        },
        {
            "Target": {
                "Id": "10.0.2.41",
                "Port": 8080,
                "AvailabilityZone": "ap-northeast-2c"
            },
            "HealthCheckPort": "8080",
            "TargetHealth": {
                "State": "unhealthy",
                "Reason": "Target.ResponseCodeMismatch",
                "Description": "Health checks failed with these codes: [404]"
            }
        }
    ]
}`;
  const tgArn =
    "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-server/6d0ecf831eec9f09";

  test("the CLI does not print the target group: it comes from hints.targetGroupArn", () => {
    const draft = load(json, { targetGroupArn: tgArn });
    assert.deepEqual(draft.diagnostics, []);
    assert.deepEqual(draft.aws.targetHealth, [
      {
        targetGroupArn: tgArn,
        targetId: "10.0.1.23",
        port: 8080,
        availabilityZone: "ap-northeast-2a",
        state: "healthy",
        reason: undefined,
        source: { file: "aws/out.json", line: 3, col: 9, doc: 0 },
      },
      {
        targetGroupArn: tgArn,
        targetId: "10.0.2.41",
        port: 8080,
        availabilityZone: "ap-northeast-2c",
        state: "unhealthy",
        reason: "Target.ResponseCodeMismatch",
        source: { file: "aws/out.json", line: 14, col: 9, doc: 0 },
      },
    ]);
    assert.deepEqual(counts(draft), { "elbv2:TargetHealth": 2 });
  });

  test("a top-level TargetGroupArn key in the document names the target group too", () => {
    const withKey = json.replace("{\n", `{\n    "TargetGroupArn": "${tgArn}",\n`);
    const draft = load(withKey);
    assert.deepEqual(draft.diagnostics, []);
    assert.deepEqual(
      draft.aws.targetHealth.map((t) => t.targetGroupArn),
      [tgArn, tgArn],
    );
  });

  test("target health without its target group is one missing-target-group warning and nothing is converted", () => {
    const draft = load(json, {}, "aws/health.json");
    const d = only(draft.diagnostics);
    assert.equal(d.code, "missing-target-group");
    assert.equal(
      d.message,
      'aws/health.json: target health without its target group: name it with targetGroupArn in podpath.yaml or a top-level "TargetGroupArn" key',
    );
    assert.deepEqual(d.source, { file: "aws/health.json", line: 1, col: 1, doc: 0 });
    assert.equal(draft.aws.targetHealth.length, 0);
    assert.equal(counts(draft, "aws/health.json"), undefined);
  });

  test("a target without Id is skipped, the others are kept", () => {
    const bad = json.replace('"Id": "10.0.2.41",', "");
    const draft = load(bad, { targetGroupArn: tgArn });
    const d = only(draft.diagnostics);
    assert.equal(d.message, "target health #1 skipped: Target.Id is required");
    assert.equal(d.source?.line, 15);
    assert.equal(draft.aws.targetHealth.length, 1);
  });
});

describe("aws elbv2 describe-target-group-attributes", () => {
  const tgArn =
    "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/k8s-web-webnlb-8f41d2c9aa/7b2e4c9d1a3f5e60";
  const json = `{
    "Attributes": [
        {
            "Key": "deregistration_delay.timeout_seconds",
            "Value": "300"
        },
        {
            "Key": "preserve_client_ip.enabled",
            "Value": "false"
        }
    ]
}
`;
  test("the CLI does not print the target group: it comes from hints.targetGroupArn, each Key/Value located", () => {
    const draft = load(json, { targetGroupArn: tgArn });
    assert.deepEqual(draft.diagnostics, []);
    assert.deepEqual(
      draft.aws.targetGroupAttributes.map((a) => [a.targetGroupArn, a.key, a.value, a.source.line]),
      [
        [tgArn, "deregistration_delay.timeout_seconds", "300", 3],
        [tgArn, "preserve_client_ip.enabled", "false", 7],
      ],
    );
  });
  test("attributes without their target group are one missing-target-group warning and nothing is converted", () => {
    const draft = load(json, {}, "aws/attrs.json");
    const d = only(draft.diagnostics);
    assert.equal(d.code, "missing-target-group");
    assert.match(d.message, /^aws\/attrs\.json: target group attributes without its target group/);
    assert.equal(draft.aws.targetGroupAttributes.length, 0);
  });
});
