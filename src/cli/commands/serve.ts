import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { InvalidArgumentError, Option, type Command } from "commander";
import { DEFAULT_LIMITS, formatBytes } from "../../load/limits.js";
import { UserError } from "../../model/errors.js";
import { REPORT_LANGUAGES, type ReportLanguage } from "../../questions/report.js";
import { embeddedExample } from "../example.js";
import { byteSize } from "../snapshot-options.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { startServer } from "../serve/server.js";

interface ServeOptions {
  snapshot?: string[];
  with?: string[];
  manifestNamespace?: string;
  maxFileSize: number;
  lang: ReportLanguage;
  port: number;
  host?: string;
}

/** The port podpath serve listens on by default (unassigned by IANA; any free port does with --port 0). */
const DEFAULT_PORT = 7420;
const DEFAULT_HOST = "127.0.0.1";

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function portArg(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535)
    throw new InvalidArgumentError("expected a port number from 0 to 65535 (0: a free one)");
  return n;
}

function hostArg(value: string): string {
  const name = value.replace(/^\[(.*)\]$/, "$1");
  if (isIP(name) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(name))
    throw new InvalidArgumentError("expected an IP address or a host name");
  return name;
}

/** 127.0.0.0/8 and ::1 (RFC 1122 3.2.1.3, RFC 4291 2.5.3), and ::ffff:127.x. */
function isLoopbackAddress(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, "");
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return address === "::1";
}

/** Whether every address `host` stands for is a loopback address (a name is resolved). */
async function isLoopback(host: string): Promise<boolean> {
  if (isIP(host) !== 0) return isLoopbackAddress(host);
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
  } catch {
    throw new UserError(`--host ${host}: the name does not resolve`);
  }
}

export function registerServe(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("serve")
    .description(
      "the report as a live local page: the cluster map, placements and paths, with forms to trace any endpoint pair, explain a workload on a node and try a --with change; reloads when the snapshot's files change",
    )
    .addOption(
      new Option(
        "-s, --snapshot <path>",
        "a snapshot directory, index file (podpath.yaml) or single file; repeatable (default: the embedded example)",
      ).argParser(collect),
    )
    .addOption(
      new Option(
        "-w, --with <file>",
        "what-if applied to every answer of the page: objects that are added, or replace their namesakes; repeatable",
      ).argParser(collect),
    )
    .option(
      "--manifest-namespace <ns>",
      "namespace for objects that carry none and are not given one by an index file's namespace: (default: default)",
    )
    .addOption(
      new Option("--max-file-size <size>", "refuse larger files")
        .argParser(byteSize)
        .default(DEFAULT_LIMITS.maxFileBytes, formatBytes(DEFAULT_LIMITS.maxFileBytes)),
    )
    .addOption(new Option("--lang <lang>", "the language of the report").choices(REPORT_LANGUAGES).default("en"))
    .addOption(
      new Option("--port <n>", "the port to listen on; 0 picks a free one (the URL is printed)")
        .argParser(portArg)
        .default(DEFAULT_PORT),
    )
    .addOption(
      new Option(
        "--host <address>",
        "the address to listen on (default: 127.0.0.1, this machine only); another than a loopback address serves the snapshot's topology to anyone who can reach it",
      ).argParser(hostArg),
    )
    .option("--debug", "print stack traces of internal errors")
    .addHelpText(
      "after",
      `
The page is the report (podpath report) with forms: trace a packet between any two endpoints the
snapshot offers, explain a workload on a node (the scheduler's verdict and reasons), and try a
change as --with does (YAML pasted into the page, or a file under the snapshot's directory) to
see which placement verdicts it changes. When a file of the snapshot changes, the snapshot is
loaded again (after 200 ms without further change) and open pages reload, saying when.

podpath serve listens on 127.0.0.1 only, unless --host names another address; then it warns
that the cluster's topology (nodes, addresses, security groups, load balancers) is served to
anyone who can reach that address. Secrets and environment values are never read into the
snapshot, so never served. Ctrl-C (SIGINT) or SIGTERM stops it.

Examples:
  podpath serve                          the embedded example on http://127.0.0.1:${DEFAULT_PORT}/
  podpath serve -s ./capture --port 0    a free port; the URL is printed
  podpath serve -s ./capture --host 0.0.0.0   every interface (warns first)`,
    )
    .action(async (options: ServeOptions) => {
      const host = options.host ?? DEFAULT_HOST;
      const loopback = await isLoopback(host);
      let paths = options.snapshot ?? [];
      let displayBase = io.cwd;
      if (paths.length === 0) {
        const example = embeddedExample();
        paths = [example.path];
        displayBase = example.base;
        io.stderr.write("podpath: no --snapshot given; using the embedded example (examples/ecoeco)\n");
      }
      if (!loopback)
        io.stderr.write(
          `podpath serve: warning: ${host} is not a loopback address: the snapshot's topology (nodes, addresses, security groups, load balancers) is served to anyone who can reach it\n`,
        );
      const server = await startServer(
        {
          paths,
          whatIf: options.with ?? [],
          cwd: io.cwd,
          displayBase,
          namespace: options.manifestNamespace,
          limits: { ...DEFAULT_LIMITS, maxFileBytes: options.maxFileSize },
          lang: options.lang,
          host,
          port: options.port,
          checkHost: loopback,
        },
        (line) => io.stderr.write(`podpath serve: ${line}\n`),
      );
      const first = server.state.current();
      for (const error of first.errors) io.stderr.write(`podpath: ${error}\n`);
      // the signals are caught before the URL is printed: whoever reads it may stop the server at once
      const stopped = new Promise<void>((done) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          io.stderr.write(`podpath serve: ${signal}: stopping\n`);
          void server.close().then(done);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      io.stdout.write(`podpath serve: ${server.url} (Ctrl-C stops)\n`);
      await stopped;
      setExit(EXIT.ok);
    });
}
