/**
 * The Kubernetes version placement follows: which one the cluster runs (read from the snapshot,
 * or given with --kubernetes-version), and what changes with it — the feature gates on by default
 * that change what the API server keeps of a pod and what kube-scheduler reads, the scheduler's
 * wording, and the default profile's score weights. One table per behaviour, keyed by minor
 * version (and patch where a fix was cherry-picked), each row citing its upstream source.
 *
 * Where the version is read from, best first:
 *  1. `--kubernetes-version` (validated; it wins);
 *  2. the kube-scheduler static pod's image tag (the scheduler itself), then kube-apiserver's
 *     (kubeadm's static pods in kube-system, `component=kube-scheduler|kube-apiserver`);
 *  3. the kubelet of the control-plane nodes (`node-role.kubernetes.io/control-plane`), where the
 *     scheduler runs;
 *  4. the newest kubelet (`status.nodeInfo.kubeletVersion`): by the version skew policy
 *     (kubernetes.io/releases/version-skew-policy, "kubelet must not be newer than
 *     kube-apiserver") the control plane is at least that version — an assumption, said so;
 *  5. the newest version podpath models — an assumption, said so.
 */
import type { Node, Pod, PodAffinity, PodAffinityTerm, PodSpec, Taint, Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import { formatSource, type SourceRef } from "../../model/source.js";
import { staticPodNode } from "../../model/static-pod.js";
import { UserError } from "../../model/errors.js";
import type { ScorePluginName } from "./types.js";

/** The oldest and newest minor versions (1.x) whose behaviour podpath models. */
const OLDEST_MODELLED_MINOR = 26;
const NEWEST_MODELLED_MINOR = 34;

/** A Kubernetes version as podpath compares them: 1.minor.patch (patch unknown for "v1.30"). */
export interface ParsedVersion {
  readonly minor: number;
  readonly patch: number | undefined;
}

/**
 * "v1.30.4-eks-a737599", "v1.31.2+k3s1", "1.29", "v1.34" → 1.minor.patch; undefined for anything
 * else (k8s.io/apimachinery/pkg/util/version ParseGeneric reads the same leading numbers; the
 * pre-release/build suffix a distribution adds — eks-…, +k3s1, -gke.… — is not part of the
 * Kubernetes version).
 */
export function parseKubernetesVersion(text: string): ParsedVersion | undefined {
  const m = /^v?1\.(\d{1,3})(?:\.(\d{1,4}))?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { minor: Number(m[1]), patch: m[2] === undefined ? undefined : Number(m[2]) };
}

function formatVersion(v: ParsedVersion): string {
  return `v1.${v.minor}${v.patch === undefined ? "" : `.${v.patch}`}`;
}

function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  // an unknown patch sorts after every known one of its minor (it stands for the latest)
  return a.minor - b.minor || (a.patch ?? Infinity) - (b.patch ?? Infinity);
}

/** At least `minor.patch`: an unknown patch is taken as the minor's latest. */
function atLeast(v: ParsedVersion, minor: number, patch = 0): boolean {
  return v.minor > minor || (v.minor === minor && (v.patch === undefined || v.patch >= patch));
}

// ---------------------------------------------------------------------------------------------
// Feature gates

export type FeatureGate =
  | "SidecarContainers"
  | "PodLevelResources"
  | "MatchLabelKeysInPodTopologySpread"
  | "MinDomainsInPodTopologySpread"
  | "NodeInclusionPolicyInPodTopologySpread"
  | "MatchLabelKeysInPodAffinity"
  | "DynamicResourceAllocation";

/**
 * The first minor version each gate is on by default in (pkg/features/kube_features.go
 * defaultVersionedKubernetesFeatureGates; the stages as kubernetes/website
 * content/en/docs/reference/command-line-tools-reference/feature-gates/<Gate>.md lists them).
 */
