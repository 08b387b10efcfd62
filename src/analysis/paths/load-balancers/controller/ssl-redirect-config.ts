import type { SourceRef } from "../../../../model/source.js";
import { parseInt32 } from "./annotations.js";
import { BuildError, goList, key } from "./common.js";
import { annotated } from "./group-annotations.js";
import type { ClassifiedIngress } from "./group-loader.js";
import type { ListenPortConfig } from "./model-build-listener.js";

/** pkg/ingress/ssl_redirect_config.go */

/** buildSSLRedirectConfig: the HTTPS port HTTP listeners redirect to, and the Ingress that asks for it. */
export function buildSslRedirect(members: readonly ClassifiedIngress[], ports: ReadonlyMap<number, ListenPortConfig>): { port: number; source: SourceRef } | undefined {
  const explicit = new Set<number>();
  let source: SourceRef = members[0]!.ingress.meta.source;
  for (const { m, value } of annotated(members, "ssl-redirect")) {
    const parsed = parseInt32("ssl-redirect", value);
    if (typeof parsed === "string") throw new BuildError(`ingress: ${key(m.ingress)}: ${parsed}`, m.ingress.meta.source);
    explicit.add(parsed);
    source = m.ingress.meta.source;
  }
  if (explicit.size === 0) return undefined;
  if (explicit.size > 1) throw new BuildError(`conflicting sslRedirect port: ${goList([...explicit].sort((a, b) => a - b))}`, source);
  const port = [...explicit][0]!;
  const cfg = ports.get(port);
  if (!cfg) throw new BuildError(`listener does not exist for SSLRedirect port: ${port}`, source);
  if (cfg.protocol !== "HTTPS") throw new BuildError(`listener protocol non-SSL for SSLRedirect port: ${port}`, source);
  return { port, source };
}
