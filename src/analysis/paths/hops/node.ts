import type { Node } from "../../../model/kubernetes.js";
import { isPrivateOrShared } from "../../../model/net.js";
import { ipPoolFor, natOutgoing, nodeAddresses, nodePrimaryIp, overlayFor } from "../calico.js";
import { resolveServiceTarget, type MasqueradeChoice } from "../kube-proxy.js";
import { dropped, inner, step, undecided, undoInReverse, withDestination, withSource, type Device, type DeviceOutcome, type ReplyHandler } from "../trace-engine.js";
import type { Packet, Step } from "../trace-model.js";
import { vpcCniSnat } from "../vpc-cni.js";
import type { Arrival, Network } from "./network.js";
import { policyStep } from "./pod.js";

/**
 * A node's network namespace, in netfilter order (a packet from a pod's veth, from the host, or
 * from the wire):
 *
 * 1. decapsulation of VXLAN/IPIP addressed to this node (Calico);
 * 2. kube-proxy's DNAT — ClusterIP, NodePort, LoadBalancer and external IPs — and its
 *    masquerade mark (nat PREROUTING/OUTPUT, see kube-proxy.ts);
 * 3. NetworkPolicy egress of the sending pod, on the packet after DNAT (Calico's filter FORWARD);
 * 4. routing: to the node itself, to a local pod, to a pod on another node (Calico VXLAN/IPIP or
 *    native routing; the VPC CNI routes pod addresses natively), or out through the node's ENI;
 * 5. SNAT in nat POSTROUTING: kube-proxy's MASQUERADE when marked, else Calico natOutgoing
 *    (calico.ts) or the VPC CNI's SNAT (vpc-cni.ts) for pod traffic leaving the pool/VPC.
 *
 * Replies meet the same connection in conntrack: every translation is undone in reverse order and
 * nothing is NATed again.
 */

