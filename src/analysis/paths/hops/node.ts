import type { IPPool, Node } from "../../../model/kubernetes.js";
import { isPrivateOrShared } from "../../../model/net.js";
import { ipPoolFor, natOutgoing, nodeAddresses, nodePrimaryIp, overlayFor } from "../calico.js";
import { resolveServiceTarget, type MasqueradeChoice, type ServiceTarget } from "../kube-proxy.js";
import type { PathPod } from "../path-context.js";
import {
  dropped,
  inner,
  step,
  undecided,
  undoInReverse,
  withDestination,
  withSource,
  type Device,
  type DeviceOutcome,
  type ReplyHandler,
} from "../trace-engine.js";
import type { Component, Packet, SnatReason, Step, TunnelDetail } from "../trace-model.js";
import { vpcCniSnat } from "../vpc-cni.js";
import {
  describeDecapsulation,
  describeHostDelivery,
  describeIngressBeforeMasquerade,
  describeMasquerade,
  describeOverlayReply,
  describeReencapsulation,
  describeUnDnat,
  describeUnroutedPoolAddress,
  describeUnSnat,
} from "../wording.js";
import type { Arrival, Network } from "./network.js";
import { policyStep } from "./pod.js";

/**
 * A node's network namespace, in netfilter order (a packet from a pod's veth, from the host, or
 * from the wire), as named stages run in order over one per-packet state (`NodePass`) — after
 * Batfish's per-hop pipeline (dataplane/traceroute/FlowTracer.java: enter interface, ingress
 * filter, transformation, routing, egress filter and transformation, exit interface), each stage
 * returning its steps, or the drop that ends the walk:
 *
 * 1. `decapsulate`: VXLAN/IPIP addressed to this node (Calico);
 * 2. `serviceDnat`: kube-proxy's DNAT — ClusterIP, NodePort, LoadBalancer and external IPs — and
 *    its masquerade mark (nat PREROUTING/OUTPUT, see kube-proxy.ts);
 * 3. `egressPolicy`: NetworkPolicy egress of the sending pod, on the packet after DNAT (Calico's
 *    filter FORWARD);
 * 4. `route`: to the node itself, to a local pod, to a pod on another node (Calico VXLAN/IPIP or
 *    native routing; the VPC CNI routes pod addresses natively), or out through the node's ENI;
 *    `localIngressPolicy`: a local pod's ingress in Calico's filter FORWARD, before the SNAT;
 * 5. `sourceNat`: SNAT in nat POSTROUTING — kube-proxy's MASQUERADE when marked, else Calico
 *    natOutgoing (calico.ts) or the VPC CNI's SNAT (vpc-cni.ts) for pod traffic leaving the
 *    pool/VPC;
 * 6. `encapsulate` (Calico overlay toward another node) or `leaveNode` (the ENI, or the network
 *    beyond the node when the snapshot lacks it).
 *
 * Replies meet the same connection in conntrack: every translation is undone in reverse order and
 * nothing is NATed again.
 */

/** Where stage 4 sends the packet. */
type NodeRoute =
  /** one of the node's own addresses: its host network namespace */
  | "host"
  /** a pod on this node (`NodePass.dstPod`) */
  | "local-pod"
  /** a Calico pool address on another node (`NodePass.pool`, `NodePass.dstNode`) */
  | "pool"
  /** anything else: out of the node (toward `NodePass.dstNode` when it is a node or its pod) */
  | "out";

/** The state one packet carries through a node's stages. */
interface NodePass {
  readonly net: Network;
  readonly node: Node;
  readonly hop: string;
  readonly arrival: Arrival;
  readonly nodeIp: string | undefined;
  readonly own: readonly string[];
  /** the packet as the stages have left it so far */
  packet: Packet;
  readonly steps: Step[];
  /** each translation's and filter's conntrack state, undone last-first on the reply */
  readonly undos: ReplyHandler[];
  sourcePod: PathPod | undefined;
  /** kube-proxy's DNAT, when a service matched */
  dnat: Extract<ServiceTarget, { kind: "dnat" }> | undefined;
  /** kube-proxy's masquerade mark of the DNAT, when marked */
  masquerade: MasqueradeChoice | undefined;
  route: NodeRoute;
  dstPod: PathPod | undefined;
  dstNode: Node | undefined;
  pool: IPPool | undefined;
}

