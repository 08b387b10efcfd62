import type { Diagnostic } from "../../model/diagnostics.js";
import type {
  FelixConfiguration,
  IPPool,
  ObjectMeta,
  OverlayMode,
  Pod,
  PodSpec,
  Workload,
} from "../../model/kubernetes.js";
import { cidrContains, formatCidr4, isCidr, isIPv4, parseCidr4, parseIPv4 } from "../../model/net.js";
import type { SourceRef } from "../../model/source.js";
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
    blockSize:
      spec.int("blockSize", cidr.includes(":") ? { min: 116, max: 128 } : { min: 20, max: 32 }) ??
      (cidr.includes(":") ? 122 : 26),
  };
}

export function convertFelixConfiguration(f: Fields<CalicoFelixConfiguration>, meta: ObjectMeta): FelixConfiguration {
  const spec = f.objOrEmpty("spec");
  const address = spec.str("natOutgoingAddress");
  if (address !== undefined && address !== "" && !isIPv4(address))
    spec.fail(`natOutgoingAddress ${JSON.stringify(address)} is not an IPv4 address`);
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

/**
 * The name calico-node gives the pool it creates (node/pkg/lifecycle/startup/startup.go
 * DEFAULT_IPV4_POOL_NAME).
 */
const DEFAULT_IPV4_POOL_NAME = "default-ipv4-ippool";
const DEFAULT_IPV4_POOL_CIDR = "192.168.0.0/16";

/** calico-node: its DaemonSet (also one known only through its pods), else one of its pods. */
function calicoNodeSpec(
  workloads: readonly Workload[],
  pods: readonly Pod[],
): { spec: PodSpec; what: string; source: SourceRef } | undefined {
  const ds = workloads.find((w) => w.kind === "DaemonSet" && w.name === "calico-node");
  if (ds)
    return {
      spec: ds.template.spec,
      what: ds.knownFromPods
        ? `calico-node pod ${ds.knownFromPods.templateFrom}`
        : `DaemonSet ${ds.namespace}/calico-node`,
      source: ds.meta.source,
    };
  const pod = pods.find(
    (p) => p.labels["k8s-app"] === "calico-node" || p.spec.containers.some((c) => c.name === "calico-node"),
  );
  return pod
    ? { spec: pod.spec, what: `calico-node pod ${pod.namespace}/${pod.name}`, source: pod.meta.source }
    : undefined;
}

/** createIPPool's mode parsing: "", off, never → Never; crosssubnet, cross-subnet → CrossSubnet; always → Always. */
function poolMode(value: string | undefined): OverlayMode | undefined {
  switch ((value ?? "").toLowerCase()) {
    case "":
    case "off":
    case "never":
      return "Never";
    case "crosssubnet":
    case "cross-subnet":
      return "CrossSubnet";
    case "always":
      return "Always";
    default:
      return undefined;
  }
}

/**
 * A plain `calico.yaml` install holds no IPPool object: calico-node creates the default IPv4 pool
 * at its first start from its environment (projectcalico/calico node/pkg/lifecycle/startup/
 * startup.go configureIPPools and createIPPool). When the snapshot has calico-node and no IPPool,
 * this builds that pool as calico-node would, as an assumed object (`derived`) whose source is the
 * env entry that sets its CIDR (else the container): NO_DEFAULT_POOLS=true or
 * CALICO_IPV4POOL_CIDR=none make none; CALICO_IPV4POOL_CIDR (unset: 192.168.0.0/16, unless
 * kubeadm-config's podSubnet or a clash with a host address picked another — then the pods' IPs
 * tell), CALICO_IPV4POOL_BLOCK_SIZE (26), CALICO_IPV4POOL_IPIP and _VXLAN (Never),
 * CALICO_IPV4POOL_NAT_OUTGOING (evaluateENVBool, default true: false only for false/0/no/n/f),
 * CALICO_IPV4POOL_NODE_SELECTOR (all()). A value taken from a ConfigMap (valueFrom) is unknown:
 * said, and for the CIDR no pool is built. Diagnostics say what was derived and from where.
 */
export function calicoNodeDefaultPool(
  workloads: readonly Workload[],
  pods: readonly Pod[],
  ipPools: readonly IPPool[],
  diagnostics: Diagnostic[],
): IPPool | undefined {
  if (ipPools.length > 0) return undefined;
  const found = calicoNodeSpec(workloads, pods);
  if (!found) return undefined;
  const containers = found.spec.containers;
  const container =
    containers.find((c) => c.name === "calico-node") ??
    containers.find((c) => c.envNames.some((n) => n.startsWith("CALICO_IPV4POOL_") || n === "NO_DEFAULT_POOLS"));
  const env = container?.envValues ?? {};
  const sources = container?.envSources ?? {};
  const from = container?.envFrom ?? {};
  const at = (name: string): SourceRef => sources[name] ?? found.source;
  const say = (severity: Diagnostic["severity"], message: string, source: SourceRef) =>
    diagnostics.push({ code: "derived-object", severity, message, source });
  const where = found.what;

  if ((env["NO_DEFAULT_POOLS"] ?? "").toLowerCase() === "true") {
    say(
      "warning",
      `${where} sets NO_DEFAULT_POOLS=true and the snapshot has no IPPool: the pod address pools are unknown (add them: kubectl get ippools.crd.projectcalico.org -o yaml)`,
      at("NO_DEFAULT_POOLS"),
    );
    return undefined;
  }
  const unknown = Object.keys(from)
    .filter((n) => n.startsWith("CALICO_IPV4POOL_") || n === "NO_DEFAULT_POOLS")
    .sort();
  if (from["CALICO_IPV4POOL_CIDR"] || from["NO_DEFAULT_POOLS"]) {
    const n = from["CALICO_IPV4POOL_CIDR"] ? "CALICO_IPV4POOL_CIDR" : "NO_DEFAULT_POOLS";
    say(
      "warning",
      `${where} takes ${n} from ${from[n]} (valueFrom), which the snapshot does not hold: the default IP pool calico-node creates is unknown (add the ConfigMap, or the IPPool: kubectl get ippools.crd.projectcalico.org -o yaml)`,
      at(n),
    );
    return undefined;
  }
  const cidrEnv = env["CALICO_IPV4POOL_CIDR"] ?? "";
  if (cidrEnv.toLowerCase() === "none") {
    say(
      "info",
      `${where} sets CALICO_IPV4POOL_CIDR=none: calico-node creates no IPv4 pool, and the snapshot has none`,
      at("CALICO_IPV4POOL_CIDR"),
    );
    return undefined;
  }
  let cidr = cidrEnv;
  if (cidr === "") {
    // unset: kubeadm-config's podSubnet if present, else 192.168.0.0/16 unless it clashes with a host address
    cidr = DEFAULT_IPV4_POOL_CIDR;
    const pool = parseCidr4(cidr)!;
    const outside = pods.find(
      (p) =>
        !p.spec.hostNetwork &&
        p.podIP !== undefined &&
        p.podIP !== p.hostIP &&
        isIPv4(p.podIP) &&
        !cidrContains(pool, parseIPv4(p.podIP)!),
    );
    if (outside) {
      say(
        "warning",
        `${where} does not set CALICO_IPV4POOL_CIDR and the snapshot has no IPPool; pod ${outside.namespace}/${outside.name} has ${outside.podIP}, outside calico-node's default ${DEFAULT_IPV4_POOL_CIDR}, so the pool came from kubeadm-config's podSubnet (or another choice): its CIDR is unknown (add the IPPool: kubectl get ippools.crd.projectcalico.org -o yaml)`,
        found.source,
      );
      return undefined;
    }
  }
  const parsed = parseCidr4(cidr);
  if (!parsed) {
    say(
      "warning",
      `${where} sets CALICO_IPV4POOL_CIDR=${JSON.stringify(cidr)}, not an IPv4 CIDR: calico-node refuses to start ("Invalid CIDR specified in CALICO_IPV4POOL_CIDR")`,
      at("CALICO_IPV4POOL_CIDR"),
    );
    return undefined;
  }
  const ipipMode = poolMode(env["CALICO_IPV4POOL_IPIP"]);
  const vxlanMode = poolMode(env["CALICO_IPV4POOL_VXLAN"]);
  for (const [name, mode] of [
    ["CALICO_IPV4POOL_IPIP", ipipMode],
    ["CALICO_IPV4POOL_VXLAN", vxlanMode],
  ] as const) {
    if (mode === undefined) {
      say(
        "warning",
        `${where} sets ${name}=${JSON.stringify(env[name])}, not Always, CrossSubnet or Never: calico-node refuses to start ("Unrecognized … mode")`,
        at(name),
      );
      return undefined;
    }
  }
  const blockText = env["CALICO_IPV4POOL_BLOCK_SIZE"];
  const blockSize =
    blockText === undefined || blockText === "" ? 26 : /^\d+$/.test(blockText) ? Number(blockText) : NaN;
  if (!(blockSize >= 20 && blockSize <= 32)) {
    say(
      "warning",
      `${where} sets CALICO_IPV4POOL_BLOCK_SIZE=${JSON.stringify(blockText)}: calico-node refuses to start (IPv4 block sizes are 20 to 32)`,
      at("CALICO_IPV4POOL_BLOCK_SIZE"),
    );
    return undefined;
  }
  const natText = env["CALICO_IPV4POOL_NAT_OUTGOING"];
  const natOutgoing = natText === undefined ? true : !["false", "0", "no", "n", "f"].includes(natText.toLowerCase());
  const settings = [
    `cidr ${formatCidr4(parsed)}${cidrEnv === "" ? " (CALICO_IPV4POOL_CIDR unset: calico-node's default, unless kubeadm-config's podSubnet chose another)" : ""}`,
    `ipipMode ${ipipMode}`,
    `vxlanMode ${vxlanMode}`,
    `natOutgoing ${natOutgoing}${natText === undefined ? " (the default)" : ""}`,
    `blockSize ${blockSize}`,
  ];
  const derived =
    `derived from ${where}'s environment, as calico-node creates it at first start (no IPPool in the snapshot)` +
    (cidrEnv === ""
      ? `; CALICO_IPV4POOL_CIDR is unset, so its CIDR is calico-node's default ${DEFAULT_IPV4_POOL_CIDR} unless kubeadm-config's podSubnet chose another`
      : "") +
    (unknown.length > 0
      ? `; ${unknown.join(", ")} come from a ConfigMap the snapshot lacks: calico-node's defaults assumed`
      : "");
  say(
    // a setting read from a ConfigMap the snapshot lacks: the pool rests on a default, a warning
    unknown.length > 0 ? "warning" : "info",
    `IPPool ${DEFAULT_IPV4_POOL_NAME} ${derived}: ${settings.join(", ")}${unknown.length > 0 ? `; ${unknown.map((n) => `${n} unknown, from ${from[n]}: its default assumed`).join("; ")}` : ""}`,
    at("CALICO_IPV4POOL_CIDR"),
  );
  const source = at("CALICO_IPV4POOL_CIDR");
  return {
    meta: {
      kind: "IPPool",
      apiVersion: "crd.projectcalico.org/v1",
      namespace: undefined,
      name: DEFAULT_IPV4_POOL_NAME,
      labels: {},
      annotations: {},
      uid: undefined,
      ownerReferences: [],
      source,
    },
    name: DEFAULT_IPV4_POOL_NAME,
    cidr: formatCidr4(parsed),
    vxlanMode: vxlanMode!,
    ipipMode: ipipMode!,
    natOutgoing,
    disabled: false,
    nodeSelector: env["CALICO_IPV4POOL_NODE_SELECTOR"] || "all()",
    blockSize,
    derived,
  };
}
