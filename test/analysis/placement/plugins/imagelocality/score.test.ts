/** ImageLocality Score (imagelocality/image_locality.go), cases after image_locality_test.go. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ImageLocalityScore,
  imageLocalityPriority,
  normalizedImageName,
} from "../../../../../src/analysis/placement/plugins/imagelocality/score.js";
import type { Node } from "../../../../../src/model/kubernetes.js";
import { Mi, cluster, container, node, podSpec, podToPlace } from "../../support.js";
import { runScore } from "../score-harness.js";

const withImages = (name: string, images: Readonly<Record<string, number>>): Node =>
  node(name, {}, [], undefined, {
    images: Object.entries(images).map(([n, size]) => ({ names: [n], sizeBytes: size })),
  });
const podWith = (...images: string[]) =>
  podToPlace(podSpec({ containers: images.map((image, i) => container(`c${i}`, {}, { image })) }));

describe("ImageLocality score", () => {
  test("imagelocality: normalizedImageName adds :latest to an untagged image, and nothing else", () => {
    assert.equal(normalizedImageName("nginx"), "nginx:latest");
    assert.equal(normalizedImageName("registry:5000/team/app"), "registry:5000/team/app:latest");
    assert.equal(normalizedImageName("nginx:1.25"), "nginx:1.25");
    assert.equal(normalizedImageName("gcr.io/app@sha256:abc"), "gcr.io/app@sha256:abc");
  });

  test("imagelocality: the image size scaled by the share of nodes holding it, clamped to 23MB..1000MB per container, scaled to 0..100", () => {
    const state = cluster([
      withImages("node1", { "gcr.io/40:latest": 40 * Mi, "gcr.io/300:latest": 300 * Mi }),
      withImages("node2", { "gcr.io/300:latest": 300 * Mi, "gcr.io/2000:latest": 2000 * Mi }),
      withImages("node3", {}),
    ]);
    const run = runScore(ImageLocalityScore, podWith("gcr.io/40", "gcr.io/300"), state);
    // node1: 40MB × 1/3 + 300MB × 2/3 = 213.33MB → 100 × (213.33 − 23) / (2000 − 23) = 9
    // node2: 300MB × 2/3 = 200MB → 100 × (200 − 23) / 1977 = 8; node3: nothing → 0
    assert.deepEqual(run.normalized, { node1: 9, node2: 8, node3: 0 });
  });

  test("imagelocality: below the 23MB threshold an image is worth nothing", () => {
    const state = cluster([withImages("node1", { "small:latest": 30 * Mi }), withImages("node2", {})]);
    // 30MB × 1/2 = 15MB < 23MB → 0
    assert.deepEqual(runScore(ImageLocalityScore, podWith("small"), state).normalized, { node1: 0, node2: 0 });
  });

  test("imagelocality: a huge image on every node is capped at 1000MB per container: 100", () => {
    const state = cluster([withImages("node1", { "huge:1": 3000 * Mi }), withImages("node2", { "huge:1": 3000 * Mi })]);
    assert.deepEqual(runScore(ImageLocalityScore, podWith("huge:1"), state).normalized, { node1: 100, node2: 100 });
  });

  test("imagelocality: the pod's image name is compared as written (docker.io/library/ is not added)", () => {
    const state = cluster([
      withImages("node1", { "docker.io/library/nginx:latest": 500 * Mi }),
      withImages("node2", { "nginx:latest": 500 * Mi }),
    ]);
    assert.deepEqual(runScore(ImageLocalityScore, podWith("nginx"), state).normalized, { node1: 0, node2: 23 });
  });

  test("imagelocality: init containers' images count, and widen the cap", () => {
    const state = cluster([
      withImages("node1", { "init:1": 800 * Mi, "app:1": 800 * Mi }),
      withImages("node2", { "app:1": 800 * Mi }),
    ]);
    const pod = podToPlace(
      podSpec({
        initContainers: [container("init", {}, { image: "init:1" })],
        containers: [container("app", {}, { image: "app:1" })],
      }),
    );
    // node1: 400 + 800 = 1200MB of 2000MB → 100 × 1177/1977 = 59; node2: 800MB → 100 × 777/1977 = 39
    assert.deepEqual(runScore(ImageLocalityScore, pod, state).normalized, { node1: 59, node2: 39 });
  });

  test("imagelocality: calculatePriority is integer arithmetic", () => {
    assert.equal(imageLocalityPriority(0, 1), 0);
    assert.equal(imageLocalityPriority(1000 * Mi, 1), 100);
    assert.equal(imageLocalityPriority(511.5 * Mi, 1), 50);
  });
});
