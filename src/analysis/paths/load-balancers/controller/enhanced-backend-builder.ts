import type { Ingress, IngressBackend } from "../../../../model/kubernetes.js";
import type { ActionView } from "../types.js";
import { ALB_ANNOTATIONS, annotationErrorMessage } from "../../../../model/annotations.js";
import { field, str, strings } from "./annotations.js";
import { findService, type BuildContext } from "./build-task.js";
import { fail, ok, type BuildFailure, type BuildResult } from "../build-result.js";
import { key } from "./common.js";
import type { BackendAction, TargetGroupTuple } from "./config-types.js";

/**
 * A backend's action and conditions (pkg/ingress/enhanced_backend_builder.go): `actions.NAME`
 * and `conditions.NAME` annotations, validated as config_types.go does, and its Services loaded.
 */

const BACKEND_SERVICE_503: ActionView = {
  type: "fixed-response",
  statusCode: "503",
  contentType: "text/plain",
  messageBody: "Backend service does not exist",
};
const BACKEND_ACTION_503: ActionView = {
  type: "fixed-response",
  statusCode: "503",
  contentType: "text/plain",
  messageBody: "Backend action does not exist",
};

/** buildActionViaAnnotation: an `actions.NAME` annotation (use-annotation); undefined: absent and tolerated. */
function actionFromAnnotation(ctx: BuildContext, ing: Ingress, name: string): BuildResult<BackendAction | undefined> {
  const bad = (message: string): BuildFailure => fail("invalid-annotation", message, ing.meta.source);
  const parsed = ALB_ANNOTATIONS.parseJSONAnnotation(`actions.${name}`, ing.meta.annotations);
  if (!parsed.ok) return bad(annotationErrorMessage(parsed.error));
  const value = parsed.value;
  if (value === undefined) {
    if (ctx.options.tolerateNonExistentBackendAction ?? true) return ok(undefined);
    return fail("missing", `missing actions.${name} configuration`, ing.meta.source);
  }
  const type = str(field(value, "type"));
  switch (type) {
    case "fixed-response": {
      const cfg = field(value, "fixedResponseConfig");
      if (cfg === undefined || cfg === null) return bad("missing FixedResponseConfig");
      const statusCode = str(field(cfg, "statusCode"));
      if (!statusCode) return bad("invalid FixedResponseConfig: statusCode is required");
      return ok({
        type,
        action: {
          type,
          statusCode,
          contentType: str(field(cfg, "contentType")),
          messageBody: str(field(cfg, "messageBody")),
        },
      });
    }
    case "redirect": {
      const cfg = field(value, "redirectConfig");
      if (cfg === undefined || cfg === null) return bad("missing RedirectConfig");
      const statusCode = str(field(cfg, "statusCode"));
      if (!statusCode) return bad("invalid RedirectConfig: statusCode is required");
      return ok({
        type,
        action: {
          type,
          protocol: str(field(cfg, "protocol")),
          port: str(field(cfg, "port")),
          host: str(field(cfg, "host")),
          path: str(field(cfg, "path")),
          query: str(field(cfg, "query")),
          statusCode,
        },
      });
    }
    case "forward": {
      const arn = str(field(value, "targetGroupARN")) ?? str(field(value, "targetGroupName"));
      const forward = field(value, "forwardConfig");
      if (arn === undefined && forward === undefined)
        return bad("missing ForwardConfig or TargetGroupARN/TargetGroupName");
      if (arn !== undefined && forward !== undefined)
        return bad("either ForwardConfig or TargetGroupARN/TargetGroupName can be specified");
      if (arn !== undefined)
        return ok({ type, tuples: [{ serviceName: undefined, servicePort: undefined, arn, weight: undefined }] });
      const tuples: TargetGroupTuple[] = [];
      const list = field(forward, "targetGroups");
      for (const t of Array.isArray(list) ? list : []) {
        const serviceName = str(field(t, "serviceName"));
        const tgArn = str(field(t, "targetGroupARN")) ?? str(field(t, "targetGroupName"));
        const port = field(t, "servicePort");
        const weight = field(t, "weight");
        if (serviceName === undefined && tgArn === undefined)
          return bad(
            "invalid ForwardConfig: invalid TargetGroupTuple: missing serviceName or targetGroupARN/targetGroupName",
          );
        if (serviceName !== undefined && tgArn !== undefined)
          return bad(
            "invalid ForwardConfig: invalid TargetGroupTuple: either serviceName or targetGroupARN/targetGroupName can be specified",
          );
        if (serviceName !== undefined && port === undefined)
          return bad("invalid ForwardConfig: invalid TargetGroupTuple: missing servicePort");
        // normalizeServicePortForBackwardsCompatibility: "80" is the port number 80
        const servicePort =
          typeof port === "number"
            ? port
            : typeof port === "string" && /^\d+$/.test(port)
              ? Number(port)
              : typeof port === "string"
                ? port
                : undefined;
        tuples.push({ serviceName, servicePort, arn: tgArn, weight: typeof weight === "number" ? weight : undefined });
      }
      if (tuples.length > 1 && tuples.some((t) => t.weight === undefined))
        return bad("invalid ForwardConfig: weight must be set when route to multiple target groups");
      return ok({ type, tuples });
    }
    default:
      return bad(`unknown action type: ${type ?? ""}`);
  }
}

type Condition = { field: string; values: string[] };

