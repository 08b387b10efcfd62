import type { Command } from "commander";
import { formatsOf } from "../../format/index.js";
import { answerExposure } from "../../questions/exposure.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { step } from "../progress.js";
import { loadFromOptions, withSnapshotOptions, writeAnswer, type SnapshotOptions } from "../snapshot-options.js";
import { cniOption } from "./trace.js";

interface ExposureOptions extends SnapshotOptions {
  cni?: "calico" | "aws-vpc-cni";
}

export function registerExposure(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("exposure")
      .description(
        "who can reach each workload, and on which ports: the internet (through an ALB rule, a LoadBalancer Service or a NodePort), the VPC (an internal load balancer, a NodePort, the pod's address), other workloads and addresses",
      ),
    formatsOf("exposure"),
  )
    .addOption(cniOption())
    .addHelpText(
      "after",
      `
Every internet frontend of the snapshot is traced from the internet as \`podpath trace --from
internet\` would: each Ingress path (as the URL its ALB serves), each LoadBalancer Service port (its
NLB or ALB), and each NodePort on every node. A path is open (the chain of objects that opens it:
listener rule, target group, security-group rules, kube-proxy, NetworkPolicy, the pod), blocked (by
which object) or unknown (what to capture). It is listed under the workloads its Service selects.
A NodePort names its nodes by outcome when they differ (a node's security group, no local endpoint
with externalTrafficPolicy: Local).

The VPC is traced from a host of the cluster's VPC outside the cluster: an address of the VPC that
no node, pod, interface or load balancer holds (in a subnet without nodes when there is one), its
own security groups assumed to let the packet out. From there: each internal load balancer
(scheme internal: never reachable from the internet), each NodePort on every node, and each
workload's pod address on its declared ports (a VPC address with the VPC CNI; a Calico pool
address reaches the pod only where a route table sends it to a node).
Below it, the workloads and address ranges NetworkPolicy lets in, as \`podpath connlist\` computes them.

Examples:
  podpath exposure
  podpath exposure -s ./capture -o json
  podpath exposure -o md > exposure.md`,
    )
    .action((options: ExposureOptions) => {
      const snapshot = loadFromOptions(options, io);
      const answer = step(io, "tracing every internet frontend", () => answerExposure(snapshot, { cni: options.cni }));
      writeAnswer(io, "exposure", answer, options);
      setExit(EXIT.ok);
    });
}