export function nodeDevice(net: Network, node: Node, arrival: Arrival): Device {
  const hop = `node ${node.name}`;
  const nodeIp = nodePrimaryIp(node);
  const own = nodeAddresses(node);
  return {
    name: hop,
    entry: arrival.kind,
    forward(packet): DeviceOutcome {
      const s: NodePass = {
        net,
        node,
        hop,
        arrival,
        nodeIp,
        own,
        packet,
        steps: [],
        undos: [],
        sourcePod: undefined,
        dnat: undefined,
        masquerade: undefined,
        route: "out",
        dstPod: undefined,
        dstNode: undefined,
        pool: undefined,
      };
      decapsulate(s);
      const stopped = serviceDnat(s) ?? egressPolicy(s) ?? route(s);
      if (stopped) return stopped;
      switch (s.route) {
        case "host":
          return pass(s, undefined);
        case "local-pod": {
          const checked = localIngressPolicy(s);
          if (checked?.drop) return checked.drop;
          sourceNat(s);
          return pass(s, net.podDestination(s.dstPod!, checked?.reply));
        }
        case "pool":
          sourceNat(s);
          return encapsulate(s);
        case "out":
          sourceNat(s);
          return pass(s, leaveNode(net, node, s.packet, s.dstNode, s.steps, hop));
      }
    },
  };
}

/** The packet passes on to `next` (undefined: delivered here), with the stages' reply handler. */
function pass(s: NodePass, next: Device | undefined): DeviceOutcome {
  return { steps: s.steps, packet: s.packet, next, reply: undoInReverse(s.undos) };
}

/** The walk ends here with a drop. */
function stop(s: NodePass, d: { step: Step; drop: DeviceOutcome["drop"] }): DeviceOutcome {
  s.steps.push(d.step);
  return { steps: s.steps, packet: s.packet, next: undefined, drop: d.drop };
}

/** 1. VXLAN/IP-in-IP addressed to this node: the header is stripped (vxlan.calico / tunl0). */
function decapsulate(s: NodePass): void {
  const outer = s.packet.outer;
  if (!outer || !s.own.includes(outer.dst)) return;
  const { hop, node } = s;
  const p = (s.packet = inner(s.packet));
  const detail: TunnelDetail = {
    kind: "tunnel",
    mode: outer.protocol === "UDP" ? "vxlan" : "ipip",
    op: "decapsulate",
    peer: outer.src,
  };
  s.steps.push(
    step(
      hop,
      "calico-overlay",
      node.name,
      "decapsulate",
      p,
      describeDecapsulation(detail, node.name, p),
      node.meta.source,
      detail,
    ),
  );
  s.undos.push((back) => {
    const wrapped: Packet = {
      ...back,
      outer: { src: outer.dst, dst: outer.src, protocol: outer.protocol, dstPort: outer.dstPort },
    };
    return {
      steps: [
        step(
          hop,
          "calico-overlay",
          node.name,
          "encapsulate",
          wrapped,
          describeReencapsulation(outer.src),
          node.meta.source,
        ),
      ],
      packet: wrapped,
    };
  });
}

/** 2. kube-proxy (nat PREROUTING/OUTPUT): where the ClusterIP, NodePort, LoadBalancer and external-IP DNAT happens. */
function serviceDnat(s: NodePass): DeviceOutcome | undefined {
  const { hop, node } = s;
  const ctx = s.net.ctx;
  const p = s.packet;
  s.sourcePod = s.arrival.kind === "pod" ? s.arrival.pod : ctx.podByIp(p.src);
  const target = resolveServiceTarget(ctx.snapshot, p.dst, p.dstPort, p.protocol, {
    arrivingOnNode: node.name,
    sourceIsPod: s.sourcePod !== undefined,
    sourceIp: p.src,
    clusterCIDRs: ctx.clusterCIDRs,
    assumedServices: ctx.assumedServices,
    assumedEndpoints: ctx.assumedEndpoints,
  });
  if (target.kind === "dropped")
    return stop(s, dropped(hop, "kube-proxy", target.id, target.code, p, target.note, target.source));
  if (target.kind === "not-proxied")
    s.steps.push(step(hop, "kube-proxy", target.id, "forward", p, target.note, target.source));
  if (target.kind !== "dnat") return undefined;
  const after = (s.packet = withDestination(p, target.dnat.ip, target.dnat.port));
  s.steps.push(
    step(hop, "kube-proxy", target.id, "dnat", after, `${target.rule}: ${target.note}`, target.source, target.detail),
  );
  s.dnat = target;
  s.masquerade = target.masquerade.masquerade ? target.masquerade : undefined;
  s.undos.push((back) => {
    const restored = withSource(back, p.dst, p.dstPort);
    return {
      steps: [
        step(
          hop,
          "kube-proxy",
          target.id,
          "snat",
          restored,
          describeUnDnat(back.src, back.srcPort, p.dst, p.dstPort),
          target.source,
        ),
      ],
      packet: restored,
    };
  });
  return undefined;
}

