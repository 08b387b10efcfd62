import type { NatGateway, NetworkInterface } from "../../../model/aws.js";
import type { Service } from "../../../model/kubernetes.js";
import { isPrivateOrShared, nonPublicKind, parseIPv4 } from "../../../model/net.js";
import type { AwsModel } from "../../../model/snapshot.js";
import { awsIndex } from "../aws/aws-index.js";
import { describeEni, sourceDestCheck } from "../aws/eni.js";
import { internetGatewayInbound, internetGatewayTranslate, natGatewayTranslate } from "../aws/gateways.js";
import { aclForSubnet, evaluateNetworkAcl, statelessReplyNote } from "../aws/network-acls.js";
import { describeRoute, describeRouteTable, routeFromSubnet } from "../aws/route-tables.js";
import type { WireProtocol } from "../aws/protocols.js";
import { allowTrackedReply, describeSecurityGroup, evaluateSecurityGroups } from "../aws/security-groups.js";
import { ipPoolFor, podIpRoutableFromVpc } from "../calico.js";
import {
  dropped,
  filterStep,
  step,
  undecided,
  withDestination,
  withSource,
  type Device,
  type DeviceOutcome,
  type ReplyOutcome,
} from "../trace-engine.js";
import { snapshotIndex } from "../snapshot-index.js";
import type { Packet, Step } from "../trace-model.js";
import { admittedThroughLoadBalancer, flowKey } from "./load-balancer.js";
import type { Network } from "./network.js";

/**
 * The AWS VPC as devices: network interfaces (security groups, source/destination check), subnet
 * routers (route tables, network ACLs at the subnet boundary), NAT gateways and internet
 * gateways. Sources: AWS VPC User Guide — "Route tables" (longest prefix, local route),
 * "Control traffic to subnets using network ACLs" (stateless, both directions, only where a packet
 * crosses a subnet boundary), "Security groups" (stateful), "NAT gateways", "Internet gateways".
 */

/**
 * The header a VPC device sees: the outer one while the packet is encapsulated — VXLAN is UDP to
 * 4789 (its source port is a flow hash, which no rule here looks at), IP-in-IP is IP protocol 4
 * without ports (port 0).
 */
function wireHeader(packet: Packet): { src: string; dst: string; dstPort: number; protocol: WireProtocol } {
  if (packet.outer) {
    const ipip = packet.outer.protocol === "IPIP";
    return {
      src: packet.outer.src,
      dst: packet.outer.dst,
      dstPort: ipip ? 0 : packet.outer.dstPort,
      protocol: ipip ? "IPIP" : "UDP",
    };
  }
  return packet;
}

function eniLabel(eni: NetworkInterface): string {
  const ip = eni.privateIps.find((p) => p.primary)?.address ?? eni.privateIps[0]?.address;
  return `eni ${eni.id}${ip ? ` (${ip})` : ""}`;
}

/**
 * The security groups of `eni` on the reply of an encapsulated (overlay) request, or undefined when
 * connection tracking admits the reply as usual.
 *
 * A VXLAN reply is a datagram of its own from the other node to UDP 4789: its source port is a hash
 * of the inner flow (RFC 7348 §5; Linux `udp_flow_src_port`), so it is not the reverse of the
 * request's outer 5-tuple (sender:hash → peer:4789) and AWS connection tracking ("Security group
 * connection tracking": flows are tracked by protocol, addresses and ports) does not admit it: the
 * groups evaluate it as a new flow, egress at the replying node, ingress at the original sender.
 * That is why Calico's "Network requirements" ask for UDP 4789 between all nodes, bidirectional.
 * IP-in-IP has no ports: "for protocols other than TCP, UDP, or ICMP, only the IP address and
 * protocol number is tracked", so the other node's protocol-4 reply is admitted by tracking.
 */
function overlayReplyGroups(
  net: Network,
  hop: string,
  eni: NetworkInterface,
  direction: "ingress" | "egress",
  back: Packet,
): ReturnType<typeof filterStep> | undefined {
  if (!back.outer || back.outer.protocol !== "UDP") return undefined;
  const aws = net.ctx.snapshot.aws;
  const seen = wireHeader(back);
  const remote = direction === "ingress" ? seen.src : seen.dst;
  const decision = evaluateSecurityGroups(direction, eni.securityGroupIds, remote, seen.dstPort, "UDP", aws);
  const why = `the VXLAN reply ${seen.src} → ${seen.dst}:${seen.dstPort}/UDP is a new flow, not the request's (its source port is a hash of the inner flow, RFC 7348), so connection tracking does not admit it`;
  if (decision.allowed || decision.undecided)
    return filterStep(hop, "security-group", decision, back, `${why}: ${decision.rule}`);
  const word = direction === "ingress" ? "inbound" : "outbound";
  const preposition = direction === "ingress" ? "from" : "to";
  const peerGroups = net.ctx.eniForIp(remote)?.eni.securityGroupIds ?? [];
  const peer = peerGroups.length > 0 ? `${remote} (or its security group ${peerGroups.join(", ")})` : remote;
  const groups = eni.securityGroupIds.map((id) => {
    const g = awsIndex(aws).securityGroupsById.get(id);
    return g ? describeSecurityGroup(g) : id;
  });
  const fix = `missing rule: ${word} UDP ${seen.dstPort} ${preposition} ${peer} on ${groups.join(", ") || "the interface's security groups"} (Calico needs its VXLAN port, UDP ${seen.dstPort}, between all nodes in both directions)`;
  return filterStep(hop, "security-group", decision, back, `${why}; ${decision.rule} — ${fix}`);
}

