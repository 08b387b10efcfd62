/**
 * The live part of the page `podpath serve` serves: inserted into the report page
 * (renderReportHtml's `live.head` and `live.body`), it holds the forms (trace an endpoint pair,
 * explain a workload on a node, try a --with change), the banner that says when the snapshot was
 * reloaded, and the script that sends the forms to routes.ts and listens to /events. Also the
 * server-side fragments the routes answer with, besides the format layer's own.
 *
 * A reload reloads the whole page (the report is rebuilt from the new snapshot on the server):
 * the forms' values and the questions already asked are kept in sessionStorage across it, asked
 * again, and the banner says when the snapshot was reloaded.
 */
import type { ReasonJson, WorkloadPlacementJson } from "../../questions/place.js";
import type { Verdict } from "../../analysis/paths/trace-model.js";
import type { Choices } from "./choices.js";
import { clockTime } from "./clock.js";
import { esc } from "../../format/html/escape.js";

const options = (values: readonly string[]) =>
  values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join("");

const STYLE = `<style>
.podpath-live{border-top:2px solid #888;margin-top:2em;padding-top:1em;font:14px/1.4 system-ui,sans-serif}
.podpath-live fieldset{margin:0 0 .5em;border:1px solid #bbb}
.podpath-live label{display:inline-block;margin:.2em .8em .2em 0}
.podpath-live textarea{width:100%;min-height:8em;font-family:ui-monospace,monospace}
.podpath-live .banner{background:#fff4c2;border:1px solid #d9b800;padding:.4em .8em;position:fixed;top:.5em;right:.5em;max-width:40em;z-index:10;cursor:pointer}
.podpath-live .banner[data-state="failed"]{background:#fdd;border-color:#c00}
.podpath-live .error{color:#a00;white-space:pre-wrap}
.podpath-live [aria-busy="true"]{opacity:.5}
@media print{.podpath-live form{display:none}}
</style>`;

export interface LiveView {
  readonly choices: Choices;
  readonly generation: number;
  readonly loadedAt: Date;
  /** files of the snapshot that could not be loaded */
  readonly errors: readonly string[];
}

/** The script of the live part (plain DOM, no library; the page works offline). */
const SCRIPT = `<script>
(() => {
  const KEY = "podpath-serve";
  const live = document.getElementById("podpath-live");
  const generation = Number(live.dataset.generation);
  const banner = live.querySelector('[data-testid="reload-banner"]');
  const FORMS = ["trace-form", "place-form", "what-if-form"];
  const asked = new Set();
  const resultOf = (id) => live.querySelector('[data-testid="' + id.replace("-form", "-result") + '"]');
  const field = (id, name) => {
    const value = new FormData(document.getElementById(id)).get(name);
    return typeof value === "string" ? value.trim() : "";
  };
  async function text(response) {
    if (response.ok) return response.text();
    let message = response.status + " " + response.statusText;
    try {
      const body = await response.text();
      message = (response.headers.get("content-type") || "").includes("json") ? JSON.parse(body).error : body;
    } catch (e) {}
    throw new Error(message);
  }
  function request(id) {
    if (id === "trace-form") {
      const q = new URLSearchParams({ format: "html" });
      for (const k of ["from", "to", "port", "protocol"]) if (field(id, k)) q.set(k, field(id, k));
      return fetch("/api/trace?" + q);
    }
    if (id === "place-form") {
      const q = new URLSearchParams({ format: "html", workload: field(id, "workload") });
      if (field(id, "node")) q.set("node", field(id, "node"));
      return fetch("/api/place?" + q);
    }
    const body = { format: "html" };
    if (field(id, "yaml")) body.yaml = new FormData(document.getElementById(id)).get("yaml");
    if (field(id, "file")) body.file = field(id, "file");
    if (field(id, "workload")) body.workload = field(id, "workload");
    if (field(id, "withTrace"))
      for (const k of ["from", "to", "port", "protocol"]) if (field("trace-form", k)) body[k] = field("trace-form", k);
    return fetch("/api/what-if", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }
  async function run(id) {
    const target = resultOf(id);
    target.setAttribute("aria-busy", "true");
    try {
      target.innerHTML = await text(await request(id));
      asked.add(id);
    } catch (e) {
      const p = document.createElement("p");
      p.className = "error";
      p.dataset.testid = "error";
      p.setAttribute("role", "alert");
      p.textContent = e instanceof Error ? e.message : String(e);
      target.replaceChildren(p);
    } finally {
      target.removeAttribute("aria-busy");
    }
  }
  for (const id of FORMS)
    document.getElementById(id).addEventListener("submit", (event) => {
      event.preventDefault();
      run(id);
    });
  banner.addEventListener("click", () => (banner.hidden = true));
  function showBanner(message, failed) {
    banner.textContent = message;
    banner.dataset.state = failed ? "failed" : "reloaded";
    banner.hidden = false;
  }
  function reloadPage(message) {
    const forms = {};
    for (const id of FORMS) {
      forms[id] = {};
      for (const el of document.getElementById(id).elements)
        if (el.name) forms[id][el.name] = el.type === "checkbox" ? el.checked : el.value;
    }
    sessionStorage.setItem(KEY, JSON.stringify({ forms, asked: [...asked], banner: message }));
    location.reload();
  }
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch (e) {}
  if (saved) {
    sessionStorage.removeItem(KEY);
    for (const id of FORMS)
      for (const el of document.getElementById(id).elements) {
        const value = saved.forms && saved.forms[id] ? saved.forms[id][el.name] : undefined;
        if (value === undefined) continue;
        if (el.type === "checkbox") el.checked = value === true;
        else el.value = value;
      }
    if (saved.banner) showBanner(saved.banner, false);
    for (const id of saved.asked || []) if (FORMS.includes(id)) run(id);
  }
  if (typeof EventSource === "function") {
    const events = new EventSource("/events");
    events.addEventListener("hello", (event) => {
      const data = JSON.parse(event.data);
      // reloaded between this page's answer and the stream's start
      if (data.generation > generation) reloadPage("snapshot reloaded");
    });
    events.addEventListener("reload", (event) => {
      const data = JSON.parse(event.data);
      const errors = data.errors.length ? " (" + data.errors.length + " file(s) could not be loaded: " + data.errors.join("; ") + ")" : "";
      reloadPage("snapshot reloaded at " + data.time + errors);
    });
    events.addEventListener("reload-failed", (event) => {
      const data = JSON.parse(event.data);
      showBanner("snapshot not reloaded at " + data.time + ": " + data.message + " (the page still shows the snapshot loaded before)", true);
    });
  }
})();
</script>`;

