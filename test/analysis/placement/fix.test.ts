/**
 * Table tests of `fix place`'s change computation, named after the scheduler rules they follow:
 * TaintToleration (v1helper.ToleratesTaint: Exists ignores the value, Equal compares it; only
 * NoSchedule and NoExecute filter) and NodeAffinity (nodeSelector pairs ANDed with the required
 * terms, terms ORed, expressions ANDed). Every case loads real manifests and is verified by
 * re-running placement on the changed snapshot.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { dump } from "js-yaml";
import {
  escapeHelmKey,
  helmSetFlags,
  parseChartLabel,
  shellQuote,
} from "../../../src/analysis/placement/fix/helm-values.js";
import { FixPlaceError, fixPlace, type FixPlaceResult } from "../../../src/analysis/placement/fix/index.js";
import { parseOnto } from "../../../src/analysis/placement/fix/onto.js";
import { toYaml, yamlScalar } from "../../../src/analysis/placement/fix/yaml.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { tempDir } from "../../support/helpers.js";

type Obj = Record<string, unknown>;

interface NodeOpts {
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  cpu?: string;
  noHostname?: boolean;
  unschedulable?: boolean;
}

function nodeObj(name: string, o: NodeOpts = {}): Obj {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { ...(o.noHostname ? {} : { "kubernetes.io/hostname": name }), "kubernetes.io/os": "linux", ...o.labels },
    },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: { cpu: o.cpu ?? "4", memory: "8Gi", pods: "110" } },
  };
}

const CONTROL_PLANE = { "node-role.kubernetes.io/control-plane": "" };
const CONTROL_PLANE_TAINT = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };

/** kubeadm's shape: a tainted control-plane node and two workers. */
function kubeadmNodes(): Obj[] {
  return [
    nodeObj("cp-1", { labels: CONTROL_PLANE, taints: [CONTROL_PLANE_TAINT] }),
    nodeObj("worker-1"),
    nodeObj("worker-2"),
  ];
}

function podSpec(extra: Obj = {}): Obj {
  return {
    containers: [{ name: "app", image: "app:1", resources: { requests: { cpu: "100m", memory: "64Mi" } } }],
    ...extra,
  };
}

function deployment(name: string, spec: Obj = {}, meta: Obj = {}, namespace = "apps"): Obj {
  const labels = (meta["labels"] as Record<string, string> | undefined) ?? {};
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, ...meta, labels: { app: name, ...labels } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, ...labels } }, spec: podSpec(spec) },
    },
  };
}

function snapshotOf(objects: readonly Obj[]): Snapshot {
  const dir = tempDir({ "cluster.yaml": objects.map((o) => dump(o)).join("---\n") });
  return loadSnapshot({ paths: ["."], cwd: dir });
}

function fix(objects: readonly Obj[], workload: string, onto: string): FixPlaceResult {
  return fixPlace(snapshotOf(objects), { workload, onto });
}

