import type {
  V1Affinity,
  V1Container,
  V1EnvVar,
  V1NodeSelectorTerm,
  V1PodAffinityTerm,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Toleration,
  V1TopologySpreadConstraint,
} from "@kubernetes/client-node";
import type {
  Affinity,
  Container,
  ContainerPort,
  HostReference,
  NodeAffinity,
  NodeSelectorOperator,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinity,
  PodAffinityTerm,
  PodSpec,
  PodTemplate,
  Protocol,
  TaintEffect,
  Toleration,
  TopologySpreadConstraint,
} from "../../model/kubernetes.js";
import type { SourceRef } from "../../model/source.js";
import type { DocumentContext } from "../fields.js";
import { FieldAt, Fields } from "../fields.js";
import { configMapUses, configMapVolumes } from "./config-maps.js";
import { extractHostReferences } from "./host-references.js";
import { checkValues, readLabelSelector, readResources } from "./meta.js";

export const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];
export const TAINT_EFFECTS: readonly TaintEffect[] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/**
 * Env vars whose values analyses need (the AWS VPC CNI's SNAT settings on the aws-node
 * DaemonSet). Only these values are kept; every other env value is dropped on reading, so no
 * secret found in a snapshot can reach a report.
 */
export const KEPT_ENV_VALUES: ReadonlySet<string> = new Set([
  "AWS_VPC_K8S_CNI_EXTERNALSNAT",
  "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS",
  "AWS_VPC_K8S_CNI_RANDOMIZESNAT",
  "AWS_VPC_K8S_CNI_VETHPREFIX",
  "ENABLE_PREFIX_DELEGATION",
  "AWS_VPC_ENI_MTU",
  "ENABLE_POD_ENI",
  "POD_SECURITY_GROUP_ENFORCING_MODE",
  // calico-node's default pool at first start (projectcalico/calico node/pkg/lifecycle/startup/startup.go configureIPPools)
  "CALICO_IPV4POOL_CIDR",
  "CALICO_IPV4POOL_VXLAN",
  "CALICO_IPV4POOL_IPIP",
  "CALICO_IPV4POOL_NAT_OUTGOING",
  "CALICO_IPV4POOL_BLOCK_SIZE",
  "CALICO_IPV4POOL_NODE_SELECTOR",
  "NO_DEFAULT_POOLS",
  "CALICO_NETWORKING_BACKEND",
  "FELIX_NATOUTGOINGADDRESS",
]);

export function readPodTemplate(
  f: Fields<V1PodTemplateSpec> | undefined,
  ctx: DocumentContext,
  what: Fields<object>,
): PodTemplate {
  if (!f) what.fail("template is required");
  const meta = f.objOrEmpty("metadata");
  const spec = f.obj("spec") ?? f.fail("spec is required");
  return { labels: meta.map("labels"), annotations: meta.map("annotations"), spec: readPodSpec(spec, ctx) };
}

export function readPodSpec(f: Fields<V1PodSpec>, ctx: DocumentContext): PodSpec {
  const hostNetwork = f.bool("hostNetwork") ?? false;
  const volumes = configMapVolumes(f);
  const containers = f.objs("containers").map((c, i) => readContainer(c, i, ctx, volumes));
  if (containers.length === 0) f.fail("containers must not be empty");
  return {
    nodeName: f.str("nodeName") || undefined,
    nodeSelector: f.map("nodeSelector"),
    nodeSelectorSource: ctx.source(f.raw["nodeSelector"], ctx.source(f.raw)),
    affinity: readAffinity(f.obj("affinity"), ctx),
    tolerations: f.objs("tolerations").map((t) => readToleration(t, ctx)),
    topologySpreadConstraints: f.objs("topologySpreadConstraints").map((t) => readSpread(t, ctx)),
    containers,
    initContainers: f.objs("initContainers").map((c, i) => readContainer(c, i, ctx, volumes)),
    overhead: readResources(f.obj("overhead")),
    schedulerName: f.str("schedulerName") || "default-scheduler",
    priorityClassName: f.str("priorityClassName") || undefined,
    priority: f.int("priority"),
    hostNetwork,
    serviceAccountName: f.str("serviceAccountName") ?? f.str("serviceAccount"),
    source: ctx.source(f.raw),
    ...readPodLevel(f),
  };
}

