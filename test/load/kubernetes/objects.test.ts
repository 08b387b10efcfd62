import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SnapshotDraft } from "../../../src/load/draft.js";
import { parseAlbAnnotations } from "../../../src/load/kubernetes/ingress.js";
import type { Diagnostic } from "../../../src/model/diagnostics.js";
import type { AlbIngressSettings, PodSpec, Workload } from "../../../src/model/kubernetes.js";
import { convertYaml } from "../../support/helpers.js";

// ---------------------------------------------------------------------------------------------
// helpers

/** The value without its `source` fields (and without undefined fields), for deepEqual. */
function strip<T>(value: T): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === "source" ? undefined : v)));
}

function only(diagnostics: readonly Diagnostic[]): Diagnostic {
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics, null, 2));
  return diagnostics[0]!;
}

function noDiagnostics(draft: SnapshotDraft): void {
  assert.deepEqual(draft.diagnostics, []);
}

/** Asserts exactly one invalid-object warning, whose message starts with `prefix` and matches `reason`. */
function skipped(draft: SnapshotDraft, prefix: string, reason: RegExp): Diagnostic {
  const d = only(draft.diagnostics);
  assert.equal(d.code, "invalid-object");
  assert.equal(d.severity, "warning");
  assert.ok(d.message.startsWith(`${prefix} skipped: `), d.message);
  assert.match(d.message, reason);
  return d;
}

function indent(text: string, by: number): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : " ".repeat(by) + line))
    .join("\n");
}

/** A Pod ns/p whose spec holds `spec` (YAML at column 0) and one container. */
function podWith(spec: string): string {
  return [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: p",
    "  namespace: ns",
    "spec:",
    indent(spec, 2),
    "  containers:",
    "  - name: c",
    "",
  ].join("\n");
}

interface SpecCase {
  readonly name: string;
  readonly spec: string;
  /** the object is valid: check what was read */
  readonly check?: (spec: PodSpec) => void;
  /** the object is invalid: it is skipped with a message matching this */
  readonly invalid?: RegExp;
  readonly todo?: string;
}

function specCases(cases: readonly SpecCase[]): void {
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const draft = convertYaml(podWith(c.spec), "pod.yaml", "ns");
      if (c.invalid) {
        assert.equal(draft.kubernetes.pods.length, 0, "the pod should have been skipped");
        skipped(draft, "Pod ns/p", c.invalid);
      } else {
        noDiagnostics(draft);
        const pod = draft.kubernetes.pods[0];
        assert.ok(pod, "the pod was not converted");
        c.check!(pod.spec);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Node

describe("core/v1 Node", () => {
  const text = `apiVersion: v1
kind: Node
metadata:
  name: n1
  namespace: ignored
  labels: {kubernetes.io/hostname: n1, node.kubernetes.io/instance-type: m5.large}
  annotations:
    projectcalico.org/IPv4VXLANTunnelAddr: 192.168.77.0
    projectcalico.org/IPv4Address: 10.0.1.10/24
spec:
  providerID: aws:///ap-northeast-2a/i-0abc1234567890def
  podCIDR: 192.168.1.0/24
  taints:
  - key: node-role.kubernetes.io/control-plane
    effect: NoSchedule
  - key: dedicated
    value: infra
    effect: NoExecute
status:
  capacity: {cpu: "4", memory: 16Gi, pods: "110"}
  allocatable: {cpu: 3920m, memory: 15Gi, pods: "110"}
  addresses:
  - {type: InternalIP, address: 10.0.1.10}
  - {type: ExternalIP, address: 3.35.1.2}
  - {type: Hostname, address: ip-10-0-1-10}
---
apiVersion: v1
kind: Node
metadata: {name: n2}
status:
  capacity: {cpu: "2", memory: 8Gi}
  addresses:
  - {type: InternalIP, address: "fd00::10"}
  - {type: InternalIP, address: 10.0.2.20}
`;
  const draft = convertYaml(text, "nodes.yaml", "default");
  const n1 = draft.kubernetes.nodes.find((n) => n.name === "n1")!;
  const n2 = draft.kubernetes.nodes.find((n) => n.name === "n2")!;

  const cases: { name: string; check: () => void }[] = [
    {
      name: "both nodes convert without diagnostics",
      check: () => assert.deepEqual([draft.diagnostics, draft.kubernetes.nodes.map((n) => n.name)], [[], ["n1", "n2"]]),
    },
    {
      name: "core/v1 Taint: a taint without a value has the empty value; effects are kept",
      check: () =>
        assert.deepEqual(strip(n1.taints), [
          { key: "node-role.kubernetes.io/control-plane", value: "", effect: "NoSchedule" },
          { key: "dedicated", value: "infra", effect: "NoExecute" },
        ]),
    },
    {
      name: "core/v1 Taint: each taint cites its own line",
      check: () =>
        assert.deepEqual(
          n1.taints.map((t) => [t.source.line, t.source.col]),
          [
            [14, 5],
            [16, 5],
          ],
        ),
    },
    {
      name: "core/v1 NodeStatus: allocatable is read when present (cpu in millicores, memory in bytes)",
      check: () => assert.deepEqual(n1.allocatable, { cpu: 3920, memory: 15 * 2 ** 30, pods: 110 }),
    },
    {
      name: "core/v1 NodeStatus: capacity is kept beside allocatable",
      check: () => assert.deepEqual(n1.capacity, { cpu: 4000, memory: 16 * 2 ** 30, pods: 110 }),
    },
    {
      name: "core/v1 NodeStatus: without allocatable the scheduler uses capacity",
      check: () => assert.deepEqual(n2.allocatable, { cpu: 2000, memory: 8 * 2 ** 30 }),
    },
    {
      name: "core/v1 NodeStatus: InternalIP is the node's internal address",
      check: () => assert.equal(n1.internalIP, "10.0.1.10"),
    },
    { name: "core/v1 NodeStatus: ExternalIP is kept", check: () => assert.equal(n1.externalIP, "3.35.1.2") },
    {
      name: "core/v1 NodeStatus: with IPv6 and IPv4 InternalIPs, the IPv4 one is the internal IP",
      check: () => assert.equal(n2.internalIP, "10.0.2.20"),
    },
    {
      name: "core/v1 NodeSpec: providerID is kept as written",
      check: () => assert.equal(n1.providerID, "aws:///ap-northeast-2a/i-0abc1234567890def"),
    },
    {
      name: "core/v1 NodeSpec: podCIDR becomes the one-element podCIDRs",
      check: () => assert.deepEqual(n1.podCIDRs, ["192.168.1.0/24"]),
    },
    {
      name: "Calico node annotations: IPv4VXLANTunnelAddr and IPv4Address are read",
      check: () => assert.deepEqual(strip(n1.overlay), { vxlan: "192.168.77.0", nodeAddress: "10.0.1.10/24" }),
    },
    {
      name: "Node is cluster-scoped: a namespace in its metadata is ignored",
      check: () => assert.equal(n1.meta.namespace, undefined),
    },
    { name: "labels are kept", check: () => assert.equal(n1.labels["node.kubernetes.io/instance-type"], "m5.large") },
  ];
  for (const c of cases) test(c.name, c.check);

  const invalid: { name: string; yaml: string; reason: RegExp; line: number; todo?: string }[] = [
    {
      name: "core/v1 validation: a taint needs an effect",
      yaml: "apiVersion: v1\nkind: Node\nmetadata: {name: bad}\nspec:\n  taints:\n  - key: a\n",
      reason: /spec\.taints\[0\]: effect is required/,
      line: 6,
    },
    {
      name: "core/v1 validation: a taint's effect is NoSchedule, PreferNoSchedule or NoExecute",
      yaml: "apiVersion: v1\nkind: Node\nmetadata: {name: bad}\nspec:\n  taints:\n  - {key: a, effect: Sometimes}\n",
      reason: /effect must be one of NoSchedule, PreferNoSchedule, NoExecute/,
      line: 6,
    },
    {
      name: "core/v1 validation: a taint needs a key",
      yaml: "apiVersion: v1\nkind: Node\nmetadata: {name: bad}\nspec:\n  taints:\n  - {effect: NoSchedule}\n",
      reason: /key is required/,
      line: 6,
    },
    {
      name: "Calico: a VXLAN tunnel address that is not an IPv4 address skips the node",
      yaml: "apiVersion: v1\nkind: Node\nmetadata:\n  name: bad\n  annotations:\n    projectcalico.org/IPv4VXLANTunnelAddr: not-an-ip\n",
      reason: /projectcalico\.org\/IPv4VXLANTunnelAddr: "not-an-ip" is not an IPv4 address/,
      line: 6,
    },
    {
      name: "Calico: IPv4Address must carry its prefix length (10.0.1.10/24)",
      yaml: "apiVersion: v1\nkind: Node\nmetadata:\n  name: bad\n  annotations:\n    projectcalico.org/IPv4Address: 10.0.1.10\n",
      reason: /projectcalico\.org\/IPv4Address: "10\.0\.1\.10" is not an address with prefix/,
      line: 6,
    },
    {
      name: "Malformed cites the mapping holding the bad field: a bad Calico annotation cites the annotations mapping",
      yaml: "apiVersion: v1\nkind: Node\nmetadata:\n  name: bad\n  annotations:\n    projectcalico.org/IPv4VXLANTunnelAddr: 10.0.0\n",
      reason: /IPv4VXLANTunnelAddr/,
      line: 6,
    },
    {
      name: "core/v1 validation: an InternalIP must be an IP address",
      yaml: "apiVersion: v1\nkind: Node\nmetadata: {name: bad}\nstatus:\n  addresses:\n  - {type: InternalIP, address: ip-10-0-1-10}\n",
      reason: /address "ip-10-0-1-10" is not an IP address/,
      line: 6,
    },
    {
      name: "apimachinery quantity: an allocatable that is not a quantity skips the node",
      yaml: "apiVersion: v1\nkind: Node\nmetadata: {name: bad}\nstatus:\n  allocatable: {cpu: lots}\n",
      reason: /status\.allocatable\.cpu: "lots" is not a valid quantity/,
      line: 5,
    },
  ];
  for (const c of invalid) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const d = convertYaml(c.yaml, "node.yaml");
      assert.equal(d.kubernetes.nodes.length, 0);
      const w = skipped(d, "Node bad", c.reason);
      assert.equal(w.source?.file, "node.yaml");
      assert.equal(w.source?.line, c.line);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Pod spec: tolerations, nodeSelector, affinity, spread, containers

describe("core/v1 Toleration", () => {
  specCases([
    {
      name: "core/v1 Toleration: Equal matches key, value and effect",
      spec: "tolerations:\n- {key: dedicated, operator: Equal, value: infra, effect: NoSchedule}",
      check: (s) =>
        assert.deepEqual(strip(s.tolerations), [
          { key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" },
        ]),
    },
    {
      name: "core/v1 Toleration: the operator defaults to Equal",
      spec: "tolerations:\n- {key: dedicated, value: infra}",
      check: (s) =>
        assert.deepEqual(strip(s.tolerations), [{ key: "dedicated", operator: "Equal", value: "infra", effect: "" }]),
    },
    {
      name: "core/v1 Toleration: Exists without a value",
      spec: "tolerations:\n- {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}",
      check: (s) =>
        assert.deepEqual(strip(s.tolerations), [
          { key: "node-role.kubernetes.io/control-plane", operator: "Exists", value: "", effect: "NoSchedule" },
        ]),
    },
    {
      name: "core/v1 Toleration: an empty key with Exists tolerates every taint",
      spec: "tolerations:\n- operator: Exists",
      check: (s) => assert.deepEqual(strip(s.tolerations), [{ key: "", operator: "Exists", value: "", effect: "" }]),
    },
    {
      name: 'core/v1 Toleration: an empty effect ("") matches all effects',
      spec: 'tolerations:\n- {key: a, operator: Exists, effect: ""}',
      check: (s) => assert.equal(s.tolerations[0]?.effect, ""),
    },
    {
      name: "core/v1 Toleration: tolerationSeconds with NoExecute is kept",
      spec: "tolerations:\n- {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}",
      check: (s) => assert.equal(s.tolerations[0]?.tolerationSeconds, 300),
    },
    {
      name: "core/v1 Toleration: each toleration cites its own line",
      spec: "tolerations:\n- key: a\n  operator: Exists\n- key: b\n  operator: Exists",
      check: (s) =>
        assert.deepEqual(
          s.tolerations.map((t) => [t.source.line, t.source.col]),
          [
            [8, 5],
            [10, 5],
          ],
        ),
    },
    {
      name: "core/v1 validation: toleration with operator Exists must not carry a value",
      spec: "tolerations:\n- {key: a, operator: Exists, value: x}",
      invalid: /spec\.tolerations\[0\]: value must be empty when operator is Exists/,
    },
    {
      name: "core/v1 validation: an empty toleration key needs operator Exists",
      spec: "tolerations:\n- {operator: Equal, value: x}",
      invalid: /operator must be Exists when key is empty/,
    },
    {
      name: "core/v1 validation: an empty toleration key with the default operator (Equal) is invalid",
      spec: "tolerations:\n- {effect: NoSchedule}",
      invalid: /operator must be Exists when key is empty/,
    },
    {
      name: "core/v1 validation: a toleration operator is Equal or Exists",
      spec: "tolerations:\n- {key: a, operator: In}",
      invalid: /operator must be one of Equal, Exists/,
    },
    {
      name: "core/v1 validation: a toleration effect is one of the taint effects",
      spec: "tolerations:\n- {key: a, effect: NoSched}",
      invalid: /effect must be one of NoSchedule, PreferNoSchedule, NoExecute/,
    },
    {
      name: "core/v1 validation: effect must be NoExecute when tolerationSeconds is set",
      spec: "tolerations:\n- {key: a, operator: Exists, effect: NoSchedule, tolerationSeconds: 30}",
      invalid: /NoExecute/,
    },
  ]);
});

describe("core/v1 nodeSelector", () => {
  specCases([
    {
      name: "core/v1 PodSpec: nodeSelector is a string map, kept as written",
      spec: "nodeSelector:\n  kubernetes.io/os: linux\n  node-role: worker",
      check: (s) => assert.deepEqual(s.nodeSelector, { "kubernetes.io/os": "linux", "node-role": "worker" }),
    },
    {
      name: "core/v1 PodSpec: no nodeSelector is the empty map",
      spec: "priority: 0",
      check: (s) => assert.deepEqual(s.nodeSelector, {}),
    },
    {
      name: "core/v1 PodSpec: nodeSelector values are strings (an unquoted number is not)",
      spec: "nodeSelector:\n  gpu-count: 1",
      invalid: /spec\.nodeSelector\.gpu-count must be a string, not a number \(1\)/,
    },
    {
      name: "core/v1 PodSpec: nodeSelector is a mapping, not a list",
      spec: "nodeSelector: [a]",
      invalid: /spec\.nodeSelector must be a mapping, not a list/,
    },
  ]);
});

describe("core/v1 NodeAffinity", () => {
  const required = (terms: string): string =>
    `affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n${indent(terms, 6)}`;
  specCases([
    {
      name: "core/v1 NodeAffinity: required nodeSelectorTerms are kept, in order (they are ORed)",
      spec: required(
        "- matchExpressions:\n  - {key: zone, operator: In, values: [a, b]}\n- matchExpressions:\n  - {key: spot, operator: DoesNotExist}",
      ),
      check: (s) =>
        assert.deepEqual(strip(s.affinity.nodeAffinity), {
          required: [
            { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }], matchFields: [] },
            { matchExpressions: [{ key: "spot", operator: "DoesNotExist", values: [] }], matchFields: [] },
          ],
          preferred: [],
        }),
    },
    {
      name: "core/v1 NodeAffinity: matchFields on metadata.name are kept apart from matchExpressions",
      spec: required("- matchFields:\n  - {key: metadata.name, operator: In, values: [n1]}"),
      check: (s) =>
        assert.deepEqual(strip(s.affinity.nodeAffinity?.required), [
          { matchExpressions: [], matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] },
        ]),
    },
    {
      name: "core/v1 NodeAffinity: Gt with one integer value",
      spec: required('- matchExpressions:\n  - {key: cpu-count, operator: Gt, values: ["4"]}'),
      check: (s) =>
        assert.deepEqual(s.affinity.nodeAffinity?.required?.[0]?.matchExpressions[0], {
          key: "cpu-count",
          operator: "Gt",
          values: ["4"],
        }),
    },
    {
      name: "core/v1 NodeAffinity: without a required section, required is null (no constraint)",
      spec: "affinity:\n  nodeAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n    - weight: 50\n      preference:\n        matchExpressions: [{key: disk, operator: In, values: [ssd]}]",
      check: (s) =>
        assert.deepEqual(strip(s.affinity.nodeAffinity), {
          required: null,
          preferred: [
            {
              weight: 50,
              preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }], matchFields: [] },
            },
          ],
        }),
    },
    {
      name: "core/v1 PodSpec: without affinity there is no node affinity",
      spec: "priority: 0",
      check: (s) => assert.equal(s.affinity.nodeAffinity, undefined),
    },
    {
      name: "core/v1 validation: Gt needs exactly one value",
      spec: required('- matchExpressions:\n  - {key: k, operator: Gt, values: ["1", "2"]}'),
      invalid: /operator Gt needs exactly one integer value/,
    },
    {
      name: "core/v1 validation: Lt needs an integer value",
      spec: required("- matchExpressions:\n  - {key: k, operator: Lt, values: [abc]}"),
      invalid: /operator Lt needs exactly one integer value/,
    },
    {
      name: "core/v1 validation: In with no values is invalid",
      spec: required("- matchExpressions:\n  - {key: k, operator: In, values: []}"),
      invalid: /values must be non-empty for operator In/,
    },
    {
      name: "core/v1 validation: NotIn with no values is invalid",
      spec: required("- matchExpressions:\n  - {key: k, operator: NotIn}"),
      invalid: /values must be non-empty for operator NotIn/,
    },
    {
      name: "core/v1 validation: Exists must not carry values",
      spec: required("- matchExpressions:\n  - {key: k, operator: Exists, values: [x]}"),
      invalid: /values must be empty for operator Exists/,
    },
    {
      name: "core/v1 validation: a requirement needs an operator",
      spec: required("- matchExpressions:\n  - {key: k, values: [x]}"),
      invalid: /operator is required/,
    },
    {
      name: "core/v1 validation: an unknown node selector operator",
      spec: required("- matchExpressions:\n  - {key: k, operator: Like, values: [x]}"),
      invalid: /operator must be one of In, NotIn, Exists, DoesNotExist, Gt, Lt/,
    },
    {
      name: "core/v1 validation: a preferred term's weight is 1-100",
      spec: "affinity:\n  nodeAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n    - weight: 0\n      preference: {matchExpressions: [{key: a, operator: Exists}]}",
      invalid: /weight must be between 1 and 100, not 0/,
    },
    {
      name: "core/v1 validation: required node affinity must have at least one node selector term",
      spec: "affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms: []",
      invalid: /node selector term/,
    },
    {
      name: "core/v1 validation: matchFields only supports the key metadata.name",
      spec: required("- matchFields:\n  - {key: metadata.labels, operator: In, values: [a]}"),
      invalid: /metadata\.name|field selector key/,
    },
    {
      name: "core/v1 validation: matchFields In/NotIn take exactly one value",
      spec: required("- matchFields:\n  - {key: metadata.name, operator: In, values: [n1, n2]}"),
      invalid: /one value/,
    },
  ]);
});

