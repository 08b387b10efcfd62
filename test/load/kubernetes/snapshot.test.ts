import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, test } from "node:test";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { DEFAULT_LIMITS } from "../../../src/load/limits.js";
import { tempDir } from "../../support/helpers.js";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes the files into a fresh directory and loads it as `--snapshot .` from there. */
function load(files: Readonly<Record<string, string>>): Snapshot {
  const dir = tempDir(files);
  dirs.push(dir);
  return loadSnapshot({ paths: ["."], cwd: dir });
}

const container = "spec: {containers: [{name: c}]}";

// ---------------------------------------------------------------------------------------------

describe("pod owners and workloads", () => {
  const snapshot = load({
    "a-workloads.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template: {${container}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f7c9b6
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
spec:
  template: {${container}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template: {${container}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  template: {${container}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: legacy-frontend-rs
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: front, controller: true}]
spec:
  template: {${container}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: standalone, namespace: shop}
spec:
  template: {${container}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate: {spec: {template: {${container}}}}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: backup-28000000
  namespace: shop
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: backup, controller: true}]
spec:
  template: {${container}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template: {${container}}
`,
    "b-pods.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f7c9b6-abcde
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7c9b6, controller: true}]
${container}
---
apiVersion: v1
kind: Pod
metadata:
  name: api-7c9d8e6f5-xyz12
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-7c9d8e6f5, controller: true}]
${container}
---
apiVersion: v1
kind: Pod
metadata:
  name: backup-28000000-q1w2e
  namespace: shop
  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: backup-28000000, controller: true}]
${container}
---
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, controller: true}]
${container}
---
apiVersion: v1
kind: Pod
metadata:
  name: front-1
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: legacy-frontend-rs, controller: true}]
${container}
---
apiVersion: v1
kind: Pod
metadata:
  name: orphan-6f7d8-aaaaa
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: orphan-6f7d8, controller: true}]
${container}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: tools, labels: {run: debug}}
spec:
  nodeName: n1
  containers: [{name: shell, resources: {requests: {cpu: 50m}}}]
`,
  });
  const owner = (name: string) => snapshot.kubernetes.pods.find((p) => p.name === name)?.owner;
  const via = (name: string) => snapshot.kubernetes.pods.find((p) => p.name === name)?.ownedVia;

  const cases: { name: string; pod: string; expected: unknown; by?: string; todo?: string }[] = [
    {
      name: "ownerReferences: Pod → ReplicaSet object → its Deployment",
      pod: "web-5d8f7c9b6-abcde",
      expected: { kind: "Deployment", namespace: "shop", name: "web" },
      by: "ownerReferences via ReplicaSet web-5d8f7c9b6",
    },
    {
      name: "Deployment controller naming: Pod → ReplicaSet <deployment>-<pod-template-hash> → Deployment, without the ReplicaSet object",
      pod: "api-7c9d8e6f5-xyz12",
      expected: { kind: "Deployment", namespace: "shop", name: "api" },
      by: "ownerReferences via ReplicaSet api-7c9d8e6f5",
    },
    {
      name: "CronJob controller naming: Pod → Job <cronjob>-<scheduled time> → CronJob",
      pod: "backup-28000000-q1w2e",
      expected: { kind: "CronJob", namespace: "shop", name: "backup" },
      by: "ownerReferences via Job backup-28000000",
    },
    {
      name: "ownerReferences: a StatefulSet's pod is owned by the StatefulSet",
      pod: "db-0",
      expected: { kind: "StatefulSet", namespace: "shop", name: "db" },
      by: "ownerReferences",
    },
    {
      name: "ownerReferences: a ReplicaSet with no Deployment in the snapshot stays the owner",
      pod: "orphan-6f7d8-aaaaa",
      expected: { kind: "ReplicaSet", namespace: "shop", name: "orphan-6f7d8" },
      by: "ownerReferences",
    },
    { name: "a bare Pod has no owner", pod: "debug", expected: undefined },
    {
      name: "ownerReferences: the ReplicaSet object's controller reference is followed whatever the ReplicaSet is called",
      pod: "front-1",
      expected: { kind: "Deployment", namespace: "shop", name: "front" },
    },
  ];
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      assert.deepEqual(owner(c.pod), c.expected);
      if (c.by) {
        const through = /via (\w+) (\S+)$/.exec(c.by);
        assert.deepEqual(via(c.pod), through ? { kind: through[1], namespace: "shop", name: through[2] } : undefined);
      }
    });
  }

  test("ReplicaSets and Jobs whose Deployment or CronJob is in the snapshot are not workloads; others are; an owner known only through its pods is one too", () => {
    assert.deepEqual(
      snapshot.kubernetes.workloads.map(
        (w) => `${w.kind} ${w.namespace}/${w.name}${w.knownFromPods ? " (from pods)" : ""}`,
      ),
      [
        "Deployment shop/api",
        "CronJob shop/backup",
        "StatefulSet shop/db",
        "Deployment shop/front",
        "ReplicaSet shop/orphan-6f7d8 (from pods)",
        "ReplicaSet shop/standalone",
        "Deployment shop/web",
        "Pod tools/debug",
      ],
    );
  });

  test("a bare Pod becomes a workload of kind Pod: one replica, its own spec and labels, no selector", () => {
    const w = snapshot.kubernetes.workloads.find((x) => x.kind === "Pod");
    assert.ok(w);
    assert.deepEqual(
      [
        w.namespace,
        w.name,
        w.replicas,
        w.selector,
        w.template.labels,
        w.template.spec.nodeName,
        w.template.spec.containers[0]?.requests,
      ],
      ["tools", "debug", 1, null, { run: "debug" }, "n1", { cpu: 50 }],
    );
  });

  test("the one diagnostic: the ReplicaSet the snapshot lacks, named by its pod", () => {
    assert.deepEqual(
      snapshot.diagnostics.map((d) => [d.code, d.severity, /ReplicaSet shop\/orphan-6f7d8/.test(d.message)]),
      [["unresolved-reference", "warning", true]],
    );
  });
});

