import type { Subnet } from "../../../model/aws.js";
import type { Ingress, IngressBackend, IngressClass, IngressPath, Labels, Service, ServicePort } from "../../../model/kubernetes.js";
import { isCidr } from "../../../model/net.js";
import type { Snapshot } from "../../../model/snapshot.js";
import type { SourceRef } from "../../../model/source.js";
import { awsIndex } from "../aws/aws-index.js";
import { routeTableForSubnet } from "../aws/route-tables.js";
import { describeRule } from "./listener-rules.js";
import { deriveInstanceTargets, deriveIpTargets, nodeInstanceIndex, servicePortOf, type NodeInstanceIndex } from "./targets.js";
import type {
  ActionView,
  IgnoredIngress,
  IngressRef,
  IngressRouteSketch,
  LbSource,
  ListenerView,
  LoadBalancerView,
  ManagedSecurityGroupRules,
  RuleCondition,
  RuleView,
  TargetGroupView,
  UnreconciledGroup,
} from "./types.js";

/**
 * What the AWS Load Balancer Controller builds from the cluster's Ingresses, and what it refuses
 * to build (kubernetes-sigs/aws-load-balancer-controller, v2.9 to main):
 *
 * - pkg/ingress/group_loader.go: which Ingresses it manages (classifyIngress: the
 *   `kubernetes.io/ingress.class` annotation first, then spec.ingressClassName, then the default
 *   IngressClass; class_loader.go, class_annotation_matcher.go), their group (group.name, else an
 *   implicit group `namespace/name`) and its order (sortGroupMembers: group.order, then
 *   namespace/name).
 * - pkg/ingress/model_builder.go run(): listen ports per Ingress (model_build_listener.go),
 *   merged per port; the load balancer (model_build_load_balancer.go: scheme, IP address type,
 *   subnets, security groups, name — each must agree across the group); SSL redirect; per port a
 *   listener with its default actions and its rules (model_build_listener_rules.go, then
 *   rule_optimizer.go), priorities 1, 2, … in member order, then rule order, then path order.
 * - pkg/ingress/enhanced_backend_builder.go, model_build_actions.go,
 *   model_build_target_group.go: each path's backend becomes a forward to a target group (or the
 *   action of an `actions.NAME` annotation), with the conditions of `conditions.NAME`.
 *
 * The first error stops the build of the whole group: the controller records a FailedBuildModel
 * event "Failed build model due to …" on every member and changes nothing on AWS.
 *
 * Flags are taken at their defaults (--ingress-class alb, --default-target-type instance,
 * --default-load-balancer-scheme internal, --tolerate-non-existent-backend-service and
 * -action true, --enable-backend-security-group true,
 * --enable-manage-backend-security-group-rules false); ControllerOptions changes them.
 * IngressClassParams, auth annotations, ACM certificate discovery and regex path matching are not
 * modelled (a note says so when they would matter).
 */

export interface ControllerOptions {
  /** --ingress-class (default "alb") */
  readonly ingressClass?: string;
  /** --tolerate-non-existent-backend-service (default true): a missing Service becomes a 503 */
  readonly tolerateNonExistentBackendService?: boolean;
  /** --tolerate-non-existent-backend-action (default true) */
  readonly tolerateNonExistentBackendAction?: boolean;
  /** --default-target-type (default instance) */
  readonly defaultTargetType?: string;
  /** --default-load-balancer-scheme (default internal) */
  readonly defaultScheme?: string;
  /** --enable-backend-security-group (default true) */
  readonly enableBackendSecurityGroup?: boolean;
  /** --enable-manage-backend-security-group-rules (default false) */
  readonly enableManageBackendSecurityGroupRules?: boolean;
  /** --cluster-name; default: from the `kubernetes.io/cluster/NAME` tag of the nodes' instances or subnets */
  readonly clusterName?: string;
  /** --aws-vpc-id; default: the VPC of the nodes' instances */
  readonly vpcId?: string;
}

const PREFIX = "alb.ingress.kubernetes.io/";
const ALB_CONTROLLER = "ingress.k8s.aws/alb";
const CLASS_ANNOTATION = "kubernetes.io/ingress.class";

// ---------------------------------------------------------------------------------------------
// Go formatting of the controller's messages

/** Go's %v of a []string: `[a b]` */
function goList(values: readonly (string | number)[]): string {
  return `[${values.join(" ")}]`;
}

/** Go's %v of a sets.String: `map[a:{} b:{}]` (keys sorted) */
function goSet(values: Iterable<string>): string {
  return `map[${[...new Set(values)].sort().map((v) => `${v}:{}`).join(" ")}]`;
}

function key(ing: Ingress): string {
  return `${ing.namespace}/${ing.name}`;
}

export function ingressRef(ing: Ingress): IngressRef {
  return { namespace: ing.namespace, name: ing.name, source: ing.meta.source };
}

/** The characters the controller keeps of a name part in the names it generates. */
function alphanumeric(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, "");
}

function annotation(ing: Ingress, suffix: string): string | undefined {
  return ing.meta.annotations[PREFIX + suffix];
}