/** The tracked-reply step of a security group, with the IP-in-IP tracking rule when the reply is encapsulated so. */
function trackedReplyStep(hop: string, eni: NetworkInterface, back: Packet, aws: AwsModel): Step {
  const tracked = allowTrackedReply(eni.securityGroupIds, aws);
  const ipip =
    back.outer?.protocol === "IPIP"
      ? "; IP-in-IP: AWS tracks protocols other than TCP, UDP and ICMP by address and protocol number only, so the other node's protocol-4 packets are this flow's replies (a flow the other node starts needs protocol 4 allowed the other way: Calico requires IP-in-IP between all nodes, bidirectional)"
      : "";
  return step(hop, "security-group", tracked.id, "allow", back, tracked.rule + ipip, tracked.source);
}

/**
 * A requester-managed interface without any security group (a Network Load Balancer created
 * without security groups, a NAT gateway) filters nothing: AWS ELB docs, "Security groups for
 * your Network Load Balancer" — without them, the targets' security groups decide.
 */
function noSecurityGroups(hop: string, eni: NetworkInterface, packet: Packet): Step | undefined {
  if (
    eni.securityGroupIds.length > 0 ||
    eni.origin !== "describe-network-interfaces" ||
    (eni.interfaceType ?? "interface") === "interface"
  )
    return undefined;
  return step(
    hop,
    "security-group",
    "none",
    "allow",
    packet,
    `${describeEni(eni)} (${eni.interfaceType}) has no security group: nothing filters here, its targets' security groups decide`,
    eni.source,
  );
}

/** A network interface sending a packet into the VPC: source/destination check, security groups (egress). */
export function eniEgress(net: Network, eni: NetworkInterface): Device {
  const hop = eniLabel(eni);
  const aws = net.ctx.snapshot.aws;
  return {
    name: hop,
    entry: "egress",
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      const seen = wireHeader(packet);
      const check = filterStep(hop, "eni", sourceDestCheck(eni, packet, "send"), packet, undefined, "egress");
      steps.push(check.step);
      if (check.drop) return { steps, packet, next: undefined, drop: check.drop };
      const sg = filterStep(
        hop,
        "security-group",
        evaluateSecurityGroups("egress", eni.securityGroupIds, seen.dst, seen.dstPort, seen.protocol, aws),
        packet,
        undefined,
        "egress",
      );
      steps.push(sg.step);
      if (sg.drop) return { steps, packet, next: undefined, drop: sg.drop };
      if (sg.unknown) return { steps, packet, next: undefined, unknown: sg.unknown };
      return {
        steps,
        packet,
        next: net.subnetRouter(eni.subnetId),
        reply: (back) => {
          // an overlay reply arrives at the original sender as a new flow (see overlayReplyGroups)
          const overlay = overlayReplyGroups(net, hop, eni, "ingress", back);
          const out: Step[] = [overlay?.step ?? trackedReplyStep(hop, eni, back, aws)];
          if (overlay?.drop) return { steps: out, packet: back, drop: overlay.drop };
          if (overlay?.unknown) return { steps: out, packet: back, unknown: overlay.unknown };
          const recv = filterStep(hop, "eni", sourceDestCheck(eni, back, "receive"), back);
          out.push(recv.step);
          return { steps: out, packet: back, drop: recv.drop };
        },
      };
    },
  };
}

/** A network interface receiving a packet from the VPC: security groups (ingress), source/destination check, then its owner. */
export function eniIngress(net: Network, eni: NetworkInterface): Device {
  const hop = eniLabel(eni);
  const ctx = net.ctx;
  const aws = ctx.snapshot.aws;
  return {
    name: hop,
    entry: "ingress",
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      const seen = wireHeader(packet);
      const ungrouped = noSecurityGroups(hop, eni, packet);
      if (ungrouped) steps.push(ungrouped);
      else {
        const decision = evaluateSecurityGroups(
          "ingress",
          eni.securityGroupIds,
          seen.src,
          seen.dstPort,
          seen.protocol,
          aws,
        );
        const sg = filterStep(
          hop,
          "security-group",
          decision.allowed ? decision : (admittedThroughLoadBalancer(net, eni.securityGroupIds, packet) ?? decision),
          packet,
          undefined,
          "ingress",
        );
        steps.push(sg.step);
        if (sg.drop) return { steps, packet, next: undefined, drop: sg.drop };
        if (sg.unknown) return { steps, packet, next: undefined, unknown: sg.unknown };
      }
      const check = filterStep(hop, "eni", sourceDestCheck(eni, packet, "receive"), packet, undefined, "ingress");
      steps.push(check.step);
      if (check.drop) return { steps, packet, next: undefined, drop: check.drop };
      const reply = (back: Packet): ReplyOutcome => {
        const out: Step[] = [];
        const send = filterStep(hop, "eni", sourceDestCheck(eni, back, "send"), back);
        out.push(send.step);
        if (send.drop) return { steps: out, packet: back, drop: send.drop };
        // an overlay reply leaves the replying node as a new flow (see overlayReplyGroups)
        const overlay = overlayReplyGroups(net, hop, eni, "egress", back);
        out.push(overlay?.step ?? trackedReplyStep(hop, eni, back, aws));
        return { steps: out, packet: back, drop: overlay?.drop, unknown: overlay?.unknown };
      };
      // the interface's owner: a node, a load balancer, or something outside the cluster
      const node = ctx.nodeOfInstance(eni.attachment?.instanceId);
      if (node) return { steps, packet, next: net.node(node, { kind: "wire" }), reply };
      const lb = ctx.loadBalancerAt(seen.dst);
      if (lb) return { steps, packet, next: net.loadBalancer(lb, seen.dst), reply };
      steps.push(
        step(
          hop,
          "eni",
          eni.id,
          "deliver",
          packet,
          `delivered to ${describeEni(eni)}${eni.attachment?.instanceId ? ` of instance ${eni.attachment.instanceId} (not a node of the cluster)` : ""}`,
          eni.source,
        ),
      );
      return { steps, packet, next: undefined, reply };
    },
  };
}

