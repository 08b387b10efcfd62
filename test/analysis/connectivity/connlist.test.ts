/**
 * Table tests of `podpath connlist`'s engine, each named after the upstream rule it follows:
 * np-guard netpol-analyzer's connection sets (pkg/netpol/internal/common/connectionset.go), its
 * disjoint IP blocks (np-guard/models pkg/netset/ipblock.go `DisjointIPBlocks`), and the
 * NetworkPolicy semantics of the Kubernetes API reference and concepts page
 * (kubernetes.io/docs/concepts/services-networking/network-policies/), as the upstream e2e suite
 * (kubernetes test/e2e/network/netpol/network_policy.go) exercises them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ALL_CONNECTIONS,
  NO_CONNECTIONS,
  allPortsOf,
  connectionText,
  intersect,
  portRange,
  union,
} from "../../../src/analysis/connectivity/connection-set.js";
import { analyseConnlist } from "../../../src/analysis/connectivity/connlist.js";
import { disjointRanges, ipBlockRanges, rangeText } from "../../../src/analysis/connectivity/ip-ranges.js";
import { render } from "../../../src/format/index.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { answerConnlist } from "../../../src/questions/connlist.js";
import { tempDir } from "../../support/helpers.js";

describe("ConnectionSet (netpol-analyzer pkg/netpol/internal/common/connectionset.go)", () => {
  test("String / ConnStrFromConnProperties: protocols sorted, ports as ranges, comma-separated", () => {
    const c = union(union(portRange("UDP", 9090, 9090), portRange("TCP", 8080, 8081)), portRange("SCTP", 7070, 7070));
    assert.equal(connectionText(c), "SCTP 7070,TCP 8080-8081,UDP 9090");
    assert.equal(connectionText(union(portRange("TCP", 8050, 8050), portRange("TCP", 8090, 8090))), "TCP 8050,8090");
    assert.equal(connectionText(union(portRange("TCP", 1, 10), portRange("TCP", 11, 20))), "TCP 1-20");
    assert.equal(connectionText(NO_CONNECTIONS), "No Connections");
    assert.equal(connectionText(ALL_CONNECTIONS), "All Connections");
  });

  test("updateIfAllConnections: every port of TCP, UDP and SCTP is All Connections; two of them are not", () => {
    const two = union(allPortsOf("TCP"), allPortsOf("UDP"));
    assert.equal(connectionText(two), "TCP 1-65535,UDP 1-65535");
    assert.equal(union(two, allPortsOf("SCTP")).all, true);
  });

  test("Intersection: per protocol; with All Connections the other side; disjoint ports are empty", () => {
    assert.equal(connectionText(intersect(ALL_CONNECTIONS, portRange("TCP", 80, 90))), "TCP 80-90");
    assert.equal(connectionText(intersect(portRange("TCP", 80, 90), portRange("TCP", 85, 100))), "TCP 85-90");
    assert.equal(connectionText(intersect(portRange("TCP", 80, 90), portRange("UDP", 80, 90))), "No Connections");
  });

  test("isEmptyPortRange (netpols_common.go): endPort below port, or a port outside 1-65535, is no connection", () => {
    assert.equal(connectionText(portRange("TCP", 90, 80)), "No Connections");
    assert.equal(connectionText(portRange("TCP", 0, 80)), "No Connections");
    assert.equal(connectionText(portRange("TCP", 80, 70000)), "No Connections");
  });
});

describe("DisjointIPBlocks (np-guard/models pkg/netset/ipblock.go) over IPBlockFromCidr(cidr).ExceptCidrs(except).Split()", () => {
  test("0.0.0.0/0 except 10.0.0.0/8, 172.21.0.0/16, 172.30.0.0/16: the pieces netpol-analyzer lists (ipblockstest)", () => {
    const block = ipBlockRanges("0.0.0.0/0", ["10.0.0.0/8", "172.21.0.0/16", "172.30.0.0/16"]);
    assert.deepEqual(block.map(rangeText), [
      "0.0.0.0-9.255.255.255",
      "11.0.0.0-172.20.255.255",
      "172.22.0.0-172.29.255.255",
      "172.31.0.0-255.255.255.255",
    ]);
    assert.deepEqual(disjointRanges(block).map(rangeText), [
      "0.0.0.0-9.255.255.255",
      "10.0.0.0-10.255.255.255",
      "11.0.0.0-172.20.255.255",
      "172.21.0.0-172.21.255.255",
      "172.22.0.0-172.29.255.255",
      "172.30.0.0-172.30.255.255",
      "172.31.0.0-255.255.255.255",
    ]);
  });

  test("overlapping blocks are cut where either starts or ends; no ipBlock at all is the whole space", () => {
    const a = ipBlockRanges("10.0.0.0/16", []);
    const b = ipBlockRanges("10.0.128.0/17", []);
    assert.deepEqual(disjointRanges([...a, ...b]).map(rangeText), [
      "0.0.0.0-9.255.255.255",
      "10.0.0.0-10.0.127.255",
      "10.0.128.0-10.0.255.255",
      "10.1.0.0-255.255.255.255",
    ]);
    assert.deepEqual(disjointRanges([]).map(rangeText), ["0.0.0.0-255.255.255.255"]);
  });
});

// ---------------------------------------------------------------------------------------------
// NetworkPolicy semantics, on snapshots shaped as `kubectl get -o yaml` prints the objects

function deployment(ns: string, name: string, labels: Record<string, string>, ports = "[]"): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `        ${k}: ${v}`)
    .join("\n");
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels:
${l.replace(/^ {4}/gm, "  ")}
  template:
    metadata:
      labels:
${l}
    spec:
      containers:
      - name: main
        image: registry.example/${name}:1
        ports: ${ports}
`;
}

function namespace(name: string, labels: Record<string, string> = {}): string {
  const l = Object.entries({ "kubernetes.io/metadata.name": name, ...labels })
    .map(([k, v]) => `    ${k}: ${v}`)
    .join("\n");
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n${l}\n`;
}

function lines(...documents: string[]): string[] {
  const dir = tempDir({ "objects.yaml": documents.join("---\n") });
  const snapshot = loadSnapshot({ paths: [dir], cwd: dir });
  assert.deepEqual(snapshot.errors, []);
  return [...render("connlist", answerConnlist(snapshot), "txt")].join("").split("\n").filter(Boolean);
}

const A = deployment(
  "ns1",
  "a",
  { app: "a" },
  `[{containerPort: 8080, name: http}, {containerPort: 53, protocol: UDP, name: dns}]`,
);
const B = deployment("ns1", "b", { app: "b" });
const C = deployment("ns2", "c", { app: "c" });
const NS = namespace("ns1", { team: "one" }) + "---\n" + namespace("ns2", { team: "two" });

describe("NetworkPolicy (networking.k8s.io/v1 API reference; network-policies concept page)", () => {
  test("no policy: every workload reaches every other and the outside, All Connections (not isolated)", () => {
    assert.deepEqual(lines(NS, A, B), [
      "0.0.0.0-255.255.255.255[External] => ns1/a[Deployment] : All Connections",
      "0.0.0.0-255.255.255.255[External] => ns1/b[Deployment] : All Connections",
      "ns1/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/a[Deployment] => ns1/b[Deployment] : All Connections",
      "ns1/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/b[Deployment] => ns1/a[Deployment] : All Connections",
    ]);
  });

  test("isolation is per direction: an Ingress-only deny-all isolates ingress, egress stays open", () => {
    const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-in, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Ingress]
`;
    assert.deepEqual(lines(NS, A, B, deny), [
      "0.0.0.0-255.255.255.255[External] => ns1/b[Deployment] : All Connections",
      "ns1/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/a[Deployment] => ns1/b[Deployment] : All Connections",
      "ns1/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
    ]);
  });

  test("namespaceSelector and podSelector in one peer select pods matching both; in two peers, either (the concept page's 'and' vs 'or')", () => {
    const together = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: and, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: two}}
      podSelector: {matchLabels: {app: b}}
`;
    const separate = together
      .replace("name: and", "name: or")
      .replace("      podSelector: {matchLabels: {app: b}}", "    - podSelector: {matchLabels: {app: b}}");
    const into = (l: string[]) => l.filter((x) => x.includes("=> ns1/a["));
    // together: ns2's pods labelled app=b — there are none: nothing reaches a
    assert.deepEqual(into(lines(NS, A, B, C, together)), []);
    // separate: every pod of a team=two namespace, or app=b in the policy's own namespace
    assert.deepEqual(into(lines(NS, A, B, C, separate)), [
      "ns1/b[Deployment] => ns1/a[Deployment] : All Connections",
      "ns2/c[Deployment] => ns1/a[Deployment] : All Connections",
    ]);
  });

  test("policies are additive, ports are sets: a named port resolves in the destination's containers with its protocol, endPort is a range, protocols apart", () => {
    const p1 = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: b}}}]
    ports:
    - {port: http}
    - {port: dns, protocol: UDP}
    - {port: dns}
`;
    const p2 = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: range, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: two}}}]
    ports:
    - {port: 9000, endPort: 9010, protocol: SCTP}
  - from: [{podSelector: {matchLabels: {app: b}}}]
    ports:
    - {port: 9100, endPort: 9101}
`;
    const into = (l: string[]) => l.filter((x) => x.includes("=> ns1/a["));
    // "dns" on TCP names no TCP port of a: nothing (ConvertPodNamedPort's protocol check)
    assert.deepEqual(into(lines(NS, A, B, C, p1, p2)), [
      "ns1/b[Deployment] => ns1/a[Deployment] : TCP 8080,9100-9101,UDP 53",
      "ns2/c[Deployment] => ns1/a[Deployment] : SCTP 9000-9010",
    ]);
  });

  test("ipBlock with except selects address ranges (never pods): the pieces outside except reach, the except does not", () => {
    const p = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cidr, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
    ports: [{port: 8080}]
  egress:
  - to: [{ipBlock: {cidr: 192.168.0.0/24}}]
`;
    assert.deepEqual(
      lines(NS, A, B, p).filter((x) => x.includes("ns1/a[")),
      [
        "10.0.0.0-10.0.255.255[External] => ns1/a[Deployment] : TCP 8080",
        "10.2.0.0-10.255.255.255[External] => ns1/a[Deployment] : TCP 8080",
        "ns1/a[Deployment] => 192.168.0.0-192.168.0.255[External] : All Connections",
      ],
    );
  });
});

describe("many namespaces, each with a per-namespace allow policy that isolates as a default-deny would (network-policies concept page: 'allow all traffic from the same namespace')", () => {
  const count = 36;
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const ns = `team-${String(i).padStart(2, "0")}`;
    docs.push(namespace(ns));
    docs.push(deployment(ns, "api", { app: "api" }, "[{containerPort: 8080}]"));
    docs.push(deployment(ns, "db", { app: "db" }, "[{containerPort: 5432}]"));
    docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-same-namespace, namespace: ${ns}}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {}}]
  egress:
  - to: [{podSelector: {}}]
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
    ports: [{port: 53, protocol: UDP}]
`);
  }
  docs.push(namespace("kube-system"), deployment("kube-system", "coredns", { "k8s-app": "kube-dns" }));

  test(`${count} namespaces × 2 workloads: only same-namespace pairs, DNS egress to kube-system, nothing across teams or to the outside`, () => {
    const out = lines(...docs);
    const crossTeam = out.filter((l) => {
      const m = /^(team-\d+)\/.* => (team-\d+)\//.exec(l);
      return m !== null && m[1] !== m[2];
    });
    assert.deepEqual(crossTeam, []);
    assert.equal(out.filter((l) => /^team-\d+\/\w+\[Deployment\] => team-\d+\//.test(l)).length, count * 2);
    assert.equal(out.filter((l) => l.endsWith("=> kube-system/coredns[Deployment] : UDP 53")).length, count * 2);
    // nothing leaves for the outside, nothing comes in from it but to the unisolated kube-system
    assert.deepEqual(
      out.filter((l) => l.includes("[External]")),
      [
        "0.0.0.0-255.255.255.255[External] => kube-system/coredns[Deployment] : All Connections",
        "kube-system/coredns[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      ],
    );
    assert.ok(out.includes("team-07/api[Deployment] => team-07/db[Deployment] : All Connections"));
    assert.ok(!out.some((l) => l.startsWith("kube-system/coredns[Deployment] => team-")));
  });

  test("the report keeps one peer per workload object, sorted by netpol-analyzer's peer string", () => {
    const dir = tempDir({ "objects.yaml": docs.join("---\n") });
    const report = analyseConnlist(loadSnapshot({ paths: [dir], cwd: dir }));
    assert.equal(report.workloads.length, count * 2 + 1);
    const ids = report.workloads.map((w) => w.id);
    assert.deepEqual(ids, [...ids].sort());
  });
});

describe("pods of one owner with different labels (netpol-analyzer resources.go checkConsistentLabelsForPodsOfSameOwner)", () => {
  const pod = (name: string, labels: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels: ${labels}
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: worker-5d8f7, uid: 0c1f9d2e-0000-4000-8000-00000000000${name.length}, controller: true}
spec:
  containers:
  - {name: main, image: registry.example/worker:1, ports: [{containerPort: 9000}]}
status:
  podIP: 10.0.0.${name.length}
`;
  const other = `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default, labels: {app: client}}
spec:
  containers:
  - {name: main, image: registry.example/client:1}
`;
  const policy = (selector: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-some, namespace: default}
spec:
  podSelector: ${selector}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: 9000}]
`;
  const pods = [pod("w-a", "{app: worker, queue: fast}"), pod("w-bb", "{app: worker, queue: slow}")];

  test("labels no selector tells apart: one peer, the owner's (netpol-analyzer's grouping)", () => {
    const out = lines(...pods, other, policy("{matchLabels: {app: worker}}"));
    assert.ok(out.includes("default/client[Pod] => default/worker-5d8f7[ReplicaSet] : TCP 9000"), out.join("\n"));
    assert.ok(!out.some((l) => l.includes("{queue")));
  });

  test("labels a policy selects on: netpol-analyzer refuses the input; podpath lists one peer per variant, named by the keys that differ", () => {
    const out = lines(...pods, other, policy("{matchLabels: {queue: fast}}"));
    assert.ok(
      out.includes("default/client[Pod] => default/worker-5d8f7[ReplicaSet]{queue=fast} : TCP 9000"),
      out.join("\n"),
    );
    assert.ok(out.includes("default/client[Pod] => default/worker-5d8f7[ReplicaSet]{queue=slow} : All Connections"));
    const dir = tempDir({ "objects.yaml": [...pods, other, policy("{matchLabels: {queue: fast}}")].join("---\n") });
    const notes = analyseConnlist(loadSnapshot({ paths: [dir], cwd: dir })).notes.filter((n) => n.code === "label-gap");
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.message, /pods w-a, w-bb of default\/worker-5d8f7\[ReplicaSet\] differ in label queue/);
  });
});

describe("ipBlock and pod IPs (kubernetes test/e2e/network/netpol/network_policy.go 'should allow egress access to server in CIDR block' vs netpol-analyzer netpols_common.go 'peer of type Pod cannot be selected by IPBlock')", () => {
  const server = `apiVersion: v1
kind: Pod
metadata: {name: server, namespace: ns1, labels: {app: server}}
spec:
  containers:
  - {name: main, image: registry.example/server:1, ports: [{containerPort: 80}]}
status: {podIP: 10.1.2.3, podIPs: [{ip: 10.1.2.3}], phase: Running}
`;
  const client = server.replaceAll("server", "client").replace("10.1.2.3", "10.1.2.4").replace("10.1.2.3", "10.1.2.4");
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-cidr, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.1.2.3/32}}]
`;

  test("the lines follow netpol-analyzer (the pod is not reached through the ipBlock); a note names the pod the e2e reading admits", () => {
    const docs = [NS, server, client, policy];
    const out = lines(...docs);
    assert.ok(out.includes("ns1/client[Pod] => 10.1.2.3-10.1.2.3[External] : All Connections"), out.join("\n"));
    assert.ok(!out.some((l) => l.startsWith("ns1/client[Pod] => ns1/server[Pod]")));
    const dir = tempDir({ "objects.yaml": docs.join("---\n") });
    const notes = analyseConnlist(loadSnapshot({ paths: [dir], cwd: dir })).notes.filter(
      (n) => n.code === "ipblock-pods",
    );
    assert.equal(notes.length, 1);
    assert.match(
      notes[0]!.message,
      /^NetworkPolicy ns1\/allow-cidr egress\[0\] ipBlock 10\.1\.2\.3\/32 covers the IPs of 1 observed pod \(ns1\/server\)/,
    );
  });
});

describe("a workload object and its pods in one snapshot (a kubectl capture: podpath's choice, netpol-analyzer reads manifests)", () => {
  test("the Deployment stands for its ReplicaSet's pods: one peer, not NS/DEPLOY[Deployment] beside NS/RS[ReplicaSet]", () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f7c9b4-x2x7q
  namespace: ns1
  labels: {app: web, pod-template-hash: 5d8f7c9b4}
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7c9b4, uid: 7a8f9d2e-0000-4000-8000-000000000001, controller: true, blockOwnerDeletion: true}
spec:
  containers:
  - {name: main, image: registry.example/web:1}
status: {podIP: 10.1.0.7, phase: Running}
`;
    const out = lines(NS, deployment("ns1", "web", { app: "web" }), pod);
    assert.deepEqual(out, [
      "0.0.0.0-255.255.255.255[External] => ns1/web[Deployment] : All Connections",
      "ns1/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
    ]);
    // without the Deployment, the pod is its ReplicaSet's, as netpol-analyzer names it
    assert.ok(
      lines(NS, pod).includes("ns1/web-5d8f7c9b4[ReplicaSet] => 0.0.0.0-255.255.255.255[External] : All Connections"),
    );
  });
});

describe("ipBlock peers are a union (kubernetes test/e2e/network/netpol 'should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed')", () => {
  test("an address in one peer's except and in another peer's cidr is allowed", () => {
    const p = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: overlap, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.128/25]}
    - ipBlock: {cidr: 10.0.0.192/26}
`;
    assert.deepEqual(
      lines(NS, A, p).filter((l) => l.startsWith("ns1/a[")),
      [
        "ns1/a[Deployment] => 10.0.0.0-10.0.0.127[External] : All Connections",
        "ns1/a[Deployment] => 10.0.0.192-10.0.0.255[External] : All Connections",
      ],
    );
  });
});