const FEATURE_GATES: readonly { readonly gate: FeatureGate; readonly onFrom: number; readonly cite: string }[] = [
  {
    gate: "NodeInclusionPolicyInPodTopologySpread",
    onFrom: 26,
    cite: "KEP-3094: alpha v1.25, beta (on) v1.26, GA v1.33",
  },
  { gate: "MatchLabelKeysInPodTopologySpread", onFrom: 27, cite: "KEP-3243: alpha v1.25, beta (on) v1.27" },
  {
    gate: "MinDomainsInPodTopologySpread",
    onFrom: 27,
    cite: "KEP-3022: alpha v1.24, beta (off) v1.25, beta (on) v1.27, GA v1.30",
  },
  { gate: "SidecarContainers", onFrom: 29, cite: "KEP-753: alpha v1.28, beta (on) v1.29, GA v1.33" },
  { gate: "MatchLabelKeysInPodAffinity", onFrom: 31, cite: "KEP-3633: alpha v1.29, beta (on) v1.31, GA v1.33" },
  { gate: "PodLevelResources", onFrom: 34, cite: "KEP-2837: alpha v1.32, beta (on) v1.34" },
  {
    // with the gate on, pkg/scheduler/apis/config/v1/default_plugins.go applyFeatureGates puts the
    // DynamicResources plugin in the default profile, just before DefaultPreemption (its PostFilter runs first)
    gate: "DynamicResourceAllocation",
    onFrom: 34,
    cite: "KEP-4381: alpha v1.26, beta (off) v1.32, GA (on) v1.34",
  },
];

/** Whether `gate` is on by default in version `v` (brought into the modelled range). */
export function featureGateOn(gate: FeatureGate, v: ParsedVersion): boolean {
  return clampToModelled(v).minor >= FEATURE_GATES.find((g) => g.gate === gate)!.onFrom;
}

// ---------------------------------------------------------------------------------------------
// Scheduler wording

/**
 * TaintToleration's Filter reason (pkg/scheduler/framework/plugins/tainttoleration/
 * taint_toleration.go Filter), by version: "node(s) had untolerated taint {key: value}" since
 * kubernetes PR #109119 (before it: "node(s) had taint {key: value}, that the pod didn't
 * tolerate", older than any version podpath models); the taint is left out since PR #134740
 * ("remove taint values from unschedulable messages in pod status", v1.35.0), cherry-picked to
 * release-1.34 as PR #135023 (CHANGELOG-1.34.md: v1.34.2).
 */
const TAINT_REASONS: readonly {
  readonly from: ParsedVersion;
  readonly reason: (taint: Pick<Taint, "key" | "value">) => string;
  readonly cite: string;
}[] = [
  {
    from: { minor: 26, patch: 0 },
    reason: (t) => `node(s) had untolerated taint {${t.key}: ${t.value}}`,
    cite: "kubernetes PR #109119",
  },
  {
    from: { minor: 34, patch: 2 },
    reason: () => "node(s) had untolerated taint(s)",
    cite: "kubernetes PR #135023 (v1.34.2), #134740 (v1.35.0)",
  },
];

/**
 * The default profile's score weights (pkg/scheduler/apis/config/v1/default_plugins.go
 * getDefaultPlugins, MultiPoint), for the score plugins podpath runs. Unchanged from v1.26 to
 * v1.34: what changed in the list in that range (the in-tree volume limit plugins EBSLimits,
 * GCEPDLimits and AzureDiskLimits leaving for NodeVolumeLimits; DynamicResources added by
 * applyFeatureGates with its gate) are plugins podpath does not run.
 */
const SCORE_WEIGHTS: readonly {
  readonly from: number;
  readonly weights: Readonly<Record<ScorePluginName, number>>;
  readonly cite: string;
}[] = [
  {
    from: 26,
    weights: {
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    },
    cite: "pkg/scheduler/apis/config/v1/default_plugins.go getDefaultPlugins",
  },
];

function rowFor<T extends { readonly from: ParsedVersion }>(rows: readonly T[], v: ParsedVersion): T {
  let found = rows[0]!;
  for (const row of rows) if (atLeast(v, row.from.minor, row.from.patch ?? 0)) found = row;
  return found;
}

// ---------------------------------------------------------------------------------------------
// The behaviour of one version

/** What placement does differently by version: plugins read it from the ClusterSnapshot. */
export interface VersionBehaviour {
  /** the version modelled: the one chosen, brought into the modelled range */
  readonly modelled: ParsedVersion;
  readonly gates: Readonly<Record<FeatureGate, boolean>>;
  /** TaintToleration's Filter reason for an untolerated taint, in this version's words */
  taintReason(taint: Pick<Taint, "key" | "value">): string;
  readonly scoreWeights: Readonly<Record<ScorePluginName, number>>;
}