describe("core/v1 PodAffinity and PodAntiAffinity", () => {
  specCases([
    {
      name: "core/v1 PodAffinityTerm: labelSelector, namespaces and topologyKey are kept",
      spec: "affinity:\n  podAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - labelSelector: {matchLabels: {app: db}}\n      namespaces: [data]\n      topologyKey: topology.kubernetes.io/zone",
      check: (s) =>
        assert.deepEqual(strip(s.affinity.podAffinity), {
          required: [
            {
              labelSelector: { matchLabels: { app: "db" }, matchExpressions: [] },
              namespaces: ["data"],
              namespaceSelector: null,
              topologyKey: "topology.kubernetes.io/zone",
              matchLabelKeys: [],
              mismatchLabelKeys: [],
            },
          ],
          preferred: [],
        }),
    },
    {
      name: "core/v1 PodAffinityTerm: an empty namespaceSelector ({}) selects all namespaces, unlike an absent one (null)",
      spec: "affinity:\n  podAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - labelSelector: {matchLabels: {app: web}}\n      namespaceSelector: {}\n      topologyKey: kubernetes.io/hostname",
      check: (s) =>
        assert.deepEqual(s.affinity.podAntiAffinity?.required[0]?.namespaceSelector, {
          matchLabels: {},
          matchExpressions: [],
        }),
    },
    {
      name: "core/v1 PodAffinityTerm: a namespaceSelector with matchExpressions",
      spec: "affinity:\n  podAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - labelSelector: {matchLabels: {app: web}}\n      namespaceSelector:\n        matchExpressions: [{key: team, operator: In, values: [a]}]\n      topologyKey: kubernetes.io/hostname",
      check: (s) =>
        assert.deepEqual(s.affinity.podAffinity?.required[0]?.namespaceSelector, {
          matchLabels: {},
          matchExpressions: [{ key: "team", operator: "In", values: ["a"] }],
        }),
    },
    {
      name: "core/v1 PodAffinityTerm: a term without labelSelector selects no pods (null)",
      spec: "affinity:\n  podAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - topologyKey: kubernetes.io/hostname",
      check: (s) => assert.equal(s.affinity.podAntiAffinity?.required[0]?.labelSelector, null),
    },
    {
      name: "core/v1 WeightedPodAffinityTerm: preferred anti-affinity keeps weight and term",
      spec: "affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n    - weight: 100\n      podAffinityTerm:\n        labelSelector: {matchLabels: {app: web}}\n        topologyKey: kubernetes.io/hostname",
      check: (s) => {
        const p = s.affinity.podAntiAffinity?.preferred[0];
        assert.equal(p?.weight, 100);
        assert.equal(p?.term.topologyKey, "kubernetes.io/hostname");
      },
    },
    {
      name: "core/v1 validation: a pod affinity term needs a topologyKey",
      spec: "affinity:\n  podAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - labelSelector: {matchLabels: {app: db}}",
      invalid: /requiredDuringSchedulingIgnoredDuringExecution\[0\]\.topologyKey is required/,
    },
    {
      name: "core/v1 validation: an empty topologyKey is no topologyKey",
      spec: 'affinity:\n  podAntiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - {topologyKey: "", labelSelector: {matchLabels: {a: b}}}',
      invalid: /topologyKey is required/,
    },
    {
      name: "core/v1 validation: a preferred pod affinity term needs podAffinityTerm",
      spec: "affinity:\n  podAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n    - weight: 10",
      invalid: /podAffinityTerm is required/,
    },
    {
      name: "metav1 validation: a label selector requirement with In needs values",
      spec: "affinity:\n  podAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - labelSelector:\n        matchExpressions: [{key: app, operator: In}]\n      topologyKey: zone",
      invalid: /values must be non-empty for operator In/,
    },
    {
      name: "metav1 validation: Gt is not a label selector operator",
      spec: 'affinity:\n  podAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n    - labelSelector:\n        matchExpressions: [{key: app, operator: Gt, values: ["1"]}]\n      topologyKey: zone',
      invalid: /operator must be one of In, NotIn, Exists, DoesNotExist/,
    },
  ]);
});