describe("prometheus-operator: the real StatefulSet wins over the generated one", () => {
  const prometheus =
    "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\nspec: {replicas: 2, shards: 2}\n";
  const statefulSet = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: prometheus-k8s
  namespace: monitoring
  ownerReferences: [{apiVersion: monitoring.coreos.com/v1, kind: Prometheus, name: k8s, controller: true}]
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: prometheus}, {name: config-reloader}, {name: thanos-sidecar}]
`;
  const orders: { name: string; files: Record<string, string> }[] = [
    {
      name: "prometheus-operator: the real StatefulSet read after the Prometheus replaces the generated one, silently",
      files: { "a-prometheus.yaml": prometheus, "b-statefulset.yaml": statefulSet },
    },
    {
      name: "prometheus-operator: the real StatefulSet read before the Prometheus is kept, silently",
      files: { "a-statefulset.yaml": statefulSet, "b-prometheus.yaml": prometheus },
    },
  ];
  for (const o of orders) {
    test(o.name, () => {
      const s = load(o.files);
      const sets = s.kubernetes.workloads.map((w) => [
        w.name,
        w.generatedFrom === undefined ? "real" : "generated",
        w.template.spec.containers.length,
      ]);
      assert.deepEqual(sets, [
        ["prometheus-k8s", "real", 3],
        ["prometheus-k8s-shard-1", "generated", 2],
      ]);
      assert.deepEqual(s.diagnostics, []);
    });
  }
});

describe("duplicates: the later object wins, with a note naming the earlier one", () => {
  const snapshot = load({
    "a/dup1.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec: {ports: [{port: 80}]}\n",
    "a/dup2.yaml":
      "# the same Service again\n\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec: {ports: [{port: 81}]}\n",
    "b/nodes.yaml":
      "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {v: first}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {v: second}}\n",
    "c/other-ns.yaml":
      "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: other}\nspec: {ports: [{port: 82}]}\n",
  });
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    {
      name: "kubectl apply semantics: the later file's Service replaces the earlier one",
      actual: () => snapshot.kubernetes.services.filter((s) => s.namespace === "shop").map((s) => s.ports[0]?.port),
      expected: [81],
    },
    {
      name: "identity is kind/namespace/name: the same name in another namespace is another object",
      actual: () => snapshot.kubernetes.services.map((s) => `${s.namespace}/${s.name}`),
      expected: ["other/s", "shop/s"],
    },
    {
      name: "a later document in the same file replaces an earlier one (cluster-scoped Node)",
      actual: () => snapshot.kubernetes.nodes.map((n) => n.labels["v"]),
      expected: ["second"],
    },
    {
      name: "each replacement is a duplicate-object info at the later object, naming the earlier location",
      actual: () =>
        snapshot.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, source: d.source })),
      expected: [
        {
          code: "duplicate-object",
          severity: "info",
          message: "Service shop/s appears again; this one replaces the one at a/dup1.yaml:1",
          source: { file: "a/dup2.yaml", line: 3, col: 1, doc: 0 },
        },
        {
          code: "duplicate-object",
          severity: "info",
          message: "Node n1 appears again; this one replaces the one at b/nodes.yaml:1",
          source: { file: "b/nodes.yaml", line: 5, col: 1, doc: 1 },
        },
      ],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));
});

describe("namespaces", () => {
  const snapshot = load({
    "k.yaml": `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: shop}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: t, namespace: payments}
