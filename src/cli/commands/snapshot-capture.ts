import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { CaptureOptions } from "../../capture/index.js";
import { UserError } from "../../model/errors.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";

/** the capture code and its SDKs load only when a capture runs (every other command starts without them) */
async function captureSnapshot(options: CaptureOptions): Promise<void> {
  const capture = await import("../../capture/index.js");
  await capture.captureSnapshot(options);
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

function vpcId(value: string): string {
  if (!/^vpc-[0-9a-zA-Z]+$/.test(value)) throw new InvalidArgumentError("expected a VPC id such as vpc-0a1b2c3d");
  return value;
}

interface CaptureCliOptions {
  out: string;
  context?: string;
  kubeconfig?: string;
  namespace?: string[];
  chunkSize?: number;
  region?: string;
  profile?: string;
  vpcId?: string[];
  allVpcs?: boolean;
  kubernetes: boolean;
  aws: boolean;
  quiet?: boolean;
}

/** the io of each program, for the --live hooks (commander passes them the command only) */
const ioOf = new WeakMap<Command, CliIO>();

const rootOf = (command: Command): Command => (command.parent ? rootOf(command.parent) : command);

export function registerSnapshotCapture(program: Command, io: CliIO, setExit: (code: number) => void): void {
  ioOf.set(program, io);
  const snapshot = program.commands.find((c) => c.name() === "snapshot");
  if (!snapshot) throw new Error("the snapshot command is registered first");
  snapshot
    .command("capture")
    .description(
      "write a snapshot of the live cluster (kubeconfig) and its AWS network (AWS SDK credentials) into a directory that --snapshot reads",
    )
    .requiredOption("--out <dir>", "the directory to write (k8s/*.yaml, aws/*.json, podpath.yaml)")
    .option("--context <name>", "kubeconfig context (default: the current context)")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
    .addOption(
      new Option(
        "-n, --namespace <ns>",
        "namespaced kinds from this namespace only (repeatable; default: all namespaces); cluster-scoped kinds are always captured",
      ).argParser(collect),
    )
    .addOption(
      new Option("--chunk-size <n>", "objects per list request, as kubectl's --chunk-size")
        .argParser(positiveInt)
        .default(500),
    )
    .option(
      "--region <region>",
      "AWS region (default: the SDK's — AWS_REGION, the profile's —, else the nodes' zone's)",
    )
    .option("--profile <name>", "AWS profile (default: the SDK's default credential chain)")
    .addOption(
      new Option("--vpc-id <id>", "capture these VPCs (repeatable) instead of those the nodes live in").argParser(
        (v: string, previous: string[] | undefined) => collect(vpcId(v), previous),
      ),
    )
    .option("--all-vpcs", "every VPC and load balancer of the account and region, not only the cluster's")
    .option("--no-kubernetes", "skip the cluster")
    .option("--no-aws", "skip AWS")
    .option("-q, --quiet", "no progress on stderr (warnings are still printed)")
    .addHelpText(
      "after",
      `
Kubernetes: the kinds podpath reads, listed in pages (limit/continue) with get and list only; a
kind the cluster does not serve is skipped with a note. Secrets are never read. Env values and
ConfigMap data are kept only as the Service hosts they name; last-applied-configuration and
managedFields are dropped.
AWS: Describe*/Get* calls only, for the VPCs the nodes live in (their providerIDs, else their
InternalIPs), the load balancers tagged for the cluster or named in Ingress/Service status, their
listeners, rules, target groups, target health and NLB target group attributes, and the managed
prefix lists security groups and routes reference.
What could not be read (RBAC forbidden, AWS AccessDenied, an unreadable page) is a warning, in
podpath.yaml too (snapshot show lists them); the rest is captured. The RBAC verbs and IAM actions
needed are in the package's examples/capture/ (clusterrole.yaml, iam-policy.json).

Examples:
  podpath snapshot capture --out ./capture
  podpath snapshot capture --out ./capture --context prod --region eu-west-1 --profile readonly
  podpath snapshot show -s ./capture`,
    )
    .action(async (options: CaptureCliOptions) => {
      await captureSnapshot({
        out: resolve(io.cwd, options.out),
        context: options.context,
        kubeconfig: options.kubeconfig === undefined ? undefined : resolve(io.cwd, options.kubeconfig),
        namespaces: options.namespace,
        chunkSize: options.chunkSize,
        region: options.region,
        profile: options.profile,
        vpcIds: options.vpcId,
        allVpcs: options.allVpcs,
        kubernetes: options.kubernetes,
        aws: options.aws,
        quiet: options.quiet,
        stderr: (line) => io.stderr.write(line),
      });
      setExit(EXIT.ok);
    });
}

interface LiveOptions {
  live?: boolean;
  snapshot?: string[];
  context?: string;
  kubeconfig?: string;
  region?: string;
  profile?: string;
}

/**
 * `--live` on an analysing command: captures to a temporary directory before the action (as
 * `snapshot capture` does, quietly but for warnings), analyses it as --snapshot, removes it after.
 */
export function withLiveOptions(command: Command): Command {
  // the temporary directory of each running action, and the exit handler that removes it if the action throws
  const live = new Map<Command, { dir: string; atExit: () => void }>();
  const remove = (action: Command) => {
    const entry = live.get(action);
    if (entry === undefined) return;
    rmSync(entry.dir, { recursive: true, force: true });
    process.off("exit", entry.atExit);
    live.delete(action);
  };
  return command
    .option(
      "--live",
      "capture the snapshot from the live cluster and AWS account first (as snapshot capture), then answer",
    )
    .option("--context <name>", "with --live: kubeconfig context")
    .option("--kubeconfig <file>", "with --live: kubeconfig file")
    .option("--region <region>", "with --live: AWS region")
    .option("--profile <name>", "with --live: AWS profile")
    .hook("preAction", async (_command, action) => {
      const options = action.opts<LiveOptions>();
      if (!options.live) return;
      if (options.snapshot?.length)
        throw new UserError("--live captures the snapshot: give --live or --snapshot, not both");
      const io = ioOf.get(rootOf(action));
      const dir = mkdtempSync(join(tmpdir(), "podpath-live-"));
      const atExit = () => remove(action);
      live.set(action, { dir, atExit });
      process.once("exit", atExit);
      try {
        await captureSnapshot({
          out: dir,
          context: options.context,
          kubeconfig: options.kubeconfig === undefined ? undefined : resolve(io?.cwd ?? ".", options.kubeconfig),
          region: options.region,
          profile: options.profile,
          quiet: true,
          stderr: (line) => io?.stderr.write(line),
        });
      } catch (error) {
        remove(action);
        throw error;
      }
      action.setOptionValue("snapshot", [dir]);
      // answers name the captured files as the capture lays them out (k8s/pods.yaml:12), not the temporary path
      action.setOptionValue("liveBase", dir);
    })
    .hook("postAction", (_command, action) => remove(action));
}
