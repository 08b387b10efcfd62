import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend, V1IngressClass } from "@kubernetes/client-node";
import type {
  AlbIngressSettings,
  Ingress,
  IngressBackend,
  IngressClass,
  IngressPath,
  Labels,
  ObjectMeta,
} from "../../model/kubernetes.js";
import {
  ALB_ANNOTATIONS,
  ALB_PREFIX,
  parseInt32Value,
  parseJSONValue,
  type AlbAnnotationIssue,
  type AlbCheckedAnnotation,
} from "../../model/annotations.js";
import { isCidr } from "../../model/net.js";
import type { DocumentContext, Fields } from "../fields.js";

export function convertIngress(f: Fields<V1Ingress>, meta: ObjectMeta, ctx: DocumentContext): Ingress {
  const spec = f.objOrEmpty("spec");
  // networking/v1beta1 and extensions/v1beta1 predate pathType: it defaults to ImplementationSpecific
  const v1 = meta.apiVersion === "networking.k8s.io/v1";
  const rules = spec.objs("rules").map((r) => {
    const http = r.obj("http");
    return {
      host: r.str("host") || undefined,
      paths: http ? http.objs("paths").map((p) => readPath(p, ctx, v1)) : [],
      source: ctx.source(r.raw),
    };
  });
  const defaultBackend = spec.obj("defaultBackend") ?? (spec as Fields<{ backend?: V1IngressBackend }>).obj("backend");
  return {
    meta,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    ingressClassName: spec.str("ingressClassName") ?? meta.annotations["kubernetes.io/ingress.class"],
    defaultBackend: defaultBackend ? readBackend(defaultBackend) : undefined,
    rules,
    tls: spec.objs("tls").map((t) => ({ hosts: t.strings("hosts"), secretName: t.str("secretName") })),
    alb: parseAlbAnnotations(meta.annotations),
    loadBalancerIngress: f
      .objOrEmpty("status")
      .objOrEmpty("loadBalancer")
      .objs("ingress")
      .map((i) => ({ ip: i.str("ip"), hostname: i.str("hostname") })),
  };
}

function readPath(p: Fields<V1HTTPIngressPath>, ctx: DocumentContext, v1: boolean): IngressPath {
  const pathType = p.oneOf(
    "pathType",
    ["Exact", "Prefix", "ImplementationSpecific"] as const,
    "ImplementationSpecific",
  );
  if (v1 && !p.has("pathType")) p.fail("pathType is required (networking.k8s.io/v1)");
  const backend = p.obj("backend") ?? p.fail("backend is required");
  const path = p.str("path") ?? "/";
  if (pathType !== "ImplementationSpecific" && !path.startsWith("/"))
    p.fail(`path ${JSON.stringify(path)} must be absolute`);
  return { path, pathType, backend: readBackend(backend), source: ctx.source(p.raw) };
}

function readBackend(b: Fields<V1IngressBackend>): IngressBackend {
  const service = b.obj("service");
  const resource = b.obj("resource");
  // extensions/v1beta1 form: serviceName / servicePort
  const legacy = b as Fields<{ serviceName?: string; servicePort?: number | string }>;
  if (!service && !resource && legacy.has("serviceName")) {
    return {
      service: {
        name: legacy.reqStr("serviceName"),
        port: legacy.portOrName("servicePort") ?? legacy.fail("servicePort is required"),
      },
      resource: undefined,
    };
  }
  if (service) {
    const port = service.objOrEmpty("port");
    const portValue = port.port("number") ?? (port.str("name") || port.fail("port.number or port.name is required"));
    return { service: { name: service.reqStr("name"), port: portValue }, resource: undefined };
  }
  if (resource)
    return { service: undefined, resource: { kind: resource.reqStr("kind"), name: resource.reqStr("name") } };
  return b.fail("backend needs a service or a resource");
}

export function convertIngressClass(f: Fields<V1IngressClass>, meta: ObjectMeta): IngressClass {
  const spec = f.objOrEmpty("spec");
  const parameters = spec.obj("parameters");
  return {
    meta,
    name: meta.name,
    controller: spec.str("controller") ?? "",
    isDefault: meta.annotations["ingressclass.kubernetes.io/is-default-class"] === "true",
    parameters: parameters
      ? { kind: parameters.reqStr("kind"), name: parameters.reqStr("name"), apiGroup: parameters.str("apiGroup") }
      : undefined,
  };
}

/**
 * The AWS Load Balancer Controller's Ingress annotations with their documented defaults
 * (aws-load-balancer-controller docs/guide/ingress/annotations.md): scheme internal, target-type
 * instance, group.order 0 (-1000..1000), listen-ports `[{"HTTP": 80}]` — or `[{"HTTPS": 443}]`
 * with a certificate —, backend-protocol HTTP. Read with the one annotation parser
 * (src/model/annotations.ts, after pkg/annotations/parser.go). An annotation the controller cannot
 * parse lands in `errors`, typed (`AlbAnnotationIssue`): the controller refuses to reconcile such
 * an Ingress (and its whole group), and its model builder re-reads it to fail as the controller does.
 */