describe("core/v1 TopologySpreadConstraint", () => {
  const spread = (c: string): string => `topologySpreadConstraints:\n- ${c}`;
  specCases([
    {
      name: "core/v1 TopologySpreadConstraint: every field is kept",
      spec: spread(
        "{maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, minDomains: 3, nodeAffinityPolicy: Ignore, nodeTaintsPolicy: Honor, matchLabelKeys: [pod-template-hash]}",
      ),
      check: (s) =>
        assert.deepEqual(strip(s.topologySpreadConstraints), [
          {
            maxSkew: 2,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { app: "web" }, matchExpressions: [] },
            minDomains: 3,
            nodeAffinityPolicy: "Ignore",
            nodeTaintsPolicy: "Honor",
            matchLabelKeys: ["pod-template-hash"],
          },
        ]),
    },
    {
      name: "core/v1 TopologySpreadConstraint: absent policies stay undefined (the scheduler applies Honor/Ignore defaults)",
      spec: spread("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway}"),
      check: (s) => {
        const c = s.topologySpreadConstraints[0]!;
        assert.deepEqual(
          [c.whenUnsatisfiable, c.nodeAffinityPolicy, c.nodeTaintsPolicy, c.minDomains, c.labelSelector],
          ["ScheduleAnyway", undefined, undefined, undefined, null],
        );
      },
    },
    {
      name: "core/v1 validation: whenUnsatisfiable is required",
      spec: spread("{maxSkew: 1, topologyKey: zone}"),
      invalid: /whenUnsatisfiable is required/,
    },
    {
      name: "core/v1 validation: whenUnsatisfiable is DoNotSchedule or ScheduleAnyway",
      spec: spread("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Maybe}"),
      invalid: /whenUnsatisfiable must be one of DoNotSchedule, ScheduleAnyway/,
    },
    {
      name: "core/v1 validation: maxSkew must be at least 1",
      spec: spread("{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}"),
      invalid: /maxSkew must be at least 1, not 0/,
    },
    {
      name: "core/v1 validation: maxSkew is required",
      spec: spread("{topologyKey: zone, whenUnsatisfiable: DoNotSchedule}"),
      invalid: /maxSkew is required/,
    },
    {
      name: "core/v1 validation: topologyKey is required",
      spec: spread("{maxSkew: 1, whenUnsatisfiable: DoNotSchedule}"),
      invalid: /topologyKey is required/,
    },
    {
      name: "core/v1 validation: minDomains must be at least 1",
      spec: spread("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, minDomains: 0}"),
      invalid: /minDomains must be at least 1, not 0/,
    },
    {
      name: "core/v1 validation: nodeAffinityPolicy is Honor or Ignore",
      spec: spread("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, nodeAffinityPolicy: Always}"),
      invalid: /nodeAffinityPolicy must be one of Honor, Ignore/,
    },
    {
      name: "core/v1 validation: nodeTaintsPolicy is Honor or Ignore",
      spec: spread("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, nodeTaintsPolicy: Never}"),
      invalid: /nodeTaintsPolicy must be one of Honor, Ignore/,
    },
    {
      name: "core/v1 validation: minDomains can only be used with whenUnsatisfiable DoNotSchedule",
      spec: spread("{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 2}"),
      invalid: /minDomains/,
    },
  ]);
});

describe("core/v1 containers, init containers and overhead", () => {
  specCases([
    {
      name: "core/v1 PodSpec: an empty initContainers list; a container without resources requests nothing",
      spec: "initContainers: []",
      check: (s) =>
        assert.deepEqual([s.containers[0]?.name, s.containers[0]?.requests, s.initContainers], ["c", {}, []]),
    },
    {
      name: "KEP-753 sidecars: an init container with restartPolicy Always keeps it (a restartable sidecar)",
      spec: 'initContainers:\n- name: istio-proxy\n  restartPolicy: Always\n  resources: {requests: {cpu: 100m, memory: 128Mi}}\n- name: migrate\n  resources: {requests: {cpu: "1"}}',
      check: (s) =>
        assert.deepEqual(
          s.initContainers.map((c) => [c.name, c.restartPolicy, c.requests]),
          [
            ["istio-proxy", "Always", { cpu: 100, memory: 134217728 }],
            ["migrate", undefined, { cpu: 1000 }],
          ],
        ),
    },
    {
      name: "core/v1 PodSpec: overhead (RuntimeClass) is a resource list",
      spec: "overhead: {cpu: 250m, memory: 120Mi}",
      check: (s) => assert.deepEqual(s.overhead, { cpu: 250, memory: 125829120 }),
    },
    {
      name: "core/v1 PodSpec: schedulerName is kept; hostNetwork defaults to false",
      spec: "schedulerName: custom",
      check: (s) =>
        assert.deepEqual([s.schedulerName, s.hostNetwork, s.priorityClassName], ["custom", false, undefined]),
    },
    {
      name: "apimachinery quantity: a request that is not a quantity skips the pod",
      spec: "overhead: {cpu: fast}",
      invalid: /spec\.overhead\.cpu: "fast" is not a valid quantity/,
    },
  ]);

  test("core/v1 validation: containers must not be empty", () => {
    const draft = convertYaml(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers: []\n",
      "pod.yaml",
    );
    skipped(draft, "Pod ns/p", /spec: containers must not be empty/);
  });

  test("core/v1 ContainerPort: protocol defaults to TCP, hostPort kept, a port without containerPort is dropped with an invalid-field warning", () => {
    const draft = convertYaml(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: 8080, hostPort: 80}\n    - {name: metrics, protocol: UDP}\n",
      "pod.yaml",
    );
    assert.deepEqual(strip(draft.kubernetes.pods[0]?.spec.containers[0]?.ports), [
      { name: "http", containerPort: 8080, hostPort: 80, protocol: "TCP" },
    ]);
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-field");
    assert.match(d.message, /^Pod ns\/p: spec\.containers\[0\]\.ports\[1\]: containerPort is required/);
    assert.equal(d.source?.line, 9);
  });
});

describe("env values: only the whitelisted CNI settings are kept", () => {
  const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const daemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: aws-node}}
  template:
    metadata: {labels: {k8s-app: aws-node}}
    spec:
      initContainers:
      - name: init
        env:
        - {name: DB_PASSWORD, value: init-secret-value}
      containers:
      - name: aws-node
        env:
        - {name: AWS_SECRET_ACCESS_KEY, value: ${SECRET}}
        - {name: AWS_VPC_K8S_CNI_EXTERNALSNAT, value: "true"}
        - {name: AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, value: "10.10.0.0/16"}
        - name: TOKEN
          valueFrom: {secretKeyRef: {name: s, key: token}}
        - {name: FELIX_NATOUTGOINGADDRESS, value: 10.0.0.100}
`;
  const draft = convertYaml(daemonSet, "aws-node.yaml");
  const container = draft.kubernetes.workloads[0]?.template.spec.containers[0];

  test("Container env: every env name is kept, in order", () => {
    assert.deepEqual(container?.envNames, [
      "AWS_SECRET_ACCESS_KEY",
      "AWS_VPC_K8S_CNI_EXTERNALSNAT",
      "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS",
      "TOKEN",
      "FELIX_NATOUTGOINGADDRESS",
    ]);
  });
  test("Container env: only whitelisted CNI values are kept", () => {
    assert.deepEqual(container?.envValues, {
      AWS_VPC_K8S_CNI_EXTERNALSNAT: "true",
      AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: "10.10.0.0/16",
      FELIX_NATOUTGOINGADDRESS: "10.0.0.100",
    });
  });
  test("Container env: a literal AWS_SECRET_ACCESS_KEY value appears nowhere in the draft", () => {
    const all = JSON.stringify(draft);
    assert.equal(all.includes(SECRET), false);
    assert.equal(all.includes("init-secret-value"), false);
  });
  test("Container env: a secret env value inside kubectl's last-applied-configuration annotation appears nowhere in the draft", () => {
    const lastApplied = JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      spec: {
        template: { spec: { containers: [{ name: "c", env: [{ name: "AWS_SECRET_ACCESS_KEY", value: SECRET }] }] } },
      },
    });
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '${lastApplied}'
spec:
  template:
    spec:
      containers:
      - name: c
        env:
        - {name: AWS_SECRET_ACCESS_KEY, value: ${SECRET}}
`;
    const d = convertYaml(text, "web.yaml");
    assert.equal(d.kubernetes.workloads.length, 1);
    assert.equal(JSON.stringify(d).includes(SECRET), false);
  });
});

// ---------------------------------------------------------------------------------------------
// Workloads

