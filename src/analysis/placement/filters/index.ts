import type { FilterPlugin } from "../types.js";
import { NodeAffinity } from "./node-affinity.js";
import { NodeName } from "./node-name.js";
import { NodePorts } from "./node-ports.js";
import { NodeResourcesFit } from "./node-resources-fit.js";
import { NodeUnschedulable } from "./node-unschedulable.js";
import { TaintToleration } from "./taint-toleration.js";

/**
 * The Filter plugins of kube-scheduler's default profile, in its order
 * (pkg/scheduler/apis/config/v1/default_plugins.go), without the volume plugins a snapshot
 * cannot judge. InterPodAffinity and PodTopologySpread join from their own modules.
 */
export const DEFAULT_FILTERS: FilterPlugin<unknown>[] = [
  NodeUnschedulable,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
] as FilterPlugin<unknown>[];
