/**
 * Calico's natOutgoing, overlay and pod-address routability against Felix's rules
 * (felix/rules/nat.go, felix/dataplane/linux/masq_mgr.go; Calico docs "Configure outgoing NAT",
 * "Overlay networking"). The example cases correct the seed document: natOutgoing masquerades
 * VPC destinations too.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  felixSettingsFor,
  ipPoolFor,
  natOutgoing,
  nodeAddresses,
  nodeNetwork,
  nodeNetworks,
  overlayFor,
  podIpRoutableFromVpc,
  type FelixSettings,
  type NodeNetwork,
} from "../../../src/analysis/paths/calico.js";
import type { RouteTable } from "../../../src/model/aws.js";
import type { IPPool, Node } from "../../../src/model/kubernetes.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { formatSource } from "../../../src/model/source.js";
import { REPO, tempDir } from "../../support/helpers.js";

const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO });
const k = example.kubernetes;
const POOL = k.ipPools[0]!;
const W1 = k.nodes.find((n) => n.name === "k8s-worker-1")!;
const W2 = k.nodes.find((n) => n.name === "k8s-worker-2")!;
const API_POD_W1 = "192.168.230.9";
const NETWORKS = nodeNetworks(example);

function pool(overrides: Partial<IPPool>): IPPool {
  return { ...POOL, ...overrides };
}

function settings(overrides: Partial<FelixSettings>): FelixSettings {
  return {
    natOutgoingAddress: undefined,
    natOutgoingExclusions: undefined,
    from: "test FelixConfiguration",
    source: { file: "felix.yaml", line: 7, col: 1, doc: 0 },
    ...overrides,
  };
}

function node(name: string, ip: string, prefix: number, extra: Partial<Node["overlay"]> = {}): Node {
  return {
    ...W1,
    name,
    internalIP: ip,
    addresses: [{ type: "InternalIP", address: ip }],
    overlay: { vxlan: undefined, ipip: undefined, wireguard: undefined, nodeAddress: `${ip}/${prefix}`, ...extra },
  };
}

function network(n: string, overrides: Partial<NodeNetwork>): NodeNetwork {
  return {
    node: n,
    instanceId: `i-${n}`,
    vpcId: "vpc-1",
    subnetId: `subnet-${n}`,
    subnetCidr: undefined,
    subnetSource: undefined,
    routeTable: undefined,
    eniIds: [`eni-${n}`],
    primaryEniId: `eni-${n}`,
    sourceDestCheck: false,
    sourceDestCheckId: `eni-${n}`,
    sourceDestCheckSource: { file: "enis.json", line: 3, col: 1, doc: 0 },
    ...overrides,
  };
}

function table(routes: RouteTable["routes"]): RouteTable {
  return {
    id: "rtb-test",
    vpcId: "vpc-1",
    main: false,
    subnetIds: [],
    gatewayIds: [],
    routes,
    tags: {},
    source: { file: "rtb.json", line: 5, col: 1, doc: 0 },
  };
}

const LOCAL_ROUTE = {
  destination: "10.0.0.0/16",
  targetKind: "local",
  targetId: "local",
  state: "active",
  origin: "CreateRouteTable",
} as const;

describe("ipPoolFor", () => {
  test("projectcalico IPPool: an address belongs to the pool whose CIDR contains it (the most specific one)", () => {
    assert.equal(ipPoolFor(API_POD_W1, k.ipPools)?.name, "default-ipv4-ippool");
    assert.equal(ipPoolFor("10.0.1.11", k.ipPools), undefined);
    const narrow = pool({ name: "narrow", cidr: "192.168.230.0/24" });
    assert.equal(ipPoolFor(API_POD_W1, [POOL, narrow])?.name, "narrow");
    assert.equal(ipPoolFor("not-an-ip", k.ipPools), undefined);
  });

  test("Calico docs (migrate IP pools): a disabled pool still owns its addresses", () => {
    assert.equal(ipPoolFor(API_POD_W1, [pool({ disabled: true })])?.name, "default-ipv4-ippool");
  });
});

describe("natOutgoing", () => {
  const felix = felixSettingsFor(example, W1.name);
  const cases: readonly {
    name: string;
    dst: string;
    masquerade: boolean;
    snatTo?: string;
    felix?: FelixSettings;
    pools?: readonly IPPool[];
    src?: string;
    note?: RegExp;
  }[] = [
    {
      name: "Calico outgoing NAT: a pod → the internet (8.8.8.8) is masqueraded to its node's IP",
      dst: "8.8.8.8",
      masquerade: true,
      snatTo: "10.0.1.11",
    },
    {
      name: "Calico outgoing NAT: a pod → the ALB's VPC address 10.0.2.57 is masqueraded too (outside every IP pool; the seed says otherwise)",
      dst: "10.0.2.57",
      masquerade: true,
      snatTo: "10.0.1.11",
      note: /private\/VPC address is still outside the pools/,
    },
    {
      name: "Felix cali-nat-outgoing: a destination inside an IP pool (another pod) is not NATed",
      dst: "192.168.140.71",
      masquerade: false,
      note: /inside IP pool default-ipv4-ippool/,
    },
    {
      name: "Felix cali-nat-outgoing: another pool's address is not NATed either (all-ipam-pools)",
      dst: "172.16.0.9",
      masquerade: false,
      pools: [POOL, pool({ name: "other", cidr: "172.16.0.0/16", natOutgoing: false })],
    },
    {
      name: "Felix natOutgoingExclusions IPPoolsOnly (default): another node's IP is masqueraded",
      dst: "10.0.1.12",
      masquerade: true,
      snatTo: "10.0.1.11",
    },
    {
      name: "Felix natOutgoingExclusions IPPoolsAndHostIPs: host IPs are not masqueraded",
      dst: "10.0.1.12",
      masquerade: false,
      felix: settings({ natOutgoingExclusions: "IPPoolsAndHostIPs" }),
      note: /IPPoolsAndHostIPs/,
    },
    {
      name: "Felix natOutgoingExclusions IPPoolsAndHostIPs: non-host VPC addresses are still masqueraded",
      dst: "10.0.2.57",
      masquerade: true,
      snatTo: "10.0.1.11",
      felix: settings({ natOutgoingExclusions: "IPPoolsAndHostIPs" }),
    },
    {
      name: "Felix natOutgoingAddress: SNAT to the configured address instead of the interface's",
      dst: "8.8.8.8",
      masquerade: true,
      snatTo: "10.0.1.200",
      felix: settings({ natOutgoingAddress: "10.0.1.200" }),
    },
    {
      name: "IPPool natOutgoing false: nothing is translated",
      dst: "8.8.8.8",
      masquerade: false,
      pools: [pool({ natOutgoing: false })],
      note: /natOutgoing: false/,
    },
    {
      name: "Felix cali-nat-outgoing matches only sources in masq pools: a host-network source is not NATed",
      dst: "8.8.8.8",
      masquerade: false,
      src: "10.0.1.11",
      note: /no Calico IP pool/,
    },
    {
      name: "netfilter: a packet to the node's own IP is delivered locally and never reaches POSTROUTING",
      dst: "10.0.1.11",
      masquerade: false,
      note: /delivered to the host/,
    },
    {
      name: "Felix masq_mgr: a disabled pool's pods are still masqueraded",
      dst: "8.8.8.8",
      masquerade: true,
      snatTo: "10.0.1.11",
      pools: [pool({ disabled: true })],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = natOutgoing(c.src ?? API_POD_W1, c.dst, c.pools ?? k.ipPools, c.felix ?? felix, W1, k.nodes);
      assert.equal(d.masquerade, c.masquerade, d.note);
      assert.equal(d.snatTo, c.masquerade ? c.snatTo : undefined);
      assert.equal(d.allowed, true);
      if (c.note) assert.match(d.note, c.note);
      if (c.masquerade && !c.felix?.natOutgoingAddress) assert.equal(d.rule, "cali-nat-outgoing -j MASQUERADE");
    });
  }

  test("Felix natOutgoingExclusions IPPoolsAndHostIPs with the hosts given as a lookup (the tracer's node index) decides as with the list", () => {
    const exclusions = settings({ natOutgoingExclusions: "IPPoolsAndHostIPs" });
    const byAddress = (ip: string): Node | undefined => k.nodes.find((n) => nodeAddresses(n).includes(ip));
    for (const dst of ["10.0.1.12", "10.0.2.57"]) {
      const listed = natOutgoing(API_POD_W1, dst, k.ipPools, exclusions, W1, k.nodes);
      const looked = natOutgoing(API_POD_W1, dst, k.ipPools, exclusions, W1, byAddress);
      assert.deepEqual(looked, listed);
    }
  });

  test("natOutgoing cites the deciding IP pool (default-ipv4-ippool in calico.yaml)", () => {
    const d = natOutgoing(API_POD_W1, "8.8.8.8", k.ipPools, felix, W1, k.nodes);
    assert.equal(d.id, "default-ipv4-ippool");
    assert.match(formatSource(d.source), /^examples\/ecoeco\/k8s\/calico\.yaml:\d+$/);
    assert.match(d.note, /conntrack/);
  });

  test("natOutgoingAddress cites the FelixConfiguration that set it", () => {
    const d = natOutgoing(
      API_POD_W1,
      "8.8.8.8",
      k.ipPools,
      settings({ natOutgoingAddress: "10.0.1.200" }),
      W1,
      k.nodes,
    );
    assert.equal(formatSource(d.addressSource), "felix.yaml:7");
    assert.equal(d.rule, "cali-nat-outgoing -j SNAT --to-source 10.0.1.200");
  });

  test("Felix config precedence: per-node FelixConfiguration overrides default, the calico-node env overrides both", () => {
    const yaml = `
apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {name: default}
spec: {natOutgoingExclusions: IPPoolsAndHostIPs}
---
apiVersion: crd.projectcalico.org/v1
kind: FelixConfiguration
metadata: {name: node.n2}
spec: {natOutgoingAddress: 10.0.9.9}
`;
    const dir = tempDir({ "felix.yaml": yaml });
    const s = loadSnapshot({ paths: [dir], cwd: dir });
    const n1 = felixSettingsFor(s, "n1");
    assert.equal(n1.natOutgoingAddress, undefined);
    assert.equal(n1.natOutgoingExclusions, "IPPoolsAndHostIPs");
    const n2 = felixSettingsFor(s, "n2");
    assert.equal(n2.natOutgoingAddress, "10.0.9.9");
    assert.equal(n2.natOutgoingExclusions, "IPPoolsAndHostIPs");
    assert.equal(n2.from, "FelixConfiguration node.n2");
    const ds = `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: calico-node, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: calico-node}}
  template:
    metadata: {labels: {k8s-app: calico-node}}
    spec:
      containers:
      - name: calico-node
        image: calico/node
        env: [{name: FELIX_NATOUTGOINGADDRESS, value: 10.0.8.8}]
`;
    const dir2 = tempDir({ "felix.yaml": yaml, "ds.yaml": ds });
    const env = felixSettingsFor(loadSnapshot({ paths: [dir2], cwd: dir2 }), "n2");
    assert.equal(env.natOutgoingAddress, "10.0.8.8");
    assert.match(env.from, /FELIX_NATOUTGOINGADDRESS/);
    // cited at the env entry, not the DaemonSet
    assert.equal(env.source?.file, "ds.yaml");
    assert.equal(env.source?.line, 13);
    // the operator installs calico-node in calico-system: its env counts the same
    const dir3 = tempDir({
      "felix.yaml": yaml,
      "ds.yaml": ds.replace("namespace: kube-system", "namespace: calico-system"),
    });
    assert.equal(felixSettingsFor(loadSnapshot({ paths: [dir3], cwd: dir3 }), "n2").natOutgoingAddress, "10.0.8.8");
  });
});

describe("overlayFor", () => {
  test("Calico VXLAN Always: pod → pod on another node is encapsulated, outer addresses the node IPs, UDP 4789", () => {
    const d = overlayFor(W1, W2, POOL, NETWORKS, "192.168.140.71");
    assert.equal(d.allowed, true);
    assert.equal(d.mode, "vxlan");
    assert.deepEqual(d.outer, { src: "10.0.1.11", dst: "10.0.1.12", protocol: "UDP", dstPort: 4789 });
    assert.equal(d.id, "default-ipv4-ippool");
    assert.match(formatSource(d.source), /calico\.yaml/);
    assert.match(d.note, /UDP 4789/);
  });

  test("Calico overlay: pods on the same node are not encapsulated", () => {
    const d = overlayFor(W1, W1, POOL, NETWORKS);
    assert.equal(d.mode, "local");
    assert.equal(d.outer, undefined);
  });

  test("Calico IPIP Always: encapsulated as IP protocol 4", () => {
    const d = overlayFor(W1, W2, pool({ vxlanMode: "Never", ipipMode: "Always" }), NETWORKS);
    assert.equal(d.mode, "ipip");
    assert.deepEqual(d.outer, { src: "10.0.1.11", dst: "10.0.1.12", protocol: "IPIP", dstPort: 0 });
  });

  test("Calico CrossSubnet: nodes in different subnets (IPv4Address prefix) are encapsulated", () => {
    const a = node("a", "10.0.1.20", 24);
    const b = node("b", "10.0.3.20", 24);
    const d = overlayFor(a, b, pool({ vxlanMode: "CrossSubnet" }), new Map());
    assert.equal(d.mode, "vxlan");
    assert.match(d.note, /outside node a's projectcalico\.org\/IPv4Address 10\.0\.1\.20\/24/);
  });

  test("Calico CrossSubnet: nodes in one subnet route natively; on AWS that needs source/destination check off (the example has it on)", () => {
    const d = overlayFor(W1, W2, pool({ vxlanMode: "CrossSubnet" }), NETWORKS, "192.168.140.71");
    assert.equal(d.mode, "native");
    assert.equal(d.allowed, false);
    if (d.allowed) return;
    assert.equal(d.code, "SOURCE_DEST_CHECK");
    assert.equal(d.id, "eni-0ecoeco0000000011");
    assert.match(formatSource(d.source), /ec2-describe-network-interfaces\.json:\d+$/);
  });

  test("Calico CrossSubnet: same subnet with source/destination check off is delivered natively", () => {
    const nets = new Map([
      ["k8s-worker-1", network("k8s-worker-1", {})],
      ["k8s-worker-2", network("k8s-worker-2", {})],
    ]);
    const d = overlayFor(W1, W2, pool({ vxlanMode: "CrossSubnet" }), nets, "192.168.140.71");
    assert.equal(d.allowed, true);
    assert.equal(d.mode, "native");
    assert.equal(d.outer, undefined);
  });

  test("Calico CrossSubnet: without the annotation prefix, the AWS subnet decides", () => {
    const a = node("a", "10.0.1.20", 24, {});
    const b = node("b", "10.0.3.20", 24, {});
    const bare = (n: Node): Node => ({ ...n, overlay: { ...n.overlay, nodeAddress: undefined } });
    const nets = new Map([
      ["a", network("a", { subnetCidr: "10.0.0.0/16" })],
      ["b", network("b", { subnetCidr: "10.0.0.0/16" })],
    ]);
    assert.equal(overlayFor(bare(a), bare(b), pool({ vxlanMode: "CrossSubnet" }), nets).mode, "native");
    const split = new Map([["a", network("a", { subnetCidr: "10.0.1.0/24" })]]);
    assert.equal(overlayFor(bare(a), bare(b), pool({ vxlanMode: "CrossSubnet" }), split).mode, "vxlan");
  });

  test("Calico Never across subnets: the VPC must route the pod address to the node, else TARGET_NOT_ROUTABLE", () => {
    const a = node("a", "10.0.1.20", 24);
    const b = node("b", "10.0.3.20", 24);
    const never = pool({ vxlanMode: "Never", ipipMode: "Never" });
    const noRoute = new Map([
      ["a", network("a", { routeTable: table([LOCAL_ROUTE]) })],
      ["b", network("b", {})],
    ]);
    const d = overlayFor(a, b, never, noRoute, "192.168.7.5");
    assert.equal(d.allowed, false);
    if (!d.allowed) assert.equal(d.code, "TARGET_NOT_ROUTABLE");
    assert.equal(d.id, "rtb-test");
    const routed = new Map([
      [
        "a",
        network("a", {
          routeTable: table([
            LOCAL_ROUTE,
            {
              destination: "192.168.7.0/26",
              targetKind: "instance",
              targetId: "i-b",
              state: "active",
              origin: "CreateRoute",
            },
          ]),
        }),
      ],
      ["b", network("b", {})],
    ]);
    const ok = overlayFor(a, b, never, routed, "192.168.7.5");
    assert.equal(ok.allowed, true);
    assert.equal(ok.mode, "native");
    const wrongNode = new Map([
      [
        "a",
        network("a", {
          routeTable: table([
            LOCAL_ROUTE,
            {
              destination: "192.168.7.0/26",
              targetKind: "instance",
              targetId: "i-c",
              state: "active",
              origin: "CreateRoute",
            },
          ]),
        }),
      ],
      ["b", network("b", {})],
    ]);
    assert.equal(overlayFor(a, b, never, wrongNode, "192.168.7.5").allowed, false);
  });
});

describe("podIpRoutableFromVpc", () => {
  const privateTable = example.aws.routeTables.find((t) => t.id === "rtb-0ecoeco0000000003")!;

  test("Calico: overlay pool addresses are not routable from the VPC (an ALB ip target at a pod would not be reached)", () => {
    const d = podIpRoutableFromVpc("192.168.230.3", k.ipPools, privateTable);
    assert.equal(d.allowed, false);
    if (d.allowed) return;
    assert.equal(d.code, "TARGET_NOT_ROUTABLE");
    assert.equal(d.id, "default-ipv4-ippool");
    assert.match(d.note, /nat-0ecoeco0000000001/);
    const none = podIpRoutableFromVpc("192.168.230.3", k.ipPools);
    assert.equal(none.allowed, false);
  });

  test("AWS route tables: a route for the pod block to an instance makes the pod address routable", () => {
    const d = podIpRoutableFromVpc(
      "192.168.230.3",
      k.ipPools,
      table([
        LOCAL_ROUTE,
        {
          destination: "192.168.230.0/26",
          targetKind: "instance",
          targetId: "i-0ecoeco0000000011",
          state: "active",
          origin: "CreateRoute",
        },
      ]),
    );
    assert.equal(d.allowed, true);
    assert.equal(d.id, "rtb-test");
  });

  test("Calico: an address in no pool is not Calico's to judge", () => {
    assert.equal(podIpRoutableFromVpc("10.0.1.11", k.ipPools, privateTable).allowed, true);
  });
});

describe('AWS "Route priority": Calico native routing takes the route the VPC takes (route-tables.ts lookupRoute)', () => {
  // https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html — each case is one the
  // former Calico-only longest-prefix lookup got wrong: it took the first route listed at the
  // longest prefix (propagated or blackhole alike), preferred a propagated route over the local
  // route it overlaps, and skipped prefix-list routes.
  const a = node("a", "10.0.1.20", 24);
  const b = node("b", "10.0.3.20", 24);
  const never = pool({ vxlanMode: "Never", ipipMode: "Never" });
  const propagated = (destination: string, state: "active" | "blackhole" = "active") =>
    ({
      destination,
      targetKind: "virtual-private-gateway",
      targetId: "vgw-1",
      state,
      origin: "EnableVgwRoutePropagation",
    }) as const;
  const toB = (destination: string) =>
    ({ destination, targetKind: "instance", targetId: "i-b", state: "active", origin: "CreateRoute" }) as const;
  const withPrefixList = {
    ...example.aws,
    prefixLists: [
      {
        id: "pl-1",
        name: "pod-blocks",
        addressFamily: "IPv4",
        entries: [{ cidr: "192.168.7.0/26", description: undefined }],
        source: { file: "pl.json", line: 1, col: 1, doc: 0 },
      },
    ],
  };
  const cases: {
    name: string;
    routes: RouteTable["routes"];
    dst: string;
    aws?: typeof withPrefixList;
    allowed: boolean;
    rule: string;
  }[] = [
    {
      name: "a static route is preferred over a propagated route to the same destination, whichever is listed first",
      routes: [LOCAL_ROUTE, propagated("192.168.7.0/26"), toB("192.168.7.0/26")],
      dst: "192.168.7.5",
      allowed: true,
      rule: "192.168.7.0/26 → i-b",
    },
    {
      name: "a propagated blackhole route loses to the static active route for the same destination",
      routes: [LOCAL_ROUTE, propagated("192.168.7.0/26", "blackhole"), toB("192.168.7.0/26")],
      dst: "192.168.7.5",
      allowed: true,
      rule: "192.168.7.0/26 → i-b",
    },
    {
      name: "a propagated route never wins over the local route it overlaps, even a more specific blackhole",
      routes: [LOCAL_ROUTE, propagated("10.0.200.0/24", "blackhole")],
      dst: "10.0.200.5",
      allowed: false,
      rule: "10.0.0.0/16 → local",
    },
    {
      name: "a route to a prefix list matches the CIDRs of its entries",
      routes: [LOCAL_ROUTE, toB("pl-1")],
      dst: "192.168.7.5",
      aws: withPrefixList,
      allowed: true,
      rule: "pl-1 → i-b",
    },
    {
      name: "at equal prefix length a prefix-list route is preferred over a propagated route",
      routes: [LOCAL_ROUTE, propagated("192.168.7.0/26"), toB("pl-1")],
      dst: "192.168.7.5",
      aws: withPrefixList,
      allowed: true,
      rule: "pl-1 → i-b",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const nets = new Map([
        ["a", network("a", { routeTable: table(c.routes) })],
        ["b", network("b", {})],
      ]);
      const d = overlayFor(a, b, never, nets, c.dst, c.aws);
      assert.deepEqual([d.allowed, d.rule, d.mode], [c.allowed, c.rule, "native"]);
    });
  }

  test("pod-address routability from the VPC uses the same lookup: a static route to the node beats a propagated one listed first", () => {
    const d = podIpRoutableFromVpc(
      "192.168.230.3",
      k.ipPools,
      table([
        LOCAL_ROUTE,
        propagated("192.168.230.0/26"),
        { ...toB("192.168.230.0/26"), targetId: "i-0ecoeco0000000011" },
      ]),
    );
    assert.deepEqual([d.allowed, d.rule], [true, "192.168.230.0/26 → i-0ecoeco0000000011"]);
  });
});

describe("nodeNetwork", () => {
  test("the instance is the loader's join (Node.instanceId): a node whose InternalIP two instances share joins none, and nodeNetwork does not pick one by private IP", () => {
    const twoVpcs = JSON.stringify({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: "i-0abc0000000000011",
              PrivateIpAddress: "10.0.1.10",
              VpcId: "vpc-0aaa0000000000001",
              Tags: [{ Key: "Name", Value: "worker-a" }],
            },
            {
              InstanceId: "i-0abc0000000000012",
              PrivateIpAddress: "10.0.1.10",
              VpcId: "vpc-0bbb0000000000002",
              Tags: [{ Key: "Name", Value: "other-cluster" }],
            },
          ],
        },
      ],
    });
    const nodeYaml = (name: string) =>
      `apiVersion: v1\nkind: Node\nmetadata: {name: ${name}}\nstatus: {addresses: [{type: InternalIP, address: 10.0.1.10}]}\n`;
    const load = (name: string) => {
      const s = loadSnapshot({
        paths: ["."],
        cwd: tempDir({ "nodes.yaml": nodeYaml(name), "instances.json": twoVpcs }),
      });
      return nodeNetwork(s, s.kubernetes.nodes[0]!).instanceId;
    };
    assert.equal(load("worker-a"), "i-0abc0000000000011");
    assert.equal(load("ip-10-0-1-10"), undefined);
  });
});
