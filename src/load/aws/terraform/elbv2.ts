import type {
  Listener,
  ListenerRule,
  LoadBalancer,
  LoadBalancerAction,
  RuleCondition,
  TargetGroup,
  TargetHealth,
} from "../../../model/aws.js";
import { isCidr } from "../../../model/net.js";
import { unique } from "../common.js";
import { block, blocks, num, optIp, str, strs, type TfConversion, type TfFields } from "./common.js";
import type { TfResource } from "./state.js";

/**
 * aws_lb, aws_lb_listener, aws_lb_listener_rule, aws_lb_target_group and
 * aws_lb_target_group_attachment (and their aws_alb* aliases, the same resources under their old
 * names). Shapes after the provider docs (resources/lb, lb_listener, lb_listener_rule,
 * lb_target_group, lb_target_group_attachment): actions are `default_action` / `action` blocks
 * with `forward { target_group { arn, weight } }`, `redirect`, `fixed_response`; conditions are
 * `condition` blocks with one of `host_header`, `path_pattern`, `http_header`,
 * `http_request_method`, `query_string`, `source_ip`.
 */

const ACTIONS: readonly LoadBalancerAction["type"][] = [
  "forward",
  "redirect",
  "fixed-response",
  "authenticate-oidc",
  "authenticate-cognito",
];

function action(conv: TfConversion, r: TfResource, a: TfFields): LoadBalancerAction | undefined {
  const type = a.reqStr("type");
  if (!(ACTIONS as readonly string[]).includes(type)) {
    conv.draft.warn(
      "invalid-field",
      `${r.address}: action type ${JSON.stringify(type)} is not modelled; the action was left out`,
      conv.sourceWithin(r, a.raw),
    );
    return undefined;
  }
  const order = num(a, "order", { min: 1, max: 50000 });
  let targetGroups: { arn: string; weight: number }[] = [];
  let redirect: LoadBalancerAction["redirect"];
  let fixedResponse: LoadBalancerAction["fixedResponse"];
  if (type === "forward") {
    const forward = block(a, "forward");
    targetGroups = (forward ? blocks(forward, "target_group") : []).map((t) => ({
      arn: t.reqStr("arn"),
      weight: num(t, "weight", { min: 0, max: 999 }) ?? 1,
    }));
    const single = str(a, "target_group_arn");
    if (targetGroups.length === 0 && single) targetGroups = [{ arn: single, weight: 1 }];
    if (targetGroups.length === 0) a.fail("a forward action needs target_group_arn or forward.target_group");
  } else if (type === "redirect") {
    const r = block(a, "redirect");
    if (!r) return a.fail("a redirect action needs a redirect block");
    const status = r.reqStr("status_code");
    redirect = {
      protocol: str(r, "protocol") ?? "#{protocol}",
      port: str(r, "port") ?? "#{port}",
      host: str(r, "host") ?? "#{host}",
      path: str(r, "path") ?? "/#{path}",
      query: str(r, "query") ?? "#{query}",
      statusCode: status === "HTTP_302" ? "HTTP_302" : "HTTP_301",
    };
  } else if (type === "fixed-response") {
    const r = block(a, "fixed_response");
    if (!r) return a.fail("a fixed-response action needs a fixed_response block");
    fixedResponse = { statusCode: r.reqStr("status_code"), contentType: str(r, "content_type") };
  }
  return { type: type as LoadBalancerAction["type"], order, targetGroups, redirect, fixedResponse };
}

function actions(conv: TfConversion, r: TfResource, f: TfFields, key: string): LoadBalancerAction[] {
  return blocks(f, key)
    .flatMap((a) => {
      const converted = action(conv, r, a);
      return converted ? [converted] : [];
    })
    .sort((x, y) => (x.order ?? Infinity) - (y.order ?? Infinity));
}

/** A `condition` block: its one sub-block, as the CLI's {Field, Values} (http-header "Name: value", query-string "key=value"). */
function conditions(c: TfFields): RuleCondition[] {
  const out: RuleCondition[] = [];
  const simple: readonly [string, string][] = [
    ["host_header", "host-header"],
    ["path_pattern", "path-pattern"],
    ["http_request_method", "http-request-method"],
    ["source_ip", "source-ip"],
  ];
  for (const [key, field] of simple) {
    for (const b of blocks(c, key)) {
      const values = [...strs(b, "values")];
      if (field === "source-ip")
        values.forEach((v) => {
          if (!isCidr(v)) b.fail(`values ${JSON.stringify(v)} is not a valid CIDR block`);
        });
      out.push({ field, values });
    }
  }
  for (const b of blocks(c, "http_header")) {
    const name = b.reqStr("http_header_name");
    out.push({ field: "http-header", values: strs(b, "values").map((v) => `${name}: ${v}`) });
  }
  const query = blocks(c, "query_string");
  if (query.length > 0)
    out.push({
      field: "query-string",
      values: query.map((q) => {
        const key = str(q, "key");
        const value = str(q, "value") ?? "";
        return key ? `${key}=${value}` : value;
      }),
    });
  return out;
}

export interface Elbv2Part {
  readonly loadBalancers: LoadBalancer[];
  readonly listeners: Listener[];
  readonly listenerRules: ListenerRule[];
  readonly targetGroups: TargetGroup[];
  readonly registrations: TargetHealth[];
}