/** The JSON a kubectl command passes with -p, read back through a real shell's word splitting. */
function kubectlPatchArgument(command: string): unknown {
  const r = spawnSync(
    "sh",
    ["-c", `set -- ${command.replace(/^kubectl /, "")}; for a in "$@"; do last="$a"; done; printf %s "$last"`],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** The words of a helm command as a shell passes them (line continuations joined). */
function shellWords(command: string): string[] {
  const r = spawnSync("sh", ["-c", `set -- ${command.replace(/^helm /, "")}; printf '%s\\n' "$@"`], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split("\n");
}

describe("TaintToleration: a toleration for each untolerated NoSchedule/NoExecute taint of the target nodes", () => {
  test("a taint without a value: operator Exists with the taint's effect; and a nodeSelector, since the toleration alone moves nothing", () => {
    const r = fix([...kubeadmNodes(), deployment("web")], "apps/web", "node-role.kubernetes.io/control-plane");
    assert.deepEqual(r.targetNodes, ["cp-1"]);
    assert.deepEqual(r.before.feasibleNodes, ["worker-1", "worker-2"]);
    assert.deepEqual(r.change.tolerations, [
      { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
    ]);
    assert.deepEqual(r.change.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
    assert.equal(r.change.nodeAffinity, null);
    assert.deepEqual(r.after.feasibleNodes, ["cp-1"]);
    assert.equal(r.verified, true);
  });

  test("a taint with a value: operator Equal and the value", () => {
    const nodes = [
      nodeObj("infra-1", {
        labels: { pool: "infra" },
        taints: [{ key: "dedicated", value: "infra", effect: "NoSchedule" }],
      }),
      nodeObj("worker-1"),
    ];
    const r = fix([...nodes, deployment("web")], "apps/web", "pool=infra");
    assert.deepEqual(r.change.tolerations, [
      { key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" },
    ]);
    assert.deepEqual(r.change.nodeSelector, { pool: "infra" });
    assert.deepEqual(r.after.feasibleNodes, ["infra-1"]);
    assert.equal(r.verified, true);
  });

  test("NoExecute is tolerated with effect NoExecute (no tolerationSeconds: the pods stay); PreferNoSchedule is left alone (it only scores)", () => {
    const nodes = [
      nodeObj("gpu-1", {
        labels: { gpu: "a100" },
        taints: [
          { key: "nvidia.com/gpu", effect: "NoExecute" },
          { key: "spot", value: "true", effect: "PreferNoSchedule" },
        ],
      }),
      nodeObj("worker-1"),
    ];
    const r = fix([...nodes, deployment("train")], "apps/train", "gpu=a100");
    assert.deepEqual(r.change.tolerations, [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute" }]);
    assert.ok(r.notes.some((n) => /NoExecute toleration without tolerationSeconds/.test(n)));
    assert.equal(r.verified, true);
  });

  test("a taint the pods already tolerate gets no second toleration: the change is the selector only", () => {
    const r = fix(
      [
        ...kubeadmNodes(),
        deployment("web", {
          tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
        }),
      ],
      "apps/web",
      "node-role.kubernetes.io/control-plane",
    );
    assert.deepEqual(r.change.tolerations, []);
    assert.deepEqual(r.change.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
    assert.deepEqual(r.before.feasibleNodes, ["cp-1", "worker-1", "worker-2"]);
    assert.deepEqual(r.after.feasibleNodes, ["cp-1"]);
    // no tolerations in the patch: the list is not touched
    assert.doesNotMatch(r.patch!, /tolerations/);
  });

  test("no taint on the target: a nodeSelector only", () => {
    const nodes = [
      nodeObj("ssd-1", { labels: { disktype: "ssd" } }),
      nodeObj("hdd-1", { labels: { disktype: "hdd" } }),
    ];
    const r = fix([...nodes, deployment("db")], "apps/db", "disktype=ssd");
    assert.deepEqual(r.change.tolerations, []);
    assert.deepEqual(r.change.nodeSelector, { disktype: "ssd" });
    assert.deepEqual(r.after.feasibleNodes, ["ssd-1"]);
    assert.equal(r.verified, true);
  });

  test("only the target nodes' taints: not the legacy master taint the seed adds, nor a non-target node's taint", () => {
    const nodes = [...kubeadmNodes(), nodeObj("edge-1", { taints: [{ key: "edge", effect: "NoSchedule" }] })];
    const r = fix([...nodes, deployment("web")], "apps/web", "node-role.kubernetes.io/control-plane");
    assert.deepEqual(
      r.change.tolerations.map((t) => t.key),
      ["node-role.kubernetes.io/control-plane"],
    );
    assert.doesNotMatch(r.patch!, /node-role\.kubernetes\.io\/master|edge/);
  });

  test("the same taint on several target nodes: one toleration, every node named", () => {
    const nodes = [
      nodeObj("cp-1", { labels: CONTROL_PLANE, taints: [CONTROL_PLANE_TAINT] }),
      nodeObj("cp-2", { labels: CONTROL_PLANE, taints: [CONTROL_PLANE_TAINT] }),
      nodeObj("worker-1"),
    ];
    const r = fix([...nodes, deployment("web")], "apps/web", "node-role.kubernetes.io/control-plane");
    assert.equal(r.change.tolerations.length, 1);
    assert.match(r.change.steps[0]!.text, /of cp-1, cp-2$/);
    assert.deepEqual(r.after.feasibleNodes, ["cp-1", "cp-2"]);
  });

  test("condition taints (not-ready) are never tolerated: the node is reported still rejected and the fix is not verified", () => {
    // a NotReady node carries both condition taints (TaintNodesByCondition's NoSchedule, the node
    // lifecycle controller's NoExecute); the pods tolerate the NoExecute one for 300 s by
    // DefaultTolerationSeconds admission, so the NoSchedule one is what rejects the node
    const notReady = [
      { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
      { key: "node.kubernetes.io/not-ready", effect: "NoExecute" },
    ];
    const nodes = [
      nodeObj("cp-1", { labels: CONTROL_PLANE, taints: [CONTROL_PLANE_TAINT, ...notReady] }),
      nodeObj("worker-1"),
    ];
    const r = fix([...nodes, deployment("web")], "apps/web", "cp-1");
    assert.deepEqual(
      r.change.tolerations.map((t) => t.key),
      ["node-role.kubernetes.io/control-plane"],
    );
    // no kubelet version in the snapshot: the newest version podpath models, whose wording leaves the taint out (version.ts TAINT_REASONS)
    assert.equal(r.kubernetes.from, "default");
    assert.deepEqual(
      r.otherRejections.map((o) => [o.node, o.plugin, o.message, o.detail]),
      [
        [
          "cp-1",
          "TaintToleration",
          "node(s) had untolerated taint(s)",
          "taint node.kubernetes.io/not-ready:NoSchedule reports the node's condition; a placement fix does not tolerate it",
        ],
      ],
    );
    assert.equal(r.verified, false);
    assert.match(
      r.unverifiedBecause[0]!,
      /cp-1 is still rejected: TaintToleration: node\(s\) had untolerated taint\(s\) \(taint node\.kubernetes\.io\/not-ready:NoSchedule\)/,
    );
  });
});

describe("NodeAffinity: select exactly the target nodes", () => {
  test("a node name with a role label only it has: that label (kubernetes.io/hostname named as the way to pin)", () => {
    const r = fix([...kubeadmNodes(), deployment("web")], "apps/web", "cp-1");
    assert.equal(r.ontoKind, "node name");
    assert.deepEqual(r.change.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
    assert.match(r.change.steps[1]!.text, /kubernetes\.io\/hostname: cp-1 would pin this one node/);
    assert.deepEqual(r.after.feasibleNodes, ["cp-1"]);
  });

  test("a node name without a distinguishing label: kubernetes.io/hostname (incidental labels such as instance-type are not used)", () => {
    const nodes = [
      nodeObj("worker-1", { labels: { "node.kubernetes.io/instance-type": "m5.large" } }),
      nodeObj("worker-2", { labels: { "node.kubernetes.io/instance-type": "m5.xlarge" } }),
    ];
    const r = fix([...nodes, deployment("web")], "apps/web", "worker-2");
    assert.deepEqual(r.change.nodeSelector, { "kubernetes.io/hostname": "worker-2" });
    assert.deepEqual(r.after.feasibleNodes, ["worker-2"]);
  });

  test("a node without a hostname label: matchFields metadata.name", () => {
    const nodes = [nodeObj("a", { noHostname: true }), nodeObj("b", { noHostname: true })];
    const r = fix([...nodes, deployment("web")], "apps/web", "a");
    assert.deepEqual(r.change.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchFields: [{ key: "metadata.name", operator: "In", values: ["a"] }] },
    ]);
    assert.deepEqual(r.after.feasibleNodes, ["a"]);
  });

  test("several node names without a shared label: required node affinity kubernetes.io/hostname In [names]", () => {
    const r = fix([...kubeadmNodes(), deployment("web")], "apps/web", "cp-1,worker-2");
    assert.equal(r.ontoKind, "node names");
    assert.equal(r.change.nodeSelector, null);
    assert.deepEqual(r.change.nodeAffinity, {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["cp-1", "worker-2"] }] },
        ],
      },
    });
    assert.deepEqual(
      r.change.tolerations.map((t) => t.key),
      ["node-role.kubernetes.io/control-plane"],
    );
    assert.deepEqual(r.after.feasibleNodes, ["cp-1", "worker-2"]);
    assert.equal(r.verified, true);
  });

  test("`!key` needs an operator: required node affinity DoesNotExist (a pod tolerating every taint would otherwise reach the control plane)", () => {
    const r = fix(
      [...kubeadmNodes(), deployment("agent", { tolerations: [{ operator: "Exists" }] })],
      "apps/agent",
      "!node-role.kubernetes.io/control-plane",
    );
    assert.deepEqual(r.targetNodes, ["worker-1", "worker-2"]);
    assert.equal(r.change.nodeSelector, null);
    assert.deepEqual(r.change.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] },
    ]);
    assert.deepEqual(r.after.feasibleNodes, ["worker-1", "worker-2"]);
    assert.equal(r.verified, true);
  });

  test("`key!=value` becomes NotIn; a pair already in the nodeSelector is not added again", () => {
    const nodes = [
      nodeObj("a", { labels: { zone: "x", tier: "fast" } }),
      nodeObj("b", { labels: { zone: "y", tier: "fast" } }),
      nodeObj("c", { labels: { zone: "z", tier: "slow" } }),
    ];
    const r = fix([...nodes, deployment("web")], "apps/web", "zone!=x,tier=fast");
    assert.deepEqual(r.change.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      {
        matchExpressions: [
          { key: "zone", operator: "NotIn", values: ["x"] },
          { key: "tier", operator: "In", values: ["fast"] },
        ],
      },
    ]);
    assert.deepEqual(r.after.feasibleNodes, ["b"]);
    const again = fix(
      [...nodes, deployment("web", { nodeSelector: { tier: "fast" } })],
      "apps/web",
      "tier=fast,zone=y",
    );
    assert.deepEqual(again.change.nodeSelector, { zone: "y" });
  });

  test("a label key whose values differ across the targets: Exists in a node affinity term", () => {
    const nodes = [nodeObj("a", { labels: { gpu: "a100" } }), nodeObj("b", { labels: { gpu: "h100" } }), nodeObj("c")];
    const r = fix([...nodes, deployment("train")], "apps/train", "gpu");
    assert.deepEqual(r.change.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [{ key: "gpu", operator: "Exists" }] },
    ]);
    assert.deepEqual(r.after.feasibleNodes, ["a", "b"]);
  });

  test("the added node affinity is ANDed into every existing required term", () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }],
        },
      },
    };
    const r = fix(
      [...kubeadmNodes(), deployment("agent", { affinity, tolerations: [{ operator: "Exists" }] })],
      "apps/agent",
      "!node-role.kubernetes.io/control-plane",
    );
    assert.deepEqual(r.change.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      {
        matchExpressions: [
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          { key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" },
        ],
      },
    ]);
    assert.deepEqual(r.change.replaces, []);
    assert.equal(r.verified, true);
  });

  test("an existing nodeSelector that rejects the target is replaced, and says so (the patch deletes the key with null)", () => {
    const r = fix(
      [
        ...kubeadmNodes(),
        deployment("web", { nodeSelector: { "node-role.kubernetes.io/worker": "true", "kubernetes.io/os": "linux" } }),
      ],
      "apps/web",
      "node-role.kubernetes.io/control-plane",
    );
    assert.deepEqual(
      r.change.replaces.map((x) => [x.field, x.was]),
      [["nodeSelector.node-role.kubernetes.io/worker", "true"]],
    );
    assert.match(r.change.replaces[0]!.why, /cp-1 lacks the label node-role\.kubernetes\.io\/worker=true/);
    assert.match(
      r.patch!,
      /nodeSelector:\n {8}node-role\.kubernetes\.io\/worker: null\n {8}node-role\.kubernetes\.io\/control-plane: ""/,
    );
    assert.deepEqual(r.after.feasibleNodes, ["cp-1"]);
    assert.equal(r.verified, true);
  });

  test("an existing required node affinity no term of which matches the target is replaced", () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] },
          ],
        },
      },
    };
    const r = fix(
      [...kubeadmNodes(), deployment("web", { affinity })],
      "apps/web",
      "node-role.kubernetes.io/control-plane",
    );
    assert.deepEqual(
      r.change.replaces.map((x) => x.field),
      ["affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"],
    );
    assert.match(r.patch!, /requiredDuringSchedulingIgnoredDuringExecution: null/);
    assert.deepEqual(r.after.feasibleNodes, ["cp-1"]);
    assert.equal(r.verified, true);
  });

  test("a toleration that would also open a non-target node with the same taint: the selector keeps the pods off it", () => {
    const nodes = [
      nodeObj("cp-1", { labels: CONTROL_PLANE, taints: [CONTROL_PLANE_TAINT] }),
      nodeObj("cp-2", { labels: CONTROL_PLANE, taints: [CONTROL_PLANE_TAINT] }),
      nodeObj("worker-1"),
    ];
    const r = fix([...nodes, deployment("web")], "apps/web", "cp-2");
    assert.deepEqual(r.change.nodeSelector, { "kubernetes.io/hostname": "cp-2" });
    assert.deepEqual(r.after.feasibleNodes, ["cp-2"]);
  });

  test("already exactly there: nothing to change, no patch, and the note says what keeps the others off", () => {
    const r = fix([...kubeadmNodes(), deployment("web")], "apps/web", "!node-role.kubernetes.io/control-plane");
    assert.equal(r.change.empty, true);
    assert.equal(r.patch, null);
    assert.equal(r.kubectl, null);
    assert.match(r.notes[0]!, /cp-1 by TaintToleration/);
    assert.equal(r.verified, true);
  });
});

