/**
 * ARCHITECTURE.md "Layers": the import graph only points down (model ← load ← analysis ←
 * questions ← format ← cli; capture beside load, imported by the cli only). A module that imports
 * from a layer above it — even a type — fails here, naming the file and the import.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { REPO } from "./support/helpers.js";

const ABOVE: Readonly<Record<string, readonly string[]>> = {
  model: ["load", "analysis", "questions", "format", "cli", "capture"],
  load: ["analysis", "questions", "format", "cli", "capture"],
  analysis: ["load", "questions", "format", "cli", "capture"],
  questions: ["load", "format", "cli", "capture"],
  format: ["cli", "capture"],
  capture: ["analysis", "questions", "format", "cli"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

for (const [layer, above] of Object.entries(ABOVE)) {
  test(`ARCHITECTURE.md layers: src/${layer} imports nothing from ${above.join(", ")}`, () => {
    const pattern = new RegExp(`from "((?:\\.\\./)+(?:${above.join("|")})/[^"]*)"`, "g");
    const offending: string[] = [];
    for (const file of files(join(REPO, "src", layer)))
      for (const m of readFileSync(file, "utf8").matchAll(pattern)) offending.push(`${relative(REPO, file)}: ${m[1]}`);
    assert.deepEqual(offending, []);
  });
}
