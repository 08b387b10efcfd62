/**
 * `podpath serve`'s server in-process, on a copy of the example: each route's answer, every bad
 * request (a 4xx with a message, never a stack trace), the reload on a file change (debounced,
 * announced on /events), and no secret on any page.
 */
import assert from "node:assert/strict";
import { readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ServerResponse } from "node:http";
import { handleRequest } from "../../src/cli/serve/routes.js";
import type { ServeState } from "../../src/cli/serve/server.js";
import type { RunningServer } from "../../src/cli/serve/server.js";
import type { TraceJson } from "../../src/questions/trace.js";
import { cli, EXAMPLE } from "../support/helpers.js";
import { eventStream, exampleCopy, serveInProcess } from "./serve-support.js";

let dir: string;
let server: RunningServer;
let url: string;

before(async () => {
  dir = exampleCopy();
  ({ server } = await serveInProcess([dir]));
  url = server.url;
});
after(() => server.close());

const get = (path: string, init?: RequestInit) => fetch(new URL(path, url), init);

test("GET / is the report page with the live forms, an HTML page under a content security policy", async () => {
  const r = await get("/");
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(r.headers.get("content-security-policy") ?? "", /connect-src 'self'/);
  const page = await r.text();
  for (const id of ["trace-form", "place-form", "what-if-form", "reload-banner"])
    assert.match(page, new RegExp(`data-testid="${id}"`), id);
  for (const node of ["k8s-master", "k8s-worker-1", "k8s-worker-2"])
    assert.match(page, new RegExp(`data-testid="node" data-node="${node}"`));
  // the whole page, as report -o html writes it: connectivity and exposure computed too
  assert.doesNotMatch(page, /Not computed for this page/);
  // the trace choices come from the snapshot: nodes, workloads, services, pods, the ingress URLs
  for (const choice of [
    "internet",
    "node:k8s-worker-1",
    "workload:ecoeco/ecoeco-api",
    "service:messaging/rabbitmq",
    "url:https://growbin.app/argocd",
  ])
    assert.match(page, new RegExp(`<option value="${choice}">`), choice);
});

test("GET /api/choices lists the endpoints as parseEndpoint reads them, the workloads and the nodes", async () => {
  const r = await get("/api/choices");
  assert.equal(r.status, 200);
  const c = (await r.json()) as { endpoints: string[]; workloads: string[]; nodes: string[]; generation: number };
  assert.deepEqual(c.nodes, ["k8s-master", "k8s-worker-1", "k8s-worker-2"]);
  assert.ok(c.workloads.includes("ecoeco/ecoeco-api"));
  assert.equal(c.endpoints[0], "internet");
  // a load-balancer rule that forwards nothing has no endpoint to offer (the report writes "-")
  assert.ok(!c.endpoints.includes("-"));
  assert.ok(
    c.endpoints.every((e) => /^(internet|(node|url):.+|(pod|workload|service):[a-z0-9-]+\/.+)$/.test(e)),
    c.endpoints.join(),
  );
});

