import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  evaluateNetworkPolicies,
  policyEndpointForPod,
  type NetworkPolicyOptions,
  type NetworkPolicyVerdict,
  type PodPolicyEndpoint,
  type PolicyEndpoint,
} from "../../../src/analysis/paths/network-policy.js";
import type { Namespace, NetworkPolicy } from "../../../src/model/kubernetes.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { convertYaml, REPO } from "../../support/helpers.js";

// ---------------------------------------------------------------------------------------------
// fixture: namespaces and pods, loaded as the snapshot loader would

const CLUSTER = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other, labels: {team: other}}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: default}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - {name: http, containerPort: 8080}
    - {name: metrics, containerPort: 9100}
    - {name: syslog, containerPort: 514, protocol: UDP}
status: {podIP: 192.168.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec:
  containers:
  - {name: pg, image: postgres, ports: [{name: pg, containerPort: 5432}]}
status: {podIP: 192.168.1.11}
---
apiVersion: v1
kind: Pod
metadata: {name: pending, namespace: shop, labels: {app: pending}}
spec:
  containers:
  - {name: c, image: busybox}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, labels: {app: client}}
spec:
  containers:
  - {name: c, image: curl}
status: {podIP: 192.168.2.20}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: other, labels: {app: web}}
spec:
  containers:
  - {name: web, image: nginx, ports: [{name: http, containerPort: 9090}]}
status: {podIP: 192.168.2.21}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  containers:
  - name: coredns
    image: coredns
    ports:
    - {name: dns, containerPort: 53, protocol: UDP}
    - {name: dns-tcp, containerPort: 53, protocol: TCP}
status: {podIP: 192.168.3.3}
---
apiVersion: v1
kind: Pod
metadata: {name: worker, namespace: default, labels: {app: worker}}
spec:
  containers:
  - {name: w, image: worker}
status: {podIP: 192.168.235.200}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: default, labels: {app: api}}
spec:
  containers:
  - {name: api, image: api, ports: [{name: http, containerPort: 80}]}
status: {podIP: 192.168.230.10}
---
apiVersion: v1
kind: Pod
metadata: {name: lonely, namespace: ghost, labels: {app: lonely}}
spec:
  containers:
  - {name: c, image: busybox}
status: {podIP: 192.168.9.9}
`;

const cluster = convertYaml(CLUSTER, "cluster.yaml");
assert.deepEqual(cluster.diagnostics, []);
const NAMESPACES: ReadonlyMap<string, Namespace> = new Map(cluster.kubernetes.namespaces.map((n) => [n.name, n]));
const PODS = new Map(cluster.kubernetes.pods.map((p) => [`${p.namespace}/${p.name}`, policyEndpointForPod(p)]));

function pod(ref: string): PodPolicyEndpoint {
  const p = PODS.get(ref);
  assert.ok(p, `fixture pod ${ref}`);
  return p;
}

/** `ns/name` is a fixture pod, `ip:ADDR` an address. */
function endpoint(ref: string): PolicyEndpoint {
  return ref.startsWith("ip:") ? { kind: "ip", ip: ref.slice(3) } : pod(ref);
}

function policies(yaml: string, file = "policies.yaml"): NetworkPolicy[] {
  const draft = convertYaml(yaml, file, "shop");
  assert.deepEqual(draft.diagnostics, []);
  assert.ok(draft.kubernetes.networkPolicies.length > 0, "the YAML holds policies");
  return draft.kubernetes.networkPolicies;
}

/** One NetworkPolicy document, namespace shop unless the spec says otherwise. */
function np(name: string, spec: string, namespace = "shop"): string {
  return `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n${spec
    .trim()
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n")}\n`;
}

/**
 * A row: direction, subject pod, peer, port, protocol, expectation.
 * Expectations: "open" (not isolated: allowed by no policy), "deny" (isolated, dropped),
 * "allow:NS/NAME#I" (allowed, first by rule I of that policy).
 */
type Row = readonly ["ingress" | "egress", string, string, number, "TCP" | "UDP" | "SCTP", string];

