import { Command, InvalidArgumentError, Option } from "commander";
import type { Snapshot } from "../model/snapshot.js";
import { DEFAULT_LIMITS, HARD_MAX_FILE_BYTES, formatBytes, parseByteSize } from "../load/limits.js";
import { formatLoadError } from "../load/errors.js";
import { loadSnapshot } from "../load/load-snapshot.js";
import { embeddedExample } from "./example.js";
import { OUTPUT_FORMATS, render, type AnswerOf, type OutputFormat } from "../format/index.js";
import { ProgressLine } from "./progress.js";
import { stdoutStyle } from "./terminal.js";
import type { QuestionName } from "../questions/question.js";
import type { CliIO } from "./io.js";
import { withLiveOptions } from "./commands/snapshot-capture.js";

export type { OutputFormat };

export interface SnapshotOptions {
  snapshot?: string[] | undefined;
  with?: string[] | undefined;
  /** -n: the answer's namespace (place, snapshot show, report: its workloads; lint: findings about its objects; connlist: connections from or to its workloads; trace: NAME without NS/) */
  namespace?: string;
  /** -A: every namespace (the default when -n is not given; wins over -n, as kubectl's) */
  allNamespaces?: boolean;
  /** --manifest-namespace: the namespace of objects that carry none (kubectl apply -n) */
  manifestNamespace?: string;
  maxFileSize: number;
  strict?: boolean;
  output?: OutputFormat;
  debug?: boolean;
  /** --live: the temporary capture directory, which file names are shown relative to (k8s/pods.yaml:12) */
  liveBase?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** --max-file-size: a size (64M, 1G, 4096) up to HARD_MAX_FILE_BYTES (also serve's) */
export function byteSize(value: string): number {
  const bytes = parseByteSize(value);
  if (bytes === undefined || bytes <= 0) throw new InvalidArgumentError("expected a size such as 64M, 1G or 4096");
  if (bytes > HARD_MAX_FILE_BYTES)
    throw new InvalidArgumentError(
      `at most ${formatBytes(HARD_MAX_FILE_BYTES)}: Node cannot hold a larger file in one string`,
    );
  return bytes;
}

/** The options every analysing command shares: where the snapshot is, what-ifs, limits, format. */
export function withSnapshotOptions(command: Command, formats: readonly OutputFormat[] = OUTPUT_FORMATS): Command {
  // --live, --context, --kubeconfig, --region, --profile: capture first (snapshot capture)
  return withLiveOptions(
    command
      // no default value (commander would print "(default: [])"): absent is read as none
      .addOption(
        new Option(
          "-s, --snapshot <path>",
          "a snapshot directory, index file (podpath.yaml) or single file, or - for standard input (YAML or JSON, e.g. helm template … | podpath place -s -); repeatable (default: the embedded example)",
        ).argParser(collect),
      )
      .addOption(
        new Option(
          "-w, --with <file>",
          "what-if: objects that are added, or replace their namesakes (kind, namespace, name), before the analysis, or - for standard input; repeatable",
        ).argParser(collect),
      )
      .option(
        "-n, --namespace <ns>",
        "answer for this namespace only, as kubectl -n: place, snapshot show and report its workloads, lint the findings about its objects, connlist the connections from or to its workloads, trace's pod:NAME, workload:NAME and service:NAME without NS/; egress is per node group and ignores it (default: all namespaces, as -A)",
      )
      .option("-A, --all-namespaces", "every namespace, as kubectl -A (the default; wins over -n)")
      .option(
        "--manifest-namespace <ns>",
        "namespace for objects that carry none and are not given one by an index file's namespace:, as `kubectl apply -n NS` (default: default)",
      )
      .addOption(new Option("-o, --output <format>", "output format (default: text, also when piped)").choices(formats))
      .option(
        "--strict",
        "stop at the first file that cannot be loaded; without it such a file of a directory or index file is reported (file:line:col), the rest is analysed, and the exit code is 2",
      )
      .addOption(
        new Option(
          "--max-file-size <size>",
          "refuse larger files; a JSON list (kubectl get -o json) of 16 MiB or more is read item by item, of any size, and this bounds each item",
        )
          .argParser(byteSize)
          .default(DEFAULT_LIMITS.maxFileBytes, formatBytes(DEFAULT_LIMITS.maxFileBytes)),
      )
      .option("--debug", "print stack traces of internal errors"),
  );
}

/** `-o` decides; text by default whether stdout is a terminal or a pipe, as kubectl does. */
/** The namespace the answer is limited to (-n), or undefined for all (-A, or neither given). */
export function answerNamespace(options: SnapshotOptions): string | undefined {
  return options.allNamespaces ? undefined : options.namespace;
}

/**
 * After an answer limited by -n that lists nothing: kubectl's "No resources found in NS
 * namespace." (staging/src/k8s.io/kubectl/pkg/cmd/get/get.go), on stderr, exit code unchanged.
 */
export function sayIfNoneFound(io: CliIO, namespace: string | undefined, listed: number): void {
  if (namespace !== undefined && listed === 0)
    io.stderr.write(`podpath: no workloads found in namespace ${namespace}\n`);
}

function outputFormat(options: SnapshotOptions): OutputFormat {
  return options.output ?? "text";
}

/**
 * Writes the answer to `question` in the format the options ask for (default: text), chunk by chunk as its renderer yields them (src/format/index.ts `render`).
 */
export function writeAnswer<Q extends QuestionName>(
  io: CliIO,
  question: Q,
  answer: AnswerOf[Q],
  options: SnapshotOptions,
  brief = false,
): void {
  const style = stdoutStyle(io);
  for (const chunk of render(question, answer, outputFormat(options), { style, brief })) io.stdout.write(chunk);
}

/**
 * Loads the snapshot the options name, or the embedded example (saying so on stderr). Shows
 * progress on stderr when it is a terminal and loading has taken more than a second.
 */
export function loadFromOptions(options: SnapshotOptions, io: CliIO): Snapshot {
  let paths = options.snapshot ?? [];
  let displayBase = options.liveBase ?? io.cwd;
  if (paths.length === 0) {
    const example = embeddedExample();
    paths = [example.path];
    displayBase = example.base;
    io.stderr.write("podpath: no --snapshot given; using the embedded example (examples/ecoeco)\n");
  }
  const progress = new ProgressLine(io);
  let shown = false;
  const snapshot = loadSnapshot({
    paths,
    whatIf: options.with ?? [],
    cwd: io.cwd,
    displayBase,
    ...(options.manifestNamespace ? { namespace: options.manifestNamespace } : {}),
    limits: { ...DEFAULT_LIMITS, maxFileBytes: options.maxFileSize },
    strict: options.strict === true,
    onProgress: (p) => {
      // on a terminal, once loading has taken a second, or before a file that will take one
      if (!progress.enabled || (progress.seconds < 1 && p.fileBytes < 16 * 1024 * 1024)) return;
      shown = true;
      progress.show(`loading ${p.file} (${formatBytes(p.fileBytes)}, file ${p.index + 1} of ${p.total})…`);
    },
  });
  if (shown) progress.end(`loaded ${snapshot.files.length} files in ${progress.seconds.toFixed(1)} s`);
  // one bad file does not hide the rest: each is named here, the answer follows, the exit code is 2
  for (const error of snapshot.errors) io.stderr.write(`podpath: ${formatLoadError(error)}\n`);
  if (snapshot.errors.length > 0) io.unloadable?.(snapshot.errors.length);
  return snapshot;
}
