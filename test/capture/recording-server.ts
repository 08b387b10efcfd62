/**
 * A recording server on 127.0.0.1 (node:http, port 0) for the capture tests: the Kubernetes API
 * (discovery documents and paged lists, as kube-apiserver answers them —
 * staging/src/k8s.io/apimachinery/pkg/apis/meta/v1 APIResourceList, APIGroupList, ListMeta
 * `continue`) and the EC2 and ELBv2 query APIs (XML, as AWS answers them), serving the recorded
 * cluster of examples/ecoeco (k8s/*.yaml as the API server holds them, aws/*.json as the XML the
 * CLI read). EC2 responses are written by walking the SDK's own output schemas (their `xmlName`
 * traits: `vpcSet`, `item`…, the EC2 query protocol); ELBv2's are the awsQuery protocol's
 * (`<ActionResult>`, PascalCase members, lists of `<member>`). Faults can be injected per call:
 * 403, throttling once, a malformed page.
 */
import http from "node:http";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import * as ec2 from "@aws-sdk/client-ec2";
import { CAPTURED_KINDS } from "../../src/capture/index.js";

type Json = Record<string, unknown>;

export interface Faults {
  /** resources answered 403 Forbidden (RBAC), e.g. "networkpolicies" */
  readonly forbidden?: readonly string[];
  /** resources whose second page is answered 429 once (API priority and fairness) */
  readonly throttledOnce?: readonly string[];
  /** resources whose second page is not JSON */
  readonly malformed?: readonly string[];
  /** AWS actions answered AccessDenied / UnauthorizedOperation */
  readonly denied?: readonly string[];
  /** AWS actions answered Throttling / RequestLimitExceeded once */
  readonly awsThrottledOnce?: readonly string[];
  /** AWS actions answered with XML cut short */
  readonly awsMalformed?: readonly string[];
  /** not a fault: one more load balancer in the recorded VPC, tagged for the cluster with the
   * controller's legacy key and named by no Ingress or Service status (TAGGED_LOAD_BALANCER) */
  readonly taggedLoadBalancer?: boolean;
}

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** AWS: Action */
  readonly action?: string;
  readonly params?: Readonly<Record<string, string>>;
}

