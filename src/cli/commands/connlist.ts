import type { Command } from "commander";
import { formatsOf } from "../../format/index.js";
import { formatSource } from "../../model/source.js";
import { answerConnlist } from "../../questions/connlist.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import {
  answerNamespace,
  loadFromOptions,
  sayIfNoneFound,
  withSnapshotOptions,
  writeAnswer,
  type SnapshotOptions,
} from "../snapshot-options.js";

interface ConnlistOptions extends SnapshotOptions {
  focusWorkload?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerConnlist(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("connlist")
      .description(
        "allowed connections between all workloads and external IP ranges by NetworkPolicy, in np-guard netpol-analyzer's format with -o txt",
      ),
    formatsOf("connlist"),
  )
    .option(
      "--focus-workload <name>",
      "list only connections from or to this workload (NAME or NS/NAME; ingress-controller for the ingress controller); repeatable",
      collect,
    )
    .addHelpText(
      "after",
      `
Each line is SOURCE => DESTINATION : CONNECTIONS. Workloads are NS/NAME[Kind] (a pod is named by
its controller: NS/REPLICASET[ReplicaSet]; a pod without one NS/POD[Pod]); external peers are the
address ranges no ipBlock tells apart (0.0.0.0-255.255.255.255[External]); Ingress objects and
OpenShift Routes appear as {ingress-controller}. Connections read "All Connections" or
"TCP 8080,UDP 53". A workload to itself is not listed. With -n NS only the connections from or to
NS's workloads are listed (policies of every namespace still decide them); -A or no -n lists all.

-o txt prints exactly what netpol-analyzer's \`list\` prints (its notes go to stderr); -o text adds
podpath's notes: where the dataplane (Calico, the AWS VPC CNI) lets traffic NetworkPolicy does not
decide (host-network pods, a pod's own node).

Examples:
  podpath connlist -s ./manifests -o txt
  podpath connlist --focus-workload backend/checkout
  podpath connlist -n monitoring          the connections from or to namespace monitoring's workloads
  podpath connlist -o dot | dot -Tsvg > connlist.svg`,
    )
    .action((options: ConnlistOptions) => {
      const namespace = answerNamespace(options);
      const answer = answerConnlist(loadFromOptions(options, io), {
        focusWorkloads: options.focusWorkload ?? [],
        namespace,
      });
      sayIfNoneFound(io, namespace, answer.result.workloads.length);
      writeAnswer(io, "connlist", answer, options);
      // formats without a place for notes: they go to stderr, the lines stay netpol-analyzer's
      if (options.output === "txt" || options.output === "csv" || options.output === "dot")
        for (const n of answer.analysis.notes)
          io.stderr.write(`podpath connlist: note: ${n.message}${n.source ? ` (${formatSource(n.source)})` : ""}\n`);
      setExit(EXIT.ok);
    });
}
