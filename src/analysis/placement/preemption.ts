/**
 * The PostFilter tail of the scheduler's FitError: what DefaultPreemption says when it finds no
 * node where evicting lower-priority pods would make room, in the cluster's version's words.
 *
 * Upstream: pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go PostFilter
 * ("preemption: " + the Evaluator's message) and SelectVictimsOnNode (no pod of lower priority on
 * the node: "No preemption victims found for incoming pod"); framework/preemption/preemption.go
 * Evaluator.Preempt (no candidate: a FitError over every node, the nodes preemption cannot help
 * given "Preemption is not helpful for scheduling") and nodesWherePreemptionMightHelp (a node whose
 * first failing Filter returned UnschedulableAndUnresolvable cannot be helped); framework/types.go
 * FitError.Error (the PostFilter message appended after the filters' histogram).
 *
 * Who may preempt at all (DefaultPreemption PodEligibleToPreemptOthers, defaultpreemption/
 * default_preemption.go): a pod with `preemptionPolicy: Never` is "not eligible due to
 * preemptionPolicy=Never." (the text since kubernetes PR #107775, v1.24; Evaluator.Preempt returns
 * it as an Unschedulable status, which PostFilter prefixes with "preemption: "). The other
 * ineligible case, a terminating victim on the pod's nominated node, needs
 * status.nominatedNodeName, which podpath does not read: such a pod is treated as any other.
 *
 * What runs before DefaultPreemption: with DynamicResourceAllocation on (GA, on by default from
 * v1.34), applyFeatureGates (pkg/scheduler/apis/config/v1/default_plugins.go) puts
 * DynamicResources just before DefaultPreemption, and its PostFilter
 * (plugins/dynamicresources/dynamicresources.go) rejects a pod without resource claims with "no
 * new claims to deallocate"; RunPostFilterPlugins (framework/runtime/framework.go) joins the
 * rejecting plugins' reasons with ", " — so from v1.34 the tail reads "no new claims to
 * deallocate, preemption: …", as v1.34 clusters print it.
 *
 * Decided only where the snapshot decides it: when a node that preemption might help holds pods of
 * lower priority, only a dry run of the eviction (not modelled) says whether victims exist, and no
 * tail is given.
 */
import type { NodeVerdict } from "./feasibility.js";
import { ERR_REASON_AFFINITY_RULES_NOT_MATCH } from "./plugins/interpodaffinity/common.js";
import { ERR_REASON_NODE_LABEL_NOT_MATCH } from "./plugins/podtopologyspread/common.js";
import type { NodeInfo, PodToPlace, Rejection } from "./types.js";
import { featureGateOn, type ParsedVersion } from "./version.js";

/** DefaultPreemption PodEligibleToPreemptOthers, word for word */
export const ERR_NOT_ELIGIBLE_NEVER = "not eligible due to preemptionPolicy=Never.";
/** DynamicResources PostFilter for a pod that references no ResourceClaim, word for word */
const ERR_NO_CLAIMS_TO_DEALLOCATE = "no new claims to deallocate";

const ERR_PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling";
const ERR_NO_VICTIMS = "No preemption victims found for incoming pod";

const UNRESOLVABLE_PLUGINS: ReadonlySet<string> = new Set([
  "NodeUnschedulable",
  "NodeName",
  "TaintToleration",
  "NodeAffinity",
]);

/**
 * Whether the first failing Filter of a node returned UnschedulableAndUnresolvable: NodeUnschedulable,
 * NodeName, TaintToleration and NodeAffinity always; PodTopologySpread for a node without the
 * topology label (ErrReasonNodeLabelNotMatch); InterPodAffinity for the pod's own affinity
 * (ErrReasonAffinityRulesNotMatch); NodeResourcesFit from v1.34 when the pod requests more of a
 * resource than the node's allocatable holds at all (kubernetes PR #131345, fit.go
 * InsufficientResource.Unresolvable).
 */
export function unresolvable(
  first: readonly Rejection[],
  pod: PodToPlace,
  node: NodeInfo | undefined,
  version: ParsedVersion,
): boolean {
  const head = first[0];
  if (!head) return false;
  if (UNRESOLVABLE_PLUGINS.has(head.plugin)) return true;
  if (head.plugin === "PodTopologySpread") return first.some((r) => r.message === ERR_REASON_NODE_LABEL_NOT_MATCH);
  if (head.plugin === "InterPodAffinity") return first.some((r) => r.message === ERR_REASON_AFFINITY_RULES_NOT_MATCH);
  if (head.plugin === "NodeResourcesFit" && version.minor >= 34 && node) {
    return first.some(
      (r) =>
        r.message.startsWith("Insufficient ") &&
        (pod.requests[r.message.slice("Insufficient ".length)] ?? 0) >
          (node.allocatable[r.message.slice("Insufficient ".length)] ?? 0),
    );
  }
  return false;
}

/**
 * The "preemption: 0/N nodes are available: …" message, or undefined when it cannot be decided
 * (a node preemption might help holds lower-priority pods). `pinnedAway`: nodes a PreFilterResult
 * left out (UnschedulableAndUnresolvable to preemption).
 */
export function preemptionMessage(
  pod: PodToPlace,
  verdicts: readonly NodeVerdict[],
  totalNodes: number,
  pinnedAway: number,
  nodeByName: ReadonlyMap<string, NodeInfo>,
  version: ParsedVersion,
  hasLowerPriorityPod: (node: NodeInfo) => boolean,
): string | undefined {
  const reasons = (preemption: string) =>
    featureGateOn("DynamicResourceAllocation", version)
      ? `${ERR_NO_CLAIMS_TO_DEALLOCATE}, preemption: ${preemption}`
      : `preemption: ${preemption}`;
  // Evaluator.Preempt step 1: PodEligibleToPreemptOthers, before any node is looked at
  if (pod.spec.preemptionPolicy === "Never") return reasons(ERR_NOT_ELIGIBLE_NEVER);
  let notHelpful = pinnedAway;
  let noVictims = 0;
  for (const v of verdicts) {
    if (v.feasible) continue;
    const first = v.reasons.filter((r) => r.plugin === v.reasons[0]!.plugin);
    const node = nodeByName.get(v.node);
    if (unresolvable(first, pod, node, version)) notHelpful++;
    else if (node && !hasLowerPriorityPod(node)) noVictims++;
    else return undefined;
  }
  const histogram = [
    ...(notHelpful > 0 ? [`${notHelpful} ${ERR_PREEMPTION_NOT_HELPFUL}`] : []),
    ...(noVictims > 0 ? [`${noVictims} ${ERR_NO_VICTIMS}`] : []),
  ].sort();
  return reasons(`0/${totalNodes} nodes are available: ${histogram.join(", ")}.`);
}

/**
 * FitError.Error with the PostFilter message: appended as " %v" from v1.30, as " %v." before
 * (SeparatorFormat; the doubled period of kubernetes issue #123301, "resolved in 1.30").
 */
export function withPostFilter(fitError: string, postFilter: string | undefined, version: ParsedVersion): string {
  if (!postFilter) return fitError;
  return version.minor >= 30 ? `${fitError} ${postFilter}` : `${fitError} ${postFilter}.`;
}
