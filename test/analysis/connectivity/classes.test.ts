/**
 * connlist's equivalence classes (src/analysis/connectivity/classes.ts): workloads that no
 * NetworkPolicy selector tells apart share one evaluation per class pair. Named after the
 * NetworkPolicy rules that make two pods different to the policies (networking.k8s.io/v1
 * NetworkPolicySpec.podSelector, NetworkPolicyPeer podSelector / namespaceSelector, a
 * NetworkPolicyPort's named port), and checked against the pair-by-pair evaluation np-guard
 * netpol-analyzer makes (pkg/netpol/connlist/connlist.go `getConnectionsBetweenPeers`) on a
 * generated cluster with every kind of rule.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { writeConnlistCluster } from "../../../bench/connlist-synthetic.js";
import { workloadClasses } from "../../../src/analysis/connectivity/classes.js";
import { connectionText, isEmpty } from "../../../src/analysis/connectivity/connection-set.js";
import { analyseConnlist, PolicyEngine } from "../../../src/analysis/connectivity/connlist.js";
import { externalPeers, rangeText } from "../../../src/analysis/connectivity/ip-ranges.js";
import { workloadPeers, type WorkloadPeer } from "../../../src/analysis/connectivity/workloads.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Namespace, NetworkPolicy } from "../../../src/model/kubernetes.js";
import { formatIPv4 } from "../../../src/model/net.js";
import type { PolicyEndpoint } from "../../../src/analysis/paths/network-policy.js";
import type { Snapshot } from "../../../src/model/snapshot.js";

function peer(namespace: string, name: string, labels: Record<string, string>, ports: string[] = []): WorkloadPeer {
  return {
    id: `${namespace}/${name}[Deployment]`,
    namespace,
    name,
    kind: "Deployment",
    labels,
    ports: ports.map((p, i) => ({
      name: p,
      containerPort: 8000 + i,
      hostPort: undefined,
      hostIP: undefined,
      protocol: "TCP",
    })),
    hostNetwork: false,
    source: { file: "objects.yaml", line: 1, col: 1, doc: 0 },
    pods: 0,
  };
}

const sel = (matchLabels: Record<string, string>) => ({ matchLabels, matchExpressions: [] });

function netpol(
  namespace: string,
  podSelector: Record<string, string>,
  from: NetworkPolicy["ingress"][number]["peers"],
) {
  return {
    name: "p",
    namespace,
    podSelector: sel(podSelector),
    policyTypes: ["Ingress"],
    ingress: [{ peers: from, ports: [], source: undefined }],
    egress: [],
  } as unknown as NetworkPolicy;
}

const namespaces = new Map<string, Namespace>();
const ids = (classes: ReturnType<typeof workloadClasses>) => classes.map((c) => c.members.map((m) => m.name));

describe("workload classes (NetworkPolicy selectors tell pods apart, or nothing does)", () => {
  test("spec.podSelector: a label the policy selects on splits, a label nothing selects on does not", () => {
    const policies = [netpol("ns", { tier: "api" }, [])];
    const w = [
      peer("ns", "a", { app: "a", tier: "api" }),
      peer("ns", "b", { app: "b", tier: "api" }),
      peer("ns", "c", { app: "c", tier: "web" }),
    ];
    assert.deepEqual(ids(workloadClasses(w, policies, namespaces)), [["a", "b"], ["c"]]);
  });

  test("NetworkPolicyPeer.podSelector without namespaceSelector: applies in the policy's namespace only", () => {
    const policies = [netpol("ns1", {}, [{ podSelector: sel({ app: "a" }), namespaceSelector: undefined } as never])];
    const w = [peer("ns1", "a", { app: "a" }), peer("ns1", "x", { app: "x" }), peer("ns2", "a", { app: "a" })];
    const second = [peer("ns2", "a", { app: "a" }), peer("ns2", "x", { app: "x" })];
    assert.deepEqual(ids(workloadClasses(w, policies, namespaces)), [["a"], ["x"], ["a"]]);
    assert.deepEqual(ids(workloadClasses(second, policies, namespaces)), [["a", "x"]]);
  });

  test("NetworkPolicyPeer namespaceSelector + podSelector: applies where the namespace labels match", () => {
    const policies = [
      netpol("ns1", {}, [{ podSelector: sel({ app: "a" }), namespaceSelector: sel({ team: "t1" }) } as never]),
    ];
    const ns = new Map<string, Namespace>([
      ["ns2", { name: "ns2", labels: { team: "t1" } } as unknown as Namespace],
      ["ns3", { name: "ns3", labels: { team: "t2" } } as unknown as Namespace],
    ]);
    const w = [peer("ns2", "a", { app: "a" }), peer("ns2", "x", { app: "x" })];
    const other = [peer("ns3", "a", { app: "a" }), peer("ns3", "x", { app: "x" })];
    assert.deepEqual(ids(workloadClasses(w, policies, ns)), [["a"], ["x"]]);
    assert.deepEqual(ids(workloadClasses(other, policies, ns)), [["a", "x"]]);
  });

  test("NetworkPolicyPort named port: resolved in each destination's container ports, so they split classes", () => {
    const w = [peer("ns", "a", {}, ["http"]), peer("ns", "b", {}, ["http"]), peer("ns", "c", {}, ["grpc"])];
    assert.deepEqual(ids(workloadClasses(w, [], namespaces)), [["a", "b"], ["c"]]);
  });
});

/** netpol-analyzer's pair-by-pair loop: every source × destination peer, allowed connections only */
function pairByPair(snapshot: Snapshot): string[] {
  const k = snapshot.kubernetes;
  const ns = new Map(k.namespaces.map((n) => [n.name, n]));
  const engine = new PolicyEngine(k.networkPolicies, ns);
  const { peers } = workloadPeers(snapshot);
  const workload = (w: WorkloadPeer): [string, PolicyEndpoint] => [
    w.id,
    { kind: "pod", namespace: w.namespace, name: w.name, labels: w.labels, ip: undefined, ports: w.ports },
  ];
  const { sources, destinations } = externalPeers(k.networkPolicies);
  const external = (r: { first: number; last: number }): [string, PolicyEndpoint] => [
    `${rangeText(r)}[External]`,
    { kind: "ip", ip: formatIPv4(r.first) },
  ];
  const src = [...sources.map(external), ...peers.map(workload)];
  const dst = [...destinations.map(external), ...peers.map(workload)];
  const out: string[] = [];
  for (const [a, ea] of src)
    for (const [b, eb] of dst) {
      if (a === b || (ea.kind === "ip" && eb.kind === "ip")) continue;
      const conn = engine.allowed(ea, eb);
      if (!isEmpty(conn)) out.push(`${a} => ${b} : ${connectionText(conn)}`);
    }
  return out.sort((x, y) => {
    const [xs, xd] = x.split(" => ");
    const [ys, yd] = y.split(" => ");
    return xs! !== ys! ? (xs! < ys! ? -1 : 1) : xd! < yd! ? -1 : xd! > yd! ? 1 : 0;
  });
}

