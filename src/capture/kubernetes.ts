/**
 * The Kubernetes half of `podpath snapshot capture`: the kinds podpath models, read through the
 * kubeconfig (@kubernetes/client-node's KubeConfig: current context or --context, its TLS and
 * auth applied to each request), as kubectl reads them — discovery first (GET /api/v1, /apis,
 * /apis/GROUP/VERSION: a kind the cluster does not serve is a note,
 * staging/src/k8s.io/client-go/discovery), then paged lists (`limit` and `continue`, kubectl's
 * `--chunk-size` 500, staging/src/k8s.io/apimachinery/pkg/apis/meta/v1 ListOptions). Read-only:
 * GET only. Secrets are never requested (CAPTURED_KINDS holds none, and `listPath` refuses one).
 */
import http from "node:http";
import https from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { UserError } from "../model/errors.js";
import { stripObject } from "./strip.js";
import type { CaptureLog } from "./log.js";

export interface CapturedKind {
  /** the file under k8s/ it is written to (several kinds may share one, as kubectl get a,b prints one List) */
  readonly file: string;
  /** API group, "" for core */
  readonly group: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/**
 * The kinds a capture lists: those the loader models (src/load/kubernetes/index.ts
 * convertKubernetesDocument), in the files scripts/capture-snapshot.sh writes. The ClusterRole
 * in examples/capture/clusterrole.yaml grants exactly these (get, list); a test checks both.
 */
export const CAPTURED_KINDS: readonly CapturedKind[] = [
  { file: "namespaces.yaml", group: "", resource: "namespaces", kind: "Namespace", namespaced: false },
  { file: "nodes.yaml", group: "", resource: "nodes", kind: "Node", namespaced: false },
  {
    file: "priorityclasses.yaml",
    group: "scheduling.k8s.io",
    resource: "priorityclasses",
    kind: "PriorityClass",
    namespaced: false,
  },
  { file: "limitranges.yaml", group: "", resource: "limitranges", kind: "LimitRange", namespaced: true },
  {
    file: "runtimeclasses.yaml",
    group: "node.k8s.io",
    resource: "runtimeclasses",
    kind: "RuntimeClass",
    namespaced: false,
  },
  {
    file: "poddisruptionbudgets.yaml",
    group: "policy",
    resource: "poddisruptionbudgets",
    kind: "PodDisruptionBudget",
    namespaced: true,
  },
  { file: "deployments.yaml", group: "apps", resource: "deployments", kind: "Deployment", namespaced: true },
  { file: "replicasets.yaml", group: "apps", resource: "replicasets", kind: "ReplicaSet", namespaced: true },
  { file: "statefulsets.yaml", group: "apps", resource: "statefulsets", kind: "StatefulSet", namespaced: true },
  { file: "daemonsets.yaml", group: "apps", resource: "daemonsets", kind: "DaemonSet", namespaced: true },
  {
    file: "replicationcontrollers.yaml",
    group: "",
    resource: "replicationcontrollers",
    kind: "ReplicationController",
    namespaced: true,
  },
  { file: "jobs.yaml", group: "batch", resource: "jobs", kind: "Job", namespaced: true },
  { file: "cronjobs.yaml", group: "batch", resource: "cronjobs", kind: "CronJob", namespaced: true },
  { file: "pods.yaml", group: "", resource: "pods", kind: "Pod", namespaced: true },
  { file: "services.yaml", group: "", resource: "services", kind: "Service", namespaced: true },
  {
    file: "endpointslices.yaml",
    group: "discovery.k8s.io",
    resource: "endpointslices",
    kind: "EndpointSlice",
    namespaced: true,
  },
  // ConfigMaps: their data values reduced to the Service hosts they name (strip.ts), for intended
  { file: "configmaps.yaml", group: "", resource: "configmaps", kind: "ConfigMap", namespaced: true },
  {
    file: "ingressclasses.yaml",
    group: "networking.k8s.io",
    resource: "ingressclasses",
    kind: "IngressClass",
    namespaced: false,
  },
  { file: "ingresses.yaml", group: "networking.k8s.io", resource: "ingresses", kind: "Ingress", namespaced: true },
  {
    file: "networkpolicies.yaml",
    group: "networking.k8s.io",
    resource: "networkpolicies",
    kind: "NetworkPolicy",
    namespaced: true,
  },
  { file: "routes.yaml", group: "route.openshift.io", resource: "routes", kind: "Route", namespaced: true },
  // Calico: the CRDs every install has, and the v3 API where the Calico API server serves it
  { file: "calico.yaml", group: "crd.projectcalico.org", resource: "ippools", kind: "IPPool", namespaced: false },
  {
    file: "calico.yaml",
    group: "crd.projectcalico.org",
    resource: "felixconfigurations",
    kind: "FelixConfiguration",
    namespaced: false,
  },
  {
    file: "calico.yaml",
    group: "crd.projectcalico.org",
    resource: "blockaffinities",
    kind: "BlockAffinity",
    namespaced: false,
  },
  { file: "calico-v3.yaml", group: "projectcalico.org", resource: "ippools", kind: "IPPool", namespaced: false },
  {
    file: "calico-v3.yaml",
    group: "projectcalico.org",
    resource: "felixconfigurations",
    kind: "FelixConfiguration",
    namespaced: false,
  },
  {
    file: "prometheus-operator.yaml",
    group: "monitoring.coreos.com",
    resource: "prometheuses",
    kind: "Prometheus",
    namespaced: true,
  },
  {
    file: "prometheus-operator.yaml",
    group: "monitoring.coreos.com",
    resource: "alertmanagers",
    kind: "Alertmanager",
    namespaced: true,
  },
];

/** The verbs a capture uses on every kind above: read-only. */
export const CAPTURE_VERBS: readonly string[] = ["get", "list"];

/** Resources never read, whatever a caller asks. */
const NEVER_READ = new Set(["secrets"]);

export interface KubernetesCaptureOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** only these namespaces for namespaced kinds (default: all) */
  readonly namespaces?: readonly string[] | undefined;
  /** items per page (kubectl's --chunk-size, default 500) */
  readonly chunkSize?: number | undefined;
  /** the first retry's delay after a connection reset, doubled each time (default 500 ms) */
  readonly retryDelayMs?: number | undefined;
}

