import type { Command } from "commander";
import { formatsOf } from "../../format/index.js";
import { answerSnapshotShow } from "../../questions/snapshot-show.js";
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

export function registerSnapshotShow(parent: Command, io: CliIO, setExit: (code: number) => void): void {
  const snapshot = parent.command("snapshot").description("inspect what podpath reads");
  withSnapshotOptions(
    snapshot
      .command("show")
      .description(
        "what was loaded: objects per kind and file, joins made (node ↔ EC2 instance, pod → workload, service → endpoints), and every warning with file:line:col",
      ),
    formatsOf("snapshot show"),
  )
    .addHelpText(
      "after",
      `
Besides the files and objects read, it shows the AWS layers: for each (VPCs, subnets, route
tables, gateways, network ACLs, security groups, prefix lists, instances, ENIs — and where each
ENI came from —, load balancers, listeners, rules, target groups, target health), the files that
gave it, or what traces lose without it and the aws command that captures it. Warnings say where
the snapshot's own objects need a layer it lacks (missing-layer), each at the object's file:line.

Examples:
  podpath snapshot show                              the embedded example (examples/ecoeco)
  podpath snapshot show -s ./capture                 a directory written by scripts/capture-snapshot.sh
  podpath snapshot show -s install.yaml --manifest-namespace argocd   a manifest applied with kubectl apply -n argocd
  podpath snapshot show -n monitoring                the workloads of one namespace
  podpath snapshot show -o json | jq .diagnostics    warnings, machine-readable`,
    )
    .action((options: SnapshotOptions) => {
      const answer = answerSnapshotShow(loadFromOptions(options, io), { namespace: answerNamespace(options) });
      writeAnswer(io, "snapshot show", answer, options);
      sayIfNoneFound(io, answerNamespace(options), answer.result.workloads.length);
      setExit(EXIT.ok);
    });
}