/**
 * The network ACL of a subnet, evaluated on a packet crossing its boundary. The step's hop is
 * that subnet (the one whose ACL decided), whichever device the packet crosses it from.
 */
function aclStep(
  net: Network,
  subnetId: string,
  direction: "ingress" | "egress",
  packet: Packet,
  reply: boolean,
): { step: Step | undefined; drop: ReturnType<typeof filterStep>["drop"] } {
  const selection = aclForSubnet(subnetId, net.ctx.snapshot.aws);
  if (!selection) {
    // every subnet has a network ACL (its VPC's default one at least): this one was not captured
    net.assume(
      `no network ACL of the snapshot covers ${subnetId}: its ACL is assumed to allow the path's packets both ways (capture aws ec2 describe-network-acls)`,
    );
    return { step: undefined, drop: undefined };
  }
  const hop = `subnet ${subnetId}`;
  const seen = wireHeader(packet);
  const remote = direction === "ingress" ? seen.src : seen.dst;
  const decision = evaluateNetworkAcl(selection.acl, direction, remote, seen.dstPort, seen.protocol);
  const where = `${direction === "egress" ? "leaving" : "entering"} ${subnetId}: `;
  // an encapsulated reply is the other node's own datagram (UDP 4789 or protocol 4), not an answer to an ephemeral port
  const replyNote = packet.outer
    ? `${selection.acl.id} is stateless: the encapsulated reply is evaluated as its own ${describeOuter(packet)} datagram from ${seen.src} to ${seen.dst}`
    : statelessReplyNote(selection.acl, seen.dstPort);
  const note = where + (reply ? `${decision.rule}; ${replyNote}` : decision.rule);
  const r = filterStep(hop, "nacl", decision, packet, note, direction);
  return { step: r.step, drop: r.drop };
}

function describeOuter(packet: Packet): string {
  return packet.outer?.protocol === "IPIP" ? "IP-in-IP (protocol 4)" : `VXLAN (UDP ${packet.outer?.dstPort ?? 4789})`;
}

/**
 * Crossing from `fromSubnet` to `toSubnet`: the source subnet's ACL outbound, the destination's
 * inbound (nothing within one subnet). The reply crosses back and is evaluated again: ACLs are
 * stateless.
 */
function crossSubnets(
  net: Network,
  fromSubnet: string | undefined,
  toSubnet: string | undefined,
  packet: Packet,
): { steps: Step[]; drop: ReturnType<typeof filterStep>["drop"]; reply: (p: Packet) => ReplyOutcome } {
  if (fromSubnet === toSubnet) return { steps: [], drop: undefined, reply: (p) => ({ steps: [], packet: p }) };
  const forward = aclCrossing(
    net,
    [
      [fromSubnet, "egress"],
      [toSubnet, "ingress"],
    ],
    packet,
    false,
  );
  const reply = (back: Packet): ReplyOutcome => ({
    ...aclCrossing(
      net,
      [
        [toSubnet, "egress"],
        [fromSubnet, "ingress"],
      ],
      back,
      true,
    ),
    packet: back,
  });
  return { ...forward, reply };
}

/** The ACLs of the subnets a packet leaves and enters, in that order; the first deny drops. */
function aclCrossing(
  net: Network,
  crossings: readonly (readonly [string | undefined, "ingress" | "egress"])[],
  packet: Packet,
  reply: boolean,
): { steps: Step[]; drop: ReturnType<typeof filterStep>["drop"] } {
  const steps: Step[] = [];
  for (const [subnet, direction] of crossings) {
    if (!subnet) continue;
    const r = aclStep(net, subnet, direction, packet, reply);
    if (r.step) steps.push(r.step);
    if (r.drop) return { steps, drop: r.drop };
  }
  return { steps, drop: undefined };
}

/**
 * The reply leaves `subnetId` by that subnet's route table (AWS routes each direction on its own):
 * when it sends the reply's destination elsewhere than the request came from, the reply goes
 * astray and the connection fails — an asymmetric route.
 */