/** renderReportHtml's `live` option: the style in the head, the forms and their script in the body. */
export function livePart(view: LiveView): { head: string; body: string } {
  const c = view.choices;
  const errors = view.errors.length
    ? `<div class="error" data-testid="load-errors"><p>${view.errors.length} file(s) of the snapshot could not be loaded; the page leaves them out:</p><ul>${view.errors.map((e) => `<li>${esc(e)}</li>`).join("")}</ul></div>`
    : "";
  const podsNote = c.podsLeftOut > 0 ? ` (pods are not listed: ${c.podsLeftOut} of them; type pod:NS/NAME)` : "";
  const body = `<section id="podpath-live" class="podpath-live" data-testid="live" data-generation="${view.generation}" aria-label="Ask podpath">
<div class="banner" data-testid="reload-banner" role="status" aria-live="polite" title="click to dismiss" hidden></div>
<h2>Ask</h2>
<p>Snapshot loaded at <time datetime="${view.loadedAt.toISOString()}">${clockTime(view.loadedAt)}</time>; the page reloads when its files change.</p>
${errors}
<datalist id="podpath-endpoints">${options(c.endpoints)}</datalist>
<form id="trace-form" data-testid="trace-form">
<fieldset><legend>Trace a packet</legend>
<label>from <input name="from" list="podpath-endpoints" required size="40" autocomplete="off"></label>
<label>to <input name="to" list="podpath-endpoints" required size="40" autocomplete="off"></label>
<label>port <input name="port" type="number" min="1" max="65535" size="6"></label>
<label>protocol <select name="protocol">${options(["TCP", "UDP", "SCTP", "ICMP"])}</select></label>
<button type="submit">Trace</button>
<p><small>Endpoints: internet, node:NAME, pod:NS/NAME, workload:NS/NAME, service:NS/NAME, ip:ADDR, url:https://HOST/PATH${esc(podsNote)}</small></p>
</fieldset></form>
<div data-testid="trace-result" aria-live="polite"></div>
<form id="place-form" data-testid="place-form">
<fieldset><legend>Explain a workload on a node</legend>
<label>workload <select name="workload" required>${options(c.workloads)}</select></label>
<label>node <select name="node"><option value="">(every node)</option>${options(c.nodes)}</select></label>
<button type="submit">Explain</button>
</fieldset></form>
<div data-testid="place-result" aria-live="polite"></div>
<form id="what-if-form" data-testid="what-if-form">
<fieldset><legend>Try a change (--with)</legend>
<label for="podpath-what-if-yaml">objects that are added, or replace their namesakes (kind, namespace, name): YAML or JSON as kubectl prints it</label>
<textarea id="podpath-what-if-yaml" name="yaml" spellcheck="false"></textarea>
<label>or a file under the snapshot's directory <input name="file" size="40" placeholder="what-if/taint-node.yaml"></label>
<label>only the workload <select name="workload"><option value="">(every workload)</option>${options(c.workloads)}</select></label>
<label><input type="checkbox" name="withTrace" value="yes"> also trace the packet above with the change</label>
<button type="submit">Try</button>
</fieldset></form>
<div data-testid="what-if-result" aria-live="polite"></div>
</section>
${SCRIPT}`;
  return { head: STYLE, body };
}