describe("workload replicas", () => {
  const template = "  template:\n    spec:\n      containers: [{name: c}]";
  const cases: {
    name: string;
    yaml: string;
    expected: { kind: string; replicas: number | null; serviceName?: string };
  }[] = [
    {
      name: "apps/v1 defaulting: a Deployment's replicas default to 1",
      yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n${template}`,
      expected: { kind: "Deployment", replicas: 1 },
    },
    {
      name: "apps/v1 Deployment: explicit replicas",
      yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: 3\n${template}`,
      expected: { kind: "Deployment", replicas: 3 },
    },
    {
      name: "apps/v1 Deployment: replicas 0 (scaled down) stays 0",
      yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: 0\n${template}`,
      expected: { kind: "Deployment", replicas: 0 },
    },
    {
      name: "apps/v1 StatefulSet: replicas and serviceName",
      yaml: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w}\nspec:\n  replicas: 2\n  serviceName: w-headless\n${template}`,
      expected: { kind: "StatefulSet", replicas: 2, serviceName: "w-headless" },
    },
    {
      name: "apps/v1 defaulting: a StatefulSet's replicas default to 1",
      yaml: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w}\nspec:\n${template}`,
      expected: { kind: "StatefulSet", replicas: 1 },
    },
    {
      name: "apps/v1 DaemonSet: no replica count (one pod per eligible node), even if one is written",
      yaml: `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w}\nspec:\n  replicas: 4\n${template}`,
      expected: { kind: "DaemonSet", replicas: null },
    },
    {
      name: "apps/v1 ReplicaSet: replicas",
      yaml: `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w}\nspec:\n  replicas: 5\n${template}`,
      expected: { kind: "ReplicaSet", replicas: 5 },
    },
    {
      name: "core/v1 ReplicationController: replicas",
      yaml: `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: w}\nspec:\n  replicas: 2\n${template}`,
      expected: { kind: "ReplicationController", replicas: 2 },
    },
    {
      name: "batch/v1 defaulting: a Job's parallelism defaults to 1",
      yaml: `apiVersion: batch/v1\nkind: Job\nmetadata: {name: w}\nspec:\n${template}`,
      expected: { kind: "Job", replicas: 1 },
    },
    {
      name: "batch/v1 Job: parallelism runs that many pods at once",
      yaml: `apiVersion: batch/v1\nkind: Job\nmetadata: {name: w}\nspec:\n  parallelism: 4\n${template}`,
      expected: { kind: "Job", replicas: 4 },
    },
    {
      name: "batch/v1 Job: never more pods than completions",
      yaml: `apiVersion: batch/v1\nkind: Job\nmetadata: {name: w}\nspec:\n  parallelism: 5\n  completions: 2\n${template}`,
      expected: { kind: "Job", replicas: 2 },
    },
    {
      name: "batch/v1 Job: completions above parallelism leave parallelism",
      yaml: `apiVersion: batch/v1\nkind: Job\nmetadata: {name: w}\nspec:\n  parallelism: 2\n  completions: 10\n${template}`,
      expected: { kind: "Job", replicas: 2 },
    },
    {
      name: "batch/v1 CronJob: its job template's parallelism",
      yaml: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      parallelism: 3\n      template:\n        spec:\n          containers: [{name: c}]\n',
      expected: { kind: "CronJob", replicas: 3 },
    },
    {
      name: "batch/v1 CronJob: the job template's parallelism defaults to 1",
      yaml: 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: w}\nspec:\n  schedule: "@hourly"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c}]\n',
      expected: { kind: "CronJob", replicas: 1 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const draft = convertYaml(c.yaml, "w.yaml", "apps");
      noDiagnostics(draft);
      const w = draft.kubernetes.workloads[0] as Workload;
      assert.deepEqual(
        { kind: w.kind, replicas: w.replicas, ...(w.serviceName !== undefined ? { serviceName: w.serviceName } : {}) },
        c.expected,
      );
      assert.equal(w.namespace, "apps");
    });
  }

  const invalid: { name: string; yaml: string; reason: RegExp }[] = [
    {
      name: "apps/v1 validation: replicas cannot be negative",
      yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: apps}\nspec:\n  replicas: -1\n${template}`,
      reason: /spec\.replicas must be at least 0, not -1/,
    },
    {
      name: "apps/v1 validation: a Deployment needs a pod template",
      yaml: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: apps}\nspec:\n  replicas: 1\n",
      reason: /template is required/,
    },
    {
      name: "batch/v1 validation: a CronJob needs a jobTemplate",
      yaml: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w, namespace: apps}\nspec:\n  schedule: "@daily"\n',
      reason: /jobTemplate is required/,
    },
    {
      name: "apps/v1: replicas is an integer, not a string",
      yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: apps}\nspec:\n  replicas: "2"\n${template}`,
      reason: /spec\.replicas must be an integer, not a string/,
    },
  ];
  for (const c of invalid) {
    test(c.name, () => {
      const draft = convertYaml(c.yaml, "w.yaml", "apps");
      assert.equal(draft.kubernetes.workloads.length, 0);
      const kind = /kind: (\w+)/.exec(c.yaml)![1]!;
      skipped(draft, `${kind} apps/w`, c.reason);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Lists and namespaces

describe("lists: kind List and typed lists", () => {
  test("kubectl `kind: List`: every item is converted by its own kind", () => {
    const draft = convertYaml(
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n  spec: {ports: [{port: 80}]}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d, namespace: other}\n  spec:\n    template: {spec: {containers: [{name: c}]}}\n",
      "list.yaml",
      "argocd",
    );
    noDiagnostics(draft);
    assert.deepEqual(
      draft.kubernetes.services.map((s) => [s.namespace, s.name]),
      [["argocd", "s"]],
    );
    assert.deepEqual(
      draft.kubernetes.workloads.map((w) => [w.kind, w.namespace, w.name]),
      [["Deployment", "other", "d"]],
    );
    assert.deepEqual(draft.counts.get("list.yaml"), { Service: 1, Deployment: 1 });
  });

  test("kubectl `kind: List`: each item cites its own line", () => {
    const draft = convertYaml(
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: b}\n",
      "list.yaml",
    );
    assert.deepEqual(
      draft.kubernetes.namespaces.map((n) => [n.name, n.meta.source.line, n.meta.source.col]),
      [
        ["a", 4, 3],
        ["b", 7, 3],
      ],
    );
  });

  test("API typed list (PodList): items without kind and apiVersion take the list's kind less List and its apiVersion", () => {
    const draft = convertYaml(
      'apiVersion: v1\nkind: PodList\nmetadata: {resourceVersion: "1"}\nitems:\n- metadata: {name: a, namespace: ns1}\n  spec: {containers: [{name: c}]}\n- metadata: {name: b}\n  spec: {containers: [{name: c}]}\n',
      "pods.yaml",
      "argocd",
    );
    noDiagnostics(draft);
    assert.deepEqual(
      draft.kubernetes.pods.map((p) => [p.meta.kind, p.meta.apiVersion, p.namespace, p.name]),
      [
        ["Pod", "v1", "ns1", "a"],
        ["Pod", "v1", "argocd", "b"],
      ],
    );
  });

  test("API typed list (NamespaceList): items become cluster-scoped Namespaces", () => {
    const draft = convertYaml(
      "apiVersion: v1\nkind: NamespaceList\nitems:\n- metadata: {name: argocd, labels: {team: platform}}\n",
      "ns.yaml",
      "default",
    );
    assert.deepEqual(
      draft.kubernetes.namespaces.map((n) => [n.name, n.meta.namespace, n.labels]),
      [["argocd", undefined, { team: "platform", "kubernetes.io/metadata.name": "argocd" }]],
    );
  });

  test("API typed list (PodList): each item cites its own line, not the list's", () => {
    const draft = convertYaml(
      "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a, namespace: ns}\n  spec: {containers: [{name: c}]}\n- metadata: {name: b, namespace: ns}\n  spec: {containers: [{name: c}]}\n",
      "pods.yaml",
    );
    assert.deepEqual(
      draft.kubernetes.pods.map((p) => [p.name, p.meta.source.line, p.meta.source.col]),
      [
        ["a", 4, 3],
        ["b", 6, 3],
      ],
    );
  });

  test("kubectl `kind: List`: an item that is not an object is skipped with an invalid-object warning at its line", () => {
    const draft = convertYaml(
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- [not, an, object]\n",
      "list.yaml",
    );
    assert.deepEqual(
      draft.kubernetes.namespaces.map((n) => n.name),
      ["a"],
    );
    const d = only(draft.diagnostics);
    assert.equal(d.code, "invalid-object");
    assert.match(
      d.message,
      /^items\[1\] skipped: a list item must be a Kubernetes object with apiVersion and kind, not a list/,
    );
    assert.deepEqual([d.source?.line, d.source?.col], [7, 3]);
  });
});

describe("namespaces: kubectl apply -n semantics", () => {
  const text = `apiVersion: v1
kind: Service
metadata: {name: no-ns}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: with-ns, namespace: shop}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty-ns, namespace: ""}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Node
metadata: {name: n1, namespace: argocd}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: alb}
spec: {controller: ingress.k8s.aws/alb}
---
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata: {name: pool}
spec: {cidr: 192.168.0.0/16}
---
apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata: {name: default}
spec: {}
`;
  const draft = convertYaml(text, "ns.yaml", "argocd");
  const services = new Map(draft.kubernetes.services.map((s) => [s.name, s.namespace]));
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    {
      name: "kubectl apply -n: an object without a namespace takes the one passed in",
      actual: () => services.get("no-ns"),
      expected: "argocd",
    },
    {
      name: "kubectl apply -n: an object's own namespace wins",
      actual: () => services.get("with-ns"),
      expected: "shop",
    },
    {
      name: "kubectl apply -n: an empty namespace counts as none",
      actual: () => services.get("empty-ns"),
      expected: "argocd",
    },
    {
      name: "cluster-scoped: a Node never gets a namespace",
      actual: () => draft.kubernetes.nodes[0]?.meta.namespace,
      expected: undefined,
    },
    {
      name: "cluster-scoped: a Namespace never gets a namespace",
      actual: () => draft.kubernetes.namespaces[0]?.meta.namespace,
      expected: undefined,
    },
    {
      name: "cluster-scoped: a PriorityClass never gets a namespace",
      actual: () => draft.kubernetes.priorityClasses[0]?.meta.namespace,
      expected: undefined,
    },
    {
      name: "cluster-scoped: an IngressClass never gets a namespace",
      actual: () => draft.kubernetes.ingressClasses[0]?.meta.namespace,
      expected: undefined,
    },
    {
      name: "cluster-scoped: a Calico IPPool never gets a namespace",
      actual: () => draft.kubernetes.ipPools[0]?.meta.namespace,
      expected: undefined,
    },
    {
      name: "cluster-scoped: a Calico FelixConfiguration never gets a namespace",
      actual: () => draft.kubernetes.felixConfigurations[0]?.meta.namespace,
      expected: undefined,
    },
    {
      name: "the API server labels a Namespace with kubernetes.io/metadata.name",
      actual: () => draft.kubernetes.namespaces[0]?.labels,
      expected: { "kubernetes.io/metadata.name": "shop" },
    },
    { name: "every object converts without diagnostics", actual: () => draft.diagnostics, expected: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));
});

// ---------------------------------------------------------------------------------------------
// Services and endpoints

describe("core/v1 Service", () => {
  const service = (spec: string, name = "s"): string =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${indent(spec, 2)}\n`;
  const cases: { name: string; spec: string; expected: Record<string, unknown>; todo?: string }[] = [
    {
      name: "core/v1 defaulting: targetPort defaults to port, protocol to TCP, type to ClusterIP",
      spec: "selector: {app: web}\nports:\n- port: 80",
      expected: { type: "ClusterIP", ports: [{ protocol: "TCP", port: 80, targetPort: 80 }], selector: { app: "web" } },
    },
    {
      name: "core/v1 ServicePort: a named targetPort stays a name",
      spec: "ports:\n- {name: http, port: 80, targetPort: http}",
      expected: { ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: "http" }] },
    },
    {
      name: "core/v1 ServicePort: UDP and SCTP protocols are kept",
      spec: "ports:\n- {port: 53, protocol: UDP}\n- {port: 9, protocol: SCTP}",
      expected: {
        ports: [
          { protocol: "UDP", port: 53, targetPort: 53 },
          { protocol: "SCTP", port: 9, targetPort: 9 },
        ],
      },
    },
    {
      name: "core/v1 ServicePort: a NodePort Service keeps its nodePort",
      spec: "type: NodePort\nports:\n- {port: 80, nodePort: 30080}",
      expected: { type: "NodePort", ports: [{ protocol: "TCP", port: 80, targetPort: 80, nodePort: 30080 }] },
    },
    {
      name: 'core/v1: externalTrafficPolicy "OnlyLocal" (its pre-1.7 spelling) means Local',
      spec: "type: LoadBalancer\nexternalTrafficPolicy: OnlyLocal\nports: [{port: 80}]",
      expected: { externalTrafficPolicy: "Local" },
    },
    {
      name: "core/v1 defaulting: traffic policies default to Cluster",
      spec: "ports: [{port: 80}]",
      expected: { externalTrafficPolicy: "Cluster", internalTrafficPolicy: "Cluster" },
    },
    {
      name: "core/v1 Service: without a selector, selector is null (endpoints managed by hand)",
      spec: "ports: [{port: 80}]",
      expected: { selector: null },
    },
    {
      name: "core/v1 Service: an empty selector ({}) is no selector (selector is omitempty: the API stores none), so selector is null",
      spec: "selector: {}\nports: [{port: 80}]",
      expected: { selector: null },
    },
    {
      name: "core/v1 Service: a headless Service has clusterIP None",
      spec: "clusterIP: None\nports: [{port: 5432}]",
      expected: { clusterIP: "None" },
    },
    {
      name: "core/v1 Service: a manifest without clusterIP has none yet",
      spec: "ports: [{port: 80}]",
      expected: { clusterIP: undefined },
    },
    {
      name: "core/v1 Service: clusterIP, clusterIPs and externalIPs are kept",
      spec: "clusterIP: 10.96.0.10\nclusterIPs: [10.96.0.10]\nexternalIPs: [203.0.113.5]\nports: [{port: 53}]",
      expected: { clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"], externalIPs: ["203.0.113.5"] },
    },
    {
      name: "core/v1 defaulting (SetDefaults_Service): targetPort 0 means the port",
      spec: "ports:\n- {port: 80, targetPort: 0}",
      expected: { ports: [{ protocol: "TCP", port: 80, targetPort: 80 }] },
    },
    {
      name: "core/v1 defaulting (SetDefaults_Service): an empty string targetPort means the port",
      spec: 'ports:\n- {port: 81, targetPort: ""}',
      expected: { ports: [{ protocol: "TCP", port: 81, targetPort: 81 }] },
    },
    {
      name: 'core/v1 Service: nodePort 0 means "allocate one" (no nodePort yet)',
      spec: "type: NodePort\nports:\n- {port: 80, nodePort: 0}",
      expected: { ports: [{ protocol: "TCP", port: 80, targetPort: 80 }] },
    },
  ];
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const draft = convertYaml(service(c.spec), "svc.yaml");
      noDiagnostics(draft);
      const s = draft.kubernetes.services[0]!;
      const picked = Object.fromEntries(
        Object.keys(c.expected).map((k) => [k, strip((s as unknown as Record<string, unknown>)[k])]),
      );
      assert.deepEqual(picked, c.expected);
    });
  }

  const invalid: { name: string; spec: string; reason: RegExp; todo?: string }[] = [
    {
      name: 'core/v1 validation (IsValidPortName): a quoted numeric targetPort ("8443") is a port name without a letter, which is invalid',
      spec: 'ports:\n- {port: 443, targetPort: "8443"}',
      reason: /targetPort/,
    },
    {
      name: "core/v1 validation: an invalid clusterIP skips the Service",
      spec: "clusterIP: 10.96.0.300\nports: [{port: 80}]",
      reason: /clusterIP "10\.96\.0\.300" is not an IP address/,
    },
    {
      name: "core/v1 validation: a nodePort must be a port number (at most 65535)",
      spec: "type: NodePort\nports:\n- {port: 80, nodePort: 70000}",
      reason: /spec\.ports\[0\]\.nodePort must be between \d+ and 65535, not 70000/,
    },
    {
      name: "core/v1 validation: a Service port needs a port",
      spec: "ports:\n- {targetPort: 80}",
      reason: /port is required/,
    },
    {
      name: "core/v1 validation: a targetPort number must be a port",
      spec: "ports:\n- {port: 80, targetPort: 65536}",
      reason: /targetPort must be between 1 and 65535/,
    },
    {
      name: "core/v1 validation: type is ClusterIP, NodePort, LoadBalancer or ExternalName",
      spec: "type: Internal\nports: [{port: 80}]",
      reason: /spec\.type must be one of ClusterIP, NodePort, LoadBalancer, ExternalName/,
    },
    {
      name: "core/v1 validation: externalTrafficPolicy is Cluster or Local",
      spec: "externalTrafficPolicy: Global\nports: [{port: 80}]",
      reason: /externalTrafficPolicy must be one of Cluster, Local/,
    },
  ];
  for (const c of invalid) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const draft = convertYaml(service(c.spec), "svc.yaml");
      assert.equal(draft.kubernetes.services.length, 0);
      skipped(draft, "Service shop/s", c.reason);
    });
  }
});

