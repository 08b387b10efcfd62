import type { NodeInfo, PodToPlace, ScorePlugin } from "../../types.js";
import type { BatchScore } from "../../framework/batch.js";
import { feasibleIndices, nodeTable } from "../../framework/node-table.js";
import { MAX_NODE_SCORE } from "../../framework/normalize.js";
import { SKIP, type Skip } from "../../framework/skip.js";

/**
 * noderesources/least_allocated.go leastRequestedScore: the unused share of the resource on a
 * 0..100 scale, in integer arithmetic; 0 when the node has none of it or the pod would overcommit.
 */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * noderesources/least_allocated.go leastResourceScorer over cpu and memory (weight 1 each): the
 * weighted average of leastRequestedScore, integer-divided; resources the node does not have
 * (allocatable 0) are left out (resource_allocation.go score).
 */
export function leastAllocatedScore(
  requested: readonly number[],
  allocatable: readonly number[],
  weights: readonly number[] = [1, 1],
): number {
  let nodeScore = 0;
  let weightSum = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    nodeScore += leastRequestedScore(requested[i]!, allocatable[i]!) * weights[i]!;
    weightSum += weights[i]!;
  }
  return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
}

/**
 * noderesources/balanced_allocation.go balancedResourceScorer: the requested share of each
 * resource (capped at 1; resources the node lacks left out), their standard deviation (for two
 * resources |f1 − f2| / 2), and `int64((1 − std) × 100)`.
 */
export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const fraction = Math.min(1, requested[i]! / allocatable[i]!);
    total += fraction;
    fractions.push(fraction);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** resource_allocation.go score with leastResourceScorer over cpu and memory (weight 1 each). */
function leastAllocated(cpuRequested: number, cpuAlloc: number, memRequested: number, memAlloc: number): number {
  let nodeScore = 0;
  let weightSum = 0;
  if (cpuAlloc !== 0) {
    nodeScore += leastRequestedScore(cpuRequested, cpuAlloc);
    weightSum += 1;
  }
  if (memAlloc !== 0) {
    nodeScore += leastRequestedScore(memRequested, memAlloc);
    weightSum += 1;
  }
  return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
}

/**
 * kube-scheduler NodeResourcesFit Score with its default strategy, LeastAllocated
 * (pkg/scheduler/framework/plugins/noderesources/fit.go Score, least_allocated.go,
 * resource_allocation.go), over the resources of its default arguments (cpu and memory, weight 1
 * each: pkg/scheduler/apis/config/v1/defaults.go): what the node's pods request counting the
 * non-zero defaults (NodeInfo.NonZeroRequested: 100m and 200Mi for a container without a request)
 * plus the pod's own non-zero requests, against allocatable; `(allocatable − requested) × 100 / allocatable`
 * per resource, averaged by weight (1 and 1), integer arithmetic throughout. No NormalizeScore.
 * Weight 1.
 */
export const NodeResourcesFitScore: ScorePlugin<undefined> & BatchScore<undefined> = {
  name: "NodeResourcesFit",
  weight: 1,
  score(pod: PodToPlace, node: NodeInfo) {
    return leastAllocated(
      node.nonZeroRequested.cpu + pod.nonZeroRequests.cpu,
      node.allocatable["cpu"] ?? 0,
      node.nonZeroRequested.memory + pod.nonZeroRequests.memory,
      node.allocatable["memory"] ?? 0,
    );
  },
  scoreAll(pod, feasible, cluster, _state, out) {
    const t = nodeTable(cluster);
    const at = feasibleIndices(cluster, feasible);
    const cpu = pod.nonZeroRequests.cpu;
    const memory = pod.nonZeroRequests.memory;
    for (let i = 0; i < feasible.length; i++) {
      const k = at[i]!;
      out[i] = leastAllocated(t.nonZeroCpu[k]! + cpu, t.allocCpu[k]!, t.nonZeroMem[k]! + memory, t.allocMem[k]!);
    }
  },
};

/** resource_allocation.go score (useRequested) with balancedResourceScorer over cpu and memory. */
function balanced(cpu: number, cpuAlloc: number, memory: number, memAlloc: number): number {
  if (cpuAlloc === 0 || memAlloc === 0) return balancedResourceScore([cpu, memory], [cpuAlloc, memAlloc]);
  const std = Math.abs((Math.min(1, cpu / cpuAlloc) - Math.min(1, memory / memAlloc)) / 2);
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/**
 * kube-scheduler NodeResourcesBalancedAllocation
 * (pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go): favours the node whose
 * cpu and memory would be used in the most equal shares. It counts actual requests
 * (`useRequested: true`: NodeInfo.Requested plus the pod's PodRequests, without the non-zero
 * defaults), each share capped at 1, score `(1 − std) × 100`. Since v1.33 (kubernetes#130260)
 * PreScore returns Skip for a pod requesting neither cpu nor memory (best-effort), so that such
 * pods do not pile onto one node. No NormalizeScore. Weight 1.
 */
export const BalancedAllocationScore: ScorePlugin<Skip | undefined> & BatchScore<Skip | undefined> = {
  name: "NodeResourcesBalancedAllocation",
  weight: 1,
  prepare(pod) {
    return (pod.requests["cpu"] ?? 0) === 0 && (pod.requests["memory"] ?? 0) === 0 ? SKIP : undefined;
  },
  score(pod, node, _cluster, state) {
    if (state === SKIP) return 0;
    return balanced(
      (node.requested["cpu"] ?? 0) + (pod.requests["cpu"] ?? 0),
      node.allocatable["cpu"] ?? 0,
      (node.requested["memory"] ?? 0) + (pod.requests["memory"] ?? 0),
      node.allocatable["memory"] ?? 0,
    );
  },
  scoreAll(pod, feasible, cluster, state, out) {
    if (state === SKIP) {
      out.fill(0, 0, feasible.length);
      return;
    }
    const t = nodeTable(cluster);
    const at = feasibleIndices(cluster, feasible);
    const cpu = pod.requests["cpu"] ?? 0;
    const memory = pod.requests["memory"] ?? 0;
    for (let i = 0; i < feasible.length; i++) {
      const k = at[i]!;
      out[i] = balanced(t.reqCpu[k]! + cpu, t.allocCpu[k]!, t.reqMem[k]! + memory, t.allocMem[k]!);
    }
  },
};
