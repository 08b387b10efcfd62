/**
 * The requests `podpath serve` answers, each parameter checked before any analysis runs:
 *
 *   GET  /                 the report page with the live forms (live-page.ts)
 *   GET  /events           Server-Sent Events: `reload` / `reload-failed` when the snapshot's files change
 *   GET  /api/choices      the forms' choices (choices.ts) as JSON
 *   GET  /api/trace        ?from=&to=[&port=][&protocol=][&format=json|html]: `podpath trace`
 *   GET  /api/place        ?workload=NS/NAME[&node=NAME][&format=json|html]: `podpath place --workload`
 *   POST /api/what-if      JSON {yaml | file, [workload], [from, to, port, protocol], [format]}: `--with`
 *
 * A malformed request is a 400 with a message (JSON `{"error": …}` under /api/, text elsewhere),
 * an unknown path 404, another method 405, a body over the limit 413; an error of the analysis
 * 500 with its message. No answer ever carries a stack trace.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, isAbsolute, join, resolve, sep } from "node:path";
import { parseEndpoint, type EndpointSpec } from "../../analysis/paths/endpoints.js";
import type { Protocol } from "../../analysis/paths/trace-model.js";
import { renderPlaceHtml, renderTraceHtml } from "../../format/html/index.js";
import {
  cellVerdict,
  indexWorkload,
  type CellVerdict,
  type WorkloadIndex,
} from "../../format/html/placement-matrix.js";
import { displayPath } from "../../load/discover.js";
import { UserError } from "../../model/errors.js";
import type { Snapshot } from "../../model/snapshot.js";
import { answerPlace, type PlaceAnswer, type WorkloadPlacementJson } from "../../questions/place.js";
import { answerTrace, type TraceAnswer } from "../../questions/trace.js";
import { nodeExplanationHtml, whatIfHtml } from "./live-page.js";
import { loadServedSnapshot } from "./load.js";
import type { Loaded, ServeState } from "./server.js";

/** The largest request body (the what-if form's YAML). */
const MAX_BODY_BYTES = 1024 * 1024;
/** The longest query string value (an endpoint, a URL). */
const MAX_PARAM_LENGTH = 2048;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const bad = (message: string) => new HttpError(400, message);

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
};

/** The page's own inline scripts and styles, requests to this server only. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    "content-type": type,
    "content-length": String(Buffer.byteLength(body)),
  });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, value: unknown) =>
  send(response, status, "application/json; charset=utf-8", JSON.stringify(value) + "\n");
const sendHtml = (response: ServerResponse, body: string) =>
  send(response, 200, "text/html; charset=utf-8", body, { "content-security-policy": CONTENT_SECURITY_POLICY });

// ---------------------------------------------------------------------------------------------
// parameters

type Query = ReadonlyMap<string, string>;

/** The query's parameters: each at most once, only those the route knows, none too long. */
function queryOf(url: URL, allowed: readonly string[]): Query {
  const query = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!allowed.includes(key))
      throw bad(
        allowed.length
          ? `unknown parameter ${JSON.stringify(key)}; ${url.pathname} takes ${allowed.join(", ")}`
          : `${url.pathname} takes no parameters`,
      );
    if (query.has(key)) throw bad(`parameter ${key} is given twice`);
    if (value.length > MAX_PARAM_LENGTH) throw bad(`parameter ${key} is longer than ${MAX_PARAM_LENGTH} characters`);
    query.set(key, value);
  }
  return query;
}

function required(query: Query, key: string): string {
  const value = query.get(key);
  if (value === undefined || value === "") throw bad(`parameter ${key} is required`);
  return value;
}

function endpointParam(name: string, value: string): EndpointSpec {
  try {
    return parseEndpoint(value);
  } catch (error) {
    if (error instanceof UserError) throw bad(`${name}: ${error.message}`);
    throw error;
  }
}

