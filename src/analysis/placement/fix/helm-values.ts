import type { Labels, ObjectMeta, Workload } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import type { NodeSelectorTermYaml, TolerationYaml } from "./shapes.js";

/**
 * What podpath knows of the Helm charts that install the seed's workloads, and how their values
 * reach the pod spec. The value paths are the charts' own values.yaml keys:
 *
 * kube-prometheus-stack (prometheus-community/helm-charts, charts/kube-prometheus-stack/values.yaml;
 * its objects carry `chart: kube-prometheus-stack-VERSION` and `app.kubernetes.io/part-of:
 * kube-prometheus-stack`, the release in `release:`):
 *   prometheus.prometheusSpec.{nodeSelector,tolerations,affinity}      → the Prometheus resource's spec
 *   alertmanager.alertmanagerSpec.{nodeSelector,tolerations,affinity}  → the Alertmanager resource's spec
 *   prometheusOperator.{nodeSelector,tolerations,affinity}             → the operator Deployment
 *   prometheusOperator.admissionWebhooks.patch.{…}                      → the admission webhook Jobs
 *   grafana.{nodeSelector,tolerations,affinity}                        → the grafana subchart (its values.yaml: nodeSelector {}, tolerations [], affinity {})
 *   kube-state-metrics.{nodeSelector,tolerations,affinity}             → the kube-state-metrics subchart
 *   prometheus-node-exporter.{nodeSelector,tolerations,affinity}       → the node-exporter subchart
 *     (its defaults: nodeSelector kubernetes.io/os: linux, tolerations [{effect: NoSchedule, operator: Exists}])
 * The subcharts installed alone (grafana/grafana, prometheus-community/kube-state-metrics,
 * prometheus-community/prometheus-node-exporter) take the same keys at the top level.
 *
 * argo-cd (argoproj/argo-helm, charts/argo-cd/values.yaml; objects carry `helm.sh/chart: argo-cd-VERSION`,
 * `app.kubernetes.io/part-of: argocd`, `app.kubernetes.io/component`):
 *   global.{nodeSelector,tolerations,affinity}   every component (global.nodeSelector defaults to kubernetes.io/os: linux)
 *   controller.… (application-controller), server.…, repoServer.…, applicationSet.… (applicationset-controller),
 *   dex.… (dex-server), redis.…, notifications.… (notifications-controller), commitServer.…, redisSecretInit.…
 *   Each component's templates read `COMPONENT.nodeSelector | default global.nodeSelector` and
 *   `COMPONENT.tolerations | default global.tolerations`: setting the component's value drops the
 *   global one for it, so the flags carry the whole resulting map and list. `COMPONENT.affinity`
 *   replaces the chart's global affinity preset (soft pod anti-affinity) for that component.
 *
 * `--set` replaces lists wholesale, even with --reuse-values (helm coalesces maps, not lists): the
 * tolerations flags list the existing tolerations too. `KEY=null` deletes a key.
 */
type KnownChart = "kube-prometheus-stack" | "argo-cd" | "grafana" | "kube-state-metrics" | "prometheus-node-exporter";

export interface HelmRelease {
  readonly chart: KnownChart;
  /** repo/chart as `helm upgrade` takes it */
  readonly chartRef: string;
  /** the installed chart version (from the chart label), to keep `helm upgrade` from moving to the latest */
  readonly version: string | undefined;
  readonly release: string;
  readonly namespace: string;
  /** where this workload's pod settings live in the values, "" for the top level */
  readonly valuesPath: string;
  readonly notes: readonly string[];
}

/** The scheduling fields to set, already merged with what the workload has. */
export interface HelmValuesChange {
  /** the whole resulting list (lists are replaced), or undefined when unchanged */
  readonly tolerations: readonly TolerationYaml[] | undefined;
  /** the whole resulting map, removed keys as null; undefined when unchanged */
  readonly nodeSelector: Readonly<Record<string, string | null>> | undefined;
  /** the required node affinity terms; null removes them; undefined when unchanged */
  readonly nodeSelectorTerms: readonly NodeSelectorTermYaml[] | null | undefined;
}

const CHART_REFS: Readonly<Record<KnownChart, string>> = {
  "kube-prometheus-stack": "prometheus-community/kube-prometheus-stack",
  "argo-cd": "argo/argo-cd",
  grafana: "grafana/grafana",
  "kube-state-metrics": "prometheus-community/kube-state-metrics",
  "prometheus-node-exporter": "prometheus-community/prometheus-node-exporter",
};

