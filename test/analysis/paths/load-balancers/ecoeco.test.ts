/**
 * The seed cluster's ALB (examples/ecoeco): the rules the snapshot's describe-rules show, the
 * same rules derived from its Ingresses as the AWS Load Balancer Controller builds them, and a
 * what-if that breaks the IngressGroup.
 */
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  loadBalancerForHost,
  loadBalancersOf,
  matchRequest,
  type LoadBalancerModel,
  type LoadBalancerView,
  type RuleView,
} from "../../../../src/analysis/paths/load-balancers/index.js";
import { loadSnapshot } from "../../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import { EXAMPLE, REPO, tempDir } from "../../../support/helpers.js";
import { expectKind, http, https } from "./support.js";

const TG_ARGOCD =
  "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-argocd-argocdse-5e1c7a9b42/9f3a2c1b7d6e5f40";
const TG_GRAFANA =
  "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-monitori-promethe-8d2f4c6a10/1c2d3e4f5a6b7c8d";
const TG_API =
  "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-ecoeco-ecoecoap-3b7e9f1d65/4e5f6a7b8c9d0e1f";
const ALB_DNS = "k8s-ecoeco-3f9c2a71b4-1587623490.ap-northeast-2.elb.amazonaws.com";

const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO });
const model = loadBalancersOf(example);

/** The example without its elbv2 files: every Kubernetes file and the EC2 ones. */
function withoutElbv2(): Snapshot {
  const files = [
    ...readdirSync(join(EXAMPLE, "k8s")).map((f) => join("k8s", f)),
    ...readdirSync(join(EXAMPLE, "aws"))
      .filter((f) => f.startsWith("ec2-"))
      .map((f) => join("aws", f)),
  ];
  return loadSnapshot({ paths: files, cwd: EXAMPLE });
}

/** Workers, not the control-plane node (labelled node.kubernetes.io/exclude-from-external-load-balancers). */
const WORKER_TARGETS = (port: number) => [
  ["instance", "i-0ecoeco0000000011", "10.0.1.11", port, "k8s-worker-1"],
  ["instance", "i-0ecoeco0000000012", "10.0.1.12", port, "k8s-worker-2"],
];

function targetsOf(m: ReturnType<typeof matchRequest>) {
  return expectKind(m, "forward").targetGroup.targets.map((t) => [t.kind, t.id, t.ip, t.port, t.node]);
}

/** What a rule does, comparable between the observed and the derived load balancer. */
function shape(model: LoadBalancerModel, lb: LoadBalancerView): string[] {
  const rule = (r: RuleView) => {
    const action = r.actions
      .map((a) => {
        if (a.type !== "forward") return JSON.stringify(a);
        const tg = model.targetGroups.get(a.targetGroups[0]!.id);
        return `forward ${tg?.service?.namespace}/${tg?.service?.name}:${tg?.service?.port} ${tg?.targetType} port ${tg?.port}`;
      })
      .join("; ");
    return `${r.priority} ${r.conditions.map((c) => `${c.field}=${c.values.join(",")}`).join(" & ")} → ${action}${r.ingress ? ` (${r.ingress.namespace}/${r.ingress.name})` : ""}`;
  };
  return lb.listeners.flatMap((l) => l.rules.map((r) => `${l.port}/${l.protocol} ${rule(r)}`));
}

const EXPECTED_RULES = [
  '80/HTTP default  → {"type":"redirect","protocol":"HTTPS","port":"443","host":"#{host}","path":"/#{path}","query":"#{query}","statusCode":"HTTP_301"}',
  "443/HTTPS 1 host-header=growbin.app & path-pattern=/argocd,/argocd/* → forward argocd/argocd-server:80 instance port 30080 (argocd/argocd-ingress)",
  "443/HTTPS 2 host-header=growbin.app & path-pattern=/grafana,/grafana/* → forward monitoring/prometheus-grafana:80 instance port 31300 (monitoring/grafana-ingress)",
  "443/HTTPS 3 host-header=growbin.app & path-pattern=/api/v1,/api/v1/* → forward ecoeco/ecoeco-api:80 instance port 30800 (ecoeco/api-ingress)",
  '443/HTTPS default  → {"type":"fixed-response","statusCode":"404","contentType":"text/plain"}',
];

