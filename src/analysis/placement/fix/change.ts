/** The change: tolerations for the target nodes' taints, and the node selection that admits exactly them. */

import { defaultTolerations } from "../admission/default-toleration-seconds.js";
import type {
  Labels,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSpec,
  Taint,
  Toleration,
  Workload,
} from "../../../model/kubernetes.js";
import { missingSelectorLabels, termMatches } from "../plugins/nodeaffinity/common.js";
import { FILTERED_EFFECTS, tolerates } from "../plugins/tainttoleration/common.js";
import { daemonSetTolerations } from "../pods-to-place.js";
import { located, type FixLocation } from "./location.js";
import type { OntoSelector } from "./onto.js";
import { termYaml, tolerationYaml, type NodeSelectorTermYaml, type TolerationYaml } from "./shapes.js";

/**
 * Taints Kubernetes itself puts on a node for its condition (node lifecycle controller, kubelet,
 * cloud controller): a placement fix never tolerates them — they mean the node cannot take pods now.
 */
const CONDITION_TAINTS: ReadonlySet<string> = new Set([
  "node.kubernetes.io/not-ready",
  "node.kubernetes.io/unreachable",
  "node.kubernetes.io/unschedulable",
  "node.kubernetes.io/disk-pressure",
  "node.kubernetes.io/memory-pressure",
  "node.kubernetes.io/pid-pressure",
  "node.kubernetes.io/network-unavailable",
  "node.kubernetes.io/out-of-service",
  "node.cloudprovider.kubernetes.io/uninitialized",
  "node.cloudprovider.kubernetes.io/shutdown",
]);

export function isConditionTaint(key: string): boolean {
  return CONDITION_TAINTS.has(key);
}

export const FILTERING = (t: Taint) => FILTERED_EFFECTS.includes(t.effect);

/**
 * Labels that describe hardware, place or identity rather than a role: they may happen to single
 * out the target nodes today, but selecting on them would be an accident, not the user's intent.
 */
function isIncidentalLabel(key: string): boolean {
  if (
    /^(beta\.kubernetes\.io|topology\.kubernetes\.io|failure-domain\.beta\.kubernetes\.io|node\.kubernetes\.io|topology\.[^/]+)\//.test(
      key,
    )
  )
    return true;
  return /(^|\/)(hostname|arch|os|instance-type|zone|region)$/.test(key) || key === "k8s.io/cloud-provider-aws";
}

/** A part of the workload's rules the change must drop because it rejects a target node. */
interface ReplacedPart {
  /** `nodeSelector.KEY`, `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution` or `nodeName` */
  readonly field: string;
  readonly was: string;
  readonly why: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: FixLocation | null;
}

export interface ChangeStep {
  readonly action: "add-toleration" | "add-node-selector" | "add-node-affinity" | "remove" | "keep";
  readonly text: string;
  readonly source: string | null;
  /** `source` as data */
  readonly location: FixLocation | null;
}

export interface PlacementChange {
  /** tolerations added (the patch carries the existing ones too) */
  readonly tolerations: readonly TolerationYaml[];
  /** nodeSelector pairs added; null when none */
  readonly nodeSelector: Readonly<Record<string, string>> | null;
  /** the resulting required node affinity, when the change sets it; null when unchanged */
  readonly nodeAffinity: {
    readonly requiredDuringSchedulingIgnoredDuringExecution: {
      readonly nodeSelectorTerms: readonly NodeSelectorTermYaml[];
    };
  } | null;
  readonly replaces: readonly ReplacedPart[];
  readonly steps: readonly ChangeStep[];
  /** nothing to change: the rules already admit exactly the target nodes */
  readonly empty: boolean;
}

/** The change in model terms, for applying it to the snapshot. */
export interface ModelChange {
  readonly addTolerations: readonly Toleration[];
  readonly addSelector: Readonly<Record<string, string>>;
  readonly removeSelectorKeys: readonly string[];
  /** undefined: keep; null: remove; terms: set */
  readonly required: readonly NodeSelectorTerm[] | null | undefined;
  readonly removeNodeName: boolean;
}

const list = (names: readonly string[]) => names.join(", ");

/**
 * The tolerations the scheduler sees for the workload's pods: a DaemonSet's get the controller's,
 * then every pod DefaultTolerationSeconds admission's (admission/default-toleration-seconds.ts).
 */
