/**
 * Progress on stderr: on a terminal only, one line rewritten in place (CR + ECMA-48 EL `ESC [ K`),
 * kept with its time for a step of a second or more and erased for a shorter one; never in a pipe.
 */
/* eslint-disable no-control-regex -- the progress line is made of terminal escapes */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../../src/cli/program.js";
import { step } from "../../src/cli/progress.js";
import { REPO } from "../support/helpers.js";

const ERASE = "\r\x1b[K";

function stderrOf(isTTY: boolean): { stream: { write: (s: string) => void; isTTY: boolean }; text: () => string } {
  let text = "";
  return { stream: { write: (s: string) => void (text += s), isTTY }, text: () => text };
}

test("a step under a second shows its label on a terminal, then erases it", () => {
  const err = stderrOf(true);
  assert.equal(
    step({ stderr: err.stream }, "tracing", () => 42),
    42,
  );
  assert.equal(err.text(), `${ERASE}tracing…${ERASE}`);
});

test("a step of a second or more keeps its line with the time it took", () => {
  const err = stderrOf(true);
  step({ stderr: err.stream }, "placing 3 workloads on 2 nodes", () => {
    const until = Date.now() + 1050;
    while (Date.now() < until);
  });
  assert.match(
    err.text(),
    /^\r\x1b\[Kplacing 3 workloads on 2 nodes…\r\x1b\[Kplacing 3 workloads on 2 nodes: done in 1\.\d s\n$/,
  );
});

test("no progress when stderr is not a terminal", () => {
  const err = stderrOf(false);
  step({ stderr: err.stream }, "tracing", () => undefined);
  assert.equal(err.text(), "");
});

test("podpath trace on a terminal: the answer on stdout is the same, stderr only gains the erased progress line", async () => {
  const args = ["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd"];
  const runs = await Promise.all(
    [true, false].map(async (isTTY) => {
      let stdout = "";
      const err = stderrOf(isTTY);
      const code = await runCli(args, {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: err.stream,
        cwd: REPO,
      });
      return { code, stdout, stderr: err.text() };
    }),
  );
  const [tty, pipe] = runs as [(typeof runs)[0], (typeof runs)[0]];
  assert.equal(tty.code, 0);
  assert.equal(tty.stdout, pipe.stdout);
  assert.ok(!pipe.stderr.includes("\x1b["));
  assert.ok(tty.stderr.includes(`${ERASE}tracing…`), tty.stderr);
  assert.equal(tty.stderr.replace(`${ERASE}tracing…`, "").replace(/\r\x1b\[K/g, ""), pipe.stderr);
});