/**
 * Where listed objects go, page by page (write.ts: a part file per kind, joined into kubectl's
 * `kind: List` at the end), so a cluster of any size is held one page at a time.
 */
export interface ItemSink {
  /** starts the objects of one kind, bound for `file` */
  open(file: string): KindWriter;
}

export interface KindWriter {
  write(items: readonly Record<string, unknown>[]): void;
  /** the kind was listed whole: its objects are part of the file */
  commit(): void;
  /** the kind could not be listed whole: none of its objects are kept */
  abort(): void;
}

export interface KubernetesCapture {
  /** files under k8s/ with at least one kind listed, in CAPTURED_KINDS order */
  readonly files: string[];
  /** what the AWS half needs of the cluster: each node's providerID and InternalIPs */
  readonly nodes: { providerID: string | undefined; internalIPs: string[] }[];
  /** the load balancer host names in Ingress and Service (LoadBalancer) status */
  readonly loadBalancerHosts: string[];
  readonly context: string;
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request that failed for good (after retries): the call it was and why. */
class CallFailed extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`${call}: ${detail}`);
  }
}

const MAX_ATTEMPTS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The API server behind the kubeconfig's context: GETs with its TLS and credentials, retried on 429 / 5xx. */
class ApiServer {
  readonly server: string;
  constructor(
    private readonly kc: KubeConfig,
    private readonly retryDelayMs: number,
  ) {
    this.server = kc.getCurrentCluster()?.server ?? "";
  }