test("GET /api/trace answers as `podpath trace -o json` does, and as a fragment with the hops and the final source", async () => {
  const q = "from=workload:ecoeco/ecoeco-api&to=internet";
  const r = await get(`/api/trace?${q}`);
  assert.equal(r.status, 200);
  const served = (await r.json()) as TraceJson;
  const cliRun = await cli([
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
  assert.equal(cliRun.code, 0, cliRun.stderr);
  assert.deepEqual(served, JSON.parse(cliRun.stdout));
  assert.equal(served.verdict, "delivered");
  const html = await (await get(`/api/trace?${q}&format=html`)).text();
  assert.match(html, /^<section class="path"/);
  // the forward hops at least (the page may show the reply's too)
  assert.ok((html.match(/data-testid="hop"/g) ?? []).length >= served.hops.length);
  assert.match(html, new RegExp(`data-testid="final-source">${served.finalSourceIp!.replace(/\./g, "\\.")}<`));
});

test("GET /api/place gives each workload's verdict on each node exactly as the page's placement cell shows it (placement-matrix.ts cellVerdict), a pod the scheduler would place included", async () => {
  // a Deployment with no pod yet: its pods are predicted, which the page shows as "predicted", not "runs"
  const own = exampleCopy();
  const pending = join(own, "..", "pending.yaml");
  writeFileSync(
    pending,
    [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: pending-web, namespace: ecoeco}",
      "spec:",
      "  replicas: 1",
      "  selector: {matchLabels: {app: pending-web}}",
      "  template:",
      "    metadata: {labels: {app: pending-web}}",
      "    spec: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 10m}}}]}",
      "",
    ].join("\n"),
  );
  const { server: ownServer } = await serveInProcess([own, pending]);
  const get = (path: string) => fetch(new URL(path, ownServer.url));
  try {
    const page = await (await get("/")).text();
    const cells = [
      ...page.matchAll(
        /data-testid="placement-cell" data-workload="([^"]+)" data-node="([^"]+)" data-verdict="([^"]+)"/g,
      ),
    ];
    assert.ok(cells.length >= 60, `${cells.length} cells`);
    for (const [, workload, node, verdict] of cells) {
      const r = await get(`/api/place?workload=${workload}&node=${node}`);
      assert.equal(r.status, 200);
      const j = (await r.json()) as { node: { verdict: string } };
      assert.equal(j.node.verdict, verdict, `${workload} on ${node}`);
    }
    assert.ok(cells.some(([, workload, , verdict]) => workload === "ecoeco/pending-web" && verdict === "predicted"));
  } finally {
    await ownServer.close();
  }
});

test("GET /api/place explains one workload on the chosen node: the verdict and the scheduler's reasons", async () => {
  const r = await get("/api/place?workload=ecoeco/ecoeco-api&node=k8s-master");
  assert.equal(r.status, 200);
  const j = (await r.json()) as {
    place: { workloads: { name: string }[] };
    node: { verdict: string; reasons: { plugin: string }[] };
  };
  assert.deepEqual(
    j.place.workloads.map((w) => w.name),
    ["ecoeco-api"],
  );
  // the control plane's NoSchedule taint (TaintToleration, kube-scheduler plugins/tainttoleration)
  assert.equal(j.node.verdict, "rejected");
  assert.ok(j.node.reasons.some((x) => x.plugin === "TaintToleration"));
  const html = await (await get("/api/place?workload=ecoeco/ecoeco-api&node=k8s-master&format=html")).text();
  assert.match(
    html,
    /data-testid="node-explanation" data-workload="ecoeco\/ecoeco-api" data-node="k8s-master" data-verdict="rejected"/,
  );
  assert.match(html, /data-testid="placement-cell"/);
});

