import type { Command } from "commander";
import { fixPlace } from "../../analysis/placement/fix/index.js";
import { formatFixPlaceJson, formatFixPlaceMarkdown, formatFixPlaceText } from "../../format/fix-place.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadFromOptions, outputFormat, withSnapshotOptions, type SnapshotOptions } from "../snapshot-options.js";

interface FixPlaceCliOptions extends SnapshotOptions {
  onto: string;
}

/** `podpath fix place NS/NAME --onto SELECTOR`, under `podpath fix` (created here if no other fix command made it). */
export function registerFixPlace(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const fix =
    program.commands.find((c) => c.name() === "fix") ??
    program.command("fix").description("the smallest change that gets you what you asked, verified by re-running the analysis");
  withSnapshotOptions(
    fix
      .command("place")
      .argument("<ns/name>", "the workload, as NAMESPACE/NAME")
      .description(
        "the smallest change that puts a workload onto the nodes you name, and only there: tolerations for their taints and a nodeSelector or node affinity that selects them, as a YAML patch, a kubectl patch command and helm --set flags, verified by re-running place",
      ),
  )
    .requiredOption("--onto <selector>", "a node name (or several, comma-separated) or a label selector in kubectl syntax: key, key=value, key!=value, !key, comma-separated")
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
      const snapshot = loadFromOptions(options, io);
      // a bad --onto or an unknown workload is a FixPlaceError, a UserError runCli reports
      const result = fixPlace(snapshot, { workload, onto: options.onto });
      const format = outputFormat(options, io);
      io.stdout.write(format === "json" ? formatFixPlaceJson(result) : format === "md" ? formatFixPlaceMarkdown(result) : formatFixPlaceText(result));
      // a change that cannot be verified (another filter still rejects a target) is a finding
      setExit(result.verified ? EXIT.ok : EXIT.finding);
    });
}