/** spec.resources (pod-level, PodLevelResources), spec.runtimeClassName and spec.preemptionPolicy, only when set. */
function readPodLevel(f: Fields<V1PodSpec>): Pick<PodSpec, "resources" | "runtimeClassName" | "preemptionPolicy"> {
  const out: { -readonly [K in "resources" | "runtimeClassName" | "preemptionPolicy"]?: PodSpec[K] } = {};
  const resources = f.obj("resources");
  if (resources)
    out.resources = {
      requests: readResources(resources.obj("requests")),
      limits: readResources(resources.obj("limits")),
    };
  const runtimeClassName = f.str("runtimeClassName");
  if (runtimeClassName) out.runtimeClassName = runtimeClassName;
  const preemptionPolicy = f.str("preemptionPolicy");
  if (preemptionPolicy) out.preemptionPolicy = preemptionPolicy;
  return out;
}

/** A container's name is required by the API but used by no analysis: one without is kept as `#i`. */
function readContainer(
  c: Fields<V1Container>,
  index: number,
  ctx: DocumentContext,
  volumes: ReturnType<typeof configMapVolumes>,
): Container {
  const resources = c.objOrEmpty("resources");
  const envNames: string[] = [];
  // most containers keep none of these: they share one empty record (150,000 pods' worth of
  // empty objects is memory the placement phases then pay for in GC)
  let envValues: Record<string, string> = NONE;
  let envSources: Record<string, SourceRef> = NONE;
  let envFrom: Record<string, string> = NONE;
  // the Service-like hosts values name, matched here so the values themselves are dropped
  const hostReferences: HostReference[] = [];
  const references = (value: unknown, where: string, at: () => SourceRef) => {
    if (typeof value !== "string" || value.length < 3) return;
    for (const m of extractHostReferences(value)) hostReferences.push({ ...m, where, source: at() });
  };
  for (const e of c.objs("env")) {
    const name = e.reqStr("name");
    envNames.push(name);
    references(e.any("value"), `env ${name}`, () => ctx.source(new FieldAt(e.raw, "value"), ctx.source(e.raw)));
    if (KEPT_ENV_VALUES.has(name)) {
      if (envSources === NONE) [envValues, envSources, envFrom] = [{}, {}, {}];
      envSources[name] = ctx.source(e.raw);
      const value = e.any("value");
      if (typeof value === "string") envValues[name] = value;
      const from = e.obj("valueFrom");
      if (from) envFrom[name] = describeValueFrom(from);
    }
  }
  for (const key of ["command", "args"] as const) {
    const list = (c.raw as Record<string, unknown>)[key];
    if (Array.isArray(list))
      list.forEach((v, i) => references(v, `${key}[${i}]`, () => ctx.source(new FieldAt(list, i), ctx.source(list))));
  }
  const uses = configMapUses(c, volumes, ctx);
  return {
    name: c.str("name") || `#${index}`,
    image: c.str("image") ?? "",
    requests: readResources(resources.obj("requests")),
    limits: readResources(resources.obj("limits")),
    ports: c.objs("ports").flatMap((p): ContainerPort[] => {
      const containerPort = p.port("containerPort");
      if (containerPort === undefined) {
        ctx.drop(`${p.path}: containerPort is required; this port is ignored`, p.raw);
        return [];
      }
      return [
        {
          name: p.str("name") || undefined,
          containerPort,
          // as written: with hostNetwork, core/v1 SetDefaults_Pod defaults it on Pods only (pods.ts),
          // and admission/defaults.ts on the pods a template makes
          hostPort: p.port("hostPort", true) || undefined,
          hostIP: p.str("hostIP") || undefined,
          protocol: p.oneOf("protocol", PROTOCOLS, "TCP"),
        },
      ];
    }),
    restartPolicy: c.str("restartPolicy"),
    envNames,
    envValues,
    envSources,
    envFrom,
    ...(hostReferences.length > 0 ? { hostReferences } : {}),
    ...(uses.length > 0 ? { configMapUses: uses } : {}),
  };
}

