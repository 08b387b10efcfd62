/**
 * ALB listener-rule evaluation and observed target groups, against AWS's own rules ("Listener
 * rules for your Application Load Balancer", "Condition types for listener rules", "Redirect
 * actions", "Target health"). Each case is named after the rule it follows.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  conditionMatches,
  loadBalancerForHost,
  loadBalancersOf,
  matchRequest,
  wildcardMatches,
  type HttpRequest,
  type LoadBalancerView,
  type RuleCondition,
} from "../../../../src/analysis/paths/load-balancers/index.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import {
  BASE_AWS,
  clusterIpService,
  endpointSlice,
  expectKind,
  http,
  https,
  node,
  nodePortService,
  pod,
  snapshotOf,
  WORKERS,
} from "./support.js";

const LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/test-alb/0123456789abcdef";
const L80 = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/test-alb/0123456789abcdef/l80";
const L443 = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/test-alb/0123456789abcdef/l443";
const tgArn = (name: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${name}/0000000000000000`;
const ruleArn = (listener: string, id: string) => `${listener.replace(":listener/", ":listener-rule/")}/${id}`;

const forward = (...tgs: readonly (readonly [string, number])[]) => ({
  Type: "forward",
  Order: 1,
  ForwardConfig: { TargetGroups: tgs.map(([name, w]) => ({ TargetGroupArn: tgArn(name), Weight: w })) },
});
const fixed = (code: string) => ({
  Type: "fixed-response",
  Order: 1,
  FixedResponseConfig: { StatusCode: code, ContentType: "text/plain" },
});
const hostCond = (...v: string[]) => ({ Field: "host-header", HostHeaderConfig: { Values: v } });
const pathCond = (...v: string[]) => ({ Field: "path-pattern", PathPatternConfig: { Values: v } });

interface RuleSpec {
  readonly id: string;
  readonly priority: string;
  readonly conditions: readonly unknown[];
  readonly actions: readonly unknown[];
}

function rulesJson(listener: string, rules: readonly RuleSpec[]): string {
  return JSON.stringify({
    Rules: rules.map((r) => ({
      RuleArn: ruleArn(listener, r.id),
      Priority: r.priority,
      Conditions: r.conditions,
      Actions: r.actions,
      IsDefault: r.priority === "default",
    })),
  });
}

const LB = JSON.stringify({
  LoadBalancers: [
    {
      LoadBalancerArn: LB_ARN,
      DNSName: "test-alb-1234.us-east-1.elb.amazonaws.com",
      LoadBalancerName: "test-alb",
      Scheme: "internet-facing",
      VpcId: "vpc-1",
      Type: "application",
      AvailabilityZones: [
        { ZoneName: "us-east-1a", SubnetId: "subnet-pub-a", LoadBalancerAddresses: [] },
        { ZoneName: "us-east-1b", SubnetId: "subnet-pub-b", LoadBalancerAddresses: [] },
      ],
      SecurityGroups: ["sg-alb"],
    },
  ],
});

const LISTENERS = JSON.stringify({
  Listeners: [
    {
      ListenerArn: L80,
      LoadBalancerArn: LB_ARN,
      Port: 80,
      Protocol: "HTTP",
      DefaultActions: [
        {
          Type: "redirect",
          Order: 1,
          RedirectConfig: {
            Protocol: "HTTPS",
            Port: "443",
            Host: "#{host}",
            Path: "/#{path}",
            Query: "#{query}",
            StatusCode: "HTTP_301",
          },
        },
      ],
    },
    { ListenerArn: L443, LoadBalancerArn: LB_ARN, Port: 443, Protocol: "HTTPS", DefaultActions: [fixed("404")] },
  ],
});

const TARGET_GROUPS = JSON.stringify({
  TargetGroups: [
    {
      TargetGroupArn: tgArn("tg-web"),
      TargetGroupName: "tg-web",
      Protocol: "HTTP",
      Port: 30080,
      VpcId: "vpc-1",
      TargetType: "instance",
      LoadBalancerArns: [LB_ARN],
    },
    {
      TargetGroupArn: tgArn("tg-blue"),
      TargetGroupName: "tg-blue",
      Protocol: "HTTP",
      Port: 30081,
      VpcId: "vpc-1",
      TargetType: "instance",
      LoadBalancerArns: [LB_ARN],
    },
    {
      TargetGroupArn: tgArn("tg-green"),
      TargetGroupName: "tg-green",
      Protocol: "HTTP",
      Port: 30082,
      VpcId: "vpc-1",
      TargetType: "instance",
      LoadBalancerArns: [LB_ARN],
    },
    {
      TargetGroupArn: tgArn("tg-pods"),
      TargetGroupName: "tg-pods",
      Protocol: "HTTP",
      Port: 8080,
      VpcId: "vpc-1",
      TargetType: "ip",
      LoadBalancerArns: [LB_ARN],
    },
  ],
});

const HEALTH_WEB = JSON.stringify({
  TargetGroupArn: tgArn("tg-web"),
  TargetHealthDescriptions: [
    { Target: { Id: "i-w1", Port: 30080 }, TargetHealth: { State: "healthy" } },
    { Target: { Id: "i-w2", Port: 30080 }, TargetHealth: { State: "unhealthy", Reason: "Target.FailedHealthChecks" } },
  ],
});

const HEALTH_PODS = JSON.stringify({
  TargetGroupArn: tgArn("tg-pods"),
  TargetHealthDescriptions: [{ Target: { Id: "192.168.1.5", Port: 8080 }, TargetHealth: { State: "healthy" } }],
});

/** Rules on 443, written out of priority order on purpose (describe-rules sorts; AWS evaluates by priority). */
const RULES_443: readonly RuleSpec[] = [
  { id: "r-default", priority: "default", conditions: [], actions: [fixed("404")] },
  {
    id: "r20",
    priority: "20",
    conditions: [hostCond("*.example.com"), pathCond("/app/*")],
    actions: [forward(["tg-blue", 1])],
  },
  {
    id: "r10",
    priority: "10",
    conditions: [hostCond("shop.example.com"), pathCond("/app/*", "/store")],
    actions: [forward(["tg-web", 1])],
  },
  { id: "r30", priority: "30", conditions: [pathCond("/Case/*")], actions: [forward(["tg-green", 1])] },
  { id: "r40", priority: "40", conditions: [pathCond("/v?/items")], actions: [forward(["tg-pods", 1])] },
  {
    id: "r50",
    priority: "50",
    conditions: [pathCond("/admin/*"), { Field: "http-request-method", HttpRequestMethodConfig: { Values: ["POST"] } }],
    actions: [fixed("403")],
  },
  {
    id: "r60",
    priority: "60",
    conditions: [
      pathCond("/beta/*"),
      { Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "X-Canary", Values: ["on", "y?s"] } },
    ],
    actions: [forward(["tg-green", 1])],
  },
  {
    id: "r70",
    priority: "70",
    conditions: [
      pathCond("/search"),
      { Field: "query-string", QueryStringConfig: { Values: [{ Key: "lang", Value: "k*" }] } },
    ],
    actions: [fixed("200")],
  },
  {
    id: "r80",
    priority: "80",
    conditions: [pathCond("/internal/*"), { Field: "source-ip", SourceIpConfig: { Values: ["10.0.0.0/8"] } }],
    actions: [fixed("204")],
  },
  {
    id: "r90",
    priority: "90",
    conditions: [pathCond("/split")],
    actions: [forward(["tg-blue", 20], ["tg-green", 80])],
  },
  { id: "r91", priority: "91", conditions: [pathCond("/tie")], actions: [forward(["tg-blue", 50], ["tg-green", 50])] },
];