  /** the request options of the kubeconfig's cluster and user (TLS, token, exec plugin…) */
  private async options(call: string): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (error) {
      throw new CallFailed(call, undefined, (error as Error).message);
    }
    return opts;
  }

  private async once(path: string, opts: https.RequestOptions): Promise<Response> {
    const url = new URL(this.server.replace(/\/+$/, "") + path);
    const secure = url.protocol === "https:";
    if (!secure) delete opts.agent;
    const request = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(url, { ...opts, timeout: 60_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error("no answer within 60 s")));
      req.on("error", reject);
      req.end();
    });
  }

  /** GET path → parsed JSON; throws CallFailed naming `call` */
  async getJson(path: string, call: string, log: CaptureLog): Promise<Record<string, unknown>> {
    let response: Response | undefined;
    const opts = await this.options(call);
    for (let attempt = 1; ; attempt++) {
      try {
        response = await this.once(path, { ...opts });
      } catch (error) {
        const code = (error as { code?: string }).code;
        const detail = `${code ? code + " " : ""}${(error as Error).message}`;
        if (attempt === 1 && (code === "ECONNREFUSED" || code === "ENOTFOUND"))
          throw new CallFailed(call, undefined, `cannot reach the API server ${this.server}: ${detail}`);
        // a connection reset or timeout: a few tries with a doubling delay
        if (attempt >= 4) throw new CallFailed(call, undefined, detail);
        await sleep(this.retryDelayMs * 2 ** (attempt - 1));
        continue;
      }
      // 429 Too Many Requests (API priority and fairness) and 5xx are retried as client-go does
      // (staging/src/k8s.io/client-go/rest/with_retry.go checkWait and retryAfterSeconds): only
      // when the server sends Retry-After, after that many seconds (capped at a minute here),
      // at most MAX_ATTEMPTS times (client-go's default maxRetries is 10)
      const after = /^\d+$/.test(String(response.headers["retry-after"] ?? ""))
        ? Number(response.headers["retry-after"])
        : undefined;
      if ((response.status === 429 || response.status >= 500) && after !== undefined && attempt < MAX_ATTEMPTS) {
        const wait = Math.min(after, 60) * 1000;
        log.progress(`${call}: ${response.status}, retrying in ${after} s (Retry-After)`);
        await sleep(wait);
        continue;
      }
      break;
    }
    if (response.status < 200 || response.status >= 300)
      throw new CallFailed(call, response.status, statusMessage(response));
    try {
      const value: unknown = JSON.parse(response.body);
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not a JSON object");
      return value as Record<string, unknown>;
    } catch (error) {
      throw new CallFailed(call, response.status, `the response is not a JSON object (${(error as Error).message})`);
    }
  }
}

/** a metav1.Status' message, else the HTTP status */
function statusMessage(response: Response): string {
  let message = "";
  try {
    const status = JSON.parse(response.body) as { message?: unknown; reason?: unknown };
    if (typeof status.message === "string") message = status.message;
  } catch {
    // not a Status: the HTTP status says enough
  }
  const name = http.STATUS_CODES[response.status] ?? "error";
  return `${response.status} ${name}${message ? `: ${message}` : ""}`;
}

function loadKubeConfig(options: KubernetesCaptureOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw new UserError(
      `cannot read the kubeconfig${options.kubeconfig ? ` ${options.kubeconfig}` : ""}: ${(error as Error).message}`,
    );
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context))
      throw new UserError(
        `no context ${JSON.stringify(options.context)} in the kubeconfig (it has: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        })`,
      );
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new UserError(
      `the kubeconfig's context ${JSON.stringify(kc.getCurrentContext())} names no cluster server (pass --context or --kubeconfig)`,
    );
  return kc;
}

const groupVersionPath = (gv: string) => (gv === "v1" ? "/api/v1" : `/apis/${gv}`);