const NONE: Record<string, never> = Object.freeze({});

/** Where a valueFrom takes its value: "ConfigMap calico-config key veth_mtu", "Secret x key y", "field spec.nodeName". */
function describeValueFrom(from: Fields<NonNullable<V1EnvVar["valueFrom"]>>): string {
  const cm = from.obj("configMapKeyRef");
  if (cm) return `ConfigMap ${cm.str("name") ?? "?"} key ${cm.str("key") ?? "?"}`;
  const secret = from.obj("secretKeyRef");
  if (secret) return `Secret ${secret.str("name") ?? "?"} key ${secret.str("key") ?? "?"}`;
  const field = from.obj("fieldRef");
  if (field) return `field ${field.str("fieldPath") ?? "?"}`;
  const resource = from.obj("resourceFieldRef");
  if (resource) return `resource ${resource.str("resource") ?? "?"}`;
  return "valueFrom";
}

/** core/v1 validation: Exists forbids a value; an empty key needs Exists. */
export function readToleration(t: Fields<V1Toleration>, ctx: DocumentContext): Toleration {
  const operator = t.oneOf("operator", ["Equal", "Exists"] as const, "Equal");
  const key = t.str("key") ?? "";
  const value = t.str("value") ?? "";
  if (operator === "Exists" && value !== "") t.fail("value must be empty when operator is Exists");
  if (key === "" && operator !== "Exists") t.fail("operator must be Exists when key is empty");
  const effect = t.oneOf("effect", [...TAINT_EFFECTS, ""] as const, "");
  const tolerationSeconds = t.int("tolerationSeconds");
  if (tolerationSeconds !== undefined && effect !== "NoExecute")
    t.fail("effect must be NoExecute when tolerationSeconds is set");
  return {
    key,
    operator,
    value,
    effect,
    tolerationSeconds,
    source: ctx.source(t.raw),
  };
}

function readAffinity(f: Fields<V1Affinity> | undefined, ctx: DocumentContext): Affinity {
  if (!f) return NO_AFFINITY;
  return {
    nodeAffinity: readNodeAffinity(f, ctx),
    podAffinity: readPodAffinity(f.obj("podAffinity"), ctx),
    podAntiAffinity: readPodAffinity(f.obj("podAntiAffinity"), ctx),
  };
}

const NO_AFFINITY: Affinity = Object.freeze({
  nodeAffinity: undefined,
  podAffinity: undefined,
  podAntiAffinity: undefined,
});

function readNodeAffinity(f: Fields<V1Affinity>, ctx: DocumentContext): NodeAffinity | undefined {
  const na = f.obj("nodeAffinity");
  if (!na) return undefined;
  const required = na.obj("requiredDuringSchedulingIgnoredDuringExecution");
  const terms = required ? required.objs("nodeSelectorTerms").map((t) => readNodeSelectorTerm(t, ctx)) : null;
  // core/v1 ValidateNodeSelector: "must have at least one node selector term"
  if (required && terms!.length === 0) required.fail("nodeSelectorTerms must have at least one node selector term");
  return {
    required: terms,
    preferred: na.objs("preferredDuringSchedulingIgnoredDuringExecution").map((p) => {
      const preference = p.obj("preference") ?? p.fail("preference is required");
      return {
        weight: p.int("weight", { min: 1, max: 100 }) ?? p.fail("weight is required"),
        preference: readNodeSelectorTerm(preference, ctx),
      };
    }),
  };
}

const NODE_OPERATORS: readonly NodeSelectorOperator[] = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];

