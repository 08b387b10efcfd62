import type { Command } from "commander";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { withSnapshotOptions } from "../snapshot-options.js";

interface Planned {
  readonly name: string;
  readonly args?: string;
  readonly description: string;
  readonly issue: number;
  readonly options?: (command: Command) => Command;
}

/** Commands of the contract (PRODUCT.md) that are registered, documented, and not built yet. */
const PLANNED: readonly Planned[] = [
  {
    name: "exposure",
    description: "who can reach each workload, and on which ports: other workloads, the VPC, the internet",
    issue: 6,
  },
  {
    name: "diff",
    description: "what changed between two snapshots: connections, exposure, placement",
    issue: 7,
    options: (c) =>
      c
        .requiredOption("--before <path>", "the earlier snapshot")
        .requiredOption("--after <path>", "the later snapshot"),
  },
  { name: "serve", description: "the report as a live local page, with a trace form", issue: 8 },
];

export function registerPlanned(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const notBuilt = (name: string, issue: number) => () => {
    io.stderr.write(
      `podpath ${name}: not built yet (planned in issue #${issue}); \`podpath snapshot show\` works today\n`,
    );
    setExit(EXIT.usage);
  };
  for (const p of PLANNED) {
    let command = withSnapshotOptions(program.command(p.name).description(`${p.description} [not built yet]`));
    if (p.options) command = p.options(command);
    command.action(notBuilt(p.name, p.issue));
  }
}
