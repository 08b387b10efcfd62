import type { NatGateway, NetworkInterface } from "../../../model/aws.js";
import { parseIPv4 } from "../../../model/net.js";
import { describeEni, sourceDestCheck } from "../aws/eni.js";
import { internetGatewayInbound, internetGatewayTranslate, natGatewayTranslate } from "../aws/gateways.js";
import { aclForSubnet, evaluateNetworkAcl, statelessReplyNote } from "../aws/network-acls.js";
import { describeRoute, describeRouteTable, routeFromSubnet } from "../aws/route-tables.js";
import { allowTrackedReply, evaluateSecurityGroups } from "../aws/security-groups.js";
import { ipPoolFor, podIpRoutableFromVpc } from "../calico.js";
import { dropped, filterStep, step, withDestination, withSource, type Device, type DeviceOutcome, type ReplyOutcome } from "../trace-engine.js";
import type { Packet, Protocol, Step } from "../trace-model.js";
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
 * The header a VPC device sees: the outer one while the packet is encapsulated. `protocol` is
 * undefined for IP-in-IP (IP protocol 4, no ports), which the rule evaluators do not take.
 */
function wireHeader(packet: Packet): { src: string; dst: string; dstPort: number; protocol: Protocol | undefined } {
  if (packet.outer) {
    // VXLAN is UDP to 4789 (its source port is a flow hash, which no rule here looks at)
    return { src: packet.outer.src, dst: packet.outer.dst, dstPort: packet.outer.dstPort, protocol: packet.outer.protocol === "IPIP" ? undefined : "UDP" };
  }
  return packet;
}

/** A rule set not evaluated on IP-in-IP: said as a step without a verdict of its own. */
function ipipStep(hop: string, component: "security-group" | "nacl", id: string, packet: Packet): Step {
  return step(hop, component, id, "allow", packet, IPIP_NOTE, undefined);
}

function eniLabel(eni: NetworkInterface): string {
  const ip = eni.privateIps.find((p) => p.primary)?.address ?? eni.privateIps[0]?.address;
  return `eni ${eni.id}${ip ? ` (${ip})` : ""}`;
}

/**
 * A requester-managed interface without any security group (a Network Load Balancer created
 * without security groups, a NAT gateway) filters nothing: AWS ELB docs, "Security groups for
 * your Network Load Balancer" — without them, the targets' security groups decide.
 */
function noSecurityGroups(hop: string, eni: NetworkInterface, packet: Packet): Step | undefined {
  if (eni.securityGroupIds.length > 0 || eni.origin !== "describe-network-interfaces" || (eni.interfaceType ?? "interface") === "interface") return undefined;
  return step(hop, "security-group", "none", "allow", packet, `${describeEni(eni)} (${eni.interfaceType}) has no security group: nothing filters here, its targets' security groups decide`, eni.source);
}

const IPIP_NOTE = "IP-in-IP (IP protocol 4) carries no ports: security-group and network-ACL rules for protocol 4 are not evaluated here";

