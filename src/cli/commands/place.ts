import type { Command } from "commander";
import { formatsOf } from "../../format/index.js";
import { UserError } from "../../model/errors.js";
import { quantityInModelUnits } from "../../model/quantity.js";
import type { Severity } from "../../questions/contract.js";
import { answerPlace } from "../../questions/place.js";
import { loadAddedNodes, parseAddNodeCount } from "../add-node.js";
import { failOnOption, placeExit } from "../fail-on.js";
import { step } from "../progress.js";
import type { CliIO } from "../io.js";
import {
  answerNamespace,
  loadFromOptions,
  sayIfNoneFound,
  withSnapshotOptions,
  writeAnswer,
  type SnapshotOptions,
} from "../snapshot-options.js";

interface PlaceOptions extends SnapshotOptions {
  workload?: string;
  node?: string;
  kubernetesVersion?: string;
  istioProxyRequests?: string;
  fresh?: boolean;
  brief?: boolean;
  drain?: string[];
  force?: boolean;
  addNode?: string[];
  addNodeCount?: string;
  failOn?: Severity;
}

/** --istio-proxy-requests CPU,MEMORY ("200m,256Mi"): Kubernetes quantities, in model units. */
function parseProxyRequests(value: string | undefined): { cpu: number; memory: number } | undefined {
  if (value === undefined) return undefined;
  const [cpu, memory, ...rest] = value.split(",").map((s) => s.trim());
  const c = cpu ? quantityInModelUnits("cpu", cpu) : undefined;
  const m = memory ? quantityInModelUnits("memory", memory) : undefined;
  if (c === undefined || m === undefined || rest.length > 0)
    throw new UserError(
      `--istio-proxy-requests ${JSON.stringify(value)}: give CPU,MEMORY as Kubernetes quantities, e.g. 100m,128Mi`,
    );
  return { cpu: c, memory: m };
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerPlace(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("place")
      .description(
        "per workload: the nodes its pods can run on, why every other node is rejected (kube-scheduler's filters, with the taint, selector or rule and its file:line), and the observed or predicted node of each pod",
      ),
    formatsOf("place"),
  )
    .option("--workload <ns/name>", "only this workload")
    .option("--node <name>", "explain one node in full for every workload")
    .option(
      "--brief",
      "text and Markdown: one line per workload (pods placed/total, the nodes, what keeps the rest Pending); -o json stays complete",
    )
    .option(
      "--kubernetes-version <version>",
      "the Kubernetes version to follow (v1.26 to v1.34, e.g. v1.29 or v1.29.4): the scheduler's wording and the feature gates on by default (default: read from the snapshot: the kube-scheduler or kube-apiserver image, else the control-plane or newest kubelet)",
    )
    .option(
      "--istio-proxy-requests <cpu,memory>",
      "requests of the istio-proxy sidecar Istio injects where the pod's sidecar.istio.io/proxyCPU|proxyMemory annotations set none (default: 100m,128Mi, the mesh default)",
    )
    .option(
      "--drain <node>",
      "what-if: kubectl drain --ignore-daemonsets NODE (repeatable): the node cordoned, its pods evicted as PodDisruptionBudgets allow, placed again on the rest; what blocks the drain and what becomes Pending",
      collect,
    )
    .option(
      "--force",
      "with --drain: as kubectl drain --force, delete pods that declare no controller (else they stop the drain)",
    )
    .option(
      "--add-node <file>",
      "what-if: add nodes before placing (repeatable): a kubectl Node YAML/JSON, an EKS managed node group (aws eks describe-nodegroup, or an eksctl ClusterConfig's node groups: desiredSize nodes of the first instance type, allocatable as the EKS AMI computes it) or a Karpenter NodePool (with its EC2NodeClass: the nodes Karpenter would launch for the Pending pods); the pods they take in, Pending pods that now fit, and what was assumed",
      collect,
    )
    .option("--add-node-count <n>", "with --add-node NODEGROUP: add this many of its nodes instead of desiredSize")
    .option(
      "--fresh",
      "what-if: where every workload would land on a fresh install of the same nodes (spec.nodeName pods to their kubelet, then DaemonSets first, then by priority, then in manifest order), beside where it runs now",
    )
    .addOption(failOnOption())
    .addHelpText(
      "after",
      `
Feasibility follows kube-scheduler's filters (each rejection names the plugin, the scheduler's own
message and the taint/selector/rule with its file:line); the predicted node of each pod not yet
placed comes from a simulation that places them one by one with the default scores. A DaemonSet
gets a pod only on the nodes its controller targets (the others are listed as not targeted, with
the reason); pods whose owner is not in the snapshot are shown under that owner, as a workload
known only through its pods; static pods are listed as the kubelet's, not the scheduler's. Pods
that set spec.nodeName are judged as their node's kubelet admits them (admittedBy "kubelet": its
resources, node affinity, host ports and NoExecute taints; its own reasons, e.g. OutOfcpu).
Each template is first made into the pod the API server stores — core/v1 defaults (requests from
limits, hostNetwork host ports, pod-level requests), LimitRanger, Priority,
DefaultTolerationSeconds, RuntimeClass, and Istio/Linkerd sidecar injection — and every change is
listed with its source (JSON: "mutations").

Above 40 workloads (without --workload or --node), text and Markdown say the workloads placed as
asked once per outcome (the same feasible nodes and rejections, the workloads named and counted)
and give a block only to those needing attention (Pending pods, no feasible node, pods on nodes
now rejected); --workload NAMESPACE/NAME, --node NAME and -o json give every detail.

Examples:
  podpath place                                          every workload of the embedded example
  podpath place --workload monitoring/prometheus-grafana why Grafana runs where it does
  podpath place -n monitoring                            the workloads of one namespace
  podpath place --node k8s-master                        what keeps each workload off the control plane
  podpath place --brief                                  one line per workload
  podpath place -s ./capture -o json                     machine-readable (schemas/place.schema.json)
  podpath place --fresh                                  where a fresh install would put each pod, and which differ
  podpath place --drain k8s-worker-1                     what draining a node evicts, what blocks it, what becomes Pending
  podpath place --add-node node.yaml                     what a new node would take in
  podpath place --add-node nodegroup.json                what an EKS node group's nodes would take in
  podpath place --add-node nodepool.yaml                 what Karpenter would launch for the Pending pods`,
    )
    .action((options: PlaceOptions) => {
      // a workload or node the snapshot lacks is a UserError runCli reports
      const snapshot = loadFromOptions(options, io);
      const count = parseAddNodeCount(options.addNodeCount);
      if (count !== undefined && !options.addNode) throw new UserError("--add-node-count needs --add-node");
      const added = options.addNode ? loadAddedNodes(options.addNode, options, io, snapshot, count) : undefined;
      const istioProxyRequests = parseProxyRequests(options.istioProxyRequests);
      const workloads = snapshot.kubernetes.workloads.length;
      const nodes = snapshot.kubernetes.nodes.length + (added?.nodes?.length ?? 0);
      const label = `placing ${workloads} workloads on ${nodes} nodes`;
      const answer = step(io, label, () =>
        answerPlace(snapshot, {
          workload: options.workload,
          node: options.node,
          brief: options.brief,
          kubernetesVersion: options.kubernetesVersion,
          istioProxyRequests,
          fresh: options.fresh,
          drain: options.drain,
          force: options.force,
          addNodes: added?.nodes,
          addNodeTemplates: added?.templates,
          addNodePools: added?.pools,
          namespace: answerNamespace(options),
        }),
      );
      writeAnswer(io, "place", answer, options);
      sayIfNoneFound(io, answerNamespace(options), answer.result.workloads.length + answer.result.staticPods.length);
      setExit(placeExit(snapshot, answer, options.failOn));
    });
}