function evaluate(
  row: Row,
  list: readonly NetworkPolicy[],
  options?: NetworkPolicyOptions,
  namespaces = NAMESPACES,
): NetworkPolicyVerdict {
  const [direction, subject, peer, port, protocol] = row;
  return evaluateNetworkPolicies(direction, pod(subject), endpoint(peer), port, protocol, list, namespaces, options);
}

function expectRow(row: Row, v: NetworkPolicyVerdict): void {
  const [direction, , , , , want] = row;
  const what = `${row.slice(0, 5).join(" ")}: ${v.decision.rule}`;
  if (want === "open") {
    assert.deepEqual(
      [v.allowed, v.isolated, v.decision.id, v.selectedBy, v.allowedBy],
      [true, false, "no-policy", [], []],
      what,
    );
  } else if (want === "deny") {
    assert.equal(v.allowed, false, what);
    assert.equal(v.isolated, true, what);
    assert.deepEqual(v.allowedBy, [], what);
    assert.equal(v.decision.allowed, false, what);
    if (!v.decision.allowed)
      assert.equal(v.decision.code, direction === "ingress" ? "NETWORK_POLICY_INGRESS" : "NETWORK_POLICY_EGRESS", what);
  } else {
    const m = /^allow:(.+)#(\d+)$/.exec(want);
    assert.ok(m, `bad expectation ${want}`);
    assert.equal(v.allowed, true, what);
    assert.equal(v.isolated, true, what);
    assert.deepEqual(
      [v.decision.allowed, v.decision.id, v.allowedBy[0]?.policy, v.allowedBy[0]?.ruleIndex],
      [true, m[1], m[1], Number(m[2])],
      what,
    );
  }
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly rows: readonly Row[];
  readonly options?: NetworkPolicyOptions;
}

function table(cases: readonly Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const list = policies(c.yaml);
      for (const row of c.rows) expectRow(row, evaluate(row, list, c.options));
    });
  }
}

// ---------------------------------------------------------------------------------------------