/** One condition of a `conditions.NAME` annotation, validated as RuleCondition.Validate does; undefined: a field not modelled. */
function annotationCondition(c: unknown, bad: (message: string) => BuildFailure): BuildResult<Condition | undefined> {
  const f = str(field(c, "field")) ?? "";
  const config = (name: string): BuildResult<unknown> => {
    const cfg = field(c, name);
    if (cfg === undefined || cfg === null) return bad(`missing ${name}`);
    return ok(cfg);
  };
  /** values or regexValues (host-header, path-pattern, http-header) */
  const values = (cfg: unknown, configName: string): BuildResult<string[]> => {
    const v = strings(field(cfg, "values"));
    const regex = strings(field(cfg, "regexValues"));
    if (v.length === 0 && regex.length === 0)
      return bad(`invalid ${configName}: values or regexValues must be specified`);
    if (v.length > 0 && regex.length > 0)
      return bad(`invalid ${configName}: precisely one of values and regexValues can be specified`);
    if (regex.length > 0) return bad(`invalid ${configName}: regexValues are not modelled by podpath`);
    return ok(v);
  };
  /** values of a config that has values or regexValues */
  const configValues = (configName: string): BuildResult<string[]> => {
    const cfg = config(configName);
    return cfg.ok ? values(cfg.value, configName) : cfg;
  };
  /** values only, at least one (http-request-method, source-ip) */
  const plainValues = (configName: string): BuildResult<string[]> => {
    const cfg = config(configName);
    if (!cfg.ok) return cfg;
    const v = strings(field(cfg.value, "values"));
    if (v.length === 0) return bad(`invalid ${configName}: values cannot be empty`);
    return ok(v);
  };
  const condition = (r: BuildResult<string[]>, map: (v: string) => string = (v) => v): BuildResult<Condition> =>
    r.ok ? ok({ field: f, values: r.value.map(map) }) : r;
  switch (f) {
    case "host-header":
      return condition(configValues("hostHeaderConfig"));
    case "path-pattern":
      return condition(configValues("pathPatternConfig"));
    case "http-header": {
      const cfg = config("httpHeaderConfig");
      if (!cfg.ok) return cfg;
      const headerName = str(field(cfg.value, "httpHeaderName")) ?? "";
      return condition(values(cfg.value, "httpHeaderConfig"), (v) => `${headerName}: ${v}`);
    }
    case "http-request-method":
      return condition(plainValues("httpRequestMethodConfig"));
    case "query-string": {
      const cfg = config("queryStringConfig");
      if (!cfg.ok) return cfg;
      const list = field(cfg.value, "values");
      const pairs = Array.isArray(list) ? list : [];
      if (pairs.length === 0) return bad("invalid queryStringConfig: Values cannot be empty");
      const out: string[] = [];
      for (const p of pairs) {
        const k = str(field(p, "key"));
        const v = str(field(p, "value")) ?? "";
        if (v === "") return bad("invalid queryStringConfig: value cannot be empty");
        out.push(k ? `${k}=${v}` : v);
      }
      return ok({ field: f, values: out });
    }
    case "source-ip":
      return condition(plainValues("sourceIPConfig"));
    default:
      return ok(undefined);
  }
}

/** buildConditions: the `conditions.NAME` annotation, validated as RuleCondition.Validate does. */
function annotationConditions(ing: Ingress, name: string): BuildResult<Condition[]> {
  const bad = (message: string): BuildFailure => fail("invalid-annotation", message, ing.meta.source);
  const parsed = ALB_ANNOTATIONS.parseJSONAnnotation(`conditions.${name}`, ing.meta.annotations);
  if (!parsed.ok) return bad(annotationErrorMessage(parsed.error));
  const value = parsed.value;
  if (value === undefined) return ok([]);
  const out: Condition[] = [];
  for (const c of Array.isArray(value) ? value : []) {
    const r = annotationCondition(c, bad);
    if (!r.ok) return r;
    if (r.value) out.push(r.value);
  }
  return ok(out);
}

export interface EnhancedBackend {
  readonly conditions: Condition[];
  readonly action: BackendAction | ActionView;
}

/** enhancedBackendBuilder.Build: the backend's conditions and action, its Services loaded; a failure points at the Ingress. */
export function enhancedBackend(
  ctx: BuildContext,
  ing: Ingress,
  backend: IngressBackend,
): BuildResult<EnhancedBackend> {
  if (!backend.service) return fail("invalid-spec", 'missing required "service" field', ing.meta.source);
  const built = annotationConditions(ing, backend.service.name);
  if (!built.ok) return built;
  const conditions = built.value;
  let action: BackendAction | undefined;
  if (backend.service.port === "use-annotation") {
    const fromAnnotation = actionFromAnnotation(ctx, ing, backend.service.name);
    if (!fromAnnotation.ok) return fromAnnotation;
    action = fromAnnotation.value;
    if (!action) return ok({ conditions, action: BACKEND_ACTION_503 });
  } else {
    action = {
      type: "forward",
      tuples: [
        { serviceName: backend.service.name, servicePort: backend.service.port, arn: undefined, weight: undefined },
      ],
    };
  }
  if (action.type === "forward") {
    // loadBackendServices: a forward to a single missing Service becomes a 503 when tolerated
    const names = [...new Set(action.tuples.map((t) => t.serviceName).filter((n): n is string => n !== undefined))];
    const single = action.tuples.length === 1 && names.length === 1;
    for (const name of names) {
      if (findService(ctx, ing.namespace, name)) continue;
      if (single && (ctx.options.tolerateNonExistentBackendService ?? true)) {
        ctx.notes.push({
          what: `Ingress ${key(ing)}: service ${ing.namespace}/${name} does not exist: with --tolerate-non-existent-backend-service (the default) its rule answers 503 "Backend service does not exist"`,
          source: ing.meta.source,
        });
        return ok({ conditions, action: BACKEND_SERVICE_503 });
      }
      return fail("missing", `services ${JSON.stringify(name)} not found`, ing.meta.source);
    }
  }
  return ok({ conditions, action });
}