describe("discovery.k8s.io/v1 EndpointSlice and core/v1 Endpoints", () => {
  const text = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc12
  namespace: shop
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
endpoints:
- addresses: [10.0.0.5]
  conditions: {ready: false, terminating: true}
  nodeName: n1
  zone: ap-northeast-2a
  targetRef: {kind: Pod, name: web-1}
- addresses: [10.0.0.6]
ports:
- {name: http, port: 8080}
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual, namespace: shop}
subsets:
- addresses: [{ip: 10.1.0.1, nodeName: n2}]
  notReadyAddresses: [{ip: 10.1.0.2}]
  ports: [{name: pg, port: 5432}]
- addresses: [{ip: 10.1.0.3}]
  ports: [{port: 5433, protocol: UDP}]
`;
  const draft = convertYaml(text, "ep.yaml");
  const slice = draft.kubernetes.endpointSlices.find((s) => s.meta.kind === "EndpointSlice")!;
  const legacy = draft.kubernetes.endpointSlices.filter((s) => s.meta.kind === "Endpoints");
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    { name: "no diagnostics", actual: () => draft.diagnostics, expected: [] },
    {
      name: "EndpointSlice: the service is named by the kubernetes.io/service-name label",
      actual: () => slice.serviceName,
      expected: "web",
    },
    {
      name: "EndpointSlice conditions: ready defaults to true, serving to ready, terminating to false; targetRef namespace is the slice's",
      actual: () => strip(slice.endpoints),
      expected: [
        {
          address: "10.0.0.5",
          ready: false,
          serving: false,
          terminating: true,
          nodeName: "n1",
          zone: "ap-northeast-2a",
          targetRef: { kind: "Pod", namespace: "shop", name: "web-1" },
        },
        { address: "10.0.0.6", ready: true, serving: true, terminating: false },
      ],
    },
    {
      name: "EndpointSlice: ports default to TCP",
      actual: () => strip(slice.ports),
      expected: [{ name: "http", port: 8080, protocol: "TCP" }],
    },
    {
      name: "Endpoints: each subset becomes one slice-shaped group named NAME#i, for the service of the same name",
      actual: () => legacy.map((s) => [s.name, s.serviceName]),
      expected: [
        ["manual#0", "manual"],
        ["manual#1", "manual"],
      ],
    },
    {
      name: "Endpoints: notReadyAddresses are endpoints that are not ready",
      actual: () => legacy[0]!.endpoints.map((e) => [e.address, e.ready, e.nodeName]),
      expected: [
        ["10.1.0.1", true, "n2"],
        ["10.1.0.2", false, undefined],
      ],
    },
    {
      name: "Endpoints: subset ports keep name and protocol",
      actual: () => strip(legacy.map((s) => s.ports)),
      expected: [[{ name: "pg", port: 5432, protocol: "TCP" }], [{ port: 5433, protocol: "UDP" }]],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));

  test("discovery/v1 validation: an IPv4 EndpointSlice address must be an IP address", () => {
    const d = convertYaml(
      "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e, namespace: shop}\naddressType: IPv4\nendpoints:\n- addresses: [web.example.com]\n",
      "ep.yaml",
    );
    assert.equal(d.kubernetes.endpointSlices.length, 0);
    skipped(d, "EndpointSlice shop/e", /address "web\.example\.com" is not an IP address/);
  });

  test("discovery/v1: an FQDN EndpointSlice may hold host names", () => {
    const d = convertYaml(
      "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e, namespace: shop}\naddressType: FQDN\nendpoints:\n- addresses: [web.example.com]\n",
      "ep.yaml",
    );
    noDiagnostics(d);
    assert.deepEqual(
      d.kubernetes.endpointSlices[0]?.endpoints.map((e) => e.address),
      ["web.example.com"],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// NetworkPolicy

describe("networking.k8s.io/v1 NetworkPolicy", () => {
  const policy = (spec: string): string =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: shop}\nspec:\n${indent(spec, 2)}\n`;
  const cases: {
    name: string;
    spec: string;
    check: (p: ReturnType<typeof convertYaml>["kubernetes"]["networkPolicies"][number]) => void;
  }[] = [
    {
      name: "networking/v1 defaulting: policyTypes default to [Ingress]",
      spec: "podSelector: {matchLabels: {app: a}}",
      check: (p) => assert.deepEqual(p.policyTypes, ["Ingress"]),
    },
    {
      name: "networking/v1 defaulting: policyTypes default to [Ingress, Egress] when egress rules exist",
      spec: "podSelector: {}\negress:\n- to: [{podSelector: {}}]",
      check: (p) => assert.deepEqual(p.policyTypes, ["Ingress", "Egress"]),
    },
    {
      name: "networking/v1: declared policyTypes are kept (Egress alone denies all egress)",
      spec: "podSelector: {}\npolicyTypes: [Egress]",
      check: (p) => assert.deepEqual([p.policyTypes, p.egress], [["Egress"], []]),
    },
    {
      name: "networking/v1: an empty podSelector selects every pod in the namespace",
      spec: "podSelector: {}",
      check: (p) => assert.deepEqual(p.podSelector, { matchLabels: {}, matchExpressions: [] }),
    },
    {
      name: "networking/v1 IPBlock: cidr and except are kept",
      spec: "podSelector: {}\negress:\n- to:\n  - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.169.254/32]}",
      check: (p) =>
        assert.deepEqual(p.egress[0]?.peers[0]?.ipBlock, {
          cidr: "0.0.0.0/0",
          except: ["10.0.0.0/8", "169.254.169.254/32"],
        }),
    },
    {
      name: "networking/v1 NetworkPolicyPort: a port range (port..endPort), and a named port",
      spec: "podSelector: {}\ningress:\n- ports:\n  - {port: 32000, endPort: 32768}\n  - {port: http}\n  - {protocol: UDP}",
      check: (p) =>
        assert.deepEqual(strip(p.ingress[0]?.ports), [
          { protocol: "TCP", port: 32000, endPort: 32768 },
          { protocol: "TCP", port: "http" },
          { protocol: "UDP" },
        ]),
    },
    {
      name: "networking/v1 NetworkPolicyPeer: namespaceSelector and podSelector together select pods in those namespaces",
      spec: "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {team: a}}\n    podSelector: {matchLabels: {app: b}}",
      check: (p) =>
        assert.deepEqual(strip(p.ingress[0]?.peers), [
          {
            podSelector: { matchLabels: { app: "b" }, matchExpressions: [] },
            namespaceSelector: { matchLabels: { team: "a" }, matchExpressions: [] },
          },
        ]),
    },
    {
      name: "networking/v1: each rule cites its line",
      spec: "podSelector: {}\ningress:\n- from: [{podSelector: {}}]\n- ports: [{port: 80}]",
      check: (p) =>
        assert.deepEqual(
          p.ingress.map((r) => r.source.line),
          [7, 8],
        ),
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const draft = convertYaml(policy(c.spec), "np.yaml");
      noDiagnostics(draft);
      c.check(draft.kubernetes.networkPolicies[0]!);
    });
  }

  const invalid: { name: string; spec: string; reason: RegExp; todo?: string }[] = [
    {
      name: "networking/v1 validation: an ipBlock with an invalid CIDR skips the policy",
      spec: "podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0/33}",
      reason: /cidr "10\.0\.0\.0\/33" is not a valid CIDR block/,
    },
    {
      name: "networking/v1 validation: an except entry must be a CIDR",
      spec: "podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0]}",
      reason: /except "10\.1\.0\.0" is not a valid CIDR block/,
    },
    {
      name: 'networking/v1 validation (IsValidPortName): a quoted numeric port ("80") is a port name without a letter, which is invalid',
      spec: 'podSelector: {}\ningress:\n- ports:\n  - {port: "80"}',
      reason: /port/,
    },
    {
      name: "networking/v1 validation: endPort below port is invalid",
      spec: "podSelector: {}\ningress:\n- ports:\n  - {port: 9000, endPort: 8000}",
      reason: /endPort 8000 is below port 9000/,
    },
    {
      name: "networking/v1 validation: endPort needs a numeric port (not a named one)",
      spec: "podSelector: {}\ningress:\n- ports:\n  - {port: http, endPort: 8000}",
      reason: /endPort needs a numeric port/,
    },
    {
      name: "networking/v1 validation: ipBlock cannot be combined with a selector in one peer",
      spec: "podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0/8}\n    podSelector: {}",
      reason: /ipBlock cannot be combined with podSelector or namespaceSelector/,
    },
    {
      name: "networking/v1 validation: policyTypes are Ingress or Egress",
      spec: "podSelector: {}\npolicyTypes: [Both]",
      reason: /policyTypes: "Both" is neither Ingress nor Egress/,
    },
    { name: "networking/v1 validation: a NetworkPolicy needs a spec", spec: "{}", reason: /./ },
    {
      name: "networking/v1 validation: except must be a strict subset of cidr (outside it)",
      spec: "podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0/16, except: [192.168.0.0/24]}",
      reason: /subset|inside/,
    },
    {
      name: "networking/v1 validation: except must be a strict subset of cidr (equal to it)",
      spec: "podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}",
      reason: /subset|inside/,
    },
  ];
  for (const c of invalid) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const text =
        c.spec === "{}"
          ? "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: shop}\n"
          : policy(c.spec);
      const draft = convertYaml(text, "np.yaml");
      assert.equal(draft.kubernetes.networkPolicies.length, 0);
      skipped(draft, "NetworkPolicy shop/np", c.reason);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Ingress, IngressClass, ALB annotations