/** k8s.io/apimachinery/pkg/util/validation IsDNS1123Label: a namespace's shape. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** IsDNS1123Subdomain: an object's name (Deployment, StatefulSet, Node: ValidateNodeName). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isName(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** `NS/NAME` of a workload, in the shapes the API server accepts. */
function workloadParam(value: string): string {
  const [namespace, name, ...rest] = value.split("/");
  if (
    rest.length > 0 ||
    namespace === undefined ||
    name === undefined ||
    namespace.length > 63 ||
    !DNS1123_LABEL.test(namespace) ||
    !isName(name)
  )
    throw bad(`workload: ${JSON.stringify(value)} is not NAMESPACE/NAME (lowercase letters, digits, '-' and '.')`);
  return value;
}

function nodeParam(value: string, snapshot: Snapshot): string {
  if (!isName(value)) throw bad(`node: ${JSON.stringify(value)} is not a node name`);
  if (!snapshot.kubernetes.nodes.some((n) => n.name === value)) throw bad(`node: no node ${value} in the snapshot`);
  return value;
}

function portParam(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n < 1 || n > 65535) throw bad("port: expected a port number from 1 to 65535");
  return n;
}

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP", "ICMP"];

function protocolParam(value: string | undefined): Protocol {
  if (value === undefined || value === "") return "TCP";
  if (!(PROTOCOLS as readonly string[]).includes(value)) throw bad(`protocol: one of ${PROTOCOLS.join(", ")}`);
  return value as Protocol;
}

function formatParam(value: string | undefined): "json" | "html" {
  if (value === undefined || value === "json") return "json";
  if (value === "html") return "html";
  throw bad("format: json or html");
}

// ---------------------------------------------------------------------------------------------
// the verdict of one workload on one node, as the page's placement cells show it

/** a workload's verdict on a node: the page's own (placement-matrix.ts cellVerdict); "absent" where the workload is not in the answer */
type ServedVerdict = CellVerdict | "absent";

function verdictOn(v: WorkloadIndex | undefined, node: string): ServedVerdict {
  return v ? cellVerdict(v, node) : "absent";
}

// ---------------------------------------------------------------------------------------------
// the routes

interface Route {
  readonly method: "GET" | "POST";
  readonly handle: (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    state: ServeState,
  ) => void | Promise<void>;
}

function page(_request: IncomingMessage, response: ServerResponse, url: URL, state: ServeState) {
  queryOf(url, []);
  sendHtml(response, state.current().page);
}

function events(_request: IncomingMessage, response: ServerResponse, url: URL, state: ServeState) {
  queryOf(url, []);
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": "text/event-stream; charset=utf-8",
    connection: "keep-alive",
  });
  const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), 30_000);
  response.on("close", () => clearInterval(keepAlive));
  state.subscribe(response);
}

function choices(_request: IncomingMessage, response: ServerResponse, url: URL, state: ServeState) {
  queryOf(url, []);
  const loaded = state.current();
  sendJson(response, 200, { generation: loaded.generation, ...loaded.choices });
}

function trace(_request: IncomingMessage, response: ServerResponse, url: URL, state: ServeState) {
  const query = queryOf(url, ["from", "to", "port", "protocol", "format"]);
  const from = endpointParam("from", required(query, "from"));
  const to = endpointParam("to", required(query, "to"));
  const port = portParam(query.get("port"));
  const protocol = protocolParam(query.get("protocol"));
  const format = formatParam(query.get("format"));
  const answer = answerTrace(state.current().snapshot, { from, to, port, protocol });
  if (format === "json") sendJson(response, 200, answer.result);
  else sendHtml(response, renderTraceHtml(answer));
}

