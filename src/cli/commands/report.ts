import { Option, type Command } from "commander";
import { UserError } from "../../model/errors.js";
import { answerReport, REPORT_LANGUAGES, type ReportLanguage } from "../../questions/report.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import {
  answerNamespace,
  loadFromOptions,
  withSnapshotOptions,
  writeAnswer,
  type OutputFormat,
  type SnapshotOptions,
} from "../snapshot-options.js";

interface ReportOptions extends Omit<SnapshotOptions, "output"> {
  output?: OutputFormat | "html";
  lang: ReportLanguage;
}

export function registerReport(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = withSnapshotOptions(
    program
      .command("report")
      .description(
        "the analysis as one Markdown document: where each workload runs per node group and why, direct answers, the request and reply path of every internet-exposed service with Mermaid sequence diagrams, the egress table, lint findings, and recommendations verified by re-running the analysis",
      ),
    ["md"],
  );
  // -o html is accepted so that it can say it is not built yet, instead of a bare usage error
  const output = command.options.find((o) => o.long === "--output");
  if (output) {
    output.choices(["md", "html"]);
    output.description = "output format: md (the default; html is not built yet)";
  }
  command
    .addOption(
      new Option("--lang <lang>", "the language the report is written in").choices(REPORT_LANGUAGES).default("en"),
    )
    .addHelpText(
      "after",
      `
The report is Markdown (-o md, the default): GitHub renders its tables and Mermaid diagrams.
Every claim names the object and file:line behind it. A recommendation says "verified" only when
the analysis, re-run on the snapshot with the change applied, shows it (a placement change through
fix place, a NetworkPolicy through trace). -o html is not built yet. With -n NS the report is on
NS's workloads (their placement, the paths to them, lint's findings about NS's objects, NS's
recommendations); the egress table is per node group and stays whole.

Examples:
  podpath report                     the embedded example, in English
  podpath report --lang ko           the same report in Korean
  podpath report -n monitoring       the report on namespace monitoring's workloads
  podpath report -s ./capture > REPORT.md`,
    )
    .action((options: ReportOptions) => {
      if (options.output === "html")
        throw new UserError("podpath report -o html: not built yet; -o md writes the report as Markdown");
      const answer = answerReport(loadFromOptions({ ...options, output: "md" }, io), {
        lang: options.lang,
        namespace: answerNamespace({ ...options, output: "md" }),
      });
      writeAnswer(io, "report", answer, { ...options, output: "md" });
      setExit(EXIT.ok);
    });
}
