import type { SourceRef } from "./source.js";

/**
 * The vendor-independent view of the AWS network around the cluster, converted from the JSON
 * that `aws ec2 describe-*` and `aws elbv2 describe-*` print (src/load/aws). Identifiers are
 * AWS's own (vpc-…, subnet-…, ARNs) so reports can be matched against the console.
 */

export type Tags = Readonly<Record<string, string>>;

export interface Vpc {
  readonly id: string;
  readonly cidrBlocks: readonly string[];
  readonly ipv6CidrBlocks: readonly string[];
  readonly isDefault: boolean;
  readonly tags: Tags;
  readonly source: SourceRef;
}

export interface Subnet {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZone: string | undefined;
  readonly mapPublicIpOnLaunch: boolean;
  readonly tags: Tags;
  readonly source: SourceRef;
}

/** What a route sends traffic to. `kind` is derived from the target's id prefix or field. */
export type RouteTargetKind =
  | "local"
  | "internet-gateway"
  | "egress-only-internet-gateway"
  | "nat-gateway"
  | "instance"
  | "network-interface"
  | "vpc-peering"
  | "transit-gateway"
  | "virtual-private-gateway"
  | "vpc-endpoint"
  | "carrier-gateway"
  | "local-gateway"
  | "core-network"
  | "unknown";

export interface Route {
  /** IPv4 or IPv6 CIDR, or a prefix list id (pl-…) */
  readonly destination: string;
  readonly targetKind: RouteTargetKind;
  readonly targetId: string;
  readonly state: "active" | "blackhole";
  readonly origin: string | undefined;
}

export interface RouteTable {
  readonly id: string;
  readonly vpcId: string;
  /** the VPC's main table: used by subnets without an explicit association */
  readonly main: boolean;
  /** explicitly associated subnets */
  readonly subnetIds: readonly string[];
  readonly gatewayIds: readonly string[];
  readonly routes: readonly Route[];
  readonly tags: Tags;
  readonly source: SourceRef;
}

export interface InternetGateway {
  readonly id: string;
  readonly vpcIds: readonly string[];
  readonly tags: Tags;
  readonly source: SourceRef;
}

export interface NatGatewayAddress {
  readonly privateIp: string | undefined;
  readonly publicIp: string | undefined;
  readonly allocationId: string | undefined;
  readonly networkInterfaceId: string | undefined;
  readonly primary: boolean;
}

export interface NatGateway {
  readonly id: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly state: string;
  readonly connectivityType: "public" | "private";
  readonly addresses: readonly NatGatewayAddress[];
  readonly tags: Tags;
  readonly source: SourceRef;
}

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** IANA protocol number as a string, or "-1" for all */
  readonly protocol: string;
  readonly action: "allow" | "deny";
  readonly cidr: string;
  readonly portRange: PortRange | undefined;
  readonly icmp: { readonly type: number; readonly code: number } | undefined;
}

export interface NetworkAcl {
  readonly id: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  /** sorted by rule number; the implicit `*` deny is not listed here */
  readonly entries: readonly NetworkAclEntry[];
  readonly tags: Tags;
  readonly source: SourceRef;
}

export type SecurityGroupPeer =
  | { readonly kind: "cidr"; readonly cidr: string; readonly description: string | undefined }
  | { readonly kind: "security-group"; readonly groupId: string; readonly description: string | undefined }
  | { readonly kind: "prefix-list"; readonly prefixListId: string; readonly description: string | undefined };

/**
 * A managed prefix list (`aws ec2 describe-managed-prefix-lists`), with its entries when the
 * snapshot has them (`aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-…`, which does
 * not print the id: the index file or the file name gives it). `entries` undefined: not captured.
 */
export interface ManagedPrefixList {
  readonly id: string;
  readonly name: string | undefined;
  readonly addressFamily: string | undefined;
  readonly entries: readonly { readonly cidr: string; readonly description: string | undefined }[] | undefined;
  /** where the entries were read (a get-managed-prefix-list-entries file), when not from `source` */
  readonly entriesSource?: SourceRef | undefined;
  readonly source: SourceRef;
}

export interface SecurityGroupRule {
  /** "-1" for all, else tcp / udp / icmp / icmpv6 / a protocol number */
  readonly protocol: string;
  /** undefined when the protocol has no ports (all traffic) */
  readonly ports: PortRange | undefined;
  readonly peers: readonly SecurityGroupPeer[];
}

export interface SecurityGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  readonly ingress: readonly SecurityGroupRule[];
  readonly egress: readonly SecurityGroupRule[];
  readonly tags: Tags;
  readonly source: SourceRef;
  /**
   * Terraform state only: where the group's rules are written — its own `ingress`/`egress` blocks
   * (`inlineRules`: those no rule resource also writes) and separate rule resources
   * (aws_security_group_rule, aws_vpc_security_group_ingress_rule / _egress_rule)
   */
  readonly terraformRules?: {
    readonly inlineRules: number;
    readonly inlineSource: SourceRef;
    readonly ruleResources: readonly SourceRef[];
  };
}