const PODS = pod("web-1", { node: "w1", ip: "192.168.1.5" });

/** The Services: `pods` (ClusterIP, its endpoint web-1), `web` (NodePort 30080) and `blue` (NodePort 30081). */
const NODEPORT_WEB =
  clusterIpService("app", "pods", { clusterIP: "10.96.0.12", targetPort: "http" }) +
  endpointSlice("pods", [["web-1", "192.168.1.5", "w1", true]]) +
  nodePortService("app", "web", 30080, "10.96.0.10") +
  nodePortService("app", "blue", 30081, "10.96.0.11");

function observed(
  extra: Readonly<Record<string, string>> = {},
  rules: readonly RuleSpec[] = RULES_443,
  k8s = WORKERS + PODS + NODEPORT_WEB,
): Snapshot {
  return snapshotOf({
    "k8s/cluster.yaml": k8s,
    ...BASE_AWS,
    "aws/elbv2-lb.json": LB,
    "aws/elbv2-listeners.json": LISTENERS,
    "aws/elbv2-rules-443.json": rulesJson(L443, rules),
    "aws/elbv2-tgs.json": TARGET_GROUPS,
    "aws/elbv2-health-web.json": HEALTH_WEB,
    "aws/elbv2-health-pods.json": HEALTH_PODS,
    ...extra,
  });
}

