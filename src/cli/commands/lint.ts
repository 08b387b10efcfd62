import type { Command } from "commander";
import { formatsOf } from "../../format/index.js";
import type { Severity } from "../../questions/contract.js";
import { answerLint, failsOn } from "../../questions/lint.js";
import { failOnOption } from "../fail-on.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { sayLeftOut } from "../namespace-filter.js";
import {
  answerNamespace,
  loadFromOptions,
  withSnapshotOptions,
  writeAnswer,
  type SnapshotOptions,
} from "../snapshot-options.js";

interface LintOptions extends SnapshotOptions {
  failOn: Severity;
  rule?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerLint(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("lint")
      .description(
        "misconfigurations that break placement or paths: each finding with its rule, severity, the objects and their file:line, and a fix",
      ),
    formatsOf("lint"),
  )
    .addOption(failOnOption("error"))
    .option("--rule <id>", "run only this rule (repeatable; the rule ids are listed below)", collect)
    .addHelpText(
      "after",
      `
Rules (id, default severity):
  ingress-group-refused        error    an IngressGroup the AWS Load Balancer Controller refuses to build
  alb-ip-target-overlay        error    target type ip in front of Calico overlay pod addresses the VPC cannot reach
  nodeport-unreachable         error    an ALB/NLB with instance targets the nodes' security groups do not admit
  overlay-one-way              error    VXLAN (UDP 4789), IP-in-IP or BGP allowed one way only between node security groups
  no-feasible-node             error    pods no node can run
  daemonset-skips-nodes        warning  a DaemonSet kept off nodes by a taint it does not tolerate
  toleration-without-selector  note     a toleration that lets pods onto tainted nodes without moving them there
  selector-matches-no-pod      warning  a Service selector or NetworkPolicy podSelector that matches no pod
  networkpolicy-blocks-dns     error    egress-isolated pods with no rule to kube-dns on UDP and TCP 53
  private-subnet-no-egress     warning  nodes in a subnet with no working route to the internet
  nat-outgoing-no-route-back   error    a Calico pool with natOutgoing false and no VPC route back to its pods
  sg-open-to-world             error    a node security group open to 0.0.0.0/0 on the API server, etcd or kubelet
                                        (SSH: warning)
  terraform-sg-mixed-rules     warning  a Terraform security group with inline rules and separate rule resources

Each rule follows the upstream code or documentation named in JSON ("rules[].upstream") and SARIF
("fullDescription"). Exit 1 when a finding reaches --fail-on (default error), else 0.
With -n NS only the findings about an object of NS are listed and judged (one about nodes or AWS
resources alone is left out, and stderr says how many were); -A or no -n lists every finding.

Examples:
  podpath lint                                     the embedded example
  podpath lint -s ./capture -o sarif > podpath.sarif   for code scanning (SARIF 2.1.0)
  podpath lint -s ./capture --fail-on warning      CI: fail on warnings too
  podpath lint --rule sg-open-to-world -o json     one rule, machine-readable
  podpath lint -n monitoring                       the findings about namespace monitoring's objects`,
    )
    .action((options: LintOptions) => {
      // an unknown --rule is a UserError runCli reports
      const namespace = answerNamespace(options);
      const answer = answerLint(loadFromOptions(options, io), { rules: options.rule, namespace });
      writeAnswer(io, "lint", answer, options);
      sayLeftOut(io, "lint", answer.result.namespace);
      setExit(failsOn(answer.result.findings, options.failOn) ? EXIT.finding : EXIT.ok);
    });
}