spec: {ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: audit}
spec: {podSelector: {}}
`,
  });
  const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
    {
      name: "a namespace referenced but not in the snapshot is implicit and labelled kubernetes.io/metadata.name (Kubernetes 1.21+)",
      actual: () => snapshot.kubernetes.namespaces.filter((n) => n.implicit).map((n) => [n.name, n.labels]),
      expected: [
        ["audit", { "kubernetes.io/metadata.name": "audit" }],
        ["payments", { "kubernetes.io/metadata.name": "payments" }],
      ],
    },
    {
      name: "a Namespace in the snapshot keeps its labels plus kubernetes.io/metadata.name",
      actual: () => snapshot.kubernetes.namespaces.filter((n) => !n.implicit).map((n) => [n.name, n.labels]),
      expected: [["shop", { team: "a", "kubernetes.io/metadata.name": "shop" }]],
    },
    {
      name: "namespaces are sorted by name",
      actual: () => snapshot.kubernetes.namespaces.map((n) => n.name),
      expected: ["audit", "payments", "shop"],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.actual(), c.expected));

  test("kubectl apply -n: loadSnapshot's namespace option applies to objects without one", () => {
    const dir = tempDir({
      "s.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n",
    });
    dirs.push(dir);
    const s = loadSnapshot({ paths: ["."], cwd: dir, namespace: "argocd" });
    assert.deepEqual(
      s.kubernetes.services.map((x) => `${x.namespace}/${x.name}`),
      ["argocd/s"],
    );
    assert.deepEqual(
      s.kubernetes.namespaces.map((n) => [n.name, n.implicit]),
      [["argocd", true]],
    );
  });
});

describe("service endpoints: EndpointSlice, else Endpoints, else the selector over running pods", () => {
  const pod = (name: string, labels: string, status: string, namespace = "shop") =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${namespace}, labels: ${labels}}\n${container}\nstatus: ${status}\n`;
  const snapshot = load({
    "services.yaml": [
      "apiVersion: v1\nkind: Service\nmetadata: {name: sliced, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
      "apiVersion: v1\nkind: Service\nmetadata: {name: both, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
      "apiVersion: v1\nkind: Service\nmetadata: {name: legacy, namespace: shop}\nspec: {ports: [{port: 5432}]}\n",
      "apiVersion: v1\nkind: Service\nmetadata: {name: selected, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
      "apiVersion: v1\nkind: Service\nmetadata: {name: manual, namespace: shop}\nspec: {ports: [{port: 80}]}\n",
    ].join("---\n"),
    "endpoints.yaml": [
      "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: sliced-x1, namespace: shop, labels: {kubernetes.io/service-name: sliced}}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.1]}]\n",
      "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: both-y1, namespace: shop, labels: {kubernetes.io/service-name: both}}\naddressType: IPv4\nendpoints: [{addresses: [10.0.0.2]}]\n",
      "apiVersion: v1\nkind: Endpoints\nmetadata: {name: both, namespace: shop}\nsubsets: [{addresses: [{ip: 10.9.9.9}]}]\n",
      "apiVersion: v1\nkind: Endpoints\nmetadata: {name: legacy, namespace: shop}\nsubsets: [{addresses: [{ip: 10.0.0.3}]}]\n",
    ].join("---\n"),
    "pods.yaml": [
      pod("web-running", "{app: web}", "{phase: Running, podIP: 10.244.1.5}"),
      pod("web-pending-with-ip", "{app: web}", "{phase: Pending, podIP: 10.244.1.6}"),
      pod("web-no-ip", "{app: web}", "{phase: Pending}"),
      pod("web-succeeded", "{app: web}", "{phase: Succeeded, podIP: 10.244.1.7}"),
      pod("web-failed", "{app: web}", "{phase: Failed, podIP: 10.244.1.8}"),
      pod("other-app", "{app: api}", "{phase: Running, podIP: 10.244.1.9}"),
      pod("web-elsewhere", "{app: web}", "{phase: Running, podIP: 10.244.2.5}", "other"),
    ].join("---\n"),
  });
  const endpoints = (name: string) => snapshot.kubernetes.serviceEndpoints.find((e) => e.service.name === name);
  const cases: { name: string; service: string; origin: string; slices?: string[]; pods?: string[] }[] = [
    {
      name: "endpointslice controller: a Service's EndpointSlices (label kubernetes.io/service-name) are its endpoints",
      service: "sliced",
      origin: "EndpointSlice",
      slices: ["sliced-x1"],
      pods: [],
    },
    {
      name: "EndpointSlices win over a legacy Endpoints object of the same service",
      service: "both",
      origin: "EndpointSlice",
      slices: ["both-y1"],
      pods: [],
    },
    {
      name: "core/v1 Endpoints: without EndpointSlices, the Endpoints object of the same name",
      service: "legacy",
      origin: "Endpoints",
      slices: ["legacy#0"],
      pods: [],
    },
    {
      name: "endpointslice controller: without either, the selector picks pods in the namespace with an IP that have not succeeded or failed",
      service: "selected",
      origin: "selector",
      slices: [],
      pods: ["web-pending-with-ip", "web-running"],
    },
    {
      name: "a Service without selector and without endpoints has none",
      service: "manual",
      origin: "selector",
      slices: [],
      pods: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = endpoints(c.service);
      assert.ok(e, `no endpoints for ${c.service}`);
      assert.deepEqual(
        { origin: e.origin, slices: e.slices.map((s) => s.name), pods: e.pods.map((p) => p.name).sort() },
        { origin: c.origin, slices: c.slices, pods: c.pods },
      );
    });
  }

  test("every Service has exactly one endpoints entry, sorted by namespace and name", () => {
    assert.deepEqual(
      snapshot.kubernetes.serviceEndpoints.map((e) => e.service.name),
      ["both", "legacy", "manual", "selected", "sliced"],
    );
  });
});