function listPath(gv: string, kind: CapturedKind, namespace: string | undefined): string {
  if (NEVER_READ.has(kind.resource)) throw new Error(`refusing to read ${kind.resource}`);
  return `${groupVersionPath(gv)}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ""}/${kind.resource}`;
}

const kindLabel = (k: CapturedKind) => (k.group ? `${k.resource}.${k.group}` : k.resource);

/**
 * Discovery: the preferred version of each group the kinds need, and which of their resources
 * it serves with the list verb. A group whose discovery fails is a warning; one not served, a note.
 */
async function discover(api: ApiServer, log: CaptureLog): Promise<Map<string, string>> {
  const served = new Map<string, string>(); // "resource.group" → group/version
  const core = await api.getJson("/api/v1", "discovery GET /api/v1", log);
  const groups = await api.getJson("/apis", "discovery GET /apis", log);
  const wanted = new Set(CAPTURED_KINDS.map((k) => k.group));
  const versions = new Map<string, string>([["", "v1"]]);
  for (const g of Array.isArray(groups["groups"]) ? (groups["groups"] as Record<string, unknown>[]) : []) {
    const name = typeof g["name"] === "string" ? g["name"] : "";
    const preferred = g["preferredVersion"] as { groupVersion?: unknown } | undefined;
    if (wanted.has(name) && typeof preferred?.groupVersion === "string") versions.set(name, preferred.groupVersion);
  }
  const resourcesOf = (list: Record<string, unknown>) =>
    (Array.isArray(list["resources"]) ? (list["resources"] as Record<string, unknown>[]) : []).filter(
      (r) => Array.isArray(r["verbs"]) && (r["verbs"] as unknown[]).includes("list"),
    );
  for (const group of [...wanted].sort()) {
    const gv = versions.get(group);
    if (!gv) continue;
    let list = core;
    if (group !== "") {
      try {
        list = await api.getJson(groupVersionPath(gv), `discovery GET ${groupVersionPath(gv)}`, log);
      } catch (error) {
        if (!(error instanceof CallFailed)) throw error;
        log.warn(error.message);
        continue;
      }
    }
    for (const r of resourcesOf(list)) if (typeof r["name"] === "string") served.set(`${r["name"]}.${group}`, gv);
  }
  return served;
}

/** what the AWS half needs of one object: a node's providerID and InternalIPs, a load balancer's host name */
function inspect(object: Record<string, unknown>, found: Pick<KubernetesCapture, "nodes" | "loadBalancerHosts">): void {
  if (object["kind"] === "Node") {
    const spec = object["spec"] as { providerID?: unknown } | undefined;
    const status = object["status"] as { addresses?: { type?: unknown; address?: unknown }[] } | undefined;
    found.nodes.push({
      providerID: typeof spec?.providerID === "string" ? spec.providerID : undefined,
      internalIPs: (status?.addresses ?? []).flatMap((a) =>
        a.type === "InternalIP" && typeof a.address === "string" ? [a.address] : [],
      ),
    });
  } else if (object["kind"] === "Ingress" || object["kind"] === "Service") {
    const status = object["status"] as { loadBalancer?: { ingress?: { hostname?: unknown }[] } } | undefined;
    for (const i of status?.loadBalancer?.ingress ?? [])
      if (typeof i.hostname === "string") found.loadBalancerHosts.push(i.hostname.toLowerCase());
  }
}

/**
 * Lists one kind (all namespaces, or each of `namespaces`) page by page into `writer`: items get
 * apiVersion and kind, are stripped and inspected. Returns the counts.
 */