/** annotations.Parser ParseStringSliceAnnotation: comma separated, trimmed, empty items dropped */
function stringSlice(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** strconv.ParseInt(raw, 10, 32) with the controller's wrapping; a value or the error text */
function parseInt32(suffix: string, raw: string): number | string {
  const failed = (why: string) => `failed to parse int32 annotation, ${PREFIX}${suffix}: ${raw}: strconv.ParseInt: parsing ${JSON.stringify(raw)}: ${why}`;
  if (!/^[+-]?\d+$/.test(raw)) return failed("invalid syntax");
  const n = Number(raw);
  if (n < -2147483648 || n > 2147483647) return failed("value out of range");
  return n;
}

/** A JSON annotation's value, looked up case-insensitively as encoding/json does. */
function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

class BuildError extends Error {
  constructor(
    message: string,
    readonly source: SourceRef,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Path patterns (model_build_listener_rules.go buildPathPatterns)

/**
 * ELBv2 path patterns for an Ingress path: Exact `/foo` → `/foo`; Prefix `/` → `/*`, Prefix
 * `/foo` or `/foo/` → `/foo` and `/foo/*`; ImplementationSpecific as written. Exact and Prefix
 * paths with wildcards are refused.
 */
export function pathPatterns(path: string, pathType: IngressPath["pathType"]): { values: string[]; error: string | undefined } {
  if (path === "") return { values: [], error: undefined };
  switch (pathType) {
    case "ImplementationSpecific":
      return { values: [path], error: undefined };
    case "Exact":
      return { values: [path], error: /[*?]/.test(path) ? `exact path shouldn't contain wildcards: ${path}` : undefined };
    case "Prefix": {
      if (path === "/") return { values: ["/*"], error: undefined };
      const normalized = path.replace(/\/$/, "");
      return { values: [normalized, `${normalized}/*`], error: /[*?]/.test(path) ? `prefix path shouldn't contain wildcards: ${path}` : undefined };
    }
  }
}

/** sortIngressPaths: Exact paths first, then Prefix paths longest first (stable), then the rest. */
function sortIngressPaths(paths: readonly IngressPath[]): IngressPath[] {
  const exact = paths.filter((p) => p.pathType === "Exact");
  const prefix = paths
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.pathType === "Prefix")
    .sort((a, b) => b.p.path.length - a.p.path.length || a.i - b.i)
    .map(({ p }) => p);
  const rest = paths.filter((p) => p.pathType === "ImplementationSpecific");
  return [...exact, ...prefix, ...rest];
}

// ---------------------------------------------------------------------------------------------
// Classification and groups (group_loader.go)

export interface ClassifiedIngress {
  readonly ingress: Ingress;
  readonly group: string;
  readonly explicit: boolean;
  /** group.order, or the controller's error for it */
  readonly order: number | string;
}

interface Classification {
  readonly members: ReadonlyMap<string, readonly ClassifiedIngress[]>;
  readonly refused: readonly UnreconciledGroup[];
  readonly ignored: readonly IgnoredIngress[];
}

const GROUP_NAME = /^([a-z0-9][-a-z0-9.]*)?[a-z0-9]$/;

/** Which Ingresses the controller manages, and their groups. */
function classifyIngresses(snapshot: Snapshot, options: ControllerOptions = {}): Classification {
  const ingressClass = options.ingressClass ?? "alb";
  const classes = new Map<string, IngressClass>(snapshot.kubernetes.ingressClasses.map((c) => [c.name, c]));
  const defaults = snapshot.kubernetes.ingressClasses.filter((c) => c.isDefault);
  const members = new Map<string, ClassifiedIngress[]>();
  const refused: UnreconciledGroup[] = [];
  const ignored: IgnoredIngress[] = [];
  const ignore = (ing: Ingress, what: string, source: SourceRef = ing.meta.source): void => {
    ignored.push({ what: `Ingress ${key(ing)}${what}`, source, ingress: ingressRef(ing) });
  };

  for (const ing of snapshot.kubernetes.ingresses) {
    const classAnnotation = ing.meta.annotations[CLASS_ANNOTATION];
    if (classAnnotation !== undefined) {
      // the annotation takes priority over spec.ingressClassName
      if (classAnnotation !== ingressClass) {
        ignore(ing, `: ${CLASS_ANNOTATION} ${JSON.stringify(classAnnotation)} is not the controller's class ${JSON.stringify(ingressClass)}`);
        continue;
      }
    } else {
      // with no annotation, the model's ingressClassName is spec.ingressClassName
      let className = ing.ingressClassName;
      if (className === undefined) {
        if (defaults.length > 1) {
          refused.push({ group: key(ing), ingresses: [ingressRef(ing)], message: "multiple default IngressClasses found", source: ing.meta.source });
          continue;
        }
        if (defaults.length === 0) {
          ignore(ing, " names no IngressClass and there is no default IngressClass");
          continue;
        }
        className = defaults[0]!.name;
      }
      const cls = classes.get(className);
      if (!cls) {
        ignore(ing, `: invalid ingress class: ingressclasses.networking.k8s.io ${JSON.stringify(className)} not found`);
        continue;
      }
      if (cls.controller !== ALB_CONTROLLER) {
        ignore(ing, `: IngressClass ${cls.name} belongs to ${cls.controller || "no controller"}, not ${ALB_CONTROLLER}`, cls.meta.source);
        continue;
      }
    }
    const groupName = annotation(ing, "group.name");
    let group = key(ing);
    let explicit = false;
    if (groupName !== undefined) {
      let invalid: string | undefined;
      if (!GROUP_NAME.test(groupName)) invalid = "groupName must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
      else if (groupName.length > 63) invalid = "groupName must be no more than 63 characters";
      if (invalid) {
        // errInvalidIngressGroup: the Ingress belongs to no group, nothing is built for it
        refused.push({ group: groupName, ingresses: [ingressRef(ing)], message: `invalid ingress group: ${invalid}`, source: ing.meta.source });
        continue;
      }
      group = groupName;
      explicit = true;
    }
    const rawOrder = annotation(ing, "group.order");
    let order: number | string = 0;
    if (rawOrder !== undefined) {
      const parsed = parseInt32("group.order", rawOrder);
      if (typeof parsed === "string") order = `failed to load Ingress group order for ingress: ${key(ing)}: ${parsed}`;
      else if (parsed < -1000 || parsed > 1000) order = `explicit Ingress group order must be within [-1000:1000], Ingress: ${key(ing)}, order: ${parsed}`;
      else order = parsed;
    }
    const list = members.get(group) ?? [];
    list.push({ ingress: ing, group, explicit, order });
    members.set(group, list);
  }
  return { members, refused, ignored };
}

/** sortGroupMembers: by group.order, then by namespace/name. */
function sortMembers(members: readonly ClassifiedIngress[]): ClassifiedIngress[] | { error: string; source: SourceRef } {
  for (const m of members) if (typeof m.order === "string") return { error: m.order, source: m.ingress.meta.source };
  return [...members].sort((a, b) => (a.order as number) - (b.order as number) || (key(a.ingress) < key(b.ingress) ? -1 : key(a.ingress) > key(b.ingress) ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Route sketches: every Ingress path as the rule it would become, errors or not

function routeSketches(snapshot: Snapshot, classification: Classification): IngressRouteSketch[] {
  const groupOf = new Map<Ingress, string>();
  for (const list of classification.members.values()) for (const m of list) groupOf.set(m.ingress, m.group);
  for (const r of classification.refused) {
    for (const i of r.ingresses) {
      const ing = snapshot.kubernetes.ingresses.find((x) => x.namespace === i.namespace && x.name === i.name);
      if (ing) groupOf.set(ing, r.group);
    }
  }
  const out: IngressRouteSketch[] = [];
  for (const ing of snapshot.kubernetes.ingresses) {
    const group = groupOf.get(ing);
    for (const rule of ing.rules) {
      for (const path of rule.paths) {
        out.push({ namespace: ing.namespace, name: ing.name, group, managed: group !== undefined, host: rule.host, paths: pathPatterns(path.path, path.pathType).values, source: path.source });
      }
    }
    if (ing.defaultBackend) out.push({ namespace: ing.namespace, name: ing.name, group, managed: group !== undefined, host: undefined, paths: ["/*"], source: ing.meta.source });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The build of one group (model_builder.go run)

interface ListenPortConfig {
  readonly protocol: "HTTP" | "HTTPS";
  readonly cidrs4: readonly string[];
  readonly cidrs6: readonly string[];
  readonly certificates: readonly string[];
}

interface Rule {
  conditions: RuleCondition[];
  actions: ActionView[];
  ingress: Ingress;
  source: SourceRef;
}

interface BuildContext {
  readonly snapshot: Snapshot;
  readonly options: ControllerOptions;
  readonly index: NodeInstanceIndex;
  /** the snapshot's Services by namespace/name (the first of each) */
  readonly services: ReadonlyMap<string, Service>;
  readonly vpcId: string | undefined;
  readonly clusterName: string | undefined;
  readonly group: string;
  readonly explicit: boolean;
  readonly targetGroups: Map<string, TargetGroupView>;
  readonly notes: LbSource[];
  /** ports the targets receive on, for the backend security-group rules */
  readonly backendPorts: Map<string, string>;
}

export interface DerivedGroup {
  readonly group: string;
  readonly explicit: boolean;
  readonly members: readonly ClassifiedIngress[];
  readonly loadBalancer: LoadBalancerView | undefined;
  readonly targetGroups: readonly TargetGroupView[];
  readonly unreconciled: UnreconciledGroup | undefined;
}

export interface ControllerModel {
  readonly groups: readonly DerivedGroup[];
  /** groups refused before they are built (an invalid group name, several default IngressClasses) and groups whose build fails */
  readonly unreconciled: readonly UnreconciledGroup[];
  readonly routes: readonly IngressRouteSketch[];
  readonly ignored: readonly IgnoredIngress[];
  readonly vpcId: string | undefined;
  readonly clusterName: string | undefined;
}

/** The cluster's VPC: the VPC of the nodes' instances (most of them), else the snapshot's only VPC. */
function clusterVpcOf(snapshot: Snapshot, index: NodeInstanceIndex): string | undefined {
  const counts = new Map<string, number>();
  for (const instance of index.instanceOfNode.values()) if (instance.vpcId) counts.set(instance.vpcId, (counts.get(instance.vpcId) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (best) return best[0];
  return snapshot.aws.vpcs.length === 1 ? snapshot.aws.vpcs[0]!.id : undefined;
}

/** The cluster name from a `kubernetes.io/cluster/NAME` tag on the nodes' instances, else on their subnets. */
function clusterNameOf(snapshot: Snapshot, index: NodeInstanceIndex): string | undefined {
  const fromTags = (tags: Readonly<Record<string, string>>): string | undefined => {
    const k = Object.keys(tags).find((t) => t.startsWith("kubernetes.io/cluster/"));
    return k?.slice("kubernetes.io/cluster/".length);
  };
  for (const instance of index.instanceOfNode.values()) {
    const name = fromTags(instance.tags);
    if (name) return name;
  }
  const subnets = awsIndex(snapshot.aws).subnetsById;
  for (const instance of index.instanceOfNode.values()) {
    const subnet = instance.subnetId !== undefined ? subnets.get(instance.subnetId) : undefined;
    const name = subnet ? fromTags(subnet.tags) : undefined;
    if (name) return name;
  }
  return undefined;
}

/** Derives the load balancers of every IngressGroup, or the controller's refusal. */
export function deriveFromIngresses(snapshot: Snapshot, options: ControllerOptions = {}): ControllerModel {
  const index = nodeInstanceIndex(snapshot);
  const vpcId = options.vpcId ?? clusterVpcOf(snapshot, index);
  const clusterName = options.clusterName ?? clusterNameOf(snapshot, index);
  const classification = classifyIngresses(snapshot, options);
  const services = new Map<string, Service>();
  for (const s of snapshot.kubernetes.services) if (!services.has(`${s.namespace}/${s.name}`)) services.set(`${s.namespace}/${s.name}`, s);
  const groups: DerivedGroup[] = [];
  const unreconciled: UnreconciledGroup[] = [...classification.refused];
  const groupNames = [...classification.members.keys()].sort();
  for (const group of groupNames) {
    const list = classification.members.get(group)!;
    const sorted = sortMembers(list);
    if (!Array.isArray(sorted)) {
      const u: UnreconciledGroup = { group, ingresses: list.map((m) => ingressRef(m.ingress)), message: sorted.error, source: sorted.source };
      unreconciled.push(u);
      groups.push({ group, explicit: list[0]!.explicit, members: list, loadBalancer: undefined, targetGroups: [], unreconciled: u });
      continue;
    }
    const ctx: BuildContext = { snapshot, options, index, services, vpcId, clusterName, group, explicit: sorted[0]!.explicit, targetGroups: new Map(), notes: [], backendPorts: new Map() };
    try {
      const loadBalancer = buildGroup(ctx, sorted);
      groups.push({ group, explicit: ctx.explicit, members: sorted, loadBalancer, targetGroups: [...ctx.targetGroups.values()], unreconciled: undefined });
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      const u: UnreconciledGroup = { group, ingresses: sorted.map((m) => ingressRef(m.ingress)), message: `Failed build model due to ${e.message}`, source: e.source };
      unreconciled.push(u);
      groups.push({ group, explicit: ctx.explicit, members: sorted, loadBalancer: undefined, targetGroups: [], unreconciled: u });
    }
  }
  return { groups, unreconciled, routes: routeSketches(snapshot, classification), ignored: classification.ignored, vpcId, clusterName };
}

/** computeIngressListenPortConfigByPort for one Ingress. */
function listenPortConfigs(ing: Ingress): Map<number, ListenPortConfig> {
  const k = key(ing);
  const fail = (message: string): never => {
    throw new BuildError(`ingress: ${k}: ${message}`, ing.meta.source);
  };
  const certificates = stringSlice(annotation(ing, "certificate-arn"));
  const cidrs4: string[] = [];
  const cidrs6: string[] = [];
  for (const cidr of stringSlice(annotation(ing, "inbound-cidrs"))) {
    if (!isCidr(cidr)) fail(`invalid inbound-cidrs settings on Ingress: ${k}: invalid CIDR address: ${cidr}`);
    (cidr.includes(":") ? cidrs6 : cidrs4).push(cidr);
  }
  const raw = annotation(ing, "listen-ports");
  const ports = new Map<number, "HTTP" | "HTTPS">();
  if (raw === undefined) {
    ports.set(certificates.length > 0 ? 443 : 80, certificates.length > 0 ? "HTTPS" : "HTTP");
  } else {
    let entries: unknown;
    try {
      entries = JSON.parse(raw);
    } catch (e) {
      fail(`failed to parse listen-ports configuration: \`${raw}\`: ${(e as Error).message}`);
    }
    if (entries !== null && !Array.isArray(entries)) fail(`failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal into Go value of type []map[string]int32`);
    const list = (entries ?? []) as unknown[];
    if (list.length === 0) fail(`empty listen-ports configuration: \`${raw}\``);
    for (const entry of list) {
      if (entry === null || typeof entry !== "object" || Array.isArray(entry)) fail(`failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal into Go value of type map[string]int32`);
      for (const [protocol, port] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof port !== "number" || !Number.isInteger(port)) fail(`failed to parse listen-ports configuration: \`${raw}\`: json: cannot unmarshal ${JSON.stringify(port)} into Go value of type int32`);
        const p = port as number;
        if (p < 1 || p > 65535) fail(`listen port must be within [1, 65535]: ${p}`);
        if (protocol !== "HTTP" && protocol !== "HTTPS") fail(`listen protocol must be within [HTTP, HTTPS]: ${protocol}`);
        ports.set(p, protocol as "HTTP" | "HTTPS");
      }
    }
  }
  const out = new Map<number, ListenPortConfig>();
  for (const [port, protocol] of ports) out.set(port, { protocol, cidrs4, cidrs6, certificates: protocol === "HTTPS" ? certificates : [] });
  return out;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** A member listening on a port, with its config for that port. */
interface PortMember {
  readonly m: ClassifiedIngress;
  readonly cfg: ListenPortConfig;
}

/** mergeListenPortConfigs: one protocol per port; inbound-cidrs must agree where given. */
function mergePort(port: number, configs: readonly PortMember[]): ListenPortConfig {
  const fail = (message: string, ing: Ingress): never => {
    throw new BuildError(`failed to merge listenPort config for port: ${port}: ${message}`, ing.meta.source);
  };
  const first = configs[0]!;
  let cidrsFrom: PortMember | undefined;
  const certificates: string[] = [];
  for (const c of configs) {
    if (c.cfg.protocol !== first.cfg.protocol) fail(`conflicting protocol, ${key(first.m.ingress)}: ${first.cfg.protocol} | ${key(c.m.ingress)}: ${c.cfg.protocol}`, c.m.ingress);
    if (c.cfg.cidrs4.length > 0 || c.cfg.cidrs6.length > 0) {
      if (!cidrsFrom) cidrsFrom = c;
      else if (!sameSet(cidrsFrom.cfg.cidrs4, c.cfg.cidrs4) || !sameSet(cidrsFrom.cfg.cidrs6, c.cfg.cidrs6)) {
        const sorted = (x: readonly string[]) => goList([...new Set(x)].sort());
        fail(`conflicting inbound-cidrs, ${key(cidrsFrom.m.ingress)}: ${sorted(cidrsFrom.cfg.cidrs4)}, ${sorted(cidrsFrom.cfg.cidrs6)} | ${key(c.m.ingress)}: ${sorted(c.cfg.cidrs4)}, ${sorted(c.cfg.cidrs6)}`, c.m.ingress);
      }
    }
    for (const cert of c.cfg.certificates) if (!certificates.includes(cert)) certificates.push(cert);
  }
  const cidrs4 = cidrsFrom ? [...new Set(cidrsFrom.cfg.cidrs4)].sort() : ["0.0.0.0/0"];
  const cidrs6 = cidrsFrom ? [...new Set(cidrsFrom.cfg.cidrs6)].sort() : ["::/0"];
  return { protocol: first.cfg.protocol, cidrs4, cidrs6, certificates };
}

/** The members that set the annotation, in member order, with its value (buildLoadBalancerScheme and friends). */
function annotated(members: readonly ClassifiedIngress[], suffix: string): { m: ClassifiedIngress; value: string }[] {
  const out: { m: ClassifiedIngress; value: string }[] = [];
  for (const m of members) {
    const value = annotation(m.ingress, suffix);
    if (value !== undefined) out.push({ m, value });
  }
  return out;
}

function explicitValues(members: readonly ClassifiedIngress[], suffix: string): Set<string> {
  return new Set(annotated(members, suffix).map((a) => a.value));
}

/** The first member that sets the annotation (to `value`, when given), else the first member. */
function sourceOfAnnotation(members: readonly ClassifiedIngress[], suffix: string, value?: string): SourceRef {
  return (annotated(members, suffix).find((a) => value === undefined || a.value === value)?.m ?? members[0]!).ingress.meta.source;
}

/** The first member whose value of the annotation differs from the first one given: where a conflict shows. */
function conflictSource(members: readonly ClassifiedIngress[], suffix: string): SourceRef {
  const given = annotated(members, suffix);
  return ((given.find((a) => a.value !== given[0]!.value) ?? given[0])?.m ?? members[0]!).ingress.meta.source;
}

function buildScheme(ctx: BuildContext, members: readonly ClassifiedIngress[]): "internet-facing" | "internal" {
  const explicit = explicitValues(members, "scheme");
  if (explicit.size === 0) {
    const d = ctx.options.defaultScheme ?? "internal";
    return d === "internet-facing" ? "internet-facing" : "internal";
  }
  if (explicit.size > 1) throw new BuildError(`conflicting scheme: ${goSet(explicit)}`, conflictSource(members, "scheme"));
  const scheme = [...explicit][0]!;
  if (scheme !== "internet-facing" && scheme !== "internal") throw new BuildError(`unknown scheme: ${scheme}`, sourceOfAnnotation(members, "scheme", scheme));
  return scheme;
}

function buildIpAddressType(members: readonly ClassifiedIngress[]): string {
  const explicit = explicitValues(members, "ip-address-type");
  if (explicit.size === 0) return "ipv4";
  if (explicit.size > 1) throw new BuildError(`conflicting IPAddressType: ${goList([...explicit].sort())}`, conflictSource(members, "ip-address-type"));
  const t = [...explicit][0]!;
  if (!["ipv4", "dualstack", "dualstack-without-public-ipv4"].includes(t)) throw new BuildError(`unknown IPAddressType: ${t}`, sourceOfAnnotation(members, "ip-address-type"));
  return t;
}

function subnetName(s: Subnet): string | undefined {
  return s.tags["Name"];
}

function routesToInternetGateway(snapshot: Snapshot, subnet: Subnet): boolean {
  return routeTableForSubnet(subnet.id, snapshot.aws)?.table.routes.some((r) => r.targetKind === "internet-gateway" && r.state === "active") ?? false;
}

/** buildLoadBalancerSubnetMappings: the subnets annotation (all must agree), else discovery. */
function buildSubnets(ctx: BuildContext, members: readonly ClassifiedIngress[], scheme: "internet-facing" | "internal"): string[] {
  const aws = ctx.snapshot.aws;
  const explicit = annotated(members, "subnets").map(({ m, value }) => ({ m, ids: stringSlice(value) }));
  if (explicit.length > 0) {
    const chosen = explicit[0]!;
    for (const other of explicit.slice(1)) {
      if (!sameSet(chosen.ids, other.ids) || chosen.ids.length !== other.ids.length) throw new BuildError(`conflicting subnets: ${goList(chosen.ids)} | ${goList(other.ids)}`, other.m.ingress.meta.source);
    }
    if (aws.subnets.length === 0) {
      ctx.notes.push({ what: `the snapshot has no subnets: the subnets annotation ${goList(chosen.ids)} is taken as written`, source: chosen.m.ingress.meta.source });
      return chosen.ids.filter((s) => s.startsWith("subnet-"));
    }
    const fail = (message: string): never => {
      throw new BuildError(`failed to list subnets by names or IDs: ${message}`, chosen.m.ingress.meta.source);
    };
    const inVpc = aws.subnets.filter((s) => ctx.vpcId === undefined || s.vpcId === ctx.vpcId);
    const wantIds = chosen.ids.filter((s) => s.startsWith("subnet-"));
    const foundIds = inVpc.filter((s) => wantIds.includes(s.id)).map((s) => s.id);
    if (foundIds.length !== new Set(wantIds).size) fail(`couldn't find all subnets, want: ${goList(wantIds)}, found: ${goList(foundIds)}`);
    const resolved: Subnet[] = [];
    for (const nameOrId of chosen.ids) {
      const subnet = nameOrId.startsWith("subnet-") ? inVpc.find((s) => s.id === nameOrId) : inVpc.find((s) => subnetName(s) === nameOrId && !resolved.includes(s));
      if (!subnet) fail(nameOrId.startsWith("subnet-") ? `subnet ID not found: ${nameOrId}` : `subnet with Name tag not found: ${nameOrId}`);
      resolved.push(subnet!);
    }
    const byAz = new Map<string, string[]>();
    for (const s of resolved) byAz.set(s.availabilityZone ?? "", [...(byAz.get(s.availabilityZone ?? "") ?? []), s.id]);
    for (const [az, ids] of byAz) if (ids.length > 1) throw new BuildError(`multiple subnets in same Availability Zone ${az}: ${goList(ids)}`, chosen.m.ingress.meta.source);
    if (resolved.length < 2) throw new BuildError(`subnets count less than minimal required count: ${resolved.length} < 2`, chosen.m.ingress.meta.source);
    return resolved.map((s) => s.id);
  }
  // ResolveViaDiscovery (pkg/networking/subnet_resolver.go)
  const source = members[0]!.ingress.meta.source;
  if (aws.subnets.length === 0) {
    ctx.notes.push({ what: "the snapshot has no subnets: the load balancer's subnets (discovered by the kubernetes.io/role/elb or role/internal-elb tag) are not known", source });
    return [];
  }
  const inVpc = aws.subnets.filter((s) => ctx.vpcId === undefined || s.vpcId === ctx.vpcId);
  const roleTag = scheme === "internal" ? "kubernetes.io/role/internal-elb" : "kubernetes.io/role/elb";
  let candidates = inVpc.filter((s) => s.tags[roleTag] === "" || s.tags[roleTag] === "1");
  let how = `tagged ${roleTag}`;
  if (candidates.length === 0) {
    // SubnetDiscoveryByReachability (on by default): public subnets route to an internet gateway
    const needsPublic = scheme === "internet-facing";
    candidates = inVpc.filter((s) => routesToInternetGateway(ctx.snapshot, s) === needsPublic);
    how = `no subnet is tagged ${roleTag}: by reachability, ${needsPublic ? "public" : "private"} subnets`;
  }
  const clusterTag = ctx.clusterName ? `kubernetes.io/cluster/${ctx.clusterName}` : undefined;
  const otherCluster = (s: Subnet): boolean => {
    const tags = Object.keys(s.tags).filter((t) => t.startsWith("kubernetes.io/cluster"));
    if (tags.length === 0) return false;
    if (!clusterTag) return false;
    return !tags.includes(clusterTag);
  };
  const ineligible = candidates.filter(otherCluster);
  const eligible = candidates.filter((s) => !otherCluster(s));
  if (!clusterTag && candidates.some((s) => Object.keys(s.tags).some((t) => t.startsWith("kubernetes.io/cluster/")))) {
    ctx.notes.push({ what: "the cluster name is not known: subnets tagged for a cluster are not checked against it", source });
  }
  const byAz = new Map<string, Subnet[]>();
  for (const s of eligible) byAz.set(s.availabilityZone ?? s.id, [...(byAz.get(s.availabilityZone ?? s.id) ?? []), s]);
  const chosen = [...byAz.values()]
    .map((list) => [...list].sort((a, b) => Number(clusterTag !== undefined && b.tags[clusterTag] !== undefined) - Number(clusterTag !== undefined && a.tags[clusterTag] !== undefined) || (a.id < b.id ? -1 : 1))[0]!)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (chosen.length === 0) {
    throw new BuildError(`couldn't auto-discover subnets: unable to resolve at least one subnet. Evaluated ${candidates.length} subnets: ${ineligible.length} are tagged for other clusters, and 0 have insufficient available IP addresses`, source);
  }
  if (chosen.length < 2) throw new BuildError(`couldn't auto-discover subnets: subnets count less than minimal required count: ${chosen.length} < 2`, source);
  ctx.notes.push({ what: `subnets discovered: ${how}, one per availability zone: ${chosen.map((s) => s.id).join(", ")}`, source: chosen[0]!.source });
  return chosen.map((s) => s.id);
}

/**
 * buildLoadBalancerSecurityGroups: the security-groups annotation (it must agree across the
 * group), with the manage-backend-security-group-rules setting; undefined: the controller
 * creates and manages the frontend security group.
 */
function buildSecurityGroups(ctx: BuildContext, members: readonly ClassifiedIngress[]): { ids: string[]; manageBackendRules: boolean } | undefined {
  const explicit = annotated(members, "security-groups").map(({ m, value }) => ({ m, ids: stringSlice(value) }));
  if (explicit.length === 0) return undefined;
  const chosen = explicit[0]!;
  for (const other of explicit.slice(1)) {
    if (chosen.ids.length !== other.ids.length || chosen.ids.some((v, i) => v !== other.ids[i])) {
      throw new BuildError(`conflicting securityGroups: ${goList(chosen.ids)} | ${goList(other.ids)}`, other.m.ingress.meta.source);
    }
  }
  const manageBackendRules = manageBackendRulesFlag(ctx, members);
  if (manageBackendRules && !(ctx.options.enableBackendSecurityGroup ?? true)) {
    throw new BuildError("backendSG feature is required to manage worker node SG rules when frontendSG manually specified", chosen.m.ingress.meta.source);
  }
  const groups = ctx.snapshot.aws.securityGroups;
  const ids = chosen.ids.map((nameOrId) => {
    if (nameOrId.startsWith("sg-")) return nameOrId;
    const sg = groups.find((g) => (ctx.vpcId === undefined || g.vpcId === ctx.vpcId) && (g.tags["Name"] === nameOrId || g.name === nameOrId));
    if (!sg) ctx.notes.push({ what: `security group ${JSON.stringify(nameOrId)} is not in the snapshot: kept by name`, source: chosen.m.ingress.meta.source });
    return sg?.id ?? nameOrId;
  });
  return { ids, manageBackendRules };
}

/** buildManageSecurityGroupRulesFlag: the annotation (all members agree) over the flag. */
function manageBackendRulesFlag(ctx: BuildContext, members: readonly ClassifiedIngress[]): boolean {
  const explicit = new Set<boolean>();
  for (const { m, value } of annotated(members, "manage-backend-security-group-rules")) {
    const parsed = parseBool(value);
    if (parsed === undefined) {
      throw new BuildError(`failed to parse bool annotation, ${PREFIX}manage-backend-security-group-rules: ${value}: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`, m.ingress.meta.source);
    }
    explicit.add(parsed);
  }
  if (explicit.size > 1) throw new BuildError("conflicting manage backend security group rules settings", conflictSource(members, "manage-backend-security-group-rules"));
  if (explicit.size === 1) return [...explicit][0]!;
  return ctx.options.enableManageBackendSecurityGroupRules ?? false;
}

/** strconv.ParseBool */
function parseBool(raw: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return undefined;
}

function buildName(members: readonly ClassifiedIngress[], ctx: BuildContext): string {
  const explicit = explicitValues(members, "load-balancer-name");
  if (explicit.size > 1) throw new BuildError(`conflicting load balancer name: ${goSet(explicit)}`, conflictSource(members, "load-balancer-name"));
  if (explicit.size === 1) {
    const name = [...explicit][0]!;
    if (name.length > 32) throw new BuildError("load balancer name cannot be longer than 32 characters", sourceOfAnnotation(members, "load-balancer-name"));
    return name;
  }
  return `${generatedNamePrefix(ctx.group, ctx.explicit)}<hash>`;
}

/**
 * The load balancer name the controller generates for a group (buildLoadBalancerName), up to its
 * hash: `k8s-GROUP17-` for an explicit group, `k8s-NS8-NAME8-` for an implicit one.
 */
function generatedNamePrefix(group: string, explicit: boolean): string {
  if (explicit) return `k8s-${alphanumeric(group).slice(0, 17)}-`;
  const [ns = "", name = ""] = group.split("/");
  return `k8s-${alphanumeric(ns).slice(0, 8)}-${alphanumeric(name).slice(0, 8)}-`;
}

/** The generated name as a pattern: the hash (of the cluster name, group and scheme) is not known here, so any 10 hex digits. */
export function generatedNamePattern(group: string, explicit: boolean): RegExp {
  return new RegExp(`^${generatedNamePrefix(group, explicit)}[0-9a-f]{10}$`);
}

/** buildSSLRedirectConfig: the HTTPS port HTTP listeners redirect to, and the Ingress that asks for it. */
function buildSslRedirect(members: readonly ClassifiedIngress[], ports: ReadonlyMap<number, ListenPortConfig>): { port: number; source: SourceRef } | undefined {
  const explicit = new Set<number>();
  let source: SourceRef = members[0]!.ingress.meta.source;
  for (const { m, value } of annotated(members, "ssl-redirect")) {
    const parsed = parseInt32("ssl-redirect", value);
    if (typeof parsed === "string") throw new BuildError(`ingress: ${key(m.ingress)}: ${parsed}`, m.ingress.meta.source);
    explicit.add(parsed);
    source = m.ingress.meta.source;
  }
  if (explicit.size === 0) return undefined;
  if (explicit.size > 1) throw new BuildError(`conflicting sslRedirect port: ${goList([...explicit].sort((a, b) => a - b))}`, source);
  const port = [...explicit][0]!;
  const cfg = ports.get(port);
  if (!cfg) throw new BuildError(`listener does not exist for SSLRedirect port: ${port}`, source);
  if (cfg.protocol !== "HTTPS") throw new BuildError(`listener protocol non-SSL for SSLRedirect port: ${port}`, source);
  return { port, source };
}

function buildGroup(ctx: BuildContext, members: readonly ClassifiedIngress[]): LoadBalancerView {
  // Annotations the loader could not read (Ingress.alb.errors) are re-read below where the
  // controller reads them, so each fails where and as the controller fails. One this module
  // does not re-read stops the build here.
  for (const m of members) {
    const err = m.ingress.alb.errors.find((e) => !/listen-ports|inbound-cidrs|group\.name|group\.order|ssl-redirect|scheme|target-type|backend-protocol|manage-backend-security-group-rules|actions\.|conditions\./.test(e));
    if (err) throw new BuildError(`ingress: ${key(m.ingress)}: ${err}`, m.ingress.meta.source);
  }
  const perPort = new Map<number, PortMember[]>();
  for (const m of members) {
    for (const [port, cfg] of listenPortConfigs(m.ingress)) {
      const list = perPort.get(port);
      if (list) list.push({ m, cfg });
      else perPort.set(port, [{ m, cfg }]);
    }
  }
  const ports = [...perPort.keys()].sort((a, b) => a - b);
  const merged = new Map<number, ListenPortConfig>();
  for (const port of ports) merged.set(port, mergePort(port, perPort.get(port)!));

  const scheme = buildScheme(ctx, members);
  const ipAddressType = buildIpAddressType(members);
  const subnetIds = buildSubnets(ctx, members, scheme);
  const securityGroups = buildSecurityGroups(ctx, members);
  const name = buildName(members, ctx);
  const sslRedirect = buildSslRedirect(members, merged);

  const listeners: ListenerView[] = [];
  for (const port of ports) {
    const cfg = merged.get(port)!;
    const ingList = perPort.get(port)!.map((p) => p.m);
    const listenerId = `ingress-group:${ctx.group}:${port}`;
    const listenerSource = ingList[0]!.ingress.meta.source;
    const redirected = sslRedirect !== undefined && cfg.protocol === "HTTP";
    const defaultActions = redirected ? sslRedirectAction(sslRedirect) : buildDefaultActions(ctx, ingList);
    const rules: RuleView[] = [];
    if (!redirected) {
      const built = optimizeRules(port, cfg.protocol, buildRules(ctx, ingList));
      built.forEach((r, i) => {
        const priority = i + 1;
        rules.push({ id: `${listenerId}:${priority}`, priority, conditions: r.conditions, actions: r.actions, ingress: { namespace: r.ingress.namespace, name: r.ingress.name }, description: describeRule(priority, r.conditions, r.actions), source: r.source });
      });
    }
    rules.push({ id: `${listenerId}:default`, priority: "default", conditions: [], actions: defaultActions.actions, ingress: defaultActions.ingress, description: describeRule("default", [], defaultActions.actions), source: defaultActions.source ?? listenerSource });
    if (cfg.protocol === "HTTPS" && cfg.certificates.length === 0) {
      ctx.notes.push({ what: `listener ${port}/HTTPS: no certificate-arn: the controller discovers ACM certificates by the Ingress hosts (not modelled)`, source: listenerSource });
    }
    listeners.push({ id: listenerId, port, protocol: cfg.protocol, rules, certificateArns: cfg.certificates, source: listenerSource });
  }

  if (ipAddressType !== "ipv4") ctx.notes.push({ what: `ip-address-type ${ipAddressType}: only IPv4 is analysed`, source: sourceOfAnnotation(members, "ip-address-type") });
  const source = members[0]!.ingress.meta.source;
  const managedSecurityGroupRules = describeManagedRules(ctx, merged, securityGroups);
  const statusHost = members.flatMap((m) => m.ingress.loadBalancerIngress.map((l) => l.hostname)).find((h): h is string => !!h);
  ctx.notes.push({ what: "a derived load balancer's ENI addresses (one per subnet) are assigned by AWS: not known", source });
  if (!statusHost) ctx.notes.push({ what: "a derived load balancer's DNS name is assigned by AWS: not known", source });
  for (const m of members) {
    const cls = m.ingress.ingressClassName ? ctx.snapshot.kubernetes.ingressClasses.find((c) => c.name === m.ingress.ingressClassName) : undefined;
    if (cls?.parameters) {
      ctx.notes.push({ what: `IngressClass ${cls.name} references ${cls.parameters.kind} ${cls.parameters.name}: its settings (scheme, group, subnets, …) are not modelled`, source: cls.meta.source });
      break;
    }
  }
  return {
    origin: "ingress",
    id: `ingress-group:${ctx.group}`,
    name,
    type: "application",
    scheme,
    dnsName: statusHost?.toLowerCase(),
    vpcId: ctx.vpcId,
    subnetIds,
    addresses: subnetIds.map((subnetId) => ({ subnetId, privateIp: undefined, publicIp: undefined })),
    securityGroupIds: securityGroups?.ids ?? [],
    ingresses: members.map((m) => ingressRef(m.ingress)),
    listeners,
    group: ctx.group,
    state: undefined,
    managedSecurityGroupRules,
    notes: ctx.notes,
    source,
  };
}

function describeManagedRules(ctx: BuildContext, ports: ReadonlyMap<number, ListenPortConfig>, securityGroups: { ids: readonly string[]; manageBackendRules: boolean } | undefined): ManagedSecurityGroupRules {
  const targetPorts = [...ctx.backendPorts.entries()].map(([tg, port]) => `tcp ${port} (${tg})`);
  if (securityGroups === undefined) {
    const frontend: string[] = [];
    for (const [port, cfg] of [...ports.entries()].sort((a, b) => a[0] - b[0])) {
      for (const cidr of cfg.cidrs4) frontend.push(`managed security group: inbound tcp ${port} from ${cidr}`);
    }
    const enableBackend = ctx.options.enableBackendSecurityGroup ?? true;
    const backendSg = enableBackend ? "the shared backend security group (k8s-traffic-CLUSTER-…), attached to the load balancer" : "the managed frontend security group";
    return {
      frontend,
      backend: targetPorts.map((p) => `targets' ENI security groups: inbound ${p} from ${backendSg}`),
    };
  }
  return {
    frontend: [`security groups ${securityGroups.ids.join(", ")} from the security-groups annotation: the controller adds no inbound rules to them`],
    backend: securityGroups.manageBackendRules
      ? targetPorts.map((p) => `targets' ENI security groups: inbound ${p} from the shared backend security group (k8s-traffic-CLUSTER-…), attached to the load balancer`)
      : ["manage-backend-security-group-rules is off: the controller adds no rules for the targets; their security groups must admit the load balancer's"],
  };
}

// ---------------------------------------------------------------------------------------------
// Actions, rules, target groups

interface TargetGroupTuple {
  readonly serviceName: string | undefined;
  readonly servicePort: number | string | undefined;
  readonly arn: string | undefined;
  readonly weight: number | undefined;
}

type BackendAction =
  | { readonly type: "forward"; readonly tuples: readonly TargetGroupTuple[] }
  | { readonly type: "redirect"; readonly action: Extract<ActionView, { type: "redirect" }> }
  | { readonly type: "fixed-response"; readonly action: Extract<ActionView, { type: "fixed-response" }> };

const BACKEND_SERVICE_503: ActionView = { type: "fixed-response", statusCode: "503", contentType: "text/plain", messageBody: "Backend service does not exist" };
const BACKEND_ACTION_503: ActionView = { type: "fixed-response", statusCode: "503", contentType: "text/plain", messageBody: "Backend action does not exist" };

/** buildActionViaAnnotation: an `actions.NAME` annotation (use-annotation). */
function actionFromAnnotation(ctx: BuildContext, ing: Ingress, name: string): BackendAction | undefined {
  const raw = ing.meta.annotations[`${PREFIX}actions.${name}`];
  if (raw === undefined) {
    if (ctx.options.tolerateNonExistentBackendAction ?? true) return undefined;
    throw new Error(`missing actions.${name} configuration`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new Error(`failed to parse json annotation, ${PREFIX}actions.${name}: ${raw}: ${(e as Error).message}`);
  }
  const type = str(field(value, "type"));
  switch (type) {
    case "fixed-response": {
      const cfg = field(value, "fixedResponseConfig");
      if (cfg === undefined || cfg === null) throw new Error("missing FixedResponseConfig");
      const statusCode = str(field(cfg, "statusCode"));
      if (!statusCode) throw new Error("invalid FixedResponseConfig: statusCode is required");
      return { type, action: { type, statusCode, contentType: str(field(cfg, "contentType")), messageBody: str(field(cfg, "messageBody")) } };
    }
    case "redirect": {
      const cfg = field(value, "redirectConfig");
      if (cfg === undefined || cfg === null) throw new Error("missing RedirectConfig");
      const statusCode = str(field(cfg, "statusCode"));
      if (!statusCode) throw new Error("invalid RedirectConfig: statusCode is required");
      return { type, action: { type, protocol: str(field(cfg, "protocol")), port: str(field(cfg, "port")), host: str(field(cfg, "host")), path: str(field(cfg, "path")), query: str(field(cfg, "query")), statusCode } };
    }
    case "forward": {
      const arn = str(field(value, "targetGroupARN")) ?? str(field(value, "targetGroupName"));
      const forward = field(value, "forwardConfig");
      if (arn === undefined && forward === undefined) throw new Error("missing ForwardConfig or TargetGroupARN/TargetGroupName");
      if (arn !== undefined && forward !== undefined) throw new Error("either ForwardConfig or TargetGroupARN/TargetGroupName can be specified");
      if (arn !== undefined) return { type, tuples: [{ serviceName: undefined, servicePort: undefined, arn, weight: undefined }] };
      const tuples: TargetGroupTuple[] = [];
      const list = field(forward, "targetGroups");
      for (const t of Array.isArray(list) ? list : []) {
        const serviceName = str(field(t, "serviceName"));
        const tgArn = str(field(t, "targetGroupARN")) ?? str(field(t, "targetGroupName"));
        const port = field(t, "servicePort");
        const weight = field(t, "weight");
        if (serviceName === undefined && tgArn === undefined) throw new Error("invalid ForwardConfig: invalid TargetGroupTuple: missing serviceName or targetGroupARN/targetGroupName");
        if (serviceName !== undefined && tgArn !== undefined) throw new Error("invalid ForwardConfig: invalid TargetGroupTuple: either serviceName or targetGroupARN/targetGroupName can be specified");
        if (serviceName !== undefined && port === undefined) throw new Error("invalid ForwardConfig: invalid TargetGroupTuple: missing servicePort");
        // normalizeServicePortForBackwardsCompatibility: "80" is the port number 80
        const servicePort = typeof port === "number" ? port : typeof port === "string" && /^\d+$/.test(port) ? Number(port) : typeof port === "string" ? port : undefined;
        tuples.push({ serviceName, servicePort, arn: tgArn, weight: typeof weight === "number" ? weight : undefined });
      }
      if (tuples.length > 1 && tuples.some((t) => t.weight === undefined)) throw new Error("invalid ForwardConfig: weight must be set when route to multiple target groups");
      return { type, tuples };
    }
    default:
      throw new Error(`unknown action type: ${type ?? ""}`);
  }
}

/** buildConditions: the `conditions.NAME` annotation, validated as RuleCondition.Validate does. */
function annotationConditions(ing: Ingress, name: string): { field: string; values: string[] }[] {
  const raw = ing.meta.annotations[`${PREFIX}conditions.${name}`];
  if (raw === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new Error(`failed to parse json annotation, ${PREFIX}conditions.${name}: ${raw}: ${(e as Error).message}`);
  }
  const out: { field: string; values: string[] }[] = [];
  for (const c of Array.isArray(value) ? value : []) {
    const f = str(field(c, "field")) ?? "";
    const config = (name: string): unknown => {
      const cfg = field(c, name);
      if (cfg === undefined || cfg === null) throw new Error(`missing ${name}`);
      return cfg;
    };
    /** values or regexValues (host-header, path-pattern, http-header) */
    const values = (cfg: unknown, configName: string): string[] => {
      const v = strings(field(cfg, "values"));
      const regex = strings(field(cfg, "regexValues"));
      if (v.length === 0 && regex.length === 0) throw new Error(`invalid ${configName}: values or regexValues must be specified`);
      if (v.length > 0 && regex.length > 0) throw new Error(`invalid ${configName}: precisely one of values and regexValues can be specified`);
      if (regex.length > 0) throw new Error(`invalid ${configName}: regexValues are not modelled by podpath`);
      return v;
    };
    /** values only, at least one (http-request-method, source-ip) */
    const plainValues = (configName: string): string[] => {
      const v = strings(field(config(configName), "values"));
      if (v.length === 0) throw new Error(`invalid ${configName}: values cannot be empty`);
      return v;
    };
    switch (f) {
      case "host-header":
        out.push({ field: f, values: values(config("hostHeaderConfig"), "hostHeaderConfig") });
        break;
      case "path-pattern":
        out.push({ field: f, values: values(config("pathPatternConfig"), "pathPatternConfig") });
        break;
      case "http-header": {
        const cfg = config("httpHeaderConfig");
        const headerName = str(field(cfg, "httpHeaderName")) ?? "";
        out.push({ field: f, values: values(cfg, "httpHeaderConfig").map((v) => `${headerName}: ${v}`) });
        break;
      }
      case "http-request-method":
        out.push({ field: f, values: plainValues("httpRequestMethodConfig") });
        break;
      case "query-string": {
        const list = field(config("queryStringConfig"), "values");
        const pairs = Array.isArray(list) ? list : [];
        if (pairs.length === 0) throw new Error("invalid queryStringConfig: Values cannot be empty");
        out.push({
          field: f,
          values: pairs.map((p) => {
            const k = str(field(p, "key"));
            const v = str(field(p, "value")) ?? "";
            if (v === "") throw new Error("invalid queryStringConfig: value cannot be empty");
            return k ? `${k}=${v}` : v;
          }),
        });
        break;
      }
      case "source-ip":
        out.push({ field: f, values: plainValues("sourceIPConfig") });
        break;
      default:
        break;
    }
  }
  return out;
}

/** enhancedBackendBuilder.Build: the backend's conditions and action, its Services loaded. */
function enhancedBackend(ctx: BuildContext, ing: Ingress, backend: IngressBackend): { conditions: { field: string; values: string[] }[]; action: BackendAction | ActionView } {
  if (!backend.service) throw new Error('missing required "service" field');
  const conditions = annotationConditions(ing, backend.service.name);
  let action: BackendAction | undefined;
  if (backend.service.port === "use-annotation") {
    action = actionFromAnnotation(ctx, ing, backend.service.name);
    if (!action) return { conditions, action: BACKEND_ACTION_503 };
  } else {
    action = { type: "forward", tuples: [{ serviceName: backend.service.name, servicePort: backend.service.port, arn: undefined, weight: undefined }] };
  }
  if (action.type === "forward") {
    // loadBackendServices: a forward to a single missing Service becomes a 503 when tolerated
    const names = [...new Set(action.tuples.map((t) => t.serviceName).filter((n): n is string => n !== undefined))];
    const single = action.tuples.length === 1 && names.length === 1;
    for (const name of names) {
      if (findService(ctx, ing.namespace, name)) continue;
      if (single && (ctx.options.tolerateNonExistentBackendService ?? true)) {
        ctx.notes.push({ what: `Ingress ${key(ing)}: service ${ing.namespace}/${name} does not exist: with --tolerate-non-existent-backend-service (the default) its rule answers 503 "Backend service does not exist"`, source: ing.meta.source });
        return { conditions, action: BACKEND_SERVICE_503 };
      }
      throw new Error(`services ${JSON.stringify(name)} not found`);
    }
  }
  return { conditions, action };
}

function findService(ctx: BuildContext, namespace: string, name: string): Service | undefined {
  return ctx.services.get(`${namespace}/${name}`);
}

/** k8s.LookupServicePort */
function lookupServicePort(service: Service, port: number | string): ServicePort {
  const found = servicePortOf(service, port);
  if (!found) throw new Error(`unable to find port ${port} on service ${service.namespace}/${service.name}`);
  return found;
}

function parseStringMap(suffix: string, raw: string | undefined): Labels {
  if (raw === undefined) return {};
  const out: Record<string, string> = {};
  for (const item of stringSlice(raw)) {
    const parts = item.split("=");
    if (parts.length !== 2 || parts[0]!.trim() === "") throw new Error(`failed to parse stringMap annotation, ${PREFIX}${suffix}: ${raw}`);
    out[parts[0]!.trim()] = parts[1]!.trim();
  }
  return out;
}

/** buildTargetGroup: the target group for (Ingress, Service, port), built once per group. */
function buildTargetGroup(ctx: BuildContext, ing: Ingress, service: Service, port: number | string): TargetGroupView {
  const id = `${ing.namespace}/${ing.name}-${service.name}:${port}`;
  const existing = ctx.targetGroups.get(id);
  if (existing) return existing;
  const servicePort = lookupServicePort(service, port);
  const merged = (suffix: string): string | undefined => annotation(ing, suffix) ?? service.meta.annotations[PREFIX + suffix];
  const targetType = merged("target-type") ?? ctx.options.defaultTargetType ?? "instance";
  if (targetType !== "instance" && targetType !== "ip") throw new Error(`unknown targetType: ${targetType}`);
  const protocol = merged("backend-protocol") ?? "HTTP";
  if (protocol !== "HTTP" && protocol !== "HTTPS") throw new Error(`backend protocol must be within [HTTP, HTTPS]: ${protocol}`);
  const notes: LbSource[] = [];
  let tgPort: number | undefined;
  if (targetType === "instance") {
    tgPort = servicePort.nodePort;
    if (tgPort === undefined) {
      // A Service from a live cluster (it has its ClusterIP) without nodePort: ClusterIP, or a
      // LoadBalancer with allocateLoadBalancerNodePorts false. From a manifest, a NodePort or
      // LoadBalancer Service gets its nodePort when it is applied.
      const manifest = service.clusterIP === undefined && (service.type === "NodePort" || service.type === "LoadBalancer");
      if (!manifest) throw new Error("TargetGroup port is empty. When using Instance targets, your service be must of type 'NodePort' or 'LoadBalancer'");
      notes.push({ what: `service ${service.namespace}/${service.name} port ${servicePort.port} has no nodePort yet (a manifest): the API server allocates one`, source: service.meta.source });
    }
  } else {
    tgPort = typeof servicePort.targetPort === "number" ? servicePort.targetPort : 1;
  }
  const healthCheckPortRaw = merged("healthcheck-port") ?? "traffic-port";
  let healthCheckPort = healthCheckPortRaw;
  if (healthCheckPortRaw !== "traffic-port" && !/^\d+$/.test(healthCheckPortRaw)) {
    let hc: ServicePort;
    try {
      hc = lookupServicePort(service, healthCheckPortRaw);
    } catch (e) {
      throw new Error(`failed to resolve healthCheckPort: ${(e as Error).message}`);
    }
    healthCheckPort = String(targetType === "instance" ? hc.nodePort ?? "" : hc.targetPort);
  }
  const targetNodeLabels = targetType === "instance" ? parseStringMap("target-node-labels", merged("target-node-labels")) : {};
  const derived =
    targetType === "instance"
      ? tgPort !== undefined
        ? deriveInstanceTargets(ctx.snapshot, ctx.index, tgPort, targetNodeLabels)
        : { targets: [], notes: [] }
      : deriveIpTargets(ctx.snapshot, ctx.index, service, servicePort);
  notes.push(...derived.notes);
  const targetPorts = [...new Set(derived.targets.map((t) => t.port))];
  const portText = targetType === "instance" ? String(tgPort ?? "NodePort") : targetPorts.length > 0 ? targetPorts.join(",") : String(servicePort.targetPort);
  ctx.backendPorts.set(`${service.namespace}/${service.name}:${port}`, healthCheckPort !== "traffic-port" && healthCheckPort !== portText ? `${portText}, ${healthCheckPort}` : portText);
  const tg: TargetGroupView = {
    id,
    name: `k8s-${alphanumeric(service.namespace).slice(0, 8)}-${alphanumeric(service.name).slice(0, 8)}-<hash>`,
    targetType,
    protocol,
    port: tgPort,
    service: { namespace: service.namespace, name: service.name, port },
    targets: derived.targets,
    targetsFrom: "derived",
    healthCheck: { protocol, port: healthCheckPort, path: merged("healthcheck-path") ?? "/" },
    notes,
    source: service.meta.source,
  };
  ctx.targetGroups.set(id, tg);
  return tg;
}

/** buildBackendAction: a forward becomes target groups (with weights). */
function backendActionView(ctx: BuildContext, ing: Ingress, action: BackendAction | ActionView): ActionView {
  if (!("tuples" in action)) return "action" in action ? action.action : action;
  const targetGroups = action.tuples.map((t) => {
    if (t.arn !== undefined) {
      const observed = ctx.snapshot.aws.targetGroups.find((g) => g.arn === t.arn || g.name === t.arn);
      return { id: observed?.arn ?? t.arn, weight: t.weight ?? 1 };
    }
    const service = findService(ctx, ing.namespace, t.serviceName!);
    if (!service) throw new Error(`services ${JSON.stringify(t.serviceName)} not found`);
    const tg = buildTargetGroup(ctx, ing, service, t.servicePort!);
    return { id: tg.id, weight: t.weight ?? 1 };
  });
  return { type: "forward", targetGroups };
}

interface DefaultActions {
  readonly actions: ActionView[];
  readonly ingress: RuleView["ingress"];
  /** the Ingress that decides them; undefined: the listener's first Ingress */
  readonly source: SourceRef | undefined;
}

/** buildSSLRedirectAction: AWS fills the unset host, path and query with #{host}, /#{path}, #{query}. */
function sslRedirectAction(sslRedirect: { port: number; source: SourceRef }): DefaultActions {
  return { actions: [{ type: "redirect", protocol: "HTTPS", port: String(sslRedirect.port), host: "#{host}", path: "/#{path}", query: "#{query}", statusCode: "HTTP_301" }], ingress: undefined, source: sslRedirect.source };
}

/** buildListenerDefaultActions: the one Ingress defaultBackend of the listener's members, else 404. */
function buildDefaultActions(ctx: BuildContext, ingList: readonly ClassifiedIngress[]): DefaultActions {
  const withDefault = ingList.filter((m) => m.ingress.defaultBackend !== undefined);
  if (withDefault.length === 0) return { actions: [{ type: "fixed-response", statusCode: "404", contentType: "text/plain" }], ingress: undefined, source: undefined };
  if (withDefault.length > 1) throw new BuildError(`multiple ingress defined default backend: ${goList(withDefault.map((m) => key(m.ingress)))}`, withDefault[1]!.ingress.meta.source);
  const ing = withDefault[0]!.ingress;
  try {
    const backend = enhancedBackend(ctx, ing, ing.defaultBackend!);
    return { actions: [backendActionView(ctx, ing, backend.action)], ingress: { namespace: ing.namespace, name: ing.name }, source: ing.meta.source };
  } catch (e) {
    if (e instanceof BuildError) throw e;
    // the default backend's errors are not wrapped with the Ingress name
    throw new BuildError((e as Error).message, ing.meta.source);
  }
}

/** buildListenerRules before optimisation: member order, then rule order, then sorted paths. */
function buildRules(ctx: BuildContext, ingList: readonly ClassifiedIngress[]): Rule[] {
  const rules: Rule[] = [];
  for (const m of ingList) {
    const ing = m.ingress;
    for (const rule of ing.rules) {
      for (const path of sortIngressPaths(rule.paths)) {
        try {
          const backend = enhancedBackend(ctx, ing, path.backend);
          const hosts = rule.host ? [rule.host] : [];
          const patterns = pathPatterns(path.path, path.pathType);
          if (patterns.error) throw new Error(patterns.error);
          const paths = [...patterns.values];
          const conditions: RuleCondition[] = [];
          for (const c of backend.conditions) {
            if (c.field === "host-header") hosts.push(...c.values);
            else if (c.field === "path-pattern") paths.push(...c.values);
            else conditions.push(c);
          }
          if (hosts.length > 0) conditions.push({ field: "host-header", values: hosts });
          if (paths.length > 0) conditions.push({ field: "path-pattern", values: paths });
          if (conditions.length === 0) conditions.push({ field: "path-pattern", values: ["/*"] });
          rules.push({ conditions, actions: [backendActionView(ctx, ing, backend.action)], ingress: ing, source: path.source });
        } catch (e) {
          if (e instanceof BuildError) throw e;
          throw new BuildError(`ingress: ${key(ing)}: ${(e as Error).message}`, path.source);
        }
      }
    }
  }
  return rules;
}

/** rule_optimizer.go: drop redirect rules that would loop, and rules shadowed by an earlier redirect rule. */
function optimizeRules(port: number, protocol: string, rules: Rule[]): Rule[] {
  const redirectOf = (r: Rule) => r.actions.find((a): a is Extract<ActionView, { type: "redirect" }> => a.type === "redirect");
  const values = (r: Rule, f: string) => new Set(r.conditions.filter((c) => c.field === f).flatMap((c) => c.values));
  const infinite = (r: Rule): boolean => {
    const redirect = redirectOf(r);
    if (!redirect) return false;
    const hosts = values(r, "host-header");
    const paths = values(r, "path-pattern");
    if (redirect.host !== undefined && redirect.host !== "#{host}" && !hosts.has(redirect.host)) return false;
    if (redirect.path !== undefined && redirect.path !== "/#{path}" && !paths.has(redirect.path)) return false;
    if (redirect.port !== undefined && redirect.port !== "#{port}" && redirect.port !== String(port)) return false;
    if (redirect.protocol !== undefined && redirect.protocol !== "#{protocol}" && redirect.protocol !== protocol) return false;
    if (redirect.query !== undefined && redirect.query !== "#{query}") return false;
    return true;
  };
  const superset = (lhs: Rule, rhs: Rule): boolean => {
    if (lhs.conditions.some((c) => c.field !== "host-header" && c.field !== "path-pattern")) return false;
    const lh = values(lhs, "host-header");
    const lp = values(lhs, "path-pattern");
    const rh = values(rhs, "host-header");
    const rp = values(rhs, "path-pattern");
    const hostOk = lh.size === 0 || (rh.size !== 0 && [...rh].every((h) => lh.has(h)));
    const pathOk = lp.size === 0 || lp.has("/*") || (rp.size !== 0 && [...rp].every((p) => lp.has(p)));
    return hostOk && pathOk;
  };
  const out: Rule[] = [];
  for (const rule of rules.filter((r) => !infinite(r))) {
    if (out.some((existing) => redirectOf(existing) !== undefined && superset(existing, rule))) continue;
    out.push(rule);
  }
  return out;
}