function place(_request: IncomingMessage, response: ServerResponse, url: URL, state: ServeState) {
  const query = queryOf(url, ["workload", "node", "format"]);
  const loaded = state.current();
  const workload = workloadParam(required(query, "workload"));
  const nodeValue = query.get("node");
  const node = nodeValue === undefined || nodeValue === "" ? undefined : nodeParam(nodeValue, loaded.snapshot);
  const format = formatParam(query.get("format"));
  const answer = placeOf(state, workload);
  const w = answer.result.workloads[0];
  const explained = node && w ? { node, verdict: verdictOn(indexWorkload(w), node), ...nodeOf(w, node) } : null;
  if (format === "json") sendJson(response, 200, { place: answer.result, node: explained });
  else sendHtml(response, (explained && w ? nodeExplanationHtml(w, explained) : "") + renderPlaceHtml(answer));
}

/** `place --workload` answers per load of the snapshot: placing once per workload, not once per request. */
const placeCache = new WeakMap<Loaded, Map<string, PlaceAnswer>>();

function placeOf(state: ServeState, workload: string): PlaceAnswer {
  const loaded = state.current();
  let cache = placeCache.get(loaded);
  if (!cache) placeCache.set(loaded, (cache = new Map<string, PlaceAnswer>()));
  let answer = cache.get(workload);
  if (!answer) cache.set(workload, (answer = answerPlace(loaded.snapshot, { workload })));
  return answer;
}

/** One workload of a whole-cluster `place` answer, as `place --workload` would show it (without placing again). */
function onlyWorkload(answer: PlaceAnswer, workload: string): PlaceAnswer {
  const named = (w: { namespace: string; name: string }) => `${w.namespace}/${w.name}` === workload;
  return {
    ...answer,
    input: { ...answer.input, workload },
    result: { ...answer.result, workloads: answer.result.workloads.filter(named), staticPods: [], findings: [] },
    analysis: { ...answer.analysis, workloads: answer.analysis.workloads.filter(named), staticPods: [] },
  };
}

/** One workload's reasons and pods on one node (the place form's JSON `node`, and its HTML: nodeExplanationHtml). */
function nodeOf(w: WorkloadPlacementJson, node: string) {
  return {
    reasons: w.nodes.find((n) => n.node === node)?.reasons ?? [],
    pods: w.pods.filter((p) => (p.observedNode ?? p.predictedNode) === node).map((p) => p.name),
  };
}

// --- the what-if

interface WhatIfRequest {
  readonly yaml?: string;
  readonly file?: string;
  readonly workload?: string;
  readonly from?: string;
  readonly to?: string;
  readonly port?: string | number;
  readonly protocol?: string;
  readonly format?: string;
}

const WHAT_IF_KEYS = ["yaml", "file", "workload", "from", "to", "port", "protocol", "format"] as const;

async function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const text = body.toString("utf8");
  if (Buffer.byteLength(text) !== body.length || text.includes("\uFFFD")) throw bad("the request body is not UTF-8");
  return text;
}

function whatIfRequest(text: string): WhatIfRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("the request body is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw bad("the request body is not a JSON object");
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!(WHAT_IF_KEYS as readonly string[]).includes(key))
      throw bad(`unknown field ${JSON.stringify(key)}; /api/what-if takes ${WHAT_IF_KEYS.join(", ")}`);
    const v = body[key];
    if (key === "port" ? typeof v !== "string" && typeof v !== "number" : typeof v !== "string")
      throw bad(`field ${key}: expected a string`);
  }
  return body;
}

/**
 * A --with file named by the form: a path relative to the snapshot's directory that stays under
 * it once links are resolved, naming a *.yaml, *.yml or *.json file.
 */
function whatIfFile(file: string, base: string): string {
  if (file.includes("\0") || isAbsolute(file) || file.length > 1024)
    throw bad(`file: ${JSON.stringify(file)} is not a path relative to the snapshot's directory`);
  if (!/^\.(ya?ml|json)$/i.test(extname(file))) throw bad("file: a .yaml, .yml or .json file");
  let real: string;
  let root: string;
  try {
    root = realpathSync(base);
    real = realpathSync(resolve(base, file));
  } catch {
    throw bad(`file: no file ${file} in the snapshot's directory`);
  }
  if (!real.startsWith(root + sep)) throw bad(`file: ${file} is not under the snapshot's directory`);
  if (!statSync(real).isFile()) throw bad(`file: ${file} is not a file`);
  return real;
}

