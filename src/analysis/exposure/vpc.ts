/**
 * The VPC as a source for `podpath exposure`: a host inside the cluster's VPC but outside the
 * cluster (another instance, or — through a peering or transit attachment — a peered network),
 * standing at an address of the VPC CIDR that no node, pod, network interface or load balancer
 * of the snapshot holds. `trace` cannot start there (its sources own an address), so the first
 * device is built here: the host sends into its subnet's route table (AWS VPC User Guide, "Route
 * tables": every subnet's table has the local route for the VPC CIDR), and from there the path
 * engine's own devices decide — network ACLs at subnet boundaries, the destination's security
 * groups (a rule naming a security group admits only its members: AWS VPC User Guide, "Security
 * group rules", source = a security group), kube-proxy, NetworkPolicy, and whether the pod
 * address is a VPC address at all (VPC CNI: yes; a Calico pool: only where a route says so).
 *
 * The host's own security groups and network interface are not in the snapshot: its outbound
 * rules are assumed to allow the packet, said as an assumption of every VPC trace.
 */
import type { Subnet } from "../../model/aws.js";
import { formatIPv4, parseCidr4 } from "../../model/net.js";
import type { SourceRef } from "../../model/source.js";
import { EndpointError, type EndpointSpec } from "../paths/endpoints.js";
import type { Network } from "../paths/hops/network.js";
import { loadBalancerForHost, type LoadBalancerView } from "../paths/load-balancers/index.js";
import type { PathContext } from "../paths/path-context.js";
import {
  reachLoadBalancer,
  resolveTraceEndpoint,
  traceResolved,
  type Resolved,
  type TraceResult,
} from "../paths/trace.js";
import { step, type Device } from "../paths/trace-engine.js";
import type { Packet, Protocol } from "../paths/trace-model.js";

/** The assumed VPC host every VPC-side exposure is traced from. */
export interface VpcHost {
  readonly ip: string;
  readonly vpcId: string;
  readonly vpcCidrs: readonly string[];
  readonly subnet: Subnet;
  /** how the address was chosen */
  readonly how: string;
  readonly source: SourceRef | undefined;
}

/** Why the VPC is not traced (no VPC, no free address): a note. */
export type NoVpcHost = { readonly reason: string };

/**
 * The VPC of the cluster: the one the nodes' subnets belong to (the first node by name that has
 * one), else the snapshot's only VPC. The host's subnet: the first (by CIDR) subnet of that VPC
 * that holds no node — another instance elsewhere in the VPC, whose packets cross a subnet
 * boundary and its network ACLs — else the first subnet. Its address: the highest one AWS does
 * not reserve (AWS VPC User Guide, "Subnet CIDR blocks": the first four and the last address are
 * reserved), going down past any address the snapshot shows held.
 */
export function chooseVpcHost(ctx: PathContext): VpcHost | NoVpcHost {
  const aws = ctx.snapshot.aws;
  if (!ctx.hasVpc) return { reason: "the snapshot has no VPC (subnets and route tables)" };
  const nodes = [...ctx.snapshot.kubernetes.nodes].sort((a, b) => a.name.localeCompare(b.name));
  const nodeSubnets = new Set<string>();
  let vpcId: string | undefined;
  for (const n of nodes) {
    const net = ctx.network(n);
    if (net.subnetId) nodeSubnets.add(net.subnetId);
    vpcId ??= net.vpcId;
  }
  if (!vpcId) {
    const vpcs = new Set(aws.subnets.map((s) => s.vpcId));
    if (vpcs.size !== 1)
      return {
        reason: `no node of the snapshot is matched to a subnet, and the snapshot has ${vpcs.size} VPCs: which one is the cluster's is unknown`,
      };
    vpcId = [...vpcs][0]!;
  }
  const vpc = aws.vpcs.find((v) => v.id === vpcId);
  const bySize = (s: Subnet): number => parseCidr4(s.cidr)?.base ?? 0;
  const subnets = aws.subnets
    .filter((s) => s.vpcId === vpcId && parseCidr4(s.cidr) !== undefined)
    .sort((a, b) => bySize(a) - bySize(b) || a.id.localeCompare(b.id));
  const ordered = [...subnets.filter((s) => !nodeSubnets.has(s.id)), ...subnets.filter((s) => nodeSubnets.has(s.id))];
  const held = (ip: string): boolean =>
    ctx.eniForIp(ip) !== undefined ||
    ctx.podByIp(ip) !== undefined ||
    ctx.nodeWithAddress(ip) !== undefined ||
    ctx.loadBalancerAt(ip) !== undefined;
  for (const subnet of ordered) {
    const block = parseCidr4(subnet.cidr)!;
    const size = 2 ** (32 - block.prefix);
    // the last address and the first four are AWS's
    for (let i = size - 2; i >= 4 && i >= size - 258; i--) {
      const ip = formatIPv4(block.base + i);
      if (held(ip)) continue;
      const otherNodes = !nodeSubnets.has(subnet.id);
      return {
        ip,
        vpcId,
        vpcCidrs: vpc?.cidrBlocks ?? [],
        subnet,
        how: `an address of ${vpcId}${vpc ? ` (${vpc.cidrBlocks.join(", ")})` : ""} that no node, pod, network interface or load balancer of the snapshot holds: the highest unreserved address of ${subnet.id} (${subnet.cidr}), ${otherNodes ? "a subnet without nodes" : "a subnet of the nodes (every subnet of the VPC holds nodes)"}`,
        source: subnet.source,
      };
    }
  }
  return { reason: `every subnet of ${vpcId} in the snapshot is full or unreadable: no free address to send from` };
}

