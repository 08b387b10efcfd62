/**
 * Helpers of the `podpath serve` tests: a temporary copy of the example to edit, a server on a
 * free port, and a reader of its Server-Sent Events stream.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "../../src/load/limits.js";
import { startServer, type RunningServer, type ServeConfig } from "../../src/cli/serve/server.js";
import { EXAMPLE, REPO, tempDir } from "../support/helpers.js";

/** A copy of examples/ecoeco in a temporary directory (removed when the test process exits). */
export function exampleCopy(): string {
  const dir = join(tempDir(), "ecoeco");
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

/** `podpath serve -s PATH --port 0` in-process; stderr lines collected in `log`. */
export async function serveInProcess(
  paths: readonly string[],
  overrides: Partial<ServeConfig> = {},
): Promise<{ server: RunningServer; log: string[] }> {
  const log: string[] = [];
  const server = await startServer(
    {
      paths,
      whatIf: [],
      cwd: process.cwd(),
      displayBase: process.cwd(),
      limits: DEFAULT_LIMITS,
      lang: "en",
      host: "127.0.0.1",
      port: 0,
      checkHost: true,
      ...overrides,
    },
    (line) => log.push(line),
  );
  return { server, log };
}

export interface ServerEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** The /events stream: `next(name)` waits for the next event of that name (or fails after `ms`). */
export async function eventStream(url: string): Promise<{
  next(name: string, ms?: number): Promise<ServerEvent>;
  seen(): readonly ServerEvent[];
  close(): void;
}> {
  const controller = new AbortController();
  const response = await fetch(new URL("events", url), { signal: controller.signal });
  if (response.headers.get("content-type") !== "text/event-stream; charset=utf-8")
    throw new Error(`/events answered ${response.headers.get("content-type")}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: ServerEvent[] = [];
  let buffer = "";
  let consumed = 0;
  const waiting: (() => void)[] = [];
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          for (const wake of waiting.splice(0)) wake();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    async next(name, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const index = events.findIndex((e, i) => i >= consumed && e.event === name);
        if (index >= 0) {
          consumed = index + 1;
          return events[index]!;
        }
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no ${name} event within ${ms} ms; seen: ${events.map((e) => e.event).join(", ")}`);
        await new Promise<void>((wake) => {
          waiting.push(wake);
          setTimeout(wake, left);
        });
      }
    },
    seen: () => events,
    close: () => controller.abort(),
  };
}

const BIN = join(REPO, "dist/src/bin/podpath.js");

export interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  exit(): Promise<number | null>;
}

/** Starts `podpath serve ARGS` and waits for the URL it prints. */
export async function startServe(args: readonly string[]): Promise<Started> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no URL within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /^podpath serve: (http:\/\/127\.0\.0\.1:\d+\/|http:\/\/[^ ]+\/) \(Ctrl-C stops\)$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    });
    void exited.then((code) => fail(new Error(`exited ${code} before serving; stderr: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exit: () => exited };
}
