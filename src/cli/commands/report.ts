import { Option, type Command } from "commander";
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

interface ReportOptions extends SnapshotOptions {
  output?: OutputFormat;
  lang: ReportLanguage;
}

export function registerReport(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const command = withSnapshotOptions(
    program
      .command("report")
      .description(
        "the analysis as one Markdown document: where each workload runs per node group and why, direct answers, the request and reply path of every internet-exposed service with Mermaid sequence diagrams, the egress table, lint findings, and recommendations verified by re-running the analysis (-o html: the same as one self-contained page with a cluster map)",
      ),
    ["md", "html"],
  );
  const output = command.options.find((o) => o.long === "--output");
  if (output) output.description = "output format: md (the default), or html (one self-contained page)";
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
fix place, a NetworkPolicy through trace). -o html writes the same analysis as one self-contained
page (in English; it loads nothing when opened, so it works offline): a cluster map, the placement
matrix (each cell's reason on hover, click or Enter), each traced path hop by hop, the egress
table, connectivity, exposure and the lint findings. With -n NS the report is on
NS's workloads (their placement, the paths to them, lint's findings about NS's objects, NS's
recommendations); the egress table is per node group and stays whole.

Examples:
  podpath report                     the embedded example, in English
  podpath report --lang ko           the same report in Korean
  podpath report -n monitoring       the report on namespace monitoring's workloads
  podpath report -s ./capture > REPORT.md
  podpath report -o html > report.html   then open report.html in a browser`,
    )
    .action((options: ReportOptions) => {
      const output = options.output === "html" ? "html" : "md";
      if (output === "html" && options.lang !== "en")
        io.stderr.write(
          `podpath report: note: the HTML page is in English only; --lang ${options.lang} applies to -o md\n`,
        );
      const answer = answerReport(loadFromOptions({ ...options, output }, io), {
        lang: options.lang,
        namespace: answerNamespace({ ...options, output }),
        page: output === "html",
      });
      writeAnswer(io, "report", answer, { ...options, output });
      setExit(EXIT.ok);
    });
}
