/**
 * The browser of the browser tests: playwright-core driving a Chromium already on the machine
 * (browser downloads are blocked): $PODPATH_CHROMIUM, else Debian's /usr/bin/chromium, else
 * `chromium` on PATH. Without one a browser test is skipped with the reason, except in CI
 * (CI or PODPATH_REQUIRE_CORPUS=1), where it fails: .ci/run installs Chromium with apt-get.
 */
import assert from "node:assert/strict";
import { accessSync, constants, mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { test, type TestContext } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { REPO } from "../support/helpers.js";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive, or why there is none. */
function findChromium(): { readonly path: string } | { readonly missing: string } {
  const given = process.env["PODPATH_CHROMIUM"];
  if (given) return executable(given) ? { path: given } : { missing: `PODPATH_CHROMIUM=${given} is not an executable` };
  if (executable("/usr/bin/chromium")) return { path: "/usr/bin/chromium" };
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir && executable(join(dir, "chromium"))) return { path: join(dir, "chromium") };
  }
  return { missing: "no Chromium: neither $PODPATH_CHROMIUM, /usr/bin/chromium nor chromium on PATH" };
}

const REQUIRED = process.env["PODPATH_REQUIRE_CORPUS"] === "1" || Boolean(process.env["CI"]);

/** Where the screenshots go (git-ignored): test-artifacts/screenshots/NAME.png. */
export function screenshotPath(name: string): string {
  const dir = join(REPO, "test-artifacts", "screenshots");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/**
 * `test(name, fn)` with a launched Chromium (one per file: `shared`), skipped with the reason
 * when none is found outside CI, failed in CI.
 */
export function browserTest(name: string, fn: (browser: Browser, t: TestContext) => Promise<void>): void {
  const found = findChromium();
  if ("missing" in found) {
    if (REQUIRED) test(name, () => assert.fail(`${found.missing}; CI must provide Chromium (.ci/run installs it)`));
    else test(name, { skip: `${found.missing}; install chromium or set PODPATH_CHROMIUM` }, () => undefined);
    return;
  }
  test(name, async (t) => fn(await shared(found.path), t));
}

let launched: Promise<Browser> | undefined;
function shared(executablePath: string): Promise<Browser> {
  launched ??= chromium.launch({ executablePath, args: ["--no-sandbox"] });
  return launched;
}

/** Closes the file's browser (call from `after`). */
export async function closeBrowser(): Promise<void> {
  if (launched) await (await launched).close();
  launched = undefined;
}

/** Console errors and uncaught page errors, collected from the moment the page is watched. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}