// every bad request: the status and the message's words, JSON under /api/
const BAD: readonly [string, string, RequestInit | undefined, number, RegExp][] = [
  [
    "an endpoint that parseEndpoint refuses",
    "/api/trace?from=pod:nope&to=internet",
    undefined,
    400,
    /from: pod: needs NAMESPACE\/NAME/,
  ],
  ["a missing endpoint", "/api/trace?from=internet", undefined, 400, /parameter to is required/],
  [
    "an endpoint the snapshot lacks",
    "/api/trace?from=workload:ecoeco/nope&to=internet",
    undefined,
    400,
    /ecoeco\/nope/,
  ],
  [
    "an unknown parameter",
    "/api/trace?from=internet&to=internet&verbose=1",
    undefined,
    400,
    /unknown parameter "verbose"/,
  ],
  ["a parameter given twice", "/api/trace?from=internet&from=internet&to=internet", undefined, 400, /given twice/],
  [
    "a port out of range",
    "/api/trace?from=internet&to=node:k8s-worker-1&port=70000",
    undefined,
    400,
    /port: expected a port number/,
  ],
  [
    "a protocol podpath does not trace",
    "/api/trace?from=internet&to=node:k8s-worker-1&protocol=GRE",
    undefined,
    400,
    /protocol: one of TCP/,
  ],
  ["an unknown format", "/api/trace?from=internet&to=internet&format=xml", undefined, 400, /format: json or html/],
  [
    "a parameter over the length limit",
    `/api/trace?from=${"a".repeat(3000)}&to=internet`,
    undefined,
    400,
    /longer than 2048/,
  ],
  [
    "a workload that is not NS/NAME (apimachinery validation.go IsDNS1123Label / IsDNS1123Subdomain)",
    "/api/place?workload=Ecoeco/API",
    undefined,
    400,
    /not NAMESPACE\/NAME/,
  ],
  ["a workload the snapshot lacks", "/api/place?workload=ecoeco/nope", undefined, 400, /ecoeco\/nope/],
  [
    "a node the snapshot lacks",
    "/api/place?workload=ecoeco/ecoeco-api&node=k8s-worker-7",
    undefined,
    400,
    /no node k8s-worker-7/,
  ],
  ["a parameter on the page", "/?x=1", undefined, 400, /takes no parameters/],
  ["an unknown path", "/api/nope", undefined, 404, /no such page/],
  ["a POST to the page", "/", { method: "POST" }, 405, /answers GET only/],
  ["a GET of the what-if", "/api/what-if", undefined, 405, /answers POST only/],
  [
    "a what-if that is not JSON",
    "/api/what-if",
    { method: "POST", headers: { "content-type": "application/json" }, body: "yaml: x" },
    400,
    /not JSON/,
  ],
  [
    "a what-if as a form post",
    "/api/what-if",
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "yaml=x" },
    415,
    /application\/json/,
  ],
  [
    "a what-if with an unknown field",
    "/api/what-if",
    { method: "POST", headers: { "content-type": "application/json" }, body: '{"yaml":"x","cmd":"rm"}' },
    400,
    /unknown field "cmd"/,
  ],
  [
    "a what-if with both yaml and file",
    "/api/what-if",
    { method: "POST", headers: { "content-type": "application/json" }, body: '{"yaml":"x","file":"k8s/nodes.yaml"}' },
    400,
    /either yaml .* or file/,
  ],
  [
    "a what-if file outside the snapshot's directory",
    "/api/what-if",
    { method: "POST", headers: { "content-type": "application/json" }, body: '{"file":"../../../etc/hosts.yaml"}' },
    400,
    /file: /,
  ],
  [
    "a what-if file that is not YAML or JSON",
    "/api/what-if",
    { method: "POST", headers: { "content-type": "application/json" }, body: '{"file":"README.md"}' },
    400,
    /a \.yaml, \.yml or \.json file/,
  ],
  [
    "a what-if whose YAML does not parse (file:line:col)",
    "/api/what-if",
    { method: "POST", headers: { "content-type": "application/json" }, body: '{"yaml":"kind: ["}' },
    400,
    /^what-if\.yaml:\d+:\d+: YAML syntax error/,
  ],
  [
    "a what-if from another site",
    "/api/what-if",
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: '{"yaml":"x"}',
    },
    403,
    /refused/,
  ],
];

for (const [what, path, init, status, message] of BAD) {
  test(`a bad request answers ${status} with a message and no stack trace: ${what}`, async () => {
    const r = await get(path, init);
    assert.equal(r.status, status);
    const text = await r.text();
    const body = path.startsWith("/api/") ? (JSON.parse(text) as { error: string }).error : text;
    assert.match(body, message);
    assert.doesNotMatch(text, /\n\s+at /, "no stack trace");
  });
}

test("a request body over 1 MiB is refused with 413 before it is read whole", async () => {
  const r = await get("/api/what-if", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ yaml: "x".repeat(1024 * 1024 + 1) }),
  });
  assert.equal(r.status, 413);
  assert.match(((await r.json()) as { error: string }).error, /over 1048576 bytes/);
});

test("a what-if file that links out of the snapshot's directory is refused (its real path is checked)", async () => {
  symlinkSync("/etc/hostname", join(dir, "escape.yaml"));
  const r = await get("/api/what-if", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"file":"escape.yaml"}',
  });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /not under the snapshot's directory/);
});

test("a Host header that names another site is refused (DNS rebinding against a loopback server; RFC 9110 Host)", async () => {
  const status = await new Promise<number>((done, fail) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: "/", headers: { host: "evil.example:80" } }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on("error", fail);
    req.end();
  });
  assert.equal(status, 403);
});