export interface RecordingServer {
  readonly url: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

const kindFor = (apiVersion: string, kind: string) => {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
  return CAPTURED_KINDS.find((k) => k.group === group && k.kind === kind);
};

/** the recorded objects per "resource.group", as the API server stores them */
function recordedObjects(dirs: readonly string[]): Map<string, Json[]> {
  const out = new Map<string, Json[]>();
  for (const dir of dirs.filter((d) => existsSync(join(d, "k8s"))))
    for (const name of readdirSync(join(dir, "k8s")).sort()) {
      const documents = yaml.loadAll(readFileSync(join(dir, "k8s", name), "utf8")) as Json[];
      for (const item of documents.flatMap((d) => (Array.isArray(d["items"]) ? (d["items"] as Json[]) : [d]))) {
        const key =
          item["kind"] === "Secret"
            ? "secrets."
            : (() => {
                const k = kindFor(String(item["apiVersion"]), String(item["kind"]));
                return k ? `${k.resource}.${k.group}` : undefined;
              })();
        if (!key) throw new Error(`no captured kind for ${String(item["apiVersion"])} ${String(item["kind"])}`);
        out.set(key, [...(out.get(key) ?? []), item]);
      }
    }
  return out;
}

/** groups the recorded cluster serves: the built-in ones, and the CRDs it has objects of */
function servedGroups(objects: Map<string, Json[]>): Map<string, string> {
  const groups = new Map<string, string>(); // group → version
  for (const k of CAPTURED_KINDS) {
    const builtin = !k.group.includes(".") || k.group.endsWith(".k8s.io");
    const present = CAPTURED_KINDS.some((c) => c.group === k.group && objects.has(`${c.resource}.${c.group}`));
    if (k.group === "" || builtin || present) groups.set(k.group, "v1");
  }
  return groups;
}

function discoveryResources(group: string): Json {
  const resources = CAPTURED_KINDS.filter((k) => k.group === group).map((k) => ({
    name: k.resource,
    namespaced: k.namespaced,
    kind: k.kind,
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  }));
  if (group === "")
    resources.push({ name: "secrets", namespaced: true, kind: "Secret", verbs: ["get", "list", "watch"] });
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/v1` : "v1",
    resources: [...new Map(resources.map((r) => [r.name, r])).values()],
  };
}

function kubernetes(
  objects: Map<string, Json[]>,
  faults: Faults,
  seen: Map<string, number>,
  url: URL,
): { status: number; body: string; headers?: Record<string, string> } {
  const groups = servedGroups(objects);
  const json = (value: unknown, status = 200) => ({ status, body: JSON.stringify(value) });
  const status = (code: number, reason: string, message: string) =>
    json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }, code);
  const path = url.pathname;
  if (path === "/api/v1") return json(discoveryResources(""));
  if (path === "/apis")
    return json({
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [...groups.keys()]
        .filter((g) => g !== "")
        .map((name) => ({
          name,
          versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
          preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
        })),
    });
  const discovery = /^\/apis\/([^/]+)\/v1$/.exec(path);
  if (discovery)
    return groups.has(discovery[1]!) ? json(discoveryResources(discovery[1]!)) : status(404, "NotFound", "not found");
  const list = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(path);
  if (!list) return status(404, "NotFound", "the server could not find the requested resource");
  const group = list[1] ?? "";
  const namespace = list[2];
  const resource = list[3]!;
  if (!groups.has(group)) return status(404, "NotFound", "the server could not find the requested resource");
  const user = 'User "system:serviceaccount:podpath:capture"';
  if (faults.forbidden?.includes(resource))
    return status(
      403,
      "Forbidden",
      `${resource}${group ? `.${group}` : ""} is forbidden: ${user} cannot list resource "${resource}" in API group "${group}" at the cluster scope`,
    );
  const kind = CAPTURED_KINDS.find((k) => k.group === group && k.resource === resource);
  const all = (objects.get(`${resource}.${group}`) ?? []).filter(
    (o) => namespace === undefined || (o["metadata"] as Json)["namespace"] === namespace,
  );
  const limit = Number(url.searchParams.get("limit") ?? "0");
  const offset = Number(Buffer.from(url.searchParams.get("continue") ?? "", "base64").toString() || "0");
  const page = offset > 0 ? 2 : 1;
  if (page === 2 && faults.throttledOnce?.includes(resource)) {
    const key = `429 ${resource}`;
    if (!seen.has(key)) {
      seen.set(key, 1);
      return {
        ...status(
          429,
          "TooManyRequests",
          "the server has received too many requests and has temporarily blocked this client",
        ),
        headers: { "Retry-After": "0" },
      };
    }
  }
  if (page === 2 && faults.malformed?.includes(resource))
    return { status: 200, body: '{"kind":"List","items":[{"metadata":{"name":"cut' };
  const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
  const next = limit > 0 && offset + limit < all.length ? Buffer.from(String(offset + limit)).toString("base64") : "";
  const builtin = !group.includes(".") || group.endsWith(".k8s.io");
  return json({
    kind: `${kind?.kind ?? "Secret"}List`,
    apiVersion: group ? `${group}/v1` : "v1",
    metadata: {
      resourceVersion: "4242",
      ...(next ? { continue: next, remainingItemCount: all.length - offset - limit } : {}),
    },
    // the API server's lists of built-in kinds carry no apiVersion and kind on their items
    items: items.map((o) => {
      if (!builtin) return o;
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// EC2 (query protocol, XML after the SDK's output schemas) and ELBv2 (awsQuery)

const EC2_VERSION = "2016-11-15";
const ELB_VERSION = "2015-12-01";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

type SchemaRef = unknown;
const deref = (s: SchemaRef): unknown => (typeof s === "function" ? deref((s as () => unknown)()) : s);

/** a struct's member entry: a schema (number, thunk, array) or [schema, traits] */
function memberOf(entry: unknown): { schema: unknown; xmlName: string | undefined } {
  if (
    Array.isArray(entry) &&
    entry.length === 2 &&
    entry[1] !== null &&
    typeof entry[1] === "object" &&
    !Array.isArray(entry[1])
  )
    return { schema: deref(entry[0]), xmlName: (entry[1] as { xmlName?: string }).xmlName };
  return { schema: deref(entry), xmlName: undefined };
}

function ec2Xml(value: unknown, schema: unknown, name: string): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(schema) && schema[0] === 3) {
    const [, , , , names, members] = schema as [number, string, string, unknown, string[], unknown[]];
    const object = value as Json;
    let inner = "";
    names.forEach((memberName, i) => {
      if (!(memberName in object)) return;
      const m = memberOf(members[i]);
      inner += ec2Xml(object[memberName], m.schema, m.xmlName ?? memberName);
    });
    for (const key of Object.keys(object))
      if (!names.includes(key)) throw new Error(`EC2 schema ${String((schema as unknown[])[2])} has no member ${key}`);
    return `<${name}>${inner}</${name}>`;
  }
  if (Array.isArray(value)) {
    const m =
      Array.isArray(schema) && schema[0] === 1 ? memberOf((schema as unknown[])[4]) : { schema: 0, xmlName: "item" };
    return `<${name}>${value.map((v) => ec2Xml(v, m.schema, m.xmlName ?? "item")).join("")}</${name}>`;
  }
  return `<${name}>${scalar(value, name)}</${name}>`;
}

/** a scalar member's text; an object where the schema has none is a mistake of the recording */
function scalar(value: unknown, name: string): string {
  if (typeof value === "string") return escape(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`${name}: ${typeof value} where the schema has a scalar`);
}

function ec2Response(action: string, result: Json): string {
  const schema = deref((ec2 as Record<string, unknown>)[`${action}Result$`]);
  if (!Array.isArray(schema)) throw new Error(`no EC2 output schema for ${action}`);
  const body = ec2Xml(result, schema, "x").slice(3, -4);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/${EC2_VERSION}/"><requestId>5e2c1ab0-0000-4000-8000-000000000000</requestId>${body}</${action}Response>`;
}

function elbXml(value: unknown, name: string): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `<${name}>${value.map((v) => elbXml(v, "member")).join("")}</${name}>`;
  if (typeof value === "object")
    return `<${name}>${Object.entries(value as Json)
      .map(([k, v]) => elbXml(v, k))
      .join("")}</${name}>`;
  return `<${name}>${scalar(value, name)}</${name}>`;
}

