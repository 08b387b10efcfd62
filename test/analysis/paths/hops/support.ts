/**
 * A hand-built Network for driving one hop device directly (test/analysis/paths/hops/*): the
 * device under test is real, every neighbour it names is a stub whose name says which
 * constructor built it and for what ("eniEgress eni-…", "node k8s-worker-1 (wire)"), so a test
 * reads the next hop without walking on.
 */
import { join } from "node:path";
import type { Arrival, Network } from "../../../../src/analysis/paths/hops/network.js";
import type { HttpRequest } from "../../../../src/analysis/paths/load-balancers/index.js";
import { PathContext, pathPodOf, type PathPod } from "../../../../src/analysis/paths/path-context.js";
import { reversePacket, type Device, type DeviceOutcome } from "../../../../src/analysis/paths/trace-engine.js";
import type { Packet } from "../../../../src/analysis/paths/trace-model.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import { EXAMPLE, REPO } from "../../../support/helpers.js";

/**
 * The seed's cluster: Calico VXLAN (pool 192.168.0.0/16), nodes k8s-master 10.0.1.10,
 * k8s-worker-1 10.0.1.11 (tunnel 192.168.230.0), k8s-worker-2 10.0.1.12 (tunnel 192.168.140.64)
 * in subnet-…011 (rtb-…003: 0.0.0.0/0 → NAT gateway); an ALB at 10.0.2.57 / 10.0.3.142.
 */
export const example: Snapshot = loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], cwd: REPO });

function stub(name: string): Device {
  return {
    name,
    forward(): DeviceOutcome {
      throw new Error(`${name} is a stub: the test drives one device`);
    },
  };
}

function arrivalWords(arrival: Arrival): string {
  return arrival.kind === "pod" ? `pod ${arrival.pod.namespace}/${arrival.pod.name}` : arrival.kind;
}

export interface StubNetwork extends Network {
  /** the assumptions the device recorded */
  readonly assumed: string[];
}

/** A Network over `snapshot` whose neighbours are stubs named after the call that built them. */
export function stubNetwork(snapshot: Snapshot = example, request?: HttpRequest): StubNetwork {
  const assumed: string[] = [];
  return {
    ctx: new PathContext(snapshot),
    request,
    assumed,
    assume: (text) => void assumed.push(text),
    podSource: (pod) => stub(`podSource ${pod.namespace}/${pod.name}`),
    podDestination: (pod, ingressChecked) =>
      stub(`podDestination ${pod.namespace}/${pod.name}${ingressChecked ? " (ingress checked)" : ""}`),
    node: (node, arrival) => stub(`node ${node.name} (${arrivalWords(arrival)})`),
    eniEgress: (eni) => stub(`eniEgress ${eni.id}`),
    eniIngress: (eni) => stub(`eniIngress ${eni.id}`),
    subnetRouter: (subnetId) => stub(`subnetRouter ${subnetId}`),
    natGateway: (nat) => stub(`natGateway ${nat.id}`),
    internetGatewayOut: (igwId) => stub(`internetGatewayOut ${igwId}`),
    internet: (role) => stub(`internet ${role}`),
    loadBalancer: (lb, address) => stub(`loadBalancer ${lb.name} ${address}`),
    loadBalancedFlows: new Map(),
  };
}

/** A pod of `snapshot` as the path engine sees it. */
export function podNamed(namespace: string, prefix: string, snapshot: Snapshot = example): PathPod {
  const pod = snapshot.kubernetes.pods.find((p) => p.namespace === namespace && p.name.startsWith(prefix));
  const path = pod ? pathPodOf(pod) : undefined;
  if (!path) throw new Error(`no pod ${namespace}/${prefix}…`);
  return path;
}

export function tcp(src: string, dst: string, dstPort: number): Packet {
  return { src, srcPort: 49152, dst, dstPort, protocol: "TCP" };
}

/** The component/action of each step, as `component action`. */
export function actions(outcome: {
  readonly steps: readonly { readonly component: string; readonly action: string }[];
}): string[] {
  return outcome.steps.map((s) => `${s.component} ${s.action}`);
}

/** Runs the outcome's reply handler on the reply to the packet it forwarded. */
export function replyOf(outcome: DeviceOutcome): ReturnType<NonNullable<DeviceOutcome["reply"]>> {
  if (!outcome.reply) throw new Error("the device returned no reply handler");
  return outcome.reply(reversePacket(outcome.packet));
}