test("an error of the analysis is a 500 with its message and no stack trace", async () => {
  let status = 0;
  let headers: Record<string, string> = {};
  let body = "";
  const response = {
    headersSent: false,
    writeHead(s: number, h: Record<string, string>) {
      status = s;
      headers = h;
    },
    end(text: string) {
      body = text;
    },
  } as unknown as ServerResponse;
  const state = {
    config: { checkHost: false },
    current() {
      throw new Error("the analysis broke");
    },
  } as unknown as ServeState;
  await handleRequest({ url: "/api/choices", method: "GET", headers: {} } as never, response, state);
  assert.equal(status, 500);
  assert.equal(headers["content-type"], "application/json; charset=utf-8");
  assert.deepEqual(JSON.parse(body), { error: "internal error while answering: the analysis broke" });
});

const NODE_TAINTED = (name: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
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

test("POST /api/what-if: a node tainted NoSchedule turns the workloads that do not tolerate it from feasible to rejected there (TaintToleration), the pods already running stay", async () => {
  const r = await get("/api/what-if", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ yaml: NODE_TAINTED("k8s-worker-2"), format: "json" }),
  });
  assert.equal(r.status, 200);
  const j = (await r.json()) as { changes: { workload: string; node: string; before: string; after: string }[] };
  assert.ok(j.changes.length > 0);
  assert.ok(
    j.changes.every((c) => c.node === "k8s-worker-2" && c.before === "feasible" && c.after === "rejected"),
    JSON.stringify(j.changes),
  );
  // the served snapshot is unchanged
  const again = (await (await get("/api/place?workload=ecoeco/ecoeco-api&node=k8s-worker-2")).json()) as {
    node: { verdict: string };
  };
  assert.notEqual(again.node.verdict, "rejected");
});

test("POST /api/what-if with a file under the snapshot's directory, and the trace re-run with the change", async () => {
  writeFileSync(join(dir, "taint-worker-2.yaml"), NODE_TAINTED("k8s-worker-2"));
  const r = await get("/api/what-if", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ file: "taint-worker-2.yaml", from: "internet", to: "url:https://growbin.app/argocd" }),
  });
  assert.equal(r.status, 200);
  const j = (await r.json()) as { changes: unknown[]; trace: { before: string; after: string } };
  assert.ok(j.changes.length > 0);
  assert.equal(j.trace.before, "delivered");
  assert.ok(["delivered", "dropped", "unknown"].includes(j.trace.after));
  const html = await (
    await get("/api/what-if", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ file: "taint-worker-2.yaml", format: "html" }),
    })
  ).text();
  assert.match(
    html,
    /data-testid="what-if-change" data-workload="[^"]+" data-node="k8s-worker-2" data-before="feasible" data-after="rejected"/,
  );
  assert.match(html, /data-testid="placement-cell"[^>]*data-node="k8s-worker-2" data-verdict="rejected"/);
});

test("no secret and no environment value of the example is served: page, choices, place, trace, what-if", async () => {
  const secrets = [
    "EXAMPLE-NOT-A-REAL-SECRET-0001",
    "EXAMPLE-NOT-A-REAL",
    Buffer.from("EXAMPLE-NOT-A-REAL-GRAFANA-PASSWORD-0003").toString("base64"),
  ];
  const raw = ["k8s/deployments.yaml", "k8s/secrets.yaml"]
    .map((f) => readFileSync(join(EXAMPLE, f), "utf8"))
    .join("\n");
  assert.ok(
    secrets.every((s) => raw.includes(s)),
    "the example holds them, so this test can fail",
  );
  const answers = [
    await (await get("/")).text(),
    await (await get("/api/choices")).text(),
    await (await get("/api/place?workload=monitoring/prometheus-grafana&node=k8s-worker-1")).text(),
    await (await get("/api/place?workload=ecoeco/ecoeco-api&format=html")).text(),
    await (await get("/api/trace?from=internet&to=url:https://growbin.app/grafana")).text(),
    await (
      await get("/api/what-if", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ file: "k8s/deployments.yaml", format: "html" }),
      })
    ).text(),
  ];
  for (const answer of answers) for (const secret of secrets) assert.ok(!answer.includes(secret), secret);
});

