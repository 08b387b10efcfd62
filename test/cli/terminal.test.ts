/**
 * Text answers on a terminal and off it: width (the terminal's `columns`, else 120 — lines wrap
 * with a hanging indent, never inside a word), colour (verdicts and drops, on a terminal only,
 * after no-color.org's NO_COLOR and Node's FORCE_COLOR, doc/api/cli.md), `trace --brief`, and a
 * generated 1,000-node cluster whose trace and egress text fit 120 columns.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { writeSyntheticCluster } from "../../bench/synthetic.js";
import { runCli } from "../../src/cli/program.js";
import { colourWanted } from "../../src/cli/terminal.js";
import { REPO, tempDir } from "../support/helpers.js";

interface Terminal {
  readonly isTTY: boolean;
  readonly columns?: number;
  readonly env?: Readonly<Record<string, string>>;
}

async function run(
  args: readonly string[],
  terminal: Terminal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: {
      write: (s: string) => (stdout += s),
      isTTY: terminal.isTTY,
      ...(terminal.columns ? { columns: terminal.columns } : {}),
    },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    cwd: REPO,
    env: terminal.env ?? {},
  });
  return { code, stdout, stderr };
}

const ESC = "\x1b[";
const lines = (text: string): string[] => text.split("\n");
const widest = (text: string): number => Math.max(...lines(text).map((l) => l.length));
const ARGOCD = ["trace", "--from", "internet", "--to", "url:https://growbin.app/argocd"];
const NOT_ROUTABLE = ["trace", "--from", "ip:10.0.2.57", "--to", "ip:192.168.230.3", "--port", "8080"];

describe("colour (no-color.org NO_COLOR; Node doc/api/cli.md FORCE_COLOR)", () => {
  const cases: readonly [string, boolean, Record<string, string>, boolean][] = [
    ["a terminal has colour", true, {}, true],
    ["a pipe has none", false, {}, false],
    ["NO_COLOR, any non-empty value, turns it off", true, { NO_COLOR: "0" }, false],
    ["NO_COLOR empty does not", true, { NO_COLOR: "" }, true],
    ["FORCE_COLOR=1 turns it on in a pipe", false, { FORCE_COLOR: "1" }, true],
    ["FORCE_COLOR empty is 16 colours: on", false, { FORCE_COLOR: "" }, true],
    ["FORCE_COLOR set to a supported value ignores NO_COLOR", true, { FORCE_COLOR: "3", NO_COLOR: "1" }, true],
    ["FORCE_COLOR=0 (any other value) turns it off on a terminal", true, { FORCE_COLOR: "0" }, false],
  ];
  for (const [name, tty, env, expected] of cases) test(name, () => assert.equal(colourWanted(tty, env), expected));

  test("on a terminal the verdict is green (delivered), a drop red; NO_COLOR gives the same text without escapes", async () => {
    const coloured = await run(ARGOCD, { isTTY: true, columns: 120 });
    assert.ok(coloured.stdout.includes(`${ESC}32mverdict:${ESC}0m delivered`), coloured.stdout);
    const drop = await run(NOT_ROUTABLE, { isTTY: true, columns: 120 });
    assert.ok(drop.stdout.includes(`${ESC}31mverdict:${ESC}0m DROPPED`), drop.stdout);
    const plain = await run(ARGOCD, { isTTY: true, columns: 120, env: { NO_COLOR: "1" } });
    assert.ok(!plain.stdout.includes(ESC));
    // eslint-disable-next-line no-control-regex
    assert.equal(coloured.stdout.replace(/\x1b\[\d+m/g, ""), plain.stdout);
  });

  test("place on a terminal: can run on green, rejected nodes yellow; the same text without colour", async () => {
    const coloured = await run(["place"], { isTTY: true, columns: 200 });
    assert.ok(coloured.stdout.includes(`  ${ESC}32mcan run on:${ESC}0m k8s-worker-1`), coloured.stdout.slice(0, 600));
    assert.ok(coloured.stdout.includes(`  ${ESC}33mnot on k8s-master:${ESC}0m\n`));
    const plain = await run(["place"], { isTTY: true, columns: 200, env: { NO_COLOR: "1" } });
    // eslint-disable-next-line no-control-regex
    assert.equal(coloured.stdout.replace(/\x1b\[\d+m/g, ""), plain.stdout);
  });

  test("piped: no colour unless FORCE_COLOR; JSON is never coloured", async () => {
    assert.ok(!(await run(ARGOCD, { isTTY: false })).stdout.includes(ESC));
    assert.ok((await run(ARGOCD, { isTTY: false, env: { FORCE_COLOR: "1" } })).stdout.includes(ESC));
    const json = await run([...ARGOCD, "-o", "json"], { isTTY: true, env: { FORCE_COLOR: "1" } });
    assert.ok(!json.stdout.includes(ESC));
    assert.doesNotThrow(() => JSON.parse(json.stdout));
  });
});

describe("width: the terminal's columns, else 120", () => {
  test("trace text fits 120 columns piped and 80 on an 80-column terminal; file:line stays whole", async () => {
    const piped = await run(ARGOCD, { isTTY: false });
    assert.ok(widest(piped.stdout) <= 120, `${widest(piped.stdout)} columns`);
    const narrow = await run(ARGOCD, { isTTY: true, columns: 80, env: { NO_COLOR: "1" } });
    assert.ok(widest(narrow.stdout) <= 80, `${widest(narrow.stdout)} columns`);
    assert.match(narrow.stdout, /\[examples\/ecoeco\/aws\/elbv2-describe-target-groups\.json:3\]/);
    // a wide terminal gets the unwrapped lines (so the limits above are wrapping's doing)
    const wide = await run(ARGOCD, { isTTY: true, columns: 400, env: { NO_COLOR: "1" } });
    assert.ok(widest(wide.stdout) > 120);
  });

  test("a wrapped why line hangs under its text: continuation lines are indented past the step number", async () => {
    const piped = await run(ARGOCD, { isTTY: false });
    const why = lines(piped.stdout);
    const i = why.findIndex((l) => l.startsWith("   8. "));
    assert.ok(i > 0 && why[i + 1]!.startsWith("      ") && !why[i + 1]!.startsWith("       "), why[i + 1]);
  });
});

describe("trace --brief: the verdict, the NAT chain, the drop", () => {
  test("delivered: the verdict and every SNAT/DNAT from the first address to the last", async () => {
    const r = await run(["trace", "--from", "workload:ecoeco/ecoeco-api", "--to", "internet", "--brief"], {
      isTTY: false,
    });
    assert.equal(r.code, 0, r.stderr);
    // continuation lines (a hanging indent of 4) joined back
    const out = lines(r.stdout.trimEnd().replace(/\n {4}/g, " "));
    assert.equal(out.length, 3, r.stdout);
    assert.match(out[0]!, /^trace workload:ecoeco\/ecoeco-api → internet \(TCP port 443\)$/);
    assert.match(out[1]!, /^ {2}verdict: delivered; the destination sees source 203\.0\.113\.10/);
    assert.match(
      out[2]!,
      /^ {2}NAT: 192\.168\.140\.72:\d+ → SNAT 10\.0\.1\.\d+ \(calico-natoutgoing\) → SNAT 10\.0\.2\.100 \(nat-gateway\) → SNAT 203\.0\.113\.10 \(internet-gateway\) → 198\.51\.100\.20:443$/,
    );
  });

  test("dropped: the drop's code, the object and its file:line; Markdown says the same", async () => {
    const text = await run([...NOT_ROUTABLE, "--brief"], { isTTY: false });
    assert.match(
      text.stdout,
      /\n {2}drop: TARGET_NOT_ROUTABLE at route-table:rtb-\w+: .*\[examples\/ecoeco\/[^\]]+:\d+\]\n$/s,
    );
    const md = await run([...NOT_ROUTABLE, "--brief", "-o", "md"], { isTTY: false });
    assert.match(md.stdout, /^- `trace ip:10\.0\.2\.57 → ip:192\.168\.230\.3 \(TCP port 8080\)`: \*\*DROPPED at /);
    assert.match(md.stdout, /\n {2}- drop: `TARGET_NOT_ROUTABLE` at `route-table:rtb-\w+`: /);
    const json = await run([...NOT_ROUTABLE, "--brief", "-o", "json"], { isTTY: false });
    const full = await run([...NOT_ROUTABLE, "-o", "json"], { isTTY: false });
    assert.equal(json.stdout, full.stdout, "--brief leaves JSON complete");
  });
});

describe("a generated 1,000-node cluster (bench/synthetic.ts): text fits 120 columns", () => {
  let dir = "";
  before(async () => {
    dir = tempDir();
    await writeSyntheticCluster(dir, { nodes: 1000, pods: 3000 });
  });
  const asks: readonly (readonly string[])[] = [
    ["trace", "--from", "workload:team-0/app-0", "--to", "service:team-1/app-1"],
    ["trace", "--from", "workload:team-0/app-0", "--to", "internet"],
    ["trace", "--from", "workload:team-0/app-0", "--to", "internet", "--brief"],
    ["trace", "--from", "node:node-7", "--to", "pod:team-0/app-0-7d9f8c6b5-00000", "--port", "8080"],
    ["egress"],
  ];
  for (const ask of asks)
    test(`podpath ${ask.join(" ")}: every line ≤ 120 columns`, async () => {
      const r = await run([...ask, "-s", dir], { isTTY: false });
      assert.equal(r.code, 0, r.stderr);
      const long = lines(r.stdout).filter((l) => l.length > 120);
      assert.deepEqual(long, []);
    });

  test("the egress table names a group's first nodes and how many more, not all 1,000", async () => {
    const r = await run(["egress", "-s", dir], { isTTY: false });
    assert.match(r.stdout, /node-0, node-1, node-10, … \(\+997\)/);
    const json = await run(["egress", "-s", dir, "-o", "json"], { isTTY: false });
    const groups = (JSON.parse(json.stdout) as { groups: { nodes: string[] }[] }).groups;
    assert.equal(
      groups.reduce((n, g) => n + g.nodes.length, 0),
      1000,
      "JSON keeps every node",
    );
  });
});