function readNodeSelectorTerm(t: Fields<V1NodeSelectorTerm>, ctx: DocumentContext): NodeSelectorTerm {
  const requirement = (e: Fields<{ key?: string; operator?: string; values?: string[] }>): NodeSelectorRequirement => {
    if (!e.has("operator")) e.fail("operator is required");
    const operator = e.oneOf("operator", NODE_OPERATORS, "In");
    const values = e.strings("values");
    checkValues(e, operator, values);
    if ((operator === "Gt" || operator === "Lt") && (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? ""))) {
      e.fail(`operator ${operator} needs exactly one integer value`);
    }
    return { key: e.reqStr("key"), operator, values };
  };
  // core/v1 ValidateNodeFieldSelectorRequirement: only metadata.name, and In/NotIn take one value
  const field = (e: Fields<{ key?: string; operator?: string; values?: string[] }>): NodeSelectorRequirement => {
    const r = requirement(e);
    if (r.key !== "metadata.name")
      e.fail(`${JSON.stringify(r.key)} is not a valid field selector key (only metadata.name)`);
    if ((r.operator === "In" || r.operator === "NotIn") && r.values.length !== 1)
      e.fail(`must be only one value when operator is ${r.operator} for node field selector`);
    return r;
  };
  return {
    matchExpressions: t.objs("matchExpressions").map(requirement),
    matchFields: t.objs("matchFields").map(field),
    source: ctx.source(t.raw),
  };
}

function readPodAffinity(
  f:
    | Fields<{
        requiredDuringSchedulingIgnoredDuringExecution?: V1PodAffinityTerm[];
        preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: V1PodAffinityTerm }[];
      }>
    | undefined,
  ctx: DocumentContext,
): PodAffinity | undefined {
  if (!f) return undefined;
  return {
    required: f.objs("requiredDuringSchedulingIgnoredDuringExecution").map((t) => readPodAffinityTerm(t, ctx)),
    preferred: f.objs("preferredDuringSchedulingIgnoredDuringExecution").map((p) => {
      const term = p.obj("podAffinityTerm") ?? p.fail("podAffinityTerm is required");
      return {
        weight: p.int("weight", { min: 1, max: 100 }) ?? p.fail("weight is required"),
        term: readPodAffinityTerm(term, ctx),
      };
    }),
  };
}

function readPodAffinityTerm(t: Fields<V1PodAffinityTerm>, ctx: DocumentContext): PodAffinityTerm {
  return {
    labelSelector: readLabelSelector(t.obj("labelSelector")),
    namespaces: t.strings("namespaces"),
    namespaceSelector: readLabelSelector(t.obj("namespaceSelector")),
    topologyKey: t.reqStr("topologyKey"),
    matchLabelKeys: t.strings("matchLabelKeys"),
    mismatchLabelKeys: t.strings("mismatchLabelKeys"),
    source: ctx.source(t.raw),
  };
}

function readSpread(t: Fields<V1TopologySpreadConstraint>, ctx: DocumentContext): TopologySpreadConstraint {
  const policy = (key: "nodeAffinityPolicy" | "nodeTaintsPolicy") =>
    t.has(key) ? t.oneOf(key, ["Honor", "Ignore"] as const, "Honor") : undefined;
  const minDomains = t.int("minDomains", { min: 1 });
  // core/v1 validateMinDomains: "can only use minDomains if whenUnsatisfiable=DoNotSchedule"
  if (minDomains !== undefined && t.str("whenUnsatisfiable") !== "DoNotSchedule")
    t.fail("minDomains can only be used with whenUnsatisfiable DoNotSchedule");
  return {
    maxSkew: t.int("maxSkew", { min: 1 }) ?? t.fail("maxSkew is required"),
    topologyKey: t.reqStr("topologyKey"),
    whenUnsatisfiable: t.has("whenUnsatisfiable")
      ? t.oneOf("whenUnsatisfiable", ["DoNotSchedule", "ScheduleAnyway"] as const, "DoNotSchedule")
      : t.fail("whenUnsatisfiable is required"),
    labelSelector: readLabelSelector(t.obj("labelSelector")),
    minDomains,
    nodeAffinityPolicy: policy("nodeAffinityPolicy"),
    nodeTaintsPolicy: policy("nodeTaintsPolicy"),
    matchLabelKeys: t.strings("matchLabelKeys"),
    source: ctx.source(t.raw),
  };
}