/** argo-cd's `app.kubernetes.io/component` label → the values key of that component. */
const ARGO_CD_COMPONENTS: Readonly<Record<string, string>> = {
  "application-controller": "controller",
  server: "server",
  "repo-server": "repoServer",
  "applicationset-controller": "applicationSet",
  "dex-server": "dex",
  redis: "redis",
  "notifications-controller": "notifications",
  "commit-server": "commitServer",
  "redis-secret-init": "redisSecretInit",
};

/** The subcharts of kube-prometheus-stack, with the key their values sit under. */
const KPS_SUBCHARTS: readonly KnownChart[] = ["grafana", "kube-state-metrics", "prometheus-node-exporter"];

/** `name-1.2.3` → name and version (chart labels are `{{ .Chart.Name }}-{{ .Chart.Version }}`). */
export function parseChartLabel(
  label: string | undefined,
): { readonly name: string; readonly version: string } | undefined {
  if (!label) return undefined;
  const m = /^(.+?)-(v?\d+\.\d+\.\d+[-+.\w]*)$/.exec(label);
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

function chartLabelOf(labels: Labels): string | undefined {
  return labels["helm.sh/chart"] ?? labels["chart"];
}

function releaseOf(meta: ObjectMeta, labels: Labels): string | undefined {
  return meta.annotations["meta.helm.sh/release-name"] ?? labels["release"] ?? labels["app.kubernetes.io/instance"];
}

/** Every object meta of the snapshot that can carry a release's chart label. */
function allMetas(snapshot: Snapshot): ObjectMeta[] {
  const k = snapshot.kubernetes;
  return [
    ...k.workloads.map((w) => w.meta),
    ...k.services.map((s) => s.meta),
    ...k.ingresses.map((i) => i.meta),
    ...k.networkPolicies.map((n) => n.meta),
    ...k.pods.map((p) => p.meta),
  ];
}

/** The kube-prometheus-stack chart version of a release, when any object of it says. */
function kubePrometheusStackVersion(snapshot: Snapshot, release: string, namespace: string): string | undefined | null {
  let found: string | undefined | null = null;
  for (const meta of allMetas(snapshot)) {
    if ((meta.annotations["meta.helm.sh/release-namespace"] ?? meta.namespace) !== namespace) continue;
    if (releaseOf(meta, meta.labels) !== release) continue;
    const chart = parseChartLabel(chartLabelOf(meta.labels));
    if (chart?.name === "kube-prometheus-stack") return chart.version;
    if (meta.labels["app.kubernetes.io/part-of"] === "kube-prometheus-stack") found = undefined;
  }
  return found;
}

/**
 * The Helm release and chart a workload was installed by, recognised by its labels, or undefined
 * when it is not one of the charts podpath knows. `patchKind` is the object the change goes to:
 * the Prometheus or Alertmanager resource for the StatefulSets prometheus-operator makes.
 */
export function findHelmRelease(workload: Workload, patchKind: string, snapshot: Snapshot): HelmRelease | undefined {
  const labels: Labels = { ...workload.template.labels, ...workload.meta.labels };
  const release = releaseOf(workload.meta, labels);
  if (!release) return undefined;
  const namespace = workload.meta.annotations["meta.helm.sh/release-namespace"] ?? workload.namespace;
  const chart = parseChartLabel(chartLabelOf(labels));
  const partOf = labels["app.kubernetes.io/part-of"];
  const make = (c: KnownChart, version: string | undefined, valuesPath: string, notes: string[] = []): HelmRelease => ({
    chart: c,
    chartRef: CHART_REFS[c],
    version,
    release,
    namespace,
    valuesPath,
    notes,
  });

  // kube-prometheus-stack's own objects
  if (chart?.name === "kube-prometheus-stack" || partOf === "kube-prometheus-stack") {
    const version =
      chart?.name === "kube-prometheus-stack"
        ? chart.version
        : (kubePrometheusStackVersion(snapshot, release, namespace) ?? undefined);
    if (patchKind === "Prometheus") return make("kube-prometheus-stack", version, "prometheus.prometheusSpec");
    if (patchKind === "Alertmanager") return make("kube-prometheus-stack", version, "alertmanager.alertmanagerSpec");
    const app = labels["app"] ?? "";
    if (app.endsWith("-admission-create") || app.endsWith("-admission-patch"))
      return make("kube-prometheus-stack", version, "prometheusOperator.admissionWebhooks.patch");
    if (labels["app.kubernetes.io/component"] === "prometheus-operator" || app.endsWith("-operator"))
      return make("kube-prometheus-stack", version, "prometheusOperator");
    return undefined;
  }

  // grafana, kube-state-metrics, node-exporter: a subchart of kube-prometheus-stack, or alone
  const sub = KPS_SUBCHARTS.find((c) => chart?.name === c);
  if (sub) {
    const parent = kubePrometheusStackVersion(snapshot, release, namespace);
    if (parent !== null)
      return make("kube-prometheus-stack", parent, sub, [
        `${sub} is a subchart of kube-prometheus-stack (release ${release}): its values sit under ${sub}.`,
      ]);
    return make(sub, chart!.version, "");
  }

  // argo-cd: the component label names the values key
  if (
    chart?.name === "argo-cd" ||
    (chart === undefined && partOf === "argocd" && labels["app.kubernetes.io/managed-by"] === "Helm")
  ) {
    const component = ARGO_CD_COMPONENTS[labels["app.kubernetes.io/component"] ?? ""];
    if (!component) return undefined;
    return make("argo-cd", chart?.version, component, [
      `${component}.tolerations and ${component}.nodeSelector move only this component; global.tolerations and global.nodeSelector would move every Argo CD component.`,
      `A component's own value replaces the global one (the chart reads \`${component}.nodeSelector | default global.nodeSelector\`): the flags carry the whole resulting nodeSelector and tolerations.`,
    ]);
  }
  if (chart?.name === "redis-ha" && partOf === "argocd") return make("argo-cd", undefined, "redis-ha");
  return undefined;
}

/** A key segment as `--set` needs it: `.`, `,`, `=`, `[` and `\` escaped with a backslash. */
export function escapeHelmKey(key: string): string {
  return key.replace(/[\\.,=[\]]/g, (c) => `\\${c}`);
}

/** A value as `--set` needs it: `,` and `\` escaped. */
function escapeHelmValue(value: string): string {
  return value.replace(/[\\,]/g, (c) => `\\${c}`);
}

/** One shell word, single-quoted when it holds anything a shell (bash, zsh) would expand. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/**
 * The `--set` / `--set-string` flags for a change. Label values and toleration values go through
 * `--set-string`: plain `--set` would turn "true" or "1" into a boolean or a number, which a
 * nodeSelector rejects.
 */
export function helmSetFlags(valuesPath: string, change: HelmValuesChange): string[] {
  const flags: string[] = [];
  const set = (path: string, value: string) => flags.push(`--set ${shellQuote(`${path}=${escapeHelmValue(value)}`)}`);
  const setString = (path: string, value: string) =>
    flags.push(`--set-string ${shellQuote(`${path}=${escapeHelmValue(value)}`)}`);
  if (change.tolerations) {
    const base = join(valuesPath, "tolerations");
    if (change.tolerations.length === 0) set(base, "null");
    change.tolerations.forEach((t, i) => {
      const at = `${base}[${i}]`;
      if (t.key !== undefined) set(`${at}.key`, t.key);
      set(`${at}.operator`, t.operator);
      if (t.value !== undefined) setString(`${at}.value`, t.value);
      if (t.effect !== undefined) set(`${at}.effect`, t.effect);
      if (t.tolerationSeconds !== undefined) set(`${at}.tolerationSeconds`, String(t.tolerationSeconds));
    });
  }
  if (change.nodeSelector) {
    for (const [key, value] of Object.entries(change.nodeSelector)) {
      const path = `${join(valuesPath, "nodeSelector")}.${escapeHelmKey(key)}`;
      if (value === null) set(path, "null");
      else setString(path, value);
    }
  }
  if (change.nodeSelectorTerms !== undefined) {
    const base = join(valuesPath, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
    if (change.nodeSelectorTerms === null) set(base, "null");
    else {
      change.nodeSelectorTerms.forEach((term, i) => {
        for (const field of ["matchExpressions", "matchFields"] as const) {
          (term[field] ?? []).forEach((r, j) => {
            const at = `${base}.nodeSelectorTerms[${i}].${field}[${j}]`;
            set(`${at}.key`, r.key);
            set(`${at}.operator`, r.operator);
            (r.values ?? []).forEach((v, k) => setString(`${at}.values[${k}]`, v));
          });
        }
      });
    }
  }
  return flags;
}

/** `helm upgrade RELEASE CHART -n NS --version V --reuse-values FLAGS…`, one flag a line. */
export function helmUpgradeCommand(release: HelmRelease, flags: readonly string[]): string {
  const head = ["helm", "upgrade", shellQuote(release.release), release.chartRef, "-n", shellQuote(release.namespace)];
  if (release.version) head.push("--version", shellQuote(release.version));
  head.push("--reuse-values");
  return [head.join(" "), ...flags].join(" \\\n  ");
}
