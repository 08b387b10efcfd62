import type { Command } from "commander";
import { analysePlacement } from "../../analysis/placement/placement.js";
import { UserError } from "../../model/errors.js";
import { staticPodNode } from "../../model/static-pod.js";
import { formatPlacementMarkdown, formatPlacementText, placementJsonChunks } from "../../format/placement.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadFromOptions, outputFormat, withSnapshotOptions, type SnapshotOptions } from "../snapshot-options.js";

interface PlaceOptions extends SnapshotOptions {
  workload?: string;
  node?: string;
}

export function registerPlace(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("place")
      .description("per workload: the nodes its pods can run on, why every other node is rejected (kube-scheduler's filters, with the taint, selector or rule and its file:line), and the observed or predicted node of each pod"),
  )
    .option("--workload <ns/name>", "only this workload")
    .option("--node <name>", "explain one node in full for every workload")
    .addHelpText(
      "after",
      `
Feasibility follows kube-scheduler's filters (each rejection names the plugin, the scheduler's own
message and the taint/selector/rule with its file:line); the predicted node of each pod not yet
placed comes from a simulation that places them one by one with the default scores. A DaemonSet
gets a pod only on the nodes its controller targets (the others are listed as not targeted, with
the reason); pods whose owner is not in the snapshot are shown under that owner, as a workload
known only through its pods; static pods are listed as the kubelet's, not the scheduler's.

Examples:
  podpath place                                          every workload of the embedded example
  podpath place --workload monitoring/prometheus-grafana why Grafana runs where it does
  podpath place --node k8s-master                        what keeps each workload off the control plane
  podpath place -s ./capture -o json                     machine-readable (PRODUCT.md's place shape)`,
    )
    .action((options: PlaceOptions) => {
      const snapshot = loadFromOptions(options, io);
      const named = (x: { namespace: string; name: string }) => `${x.namespace}/${x.name}` === options.workload;
      // a static pod is no workload, but `place` says where it runs and why the scheduler is not involved
      if (options.workload && !snapshot.kubernetes.workloads.some(named) && !snapshot.kubernetes.pods.some((p) => named(p) && staticPodNode(p) !== undefined)) {
        throw new UserError(`no workload ${options.workload} in the snapshot (give it as NAMESPACE/NAME; \`podpath snapshot show\` lists them)`);
      }
      if (options.node && !snapshot.kubernetes.nodes.some((n) => n.name === options.node)) {
        throw new UserError(`no node ${options.node} in the snapshot`);
      }
      const report = analysePlacement(snapshot, options.workload ? { workload: options.workload } : {});
      const format = outputFormat(options, io);
      if (format === "json") {
        // chunk by chunk: at real scale the whole answer is longer than a JavaScript string can be
        for (const chunk of placementJsonChunks(report)) io.stdout.write(chunk);
      } else {
        io.stdout.write(format === "md" ? formatPlacementMarkdown(report) : formatPlacementText(report, options.node));
      }
      setExit(EXIT.ok);
    });
}