interface VerdictChange {
  readonly workload: string;
  readonly node: string;
  readonly before: ServedVerdict;
  readonly after: ServedVerdict;
}

/** Every (workload, node) whose verdict differs between the two placements. */
function verdictChanges(
  before: readonly WorkloadPlacementJson[],
  after: readonly WorkloadPlacementJson[],
  nodes: readonly string[],
): VerdictChange[] {
  const key = (w: WorkloadPlacementJson) => `${w.namespace}/${w.name}`;
  // indexed once per workload: without it each of the workloads × nodes cells scanned the answer
  // (300 workloads × 1,000 nodes: 3.7 s, indexed 0.15 s)
  const was = new Map(before.map((w) => [key(w), indexWorkload(w)]));
  const is = new Map(after.map((w) => [key(w), indexWorkload(w)]));
  const changes: VerdictChange[] = [];
  for (const workload of [...new Set([...was.keys(), ...is.keys()])].sort()) {
    for (const node of nodes) {
      const b = verdictOn(was.get(workload), node);
      const a = verdictOn(is.get(workload), node);
      if (a !== b) changes.push({ workload, node, before: b, after: a });
    }
  }
  return changes;
}

/** The what-if fragment renders the placement of at most this many changed workloads. */
const SHOWN_WORKLOADS = 3;

