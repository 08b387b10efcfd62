/**
 * Running one Score plugin the way the framework does (PreScore over the feasible nodes, Score
 * per node, NormalizeScore), for the score plugins' table tests.
 */
import type { ClusterView, NodeInfo, PodToPlace, ScorePlugin } from "../../../../src/analysis/placement/types.js";
import assert from "node:assert/strict";
import { hasBatchScore } from "../../../../src/analysis/placement/framework/batch.js";
import { SKIP } from "../../../../src/analysis/placement/framework/skip.js";
import type { Labels, Service } from "../../../../src/model/kubernetes.js";
import { meta } from "../support.js";

export interface PluginRun {
  /** raw scores per node name (0 for every node when PreScore skipped) */
  readonly raw: Readonly<Record<string, number>>;
  /** normalized scores per node name */
  readonly normalized: Readonly<Record<string, number>>;
  readonly skipped: boolean;
}

/**
 * Runs `plugin` for `pod` over `feasible` (default: every node of the cluster). A plugin with a
 * batch form must give the same raw scores both ways.
 */
export function runScore(
  plugin: ScorePlugin<unknown>,
  pod: PodToPlace,
  cluster: ClusterView,
  feasible: readonly NodeInfo[] = cluster.nodes,
): PluginRun {
  const state = plugin.prepare?.(pod, feasible, cluster);
  const skipped = state === SKIP;
  const scores = feasible.map((node) => (skipped ? 0 : plugin.score(pod, node, cluster, state)));
  if (hasBatchScore(plugin)) {
    const batch = new Array<number>(feasible.length).fill(-1);
    plugin.scoreAll(pod, feasible, cluster, state, batch);
    assert.deepEqual(batch, scores, `${plugin.name}: scoreAll and score differ`);
  }
  const raw = Object.fromEntries(feasible.map((n, i) => [n.name, scores[i]!]));
  if (!skipped) plugin.normalize?.(scores, pod, state);
  return { raw, normalized: Object.fromEntries(feasible.map((n, i) => [n.name, scores[i]!])), skipped };
}

/** A ClusterIP Service with `selector` (null: none). */
export function service(name: string, selector: Labels | null, namespace = "default"): Service {
  return {
    meta: meta("Service", name, namespace),
    namespace,
    name,
    type: "ClusterIP",
    clusterIP: undefined,
    clusterIPs: [],
    externalIPs: [],
    externalName: undefined,
    ports: [],
    selector,
    externalTrafficPolicy: "Cluster",
    internalTrafficPolicy: "Cluster",
    sessionAffinity: "None",
    loadBalancerSourceRanges: [],
    loadBalancerClass: undefined,
    healthCheckNodePort: undefined,
    loadBalancerIngress: [],
  };
}