export interface PrivateIp {
  readonly address: string;
  readonly primary: boolean;
  readonly publicIp: string | undefined;
}

export interface NetworkInterface {
  readonly id: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string | undefined;
  readonly privateIps: readonly PrivateIp[];
  /** IPv4 prefixes delegated to the interface (VPC CNI prefix mode) */
  readonly ipv4Prefixes: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly attachment:
    { readonly instanceId: string | undefined; readonly deviceIndex: number | undefined } | undefined;
  readonly sourceDestCheck: boolean;
  readonly interfaceType: string | undefined;
  readonly description: string | undefined;
  readonly requesterId: string | undefined;
  readonly tags: Tags;
  /**
   * where podpath read the interface: `describe-network-interfaces` (complete), or an instance's
   * `NetworkInterfaces[]` in `describe-instances` (no load balancer, NAT gateway or endpoint ENIs)
   */
  readonly origin: "describe-network-interfaces" | "describe-instances";
  readonly source: SourceRef;
}

export interface Instance {
  readonly id: string;
  readonly name: string | undefined;
  readonly state: string | undefined;
  readonly privateIp: string | undefined;
  readonly privateDnsName: string | undefined;
  readonly publicIp: string | undefined;
  readonly subnetId: string | undefined;
  readonly vpcId: string | undefined;
  readonly availabilityZone: string | undefined;
  readonly securityGroupIds: readonly string[];
  readonly networkInterfaceIds: readonly string[];
  readonly sourceDestCheck: boolean;
  readonly tags: Tags;
  readonly source: SourceRef;
}

export interface LoadBalancer {
  readonly arn: string;
  readonly name: string;
  readonly dnsName: string | undefined;
  readonly scheme: "internet-facing" | "internal";
  readonly type: "application" | "network" | "gateway";
  readonly vpcId: string | undefined;
  readonly subnetIds: readonly string[];
  /** addresses per zone (NLBs list them; ALBs do not) */
  readonly addresses: readonly {
    readonly subnetId: string;
    readonly privateIp: string | undefined;
    readonly publicIp: string | undefined;
  }[];
  readonly securityGroupIds: readonly string[];
  readonly state: string | undefined;
  readonly ipAddressType: string | undefined;
  readonly source: SourceRef;
}

/** An ELBv2 action, as describe-listeners / describe-rules print it, with the fields analyses use. */
export interface LoadBalancerAction {
  readonly type: "forward" | "redirect" | "fixed-response" | "authenticate-oidc" | "authenticate-cognito";
  readonly order: number | undefined;
  /** forward: target groups with weights */
  readonly targetGroups: readonly { readonly arn: string; readonly weight: number }[];
  readonly redirect:
    | {
        readonly protocol: string | undefined;
        readonly port: string | undefined;
        readonly host: string | undefined;
        readonly path: string | undefined;
        readonly query: string | undefined;
        readonly statusCode: string;
      }
    | undefined;
  readonly fixedResponse: { readonly statusCode: string; readonly contentType: string | undefined } | undefined;
}

export interface Listener {
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly port: number;
  readonly protocol: string;
  readonly defaultActions: readonly LoadBalancerAction[];
  readonly certificateArns: readonly string[];
  readonly source: SourceRef;
}

/** One condition of a listener rule: field and values (path-pattern, host-header, …). */
export interface RuleCondition {
  readonly field: string;
  readonly values: readonly string[];
}

export interface ListenerRule {
  readonly arn: string;
  /** from the rule ARN: describe-rules does not print it */
  readonly listenerArn: string;
  /** undefined for the default rule */
  readonly priority: number | undefined;
  readonly isDefault: boolean;
  readonly conditions: readonly RuleCondition[];
  readonly actions: readonly LoadBalancerAction[];
  readonly source: SourceRef;
}

export interface TargetGroup {
  readonly arn: string;
  readonly name: string;
  readonly protocol: string | undefined;
  readonly port: number | undefined;
  readonly targetType: "instance" | "ip" | "lambda" | "alb";
  readonly vpcId: string | undefined;
  readonly loadBalancerArns: readonly string[];
  readonly healthCheck: {
    readonly protocol: string | undefined;
    readonly port: string | undefined;
    readonly path: string | undefined;
  };
  readonly source: SourceRef;
}

/**
 * One attribute of a target group, as `aws elbv2 describe-target-group-attributes` prints it
 * (`Attributes[].Key/Value`); the CLI does not print the target group, the index names it.
 */
export interface TargetGroupAttribute {
  readonly targetGroupArn: string;
  readonly key: string;
  readonly value: string;
  readonly source: SourceRef;
}

export interface TargetHealth {
  readonly targetGroupArn: string;
  readonly targetId: string;
  readonly port: number | undefined;
  readonly availabilityZone: string | undefined;
  readonly state: string;
  readonly reason: string | undefined;
  readonly source: SourceRef;
}