export function parseAlbAnnotations(annotations: Labels): AlbIngressSettings {
  const errors: AlbAnnotationIssue[] = [];
  const p = ALB_ANNOTATIONS;
  const issue = (
    annotation: AlbCheckedAnnotation,
    code: AlbAnnotationIssue["code"],
    key: string,
    what: string,
  ): void => {
    errors.push({ annotation, code, key, message: `${key}: ${what}` });
  };
  const get = (name: string): string | undefined => p.parseStringAnnotation(name, annotations);
  const list = (name: string): string[] => p.parseStringSliceAnnotation(name, annotations) ?? [];
  const choice = <T extends string>(name: AlbCheckedAnnotation, allowed: readonly T[], fallback: T): T => {
    const value = get(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    issue(name, "not-one-of", p.key(name), `${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
    return fallback;
  };
  // ParseInt32Annotation on the trimmed value, without a leading "+": the loader's rule since
  // before the shared parser (the controller's own, untrimmed, is the model builder's)
  const integer = (name: AlbCheckedAnnotation, min: number, max: number): number | undefined => {
    const value = get(name);
    if (value === undefined) return undefined;
    const parsed = value.trim().startsWith("+") ? undefined : parseInt32Value(p.key(name), value.trim());
    if (!parsed?.ok || parsed.value < min || parsed.value > max) {
      issue(
        name,
        "not-an-integer-in-range",
        p.key(name),
        `${JSON.stringify(value)} is not an integer between ${min} and ${max}`,
      );
      return undefined;
    }
    return parsed.value;
  };
  const json = (annotation: AlbCheckedAnnotation, key: string): unknown => {
    const value = annotations[key];
    if (value === undefined) return undefined;
    const parsed = parseJSONValue(key, value);
    if (parsed.ok) return parsed.value;
    issue(annotation, parsed.error.code, key, "not valid JSON");
    return undefined;
  };

  const certificateArns = list("certificate-arn");
  let listenPorts: { protocol: "HTTP" | "HTTPS"; port: number }[] =
    certificateArns.length > 0 ? [{ protocol: "HTTPS", port: 443 }] : [{ protocol: "HTTP", port: 80 }];
  if (get("listen-ports") !== undefined) {
    const key = p.key("listen-ports");
    const parsed = json("listen-ports", key);
    const ports: { protocol: "HTTP" | "HTTPS"; port: number }[] = [];
    if (Array.isArray(parsed)) {
      for (const entry of parsed) {
        const pairs =
          entry !== null && typeof entry === "object" ? Object.entries(entry as Record<string, unknown>) : [];
        for (const [protocol, port] of pairs) {
          if (
            (protocol === "HTTP" || protocol === "HTTPS") &&
            typeof port === "number" &&
            Number.isInteger(port) &&
            port >= 1 &&
            port <= 65535
          ) {
            ports.push({ protocol, port });
          } else {
            issue(
              "listen-ports",
              "not-a-listen-port",
              key,
              `${JSON.stringify({ [protocol]: port })} is not {"HTTP"|"HTTPS": port}`,
            );
          }
        }
        if (pairs.length === 0)
          issue("listen-ports", "not-a-listen-port", key, `${JSON.stringify(entry)} is not {"HTTP"|"HTTPS": port}`);
      }
      if (ports.length > 0) listenPorts = ports;
    } else if (parsed !== undefined) {
      issue("listen-ports", "not-a-list", key, `must be a JSON list such as [{"HTTP": 80}, {"HTTPS": 443}]`);
    }
  }
  const inboundCidrs = list("inbound-cidrs");
  for (const cidr of inboundCidrs)
    if (!isCidr(cidr))
      issue("inbound-cidrs", "not-a-cidr", p.key("inbound-cidrs"), `${JSON.stringify(cidr)} is not a CIDR block`);
  const manage = get("manage-backend-security-group-rules");
  if (manage !== undefined && manage !== "true" && manage !== "false") {
    issue(
      "manage-backend-security-group-rules",
      "not-true-or-false",
      p.key("manage-backend-security-group-rules"),
      `${JSON.stringify(manage)} is not true or false`,
    );
  }
  const actions: Record<string, unknown> = {};
  const conditions: Record<string, unknown> = {};
  for (const key of Object.keys(annotations).sort()) {
    if (key.startsWith(ALB_PREFIX + "actions.")) actions[key.slice(ALB_PREFIX.length + 8)] = json("actions", key);
    else if (key.startsWith(ALB_PREFIX + "conditions."))
      conditions[key.slice(ALB_PREFIX.length + 11)] = json("conditions", key);
  }
  const groupName = get("group.name");
  if (groupName !== undefined && !/^([a-z0-9][-a-z0-9.]{0,61}[a-z0-9]|[a-z0-9])$/.test(groupName)) {
    issue(
      "group.name",
      "invalid-group-name",
      p.key("group.name"),
      `${JSON.stringify(groupName)} must be a valid name (lower case, at most 63 characters)`,
    );
  }
  return {
    scheme: choice("scheme", ["internet-facing", "internal"] as const, "internal"),
    targetType: choice("target-type", ["instance", "ip"] as const, "instance"),
    groupName,
    groupOrder: integer("group.order", -1000, 1000) ?? 0,
    listenPorts,
    sslRedirect: integer("ssl-redirect", 1, 65535),
    subnets: list("subnets"),
    securityGroups: list("security-groups"),
    manageBackendSecurityGroupRules: manage === undefined ? undefined : manage === "true",
    inboundCidrs,
    certificateArns,
    backendProtocol: choice("backend-protocol", ["HTTP", "HTTPS"] as const, "HTTP"),
    healthcheckPath: get("healthcheck-path"),
    healthcheckPort: get("healthcheck-port"),
    loadBalancerName: get("load-balancer-name"),
    ipAddressType: get("ip-address-type"),
    actions,
    conditions,
    errors,
  };
}