function asymmetricReply(
  net: Network,
  subnetId: string,
  back: Packet,
  expected: "local" | "internet-gateway",
  cameFrom: string,
): ReplyOutcome | undefined {
  const seen = wireHeader(back);
  const lookup = routeFromSubnet(subnetId, seen.dst, net.ctx.snapshot.aws);
  if (lookup.allowed && lookup.targetKind === expected) return undefined;
  const tableId = lookup.table?.id ?? subnetId;
  if (!lookup.allowed && lookup.capture) {
    // the snapshot cannot tell where the reply goes (no route table, an unresolved prefix list, a target podpath does not follow)
    const u = undecided(
      `subnet ${subnetId}`,
      "route-table",
      tableId,
      back,
      `the reply to ${seen.dst} leaves ${subnetId}: ${lookup.rule}; whether it goes back through ${cameFrom} is unknown`,
      lookup.capture,
      lookup.source ?? lookup.table?.source,
    );
    return { steps: [u.step], packet: back, unknown: u.unknown };
  }
  const where = lookup.allowed
    ? `${lookup.rule}: the reply goes to ${lookup.targetId ?? lookup.targetKind}`
    : lookup.rule;
  const d = dropped(
    `subnet ${subnetId}`,
    "route-table",
    tableId,
    lookup.allowed ? "NO_ROUTE" : lookup.code,
    back,
    `asymmetric route: the reply to ${seen.dst} leaves ${subnetId} by ${where}, not back through ${cameFrom}; it never reaches the client's connection`,
    lookup.table?.source,
  );
  return { steps: [d.step], packet: back, drop: d.drop };
}

/**
 * The route table of `subnetId` for a packet leaving an interface there: longest prefix, then
 * the target — the local route to the interface holding the address, a NAT gateway, an internet
 * gateway, an instance or interface; blackholes are drops; targets podpath does not follow
 * (peering, transit gateway, VPN gateway, endpoints, …), an instance or interface outside the
 * snapshot and a prefix-list route without its entries are `unknown`, naming what to capture.
 */
