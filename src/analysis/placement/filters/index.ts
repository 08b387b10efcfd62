import type { FilterPlugin } from "../types.js";
import { InterPodAffinity } from "./inter-pod-affinity.js";
import { NodeAffinity } from "./node-affinity.js";
import { NodeName } from "./node-name.js";
import { NodePorts } from "./node-ports.js";
import { NodeResourcesFit } from "./node-resources-fit.js";
import { NodeUnschedulable } from "./node-unschedulable.js";
import { PodTopologySpread } from "./pod-topology-spread.js";
import { TaintToleration } from "./taint-toleration.js";

/**
 * The Filter plugins of kube-scheduler's default profile, in its order
 * (pkg/scheduler/apis/config/v1/default_plugins.go), without the volume plugins a snapshot
 * cannot judge.
 */
export const DEFAULT_FILTERS: FilterPlugin<unknown>[] = [
  NodeUnschedulable,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  PodTopologySpread,
  InterPodAffinity,
] as FilterPlugin<unknown>[];