/** A network interface sending a packet into the VPC: source/destination check, security groups (egress). */
export function eniEgress(net: Network, eni: NetworkInterface): Device {
  const hop = eniLabel(eni);
  const aws = net.ctx.snapshot.aws;
  return {
    name: hop,
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      const seen = wireHeader(packet);
      const check = filterStep(hop, "eni", sourceDestCheck(eni, packet, "send"), packet);
      steps.push(check.step);
      if (check.drop) return { steps, packet, next: undefined, drop: check.drop };
      if (!seen.protocol) steps.push(ipipStep(hop, "security-group", eni.securityGroupIds.join(",") || "none", packet));
      else {
        const sg = filterStep(hop, "security-group", evaluateSecurityGroups("egress", eni.securityGroupIds, seen.dst, seen.dstPort, seen.protocol, aws), packet);
        steps.push(sg.step);
        if (sg.drop) return { steps, packet, next: undefined, drop: sg.drop };
      }
      return {
        steps,
        packet,
        next: net.subnetRouter(eni.subnetId),
        reply: (back) => {
          const tracked = allowTrackedReply(eni.securityGroupIds, aws);
          const out: Step[] = [step(hop, "security-group", tracked.id, "allow", back, tracked.rule, tracked.source)];
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
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      const seen = wireHeader(packet);
      const ungrouped = noSecurityGroups(hop, eni, packet);
      if (ungrouped) steps.push(ungrouped);
      else if (!seen.protocol) steps.push(ipipStep(hop, "security-group", eni.securityGroupIds.join(",") || "none", packet));
      else {
        const decision = evaluateSecurityGroups("ingress", eni.securityGroupIds, seen.src, seen.dstPort, seen.protocol, aws);
        const sg = filterStep(hop, "security-group", decision.allowed ? decision : (admittedThroughLoadBalancer(net, eni.securityGroupIds, packet) ?? decision), packet);
        steps.push(sg.step);
        if (sg.drop) return { steps, packet, next: undefined, drop: sg.drop };
      }
      const check = filterStep(hop, "eni", sourceDestCheck(eni, packet, "receive"), packet);
      steps.push(check.step);
      if (check.drop) return { steps, packet, next: undefined, drop: check.drop };
      const reply = (back: Packet): ReplyOutcome => {
        const out: Step[] = [];
        const send = filterStep(hop, "eni", sourceDestCheck(eni, back, "send"), back);
        out.push(send.step);
        if (send.drop) return { steps: out, packet: back, drop: send.drop };
        const tracked = allowTrackedReply(eni.securityGroupIds, aws);
        out.push(step(hop, "security-group", tracked.id, "allow", back, tracked.rule, tracked.source));
        return { steps: out, packet: back };
      };
      // the interface's owner: a node, a load balancer, or something outside the cluster
      const node = ctx.nodeOfInstance(eni.attachment?.instanceId);
      if (node) return { steps, packet, next: net.node(node, { kind: "wire" }), reply };
      const lb = ctx.loadBalancerAt(seen.dst);
      if (lb) return { steps, packet, next: net.loadBalancer(lb, seen.dst), reply };
      steps.push(step(hop, "eni", eni.id, "deliver", packet, `delivered to ${describeEni(eni)}${eni.attachment?.instanceId ? ` of instance ${eni.attachment.instanceId} (not a node of the cluster)` : ""}`, eni.source));
      return { steps, packet, next: undefined, reply };
    },
  };
}

/** The network ACL of a subnet, evaluated on a packet crossing its boundary. */
function aclStep(net: Network, hop: string, subnetId: string, direction: "ingress" | "egress", packet: Packet, reply: boolean): { step: Step | undefined; drop: ReturnType<typeof filterStep>["drop"] } {
  const selection = aclForSubnet(subnetId, net.ctx.snapshot.aws);
  if (!selection) return { step: undefined, drop: undefined };
  const seen = wireHeader(packet);
  if (!seen.protocol) return { step: ipipStep(hop, "nacl", selection.acl.id, packet), drop: undefined };
  const remote = direction === "ingress" ? seen.src : seen.dst;
  const decision = evaluateNetworkAcl(selection.acl, direction, remote, seen.dstPort, seen.protocol);
  const where = `${direction === "egress" ? "leaving" : "entering"} ${subnetId}: `;
  const note = where + (reply ? `${decision.rule}; ${statelessReplyNote(selection.acl, seen.dstPort)}` : decision.rule);
  const r = filterStep(hop, "nacl", decision, packet, note);
  return { step: r.step, drop: r.drop };
}

/**
 * Crossing from `fromSubnet` to `toSubnet`: the source subnet's ACL outbound, the destination's
 * inbound (nothing within one subnet). The reply crosses back and is evaluated again: ACLs are
 * stateless.
 */
function crossSubnets(net: Network, hop: string, fromSubnet: string | undefined, toSubnet: string | undefined, packet: Packet): { steps: Step[]; drop: ReturnType<typeof filterStep>["drop"]; reply: (p: Packet) => ReplyOutcome } {
  if (fromSubnet === toSubnet) return { steps: [], drop: undefined, reply: (p) => ({ steps: [], packet: p }) };
  const forward = aclCrossing(net, hop, [[fromSubnet, "egress"], [toSubnet, "ingress"]], packet, false);
  const reply = (back: Packet): ReplyOutcome => ({ ...aclCrossing(net, hop, [[toSubnet, "egress"], [fromSubnet, "ingress"]], back, true), packet: back });
  return { ...forward, reply };
}

/** The ACLs of the subnets a packet leaves and enters, in that order; the first deny drops. */
function aclCrossing(net: Network, hop: string, crossings: readonly (readonly [string | undefined, "ingress" | "egress"])[], packet: Packet, reply: boolean): { steps: Step[]; drop: ReturnType<typeof filterStep>["drop"] } {
  const steps: Step[] = [];
  for (const [subnet, direction] of crossings) {
    if (!subnet) continue;
    const r = aclStep(net, hop, subnet, direction, packet, reply);
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
function asymmetricReply(net: Network, subnetId: string, back: Packet, expected: "local" | "internet-gateway", cameFrom: string): { step: Step; drop: NonNullable<ReturnType<typeof filterStep>["drop"]> } | undefined {
  const seen = wireHeader(back);
  const lookup = routeFromSubnet(subnetId, seen.dst, net.ctx.snapshot.aws);
  if (lookup.allowed && lookup.targetKind === expected) return undefined;
  const tableId = lookup.table?.id ?? subnetId;
  const where = lookup.allowed ? `${lookup.rule}: the reply goes to ${lookup.targetId ?? lookup.targetKind}` : lookup.rule;
  const d = dropped(`subnet ${subnetId}`, "route-table", tableId, lookup.allowed ? "NO_ROUTE" : lookup.code, back, `asymmetric route: the reply to ${seen.dst} leaves ${subnetId} by ${where}, not back through ${cameFrom}; it never reaches the client's connection`, lookup.table?.source);
  return { step: d.step, drop: d.drop };
}

/**
 * The route table of `subnetId` for a packet leaving an interface there: longest prefix, then
 * the target — the local route to the interface holding the address, a NAT gateway, an internet
 * gateway, an instance or interface; blackholes and targets podpath does not follow are drops.
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
      if (!lookup.allowed) {
        const d = dropped(hop, "route-table", tableId, lookup.code, packet, lookup.rule, lookup.source ?? table?.source);
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const routeStep = step(hop, "route-table", tableId, "forward", packet, `${lookup.rule}${lookup.notes.length ? ` (${lookup.notes.join("; ")})` : ""}`, table?.source);
      const steps: Step[] = [routeStep];
      const finish = (toSubnet: string | undefined, next: Device, replyMustBeLocal = false): DeviceOutcome => {
        const crossing = crossSubnets(net, hop, subnetId, toSubnet, packet);
        steps.push(...crossing.steps);
        if (crossing.drop) return { steps, packet, next: undefined, drop: crossing.drop };
        if (!replyMustBeLocal || !toSubnet) return { steps, packet, next, reply: crossing.reply };
        // the reply is routed by the destination subnet's own table: it must come back the same way
        const reply = (back: Packet): ReplyOutcome => {
          const asymmetric = asymmetricReply(net, toSubnet, back, "local", `${seen.src} (the local route the request took)`);
          if (asymmetric) return { steps: [asymmetric.step], packet: back, drop: asymmetric.drop };
          return crossing.reply(back);
        };
        return { steps, packet, next, reply };
      };
      // Calico pool addresses are not VPC addresses: only a route to a node's instance/ENI delivers them
      const pool = ipPoolFor(seen.dst, ctx.snapshot.kubernetes.ipPools);
      if (pool && ctx.cni.networking === "calico" && lookup.targetKind !== "instance" && lookup.targetKind !== "network-interface" && !ctx.eniForIp(seen.dst)) {
        const r = podIpRoutableFromVpc(seen.dst, ctx.snapshot.kubernetes.ipPools, table);
        const d = dropped(hop, "route-table", tableId, "TARGET_NOT_ROUTABLE", packet, r.note, pool.meta.source);
        steps.push(d.step);
        return { steps, packet, next: undefined, drop: d.drop };
      }
      switch (lookup.targetKind) {
        case "local": {
          const held = ctx.eniForIp(seen.dst);
          if (!held) {
            const d = dropped(hop, "route-table", tableId, "NO_ROUTE", packet, `${seen.dst} matches the local route of ${table ? describeRouteTable(table) : subnetId}, but no network interface in the snapshot holds it: nothing answers there`, table?.source);
            steps.push(d.step);
            return { steps, packet, next: undefined, drop: d.drop };
          }
          // a connection an NLB forwarded with the client's address: its reply returns through the NLB
          return finish(held.eni.subnetId, net.eniIngress(held.eni), !net.loadBalancedFlows.has(flowKey(packet)));
        }
        case "nat-gateway": {
          const nat = aws.natGateways.find((n) => n.id === lookup.targetId);
          if (!nat) {
            const d = dropped(hop, "route-table", tableId, "NO_ROUTE", packet, `route ${lookup.route ? describeRoute(lookup.route) : ""} targets ${lookup.targetId}, which is not in the snapshot`, table?.source);
            steps.push(d.step);
            return { steps, packet, next: undefined, drop: d.drop };
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
              : aws.networkInterfaces.find((e) => e.attachment?.instanceId === lookup.targetId && e.attachment?.deviceIndex === 0);
          if (!eni) {
            const d = dropped(hop, "route-table", tableId, "NO_ROUTE", packet, `route targets ${lookup.targetId}, whose network interface is not in the snapshot`, table?.source);
            steps.push(d.step);
            return { steps, packet, next: undefined, drop: d.drop };
          }
          return finish(eni.subnetId, net.eniIngress(eni));
        }
        default: {
          const d = dropped(hop, "route-table", tableId, "UNSUPPORTED_TARGET", packet, `${lookup.rule}: podpath does not follow this target`, table?.source);
          steps.push(d.step);
          return { steps, packet, next: undefined, drop: d.drop };
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
      if (!decision.privateIp) {
        const code = decision.allowed ? "NO_ROUTE" : decision.code;
        const d = dropped(hop, "nat-gateway", nat.id, code, packet, decision.rule, decision.source);
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const after = withSource(packet, decision.privateIp);
      const s = step(hop, "nat-gateway", nat.id, "snat", after, `NAT gateway ${nat.id} replaces the source ${packet.src} with its private address ${decision.privateIp}${decision.publicIp ? ` (its Elastic IP ${decision.publicIp} is applied by the internet gateway)` : ""}; it tracks the connection and translates the replies back`, nat.source);
      return {
        steps: [s],
        packet: after,
        next: net.subnetRouter(nat.subnetId),
        reply: (back) => {
          const restored = withDestination(back, packet.src, packet.srcPort);
          return { steps: [step(hop, "nat-gateway", nat.id, "dnat", restored, `the reply matches the NAT gateway's connection: destination ${back.dst} translated back to ${packet.src}`, nat.source)], packet: restored };
        },
      };
    },
  };
}

/** An internet gateway translating a private address to its public one (1:1), toward the internet. */
export function internetGatewayOut(net: Network, igwId: string): Device {
  const hop = `internet-gateway ${igwId}`;
  const aws = net.ctx.snapshot.aws;
  return {
    name: hop,
    forward(packet): DeviceOutcome {
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
          return { steps: [step(hop, "internet-gateway", igwId, "dnat", restored, `the internet gateway maps ${decision.publicIp} back to ${packet.src} (1:1 NAT, no state needed)`, decision.source)], packet: restored };
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
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      if (role === "source") steps.push(step("internet", "internet", "internet", "forward", packet, `a client on the internet (${packet.src}) sends to ${packet.dst}:${packet.dstPort}/${packet.protocol}`, undefined));
      const received = (back: Packet): ReplyOutcome => ({ steps: role === "source" ? [step("internet", "internet", "internet", "deliver", back, `the reply reaches the client ${back.dst} from ${back.src}:${back.srcPort}`, undefined)] : [], packet: back });
      const inbound = parseIPv4(packet.dst) !== undefined ? internetGatewayInbound(packet.dst, aws) : undefined;
      if (!inbound?.privateIp) {
        if (role === "source" && net.ctx.eniForIp(packet.dst)) {
          const d = dropped("internet", "internet", "internet", "NO_PUBLIC_IP", packet, `${packet.dst} is a private VPC address: it is not reachable from the internet`, undefined);
          steps.push(d.step);
          return { steps, packet, next: undefined, drop: d.drop };
        }
        steps.push(step("internet", "internet", "internet", "deliver", packet, `delivered on the internet: ${packet.dst} belongs to no VPC of the snapshot; it sees the source ${packet.src}`, undefined));
        return { steps, packet, next: undefined, reply: (back) => ({ steps: [step("internet", "internet", "internet", "forward", back, `${back.src} answers ${back.dst}:${back.dstPort}`, undefined)], packet: back }) };
      }
      // the internet gateway attached to the holder's VPC
      const vpcId = inbound.holder?.vpcId;
      const igw = aws.internetGateways.find((g) => vpcId !== undefined && g.vpcIds.includes(vpcId));
      const igwId = igw?.id ?? "internet-gateway";
      const hop = `internet-gateway ${igwId}`;
      if (!igw) {
        const d = dropped(hop, "internet-gateway", igwId, "NO_ROUTE", packet, `${packet.dst} is a public address of ${vpcId ?? "a VPC"}, but no internet gateway attached to it is in the snapshot`, inbound.source);
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
        return { steps: [step(hop, "internet-gateway", igwId, "snat", restored, `the internet gateway maps ${inbound.privateIp} back to its public address ${packet.dst}`, inbound.source), ...last.steps], packet: restored };
      };
      if (nat) {
        // an unsolicited packet to a NAT gateway's Elastic IP: NAT gateways drop connections they did not start
        const d = dropped(hop, "nat-gateway", nat.id, "NO_ROUTE", after, `${inbound.privateIp} is NAT gateway ${nat.id}'s address: a NAT gateway accepts only replies to connections from inside, so a new connection from the internet is dropped`, nat.source);
        steps.push(d.step);
        return { steps, packet: after, next: undefined, drop: d.drop };
      }
      if (!eni) {
        steps.push(step(hop, "internet-gateway", igwId, "deliver", after, `delivered to ${inbound.privateIp} (${inbound.holder?.description ?? "its holder"}); its network interface is not in the snapshot`, inbound.source));
        return { steps, packet: after, next: undefined, reply };
      }
      const acl = aclStep(net, hop, eni.subnetId, "ingress", after, false);
      if (acl.step) steps.push(acl.step);
      if (acl.drop) return { steps, packet: after, next: undefined, drop: acl.drop };
      return {
        steps,
        packet: after,
        next: net.eniIngress(eni),
        reply: (back) => {
          const asymmetric = asymmetricReply(net, eni.subnetId, back, "internet-gateway", `internet gateway ${igwId}`);
          if (asymmetric) return { steps: [asymmetric.step], packet: back, drop: asymmetric.drop };
          const out = aclStep(net, hop, eni.subnetId, "egress", back, true);
          if (out.drop) return { steps: out.step ? [out.step] : [], packet: back, drop: out.drop };
          const r = reply(back);
          return { steps: [...(out.step ? [out.step] : []), ...r.steps], packet: r.packet };
        },
      };
    },
  };
}

