#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with Node's built-in test runner.
// Listing the files explicitly works the same on every Node version (globs differ between 20 and 22).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("../dist/test/", import.meta.url).pathname;
const sources = new URL("../test/", import.meta.url).pathname;
const files = [];
// tsc never deletes its old outputs: a test moved or deleted in test/ leaves its compiled copy in
// dist/test, which would run (and fail) against the new code. Only run files whose source exists.
const stale = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith(".test.js")) {
      if (existsSync(join(sources, relative(root, full)).replace(/\.js$/, ".ts"))) files.push(full);
      else stale.push(relative(root, full));
    }
  }
};
walk(root);
if (stale.length)
  console.error(
    `run-tests: ignoring ${stale.length} compiled test(s) whose source is gone (stale dist/test): ${stale.join(", ")}`,
  );
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((p) => f.includes(p))) : files;
if (selected.length === 0) {
  console.error("no test files found under dist/test (did tsc run?)");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...selected], { stdio: "inherit" });
process.exit(result.status ?? 1);