/** 3. NetworkPolicy egress of the sending pod, on the packet after DNAT. */
function egressPolicy(s: NodePass): DeviceOutcome | undefined {
  if (s.arrival.kind !== "pod" || s.arrival.pod.hostNetwork) return undefined;
  const policy = policyStep(s.net.ctx, s.hop, "egress", s.arrival.pod, s.packet);
  if (policy.drop) return stop(s, { step: policy.step, drop: policy.drop });
  s.steps.push(policy.step);
  s.undos.push((back) => policy.reply(back));
  return undefined;
}

/** 4. The node's routing decision (sets `s.route`); a pool address no pod holds has no route. */
function route(s: NodePass): DeviceOutcome | undefined {
  const { hop, node } = s;
  const ctx = s.net.ctx;
  const dst = s.packet.dst;
  if (s.own.includes(dst)) {
    s.route = "host";
    s.steps.push(
      step(hop, "node", node.name, "deliver", s.packet, describeHostDelivery(node.name, dst), node.meta.source),
    );
    return undefined;
  }
  const dstPod = (s.dstPod = ctx.podByIp(dst));
  if (dstPod && dstPod.nodeName === node.name) {
    s.route = "local-pod";
    return undefined;
  }
  const pool = ctx.cni.networking === "calico" ? ipPoolFor(dst, ctx.snapshot.kubernetes.ipPools) : undefined;
  if (pool) {
    s.route = "pool";
    s.pool = pool;
    s.dstNode = ctx.node(dstPod?.nodeName);
    if (!s.dstNode)
      return stop(
        s,
        dropped(
          hop,
          "calico-overlay",
          pool.name,
          "NO_ROUTE",
          s.packet,
          describeUnroutedPoolAddress(dst, pool),
          pool.meta.source,
        ),
      );
    return undefined;
  }
  s.route = "out";
  s.dstNode = ctx.nodeWithAddress(dst) ?? (dstPod ? ctx.node(dstPod.nodeName) : undefined);
  return undefined;
}

/**
 * 4b. A local pod's ingress policy, when kube-proxy marked the packet for MASQUERADE on Calico:
 * Calico's iptables dataplane evaluates it in filter FORWARD (cali-to-wl-dispatch), before nat
 * POSTROUTING's MASQUERADE, so the policy sees the source before kube-proxy's SNAT (a hairpin sees
 * the pod itself, a NodePort the client). (The VPC CNI's policy agent filters at the veth's tc
 * hook, after POSTROUTING: the destination pod's device evaluates it.)
 */
function localIngressPolicy(
  s: NodePass,
): { drop?: DeviceOutcome; reply?: ReturnType<typeof policyStep>["reply"] } | undefined {
  const dstPod = s.dstPod!;
  if (!s.masquerade || s.net.ctx.cni.networking !== "calico" || dstPod.hostNetwork) return undefined;
  const policy = policyStep(s.net.ctx, s.hop, "ingress", dstPod, s.packet);
  const seen = {
    ...policy.step,
    note: describeIngressBeforeMasquerade(policy.step.note, dstPod, s.node.name, s.packet.src),
  };
  if (policy.drop) return { drop: stop(s, { step: seen, drop: policy.drop }) };
  s.steps.push(seen);
  return { reply: policy.reply };
}