test("a file change reloads the snapshot once, after the writes stop (debounced), and /events announces it (WHATWG HTML server-sent events: event/data lines)", async () => {
  const events = await eventStream(url);
  try {
    const hello = await events.next("hello");
    const generation = hello.data["generation"] as number;
    const nodes = join(dir, "k8s/nodes.yaml");
    const text = readFileSync(nodes, "utf8");
    // three writes 40 ms apart: one reload
    writeFileSync(nodes, text.replace("    name: k8s-worker-2\n", "    name: k8s-worker-8\n"));
    await new Promise((r) => setTimeout(r, 40));
    writeFileSync(nodes, text.replace("    name: k8s-worker-2\n", "    name: k8s-worker-9\n"));
    await new Promise((r) => setTimeout(r, 40));
    writeFileSync(nodes, text.replace("    name: k8s-worker-2\n", "    name: k8s-worker-9\n") + "\n");
    const reload = await events.next("reload");
    assert.equal(reload.data["generation"], generation + 1);
    assert.match(reload.data["time"] as string, /^\d\d:\d\d:\d\d UTC$/);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(events.seen().filter((e) => e.event === "reload").length, 1, "one reload for the burst");
    const page = await (await get("/")).text();
    assert.match(page, /data-node="k8s-worker-9"/);
    assert.doesNotMatch(page, /data-node="k8s-worker-2"/);
    assert.match(page, new RegExp(`data-generation="${generation + 1}"`));
    writeFileSync(nodes, text);
    await events.next("reload");
  } finally {
    events.close();
  }
});

test("a reload that cannot load the snapshot keeps serving the previous one and says why (reload-failed, file:line:col)", async () => {
  const single = join(exampleCopy(), "k8s/nodes.yaml");
  const { server: alone, log } = await serveInProcess([single]);
  const events = await eventStream(alone.url);
  try {
    await events.next("hello");
    writeFileSync(single, "apiVersion: v1\nkind: [\n");
    const failed = await events.next("reload-failed");
    assert.match(failed.data["message"] as string, /nodes\.yaml:\d+:\d+: YAML syntax error/);
    assert.ok(
      log.some((l) => /snapshot not reloaded at .* YAML syntax error/.test(l)),
      log.join("\n"),
    );
    const page = await (await fetch(alone.url)).text();
    assert.match(page, /data-node="k8s-worker-1"/, "the snapshot loaded before is still served");
  } finally {
    events.close();
    await alone.close();
  }
});

test("a file of the snapshot's directory that cannot hold a snapshot part (README.md, an editor's swap file) reloads nothing; the browser's own /favicon.ico is answered with no content", async () => {
  const events = await eventStream(url);
  try {
    const hello = await events.next("hello");
    writeFileSync(join(dir, "README.md"), "notes\n");
    writeFileSync(join(dir, "k8s", ".nodes.yaml.swp"), "x");
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(
      events.seen().map((e) => e.event),
      ["hello"],
    );
    assert.equal(server.state.current().generation, hello.data["generation"]);
  } finally {
    events.close();
  }
  const icon = await get("/favicon.ico");
  assert.equal(icon.status, 204);
});

test("an editor's save (a new file renamed over the old one) reloads too: the directory is watched, not the replaced file's inode (inotify)", async () => {
  const copy = exampleCopy();
  const { server: other } = await serveInProcess([copy]);
  const events = await eventStream(other.url);
  try {
    await events.next("hello");
    const nodes = join(copy, "k8s/nodes.yaml");
    const text = readFileSync(nodes, "utf8");
    for (const name of ["k8s-worker-7", "k8s-worker-6"]) {
      writeFileSync(`${nodes}.swp`, text.replace("    name: k8s-worker-2\n", `    name: ${name}\n`));
      renameSync(`${nodes}.swp`, nodes);
      await events.next("reload");
      assert.match(await (await fetch(other.url)).text(), new RegExp(`data-node="${name}"`));
    }
  } finally {
    events.close();
    await other.close();
  }
});