export function subnetRouter(net: Network, subnetId: string): Device {
  const ctx = net.ctx;
  const aws = ctx.snapshot.aws;
  const hop = `subnet ${subnetId}`;
  return {
    name: hop,
    forward(packet): DeviceOutcome {
      const seen = wireHeader(packet);
      const lookup = routeFromSubnet(subnetId, seen.dst, aws);
      const table = lookup.table;
      const tableId = table?.id ?? subnetId;
      if (!lookup.allowed && lookup.capture) {
        const u = undecided(
          hop,
          "route-table",
          tableId,
          packet,
          lookup.rule,
          lookup.capture,
          lookup.source ?? table?.source,
        );
        return { steps: [u.step], packet, next: undefined, unknown: u.unknown };
      }
      if (!lookup.allowed) {
        const d = dropped(
          hop,
          "route-table",
          tableId,
          lookup.code,
          packet,
          lookup.rule,
          lookup.source ?? table?.source,
        );
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const routeStep = step(
        hop,
        "route-table",
        tableId,
        "forward",
        packet,
        `${lookup.rule}${lookup.notes.length ? ` (${lookup.notes.join("; ")})` : ""}`,
        table?.source,
        {
          kind: "route",
          table: tableId,
          route: lookup.route?.destination ?? seen.dst,
          target: lookup.targetId ?? lookup.targetKind ?? "",
        },
      );
      const steps: Step[] = [routeStep];
      const finish = (toSubnet: string | undefined, next: Device, replyMustBeLocal = false): DeviceOutcome => {
        const crossing = crossSubnets(net, subnetId, toSubnet, packet);
        steps.push(...crossing.steps);
        if (crossing.drop) return { steps, packet, next: undefined, drop: crossing.drop };
        if (!replyMustBeLocal || !toSubnet) return { steps, packet, next, reply: crossing.reply };
        // the reply is routed by the destination subnet's own table: it must come back the same way
        const reply = (back: Packet): ReplyOutcome => {
          const asymmetric = asymmetricReply(
            net,
            toSubnet,
            back,
            "local",
            `${seen.src} (the local route the request took)`,
          );
          if (asymmetric) return asymmetric;
          return crossing.reply(back);
        };
        return { steps, packet, next, reply };
      };
      // Calico pool addresses are not VPC addresses: only a route to a node's instance/ENI delivers them
      const pool = ipPoolFor(seen.dst, ctx.snapshot.kubernetes.ipPools);
      if (
        pool &&
        ctx.cni.networking === "calico" &&
        lookup.targetKind !== "instance" &&
        lookup.targetKind !== "network-interface" &&
        !ctx.eniForIp(seen.dst)
      ) {
        const r = podIpRoutableFromVpc(seen.dst, ctx.snapshot.kubernetes.ipPools, table, ctx.snapshot.aws);
        const d = dropped(hop, "route-table", tableId, "TARGET_NOT_ROUTABLE", packet, r.note, pool.meta.source);
        steps.push(d.step);
        return { steps, packet, next: undefined, drop: d.drop };
      }
      // a ClusterIP leaving a node undone (no service port matched) or sent by something outside the cluster
      const service =
        lookup.targetKind !== "instance" && lookup.targetKind !== "network-interface" && !ctx.eniForIp(seen.dst)
          ? net.ctx.serviceWithClusterIP(seen.dst)
          : undefined;
      if (service) {
        const d = dropped(
          hop,
          "route-table",
          tableId,
          "TARGET_NOT_ROUTABLE",
          packet,
          `${clusterIpNote(seen.dst, service)}; ${tableId} sends it to ${lookup.targetId ?? lookup.targetKind}`,
          service.meta.source,
        );
        steps.push(d.step);
        return { steps, packet, next: undefined, drop: d.drop };
      }
      switch (lookup.targetKind) {
        case "local": {
          const held = ctx.eniForIp(seen.dst);
          if (!held && !ctx.interfacesListed) {
            // the interfaces come from describe-instances only: load balancers, NAT gateways, endpoints, databases… are missing
            const u = undecided(
              hop,
              "route-table",
              tableId,
              packet,
              `${seen.dst} matches the local route of ${table ? describeRouteTable(table) : subnetId}, but the snapshot's network interfaces come from describe-instances only, which lists no interface of a load balancer, NAT gateway, VPC endpoint, database or function: what holds ${seen.dst} is unknown`,
              "aws ec2 describe-network-interfaces",
              table?.source,
            );
            steps.push(u.step);
            return { steps, packet, next: undefined, unknown: u.unknown };
          }
          if (!held) {
            const d = dropped(
              hop,
              "route-table",
              tableId,
              "NO_ROUTE",
              packet,
              `${seen.dst} matches the local route of ${table ? describeRouteTable(table) : subnetId}, but no network interface in the snapshot holds it: nothing answers there`,
              table?.source,
            );
            steps.push(d.step);
            return { steps, packet, next: undefined, drop: d.drop };
          }
          // a connection an NLB forwarded with the client's address: its reply returns through the NLB
          return finish(held.eni.subnetId, net.eniIngress(held.eni), !net.loadBalancedFlows.has(flowKey(packet)));
        }
        case "nat-gateway": {
          const nat = aws.natGateways.find((n) => n.id === lookup.targetId);
          if (!nat) {
            const u = undecided(
              hop,
              "route-table",
              tableId,
              packet,
              `route ${lookup.route ? describeRoute(lookup.route) : ""} targets ${lookup.targetId}, which is not in the snapshot: its address, state and subnet are unknown`,
              "aws ec2 describe-nat-gateways",
              table?.source,
            );
            steps.push(u.step);
            return { steps, packet, next: undefined, unknown: u.unknown };
          }
          return finish(nat.subnetId, net.natGateway(nat));
        }
        case "internet-gateway":
          return finish(undefined, net.internetGatewayOut(lookup.targetId ?? "internet-gateway", table?.vpcId));
        case "instance":
        case "network-interface": {
          const eni =
            lookup.targetKind === "network-interface"
              ? ctx.eni(lookup.targetId)
              : awsIndex(aws)
                  .enisByInstance.get(lookup.targetId ?? "")
                  ?.find((e) => e.attachment?.instanceId === lookup.targetId && e.attachment?.deviceIndex === 0);
          if (!eni) {
            // the target exists in AWS (the route is active) but lies outside the snapshot: what it does with the packet is unknown
            const id = lookup.targetId ?? "";
            const capture =
              lookup.targetKind === "network-interface"
                ? `aws ec2 describe-network-interfaces --network-interface-ids ${id}`
                : `aws ec2 describe-instances --instance-ids ${id} (its NetworkInterfaces) or aws ec2 describe-network-interfaces --filters Name=attachment.instance-id,Values=${id}`;
            const u = undecided(
              hop,
              "route-table",
              tableId,
              packet,
              `${lookup.rule} targets ${lookup.targetKind} ${id}, whose network interface is not in the snapshot: where it forwards the packet is unknown`,
              capture,
              table?.source,
            );
            steps.push(u.step);
            return { steps, packet, next: undefined, unknown: u.unknown };
          }
          return finish(eni.subnetId, net.eniIngress(eni));
        }
        default: {
          const u = undecided(
            hop,
            "route-table",
            tableId,
            packet,
            `${lookup.rule}: podpath does not follow this target`,
            `what ${lookup.targetId ?? "the target"} does with the packet`,
            table?.source,
          );
          steps.push(u.step);
          return { steps, packet, next: undefined, unknown: u.unknown };
        }
      }
    },
  };
}

/** A NAT gateway: SNAT to its private address, then its own subnet's route table. */
export function natGateway(net: Network, nat: NatGateway): Device {
  const hop = `nat-gateway ${nat.id}`;
  const aws = net.ctx.snapshot.aws;
  return {
    name: hop,
    forward(packet): DeviceOutcome {
      const decision = natGatewayTranslate(nat.id, aws, packet.dst);
      if (!decision.privateIp && !decision.allowed && decision.capture) {
        const u = undecided(hop, "nat-gateway", nat.id, packet, decision.rule, decision.capture, decision.source);
        return { steps: [u.step], packet, next: undefined, unknown: u.unknown };
      }
      if (!decision.privateIp) {
        const code = decision.allowed ? "NO_ROUTE" : decision.code;
        const d = dropped(hop, "nat-gateway", nat.id, code, packet, decision.rule, decision.source);
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const after = withSource(packet, decision.privateIp);
      const s = step(
        hop,
        "nat-gateway",
        nat.id,
        "snat",
        after,
        `NAT gateway ${nat.id} replaces the source ${packet.src} with its private address ${decision.privateIp}${decision.publicIp ? ` (its Elastic IP ${decision.publicIp} is applied by the internet gateway)` : ""}; it tracks the connection and translates the replies back`,
        nat.source,
      );
      return {
        steps: [s],
        packet: after,
        next: net.subnetRouter(nat.subnetId),
        reply: (back) => {
          const restored = withDestination(back, packet.src, packet.srcPort);
          return {
            steps: [
              step(
                hop,
                "nat-gateway",
                nat.id,
                "dnat",
                restored,
                `the reply matches the NAT gateway's connection: destination ${back.dst} translated back to ${packet.src}`,
                nat.source,
              ),
            ],
            packet: restored,
          };
        },
      };
    },
  };
}

/**
 * An internet gateway translating a private address to its public one (1:1), toward the
 * internet. A private destination (RFC 1918, RFC 6598 shared, link-local, loopback) is never
 * carried: the internet does not route those (RFC 1918 §3, RFC 6598 §7), so a route table that
 * sends one to the gateway (0.0.0.0/0 → igw, directly or after a NAT gateway) loses it there —
 * PRIVATE_DESTINATION (the route-table step before it shows the route that sent it).
 */
export function internetGatewayOut(net: Network, igwId: string): Device {
  const hop = `internet-gateway ${igwId}`;
  const aws = net.ctx.snapshot.aws;
  return {
    name: hop,
    forward(packet): DeviceOutcome {
      if (isPrivateOrShared(packet.dst)) {
        const igw = aws.internetGateways.find((g) => g.id === igwId);
        const d = dropped(
          hop,
          "internet-gateway",
          igwId,
          "PRIVATE_DESTINATION",
          packet,
          `${packet.dst} is ${nonPublicKind(packet.dst)} outside the VPC's own CIDRs (no local route matches it): the route table sends it to internet gateway ${igwId}, but an internet gateway carries only public destinations (the internet does not route private ones), so the packet is lost there — a private network beyond the VPC is reached through a peering connection, a transit gateway or a VPN, which needs its own route`,
          igw?.source,
        );
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      if (!aws.internetGateways.some((g) => g.id === igwId))
        net.assume(
          `internet gateway ${igwId}, a route's target, is not in the snapshot: it is assumed attached to the VPC (capture aws ec2 describe-internet-gateways)`,
        );
      const decision = internetGatewayTranslate(packet.src, aws, igwId === "internet-gateway" ? undefined : igwId);
      if (!decision.allowed || !decision.publicIp) {
        const code = decision.allowed ? "NO_PUBLIC_IP" : decision.code;
        const d = dropped(hop, "internet-gateway", igwId, code, packet, decision.rule, decision.source);
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const after = withSource(packet, decision.publicIp);
      return {
        steps: [step(hop, "internet-gateway", igwId, "snat", after, decision.rule, decision.source)],
        packet: after,
        next: net.internet("transit"),
        reply: (back) => {
          const restored = withDestination(back, packet.src);
          return {
            steps: [
              step(
                hop,
                "internet-gateway",
                igwId,
                "dnat",
                restored,
                `the internet gateway maps ${decision.publicIp} back to ${packet.src} (1:1 NAT, no state needed)`,
                decision.source,
              ),
            ],
            packet: restored,
          };
        },
      };
    },
  };
}

/**
 * The internet: where a packet to a public address outside every VPC is delivered, and where a
 * packet to a VPC's public address (an Elastic IP, a public IP of an interface) enters that VPC
 * through its internet gateway.
 */
export function internet(net: Network, role: "source" | "transit"): Device {
  const aws = net.ctx.snapshot.aws;
  return {
    name: "internet",
    entry: role,
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      if (role === "source")
        steps.push(
          step(
            "internet",
            "internet",
            "internet",
            "forward",
            packet,
            `a client on the internet (${packet.src}) sends to ${packet.dst}:${packet.dstPort}/${packet.protocol}`,
            undefined,
          ),
        );
      const received = (back: Packet): ReplyOutcome => ({
        steps:
          role === "source"
            ? [
                step(
                  "internet",
                  "internet",
                  "internet",
                  "deliver",
                  back,
                  `the reply reaches the client ${back.dst} from ${back.src}:${back.srcPort}`,
                  undefined,
                ),
              ]
            : [],
        packet: back,
      });
      const inbound = parseIPv4(packet.dst) !== undefined ? internetGatewayInbound(packet.dst, aws) : undefined;
      if (!inbound?.privateIp) {
        const unreachable = notOnTheInternet(net, packet);
        if (unreachable) {
          steps.push(unreachable.step);
          return { steps, packet, next: undefined, drop: unreachable.drop };
        }
        // a node's public address no interface or instance of the snapshot holds (no VPC, or no instance for the node)
        const node = net.ctx.nodeWithAddress(packet.dst);
        if (node) {
          const gap = net.ctx.hasVpc
            ? `${packet.dst} is an address of node ${node.name} (status.addresses), but no instance or network interface of the snapshot has it as its public address`
            : `${packet.dst} is an address of node ${node.name} (status.addresses) and the snapshot has no VPC`;
          net.assume(
            `${gap}: the packet from the internet is assumed to reach the node directly, without the internet gateway, security groups or network ACLs in between (capture aws ec2 describe-instances, describe-subnets, describe-route-tables, describe-security-groups and describe-network-acls to evaluate them)`,
          );
          steps.push(
            step(
              "internet",
              "internet",
              "internet",
              "forward",
              packet,
              `${gap}: assumed to reach ${node.name} directly`,
              node.meta.source,
            ),
          );
          return { steps, packet, next: net.node(node, { kind: "wire" }), reply: received };
        }
        // a Service's spec.externalIPs: kube-proxy answers it on every node, but only a packet that reaches a node with it as destination
        const external = externalIpService(net, packet.dst);
        if (external) {
          const id = `${external.namespace}/${external.name}`;
          const u = undecided(
            "internet",
            "internet",
            "internet",
            packet,
            `${packet.dst} is an external IP of service ${id} (spec.externalIPs): kube-proxy answers it on every node, but Kubernetes does not route it there — the cluster administrator does (Kubernetes docs, Service "External IPs") — and no interface, Elastic IP or node address of the snapshot is ${packet.dst}: whether the internet delivers it to a node, with ${packet.dst} still its destination, is unknown (an Elastic IP would be translated to the node's private address at the internet gateway, which kube-proxy's external-IP rule no longer matches)`,
            `where ${packet.dst} is routed: aws ec2 describe-addresses --public-ips ${packet.dst}, or the network that announces it (BYOIP, an on-premises router)`,
            external.meta.source,
          );
          steps.push(u.step);
          return { steps, packet, next: undefined, unknown: u.unknown };
        }
        steps.push(
          step(
            "internet",
            "internet",
            "internet",
            "deliver",
            packet,
            `delivered on the internet: ${packet.dst} belongs to no VPC of the snapshot; it sees the source ${packet.src}`,
            undefined,
          ),
        );
        return {
          steps,
          packet,
          next: undefined,
          reply: (back) => ({
            steps: [
              step(
                "internet",
                "internet",
                "internet",
                "forward",
                back,
                `${back.src} answers ${back.dst}:${back.dstPort}`,
                undefined,
              ),
            ],
            packet: back,
          }),
        };
      }
      // the internet gateway attached to the holder's VPC
      const vpcId = inbound.holder?.vpcId;
      const igw = aws.internetGateways.find((g) => vpcId !== undefined && g.vpcIds.includes(vpcId));
      const igwId = igw?.id ?? "internet-gateway";
      const hop = `internet-gateway ${igwId}`;
      if (!igw && aws.internetGateways.length === 0) {
        const u = undecided(
          hop,
          "internet-gateway",
          igwId,
          packet,
          `${packet.dst} is a public address of ${inbound.holder?.description ?? "a VPC address"}, but the snapshot has no internet gateway at all: whether one is attached to ${vpcId ?? "its VPC"} is unknown`,
          "aws ec2 describe-internet-gateways",
          inbound.source,
        );
        steps.push(u.step);
        return { steps, packet, next: undefined, unknown: u.unknown };
      }
      if (!igw) {
        const d = dropped(
          hop,
          "internet-gateway",
          igwId,
          "NO_ROUTE",
          packet,
          `${packet.dst} is a public address of ${vpcId ?? "a VPC"}, but no internet gateway attached to it is in the snapshot`,
          inbound.source,
        );
        steps.push(d.step);
        return { steps, packet, next: undefined, drop: d.drop };
      }
      const after = withDestination(packet, inbound.privateIp);
      steps.push(step(hop, "internet-gateway", igwId, "dnat", after, inbound.rule, inbound.source));
      const eni = net.ctx.eniForIp(inbound.privateIp)?.eni;
      const nat = aws.natGateways.find((n) => n.addresses.some((a) => a.privateIp === inbound.privateIp));
      const reply = (back: Packet): ReplyOutcome => {
        const restored = withSource(back, packet.dst);
        const last = received(restored);
        return {
          steps: [
            step(
              hop,
              "internet-gateway",
              igwId,
              "snat",
              restored,
              `the internet gateway maps ${inbound.privateIp} back to its public address ${packet.dst}`,
              inbound.source,
            ),
            ...last.steps,
          ],
          packet: restored,
        };
      };
      if (nat) {
        // an unsolicited packet to a NAT gateway's Elastic IP: NAT gateways drop connections they did not start
        const d = dropped(
          hop,
          "nat-gateway",
          nat.id,
          "NO_ROUTE",
          after,
          `${inbound.privateIp} is NAT gateway ${nat.id}'s address: a NAT gateway accepts only replies to connections from inside, so a new connection from the internet is dropped`,
          nat.source,
        );
        steps.push(d.step);
        return { steps, packet: after, next: undefined, drop: d.drop };
      }
      if (!eni) {
        net.assume(
          `${packet.dst} maps to ${inbound.privateIp} (${inbound.holder?.description ?? "its holder"}), whose network interface is not in the snapshot: the packet is assumed to reach it without its security groups and network ACL (capture aws ec2 describe-network-interfaces, or describe-instances with its NetworkInterfaces)`,
        );
        const node = inbound.holder?.kind === "instance" ? net.ctx.nodeOfInstance(inbound.holder.id) : undefined;
        if (node) {
          steps.push(
            step(
              hop,
              "internet-gateway",
              igwId,
              "forward",
              after,
              `toward node ${node.name} (${inbound.holder!.description}); its network interface is not in the snapshot`,
              inbound.source,
            ),
          );
          return { steps, packet: after, next: net.node(node, { kind: "wire" }), reply };
        }
        steps.push(
          step(
            hop,
            "internet-gateway",
            igwId,
            "deliver",
            after,
            `delivered to ${inbound.privateIp} (${inbound.holder?.description ?? "its holder"}); its network interface is not in the snapshot`,
            inbound.source,
          ),
        );
        return { steps, packet: after, next: undefined, reply };
      }
      const acl = aclStep(net, eni.subnetId, "ingress", after, false);
      if (acl.step) steps.push(acl.step);
      if (acl.drop) return { steps, packet: after, next: undefined, drop: acl.drop };
      return {
        steps,
        packet: after,
        next: net.eniIngress(eni),
        reply: (back) => {
          const asymmetric = asymmetricReply(net, eni.subnetId, back, "internet-gateway", `internet gateway ${igwId}`);
          if (asymmetric) return asymmetric;
          const out = aclStep(net, eni.subnetId, "egress", back, true);
          if (out.drop) return { steps: out.step ? [out.step] : [], packet: back, drop: out.drop };
          const r = reply(back);
          return { steps: [...(out.step ? [out.step] : []), ...r.steps], packet: r.packet };
        },
      };
    },
  };
}

/**
 * Why the internet cannot deliver `packet` (a destination no public address of the snapshot
 * maps to), if it cannot: "the internet" is public addresses only (PRODUCT.md). A Calico pool
 * address exists only inside the cluster (its nodes' routes and tunnels — Calico docs, "IP
 * pools"); a ClusterIP only in kube-proxy's rules on the nodes (Kubernetes docs, "Virtual IPs and
 * Service Proxies"): both TARGET_NOT_ROUTABLE. A private VPC address is NO_PUBLIC_IP without a
 * public IP, NO_ROUTE naming its public IP with one; any other private, shared, link-local or loopback address is NO_ROUTE — the
 * internet does not route it (RFC 1918 §3, RFC 6598).
 */
function notOnTheInternet(net: Network, packet: Packet): ReturnType<typeof dropped> | undefined {
  const ctx = net.ctx;
  const dst = packet.dst;
  const pool = ctx.cni.networking === "calico" ? ipPoolFor(dst, ctx.snapshot.kubernetes.ipPools) : undefined;
  if (pool) {
    const pod = ctx.podByIp(dst);
    return dropped(
      "internet",
      "internet",
      pool.name,
      "TARGET_NOT_ROUTABLE",
      packet,
      `${dst}${pod ? ` (pod ${pod.namespace}/${pod.name})` : ""} is in Calico IP pool ${pool.name} (${pool.cidr}): pool addresses are routed only by the cluster's nodes (their routes and ${pool.vxlanMode !== "Never" ? "VXLAN" : pool.ipipMode !== "Never" ? "IP-in-IP" : "BGP"} tunnels), nothing outside the cluster reaches them — expose the pod through a NodePort, a LoadBalancer Service or an Ingress`,
      pool.meta.source,
    );
  }
  const service = net.ctx.serviceWithClusterIP(dst);
  if (service)
    return dropped(
      "internet",
      "internet",
      "service-cidr",
      "TARGET_NOT_ROUTABLE",
      packet,
      clusterIpNote(dst, service),
      service.meta.source,
    );
  const held = ctx.eniForIp(dst)?.eni;
  if (held) {
    const mapped = internetGatewayTranslate(dst, ctx.snapshot.aws);
    const reach = mapped.publicIp
      ? `the internet reaches it only through its public address ${mapped.publicIp} (trace to ip:${mapped.publicIp})`
      : "no public IP or Elastic IP is mapped to it, so the internet cannot reach it";
    return dropped(
      "internet",
      "internet",
      "internet",
      mapped.publicIp ? "NO_ROUTE" : "NO_PUBLIC_IP",
      packet,
      `${dst} is a private VPC address (${describeEni(held)}), not routed on the internet: ${reach}`,
      held.source,
    );
  }
  const kind = nonPublicKind(dst);
  if (kind) {
    const external = externalIpService(net, dst);
    const what = external
      ? `${kind}, an external IP of service ${external.namespace}/${external.name} (spec.externalIPs: kube-proxy answers it only on packets that reach a node)`
      : kind;
    return dropped(
      "internet",
      "internet",
      "internet",
      "NO_ROUTE",
      packet,
      `${dst} is ${what}: the internet does not route it, and no public address of the snapshot (an Elastic IP or the public IP of an interface, instance or NAT gateway) maps to it`,
      external?.meta.source,
    );
  }
  return undefined;
}

/** The service that lists `ip` among its spec.externalIPs, if any. */
function externalIpService(net: Network, ip: string): Service | undefined {
  return snapshotIndex(net.ctx.snapshot)
    .servicesByAddress.get(ip)
    ?.find((s) => s.externalIPs.includes(ip));
}

/** Why a ClusterIP is not reachable from outside the cluster (Kubernetes docs, "Virtual IPs and Service Proxies"). */
function clusterIpNote(ip: string, service: Service): string {
  return `${ip} is the ClusterIP of service ${service.namespace}/${service.name}: ClusterIPs come from the cluster's service CIDR (kube-apiserver --service-cluster-ip-range) and exist only in kube-proxy's rules on the nodes; nothing outside the cluster routes them — use a NodePort or LoadBalancer Service, or an Ingress${service.externalIPs.length > 0 ? ` (or trace its external IP${service.externalIPs.length === 1 ? "" : "s"}: ip:${service.externalIPs.join(", ip:")})` : ""}`;
}