/**
 * 5. SNAT in nat POSTROUTING: kube-proxy's MASQUERADE when it marked the packet; else, leaving a
 * node for another node or out, Calico natOutgoing for pool sources (which also says why it keeps
 * a source) or the VPC CNI's SNAT of its pods' traffic leaving the VPC.
 */
function sourceNat(s: NodePass): void {
  const masquerade = s.masquerade;
  if (masquerade) {
    const to = masquerade.snatTo ?? s.nodeIp;
    if (to && masquerade.via !== "local-delivery")
      snat(
        s,
        to,
        "kube-proxy",
        s.dnat!.id,
        describeMasquerade(masquerade.rule, masquerade.reason),
        masquerade.source,
        masquerade.because ?? "hairpin",
      );
    return;
  }
  if (s.route === "local-pod") return;
  const ctx = s.net.ctx;
  const p = s.packet;
  const pools = ctx.snapshot.kubernetes.ipPools;
  if (ctx.cni.networking === "calico" && ipPoolFor(p.src, pools)) {
    const nat = natOutgoing(p.src, p.dst, pools, ctx.felixSettings(s.node.name), s.node, (ip) =>
      ctx.nodeWithAddress(ip),
    );
    if (nat.masquerade && nat.snatTo)
      snat(s, nat.snatTo, "calico-natoutgoing", nat.id, `${nat.rule}: ${nat.note}`, nat.source, "calico-nat-outgoing");
    else s.steps.push(step(s.hop, "calico-natoutgoing", nat.id, "forward", p, nat.note, nat.source));
    return;
  }
  const pod = s.sourcePod;
  if (
    s.route === "out" &&
    ctx.cni.networking === "aws-vpc-cni" &&
    pod &&
    !pod.hostNetwork &&
    pod.nodeName === s.node.name &&
    p.src === pod.ip
  ) {
    const nat = vpcCniSnat(p.src, p.dst, ctx.snapshot, s.node);
    if (nat.snat && nat.snatTo)
      snat(s, nat.snatTo, "vpc-cni-snat", nat.id, `${nat.rule}: ${nat.note}`, nat.source, "vpc-cni-snat");
    else s.steps.push(step(s.hop, "vpc-cni-snat", nat.id, "forward", p, nat.note, nat.source));
  }
}

/** One SNAT: the step, and its conntrack reversal for the reply. */
function snat(
  s: NodePass,
  to: string,
  component: Component,
  id: string,
  note: string,
  source: Step["source"],
  reason: SnatReason,
): void {
  const before = s.packet;
  const hop = s.hop;
  const after = (s.packet = withSource(before, to));
  s.steps.push(step(hop, component, id, "snat", after, note, source, { kind: "snat", reason, from: before.src, to }));
  s.undos.push((back) => {
    const restored = withDestination(back, before.src, before.srcPort);
    return {
      steps: [step(hop, component, id, "dnat", restored, describeUnSnat(back.dst, before.src), source)],
      packet: restored,
    };
  });
}

/** 6. Toward a pool address on another node: Calico's VXLAN/IP-in-IP encapsulation, or native routing. */
function encapsulate(s: NodePass): DeviceOutcome {
  const { hop, node } = s;
  const ctx = s.net.ctx;
  const dstNode = s.dstNode!;
  const p = s.packet;
  const overlay = overlayFor(node, dstNode, s.pool, ctx.networksOf(node, dstNode), p.dst, ctx.snapshot.aws);
  if (!overlay.allowed)
    return stop(s, dropped(hop, "calico-overlay", overlay.id, overlay.code, p, overlay.note, overlay.source));
  if (overlay.outer) {
    const wrapped = (s.packet = { ...p, outer: overlay.outer });
    const mode = overlay.outer.protocol === "UDP" ? "vxlan" : "ipip";
    s.steps.push(
      step(hop, "calico-overlay", overlay.id, "encapsulate", wrapped, overlay.note, overlay.source, {
        kind: "tunnel",
        mode,
        op: "encapsulate",
        peer: overlay.outer.dst,
      }),
    );
    s.undos.push((back) => {
      const stripped = inner(back);
      return {
        steps: [
          step(
            hop,
            "calico-overlay",
            overlay.id,
            "decapsulate",
            stripped,
            describeOverlayReply(
              back.outer?.src ?? dstNode.name,
              node.name,
              stripped.dst,
              stripped.dst === node.overlay.vxlan || stripped.dst === node.overlay.ipip,
            ),
            overlay.source,
          ),
        ],
        packet: stripped,
      };
    });
  } else {
    s.steps.push(step(hop, "calico-overlay", overlay.id, "forward", p, overlay.note, overlay.source));
  }
  return pass(s, leaveNode(s.net, node, s.packet, dstNode, s.steps, hop));
}

