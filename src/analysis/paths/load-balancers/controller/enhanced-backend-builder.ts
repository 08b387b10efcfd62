import type { Ingress, IngressBackend } from "../../../../model/kubernetes.js";
import type { ActionView } from "../types.js";
import { ALB_ANNOTATIONS, annotationErrorMessage } from "../../../../model/annotations.js";
import { field, str, strings } from "./annotations.js";
import { findService, type BuildContext } from "./build-task.js";
import { key } from "./common.js";
import type { BackendAction, TargetGroupTuple } from "./config-types.js";

/**
 * A backend's action and conditions (pkg/ingress/enhanced_backend_builder.go): `actions.NAME`
 * and `conditions.NAME` annotations, validated as config_types.go does, and its Services loaded.
 */

const BACKEND_SERVICE_503: ActionView = { type: "fixed-response", statusCode: "503", contentType: "text/plain", messageBody: "Backend service does not exist" };
const BACKEND_ACTION_503: ActionView = { type: "fixed-response", statusCode: "503", contentType: "text/plain", messageBody: "Backend action does not exist" };

/** buildActionViaAnnotation: an `actions.NAME` annotation (use-annotation). */
function actionFromAnnotation(ctx: BuildContext, ing: Ingress, name: string): BackendAction | undefined {
  const parsed = ALB_ANNOTATIONS.parseJSONAnnotation(`actions.${name}`, ing.meta.annotations);
  if (!parsed.ok) throw new Error(annotationErrorMessage(parsed.error));
  const value = parsed.value;
  if (value === undefined) {
    if (ctx.options.tolerateNonExistentBackendAction ?? true) return undefined;
    throw new Error(`missing actions.${name} configuration`);
  }
  const type = str(field(value, "type"));
  switch (type) {
    case "fixed-response": {
      const cfg = field(value, "fixedResponseConfig");
      if (cfg === undefined || cfg === null) throw new Error("missing FixedResponseConfig");
      const statusCode = str(field(cfg, "statusCode"));
      if (!statusCode) throw new Error("invalid FixedResponseConfig: statusCode is required");
      return { type, action: { type, statusCode, contentType: str(field(cfg, "contentType")), messageBody: str(field(cfg, "messageBody")) } };
    }
    case "redirect": {
      const cfg = field(value, "redirectConfig");
      if (cfg === undefined || cfg === null) throw new Error("missing RedirectConfig");
      const statusCode = str(field(cfg, "statusCode"));
      if (!statusCode) throw new Error("invalid RedirectConfig: statusCode is required");
      return { type, action: { type, protocol: str(field(cfg, "protocol")), port: str(field(cfg, "port")), host: str(field(cfg, "host")), path: str(field(cfg, "path")), query: str(field(cfg, "query")), statusCode } };
    }
    case "forward": {
      const arn = str(field(value, "targetGroupARN")) ?? str(field(value, "targetGroupName"));
      const forward = field(value, "forwardConfig");
      if (arn === undefined && forward === undefined) throw new Error("missing ForwardConfig or TargetGroupARN/TargetGroupName");
      if (arn !== undefined && forward !== undefined) throw new Error("either ForwardConfig or TargetGroupARN/TargetGroupName can be specified");
      if (arn !== undefined) return { type, tuples: [{ serviceName: undefined, servicePort: undefined, arn, weight: undefined }] };
      const tuples: TargetGroupTuple[] = [];
      const list = field(forward, "targetGroups");
      for (const t of Array.isArray(list) ? list : []) {
        const serviceName = str(field(t, "serviceName"));
        const tgArn = str(field(t, "targetGroupARN")) ?? str(field(t, "targetGroupName"));
        const port = field(t, "servicePort");
        const weight = field(t, "weight");
        if (serviceName === undefined && tgArn === undefined) throw new Error("invalid ForwardConfig: invalid TargetGroupTuple: missing serviceName or targetGroupARN/targetGroupName");
        if (serviceName !== undefined && tgArn !== undefined) throw new Error("invalid ForwardConfig: invalid TargetGroupTuple: either serviceName or targetGroupARN/targetGroupName can be specified");
        if (serviceName !== undefined && port === undefined) throw new Error("invalid ForwardConfig: invalid TargetGroupTuple: missing servicePort");
        // normalizeServicePortForBackwardsCompatibility: "80" is the port number 80
        const servicePort = typeof port === "number" ? port : typeof port === "string" && /^\d+$/.test(port) ? Number(port) : typeof port === "string" ? port : undefined;
        tuples.push({ serviceName, servicePort, arn: tgArn, weight: typeof weight === "number" ? weight : undefined });
      }
      if (tuples.length > 1 && tuples.some((t) => t.weight === undefined)) throw new Error("invalid ForwardConfig: weight must be set when route to multiple target groups");
      return { type, tuples };
    }
    default:
      throw new Error(`unknown action type: ${type ?? ""}`);
  }
}