export function isVpcHost(h: VpcHost | NoVpcHost): h is VpcHost {
  return "ip" in h;
}

/** The VPC host's first device: it sends into its subnet's route table; the reply comes back to it. */
function vpcHostDevice(net: Network, host: VpcHost): Device {
  const hop = `vpc host ${host.ip}`;
  return {
    name: hop,
    forward(packet: Packet) {
      net.assume(
        `the VPC host ${host.ip} (${host.subnet.id}) stands for any host of ${host.vpcId} outside the cluster: its own security groups and network ACL are not in the snapshot, its outbound rules are assumed to allow the packet, and it is a member of no security group of the snapshot (a rule naming a security group admits only that group's members)`,
      );
      return {
        steps: [
          step(
            hop,
            "eni",
            "vpc-host",
            "forward",
            packet,
            `a host of ${host.vpcId} outside the cluster (${host.ip} in ${host.subnet.id} ${host.subnet.cidr}) sends to ${packet.dst}:${packet.dstPort}/${packet.protocol}`,
            host.source,
          ),
        ],
        packet,
        next: net.subnetRouter(host.subnet.id),
        reply: (back: Packet) => ({
          steps: [
            step(
              hop,
              "eni",
              "vpc-host",
              "deliver",
              back,
              `the reply reaches the VPC host ${back.dst} from ${back.src}:${back.srcPort}`,
              host.source,
            ),
          ],
          packet: back,
        }),
      };
    },
  };
}

/** The load balancer of a Service of type LoadBalancer (observed or derived), as trace finds it. */
function serviceLoadBalancer(ctx: PathContext, namespace: string, name: string): LoadBalancerView | undefined {
  return ctx.loadBalancers.loadBalancers.find((lb) => lb.service?.namespace === namespace && lb.service.name === name);
}

/**
 * One packet from the VPC host to `to` (a node, a workload or pod, a LoadBalancer Service's load
 * balancer, or a URL its ALB serves) and its reply, on the path engine's devices.
 */
export function traceFromVpc(
  ctx: PathContext,
  host: VpcHost,
  to: EndpointSpec,
  port: number | undefined,
  protocol: Protocol,
): TraceResult {
  const assumptions: string[] = [];
  const from: Resolved = {
    info: {
      endpoint: `vpc:${host.ip}`,
      label: `VPC host ${host.ip}`,
      ip: host.ip,
      how: host.how,
      source: host.source,
    },
    ip: host.ip,
    pod: undefined,
    node: undefined,
    eni: undefined,
    port: undefined,
  };
  let target: Resolved;
  let start: ((net: Network, packet: Packet) => Device) | undefined;
  let http;
  if (to.kind === "service") {
    const lb = serviceLoadBalancer(ctx, to.namespace, to.name);
    if (!lb) throw new EndpointError(`no load balancer serves service ${to.namespace}/${to.name}`);
    const reached = reachLoadBalancer(
      ctx,
      lb,
      `service:${to.namespace}/${to.name}`,
      `service ${to.namespace}/${to.name} of type LoadBalancer, traced from the VPC, is reached through`,
      undefined,
      assumptions,
    );
    target = reached.to;
    start = reached.start;
  } else if (to.kind === "url") {
    http = { scheme: to.scheme, host: to.host, port: to.port, path: to.path };
    const lb = loadBalancerForHost(ctx.loadBalancers, to.host);
    if (!lb) throw new EndpointError(`no load balancer serves ${to.host}`);
    const reached = reachLoadBalancer(
      ctx,
      lb,
      `url:${to.scheme}://${to.host}${to.path}`,
      `${to.host} is served by`,
      { port: to.port, why: "the URL's port" },
      assumptions,
    );
    target = reached.to;
    start = reached.start;
  } else target = resolveTraceEndpoint(ctx, to, protocol, assumptions);
  const p = port ?? target.port?.port;
  if (p === undefined) throw new EndpointError(`${target.info.label} has no port to trace`);
  return traceResolved(ctx, {
    from,
    fromSpec: { kind: "ip", ip: host.ip },
    to: target,
    port: p,
    protocol,
    http,
    start: start ?? ((net) => vpcHostDevice(net, host)),
    assumptions,
  });
}

/**
 * Security groups for pods (aws-node `ENABLE_POD_ENI=true`): a pod a SecurityGroupPolicy selects
 * gets its own branch network interface on the node's trunk interface, and that interface's
 * security groups filter its traffic instead of the node's (Amazon EKS User Guide, "Assign
 * security groups to individual Pods"). The paths to pod addresses follow whatever interface of
 * the snapshot holds the address; a note says so, and what to capture.
 */
export function podSecurityGroupsNote(
  ctx: PathContext,
): { message: string; source: SourceRef | undefined } | undefined {
  const ds = ctx.snapshot.kubernetes.workloads.find(
    (w) => w.kind === "DaemonSet" && w.namespace === "kube-system" && w.name === "aws-node",
  );
  const container = ds?.template.spec.containers.find((c) => c.envValues["ENABLE_POD_ENI"] !== undefined);
  if (!container || !/^(true|1|t)$/i.test(container.envValues["ENABLE_POD_ENI"]!)) return undefined;
  return {
    message:
      "security groups for pods is on (aws-node ENABLE_POD_ENI=true): a pod a SecurityGroupPolicy selects has its own branch network interface, whose security groups filter its traffic instead of the node's; the paths from the VPC to pod addresses use the interface of the snapshot that holds each address (capture aws ec2 describe-network-interfaces --filters Name=interface-type,Values=branch and kubectl get securitygrouppolicies -A to see which pods have one)",
    source: container.envSources?.["ENABLE_POD_ENI"] ?? ds?.meta.source,
  };
}
