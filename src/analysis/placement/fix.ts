import type { Labels, Node, NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm, ObjectRef, PodSpec, Taint, Toleration, Workload } from "../../model/kubernetes.js";
import { UserError } from "../../model/errors.js";
import type { Snapshot } from "../../model/snapshot.js";
import { formatSource } from "../../model/source.js";
import { missingSelectorLabels, requirementMatches, termMatches } from "./filters/node-affinity.js";
import { tolerates } from "./filters/taint-toleration.js";
import { findHelmRelease, helmSetFlags, helmUpgradeCommand, type HelmRelease } from "./helm-values.js";
import { analysePlacement, type NodeView, type ReasonView, type WorkloadPlacement } from "./placement.js";
import { daemonSetTolerations } from "./pods-to-place.js";

/**
 * `podpath fix place NS/NAME --onto SELECTOR`: the smallest change to a workload's pod template
 * that makes kube-scheduler's filters admit exactly the selected nodes, written as a patch, a
 * `kubectl patch` command and `helm upgrade --set` flags, and verified by re-running placement on
 * the snapshot with the change applied.
 *
 * Two rules do the work, and the seed document confuses them: a toleration only stops a taint
 * from rejecting a node (TaintToleration) — it never draws a pod there; a nodeSelector or required
 * node affinity (NodeAffinity) is what keeps a pod off every other node. So the change tolerates
 * the target nodes' taints and selects the target nodes.
 */

/** A bad `--onto`, or a workload the snapshot lacks: the CLI prints it and exits 2. */
export class FixPlaceError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "FixPlaceError";
  }
}

// ---------------------------------------------------------------------------------------------
// Manifest shapes (what a patch, kubectl and helm are written in)

export interface TolerationYaml {
  key?: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface NodeSelectorRequirementYaml {
  key: string;
  operator: NodeSelectorOperator;
  values?: string[];
}

export interface NodeSelectorTermYaml {
  matchExpressions?: NodeSelectorRequirementYaml[];
  matchFields?: NodeSelectorRequirementYaml[];
}

export function tolerationYaml(t: Pick<Toleration, "key" | "operator" | "value" | "effect" | "tolerationSeconds">): TolerationYaml {
  const out: TolerationYaml = t.key ? { key: t.key, operator: t.operator } : { operator: t.operator };
  if (t.value) out.value = t.value;
  if (t.effect) out.effect = t.effect;
  if (t.tolerationSeconds !== undefined) out.tolerationSeconds = t.tolerationSeconds;
  return out;
}

function requirementYaml(r: NodeSelectorRequirement): NodeSelectorRequirementYaml {
  return r.operator === "Exists" || r.operator === "DoesNotExist" ? { key: r.key, operator: r.operator } : { key: r.key, operator: r.operator, values: [...r.values] };
}

export function termYaml(t: Pick<NodeSelectorTerm, "matchExpressions" | "matchFields">): NodeSelectorTermYaml {
  const out: NodeSelectorTermYaml = {};
  if (t.matchExpressions.length > 0) out.matchExpressions = t.matchExpressions.map(requirementYaml);
  if (t.matchFields.length > 0) out.matchFields = t.matchFields.map(requirementYaml);
  return out;
}

// ---------------------------------------------------------------------------------------------
// --onto

export type OntoSelector =
  | { readonly kind: "names"; readonly names: readonly string[] }
  | { readonly kind: "labels"; readonly requirements: readonly NodeSelectorRequirement[] };

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function validKey(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash < 0) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

/** Splits at commas outside parentheses (`a in (x,y),b`). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of text) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

/**
 * Reads `--onto`: node names (comma-separated, every one a node of the snapshot), or a label
 * selector in kubectl's syntax (apimachinery labels.Parse): `key`, `!key`, `key=value`,
 * `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, comma-separated (ANDed).
 */
export function parseOnto(text: string, nodeNames: readonly string[]): OntoSelector {
  const trimmed = text.trim();
  if (trimmed === "") throw new FixPlaceError("--onto is empty: give a node name or a label selector such as node-role.kubernetes.io/control-plane");
  const parts = splitTopLevel(trimmed);
  const known = new Set(nodeNames);
  if (parts.every((p) => known.has(p))) return { kind: "names", names: [...new Set(parts)] };
  const requirements: NodeSelectorRequirement[] = [];
  const bad = (part: string, why: string) => new FixPlaceError(`--onto ${JSON.stringify(text)}: ${JSON.stringify(part)} ${why}`);
  for (const part of parts) {
    if (part === "") throw bad(part, "is empty (a stray comma?)");
    let m: RegExpExecArray | null;
    let req: NodeSelectorRequirement;
    if ((m = /^!\s*(\S+)$/.exec(part))) req = { key: m[1]!, operator: "DoesNotExist", values: [] };
    else if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(part))) req = { key: m[1]!, operator: "NotIn", values: [m[2]!] };
    else if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(part))) req = { key: m[1]!, operator: "In", values: [m[2]!] };
    else if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      const values = m[3]!.split(",").map((v) => v.trim());
      req = { key: m[1]!, operator: m[2] === "in" ? "In" : "NotIn", values };
    } else if (/^\S+$/.test(part)) req = { key: part, operator: "Exists", values: [] };
    else throw bad(part, "is not a node name or a selector requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))");
    if (!validKey(req.key)) throw bad(part, `has an invalid label key ${JSON.stringify(req.key)} (and no node has that name)`);
    for (const v of req.values) if (!LABEL_VALUE.test(v)) throw bad(part, `has an invalid label value ${JSON.stringify(v)}`);
    requirements.push(req);
  }
  return { kind: "labels", requirements };
}

