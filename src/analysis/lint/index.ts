/**
 * `podpath lint`: the rules, in the order they are listed, and the one entry point that runs them
 * on a snapshot. Each rule is a module of rules/ (one per family), with a stable id, a default
 * severity, the upstream code or document it follows, and a check over the shared `LintContext`.
 */
import type { Snapshot } from "../../model/snapshot.js";
import { LintContext } from "./context.js";
import { ingressGroupRefused } from "./rules/ingress-group.js";
import { networkPolicyBlocksDns } from "./rules/network-policy.js";
import { albIpTargetOverlay, natOutgoingNoRouteBack, overlayOneWay } from "./rules/overlay.js";
import { daemonSetSkipsNodes, noFeasibleNode, tolerationWithoutSelector } from "./rules/placement.js";
import { privateSubnetNoEgress } from "./rules/routes.js";
import { nodePortUnreachable, securityGroupOpenToWorld } from "./rules/security-groups.js";
import { selectorMatchesNoPod } from "./rules/selectors.js";
import { terraformInlineAndRuleResources } from "./rules/terraform.js";
import type { LintFinding, LintRule, LintSeverity } from "./types.js";

export type { LintFinding, LintObject, LintRule } from "./types.js";
export { unschedulableFindings } from "./rules/placement.js";

/** Every rule, in a stable order (the order of the text output's rule list and SARIF's `rules`). */
export const LINT_RULES: readonly LintRule<LintContext>[] = [
  ingressGroupRefused,
  albIpTargetOverlay,
  nodePortUnreachable,
  overlayOneWay,
  noFeasibleNode,
  daemonSetSkipsNodes,
  tolerationWithoutSelector,
  selectorMatchesNoPod,
  networkPolicyBlocksDns,
  privateSubnetNoEgress,
  natOutgoingNoRouteBack,
  securityGroupOpenToWorld,
  terraformInlineAndRuleResources,
];

const SEVERITY_ORDER: readonly LintSeverity[] = ["error", "warning", "note"];

function locationKey(f: LintFinding): string {
  const s = f.objects[0]?.source;
  return s ? `${s.file}\u0000${String(s.line).padStart(9, "0")}\u0000${String(s.col).padStart(9, "0")}` : "\uffff";
}

/**
 * Findings in a deterministic order: severity (error first), then rule (in LINT_RULES order), then
 * the first object's file and position, then the message.
 */
function sortFindings(
  findings: readonly LintFinding[],
  rules: readonly LintRule<LintContext>[] = LINT_RULES,
): LintFinding[] {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      (ruleIndex.get(a.ruleId) ?? 99) - (ruleIndex.get(b.ruleId) ?? 99) ||
      (locationKey(a) < locationKey(b) ? -1 : locationKey(a) > locationKey(b) ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export interface LintReport {
  /** the rules that ran */
  readonly rules: readonly LintRule<LintContext>[];
  readonly findings: readonly LintFinding[];
}

/** Runs `rules` (default: every rule) on the snapshot. */
export function runLint(
  snapshot: Snapshot,
  ruleIds?: readonly string[],
  known: ConstructorParameters<typeof LintContext>[1] = {},
): LintReport {
  const rules = ruleIds && ruleIds.length > 0 ? LINT_RULES.filter((r) => ruleIds.includes(r.id)) : LINT_RULES;
  const ctx = new LintContext(snapshot, known);
  const findings = rules.flatMap((r) => r.check(ctx));
  return { rules, findings: sortFindings(findings, rules) };
}
