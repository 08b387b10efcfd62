/** `--onto`: node names or a label selector, and the nodes it selects. */

import type { Node, NodeSelectorRequirement } from "../../../model/kubernetes.js";
import { requirementMatches } from "../plugins/nodeaffinity/common.js";
import { FixPlaceError } from "./error.js";

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
  if (trimmed === "")
    throw new FixPlaceError(
      "--onto is empty: give a node name or a label selector such as node-role.kubernetes.io/control-plane",
    );
  const parts = splitTopLevel(trimmed);
  const known = new Set(nodeNames);
  if (parts.every((p) => known.has(p))) return { kind: "names", names: [...new Set(parts)] };
  const requirements: NodeSelectorRequirement[] = [];
  const bad = (part: string, why: string) =>
    new FixPlaceError(`--onto ${JSON.stringify(text)}: ${JSON.stringify(part)} ${why}`);
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
    else
      throw bad(
        part,
        "is not a node name or a selector requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))",
      );
    if (!validKey(req.key))
      throw bad(part, `has an invalid label key ${JSON.stringify(req.key)} (and no node has that name)`);
    for (const v of req.values)
      if (!LABEL_VALUE.test(v)) throw bad(part, `has an invalid label value ${JSON.stringify(v)}`);
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