describe("examples/ecoeco: the observed ALB (describe-load-balancers, -listeners, -rules, -target-groups, -target-health)", () => {
  test("growbin.app leads to the ALB of IngressGroup ecoeco, serving its three Ingresses", () => {
    const lb = loadBalancerForHost(model, "growbin.app");
    assert.equal(lb?.origin, "elbv2");
    assert.equal(lb?.name, "k8s-ecoeco-3f9c2a71b4");
    assert.equal(lb?.group, "ecoeco");
    assert.deepEqual(lb?.ingresses.map((i) => `${i.namespace}/${i.name}`).sort(), [
      "argocd/argocd-ingress",
      "ecoeco/api-ingress",
      "monitoring/grafana-ingress",
    ]);
  });

  test('its addresses come from its ENIs "ELB app/k8s-ecoeco-3f9c2a71b4/6d0ecf831eec9f09"', () => {
    assert.deepEqual(model.loadBalancers[0]!.addresses, [
      { subnetId: "subnet-0ecoeco0000000021", privateIp: "10.0.2.57", publicIp: "203.0.113.45" },
      { subnetId: "subnet-0ecoeco0000000031", privateIp: "10.0.3.142", publicIp: "203.0.113.46" },
    ]);
  });

  test("its rules, each tied to its Ingress and its target group to the Service", () => {
    assert.deepEqual(shape(model, model.loadBalancers[0]!), EXPECTED_RULES);
  });

  test("https://growbin.app/argocd → priority 1 → target group k8s-argocd-argocdse-5e1c7a9b42: the workers at NodePort 30080", () => {
    const m = expectKind(matchRequest(model, https("growbin.app", "/argocd")), "forward");
    assert.equal(m.rule.priority, 1);
    assert.equal(m.rule.description, "priority 1: host growbin.app, path /argocd, /argocd/*");
    assert.deepEqual(m.rule.ingress, { namespace: "argocd", name: "argocd-ingress" });
    assert.equal(m.targetGroup.id, TG_ARGOCD);
    assert.deepEqual(m.targetGroup.service, { namespace: "argocd", name: "argocd-server", port: 80 });
    assert.deepEqual(targetsOf(m), WORKER_TARGETS(30080));
    assert.deepEqual(
      m.targetGroup.targets.map((t) => t.health),
      ["healthy", "healthy"],
    );
  });

  test("https://growbin.app/argocd/applications also matches /argocd/*", () => {
    assert.equal(
      expectKind(matchRequest(model, https("growbin.app", "/argocd/applications")), "forward").targetGroup.id,
      TG_ARGOCD,
    );
  });

  test("https://growbin.app/grafana → priority 2 → the workers at NodePort 31300 (prometheus-grafana)", () => {
    const m = matchRequest(model, https("growbin.app", "/grafana"));
    assert.equal(expectKind(m, "forward").targetGroup.id, TG_GRAFANA);
    assert.deepEqual(targetsOf(m), WORKER_TARGETS(31300));
  });

  test("https://growbin.app/api/v1/health → priority 3 → the workers at NodePort 30800", () => {
    const m = matchRequest(model, https("growbin.app", "/api/v1/health"));
    assert.equal(expectKind(m, "forward").targetGroup.id, TG_API);
    assert.deepEqual(targetsOf(m), WORKER_TARGETS(30800));
  });

  test("http://growbin.app/argocd → the HTTP listener's default action (ssl-redirect 443): 301 to https", () => {
    const m = expectKind(matchRequest(model, http("growbin.app", "/argocd")), "redirect");
    assert.equal(m.location, "https://growbin.app:443/argocd");
    assert.equal(m.statusCode, "HTTP_301");
    assert.equal(m.listener.port, 80);
  });

  test("https://growbin.app/unknown → no rule matches: the default action, fixed-response 404", () => {
    const m = expectKind(matchRequest(model, https("growbin.app", "/unknown")), "fixed-response");
    assert.equal(m.statusCode, "404");
    assert.equal(m.rule.priority, "default");
    assert.equal(m.skipped.length, 3);
  });

  test("/argocdx is not /argocd nor /argocd/*: 404", () => {
    assert.equal(expectKind(matchRequest(model, https("growbin.app", "/argocdx")), "fixed-response").statusCode, "404");
  });

  test("the ALB's DNS name reaches the same ALB; on it, the host-header conditions do not match", () => {
    assert.equal(loadBalancerForHost(model, ALB_DNS)?.name, "k8s-ecoeco-3f9c2a71b4");
    assert.equal(expectKind(matchRequest(model, https(ALB_DNS, "/argocd")), "fixed-response").statusCode, "404");
  });

  test("no drift: the controller would build exactly these listeners and rules from the Ingresses", () => {
    const lb = model.loadBalancers[0]!;
    assert.ok(lb.derived, "the derived load balancer of the group is kept beside the observed one");
    assert.deepEqual(lb.drift, []);
    assert.deepEqual(shape(model, lb.derived), EXPECTED_RULES);
  });
});