export function convertElbv2(conv: TfConversion, eipByAllocation: ReadonlyMap<string, string>): Elbv2Part {
  const loadBalancers = conv.each(["aws_lb", "aws_alb"], (f, r): LoadBalancer => {
    const mappings = blocks(f, "subnet_mapping");
    const type = str(f, "load_balancer_type") ?? "application";
    return {
      arn: str(f, "arn") ?? f.reqStr("id"),
      name: f.reqStr("name"),
      dnsName: str(f, "dns_name"),
      // `internal` (bool, default false): internet-facing unless set
      scheme: f.bool("internal") === true ? "internal" : "internet-facing",
      type: type === "network" || type === "gateway" ? type : "application",
      vpcId: str(f, "vpc_id"),
      subnetIds: unique([...strs(f, "subnets"), ...mappings.flatMap((m) => str(m, "subnet_id") ?? [])]),
      addresses: mappings
        .filter((m) => str(m, "private_ipv4_address") || str(m, "allocation_id"))
        .map((m) => {
          const allocation = str(m, "allocation_id");
          return {
            subnetId: m.reqStr("subnet_id"),
            privateIp: optIp(m, "private_ipv4_address"),
            publicIp: allocation ? eipByAllocation.get(allocation) : undefined,
          };
        }),
      securityGroupIds: [...strs(f, "security_groups")],
      state: undefined,
      ipAddressType: str(f, "ip_address_type"),
      source: conv.source(r),
    };
  });
  const certificates = conv.each(["aws_lb_listener_certificate", "aws_alb_listener_certificate"], (f) => ({
    listenerArn: f.reqStr("listener_arn"),
    arn: f.reqStr("certificate_arn"),
  }));
  const listeners = conv.each(["aws_lb_listener", "aws_alb_listener"], (f, r): Listener => {
    const arn = str(f, "arn") ?? f.reqStr("id");
    const loadBalancerArn = f.reqStr("load_balancer_arn");
    const gateway = loadBalancerArn.includes(":loadbalancer/gwy/");
    const port = num(f, "port", { min: 1, max: 65535 }) ?? (gateway ? 6081 : f.fail("port is required"));
    return {
      arn,
      loadBalancerArn,
      port,
      protocol: str(f, "protocol") ?? (gateway ? "GENEVE" : f.fail("protocol is required")),
      defaultActions: actions(conv, r, f, "default_action"),
      certificateArns: unique([
        ...(str(f, "certificate_arn") ? [str(f, "certificate_arn")!] : []),
        ...certificates.filter((c) => c.listenerArn === arn).map((c) => c.arn),
      ]),
      source: conv.source(r),
    };
  });
  const listenerRules = conv.each(["aws_lb_listener_rule", "aws_alb_listener_rule"], (f, r): ListenerRule => {
    return {
      arn: str(f, "arn") ?? f.reqStr("id"),
      listenerArn: f.reqStr("listener_arn"),
      priority: num(f, "priority", { min: 1, max: 50000 }) ?? f.fail("priority is required"),
      isDefault: false,
      conditions: blocks(f, "condition").flatMap(conditions),
      actions: actions(conv, r, f, "action"),
      source: conv.source(r),
    };
  });
  // describe-target-groups' LoadBalancerArns: the load balancers whose listeners or rules forward to the group
  const lbOfListener = new Map(listeners.map((l) => [l.arn, l.loadBalancerArn]));
  const forwarding = (tg: string): string[] =>
    unique([
      ...listeners
        .filter((l) => l.defaultActions.some((a) => a.targetGroups.some((t) => t.arn === tg)))
        .map((l) => l.loadBalancerArn),
      ...listenerRules
        .filter((x) => x.actions.some((a) => a.targetGroups.some((t) => t.arn === tg)))
        .flatMap((x) => {
          const lb = lbOfListener.get(x.listenerArn);
          return lb ? [lb] : [];
        }),
    ]).sort();
  const targetGroups = conv.each(["aws_lb_target_group", "aws_alb_target_group"], (f, r): TargetGroup => {
    const arn = str(f, "arn") ?? f.reqStr("id");
    const health = block(f, "health_check");
    const targetType = str(f, "target_type") ?? "instance";
    const listed = strs(f, "load_balancer_arns");
    return {
      arn,
      name: f.reqStr("name"),
      protocol: str(f, "protocol"),
      port: num(f, "port", { min: 1, max: 65535 }),
      targetType: targetType === "ip" || targetType === "lambda" || targetType === "alb" ? targetType : "instance",
      vpcId: str(f, "vpc_id"),
      loadBalancerArns: listed.length > 0 ? listed : forwarding(arn),
      healthCheck: {
        protocol: health ? str(health, "protocol") : undefined,
        port: health ? str(health, "port") : undefined,
        path: health ? str(health, "path") : undefined,
      },
      source: conv.source(r),
    };
  });
  /**
   * aws_lb_target_group_attachment registers a target; the state has no health check result:
   * the entry's state is "unknown" (not one of the ELB's TargetHealthStateEnum values), and
   * describe-target-health output, where the snapshot has it, replaces it.
   */
  const registrations = conv.each(
    ["aws_lb_target_group_attachment", "aws_alb_target_group_attachment"],
    (f, r): TargetHealth => ({
      targetGroupArn: f.reqStr("target_group_arn"),
      targetId: f.reqStr("target_id"),
      port: num(f, "port", { min: 1, max: 65535 }),
      availabilityZone: str(f, "availability_zone"),
      state: "unknown",
      reason:
        "Terraform state records the registration (aws_lb_target_group_attachment), not the health check's result",
      source: conv.source(r),
    }),
  );
  return { loadBalancers, listeners, listenerRules, targetGroups, registrations };
}
