import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { formatsOf } from "../../format/index.js";
import { answerDiff, DIFF_FAIL_ON, type DiffFailOn } from "../../questions/diff.js";
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

interface DiffOptions extends SnapshotOptions {
  before?: string[];
  after?: string[];
  failOn?: DiffFailOn[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerDiff(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("diff")
      .description(
        "what changed between two snapshots, or a snapshot and --with files: connections, internet exposure, configured dependencies, placement",
      ),
    formatsOf("diff"),
  )
    .addOption(
      new Option("--before <path>", "the earlier snapshot (as --snapshot takes it); repeatable").argParser(collect),
    )
    .addOption(
      new Option("--after <path>", "the later snapshot (as --snapshot takes it); repeatable").argParser(collect),
    )
    .addOption(
      new Option(
        "--fail-on <what>",
        "exit 1 when the change opens an internet path (new-exposure), a path from the VPC (new-vpc-exposure) or blocks a configured dependency (blocked-dependency); repeatable",
      )
        .choices(DIFF_FAIL_ON)
        .argParser((value: string, previous: DiffFailOn[] | undefined) => {
          if (!(DIFF_FAIL_ON as readonly string[]).includes(value))
            throw new InvalidArgumentError(`Allowed choices are ${DIFF_FAIL_ON.join(", ")}.`);
          return [...(previous ?? []), value as DiffFailOn];
        }),
    )
    .addHelpText(
      "after",
      `
Either --before A --after B (two snapshots), or -s A -w change.yaml: the snapshot before and after
laying the --with files over it. Each side is answered as connlist, exposure and intended answer it,
and the answers are compared by key: connections by source and destination (added, removed, ports
changed), internet and VPC exposure by workload, frontend and port (verdict), configured dependencies by
workload, container, reference and Service port (verdict, with the policy that decides it).
-n NS keeps the changes that concern NS: connections from or to its workloads, its workloads'
exposure, dependencies its workloads name or on its Services, its workloads' placement; -A (the
default) keeps every namespace.

Examples:
  podpath diff --before ./capture-monday --after ./capture-tuesday
  podpath diff -s ./capture -w default-deny.yaml --fail-on blocked-dependency
  podpath diff -s ./capture -w change.yaml -o md > comment.md
  podpath diff -s ./capture -w default-deny.yaml -n payments`,
    )
    .action((options: DiffOptions) => {
      if ((options.before === undefined) !== (options.after === undefined)) {
        io.stderr.write("podpath diff: --before and --after go together (or use -s SNAPSHOT -w CHANGE.yaml)\n");
        setExit(EXIT.usage);
        return;
      }
      // both sides load the same files (-s A -w B, or shared paths): each stderr line is said once
      const said = new Set<string>();
      const once: CliIO = {
        ...io,
        stderr: {
          write: (line: string) => {
            if (said.has(line)) return true;
            said.add(line);
            return io.stderr.write(line);
          },
          // a terminal stays one: progress and wrapping read these
          ...(io.stderr.isTTY === undefined ? {} : { isTTY: io.stderr.isTTY }),
          ...(io.stderr.columns === undefined ? {} : { columns: io.stderr.columns }),
        },
      };
      const before = options.before
        ? loadFromOptions({ ...options, snapshot: options.before, with: [] }, once)
        : loadFromOptions({ ...options, with: [] }, once);
      const after = options.after
        ? loadFromOptions({ ...options, snapshot: options.after }, once)
        : loadFromOptions(options, once);
      const namespace = answerNamespace(options);
      const answer = answerDiff(before, after, {
        ...(options.failOn ? { failOn: options.failOn } : {}),
        ...(namespace === undefined ? {} : { namespace }),
      });
      if (namespace !== undefined) {
        // as kubectl -n: a namespace with no workload on either side is said on stderr
        const listed = [before, after].reduce(
          (n, s) =>
            n +
            s.kubernetes.workloads.filter((w) => w.namespace === namespace).length +
            s.kubernetes.pods.filter((p) => p.namespace === namespace).length,
          0,
        );
        sayIfNoneFound(io, namespace, listed);
      }
      writeAnswer(io, "diff", answer, options);
      setExit(answer.finding ? EXIT.finding : EXIT.ok);
    });
}
