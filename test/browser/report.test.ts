/**
 * The HTML report (`podpath report -o html` of the example) in Chromium, opened as a file with
 * every network request refused: the page must be self-contained. The cluster map shows every
 * node; a placement cell carries the scheduler's reason in its title (shown on hover) and shows
 * it in the reason panel on click; no console error, no page error.
 */
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after } from "node:test";
import { renderReportHtml } from "../../src/format/html/index.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { answerPlace } from "../../src/questions/place.js";
import { answerReport } from "../../src/questions/report.js";
import { cli, EXAMPLE, REPO, tempDir } from "../support/helpers.js";
import { browserTest, closeBrowser, screenshotPath, watchErrors } from "./chromium.js";

after(closeBrowser);

/** `podpath report -o html` of the example; the library's renderer while the command does not write HTML yet. */
async function reportHtml(): Promise<string> {
  const r = await cli(["report", "-o", "html"]);
  if (r.code === 0) return r.stdout;
  assert.match(r.stderr, /-o html: not built yet/, r.stderr);
  return renderReportHtml(answerReport(loadSnapshot({ paths: [EXAMPLE], cwd: REPO }), { lang: "en" }));
}

browserTest(
  "report -o html opens offline (file://, every other request refused): every node of the example on the cluster map, the scheduler's reason on a placement cell's hover and click (TaintToleration), no console errors",
  async (browser, t) => {
    const file = join(tempDir(), "report.html");
    writeFileSync(file, await reportHtml());
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.setDefaultTimeout(10_000);
    const errors = watchErrors(page);
    const requested: string[] = [];
    await page.route("**", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      requested.push(url);
      return route.abort();
    });
    const started = Date.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const openMs = Date.now() - started;
    t.diagnostic(`page ${statSync(file).size} bytes, open (load event) ${openMs} ms`);

    await page.locator('[data-testid="node"]').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("report-map") });
    const snapshot = loadSnapshot({ paths: [EXAMPLE], cwd: REPO });
    for (const node of snapshot.kubernetes.nodes)
      assert.ok(await page.locator(`[data-testid="node"][data-node="${node.name}"]`).first().isVisible(), node.name);

    // ecoeco-api does not tolerate the control plane's NoSchedule taint: the scheduler's own words
    const place = answerPlace(snapshot, { workload: "ecoeco/ecoeco-api" }).result.workloads[0]!;
    const reason = place.nodes
      .find((n) => n.node === "k8s-master")!
      .reasons.find((r) => r.plugin === "TaintToleration")!;
    const cell = page
      .locator('[data-testid="placement-cell"][data-workload="ecoeco/ecoeco-api"][data-node="k8s-master"]')
      .first();
    assert.equal(await cell.getAttribute("data-verdict"), "rejected");
    await cell.hover();
    const title = (await cell.getAttribute("title")) ?? "";
    assert.ok(title.includes(reason.message), title);
    await cell.click();
    const panel = page.locator('[data-testid="reason"]').first();
    assert.ok(await panel.isVisible());
    assert.ok((await panel.textContent())!.includes(reason.message));
    await cell.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("report-reason") });

    assert.deepEqual(requested, [], "no request leaves the file");
    assert.deepEqual(errors, []);
    await page.close();
  },
);
