import { UserError } from "../../model/errors.js";
import { isIPv4 } from "../../model/net.js";

/**
 * Trace endpoints (PRODUCT.md), as written on the command line; trace.ts resolves them against
 * the snapshot: `pod:NS/NAME`, `workload:NS/NAME`, `service:NS/NAME`,
 * `node:NAME`, `ip:ADDR`, `internet` (a public address outside every VPC), `url:https://HOST/PATH`
 * (through Ingress and the ALB).
 */
export type EndpointSpec =
  | { readonly kind: "pod" | "workload" | "service"; readonly namespace: string; readonly name: string }
  | { readonly kind: "node"; readonly name: string }
  | { readonly kind: "ip"; readonly ip: string }
  | { readonly kind: "internet" }
  | {
      readonly kind: "url";
      readonly scheme: "http" | "https";
      readonly host: string;
      readonly port: number;
      readonly path: string;
    };

/** The public address `internet` stands for: TEST-NET-2 (RFC 5737), outside every VPC. */
export const INTERNET_ADDRESS = "198.51.100.20";

/** An endpoint that is malformed or that the snapshot cannot resolve: the CLI prints it and exits 2. */
export class EndpointError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "EndpointError";
  }
}

/** The endpoint forms, for messages and help. */
export const ENDPOINT_FORMS =
  "pod:NS/NAME, workload:NS/NAME, service:NS/NAME, node:NAME, ip:ADDR, internet, url:https://HOST/PATH";

export function parseEndpoint(text: string): EndpointSpec {
  if (text === "internet") return { kind: "internet" };
  const colon = text.indexOf(":");
  if (colon < 0) throw new EndpointError(`${JSON.stringify(text)} is not an endpoint; use one of ${ENDPOINT_FORMS}`);
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (kind) {
    case "pod":
    case "workload":
    case "service": {
      const m = /^([a-z0-9][-a-z0-9.]*)\/([a-z0-9][-a-z0-9.]*)$/.exec(rest);
      if (!m) throw new EndpointError(`${kind}: needs NAMESPACE/NAME, not ${JSON.stringify(rest)}`);
      return { kind, namespace: m[1]!, name: m[2]! };
    }
    case "node":
      if (!rest) throw new EndpointError("node: needs a node name");
      return { kind, name: rest };
    case "ip":
      if (!isIPv4(rest)) throw new EndpointError(`ip: ${JSON.stringify(rest)} is not an IPv4 address`);
      return { kind, ip: rest };
    case "url": {
      let url: URL;
      try {
        url = new URL(rest);
      } catch {
        throw new EndpointError(`url: ${JSON.stringify(rest)} is not a URL such as https://example.com/path`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new EndpointError("url: only http and https URLs reach an Ingress");
      const scheme = url.protocol === "https:" ? "https" : "http";
      return {
        kind,
        scheme,
        host: url.hostname,
        port: url.port ? Number(url.port) : scheme === "https" ? 443 : 80,
        path: url.pathname || "/",
      };
    }
    default:
      throw new EndpointError(`unknown endpoint kind ${JSON.stringify(kind)}; use one of ${ENDPOINT_FORMS}`);
  }
}
