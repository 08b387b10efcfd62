/**
 * calico-node's default IPv4 pool, built when the snapshot has calico-node and no IPPool
 * (projectcalico/calico node/pkg/lifecycle/startup/startup.go configureIPPools, createIPPool,
 * evaluateENVBool): one case per rule of calico-node's first start.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { tempDir } from "../../support/helpers.js";

/** calico-node as `kubectl get ds calico-node -n kube-system -o yaml` prints it, with these env entries. */
function calicoNode(env: string): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: calico-node
  namespace: kube-system
spec:
  selector:
    matchLabels:
      k8s-app: calico-node
  template:
    metadata:
      labels:
        k8s-app: calico-node
    spec:
      hostNetwork: true
      containers:
      - name: calico-node
        image: docker.io/calico/node:v3.28.2
        env:
        - name: DATASTORE_TYPE
          value: kubernetes
${env}`;
}

function load(files: Record<string, string>): Snapshot {
  return loadSnapshot({ paths: ["."], cwd: tempDir(files) });
}

const pool = (s: Snapshot) =>
  s.kubernetes.ipPools.map((p) => ({
    name: p.name,
    cidr: p.cidr,
    ipipMode: p.ipipMode,
    vxlanMode: p.vxlanMode,
    natOutgoing: p.natOutgoing,
    blockSize: p.blockSize,
    nodeSelector: p.nodeSelector,
    derived: p.derived !== undefined,
  }));
const codes = (s: Snapshot) => s.diagnostics.filter((d) => d.code === "derived-object").map((d) => d.severity);

describe("calico-node's default pool (startup.go configureIPPools)", () => {
  test("startup.go: CALICO_IPV4POOL_CIDR and the VXLAN mode from env; natOutgoing defaults to true; blockSize to 26; the source is the env entry", () => {
    const s = load({
      "calico.yaml": calicoNode(
        "        - name: CALICO_IPV4POOL_CIDR\n          value: 10.244.0.0/16\n        - name: CALICO_IPV4POOL_VXLAN\n          value: Always\n",
      ),
    });
    assert.deepEqual(pool(s), [
      {
        name: "default-ipv4-ippool",
        cidr: "10.244.0.0/16",
        ipipMode: "Never",
        vxlanMode: "Always",
        natOutgoing: true,
        blockSize: 26,
        nodeSelector: "all()",
        derived: true,
      },
    ]);
    assert.deepEqual(
      [s.kubernetes.ipPools[0]!.meta.source.file, s.kubernetes.ipPools[0]!.meta.source.line],
      ["calico.yaml", 22],
    );
    assert.deepEqual(codes(s), ["info"]);
  });

  test("startup.go DEFAULT_IPV4_POOL_CIDR: unset CIDR is 192.168.0.0/16 when the pods' IPs agree", () => {
    const s = load({ "calico.yaml": calicoNode("        - name: CALICO_IPV4POOL_IPIP\n          value: Always\n") });
    assert.deepEqual(
      pool(s).map((p) => [p.cidr, p.ipipMode]),
      [["192.168.0.0/16", "Always"]],
    );
  });

  test("startup.go (kubeadm-config podSubnet / GetDefaultIPv4Pool): unset CIDR and a pod IP outside 192.168.0.0/16: the pool is unknown, a warning, no pool", () => {
    const pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\nspec: {nodeName: n1, containers: [{name: c}]}\nstatus: {phase: Running, podIP: 10.244.1.5, hostIP: 10.0.1.5}\n";
    const s = load({ "calico.yaml": calicoNode(""), "pod.yaml": pod });
    assert.deepEqual([pool(s), codes(s)], [[], ["warning"]]);
  });

  test("evaluateENVBool: CALICO_IPV4POOL_NAT_OUTGOING false, 0, no, n, f (any case) turn natOutgoing off; anything else keeps it on", () => {
    for (const [value, expected] of [
      ["false", false],
      ["FALSE", false],
      ["0", false],
      ["no", false],
      ["n", false],
      ["f", false],
      ["true", true],
      ["yes", true],
      ["1", true],
      ["", true],
    ] as const) {
      const s = load({
        "calico.yaml": calicoNode(
          `        - name: CALICO_IPV4POOL_CIDR\n          value: 10.1.0.0/16\n        - name: CALICO_IPV4POOL_NAT_OUTGOING\n          value: "${value}"\n`,
        ),
      });
      assert.equal(pool(s)[0]?.natOutgoing, expected, value);
    }
  });

  test("createIPPool: modes are case-insensitive; off/never → Never, cross-subnet/crosssubnet → CrossSubnet; CALICO_IPV4POOL_BLOCK_SIZE and _NODE_SELECTOR are kept", () => {
    const s = load({
      "calico.yaml": calicoNode(
        '        - name: CALICO_IPV4POOL_CIDR\n          value: 10.1.0.0/16\n        - name: CALICO_IPV4POOL_IPIP\n          value: cross-subnet\n        - name: CALICO_IPV4POOL_VXLAN\n          value: "off"\n        - name: CALICO_IPV4POOL_BLOCK_SIZE\n          value: "24"\n        - name: CALICO_IPV4POOL_NODE_SELECTOR\n          value: "kubernetes.io/os == \'linux\'"\n',
      ),
    });
    assert.deepEqual(
      pool(s).map((p) => [p.ipipMode, p.vxlanMode, p.blockSize, p.nodeSelector]),
      [["CrossSubnet", "Never", 24, "kubernetes.io/os == 'linux'"]],
    );
  });

  test("createIPPool: an unrecognised mode makes calico-node exit: no pool, a warning", () => {
    const s = load({
      "calico.yaml": calicoNode("        - name: CALICO_IPV4POOL_VXLAN\n          value: Sometimes\n"),
    });
    assert.deepEqual([pool(s), codes(s)], [[], ["warning"]]);
  });

  test("configureIPPools: NO_DEFAULT_POOLS=true creates no pool (a warning: the pools are unknown); CALICO_IPV4POOL_CIDR=none creates no IPv4 pool", () => {
    const none = load({ "calico.yaml": calicoNode('        - name: NO_DEFAULT_POOLS\n          value: "true"\n') });
    assert.deepEqual([pool(none), codes(none)], [[], ["warning"]]);
    const off = load({ "calico.yaml": calicoNode("        - name: CALICO_IPV4POOL_CIDR\n          value: none\n") });
    assert.deepEqual([pool(off), codes(off)], [[], ["info"]]);
  });

  test("a CIDR taken from a ConfigMap (valueFrom) is unknown: no pool, a warning naming the ConfigMap", () => {
    const s = load({
      "calico.yaml": calicoNode(
        "        - name: CALICO_IPV4POOL_CIDR\n          valueFrom:\n            configMapKeyRef:\n              name: calico-config\n              key: pod_cidr\n",
      ),
    });
    assert.deepEqual(pool(s), []);
    const [w] = s.diagnostics.filter((d) => d.code === "derived-object");
    assert.match(w!.message, /CALICO_IPV4POOL_CIDR from ConfigMap calico-config key pod_cidr \(valueFrom\)/);
  });

  test("configureIPPools only creates a pool when none exists: an IPPool in the snapshot wins, nothing is derived", () => {
    const ippool =
      "apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: mine}\nspec: {cidr: 10.9.0.0/16, natOutgoing: false}\n";
    const s = load({
      "calico.yaml": calicoNode("        - name: CALICO_IPV4POOL_CIDR\n          value: 10.244.0.0/16\n"),
      "pool.yaml": ippool,
    });
    assert.deepEqual([pool(s).map((p) => [p.name, p.derived]), codes(s)], [[["mine", false]], []]);
  });
});

test("a mode taken from a ConfigMap (valueFrom) is unknown: the pool keeps calico-node's default for it, with a warning naming the ConfigMap", () => {
  const s = loadSnapshot({
    paths: ["."],
    cwd: tempDir({
      "calico.yaml": calicoNode(
        "        - name: CALICO_IPV4POOL_CIDR\n          value: 10.244.0.0/16\n        - name: CALICO_IPV4POOL_IPIP\n          valueFrom:\n            configMapKeyRef:\n              name: calico-config\n              key: ipip_mode\n",
      ),
    }),
  });
  assert.deepEqual(
    s.kubernetes.ipPools.map((p) => [p.cidr, p.ipipMode]),
    [["10.244.0.0/16", "Never"]],
  );
  const [d] = s.diagnostics.filter((x) => x.code === "derived-object");
  assert.equal(d!.severity, "warning");
  assert.match(d!.message, /CALICO_IPV4POOL_IPIP unknown, from ConfigMap calico-config key ipip_mode/);
  assert.match(s.kubernetes.ipPools[0]!.derived!, /CALICO_IPV4POOL_IPIP come from a ConfigMap the snapshot lacks/);
});
