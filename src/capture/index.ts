/**
 * `podpath snapshot capture`: reads the cluster (kubernetes.ts) and the AWS network around it
 * (aws.ts) and writes a snapshot directory (write.ts) that `--snapshot DIR` loads. Only the CLI
 * imports this module.
 */
import { mkdirSync } from "node:fs";
import { UserError } from "../model/errors.js";
import { captureAws, type AwsCaptureOptions, type AwsFile } from "./aws.js";
import { captureKubernetes, type KubernetesCaptureOptions, type KubernetesCapture } from "./kubernetes.js";
import { CaptureLog } from "./log.js";
import { KubernetesFiles, writeCapture } from "./write.js";

export { CAPTURED_KINDS, CAPTURE_VERBS } from "./kubernetes.js";
export { IAM_ACTIONS } from "./aws.js";

export interface CaptureOptions extends KubernetesCaptureOptions, AwsCaptureOptions {
  readonly out: string;
  readonly kubernetes?: boolean | undefined;
  readonly aws?: boolean | undefined;
  readonly quiet?: boolean | undefined;
  /** where progress, notes and warnings go (stderr) */
  readonly stderr?: ((line: string) => void) | undefined;
}

export interface CaptureResult {
  readonly index: string;
  readonly kubernetesFiles: number;
  readonly awsFiles: number;
  readonly warnings: readonly string[];
  /** the AWS actions called, in order */
  readonly awsCalls: readonly string[];
}

export async function captureSnapshot(options: CaptureOptions): Promise<CaptureResult> {
  const doKubernetes = options.kubernetes !== false;
  const doAws = options.aws !== false;
  if (!doKubernetes && !doAws) throw new UserError("--no-kubernetes and --no-aws: nothing to capture");
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot write the capture to ${options.out}: ${(error as Error).message}`);
  }
  const log = new CaptureLog(options.stderr, options.quiet === true);
  const sink = new KubernetesFiles(options.out);
  let kubernetes: KubernetesCapture | undefined;
  let aws: AwsFile[] = [];
  let awsCalls: string[] = [];
  let k8sFiles: string[];
  try {
    if (doKubernetes) kubernetes = await captureKubernetes(options, log, sink);
    if (doAws) {
      const result = await captureAws(options, kubernetes ?? { nodes: [], loadBalancerHosts: [] }, log);
      aws = result.files;
      awsCalls = result.calls;
    }
    if ((kubernetes?.files.length ?? 0) + aws.length === 0)
      throw new UserError(`nothing could be captured${log.warnings.length ? `: ${log.warnings.join("; ")}` : ""}`);
    k8sFiles = sink.finish(kubernetes?.files ?? []);
  } finally {
    sink.discard();
  }
  const index = writeCapture(options.out, k8sFiles, aws, log.warnings, log.notes, {
    context: kubernetes?.context,
    region: options.region,
    capturedAt: new Date(),
  });
  log.progress(
    `wrote ${k8sFiles.length} Kubernetes and ${aws.length} AWS files to ${options.out}${log.warnings.length ? ` (${log.warnings.length} warnings, in podpath.yaml)` : ""}`,
  );
  return { index, kubernetesFiles: k8sFiles.length, awsFiles: aws.length, warnings: log.warnings, awsCalls };
}
