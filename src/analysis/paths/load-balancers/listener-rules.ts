import { cidrContains, parseCidr4, parseIPv4 } from "../../../model/net.js";
import type { ActionView, HttpRequest, ListenerView, RuleCondition, RuleMiss, RuleView } from "./types.js";

/**
 * How an Application Load Balancer listener picks the rule for a request.
 *
 * AWS, "Listener rules for your Application Load Balancer" and "Condition types for listener
 * rules" (docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html,
 * rule-condition-types.html): rules are evaluated in priority order, lowest number first, the
 * default rule last; a rule applies when all its conditions match (conditions are ANDed), and a
 * condition matches when any of its values does (values are ORed).
 *
 * - host-header: the host name of the Host header, not case-sensitive, wildcards `*` (0 or more
 *   characters) and `?` (exactly one).
 * - path-pattern: applied to the path of the URL only, not to its query string; case-sensitive;
 *   wildcards `*` and `?`.
 * - http-request-method: case-sensitive, no wildcards.
 * - http-header: the header name is not case-sensitive (no wildcards); the values are compared
 *   case-insensitively with `*` and `?`; a repeated header is searched in order.
 * - query-string: key/value pairs or values, not case-sensitive, wildcards `*` and `?`.
 * - source-ip: the client's address (not X-Forwarded-For) in any of the CIDR blocks.
 */

/**
 * Whether the whole text matches an ALB wildcard pattern (`*` 0 or more characters, `?` exactly
 * one). Greedy matching with a single backtrack point: O(pattern × text) whatever the pattern,
 * where a RegExp of many `*` could backtrack for ever on a hostile snapshot.
 */
export function wildcardMatches(pattern: string, text: string, caseInsensitive: boolean): boolean {
  const p = [...(caseInsensitive ? pattern.toLowerCase() : pattern)];
  const t = [...(caseInsensitive ? text.toLowerCase() : text)];
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] !== "*" && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** The host name of a Host header: lower case, without port and trailing dot. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  const bracket = h.startsWith("[") ? h.indexOf("]") : -1;
  if (bracket > 0) h = h.slice(0, bracket + 1);
  else if (/:\d+$/.test(h)) h = h.replace(/:\d+$/, "");
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

/** A query-string component, URL-decoded ("+" is a space); as written when it is not valid. */
function decodeQueryComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

function parseQuery(query: string | undefined): { key: string; value: string }[] {
  if (!query) return [];
  return query
    .replace(/^\?/, "")
    .split("&")
    .filter((p) => p !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq < 0
        ? { key: "", value: decodeQueryComponent(pair) }
        : { key: decodeQueryComponent(pair.slice(0, eq)), value: decodeQueryComponent(pair.slice(eq + 1)) };
    });
}

function headerValues(request: HttpRequest, name: string): string[] {
  const lower = name.toLowerCase();
  if (lower === "host") return [request.host];
  return Object.entries(request.headers ?? {})
    .filter(([k]) => k.toLowerCase() === lower)
    .map(([, v]) => v);
}

export interface ConditionResult {
  readonly matched: boolean;
  /** when the request does not carry what the condition tests: what was assumed */
  readonly assumption: string | undefined;
}

/** Evaluates one rule condition against a request. */
export function conditionMatches(condition: RuleCondition, request: HttpRequest): ConditionResult {
  const any = (test: (value: string) => boolean): ConditionResult => ({
    matched: condition.values.some(test),
    assumption: undefined,
  });
  switch (condition.field) {
    case "host-header": {
      const host = normalizeHost(request.host);
      return any((v) => wildcardMatches(v, host, true));
    }
    case "path-pattern":
      return any((v) => wildcardMatches(v, request.path, false));
    case "http-request-method": {
      const method = request.method ?? "GET";
      return {
        matched: condition.values.includes(method),
        assumption: request.method === undefined ? "the request method is taken to be GET" : undefined,
      };
    }
    case "http-header":
      return any((v) => {
        const colon = v.indexOf(": ");
        if (colon < 0) return false;
        const name = v.slice(0, colon);
        const pattern = v.slice(colon + 2);
        return headerValues(request, name).some((actual) => wildcardMatches(pattern, actual, true));
      });
    case "query-string": {
      const pairs = parseQuery(request.query);
      return any((v) => {
        const eq = v.indexOf("=");
        if (eq < 0) return pairs.some((p) => wildcardMatches(v, p.value, true));
        const key = v.slice(0, eq);
        const value = v.slice(eq + 1);
        return pairs.some((p) => wildcardMatches(key, p.key, true) && wildcardMatches(value, p.value, true));
      });
    }
    case "source-ip": {
      if (request.sourceIp === undefined)
        return {
          matched: false,
          assumption: "the client address is not known: a source-ip condition is taken not to match",
        };
      const ip = parseIPv4(request.sourceIp);
      return any((v) => {
        const cidr = parseCidr4(v);
        return cidr !== undefined && ip !== undefined && cidrContains(cidr, ip);
      });
    }
    default:
      return { matched: false, assumption: `condition ${condition.field} is not modelled: taken not to match` };
  }
}