/** buildConditions: the `conditions.NAME` annotation, validated as RuleCondition.Validate does. */
function annotationConditions(ing: Ingress, name: string): { field: string; values: string[] }[] {
  const parsed = ALB_ANNOTATIONS.parseJSONAnnotation(`conditions.${name}`, ing.meta.annotations);
  if (!parsed.ok) throw new Error(annotationErrorMessage(parsed.error));
  const value = parsed.value;
  if (value === undefined) return [];
  const out: { field: string; values: string[] }[] = [];
  for (const c of Array.isArray(value) ? value : []) {
    const f = str(field(c, "field")) ?? "";
    const config = (name: string): unknown => {
      const cfg = field(c, name);
      if (cfg === undefined || cfg === null) throw new Error(`missing ${name}`);
      return cfg;
    };
    /** values or regexValues (host-header, path-pattern, http-header) */
    const values = (cfg: unknown, configName: string): string[] => {
      const v = strings(field(cfg, "values"));
      const regex = strings(field(cfg, "regexValues"));
      if (v.length === 0 && regex.length === 0) throw new Error(`invalid ${configName}: values or regexValues must be specified`);
      if (v.length > 0 && regex.length > 0) throw new Error(`invalid ${configName}: precisely one of values and regexValues can be specified`);
      if (regex.length > 0) throw new Error(`invalid ${configName}: regexValues are not modelled by podpath`);
      return v;
    };
    /** values only, at least one (http-request-method, source-ip) */
    const plainValues = (configName: string): string[] => {
      const v = strings(field(config(configName), "values"));
      if (v.length === 0) throw new Error(`invalid ${configName}: values cannot be empty`);
      return v;
    };
    switch (f) {
      case "host-header":
        out.push({ field: f, values: values(config("hostHeaderConfig"), "hostHeaderConfig") });
        break;
      case "path-pattern":
        out.push({ field: f, values: values(config("pathPatternConfig"), "pathPatternConfig") });
        break;
      case "http-header": {
        const cfg = config("httpHeaderConfig");
        const headerName = str(field(cfg, "httpHeaderName")) ?? "";
        out.push({ field: f, values: values(cfg, "httpHeaderConfig").map((v) => `${headerName}: ${v}`) });
        break;
      }
      case "http-request-method":
        out.push({ field: f, values: plainValues("httpRequestMethodConfig") });
        break;
      case "query-string": {
        const list = field(config("queryStringConfig"), "values");
        const pairs = Array.isArray(list) ? list : [];
        if (pairs.length === 0) throw new Error("invalid queryStringConfig: Values cannot be empty");
        out.push({
          field: f,
          values: pairs.map((p) => {
            const k = str(field(p, "key"));
            const v = str(field(p, "value")) ?? "";
            if (v === "") throw new Error("invalid queryStringConfig: value cannot be empty");
            return k ? `${k}=${v}` : v;
          }),
        });
        break;
      }
      case "source-ip":
        out.push({ field: f, values: plainValues("sourceIPConfig") });
        break;
      default:
        break;
    }
  }
  return out;
}

/** enhancedBackendBuilder.Build: the backend's conditions and action, its Services loaded. */
export function enhancedBackend(ctx: BuildContext, ing: Ingress, backend: IngressBackend): { conditions: { field: string; values: string[] }[]; action: BackendAction | ActionView } {
  if (!backend.service) throw new Error('missing required "service" field');
  const conditions = annotationConditions(ing, backend.service.name);
  let action: BackendAction | undefined;
  if (backend.service.port === "use-annotation") {
    action = actionFromAnnotation(ctx, ing, backend.service.name);
    if (!action) return { conditions, action: BACKEND_ACTION_503 };
  } else {
    action = { type: "forward", tuples: [{ serviceName: backend.service.name, servicePort: backend.service.port, arn: undefined, weight: undefined }] };
  }
  if (action.type === "forward") {
    // loadBackendServices: a forward to a single missing Service becomes a 503 when tolerated
    const names = [...new Set(action.tuples.map((t) => t.serviceName).filter((n): n is string => n !== undefined))];
    const single = action.tuples.length === 1 && names.length === 1;
    for (const name of names) {
      if (findService(ctx, ing.namespace, name)) continue;
      if (single && (ctx.options.tolerateNonExistentBackendService ?? true)) {
        ctx.notes.push({ what: `Ingress ${key(ing)}: service ${ing.namespace}/${name} does not exist: with --tolerate-non-existent-backend-service (the default) its rule answers 503 "Backend service does not exist"`, source: ing.meta.source });
        return { conditions, action: BACKEND_SERVICE_503 };
      }
      throw new Error(`services ${JSON.stringify(name)} not found`);
    }
  }
  return { conditions, action };
}
