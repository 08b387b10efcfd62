/** What `place --add-node` says of a node template (an EKS node group, a Karpenter NodePool) it added nodes for. */
import type { FixLocation } from "../../fix/location.js";

/** A node Karpenter would launch, and the Pending pods podpath packed onto it. */
export interface NodePoolLaunch {
  readonly node: string;
  readonly instanceType: string;
  /** `namespace/name` of the Pending pods it is launched for */
  readonly pods: readonly string[];
}

export interface TemplateView {
  /** "EKS node group", "self-managed node group" (eksctl's nodeGroups) or "Karpenter NodePool" */
  readonly kind: "EKS node group" | "self-managed node group" | "Karpenter NodePool";
  readonly name: string;
  /** file:line of the node group or NodePool */
  readonly source: string;
  /** `source` as data */
  readonly location: FixLocation | null;
  /** the instance type(s) of the nodes added for it */
  readonly instanceTypes: readonly string[];
  /** the nodes added for it */
  readonly nodes: readonly string[];
  /** what podpath assumed where the template does not say */
  readonly assumptions: readonly string[];
  /** Karpenter: each node launched and the Pending pods it is for; null for a node group */
  readonly launches: readonly NodePoolLaunch[] | null;
  /** Karpenter: Pending pods a node of the pool could take but no allowed type (or the limits) lets it launch for; null for a node group */
  readonly notLaunched: readonly { readonly pod: string; readonly reason: string }[] | null;
}
