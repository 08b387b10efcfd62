import type { V1NetworkPolicy, V1NetworkPolicyPeer, V1NetworkPolicyPort } from "@kubernetes/client-node";
import type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  ObjectMeta,
} from "../../model/kubernetes.js";
import { cidrCovers, isCidr, parseCidr4 } from "../../model/net.js";
import type { DocumentContext, Fields } from "../fields.js";
import { readLabelSelector } from "./meta.js";
import { PROTOCOLS } from "./pod-spec.js";

/**
 * networking.k8s.io/v1 NetworkPolicy with the API's defaulting and validation
 * (pkg/apis/networking/validation): policyTypes default to Ingress, plus Egress when egress
 * rules exist; ipBlock needs a valid CIDR and `except` entries inside it; endPort needs a
 * numeric port not above it.
 */
export function convertNetworkPolicy(
  f: Fields<V1NetworkPolicy>,
  meta: ObjectMeta,
  ctx: DocumentContext,
): NetworkPolicy {
  const spec = f.obj("spec") ?? f.fail("spec is required");
  const rules = (key: "ingress" | "egress", peerKey: "from" | "to"): NetworkPolicyRule[] =>
    spec.objs(key).map((r) => ({
      ports: r.objs("ports").map(readPort),
      peers: (r as Fields<{ from?: V1NetworkPolicyPeer[]; to?: V1NetworkPolicyPeer[] }>).objs(peerKey).map(readPeer),
      source: ctx.source(r.raw),
    }));
  const ingress = rules("ingress", "from");
  const egress = rules("egress", "to");
  const declared = spec.strings("policyTypes");
  for (const t of declared)
    if (t !== "Ingress" && t !== "Egress") spec.fail(`policyTypes: ${JSON.stringify(t)} is neither Ingress nor Egress`);
  const policyTypes = (declared.length > 0 ? declared : egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"]) as (
    "Ingress" | "Egress"
  )[];
  return {
    meta,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    podSelector: readLabelSelector(spec.obj("podSelector")) ?? { matchLabels: {}, matchExpressions: [] },
    policyTypes,
    ingress,
    egress,
  };
}

function readPort(p: Fields<V1NetworkPolicyPort>): NetworkPolicyPort {
  const port = p.portOrName("port");
  const endPort = p.port("endPort");
  if (endPort !== undefined) {
    if (typeof port !== "number") p.fail("endPort needs a numeric port");
    if (endPort < port) p.fail(`endPort ${endPort} is below port ${port}`);
  }
  return { protocol: p.oneOf("protocol", PROTOCOLS, "TCP"), port, endPort };
}

function readPeer(p: Fields<V1NetworkPolicyPeer>): NetworkPolicyPeer {
  const ipBlock = p.obj("ipBlock");
  let block: NetworkPolicyPeer["ipBlock"];
  if (ipBlock) {
    const cidr = ipBlock.reqStr("cidr");
    if (!isCidr(cidr)) ipBlock.fail(`cidr ${JSON.stringify(cidr)} is not a valid CIDR block`);
    const except = ipBlock.strings("except");
    const outer = parseCidr4(cidr);
    for (const e of except) {
      if (!isCidr(e)) ipBlock.fail(`except ${JSON.stringify(e)} is not a valid CIDR block`);
      // networking/v1 ValidateIPBlock: each except must be a strict subset of cidr
      const inner = parseCidr4(e);
      if (outer && inner && !(inner.prefix > outer.prefix && cidrCovers(outer, inner)))
        ipBlock.fail(`except ${JSON.stringify(e)} must be a strict subset of cidr ${cidr}`);
    }
    block = { cidr, except };
    if (p.has("podSelector") || p.has("namespaceSelector"))
      p.fail("ipBlock cannot be combined with podSelector or namespaceSelector");
  }
  // networking/v1 ValidateNetworkPolicyPeer: "must specify a peer"
  if (!p.has("podSelector") && !p.has("namespaceSelector") && !ipBlock)
    p.fail("a peer needs podSelector, namespaceSelector or ipBlock");
  return {
    podSelector: readLabelSelector(p.obj("podSelector")) ?? undefined,
    namespaceSelector: readLabelSelector(p.obj("namespaceSelector")) ?? undefined,
    ipBlock: block,
  };
}