export function versionBehaviour(version: ParsedVersion): VersionBehaviour {
  const modelled = clampToModelled(version);
  const gates = Object.fromEntries(FEATURE_GATES.map((g) => [g.gate, modelled.minor >= g.onFrom])) as Record<
    FeatureGate,
    boolean
  >;
  const taint = rowFor(TAINT_REASONS, modelled);
  const weights = rowFor(
    SCORE_WEIGHTS.map((w) => ({ ...w, from: { minor: w.from, patch: 0 } })),
    modelled,
  );
  return { modelled, gates, taintReason: taint.reason, scoreWeights: weights.weights };
}

function clampToModelled(v: ParsedVersion): ParsedVersion {
  if (v.minor < OLDEST_MODELLED_MINOR) return { minor: OLDEST_MODELLED_MINOR, patch: 0 };
  // newer than modelled: the newest modelled minor's latest patch
  if (v.minor > NEWEST_MODELLED_MINOR) return { minor: NEWEST_MODELLED_MINOR, patch: undefined };
  return v;
}

// ---------------------------------------------------------------------------------------------
// Which version the cluster runs

/** Where the version came from. */
type VersionFrom =
  "flag" | "kube-scheduler-image" | "kube-apiserver-image" | "control-plane-kubelet" | "newest-kubelet" | "default";

/** A `file:line` as data (src/questions/contract.ts SourceJson's shape). */
interface VersionLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

function versionLocation(ref: SourceRef | undefined): VersionLocation | null {
  return ref && ref.line > 0 ? { file: ref.file, line: ref.line, column: ref.col } : null;
}

/** The version placement follows, where it came from, and what was assumed. */
export interface KubernetesVersionChoice {
  /** the version as given or read, without a distribution's suffix: "v1.30.4" (or "v1.30" when no patch is known) */
  readonly version: string;
  readonly from: VersionFrom;
  /** the raw string read ("v1.30.4-eks-a737599", the image reference), or null (a flag, the default) */
  readonly read: string | null;
  /** file:line of the object it was read from, or null */
  readonly source: string | null;
  /** `source` as data (the JSON contract's SourceJson: file, 1-based line and column), or null */
  readonly location: VersionLocation | null;
  /** the version whose behaviour podpath applies ("v1.30.4"; "v1.34" for a newer one), see `assumptions` */
  readonly modelledAs: string;
  /** what podpath assumed in choosing it (none when the control plane said it) */
  readonly assumptions: readonly string[];
  /** the feature gates that change placement, as on by default in the modelled version */
  readonly featureGates: Readonly<Record<FeatureGate, boolean>>;
}

export interface ResolvedVersion {
  readonly choice: KubernetesVersionChoice;
  readonly behaviour: VersionBehaviour;
}

const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

/** A static pod of a control-plane component (kubeadm's manifests: label `component`, namespace kube-system). */
function componentImageVersion(
  pods: readonly Pod[],
  component: "kube-scheduler" | "kube-apiserver",
): { version: ParsedVersion; image: string; source: SourceRef }[] {
  const out: { version: ParsedVersion; image: string; source: SourceRef }[] = [];
  for (const pod of pods) {
    if (pod.namespace !== "kube-system" || staticPodNode(pod) === undefined) continue;
    if (pod.labels["component"] !== component && !pod.name.startsWith(`${component}-`)) continue;
    for (const c of pod.spec.containers) {
      // registry.k8s.io/kube-scheduler:v1.30.5, …/kube-apiserver-amd64:v1.30.5@sha256:…
      const m = new RegExp(`(?:^|/)${component}(?:-[a-z0-9]+)?:([^@]+)`).exec(c.image);
      const version = m ? parseKubernetesVersion(m[1]!) : undefined;
      if (version) out.push({ version, image: c.image, source: pod.meta.source });
    }
  }
  return out;
}

