/**
 * `service:NS/NAME` as a client resolves it, rule by rule (kubernetes/dns docs/specification.md
 * "Kubernetes DNS-Based Service Discovery"; kube-apiserver's service CIDR; kube-proxy's
 * proxier.go), and the egress table's ClusterIP row (no hairpin unless nothing else exists).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { analyseEgress } from "../../../src/analysis/paths/egress.js";
import { EndpointError, parseEndpoint } from "../../../src/analysis/paths/endpoints.js";
import { clusterCidrsOf, resolveServiceTarget } from "../../../src/analysis/paths/kube-proxy.js";
import { PathContext } from "../../../src/analysis/paths/path-context.js";
import { assumedClusterIP } from "../../../src/analysis/paths/service-endpoint.js";
import { tracePath, type TraceResult } from "../../../src/analysis/paths/trace.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Pod, Service } from "../../../src/model/kubernetes.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const WHAT_IF = join(REPO, "test/fixtures/what-if");
const load = (...whatIf: string[]): Snapshot =>
  loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], whatIf: whatIf.map((f) => join(WHAT_IF, f)), cwd: REPO });
const headless = load("headless-ecoeco-api.yaml");
const manifest = load("manifest-service-no-clusterip.yaml");

const FROM = "pod:messaging/rabbitmq-0";
const API_A = { name: "ecoeco-api-d5ktffphdb-dn4kv", ip: "192.168.140.72" };
const API_B = { name: "ecoeco-api-d5ktffphdb-rv2cp", ip: "192.168.230.9" };

function trace(snapshot: Snapshot | PathContext, to: string, port?: number): TraceResult {
  return tracePath(snapshot, { from: parseEndpoint(FROM), to: parseEndpoint(to), port });
}

function withPods(snapshot: Snapshot, f: (p: Pod) => Pod): Snapshot {
  return { ...snapshot, kubernetes: { ...snapshot.kubernetes, pods: snapshot.kubernetes.pods.map(f) } };
}

function withServices(snapshot: Snapshot, f: (s: Service) => Service): Snapshot {
  return { ...snapshot, kubernetes: { ...snapshot.kubernetes, services: snapshot.kubernetes.services.map(f) } };
}

const notReady =
  (name: string) =>
  (p: Pod): Pod =>
    p.name === name ? { ...p, ready: false } : p;

describe("headless services resolve as DNS does", () => {
  test("kubernetes/dns specification 2.4.1: a headless service's A records are its ready endpoints' addresses; the first by name is traced, the others are listed, and no kube-proxy DNAT happens", () => {
    const t = trace(headless, "service:ecoeco/ecoeco-api-headless");
    assert.equal(t.verdict, "delivered");
    assert.equal(t.to.ip, API_A.ip);
    assert.match(t.to.label, /headless → pod ecoeco-api-d5ktffphdb-dn4kv/);
    assert.match(
      t.to.how,
      /2 A records; the first by name, ecoeco-api-d5ktffphdb-dn4kv 192\.168\.140\.72, is traced; the others: ecoeco-api-d5ktffphdb-rv2cp 192\.168\.230\.9/,
    );
    assert.ok(
      t.assumptions.some((a) => a.includes("is headless") && a.includes(API_B.name)),
      t.assumptions.join("\n"),
    );
    assert.deepEqual(
      t.hops.filter((h) => h.component === "kube-proxy" && h.action === "dnat"),
      [],
    );
    assert.equal(t.packet.dst, API_A.ip);
    // the client connects to the pod's port: targetPort "http" on the pod (8080), not the service port 80
    assert.equal(t.port, 8080);
    assert.equal(t.hops.at(-1)?.hop, `pod ecoeco/${API_A.name}`);
  });

  test("kubernetes/dns specification 2.4.1 (_ready_): a not-ready endpoint gets no A record, so the next one is traced", () => {
    const t = trace(withPods(headless, notReady(API_A.name)), "service:ecoeco/ecoeco-api-headless");
    assert.equal(t.to.ip, API_B.ip);
    assert.match(t.to.how, /1 A record;/);
  });

  test("endpointslice utils.go podToEndpoint (ready = publishNotReadyAddresses || (serving && !terminating)): with publishNotReadyAddresses the not-ready endpoint is an A record again", () => {
    const snapshot = withServices(withPods(headless, notReady(API_A.name)), (s) =>
      s.name === "ecoeco-api-headless" ? { ...s, publishNotReadyAddresses: true } : s,
    );
    const t = trace(snapshot, "service:ecoeco/ecoeco-api-headless");
    assert.equal(t.to.ip, API_A.ip);
    assert.match(t.to.how, /publishNotReadyAddresses: not-ready endpoints included/);
  });

  test("kubernetes/dns specification 2.4.1: without a ready endpoint the name answers NXDOMAIN: a usage error, not a drop", () => {
    const snapshot = withPods(withPods(headless, notReady(API_A.name)), notReady(API_B.name));
    assert.throws(
      () => trace(snapshot, "service:ecoeco/ecoeco-api-headless"),
      (e: unknown) =>
        e instanceof EndpointError && /NXDOMAIN/.test(e.message) && /none of its 2 endpoints is ready/.test(e.message),
    );
  });

  test("kubernetes/dns specification 2.4.1, from EndpointSlices: rabbitmq-headless (publishNotReadyAddresses, as captured) resolves to rabbitmq-0 on the slice's amqp port", () => {
    const t = trace(headless, "service:messaging/rabbitmq-headless");
    assert.equal(t.to.ip, "192.168.140.71");
    assert.equal(t.port, 5672);
    assert.match(t.to.source ? `${t.to.source.file}` : "", /endpointslices\.yaml$/);
  });
});

describe("ExternalName services", () => {
  test("kubernetes/dns specification 2.5: an ExternalName service is a CNAME; trace says what to trace instead (a usage error)", () => {
    const snapshot = load("externalname-payments-db.yaml");
    assert.throws(
      () => trace(snapshot, "service:ecoeco/payments-db"),
      (e: unknown) =>
        e instanceof EndpointError &&
        e.message.includes("DNS CNAME to payments.cluster-abc123.ap-northeast-2.rds.amazonaws.com") &&
        e.message.includes("trace `url:` or `ip:` of it"),
    );
  });
});

describe("a manifest service without spec.clusterIP", () => {
  test("kube-apiserver ServiceIPRange (default/kubernetes holds the service CIDR's first address): the assumed ClusterIP is the first free one after it, said in assumptions, and kube-proxy DNATs it", () => {
    const t = trace(manifest, "service:ecoeco/ecoeco-api-internal");
    assert.equal(t.to.ip, "10.96.0.2");
    assert.match(t.to.how, /assumed ClusterIP/);
    assert.ok(
      t.assumptions.some((a) =>
        /no spec\.clusterIP .* assumed at 10\.96\.0\.2, the first free address after 10\.96\.0\.1, the ClusterIP of default\/kubernetes/.test(
          a,
        ),
      ),
      t.assumptions.join("\n"),
    );
    assert.equal(t.verdict, "delivered");
    const dnat = t.hops.find((h) => h.component === "kube-proxy" && h.action === "dnat");
    assert.ok(dnat, "kube-proxy DNATs the assumed ClusterIP");
    assert.equal(dnat.id, "ecoeco/ecoeco-api-internal:http");
    assert.equal(dnat.packet.dst, API_A.ip);
    assert.equal(dnat.packet.dstPort, 8080);
    assert.match(dnat.source ? dnat.source.file : "", /manifest-service-no-clusterip\.yaml$/);
  });

  test("the assumed ClusterIP skips addresses a service already holds, and stays the same for the same service in one context", () => {
    const snapshot = withServices(manifest, (s) =>
      s.name === "ecoeco-api" ? { ...s, clusterIP: "10.96.0.2", clusterIPs: ["10.96.0.2"] } : s,
    );
    const ctx = new PathContext(snapshot);
    assert.equal(assumedClusterIP(ctx).ip, "10.96.0.3");
    const first = trace(ctx, "service:ecoeco/ecoeco-api-internal");
    const again = trace(ctx, "service:ecoeco/ecoeco-api-internal");
    assert.equal(first.to.ip, "10.96.0.3");
    assert.equal(again.to.ip, "10.96.0.3");
  });

  test("without default/kubernetes nor any ClusterIP, kubeadm's default service CIDR 10.96.0.0/12 is assumed, and said", () => {
    const snapshot = withServices(manifest, (s) => ({
      ...s,
      clusterIP: s.name === "ecoeco-api-internal" ? undefined : "None",
      clusterIPs: [],
    }));
    const a = assumedClusterIP(new PathContext(snapshot));
    assert.equal(a.ip, "10.96.0.2");
    assert.match(a.how, /kubeadm's default service CIDR 10\.96\.0\.0\/12/);
  });

  test("an assumed ClusterIP from the internet is a ClusterIP like the snapshot's (Kubernetes docs, 'Virtual IPs and Service Proxies'): TARGET_NOT_ROUTABLE naming the service, not a bare private-address NO_ROUTE", () => {
    const t = tracePath(manifest, {
      from: parseEndpoint("internet"),
      to: parseEndpoint("service:ecoeco/ecoeco-api-internal"),
    });
    assert.equal(t.to.ip, "10.96.0.2");
    assert.equal(t.drop?.code, "TARGET_NOT_ROUTABLE");
    assert.match(t.drop?.message ?? "", /ClusterIP of service ecoeco\/ecoeco-api-internal/);
    assert.match(t.drop?.source?.file ?? "", /manifest-service-no-clusterip\.yaml$/);
  });

  test("proxier.go KUBE-SERVICES: an assumed ClusterIP is matched only through PathContext's assumed services (kube-proxy.ts assumedServices)", () => {
    const service = manifest.kubernetes.services.find((s) => s.name === "ecoeco-api-internal")!;
    const context = {
      arrivingOnNode: "k8s-worker-2",
      sourceIsPod: true,
      sourceIp: "192.168.140.71",
      clusterCIDRs: clusterCidrsOf(manifest),
    };
    assert.equal(resolveServiceTarget(manifest, "10.96.0.2", 8080, "TCP", context).kind, "not-a-service");
    const t = resolveServiceTarget(manifest, "10.96.0.2", 8080, "TCP", {
      ...context,
      assumedServices: new Map([["10.96.0.2", { ...service, clusterIP: "10.96.0.2", clusterIPs: ["10.96.0.2"] }]]),
    });
    assert.equal(t.kind, "dnat");
  });
});

describe("a manifest service in front of a manifest workload", () => {
  test("endpoints controller (the selected pods become endpoints): a manifest Service selecting a workload without an observed pod is served by its predicted pod, at a free address of the predicted node's block, all said", () => {
    const snapshot = load("default-worker-app.yaml", "default-worker-app-service.yaml");
    const t = trace(snapshot, "service:default/worker-app");
    assert.equal(t.verdict, "delivered");
    const dnat = t.hops.find((h) => h.component === "kube-proxy" && h.action === "dnat");
    assert.equal(dnat?.packet.dstPort, 8080);
    assert.equal(t.hops.at(-1)?.hop, "pod default/worker-app (predicted)");
    assert.ok(
      t.assumptions.some((a) => /workload default\/worker-app has no observed pod: a pod predicted on/.test(a)),
      t.assumptions.join("\n"),
    );
    // the predicted pod's address is no observed pod's (192.168.230.1 is argocd-dex-server's)
    const ip = dnat.packet.dst;
    assert.equal(
      snapshot.kubernetes.pods.find((p) => p.podIP === ip),
      undefined,
      ip,
    );
  });

  test("proxier.go (no endpoints: REJECT): a Service that has a clusterIP (applied) keeps NO_ENDPOINTS although a workload it selects would run a pod: the cluster as captured has none", () => {
    const snapshot = withServices(load("default-worker-app.yaml", "default-worker-app-service.yaml"), (s) =>
      s.name === "worker-app" ? { ...s, clusterIP: "10.96.0.50", clusterIPs: ["10.96.0.50"] } : s,
    );
    const t = trace(snapshot, "service:default/worker-app");
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_ENDPOINTS");
    assert.equal(t.to.ip, "10.96.0.50");
  });

  test("without the workload, the manifest Service has no endpoint: kube-proxy REJECTs (NO_ENDPOINTS) at its assumed address", () => {
    const t = trace(load("default-worker-app-service.yaml"), "service:default/worker-app");
    assert.equal(t.verdict, "dropped");
    assert.equal(t.drop?.code, "NO_ENDPOINTS");
  });
});

describe("egress: the ClusterIP row", () => {
  const clusterRow = (snapshot: Snapshot, group: string) =>
    analyseEgress(snapshot).rows.find((r) => r.group === group && r.destinationClass === "cluster-ip")!;

  test("proxier.go KUBE-SEP hairpin: the source pod's own service (sorted first here) is not the representative ClusterIP; another service is traced, without masquerade", () => {
    const snapshot = load("argocd-application-controller-own-service.yaml");
    const row = clusterRow(snapshot, "worker");
    assert.match(row.from, /argocd-application-controller-0/);
    assert.doesNotMatch(row.to, /argocd-application-controller-metrics/);
    assert.match(row.to, /service argocd\/argocd-applicationset-controller/);
    assert.equal(row.hairpin, false);
    assert.deepEqual(row.snat, []);
  });

  test("proxier.go KUBE-SEP `-s <endpoint> -j KUBE-MARK-MASQ`: when only the source's own service exists, the row is labelled hairpin and the trace shows kube-proxy's masquerade to the node", () => {
    const base = load();
    const kept = base.kubernetes.services.filter(
      (s) =>
        `${s.namespace}/${s.name}` === "argocd/argocd-metrics" || `${s.namespace}/${s.name}` === "default/kubernetes",
    );
    const only = { ...base, kubernetes: { ...base.kubernetes, services: kept } };
    const row = clusterRow(only, "worker");
    assert.match(row.to, /service argocd\/argocd-metrics/);
    assert.equal(row.hairpin, true);
    assert.match(row.note, /^hairpin: /);
    assert.deepEqual(
      row.snat.map((s) => s.component),
      ["kube-proxy"],
    );
    assert.match(
      row.trace?.hops.find((h) => h.component === "kube-proxy" && h.action === "snat")?.note ?? "",
      /KUBE-MARK-MASQ/,
    );
    // argocd-application-controller's policy admits pods only: Calico evaluates it before the MASQUERADE (the source is the pod itself)
    assert.equal(row.verdict, "delivered");
    // the control plane's source is not an endpoint of argocd-metrics: no hairpin there
    assert.equal(clusterRow(only, "control-plane").hairpin, false);
  });

  test("proxier.go (KUBE-SVC picks an endpoint at random): when the source's own service is all there is and the traced pick is another endpoint, the row is not labelled hairpin but says one may be", () => {
    const base = load();
    const source = "ecoeco/ecoeco-api-d5ktffphdb-rv2cp";
    // the workers' sender becomes ecoeco-api's second pod (the first by name, on k8s-worker-2, is kube-proxy's pick)
    const pods = base.kubernetes.pods.filter(
      (p) => !(p.nodeName === "k8s-worker-1" && `${p.namespace}/${p.name}`.localeCompare(source) < 0),
    );
    const services = base.kubernetes.services.filter((s) => `${s.namespace}/${s.name}` === "ecoeco/ecoeco-api");
    const row = clusterRow({ ...base, kubernetes: { ...base.kubernetes, pods, services } }, "worker");
    assert.match(row.from, /ecoeco-api-d5ktffphdb-rv2cp/);
    assert.match(row.to, /service ecoeco\/ecoeco-api/);
    assert.equal(row.hairpin, false);
    assert.match(row.note, /goes to another endpoint \(192\.168\.140\.72\).*hairpin, masqueraded/);
  });
});

describe("NetworkPolicy and kube-proxy's masquerade on the receiving node", () => {
  test("netfilter order (filter FORWARD before nat POSTROUTING; Calico's cali-to-wl-dispatch is in FORWARD): a hairpin's ingress policy sees the pod itself, not the node address MASQUERADE gives it afterwards", () => {
    const t = tracePath(load(), {
      from: parseEndpoint("pod:argocd/argocd-application-controller-0"),
      to: parseEndpoint("service:argocd/argocd-metrics"),
    });
    // argocd-application-controller-network-policy admits TCP/8082 from pods only (namespaceSelector {}): the node address 10.0.1.11 would be dropped
    assert.equal(t.verdict, "delivered", t.drop?.message);
    const order = t.hops.map((h) => `${h.component}:${h.action}`);
    assert.deepEqual(order, [
      "pod:forward",
      "kube-proxy:dnat",
      "network-policy:allow",
      "network-policy:allow",
      "kube-proxy:snat",
      "pod:deliver",
    ]);
    const ingress = t.hops[3]!;
    assert.equal(ingress.id, "argocd/argocd-application-controller-network-policy");
    assert.equal(ingress.packet.src, "192.168.230.4");
    assert.match(ingress.note, /filter FORWARD, before kube-proxy's MASQUERADE/);
    assert.equal(t.finalSourceIp, "10.0.1.11");
  });
});