describe("examples/ecoeco without its elbv2 files: the ALB derived from the Ingresses", () => {
  const snap = withoutElbv2();
  const derived = loadBalancersOf(snap);

  test("one load balancer, derived for IngressGroup ecoeco, with the same rules as the observed one", () => {
    assert.equal(derived.loadBalancers.length, 1);
    const lb = derived.loadBalancers[0]!;
    assert.equal(lb.origin, "ingress");
    assert.equal(lb.group, "ecoeco");
    assert.deepEqual(shape(derived, lb), EXPECTED_RULES);
  });

  test("scheme, subnets (discovered by kubernetes.io/role/elb), security group (annotation), DNS name (Ingress status)", () => {
    const lb = derived.loadBalancers[0]!;
    assert.equal(lb.scheme, "internet-facing");
    assert.equal(lb.vpcId, "vpc-0ecoeco0000000001");
    assert.deepEqual(lb.subnetIds, ["subnet-0ecoeco0000000021", "subnet-0ecoeco0000000031"]);
    assert.deepEqual(lb.securityGroupIds, ["sg-0ecoeco0000000001"]);
    assert.equal(lb.dnsName, ALB_DNS);
    assert.ok(lb.addresses.every((a) => a.privateIp === undefined));
    assert.ok(lb.notes.some((n) => /ENI addresses .* not known/.test(n.what)));
    assert.ok(lb.name.startsWith("k8s-ecoeco-"));
  });

  test("the security groups are the annotation's: the controller manages no rules for them (manage-backend-security-group-rules is off by default)", () => {
    const rules = derived.loadBalancers[0]!.managedSecurityGroupRules;
    assert.match(rules?.frontend[0] ?? "", /sg-0ecoeco0000000001 from the security-groups annotation/);
    assert.match(rules?.backend[0] ?? "", /manage-backend-security-group-rules is off/);
  });

  for (const [path, port] of [
    ["/argocd", 30080],
    ["/grafana/d/abc", 31300],
    ["/api/v1", 30800],
  ] as const) {
    test(`https://growbin.app${path} → the workers at NodePort ${port}, as the controller registers them`, () => {
      const m = matchRequest(derived, https("growbin.app", path));
      const tg = expectKind(m, "forward").targetGroup;
      assert.equal(tg.targetsFrom, "derived");
      assert.deepEqual(targetsOf(m), WORKER_TARGETS(port));
      assert.ok(
        tg.notes.some((n) =>
          /node k8s-master is not registered: labelled node.kubernetes.io\/exclude-from-external-load-balancers/.test(
            n.what,
          ),
        ),
      );
    });
  }

  test("http:// redirects to https, an unknown path gets the default 404", () => {
    assert.equal(
      expectKind(matchRequest(derived, http("growbin.app", "/grafana")), "redirect").location,
      "https://growbin.app:443/grafana",
    );
    assert.equal(expectKind(matchRequest(derived, https("growbin.app", "/nope")), "fixed-response").statusCode, "404");
  });
});