async function listKind(
  api: ApiServer,
  gv: string,
  kind: CapturedKind,
  namespaces: readonly (string | undefined)[],
  chunkSize: number,
  log: CaptureLog,
  writer: KindWriter,
  found: Pick<KubernetesCapture, "nodes" | "loadBalancerHosts">,
): Promise<{ objects: number; stripped: number }> {
  let objects = 0;
  let stripped = 0;
  for (const namespace of namespaces) {
    let token: string | undefined;
    let page = 0;
    do {
      page++;
      const query = new URLSearchParams({ limit: String(chunkSize) });
      if (token) query.set("continue", token);
      const path = `${listPath(gv, kind, namespace)}?${query.toString()}`;
      const call = `list ${kindLabel(kind)}${namespace ? ` -n ${namespace}` : ""}${page > 1 ? ` (page ${page})` : ""}`;
      const list = await api.getJson(path, call, log);
      if (!Array.isArray(list["items"])) throw new CallFailed(call, 200, "the response has no items list");
      const items: Record<string, unknown>[] = [];
      for (const item of list["items"] as unknown[]) {
        if (item === null || typeof item !== "object" || Array.isArray(item))
          throw new CallFailed(call, 200, "an item of the response is not an object");
        // the API server's lists leave out each item's apiVersion and kind; kubectl's List has them
        const object = { apiVersion: gv, kind: kind.kind, ...(item as Record<string, unknown>) };
        stripped += stripObject(object, kind.kind);
        items.push(object);
      }
      writer.write(items);
      for (const object of items) inspect(object, found);
      objects += items.length;
      const metadata = list["metadata"] as { continue?: unknown } | undefined;
      token = typeof metadata?.continue === "string" && metadata.continue !== "" ? metadata.continue : undefined;
    } while (token);
  }
  return { objects, stripped };
}

/** The Kubernetes half: every kind served and readable, in kubectl's files; what was not, as warnings and notes. */
export async function captureKubernetes(
  options: KubernetesCaptureOptions,
  log: CaptureLog,
  sink: ItemSink,
): Promise<KubernetesCapture> {
  const kc = loadKubeConfig(options);
  const api = new ApiServer(kc, options.retryDelayMs ?? 500);
  log.progress(`kubernetes: context ${kc.getCurrentContext()}, ${api.server}`);
  let served: Map<string, string>;
  try {
    served = await discover(api, log);
  } catch (error) {
    if (error instanceof CallFailed) throw new UserError(`cannot read the cluster's API: ${error.message}`);
    throw error;
  }
  const chunkSize = options.chunkSize ?? 500;
  const files: string[] = [];
  const found = { nodes: [] as KubernetesCapture["nodes"], loadBalancerHosts: [] as string[] };
  for (const kind of CAPTURED_KINDS) {
    const gv = served.get(`${kind.resource}.${kind.group}`);
    if (!gv) {
      log.note(`${kindLabel(kind)}: not served by this cluster, skipped`);
      continue;
    }
    const namespaces = kind.namespaced && options.namespaces?.length ? options.namespaces : [undefined];
    const writer = sink.open(kind.file);
    // what this kind adds, kept only if it is listed whole
    const mine = { nodes: [] as KubernetesCapture["nodes"], loadBalancerHosts: [] as string[] };
    try {
      const { objects, stripped } = await listKind(api, gv, kind, namespaces, chunkSize, log, writer, mine);
      writer.commit();
      found.nodes.push(...mine.nodes);
      found.loadBalancerHosts.push(...mine.loadBalancerHosts);
      if (!files.includes(kind.file)) files.push(kind.file);
      log.progress(
        `list ${kindLabel(kind)}: ${objects} ${objects === 1 ? "object" : "objects"}${stripped ? ` (${stripped} values stripped)` : ""}`,
      );
    } catch (error) {
      writer.abort();
      if (!(error instanceof CallFailed)) throw error;
      // RBAC denied (403), a page that cannot be read…: the kind is left out, the rest captured
      log.warn(`${error.message}; ${kindLabel(kind)} not captured`);
    }
  }
  return {
    files,
    nodes: found.nodes,
    loadBalancerHosts: [...new Set(found.loadBalancerHosts)].sort(),
    context: kc.getCurrentContext(),
  };
}
