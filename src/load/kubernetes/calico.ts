import type { FelixConfiguration, IPPool, ObjectMeta, OverlayMode } from "../../model/kubernetes.js";
import { isCidr, isIPv4 } from "../../model/net.js";
import type { Fields } from "../fields.js";

/**
 * Calico's IPPool and FelixConfiguration, in both API groups (projectcalico.org/v3 through the
 * API server, crd.projectcalico.org/v1 as stored). Field names and defaults follow
 * projectcalico/api pkg/apis/projectcalico/v3/ippool.go: vxlanMode and ipipMode default to Never,
 * blockSize to 26 for IPv4, natOutgoing to false. No TypeScript types are published for them.
 */
interface CalicoIPPool {
  spec?: {
    cidr?: string;
    vxlanMode?: string;
    ipipMode?: string;
    natOutgoing?: boolean;
    disabled?: boolean;
    nodeSelector?: string;
    blockSize?: number;
    /** v1 (pre-3.0) form, still accepted: ipip: {enabled, mode} */
    ipip?: { enabled?: boolean; mode?: string };
    "nat-outgoing"?: boolean;
  };
}

interface CalicoFelixConfiguration {
  spec?: {
    natOutgoingAddress?: string;
    natOutgoingExclusions?: string;
    vxlanEnabled?: boolean;
    ipipEnabled?: boolean;
    bpfEnabled?: boolean;
  };
}

const MODES: readonly OverlayMode[] = ["Always", "CrossSubnet", "Never"];

export function convertIPPool(f: Fields<CalicoIPPool>, meta: ObjectMeta): IPPool {
  const spec = f.obj("spec") ?? f.fail("spec is required");
  const cidr = spec.reqStr("cidr");
  if (!isCidr(cidr)) spec.fail(`cidr ${JSON.stringify(cidr)} is not a valid CIDR block`);
  const legacyIpip = spec.obj("ipip");
  let ipipMode = spec.oneOf("ipipMode", MODES, "Never");
  if (!spec.has("ipipMode") && legacyIpip?.bool("enabled")) {
    ipipMode = legacyIpip.str("mode") === "cross-subnet" ? "CrossSubnet" : "Always";
  }
  return {
    meta,
    name: meta.name,
    cidr,
    vxlanMode: spec.oneOf("vxlanMode", MODES, "Never"),
    ipipMode,
    natOutgoing: spec.bool("natOutgoing") ?? spec.bool("nat-outgoing") ?? false,
    disabled: spec.bool("disabled") ?? false,
    nodeSelector: spec.str("nodeSelector") ?? "all()",
    // projectcalico/api validation: IPv4 blocks /20–/32, IPv6 /116–/128
    blockSize: spec.int("blockSize", cidr.includes(":") ? { min: 116, max: 128 } : { min: 20, max: 32 }) ?? (cidr.includes(":") ? 122 : 26),
  };
}

export function convertFelixConfiguration(f: Fields<CalicoFelixConfiguration>, meta: ObjectMeta): FelixConfiguration {
  const spec = f.objOrEmpty("spec");
  const address = spec.str("natOutgoingAddress");
  if (address !== undefined && address !== "" && !isIPv4(address)) spec.fail(`natOutgoingAddress ${JSON.stringify(address)} is not an IPv4 address`);
  return {
    meta,
    name: meta.name,
    natOutgoingAddress: address || undefined,
    natOutgoingExclusions: spec.str("natOutgoingExclusions"),
    vxlanEnabled: spec.bool("vxlanEnabled"),
    ipipEnabled: spec.bool("ipipEnabled"),
    bpfEnabled: spec.bool("bpfEnabled"),
  };
}