describe("examples/ecoeco what-if: an Ingress path changes, the ALB is not yet updated (drift)", () => {
  const dir = tempDir();
  const file = join(dir, "argocd-ingress.yaml");
  writeFileSync(
    file,
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: argocd-ingress
  namespace: argocd
  annotations:
    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:ap-northeast-2:123456789012:certificate/5f2c1a8e-3b4d-4c6e-9a7f-0d1e2f3a4b5c
    alb.ingress.kubernetes.io/group.name: ecoeco
    alb.ingress.kubernetes.io/group.order: "10"
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/security-groups: sg-0ecoeco0000000001
    alb.ingress.kubernetes.io/ssl-redirect: "443"
    alb.ingress.kubernetes.io/target-type: instance
spec:
  ingressClassName: alb
  rules:
  - host: growbin.app
    http:
      paths:
      - path: /cd
        pathType: Prefix
        backend:
          service:
            name: argocd-server
            port: {number: 80}
status:
  loadBalancer:
    ingress:
    - hostname: ${ALB_DNS}
`,
  );
  const snap = loadSnapshot({ paths: ["examples/ecoeco"], whatIf: [file], cwd: REPO });
  const m = loadBalancersOf(snap);

  test("the observed ALB still routes /argocd (its rules are what AWS has), and drift says what the controller would change", () => {
    assert.equal(expectKind(matchRequest(m, https("growbin.app", "/argocd")), "forward").targetGroup.id, TG_ARGOCD);
    assert.deepEqual(m.loadBalancers[0]!.drift, [
      "listener 443: the controller would build priority 1: host growbin.app, path /cd, /cd/* (forward); the load balancer has no such rule",
      "listener 443: priority 1: host growbin.app, path /argocd, /argocd/* (forward) is not a rule the controller would build now",
    ]);
  });
});

describe("examples/ecoeco what-if: an Ingress joins group ecoeco with a ClusterIP backend", () => {
  const file = join(REPO, "test/fixtures/what-if/ingress-clusterip-backend.yaml");
  const snap = loadSnapshot({ paths: ["examples/ecoeco"], whatIf: [file], cwd: REPO });
  const whatIf = loadBalancersOf(snap);
  const MESSAGE =
    "Failed build model due to ingress: argocd/repo-ingress: TargetGroup port is empty. When using Instance targets, your service be must of type 'NodePort' or 'LoadBalancer'";

  test("the controller refuses the whole group, in its own words", () => {
    assert.deepEqual(
      whatIf.unreconciled.map((u) => [u.group, u.message, u.ingresses.map((i) => i.name)]),
      [["ecoeco", MESSAGE, ["argocd-ingress", "grafana-ingress", "api-ingress", "repo-ingress"]]],
    );
  });

  test("the observed ALB is still there: it keeps the rules of its last successful reconcile", () => {
    const lb = loadBalancerForHost(whatIf, "growbin.app");
    assert.equal(lb?.origin, "elbv2");
    assert.equal(lb?.derived, undefined);
  });

  for (const path of ["/argocd", "/grafana", "/api/v1/x", "/repo"]) {
    test(`https://growbin.app${path} → INGRESS_NOT_RECONCILED: every Ingress of the group`, () => {
      const m = expectKind(matchRequest(whatIf, https("growbin.app", path)), "drop");
      assert.equal(m.code, "INGRESS_NOT_RECONCILED");
      assert.ok(m.message.includes(MESSAGE), m.message);
      assert.match(
        m.message,
        /load balancer k8s-ecoeco-3f9c2a71b4 keeps the rules of the group's last successful reconcile/,
      );
      assert.equal(m.loadBalancer?.name, "k8s-ecoeco-3f9c2a71b4");
      assert.equal(m.source?.file.endsWith("ingress-clusterip-backend.yaml"), true);
    });
  }

  test("what the old rules would still do is said: /argocd is forwarded by the ALB's last good rules", () => {
    const m = expectKind(matchRequest(whatIf, https("growbin.app", "/argocd")), "drop");
    assert.match(
      m.message,
      /there, priority 1: host growbin.app, path \/argocd, \/argocd\/\* forwards it to target group k8s-argocd-argocdse-5e1c7a9b42/,
    );
  });
});
