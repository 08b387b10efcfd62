import { podChangeCount } from "../cluster-state.js";
import type { ClusterState, NodeInfo } from "../types.js";

/** A label of every node, as small integers: the id of the node's value (-1: no such label). */
export interface LabelColumn {
  readonly ids: Int32Array;
  /** id → value */
  readonly values: readonly string[];
  readonly idOf: ReadonlyMap<string, number>;
}

/**
 * What the score plugins read of every node, in flat arrays indexed by the node's position in
 * `cluster.nodes`: scoring 500 nodes for each of 100,000 pods then reads a few typed arrays rather
 * than thousands of scattered objects. The resource columns follow the pods bound: the
 * simulation calls `bound` after each bind; any other change to the nodes' pods (podChangeCount)
 * has the table built afresh at its next use.
 */
export class NodeTable {
  readonly index: ReadonlyMap<NodeInfo, number>;
  /** allocatable cpu (millicores) and memory (bytes) */
  readonly allocCpu: Float64Array;
  readonly allocMem: Float64Array;
  /** NodeInfo.nonZeroRequested */
  readonly nonZeroCpu: Float64Array;
  readonly nonZeroMem: Float64Array;
  /** NodeInfo.requested cpu and memory */
  readonly reqCpu: Float64Array;
  readonly reqMem: Float64Array;
  /** 1 when the node has a PreferNoSchedule taint */
  readonly preferNoSchedule: Uint8Array;
  private readonly labelColumns = new Map<string, LabelColumn>();
  private readonly memos = new WeakMap<object, number[]>();
  /** podChangeCount() when the table was last brought up to date */
  private changes = podChangeCount();

  constructor(readonly nodes: readonly NodeInfo[]) {
    const n = nodes.length;
    this.index = new Map(nodes.map((node, i) => [node, i]));
    this.allocCpu = new Float64Array(n);
    this.allocMem = new Float64Array(n);
    this.nonZeroCpu = new Float64Array(n);
    this.nonZeroMem = new Float64Array(n);
    this.reqCpu = new Float64Array(n);
    this.reqMem = new Float64Array(n);
    this.preferNoSchedule = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const node = nodes[i]!;
      this.allocCpu[i] = node.allocatable["cpu"] ?? 0;
      this.allocMem[i] = node.allocatable["memory"] ?? 0;
      this.preferNoSchedule[i] = node.node.taints.some((t) => t.effect === "PreferNoSchedule") ? 1 : 0;
      this.refresh(i);
    }
  }

  /** Whether no pod changed since the table was last brought up to date. */
  get current(): boolean {
    return this.changes === podChangeCount();
  }

  /**
   * After addToNode bound a pod to the node at `i`: a table that was current before that bind
   * re-reads the node's requests and stays current. Any other table is built afresh at its next use.
   */
  bound(i: number): void {
    if (this.changes !== podChangeCount() - 1) return;
    this.refresh(i);
    this.changes++;
  }

  /** Re-reads the requests of the node at `i`. */
  private refresh(i: number): void {
    const node = this.nodes[i]!;
    this.nonZeroCpu[i] = node.nonZeroRequested.cpu;
    this.nonZeroMem[i] = node.nonZeroRequested.memory;
    this.reqCpu[i] = node.requested["cpu"] ?? 0;
    this.reqMem[i] = node.requested["memory"] ?? 0;
  }

  /**
   * A number per node that depends only on the node's own fields and on `key` (say, a pod spec's
   * preferred node affinity terms): NaN until the caller computes and stores it.
   */
  memo(key: object): number[] {
    let values = this.memos.get(key);
    if (!values) this.memos.set(key, (values = new Array<number>(this.nodes.length).fill(NaN)));
    return values;
  }

  /** The label `key` of every node (labels never change during a simulation). */
  label(key: string): LabelColumn {
    let column = this.labelColumns.get(key);
    if (!column) {
      const ids = new Int32Array(this.nodes.length);
      const values: string[] = [];
      const idOf = new Map<string, number>();
      for (let i = 0; i < this.nodes.length; i++) {
        const value = this.nodes[i]!.labels[key];
        if (value === undefined) {
          ids[i] = -1;
          continue;
        }
        let id = idOf.get(value);
        if (id === undefined) {
          id = values.length;
          values.push(value);
          idOf.set(value, id);
        }
        ids[i] = id;
      }
      column = { ids, values, idOf };
      this.labelColumns.set(key, column);
    }
    return column;
  }
}

const tables = new WeakMap<ClusterState, NodeTable>();

/** The node table of `cluster`: built on first use, and again when pods changed since without its being told (`bound`). */
export function nodeTable(cluster: ClusterState): NodeTable {
  let table = tables.get(cluster);
  if (table && !table.current) table = undefined;
  if (!table) {
    table = new NodeTable(cluster.nodes);
    tables.set(cluster, table);
  }
  return table;
}

const knownIndices = new WeakMap<readonly NodeInfo[], readonly number[]>();

/**
 * The positions in `cluster.nodes` of a list of feasible nodes: what the caller registered with
 * `registerIndices` (the simulation knows them), else looked up.
 */
export function feasibleIndices(cluster: ClusterState, feasible: readonly NodeInfo[]): readonly number[] {
  let at = knownIndices.get(feasible);
  if (!at) {
    const index = nodeTable(cluster).index;
    at = feasible.map((node) => index.get(node) ?? -1);
    knownIndices.set(feasible, at);
  }
  return at;
}

/** Records the positions in `cluster.nodes` of the nodes of `feasible` (never changed afterwards). */
export function registerIndices(feasible: readonly NodeInfo[], at: readonly number[]): void {
  knownIndices.set(feasible, at);
}