function elbResponse(action: string, result: Json): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://elasticloadbalancing.amazonaws.com/doc/${ELB_VERSION}/">${elbXml(result, `${action}Result`)}<ResponseMetadata><RequestId>7f3d2a10-0000-4000-8000-000000000000</RequestId></ResponseMetadata></${action}Response>`;
}

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, "aws", file), "utf8")) as Json;

/** the recorded world has no answer to this call (its capture lacked the file): answered as denied */
class NotRecorded extends Error {}

/** the recorded worlds' answer (the first directory that has the file), else `empty`, else NotRecorded */
const readRecorded = (dirs: readonly string[], file: string, empty?: Json) => {
  const dir = dirs.find((d) => existsSync(join(d, "aws", file)));
  if (dir) return read(dir, file);
  if (empty) return empty;
  throw new NotRecorded(file);
};

/** the cluster name the recorded instances are tagged with (kubernetes.io/cluster/NAME) */
function clusterTag(dirs: readonly string[]): string {
  const dir = dirs.find((d) => existsSync(join(d, "aws/ec2-describe-instances.json")));
  const text = dir ? readFileSync(join(dir, "aws/ec2-describe-instances.json"), "utf8") : "";
  return /"kubernetes\.io\/cluster\/([^"]+)"/.exec(text)?.[1] ?? "recorded";
}

/** A second VPC's load balancer, not the cluster's: a capture leaves it out. */
export const OTHER_LOAD_BALANCER = {
  LoadBalancerArn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/billing/0f0f0f0f0f0f0f0f",
  DNSName: "billing-1234567890.ap-northeast-2.elb.amazonaws.com",
  CanonicalHostedZoneId: "ZWKZPGTI48KDX",
  CreatedTime: "2024-05-01T00:00:00+00:00",
  LoadBalancerName: "billing",
  Scheme: "internet-facing",
  VpcId: "vpc-0other000000000000",
  State: { Code: "active" },
  Type: "application",
  AvailabilityZones: [],
  SecurityGroups: [],
  IpAddressType: "ipv4",
};

/** an internal ALB the controller made for the cluster (ingress.k8s.aws/cluster, the legacy tag key), without listeners */
export const TAGGED_LOAD_BALANCER = {
  LoadBalancerArn:
    "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-internal-tagged/0e0e0e0e0e0e0e0e",
  DNSName: "internal-k8s-internal-tagged-1234567890.ap-northeast-2.elb.amazonaws.com",
  LoadBalancerName: "k8s-internal-tagged",
  Scheme: "internal",
  State: { Code: "active" },
  Type: "application",
  AvailabilityZones: [],
  SecurityGroups: [],
  IpAddressType: "ipv4",
};

