import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { UserError } from "../model/errors.js";
import { registerConnlist } from "./commands/connlist.js";
import { registerExposure } from "./commands/exposure.js";
import { registerFixPlace } from "./commands/fix-place.js";
import { registerDiff } from "./commands/diff.js";
import { registerIntended } from "./commands/intended.js";
import { registerLint } from "./commands/lint.js";
import { registerPlace } from "./commands/place.js";
import { registerPlanned } from "./commands/planned.js";
import { registerReport } from "./commands/report.js";
import { registerServe } from "./commands/serve.js";
import { registerSnapshotCapture } from "./commands/snapshot-capture.js";
import { registerSnapshotShow } from "./commands/snapshot-show.js";
import { registerTrace } from "./commands/trace.js";
import { registerEgress } from "./commands/egress.js";
import { packageRoot } from "./example.js";
import { EXIT, type CliIO } from "./io.js";

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command("podpath")
    .description(
      "Where do my pods land, and why not elsewhere? Can a packet get from A to B, through which hops, " +
        "and which source IP does the far end see? podpath answers from a snapshot of a Kubernetes cluster " +
        "and the AWS network around it (kubectl get -o yaml/json, aws ec2/elbv2 describe-* JSON), with the " +
        "object and file:line behind every verdict.",
    )
    .version(packageVersion(), "-V, --version")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.startsWith("error:") ? `podpath: ${s}` : s),
    })
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      `
Snapshots:
  --snapshot PATH names a directory (its podpath.yaml index, else every *.yaml/*.yml/*.json below it,
  recognised by content), an index file, or a single file. Without --snapshot every command uses the
  embedded example (examples/ecoeco in the package: a kubeadm cluster with Calico on EC2 behind an
  ALB) and says so on stderr.
  Capture one from a live cluster and AWS account with podpath snapshot capture --out DIR (or
  scripts/capture-snapshot.sh), or answer from one captured on the fly with --live.

Output:
  -o text|json|md decides the format; text is the default, also when piped (as kubectl). Text wraps at
  the terminal's width (120 columns when piped) and colours verdicts on a terminal: delivered green,
  dropped red, unknown yellow. NO_COLOR=1 turns colour off; FORCE_COLOR=1 turns it on when piped.
  JSON answers carry apiVersion; their JSON Schemas are in the package's schemas/ folder.

Exit codes: 0 answered · 1 the answer is a finding (lint problems, a drop with --fail-on-drop)
            2 bad input or usage (the message names file:line:col); a file of a directory or
              index file that cannot be loaded is named on stderr, the rest is still analysed
              and answered, and the exit code is 2 (--strict stops at the first such file)

Examples:
  podpath snapshot show
  podpath snapshot show --snapshot ./capture -o json`,
    );
  registerSnapshotShow(program, io, setExit);
  registerSnapshotCapture(program, io, setExit);
  registerPlace(program, io, setExit);
  registerTrace(program, io, setExit);
  registerEgress(program, io, setExit);
  registerLint(program, io, setExit);
  registerReport(program, io, setExit);
  registerConnlist(program, io, setExit);
  registerExposure(program, io, setExit);
  registerIntended(program, io, setExit);
  registerDiff(program, io, setExit);
  registerPlanned(program, io, setExit);
  registerServe(program, io, setExit);
  registerFixPlace(program, io, setExit);
  program.commands.forEach((c) => c.exitOverride().configureOutput(program.configureOutput()));
  return program;
}

/**
 * Runs podpath with `argv` (without node and script) and returns the exit code. Never throws:
 * bad input and usage give a one-line message and 2 (a UserError: its message and exit code); a
 * bug gives a message and 70, with the stack trace only under --debug.
 */
export async function runCli(argv: readonly string[], outside: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  let unloadable = 0;
  const setExit = (code: number) => (exitCode = code);
  const io: CliIO = { ...outside, unloadable: (count) => (unloadable += count) };
  const program = buildProgram(io, setExit);
  for (const command of program.commands)
    for (const sub of command.commands) sub.exitOverride().configureOutput(program.configureOutput());
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync([...argv], { from: "user" });
    if (unloadable > 0) {
      // the answer above leaves those files out: bad input, reported at the end as well
      const files = unloadable === 1 ? "1 file of the snapshot" : `${unloadable} files of the snapshot`;
      io.stderr.write(
        `podpath: ${files} could not be loaded (named above); the answer leaves ${unloadable === 1 ? "it" : "them"} out (--strict stops at the first)\n`,
      );
      return EXIT.usage;
    }
    return exitCode;
  } catch (error) {
    return reportError(error, io, debug);
  }
}

/**
 * The one place an error that ends a run is reported, and its exit code chosen: commander's usage
 * errors (already printed) → 2, --help and --version → 0; a UserError from any layer → its `before`
 * lines and message on stderr, its exit code (src/model/errors.ts); anything else is a bug → 70.
 */
export function reportError(error: unknown, io: Pick<CliIO, "stderr">, debug = false): number {
  if (error instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage errors were already printed.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
    )
      return EXIT.ok;
    if (error.code === "commander.executeSubCommandAsync") return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof UserError) {
    for (const line of error.before) io.stderr.write(`podpath: ${line}\n`);
    io.stderr.write(`podpath: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`podpath: internal error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(error.stack + "\n");
  else io.stderr.write("podpath: this is a bug in podpath; run again with --debug for the stack trace and report it\n");
  return EXIT.internal;
}
