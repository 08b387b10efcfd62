/**
 * NodeResourcesFit against kube-scheduler's own rules. Every case is named after the upstream code it
 * follows; cases podpath does not yet follow are `todo`.
 */
import { describe } from "node:test";
import { ERR_REASON_TOO_MANY_PODS } from "../../../../../src/analysis/placement/plugins/noderesources/common.js";
import { NodeResourcesFit } from "../../../../../src/analysis/placement/plugins/noderesources/filter.js";
import type { ResourceList } from "../../../../../src/model/kubernetes.js";
import { Gi, Mi, container, node, placed, podToPlace } from "../../support.js";
import { filterCases, spec, requesting } from "../filter-cases.js";

describe("NodeResourcesFit (kube-scheduler plugins/noderesources/fit.go fitsRequest)", () => {
  const small = (pods = 110) =>
    node("n", {}, [], { cpu: 2000, memory: 4 * Gi, "ephemeral-storage": 10 * Gi, pods, "nvidia.com/gpu": 1 });
  const busy = (name: string, requests: ResourceList, owner?: string) =>
    placed(name, "n", requesting(requests), owner === undefined ? {} : { owner });
  filterCases(NodeResourcesFit, [
    {
      name: "fit.go fitsRequest: a pod within every allocatable fits",
      pod: podToPlace(requesting({ cpu: 500, memory: Gi })),
      node: small(),
      want: [],
    },
    {
      name: "fit.go fitsRequest: len(Pods)+1 > allowedPodNumber is Too many pods",
      pod: podToPlace(),
      node: small(2),
      placed: [busy("a", {}), busy("b", {})],
      want: [ERR_REASON_TOO_MANY_PODS],
    },
    {
      name: "fit.go fitsRequest: one pod below allowedPodNumber fits",
      pod: podToPlace(),
      node: small(2),
      placed: [busy("a", {})],
      want: [],
    },
    {
      name: "fit.go fitsRequest: cpu beyond allocatable minus requested is Insufficient cpu",
      pod: podToPlace(requesting({ cpu: 1500 })),
      node: small(),
      placed: [busy("a", { cpu: 1000 })],
      want: ["Insufficient cpu"],
    },
    {
      name: "fit.go fitsRequest: memory beyond free is Insufficient memory",
      pod: podToPlace(requesting({ memory: 3 * Gi })),
      node: small(),
      placed: [busy("a", { memory: 2 * Gi })],
      want: ["Insufficient memory"],
    },
    {
      name: "fit.go fitsRequest: ephemeral-storage beyond free is Insufficient ephemeral-storage",
      pod: podToPlace(requesting({ "ephemeral-storage": 11 * Gi })),
      node: small(),
      want: ["Insufficient ephemeral-storage"],
    },
    {
      name: "fit.go fitsRequest: an extended resource beyond free is Insufficient <name>",
      pod: podToPlace(requesting({ "nvidia.com/gpu": 1 })),
      node: small(),
      placed: [busy("a", { "nvidia.com/gpu": 1 })],
      want: ["Insufficient nvidia.com/gpu"],
    },
    {
      name: "fit.go fitsRequest: an extended resource the node does not have is insufficient",
      pod: podToPlace(requesting({ "example.com/fpga": 1 })),
      node: small(),
      want: ["Insufficient example.com/fpga"],
    },
    {
      name: "fit.go fitsRequest: an extended resource within allocatable fits",
      pod: podToPlace(requesting({ "nvidia.com/gpu": 1 })),
      node: small(),
      want: [],
    },
    {
      name: "fit.go fitsRequest: every insufficiency is reported, in order pods, cpu, memory, ephemeral-storage, extended",
      pod: podToPlace(requesting({ "nvidia.com/gpu": 2, "ephemeral-storage": 20 * Gi, memory: 5 * Gi, cpu: 3000 })),
      node: small(1),
      placed: [busy("a", {})],
      want: [
        "Too many pods",
        "Insufficient cpu",
        "Insufficient memory",
        "Insufficient ephemeral-storage",
        "Insufficient nvidia.com/gpu",
      ],
    },
    {
      name: "fit.go fitsRequest: requests exactly equal to what is free fit (rejects only when request > free)",
      pod: podToPlace(requesting({ cpu: 500, memory: Gi, "ephemeral-storage": 4 * Gi, "nvidia.com/gpu": 1 })),
      node: small(),
      placed: [busy("a", { cpu: 1500, memory: 3 * Gi, "ephemeral-storage": 6 * Gi })],
      want: [],
    },
    {
      name: "fit.go fitsRequest: a pod requesting nothing fits a node whose resources are all taken",
      pod: podToPlace(),
      node: small(),
      placed: [busy("a", { cpu: 2000, memory: 4 * Gi, "ephemeral-storage": 10 * Gi, "nvidia.com/gpu": 1 })],
      want: [],
    },
    {
      name: "fit.go fitsRequest: a pod requesting nothing is still counted against allocatable pods",
      pod: podToPlace(),
      node: small(1),
      placed: [busy("a", {})],
      want: [ERR_REASON_TOO_MANY_PODS],
    },
    {
      name: "fit.go computePodResourceRequest: the request is PodRequests (an init container's larger request counts)",
      pod: podToPlace(
        spec({ containers: [container("app", { cpu: 500 })], initContainers: [container("init", { cpu: 2500 })] }),
      ),
      node: small(),
      want: ["Insufficient cpu"],
    },
    {
      name: "fit.go computePodResourceRequest: the pod overhead counts",
      pod: podToPlace(spec({ containers: [container("app", { memory: 4 * Gi })], overhead: { memory: 100 * Mi } })),
      node: small(),
      want: ["Insufficient memory"],
    },
    {
      name: "withoutOwner: without it, the workload's own pods hold their requests",
      pod: podToPlace(requesting({ cpu: 1000 })),
      node: small(),
      placed: [busy("own", { cpu: 1500 }, "Deployment/default/web")],
      want: ["Insufficient cpu"],
    },
    {
      name: "withoutOwner: the workload's own pods' requests are subtracted",
      pod: podToPlace(requesting({ cpu: 1000 })),
      node: small(),
      placed: [
        busy("own", { cpu: 1500 }, "Deployment/default/web"),
        busy("other", { cpu: 500 }, "Deployment/default/api"),
      ],
      excludeOwner: "Deployment/default/web",
      want: [],
    },
    {
      name: "withoutOwner: another workload's requests still count",
      pod: podToPlace(requesting({ cpu: 1000 })),
      node: small(),
      placed: [
        busy("own", { cpu: 500 }, "Deployment/default/web"),
        busy("other", { cpu: 1500 }, "Deployment/default/api"),
      ],
      excludeOwner: "Deployment/default/web",
      want: ["Insufficient cpu"],
    },
    {
      name: "withoutOwner: the workload's own pods do not count against allocatable pods",
      pod: podToPlace(),
      node: small(1),
      placed: [busy("own", {}, "Deployment/default/web")],
      excludeOwner: "Deployment/default/web",
      want: [],
    },
  ]);
});