function awsAnswer(
  dir: readonly string[],
  version: string,
  action: string,
  params: Record<string, string>,
  faults: Faults,
): Json {
  const paged = (key: string, items: unknown[], size: number, tokenKey: string, inKey: string) => {
    const offset = Number(params[inKey] ?? "0");
    const next = offset + size < items.length ? String(offset + size) : undefined;
    return { [key]: items.slice(offset, offset + size), ...(next ? { [tokenKey]: next } : {}) };
  };
  if (version === EC2_VERSION) {
    const files: Record<string, [string, string]> = {
      DescribeVpcs: ["ec2-describe-vpcs.json", "Vpcs"],
      DescribeSubnets: ["ec2-describe-subnets.json", "Subnets"],
      DescribeRouteTables: ["ec2-describe-route-tables.json", "RouteTables"],
      DescribeInternetGateways: ["ec2-describe-internet-gateways.json", "InternetGateways"],
      DescribeNatGateways: ["ec2-describe-nat-gateways.json", "NatGateways"],
      DescribeNetworkAcls: ["ec2-describe-network-acls.json", "NetworkAcls"],
      DescribeSecurityGroups: ["ec2-describe-security-groups.json", "SecurityGroups"],
      DescribeInstances: ["ec2-describe-instances.json", "Reservations"],
      DescribeNetworkInterfaces: ["ec2-describe-network-interfaces.json", "NetworkInterfaces"],
    };
    if (action === "DescribeManagedPrefixLists") {
      const ids = Object.entries(params)
        .filter(([k]) => k.startsWith("PrefixListId."))
        .map(([, v]) => v);
      const lists = readRecorded(dir, "ec2-describe-managed-prefix-lists.json")["PrefixLists"] as Json[];
      return { PrefixLists: lists.filter((l) => ids.length === 0 || ids.includes(String(l["PrefixListId"]))) };
    }
    if (action === "GetManagedPrefixListEntries")
      return readRecorded(dir, `prefix-list-entries/${params["PrefixListId"] ?? ""}.json`);
    const file = files[action];
    if (!file) throw new Error(`no recorded answer for ec2 ${action}`);
    let items = readRecorded(dir, file[0])[file[1]] as Json[];
    if (action === "DescribeInstances" && params["Filter.1.Name"] === "instance-id") {
      const ids = Object.entries(params)
        .filter(([k]) => k.startsWith("Filter.1.Value."))
        .map(([, v]) => v);
      items = items.filter((r) =>
        ((r["Instances"] as Json[]) ?? []).some((i) => ids.includes(String(i["InstanceId"]))),
      );
    }
    // two per page: the SDK's paginator follows NextToken
    return action === "DescribeSubnets" || action === "DescribeInstances"
      ? paged(file[1], items, 2, "NextToken", "NextToken")
      : { [file[1]]: items };
  }
  switch (action) {
    case "DescribeLoadBalancers": {
      const lbs = [
        ...((readRecorded(dir, "elbv2-describe-load-balancers.json", { LoadBalancers: [] })[
          "LoadBalancers"
        ] as Json[]) ?? []),
        OTHER_LOAD_BALANCER,
      ];
      if (faults.taggedLoadBalancer) {
        const vpc = (readRecorded(dir, "ec2-describe-vpcs.json")["Vpcs"] as Json[])[0]!["VpcId"];
        lbs.push({ ...TAGGED_LOAD_BALANCER, VpcId: vpc });
      }
      return paged("LoadBalancers", lbs, 1, "NextMarker", "Marker");
    }
    case "DescribeTags":
      return {
        TagDescriptions: Object.entries(params)
          .filter(([k]) => k.startsWith("ResourceArns.member."))
          .map(([, arn]) => ({
            ResourceArn: arn,
            Tags: arn.includes("/billing/")
              ? [{ Key: "team", Value: "billing" }]
              : arn === TAGGED_LOAD_BALANCER.LoadBalancerArn
                ? [{ Key: "ingress.k8s.aws/cluster", Value: clusterTag(dir) }]
                : [{ Key: "elbv2.k8s.aws/cluster", Value: clusterTag(dir) }],
          })),
      };
    case "DescribeListeners": {
      const listeners = readRecorded(dir, "elbv2-describe-listeners.json")["Listeners"] as Json[];
      return { Listeners: listeners.filter((l) => l["LoadBalancerArn"] === params["LoadBalancerArn"]) };
    }
    case "DescribeRules": {
      const listener = (readRecorded(dir, "elbv2-describe-listeners.json")["Listeners"] as Json[]).find(
        (l) => l["ListenerArn"] === params["ListenerArn"],
      );
      return readRecorded(
        dir,
        `elbv2-describe-rules-${String(listener?.["Protocol"]).toLowerCase()}-${String(listener?.["Port"])}.json`,
      );
    }
    case "DescribeTargetGroups":
      return paged(
        "TargetGroups",
        readRecorded(dir, "elbv2-describe-target-groups.json", { TargetGroups: [] })["TargetGroups"] as Json[],
        2,
        "NextMarker",
        "Marker",
      );
    case "DescribeTargetHealth": {
      const name = /targetgroup\/([^/]+)\//.exec(params["TargetGroupArn"] ?? "")?.[1] ?? "";
      return readRecorded(dir, `elbv2-target-health/${name}.json`);
    }
    case "DescribeTargetGroupAttributes": {
      const name = /targetgroup\/([^/]+)\//.exec(params["TargetGroupArn"] ?? "")?.[1] ?? "";
      return readRecorded(dir, `elbv2-target-group-attributes/${name}.json`);
    }
    default:
      throw new Error(`no recorded answer for elbv2 ${action}`);
  }
}