describe("networking.k8s.io/v1 Ingress", () => {
  const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: argocd
  namespace: argocd
  annotations:
    kubernetes.io/ingress.class: alb
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS":443}]'
spec:
  defaultBackend:
    service: {name: fallback, port: {number: 8080}}
  tls:
  - hosts: [argocd.example.com]
  rules:
  - host: argocd.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: argocd-server, port: {name: https}}
      - path: /bucket
        pathType: Exact
        backend:
          resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: b}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: both
  namespace: argocd
spec:
  ingressClassName: nginx
`;
  const draft = convertYaml(text, "ing.yaml");
  const ing = draft.kubernetes.ingresses.find((i) => i.name === "argocd")!;
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    { name: "no diagnostics", actual: () => draft.diagnostics, expected: [] },
    {
      name: "networking/v1: without spec.ingressClassName the kubernetes.io/ingress.class annotation names the class",
      actual: () => ing.ingressClassName,
      expected: "alb",
    },
    {
      name: "networking/v1: spec.ingressClassName names the class",
      actual: () => draft.kubernetes.ingresses.find((i) => i.name === "both")?.ingressClassName,
      expected: "nginx",
    },
    {
      name: "networking/v1 IngressBackend: defaultBackend with a port number",
      actual: () => strip(ing.defaultBackend),
      expected: { service: { name: "fallback", port: 8080 } },
    },
    {
      name: "networking/v1 HTTPIngressPath: paths keep path, pathType and backend (a port name, a resource)",
      actual: () => strip(ing.rules),
      expected: [
        {
          host: "argocd.example.com",
          paths: [
            { path: "/", pathType: "Prefix", backend: { service: { name: "argocd-server", port: "https" } } },
            { path: "/bucket", pathType: "Exact", backend: { resource: { kind: "StorageBucket", name: "b" } } },
          ],
        },
      ],
    },
    {
      name: "networking/v1: each path cites its line",
      actual: () => ing.rules[0]?.paths.map((p) => p.source.line),
      expected: [19, 23],
    },
    {
      name: "networking/v1 IngressTLS: hosts are kept",
      actual: () => strip(ing.tls),
      expected: [{ hosts: ["argocd.example.com"] }],
    },
    {
      name: "ALB annotations are parsed onto the Ingress",
      actual: () => [ing.alb.scheme, ing.alb.listenPorts],
      expected: ["internet-facing", [{ protocol: "HTTPS", port: 443 }]],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));

  const ingress = (paths: string, apiVersion = "networking.k8s.io/v1"): string =>
    `apiVersion: ${apiVersion}\nkind: Ingress\nmetadata: {name: i, namespace: web}\nspec:\n  rules:\n  - http:\n      paths:\n${indent(paths, 6)}\n`;
  const invalid: { name: string; yaml: string; reason: RegExp; line: number }[] = [
    {
      name: "networking/v1 validation: pathType is required",
      yaml: ingress("- path: /\n  backend:\n    service: {name: s, port: {number: 80}}"),
      reason: /spec\.rules\[0\]\.http\.paths\[0\]: pathType is required/,
      line: 8,
    },
    {
      name: "networking/v1 validation: pathType is Exact, Prefix or ImplementationSpecific",
      yaml: ingress("- path: /\n  pathType: Regex\n  backend:\n    service: {name: s, port: {number: 80}}"),
      reason: /pathType must be one of Exact, Prefix, ImplementationSpecific/,
      line: 9,
    },
    {
      name: "networking/v1 validation: a Prefix path must be absolute",
      yaml: ingress("- path: api\n  pathType: Prefix\n  backend:\n    service: {name: s, port: {number: 80}}"),
      reason: /path "api" must be absolute/,
      line: 8,
    },
    {
      name: "networking/v1 validation: a path needs a backend",
      yaml: ingress("- path: /\n  pathType: Prefix"),
      reason: /backend is required/,
      line: 8,
    },
    {
      name: "networking/v1 validation: a service backend needs port.number or port.name",
      yaml: ingress("- path: /\n  pathType: Prefix\n  backend:\n    service: {name: s, port: {}}"),
      reason: /port\.number or port\.name is required/,
      line: 11,
    },
  ];
  for (const c of invalid) {
    test(c.name, () => {
      const d = convertYaml(c.yaml, "ing.yaml");
      assert.equal(d.kubernetes.ingresses.length, 0);
      const w = skipped(d, "Ingress web/i", c.reason);
      assert.equal(w.source?.line, c.line);
    });
  }

  test("networking/v1beta1 defaulting (SetDefaults_HTTPIngressPath): a v1beta1 path without pathType is ImplementationSpecific, with a serviceName/servicePort backend", () => {
    const d = convertYaml(
      ingress("- path: /\n  backend: {serviceName: s, servicePort: 80}", "networking.k8s.io/v1beta1"),
      "ing.yaml",
    );
    noDiagnostics(d);
    assert.deepEqual(strip(d.kubernetes.ingresses[0]?.rules[0]?.paths), [
      { path: "/", pathType: "ImplementationSpecific", backend: { service: { name: "s", port: 80 } } },
    ]);
  });

  test("ALB annotations the controller cannot parse are invalid-field warnings; the Ingress is kept", () => {
    const d = convertYaml(
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: bad\n  namespace: web\n  annotations:\n    alb.ingress.kubernetes.io/listen-ports: nope\n    alb.ingress.kubernetes.io/scheme: public\n",
      "ing.yaml",
    );
    assert.equal(d.kubernetes.ingresses.length, 1);
    assert.deepEqual(
      d.diagnostics.map((x) => [x.code, x.message, x.source?.line]),
      [
        ["invalid-field", "Ingress web/bad: alb.ingress.kubernetes.io/listen-ports: not valid JSON", 1],
        [
          "invalid-field",
          'Ingress web/bad: alb.ingress.kubernetes.io/scheme: "public" is not one of internet-facing, internal',
          1,
        ],
      ],
    );
  });
});

describe("AWS Load Balancer Controller Ingress annotations (parseAlbAnnotations)", () => {
  const A = "alb.ingress.kubernetes.io/";
  const cases: {
    name: string;
    annotations: Record<string, string>;
    expected: Partial<Omit<AlbIngressSettings, "errors"> & { errors: string[] }>;
  }[] = [
    {
      name: 'aws-load-balancer-controller defaults: scheme internal, target-type instance, listen-ports [{"HTTP":80}], group.order 0, backend-protocol HTTP',
      annotations: {},
      expected: {
        scheme: "internal",
        targetType: "instance",
        listenPorts: [{ protocol: "HTTP", port: 80 }],
        groupOrder: 0,
        backendProtocol: "HTTP",
        groupName: undefined,
        errors: [],
      },
    },
    {
      name: 'aws-load-balancer-controller: with a certificate the default listen-ports are [{"HTTPS":443}]',
      annotations: {
        [`${A}certificate-arn`]:
          "arn:aws:acm:ap-northeast-2:111122223333:certificate/a, arn:aws:acm:ap-northeast-2:111122223333:certificate/b",
      },
      expected: {
        listenPorts: [{ protocol: "HTTPS", port: 443 }],
        certificateArns: [
          "arn:aws:acm:ap-northeast-2:111122223333:certificate/a",
          "arn:aws:acm:ap-northeast-2:111122223333:certificate/b",
        ],
        errors: [],
      },
    },
    {
      name: "aws-load-balancer-controller listen-ports: a JSON list of {protocol: port}",
      annotations: { [`${A}listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}, {"HTTPS": 8443}]' },
      expected: {
        listenPorts: [
          { protocol: "HTTP", port: 80 },
          { protocol: "HTTPS", port: 443 },
          { protocol: "HTTPS", port: 8443 },
        ],
        errors: [],
      },
    },
    {
      name: "aws-load-balancer-controller: scheme, target-type, group.name and group.order",
      annotations: {
        [`${A}scheme`]: "internet-facing",
        [`${A}target-type`]: "ip",
        [`${A}group.name`]: "shared-alb",
        [`${A}group.order`]: "-10",
      },
      expected: { scheme: "internet-facing", targetType: "ip", groupName: "shared-alb", groupOrder: -10, errors: [] },
    },
    {
      name: "aws-load-balancer-controller: comma lists (subnets, security-groups, inbound-cidrs) are trimmed",
      annotations: {
        [`${A}subnets`]: "subnet-a, subnet-b",
        [`${A}security-groups`]: "sg-1",
        [`${A}inbound-cidrs`]: "10.0.0.0/8, 192.168.0.0/16",
        [`${A}ssl-redirect`]: "443",
        [`${A}manage-backend-security-group-rules`]: "false",
      },
      expected: {
        subnets: ["subnet-a", "subnet-b"],
        securityGroups: ["sg-1"],
        inboundCidrs: ["10.0.0.0/8", "192.168.0.0/16"],
        sslRedirect: 443,
        manageBackendSecurityGroupRules: false,
        errors: [],
      },
    },
    {
      name: "aws-load-balancer-controller actions.NAME: the JSON is parsed and keyed by NAME",
      annotations: {
        [`${A}actions.ssl-redirect`]:
          '{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}',
      },
      expected: {
        actions: {
          "ssl-redirect": {
            Type: "redirect",
            RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" },
          },
        },
        errors: [],
      },
    },
    {
      name: "bad JSON in listen-ports lands in errors, the default stays",
      annotations: { [`${A}listen-ports`]: '[{"HTTP": 80}' },
      expected: { listenPorts: [{ protocol: "HTTP", port: 80 }], errors: [`${A}listen-ports: not valid JSON`] },
    },
    {
      name: "listen-ports that is not a JSON list lands in errors",
      annotations: { [`${A}listen-ports`]: '{"HTTP": 80}' },
      expected: {
        listenPorts: [{ protocol: "HTTP", port: 80 }],
        errors: [`${A}listen-ports: must be a JSON list such as [{"HTTP": 80}, {"HTTPS": 443}]`],
      },
    },
    {
      name: "listen-ports entries with an unknown protocol or a string port land in errors; the valid ones are kept",
      annotations: { [`${A}listen-ports`]: '[{"TCP": 80}, {"HTTP": "80"}, {"HTTPS": 443}]' },
      expected: {
        listenPorts: [{ protocol: "HTTPS", port: 443 }],
        errors: [
          `${A}listen-ports: {"TCP":80} is not {"HTTP"|"HTTPS": port}`,
          `${A}listen-ports: {"HTTP":"80"} is not {"HTTP"|"HTTPS": port}`,
        ],
      },
    },
    {
      name: "a scheme other than internet-facing or internal lands in errors",
      annotations: { [`${A}scheme`]: "public" },
      expected: { scheme: "internal", errors: [`${A}scheme: "public" is not one of internet-facing, internal`] },
    },
    {
      name: "a target-type other than instance or ip lands in errors",
      annotations: { [`${A}target-type`]: "pod" },
      expected: { targetType: "instance", errors: [`${A}target-type: "pod" is not one of instance, ip`] },
    },
    {
      name: "group.order outside -1000..1000 lands in errors and counts as 0",
      annotations: { [`${A}group.order`]: "1001" },
      expected: { groupOrder: 0, errors: [`${A}group.order: "1001" is not an integer between -1000 and 1000`] },
    },
    {
      name: "a group.order that is not an integer lands in errors",
      annotations: { [`${A}group.order`]: "first" },
      expected: { groupOrder: 0, errors: [`${A}group.order: "first" is not an integer between -1000 and 1000`] },
    },
    {
      name: "an inbound-cidrs entry that is not a CIDR lands in errors",
      annotations: { [`${A}inbound-cidrs`]: "0.0.0.0" },
      expected: { errors: [`${A}inbound-cidrs: "0.0.0.0" is not a CIDR block`] },
    },
    {
      name: "an invalid group.name lands in errors",
      annotations: { [`${A}group.name`]: "Shared_ALB" },
      expected: {
        groupName: "Shared_ALB",
        errors: [`${A}group.name: "Shared_ALB" must be a valid name (lower case, at most 63 characters)`],
      },
    },
    {
      name: "bad JSON in conditions.NAME lands in errors",
      annotations: { [`${A}conditions.x`]: "nope" },
      expected: { errors: [`${A}conditions.x: not valid JSON`] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const alb = parseAlbAnnotations(c.annotations);
      // errors are typed (AlbAnnotationIssue); their messages are the diagnostics' text
      const picked = Object.fromEntries(
        Object.keys(c.expected).map((k) => [
          k,
          k === "errors" ? alb.errors.map((e) => e.message) : (alb as unknown as Record<string, unknown>)[k],
        ]),
      );
      assert.deepEqual(picked, c.expected);
    });
  }
});