const CONDITION_LABELS: Readonly<Record<string, string>> = {
  "host-header": "host",
  "path-pattern": "path",
  "http-request-method": "method",
  "http-header": "header",
  "query-string": "query",
  "source-ip": "source",
};

/** "host growbin.app", "path /argocd, /argocd/*", "header X-Env: prod", … */
function describeCondition(condition: RuleCondition): string {
  return `${CONDITION_LABELS[condition.field] ?? condition.field} ${condition.values.join(", ")}`;
}

export function describeAction(action: ActionView): string {
  switch (action.type) {
    case "forward":
      return `forward to ${action.targetGroups.map((t) => (action.targetGroups.length > 1 ? `${t.id} (weight ${t.weight})` : t.id)).join(", ")}`;
    case "redirect":
      return `redirect ${action.statusCode} to ${[action.protocol ?? "#{protocol}", "://", action.host ?? "#{host}", ":", action.port ?? "#{port}", action.path ?? "/#{path}"].join("")}`;
    case "fixed-response":
      return `fixed-response ${action.statusCode}`;
  }
}

/** "priority 1: host growbin.app, path /argocd, /argocd/*"; "default: fixed-response 404" */
export function describeRule(
  priority: number | "default",
  conditions: readonly RuleCondition[],
  actions: readonly ActionView[],
): string {
  if (priority === "default") return `default: ${actions.map(describeAction).join(", ") || "no action"}`;
  return `priority ${priority}: ${conditions.map(describeCondition).join(", ") || "no conditions"}`;
}

/** Rules in evaluation order: ascending priority, the default rule last. */
export function sortRules<R extends { readonly priority: number | "default" }>(rules: readonly R[]): R[] {
  return [...rules].sort(
    (a, b) =>
      (a.priority === "default" ? 1 : 0) - (b.priority === "default" ? 1 : 0) ||
      (a.priority === "default" || b.priority === "default" ? 0 : a.priority - b.priority),
  );
}

export interface ListenerEvaluation {
  /** the rule that applies (a matching rule, else the default rule); undefined when none */
  readonly rule: RuleView | undefined;
  readonly skipped: readonly RuleMiss[];
  readonly assumptions: readonly string[];
}

/**
 * The rule a listener applies to a request: the first rule, in priority order, whose conditions
 * all match; else the default rule. The listener's rules are in that order already (ListenerView).
 */
export function evaluateListener(listener: ListenerView, request: HttpRequest): ListenerEvaluation {
  const skipped: RuleMiss[] = [];
  const assumptions = new Set<string>();
  for (const rule of listener.rules) {
    if (rule.priority === "default") return { rule, skipped, assumptions: [...assumptions] };
    let failed: string | undefined;
    for (const condition of rule.conditions) {
      const result = conditionMatches(condition, request);
      if (result.assumption) assumptions.add(result.assumption);
      if (!result.matched) {
        failed = describeCondition(condition);
        break;
      }
    }
    if (failed === undefined) return { rule, skipped, assumptions: [...assumptions] };
    skipped.push({ rule, failed });
  }
  return { rule: undefined, skipped, assumptions: [...assumptions] };
}

/**
 * The Location of a redirect action. AWS, "Redirect actions": the URI components `#{protocol}`,
 * `#{host}`, `#{port}`, `#{path}` (without its leading "/") and `#{query}` are taken from the
 * request; the load balancer writes the port into the Location it returns.
 */
export function redirectLocation(action: Extract<ActionView, { type: "redirect" }>, request: HttpRequest): string {
  const fill = (text: string): string =>
    text
      .replace(/#\{protocol\}/g, request.scheme.toUpperCase())
      .replace(/#\{host\}/g, normalizeHost(request.host))
      .replace(/#\{port\}/g, String(request.port))
      .replace(/#\{path\}/g, request.path.replace(/^\//, ""))
      .replace(/#\{query\}/g, request.query ?? "");
  const protocol = fill(action.protocol ?? "#{protocol}").toLowerCase();
  const host = fill(action.host ?? "#{host}");
  const port = fill(action.port ?? "#{port}");
  let path = fill(action.path ?? "/#{path}");
  if (!path.startsWith("/")) path = `/${path}`;
  const query = fill(action.query ?? "#{query}");
  return `${protocol}://${host}:${port}${path}${query ? `?${query}` : ""}`;
}