describe("other filters are named, not changed", () => {
  test("NodeResourcesFit rejects the target: listed, and the verification says which node and why", () => {
    const nodes = [nodeObj("small", { labels: { pool: "small" }, cpu: "50m" }), nodeObj("big")];
    const r = fix([...nodes, deployment("web")], "apps/web", "pool=small");
    assert.deepEqual(
      r.otherRejections.map((o) => [o.node, o.plugin, o.message]),
      [["small", "NodeResourcesFit", "Insufficient cpu"]],
    );
    assert.deepEqual(r.change.nodeSelector, { pool: "small" });
    assert.deepEqual(r.after.feasibleNodes, []);
    assert.equal(r.verified, false);
    assert.match(r.unverifiedBecause.join("\n"), /small is still rejected: NodeResourcesFit: Insufficient cpu/);
  });

  test("a cordoned target: NodeUnschedulable is listed, never bypassed with a toleration", () => {
    const nodes = [nodeObj("a", { labels: { pool: "x" }, unschedulable: true }), nodeObj("b")];
    const r = fix([...nodes, deployment("web")], "apps/web", "pool=x");
    assert.deepEqual(r.change.tolerations, []);
    assert.deepEqual(
      r.otherRejections.map((o) => o.plugin),
      ["NodeUnschedulable"],
    );
    assert.equal(r.verified, false);
  });
});