describe("parseAlbAnnotations: typed errors (AlbAnnotationIssue), read with the one parser (src/model/annotations.ts)", () => {
  const A = "alb.ingress.kubernetes.io/";
  const cases: { name: string; annotations: Record<string, string>; expected: [string, string, string][] }[] = [
    {
      name: "malformed JSON (ParseJSONAnnotation): invalid-json",
      annotations: { [`${A}listen-ports`]: "[" },
      expected: [["listen-ports", "invalid-json", `${A}listen-ports`]],
    },
    {
      name: "wrong type: listen-ports not a list",
      annotations: { [`${A}listen-ports`]: "80" },
      expected: [["listen-ports", "not-a-list", `${A}listen-ports`]],
    },
    {
      name: "wrong type: a listen-ports entry",
      annotations: { [`${A}listen-ports`]: '[{"HTTP": "80"}]' },
      expected: [["listen-ports", "not-a-listen-port", `${A}listen-ports`]],
    },
    {
      name: "an actions.NAME is keyed by its family",
      annotations: { [`${A}actions.x`]: "{" },
      expected: [["actions", "invalid-json", `${A}actions.x`]],
    },
    {
      name: "an unknown value of an enumerated annotation",
      annotations: { [`${A}target-type`]: "pod" },
      expected: [["target-type", "not-one-of", `${A}target-type`]],
    },
    {
      name: "an integer out of range (ParseInt32Annotation, then the range)",
      annotations: { [`${A}ssl-redirect`]: "0" },
      expected: [["ssl-redirect", "not-an-integer-in-range", `${A}ssl-redirect`]],
    },
    {
      name: "empty: not a bool",
      annotations: { [`${A}manage-backend-security-group-rules`]: "" },
      expected: [
        ["manage-backend-security-group-rules", "not-true-or-false", `${A}manage-backend-security-group-rules`],
      ],
    },
    { name: "an unknown annotation is not checked", annotations: { [`${A}no-such-annotation`]: "[" }, expected: [] },
  ];
  for (const c of cases) {
    test(c.name, () =>
      assert.deepEqual(
        parseAlbAnnotations(c.annotations).errors.map((e) => [e.annotation, e.code, e.key]),
        c.expected,
      ),
    );
  }
});