/** The nodes `--onto` names, in the snapshot's order. */
export function selectNodes(onto: OntoSelector, nodes: readonly Node[]): Node[] {
  if (onto.kind === "names") return nodes.filter((n) => onto.names.includes(n.name));
  return nodes.filter((n) => onto.requirements.every((r) => requirementMatches(r, n.labels)));
}

export function describeOnto(onto: OntoSelector): string {
  if (onto.kind === "names") return onto.names.length === 1 ? "node name" : "node names";
  return "label selector";
}

// ---------------------------------------------------------------------------------------------
// The change

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

const FILTERING = (t: Taint) => t.effect === "NoSchedule" || t.effect === "NoExecute";

/**
 * Labels that describe hardware, place or identity rather than a role: they may happen to single
 * out the target nodes today, but selecting on them would be an accident, not the user's intent.
 */
export function isIncidentalLabel(key: string): boolean {
  if (/^(beta\.kubernetes\.io|topology\.kubernetes\.io|failure-domain\.beta\.kubernetes\.io|node\.kubernetes\.io|topology\.[^/]+)\//.test(key)) return true;
  return /(^|\/)(hostname|arch|os|instance-type|zone|region)$/.test(key) || key === "k8s.io/cloud-provider-aws";
}

/** A part of the workload's rules the change must drop because it rejects a target node. */
export interface ReplacedPart {
  /** `nodeSelector.KEY`, `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution` or `nodeName` */
  readonly field: string;
  readonly was: string;
  readonly why: string;
  readonly source: string | null;
}

export interface ChangeStep {
  readonly action: "add-toleration" | "add-node-selector" | "add-node-affinity" | "remove" | "keep";
  readonly text: string;
  readonly source: string | null;
}

export interface PlacementChange {
  /** tolerations added (the patch carries the existing ones too) */
  readonly tolerations: readonly TolerationYaml[];
  /** nodeSelector pairs added; null when none */
  readonly nodeSelector: Readonly<Record<string, string>> | null;
  /** the resulting required node affinity, when the change sets it; null when unchanged */
  readonly nodeAffinity: { readonly requiredDuringSchedulingIgnoredDuringExecution: { readonly nodeSelectorTerms: readonly NodeSelectorTermYaml[] } } | null;
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

/** The tolerations the scheduler sees for the workload's pods (a DaemonSet's get the controller's). */
function effectiveTolerations(workload: Workload, tolerations: readonly Toleration[]): readonly Toleration[] {
  return workload.kind === "DaemonSet" ? daemonSetTolerations({ ...workload.template.spec, tolerations }) : tolerations;
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
    .sort(([a], [b]) => Number(!a.startsWith("node-role.kubernetes.io/")) - Number(!b.startsWith("node-role.kubernetes.io/")) || (a < b ? -1 : a > b ? 1 : 0));
  return candidates[0] as [string, string] | undefined;
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
  return r.operator === "Exists" || r.operator === "DoesNotExist" ? `${r.key} ${r.operator}` : `${r.key} ${r.operator} [${r.values.join(", ")}]`;
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
export function computeChange(workload: Workload, nodes: readonly Node[], targets: readonly Node[], onto: OntoSelector): { readonly change: PlacementChange; readonly model: ModelChange } {
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
      added.push({ key: taint.key, operator: taint.value === "" ? "Exists" : "Equal", value: taint.value, effect: taint.effect, tolerationSeconds: undefined, source: spec.source });
    }
  }
  // one toleration may answer the same taint on several target nodes: name them all
  const addedBy = new Map<Toleration, { nodes: string[]; taint: Taint }>();
  for (const t of added) {
    const hits = targets.flatMap((n) => untoleratedFiltering(n, current).filter((taint) => tolerates(t, taint)).map((taint) => ({ node: n.name, taint })));
    addedBy.set(t, { nodes: hits.map((h) => h.node), taint: hits[0]!.taint });
  }
  for (const t of added) {
    const by = addedBy.get(t)!;
    steps.push({
      action: "add-toleration",
      text: `toleration ${formatToleration(tolerationYaml(t))}: tolerates the taint ${by.taint.key}${by.taint.value ? "=" + by.taint.value : ""}:${by.taint.effect} of ${list(by.nodes)}`,
      source: formatSource(by.taint.source) || null,
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
    replaces.push({ field: `nodeSelector.${key}`, was: value, why, source: formatSource(spec.nodeSelectorSource) || null });
    steps.push({ action: "remove", text: `nodeSelector ${key}: ${value === "" ? '""' : value} removed: ${why}`, source: formatSource(spec.nodeSelectorSource) || null });
  }
  const existingTerms = spec.affinity.nodeAffinity?.required ?? null;
  let keptTerms = existingTerms;
  if (existingTerms) {
    const unmatched = targets.filter((t) => !existingTerms.some((term) => termMatches(term, t))).map((t) => t.name);
    if (unmatched.length > 0) {
      keptTerms = null;
      const why = `no term matches ${list(unmatched)}`;
      const source = formatSource(existingTerms[0]?.source ?? spec.source) || null;
      replaces.push({ field: "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution", was: existingTerms.map((t) => `(${[...t.matchExpressions, ...t.matchFields].map(formatRequirement).join(", ")})`).join(" OR "), why, source });
      steps.push({ action: "remove", text: `required node affinity replaced: ${why}`, source });
    }
  }
  let removeNodeName = false;
  if (spec.nodeName && !(targets.length === 1 && targets[0]!.name === spec.nodeName)) {
    removeNodeName = true;
    const why = `it pins the pods to ${spec.nodeName}${targetNames.has(spec.nodeName) ? ", one of several targets" : ", not a target"}`;
    replaces.push({ field: "nodeName", was: spec.nodeName, why, source: formatSource(spec.source) || null });
    steps.push({ action: "remove", text: `nodeName removed: ${why}`, source: formatSource(spec.source) || null });
  }

  // 3. select the targets, when the rules left would admit any other node
  const admits = (node: Node, selector: Labels, terms: readonly NodeSelectorTerm[] | null, nodeName: string | undefined) =>
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
    let why = "";
    if (onto.kind === "labels") {
      const equality = onto.requirements.map((r) => (r.operator === "In" || r.operator === "Exists" ? sharedValue(targets, r.key) : undefined));
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
        expressions = [{ key: "kubernetes.io/hostname", operator: "In", values: targets.map((t) => t.labels["kubernetes.io/hostname"]!) }];
        why = "no label the target nodes share singles them out";
      } else {
        fields = [{ key: "metadata.name", operator: "In", values: targets.map((t) => t.name) }];
        why = "not every target node has a kubernetes.io/hostname label: matchFields on the node name";
      }
    }
    const without = `without it the pods may still land on ${list(admitted)}${added.length > 0 ? ": a toleration lets pods onto a tainted node, it never draws them there" : ""}`;
    if (pairs) {
      addSelector = Object.fromEntries(Object.entries(pairs).filter(([k, v]) => keptSelector[k] !== v));
      steps.push({ action: "add-node-selector", text: `nodeSelector ${formatPairs(addSelector)}: selects exactly ${list(targets.map((t) => t.name))} — ${why}; ${without}`, source: formatSource(spec.nodeSelectorSource) || null });
    } else {
      const base = keptTerms && keptTerms.length > 0 ? keptTerms : [{ matchExpressions: [], matchFields: [], source: spec.source }];
      required = base.map((t) => ({ matchExpressions: [...t.matchExpressions, ...expressions], matchFields: [...t.matchFields, ...fields], source: t.source }));
      const anded = keptTerms && keptTerms.length > 0 ? `, ANDed into each of the ${keptTerms.length} existing term(s)` : "";
      steps.push({
        action: "add-node-affinity",
        text: `required node affinity ${[...expressions, ...fields].map(formatRequirement).join(", ")}${anded}: selects exactly ${list(targets.map((t) => t.name))} — ${why}; ${without}`,
        source: formatSource(spec.affinity.nodeAffinity?.required?.[0]?.source ?? spec.source) || null,
      });
    }
  }

  const model: ModelChange = { addTolerations: added, addSelector, removeSelectorKeys, required, removeNodeName };
  const empty = added.length === 0 && Object.keys(addSelector).length === 0 && removeSelectorKeys.length === 0 && required === undefined && !removeNodeName;
  const change: PlacementChange = {
    tolerations: added.map(tolerationYaml),
    nodeSelector: Object.keys(addSelector).length > 0 ? addSelector : null,
    nodeAffinity: required ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: required.map(termYaml) } } : null,
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

// ---------------------------------------------------------------------------------------------
// Where the change goes, and how it is written

export interface PatchTarget {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** the resource name kubectl takes */
  readonly resource: string;
  /** where the pod settings sit in the object: `spec.template.spec`, `spec` (a Pod, a Prometheus) */
  readonly path: readonly string[];
}

/** The object that owns a workload's pod settings: prometheus-operator's StatefulSets are generated from a Prometheus or Alertmanager resource, whose spec is what to change. */
export function patchTarget(workload: Workload): PatchTarget {
  const operatorOwner: ObjectRef | undefined =
    workload.generatedFrom ??
    (() => {
      const o = workload.meta.ownerReferences.find((r) => r.controller && (r.kind === "Prometheus" || r.kind === "Alertmanager"));
      return o ? { kind: o.kind, namespace: workload.namespace, name: o.name } : undefined;
    })();
  if (operatorOwner) return { kind: operatorOwner.kind, namespace: operatorOwner.namespace ?? workload.namespace, name: operatorOwner.name, resource: operatorOwner.kind.toLowerCase(), path: ["spec"] };
  const path = workload.kind === "Pod" ? ["spec"] : workload.kind === "CronJob" ? ["spec", "jobTemplate", "spec", "template", "spec"] : ["spec", "template", "spec"];
  return { kind: workload.kind, namespace: workload.namespace, name: workload.name, resource: workload.kind.toLowerCase(), path };
}

/**
 * The pod-spec part of the patch. Lists are replaced by a JSON merge patch, and tolerations and
 * nodeSelectorTerms carry no patch merge key in core/v1, so a strategic merge patch replaces them
 * too: the tolerations list holds the existing tolerations and the added ones. Keys set to null
 * are deleted.
 */
export function podSpecPatch(spec: PodSpec, change: PlacementChange, model: ModelChange): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (model.removeNodeName) out["nodeName"] = null;
  if (model.removeSelectorKeys.length > 0 || Object.keys(model.addSelector).length > 0) {
    const ns: Record<string, string | null> = {};
    for (const key of model.removeSelectorKeys) ns[key] = null;
    Object.assign(ns, model.addSelector);
    out["nodeSelector"] = ns;
  }
  if (change.nodeAffinity) out["affinity"] = { nodeAffinity: change.nodeAffinity };
  else if (model.required === null) out["affinity"] = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: null } };
  if (model.addTolerations.length > 0) out["tolerations"] = [...spec.tolerations, ...model.addTolerations].map(tolerationYaml);
  return out;
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value as Record<string, unknown>);
}

