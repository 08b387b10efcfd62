/**
 * The lint rule fixtures (test/fixtures/lint/<rule>/): `snapshot/` is the case as users have it
 * (kubectl -o yaml, aws … describe-* JSON), `fixed/` holds the files that differ in the corrected
 * variant, at the same paths.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO, tempDir } from "./helpers.js";

const LINT_FIXTURES = join(REPO, "test/fixtures/lint");

function filesBelow(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

/** The broken snapshot of a rule's fixture. */
export function lintFixture(rule: string): string {
  return join(LINT_FIXTURES, rule, "snapshot");
}

/** The fixed variant: the snapshot with the `fixed/` files laid over it, in a temporary directory. */
export function fixedLintFixture(rule: string): string {
  return tempDir({ ...filesBelow(lintFixture(rule)), ...filesBelow(join(LINT_FIXTURES, rule, "fixed")) });
}

/** Every rule that has a fixture. */
export function lintFixtureRules(): string[] {
  return readdirSync(LINT_FIXTURES)
    .filter((n) => statSync(join(LINT_FIXTURES, n)).isDirectory())
    .sort();
}