test("connlist by class pairs = netpol-analyzer's pair-by-pair evaluation (getConnectionsBetweenPeers) on a generated cluster with default-deny, named ports, endPort, ipBlock except and namespaceSelector rules", () => {
  const dir = mkdtempSync(join(tmpdir(), "podpath-classes-"));
  writeConnlistCluster(dir, { workloads: 240, policies: 60 }, 7);
  const snapshot = loadSnapshot({ paths: [dir], cwd: dir });
  assert.deepEqual(snapshot.errors, []);
  const report = analyseConnlist(snapshot);
  const got = report.connections.map((c) => `${c.src.id} => ${c.dst.id} : ${connectionText(c.conn)}`);
  const expected = pairByPair(snapshot);
  assert.ok(expected.length > 1000, `${expected.length} lines`);
  assert.ok(expected.some((l) => l.includes("[External] => ")) && expected.some((l) => l.endsWith("TCP 8080-8090")));
  assert.deepEqual(got, expected);
  const k = snapshot.kubernetes;
  const classes = workloadClasses(report.workloads, k.networkPolicies, new Map(k.namespaces.map((n) => [n.name, n])));
  assert.ok(classes.length < report.workloads.length / 2, `${classes.length} classes`);
});

test("connlist by class pairs with --focus-workload (connlist.go: only pairs with a focus workload on either side) = the pair-by-pair lines of that workload", () => {
  const dir = mkdtempSync(join(tmpdir(), "podpath-classes-"));
  writeConnlistCluster(dir, { workloads: 120, policies: 30 }, 3);
  const snapshot = loadSnapshot({ paths: [dir], cwd: dir });
  const focus = "team0-app1/svc-3";
  const got = analyseConnlist(snapshot, { focusWorkloads: [focus] }).connections.map(
    (c) => `${c.src.id} => ${c.dst.id} : ${connectionText(c.conn)}`,
  );
  const expected = pairByPair(snapshot).filter((l) =>
    l.split(" : ")[0]!.split(" => ").includes(`${focus}[Deployment]`),
  );
  assert.ok(expected.length > 10, `${expected.length} lines`);
  assert.deepEqual(got, expected);
});
