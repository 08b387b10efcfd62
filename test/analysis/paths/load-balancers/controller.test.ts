/**
 * What the AWS Load Balancer Controller builds from Ingresses, and what it refuses to build
 * (kubernetes-sigs/aws-load-balancer-controller pkg/ingress/*.go, pkg/backend/*.go,
 * pkg/networking/subnet_resolver.go). Each case is named after the upstream function it follows;
 * refusals assert the controller's own wording.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  deriveFromIngresses,
  loadBalancersOf,
  matchRequest,
  pathPatterns,
  type ControllerOptions,
  type LoadBalancerView,
  type RuleView,
} from "../../../../src/analysis/paths/load-balancers/index.js";
import { CONTROLLER_REREADS } from "../../../../src/analysis/paths/load-balancers/controller/annotations.js";
import type { BuildErrorCode } from "../../../../src/analysis/paths/load-balancers/build-result.js";
import type { AlbAnnotationIssue } from "../../../../src/model/annotations.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import {
  ALB_CLASS,
  alb,
  BASE_AWS,
  cluster,
  clusterIpService,
  endpointSlice,
  expectKind,
  http,
  ingress,
  instances,
  node,
  nodePortService,
  pathRule,
  pod,
  WORKERS,
} from "./support.js";

function built(snapshot: Snapshot, group: string, options: ControllerOptions = {}): LoadBalancerView {
  const g = deriveFromIngresses(snapshot, options).groups.find((x) => x.group === group);
  if (!g) assert.fail(`no group ${group}`);
  if (!g.loadBalancer) assert.fail(`group ${group} was not built: ${g.unreconciled?.message}`);
  return g.loadBalancer;
}

function refusal(snapshot: Snapshot, group: string, options: ControllerOptions = {}): string {
  const u = deriveFromIngresses(snapshot, options).unreconciled.find((x) => x.group === group);
  if (!u) assert.fail(`group ${group} was built`);
  return u.message;
}

function rules(lb: LoadBalancerView, port: number): RuleView[] {
  const listener = lb.listeners.find((l) => l.port === port);
  if (!listener) assert.fail(`no listener ${port}: ${lb.listeners.map((l) => l.port).join(", ")}`);
  return [...listener.rules];
}

const conds = (r: RuleView) => r.conditions.map((c) => `${c.field}=${c.values.join(",")}`).join(" & ");
const BASE = [WORKERS, ALB_CLASS, nodePortService()];

describe("group_loader.go classifyIngress / class_loader.go: which Ingresses the controller manages", () => {
  const managed = (docs: string[]) => deriveFromIngresses(cluster([...BASE, ...docs])).groups.map((g) => g.group);
  test("spec.ingressClassName of an IngressClass with controller ingress.k8s.aws/alb", () =>
    assert.deepEqual(managed([ingress("a")]), ["app/a"]));
  test("the kubernetes.io/ingress.class annotation alb (legacy)", () =>
    assert.deepEqual(
      managed([ingress("a", { className: null, annotations: { "kubernetes.io/ingress.class": "alb" } })]),
      ["app/a"],
    ));
  test("the annotation wins over spec.ingressClassName: annotation nginx is not managed", () =>
    assert.deepEqual(managed([ingress("a", { annotations: { "kubernetes.io/ingress.class": "nginx" } })]), []));
  test("an IngressClass of another controller is not managed", () => {
    const nginx = `---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n`;
    const d = deriveFromIngresses(cluster([...BASE, nginx, ingress("a", { className: "nginx" })]));
    assert.deepEqual(d.groups, []);
    assert.match(d.ignored[0]!.what, /IngressClass nginx belongs to k8s.io\/ingress-nginx/);
  });
  test("no class: the default IngressClass (ingressclass.kubernetes.io/is-default-class) decides", () => {
    const dflt = `---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: alb, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}\nspec: {controller: ingress.k8s.aws/alb}\n`;
    assert.deepEqual(
      deriveFromIngresses(cluster([WORKERS, dflt, nodePortService(), ingress("a", { className: null })])).groups.map(
        (g) => g.group,
      ),
      ["app/a"],
    );
  });
  test("no class and no default IngressClass: not managed", () =>
    assert.deepEqual(managed([ingress("a", { className: null })]), []));
  test("an IngressClass not in the cluster: invalid ingress class, not managed", () => {
    const d = deriveFromIngresses(cluster([WORKERS, nodePortService(), ingress("a")]));
    assert.deepEqual(d.groups, []);
    assert.match(d.ignored[0]!.what, /invalid ingress class: ingressclasses.networking.k8s.io "alb" not found/);
  });
});

describe("group_loader.go loadGroupID and sortGroupMembers", () => {
  test("without group.name an Ingress is an implicit group namespace/name", () => {
    const d = deriveFromIngresses(cluster([...BASE, ingress("a"), ingress("b")]));
    assert.deepEqual(
      d.groups.map((g) => [g.group, g.explicit]),
      [
        ["app/a", false],
        ["app/b", false],
      ],
    );
  });

  test("group.name joins an explicit group; members by group.order, then namespace/name; rule priorities follow", () => {
    const k8s = [
      ...BASE,
      nodePortService("other", "web"),
      ingress("zeta", {
        annotations: { [alb("group.name")]: "shop", [alb("group.order")]: "-5" },
        rules: pathRule("shop.example.com", [["/z", "Exact", "web", 80]]),
      }),
      ingress("beta", {
        annotations: { [alb("group.name")]: "shop" },
        rules: pathRule("shop.example.com", [["/b", "Exact", "web", 80]]),
      }),
      ingress("alpha", {
        namespace: "other",
        annotations: { [alb("group.name")]: "shop" },
        rules: pathRule("shop.example.com", [["/a", "Exact", "web", 80]]),
      }),
      ingress("last", {
        annotations: { [alb("group.name")]: "shop", [alb("group.order")]: "10" },
        rules: pathRule("shop.example.com", [["/l", "Exact", "web", 80]]),
      }),
    ];
    const lb = built(cluster(k8s), "shop");
    assert.deepEqual(
      rules(lb, 80).map((r) => [r.priority, r.ingress?.name, conds(r)]),
      [
        [1, "zeta", "host-header=shop.example.com & path-pattern=/z"],
        [2, "beta", "host-header=shop.example.com & path-pattern=/b"],
        [3, "alpha", "host-header=shop.example.com & path-pattern=/a"],
        [4, "last", "host-header=shop.example.com & path-pattern=/l"],
        ["default", undefined, ""],
      ],
    );
  });

  test("validateGroupName: an invalid group.name → invalid ingress group, the Ingress is not reconciled", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("group.name")]: "Bad_Name" } })]);
    assert.equal(
      refusal(snap, "Bad_Name"),
      "invalid ingress group: groupName must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    );
  });

  test("sortGroupMembers: group.order outside [-1000:1000] refuses the whole group", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: { [alb("group.name")]: "g", [alb("group.order")]: "2000" } }),
      ingress("b", { annotations: { [alb("group.name")]: "g" } }),
    ]);
    assert.equal(
      refusal(snap, "g"),
      "explicit Ingress group order must be within [-1000:1000], Ingress: app/a, order: 2000",
    );
  });

  test("ParseInt32Annotation: group.order that is not a number", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: { [alb("group.name")]: "g", [alb("group.order")]: "first" } }),
    ]);
    assert.equal(
      refusal(snap, "g"),
      'failed to load Ingress group order for ingress: app/a: failed to parse int32 annotation, alb.ingress.kubernetes.io/group.order: first: strconv.ParseInt: parsing "first": invalid syntax',
    );
  });
});

describe("model_build_listener_rules.go: rules from Ingress paths", () => {
  const cases: readonly {
    name: string;
    path: string;
    type: "Exact" | "Prefix" | "ImplementationSpecific";
    want: string[];
    error?: string;
  }[] = [
    { name: "buildPathPatternsForPrefixPathType: / → /*", path: "/", type: "Prefix", want: ["/*"] },
    {
      name: "buildPathPatternsForPrefixPathType: /foo → /foo, /foo/*",
      path: "/foo",
      type: "Prefix",
      want: ["/foo", "/foo/*"],
    },
    {
      name: "buildPathPatternsForPrefixPathType: a trailing slash is trimmed: /foo/ → /foo, /foo/*",
      path: "/foo/",
      type: "Prefix",
      want: ["/foo", "/foo/*"],
    },
    { name: "buildPathPatternsForExactPathType: /foo → /foo", path: "/foo", type: "Exact", want: ["/foo"] },
    {
      name: "buildPathPatternsForImplementationSpecificPathType: as written, wildcards kept",
      path: "/img/*.png",
      type: "ImplementationSpecific",
      want: ["/img/*.png"],
    },
    {
      name: "buildPathPatternsForExactPathType: wildcards refused",
      path: "/a*",
      type: "Exact",
      want: ["/a*"],
      error: "exact path shouldn't contain wildcards: /a*",
    },
    {
      name: "buildPathPatternsForPrefixPathType: wildcards refused",
      path: "/a?",
      type: "Prefix",
      want: ["/a?", "/a?/*"],
      error: "prefix path shouldn't contain wildcards: /a?",
    },
  ];
  for (const c of cases)
    test(c.name, () => assert.deepEqual(pathPatterns(c.path, c.type), { values: c.want, error: c.error }));

  test("sortIngressPaths: Exact first, then Prefix longest first, then ImplementationSpecific", () => {
    const lb = built(
      cluster([
        ...BASE,
        ingress("a", {
          rules: pathRule("example.com", [
            ["/x", "ImplementationSpecific", "web", 80],
            ["/a", "Prefix", "web", 80],
            ["/abc", "Prefix", "web", 80],
            ["/exact", "Exact", "web", 80],
          ]),
        }),
      ]),
      "app/a",
    );
    assert.deepEqual(
      rules(lb, 80).map((r) => r.conditions.find((c) => c.field === "path-pattern")?.values.join(",")),
      ["/exact", "/abc,/abc/*", "/a,/a/*", "/x", undefined],
    );
  });

  test("buildRuleConditions: a rule without host and path gets path-pattern /*; host → host-header", () => {
    const lb = built(
      cluster([
        ...BASE,
        ingress("a", {
          rules:
            pathRule(undefined, [["", "ImplementationSpecific", "web", 80]]) +
            "\n" +
            pathRule("b.example.com", [["/", "Prefix", "web", 80]]),
        }),
      ]),
      "app/a",
    );
    assert.deepEqual(rules(lb, 80).slice(0, 2).map(conds), [
      "path-pattern=/",
      "host-header=b.example.com & path-pattern=/*",
    ]);
  });

  test("a refused path stops the group: ingress: NS/NAME: exact path shouldn't contain wildcards", () => {
    const snap = cluster([...BASE, ingress("a", { rules: pathRule("a.example.com", [["/x*", "Exact", "web", 80]]) })]);
    assert.equal(
      refusal(snap, "app/a"),
      "Failed build model due to ingress: app/a: exact path shouldn't contain wildcards: /x*",
    );
  });

  test("conditions.NAME annotation: extra conditions ANDed with host and path, evaluated by matchRequest", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", {
        annotations: {
          [alb("conditions.web")]:
            '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"X-Env","values":["prod"]}}]',
        },
        rules: pathRule("a.example.com", [["/", "Prefix", "web", 80]]),
      }),
    ]);
    const lb = built(snap, "app/a");
    assert.equal(conds(rules(lb, 80)[0]!), "http-header=X-Env: prod & host-header=a.example.com & path-pattern=/*");
    const model = loadBalancersOf(snap);
    expectKind(matchRequest(model, http("a.example.com", "/", { headers: { "x-env": "prod" } })), "forward");
    assert.equal(expectKind(matchRequest(model, http("a.example.com", "/")), "fixed-response").statusCode, "404");
  });

  test("actions.NAME with use-annotation: a fixed-response and a redirect rule", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", {
        annotations: {
          [alb("actions.gone")]:
            '{"type":"fixed-response","fixedResponseConfig":{"contentType":"text/plain","statusCode":"410"}}',
          [alb("actions.docs")]:
            '{"type":"redirect","redirectConfig":{"host":"docs.example.com","path":"/new","statusCode":"HTTP_302"}}',
        },
        rules: pathRule("a.example.com", [
          ["/gone", "Exact", "gone", "use-annotation"],
          ["/docs", "Exact", "docs", "use-annotation"],
        ]),
      }),
    ]);
    const model = loadBalancersOf(snap);
    assert.equal(expectKind(matchRequest(model, http("a.example.com", "/gone")), "fixed-response").statusCode, "410");
    const r = expectKind(matchRequest(model, http("a.example.com", "/docs", { query: "q=1" })), "redirect");
    assert.deepEqual([r.location, r.statusCode], ["http://docs.example.com:80/new?q=1", "HTTP_302"]);
  });

  test('buildActionViaAnnotation: use-annotation without the annotation → 503 "Backend action does not exist" (tolerated by default)', () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { rules: pathRule("a.example.com", [["/x", "Exact", "nothing", "use-annotation"]]) }),
    ]);
    const action = rules(built(snap, "app/a"), 80)[0]!.actions[0]!;
    assert.deepEqual(action, {
      type: "fixed-response",
      statusCode: "503",
      contentType: "text/plain",
      messageBody: "Backend action does not exist",
    });
    assert.equal(
      refusal(snap, "app/a", { tolerateNonExistentBackendAction: false }),
      "Failed build model due to ingress: app/a: missing actions.nothing configuration",
    );
  });

  test("rule_optimizer.go omitInfiniteRedirectRules: a redirect to the same listener is dropped", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", {
        annotations: {
          [alb("actions.loop")]:
            '{"type":"redirect","redirectConfig":{"port":"80","protocol":"HTTP","statusCode":"HTTP_301"}}',
        },
        rules: pathRule("a.example.com", [
          ["/loop", "Exact", "loop", "use-annotation"],
          ["/web", "Exact", "web", 80],
        ]),
      }),
    ]);
    assert.deepEqual(
      rules(built(snap, "app/a"), 80).map((r) => r.conditions.find((c) => c.field === "path-pattern")?.values[0]),
      ["/web", undefined],
    );
  });
});

describe("model_build_listener.go and model_builder.go: listeners, default actions, SSL redirect", () => {
  test("computeIngressListenPorts: default HTTP 80", () => {
    assert.deepEqual(
      built(cluster([...BASE, ingress("a")]), "app/a").listeners.map((l) => [l.port, l.protocol]),
      [[80, "HTTP"]],
    );
  });
  test("computeIngressListenPorts: HTTPS 443 when certificate-arn is set", () => {
    const lb = built(
      cluster([
        ...BASE,
        ingress("a", { annotations: { [alb("certificate-arn")]: "arn:aws:acm:us-east-1:1:certificate/x" } }),
      ]),
      "app/a",
    );
    assert.deepEqual(
      lb.listeners.map((l) => [l.port, l.protocol, l.certificateArns]),
      [[443, "HTTPS", ["arn:aws:acm:us-east-1:1:certificate/x"]]],
    );
  });
  test("listen-ports: the annotation's ports", () => {
    const lb = built(
      cluster([...BASE, ingress("a", { annotations: { [alb("listen-ports")]: '[{"HTTP": 8080}, {"HTTPS": 8443}]' } })]),
      "app/a",
    );
    assert.deepEqual(
      lb.listeners.map((l) => [l.port, l.protocol]),
      [
        [8080, "HTTP"],
        [8443, "HTTPS"],
      ],
    );
  });
  test("computeIngressListenPorts: listen protocol must be within [HTTP, HTTPS]", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("listen-ports")]: '[{"TCP": 80}]' } })]);
    assert.equal(
      refusal(snap, "app/a"),
      "Failed build model due to ingress: app/a: listen protocol must be within [HTTP, HTTPS]: TCP",
    );
  });

  test("buildSSLRedirectConfig: every HTTP listener's default action redirects to HTTPS 301, and it has no rules", () => {
    const lb = built(
      cluster([
        ...BASE,
        ingress("a", {
          annotations: {
            [alb("listen-ports")]: '[{"HTTP": 80}, {"HTTPS": 443}]',
            [alb("certificate-arn")]: "arn:c",
            [alb("ssl-redirect")]: "443",
          },
        }),
      ]),
      "app/a",
    );
    assert.deepEqual(
      rules(lb, 80).map((r) => [r.priority, r.actions]),
      [
        [
          "default",
          [
            {
              type: "redirect",
              protocol: "HTTPS",
              port: "443",
              host: "#{host}",
              path: "/#{path}",
              query: "#{query}",
              statusCode: "HTTP_301",
            },
          ],
        ],
      ],
    );
    assert.equal(rules(lb, 443).length, 2);
  });

  test("buildSSLRedirectConfig: listener does not exist for SSLRedirect port", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("ssl-redirect")]: "443" } })]);
    assert.equal(refusal(snap, "app/a"), "Failed build model due to listener does not exist for SSLRedirect port: 443");
  });

  test("buildSSLRedirectConfig: conflicting sslRedirect port", () => {
    const ann = (port: string) => ({
      [alb("group.name")]: "g",
      [alb("listen-ports")]: '[{"HTTP": 80}, {"HTTPS": 443}, {"HTTPS": 8443}]',
      [alb("certificate-arn")]: "arn:c",
      [alb("ssl-redirect")]: port,
    });
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: ann("443") }),
      ingress("b", { annotations: ann("8443") }),
    ]);
    assert.equal(refusal(snap, "g"), "Failed build model due to conflicting sslRedirect port: [443 8443]");
  });

  test("buildListenerDefaultActions: no default backend → fixed-response 404", () => {
    assert.deepEqual(rules(built(cluster([...BASE, ingress("a")]), "app/a"), 80).at(-1)!.actions, [
      { type: "fixed-response", statusCode: "404", contentType: "text/plain" },
    ]);
  });

  test("buildListenerDefaultActions: the Ingress defaultBackend becomes the default action", () => {
    const lb = built(
      cluster([...BASE, ingress("a", { defaultBackend: "    service: {name: web, port: {number: 80}}" })]),
      "app/a",
    );
    const d = rules(lb, 80).at(-1)!;
    assert.deepEqual([d.actions[0]?.type, d.ingress?.name], ["forward", "a"]);
  });

  test("buildListenerDefaultActions: multiple ingress defined default backend", () => {
    const ann = { [alb("group.name")]: "g" };
    const backend = "    service: {name: web, port: {number: 80}}";
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: ann, defaultBackend: backend }),
      ingress("b", { annotations: ann, defaultBackend: backend }),
    ]);
    assert.equal(
      refusal(snap, "g"),
      "Failed build model due to multiple ingress defined default backend: [app/a app/b]",
    );
  });

  test("mergeListenPortConfigs: conflicting protocol on one port", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: { [alb("group.name")]: "g" } }),
      ingress("b", { annotations: { [alb("group.name")]: "g", [alb("listen-ports")]: '[{"HTTPS": 80}]' } }),
    ]);
    assert.equal(
      refusal(snap, "g"),
      "Failed build model due to failed to merge listenPort config for port: 80: conflicting protocol, app/a: HTTP | app/b: HTTPS",
    );
  });

  test("listen-ports merge: an Ingress takes part only in its own ports (with ssl-redirect, its HTTP-only rules are never built)", () => {
    // the second Ingress listens on 80 only; with ssl-redirect the HTTP listener has no rules, so its ClusterIP backend is never looked at
    const tls = {
      [alb("group.name")]: "g",
      [alb("listen-ports")]: '[{"HTTP": 80}, {"HTTPS": 443}]',
      [alb("certificate-arn")]: "arn:c",
      [alb("ssl-redirect")]: "443",
    };
    const snap = cluster([
      ...BASE,
      clusterIpService(),
      ingress("a", { annotations: tls }),
      ingress("b", {
        annotations: { [alb("group.name")]: "g" },
        rules: pathRule("b.example.com", [["/", "Prefix", "internal", 80]]),
      }),
    ]);
    const lb = built(snap, "g");
    assert.deepEqual(
      rules(lb, 443).map((r) => r.ingress?.name),
      ["a", undefined],
    );
  });
});

describe("model_build_load_balancer.go: settings every member must agree on", () => {
  test("buildLoadBalancerScheme: default internal", () =>
    assert.equal(built(cluster([...BASE, ingress("a")]), "app/a").scheme, "internal"));
  test("buildLoadBalancerScheme: conflicting scheme", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: { [alb("group.name")]: "g", [alb("scheme")]: "internet-facing" } }),
      ingress("b", { annotations: { [alb("group.name")]: "g", [alb("scheme")]: "internal" } }),
    ]);
    assert.equal(
      refusal(snap, "g"),
      "Failed build model due to conflicting scheme: map[internal:{} internet-facing:{}]",
    );
  });
  test("buildLoadBalancerScheme: a member without the annotation does not conflict", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: { [alb("group.name")]: "g", [alb("scheme")]: "internet-facing" } }),
      ingress("b", { annotations: { [alb("group.name")]: "g" } }),
    ]);
    assert.equal(built(snap, "g").scheme, "internet-facing");
  });
  test("buildLoadBalancerScheme: unknown scheme", () => {
    assert.equal(
      refusal(cluster([...BASE, ingress("a", { annotations: { [alb("scheme")]: "public" } })]), "app/a"),
      "Failed build model due to unknown scheme: public",
    );
  });
  test("buildFrontendSGNameOrIDsFromAnnotation: conflicting securityGroups", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { annotations: { [alb("group.name")]: "g", [alb("security-groups")]: "sg-1" } }),
      ingress("b", { annotations: { [alb("group.name")]: "g", [alb("security-groups")]: "sg-2, sg-1" } }),
    ]);
    assert.equal(refusal(snap, "g"), "Failed build model due to conflicting securityGroups: [sg-1] | [sg-2 sg-1]");
  });
  test("computeIngressExplicitInboundCIDRs: an invalid CIDR", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("inbound-cidrs")]: "10.0.0.0/8, nope" } })]);
    assert.equal(
      refusal(snap, "app/a"),
      "Failed build model due to ingress: app/a: invalid inbound-cidrs settings on Ingress: app/a: invalid CIDR address: nope",
    );
  });

  test('subnet_resolver.go ResolveViaDiscovery: internet-facing → subnets tagged kubernetes.io/role/elb (value "" or 1), one per AZ', () => {
    assert.deepEqual(
      built(cluster([...BASE, ingress("a", { annotations: { [alb("scheme")]: "internet-facing" } })]), "app/a")
        .subnetIds,
      ["subnet-pub-a", "subnet-pub-b"],
    );
  });
  test("subnet_resolver.go ResolveViaDiscovery: internal → subnets tagged kubernetes.io/role/internal-elb", () => {
    const lb = built(cluster([...BASE, ingress("a")]), "app/a");
    assert.deepEqual(lb.subnetIds, ["subnet-priv-a", "subnet-priv-b"]);
    assert.deepEqual(lb.addresses, [
      { subnetId: "subnet-priv-a", privateIp: undefined, publicIp: undefined },
      { subnetId: "subnet-priv-b", privateIp: undefined, publicIp: undefined },
    ]);
    assert.ok(lb.notes.some((n) => /ENI addresses .* not known/.test(n.what)));
  });
  test("subnet_resolver.go validateSubnetsMinimalCount: an ALB needs subnets in two zones", () => {
    const subnets = JSON.stringify({
      Subnets: [
        {
          SubnetId: "subnet-pub-a",
          VpcId: "vpc-1",
          CidrBlock: "10.0.2.0/24",
          AvailabilityZone: "us-east-1a",
          Tags: [{ Key: "kubernetes.io/role/elb", Value: "1" }],
        },
      ],
    });
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("scheme")]: "internet-facing" } })], {
      ...BASE_AWS,
      "aws/subnets.json": subnets,
    });
    assert.equal(
      refusal(snap, "app/a"),
      "Failed build model due to couldn't auto-discover subnets: subnets count less than minimal required count: 1 < 2",
    );
  });
  test("subnets annotation: IDs or Name tags, as written", () => {
    const lb = built(
      cluster([...BASE, ingress("a", { annotations: { [alb("subnets")]: "subnet-pub-b, subnet-pub-a" } })]),
      "app/a",
    );
    assert.deepEqual(lb.subnetIds, ["subnet-pub-b", "subnet-pub-a"]);
  });

  test("model_build_managed_sg.go: the managed security group admits inbound-cidrs (default 0.0.0.0/0) on each listen port", () => {
    const lb = built(
      cluster([...BASE, ingress("a", { annotations: { [alb("listen-ports")]: '[{"HTTP": 80}, {"HTTP": 8080}]' } })]),
      "app/a",
    );
    assert.deepEqual(lb.managedSecurityGroupRules?.frontend, [
      "managed security group: inbound tcp 80 from 0.0.0.0/0",
      "managed security group: inbound tcp 8080 from 0.0.0.0/0",
    ]);
    assert.match(
      lb.managedSecurityGroupRules?.backend[0] ?? "",
      /inbound tcp 30080 .* from the shared backend security group/,
    );
  });
});

describe("model_build_target_group.go and enhanced_backend_builder.go: backends", () => {
  test('loadBackendServices: a missing Service → fixed-response 503 "Backend service does not exist" (--tolerate-non-existent-backend-service, default true)', () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { rules: pathRule("a.example.com", [["/", "Prefix", "missing", 80]]) }),
    ]);
    assert.deepEqual(rules(built(snap, "app/a"), 80)[0]!.actions, [
      {
        type: "fixed-response",
        statusCode: "503",
        contentType: "text/plain",
        messageBody: "Backend service does not exist",
      },
    ]);
  });
  test('loadBackendServices: a missing Service, not tolerated → services "NAME" not found', () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { rules: pathRule("a.example.com", [["/", "Prefix", "missing", 80]]) }),
    ]);
    assert.equal(
      refusal(snap, "app/a", { tolerateNonExistentBackendService: false }),
      'Failed build model due to ingress: app/a: services "missing" not found',
    );
  });
  test("LookupServicePort: unable to find port", () => {
    const snap = cluster([...BASE, ingress("a", { rules: pathRule("a.example.com", [["/", "Prefix", "web", 8080]]) })]);
    assert.equal(
      refusal(snap, "app/a"),
      "Failed build model due to ingress: app/a: unable to find port 8080 on service app/web",
    );
  });
  test("LookupServicePort: by port name", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", { rules: pathRule("a.example.com", [["/", "Prefix", "web", "http"]]) }),
    ]);
    const tg = deriveFromIngresses(snap).groups[0]!.targetGroups[0]!;
    assert.deepEqual(
      [tg.id, tg.port, tg.service],
      ["app/a-web:http", 30080, { namespace: "app", name: "web", port: "http" }],
    );
  });
  test("buildTargetGroupSpec: a ClusterIP Service behind target-type instance", () => {
    const snap = cluster([
      ...BASE,
      clusterIpService(),
      ingress("a", { rules: pathRule("a.example.com", [["/", "Prefix", "internal", 80]]) }),
    ]);
    assert.equal(
      refusal(snap, "app/a"),
      "Failed build model due to ingress: app/a: TargetGroup port is empty. When using Instance targets, your service be must of type 'NodePort' or 'LoadBalancer'",
    );
  });
  test("buildTargetGroupTargetType: unknown targetType", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("target-type")]: "pod" } })]);
    assert.equal(refusal(snap, "app/a"), "Failed build model due to ingress: app/a: unknown targetType: pod");
  });
  test("buildTargetGroupTargetType: the Service's target-type annotation counts", () => {
    const svc = clusterIpService("app", "pods", {
      clusterIP: "10.96.0.30",
      annotations: `    ${alb("target-type")}: ip`,
    });
    const snap = cluster([
      ...BASE,
      svc,
      ingress("a", { rules: pathRule("a.example.com", [["/", "Prefix", "pods", 80]]) }),
    ]);
    assert.equal(deriveFromIngresses(snap).groups[0]!.targetGroups[0]!.targetType, "ip");
  });
  test("buildTargetGroupSpec: MergeStringMap(svc.Annotations, ing.Annotations) keeps the Service's value on a clash (pkg/algorithm/maps.go)", () => {
    const svc = clusterIpService("app", "pods", {
      clusterIP: "10.96.0.30",
      annotations: `    ${alb("target-type")}: ip\n    ${alb("healthcheck-path")}: /svc-healthz`,
    });
    const snap = cluster([
      ...BASE,
      svc,
      ingress("a", {
        annotations: { [alb("target-type")]: "instance", [alb("healthcheck-path")]: "/ing-healthz" },
        rules: pathRule("a.example.com", [["/", "Prefix", "pods", 80]]),
      }),
    ]);
    const tg = deriveFromIngresses(snap).groups[0]!.targetGroups[0]!;
    assert.deepEqual([tg.targetType, tg.healthCheck?.path], ["ip", "/svc-healthz"]);
  });

  const PODS =
    pod("p1", { node: "w1", ip: "192.168.1.5" }) +
    pod("p2", { node: "w2", ip: "192.168.2.5", ready: false }) +
    endpointSlice("pods", [
      ["p1", "192.168.1.5", "w1", true],
      ["p2", "192.168.2.5", "w2", false],
    ]);
  test("endpoint_resolver.go ResolvePodEndpoints: target-type ip → the ready endpoints' pod IPs at the endpoint port (a ClusterIP Service is fine)", () => {
    const svc = clusterIpService("app", "pods", { clusterIP: "10.96.0.30", targetPort: "http" });
    const snap = cluster([
      ...BASE,
      svc,
      PODS,
      ingress("a", {
        annotations: { [alb("target-type")]: "ip" },
        rules: pathRule("a.example.com", [["/", "Prefix", "pods", 80]]),
      }),
    ]);
    const tg = deriveFromIngresses(snap).groups[0]!.targetGroups[0]!;
    assert.deepEqual(
      tg.targets.map((t) => [t.kind, t.ip, t.port, t.node, t.pod?.name]),
      [["ip", "192.168.1.5", 8080, "w1", "p1"]],
    );
    assert.equal(tg.port, 1, "a named targetPort gives the target group port 1 (not in the data path)");
    assert.ok(tg.notes.some((n) => /192.168.2.5 \(p2\) is not ready/.test(n.what)));
  });
});

describe("endpoint_resolver.go ResolveNodePortEndpoints and endpoint_utils.go: which nodes are instance targets", () => {
  const nodes = [
    node("w1", { ip: "10.0.1.11", instance: "i-w1" }),
    node("cp", {
      ip: "10.0.1.10",
      instance: "i-cp",
      labels: {
        "node-role.kubernetes.io/control-plane": "",
        "node.kubernetes.io/exclude-from-external-load-balancers": "",
      },
    }),
    node("old-master", { ip: "10.0.1.9", instance: "i-old", labels: { "node-role.kubernetes.io/master": "" } }),
    node("alpha", {
      ip: "10.0.1.8",
      instance: "i-alpha",
      labels: { "alpha.service-controller.kubernetes.io/exclude-balancer": "true" },
    }),
    node("fargate", { ip: "10.0.1.7", instance: "i-fg", labels: { "eks.amazonaws.com/compute-type": "fargate" } }),
    node("scaling-down", {
      ip: "10.0.1.6",
      instance: "i-ca",
      taints: "[{key: ToBeDeletedByClusterAutoscaler, value: '1', effect: NoSchedule}]",
    }),
    node("disrupted", {
      ip: "10.0.1.5",
      instance: "i-kp",
      taints: "[{key: karpenter.sh/disrupted, effect: NoSchedule}]",
    }),
    node("notready", { ip: "10.0.1.4", instance: "i-nr", ready: "False" }),
    node("cordoned", { ip: "10.0.1.3", instance: "i-cord", unschedulable: true }),
  ];
  const snap = cluster([...nodes, ALB_CLASS, nodePortService(), ingress("a")]);
  const tg = deriveFromIngresses(snap).groups[0]!.targetGroups[0]!;
  const why = (name: string) => tg.notes.find((n) => n.what.startsWith(`node ${name} `))?.what;

  test("registered: Ready nodes, cordoned ones included (the controller does not filter unschedulable nodes), at the nodePort, in node-name order", () => {
    assert.deepEqual(
      tg.targets.map((t) => [t.node, t.id, t.ip, t.port]),
      [
        ["cordoned", "i-cord", "10.0.1.3", 30080],
        ["w1", "i-w1", "10.0.1.11", 30080],
      ],
    );
  });
  const cases: readonly [string, RegExp][] = [
    ["cp", /labelled node.kubernetes.io\/exclude-from-external-load-balancers/],
    ["old-master", /labelled node-role.kubernetes.io\/master/],
    ["alpha", /labelled alpha.service-controller.kubernetes.io\/exclude-balancer/],
    ["fargate", /eks.amazonaws.com\/compute-type=fargate/],
    ["scaling-down", /tainted ToBeDeletedByClusterAutoscaler/],
    ["disrupted", /tainted karpenter.sh\/disrupted:NoSchedule/],
    ["notready", /Ready condition is False/],
  ];
  for (const [name, reason] of cases)
    test(`left out: ${name}`, () => assert.match(why(name) ?? "(registered)", reason));

  test("target-node-labels narrows the nodes", () => {
    const s = cluster([
      node("w1", { ip: "10.0.1.11", instance: "i-w1", labels: { pool: "edge" } }),
      node("w2", { ip: "10.0.1.12", instance: "i-w2" }),
      ALB_CLASS,
      nodePortService(),
      ingress("a", { annotations: { [alb("target-node-labels")]: "pool=edge" } }),
    ]);
    assert.deepEqual(
      deriveFromIngresses(s).groups[0]!.targetGroups[0]!.targets.map((t) => t.node),
      ["w1"],
    );
  });

  test("EndpointsFailOpen: when no node is Ready, the nodes whose Ready condition is Unknown", () => {
    const s = cluster([
      node("w1", { ip: "10.0.1.11", instance: "i-w1", ready: "Unknown" }),
      node("w2", { ip: "10.0.1.12", instance: "i-w2", ready: "False" }),
      ALB_CLASS,
      nodePortService(),
      ingress("a"),
    ]);
    const t = deriveFromIngresses(s).groups[0]!.targetGroups[0]!;
    assert.deepEqual(
      t.targets.map((x) => x.node),
      ["w1"],
    );
    assert.ok(t.notes.some((n) => /EndpointsFailOpen/.test(n.what)));
  });

  test("ExtractNodeInstanceID: a node without providerID stops the registration (providerID is not specified for node)", () => {
    const s = cluster([node("w1", { ip: "10.0.1.11", instance: null }), ALB_CLASS, nodePortService(), ingress("a")], {
      ...BASE_AWS,
      "aws/instances.json": instances([]),
    });
    const t = deriveFromIngresses(s).groups[0]!.targetGroups[0]!;
    assert.deepEqual(t.targets, []);
    assert.ok(t.notes.some((n) => /providerID is not specified for node: w1/.test(n.what)));
  });
});

describe("which observed load balancer serves a group", () => {
  const lbJson = (name: string, dns: string) =>
    JSON.stringify({
      LoadBalancers: [
        {
          LoadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/${name}/0123456789abcdef`,
          DNSName: dns,
          LoadBalancerName: name,
          Scheme: "internal",
          VpcId: "vpc-1",
          Type: "application",
          AvailabilityZones: [],
        },
      ],
    });
  test("the Ingress status hostname is the load balancer's DNS name", () => {
    const snap = cluster(
      [
        ...BASE,
        ingress("a", {
          annotations: { [alb("group.name")]: "shop" },
          status: "INTERNAL-LB-1.us-east-1.elb.amazonaws.com",
        }),
      ],
      { ...BASE_AWS, "aws/lb.json": lbJson("whatever-name", "internal-lb-1.us-east-1.elb.amazonaws.com") },
    );
    const model = loadBalancersOf(snap);
    assert.deepEqual(
      model.loadBalancers.map((l) => [l.origin, l.group, l.ingresses.map((i) => i.name)]),
      [["elbv2", "shop", ["a"]]],
    );
  });
  test("no status: the controller's generated name k8s-GROUP-HASH10", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("group.name")]: "shop" } })], {
      ...BASE_AWS,
      "aws/lb.json": lbJson("k8s-shop-0123abcdef", "x.elb.amazonaws.com"),
    });
    const lb = loadBalancersOf(snap).loadBalancers;
    assert.deepEqual(
      lb.map((l) => [l.origin, l.group, l.ingresses.map((i) => i.name)]),
      [["elbv2", "shop", ["a"]]],
    );
  });
  test("no status and another name: the load balancer is derived beside the unrelated observed one", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("group.name")]: "shop" } })], {
      ...BASE_AWS,
      "aws/lb.json": lbJson("k8s-shop-extra-0123abcdef", "x.elb.amazonaws.com"),
    });
    assert.deepEqual(
      loadBalancersOf(snap).loadBalancers.map((l) => [l.origin, l.group]),
      [
        ["elbv2", undefined],
        ["ingress", "shop"],
      ],
    );
  });
});

describe("an unreconciled group: matchRequest and the routes it would have served", () => {
  const ann = { [alb("group.name")]: "shop" };
  const snap = cluster([
    ...BASE,
    clusterIpService(),
    ingress("good", { annotations: ann, rules: pathRule("shop.example.com", [["/good", "Prefix", "web", 80]]) }),
    ingress("bad", { annotations: ann, rules: pathRule("shop.example.com", [["/bad", "Prefix", "internal", 80]]) }),
  ]);
  const model = loadBalancersOf(snap);

  test("the group is refused as a whole; no load balancer is derived for it", () => {
    assert.deepEqual(
      model.unreconciled.map((u) => [u.group, u.ingresses.map((i) => i.name)]),
      [["shop", ["bad", "good"]]],
    );
    assert.deepEqual(model.loadBalancers, []);
  });
  for (const path of ["/good", "/bad/x"]) {
    test(`every Ingress of the group is unreachable: ${path} → INGRESS_NOT_RECONCILED with the controller's message`, () => {
      const m = expectKind(matchRequest(model, http("shop.example.com", path)), "drop");
      assert.equal(m.code, "INGRESS_NOT_RECONCILED");
      assert.match(m.message, /Failed build model due to ingress: app\/bad: TargetGroup port is empty/);
      assert.match(m.message, /no load balancer of the group is in the snapshot/);
    });
  }
  test("a path no Ingress of the group serves, on a host only the group names → UNKNOWN_ENDPOINT naming the refusal", () => {
    const m = expectKind(matchRequest(model, http("shop.example.com", "/elsewhere")), "drop");
    assert.equal(m.code, "UNKNOWN_ENDPOINT");
    assert.match(m.message, /IngressGroup shop names the host but is not reconciled/);
  });
});

describe("model_builder.go: annotations the loader found malformed (Ingress.alb.errors, typed)", () => {
  test("the loader's typed error names the annotation; the controller re-reads it and fails in its own words", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("scheme")]: "public" } })]);
    assert.deepEqual(
      snap.kubernetes.ingresses[0]!.alb.errors.map((e) => [e.annotation, e.code, e.key]),
      [["scheme", "not-one-of", alb("scheme")]],
    );
    assert.equal(refusal(snap, "app/a"), "Failed build model due to unknown scheme: public");
  });
  test("every annotation the loader checks is one the builder re-reads (CONTROLLER_REREADS)", () => {
    assert.deepEqual(
      Object.entries(CONTROLLER_REREADS).filter(([, reread]) => !reread),
      [],
    );
  });
  test("the builder decides on the error's annotation, not its wording: a re-read annotation does not stop the build, whatever its message", () => {
    const snap = cluster([...BASE, ingress("a")]);
    const ing = snap.kubernetes.ingresses[0]!;
    const opaque: AlbAnnotationIssue = {
      annotation: "scheme",
      code: "not-one-of",
      key: alb("scheme"),
      message: "opaque",
    };
    const withIssue: Snapshot = {
      ...snap,
      kubernetes: { ...snap.kubernetes, ingresses: [{ ...ing, alb: { ...ing.alb, errors: [opaque] } }] },
    };
    assert.equal(built(withIssue, "app/a").scheme, "internal");
  });
});

describe("model_builder.go Build (stack, lb, err): one result convention, BuildResult with a typed BuildError", () => {
  const unreconciled = (snapshot: Snapshot, group: string, options: ControllerOptions = {}) => {
    const u = deriveFromIngresses(snapshot, options).unreconciled.find((x) => x.group === group);
    if (!u) assert.fail(`group ${group} was built`);
    return u;
  };
  const cases: {
    name: string;
    snapshot: () => Snapshot;
    group: string;
    options?: ControllerOptions;
    code: BuildErrorCode;
  }[] = [
    {
      name: "members disagree (buildLoadBalancerScheme: conflicting scheme) → conflict",
      snapshot: () =>
        cluster([
          ...BASE,
          ingress("a", { annotations: { [alb("group.name")]: "g", [alb("scheme")]: "internet-facing" } }),
          ingress("b", { annotations: { [alb("group.name")]: "g", [alb("scheme")]: "internal" } }),
        ]),
      group: "g",
      code: "conflict",
    },
    {
      name: "a value the controller rejects (unknown scheme) → invalid-annotation",
      snapshot: () => cluster([...BASE, ingress("a", { annotations: { [alb("scheme")]: "public" } })]),
      group: "app/a",
      code: "invalid-annotation",
    },
    {
      name: "an annotation it cannot parse (ParseInt32Annotation group.order) → invalid-annotation",
      snapshot: () => cluster([...BASE, ingress("a", { annotations: { [alb("group.order")]: "first" } })]),
      group: "app/a",
      code: "invalid-annotation",
    },
    {
      name: "a Service the build needs is not there (not tolerated) → missing",
      snapshot: () =>
        cluster([...BASE, ingress("a", { rules: pathRule("a.example.com", [["/", "Prefix", "missing", 80]]) })]),
      group: "app/a",
      options: { tolerateNonExistentBackendService: false },
      code: "missing",
    },
    {
      name: "the Ingress's own spec is refused (exact path with wildcards) → invalid-spec",
      snapshot: () =>
        cluster([...BASE, ingress("a", { rules: pathRule("a.example.com", [["/x*", "Exact", "web", 80]]) })]),
      group: "app/a",
      code: "invalid-spec",
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(unreconciled(c.snapshot(), c.group, c.options).code, c.code));
  test("a path's failure is wrapped with its Ingress (errors.Wrapf) and points at the path, not the Ingress", () => {
    const snap = cluster([...BASE, ingress("a", { rules: pathRule("a.example.com", [["/x*", "Exact", "web", 80]]) })]);
    const u = unreconciled(snap, "app/a");
    assert.equal(u.source.line, snap.kubernetes.ingresses[0]!.rules[0]!.paths[0]!.source.line);
    assert.notEqual(u.source.line, snap.kubernetes.ingresses[0]!.meta.source.line);
  });
});

describe("annotations as the controller reads them through the one parser (pkg/annotations/parser.go ParseJSONAnnotation, then json.Unmarshal into its type)", () => {
  const cause = (raw: string): string => {
    try {
      JSON.parse(raw);
      return "";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const use = (name: string) => pathRule("a.example.com", [["/x", "Exact", name, "use-annotation"]]);
  test("actions.NAME: malformed JSON → failed to parse json annotation", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("actions.x")]: "{" }, rules: use("x") })]);
    assert.equal(
      refusal(snap, "app/a"),
      `Failed build model due to ingress: app/a: failed to parse json annotation, ${alb("actions.x")}: {: ${cause("{")}`,
    );
  });
  test("conditions.NAME: malformed JSON → failed to parse json annotation", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("conditions.web")]: "[" } })]);
    assert.equal(
      refusal(snap, "app/a"),
      `Failed build model due to ingress: app/a: failed to parse json annotation, ${alb("conditions.web")}: [: ${cause("[")}`,
    );
  });
  test("actions.NAME: an unknown key is ignored (encoding/json)", () => {
    const snap = cluster([
      ...BASE,
      ingress("a", {
        annotations: {
          [alb("actions.x")]: '{"type":"fixed-response","fixedResponseConfig":{"statusCode":"418"},"extra":1}',
        },
        rules: use("x"),
      }),
    ]);
    assert.equal(
      expectKind(matchRequest(loadBalancersOf(snap), http("a.example.com", "/x")), "fixed-response").statusCode,
      "418",
    );
  });
  test("listen-ports: malformed JSON → failed to parse listen-ports configuration", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("listen-ports")]: "[" } })]);
    assert.equal(
      refusal(snap, "app/a"),
      `Failed build model due to ingress: app/a: failed to parse listen-ports configuration: \`[\`: ${cause("[")}`,
    );
  });
  test("listen-ports: wrong type (an object, not a list) → cannot unmarshal into []map[string]int32", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("listen-ports")]: '{"HTTP": 80}' } })]);
    assert.equal(
      refusal(snap, "app/a"),
      'Failed build model due to ingress: app/a: failed to parse listen-ports configuration: `{"HTTP": 80}`: json: cannot unmarshal into Go value of type []map[string]int32',
    );
  });
  test("listen-ports: empty list → empty listen-ports configuration", () => {
    const snap = cluster([...BASE, ingress("a", { annotations: { [alb("listen-ports")]: "[]" } })]);
    assert.equal(
      refusal(snap, "app/a"),
      "Failed build model due to ingress: app/a: empty listen-ports configuration: `[]`",
    );
  });
});
