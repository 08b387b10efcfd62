/**
 * Where the real-world test inputs are: ../shared/corpus, beside the clone, never copied into
 * this repository. The one place that decides what a test does when they are absent: a fresh
 * clone skips the tests that read them (with a visible reason); CI (`.ci/run`) sets
 * PODPATH_REQUIRE_CORPUS=1, under which their absence fails every such test instead.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { test, type TestContext } from "node:test";
import { REPO } from "./helpers.js";

/** ../shared/corpus, as CI lays it out beside the clone. */
export const CORPUS = resolve(REPO, "../shared/corpus");

/** A path inside the corpus. */
export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

export const CORPUS_REQUIRED = process.env["PODPATH_REQUIRE_CORPUS"] === "1";

/** Why a corpus test does not run here, or undefined when the corpus is present. */
function corpusMissing(): string | undefined {
  return existsSync(CORPUS) ? undefined : `the test corpus ${CORPUS} (../shared/corpus beside the clone) is absent`;
}

/**
 * `test(name, fn)` for a test that reads the corpus (directly, or through a fixture that
 * names it): skipped with the reason when the corpus is absent, failed with it when
 * PODPATH_REQUIRE_CORPUS=1.
 */
export function corpusTest(name: string, fn: (t: TestContext) => void | Promise<void>): void {
  const missing = corpusMissing();
  if (missing === undefined) {
    test(name, fn);
  } else if (CORPUS_REQUIRED) {
    test(name, () => assert.fail(`${missing}, and PODPATH_REQUIRE_CORPUS=1 requires it (CI must provide the corpus)`));
  } else {
    test(name, { skip: `${missing}; set PODPATH_REQUIRE_CORPUS=1 to make that a failure` }, fn);
  }
}
