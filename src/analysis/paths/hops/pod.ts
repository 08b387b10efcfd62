import { evaluateNetworkPolicies, type PodPolicyEndpoint, type PolicyEndpoint } from "../network-policy.js";
import type { PathContext, PathPod } from "../path-context.js";
import { dropped, filterStep, step, undecided, type Device, type DeviceOutcome } from "../trace-engine.js";
import type { Drop, Packet, Step } from "../trace-model.js";
import type { Network } from "./network.js";

/**
 * Pods as the ends of a path: a pod sends through its node's network namespace; a pod receives
 * after NetworkPolicy ingress. NetworkPolicy is evaluated on the packet as the pod sends or
 * receives it (after kube-proxy's DNAT, after any SNAT on the way — except a MASQUERADE on the
 * receiving pod's own node under Calico, which comes after the policy: node.ts) and is stateful: the replies of
 * an allowed connection pass (Kubernetes docs, "Network Policies": "… the reply traffic for
 * those flows is implicitly allowed").
 */

function podLabel(pod: PathPod): string {
  return `pod ${pod.namespace}/${pod.name}`;
}

function policySubject(pod: PathPod): PodPolicyEndpoint {
  return { kind: "pod", namespace: pod.namespace, name: pod.name, labels: pod.labels, ip: pod.ip, ports: pod.ports };
}

function policyPeer(ctx: PathContext, ip: string): PolicyEndpoint {
  const pod = ctx.podByIp(ip);
  return pod ? policySubject(pod) : { kind: "ip", ip };
}

/**
 * NetworkPolicy for `pod` on `packet`: egress toward its destination, or ingress from its
 * source. Returns the step (an allow naming the rule, or the drop) and the reply handler.
 */
export function policyStep(
  ctx: PathContext,
  hop: string,
  direction: "ingress" | "egress",
  pod: PathPod,
  packet: Packet,
): { step: Step; drop: Drop | undefined; reply: (back: Packet) => { steps: Step[]; packet: Packet } } {
  const peerIp = direction === "egress" ? packet.dst : packet.src;
  const verdict = evaluateNetworkPolicies(
    direction,
    policySubject(pod),
    policyPeer(ctx, peerIp),
    packet.dstPort,
    packet.protocol,
    ctx.policiesIn(pod.namespace),
    ctx.namespaces,
  );
  const d = verdict.decision;
  const notes = verdict.notes.length ? ` (${verdict.notes.join("; ")})` : "";
  const reply = (back: Packet): { steps: Step[]; packet: Packet } =>
    verdict.isolated
      ? {
          steps: [
            step(
              hop,
              "network-policy",
              d.id,
              "allow",
              back,
              `the reply of a connection ${d.id} allowed passes: NetworkPolicy is stateful (conntrack)`,
              d.source,
            ),
          ],
          packet: back,
        }
      : { steps: [], packet: back };
  return { ...filterStep(hop, "network-policy", d, packet, d.rule + notes, direction), reply };
}

/** A pod sending: the packet enters its node's network namespace through the pod's veth. */
export function podSource(net: Network, pod: PathPod): Device {
  const hop = podLabel(pod);
  return {
    name: hop,
    entry: "source",
    forward(packet): DeviceOutcome {
      const node = net.ctx.node(pod.nodeName);
      const where = pod.assumed ? ` (${pod.assumed})` : "";
      const sends = step(
        hop,
        "pod",
        `${pod.namespace}/${pod.name}`,
        "forward",
        packet,
        `${hop} (${pod.ip}${pod.hostNetwork ? ", host network" : ""}) on ${pod.nodeName ?? "no node"} sends to ${packet.dst}:${packet.dstPort}/${packet.protocol}${where}`,
        pod.source,
      );
      if (!node && pod.nodeName) {
        // bound to a node the snapshot lacks (a capture of pods without nodes): how it leaves is unknown
        const u = undecided(
          hop,
          "pod",
          `${pod.namespace}/${pod.name}`,
          packet,
          `${hop} runs on node ${pod.nodeName}, which is not in the snapshot: its addresses, CNI and network are unknown`,
          "kubectl get nodes -o yaml",
          pod.source,
        );
        return { steps: [sends, u.step], packet, next: undefined, unknown: u.unknown };
      }
      if (!node) {
        const d = dropped(
          hop,
          "pod",
          `${pod.namespace}/${pod.name}`,
          "UNKNOWN_ENDPOINT",
          packet,
          `${hop} is bound to no node in the snapshot (spec.nodeName ${pod.nodeName ?? "empty"})`,
          pod.source,
        );
        return { steps: [sends, d.step], packet, next: undefined, drop: d.drop };
      }
      return {
        steps: [sends],
        packet,
        next: net.node(node, pod.hostNetwork ? { kind: "host" } : { kind: "pod", pod }),
        reply: (back) => ({
          steps: [
            step(
              hop,
              "pod",
              `${pod.namespace}/${pod.name}`,
              "deliver",
              back,
              `the reply reaches ${hop} from ${back.src}:${back.srcPort}`,
              pod.source,
            ),
          ],
          packet: back,
        }),
      };
    },
  };
}

/** A pod receiving: NetworkPolicy ingress (unless the node evaluated it already), then delivery. */
export function podDestination(
  net: Network,
  pod: PathPod,
  ingressChecked?: ReturnType<typeof policyStep>["reply"],
): Device {
  const hop = podLabel(pod);
  return {
    name: hop,
    entry: "destination",
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      let reply: ReturnType<typeof policyStep>["reply"] | undefined = ingressChecked;
      if (!pod.hostNetwork && !ingressChecked) {
        const policy = policyStep(net.ctx, hop, "ingress", pod, packet);
        steps.push(policy.step);
        if (policy.drop) return { steps, packet, next: undefined, drop: policy.drop };
        reply = policy.reply;
      }
      const declared = pod.ports.some((p) => p.containerPort === packet.dstPort && p.protocol === packet.protocol);
      const portNote =
        pod.ports.length > 0 && !declared
          ? ` (no container declares ${packet.dstPort}/${packet.protocol}; declared ports are informational, the pod answers only if a process listens)`
          : "";
      steps.push(
        step(
          hop,
          "pod",
          `${pod.namespace}/${pod.name}`,
          "deliver",
          packet,
          `delivered to ${hop} (${pod.ip}:${packet.dstPort}); it sees the source ${packet.src}${portNote}`,
          pod.source,
        ),
      );
      return {
        steps,
        packet,
        next: undefined,
        reply: (back) => {
          const sent = step(
            hop,
            "pod",
            `${pod.namespace}/${pod.name}`,
            "forward",
            back,
            `${hop} answers from ${back.src}:${back.srcPort} to ${back.dst}:${back.dstPort}`,
            pod.source,
          );
          const r = reply ? reply(back) : { steps: [], packet: back };
          return { steps: [sent, ...r.steps], packet: back };
        },
      };
    },
  };
}
