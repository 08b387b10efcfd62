import type { Command } from "commander";
import { formatsOf } from "../../format/index.js";
import { answerFixPlace } from "../../questions/fix-place.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { step } from "../progress.js";
import {
  answerNamespace,
  loadFromOptions,
  withSnapshotOptions,
  writeAnswer,
  type SnapshotOptions,
} from "../snapshot-options.js";

interface FixPlaceCliOptions extends SnapshotOptions {
  onto: string;
  kubernetesVersion?: string;
}

/** `podpath fix place NS/NAME --onto SELECTOR`, under `podpath fix` (created here if no other fix command made it). */
export function registerFixPlace(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const fix =
    program.commands.find((c) => c.name() === "fix") ??
    program
      .command("fix")
      .description("the smallest change that gets you what you asked, verified by re-running the analysis");
  withSnapshotOptions(
    fix
      .command("place")
      .argument("<ns/name>", "the workload, as NAMESPACE/NAME (NAME alone with -n NAMESPACE)")
      .description(
        "the smallest change that puts a workload onto the nodes you name, and only there: tolerations for their taints and a nodeSelector or node affinity that selects them, as a YAML patch, a kubectl patch command and helm --set flags, verified by re-running place",
      ),
    formatsOf("fix place"),
  )
    .requiredOption(
      "--onto <selector>",
      "a node name (or several, comma-separated) or a label selector in kubectl syntax: key, key=value, key!=value, !key, comma-separated",
    )
    .option(
      "--kubernetes-version <version>",
      "the Kubernetes version to follow (v1.26 to v1.34, e.g. v1.29 or v1.29.4): the scheduler's wording and the feature gates on by default (default: read from the snapshot: the kube-scheduler or kube-apiserver image, else the control-plane or newest kubelet)",
    )
    .addHelpText(
      "after",
      `
Examples:
  podpath fix place monitoring/prometheus-grafana --onto node-role.kubernetes.io/control-plane
  podpath fix place argocd/argocd-server --onto k8s-master
  podpath fix place ecoeco/ecoeco-api --onto '!node-role.kubernetes.io/control-plane'
  podpath fix place monitoring/prometheus-grafana --onto node-role.kubernetes.io/control-plane -o json | jq -r .kubectl

Exit code 1 when the change cannot be verified: another filter (resources, ports, a cordon) still
rejects a target node; the output says which.`,
    )
    .action((workload: string, options: FixPlaceCliOptions) => {
      // a bad --onto or an unknown workload is a FixPlaceError, a UserError runCli reports
      // as kubectl -n: NAME alone is the workload of that namespace
      const namespace = answerNamespace(options);
      const snapshot = loadFromOptions(options, io);
      const answer = step(io, "computing and verifying the change", () =>
        answerFixPlace(snapshot, {
          workload: !workload.includes("/") && namespace !== undefined ? `${namespace}/${workload}` : workload,
          onto: options.onto,
          kubernetesVersion: options.kubernetesVersion,
        }),
      );
      writeAnswer(io, "fix place", answer, options);
      // a change that cannot be verified (another filter still rejects a target) is a finding
      setExit(answer.finding ? EXIT.finding : EXIT.ok);
    });
}
