import type { AwsModel } from "./snapshot.js";

/**
 * The AWS layers podpath reads, the AWS CLI command that gives each, and what an answer loses
 * without it. `snapshot show` prints this per snapshot; the loader's `missing-layer` warnings and
 * README's "Snapshots" table say the same.
 */
export type AwsLayerKey = keyof AwsModel;

export interface AwsLayer {
  readonly key: AwsLayerKey;
  /** "route tables" */
  readonly label: string;
  /** the command whose output gives the layer */
  readonly command: string;
  /** what traces and other answers lose when the snapshot lacks the layer */
  readonly lostWithout: string;
}

export const AWS_LAYERS: readonly AwsLayer[] = Object.freeze([
  {
    key: "vpcs",
    label: "VPCs",
    command: "aws ec2 describe-vpcs",
    lostWithout: "the VPC CIDR blocks: which addresses are inside the VPC (the local route) and which are outside it",
  },
  {
    key: "subnets",
    label: "subnets",
    command: "aws ec2 describe-subnets",
    lostWithout: "which subnet an address is in, so which route table and network ACL apply to it",
  },
  {
    key: "routeTables",
    label: "route tables",
    command: "aws ec2 describe-route-tables",
    lostWithout:
      "routing out of a subnet (local, internet gateway, NAT gateway, peering routes): a trace cannot leave the subnet",
  },
  {
    key: "internetGateways",
    label: "internet gateways",
    command: "aws ec2 describe-internet-gateways",
    lostWithout: "the internet gateway's 1:1 NAT of public IPs: paths to and from the internet",
  },
  {
    key: "natGateways",
    label: "NAT gateways",
    command: "aws ec2 describe-nat-gateways",
    lostWithout: "NAT gateway SNAT: the address the internet sees from private subnets",
  },
  {
    key: "networkAcls",
    label: "network ACLs",
    command: "aws ec2 describe-network-acls",
    lostWithout: "the stateless subnet-boundary checks (both directions): paths are shown without them",
  },
  {
    key: "securityGroups",
    label: "security groups",
    command: "aws ec2 describe-security-groups",
    lostWithout: "the security group checks on every ENI, load balancer and node",
  },
  {
    key: "prefixLists",
    label: "managed prefix lists",
    command:
      "aws ec2 describe-managed-prefix-lists + aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-… (per list)",
    lostWithout:
      "the addresses of security group rules and routes that name a prefix list: decisions that depend on them are unknown",
  },
  {
    key: "instances",
    label: "instances",
    command: "aws ec2 describe-instances",
    lostWithout:
      "the node ↔ EC2 instance joins: a node's subnet, public IP, security groups and source/destination check; paths cannot leave a node into the VPC",
  },
  {
    key: "networkInterfaces",
    label: "network interfaces",
    command: "aws ec2 describe-network-interfaces",
    lostWithout:
      "the ENIs describe-instances does not embed: load balancer, NAT gateway and VPC endpoint ENIs, and those of instances not captured (the others come from describe-instances)",
  },
  {
    key: "loadBalancers",
    label: "elbv2 load balancers",
    command: "aws elbv2 describe-load-balancers",
    lostWithout:
      "the real ALBs/NLBs (scheme, subnets, security groups, DNS name): load balancers are derived from Ingresses and Services as the AWS Load Balancer Controller would build them",
  },
  {
    key: "listeners",
    label: "elbv2 listeners",
    command: "aws elbv2 describe-listeners --load-balancer-arn ARN",
    lostWithout: "each load balancer's ports, protocols and default actions",
  },
  {
    key: "listenerRules",
    label: "elbv2 listener rules",
    command: "aws elbv2 describe-rules --listener-arn ARN",
    lostWithout: "ALB host/path rules: only each listener's default action is known",
  },
  {
    key: "targetGroups",
    label: "elbv2 target groups",
    command: "aws elbv2 describe-target-groups",
    lostWithout: "the target type (instance/ip), port and health check of each forward action",
  },
  {
    key: "targetHealth",
    label: "elbv2 target health",
    command:
      "aws elbv2 describe-target-health --target-group-arn ARN (podpath.yaml names the target group: targetGroupArn)",
    lostWithout: "the registered targets of each target group and their health",
  },
  {
    key: "targetGroupAttributes",
    label: "elbv2 target group attributes",
    command:
      "aws elbv2 describe-target-group-attributes --target-group-arn ARN (podpath.yaml names the target group: targetGroupArn)",
    lostWithout:
      "an NLB target group's preserve_client_ip.enabled and cross-zone setting: AWS's defaults are assumed (client IP kept for instance targets and UDP, not for ip targets over TCP; cross-zone off)",
  },
] satisfies readonly AwsLayer[]);

export function awsLayer(key: AwsLayerKey): AwsLayer {
  const layer = AWS_LAYERS.find((l) => l.key === key);
  if (!layer) throw new Error(`no AWS layer ${key}`);
  return layer;
}

/** What `snapshot show` says of a snapshot without any AWS data (an info line, not a warning). */
export const ABSENT_AWS =
  "the snapshot has no AWS data: traces stop at the node (no VPC, subnets, route tables, security groups, network ACLs or load balancers) and say so; " +
  "add the `aws ec2 describe-*` / `aws elbv2 describe-*` output (scripts/capture-snapshot.sh) to follow paths into the VPC";
