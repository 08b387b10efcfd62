import type {
  Action,
  Listener as SdkListener,
  LoadBalancer as SdkLoadBalancer,
  Rule,
  RuleCondition as SdkRuleCondition,
  TargetGroup as SdkTargetGroup,
  TargetGroupAttribute as SdkTargetGroupAttribute,
  TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type {
  Listener,
  ListenerRule,
  LoadBalancer,
  LoadBalancerAction,
  RuleCondition,
  TargetGroup,
  TargetGroupAttribute,
  TargetHealth,
} from "../../model/aws.js";
import type { SourceRef } from "../../model/source.js";
import { isCidr } from "../../model/net.js";
import { describeType, FieldAt, isRaw, Malformed } from "../fields.js";
import type { Fields, Raw } from "../fields.js";
import { convertElements, fieldPath, optIPv4, readableId, unique } from "./common.js";
import type { Conversion } from "./common.js";

/** describe-load-balancers, describe-listeners, describe-rules, describe-target-groups, describe-target-health */

const MODELLED_ACTIONS: readonly LoadBalancerAction["type"][] = [
  "forward",
  "redirect",
  "fixed-response",
  "authenticate-oidc",
  "authenticate-cognito",
];

export function convertLoadBalancers(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkLoadBalancer, LoadBalancer>(
    conv,
    items,
    "LoadBalancers",
    {
      what: "load balancer",
      kind: "elbv2:LoadBalancer",
      id: (raw) => readableId(raw, "LoadBalancerArn") ?? readableId(raw, "LoadBalancerName"),
      convert: (f, raw) => {
        const arn = f.reqStr("LoadBalancerArn");
        const zones = f.objs("AvailabilityZones");
        const subnetIds = zones.map((z) => z.reqStr("SubnetId"));
        const addresses = zones.flatMap((z) =>
          z.objs("LoadBalancerAddresses").map((a) => ({
            subnetId: z.reqStr("SubnetId"),
            privateIp: optIPv4(a, "PrivateIPv4Address"),
            publicIp: optIPv4(a, "IpAddress"),
          })),
        );
        return {
          arn,
          name: f.reqStr("LoadBalancerName"),
          dnsName: f.str("DNSName"),
          // CreateLoadBalancer's defaults: internet-facing, application
          scheme: f.oneOf("Scheme", ["internet-facing", "internal"], "internet-facing"),
          type: f.oneOf("Type", ["application", "network", "gateway"], "application"),
          vpcId: f.str("VpcId"),
          subnetIds: unique(subnetIds),
          addresses,
          securityGroupIds: [...f.strings("SecurityGroups")],
          state: f.obj("State")?.str("Code"),
          ipAddressType: f.str("IpAddressType"),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.loadBalancers,
  );
}

/**
 * The actions of a listener or rule. describe-listeners prints a single-target-group forward
 * both as TargetGroupArn and as ForwardConfig; ForwardConfig wins when it lists target groups.
 * An action type the model does not know (jwt-validation) is left out with a warning.
 */
function convertActions(
  conv: Conversion,
  owner: string,
  f: Fields<{ Actions?: Action[] | undefined; DefaultActions?: Action[] | undefined }>,
  key: "Actions" | "DefaultActions",
): LoadBalancerAction[] {
  const actions: LoadBalancerAction[] = [];
  for (const a of f.objs(key)) {
    const type = a.reqStr("Type");
    if (!(MODELLED_ACTIONS as readonly string[]).includes(type)) {
      conv.draft.warn(
        "invalid-field",
        `${owner}: ${fieldPath(a, "Type")} ${JSON.stringify(type)} is not modelled; the action was left out`,
        conv.ctx.source(a.raw),
      );
      continue;
    }
    actions.push(convertAction(a, type as LoadBalancerAction["type"]));
  }
  return actions.sort((x, y) => (x.order ?? Infinity) - (y.order ?? Infinity));
}

function convertAction(a: Fields<Action>, type: LoadBalancerAction["type"]): LoadBalancerAction {
  const order = a.int("Order", { min: 1, max: 50000 });
  let targetGroups: { arn: string; weight: number }[] = [];
  let redirect: LoadBalancerAction["redirect"];
  let fixedResponse: LoadBalancerAction["fixedResponse"];
  switch (type) {
    case "forward": {
      const tuples = a.obj("ForwardConfig")?.objs("TargetGroups") ?? [];
      targetGroups = tuples.map((t) => ({
        arn: t.reqStr("TargetGroupArn"),
        weight: t.int("Weight", { min: 0, max: 999 }) ?? 1,
      }));
      const single = a.str("TargetGroupArn");
      if (targetGroups.length === 0 && single) targetGroups = [{ arn: single, weight: 1 }];
      if (targetGroups.length === 0) a.fail("a forward action needs TargetGroupArn or ForwardConfig.TargetGroups");
      break;
    }
    case "redirect": {
      const r = a.obj("RedirectConfig");
      if (!r) a.fail("a redirect action needs RedirectConfig");
      r.reqStr("StatusCode");
      redirect = {
        protocol: r.str("Protocol"),
        port: r.str("Port"),
        host: r.str("Host"),
        path: r.str("Path"),
        query: r.str("Query"),
        statusCode: r.oneOf("StatusCode", ["HTTP_301", "HTTP_302"], "HTTP_301"),
      };
      break;
    }
    case "fixed-response": {
      const r = a.obj("FixedResponseConfig");
      if (!r) a.fail("a fixed-response action needs FixedResponseConfig");
      fixedResponse = { statusCode: r.reqStr("StatusCode"), contentType: r.str("ContentType") };
      break;
    }
    case "authenticate-oidc":
    case "authenticate-cognito":
      break;
  }
  return { type, order, targetGroups, redirect, fixedResponse };
}

export function convertListeners(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkListener, Listener>(
    conv,
    items,
    "Listeners",
    {
      what: "listener",
      kind: "elbv2:Listener",
      id: (raw) => readableId(raw, "ListenerArn"),
      convert: (f, raw) => {
        const arn = f.reqStr("ListenerArn");
        const loadBalancerArn = f.reqStr("LoadBalancerArn");
        // A Gateway Load Balancer's listener has neither port nor protocol: it takes every
        // packet and hands it on over GENEVE, port 6081.
        const gateway = loadBalancerArn.includes(":loadbalancer/gwy/");
        const port = f.port("Port") ?? (gateway ? 6081 : f.fail("Port is required"));
        const protocol = f.str("Protocol") || (gateway ? "GENEVE" : f.fail("Protocol is required"));
        return {
          arn,
          loadBalancerArn,
          port,
          protocol,
          defaultActions: convertActions(conv, `listener ${arn}`, f, "DefaultActions"),
          certificateArns: unique(f.objs("Certificates").map((c) => c.reqStr("CertificateArn"))),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.listeners,
  );
}

const RULE_ARN =
  /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/((?:app|net|gwy)\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/;

/**
 * describe-rules does not print the listener a rule belongs to; its ARN says it:
 * `…:listener-rule/app/NAME/LB-ID/LISTENER-ID/RULE-ID` belongs to `…:listener/app/NAME/LB-ID/LISTENER-ID`.
 */
export function listenerArnOfRule(ruleArn: string): string | undefined {
  const m = RULE_ARN.exec(ruleArn);
  return m ? `${m[1]}listener/${m[2]}` : undefined;
}

/**
 * One condition as {field, values}. Values come from the *Config form when it has them, else
 * from the legacy Values list. http-header values read "Name: value"; query-string values read
 * "key=value" (or "value" for a value-only pair), as in a request.
 */
function convertCondition(c: Fields<SdkRuleCondition>): RuleCondition {
  const field = c.reqStr("Field");
  let values: readonly string[] = [];
  switch (field) {
    case "path-pattern":
      values = c.obj("PathPatternConfig")?.strings("Values") ?? [];
      break;
    case "host-header":
      values = c.obj("HostHeaderConfig")?.strings("Values") ?? [];
      break;
    case "http-request-method":
      values = c.obj("HttpRequestMethodConfig")?.strings("Values") ?? [];
      break;
    case "source-ip": {
      const config = c.obj("SourceIpConfig");
      values = config?.strings("Values") ?? [];
      values.forEach((v, i) => checkCidr(config ?? c, i, v));
      break;
    }
    case "http-header": {
      const config = c.obj("HttpHeaderConfig");
      if (config) {
        const name = config.reqStr("HttpHeaderName");
        values = config.strings("Values").map((v) => `${name}: ${v}`);
      }
      break;
    }
    case "query-string":
      values = (c.obj("QueryStringConfig")?.objs("Values") ?? []).map((kv) => {
        const key = kv.str("Key");
        const value = kv.str("Value") ?? "";
        return key ? `${key}=${value}` : value;
      });
      break;
  }
  if (values.length === 0) {
    values = c.strings("Values");
    if (field === "source-ip") values.forEach((v, i) => checkCidr(c, i, v));
  }
  return { field, values: [...values] };
}

/** Values[index] of a source-ip condition: a warning cites that item of the list */
function checkCidr(f: { readonly path: string; readonly raw: Raw }, index: number, value: string): void {
  if (!isCidr(value)) {
    const list = f.raw["Values"];
    throw new Malformed(
      `${fieldPath(f, `Values[${index}]`)} ${JSON.stringify(value)} is not a valid CIDR block`,
      Array.isArray(list) ? new FieldAt(list, index) : f.raw,
    );
  }
}

export function convertRules(conv: Conversion, items: readonly unknown[]): void {
  convertElements<Rule, ListenerRule>(
    conv,
    items,
    "Rules",
    {
      what: "listener rule",
      kind: "elbv2:Rule",
      id: (raw) => readableId(raw, "RuleArn"),
      convert: (f, raw) => {
        const arn = f.reqStr("RuleArn");
        const listenerArn = listenerArnOfRule(arn);
        if (!listenerArn)
          throw new Malformed(
            `RuleArn ${JSON.stringify(arn)} is not a listener rule ARN`,
            new FieldAt(f.raw, "RuleArn"),
          );
        const text = f.str("Priority");
        let priority: number | undefined;
        const isDefault = text === "default" || (text === undefined && f.bool("IsDefault") === true);
        if (!isDefault) {
          if (text === undefined) return f.fail("Priority is required");
          if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 50000) {
            throw new Malformed(
              `Priority must be "default" or a number between 1 and 50000, not ${JSON.stringify(text)}`,
              new FieldAt(f.raw, "Priority"),
            );
          }
          priority = Number(text);
        }
        return {
          arn,
          listenerArn,
          priority,
          isDefault,
          conditions: f.objs("Conditions").map(convertCondition),
          actions: convertActions(conv, `listener rule ${arn}`, f, "Actions"),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.listenerRules,
  );
}

export function convertTargetGroups(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkTargetGroup, TargetGroup>(
    conv,
    items,
    "TargetGroups",
    {
      what: "target group",
      kind: "elbv2:TargetGroup",
      id: (raw) => readableId(raw, "TargetGroupArn") ?? readableId(raw, "TargetGroupName"),
      convert: (f, raw) => ({
        arn: f.reqStr("TargetGroupArn"),
        name: f.reqStr("TargetGroupName"),
        protocol: f.str("Protocol"),
        port: f.port("Port"),
        targetType: f.oneOf("TargetType", ["instance", "ip", "lambda", "alb"], "instance"),
        vpcId: f.str("VpcId"),
        loadBalancerArns: [...f.strings("LoadBalancerArns")],
        healthCheck: {
          protocol: f.str("HealthCheckProtocol"),
          port: f.str("HealthCheckPort"),
          path: f.str("HealthCheckPath"),
        },
        source: conv.ctx.source(raw),
      }),
    },
    conv.draft.aws.targetGroups,
  );
}

/**
 * The target group of a document the CLI prints without it (describe-target-health,
 * describe-target-group-attributes): from the index file (`hinted`) or a top-level
 * "TargetGroupArn" key added to the document; warned and undefined when neither names it.
 */
function targetGroupOfDocument(
  conv: Conversion,
  document: Raw,
  items: readonly unknown[],
  hinted: string | undefined,
  what: string,
): string | undefined {
  const { ctx, draft } = conv;
  const documentSource: SourceRef = ctx.source(document);
  const inDocument = document["TargetGroupArn"];
  let named: string | undefined;
  if (typeof inDocument === "string" && inDocument !== "") {
    named = inDocument;
  } else if (inDocument !== undefined && inDocument !== null) {
    draft.warn(
      "invalid-field",
      `${ctx.file}: TargetGroupArn must be a target group ARN, not ${describeType(inDocument)}`,
      documentSource,
    );
  }
  if (hinted && named && hinted !== named) {
    draft.warn(
      "invalid-field",
      `${ctx.file}: the document names target group ${named} but podpath.yaml names ${hinted}; podpath.yaml wins`,
      documentSource,
    );
  }
  const targetGroupArn = hinted || named;
  if (!targetGroupArn && items.length > 0) {
    draft.warn(
      "missing-target-group",
      `${ctx.file}: ${what} without its target group: name it with targetGroupArn in podpath.yaml or a top-level "TargetGroupArn" key`,
      documentSource,
    );
  }
  return targetGroupArn;
}

/**
 * describe-target-health prints neither the target group's ARN nor its name: it comes from
 * the index file (`hints`) or a top-level "TargetGroupArn" key added to the document.
 */
export function convertTargetHealth(
  conv: Conversion,
  document: Raw,
  items: readonly unknown[],
  hinted: string | undefined,
): void {
  const { ctx, draft } = conv;
  const targetGroupArn = targetGroupOfDocument(conv, document, items, hinted, "target health");
  if (!targetGroupArn) return;
  draft.targetHealthCaptured.add(targetGroupArn);
  convertElements<TargetHealthDescription, TargetHealth>(
    conv,
    items,
    "TargetHealthDescriptions",
    {
      what: "target health",
      kind: "elbv2:TargetHealth",
      id: (raw) => (isRaw(raw["Target"]) ? readableId(raw["Target"], "Id") : undefined),
      convert: (f, raw) => {
        const target = f.obj("Target") ?? f.fail("Target is required");
        const health = f.obj("TargetHealth") ?? f.fail("TargetHealth is required");
        return {
          targetGroupArn,
          targetId: target.reqStr("Id"),
          port: target.port("Port"),
          availabilityZone: target.str("AvailabilityZone"),
          state: health.reqStr("State"),
          reason: health.str("Reason"),
          source: ctx.source(raw),
        };
      },
    },
    draft.aws.targetHealth,
  );
}

/**
 * describe-target-group-attributes (`Attributes[].Key/Value`, e.g. preserve_client_ip.enabled):
 * like describe-target-health, the CLI does not print the target group; the index names it.
 */
export function convertTargetGroupAttributes(
  conv: Conversion,
  document: Raw,
  items: readonly unknown[],
  hinted: string | undefined,
): void {
  const targetGroupArn = targetGroupOfDocument(conv, document, items, hinted, "target group attributes");
  if (!targetGroupArn) return;
  convertElements<SdkTargetGroupAttribute, TargetGroupAttribute>(
    conv,
    items,
    "Attributes",
    {
      what: "target group attribute",
      kind: "elbv2:TargetGroupAttribute",
      id: (raw) => readableId(raw, "Key"),
      convert: (f, raw) => ({
        targetGroupArn,
        key: f.reqStr("Key"),
        value: f.str("Value") ?? "",
        source: conv.ctx.source(raw),
      }),
    },
    conv.draft.aws.targetGroupAttributes,
  );
}