const YAML_RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A YAML scalar: plain when unambiguous, else double-quoted (JSON string syntax is valid YAML). */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const s = String(value);
  if (s !== "" && /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(s) && !YAML_RESERVED.test(s)) return s;
  return JSON.stringify(s);
}

function yamlLines(value: unknown, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      if (item !== null && typeof item === "object") {
        const inner = yamlLines(item, indent + 2);
        return [`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1)];
      }
      return [`${pad}- ${yamlScalar(item)}`];
    });
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([k, v]) => {
      const key = yamlScalar(k);
      if (v !== null && typeof v === "object" && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)) return [`${pad}${key}:`, ...yamlLines(v, indent + 2)];
      if (v !== null && typeof v === "object") return [`${pad}${key}: ${Array.isArray(v) ? "[]" : "{}"}`];
      return [`${pad}${key}: ${yamlScalar(v)}`];
    });
  }
  return [`${pad}${yamlScalar(value)}`];
}

/** A small YAML writer for patches: block style, keys in insertion order. */
export function toYaml(value: unknown): string {
  return yamlLines(value, 0).join("\n") + "\n";
}

/** `kubectl patch KIND NAME -n NS --type=merge -p '…'`, the JSON single-quoted for a POSIX shell. */
export function kubectlPatchCommand(target: PatchTarget, patch: Record<string, unknown>): string {
  const json = JSON.stringify(patch).replace(/'/g, `'\\''`);
  return `kubectl patch ${target.resource} ${target.name} -n ${target.namespace} --type=merge -p '${json}'`;
}

// ---------------------------------------------------------------------------------------------
// fix place

export interface OtherRejection {
  readonly node: string;
  readonly plugin: string;
  readonly message: string;
  readonly detail: string | null;
  readonly source: string | null;
}

export interface FixPlaceResult {
  /** NS/NAME as asked */
  readonly workload: string;
  readonly kind: string;
  readonly source: string;
  readonly generatedFrom: string | null;
  readonly onto: string;
  /** how --onto was read: "node name", "node names" or "label selector" */
  readonly ontoKind: string;
  readonly targetNodes: readonly string[];
  readonly nodeCount: number;
  readonly before: { readonly feasibleNodes: readonly string[]; readonly nodes: readonly NodeView[] };
  readonly change: PlacementChange;
  /** rejections of target nodes the change does not address (resources, ports, cordon, node conditions, pod affinity) */
  readonly otherRejections: readonly OtherRejection[];
  readonly patchTarget: { readonly kind: string; readonly namespace: string; readonly name: string; readonly path: string };
  /** the patch as YAML (strategic merge; also a valid JSON merge patch); null when nothing changes */
  readonly patch: string | null;
  readonly kubectl: string | null;
  readonly helm: string | null;
  readonly helmRelease: Omit<HelmRelease, "notes"> | null;
  readonly after: { readonly feasibleNodes: readonly string[]; readonly nodes: readonly NodeView[] };
  /** the feasible nodes after the change are exactly the target nodes */
  readonly verified: boolean;
  /** why not, when not verified */
  readonly unverifiedBecause: readonly string[];
  readonly notes: readonly string[];
}

export interface FixPlaceOptions {
  /** NS/NAME */
  readonly workload: string;
  /** --onto */
  readonly onto: string;
}

/** The workload `NS/NAME` names; a controller before a bare Pod of the same name. */
export function findWorkload(snapshot: Snapshot, ref: string): Workload {
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1 || ref.indexOf("/", slash + 1) >= 0) throw new FixPlaceError(`workload ${JSON.stringify(ref)}: expected NAMESPACE/NAME, such as monitoring/prometheus-grafana`);
  const namespace = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  const matches = snapshot.kubernetes.workloads.filter((w) => w.namespace === namespace && w.name === name);
  const found = matches.find((w) => w.kind !== "Pod") ?? matches[0];
  if (found) return found;
  const inNamespace = snapshot.kubernetes.workloads.filter((w) => w.namespace === namespace && w.kind !== "Pod").map((w) => w.name);
  const hint =
    inNamespace.length > 0
      ? `; workloads in ${namespace}: ${inNamespace.slice(0, 12).join(", ")}${inNamespace.length > 12 ? `, … (${inNamespace.length})` : ""}`
      : `; the snapshot has no workload in namespace ${namespace}`;
  throw new FixPlaceError(`no workload ${ref} in the snapshot${hint}`);
}

function placementOf(snapshot: Snapshot, workload: Workload): WorkloadPlacement {
  const report = analysePlacement(snapshot, { workload: `${workload.namespace}/${workload.name}` });
  return report.workloads.find((w) => w.kind === workload.kind) ?? report.workloads[0]!;
}

const HANDLED_PLUGINS = new Set(["TaintToleration", "NodeAffinity"]);

function reasonLine(r: ReasonView): string {
  return `${r.plugin}: ${r.message}${r.detail ? ` (${r.detail})` : ""}${r.source ? ` ${r.source}` : ""}`;
}

/**
 * `podpath fix place`: resolves the workload and the target nodes (FixPlaceError when either is
 * missing), computes the change, writes it as a patch, a kubectl command and helm flags, applies
 * it to a copy of the snapshot and re-runs placement on it.
 */
export function fixPlace(snapshot: Snapshot, options: FixPlaceOptions): FixPlaceResult {
  const workload = findWorkload(snapshot, options.workload);
  const nodes = snapshot.kubernetes.nodes;
  if (nodes.length === 0) throw new FixPlaceError("the snapshot has no nodes: nothing to place onto");
  const onto = parseOnto(options.onto, nodes.map((n) => n.name));
  const targets = selectNodes(onto, nodes);
  if (targets.length === 0) {
    throw new FixPlaceError(`--onto ${JSON.stringify(options.onto)} selects no node; the snapshot's nodes: ${nodes.slice(0, 20).map((n) => n.name).join(", ")}${nodes.length > 20 ? `, … (${nodes.length})` : ""}`);
  }
  const targetNames = targets.map((t) => t.name);
  const before = placementOf(snapshot, workload);
  const { change, model } = computeChange(workload, nodes, targets, onto);
  const spec = workload.template.spec;

  // where the change goes, and as what
  const target = patchTarget(workload);
  const specPatch = podSpecPatch(spec, change, model);
  const patchObject = nest(target.path, specPatch);
  const notes: string[] = [];
  let helm: string | null = null;
  let helmRelease: HelmRelease | undefined;
  if (!change.empty) {
    helmRelease = findHelmRelease(workload, target.kind, snapshot);
    if (helmRelease) {
      const selectorAfter: Record<string, string | null> = {};
      for (const key of model.removeSelectorKeys) selectorAfter[key] = null;
      for (const [k, v] of Object.entries(applyChange(spec, model).nodeSelector)) selectorAfter[k] = v;
      const flags = helmSetFlags(helmRelease.valuesPath, {
        tolerations: model.addTolerations.length > 0 ? [...spec.tolerations, ...model.addTolerations].map(tolerationYaml) : undefined,
        nodeSelector: model.removeSelectorKeys.length > 0 || Object.keys(model.addSelector).length > 0 ? selectorAfter : undefined,
        nodeSelectorTerms: change.nodeAffinity ? change.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms : model.required === null ? null : undefined,
      });
      helm = helmUpgradeCommand(helmRelease, flags);
      notes.push(...helmRelease.notes);
      notes.push(`helm --set replaces lists even with --reuse-values: the tolerations flags list the existing tolerations too${helmRelease.version ? `; --version ${helmRelease.version} keeps the installed chart version` : "; the chart version is unknown: add --version with the installed one, or helm upgrades the chart too"}.`);
      if (helmRelease.chart === "argo-cd" && change.nodeAffinity) notes.push(`${helmRelease.valuesPath}.affinity replaces the chart's global affinity preset (soft pod anti-affinity) for this component.`);
      notes.push(`The release is managed by Helm: a kubectl patch lasts until the next helm upgrade; the helm flags make it stick.`);
    } else if (workload.meta.labels["app.kubernetes.io/part-of"] === "argocd" && !workload.meta.labels["helm.sh/chart"]) {
      notes.push("Installed from the Argo CD manifest (no Helm labels): no helm flags. Applying the manifest again (kubectl apply -n argocd -f install.yaml) undoes the patch; keep it in a kustomize overlay.");
    }
    if (target.kind !== workload.kind) notes.push(`${workload.kind} ${workload.namespace}/${workload.name} is generated by prometheus-operator from ${target.kind} ${target.namespace}/${target.name}: the change goes to the ${target.kind}'s spec (the operator would undo a patch of the ${workload.kind}).`);
    else {
      const owner = workload.meta.ownerReferences.find((o) => o.controller);
      if (owner) notes.push(`${workload.kind} ${workload.namespace}/${workload.name} is controlled by ${owner.kind} ${owner.name}, which may undo a patch: change it there.`);
    }
    if (workload.knownFromPods) {
      const k = workload.knownFromPods;
      notes.push(
        `${workload.kind} ${workload.namespace}/${workload.name} is not in the snapshot; it is known only through its pods${k.inferredVia ? ` (${k.inferredVia})` : ""}: the patch is built on pod ${k.templateFrom}'s spec, so check it against the real ${workload.kind} (kubectl get ${workload.kind.toLowerCase()} ${workload.name} -n ${workload.namespace} -o yaml) before applying.`,
      );
    }
    if (workload.kind === "Pod") notes.push("A Pod's nodeSelector, affinity and nodeName cannot be changed once created (tolerations can only be added): delete the Pod and create it again with the patch applied.");
    if (workload.kind === "Job") notes.push("A Job's pod template can be changed only while the Job is suspended (spec.suspend: true); otherwise delete and re-create it.");
    if (model.addTolerations.length > 0) notes.push("A merge patch replaces the whole tolerations list: the patch lists the existing tolerations and the added ones.");
  } else {
    const keptOff = before.nodes.filter((v) => !targetNames.includes(v.node) && !v.feasible).map((v) => `${v.node} by ${[...new Set(v.reasons.map((x) => x.plugin))].join(" and ")}`);
    notes.push(`Nothing to change: the workload's tolerations and node selection already admit exactly the target nodes${keptOff.length > 0 ? ` (the others are kept off: ${keptOff.join("; ")})` : ""}.`);
  }
  if (model.addTolerations.some((t) => t.effect === "NoExecute")) notes.push("A NoExecute toleration without tolerationSeconds keeps the pods on the node for as long as the taint stays.");

  // verification: the same placement analysis on the snapshot with the change applied
  const newSpec = applyChange(spec, model);
  const modified: Workload = { ...workload, template: { ...workload.template, spec: newSpec } };
  const k = snapshot.kubernetes;
  const changed: Snapshot = {
    ...snapshot,
    kubernetes: {
      ...k,
      workloads: k.workloads.map((w) => (w === workload ? modified : w)),
      pods: workload.kind === "Pod" ? k.pods.map((p) => (p.namespace === workload.namespace && p.name === workload.name && !p.owner ? { ...p, spec: newSpec } : p)) : k.pods,
    },
  };
  const after = placementOf(changed, modified);
  const targetSet = new Set(targetNames);
  const verified = after.feasibleNodes.length === targetSet.size && after.feasibleNodes.every((n) => targetSet.has(n));
  const unverifiedBecause: string[] = [];
  for (const v of after.nodes) {
    if (targetSet.has(v.node) && !v.feasible) unverifiedBecause.push(`${v.node} is still rejected: ${v.reasons.map(reasonLine).join("; ")}`);
    if (!targetSet.has(v.node) && v.feasible) unverifiedBecause.push(`${v.node} is admitted too, though not a target`);
  }
  if (after.nodes.length === 0) unverifiedBecause.push("no node was evaluated");

  const otherRejections: OtherRejection[] = [];
  for (const v of before.nodes) {
    if (!targetSet.has(v.node)) continue;
    for (const r of v.reasons) {
      // the change answers taints and node selection; condition taints are listed below
      if (HANDLED_PLUGINS.has(r.plugin)) continue;
      if (r.plugin === "NodeName" && model.removeNodeName) continue;
      otherRejections.push({ node: v.node, plugin: r.plugin, message: r.message, detail: r.detail, source: r.source });
    }
  }
  for (const node of targets) {
    for (const t of node.taints) {
      if (!FILTERING(t) || !isConditionTaint(t.key) || effectiveTolerations(workload, spec.tolerations).some((tol) => tolerates(tol, t))) continue;
      otherRejections.push({
        node: node.name,
        plugin: "TaintToleration",
        message: `node(s) had untolerated taint {${t.key}: ${t.value}}`,
        detail: `taint ${t.key}:${t.effect} reports the node's condition; a placement fix does not tolerate it`,
        source: formatSource(t.source) || null,
      });
    }
  }

  const kubectl = change.empty ? null : kubectlPatchCommand(target, patchObject);
  return {
    workload: options.workload,
    kind: workload.kind,
    source: formatSource(workload.meta.source),
    generatedFrom: workload.generatedFrom ? `${workload.generatedFrom.kind} ${workload.generatedFrom.namespace}/${workload.generatedFrom.name}` : null,
    onto: options.onto,
    ontoKind: describeOnto(onto),
    targetNodes: targetNames,
    nodeCount: nodes.length,
    before: { feasibleNodes: before.feasibleNodes, nodes: before.nodes },
    change,
    otherRejections,
    patchTarget: { kind: target.kind, namespace: target.namespace, name: target.name, path: target.path.join(".") },
    patch: change.empty ? null : toYaml(patchObject),
    kubectl,
    helm,
    helmRelease: helmRelease ? { chart: helmRelease.chart, chartRef: helmRelease.chartRef, version: helmRelease.version, release: helmRelease.release, namespace: helmRelease.namespace, valuesPath: helmRelease.valuesPath } : null,
    after: { feasibleNodes: after.feasibleNodes, nodes: after.nodes },
    verified,
    unverifiedBecause,
    notes,
  };
}