function aws(
  dir: readonly string[],
  faults: Faults,
  seen: Map<string, number>,
  params: Record<string, string>,
): { status: number; body: string } {
  const action = params["Action"] ?? "";
  const version = params["Version"] ?? "";
  const isEc2 = version === EC2_VERSION;
  const error = (status: number, code: string, message: string) =>
    isEc2
      ? {
          status,
          body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${escape(message)}</Message></Error></Errors><RequestID>0c3e7a52-0000-4000-8000-000000000000</RequestID></Response>`,
        }
      : {
          status,
          body: `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/${ELB_VERSION}/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>1d4f8b63-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
        };
  if (faults.denied?.includes(action))
    return isEc2
      ? error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")
      : error(
          403,
          "AccessDenied",
          `User: arn:aws:iam::123456789012:user/capture is not authorized to perform: elasticloadbalancing:${action}`,
        );
  if (faults.awsThrottledOnce?.includes(action) && !seen.has(`throttle ${action}`)) {
    seen.set(`throttle ${action}`, 1);
    return isEc2
      ? error(503, "RequestLimitExceeded", "Request limit exceeded.")
      : error(400, "Throttling", "Rate exceeded");
  }
  let result: Json;
  try {
    result = awsAnswer(dir, version, action, params, faults);
  } catch (e) {
    if (!(e instanceof NotRecorded)) throw e;
    return isEc2
      ? error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")
      : error(403, "AccessDenied", `not authorized to perform: elasticloadbalancing:${action}`);
  }
  const body = isEc2 ? ec2Response(action, result) : elbResponse(action, result);
  if (faults.awsMalformed?.includes(action)) return { status: 200, body: body.slice(0, Math.floor(body.length / 2)) };
  return { status: 200, body };
}

// ---------------------------------------------------------------------------------------------

/**
 * Starts the server on 127.0.0.1, port 0, serving the recorded cluster in `worlds` (directories in
 * examples/ecoeco's layout, overlaid: the first that has a file answers). A call whose file no
 * world has is answered as denied (the recorded capture lacked it), but for the load balancer
 * and target group lists, which are empty.
 */
export async function startRecordingServer(
  worlds: string | readonly string[],
  faults: Faults = {},
): Promise<RecordingServer> {
  const dir = typeof worlds === "string" ? [worlds] : worlds;
  const objects = recordedObjects(dir);
  const seen = new Map<string, number>();
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const authorization = req.headers.authorization;
      try {
        if (req.method === "POST") {
          const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
          requests.push({ method: "POST", path: url.pathname, authorization, action: params["Action"] ?? "", params });
          const answer = aws(dir, faults, seen, params);
          res.writeHead(answer.status, { "Content-Type": "text/xml;charset=UTF-8" });
          res.end(answer.body);
          return;
        }
        requests.push({ method: req.method ?? "", path: url.pathname + url.search, authorization });
        const answer = kubernetes(objects, faults, seen, url);
        res.writeHead(answer.status, { "Content-Type": "application/json", ...(answer.headers ?? {}) });
        res.end(answer.body);
      } catch (error) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String((error as Error).stack));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A kubeconfig naming the server (plain HTTP), with a bearer token the server sees. */
export function kubeconfigFor(url: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: recorded",
    "    cluster:",
    `      server: ${url}`,
    // @kubernetes/client-node refuses plain HTTP unless the cluster skips TLS verification
    "      insecure-skip-tls-verify: true",
    "contexts:",
    "  - name: recorded",
    "    context:",
    "      cluster: recorded",
    "      user: capture",
    "  - name: other",
    "    context:",
    "      cluster: recorded",
    "      user: capture",
    "current-context: other",
    "users:",
    "  - name: capture",
    "    user:",
    "      token: recorded-token",
    "",
  ].join("\n");
}
