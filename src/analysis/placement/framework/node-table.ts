import type { BindListener } from "../cluster-snapshot.js";
import type { ClusterView, NodeInfo } from "../types.js";

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
 * than thousands of scattered objects. The resource columns follow the pods bound: the snapshot
 * tells the table of each bind (`bound`); an unbind has it built afresh at its next use.
 */
export class NodeTable implements BindListener {
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
  private sums: Float64Array | undefined;

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

  /** After the snapshot bound a pod to the node at `i`: re-reads the node's requests. */
  bound(i: number): void {
    this.refresh(i);
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

  /** A zeroed buffer of `n` numbers, reused from pod to pod (a score's per-node sums). */
  scratch(n: number): Float64Array {
    let sums = this.sums;
    if (!sums || sums.length < n) this.sums = sums = new Float64Array(Math.max(n, this.nodes.length));
    const out = sums.subarray(0, n);
    out.fill(0);
    return out;
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

const NODE_TABLE = {};

/** The node table of `cluster`'s snapshot: built on first use, told of every bind. */
export function nodeTable(cluster: ClusterView): NodeTable {
  const snapshot = cluster.snapshot;
  return snapshot.index(NODE_TABLE, () => new NodeTable(snapshot.nodes));
}

/**
 * The positions in `cluster.nodes` of a list of feasible nodes: what the simulation gave the
 * snapshot for the current cycle (`ClusterSnapshot.positions`), else looked up.
 */
export function feasibleIndices(cluster: ClusterView, feasible: readonly NodeInfo[]): readonly number[] {
  return cluster.snapshot.positions(feasible);
}