describe("networkpolicy: isolation is per direction", () => {
  table([
    {
      name: "networkpolicy: a pod is isolated for ingress only when a policy with Ingress in policyTypes selects it",
      yaml: np("deny-web-ingress", "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Ingress]"),
      rows: [
        ["ingress", "shop/web", "other/client", 8080, "TCP", "deny"],
        ["ingress", "shop/db", "other/client", 5432, "TCP", "open"], // podSelector does not select db
        ["egress", "shop/web", "other/client", 80, "TCP", "open"], // Ingress only: egress is not isolated
        ["ingress", "other/web", "other/client", 9090, "TCP", "open"], // same labels, other namespace
      ],
    },
    {
      name: "networkpolicy: a pod is isolated for egress only when a policy with Egress in policyTypes selects it (no egress rules: deny all egress)",
      yaml: np("deny-egress", "podSelector: {}\npolicyTypes: [Egress]"),
      rows: [
        ["egress", "shop/web", "ip:8.8.8.8", 53, "UDP", "deny"],
        ["egress", "shop/db", "shop/web", 8080, "TCP", "deny"],
        ["ingress", "shop/web", "shop/db", 8080, "TCP", "open"],
        ["egress", "other/client", "shop/web", 8080, "TCP", "open"], // policies apply in their own namespace only
      ],
    },
    {
      name: "networkpolicy: rules of a direction missing from policyTypes are ignored",
      // ingress: [{}] would allow everything, but policyTypes names Egress only
      yaml: np(
        "egress-only",
        "podSelector: {}\npolicyTypes: [Egress]\ningress:\n- {}\negress:\n- to: [{podSelector: {}}]",
      ),
      rows: [
        ["ingress", "shop/web", "ip:203.0.113.9", 8080, "TCP", "open"],
        ["egress", "shop/web", "shop/db", 5432, "TCP", "allow:shop/egress-only#0"],
        ["egress", "shop/web", "ip:203.0.113.9", 443, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: a policy with egress rules and no policyTypes isolates for ingress too (API defaulting: [Ingress, Egress])",
      yaml: np("allow-egress-in-ns", "podSelector: {}\negress:\n- to: [{podSelector: {}}]"),
      rows: [
        ["ingress", "shop/web", "shop/db", 8080, "TCP", "deny"],
        ["egress", "shop/web", "shop/db", 5432, "TCP", "allow:shop/allow-egress-in-ns#0"],
      ],
    },
  ]);

  test("networkpolicy: an isolated pod's verdict lists every policy that selects it, for that direction only", () => {
    const list = policies(
      np("deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]") +
        np(
          "web-ingress",
          "podSelector: {matchLabels: {app: web}}\ningress:\n- from: [{podSelector: {matchLabels: {app: db}}}]",
        ) +
        np("db-only", "podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]"),
    );
    const ingress = evaluate(["ingress", "shop/web", "other/client", 8080, "TCP", "deny"], list);
    assert.deepEqual(
      ingress.selectedBy.map((s) => `${s.namespace}/${s.name}@${s.source.line}`),
      ["shop/deny-all@2", "shop/web-ingress@9"],
    );
    assert.equal(ingress.decision.id, "shop/deny-all,shop/web-ingress");
    const egress = evaluate(["egress", "shop/web", "other/client", 80, "TCP", "deny"], list);
    assert.deepEqual(
      egress.selectedBy.map((s) => s.name),
      ["deny-all"],
    );
  });
});

describe("networkpolicy: policies and rules are a union", () => {
  table([
    {
      name: "networkpolicy: policies are additive: any rule of any selecting policy allows (a deny-all does not override an allow)",
      yaml:
        np("deny-all", "podSelector: {}\npolicyTypes: [Ingress]") +
        np(
          "allow-other",
          "podSelector: {matchLabels: {app: web}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: other}}}]",
        ),
      rows: [
        ["ingress", "shop/web", "other/client", 8080, "TCP", "allow:shop/allow-other#0"],
        ["ingress", "shop/web", "shop/db", 8080, "TCP", "deny"],
        ["ingress", "shop/db", "other/client", 5432, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: an empty rule {} allows every peer (IPs included) on every port and protocol",
      yaml: np("allow-all", "podSelector: {}\ningress:\n- {}"),
      rows: [
        ["ingress", "shop/web", "ip:203.0.113.9", 9999, "UDP", "allow:shop/allow-all#0"],
        ["ingress", "shop/web", "other/client", 1, "SCTP", "allow:shop/allow-all#0"],
      ],
    },
    {
      name: "networkpolicy: empty ports means all ports; empty from/to means all peers",
      yaml: np(
        "p",
        "podSelector: {matchLabels: {app: web}}\ningress:\n- from: [{podSelector: {}}]\n- ports: [{port: 8080}]",
      ),
      rows: [
        ["ingress", "shop/web", "shop/db", 12345, "UDP", "allow:shop/p#0"],
        ["ingress", "shop/web", "ip:8.8.8.8", 8080, "TCP", "allow:shop/p#1"],
        ["ingress", "shop/web", "ip:8.8.8.8", 8081, "TCP", "deny"],
        ["ingress", "shop/web", "other/client", 9100, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: within a rule, peers are ORed and ports are ORed, and the peer AND the port must match",
      yaml: np(
        "p",
        "podSelector: {matchLabels: {app: web}}\ningress:\n- from:\n  - podSelector: {matchLabels: {app: db}}\n  - namespaceSelector: {matchLabels: {team: other}}\n  ports: [{port: 8080}, {port: 9100}]",
      ),
      rows: [
        ["ingress", "shop/web", "shop/db", 9100, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "other/client", 8080, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "other/client", 9999, "TCP", "deny"],
        ["ingress", "shop/web", "ip:8.8.8.8", 8080, "TCP", "deny"],
      ],
    },
  ]);

  test("networkpolicy: every allowing rule is listed; the decision cites the first", () => {
    const list = policies(
      np("a", "podSelector: {}\ningress:\n- ports: [{port: 9}]\n- from: [{podSelector: {}}]") +
        np("b", "podSelector: {}\ningress:\n- {}"),
    );
    const v = evaluate(["ingress", "shop/web", "shop/db", 8080, "TCP", "allow:shop/a#1"], list);
    assert.deepEqual(
      v.allowedBy.map((a) => `${a.policy}#${a.ruleIndex}@${a.source.line}`),
      ["shop/a#1@9", "shop/b#0@17"],
    );
    assert.deepEqual(
      v.rules.map((r) => [r.policy, r.ruleIndex, r.peerMatched, r.portMatched]),
      [
        ["shop/a", 0, true, false],
        ["shop/a", 1, true, true],
        ["shop/b", 0, true, true],
      ],
    );
  });
});

describe("networkpolicy: peers", () => {
  table([
    {
      name: "networkpolicy: podSelector alone selects pods in the policy's own namespace",
      yaml: np(
        "p",
        "podSelector: {matchLabels: {app: db}}\ningress:\n- from: [{podSelector: {matchLabels: {app: web}}}]",
      ),
      rows: [
        ["ingress", "shop/db", "shop/web", 5432, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/db", "other/web", 5432, "TCP", "deny"], // same labels, other namespace
      ],
    },
    {
      name: "networkpolicy: namespaceSelector alone selects every pod in the selected namespaces",
      yaml: np("p", "podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: other}}}]"),
      rows: [
        ["ingress", "shop/db", "other/client", 5432, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/db", "other/web", 5432, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/db", "shop/web", 5432, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: namespaceSelector and podSelector in one peer select the matching pods in the matching namespaces (AND)",
      yaml: np(
        "p",
        "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {team: other}}\n    podSelector: {matchLabels: {app: web}}",
      ),
      rows: [
        ["ingress", "shop/db", "other/web", 5432, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/db", "other/client", 5432, "TCP", "deny"],
        ["ingress", "shop/db", "shop/web", 5432, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: two peers (two list items) are ORed, unlike one peer with both selectors",
      yaml: np(
        "p",
        "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {team: other}}\n  - podSelector: {matchLabels: {app: web}}",
      ),
      rows: [
        ["ingress", "shop/db", "other/client", 5432, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/db", "shop/web", 5432, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "shop/db", 8080, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: an empty podSelector {} selects every pod of the policy's namespace",
      yaml: np("p", "podSelector: {}\negress:\n- to: [{podSelector: {}}]"),
      rows: [
        ["egress", "shop/web", "shop/db", 5432, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "other/client", 80, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: an empty namespaceSelector {} selects every pod of every namespace, but no IP address",
      yaml: np("p", "podSelector: {}\negress:\n- to: [{namespaceSelector: {}}]"),
      rows: [
        ["egress", "shop/web", "other/client", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "kube-system/coredns", 53, "UDP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:192.168.3.3", 53, "UDP", "deny"], // coredns' IP, as a bare address
        ["egress", "shop/web", "ip:10.0.2.57", 80, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: matchExpressions select too (NotIn and DoesNotExist match pods without the key)",
      yaml: np(
        "p",
        "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchExpressions: [{key: team, operator: NotIn, values: [shop]}]}\n    podSelector: {matchExpressions: [{key: tier, operator: DoesNotExist}]}",
      ),
      rows: [
        ["ingress", "shop/web", "other/client", 8080, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "kube-system/coredns", 8080, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "shop/db", 8080, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: a namespace missing from the snapshot has the kubernetes.io/metadata.name label the API server gives it, and no other",
      yaml: np(
        "p",
        "podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ghost}}}]\n- from: [{namespaceSelector: {matchLabels: {name: ghost}}}]\n  ports: [{port: 9}]",
      ),
      rows: [
        ["ingress", "shop/web", "ghost/lonely", 8080, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "other/client", 8080, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: ipBlock selects addresses inside cidr and outside every except",
      yaml: np(
        "p",
        "podSelector: {}\negress:\n- to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.9.0/24, 10.0.200.7/32]}}]",
      ),
      rows: [
        ["egress", "shop/web", "ip:10.0.2.57", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:10.0.0.0", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:10.0.255.255", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:10.0.10.0", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:10.0.8.255", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:10.0.9.0", 80, "TCP", "deny"],
        ["egress", "shop/web", "ip:10.0.9.255", 80, "TCP", "deny"],
        ["egress", "shop/web", "ip:10.0.200.7", 80, "TCP", "deny"],
        ["egress", "shop/web", "ip:10.0.200.8", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:10.1.0.1", 80, "TCP", "deny"],
        ["egress", "shop/web", "ip:9.255.255.255", 80, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: ipBlock matches pod IPs too (Calico, the upstream e2e suite); a pod without an IP matches no ipBlock",
      yaml: np(
        "p",
        "podSelector: {matchLabels: {app: web}}\negress:\n- to: [{ipBlock: {cidr: 192.168.2.0/24, except: [192.168.2.21/32]}}]\ningress:\n- from: [{ipBlock: {cidr: 0.0.0.0/0}}]",
      ),
      rows: [
        ["egress", "shop/web", "other/client", 80, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "other/web", 9090, "TCP", "deny"], // excepted
        ["egress", "shop/web", "shop/db", 5432, "TCP", "deny"], // 192.168.1.11: outside the cidr
        ["ingress", "shop/web", "shop/db", 8080, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "shop/pending", 8080, "TCP", "deny"], // no pod IP yet
      ],
    },
    {
      name: "networkpolicy: with {ipBlockSelectsPods: false} ipBlock selects IP peers only, as np-guard netpol-analyzer assumes",
      yaml: np("p", "podSelector: {matchLabels: {app: web}}\negress:\n- to: [{ipBlock: {cidr: 192.168.2.0/24}}]"),
      options: { ipBlockSelectsPods: false },
      rows: [
        ["egress", "shop/web", "other/client", 80, "TCP", "deny"],
        ["egress", "shop/web", "ip:192.168.2.20", 80, "TCP", "allow:shop/p#0"],
      ],
    },
    {
      name: "networkpolicy: IPv6 addresses never match an IPv4 ipBlock, and IPv6 ipBlocks never match (podpath analyses IPv4 only)",
      yaml: np(
        "p",
        "podSelector: {}\negress:\n- to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n  ports: [{port: 443}]\n- to: [{ipBlock: {cidr: '::/0'}}]\n  ports: [{port: 80}]",
      ),
      rows: [
        ["egress", "shop/web", "ip:2001:db8::1", 443, "TCP", "deny"],
        ["egress", "shop/web", "ip:2001:db8::1", 80, "TCP", "deny"],
        ["egress", "shop/web", "ip:8.8.8.8", 80, "TCP", "deny"],
        ["egress", "shop/web", "ip:8.8.8.8", 443, "TCP", "allow:shop/p#0"],
      ],
    },
  ]);

  test("networkpolicy: IPv6 non-matches are explained in the verdict's notes", () => {
    const list = policies(
      np(
        "p",
        "podSelector: {}\negress:\n- to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n- to: [{ipBlock: {cidr: '2001:db8::/32'}}]",
      ),
    );
    const v6 = evaluate(["egress", "shop/web", "ip:2001:db8::1", 443, "TCP", "deny"], list);
    assert.deepEqual(v6.notes, ["2001:db8::1 is IPv6: podpath analyses IPv4 only, so no ipBlock matches it"]);
    const v4 = evaluate(["egress", "shop/web", "ip:10.9.9.9", 443, "TCP", "allow:shop/p#0"], list);
    assert.deepEqual(v4.notes, ["ipBlock 2001:db8::/32 is not IPv4: it never matches an IPv4 address here"]);
  });

  test("networking/v1 validation: a peer with no podSelector, namespaceSelector or ipBlock is rejected, so the policy is skipped with a warning", () => {
    const draft = convertYaml(np("p", "podSelector: {}\ningress:\n- from: [{}]"), "p.yaml");
    assert.equal(draft.kubernetes.networkPolicies.length, 0);
    assert.match(
      draft.diagnostics[0]?.message ?? "",
      /^NetworkPolicy shop\/p skipped: .*a peer needs podSelector, namespaceSelector or ipBlock$/,
    );
  });

  test("networkpolicy: an IP peer is matched only by ipBlock peers (the same address as a pod is selected by selectors)", () => {
    const list = policies(np("p", "podSelector: {}\negress:\n- to: [{podSelector: {}}, {namespaceSelector: {}}]"));
    expectRow(
      ["egress", "shop/web", "shop/db", 5432, "TCP", "allow:shop/p#0"],
      evaluate(["egress", "shop/web", "shop/db", 5432, "TCP", ""], list),
    );
    expectRow(
      ["egress", "shop/web", "ip:192.168.1.11", 5432, "TCP", "deny"],
      evaluate(["egress", "shop/web", "ip:192.168.1.11", 5432, "TCP", ""], list),
    );
  });
});

describe("networkpolicy: ports", () => {
  table([
    {
      name: "networkpolicy: a port's protocol defaults to TCP and must equal the packet's",
      yaml: np(
        "p",
        "podSelector: {}\ningress:\n- ports: [{port: 53}]\n- ports: [{protocol: UDP, port: 5353}]\n- ports: [{protocol: SCTP, port: 9}]",
      ),
      rows: [
        ["ingress", "shop/web", "ip:8.8.8.8", 53, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "ip:8.8.8.8", 53, "UDP", "deny"],
        ["ingress", "shop/web", "ip:8.8.8.8", 5353, "UDP", "allow:shop/p#1"],
        ["ingress", "shop/web", "ip:8.8.8.8", 5353, "TCP", "deny"],
        ["ingress", "shop/web", "ip:8.8.8.8", 9, "SCTP", "allow:shop/p#2"],
        ["ingress", "shop/web", "ip:8.8.8.8", 9, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: a numeric port matches exactly; port..endPort is an inclusive range",
      yaml: np("p", "podSelector: {}\ningress:\n- ports: [{port: 80}, {port: 32000, endPort: 32768}]"),
      rows: [
        ["ingress", "shop/web", "other/client", 80, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "other/client", 81, "TCP", "deny"],
        ["ingress", "shop/web", "other/client", 31999, "TCP", "deny"],
        ["ingress", "shop/web", "other/client", 32000, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "other/client", 32500, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "other/client", 32768, "TCP", "allow:shop/p#0"],
        ["ingress", "shop/web", "other/client", 32769, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: a port without a number matches every port of its protocol",
      yaml: np("p", "podSelector: {}\negress:\n- ports: [{protocol: UDP}]"),
      rows: [
        ["egress", "shop/web", "ip:8.8.8.8", 1, "UDP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:8.8.8.8", 65535, "UDP", "allow:shop/p#0"],
        ["egress", "shop/web", "ip:8.8.8.8", 53, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: on ingress a named port resolves against the subject's (the destination's) container ports",
      yaml: np("p", "podSelector: {}\ningress:\n- ports: [{port: http}]"),
      rows: [
        ["ingress", "shop/web", "other/web", 8080, "TCP", "allow:shop/p#0"], // shop/web's http
        ["ingress", "shop/web", "other/web", 9090, "TCP", "deny"], // the peer's http does not count
        ["ingress", "shop/db", "shop/web", 8080, "TCP", "deny"], // db has no port named http
      ],
    },
    {
      name: "networkpolicy: on egress a named port resolves against the peer pod's container ports; an IP peer has none",
      yaml: np("p", "podSelector: {}\negress:\n- ports: [{port: http}]"),
      rows: [
        ["egress", "shop/web", "other/web", 9090, "TCP", "allow:shop/p#0"],
        ["egress", "shop/web", "other/web", 8080, "TCP", "deny"], // the subject's http does not count
        ["egress", "shop/web", "other/client", 8080, "TCP", "deny"],
        ["egress", "shop/web", "ip:10.0.2.57", 8080, "TCP", "deny"],
      ],
    },
    {
      name: "networkpolicy: a named port needs the container port's protocol to equal the rule's",
      yaml: np("p", "podSelector: {}\ningress:\n- ports: [{port: syslog}]\n- ports: [{protocol: UDP, port: syslog}]"),
      rows: [
        ["ingress", "shop/web", "other/client", 514, "TCP", "deny"],
        ["ingress", "shop/web", "other/client", 514, "UDP", "allow:shop/p#1"],
      ],
    },
  ]);

  test("networkpolicy: a named port toward an IP peer is explained in the notes", () => {
    const v = evaluate(
      ["egress", "shop/web", "ip:10.0.2.57", 8080, "TCP", ""],
      policies(np("p", "podSelector: {}\negress:\n- ports: [{port: http}]")),
    );
    assert.deepEqual(v.notes, ['named port "http" cannot match an IP peer: only pods have named ports']);
  });
});

describe("networkpolicy: every verdict names the policy, the rule and its file:line", () => {
  const yaml =
    np("deny-all", "podSelector: {}\npolicyTypes: [Ingress]") +
    np(
      "web",
      "podSelector: {matchLabels: {app: web}}\ningress:\n- from: [{podSelector: {matchLabels: {app: db}}}]\n  ports: [{port: http}]",
    );

  test("networkpolicy: an allowed connection cites the allowing rule's line and text", () => {
    const v = evaluate(["ingress", "shop/web", "shop/db", 8080, "TCP", ""], policies(yaml, "netpol.yaml"));
    assert.deepEqual(v.decision, {
      allowed: true,
      id: "shop/web",
      rule: "ingress[0] (from pods {app=db} in shop; TCP/http) of shop/web allows ingress from shop/db to shop/web TCP/8080",
      source: { file: "netpol.yaml", line: 15, col: 5, doc: 1 },
    });
  });

  test("networkpolicy: a denied connection cites the selecting policies, the first one's line, and the closest rule", () => {
    const v = evaluate(["ingress", "shop/web", "shop/db", 9100, "TCP", ""], policies(yaml, "netpol.yaml"));
    assert.deepEqual(v.decision, {
      allowed: false,
      id: "shop/deny-all,shop/web",
      code: "NETWORK_POLICY_INGRESS",
      rule: "no rule of shop/deny-all, shop/web allows ingress from shop/db to shop/web TCP/9100; shop/web ingress[0] (from pods {app=db} in shop; TCP/http) matches the peer but not the port",
      source: { file: "netpol.yaml", line: 2, col: 1, doc: 0 },
    });
  });

  test("networkpolicy: a pod no policy selects is allowed by no-policy, without a source", () => {
    const v = evaluate(["egress", "shop/web", "ip:8.8.8.8", 443, "TCP", ""], policies(yaml));
    assert.deepEqual(v.decision, {
      allowed: true,
      id: "no-policy",
      rule: "no NetworkPolicy in namespace shop selects shop/web for Egress: not isolated, egress from shop/web to 8.8.8.8 TCP/443 allowed",
      source: undefined,
    });
  });

  test("networkpolicy: a default-deny says the policy has no rules for the direction", () => {
    const v = evaluate(
      ["egress", "shop/web", "ip:8.8.8.8", 443, "TCP", "deny"],
      policies(np("deny-egress", "podSelector: {}\npolicyTypes: [Egress]")),
    );
    assert.equal(
      v.decision.rule,
      "no rule of shop/deny-egress allows egress from shop/web to 8.8.8.8 TCP/443: the policy has no rules for this direction (deny all)",
    );
  });

  test("networkpolicy: policyEndpointForPod carries the pod's namespace, labels, IP and container ports", () => {
    const web = pod("shop/web");
    assert.deepEqual(
      { ...web, ports: web.ports.map((p) => `${p.name}:${p.containerPort}/${p.protocol}`) },
      {
        kind: "pod",
        namespace: "shop",
        name: "web",
        labels: { app: "web" },
        ip: "192.168.1.10",
        ports: ["http:8080/TCP", "metrics:9100/TCP", "syslog:514/UDP"],
      },
    );
    assert.equal(pod("shop/pending").ip, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// The seed document's policy, as written there (POD_PLACEMENT_AND_RESPONSE_FLOW.ko.md §2)

const SEED_POLICY = readFileSync(join(REPO, "test/fixtures/what-if/seed-allow-egress-to-vpc.yaml"), "utf8");

describe("networkpolicy: the seed's allow-egress-to-vpc", () => {
  const seed = policies(SEED_POLICY, "seed-policy.yaml");

  test("networkpolicy seed: egress to the internet (8.8.8.8:443) is denied by allow-egress-to-vpc", () => {
    const v = evaluate(["egress", "default/worker", "ip:8.8.8.8", 443, "TCP", "deny"], seed);
    expectRow(["egress", "default/worker", "ip:8.8.8.8", 443, "TCP", "deny"], v);
    assert.deepEqual(v.decision, {
      allowed: false,
      id: "default/allow-egress-to-vpc",
      code: "NETWORK_POLICY_EGRESS",
      rule: "no rule of default/allow-egress-to-vpc allows egress from default/worker to 8.8.8.8 TCP/443",
      source: { file: "seed-policy.yaml", line: 2, col: 1, doc: 0 },
    });
  });

  test("networkpolicy seed: egress to a VPC address (10.0.2.57:80) is allowed by egress[0]", () => {
    const v = evaluate(["egress", "default/worker", "ip:10.0.2.57", 80, "TCP", ""], seed);
    expectRow(["egress", "default/worker", "ip:10.0.2.57", 80, "TCP", "allow:default/allow-egress-to-vpc#0"], v);
    assert.equal(v.decision.source?.line, 13);
    assert.equal(
      v.decision.rule,
      "egress[0] (to ipBlock 10.0.0.0/16; all ports) of default/allow-egress-to-vpc allows egress from default/worker to 10.0.2.57 TCP/80",
    );
  });

  test("networkpolicy seed finding: in a standard cluster the DNS rule selects nothing (kube-system carries kubernetes.io/metadata.name, not name), so DNS to kube-dns is denied", () => {
    assert.deepEqual(NAMESPACES.get("kube-system")?.labels, { "kubernetes.io/metadata.name": "kube-system" });
    const v = evaluate(["egress", "default/worker", "kube-system/coredns", 53, "UDP", ""], seed);
    expectRow(["egress", "default/worker", "kube-system/coredns", 53, "UDP", "deny"], v);
    assert.deepEqual(
      v.rules.map((r) => [r.ruleIndex, r.peerMatched, r.portMatched]),
      [
        [0, false, true], // coredns' pod IP 192.168.3.3 lies outside 10.0.0.0/16
        [1, false, true], // UDP/53 matches, but namespace kube-system lacks name=kube-system
      ],
    );
    assert.match(
      v.decision.rule,
      /egress\[1\] \(to all pods in namespaces \{name=kube-system\}; UDP\/53\) matches the port but not the peer/,
    );
  });

  test("networkpolicy seed: the DNS rule does allow UDP/53 once kube-system is labelled name=kube-system (and still not TCP/53)", () => {
    const labelled = convertYaml(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system, labels: {name: kube-system}}\n",
      "ns.yaml",
    );
    const namespaces = new Map(NAMESPACES);
    namespaces.set("kube-system", labelled.kubernetes.namespaces[0]!);
    expectRow(
      ["egress", "default/worker", "kube-system/coredns", 53, "UDP", "allow:default/allow-egress-to-vpc#1"],
      evaluate(["egress", "default/worker", "kube-system/coredns", 53, "UDP", ""], seed, undefined, namespaces),
    );
    expectRow(
      ["egress", "default/worker", "kube-system/coredns", 53, "TCP", "deny"],
      evaluate(["egress", "default/worker", "kube-system/coredns", 53, "TCP", ""], seed, undefined, namespaces),
    );
  });

  test("networkpolicy seed finding: egress to any pod, even in default, is denied (Calico pod IPs 192.168.0.0/16 lie outside 10.0.0.0/16)", () => {
    expectRow(
      ["egress", "default/worker", "default/api", 80, "TCP", "deny"],
      evaluate(["egress", "default/worker", "default/api", 80, "TCP", ""], seed),
    );
    expectRow(
      ["egress", "default/worker", "shop/web", 8080, "TCP", "deny"],
      evaluate(["egress", "default/worker", "shop/web", 8080, "TCP", ""], seed),
    );
  });

  test("networkpolicy seed: the policy isolates egress only, so ingress to default pods stays open", () => {
    expectRow(
      ["ingress", "default/api", "ip:203.0.113.7", 80, "TCP", "open"],
      evaluate(["ingress", "default/api", "ip:203.0.113.7", 80, "TCP", ""], seed),
    );
  });
});
