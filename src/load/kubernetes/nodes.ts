import type { Diagnostic } from "../../model/diagnostics.js";
import { formatSource } from "../../model/source.js";
import type { V1Node } from "@kubernetes/client-node";
import type { Node, ObjectMeta, Taint } from "../../model/kubernetes.js";
import { isCidr, isIPv4, isIPv6 } from "../../model/net.js";
import { FieldAt, Malformed, type DocumentContext, type Fields } from "../fields.js";
import { readResources } from "./meta.js";
import { TAINT_EFFECTS } from "./pod-spec.js";

/** Calico's node annotations (projectcalico.org, set by calico-node at start). */
const CALICO = {
  vxlan: "projectcalico.org/IPv4VXLANTunnelAddr",
  ipip: "projectcalico.org/IPv4IPIPTunnelAddr",
  wireguard: "projectcalico.org/IPv4WireguardInterfaceAddr",
  nodeAddress: "projectcalico.org/IPv4Address",
} as const;

export function convertNode(f: Fields<V1Node>, meta: ObjectMeta, ctx: DocumentContext): Node {
  const spec = f.objOrEmpty("spec");
  const status = f.objOrEmpty("status");
  const taints: Taint[] = spec.objs("taints").map((t) => {
    if (!t.has("effect")) t.fail("effect is required");
    return {
      key: t.reqStr("key"),
      value: t.str("value") ?? "",
      effect: t.oneOf("effect", TAINT_EFFECTS, "NoSchedule"),
      source: ctx.source(t.raw),
    };
  });
  const addresses = status.objs("addresses").map((a) => {
    const type = a.reqStr("type");
    const address = a.reqStr("address");
    if ((type === "InternalIP" || type === "ExternalIP") && !isIPv4(address) && !isIPv6(address)) {
      a.fail(`address ${JSON.stringify(address)} is not an IP address`);
    }
    return { type, address };
  });
  const podCIDRs =
    spec.strings("podCIDRs").length > 0 ? spec.strings("podCIDRs") : spec.str("podCIDR") ? [spec.str("podCIDR")!] : [];
  for (const cidr of podCIDRs) if (!isCidr(cidr)) spec.fail(`podCIDRs: ${JSON.stringify(cidr)} is not a CIDR block`);
  const annotation = (key: string, cidr: boolean): string | undefined => {
    const value = meta.annotations[key];
    if (value === undefined) return undefined;
    const ok = cidr ? isCidr(value) : isIPv4(value);
    if (!ok)
      throw new Malformed(
        `annotation ${key}: ${JSON.stringify(value)} is not ${cidr ? "an address with prefix" : "an IPv4 address"}`,
        new FieldAt(meta.annotations, key),
      );
    return value;
  };
  const capacity = readResources(status.obj("capacity"));
  const allocatable = status.has("allocatable") ? readResources(status.obj("allocatable")) : capacity;
  return {
    meta,
    name: meta.name,
    labels: meta.labels,
    taints,
    unschedulable: spec.bool("unschedulable") ?? false,
    ready: readyCondition(
      status
        .objs("conditions")
        .find((c) => c.str("type") === "Ready")
        ?.str("status"),
    ),
    allocatable,
    capacity,
    addresses,
    internalIP:
      addresses.find((a) => a.type === "InternalIP" && isIPv4(a.address))?.address ??
      addresses.find((a) => a.type === "InternalIP")?.address,
    externalIP: addresses.find((a) => a.type === "ExternalIP")?.address,
    providerID: spec.str("providerID") || undefined,
    podCIDRs,
    overlay: {
      vxlan: annotation(CALICO.vxlan, false),
      ipip: annotation(CALICO.ipip, false),
      wireguard: annotation(CALICO.wireguard, false),
      nodeAddress: annotation(CALICO.nodeAddress, true),
    },
    images: status
      .objs("images")
      .map((i) => ({ names: i.strings("names"), sizeBytes: i.int("sizeBytes", { min: 0 }) ?? 0 })),
    kubeletVersion: kubeletVersion(status.obj("nodeInfo"), ctx),
  };
}

/** status.nodeInfo.kubeletVersion, located at the nodeInfo mapping; undefined when absent or empty. */
function kubeletVersion(
  nodeInfo: Fields<{ kubeletVersion?: string }> | undefined,
  ctx: DocumentContext,
): Node["kubeletVersion"] {
  const version = nodeInfo?.str("kubeletVersion");
  return version ? { version, source: ctx.source(nodeInfo!.raw) } : undefined;
}

function readyCondition(status: string | undefined): Node["ready"] {
  return status === "True" || status === "False" || status === "Unknown" ? status : undefined;
}

/**
 * Two nodes reporting the same InternalIP (a cloned VM, a reused address, two captures of
 * different clusters merged): joins by InternalIP, hostIP and traces would pick one of them
 * arbitrarily. One located warning per shared address, naming every node that has it.
 */
export function warnSharedInternalIps(nodes: readonly Node[], diagnostics: Diagnostic[]): void {
  const byIp = new Map<string, Node[]>();
  for (const n of nodes) {
    if (!n.internalIP) continue;
    const list = byIp.get(n.internalIP);
    if (list) list.push(n);
    else byIp.set(n.internalIP, [n]);
  }
  for (const [ip, list] of byIp) {
    if (list.length < 2) continue;
    const [first, ...others] = list;
    diagnostics.push({
      code: "duplicate-node-ip",
      severity: "warning",
      message: `nodes ${list.map((n) => `${n.name} (${formatSource(n.meta.source)})`).join(" and ")} share the InternalIP ${ip}: lookups by node address (instance joins, pods' hostIP, traces to ${ip}) cannot tell them apart; ${others.length === 1 ? `${others[0]!.name} is` : "the others are"} most likely a stale or cloned node`,
      source: first!.meta.source,
    });
  }
}
