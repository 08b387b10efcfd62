import type { Ingress } from "../../../../model/kubernetes.js";
import { isCidr } from "../../../../model/net.js";
import type { SourceRef } from "../../../../model/source.js";
import type { ActionView, RuleView } from "../types.js";
import { ALB_ANNOTATIONS } from "../../../../model/annotations.js";
import { annotation } from "./annotations.js";
import type { BuildContext } from "./build-task.js";
import { fail, ok, wrap, type BuildFailure, type BuildResult } from "../build-result.js";
import { goList, key } from "./common.js";
import { enhancedBackend } from "./enhanced-backend-builder.js";
import type { ClassifiedIngress } from "./group-loader.js";
import { backendActionView } from "./model-build-actions.js";

/**
 * Listen ports per Ingress and listener default actions (pkg/ingress/model_build_listener.go),
 * with the SSL redirect action they use (buildSSLRedirectAction, model_build_actions.go upstream).
 */

export interface ListenPortConfig {
  readonly protocol: "HTTP" | "HTTPS";
  readonly cidrs4: readonly string[];
  readonly cidrs6: readonly string[];
  readonly certificates: readonly string[];
}

/** computeIngressListenPortConfigByPort for one Ingress. */
export function listenPortConfigs(ing: Ingress): BuildResult<Map<number, ListenPortConfig>> {
  const k = key(ing);
  const bad = (message: string): BuildFailure =>
    fail("invalid-annotation", `ingress: ${k}: ${message}`, ing.meta.source);
  const certificates = ALB_ANNOTATIONS.parseStringSliceAnnotation("certificate-arn", ing.meta.annotations) ?? [];
  const cidrs4: string[] = [];
  const cidrs6: string[] = [];
  for (const cidr of ALB_ANNOTATIONS.parseStringSliceAnnotation("inbound-cidrs", ing.meta.annotations) ?? []) {
    if (!isCidr(cidr)) return bad(`invalid inbound-cidrs settings on Ingress: ${k}: invalid CIDR address: ${cidr}`);
    (cidr.includes(":") ? cidrs6 : cidrs4).push(cidr);
  }
  const raw = annotation(ing, "listen-ports");
  const ports = new Map<number, "HTTP" | "HTTPS">();
  if (raw === undefined) {
    ports.set(certificates.length > 0 ? 443 : 80, certificates.length > 0 ? "HTTPS" : "HTTP");
  } else {
    const parsed = ALB_ANNOTATIONS.parseJSONAnnotation("listen-ports", ing.meta.annotations);
    if (!parsed.ok) return bad(`failed to parse listen-ports configuration: \`${raw}\`: ${parsed.error.cause}`);
    const entries = parsed.value;
    if (entries !== null && !Array.isArray(entries))
      return bad(
        `failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal into Go value of type []map[string]int32`,
      );
    const list = (entries ?? []) as unknown[];
    if (list.length === 0) return bad(`empty listen-ports configuration: \`${raw}\``);
    for (const entry of list) {
      if (entry === null || typeof entry !== "object" || Array.isArray(entry))
        return bad(
          `failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal into Go value of type map[string]int32`,
        );
      for (const [protocol, port] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof port !== "number" || !Number.isInteger(port))
          return bad(
            `failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal ${JSON.stringify(port)} into Go value of type int32`,
          );
        if (port < 1 || port > 65535) return bad(`listen port must be within [1, 65535]: ${port}`);
        if (protocol !== "HTTP" && protocol !== "HTTPS")
          return bad(`listen protocol must be within [HTTP, HTTPS]: ${protocol}`);
        ports.set(port, protocol);
      }
    }
  }
  const out = new Map<number, ListenPortConfig>();
  for (const [port, protocol] of ports)
    out.set(port, { protocol, cidrs4, cidrs6, certificates: protocol === "HTTPS" ? certificates : [] });
  return ok(out);
}

export interface DefaultActions {
  readonly actions: ActionView[];
  readonly ingress: RuleView["ingress"];
  /** the Ingress that decides them; undefined: the listener's first Ingress */
  readonly source: SourceRef | undefined;
}

/** buildSSLRedirectAction: AWS fills the unset host, path and query with #{host}, /#{path}, #{query}. */
export function sslRedirectAction(sslRedirect: { port: number; source: SourceRef }): DefaultActions {
  return {
    actions: [
      {
        type: "redirect",
        protocol: "HTTPS",
        port: String(sslRedirect.port),
        host: "#{host}",
        path: "/#{path}",
        query: "#{query}",
        statusCode: "HTTP_301",
      },
    ],
    ingress: undefined,
    source: sslRedirect.source,
  };
}

/** buildListenerDefaultActions: the one Ingress defaultBackend of the listener's members, else 404. */
export function buildDefaultActions(
  ctx: BuildContext,
  ingList: readonly ClassifiedIngress[],
): BuildResult<DefaultActions> {
  const withDefault = ingList.filter((m) => m.ingress.defaultBackend !== undefined);
  if (withDefault.length === 0)
    return ok({
      actions: [{ type: "fixed-response", statusCode: "404", contentType: "text/plain" }],
      ingress: undefined,
      source: undefined,
    });
  if (withDefault.length > 1)
    return fail(
      "conflict",
      `multiple ingress defined default backend: ${goList(withDefault.map((m) => key(m.ingress)))}`,
      withDefault[1]!.ingress.meta.source,
    );
  const ing = withDefault[0]!.ingress;
  // the default backend's errors are not wrapped with the Ingress name; they point at the Ingress
  const backend = enhancedBackend(ctx, ing, ing.defaultBackend!);
  if (!backend.ok) return wrap(backend, "", ing.meta.source);
  const action = backendActionView(ctx, ing, backend.value.action);
  if (!action.ok) return wrap(action, "", ing.meta.source);
  return ok({
    actions: [action.value],
    ingress: { namespace: ing.namespace, name: ing.name },
    source: ing.meta.source,
  });
}
