/**
 * `podpath serve` as a user starts it: the built executable in a child process, the URL on
 * stdout, stopped by SIGTERM or SIGINT with exit 0; the warning for a non-loopback --host; a port
 * in use is bad input (exit 2).
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { cli } from "../support/helpers.js";
import { exampleCopy, startServe } from "./serve-support.js";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`podpath serve --port 0 prints its URL, serves the page, and stops cleanly on ${signal} (exit 0)`, async () => {
    const s = await startServe(["-s", exampleCopy(), "--port", "0"]);
    try {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(s.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /data-testid="trace-form"/);
      // an open event stream does not keep the server from stopping
      const events = await fetch(new URL("events", s.url));
      assert.equal(events.status, 200);
      s.child.kill(signal);
      assert.equal(await s.exit(), 0, s.stderr());
      assert.match(s.stderr(), new RegExp(`${signal}: stopping`));
      assert.doesNotMatch(s.stderr(), /warning/);
    } finally {
      s.child.kill("SIGKILL");
    }
  });
}

test("podpath serve --host 0.0.0.0 (not loopback: RFC 1122 127/8, RFC 4291 ::1) warns on stderr that the topology is served to anyone who can reach it", async () => {
  const s = await startServe(["-s", exampleCopy(), "--port", "0", "--host", "0.0.0.0"]);
  try {
    assert.match(
      s.stderr(),
      /warning: 0\.0\.0\.0 is not a loopback address: the snapshot's topology .* is served to anyone who can reach it/,
    );
    s.child.kill("SIGTERM");
    assert.equal(await s.exit(), 0);
  } finally {
    s.child.kill("SIGKILL");
  }
});

test("podpath serve on a port in use is bad input (exit 2), naming --port 0", async () => {
  const blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = await cli(["serve", "-s", exampleCopy(), "--port", String(port)]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use; pass --port 0 for a free one`));
    assert.equal(r.stdout, "");
  } finally {
    blocker.close();
  }
});

test("podpath serve on a snapshot that cannot be loaded is bad input (exit 2, file:line:col), before listening", async () => {
  const dir = exampleCopy();
  const r = await cli(["serve", "-s", join(dir, "missing.yaml"), "--port", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing\.yaml/);
  assert.equal(r.stdout, "");
});

test("podpath serve --help says what the page offers, the loopback default and how it stops", async () => {
  const r = await cli(["serve", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--port <n>/);
  assert.match(r.stdout, /--host <address>/);
  assert.match(r.stdout, /listens on 127\.0\.0\.1 only/);
  assert.match(r.stdout, /SIGTERM stops it/);
  assert.doesNotMatch(r.stdout, /issue|#\d|PRODUCT|seed/i);
});
