import { CommanderError, type Command } from "commander";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";

interface Planned {
  readonly name: string;
  readonly args?: string;
  readonly description: string;
  /** where it is planned, for maintainers; never printed (users do not have the issue tracker) */
  readonly issue: number;
  readonly options?: (command: Command) => Command;
}

/** Commands of the contract (PRODUCT.md) that are registered, documented, and not built yet. */
const PLANNED: readonly Planned[] = [];

/**
 * A command not built yet says so before anything else: the program's preSubcommand hook stops
 * the run (exit 2) before commander parses the command's options, so `diff` without `--before`
 * (or with a bad option) gets the same answer. `--help` still shows the options it will take.
 */
export function registerPlanned(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const planned = new Set(PLANNED.map((p) => p.name));
  program.hook("preSubcommand", (parent, command) => {
    if (!planned.has(command.name()) || parent.args.some((a) => a === "-h" || a === "--help")) return;
    const message = `podpath ${command.name()}: not built yet in this version of podpath; \`podpath --help\` lists the commands that are`;
    io.stderr.write(`${message}\n`);
    setExit(EXIT.usage);
    throw new CommanderError(EXIT.usage, "podpath.notBuilt", message);
  });
  for (const p of PLANNED) {
    let command = program.command(p.name).description(`${p.description} [not built yet]`);
    if (p.options) command = p.options(command);
    command.action(() => setExit(EXIT.usage));
  }
}
