/** Manifest shapes: what a patch, kubectl and helm are written in. */

import type {
  NodeSelectorOperator,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Toleration,
} from "../../../model/kubernetes.js";

export interface TolerationYaml {
  key?: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

interface NodeSelectorRequirementYaml {
  key: string;
  operator: NodeSelectorOperator;
  values?: string[];
}

export interface NodeSelectorTermYaml {
  matchExpressions?: NodeSelectorRequirementYaml[];
  matchFields?: NodeSelectorRequirementYaml[];
}

export function tolerationYaml(
  t: Pick<Toleration, "key" | "operator" | "value" | "effect" | "tolerationSeconds">,
): TolerationYaml {
  const out: TolerationYaml = t.key ? { key: t.key, operator: t.operator } : { operator: t.operator };
  if (t.value) out.value = t.value;
  if (t.effect) out.effect = t.effect;
  if (t.tolerationSeconds !== undefined) out.tolerationSeconds = t.tolerationSeconds;
  return out;
}

function requirementYaml(r: NodeSelectorRequirement): NodeSelectorRequirementYaml {
  return r.operator === "Exists" || r.operator === "DoesNotExist"
    ? { key: r.key, operator: r.operator }
    : { key: r.key, operator: r.operator, values: [...r.values] };
}

export function termYaml(t: Pick<NodeSelectorTerm, "matchExpressions" | "matchFields">): NodeSelectorTermYaml {
  const out: NodeSelectorTermYaml = {};
  if (t.matchExpressions.length > 0) out.matchExpressions = t.matchExpressions.map(requirementYaml);
  if (t.matchFields.length > 0) out.matchFields = t.matchFields.map(requirementYaml);
  return out;
}