describe("the patch and the kubectl command", () => {
  test("a merge patch replaces the tolerations list: the existing tolerations come first, then the added one; the JSON survives shell quoting", () => {
    const existing = { key: "team", operator: "Equal", value: "o'brien", effect: "NoSchedule" };
    const r = fix(
      [...kubeadmNodes(), deployment("web", { tolerations: [existing] })],
      "apps/web",
      "node-role.kubernetes.io/control-plane",
    );
    const patch = kubectlPatchArgument(r.kubectl!) as {
      spec: { template: { spec: { tolerations: unknown[]; nodeSelector: unknown } } };
    };
    assert.deepEqual(patch.spec.template.spec.tolerations, [
      existing,
      { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
    ]);
    assert.deepEqual(patch.spec.template.spec.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
    assert.match(r.kubectl!, /^kubectl patch deployment web -n apps --type=merge -p '/);
  });

  test("a CronJob's pod template sits at spec.jobTemplate.spec.template.spec", () => {
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly", namespace: "apps" },
      spec: {
        schedule: "0 1 * * *",
        jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: "Never" }) } } },
      },
    };
    const r = fix([...kubeadmNodes(), cron], "apps/nightly", "worker-1");
    assert.equal(r.patchTarget.path, "spec.jobTemplate.spec.template.spec");
    assert.match(
      r.patch!,
      /^spec:\n {2}jobTemplate:\n {4}spec:\n {6}template:\n {8}spec:\n {10}nodeSelector:\n {12}kubernetes\.io\/hostname: worker-1\n$/,
    );
  });

  test("a Prometheus resource (prometheus-operator): the change goes to the resource's spec, kubectl patches the Prometheus, helm sets prometheus.prometheusSpec", () => {
    const prom = {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Prometheus",
      metadata: {
        name: "kps-prometheus",
        namespace: "monitoring",
        labels: {
          chart: "kube-prometheus-stack-65.1.1",
          release: "kps",
          "app.kubernetes.io/part-of": "kube-prometheus-stack",
        },
      },
      spec: {
        replicas: 1,
        resources: { requests: { cpu: "200m", memory: "512Mi" } },
        tolerations: [{ key: "team", operator: "Exists" }],
      },
    };
    const r = fix(
      [...kubeadmNodes(), prom],
      "monitoring/prometheus-kps-prometheus",
      "node-role.kubernetes.io/control-plane",
    );
    assert.equal(r.generatedFrom, "Prometheus monitoring/kps-prometheus");
    assert.deepEqual(r.patchTarget, {
      kind: "Prometheus",
      namespace: "monitoring",
      name: "kps-prometheus",
      path: "spec",
    });
    assert.match(
      r.patch!,
      /^spec:\n {2}nodeSelector:\n {4}node-role\.kubernetes\.io\/control-plane: ""\n {2}tolerations:\n {4}- key: team\n {6}operator: Exists\n {4}- key: node-role/,
    );
    assert.match(
      r.kubectl!,
      /^kubectl patch prometheus kps-prometheus -n monitoring --type=merge -p '\{"spec":\{"nodeSelector"/,
    );
    const words = shellWords(r.helm!);
    assert.deepEqual(words.slice(0, 7), [
      "upgrade",
      "kps",
      "prometheus-community/kube-prometheus-stack",
      "-n",
      "monitoring",
      "--version",
      "65.1.1",
    ]);
    assert.ok(words.includes("prometheus.prometheusSpec.tolerations[0].key=team"));
    assert.ok(words.includes("prometheus.prometheusSpec.tolerations[1].key=node-role.kubernetes.io/control-plane"));
    assert.ok(words.includes("prometheus.prometheusSpec.nodeSelector.node-role\\.kubernetes\\.io/control-plane="));
    assert.deepEqual(r.after.feasibleNodes, ["cp-1"]);
    assert.equal(r.verified, true);
  });

  test("an Alertmanager resource: alertmanager.alertmanagerSpec", () => {
    const am = {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Alertmanager",
      metadata: {
        name: "kps-alertmanager",
        namespace: "monitoring",
        labels: { chart: "kube-prometheus-stack-65.1.1", release: "kps" },
      },
      spec: { replicas: 1 },
    };
    const r = fix([...kubeadmNodes(), am], "monitoring/alertmanager-kps-alertmanager", "cp-1");
    assert.equal(r.patchTarget.kind, "Alertmanager");
    assert.match(r.kubectl!, /^kubectl patch alertmanager kps-alertmanager /);
    assert.match(
      r.helm!,
      /--set 'alertmanager\.alertmanagerSpec\.tolerations\[0\]\.key=node-role\.kubernetes\.io\/control-plane'/,
    );
  });
});

