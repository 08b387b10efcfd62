/**
 * The table harness of the Filter plugins' tests: one case per upstream rule, judged on one node
 * of a small cluster (the workload's own pods left out when `excludeOwner` is set).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FilterPlugin, PlacedPod, PodToPlace } from "../../../../src/analysis/placement/types.js";
import type {
  Container,
  ContainerPort,
  Node,
  PodSpec,
  ResourceList,
  Taint,
  Toleration,
} from "../../../../src/model/kubernetes.js";
import type { SourceRef } from "../../../../src/model/source.js";
import { DEFAULT_ALLOCATABLE, cluster, container, node, podSpec, podToPlace } from "../support.js";

export interface FilterCase {
  readonly name: string;
  readonly pod: PodToPlace;
  /** the node judged */
  readonly node: Node;
  /** other nodes of the cluster */
  readonly others?: readonly Node[];
  readonly placed?: readonly PlacedPod[];
  readonly excludeOwner?: string;
  /** the messages of the rejections, in order; [] for "fits" */
  readonly want: readonly string[];
  /** the source of the first rejection */
  readonly source?: SourceRef;
  readonly todo?: string;
}

export function filterCases(plugin: FilterPlugin<unknown>, cases: readonly FilterCase[]): void {
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const state = cluster(
        [c.node, ...(c.others ?? [])],
        c.placed ?? [],
        c.excludeOwner === undefined ? {} : { excludeOwner: c.excludeOwner },
      );
      const info = state.nodeByName.get(c.node.name)!;
      const prepared = plugin.prepare?.(c.pod, state);
      const reasons = plugin.filter(c.pod, info, state, prepared);
      assert.deepEqual(
        reasons.map((r) => r.message),
        c.want,
      );
      for (const r of reasons) assert.equal(r.plugin, plugin.name);
      if (c.source) assert.deepEqual(reasons[0]?.source, c.source);
    });
  }
}

export const spec = podSpec;
export const withTolerations = (...tolerations: Toleration[]): PodToPlace => podToPlace(spec({ tolerations }));
export const cordoned = (name: string, taints: readonly Taint[] = []): Node =>
  node(name, {}, taints, DEFAULT_ALLOCATABLE, { unschedulable: true });

export const port = (
  hostPort: number,
  protocol: ContainerPort["protocol"] = "TCP",
  hostIP?: string,
): ContainerPort => ({ name: undefined, containerPort: hostPort, hostPort, hostIP, protocol });
export const withPorts = (...ports: ContainerPort[]): PodSpec =>
  spec({ containers: [container("app", {}, { ports })] });
export const withInitPorts = (restartPolicy: string | undefined, ...ports: ContainerPort[]): PodSpec =>
  spec({ initContainers: [container("init", {}, { ports, restartPolicy })] });
export const requesting = (requests: ResourceList, extra: Partial<Container> = {}): PodSpec =>
  spec({ containers: [container("app", requests, extra)] });