export function effectiveTolerations(workload: Workload, tolerations: readonly Toleration[]): readonly Toleration[] {
  const t =
    workload.kind === "DaemonSet" ? daemonSetTolerations({ ...workload.template.spec, tolerations }) : tolerations;
  return [...t, ...defaultTolerations(t, workload.template.spec.source)];
}

function untoleratedFiltering(node: Node, tolerations: readonly Toleration[]): Taint[] {
  return node.taints.filter((t) => FILTERING(t) && !tolerations.some((tol) => tolerates(tol, t)));
}

/** A label pair that selects exactly `targets` among `nodes`, role-like labels first. */
function distinguishingLabel(targets: readonly Node[], nodes: readonly Node[]): [string, string] | undefined {
  const first = targets[0];
  if (!first) return undefined;
  const targetNames = new Set(targets.map((t) => t.name));
  const candidates = Object.entries(first.labels)
    .filter(([key]) => !isIncidentalLabel(key))
    .filter(([key, value]) => nodes.every((n) => (n.labels[key] === value) === targetNames.has(n.name)))
    .sort(
      ([a], [b]) =>
        Number(!a.startsWith("node-role.kubernetes.io/")) - Number(!b.startsWith("node-role.kubernetes.io/")) ||
        (a < b ? -1 : a > b ? 1 : 0),
    );
  return candidates[0];
}

/** The one value every target node has for `key`, if they share one. */
function sharedValue(targets: readonly Node[], key: string): string | undefined {
  const values = new Set(targets.map((t) => t.labels[key]));
  const [only] = values;
  return values.size === 1 && only !== undefined ? only : undefined;
}

