/**
 * `podpath serve`: the report page, live, on Node's own http server. This module owns the served
 * state (the snapshot, its report and the page, replaced as a whole on each reload), the
 * Server-Sent Events stream that tells open pages about a reload (WHATWG HTML, "Server-sent
 * events": `text/event-stream`, `event:`/`data:` lines, a blank line per event), and starting and
 * stopping the server. The requests themselves are routes.ts'.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { formatLoadError } from "../../load/errors.js";
import type { LoadLimits } from "../../load/limits.js";
import { UserError } from "../../model/errors.js";
import type { Snapshot } from "../../model/snapshot.js";
import { answerReport, type ReportAnswer, type ReportLanguage } from "../../questions/report.js";
import { renderReportHtml } from "../../format/html/index.js";
import { choicesOf, type Choices } from "./choices.js";
import { clockTime } from "./clock.js";
import { livePart } from "./live-page.js";
import { loadServedSnapshot } from "./load.js";
import { handleRequest } from "./routes.js";
import { watchSnapshot, type SnapshotWatcher, type WatchTargets } from "./watch.js";

export interface ServeConfig {
  /** the snapshot paths, as given (relative to `cwd`) */
  readonly paths: readonly string[];
  /** --with files applied to every answer */
  readonly whatIf: readonly string[];
  readonly cwd: string;
  /** what file names in answers are relative to */
  readonly displayBase: string;
  /** --manifest-namespace */
  readonly namespace?: string | undefined;
  readonly limits: LoadLimits;
  readonly lang: ReportLanguage;
  readonly host: string;
  readonly port: number;
  /** the quiet time after a file change before the reload (ms) */
  readonly debounceMs?: number;
  /** the Host header must name the server (loopback binding: against DNS rebinding) */
  readonly checkHost: boolean;
}

/** One load of the snapshot and everything served from it; replaced whole on reload. */
export interface Loaded {
  readonly snapshot: Snapshot;
  readonly report: ReportAnswer;
  /** 1 for the first load, +1 per reload */
  readonly generation: number;
  readonly loadedAt: Date;
  readonly choices: Choices;
  /** the files of the snapshot that could not be loaded, `file:line:col: why` */
  readonly errors: readonly string[];
  readonly page: string;
}

/** What the routes read: the current load, the configuration, and the event stream. */
export interface ServeState {
  readonly config: ServeConfig;
  current(): Loaded;
  /** the directory --with file paths of the what-if form are relative to (and must stay under) */
  readonly whatIfBase: string;
  /** registers an open /events response; removed when it closes */
  subscribe(response: ServerResponse): void;
}

export interface RunningServer {
  /** http://HOST:PORT/ */
  readonly url: string;
  readonly state: ServeState;
  /** reloads now (as a file change would, without waiting) */
  reload(): void;
  close(): Promise<void>;
}

function load(config: ServeConfig, generation: number): Loaded {
  const snapshot = loadServedSnapshot(config);
  const report = answerReport(snapshot, { lang: config.lang, page: true });
  const loadedAt = new Date();
  const choices = choicesOf(snapshot, report);
  const errors = snapshot.errors.map(formatLoadError);
  const page = renderReportHtml(report, { live: livePart({ choices, generation, loadedAt, errors }) });
  return { snapshot, report, generation, loadedAt, choices, errors, page };
}

/** The directories and files whose change reloads the snapshot. */
function watchTargets(config: ServeConfig, loaded: Loaded): WatchTargets {
  const files = new Set<string>();
  const directories = new Set<string>();
  for (const path of [...config.paths, ...config.whatIf]) {
    const absolute = resolve(config.cwd, path);
    let isDirectory = false;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      // gone since the load: its parent still tells when it comes back
    }
    if (isDirectory) directories.add(absolute);
    else {
      files.add(absolute);
      directories.add(dirname(absolute));
    }
  }
  const shown = [...loaded.snapshot.files.map((f) => f.path), ...loaded.snapshot.errors.map((e) => e.file)];
  for (const path of shown) {
    const absolute = resolve(config.displayBase, path);
    files.add(absolute);
    directories.add(dirname(absolute));
  }
  return { directories: [...directories].sort(), files: [...files].sort() };
}

function whatIfBaseOf(config: ServeConfig): string {
  const first = resolve(config.cwd, config.paths[0] ?? ".");
  try {
    return statSync(first).isDirectory() ? first : dirname(first);
  } catch {
    return dirname(first);
  }
}

/** An SSE event: `event:` and one `data:` line of JSON (no newline can hide in it). */
function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Loads the snapshot (a UserError if it cannot be: the command reports it, exit 2), starts
 * serving it on `config.host`:`config.port`, and watches its files. `log` gets one line per
 * reload or failed reload (stderr in the command).
 */
export async function startServer(config: ServeConfig, log: (line: string) => void): Promise<RunningServer> {
  let loaded = load(config, 1);
  const clients = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const text = sseEvent(event, data);
    for (const client of clients) client.write(text);
  };
  const state: ServeState = {
    config,
    current: () => loaded,
    whatIfBase: whatIfBaseOf(config),
    subscribe(response) {
      clients.add(response);
      response.on("close", () => clients.delete(response));
      response.write(`retry: 1000\n\n${sseEvent("hello", { generation: loaded.generation })}`);
    },
  };

  let watcher: SnapshotWatcher | undefined;
  let watched = "";
  const rewatch = () => {
    // the same files: the watcher stays, and a change made while the snapshot was loading (its
    // events queued behind the load) still reaches it and reloads again
    const targets = watchTargets(config, loaded);
    const key = JSON.stringify(targets);
    if (watcher && key === watched) return;
    watcher?.close();
    watched = key;
    watcher = watchSnapshot(targets, reload, config.debounceMs ?? 200);
  };
  const reload = () => {
    const at = new Date();
    try {
      loaded = load(config, loaded.generation + 1);
      log(
        `snapshot reloaded at ${clockTime(loaded.loadedAt)}${loaded.errors.length ? ` (${loaded.errors.length} file(s) could not be loaded)` : ""}`,
      );
      broadcast("reload", {
        generation: loaded.generation,
        at: loaded.loadedAt.toISOString(),
        time: clockTime(loaded.loadedAt),
        errors: loaded.errors,
      });
    } catch (error) {
      // the previous snapshot stays served; the page says why the new one is not
      const message =
        error instanceof UserError
          ? [...error.before, error.message].join("\n")
          : `internal error: ${error instanceof Error ? error.message : String(error)}`;
      log(`snapshot not reloaded at ${clockTime(at)}: ${message}`);
      broadcast("reload-failed", { generation: loaded.generation, at: at.toISOString(), time: clockTime(at), message });
    }
    rewatch();
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    handleRequest(request, response, state).catch(() => {
      // handleRequest answers every error itself; this is the last guard against an unhandled rejection
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      response.end("internal error\n");
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      fail(
        error.code === "EADDRINUSE"
          ? new UserError(`port ${config.port} on ${config.host} is in use; pass --port 0 for a free one`)
          : error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND"
            ? new UserError(`--host ${config.host}: not an address of this machine`)
            : error.code === "EACCES"
              ? new UserError(`port ${config.port}: not allowed to listen on it (ports below 1024 need privileges)`)
              : error,
      );
    };
    const onListening = () => {
      server.off("error", onError);
      done();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(config.port, config.host);
  });
  rewatch();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    state,
    reload,
    close: () =>
      new Promise<void>((done) => {
        watcher?.close();
        for (const client of clients) client.end();
        clients.clear();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
