import { InvalidArgumentError, Option, type Command } from "commander";
import { ENDPOINT_FORMS } from "../../analysis/paths/endpoints.js";
import { EPHEMERAL_PORT, type Protocol } from "../../analysis/paths/trace-model.js";
import { formatsOf } from "../../format/index.js";
import type { Severity } from "../../questions/contract.js";
import { answerTrace } from "../../questions/trace.js";
import { failOnOption, traceExit } from "../fail-on.js";
import type { CliIO } from "../io.js";
import { step } from "../progress.js";
import { parseCliEndpoint, withNamespace, type CliEndpoint } from "../namespace.js";
import {
  answerNamespace,
  loadFromOptions,
  withSnapshotOptions,
  writeAnswer,
  type SnapshotOptions,
} from "../snapshot-options.js";
import { userArgument } from "../user-argument.js";

interface TraceOptions extends SnapshotOptions {
  from: CliEndpoint;
  to: CliEndpoint;
  port?: number;
  protocol: Protocol;
  cni?: "calico" | "aws-vpc-cni";
  failOnDrop?: boolean;
  failOn?: Severity;
  brief?: boolean;
}

function portArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new InvalidArgumentError("expected a port number from 1 to 65535");
  return n;
}

export function cniOption(): Option {
  return new Option(
    "--cni <name>",
    "the CNI that networks the pods (default: what the snapshot shows — Calico IP pools, the aws-node DaemonSet)",
  ).choices(["calico", "aws-vpc-cni"]);
}

export function registerTrace(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("trace")
      .description(
        "the hop-by-hop path of one packet forward and back: what each hop (pod, node, kube-proxy, Calico, ENI, security group, NACL, route table, NAT/internet gateway, load balancer) does to it and why, the verdict, and the source IP the destination sees",
      ),
    formatsOf("trace"),
  )
    // a malformed endpoint is an EndpointError, reported by commander with its option
    .requiredOption(
      "--from <endpoint>",
      `where the packet starts: ${ENDPOINT_FORMS} (NAME alone with -n NS)`,
      userArgument(parseCliEndpoint),
    )
    .requiredOption("--to <endpoint>", "where it goes (same forms)", userArgument(parseCliEndpoint))
    .option(
      "--port <n>",
      "destination port (default: the service's first port, the pod's first container port, the URL's port)",
      portArg,
    )
    .addOption(new Option("--protocol <p>", "protocol").choices(["TCP", "UDP", "SCTP", "ICMP"]).default("TCP"))
    .addOption(cniOption())
    .addOption(failOnOption())
    .option(
      "--fail-on-drop",
      "exit 1 when the packet or its reply is dropped (an error), or the snapshot cannot decide (unknown, a warning): --fail-on warning",
    )
    .option("--brief", "text and md: only the verdict, the NAT chain and the drop (its code and object)")
    .addHelpText(
      "after",
      `
Replies are traced back through the same connection state: NAT is undone by conntrack, security
groups and NetworkPolicy admit them (stateful), network ACLs evaluate them again (stateless, on
the client's ephemeral port ${EPHEMERAL_PORT}); an overlay (VXLAN) reply is the other node's own
datagram, checked as a new flow.

The verdict is delivered, dropped (with a drop code and the object that dropped it) or unknown:
the snapshot lacks what the decision needs (a prefix list's entries, a peering or transit gateway
route, a missing route table or NAT gateway), and the answer names what to capture. What the
answer assumed (a port, a pod address, a layer the snapshot lacks) is listed under "assumed".

Endpoints as a client sees them: "internet" is a public address; node:NAME traced from the
internet is the node's public address; service:NS/NAME is its ClusterIP from inside the cluster,
its load balancer from outside (type LoadBalancer), one of its ready pods when it is headless.

Examples:
  podpath trace --from internet --to url:https://growbin.app/argocd     user → ALB → NodePort → pod, and back
  podpath trace --from workload:ecoeco/ecoeco-api --to internet         which source IP the internet sees (NAT gateway)
  podpath trace --from workload:ecoeco/ecoeco-api --to service:messaging/rabbitmq
  podpath trace -n ecoeco --from workload:ecoeco-api --to internet           NAME alone: in -n's namespace
  podpath trace --from internet --to url:https://growbin.app/grafana -o md   Markdown with a Mermaid sequence diagram
  podpath trace --from workload:ecoeco/ecoeco-api --to internet --brief    the verdict and the NAT chain only
  podpath trace ... -w my-policy.yaml --fail-on-drop                    would this NetworkPolicy break it? (exit 1)`,
    )
    .action((options: TraceOptions) => {
      // an endpoint the snapshot cannot resolve is an EndpointError, a UserError runCli reports
      const namespace = answerNamespace(options);
      const from = withNamespace(options.from, "--from", namespace);
      const to = withNamespace(options.to, "--to", namespace);
      const snapshot = loadFromOptions(options, io);
      const answer = step(io, "tracing", () =>
        answerTrace(snapshot, { from, to, port: options.port, protocol: options.protocol, cni: options.cni }),
      );
      writeAnswer(io, "trace", answer, options, options.brief === true);
      setExit(traceExit(answer, options.failOn, options.failOnDrop));
    });
}