function reasonHtml(r: ReasonJson): string {
  return `<li>${esc(r.plugin)}: ${esc(r.message)}${r.source ? ` <code>${esc(r.source)}</code>` : ""}</li>`;
}

/** One workload on one node: the verdict and the scheduler's reasons (the place form's answer, routes.ts nodeOf). */
export function nodeExplanationHtml(
  w: WorkloadPlacementJson,
  explained: { node: string; verdict: string; reasons: readonly ReasonJson[]; pods: readonly string[] },
): string {
  const { node, verdict, reasons, pods } = explained;
  const id = `${w.namespace}/${w.name}`;
  const notTargeted = w.notTargeted.find((n) => n.node === node);
  const detail =
    reasons.length > 0
      ? `<ul data-testid="node-reasons">${reasons.map(reasonHtml).join("")}</ul>`
      : notTargeted
        ? `<p>The DaemonSet controller makes no pod for this node (${esc(notTargeted.rule)}): ${esc(notTargeted.reason)}${notTargeted.source ? ` <code>${esc(notTargeted.source)}</code>` : ""}</p>`
        : verdict === "not-targeted"
          ? "<p>The DaemonSet controller makes no pod for this node.</p>"
          : "<p>The node passes every filter of the scheduler.</p>";
  const here = pods.length ? `<p>Pods on it: ${pods.map(esc).join(", ")}</p>` : "";
  return `<section class="explain" data-testid="node-explanation" data-workload="${esc(id)}" data-node="${esc(node)}" data-verdict="${verdict}">
<h3>${esc(id)} on ${esc(node)}: ${verdict}</h3>
${detail}${here}</section>`;
}

export interface WhatIfView {
  /** what the change came from: the form's YAML, or the file's path */
  readonly source: string;
  readonly changes: readonly { workload: string; node: string; before: string; after: string }[];
  readonly trace?: { readonly before: Verdict; readonly after: Verdict; readonly html: string } | undefined;
  /** renderPlaceHtml of the changed workloads (or the one asked for) */
  readonly placements: readonly string[];
}

/** The what-if list shows at most this many changed verdicts. */
const SHOWN_CHANGES = 200;

export function whatIfHtml(view: WhatIfView): string {
  const n = view.changes.length;
  const items = view.changes
    .slice(0, SHOWN_CHANGES)
    .map(
      (c) =>
        `<li data-testid="what-if-change" data-workload="${esc(c.workload)}" data-node="${esc(c.node)}" data-before="${c.before}" data-after="${c.after}">${esc(c.workload)} on ${esc(c.node)}: ${c.before} → ${c.after}</li>`,
    )
    .join("");
  const more = n > SHOWN_CHANGES ? `<p>… and ${n - SHOWN_CHANGES} more.</p>` : "";
  const trace = view.trace
    ? `<p data-testid="what-if-trace" data-before="${view.trace.before}" data-after="${view.trace.after}">The trace: ${view.trace.before} → ${view.trace.after}</p>${view.trace.html}`
    : "";
  return `<section class="what-if" data-testid="what-if-answer">
<p>With ${esc(view.source)}: ${n === 0 ? "no placement verdict changes" : n === 1 ? "1 placement verdict changes" : `${n} placement verdicts change`}.</p>
${n > 0 ? `<ul data-testid="what-if-changes">${items}</ul>` : ""}${more}
${trace}
${view.placements.join("\n")}
</section>`;
}
