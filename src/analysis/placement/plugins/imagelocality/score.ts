import type { ClusterView, NodeInfo, ScorePlugin } from "../../types.js";
import type { BatchScore } from "../../framework/batch.js";
import { feasibleIndices } from "../../framework/node-table.js";
import { MAX_NODE_SCORE } from "../../framework/normalize.js";
import { SKIP, type Skip } from "../../framework/skip.js";

const MB = 1024 * 1024;
/** image_locality.go minThreshold: below 23 MB an image is not worth pulling elsewhere */
const IMAGE_MIN_THRESHOLD = 23 * MB;
/** image_locality.go maxContainerThreshold: the cap per container */
const IMAGE_MAX_CONTAINER_THRESHOLD = 1000 * MB;

/**
 * image_locality.go normalizedImageName: an image without a tag gets `:latest` (when the last `:`
 * is not after the last `/`). Nothing else: the scheduler does not add `docker.io/library/`, so
 * `nginx` in a pod spec matches `nginx:latest` in the node status but not
 * `docker.io/library/nginx:latest` (an upstream TODO it lives with).
 */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(":") <= name.lastIndexOf("/") ? `${name}:latest` : name;
}

/** framework.ImageStateSummary: the size of an image and on how many nodes it is. */
interface ImageState {
  readonly size: number;
  readonly numNodes: number;
}

interface ClusterImages {
  /** per image name over the whole cluster (the scheduler cache's imageStates) */
  readonly states: ReadonlyMap<string, ImageState>;
  /** per node, the names of the images it holds */
  readonly onNode: ReadonlyMap<NodeInfo, ReadonlySet<string>>;
  /** per image name, which nodes (by position in the node list) hold it */
  readonly presence: (name: string) => Uint8Array;
}

/** Node images never change during a simulation: computed once per snapshot. */
const IMAGES = {};

/**
 * The scheduler cache's image states (pkg/scheduler/backend/cache addNodeImageStates): every name
 * of every image in a node's status.images, with the size the first node reporting it gave and
 * the number of nodes that have it.
 */
function clusterImages(cluster: ClusterView): ClusterImages {
  return cluster.snapshot.state(IMAGES, () => buildClusterImages(cluster.snapshot.nodes));
}

function buildClusterImages(nodes: readonly NodeInfo[]): ClusterImages {
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  const onNode = new Map<NodeInfo, Set<string>>();
  for (const node of nodes) {
    const names = new Set<string>();
    for (const image of node.node.images) {
      for (const name of image.names) {
        if (names.has(name)) continue;
        names.add(name);
        if (!sizes.has(name)) sizes.set(name, image.sizeBytes);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
    onNode.set(node, names);
  }
  const states = new Map<string, ImageState>();
  for (const [name, size] of sizes) states.set(name, { size, numNodes: counts.get(name)! });
  const columns = new Map<string, Uint8Array>();
  const presence = (name: string): Uint8Array => {
    let column = columns.get(name);
    if (!column) {
      column = Uint8Array.from(nodes, (node) => (onNode.get(node)!.has(name) ? 1 : 0));
      columns.set(name, column);
    }
    return column;
  };
  return { states, onNode, presence };
}

/**
 * image_locality.go calculatePriority: the sum clamped between 23 MB and 1000 MB per container,
 * scaled to 0..100 in integer arithmetic.
 */
export function imageLocalityPriority(sumScores: number, numContainers: number): number {
  const maxThreshold = IMAGE_MAX_CONTAINER_THRESHOLD * numContainers;
  const clamped =
    sumScores < IMAGE_MIN_THRESHOLD ? IMAGE_MIN_THRESHOLD : sumScores > maxThreshold ? maxThreshold : sumScores;
  return Math.trunc((MAX_NODE_SCORE * (clamped - IMAGE_MIN_THRESHOLD)) / (maxThreshold - IMAGE_MIN_THRESHOLD));
}

/** image_locality.go scaledImageScore: the size times the share of the cluster's nodes holding the image. */
function scaledImageScore(state: ImageState, totalNumNodes: number): number {
  const spread = state.numNodes / totalNumNodes;
  return Math.trunc(state.size * spread);
}

interface ImageLocalityState {
  /** the pod's images (init containers then containers) present on some node, with their states, scaled scores and where they are */
  readonly images: readonly {
    readonly name: string;
    readonly state: ImageState;
    readonly scaled: number;
    readonly presence: Uint8Array;
  }[];
  readonly numContainers: number;
  readonly onNode: ReadonlyMap<NodeInfo, ReadonlySet<string>>;
  readonly totalNumNodes: number;
}

/** image_locality.go Score for one node: calculatePriority(sumImageScores). */
function imageScoreOn(node: NodeInfo, state: ImageLocalityState): number {
  const names = state.onNode.get(node);
  let sum = 0;
  if (names)
    for (const image of state.images)
      if (names.has(image.name)) sum += scaledImageScore(image.state, state.totalNumNodes);
  return imageLocalityPriority(sum, state.numContainers);
}

/**
 * kube-scheduler pkg/scheduler/framework/plugins/imagelocality/image_locality.go: favours nodes
 * that already have the pod's images. For each container and init container whose image (by
 * normalizedImageName) the node has, the image size scaled by the share of all nodes having it
 * (against the "node heating" of one popular node); the sum clamped to 23 MB … 1000 MB × number of
 * containers and scaled to 0..100. No NormalizeScore. Weight 1. (The plugin has no PreScore; the
 * Skip here is podpath's shortcut for a pod none of whose images is on any node, where every node
 * scores 0 anyway.)
 */
export const ImageLocalityScore: ScorePlugin<ImageLocalityState | Skip> & BatchScore<ImageLocalityState | Skip> = {
  name: "ImageLocality",
  weight: 1,
  prepare(pod, _feasible, cluster) {
    const { states, onNode, presence } = clusterImages(cluster);
    const images: ImageLocalityState["images"][number][] = [];
    const containers = [...pod.spec.initContainers, ...pod.spec.containers];
    for (const c of containers) {
      const name = normalizedImageName(c.image);
      const state = states.get(name);
      if (state)
        images.push({ name, state, scaled: scaledImageScore(state, cluster.nodes.length), presence: presence(name) });
    }
    if (images.length === 0) return SKIP;
    return { images, numContainers: containers.length, onNode, totalNumNodes: cluster.nodes.length };
  },
  score(_pod, node, _cluster, state) {
    return state === SKIP ? 0 : imageScoreOn(node, state);
  },
  scoreAll(_pod, feasible, cluster, state, out) {
    if (state === SKIP) {
      out.fill(0, 0, feasible.length);
      return;
    }
    const at = feasibleIndices(cluster, feasible);
    for (let i = 0; i < feasible.length; i++) {
      const k = at[i]!;
      let sum = 0;
      for (const image of state.images) if (image.presence[k]) sum += image.scaled;
      out[i] = imageLocalityPriority(sum, state.numContainers);
    }
  },
};