function formatPairs(pairs: Readonly<Record<string, string>>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}: ${v === "" ? '""' : v}`)
    .join(", ");
}

function formatRequirement(r: NodeSelectorRequirement): string {
  return r.operator === "Exists" || r.operator === "DoesNotExist"
    ? `${r.key} ${r.operator}`
    : `${r.key} ${r.operator} [${r.values.join(", ")}]`;
}

function formatToleration(t: TolerationYaml): string {
  return `{${[t.key !== undefined ? `key: ${t.key}` : "", `operator: ${t.operator}`, t.value !== undefined ? `value: ${t.value}` : "", t.effect ? `effect: ${t.effect}` : ""].filter(Boolean).join(", ")}}`;
}

/**
 * The smallest change to `workload`'s pod rules that admits exactly `targets`:
 * 1. tolerate every NoSchedule/NoExecute taint of a target node the pods do not tolerate yet
 *    (Exists for a taint without a value, else Equal with its value) — and no other taint;
 * 2. drop the parts of the nodeSelector, required node affinity or nodeName that reject a target;
 * 3. when other nodes would still be admitted, select the targets: a nodeSelector when labels say
 *    it with equality (the selector's own pairs, a role label naming exactly the targets, or
 *    kubernetes.io/hostname for one named node), else a required node affinity term with
 *    matchExpressions, ANDed into every existing term.
 */
export function computeChange(
  workload: Workload,
  nodes: readonly Node[],
  targets: readonly Node[],
  onto: OntoSelector,
): { readonly change: PlacementChange; readonly model: ModelChange } {
  const spec = workload.template.spec;
  const targetNames = new Set(targets.map((t) => t.name));
  const others = nodes.filter((n) => !targetNames.has(n.name));
  const steps: ChangeStep[] = [];
  const replaces: ReplacedPart[] = [];

  // 1. tolerations
  const added: Toleration[] = [];
  const current = effectiveTolerations(workload, spec.tolerations);
  for (const node of targets) {
    for (const taint of untoleratedFiltering(node, [...current, ...added])) {
      if (isConditionTaint(taint.key)) continue;
      added.push({
        key: taint.key,
        operator: taint.value === "" ? "Exists" : "Equal",
        value: taint.value,
        effect: taint.effect,
        tolerationSeconds: undefined,
        source: spec.source,
      });
    }
  }
  // one toleration may answer the same taint on several target nodes: name them all
  const addedBy = new Map<Toleration, { nodes: string[]; taint: Taint }>();
  for (const t of added) {
    const hits = targets.flatMap((n) =>
      untoleratedFiltering(n, current)
        .filter((taint) => tolerates(t, taint))
        .map((taint) => ({ node: n.name, taint })),
    );
    addedBy.set(t, { nodes: hits.map((h) => h.node), taint: hits[0]!.taint });
  }
  for (const t of added) {
    const by = addedBy.get(t)!;
    steps.push({
      action: "add-toleration",
      text: `toleration ${formatToleration(tolerationYaml(t))}: tolerates the taint ${by.taint.key}${by.taint.value ? "=" + by.taint.value : ""}:${by.taint.effect} of ${list(by.nodes)}`,
      ...located(by.taint.source),
    });
  }
  const tolerationsAfter = effectiveTolerations(workload, [...spec.tolerations, ...added]);

  // 2. what rejects a target goes
  const keptSelector: Record<string, string> = {};
  const removeSelectorKeys: string[] = [];
  for (const [key, value] of Object.entries(spec.nodeSelector)) {
    const lacking = targets.filter((t) => t.labels[key] !== value).map((t) => t.name);
    if (lacking.length === 0) {
      keptSelector[key] = value;
      continue;
    }
    removeSelectorKeys.push(key);
    const why = `${list(lacking)} ${lacking.length === 1 ? "lacks" : "lack"} the label ${key}=${value}`;
    replaces.push({
      field: `nodeSelector.${key}`,
      was: value,
      why,
      ...located(spec.nodeSelectorSource),
    });
    steps.push({
      action: "remove",
      text: `nodeSelector ${key}: ${value === "" ? '""' : value} removed: ${why}`,
      ...located(spec.nodeSelectorSource),
    });
  }
  const existingTerms = spec.affinity.nodeAffinity?.required ?? null;
  let keptTerms = existingTerms;
  if (existingTerms) {
    const unmatched = targets.filter((t) => !existingTerms.some((term) => termMatches(term, t))).map((t) => t.name);
    if (unmatched.length > 0) {
      keptTerms = null;
      const why = `no term matches ${list(unmatched)}`;
      const at = located(existingTerms[0]?.source ?? spec.source);
      replaces.push({
        field: "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        was: existingTerms
          .map((t) => `(${[...t.matchExpressions, ...t.matchFields].map(formatRequirement).join(", ")})`)
          .join(" OR "),
        why,
        ...at,
      });
      steps.push({ action: "remove", text: `required node affinity replaced: ${why}`, ...at });
    }
  }
  let removeNodeName = false;
  if (spec.nodeName && !(targets.length === 1 && targets[0]!.name === spec.nodeName)) {
    removeNodeName = true;
    const why = `it pins the pods to ${spec.nodeName}${targetNames.has(spec.nodeName) ? ", one of several targets" : ", not a target"}`;
    replaces.push({ field: "nodeName", was: spec.nodeName, why, ...located(spec.source) });
    steps.push({ action: "remove", text: `nodeName removed: ${why}`, ...located(spec.source) });
  }

  // 3. select the targets, when the rules left would admit any other node
  const admits = (
    node: Node,
    selector: Labels,
    terms: readonly NodeSelectorTerm[] | null,
    nodeName: string | undefined,
  ) =>
    missingSelectorLabels(selector, node).length === 0 &&
    (terms === null || terms.some((t) => termMatches(t, node))) &&
    (nodeName === undefined || nodeName === node.name) &&
    untoleratedFiltering(node, tolerationsAfter).every((t) => isConditionTaint(t.key));
  const nodeNameAfter = removeNodeName ? undefined : spec.nodeName;
  const admitted = others.filter((n) => admits(n, keptSelector, keptTerms, nodeNameAfter)).map((n) => n.name);

  let addSelector: Record<string, string> = {};
  let required: readonly NodeSelectorTerm[] | null | undefined = keptTerms === existingTerms ? undefined : null;
  if (admitted.length > 0) {
    let pairs: Record<string, string> | undefined;
    let expressions: NodeSelectorRequirement[] = [];
    let fields: NodeSelectorRequirement[] = [];
    let why: string;
    if (onto.kind === "labels") {
      const equality = onto.requirements.map((r) =>
        r.operator === "In" || r.operator === "Exists" ? sharedValue(targets, r.key) : undefined,
      );
      if (equality.every((v) => v !== undefined)) {
        pairs = Object.fromEntries(onto.requirements.map((r, i) => [r.key, equality[i]!]));
        why = `the --onto label${onto.requirements.length > 1 ? "s" : ""}, with the value every target node has`;
      } else {
        expressions = onto.requirements.map((r) => ({ key: r.key, operator: r.operator, values: [...r.values] }));
        why = "the selector needs operators a nodeSelector cannot express (it only matches key=value)";
      }
    } else {
      const label = distinguishingLabel(targets, nodes);
      const single = targets.length === 1 ? targets[0]! : undefined;
      if (label) {
        pairs = { [label[0]]: label[1] };
        why = `a label only ${targets.length === 1 ? "this node has" : "these nodes have"}${single?.labels["kubernetes.io/hostname"] !== undefined ? ` (kubernetes.io/hostname: ${single.labels["kubernetes.io/hostname"]} would pin this one node, even when more nodes get the label)` : ""}`;
      } else if (single && single.labels["kubernetes.io/hostname"] !== undefined) {
        pairs = { "kubernetes.io/hostname": single.labels["kubernetes.io/hostname"] };
        why = "no role label singles the node out; its hostname label does";
      } else if (targets.every((t) => t.labels["kubernetes.io/hostname"] !== undefined)) {
        expressions = [
          {
            key: "kubernetes.io/hostname",
            operator: "In",
            values: targets.map((t) => t.labels["kubernetes.io/hostname"]!),
          },
        ];
        why = "no label the target nodes share singles them out";
      } else {
        fields = [{ key: "metadata.name", operator: "In", values: targets.map((t) => t.name) }];
        why = "not every target node has a kubernetes.io/hostname label: matchFields on the node name";
      }
    }
    const without = `without it the pods may still land on ${list(admitted)}${added.length > 0 ? ": a toleration lets pods onto a tainted node, it never draws them there" : ""}`;
    if (pairs) {
      addSelector = Object.fromEntries(Object.entries(pairs).filter(([k, v]) => keptSelector[k] !== v));
      steps.push({
        action: "add-node-selector",
        text: `nodeSelector ${formatPairs(addSelector)}: selects exactly ${list(targets.map((t) => t.name))} — ${why}; ${without}`,
        ...located(spec.nodeSelectorSource),
      });
    } else {
      const base =
        keptTerms && keptTerms.length > 0
          ? keptTerms
          : [{ matchExpressions: [], matchFields: [], source: spec.source }];
      required = base.map((t) => ({
        matchExpressions: [...t.matchExpressions, ...expressions],
        matchFields: [...t.matchFields, ...fields],
        source: t.source,
      }));
      const anded =
        keptTerms && keptTerms.length > 0 ? `, ANDed into each of the ${keptTerms.length} existing term(s)` : "";
      steps.push({
        action: "add-node-affinity",
        text: `required node affinity ${[...expressions, ...fields].map(formatRequirement).join(", ")}${anded}: selects exactly ${list(targets.map((t) => t.name))} — ${why}; ${without}`,
        ...located(spec.affinity.nodeAffinity?.required?.[0]?.source ?? spec.source),
      });
    }
  }

  const model: ModelChange = { addTolerations: added, addSelector, removeSelectorKeys, required, removeNodeName };
  const empty =
    added.length === 0 &&
    Object.keys(addSelector).length === 0 &&
    removeSelectorKeys.length === 0 &&
    required === undefined &&
    !removeNodeName;
  const change: PlacementChange = {
    tolerations: added.map(tolerationYaml),
    nodeSelector: Object.keys(addSelector).length > 0 ? addSelector : null,
    nodeAffinity: required
      ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: required.map(termYaml) } }
      : null,
    replaces,
    steps,
    empty,
  };
  return { change, model };
}

/** The pod spec with the change applied (added items carry the spec's source). */
export function applyChange(spec: PodSpec, model: ModelChange): PodSpec {
  const nodeSelector: Record<string, string> = { ...spec.nodeSelector };
  for (const key of model.removeSelectorKeys) delete nodeSelector[key];
  Object.assign(nodeSelector, model.addSelector);
  const nodeAffinity =
    model.required === undefined
      ? spec.affinity.nodeAffinity
      : { required: model.required, preferred: spec.affinity.nodeAffinity?.preferred ?? [] };
  return {
    ...spec,
    nodeName: model.removeNodeName ? undefined : spec.nodeName,
    nodeSelector,
    affinity: { ...spec.affinity, nodeAffinity },
    tolerations: [...spec.tolerations, ...model.addTolerations],
  };
}
