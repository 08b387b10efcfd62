/**
 * Pods as their controllers build them (src/analysis/placement/controllers/): the Deployment's
 * pod-template-hash, the StatefulSet's identity labels, which observed pods count as replicas, and
 * the node affinity the scheduler sees on a DaemonSet's pod.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { requiredNodeAffinityMatches } from "../../../../src/analysis/placement/controllers/daemonset.js";
import { deploymentTemplateHash } from "../../../../src/analysis/placement/controllers/deployment.js";
import { fnv32a, safeEncodeString, standInHash } from "../../../../src/analysis/placement/controllers/hash.js";
import { isActivePod, labelKeysUsed } from "../../../../src/analysis/placement/controllers/index.js";
import { podsOfWorkload } from "../../../../src/analysis/placement/pods-to-place.js";
import { node, pod, podSpec, src, workload } from "../support.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("fnv32a and SafeEncodeString (Go hash/fnv New32a; apimachinery pkg/util/rand SafeEncodeString)", () => {
  test("hash/fnv New32a: the offset basis for no input, the published vectors for 'a' and 'foobar'", () => {
    assert.equal(fnv32a(bytes("")), 0x811c9dc5);
    assert.equal(fnv32a(bytes("a")), 0xe40c292c);
    assert.equal(fnv32a(bytes("foobar")), 0xbf9cf968);
  });

  test("rand.SafeEncodeString: each byte taken modulo 27 into bcdfghjklmnpqrstvwxz2456789 (the decimal digits land on 4-9, b, c, d, f)", () => {
    assert.equal(safeEncodeString("0123456789"), "456789bcdf");
    assert.equal(safeEncodeString("a"), "v");
  });

  test("deployment/util ComputeHash's shape: a stand-in is the SafeEncodeString of a decimal uint32, and collisionCount changes it", () => {
    const h = standInHash({ a: 1 });
    assert.match(h, /^[456789bcdf]{1,10}$/);
    assert.equal(standInHash({ a: 1 }), h, "stable");
    assert.notEqual(standInHash({ a: 1 }, 1), h);
  });
});

describe("pod-template-hash (kubernetes pkg/controller/deployment/sync.go getNewReplicaSet, util ComputeHash)", () => {
  const deploy = workload("Deployment", "web", podSpec(), { replicas: 3 });

  test("sync.go getNewReplicaSet: the new ReplicaSet's pod-template-hash, read from the snapshot, labels every new pod", () => {
    const w = {
      ...deploy,
      revision: { podTemplateHash: { value: "7c5d9f8b6", replicaSet: "web-7c5d9f8b6", revision: "2", source: src(7) } },
    };
    const pods = podsOfWorkload(w, [], []);
    assert.deepEqual(
      pods.map((p) => p.labels),
      [0, 1, 2].map(() => ({ app: "web", "pod-template-hash": "7c5d9f8b6" })),
    );
    // one labels object for the replicas: the scores key per-pod caches by it
    assert.equal(pods[0]!.labels, pods[2]!.labels);
    assert.match(
      deploymentTemplateHash(w, []).note,
      /the new ReplicaSet web-7c5d9f8b6 \(deployment\.kubernetes\.io\/revision 2/,
    );
  });

  test("without the ReplicaSets: the hash every live pod shares is assumed, and said to be", () => {
    const live = ["a", "b"].map((n) =>
      pod(`web-5d8f7c9b6-${n}`, podSpec(), { labels: { app: "web", "pod-template-hash": "5d8f7c9b6" } }),
    );
    const hash = deploymentTemplateHash(deploy, live);
    assert.equal(hash.value, "5d8f7c9b6");
    assert.match(hash.note, /assumed from the 2 observed pod\(s\)/);
  });

  test("ComputeHash cannot be reproduced from a snapshot: pods of two revisions and no ReplicaSet give a stand-in, said to be one", () => {
    const live = [
      pod("web-a", podSpec(), { labels: { "pod-template-hash": "5d8f7c9b6" } }),
      pod("web-b", podSpec(), { labels: { "pod-template-hash": "6c9d8f7b5" } }),
    ];
    const hash = deploymentTemplateHash(deploy, live);
    assert.notEqual(hash.value, "5d8f7c9b6");
    assert.match(hash.note, /a stand-in/);
  });
});

describe("StatefulSet pod identity (kubernetes pkg/controller/statefulset/stateful_set_utils.go newVersionedStatefulSetPod, updateIdentity, setPodRevision)", () => {
  const sts = workload("StatefulSet", "db", podSpec(), {
    replicas: 3,
    revision: { currentRevision: "db-5d4b9c8f7", updateRevision: "db-6c7f9d8b4", partition: 2 },
  });

  test("updateIdentity: statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index (PodIndexLabel, v1.28+); setPodRevision: controller-revision-hash", () => {
    const pods = podsOfWorkload(sts, [], []);
    assert.deepEqual(
      pods.map((p) => [
        p.name,
        p.labels["statefulset.kubernetes.io/pod-name"],
        p.labels["apps.kubernetes.io/pod-index"],
      ]),
      [
        ["db-0", "db-0", "0"],
        ["db-1", "db-1", "1"],
        ["db-2", "db-2", "2"],
      ],
    );
  });

  test("newVersionedStatefulSetPod: ordinals below the rolling update's partition keep status.currentRevision, the others get updateRevision", () => {
    assert.deepEqual(
      podsOfWorkload(sts, [], []).map((p) => p.labels["controller-revision-hash"]),
      ["db-5d4b9c8f7", "db-5d4b9c8f7", "db-6c7f9d8b4"],
    );
  });

  test("getStartOrdinal: spec.ordinals.start shifts the names and the pod-index", () => {
    const pods = podsOfWorkload({ ...sts, revision: { ordinalsStart: 5 } }, [], []);
    assert.deepEqual(
      pods.map((p) => [p.name, p.labels["apps.kubernetes.io/pod-index"]]),
      [
        ["db-5", "5"],
        ["db-6", "6"],
        ["db-7", "7"],
      ],
    );
  });

  test("a terminating StatefulSet pod keeps its ordinal (the controller recreates the same name once it is gone)", () => {
    const dying = pod("db-1", podSpec(), { deletionTimestamp: "2026-12-06T08:41:07Z", nodeName: "n1" });
    assert.deepEqual(
      podsOfWorkload(sts, [], [dying]).map((p) => p.name),
      ["db-1", "db-0", "db-2"],
    );
  });
});

describe("IsPodActive (kubernetes pkg/controller/controller_utils.go): the ReplicaSet controller replaces a terminating pod at once", () => {
  test("controller_utils.go IsPodActive: Succeeded, Failed and terminating pods are not active", () => {
    assert.equal(isActivePod(pod("a")), true);
    assert.equal(isActivePod(pod("a", podSpec(), { phase: "Failed" })), false);
    assert.equal(isActivePod(pod("a", podSpec(), { deletionTimestamp: "2026-12-06T08:41:07Z" })), false);
  });

  test("replica_set.go manageReplicas: two replicas, one of them terminating, make one more pod", () => {
    const w = workload("Deployment", "api", podSpec(), { replicas: 2 });
    const observed = [
      pod("api-x", podSpec(), { nodeName: "n1" }),
      pod("api-y", podSpec(), { nodeName: "n2", deletionTimestamp: "2026-12-06T08:41:07Z" }),
    ];
    assert.deepEqual(
      podsOfWorkload(w, [], observed).map((p) => [p.name, p.observed?.name ?? null]),
      [
        ["api-x", "api-x"],
        ["api-y", "api-y"],
        ["api-0", null],
      ],
    );
  });
});

describe("GetRequiredNodeAffinity on a daemon pod (kubernetes pkg/controller/daemon/util/daemonset_util.go ReplaceDaemonSetPodNodeNameNodeAffinity)", () => {
  const spec = podSpec({ nodeSelector: { pool: "general" } });
  const a = node("a", { pool: "general" });
  const b = node("b", { pool: "general" });
  const c = node("c", { pool: "gpu" });

  test("ReplaceDaemonSetPodNodeNameNodeAffinity: the daemon pod's required affinity matches its own node only; its nodeSelector stays", () => {
    assert.deepEqual(
      [a, b, c].map((n) => requiredNodeAffinityMatches(spec, "a", n)),
      [true, false, false],
    );
    assert.equal(requiredNodeAffinityMatches(spec, "c", c), false, "nodeSelector pool=general");
  });

  test("any other pod: its nodeSelector and required node affinity", () => {
    assert.deepEqual(
      [a, b, c].map((n) => requiredNodeAffinityMatches(spec, undefined, n)),
      [true, true, false],
    );
  });
});

describe("labelKeysUsed: the keys matchLabelKeys and mismatchLabelKeys take from the pod", () => {
  test("spread constraints' matchLabelKeys, sorted, without duplicates", () => {
    const c = {
      maxSkew: 1,
      topologyKey: "zone",
      whenUnsatisfiable: "DoNotSchedule" as const,
      labelSelector: null,
      minDomains: undefined,
      nodeAffinityPolicy: undefined,
      nodeTaintsPolicy: undefined,
      source: src(3),
    };
    const spec = podSpec({
      topologySpreadConstraints: [
        { ...c, matchLabelKeys: ["pod-template-hash"] },
        { ...c, matchLabelKeys: ["app", "pod-template-hash"] },
      ],
    });
    assert.deepEqual(labelKeysUsed(spec), ["app", "pod-template-hash"]);
  });
});
