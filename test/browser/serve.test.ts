/**
 * `podpath serve --port 0` on a copy of the example, driven through its page in Chromium: a trace
 * submitted through the form shows the hops and the final source address; a place question shows
 * the scheduler's verdict for the chosen node; a --with what-if (a node tainted NoSchedule)
 * changes a placement verdict; editing a snapshot file reloads the page with the banner and the
 * new data, the forms and their answers kept; a bad request answers 400 with a message. No
 * console error, no page error.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { cli } from "../support/helpers.js";
import { exampleCopy, startServe, type Started } from "../cli/serve-support.js";
import { browserTest, closeBrowser, screenshotPath, watchErrors } from "./chromium.js";

let dir: string;
let served: Started | undefined;

before(() => {
  dir = exampleCopy();
});
after(async () => {
  await closeBrowser();
  if (served) {
    served.child.kill("SIGTERM");
    await served.exit();
  }
});

async function server(): Promise<Started> {
  served ??= await startServe(["-s", dir, "--port", "0"]);
  return served;
}

const TAINTED_WORKER_2 = `apiVersion: v1
kind: Node
metadata:
  name: k8s-worker-2
  labels:
    kubernetes.io/hostname: k8s-worker-2
    kubernetes.io/os: linux
spec:
  taints:
  - key: dedicated
    value: batch
    effect: NoSchedule
status:
  allocatable:
    cpu: "2"
    memory: 7947552Ki
    pods: "110"
`;

browserTest(
  "serve: the trace form shows the hops and the final source IP (the NAT gateway's address, as podpath trace says); the place form the scheduler's verdict on the chosen node; a bad request a 400 with its message",
  async (browser, t) => {
    const s = await server();
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(10_000);
    const errors = watchErrors(page);
    const started = Date.now();
    await page.goto(s.url, { waitUntil: "load" });
    t.diagnostic(`served page open (load event) ${Date.now() - started} ms`);

    const expected = await cli([
      "trace",
      "-s",
      dir,
      "--from",
      "workload:ecoeco/ecoeco-api",
      "--to",
      "internet",
      "-o",
      "json",
    ]);
    const trace = JSON.parse(expected.stdout) as { finalSourceIp: string; hops: unknown[] };
    assert.ok(trace.hops.length > 0);
    await page.fill('#trace-form [name="from"]', "workload:ecoeco/ecoeco-api");
    await page.fill('#trace-form [name="to"]', "internet");
    await page.click('#trace-form button[type="submit"]');
    const result = page.locator('[data-testid="trace-result"]');
    await result.locator('[data-testid="final-source"]').waitFor();
    // the forward hops at least (the page may show the reply's too)
    assert.ok((await result.locator('[data-testid="hop"]').count()) >= trace.hops.length);
    assert.equal((await result.locator('[data-testid="final-source"]').textContent())?.trim(), trace.finalSourceIp);
    await page.locator('[data-testid="trace-result"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("serve-trace") });

    await page.selectOption('#place-form [name="workload"]', "ecoeco/ecoeco-api");
    await page.selectOption('#place-form [name="node"]', "k8s-master");
    await page.click('#place-form button[type="submit"]');
    const explained = page.locator('[data-testid="place-result"] [data-testid="node-explanation"]');
    await explained.waitFor();
    assert.equal(await explained.getAttribute("data-verdict"), "rejected");
    assert.match((await explained.textContent()) ?? "", /TaintToleration/);

    // a malformed endpoint, through the form and as a request of its own
    await page.fill('#trace-form [name="from"]', "pod:no-namespace");
    await page.click('#trace-form button[type="submit"]');
    const error = page.locator('[data-testid="trace-result"] [data-testid="error"]');
    await error.waitFor();
    assert.match((await error.textContent()) ?? "", /from: pod: needs NAMESPACE\/NAME/);
    const direct = await page.evaluate(async () => {
      const r = await fetch("/api/trace?from=internet&to=nowhere");
      return { status: r.status, body: (await r.json()) as { error: string } };
    });
    assert.equal(direct.status, 400);
    assert.match(direct.body.error, /to: "nowhere" is not an endpoint/);

    // the 400s are the page's own answers; the browser logs each failed fetch as a console error
    assert.deepEqual(
      errors.filter((e) => !/status of 400/.test(e)),
      [],
    );
    await page.close();
  },
);

browserTest(
  "serve: a --with what-if (k8s-worker-2 tainted NoSchedule) turns a feasible placement cell rejected (TaintToleration), the page's own matrix unchanged",
  async (browser) => {
    const s = await server();
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(10_000);
    const errors = watchErrors(page);
    await page.goto(s.url, { waitUntil: "load" });
    // a cell of the report's matrix that is feasible before the change
    const feasible = page
      .locator('[data-testid="placement-cell"][data-node="k8s-worker-2"][data-verdict="feasible"]')
      .first();
    const workload = (await feasible.getAttribute("data-workload"))!;
    assert.ok(workload);

    await page.fill('#what-if-form [name="yaml"]', TAINTED_WORKER_2);
    await page.selectOption('#what-if-form [name="workload"]', workload);
    await page.click('#what-if-form button[type="submit"]');
    const answer = page.locator('[data-testid="what-if-result"] [data-testid="what-if-answer"]');
    await answer.waitFor();
    const change = answer.locator(
      `[data-testid="what-if-change"][data-workload="${workload}"][data-node="k8s-worker-2"]`,
    );
    assert.equal(await change.getAttribute("data-before"), "feasible");
    assert.equal(await change.getAttribute("data-after"), "rejected");
    const after = answer.locator(
      `[data-testid="placement-cell"][data-workload="${workload}"][data-node="k8s-worker-2"]`,
    );
    assert.equal(await after.first().getAttribute("data-verdict"), "rejected");
    assert.match((await after.first().getAttribute("title")) ?? "", /untolerated taint/);
    // the report's own matrix (outside the live part) still shows the served snapshot
    const own = page.locator(
      `[data-testid="placement-cell"][data-workload="${workload}"][data-node="k8s-worker-2"]:not(#podpath-live *)`,
    );
    assert.equal(await own.first().getAttribute("data-verdict"), "feasible");
    await answer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("serve-what-if") });
    assert.deepEqual(errors, []);
    await page.close();
  },
);

browserTest(
  "serve: editing a snapshot file reloads the page (fs.watch, debounced): the banner 'snapshot reloaded at …', the renamed node on the map, the asked trace answered again",
  async (browser) => {
    const s = await server();
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(10_000);
    const errors = watchErrors(page);
    await page.goto(s.url, { waitUntil: "load" });
    await page.fill('#trace-form [name="from"]', "internet");
    await page.fill('#trace-form [name="to"]', "url:https://growbin.app/argocd");
    await page.click('#trace-form button[type="submit"]');
    await page.locator('[data-testid="trace-result"] [data-testid="hop"]').first().waitFor();

    const nodes = join(dir, "k8s/nodes.yaml");
    const text = readFileSync(nodes, "utf8");
    const reloaded = page.waitForEvent("load");
    writeFileSync(nodes, text.replace("    name: k8s-worker-2\n", "    name: k8s-worker-9\n"));
    await reloaded;
    const banner = page.locator('[data-testid="reload-banner"]');
    await banner.waitFor({ state: "visible" });
    assert.match((await banner.textContent()) ?? "", /^snapshot reloaded at \d\d:\d\d:\d\d UTC/);
    assert.ok(await page.locator('[data-testid="node"][data-node="k8s-worker-9"]').first().isVisible());
    assert.equal(await page.locator('[data-testid="node"][data-node="k8s-worker-2"]').count(), 0);
    // the form kept its values and its answer is asked again
    assert.equal(await page.inputValue('#trace-form [name="to"]'), "url:https://growbin.app/argocd");
    await page.locator('[data-testid="trace-result"] [data-testid="hop"]').first().waitFor();
    await page.screenshot({ path: screenshotPath("serve-reloaded") });
    writeFileSync(nodes, text);
    assert.deepEqual(errors, []);
    await page.close();
  },
);