describe("helm: the charts' value paths", () => {
  const kpsOperator = deployment(
    "kps-operator",
    {},
    {
      labels: {
        chart: "kube-prometheus-stack-65.1.1",
        release: "kps",
        "app.kubernetes.io/part-of": "kube-prometheus-stack",
        "app.kubernetes.io/component": "prometheus-operator",
      },
      annotations: { "meta.helm.sh/release-name": "kps", "meta.helm.sh/release-namespace": "monitoring" },
    },
    "monitoring",
  );
  const sub = (name: string, chart: string) =>
    deployment(
      name,
      {},
      {
        labels: { "helm.sh/chart": chart, "app.kubernetes.io/instance": "kps" },
        annotations: { "meta.helm.sh/release-name": "kps", "meta.helm.sh/release-namespace": "monitoring" },
      },
      "monitoring",
    );

  test("grafana installed by kube-prometheus-stack: grafana.tolerations[0].key and grafana.nodeSelector with the dots escaped", () => {
    const r = fix(
      [...kubeadmNodes(), kpsOperator, sub("kps-grafana", "grafana-8.5.2")],
      "monitoring/kps-grafana",
      "node-role.kubernetes.io/control-plane",
    );
    assert.equal(r.helmRelease?.chart, "kube-prometheus-stack");
    assert.equal(r.helmRelease?.version, "65.1.1");
    const words = shellWords(r.helm!);
    assert.deepEqual(words, [
      "upgrade",
      "kps",
      "prometheus-community/kube-prometheus-stack",
      "-n",
      "monitoring",
      "--version",
      "65.1.1",
      "--reuse-values",
      "--set",
      "grafana.tolerations[0].key=node-role.kubernetes.io/control-plane",
      "--set",
      "grafana.tolerations[0].operator=Exists",
      "--set",
      "grafana.tolerations[0].effect=NoSchedule",
      "--set-string",
      "grafana.nodeSelector.node-role\\.kubernetes\\.io/control-plane=",
    ]);
  });

  test("grafana installed alone: the grafana chart, values at the top level", () => {
    const r = fix([...kubeadmNodes(), sub("grafana", "grafana-8.5.2")], "monitoring/grafana", "cp-1");
    assert.equal(r.helmRelease?.chartRef, "grafana/grafana");
    assert.equal(r.helmRelease?.version, "8.5.2");
    assert.match(r.helm!, /--set 'tolerations\[0\]\.key=node-role\.kubernetes\.io\/control-plane'/);
  });

  test("kube-state-metrics and prometheus-node-exporter under kube-prometheus-stack; the operator under prometheusOperator", () => {
    const ksm = fix(
      [...kubeadmNodes(), kpsOperator, sub("kps-ksm", "kube-state-metrics-5.25.1")],
      "monitoring/kps-ksm",
      "cp-1",
    );
    assert.match(ksm.helm!, /--set 'kube-state-metrics\.tolerations\[0\]\.key=/);
    const ne = fix(
      [...kubeadmNodes(), kpsOperator, sub("kps-ne", "prometheus-node-exporter-4.39.0")],
      "monitoring/kps-ne",
      "cp-1",
    );
    assert.match(
      ne.helm!,
      /--set-string 'prometheus-node-exporter\.nodeSelector\.node-role\\\.kubernetes\\\.io\/control-plane='/,
    );
    const op = fix([...kubeadmNodes(), kpsOperator], "monitoring/kps-operator", "cp-1");
    assert.match(op.helm!, /--set 'prometheusOperator\.tolerations\[0\]\.key=/);
  });

  test("argo-cd chart: the component's own values (server.…), carrying the whole nodeSelector since it replaces global.nodeSelector", () => {
    const server = deployment(
      "argocd-server",
      { nodeSelector: { "kubernetes.io/os": "linux" } },
      {
        labels: {
          "helm.sh/chart": "argo-cd-7.6.8",
          "app.kubernetes.io/instance": "argocd",
          "app.kubernetes.io/part-of": "argocd",
          "app.kubernetes.io/component": "server",
        },
      },
      "argocd",
    );
    const r = fix([...kubeadmNodes(), server], "argocd/argocd-server", "node-role.kubernetes.io/control-plane");
    const words = shellWords(r.helm!);
    assert.deepEqual(words.slice(0, 8), [
      "upgrade",
      "argocd",
      "argo/argo-cd",
      "-n",
      "argocd",
      "--version",
      "7.6.8",
      "--reuse-values",
    ]);
    assert.ok(words.includes("server.tolerations[0].key=node-role.kubernetes.io/control-plane"));
    assert.ok(words.includes("server.nodeSelector.kubernetes\\.io/os=linux"));
    assert.ok(words.includes("server.nodeSelector.node-role\\.kubernetes\\.io/control-plane="));
    const repo = deployment(
      "argocd-repo-server",
      {},
      {
        labels: {
          "helm.sh/chart": "argo-cd-7.6.8",
          "app.kubernetes.io/instance": "argocd",
          "app.kubernetes.io/component": "repo-server",
        },
      },
      "argocd",
    );
    assert.match(
      fix([...kubeadmNodes(), repo], "argocd/argocd-repo-server", "cp-1").helm!,
      /--set 'repoServer\.tolerations\[0\]\.key=/,
    );
  });

  test("the official Argo CD manifest (no Helm labels) and unknown charts: no helm command", () => {
    const manifest = deployment(
      "argocd-server",
      {},
      { labels: { "app.kubernetes.io/part-of": "argocd", "app.kubernetes.io/component": "server" } },
      "argocd",
    );
    const r = fix([...kubeadmNodes(), manifest], "argocd/argocd-server", "cp-1");
    assert.equal(r.helm, null);
    assert.ok(r.notes.some((n) => /Argo CD manifest/.test(n)));
    const other = deployment(
      "lbc",
      {},
      { labels: { "helm.sh/chart": "aws-load-balancer-controller-1.9.2", "app.kubernetes.io/instance": "lbc" } },
      "kube-system",
    );
    assert.equal(fix([...kubeadmNodes(), other], "kube-system/lbc", "cp-1").helm, null);
  });

  test("flags: keys escaped (. , = [ ]), values' commas escaped, values through --set-string, removal as null, affinity terms indexed", () => {
    assert.equal(escapeHelmKey("node-role.kubernetes.io/control-plane"), "node-role\\.kubernetes\\.io/control-plane");
    assert.equal(escapeHelmKey("a,b=c[0]"), "a\\,b\\=c\\[0\\]");
    assert.deepEqual(
      helmSetFlags("x", {
        tolerations: [{ key: "k", operator: "Equal", value: "true", effect: "NoExecute", tolerationSeconds: 30 }],
        nodeSelector: { "old.io/k": null, "a.b/c": "1,2" },
        nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a", "b"] }] }],
      }),
      [
        "--set 'x.tolerations[0].key=k'",
        "--set 'x.tolerations[0].operator=Equal'",
        "--set-string 'x.tolerations[0].value=true'",
        "--set 'x.tolerations[0].effect=NoExecute'",
        "--set 'x.tolerations[0].tolerationSeconds=30'",
        "--set 'x.nodeSelector.old\\.io/k=null'",
        "--set-string 'x.nodeSelector.a\\.b/c=1\\,2'",
        "--set 'x.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=zone'",
        "--set 'x.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=NotIn'",
        "--set-string 'x.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]=a'",
        "--set-string 'x.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[1]=b'",
      ],
    );
    assert.equal(shellQuote("plain-word"), "plain-word");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.deepEqual(parseChartLabel("kube-prometheus-stack-65.1.1"), {
      name: "kube-prometheus-stack",
      version: "65.1.1",
    });
    assert.equal(parseChartLabel("no-version"), undefined);
  });
});

describe("--onto and the workload", () => {
  const names = ["cp-1", "worker-1"];
  test("kubectl's selector syntax", () => {
    assert.deepEqual(parseOnto("cp-1", names), { kind: "names", names: ["cp-1"] });
    assert.deepEqual(parseOnto("a, !b ,c=d,e==f,g!=h,i in (j,k),l notin (m)", names), {
      kind: "labels",
      requirements: [
        { key: "a", operator: "Exists", values: [] },
        { key: "b", operator: "DoesNotExist", values: [] },
        { key: "c", operator: "In", values: ["d"] },
        { key: "e", operator: "In", values: ["f"] },
        { key: "g", operator: "NotIn", values: ["h"] },
        { key: "i", operator: "In", values: ["j", "k"] },
        { key: "l", operator: "NotIn", values: ["m"] },
      ],
    });
    // a name list only when every part is a node: otherwise a label selector
    assert.equal(parseOnto("cp-1,zone=a", names).kind, "labels");
  });

  test("bad selectors, a selector naming no node and an unknown workload are FixPlaceErrors with clear messages", () => {
    assert.throws(() => parseOnto("", names), FixPlaceError);
    assert.throws(() => parseOnto("a,,b", names), /stray comma/);
    assert.throws(() => parseOnto("Bad Key!", names), /not a node name or a selector requirement/);
    assert.throws(() => parseOnto("-x", names), /invalid label key/);
    assert.throws(() => parseOnto("a=b c", names), FixPlaceError);
    const objects = [...kubeadmNodes(), deployment("web")];
    assert.throws(
      () => fix(objects, "apps/web", "gpu=true"),
      /--onto "gpu=true" selects no node; the snapshot's nodes: cp-1, worker-1, worker-2/,
    );
    assert.throws(
      () => fix(objects, "apps/nope", "cp-1"),
      /no workload apps\/nope in the snapshot; workloads in apps: web/,
    );
    assert.throws(() => fix(objects, "nope", "cp-1"), /expected NAMESPACE\/NAME/);
  });
});

describe("YAML writer", () => {
  test("quotes what YAML would read as something else: empty, booleans, numbers, null", () => {
    assert.equal(yamlScalar(""), '""');
    assert.equal(yamlScalar("true"), '"true"');
    assert.equal(yamlScalar("No"), '"No"');
    assert.equal(yamlScalar("1.5"), '"1.5"');
    assert.equal(yamlScalar("node-role.kubernetes.io/control-plane"), "node-role.kubernetes.io/control-plane");
    assert.equal(yamlScalar(null), "null");
    assert.equal(
      toYaml({ a: [{ b: "x", c: ["z", "y"] }], d: {}, e: [] }),
      'a:\n  - b: x\n    c:\n      - z\n      - "y"\nd: {}\ne: []\n',
    );
  });
});
