import type { Command } from "commander";
import { formatsOf } from "../../format/index.js";
import { answerEgress } from "../../questions/egress.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadFromOptions, withSnapshotOptions, writeAnswer, type SnapshotOptions } from "../snapshot-options.js";
import { step } from "../progress.js";
import { cniOption } from "./trace.js";

interface EgressOptions extends SnapshotOptions {
  cni?: "calico" | "aws-vpc-cni";
  failOnDrop?: boolean;
}

export function registerEgress(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("egress")
      .description(
        "the egress table: for each node group and destination class (a pod on the same node, a pod on another node, a ClusterIP, a VPC address, the internet), the SNAT steps in order, the source IP the destination sees, and whether the reply comes back",
      ),
    formatsOf("egress"),
  )
    .addOption(cniOption())
    .option("--fail-on-drop", "exit 1 when any row's packet or reply is dropped")
    .addHelpText(
      "after",
      `
Each row is one traced packet from a pod of the group's first node (an observed pod, else one
podpath assumes at an address of the node's pod range); \`podpath trace\` shows its hops. The
rows are per node group, so -n does not change them.

Examples:
  podpath egress                 the embedded example: Calico natOutgoing, then the NAT gateway
  podpath egress -o md           Markdown with a Mermaid sequence diagram per node group
  podpath egress --cni aws-vpc-cni -s ./capture`,
    )
    .action((options: EgressOptions) => {
      const snapshot = loadFromOptions(options, io);
      const answer = step(io, "tracing one packet per node group and destination", () =>
        answerEgress(snapshot, { cni: options.cni }),
      );
      writeAnswer(io, "egress", answer, options);
      setExit(options.failOnDrop && answer.finding ? EXIT.finding : EXIT.ok);
    });
}