function kubeletVersions(
  nodes: readonly Node[],
): { node: Node; version: ParsedVersion; read: string; source: SourceRef }[] {
  const out: { node: Node; version: ParsedVersion; read: string; source: SourceRef }[] = [];
  for (const node of nodes) {
    const kv = node.kubeletVersion;
    const version = kv ? parseKubernetesVersion(kv.version) : undefined;
    if (kv && version) out.push({ node, version, read: kv.version, source: kv.source });
  }
  return out;
}

/** "v1.29.8 (2 nodes), v1.30.5 (1 node)": the kubelets' versions, when they differ. */
function mixDescription(list: readonly { version: ParsedVersion }[]): string | undefined {
  const counts = new Map<string, { version: ParsedVersion; n: number }>();
  for (const k of list) {
    const key = formatVersion(k.version);
    const entry = counts.get(key) ?? { version: k.version, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  if (counts.size < 2) return undefined;
  return [...counts.values()]
    .sort((a, b) => compareVersions(a.version, b.version))
    .map((e) => `${formatVersion(e.version)} (${e.n} ${e.n === 1 ? "node" : "nodes"})`)
    .join(", ");
}

function newest<T extends { version: ParsedVersion }>(list: readonly T[]): T {
  return list.reduce((a, b) => (compareVersions(b.version, a.version) > 0 ? b : a));
}

/** A --kubernetes-version the flag cannot use. */
export class KubernetesVersionError extends UserError {}

/**
 * The version placement follows, and its behaviour: `flag` (--kubernetes-version: "v1.30",
 * "1.30", "v1.30.4") wins, else what the snapshot shows (see the module comment), else the newest
 * version podpath models. A flag that is not a Kubernetes 1.x version, or one podpath does not
 * model, is a KubernetesVersionError.
 */
export function resolveKubernetesVersion(snapshot: Snapshot, flag?: string): ResolvedVersion {
  const assumptions: string[] = [];
  let version: ParsedVersion;
  let from: VersionFrom;
  let read: string | null = null;
  let source: SourceRef | undefined;
  const kubelets = kubeletVersions(snapshot.kubernetes.nodes);
  if (flag !== undefined) {
    const parsed = parseKubernetesVersion(flag);
    if (!parsed)
      throw new KubernetesVersionError(
        `--kubernetes-version ${JSON.stringify(flag)}: expected a Kubernetes version such as v1.30 or v1.30.4`,
      );
    if (parsed.minor < OLDEST_MODELLED_MINOR || parsed.minor > NEWEST_MODELLED_MINOR) {
      throw new KubernetesVersionError(
        `--kubernetes-version ${flag}: podpath models kube-scheduler v1.${OLDEST_MODELLED_MINOR} to v1.${NEWEST_MODELLED_MINOR}`,
      );
    }
    version = parsed;
    from = "flag";
    const newestKubelet = kubelets.length > 0 ? newest(kubelets) : undefined;
    if (
      newestKubelet &&
      compareVersions(newestKubelet.version, { minor: parsed.minor, patch: parsed.patch ?? Infinity }) > 0
    ) {
      assumptions.push(
        `${formatVersion(parsed)} is older than node ${newestKubelet.node.name}'s kubelet (${formatVersion(newestKubelet.version)}), which the version skew policy does not allow (the control plane is never older than a kubelet): placed as ${formatVersion(parsed)}, as asked`,
      );
    }
  } else {
    const scheduler = componentImageVersion(snapshot.kubernetes.pods, "kube-scheduler");
    const apiserver = componentImageVersion(snapshot.kubernetes.pods, "kube-apiserver");
    const controlPlane = kubelets.filter((k) => k.node.labels[CONTROL_PLANE_LABEL] !== undefined);
    const image =
      scheduler.length > 0
        ? { list: scheduler, from: "kube-scheduler-image" as const }
        : apiserver.length > 0
          ? { list: apiserver, from: "kube-apiserver-image" as const }
          : undefined;
    if (image) {
      const chosen = newest(image.list);
      ({ version } = chosen);
      from = image.from;
      read = chosen.image;
      source = chosen.source;
      const mix = mixDescription(image.list);
      if (mix)
        assumptions.push(
          `the control plane runs several versions (${mix}; an upgrade under way?): the newest is taken`,
        );
    } else if (controlPlane.length > 0) {
      const chosen = newest(controlPlane);
      ({ version, read } = chosen);
      from = "control-plane-kubelet";
      source = chosen.source;
      assumptions.push(
        `kube-scheduler's own version is not in the snapshot: the kubelet of control-plane node ${chosen.node.name} stands for it`,
      );
      const mix = mixDescription(controlPlane);
      if (mix) assumptions.push(`the control-plane kubelets run several versions (${mix}): the newest is taken`);
    } else if (kubelets.length > 0) {
      const chosen = newest(kubelets);
      ({ version, read } = chosen);
      from = "newest-kubelet";
      source = chosen.source;
      assumptions.push(
        `the control plane is not in the snapshot (a managed control plane, or not captured): the newest kubelet (${formatVersion(version)}, node ${chosen.node.name}) stands for it; by the version skew policy the control plane is that version or newer — give --kubernetes-version to set it`,
      );
    } else {
      version = { minor: NEWEST_MODELLED_MINOR, patch: undefined };
      from = "default";
      assumptions.push(
        `no node reports its kubelet version and the control plane is not in the snapshot: the newest version podpath models, v1.${NEWEST_MODELLED_MINOR}, is assumed — give --kubernetes-version to set it`,
      );
    }
  }
  const mix = mixDescription(kubelets);
  if (mix) assumptions.push(`the kubelets run mixed versions: ${mix}`);
  const behaviour = versionBehaviour(version);
  if (version.minor < OLDEST_MODELLED_MINOR)
    assumptions.push(`${formatVersion(version)} is older than podpath models: placed as v1.${OLDEST_MODELLED_MINOR}`);
  if (version.minor > NEWEST_MODELLED_MINOR)
    assumptions.push(
      `${formatVersion(version)} is newer than podpath models: placed as v1.${NEWEST_MODELLED_MINOR} (its latest patch)`,
    );
  if (version.patch === undefined && version.minor <= NEWEST_MODELLED_MINOR && version.minor >= OLDEST_MODELLED_MINOR) {
    assumptions.push(`the patch version is unknown: v1.${version.minor}'s latest patch is assumed`);
  }
  return {
    choice: {
      version: formatVersion(version),
      from,
      read,
      source: source ? formatSource(source) : null,
      location: versionLocation(source),
      modelledAs: formatVersion(behaviour.modelled),
      assumptions,
      featureGates: behaviour.gates,
    },
    behaviour,
  };
}

/** The newest version podpath models, for callers that build a cluster without a snapshot (tests, benches). */
export const DEFAULT_BEHAVIOUR: VersionBehaviour = versionBehaviour({ minor: NEWEST_MODELLED_MINOR, patch: undefined });

// ---------------------------------------------------------------------------------------------
// What the API server drops when a gate is off

/** A field of a template the API server of the chosen version drops, and why. */
export interface DroppedField {
  /** `Kind/namespace/name` of the workload */
  readonly workload: string;
  /** the field, dotted: `initContainers[istio-proxy].restartPolicy` */
  readonly field: string;
  readonly gate: FeatureGate;
  readonly source: string | null;
  /** `source` as data, or null */
  readonly location: VersionLocation | null;
}

/**
 * The pod spec as the API server of a version stores it: the fields of a disabled feature gate
 * dropped (pkg/api/pod/util.go dropDisabledFields, applied to pods and to pod templates by
 * DropDisabledTemplateFields): restartPolicy of init containers without SidecarContainers (they
 * are then plain init containers), matchLabelKeys and minDomains of spread constraints without
 * MatchLabelKeysInPodTopologySpread / MinDomainsInPodTopologySpread
 * (dropDisabledMatchLabelKeysFieldInTopologySpread, dropDisabledTopologySpreadConstraintsFields),
 * matchLabelKeys and mismatchLabelKeys of pod (anti-)affinity terms without
 * MatchLabelKeysInPodAffinity (dropDisabledMatchLabelKeysFieldInPodAffinity), pod-level
 * `resources` without PodLevelResources (dropDisabledPodLevelResources: "If the feature is
 * disabled and not in use, drop Resources at the pod-level"; at create there is no old pod, so it
 * is always dropped — the scheduler never counts it, and SetDefaults_Pod's defaultPodRequests, gated
 * the same way, never runs). The same spec object when nothing is dropped.
 */
export function specForVersion(
  spec: PodSpec,
  gates: Readonly<Record<FeatureGate, boolean>>,
  drop: (field: string, gate: FeatureGate, source: SourceRef) => void = () => {},
): PodSpec {
  let out = spec;
  if (!gates.PodLevelResources && spec.resources !== undefined) {
    drop("resources", "PodLevelResources", spec.source);
    out = { ...out, resources: undefined };
  }
  if (!gates.SidecarContainers && spec.initContainers.some((c) => c.restartPolicy !== undefined)) {
    for (const c of spec.initContainers)
      if (c.restartPolicy !== undefined)
        drop(`initContainers[${c.name}].restartPolicy`, "SidecarContainers", spec.source);
    out = {
      ...out,
      initContainers: spec.initContainers.map((c) =>
        c.restartPolicy === undefined ? c : { ...c, restartPolicy: undefined },
      ),
    };
  }
  const spreadLabelKeys =
    !gates.MatchLabelKeysInPodTopologySpread && spec.topologySpreadConstraints.some((c) => c.matchLabelKeys.length > 0);
  const spreadMinDomains =
    !gates.MinDomainsInPodTopologySpread && spec.topologySpreadConstraints.some((c) => c.minDomains !== undefined);
  if (spreadLabelKeys || spreadMinDomains) {
    out = {
      ...out,
      topologySpreadConstraints: spec.topologySpreadConstraints.map((c, i) => {
        let k = c;
        if (spreadLabelKeys && c.matchLabelKeys.length > 0) {
          drop(`topologySpreadConstraints[${i}].matchLabelKeys`, "MatchLabelKeysInPodTopologySpread", c.source);
          k = { ...k, matchLabelKeys: [] };
        }
        if (spreadMinDomains && c.minDomains !== undefined) {
          drop(`topologySpreadConstraints[${i}].minDomains`, "MinDomainsInPodTopologySpread", c.source);
          k = { ...k, minDomains: undefined };
        }
        return k;
      }),
    };
  }
  if (!gates.MatchLabelKeysInPodAffinity) {
    const strip = (a: PodAffinity | undefined, name: string): PodAffinity | undefined => {
      if (!a) return a;
      const has = (t: PodAffinityTerm) => t.matchLabelKeys.length > 0 || t.mismatchLabelKeys.length > 0;
      if (!a.required.some(has) && !a.preferred.some((w) => has(w.term))) return a;
      const term = (t: PodAffinityTerm, path: string): PodAffinityTerm => {
        if (!has(t)) return t;
        drop(`affinity.${name}.${path}.matchLabelKeys/mismatchLabelKeys`, "MatchLabelKeysInPodAffinity", t.source);
        return { ...t, matchLabelKeys: [], mismatchLabelKeys: [] };
      };
      return {
        required: a.required.map((t, i) => term(t, `requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
        preferred: a.preferred.map((w, i) => ({
          ...w,
          term: term(w.term, `preferredDuringSchedulingIgnoredDuringExecution[${i}]`),
        })),
      };
    };
    const podAffinity = strip(spec.affinity.podAffinity, "podAffinity");
    const podAntiAffinity = strip(spec.affinity.podAntiAffinity, "podAntiAffinity");
    if (podAffinity !== spec.affinity.podAffinity || podAntiAffinity !== spec.affinity.podAntiAffinity)
      out = { ...out, affinity: { ...spec.affinity, podAffinity, podAntiAffinity } };
  }
  return out;
}

/** A workload whose template is stored as the chosen version's API server stores it; the same object when nothing changes. */
export function workloadForVersion(w: Workload, behaviour: VersionBehaviour, dropped: DroppedField[]): Workload {
  const key = `${w.kind}/${w.namespace}/${w.name}`;
  const spec = specForVersion(w.template.spec, behaviour.gates, (field, gate, source) =>
    dropped.push({
      workload: key,
      field,
      gate,
      source: formatSource(source) || null,
      location: versionLocation(source),
    }),
  );
  return spec === w.template.spec ? w : { ...w, template: { ...w.template, spec } };
}
