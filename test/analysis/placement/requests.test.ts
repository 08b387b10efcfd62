/**
 * podRequests and nonZeroRequests against k8s.io/component-helpers/resource/helpers.go
 * (PodRequests, AggregateContainerRequests) and the scheduler's non-zero defaults
 * (pkg/scheduler/util DefaultMilliCPURequest, DefaultMemoryRequest; framework calculateResource).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  nonZeroRequests,
  podRequests,
} from "../../../src/analysis/placement/requests.js";
import type { Container, PodSpec, ResourceList } from "../../../src/model/kubernetes.js";
import { Gi, Mi, container, podSpec } from "./support.js";

const app = (name: string, requests: ResourceList = {}): Container => container(name, requests);
const init = (name: string, requests: ResourceList = {}): Container => container(name, requests);
const sidecar = (name: string, requests: ResourceList = {}): Container =>
  container(name, requests, { restartPolicy: "Always" });
const pod = (containers: Container[], initContainers: Container[] = [], overhead: ResourceList = {}): PodSpec =>
  podSpec({ containers, initContainers, overhead });

interface Case<T> {
  readonly name: string;
  readonly spec: PodSpec;
  readonly want: T;
  readonly todo?: string;
}

function cases<T>(fn: (spec: PodSpec) => T, list: readonly Case<T>[]): void {
  for (const c of list) test(c.name, c.todo ? { todo: c.todo } : {}, () => assert.deepEqual(fn(c.spec), c.want));
}

describe("podRequests (component-helpers resource/helpers.go PodRequests)", () => {
  cases(podRequests, [
    {
      name: "helpers.go AggregateContainerRequests: a pod whose containers request nothing requests nothing",
      spec: pod([app("a"), app("b")]),
      want: {},
    },
    {
      name: "helpers.go AggregateContainerRequests: the requests of the app containers are summed, per resource",
      spec: pod([app("a", { cpu: 100, memory: 100 * Mi }), app("b", { cpu: 200, "nvidia.com/gpu": 1 })]),
      want: { cpu: 300, memory: 100 * Mi, "nvidia.com/gpu": 1 },
    },
    {
      name: "helpers.go AggregateContainerRequests: the largest init container wins when it exceeds the sum",
      spec: pod([app("a", { cpu: 100 })], [init("i1", { cpu: 500 }), init("i2", { cpu: 300 })]),
      want: { cpu: 500 },
    },
    {
      name: "helpers.go AggregateContainerRequests: init containers are not summed with each other",
      spec: pod([app("a", { cpu: 100 })], [init("i1", { cpu: 400 }), init("i2", { cpu: 400 })]),
      want: { cpu: 400 },
    },
    {
      name: "helpers.go AggregateContainerRequests: the sum of the app containers wins when it exceeds every init container",
      spec: pod([app("a", { cpu: 300 }), app("b", { cpu: 300 })], [init("i", { cpu: 500 })]),
      want: { cpu: 600 },
    },
    {
      name: "helpers.go maxResourceList: the maximum is taken per resource",
      spec: pod(
        [app("a", { cpu: 100, memory: Gi })],
        [init("i", { cpu: 1000, memory: 100 * Mi, "example.com/dongle": 1 })],
      ),
      want: { cpu: 1000, memory: Gi, "example.com/dongle": 1 },
    },
    {
      name: "helpers.go AggregateContainerRequests: a restartable init container (sidecar) is added to the app containers' sum",
      spec: pod([app("a", { cpu: 100, memory: 100 * Mi })], [sidecar("s", { cpu: 50, memory: 20 * Mi })]),
      want: { cpu: 150, memory: 120 * Mi },
    },
    {
      name: "helpers.go AggregateContainerRequests: a sidecar's request adds to every later init container's (InitContainerUse(i))",
      spec: pod([app("a", { cpu: 100 })], [sidecar("s", { cpu: 200 }), init("i", { cpu: 500 })]),
      want: { cpu: 700 },
    },
    {
      name: "helpers.go AggregateContainerRequests: a sidecar started after an init container does not add to it",
      spec: pod([app("a", { cpu: 100 })], [init("i", { cpu: 500 }), sidecar("s", { cpu: 200 })]),
      want: { cpu: 500 },
    },
    {
      name: "helpers.go AggregateContainerRequests: sidecars accumulate for the init containers after them",
      spec: pod(
        [app("a", { cpu: 100 })],
        [sidecar("s1", { cpu: 100 }), init("i1", { cpu: 300 }), sidecar("s2", { cpu: 200 }), init("i2", { cpu: 450 })],
      ),
      want: { cpu: 750 },
    },
    {
      name: "helpers.go AggregateContainerRequests: several sidecars all join the sum",
      spec: pod([app("a", { cpu: 100 })], [sidecar("s1", { cpu: 100 }), sidecar("s2", { cpu: 200 })]),
      want: { cpu: 400 },
    },
    {
      name: "helpers.go PodRequests: the pod overhead is added to the containers' requests",
      spec: pod([app("a", { cpu: 100 })], [], { cpu: 250, memory: 120 * Mi }),
      want: { cpu: 350, memory: 120 * Mi },
    },
    {
      name: "helpers.go PodRequests: the overhead is added after the init-container maximum",
      spec: pod([app("a", { cpu: 100 })], [init("i", { cpu: 500 })], { cpu: 50 }),
      want: { cpu: 550 },
    },
  ]);
});

describe("nonZeroRequests (scheduler framework calculateResource: PodRequests with NonMissingContainerRequests)", () => {
  test("scheduler util: DefaultMilliCPURequest is 100 (0.1 core), DefaultMemoryRequest is 200Mi", () => {
    assert.equal(DEFAULT_MILLI_CPU_REQUEST, 100);
    assert.equal(DEFAULT_MEMORY_REQUEST, 200 * 1024 * 1024);
  });
  cases(nonZeroRequests, [
    {
      name: "calculateResource: a container without requests counts 100m cpu and 200Mi memory",
      spec: pod([app("a")]),
      want: { cpu: 100, memory: 200 * Mi },
    },
    {
      name: "calculateResource: the defaults apply per container",
      spec: pod([app("a"), app("b"), app("c")]),
      want: { cpu: 300, memory: 600 * Mi },
    },
    {
      name: "helpers.go applyNonMissing: only the missing resource gets its default",
      spec: pod([app("a", { cpu: 250 })]),
      want: { cpu: 250, memory: 200 * Mi },
    },
    {
      name: "helpers.go applyNonMissing: a request of 0 is kept (it is not missing)",
      spec: pod([app("a", { cpu: 0, memory: 0 })]),
      want: { cpu: 0, memory: 0 },
    },
    {
      name: "helpers.go applyNonMissing: a container requesting cpu and memory keeps its requests",
      spec: pod([app("a", { cpu: 500, memory: Gi }), app("b")]),
      want: { cpu: 600, memory: Gi + 200 * Mi },
    },
    {
      name: "helpers.go applyNonMissing: init containers get the defaults too (max of init and sum)",
      spec: pod([app("a", { cpu: 50, memory: 50 * Mi })], [init("i")]),
      want: { cpu: 100, memory: 200 * Mi },
    },
    {
      name: "helpers.go AggregateContainerRequests: a larger init container still wins",
      spec: pod([app("a")], [init("i", { cpu: 500, memory: Gi })]),
      want: { cpu: 500, memory: Gi },
    },
    {
      name: "helpers.go AggregateContainerRequests: a sidecar without requests adds the defaults to the sum",
      spec: pod([app("a")], [sidecar("s")]),
      want: { cpu: 200, memory: 400 * Mi },
    },
    {
      name: "helpers.go AggregateContainerRequests: a sidecar's defaults add to later init containers",
      spec: pod([app("a", { cpu: 10, memory: 10 * Mi })], [sidecar("s"), init("i", { cpu: 300, memory: 300 * Mi })]),
      want: { cpu: 400, memory: 500 * Mi },
    },
    {
      name: "helpers.go PodRequests: the overhead is added to the non-zero requests",
      spec: pod([app("a")], [], { cpu: 250, memory: 64 * Mi }),
      want: { cpu: 350, memory: 264 * Mi },
    },
  ]);
});