const SNAP = observed();
const MODEL = loadBalancersOf(SNAP);
const match = (request: HttpRequest) => matchRequest(MODEL, request);
const ALB = MODEL.loadBalancers[0]!;
/**
 * A request matched on the ALB directly, as if its DNS name were the request's host (requests
 * to x.org reach the ALB by its DNS name in real life); `alb`: the ALB changed for the case.
 */
const matchOnAlb = (request: HttpRequest, alb: LoadBalancerView = ALB) =>
  matchRequest({ ...MODEL, loadBalancers: [{ ...alb, dnsName: request.host }] }, request);

describe("AWS ALB condition values: wildcards * (0 or more characters) and ? (exactly 1)", () => {
  const cases: readonly { name: string; pattern: string; text: string; ci: boolean; want: boolean }[] = [
    {
      name: "host-header is not case-sensitive",
      pattern: "Shop.Example.com",
      text: "shop.example.COM",
      ci: true,
      want: true,
    },
    { name: "path-pattern is case-sensitive", pattern: "/Case/*", text: "/case/x", ci: false, want: false },
    { name: "* matches zero characters", pattern: "/app/*", text: "/app/", ci: false, want: true },
    { name: "* matches across slashes", pattern: "/app/*", text: "/app/a/b/c", ci: false, want: true },
    { name: "? matches exactly one character", pattern: "/v?/items", text: "/v1/items", ci: false, want: true },
    { name: "? does not match zero characters", pattern: "/v?/items", text: "/v/items", ci: false, want: false },
    { name: "? does not match two characters", pattern: "/v?/items", text: "/v10/items", ci: false, want: false },
    { name: "the pattern is anchored at both ends", pattern: "/app", text: "/app/x", ci: false, want: false },
    { name: "regex metacharacters are literal", pattern: "/a.b(c)", text: "/aXb(c)", ci: false, want: false },
    {
      name: "*.example.com matches a subdomain",
      pattern: "*.example.com",
      text: "a.b.example.com",
      ci: true,
      want: true,
    },
    {
      name: "*.example.com does not match the apex",
      pattern: "*.example.com",
      text: "example.com",
      ci: true,
      want: false,
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(wildcardMatches(c.pattern, c.text, c.ci), c.want));

  test("a pathological pattern (many *) is matched in linear-ish time, not by exponential backtracking", () => {
    const started = Date.now();
    assert.equal(wildcardMatches(`${"*a".repeat(60)}b`, "a".repeat(5000), false), false);
    assert.ok(Date.now() - started < 1000);
  });
});

describe("AWS ALB condition types (rule-condition-types.html)", () => {
  const req = (extra: Partial<HttpRequest> = {}): HttpRequest => ({
    scheme: "https",
    host: "a.example.com",
    port: 443,
    path: "/p",
    ...extra,
  });
  const cases: readonly { name: string; condition: RuleCondition; request: HttpRequest; want: boolean }[] = [
    {
      name: "host-header: the Host header's port is not part of the host name",
      condition: { field: "host-header", values: ["a.example.com"] },
      request: req({ host: "A.Example.com:8443" }),
      want: true,
    },
    {
      name: "path-pattern: applied to the path only, not the query string",
      condition: { field: "path-pattern", values: ["/p"] },
      request: req({ query: "x=1" }),
      want: true,
    },
    {
      name: "http-request-method: case-sensitive",
      condition: { field: "http-request-method", values: ["POST"] },
      request: req({ method: "post" }),
      want: false,
    },
    {
      name: "http-request-method: an unstated method is GET",
      condition: { field: "http-request-method", values: ["GET", "HEAD"] },
      request: req(),
      want: true,
    },
    {
      name: "http-header: the header name is not case-sensitive",
      condition: { field: "http-header", values: ["X-Env: prod"] },
      request: req({ headers: { "x-env": "prod" } }),
      want: true,
    },
    {
      name: "http-header: the value is not case-sensitive and takes wildcards",
      condition: { field: "http-header", values: ["User-Agent: *Mobile*"] },
      request: req({ headers: { "User-Agent": "Foo mobile Bar" } }),
      want: true,
    },
    {
      name: "http-header: an absent header does not match",
      condition: { field: "http-header", values: ["X-Env: *"] },
      request: req(),
      want: false,
    },
    {
      name: "query-string: key=value pairs, not case-sensitive",
      condition: { field: "query-string", values: ["Lang=KO"] },
      request: req({ query: "lang=ko&x=1" }),
      want: true,
    },
    {
      name: "query-string: a value-only condition matches any key's value",
      condition: { field: "query-string", values: ["ko"] },
      request: req({ query: "lang=ko" }),
      want: true,
    },
    {
      name: "query-string: values are URL-decoded",
      condition: { field: "query-string", values: ["q=a b"] },
      request: req({ query: "q=a%20b" }),
      want: true,
    },
    {
      name: "source-ip: the client address in any CIDR block",
      condition: { field: "source-ip", values: ["192.0.2.0/24", "10.0.0.0/8"] },
      request: req({ sourceIp: "10.1.2.3" }),
      want: true,
    },
    {
      name: "source-ip: outside every block",
      condition: { field: "source-ip", values: ["192.0.2.0/24"] },
      request: req({ sourceIp: "10.1.2.3" }),
      want: false,
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(conditionMatches(c.condition, c.request).matched, c.want));

  test("source-ip with no client address known: not matched, and said so", () => {
    const r = conditionMatches({ field: "source-ip", values: ["0.0.0.0/0"] }, req());
    assert.equal(r.matched, false);
    assert.match(r.assumption ?? "", /client address is not known/);
  });
});

describe("AWS ALB listener rules: priority order, conditions ANDed, values ORed, default rule last", () => {
  const cases: readonly {
    name: string;
    request: HttpRequest;
    rule: string;
    kind: "forward" | "fixed-response" | "redirect";
    tg?: string;
    status?: string;
  }[] = [
    {
      name: "the lowest priority number wins: 10 before 20, whatever the JSON order",
      request: https("shop.example.com", "/app/x"),
      rule: "r10",
      kind: "forward",
      tg: "tg-web",
    },
    {
      name: "values within a condition are ORed (/store)",
      request: https("shop.example.com", "/store"),
      rule: "r10",
      kind: "forward",
      tg: "tg-web",
    },
    {
      name: "conditions are ANDed: the host of 10 fails, 20's wildcard host matches",
      request: https("www.example.com", "/app/x"),
      rule: "r20",
      kind: "forward",
      tg: "tg-blue",
    },
    {
      name: "conditions are ANDed: host matches but no path does → the default rule",
      request: https("shop.example.com", "/other"),
      rule: "r-default",
      kind: "fixed-response",
      status: "404",
    },
    {
      name: "path-pattern is case-sensitive: /case/x misses /Case/*",
      request: https("x.org", "/case/x"),
      rule: "r-default",
      kind: "fixed-response",
      status: "404",
    },
    {
      name: "path-pattern /Case/* matches /Case/x",
      request: https("x.org", "/Case/x"),
      rule: "r30",
      kind: "forward",
      tg: "tg-green",
    },
    {
      name: "? wildcard: /v2/items",
      request: https("x.org", "/v2/items"),
      rule: "r40",
      kind: "forward",
      tg: "tg-pods",
    },
    {
      name: "http-request-method: POST /admin/x → 403",
      request: https("x.org", "/admin/x", { method: "POST" }),
      rule: "r50",
      kind: "fixed-response",
      status: "403",
    },
    {
      name: "http-request-method: GET /admin/x → default",
      request: https("x.org", "/admin/x"),
      rule: "r-default",
      kind: "fixed-response",
      status: "404",
    },
    {
      name: "http-header: X-Canary: yes matches y?s",
      request: https("x.org", "/beta/1", { headers: { "x-canary": "YES" } }),
      rule: "r60",
      kind: "forward",
      tg: "tg-green",
    },
    {
      name: "query-string: lang=ko matches k*",
      request: https("x.org", "/search", { query: "lang=ko" }),
      rule: "r70",
      kind: "fixed-response",
      status: "200",
    },
    {
      name: "source-ip: 10.2.3.4 is in 10.0.0.0/8",
      request: https("x.org", "/internal/x", { sourceIp: "10.2.3.4" }),
      rule: "r80",
      kind: "fixed-response",
      status: "204",
    },
    {
      name: "source-ip: 203.0.113.9 is not → default",
      request: https("x.org", "/internal/x", { sourceIp: "203.0.113.9" }),
      rule: "r-default",
      kind: "fixed-response",
      status: "404",
    },
    {
      name: "weighted forward: the heaviest target group (80 over 20)",
      request: https("x.org", "/split"),
      rule: "r90",
      kind: "forward",
      tg: "tg-green",
    },
    {
      name: "weighted forward: on a tie the first target group",
      request: https("x.org", "/tie"),
      rule: "r91",
      kind: "forward",
      tg: "tg-blue",
    },
    {
      name: "HTTP listener: its default action redirects to HTTPS",
      request: http("x.org", "/a"),
      rule: "#default",
      kind: "redirect",
      status: "HTTP_301",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const m = matchOnAlb(c.request);
      const got = expectKind(m, c.kind);
      assert.ok(got.rule.id.endsWith(c.rule), `rule ${got.rule.id}`);
      if (c.tg) assert.equal(expectKind(m, "forward").targetGroup.name, c.tg);
      if (c.status) assert.equal((got as { statusCode: string }).statusCode, c.status);
    });
  }

  test("the rules tried first are reported with the condition that failed", () => {
    const m = expectKind(matchOnAlb(https("www.example.com", "/app/x")), "forward");
    assert.deepEqual(
      m.skipped.map((s) => [s.rule.priority, s.failed]),
      [[10, "host shop.example.com"]],
    );
  });

  test("rule descriptions name priority, host and path", () => {
    const rules = ALB.listeners.find((l) => l.port === 443)!.rules;
    assert.equal(rules[0]!.description, "priority 10: host shop.example.com, path /app/*, /store");
    assert.equal(rules.at(-1)!.priority, "default");
  });
});

describe("AWS ALB: listeners, redirects, hosts", () => {
  test("no listener on the port → NO_LISTENER", () => {
    const m = expectKind(match(https("test-alb-1234.us-east-1.elb.amazonaws.com", "/", { port: 8443 })), "drop");
    assert.equal(m.code, "NO_LISTENER");
    assert.match(m.message, /no listener on port 8443 \(its listeners: 80\/HTTP, 443\/HTTPS\)/);
  });

  test("Redirect actions: #{host}, #{port}, /#{path} and #{query} are taken from the request", () => {
    const m = expectKind(
      match(http("TEST-ALB-1234.us-east-1.elb.amazonaws.com", "/a/b", { query: "x=1" })),
      "redirect",
    );
    assert.equal(m.location, "https://test-alb-1234.us-east-1.elb.amazonaws.com:443/a/b?x=1");
    assert.equal(m.statusCode, "HTTP_301");
  });

  test("a load balancer is found by its DNS name (case-insensitive, with a port)", () => {
    assert.equal(loadBalancerForHost(MODEL, "Test-ALB-1234.us-east-1.elb.amazonaws.com:443")?.name, "test-alb");
  });

  test("a host no Ingress and no load balancer knows → UNKNOWN_ENDPOINT", () => {
    const m = expectKind(match(https("nowhere.example.net", "/")), "drop");
    assert.equal(m.code, "UNKNOWN_ENDPOINT");
    assert.equal(loadBalancerForHost(MODEL, "nowhere.example.net"), undefined);
  });

  test('ALB addresses come from its ENIs "ELB app/NAME/ID" when the description lists none', () => {
    const enis = JSON.stringify({
      NetworkInterfaces: ["a", "b"].map((z, i) => ({
        NetworkInterfaceId: `eni-alb-${z}`,
        SubnetId: `subnet-pub-${z}`,
        VpcId: "vpc-1",
        Description: "ELB app/test-alb/0123456789abcdef",
        InterfaceType: "interface",
        PrivateIpAddress: `10.0.${2 + i}.50`,
        PrivateIpAddresses: [
          { Primary: true, PrivateIpAddress: `10.0.${2 + i}.50`, Association: { PublicIp: `203.0.113.${50 + i}` } },
        ],
      })),
    });
    const snap = observed({ "aws/enis.json": enis });
    assert.deepEqual(loadBalancersOf(snap).loadBalancers[0]!.addresses, [
      { subnetId: "subnet-pub-a", privateIp: "10.0.2.50", publicIp: "203.0.113.50" },
      { subnetId: "subnet-pub-b", privateIp: "10.0.3.50", publicIp: "203.0.113.51" },
    ]);
  });

  test("without describe-rules, a listener's DefaultActions stand for its default rule", () => {
    const snap = snapshotOf({
      "k8s/cluster.yaml": WORKERS,
      ...BASE_AWS,
      "aws/lb.json": LB,
      "aws/listeners.json": LISTENERS,
    });
    const lb = loadBalancersOf(snap).loadBalancers[0]!;
    const rules = lb.listeners.find((l) => l.port === 443)!.rules;
    assert.deepEqual(
      rules.map((r) => [r.priority, r.actions[0]?.type]),
      [["default", "fixed-response"]],
    );
  });

  test("a listener with no default action and no matching rule → NO_MATCHING_RULE", () => {
    const bare = {
      ...ALB,
      listeners: ALB.listeners.map((l) => ({ ...l, rules: l.rules.filter((r) => r.priority !== "default") })),
    };
    const m = expectKind(matchOnAlb(https("x.org", "/nothing"), bare), "drop");
    assert.equal(m.code, "NO_MATCHING_RULE");
  });
});

describe("AWS target health and the controller's TargetGroupBinding: targets and their Service", () => {
  const tgs = MODEL.targetGroups;
  test("instance targets: the instance's private IP at the registered port, with its node and health", () => {
    const tg = tgs.get(tgArn("tg-web"))!;
    assert.equal(tg.targetsFrom, "target-health");
    assert.deepEqual(
      tg.targets.map((t) => [t.kind, t.id, t.ip, t.port, t.node, t.health]),
      [
        ["instance", "i-w1", "10.0.1.11", 30080, "w1", "healthy"],
        ["instance", "i-w2", "10.0.1.12", 30080, "w2", "unhealthy"],
      ],
    );
  });

  test("an instance target group is tied to the Service whose nodePort is its port", () => {
    assert.deepEqual(tgs.get(tgArn("tg-web"))!.service, { namespace: "app", name: "web", port: 80 });
  });

  test("an ip target group is tied to the Service whose endpoints its targets are", () => {
    assert.deepEqual(tgs.get(tgArn("tg-pods"))!.service, { namespace: "app", name: "pods", port: 80 });
  });

  test("ip targets: the pod IP, with the pod and its node", () => {
    const tg = tgs.get(tgArn("tg-pods"))!;
    assert.deepEqual(
      tg.targets.map((t) => [t.kind, t.ip, t.port, t.node, t.pod?.name]),
      [["ip", "192.168.1.5", 8080, "w1", "web-1"]],
    );
  });

  test("no describe-target-health: instance targets are derived from the nodes as the controller registers them, and a note says so", () => {
    const tg = tgs.get(tgArn("tg-blue"))!;
    assert.equal(tg.targetsFrom, "derived");
    assert.deepEqual(
      tg.targets.map((t) => [t.id, t.ip, t.port, t.health]),
      [
        ["i-w1", "10.0.1.11", 30081, undefined],
        ["i-w2", "10.0.1.12", 30081, undefined],
      ],
    );
    assert.ok(tg.notes.some((n) => /describe-target-health of this target group is not in the snapshot/.test(n.what)));
  });

  test("no health and no Service to tie it to: targets unknown, and said so", () => {
    const tg = tgs.get(tgArn("tg-green"))!;
    assert.equal(tg.targetsFrom, "none");
    assert.deepEqual(tg.targets, []);
    assert.ok(tg.notes.some((n) => /targets are not known/.test(n.what)));
  });

  test("instance not in describe-instances: its node's InternalIP, and a note", () => {
    const health = JSON.stringify({
      TargetGroupArn: tgArn("tg-web"),
      TargetHealthDescriptions: [{ Target: { Id: "i-w3", Port: 30080 }, TargetHealth: { State: "healthy" } }],
    });
    const snap2 = observed(
      { "aws/elbv2-health-web.json": health },
      RULES_443,
      WORKERS + node("w3", { ip: "10.0.1.13", instance: "i-w3" }) + PODS + NODEPORT_WEB,
    );
    const tg = loadBalancersOf(snap2).targetGroups.get(tgArn("tg-web"))!;
    assert.deepEqual(
      tg.targets.map((t) => [t.id, t.ip, t.node]),
      [["i-w3", "10.0.1.13", "w3"]],
    );
    assert.ok(tg.notes.some((n) => /not in the snapshot: its address is taken from node w3's InternalIP/.test(n.what)));
  });
});