describe("nodes joined to EC2 instances", () => {
  const instances = JSON.stringify(
    {
      Reservations: [
        {
          Instances: [
            {
              InstanceId: "i-0abc0000000000001",
              PrivateIpAddress: "10.0.1.10",
              Tags: [{ Key: "Name", Value: "by-id-instance" }],
            },
            {
              InstanceId: "i-0abc0000000000002",
              PrivateIpAddress: "10.0.1.20",
              Tags: [{ Key: "Name", Value: "by-ip-instance" }],
            },
            {
              InstanceId: "i-0abc0000000000003",
              PrivateIpAddress: "10.0.1.30",
              Tags: [{ Key: "Name", Value: "n-by-name" }],
            },
          ],
        },
      ],
    },
    null,
    2,
  );
  const nodes = `apiVersion: v1
kind: Node
metadata: {name: n-by-id}
spec: {providerID: "aws:///ap-northeast-2a/i-0abc0000000000001"}
status: {addresses: [{type: InternalIP, address: 10.0.1.20}]}
---
apiVersion: v1
kind: Node
metadata: {name: n-by-ip}
status: {addresses: [{type: InternalIP, address: 10.0.1.20}]}
---
apiVersion: v1
kind: Node
metadata: {name: n-by-name}
---
apiVersion: v1
kind: Node
metadata: {name: n-lost}
spec: {providerID: "aws:///ap-northeast-2a/i-0fff0000000000009"}
status: {addresses: [{type: InternalIP, address: 10.0.9.9}]}
`;
  const snapshot = load({ "k8s/nodes.yaml": nodes, "aws/describe-instances.json": instances });
  const joined = (node: string) => snapshot.joins.find((j) => j.kind === "node-instance" && j.from === `Node ${node}`);
  const cases: { name: string; node: string; to: string; by: string }[] = [
    {
      name: "cloud-provider-aws: spec.providerID aws:///ZONE/INSTANCE-ID names the instance (and wins over a matching InternalIP)",
      node: "n-by-id",
      to: "Instance i-0abc0000000000001",
      by: "providerID aws:///ap-northeast-2a/i-0abc0000000000001",
    },
    {
      name: "without providerID, InternalIP = the instance's private IP",
      node: "n-by-ip",
      to: "Instance i-0abc0000000000002",
      by: "InternalIP 10.0.1.20",
    },
    {
      name: "without providerID or InternalIP, the instance's Name tag = the node name",
      node: "n-by-name",
      to: "Instance i-0abc0000000000003",
      by: "Name tag n-by-name",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const j = joined(c.node);
      assert.ok(j, `${c.node} was not joined`);
      assert.deepEqual([j.to, j.by, j.source?.file], [c.to, c.by, "k8s/nodes.yaml"]);
    });
  }
  test("the join is in the model: each joined Node carries its instanceId (what analyses read), an unjoined one none", () => {
    assert.deepEqual(
      snapshot.kubernetes.nodes.map((n) => [n.name, n.instanceId]),
      [
        ["n-by-id", "i-0abc0000000000001"],
        ["n-by-ip", "i-0abc0000000000002"],
        ["n-by-name", "i-0abc0000000000003"],
        ["n-lost", undefined],
      ],
    );
  });

  const sharedIp = [
    "duplicate-node-ip",
    "warning",
    "nodes n-by-id (k8s/nodes.yaml:1) and n-by-ip (k8s/nodes.yaml:7) share the InternalIP 10.0.1.20: lookups by node address (instance joins, pods' hostIP, traces to 10.0.1.20) cannot tell them apart; n-by-ip is most likely a stale or cloned node",
    "k8s/nodes.yaml",
    1,
  ];

  test("a node that matches no instance gets an unjoined-node warning at the node", () => {
    assert.equal(joined("n-lost"), undefined);
    assert.deepEqual(
      // (besides the one missing-layer warning naming describe-instances: test/load/aws-layers.test.ts)
      snapshot.diagnostics
        .filter((d) => d.code !== "missing-layer")
        .map((d) => [d.code, d.severity, d.message, d.source?.file, d.source?.line]),
      [
        sharedIp,
        [
          "unjoined-node",
          "warning",
          "Node n-lost matches no EC2 instance (by providerID aws:///ap-northeast-2a/i-0fff0000000000009, InternalIP 10.0.9.9 or Name tag)",
          "k8s/nodes.yaml",
          16,
        ],
      ],
    );
  });

  test("without any instances in the snapshot, nodes are not expected to join (no warning but the shared InternalIP)", () => {
    const s = load({ "nodes.yaml": nodes });
    assert.deepEqual(
      [s.joins.filter((j) => j.kind === "node-instance"), s.diagnostics.map((d) => d.code)],
      [[], ["duplicate-node-ip"]],
    );
  });

  test("two nodes with the same InternalIP: one located warning naming both", () => {
    assert.deepEqual(
      snapshot.diagnostics
        .filter((d) => d.code === "duplicate-node-ip")
        .map((d) => [d.code, d.severity, d.message, d.source?.file, d.source?.line]),
      [sharedIp],
    );
  });

  test("an ENI that describe-network-interfaces lists without its Attachment joins the instance that lists it", () => {
    const instances = JSON.stringify({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: "i-0abc0000000000021",
              PrivateIpAddress: "10.0.1.21",
              SubnetId: "subnet-0abc0000000000001",
              VpcId: "vpc-0abc0000000000001",
              NetworkInterfaces: [{ NetworkInterfaceId: "eni-0abc0000000000021" }],
            },
          ],
        },
      ],
    });
    const enis = JSON.stringify({
      NetworkInterfaces: [
        {
          NetworkInterfaceId: "eni-0abc0000000000021",
          SubnetId: "subnet-0abc0000000000001",
          VpcId: "vpc-0abc0000000000001",
          PrivateIpAddress: "10.0.1.21",
        },
      ],
    });
    const s = load({ "instances.json": instances, "enis.json": enis });
    assert.deepEqual(
      s.joins.filter((j) => j.kind === "instance-eni").map((j) => [j.from, j.to, j.by]),
      [["Instance i-0abc0000000000021", "NetworkInterface eni-0abc0000000000021", "instance network interfaces"]],
    );
  });

  test("a private IP two instances share (two VPCs with one CIDR captured together) joins no node by InternalIP alone: the Name tag decides, else an unjoined-node warning naming both", () => {
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
    const twoNodes =
      "apiVersion: v1\nkind: Node\nmetadata: {name: worker-a}\nstatus: {addresses: [{type: InternalIP, address: 10.0.1.10}]}\n";
    const named = load({ "nodes.yaml": twoNodes, "instances.json": twoVpcs });
    assert.deepEqual(
      named.joins.filter((j) => j.kind === "node-instance").map((j) => [j.from, j.to, j.by]),
      [["Node worker-a", "Instance i-0abc0000000000011", "Name tag worker-a"]],
    );
    const unnamed = load({ "nodes.yaml": twoNodes.replace("worker-a", "ip-10-0-1-10"), "instances.json": twoVpcs });
    assert.deepEqual(
      unnamed.joins.filter((j) => j.kind === "node-instance"),
      [],
    );
    assert.deepEqual(
      unnamed.diagnostics.filter((d) => d.code === "unjoined-node").map((d) => d.message),
      [
        "Node ip-10-0-1-10 matches no single EC2 instance: InternalIP 10.0.1.10 is the private IP of 2 instances (i-0abc0000000000011, i-0abc0000000000012: VPCs with overlapping CIDRs?), and no providerID names one (providerID (none)); capture with --vpc-id, or nodes with spec.providerID",
      ],
    );
  });
});