async function whatIf(request: IncomingMessage, response: ServerResponse, url: URL, state: ServeState) {
  queryOf(url, []);
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "send the what-if as application/json");
  const body = whatIfRequest(await readBody(request));
  if ((body.yaml === undefined) === (body.file === undefined) || body.yaml === "" || body.file === "")
    throw bad("give either yaml (the objects) or file (a path under the snapshot's directory)");
  const workload = body.workload ? workloadParam(body.workload) : undefined;
  const traced =
    body.from || body.to
      ? {
          from: endpointParam("from", body.from ?? ""),
          to: endpointParam("to", body.to ?? ""),
          port: portParam(body.port === undefined ? undefined : String(body.port)),
          protocol: protocolParam(body.protocol),
        }
      : undefined;
  const format = formatParam(body.format);

  const loaded = state.current();
  let temp: string | undefined;
  let path: string;
  if (body.yaml !== undefined) {
    temp = mkdtempSync(join(tmpdir(), "podpath-what-if-"));
    path = join(temp, "what-if.yaml");
    writeFileSync(path, body.yaml, { mode: 0o600 });
  } else path = whatIfFile(body.file!, state.whatIfBase);
  // the form's YAML lives in a temporary file: answers name it what-if.yaml
  const names = temp ? [displayPath(path, state.config.displayBase), path] : [];
  const shown = (text: string) => names.reduce((t, name) => t.split(name).join("what-if.yaml"), text);
  try {
    let changed: Snapshot;
    try {
      // the served snapshot's files, the server's --with, then this one
      changed = loadServedSnapshot(state.config, [path]);
    } catch (error) {
      if (error instanceof UserError) throw bad(shown([...error.before, error.message].join("\n")));
      throw error;
    }
    const nodes = [...new Set([...loaded.choices.nodes, ...changed.kubernetes.nodes.map((n) => n.name)])].sort();
    const before = workload ? placeOf(state, workload).result.workloads : loaded.report.analysis.placement.workloads;
    const afterAll = answerPlace(changed, workload ? { workload } : {});
    const changes = verdictChanges(before, afterAll.result.workloads, nodes);
    const traces: { before: TraceAnswer; after: TraceAnswer } | undefined = traced
      ? { before: answerTrace(loaded.snapshot, traced), after: answerTrace(changed, traced) }
      : undefined;
    if (format === "json") {
      const json = {
        changes,
        trace: traces
          ? { before: traces.before.result.verdict, after: traces.after.result.verdict, result: traces.after.result }
          : null,
      };
      send(response, 200, "application/json; charset=utf-8", shown(JSON.stringify(json)) + "\n");
      return;
    }
    const shownWorkloads = workload
      ? [afterAll]
      : [...new Set(changes.map((c) => c.workload))]
          .slice(0, SHOWN_WORKLOADS)
          .map((w) => onlyWorkload(afterAll, w))
          .filter((a) => a.result.workloads.length > 0);
    const html = whatIfHtml({
      source: temp ? "the YAML above" : body.file!,
      changes,
      trace: traces
        ? {
            before: traces.before.result.verdict,
            after: traces.after.result.verdict,
            html: renderTraceHtml(traces.after),
          }
        : undefined,
      placements: shownWorkloads.map(renderPlaceHtml),
    });
    sendHtml(response, shown(html));
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

/** Browsers ask for it on their own: no icon, and no 404 in their console. */
function favicon(_request: IncomingMessage, response: ServerResponse) {
  response.writeHead(204, SECURITY_HEADERS);
  response.end();
}

const ROUTES: Readonly<Record<string, Route>> = {
  "/": { method: "GET", handle: page },
  "/favicon.ico": { method: "GET", handle: favicon },
  "/events": { method: "GET", handle: events },
  "/api/choices": { method: "GET", handle: choices },
  "/api/trace": { method: "GET", handle: trace },
  "/api/place": { method: "GET", handle: place },
  "/api/what-if": { method: "POST", handle: whatIf },
};

/** The Host names a request may carry when the server listens on a loopback address. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function hostName(header: string): string {
  const bracket = /^(\[[^\]]*\])(?::\d+)?$/.exec(header);
  if (bracket) return bracket[1]!;
  return header.replace(/:\d+$/, "").toLowerCase();
}

/** Answers one request; every failure becomes a status and a message (never a stack trace). */
export async function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  state: ServeState,
): Promise<void> {
  const api = (request.url ?? "").startsWith("/api/");
  try {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://podpath.invalid");
    } catch {
      throw bad("malformed request target");
    }
    if (state.config.checkHost) {
      // a page of another site that resolves its name to 127.0.0.1 (DNS rebinding) sends its own name
      const host = hostName(request.headers.host ?? "");
      if (!LOOPBACK_HOSTS.has(host) && host !== state.config.host.toLowerCase())
        throw new HttpError(403, `Host ${JSON.stringify(request.headers.host ?? "")} is not this server`);
    }
    const route = ROUTES[url.pathname];
    if (!route) throw new HttpError(404, `no such page: ${url.pathname}`);
    if (request.method !== route.method)
      throw new HttpError(405, `${url.pathname} answers ${route.method} only`, { allow: route.method });
    if (route.method === "POST") {
      // a form of another site cannot post here: browsers send its Origin
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `http://${request.headers.host ?? ""}`)
        throw new HttpError(403, `requests from ${origin} are refused`);
    }
    await route.handle(request, response, url, state);
  } catch (error) {
    if (response.headersSent) {
      response.end();
      return;
    }
    const [status, message, headers] =
      error instanceof HttpError
        ? [error.status, error.message, error.headers]
        : error instanceof UserError
          ? // the snapshot cannot answer what was asked (an endpoint or a workload it lacks)
            [400, [...error.before, error.message].join("\n"), {}]
          : [500, `internal error while answering: ${error instanceof Error ? error.message : String(error)}`, {}];
    const extra = status === 413 ? { ...headers, connection: "close" } : headers;
    if (api)
      send(response, status, "application/json; charset=utf-8", JSON.stringify({ error: message }) + "\n", extra);
    else send(response, status, "text/plain; charset=utf-8", message + "\n", extra);
  }
}