describe("networking.k8s.io/v1 IngressClass", () => {
  const text = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: ingress.k8s.aws/alb
  parameters: {apiGroup: elbv2.k8s.aws, kind: IngressClassParams, name: alb-params}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "True"}
spec: {controller: k8s.io/ingress-nginx}
`;
  const draft = convertYaml(text, "ic.yaml");
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    {
      name: 'networking/v1: the is-default-class annotation "true" makes the class the default',
      actual: () => draft.kubernetes.ingressClasses.map((c) => [c.name, c.isDefault]),
      expected: [
        ["alb", true],
        ["nginx", false],
      ],
    },
    {
      name: "networking/v1 IngressClass: controller and parameters are kept",
      actual: () => strip(draft.kubernetes.ingressClasses[0]?.parameters),
      expected: { kind: "IngressClassParams", name: "alb-params", apiGroup: "elbv2.k8s.aws" },
    },
    {
      name: "networking/v1 IngressClass: controller",
      actual: () => draft.kubernetes.ingressClasses.map((c) => c.controller),
      expected: ["ingress.k8s.aws/alb", "k8s.io/ingress-nginx"],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));
});

// ---------------------------------------------------------------------------------------------
// Calico

describe("Calico IPPool and FelixConfiguration", () => {
  const pool = (apiVersion: string, spec: string, name = "pool"): string =>
    `apiVersion: ${apiVersion}\nkind: IPPool\nmetadata: {name: ${name}}\nspec:\n${indent(spec, 2)}\n`;
  const cases: { name: string; yaml: string; expected: Record<string, unknown>; todo?: string }[] = [
    {
      name: "projectcalico/api defaults (crd.projectcalico.org/v1): vxlanMode and ipipMode Never, blockSize 26, natOutgoing false, nodeSelector all()",
      yaml: pool("crd.projectcalico.org/v1", "cidr: 192.168.0.0/16"),
      expected: {
        cidr: "192.168.0.0/16",
        vxlanMode: "Never",
        ipipMode: "Never",
        blockSize: 26,
        natOutgoing: false,
        disabled: false,
        nodeSelector: "all()",
      },
    },
    {
      name: "projectcalico/api (projectcalico.org/v3): explicit fields are kept",
      yaml: pool(
        "projectcalico.org/v3",
        'cidr: 10.244.0.0/16\nvxlanMode: CrossSubnet\nipipMode: Never\nnatOutgoing: true\nblockSize: 24\nnodeSelector: "!has(edge)"\ndisabled: true',
      ),
      expected: {
        cidr: "10.244.0.0/16",
        vxlanMode: "CrossSubnet",
        ipipMode: "Never",
        blockSize: 24,
        natOutgoing: true,
        disabled: true,
        nodeSelector: "!has(edge)",
      },
    },
    {
      name: "projectcalico/api defaults: an IPv6 pool's blockSize defaults to 122",
      yaml: pool("projectcalico.org/v3", "cidr: fd00:10:244::/64"),
      expected: { blockSize: 122 },
    },
    {
      name: "projectcalico/api (pre-3.0 form): ipip {enabled: true, mode: cross-subnet} is ipipMode CrossSubnet",
      yaml: pool("crd.projectcalico.org/v1", "cidr: 192.168.0.0/16\nipip: {enabled: true, mode: cross-subnet}"),
      expected: { ipipMode: "CrossSubnet" },
    },
    {
      name: "projectcalico/api (pre-3.0 form): ipip {enabled: true} is ipipMode Always",
      yaml: pool("crd.projectcalico.org/v1", "cidr: 192.168.0.0/16\nipip: {enabled: true}"),
      expected: { ipipMode: "Always" },
    },
  ];
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const draft = convertYaml(c.yaml, "calico.yaml", "kube-system");
      noDiagnostics(draft);
      const p = draft.kubernetes.ipPools[0]!;
      assert.equal(p.meta.namespace, undefined);
      const picked = Object.fromEntries(
        Object.keys(c.expected).map((k) => [k, (p as unknown as Record<string, unknown>)[k]]),
      );
      assert.deepEqual(picked, c.expected);
    });
  }

  const invalid: { name: string; yaml: string; reason: RegExp; todo?: string }[] = [
    {
      name: "projectcalico/api validation: an IPPool CIDR without a prefix is skipped",
      yaml: pool("projectcalico.org/v3", "cidr: 10.244.0.0"),
      reason: /cidr "10\.244\.0\.0" is not a valid CIDR block/,
    },
    {
      name: "projectcalico/api validation: an IPPool needs a cidr",
      yaml: pool("crd.projectcalico.org/v1", "natOutgoing: true"),
      reason: /spec\.cidr is required/,
    },
    {
      name: "projectcalico/api validation: vxlanMode is Always, CrossSubnet or Never",
      yaml: pool("projectcalico.org/v3", "cidr: 10.0.0.0/16\nvxlanMode: Sometimes"),
      reason: /vxlanMode must be one of Always, CrossSubnet, Never/,
    },
    {
      name: "projectcalico/api validation: an IPv4 blockSize is between 20 and 32",
      yaml: pool("projectcalico.org/v3", "cidr: 10.0.0.0/16\nblockSize: 33"),
      reason: /blockSize/,
    },
  ];
  for (const c of invalid) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const draft = convertYaml(c.yaml, "calico.yaml");
      assert.equal(draft.kubernetes.ipPools.length, 0);
      skipped(draft, "IPPool pool", c.reason);
    });
  }

  const felix: { name: string; yaml: string; expected?: string | undefined; reason?: RegExp }[] = [
    {
      name: "FelixConfiguration (crd.projectcalico.org/v1): natOutgoingAddress is kept",
      yaml: "apiVersion: crd.projectcalico.org/v1\nkind: FelixConfiguration\nmetadata: {name: default}\nspec: {natOutgoingAddress: 10.0.0.100}\n",
      expected: "10.0.0.100",
    },
    {
      name: "FelixConfiguration (projectcalico.org/v3): no natOutgoingAddress means the node's own address",
      yaml: "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\nspec: {}\n",
      expected: undefined,
    },
    {
      name: "FelixConfiguration: an empty natOutgoingAddress is none",
      yaml: 'apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\nspec: {natOutgoingAddress: ""}\n',
      expected: undefined,
    },
    {
      name: "FelixConfiguration validation: natOutgoingAddress must be an IPv4 address",
      yaml: "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\nspec: {natOutgoingAddress: 10.0.0}\n",
      reason: /natOutgoingAddress "10\.0\.0" is not an IPv4 address/,
    },
  ];
  for (const c of felix) {
    test(c.name, () => {
      const draft = convertYaml(c.yaml, "felix.yaml");
      if (c.reason) {
        assert.equal(draft.kubernetes.felixConfigurations.length, 0);
        skipped(draft, "FelixConfiguration default", c.reason);
      } else {
        noDiagnostics(draft);
        assert.equal(draft.kubernetes.felixConfigurations[0]?.natOutgoingAddress, c.expected);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// prometheus-operator

describe("prometheus-operator monitoring.coreos.com/v1 Prometheus and Alertmanager", () => {
  const text = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  replicas: 2
  shards: 2
  nodeSelector: {role: monitoring}
  tolerations: [{key: dedicated, operator: Equal, value: monitoring, effect: NoSchedule}]
  resources: {requests: {memory: 400Mi}}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: small}
spec: {}
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec:
  replicas: 3
`;
  const draft = convertYaml(text, "mon.yaml", "observability");
  const byName = new Map(draft.kubernetes.workloads.map((w) => [w.name, w]));
  const k8s = byName.get("prometheus-k8s");
  const am = byName.get("alertmanager-main");
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    { name: "no diagnostics", actual: () => draft.diagnostics, expected: [] },
    {
      name: "prometheus-operator: Prometheus NAME becomes StatefulSet prometheus-NAME, each extra shard prometheus-NAME-shard-N",
      actual: () => draft.kubernetes.workloads.map((w) => [w.kind, w.namespace, w.name]),
      expected: [
        ["StatefulSet", "monitoring", "prometheus-k8s"],
        ["StatefulSet", "monitoring", "prometheus-k8s-shard-1"],
        ["StatefulSet", "observability", "prometheus-small"],
        ["StatefulSet", "monitoring", "alertmanager-main"],
      ],
    },
    {
      name: "prometheus-operator: replicas are per shard",
      actual: () => [k8s?.replicas, byName.get("prometheus-k8s-shard-1")?.replicas],
      expected: [2, 2],
    },
    {
      name: "prometheus-operator: replicas default to 1",
      actual: () => byName.get("prometheus-small")?.replicas,
      expected: 1,
    },
    {
      name: "prometheus-operator: the generated StatefulSet is marked as generated from its resource",
      actual: () => k8s?.generatedFrom,
      expected: { kind: "Prometheus", namespace: "monitoring", name: "k8s" },
    },
    {
      name: "prometheus-operator: Prometheus pod labels",
      actual: () => {
        const l = k8s?.template.labels ?? {};
        return [
          l["app.kubernetes.io/name"],
          l["app.kubernetes.io/instance"],
          l["prometheus"],
          l["operator.prometheus.io/name"],
          l["operator.prometheus.io/shard"],
        ];
      },
      expected: ["prometheus", "k8s", "k8s", "k8s", "0"],
    },
    {
      name: "prometheus-operator: each shard's pods carry their shard number",
      actual: () => byName.get("prometheus-k8s-shard-1")?.template.labels["operator.prometheus.io/shard"],
      expected: "1",
    },
    {
      name: "prometheus-operator: nodeSelector is copied to the pod template",
      actual: () => k8s?.template.spec.nodeSelector,
      expected: { role: "monitoring" },
    },
    {
      name: "prometheus-operator: tolerations are copied to the pod template",
      actual: () => strip(k8s?.template.spec.tolerations),
      expected: [{ key: "dedicated", operator: "Equal", value: "monitoring", effect: "NoSchedule" }],
    },
    {
      name: "prometheus-operator: the prometheus container keeps the resource's requests",
      actual: () => k8s?.template.spec.containers.find((c) => c.name === "prometheus")?.requests,
      expected: { memory: 400 * 2 ** 20 },
    },
    {
      name: "prometheus-operator: the StatefulSet's service is prometheus-operated",
      actual: () => k8s?.serviceName,
      expected: "prometheus-operated",
    },
    {
      name: "prometheus-operator: Alertmanager NAME becomes StatefulSet alertmanager-NAME with its replicas",
      actual: () => [am?.kind, am?.replicas, am?.serviceName],
      expected: ["StatefulSet", 3, "alertmanager-operated"],
    },
    {
      name: "prometheus-operator: Alertmanager pod labels",
      actual: () => [
        am?.template.labels["app.kubernetes.io/name"],
        am?.template.labels["app.kubernetes.io/instance"],
        am?.template.labels["alertmanager"],
      ],
      expected: ["alertmanager", "main", "main"],
    },
    {
      name: "prometheus-operator: the alertmanager container requests 200Mi of memory when none is set",
      actual: () => am?.template.spec.containers.find((c) => c.name === "alertmanager")?.requests,
      expected: { memory: 200 * 2 ** 20 },
    },
    {
      name: "prometheus-operator: the alertmanager container serves web 9093 and the mesh on 9094 TCP and UDP",
      actual: () =>
        am?.template.spec.containers
          .find((c) => c.name === "alertmanager")
          ?.ports.map((p) => [p.name, p.containerPort, p.protocol]),
      expected: [
        ["web", 9093, "TCP"],
        ["mesh-tcp", 9094, "TCP"],
        ["mesh-udp", 9094, "UDP"],
      ],
    },
    {
      name: "prometheus-operator: every pod runs the config-reloader sidecar",
      actual: () => am?.template.spec.containers.map((c) => c.name),
      expected: ["alertmanager", "config-reloader"],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));

  test("prometheus-operator (shardsNumber): shards 0 counts as one shard", () => {
    const d = convertYaml(
      "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: zero, namespace: monitoring}\nspec: {shards: 0}\n",
      "mon.yaml",
    );
    noDiagnostics(d);
    assert.deepEqual(
      d.kubernetes.workloads.map((w) => w.name),
      ["prometheus-zero"],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Unknown kinds, Secrets

describe("unknown kinds and Secrets", () => {
  const SECRET_B64 = "c3VwZXJzZWNyZXRwYXNzd29yZA==";
  const text = `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
type: Opaque
data:
  password: ${SECRET_B64}
stringData:
  token: plain-text-token-value
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {key: value}
---
apiVersion: example.com/v1
kind: Widget
spec: [whatever, "is", {here: 1}]
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: second}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: sm}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: listed}
  data: {key: ${SECRET_B64}}
---
apiVersion: v1
kind: SecretList
items:
- metadata: {name: typed}
  data: {key: ${SECRET_B64}}
`;
  const draft = convertYaml(text, "misc.yaml");
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    {
      name: 'unknown kinds are counted per "apiVersion Kind"',
      actual: () => draft.unmodelledKinds,
      expected: {
        "v1 Secret": 3,
        "example.com/v1 Widget": 2,
        "monitoring.coreos.com/v1 ServiceMonitor": 1,
      },
    },
    { name: "unknown kinds are never an error, even malformed ones", actual: () => draft.diagnostics, expected: [] },
    {
      name: "a Secret's data never appears in the draft",
      actual: () => JSON.stringify(draft).includes(SECRET_B64),
      expected: false,
    },
    {
      name: "a Secret's stringData never appears in the draft",
      actual: () => JSON.stringify(draft).includes("plain-text-token-value"),
      expected: false,
    },
    {
      name: "unknown kinds are counted per file for snapshot show",
      actual: () => draft.counts.get("misc.yaml"),
      expected: { Secret: 3, ConfigMap: 1, Widget: 2, ServiceMonitor: 1 },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));
});

// ---------------------------------------------------------------------------------------------
// Skipped objects: code, message and location

describe("skipped objects: invalid-object warnings name the object and cite file:line", () => {
  const text = [
    "apiVersion: v1", // 1
    "kind: Node", // 2
    "metadata:", // 3
    "  name: bad-node", // 4
    "spec:", // 5
    "  taints:", // 6
    "  - key: a", // 7
    "    effect: Sometimes", // 8
    "---", // 9
    "apiVersion: apps/v1", // 10
    "kind: Deployment", // 11
    "metadata:", // 12
    "  name: bad-tol", // 13
    "  namespace: argocd", // 14
    "spec:", // 15
    "  template:", // 16
    "    spec:", // 17
    "      tolerations:", // 18
    "      - operator: Equal", // 19
    "        value: x", // 20
    "      containers:", // 21
    "      - name: c", // 22
    "---", // 23
    "apiVersion: v1", // 24
    "kind: Service", // 25
    "metadata:", // 26
    "  name: bad-svc", // 27
    "  namespace: shop", // 28
    "spec:", // 29
    "  ports:", // 30
    "  - port: 80", // 31
    "    nodePort: 70000", // 32
    "---", // 33
    "apiVersion: networking.k8s.io/v1", // 34
    "kind: NetworkPolicy", // 35
    "metadata:", // 36
    "  name: bad-np", // 37
    "  namespace: shop", // 38
    "spec:", // 39
    "  podSelector: {}", // 40
    "  ingress:", // 41
    "  - from:", // 42
    "    - ipBlock:", // 43
    "        cidr: 10.0.0.0/33", // 44
    "---", // 45
    "apiVersion: v1", // 46
    "kind: Pod", // 47
    "metadata:", // 48
    "  name: bad-pod", // 49
    "  namespace: shop", // 50
    "spec:", // 51
    "  containers: []", // 52
    "---", // 53
    "apiVersion: apps/v1", // 54
    "kind: Deployment", // 55
    "metadata:", // 56
    "  namespace: shop", // 57
    "spec: {}", // 58
    "---", // 59
    "apiVersion: v1", // 60
    "kind: Service", // 61
    "metadata: {name: fine, namespace: shop}", // 62
    "",
  ].join("\n");
  const draft = convertYaml(text, "k8s/broken.yaml", "default");

  const expected: { name: string; prefix: string; reason: RegExp; line: number; col: number; doc: number }[] = [
    {
      name: "a Node with a bad taint effect cites the taint's effect field",
      prefix: "Node bad-node",
      reason: /spec\.taints\[0\]\.effect must be one of/,
      line: 8,
      col: 5,
      doc: 0,
    },
    {
      name: "a Deployment with a bad toleration cites the toleration",
      prefix: "Deployment argocd/bad-tol",
      reason: /spec\.template\.spec\.tolerations\[0\]: operator must be Exists when key is empty/,
      line: 19,
      col: 9,
      doc: 1,
    },
    {
      name: "a Service with a bad nodePort cites the nodePort field (in the third document)",
      prefix: "Service shop/bad-svc",
      reason: /spec\.ports\[0\]\.nodePort must be between \d+ and 65535, not 70000/,
      line: 32,
      col: 5,
      doc: 2,
    },
    {
      name: "a NetworkPolicy with a bad ipBlock cites the ipBlock",
      prefix: "NetworkPolicy shop/bad-np",
      reason: /ipBlock: cidr "10\.0\.0\.0\/33" is not a valid CIDR block/,
      line: 44,
      col: 9,
      doc: 3,
    },
    {
      name: "a Pod without containers cites its spec",
      prefix: "Pod shop/bad-pod",
      reason: /spec: containers must not be empty/,
      line: 52,
      col: 3,
      doc: 4,
    },
    {
      name: "an object without a name cites its metadata",
      prefix: "Deployment shop/<unnamed>",
      reason: /metadata: name is required/,
      line: 57,
      col: 3,
      doc: 5,
    },
  ];

  test("one invalid-object warning per broken object, in document order; the valid object is kept", () => {
    assert.deepEqual(
      draft.diagnostics.map((d) => [d.code, d.severity]),
      expected.map(() => ["invalid-object", "warning"]),
    );
    assert.deepEqual(
      draft.kubernetes.services.map((s) => s.name),
      ["fine"],
    );
    assert.equal(
      draft.kubernetes.nodes.length +
        draft.kubernetes.workloads.length +
        draft.kubernetes.networkPolicies.length +
        draft.kubernetes.pods.length,
      0,
    );
  });

  expected.forEach((e, i) => {
    test(`invalid-object: ${e.name} (message "${e.prefix} skipped: …", line ${e.line})`, () => {
      const d = draft.diagnostics[i];
      assert.ok(d, `warning ${i} is missing`);
      assert.equal(d.code, "invalid-object");
      assert.ok(d.message.startsWith(`${e.prefix} skipped: `), d.message);
      assert.match(d.message, e.reason);
      assert.deepEqual(d.source, { file: "k8s/broken.yaml", line: e.line, col: e.col, doc: e.doc });
    });
  });

  test("invalid-object: a namespaced object applied without a namespace is named with the namespace it gets (Kind ns/name)", () => {
    const d = convertYaml(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: -1}\n",
      "web.yaml",
      "argocd",
    );
    skipped(d, "Deployment argocd/web", /spec\.replicas must be at least 0/);
  });
});