describe("deterministic output", () => {
  const files: [string, string][] = [
    [
      "z-last.yaml",
      "apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: shop}\nspec: {selector: {app: b}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n2}\n",
    ],
    [
      "a-first.yaml",
      "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: shop}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: shop}\nspec: {ports: [{port: 81}]}\n",
    ],
    [
      "m/pods.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p2, namespace: shop, labels: {app: b}}\nspec: {containers: [{name: c}]}\nstatus: {phase: Running, podIP: 10.244.0.2}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: shop, labels: {app: b}}\nspec: {containers: [{name: c}]}\nstatus: {phase: Running, podIP: 10.244.0.1}\n",
    ],
    [
      "aws/instances.json",
      JSON.stringify({
        Reservations: [
          {
            Instances: [
              { InstanceId: "i-0abc0000000000002", Tags: [{ Key: "Name", Value: "n2" }] },
              { InstanceId: "i-0abc0000000000001", Tags: [{ Key: "Name", Value: "n1" }] },
            ],
          },
        ],
      }),
    ],
  ];
  const forward = Object.fromEntries(files);
  const backward = Object.fromEntries([...files].reverse());

  test("loading the same directory twice gives the same snapshot", () => {
    const dir = tempDir(forward);
    dirs.push(dir);
    const first = JSON.stringify(loadSnapshot({ paths: ["."], cwd: dir }));
    const second = JSON.stringify(loadSnapshot({ paths: ["."], cwd: dir }));
    assert.equal(first, second);
  });

  test("the order files were written in does not change the snapshot (beyond the directory's own name)", () => {
    const withoutRoots = (s: Snapshot) => JSON.stringify({ ...s, roots: undefined });
    assert.equal(withoutRoots(load(forward)), withoutRoots(load(backward)));
  });

  test("files are read in sorted path order, so the later duplicate is the one in the later path", () => {
    const s = load(backward);
    assert.deepEqual(
      s.files.map((f) => f.path),
      ["a-first.yaml", "aws/instances.json", "m/pods.yaml", "z-last.yaml"],
    );
    assert.deepEqual(s.kubernetes.services.find((x) => x.name === "b")?.ports[0]?.port, 80);
    assert.deepEqual(
      s.diagnostics.map((d) => [d.code, d.message]),
      [
        ["duplicate-object", "Service shop/b appears again; this one replaces the one at a-first.yaml:10"],
        // the pods are trimmed (no status.conditions): their readiness is assumed, and said
        [
          "assumed-ready",
          "Service shop/b: endpoint pod(s) p1, p2 have no status.conditions (a trimmed capture): taken as ready",
        ],
      ],
    );
  });

  test("objects are sorted (nodes by name, pods and services by namespace and name)", () => {
    const s = load(backward);
    assert.deepEqual(
      [
        s.kubernetes.nodes.map((n) => n.name),
        s.kubernetes.pods.map((p) => p.name),
        s.kubernetes.services.map((x) => x.name),
        s.aws.instances.map((i) => i.id),
      ],
      [
        ["n1", "n2"],
        ["p1", "p2"],
        ["a", "b"],
        ["i-0abc0000000000001", "i-0abc0000000000002"],
      ],
    );
  });
});