export function nodeDevice(net: Network, node: Node, arrival: Arrival): Device {
  const ctx = net.ctx;
  const snapshot = ctx.snapshot;
  const hop = `node ${node.name}`;
  const nodeIp = nodePrimaryIp(node);
  const own = nodeAddresses(node);
  return {
    name: hop,
    entry: arrival.kind,
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      const undos: ReplyHandler[] = [];
      let p = packet;
      const done = (next: Device | undefined, drop?: ReturnType<typeof dropped>): DeviceOutcome => {
        if (drop) {
          steps.push(drop.step);
          return { steps, packet: p, next: undefined, drop: drop.drop };
        }
        return { steps, packet: p, next, reply: undoInReverse(undos) };
      };

      // 1. decapsulation
      if (p.outer && own.includes(p.outer.dst)) {
        const outer = p.outer;
        p = inner(p);
        const device = outer.protocol === "UDP" ? "vxlan.calico" : "tunl0";
        steps.push(step(hop, "calico-overlay", node.name, "decapsulate", p, `${device} on ${node.name} strips the ${outer.protocol === "UDP" ? "VXLAN" : "IP-in-IP"} header from ${outer.src}: the inner packet ${p.src} → ${p.dst} continues`, node.meta.source));
        undos.push((back) => {
          const wrapped: Packet = { ...back, outer: { src: outer.dst, dst: outer.src, protocol: outer.protocol, dstPort: outer.dstPort } };
          return { steps: [step(hop, "calico-overlay", node.name, "encapsulate", wrapped, `the reply is encapsulated again toward ${outer.src}`, node.meta.source)], packet: wrapped };
        });
      }

      // 2. kube-proxy
      const sourcePod = arrival.kind === "pod" ? arrival.pod : ctx.podByIp(p.src);
      const target = resolveServiceTarget(snapshot, p.dst, p.dstPort, p.protocol, {
        arrivingOnNode: node.name,
        sourceIsPod: sourcePod !== undefined,
        sourceIp: p.src,
        clusterCIDRs: ctx.clusterCIDRs,
        assumedServices: ctx.assumedServices,
        assumedEndpoints: ctx.assumedEndpoints,
      });
      let masquerade: MasqueradeChoice | undefined;
      if (target.kind === "dropped") return done(undefined, dropped(hop, "kube-proxy", target.id, target.code, p, target.note, target.source));
      if (target.kind === "not-proxied") steps.push(step(hop, "kube-proxy", target.id, "forward", p, target.note, target.source));
      if (target.kind === "dnat") {
        const before = p;
        p = withDestination(p, target.dnat.ip, target.dnat.port);
        steps.push(step(hop, "kube-proxy", target.id, "dnat", p, `${target.rule}: ${target.note}`, target.source));
        masquerade = target.masquerade.masquerade ? target.masquerade : undefined;
        undos.push((back) => {
          const restored = withSource(back, before.dst, before.dstPort);
          return { steps: [step(hop, "kube-proxy", target.id, "snat", restored, `conntrack reverses the DNAT: the reply's source ${back.src}:${back.srcPort} becomes ${before.dst}:${before.dstPort} again`, target.source)], packet: restored };
        });
      }

      // 3. NetworkPolicy egress of the sending pod (after DNAT)
      if (arrival.kind === "pod" && !arrival.pod.hostNetwork) {
        const policy = policyStep(ctx, hop, "egress", arrival.pod, p);
        if (policy.drop) return done(undefined, { step: policy.step, drop: policy.drop });
        steps.push(policy.step);
        undos.push((back) => policy.reply(back));
      }

      // 4 + 5. routing and SNAT
      const dst = p.dst;
      const snat = (to: string, component: "kube-proxy" | "calico-natoutgoing" | "vpc-cni-snat", id: string, note: string, source: Step["source"]): void => {
        const before = p;
        p = withSource(p, to);
        steps.push(step(hop, component, id, "snat", p, note, source));
        undos.push((back) => {
          const restored = withDestination(back, before.src, before.srcPort);
          return { steps: [step(hop, component, id, "dnat", restored, `conntrack reverses the SNAT: the reply to ${back.dst} goes back to ${before.src}`, source)], packet: restored };
        });
      };
      const applyMasquerade = (): void => {
        if (!masquerade || target.kind !== "dnat") return;
        const to = masquerade.snatTo ?? nodeIp;
        if (to && masquerade.via !== "local-delivery") snat(to, "kube-proxy", target.id, `KUBE-POSTROUTING -j MASQUERADE (marked by ${masquerade.rule}): ${masquerade.reason}`, masquerade.source);
      };

      if (own.includes(dst)) {
        steps.push(step(hop, "node", node.name, "deliver", p, `delivered to ${node.name}'s host network namespace (${dst} is its own address): a host process or host-network pod answers`, node.meta.source));
        return done(undefined);
      }
      const dstPod = ctx.podByIp(dst);
      if (dstPod && dstPod.nodeName === node.name) {
        // Calico's iptables dataplane evaluates a local pod's ingress policy in filter FORWARD
        // (cali-to-wl-dispatch), before nat POSTROUTING's MASQUERADE: the policy sees the source
        // before kube-proxy's SNAT (a hairpin sees the pod itself, a NodePort the client).
        // (The VPC CNI's policy agent filters at the veth's tc hook, after POSTROUTING.)
        if (masquerade && ctx.cni.networking === "calico" && !dstPod.hostNetwork) {
          const policy = policyStep(ctx, hop, "ingress", dstPod, p);
          const seen = { ...policy.step, note: `${policy.step.note} (Calico evaluates ${dstPod.namespace}/${dstPod.name}'s ingress in ${node.name}'s filter FORWARD, before kube-proxy's MASQUERADE in nat POSTROUTING: it sees the source ${p.src})` };
          if (policy.drop) return done(undefined, { step: seen, drop: policy.drop });
          steps.push(seen);
          applyMasquerade();
          return done(net.podDestination(dstPod, policy.reply));
        }
        applyMasquerade();
        return done(net.podDestination(dstPod));
      }

      const calico = ctx.cni.networking === "calico";
      const pool = calico ? ipPoolFor(dst, snapshot.kubernetes.ipPools) : undefined;
      // Calico natOutgoing, for pool addresses kube-proxy did not masquerade (it also says why it keeps a source)
      const nat = calico && !masquerade && ipPoolFor(p.src, snapshot.kubernetes.ipPools) ? natOutgoing(p.src, dst, snapshot.kubernetes.ipPools, ctx.felixSettings(node.name), node, (ip) => ctx.nodeWithAddress(ip)) : undefined;
      const applyNatOutgoing = (decision: NonNullable<typeof nat>): void => {
        if (decision.masquerade && decision.snatTo) snat(decision.snatTo, "calico-natoutgoing", decision.id, `${decision.rule}: ${decision.note}`, decision.source);
        else steps.push(step(hop, "calico-natoutgoing", decision.id, "forward", p, decision.note, decision.source));
      };
      if (pool) {
        const dstNode = ctx.node(dstPod?.nodeName);
        if (!dstNode) {
          return done(undefined, dropped(hop, "calico-overlay", pool.name, "NO_ROUTE", p, `${dst} is in IP pool ${pool.name} (${pool.cidr}), but no pod in the snapshot has that address: Calico routes it to the node owning its block, which the snapshot does not show`, pool.meta.source));
        }
        applyMasquerade();
        if (nat) applyNatOutgoing(nat);
        const overlay = overlayFor(node, dstNode, pool, ctx.networksOf(node, dstNode), dst, ctx.snapshot.aws);
        if (!overlay.allowed) return done(undefined, dropped(hop, "calico-overlay", overlay.id, overlay.code, p, overlay.note, overlay.source));
        if (overlay.outer) {
          p = { ...p, outer: overlay.outer };
          steps.push(step(hop, "calico-overlay", overlay.id, "encapsulate", p, overlay.note, overlay.source));
          undos.push((back) => {
            const stripped = inner(back);
            return { steps: [step(hop, "calico-overlay", overlay.id, "decapsulate", stripped, `the reply arrives encapsulated from ${back.outer?.src ?? dstNode.name}: ${node.name} strips the header${stripped.dst === node.overlay.vxlan || stripped.dst === node.overlay.ipip ? `; ${stripped.dst} is its own tunnel address (the request was masqueraded to it), so conntrack takes the reply from here` : ` and routes it to ${stripped.dst}`}`, overlay.source)], packet: stripped };
          });
        } else {
          steps.push(step(hop, "calico-overlay", overlay.id, "forward", p, overlay.note, overlay.source));
        }
        return done(leaveNode(net, node, p, dstNode, steps, hop));
      }

      // out of the pod network: SNAT
      if (masquerade) applyMasquerade();
      else if (nat) applyNatOutgoing(nat);
      else if (ctx.cni.networking === "aws-vpc-cni" && sourcePod && !sourcePod.hostNetwork && sourcePod.nodeName === node.name && p.src === sourcePod.ip) {
        const nat = vpcCniSnat(p.src, dst, snapshot, node);
        if (nat.snat && nat.snatTo) snat(nat.snatTo, "vpc-cni-snat", nat.id, `${nat.rule}: ${nat.note}`, nat.source);
        else steps.push(step(hop, "vpc-cni-snat", nat.id, "forward", p, nat.note, nat.source));
      }
      const dstNode = ctx.nodeWithAddress(dst) ?? (dstPod ? ctx.node(dstPod.nodeName) : undefined);
      return done(leaveNode(net, node, p, dstNode, steps, hop));
    },
  };
}

