/** What several AWS rules read of the nodes: their security groups and which nodes are control planes. */
import type { Node } from "../../model/kubernetes.js";
import { awsIndex } from "../paths/aws/aws-index.js";
import type { LintContext } from "./context.js";

/**
 * The security groups of a node's primary network interface (the one holding its address), else
 * of its instance; empty when the snapshot has neither.
 */
export function nodeSecurityGroups(ctx: LintContext, node: Node): readonly string[] {
  const network = ctx.nodeNetworks.get(node.name);
  const index = awsIndex(ctx.snapshot.aws);
  const eni = network?.primaryEniId ? index.enisById.get(network.primaryEniId) : undefined;
  if (eni) return eni.securityGroupIds;
  const instance = network?.instanceId ? index.instancesById.get(network.instanceId) : undefined;
  return instance?.securityGroupIds ?? [];
}

/** kubeadm's control-plane role labels (and the older master one). */
export function isControlPlane(node: Node): boolean {
  return "node-role.kubernetes.io/control-plane" in node.labels || "node-role.kubernetes.io/master" in node.labels;
}