/**
 * The packet leaves the node: through the ENI holding its source address (a VPC CNI pod's
 * secondary address, whose ENI's security groups apply to it), else the primary ENI. Without
 * the VPC in the snapshot (or without the node's instance or interface), the network between the
 * nodes is assumed to deliver, and the trace's assumptions say so.
 */
function leaveNode(
  net: Network,
  node: Node,
  packet: Packet,
  dstNode: Node | undefined,
  steps: Step[],
  hop: string,
): Device | undefined {
  const ctx = net.ctx;
  if (ctx.hasVpc) {
    const src = packet.outer?.src ?? packet.src;
    const held = ctx.eniForIp(src)?.eni;
    const eni =
      held && ctx.nodeOfInstance(held.attachment?.instanceId)?.name === node.name ? held : ctx.primaryEni(node);
    if (eni) return net.eniEgress(eni);
  }
  const gap = vpcGap(net, node);
  // without any VPC the gap is the snapshot's, not this node's: said the same way for every node
  net.assume(
    `${gap.text}: packets leaving ${ctx.hasVpc ? node.name : "a node"} are assumed to reach their destination without security groups, route tables or network ACLs (capture ${gap.capture})`,
  );
  const dst = packet.outer?.dst ?? packet.dst;
  if (dstNode) {
    steps.push(
      step(
        hop,
        "node",
        node.name,
        "forward",
        packet,
        `leaves ${node.name} toward ${dstNode.name} (${dst}); ${gap.short}: the network between the nodes is assumed to deliver`,
        node.meta.source,
      ),
    );
    return net.node(dstNode, { kind: "wire" });
  }
  if (!isPrivateOrShared(dst)) {
    const src = packet.outer?.src ?? packet.src;
    if (isPrivateOrShared(src)) {
      // A private source is never what the internet sees: something beyond the node translates it
      // (an internet gateway's 1:1 NAT of the instance's public IP, a NAT gateway, a corporate NAT)
      // or drops it, and the snapshot does not show which — so neither the verdict nor the source
      // the destination sees can be stated.
      const u = undecided(
        hop,
        "node",
        node.name,
        packet,
        `leaves ${node.name} toward ${dst} from the private address ${src}; ${gap.short}: whether it reaches the internet, and from which public address (the instance's public IP at an internet gateway, a NAT gateway's Elastic IP), depends on the network beyond the node`,
        gap.capture,
        node.meta.source,
      );
      return { name: hop, forward: (p) => ({ steps: [u.step], packet: p, next: undefined, unknown: u.unknown }) };
    }
    steps.push(
      step(
        hop,
        "node",
        node.name,
        "forward",
        packet,
        `leaves ${node.name} toward ${dst}; ${gap.short}: assumed to reach the internet`,
        node.meta.source,
      ),
    );
    return net.internet("transit");
  }
  steps.push(
    step(
      hop,
      "node",
      node.name,
      "deliver",
      packet,
      `leaves ${node.name} toward ${dst}; ${gap.short}: the trace ends here`,
      node.meta.source,
    ),
  );
  return undefined;
}

/** What the snapshot lacks between a node and the VPC, and what to capture. */
function vpcGap(net: Network, node: Node): { text: string; short: string; capture: string } {
  const ctx = net.ctx;
  if (!ctx.hasVpc) {
    return {
      text: "the snapshot has no VPC (no subnets or route tables)",
      short: "the network beyond the node is not in the snapshot (no VPC)",
      capture:
        "aws ec2 describe-vpcs, describe-subnets, describe-route-tables, describe-security-groups, describe-network-acls and describe-instances",
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