describe("large JSON lists (lazy positions) cite the same lines as small ones", () => {
  const list = {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "ok", namespace: "shop" },
        spec: { containers: [{ name: "c" }] },
      },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "bad", namespace: "shop" },
        spec: { containers: [{ name: "c" }], tolerations: [{ key: "a", operator: "Exists", value: "x" }] },
      },
    ],
  };
  const text = JSON.stringify(list, null, 4);
  // the offending field: the message is about `value` (1-based line)
  const valueLine = text.split("\n").findIndex((l) => l.includes('"value": "x"')) + 1;

  const cases: { name: string; lazyFrom: number }[] = [
    { name: "eager positions (a small file)", lazyFrom: Number.MAX_SAFE_INTEGER },
    { name: "lazy positions (a file above lazyPositionsFromBytes)", lazyFrom: 0 },
  ];
  for (const c of cases) {
    test(`an invalid toleration deep in a JSON list item cites the offending field's line: ${c.name}`, () => {
      const dir = tempDir({ "pods.json": text });
      dirs.push(dir);
      const s = loadSnapshot({
        paths: ["."],
        cwd: dir,
        limits: { ...DEFAULT_LIMITS, lazyPositionsFromBytes: c.lazyFrom },
      });
      assert.deepEqual(
        s.kubernetes.pods.map((p) => p.name),
        ["ok"],
      );
      const d = s.diagnostics.find((x) => x.code === "invalid-object");
      assert.ok(d, JSON.stringify(s.diagnostics));
      assert.match(
        d.message,
        /^Pod shop\/bad skipped: spec\.tolerations\[0\]: value must be empty when operator is Exists/,
      );
      assert.deepEqual(
        { file: d.source?.file, line: d.source?.line, col: d.source?.col },
        { file: "pods.json", line: valueLine, col: 25 },
      );
    });
  }
});
