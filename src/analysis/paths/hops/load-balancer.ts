import { matchRequestAt, type HttpRequest, type LoadBalancerView, type TargetView } from "../load-balancers/index.js";
import { ipPoolFor, podIpRoutableFromVpc } from "../calico.js";
import { dropped, step, type Device, type DeviceOutcome } from "../trace-engine.js";
import { EPHEMERAL_PORT, type Packet, type Step } from "../trace-model.js";
import type { Network } from "./network.js";

/**
 * An Application Load Balancer as a device. It is a proxy: it terminates the client's connection
 * at a listener, picks a rule by priority (load-balancers/listener-rules.ts), and opens a new
 * connection from its own private address to a target of the rule's target group — so the target
 * sees the ALB's address as the source (AWS ELB docs, "Application Load Balancer targets": "the
 * load balancer … uses the private IP address of the load balancer node as the source").
 * The response comes back on that connection and is relayed on the client's.
 */

/** Healthy targets first, then by node name and address: the deterministic pick. */
function orderTargets(targets: readonly TargetView[]): TargetView[] {
  const rank = (t: TargetView): number => (t.health === undefined || t.health === "healthy" ? 0 : t.health === "initial" ? 1 : 2);
  return [...targets].sort((a, b) => rank(a) - rank(b) || (a.node ?? "").localeCompare(b.node ?? "") || a.ip.localeCompare(b.ip) || a.port - b.port);
}

function requestFor(net: Network, lb: LoadBalancerView, packet: Packet): HttpRequest {
  if (net.request) return { ...net.request, port: packet.dstPort, sourceIp: packet.src };
  const listener = lb.listeners.find((l) => l.port === packet.dstPort);
  return { scheme: listener?.protocol === "HTTPS" ? "https" : "http", host: lb.dnsName ?? lb.name, port: packet.dstPort, path: "/", sourceIp: packet.src };
}

export function loadBalancerDevice(net: Network, lb: LoadBalancerView, address: string): Device {
  const hop = `load-balancer ${lb.name}`;
  const ctx = net.ctx;
  return {
    name: hop,
    forward(packet): DeviceOutcome {
      const request = requestFor(net, lb, packet);
      const m = matchRequestAt(ctx.loadBalancers, lb, request);
      const url = `${request.scheme}://${request.host}${request.path}`;
      if (m.kind === "drop") {
        const d = dropped(hop, m.code === "NO_MATCHING_RULE" ? "listener-rule" : "load-balancer", lb.id, m.code, packet, m.message, m.source);
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const steps: Step[] = [];
      const skipped = m.skipped.length ? `; rules tried first: ${m.skipped.map((s) => `${s.rule.description} (${s.failed})`).join("; ")}` : "";
      steps.push(step(hop, "load-balancer", m.listener.id, "allow", packet, `${lb.type === "application" ? "ALB" : "load balancer"} ${lb.name} (${lb.origin === "elbv2" ? "from the elbv2 snapshot" : "derived from the Ingresses as the AWS Load Balancer Controller builds it"}) accepts ${m.listener.protocol} on listener ${m.listener.port}`, m.listener.source));
      const relay = (back: Packet): { steps: Step[]; packet: Packet } => {
        const toClient: Packet = { src: packet.dst, srcPort: packet.dstPort, dst: packet.src, dstPort: packet.srcPort, protocol: packet.protocol };
        return { steps: [step(hop, "load-balancer", m.listener.id, "forward", toClient, `the ALB relays the response from ${back.src} on the client's connection: ${toClient.src}:${toClient.srcPort} → ${toClient.dst}:${toClient.dstPort}`, m.listener.source)], packet: toClient };
      };
      if (m.kind === "redirect" || m.kind === "fixed-response") {
        const answer = m.kind === "redirect" ? `answers ${m.statusCode.replace("HTTP_", "")} with Location: ${m.location}` : `answers ${m.statusCode} itself (fixed response)`;
        steps.push(step(hop, "listener-rule", m.rule.id, "deliver", packet, `${url} matches ${m.rule.description}${skipped}: the ALB ${answer}; no target is contacted`, m.rule.source));
        return { steps, packet, next: undefined, reply: () => relay(packet) };
      }
      steps.push(step(hop, "listener-rule", m.rule.id, "forward", packet, `${url} matches ${m.rule.description}${m.rule.ingress ? ` (Ingress ${m.rule.ingress.namespace}/${m.rule.ingress.name})` : ""}${skipped}: forward to target group ${m.targetGroup.name}`, m.rule.source));
      const tg = m.targetGroup;
      const targets = orderTargets(tg.targets);
      const target = targets[0];
      if (!target) {
        const d = dropped(hop, "target-group", tg.id, "NO_ENDPOINTS", packet, `target group ${tg.name} has no registered targets${tg.targetsFrom === "none" ? " in the snapshot" : ""}: the ALB answers 503`, tg.source);
        steps.push(d.step);
        return { steps, packet, next: undefined, drop: d.drop };
      }
      const allUnhealthy = targets.every((t) => t.health !== undefined && t.health !== "healthy");
      const out: Packet = { src: address, srcPort: EPHEMERAL_PORT, dst: target.ip, dstPort: target.port, protocol: packet.protocol };
      const others = targets.length > 1 ? ` (${targets.length} targets: ${targets.map((t) => `${t.node ?? t.id} ${t.ip}:${t.port}${t.health ? ` ${t.health}` : ""}`).join(", ")}; the first is traced)` : "";
      const service = tg.service ? ` for Service ${tg.service.namespace}/${tg.service.name} port ${tg.service.port}` : "";
      const health = allUnhealthy ? "; every target is unhealthy, so the ALB fails open and routes to all of them" : "";
      steps.push(
        step(hop, "target-group", tg.id, "dnat", out, `target group ${tg.name} (target type ${tg.targetType}${service}) → ${target.kind} ${target.id}${target.node ? ` (node ${target.node})` : ""} at ${target.ip}:${target.port}${others}${health}. The ALB opens a new connection from its own address ${address}: the target sees ${address}, not the client`, tg.source),
      );
      const lbEni = ctx.eniForIp(address)?.eni;
      if (lbEni) return { steps, packet: out, next: net.eniEgress(lbEni), reply: relay };
      // the load balancer's ENIs are unknown (derived from Ingresses): the VPC between it and the
      // target is not evaluated, but a pod address of an overlay pool is still unreachable
      const pool = ctx.cni.networking === "calico" ? ipPoolFor(target.ip, ctx.snapshot.kubernetes.ipPools) : undefined;
      if (pool && !ctx.eniForIp(target.ip)) {
        const r = podIpRoutableFromVpc(target.ip, ctx.snapshot.kubernetes.ipPools);
        const d = dropped(hop, "target-group", tg.id, "TARGET_NOT_ROUTABLE", out, r.note, pool.meta.source);
        steps.push(d.step);
        return { steps, packet: out, next: undefined, drop: d.drop };
      }
      const node = ctx.node(target.node) ?? ctx.nodeWithAddress(target.ip);
      if (node) return { steps, packet: out, next: net.node(node, { kind: "wire" }), reply: relay };
      steps.push(step(hop, "target-group", tg.id, "deliver", out, `delivered to ${target.ip}:${target.port}; what lies behind it is not in the snapshot`, tg.source));
      return { steps, packet: out, next: undefined, reply: relay };
    },
  };
}