/**
 * The packet leaves the node: through the ENI holding its source address (a VPC CNI pod's
 * secondary address, whose ENI's security groups apply to it), else the primary ENI. Without
 * the VPC in the snapshot (or without the node's instance or interface), the network between the
 * nodes is assumed to deliver, and the trace's assumptions say so.
 */
function leaveNode(net: Network, node: Node, packet: Packet, dstNode: Node | undefined, steps: Step[], hop: string): Device | undefined {
  const ctx = net.ctx;
  if (ctx.hasVpc) {
    const src = packet.outer?.src ?? packet.src;
    const held = ctx.eniForIp(src)?.eni;
    const eni = held && ctx.nodeOfInstance(held.attachment?.instanceId)?.name === node.name ? held : ctx.primaryEni(node);
    if (eni) return net.eniEgress(eni);
  }
  const gap = vpcGap(net, node);
  // without any VPC the gap is the snapshot's, not this node's: said the same way for every node
  net.assume(`${gap.text}: packets leaving ${ctx.hasVpc ? node.name : "a node"} are assumed to reach their destination without security groups, route tables or network ACLs (capture ${gap.capture})`);
  const dst = packet.outer?.dst ?? packet.dst;
  if (dstNode) {
    steps.push(step(hop, "node", node.name, "forward", packet, `leaves ${node.name} toward ${dstNode.name} (${dst}); ${gap.short}: the network between the nodes is assumed to deliver`, node.meta.source));
    return net.node(dstNode, { kind: "wire" });
  }
  if (!isPrivateOrShared(dst)) {
    const src = packet.outer?.src ?? packet.src;
    if (isPrivateOrShared(src)) {
      // A private source is never what the internet sees: something beyond the node translates it
      // (an internet gateway's 1:1 NAT of the instance's public IP, a NAT gateway, a corporate NAT)
      // or drops it, and the snapshot does not show which — so neither the verdict nor the source
      // the destination sees can be stated.
      const u = undecided(hop, "node", node.name, packet, `leaves ${node.name} toward ${dst} from the private address ${src}; ${gap.short}: whether it reaches the internet, and from which public address (the instance's public IP at an internet gateway, a NAT gateway's Elastic IP), depends on the network beyond the node`, gap.capture, node.meta.source);
      return { name: hop, forward: (p) => ({ steps: [u.step], packet: p, next: undefined, unknown: u.unknown }) };
    }
    steps.push(step(hop, "node", node.name, "forward", packet, `leaves ${node.name} toward ${dst}; ${gap.short}: assumed to reach the internet`, node.meta.source));
    return net.internet("transit");
  }
  steps.push(step(hop, "node", node.name, "deliver", packet, `leaves ${node.name} toward ${dst}; ${gap.short}: the trace ends here`, node.meta.source));
  return undefined;
}

/** What the snapshot lacks between a node and the VPC, and what to capture. */
function vpcGap(net: Network, node: Node): { text: string; short: string; capture: string } {
  const ctx = net.ctx;
  if (!ctx.hasVpc) {
    return {
      text: "the snapshot has no VPC (no subnets or route tables)",
      short: "the network beyond the node is not in the snapshot (no VPC)",
      capture: "aws ec2 describe-vpcs, describe-subnets, describe-route-tables, describe-security-groups, describe-network-acls and describe-instances",
    };
  }
  const instanceId = ctx.network(node).instanceId;
  if (instanceId === undefined) {
    return {
      text: `node ${node.name} matches no EC2 instance of the snapshot (by spec.providerID, InternalIP or the Name tag)`,
      short: `the instance of ${node.name} is not in the snapshot`,
      capture: "aws ec2 describe-instances for its instance",
    };
  }
  return {
    text: `instance ${instanceId} of node ${node.name} has no network interface in the snapshot`,
    short: `the network interface of ${node.name} (${instanceId}) is not in the snapshot`,
    capture: "aws ec2 describe-network-interfaces, or describe-instances with its NetworkInterfaces",
  };
}
