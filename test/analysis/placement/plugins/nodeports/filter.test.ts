/**
 * NodePorts against kube-scheduler's own rules. Every case is named after the upstream code it
 * follows; cases podpath does not yet follow are `todo`.
 */
import { describe } from "node:test";
import {
  ERR_REASON as NODE_PORTS_REASON,
  NodePorts,
} from "../../../../../src/analysis/placement/plugins/nodeports/filter.js";
import type { PodSpec } from "../../../../../src/model/kubernetes.js";
import { container, node, placed, podToPlace } from "../../support.js";
import { filterCases, spec, port, withPorts, withInitPorts } from "../filter-cases.js";

describe("NodePorts (kube-scheduler plugins/nodeports/node_ports.go Filter, framework HostPortInfo.CheckConflict)", () => {
  const MESSAGE = NODE_PORTS_REASON;
  const n = node("n");
  const on = (s: PodSpec, owner?: string) => placed("other", "n", s, owner === undefined ? {} : { owner });
  filterCases(NodePorts, [
    {
      name: "node_ports.go PreFilter: a pod without host ports fits (Skip)",
      pod: podToPlace(
        spec({
          containers: [
            container(
              "app",
              {},
              {
                ports: [{ name: "http", containerPort: 8080, hostPort: undefined, hostIP: undefined, protocol: "TCP" }],
              },
            ),
          ],
        }),
      ),
      node: n,
      placed: [on(withPorts(port(8080)))],
      want: [],
    },
    {
      name: "HostPortInfo CheckConflict: the same hostPort and protocol conflicts",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      placed: [on(withPorts(port(8080)))],
      want: [MESSAGE],
    },
    {
      name: "HostPortInfo CheckConflict: the same port on another protocol does not conflict",
      pod: podToPlace(withPorts(port(53, "UDP"))),
      node: n,
      placed: [on(withPorts(port(53, "TCP")))],
      want: [],
    },
    {
      name: "HostPortInfo CheckConflict: another port does not conflict",
      pod: podToPlace(withPorts(port(8081))),
      node: n,
      placed: [on(withPorts(port(8080)))],
      want: [],
    },
    {
      name: "HostPortInfo CheckConflict: a specific hostIP conflicts with 0.0.0.0 on the node",
      pod: podToPlace(withPorts(port(8080, "TCP", "10.0.0.1"))),
      node: n,
      placed: [on(withPorts(port(8080)))],
      want: [MESSAGE],
    },
    {
      name: "HostPortInfo CheckConflict: 0.0.0.0 conflicts with a specific hostIP on the node",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      placed: [on(withPorts(port(8080, "TCP", "10.0.0.1")))],
      want: [MESSAGE],
    },
    {
      name: "HostPortInfo CheckConflict: the same specific hostIP conflicts",
      pod: podToPlace(withPorts(port(8080, "TCP", "10.0.0.1"))),
      node: n,
      placed: [on(withPorts(port(8080, "TCP", "10.0.0.1")))],
      want: [MESSAGE],
    },
    {
      name: "HostPortInfo CheckConflict: different specific hostIPs do not conflict",
      pod: podToPlace(withPorts(port(8080, "TCP", "10.0.0.1"))),
      node: n,
      placed: [on(withPorts(port(8080, "TCP", "10.0.0.2")))],
      want: [],
    },
    {
      name: "HostPortInfo CheckConflict: any one of several wanted ports conflicting rejects",
      pod: podToPlace(withPorts(port(80), port(443))),
      node: n,
      placed: [on(withPorts(port(443)))],
      want: [MESSAGE],
    },
    {
      name: "node_ports.go Filter: a pod on another node takes no port here",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      others: [node("m")],
      placed: [placed("other", "m", withPorts(port(8080)))],
      want: [],
    },
    {
      name: "scheduler util GetHostPorts: a sidecar's (restartable init container) host port is taken",
      pod: podToPlace(withPorts(port(9100))),
      node: n,
      placed: [on(withInitPorts("Always", port(9100)))],
      want: [MESSAGE],
    },
    {
      name: "scheduler util GetHostPorts: a pod's sidecar host port is wanted",
      pod: podToPlace(withInitPorts("Always", port(9100))),
      node: n,
      placed: [on(withPorts(port(9100)))],
      want: [MESSAGE],
    },
    {
      name: "scheduler util GetHostPorts: a regular init container's host port is not held by the pod on the node",
      pod: podToPlace(withPorts(port(9100))),
      node: n,
      placed: [on(withInitPorts(undefined, port(9100)))],
      want: [],
    },
    {
      name: "scheduler util GetHostPorts: a regular init container's host port is not wanted by the pod (NodePorts PreFilter)",
      pod: podToPlace(withInitPorts(undefined, port(9100))),
      node: n,
      placed: [on(withPorts(port(9100)))],
      want: [],
    },
    {
      name: "withoutOwner: without it the workload's own pod holds the port",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      placed: [on(withPorts(port(8080)), "Deployment/default/web")],
      want: [MESSAGE],
    },
    {
      name: "withoutOwner: the workload's own pods are left out (feasibility asks about one of its pods)",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      placed: [on(withPorts(port(8080)), "Deployment/default/web")],
      excludeOwner: "Deployment/default/web",
      want: [],
    },
    {
      name: "withoutOwner: another workload's pods still hold their ports",
      pod: podToPlace(withPorts(port(8080))),
      node: n,
      placed: [on(withPorts(port(8080)), "Deployment/default/api")],
      excludeOwner: "Deployment/default/web",
      want: [MESSAGE],
    },
  ]);
});
