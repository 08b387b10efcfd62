import type { Ingress } from "../../../../model/kubernetes.js";
import { isCidr } from "../../../../model/net.js";
import type { SourceRef } from "../../../../model/source.js";
import type { ActionView, RuleView } from "../types.js";
import { annotation, stringSlice } from "./annotations.js";
import type { BuildContext } from "./build-task.js";
import { BuildError, goList, key, sameSet } from "./common.js";
import { enhancedBackend } from "./enhanced-backend-builder.js";
import type { ClassifiedIngress } from "./group-loader.js";
import { backendActionView } from "./model-build-actions.js";

/** Listen ports and listener default actions (pkg/ingress/model_build_listener.go). */

export interface ListenPortConfig {
  readonly protocol: "HTTP" | "HTTPS";
  readonly cidrs4: readonly string[];
  readonly cidrs6: readonly string[];
  readonly certificates: readonly string[];
}

/** computeIngressListenPortConfigByPort for one Ingress. */
export function listenPortConfigs(ing: Ingress): Map<number, ListenPortConfig> {
  const k = key(ing);
  const fail = (message: string): never => {
    throw new BuildError(`ingress: ${k}: ${message}`, ing.meta.source);
  };
  const certificates = stringSlice(annotation(ing, "certificate-arn"));
  const cidrs4: string[] = [];
  const cidrs6: string[] = [];
  for (const cidr of stringSlice(annotation(ing, "inbound-cidrs"))) {
    if (!isCidr(cidr)) fail(`invalid inbound-cidrs settings on Ingress: ${k}: invalid CIDR address: ${cidr}`);
    (cidr.includes(":") ? cidrs6 : cidrs4).push(cidr);
  }
  const raw = annotation(ing, "listen-ports");
  const ports = new Map<number, "HTTP" | "HTTPS">();
  if (raw === undefined) {
    ports.set(certificates.length > 0 ? 443 : 80, certificates.length > 0 ? "HTTPS" : "HTTP");
  } else {
    let entries: unknown;
    try {
      entries = JSON.parse(raw);
    } catch (e) {
      fail(`failed to parse listen-ports configuration: \`${raw}\`: ${(e as Error).message}`);
    }
    if (entries !== null && !Array.isArray(entries)) fail(`failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal into Go value of type []map[string]int32`);
    const list = (entries ?? []) as unknown[];
    if (list.length === 0) fail(`empty listen-ports configuration: \`${raw}\``);
    for (const entry of list) {
      if (entry === null || typeof entry !== "object" || Array.isArray(entry)) fail(`failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal into Go value of type map[string]int32`);
      for (const [protocol, port] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof port !== "number" || !Number.isInteger(port)) fail(`failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal ${JSON.stringify(port)} into Go value of type int32`);
        const p = port as number;
        if (p < 1 || p > 65535) fail(`listen port must be within [1, 65535]: ${p}`);
        if (protocol !== "HTTP" && protocol !== "HTTPS") fail(`listen protocol must be within [HTTP, HTTPS]: ${protocol}`);
        ports.set(p, protocol as "HTTP" | "HTTPS");
      }
    }
  }
  const out = new Map<number, ListenPortConfig>();
  for (const [port, protocol] of ports) out.set(port, { protocol, cidrs4, cidrs6, certificates: protocol === "HTTPS" ? certificates : [] });
  return out;
}

/** A member listening on a port, with its config for that port. */
export interface PortMember {
  readonly m: ClassifiedIngress;
  readonly cfg: ListenPortConfig;
}

/** mergeListenPortConfigs: one protocol per port; inbound-cidrs must agree where given. */
export function mergePort(port: number, configs: readonly PortMember[]): ListenPortConfig {
  const fail = (message: string, ing: Ingress): never => {
    throw new BuildError(`failed to merge listenPort config for port: ${port}: ${message}`, ing.meta.source);
  };
  const first = configs[0]!;
  let cidrsFrom: PortMember | undefined;
  const certificates: string[] = [];
  for (const c of configs) {
    if (c.cfg.protocol !== first.cfg.protocol) fail(`conflicting protocol, ${key(first.m.ingress)}: ${first.cfg.protocol} | ${key(c.m.ingress)}: ${c.cfg.protocol}`, c.m.ingress);
    if (c.cfg.cidrs4.length > 0 || c.cfg.cidrs6.length > 0) {
      if (!cidrsFrom) cidrsFrom = c;
      else if (!sameSet(cidrsFrom.cfg.cidrs4, c.cfg.cidrs4) || !sameSet(cidrsFrom.cfg.cidrs6, c.cfg.cidrs6)) {
        const sorted = (x: readonly string[]) => goList([...new Set(x)].sort());
        fail(`conflicting inbound-cidrs, ${key(cidrsFrom.m.ingress)}: ${sorted(cidrsFrom.cfg.cidrs4)}, ${sorted(cidrsFrom.cfg.cidrs6)} | ${key(c.m.ingress)}: ${sorted(c.cfg.cidrs4)}, ${sorted(c.cfg.cidrs6)}`, c.m.ingress);
      }
    }
    for (const cert of c.cfg.certificates) if (!certificates.includes(cert)) certificates.push(cert);
  }
  const cidrs4 = cidrsFrom ? [...new Set(cidrsFrom.cfg.cidrs4)].sort() : ["0.0.0.0/0"];
  const cidrs6 = cidrsFrom ? [...new Set(cidrsFrom.cfg.cidrs6)].sort() : ["::/0"];
  return { protocol: first.cfg.protocol, cidrs4, cidrs6, certificates };
}

export interface DefaultActions {
  readonly actions: ActionView[];
  readonly ingress: RuleView["ingress"];
  /** the Ingress that decides them; undefined: the listener's first Ingress */
  readonly source: SourceRef | undefined;
}

/** buildSSLRedirectAction: AWS fills the unset host, path and query with #{host}, /#{path}, #{query}. */
export function sslRedirectAction(sslRedirect: { port: number; source: SourceRef }): DefaultActions {
  return { actions: [{ type: "redirect", protocol: "HTTPS", port: String(sslRedirect.port), host: "#{host}", path: "/#{path}", query: "#{query}", statusCode: "HTTP_301" }], ingress: undefined, source: sslRedirect.source };
}

/** buildListenerDefaultActions: the one Ingress defaultBackend of the listener's members, else 404. */
export function buildDefaultActions(ctx: BuildContext, ingList: readonly ClassifiedIngress[]): DefaultActions {
  const withDefault = ingList.filter((m) => m.ingress.defaultBackend !== undefined);
  if (withDefault.length === 0) return { actions: [{ type: "fixed-response", statusCode: "404", contentType: "text/plain" }], ingress: undefined, source: undefined };
  if (withDefault.length > 1) throw new BuildError(`multiple ingress defined default backend: ${goList(withDefault.map((m) => key(m.ingress)))}`, withDefault[1]!.ingress.meta.source);
  const ing = withDefault[0]!.ingress;
  try {
    const backend = enhancedBackend(ctx, ing, ing.defaultBackend!);
    return { actions: [backendActionView(ctx, ing, backend.action)], ingress: { namespace: ing.namespace, name: ing.name }, source: ing.meta.source };
  } catch (e) {
    if (e instanceof BuildError) throw e;
    // the default backend's errors are not wrapped with the Ingress name
    throw new BuildError((e as Error).message, ing.meta.source);
  }
}
