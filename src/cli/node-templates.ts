/**
 * `place --add-node FILE` with a node template instead of a Node: reads an EKS managed node group
 * (`aws eks describe-nodegroup` output, `{"nodegroup": {…}}`), eksctl's ClusterConfig
 * (eksctl.io/v1alpha5: its managedNodeGroups and nodeGroups) or Karpenter NodePools
 * (karpenter.sh/v1 and v1beta1, `kubectl get nodepool -o yaml`, a List or several documents) with
 * the EC2NodeClasses they reference when the file holds them. Each object keeps its file:line; bad
 * input is an InputError at the field (`file:line:col: what is wrong`).
 */
import { relative, resolve } from "node:path";
import type { Taint, TaintEffect } from "../model/kubernetes.js";
import type { Snapshot } from "../model/snapshot.js";
import type { SourceRef } from "../model/source.js";
import { quantityInModelUnits } from "../model/quantity.js";
import { EC2_FAMILIES, ec2InstanceType, type Ec2InstanceType } from "../model/ec2-instance-types.js";
import { InputError } from "../load/errors.js";
import type { LoadLimits } from "../load/limits.js";
import { parseJson } from "../load/parse-json.js";
import { parseYaml } from "../load/parse-yaml.js";
import type { ParsedFile } from "../load/parsed.js";
import { readText } from "../load/read-text.js";
import { EKS_TAINT_EFFECTS, type EksNodegroup } from "../analysis/placement/what-if/node-templates/eks-nodegroup.js";
import type {
  Ec2NodeClass,
  KarpenterNodePool,
  NodePoolRequirement,
} from "../analysis/placement/what-if/node-templates/karpenter.js";

export type NodeTemplates =
  | { readonly kind: "none" }
  | { readonly kind: "eks"; readonly groups: readonly EksNodegroup[] }
  | { readonly kind: "karpenter"; readonly pools: readonly KarpenterNodePool[] };

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

const TAINT_EFFECTS: readonly TaintEffect[] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

const instanceTypeHelp = (name: string, file: string) =>
  `instance type ${name} is not in podpath's table of EC2 instance types (families ${EC2_FAMILIES.join(", ")}; sizes up to 4xlarge or 8xlarge): give a kubectl Node of that type instead (kubectl get node NAME -o yaml of a node like it, its name, labels and taints edited) as --add-node ${file}`;

class Reader {
  constructor(
    readonly parsed: ParsedFile,
    readonly file: string,
    readonly doc: number,
  ) {}

  source(value: object, fallback?: SourceRef): SourceRef {
    const p = this.parsed.positionOf(value);
    if (!p) return fallback ?? { file: this.file, line: 1, col: 1, doc: this.doc };
    return { file: this.file, line: p.line, col: p.col, doc: this.doc };
  }

  fail(at: object, message: string, key?: string | number): never {
    const p = (key !== undefined ? this.parsed.fieldPosition?.(at, key) : undefined) ?? this.parsed.positionOf(at);
    throw new InputError(message, this.file, p?.line ?? 1, p?.col ?? 1);
  }

  obj(o: Raw, key: string, path: string): Raw | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!isRaw(v)) this.fail(o, `${path}: expected an object`, key);
    return v;
  }

  list(o: Raw, key: string, path: string): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(o, `${path}: expected a list`, key);
    return v;
  }

  str(o: Raw, key: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") this.fail(o, `${path}: expected a string`, key);
    return v;
  }

  int(o: Raw, key: string, path: string): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      this.fail(o, `${path}: expected a non-negative integer`, key);
    return v;
  }

  strings(o: Raw, key: string, path: string): string[] {
    return this.list(o, key, path).map((v, i) => {
      if (typeof v !== "string") this.fail(o[key] as object, `${path}[${i}]: expected a string`, i);
      return v;
    });
  }

  stringMap(o: Raw, key: string, path: string): Record<string, string> {
    const m = this.obj(o, key, path);
    if (!m) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== "string") this.fail(m, `${path}.${k}: expected a string`, k);
      out[k] = v;
    }
    return out;
  }

  /** a map of Kubernetes quantities (kubeReserved, limits), in model units */
  quantities(o: Raw, key: string, path: string): Record<string, number> {
    const m = this.obj(o, key, path);
    if (!m) return {};
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(m)) {
      const q =
        typeof v === "number"
          ? quantityInModelUnits(k, String(v))
          : typeof v === "string"
            ? quantityInModelUnits(k, v)
            : undefined;
      if (q === undefined) this.fail(m, `${path}.${k}: ${JSON.stringify(v)} is not a Kubernetes quantity`, k);
      out[k] = q;
    }
    return out;
  }
}

/** The documents of a file and their objects (a List's items each on their own). */
function objectsOf(parsed: ParsedFile): { value: Raw; doc: number }[] {
  const out: { value: Raw; doc: number }[] = [];
  for (const d of parsed.documents) {
    if (!isRaw(d.value)) continue;
    const items = d.value["items"];
    if (typeof d.value["kind"] === "string" && d.value["kind"].endsWith("List") && Array.isArray(items)) {
      for (const item of items) if (isRaw(item)) out.push({ value: item, doc: d.index });
    } else out.push({ value: d.value, doc: d.index });
  }
  return out;
}

const isNodePool = (o: Raw) =>
  o["kind"] === "NodePool" && typeof o["apiVersion"] === "string" && o["apiVersion"].startsWith("karpenter.sh/");
const isNodeClass = (o: Raw) =>
  o["kind"] === "EC2NodeClass" &&
  typeof o["apiVersion"] === "string" &&
  o["apiVersion"].startsWith("karpenter.k8s.aws/");

/**
 * The node templates of FILE, or `none` when it holds neither (a Node, read by the loader).
 * `snapshot` gives the zones of a node group's subnets.
 */
export function readNodeTemplates(file: string, cwd: string, limits: LoadLimits, snapshot: Snapshot): NodeTemplates {
  const path = resolve(cwd, file);
  const shown = relative(cwd, path) || file;
  if (!/\.(ya?ml|json)$/i.test(path)) return { kind: "none" };
  const text = readText(path, shown, limits);
  if (!text.ok) return { kind: "none" }; // the loader says why
  let parsed: ParsedFile;
  try {
    parsed = /\.json$/i.test(path) ? parseJson(text.text, shown, limits) : parseYaml(text.text, shown, limits);
  } catch {
    return { kind: "none" }; // the loader reports the syntax error
  }
  const objects = objectsOf(parsed);
  const configs = objects.filter((o) => isClusterConfig(o.value));
  if (configs.length > 0)
    return {
      kind: "eks",
      groups: configs.flatMap((o) => readClusterConfig(new Reader(parsed, shown, o.doc), o.value)),
    };
  const groups = objects.filter((o) => isRaw(o.value["nodegroup"]));
  if (groups.length > 0)
    return {
      kind: "eks",
      groups: groups.map((o) => readNodegroup(new Reader(parsed, shown, o.doc), o.value["nodegroup"] as Raw, snapshot)),
    };
  const pools = objects.filter((o) => isNodePool(o.value));
  if (pools.length === 0) return { kind: "none" };
  const classes = new Map<string, Ec2NodeClass>();
  for (const o of objects.filter((x) => isNodeClass(x.value))) {
    const c = readNodeClass(new Reader(parsed, shown, o.doc), o.value);
    classes.set(c.name, c);
  }
  return {
    kind: "karpenter",
    pools: pools.map((o) => readNodePool(new Reader(parsed, shown, o.doc), o.value, classes)),
  };
}

// --- EKS ---------------------------------------------------------------------------------------

function readNodegroup(r: Reader, g: Raw, snapshot: Snapshot): EksNodegroup {
  const name = r.str(g, "nodegroupName", "nodegroup.nodegroupName");
  if (!name) r.fail(g, "nodegroup: nodegroupName is required");
  const types = r.strings(g, "instanceTypes", "nodegroup.instanceTypes");
  if (types.length === 0 && r.obj(g, "launchTemplate", "nodegroup.launchTemplate"))
    r.fail(
      g,
      `nodegroup ${name}: its instance type is in its launch template, which describe-nodegroup does not show: add "instanceTypes": ["TYPE"] to the file, or give a kubectl Node of one of its nodes`,
      "launchTemplate",
    );
  // CreateNodegroup's default when neither the request nor a launch template names one
  const first = types[0] ?? "t3.medium";
  const instanceType: Ec2InstanceType | undefined = ec2InstanceType(first);
  if (!instanceType) r.fail(g, `nodegroup ${name}: ${instanceTypeHelp(first, r.file)}`, "instanceTypes");
  const scaling = r.obj(g, "scalingConfig", "nodegroup.scalingConfig");
  const desiredSize = (scaling ? r.int(scaling, "desiredSize", "nodegroup.scalingConfig.desiredSize") : undefined) ?? 1;
  const capacity = r.str(g, "capacityType", "nodegroup.capacityType") ?? "ON_DEMAND";
  if (capacity !== "ON_DEMAND" && capacity !== "SPOT" && capacity !== "CAPACITY_BLOCK")
    r.fail(
      g,
      `nodegroup.capacityType: ${JSON.stringify(capacity)} is not ON_DEMAND, SPOT or CAPACITY_BLOCK`,
      "capacityType",
    );
  const taints: Taint[] = r.list(g, "taints", "nodegroup.taints").map((t, i) => {
    if (!isRaw(t)) r.fail(g["taints"] as object, `nodegroup.taints[${i}]: expected an object`, i);
    const key = r.str(t, "key", `nodegroup.taints[${i}].key`);
    if (!key) r.fail(t, `nodegroup.taints[${i}]: key is required`);
    const effect = r.str(t, "effect", `nodegroup.taints[${i}].effect`) ?? "";
    const k8s = EKS_TAINT_EFFECTS[effect];
    if (!k8s)
      r.fail(
        t,
        `nodegroup.taints[${i}].effect: ${JSON.stringify(effect)} is not NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE`,
        "effect",
      );
    return { key, value: r.str(t, "value", `nodegroup.taints[${i}].value`) ?? "", effect: k8s, source: r.source(t) };
  });
  const arn = r.str(g, "nodegroupArn", "nodegroup.nodegroupArn");
  const region = arn?.split(":")[3] || undefined;
  const subnets = r.strings(g, "subnets", "nodegroup.subnets");
  const zoneOf = new Map(snapshot.aws.subnets.map((s) => [s.id, s.availabilityZone]));
  return {
    name,
    source: r.source(g),
    instanceType,
    otherInstanceTypes: types.slice(1),
    capacityType: capacity,
    desiredSize,
    amiType: r.str(g, "amiType", "nodegroup.amiType"),
    labels: r.stringMap(g, "labels", "nodegroup.labels"),
    taints,
    region,
    subnetZones: subnets.map((subnet) => ({ subnet, zone: zoneOf.get(subnet) })),
    zonesFrom: "subnets",
    managed: true,
    toolLabels: {},
    desiredFrom: "scalingConfig.desiredSize",
    diskGiB: r.int(g, "diskSize", "nodegroup.diskSize"),
    maxPods: undefined,
  };
}

// --- eksctl --------------------------------------------------------------------------------------

const isClusterConfig = (o: Raw) =>
  o["kind"] === "ClusterConfig" && typeof o["apiVersion"] === "string" && o["apiVersion"].startsWith("eksctl.io/");

/** eksctl pkg/apis/eksctl.io/v1alpha5: DefaultNodeType, DefaultNodeCount */
const EKSCTL_DEFAULT_TYPE = "m5.large";
const EKSCTL_DEFAULT_COUNT = 2;

/** eksctl's managedNodeGroups and nodeGroups of a ClusterConfig, each as a node group. */
function readClusterConfig(r: Reader, o: Raw): EksNodegroup[] {
  const meta = r.obj(o, "metadata", "metadata") ?? {};
  const cluster = r.str(meta, "name", "metadata.name") ?? "";
  const region = r.str(meta, "region", "metadata.region");
  const out: EksNodegroup[] = [];
  for (const [key, managed] of [
    ["managedNodeGroups", true],
    ["nodeGroups", false],
  ] as const) {
    for (const [i, g] of r.list(o, key, key).entries()) {
      const path = `${key}[${i}]`;
      if (!isRaw(g)) r.fail(o[key] as object, `${path}: expected an object`, i);
      const name = r.str(g, "name", `${path}.name`);
      if (!name) r.fail(g, `${path}: name is required`);
      const types = [
        ...(r.str(g, "instanceType", `${path}.instanceType`) !== undefined ? [g["instanceType"] as string] : []),
        ...r.strings(g, "instanceTypes", `${path}.instanceTypes`),
      ];
      const first = types[0] ?? EKSCTL_DEFAULT_TYPE;
      const instanceType = ec2InstanceType(first);
      if (!instanceType) r.fail(g, `${path} ${name}: ${instanceTypeHelp(first, r.file)}`, "instanceType");
      const taints: Taint[] = r.list(g, "taints", `${path}.taints`).map((t, j) => {
        const tp = `${path}.taints[${j}]`;
        if (!isRaw(t))
          r.fail(g["taints"] as object, `${tp}: expected an object {key, value, effect} (eksctl's list form)`, j);
        const k = r.str(t, "key", `${tp}.key`);
        if (!k) r.fail(t, `${tp}: key is required`);
        const effect = r.str(t, "effect", `${tp}.effect`) as TaintEffect | undefined;
        if (!effect || !TAINT_EFFECTS.includes(effect))
          r.fail(
            t,
            `${tp}.effect: ${JSON.stringify(effect ?? "")} is not NoSchedule, PreferNoSchedule or NoExecute`,
            "effect",
          );
        return { key: k, value: r.str(t, "value", `${tp}.value`) ?? "", effect, source: r.source(t) };
      });
      const desired = r.int(g, "desiredCapacity", `${path}.desiredCapacity`);
      const amiFamily = r.str(g, "amiFamily", `${path}.amiFamily`);
      out.push({
        name,
        source: r.source(g),
        instanceType,
        otherInstanceTypes: types.slice(1),
        capacityType: g["spot"] === true ? "SPOT" : "ON_DEMAND",
        desiredSize: desired ?? EKSCTL_DEFAULT_COUNT,
        amiType: amiFamily?.startsWith("Windows") ? "WINDOWS" : amiFamily,
        labels: r.stringMap(g, "labels", `${path}.labels`),
        taints,
        region,
        subnetZones: r
          .strings(g, "availabilityZones", `${path}.availabilityZones`)
          .map((z) => ({ subnet: z, zone: z })),
        zonesFrom: "availabilityZones",
        managed,
        // eksctl labels every node of its groups (v1alpha5 NodeGroupNameLabel, ClusterNameLabel)
        toolLabels: { "alpha.eksctl.io/nodegroup-name": name, "alpha.eksctl.io/cluster-name": cluster },
        desiredFrom: desired !== undefined ? "desiredCapacity" : "eksctl's default desiredCapacity 2",
        diskGiB: r.int(g, "volumeSize", `${path}.volumeSize`),
        maxPods: r.int(g, "maxPodsPerNode", `${path}.maxPodsPerNode`),
      });
    }
  }
  if (out.length === 0) r.fail(o, "ClusterConfig: no managedNodeGroups or nodeGroups");
  return out;
}

// --- Karpenter ---------------------------------------------------------------------------------

function readTaints(r: Reader, spec: Raw, key: string, path: string): Taint[] {
  return r.list(spec, key, path).map((t, i) => {
    if (!isRaw(t)) r.fail(spec[key] as object, `${path}[${i}]: expected an object`, i);
    const k = r.str(t, "key", `${path}[${i}].key`);
    if (!k) r.fail(t, `${path}[${i}]: key is required`);
    const effect = r.str(t, "effect", `${path}[${i}].effect`) as TaintEffect | undefined;
    if (!effect || !TAINT_EFFECTS.includes(effect))
      r.fail(
        t,
        `${path}[${i}].effect: ${JSON.stringify(effect ?? "")} is not NoSchedule, PreferNoSchedule or NoExecute`,
        "effect",
      );
    return { key: k, value: r.str(t, "value", `${path}[${i}].value`) ?? "", effect, source: r.source(t) };
  });
}

const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] as const;

function readNodePool(r: Reader, o: Raw, classes: ReadonlyMap<string, Ec2NodeClass>): KarpenterNodePool {
  const meta = r.obj(o, "metadata", "metadata") ?? {};
  const name = r.str(meta, "name", "metadata.name");
  if (!name) r.fail(o, "NodePool: metadata.name is required");
  const spec = r.obj(o, "spec", "spec") ?? {};
  const template = r.obj(spec, "template", "spec.template") ?? {};
  const tmeta = r.obj(template, "metadata", "spec.template.metadata") ?? {};
  const tspec = r.obj(template, "spec", "spec.template.spec") ?? {};
  const requirements: NodePoolRequirement[] = r
    .list(tspec, "requirements", "spec.template.spec.requirements")
    .map((q, i) => {
      const path = `spec.template.spec.requirements[${i}]`;
      if (!isRaw(q)) r.fail(tspec["requirements"] as object, `${path}: expected an object`, i);
      const key = r.str(q, "key", `${path}.key`);
      if (!key) r.fail(q, `${path}: key is required`);
      const operator = r.str(q, "operator", `${path}.operator`) as (typeof OPERATORS)[number] | undefined;
      if (!operator || !OPERATORS.includes(operator))
        r.fail(
          q,
          `${path}.operator: ${JSON.stringify(operator ?? "")} is not one of ${OPERATORS.join(", ")}`,
          "operator",
        );
      return { key, operator, values: r.strings(q, "values", `${path}.values`), source: r.source(q) };
    });
  const ref = r.obj(tspec, "nodeClassRef", "spec.template.spec.nodeClassRef");
  const className = ref ? r.str(ref, "name", "spec.template.spec.nodeClassRef.name") : undefined;
  // v1beta1 kept the kubelet settings on the NodePool; v1 moved them to the EC2NodeClass
  const kubelet = r.obj(tspec, "kubelet", "spec.template.spec.kubelet");
  const nodeClass = className !== undefined ? classes.get(className) : undefined;
  return {
    name,
    apiVersion: String(o["apiVersion"]),
    source: r.source(o),
    labels: r.stringMap(tmeta, "labels", "spec.template.metadata.labels"),
    requirements,
    taints: readTaints(r, tspec, "taints", "spec.template.spec.taints"),
    startupTaints: readTaints(r, tspec, "startupTaints", "spec.template.spec.startupTaints"),
    limits: r.quantities(spec, "limits", "spec.limits"),
    weight: r.int(spec, "weight", "spec.weight") ?? 0,
    nodeClassName: className,
    nodeClass: kubelet
      ? {
          // v1beta1: the kubelet block on the NodePool; the EC2NodeClass's family (AL2 by default) and root volume
          name: nodeClass?.name ?? className ?? name,
          source: r.source(kubelet),
          diskGiB: nodeClass?.diskGiB,
          amiFamily: nodeClass?.amiFamily ?? "al2",
          ...readKubelet(r, kubelet, "spec.template.spec.kubelet"),
        }
      : nodeClass,
  };
}

function readKubelet(r: Reader, k: Raw, path: string): Omit<Ec2NodeClass, "name" | "source" | "diskGiB" | "amiFamily"> {
  const eviction = r.obj(k, "evictionHard", `${path}.evictionHard`);
  const memoryAvailable = eviction ? r.str(eviction, "memory.available", `${path}.evictionHard`) : undefined;
  const evictionHardMemory =
    memoryAvailable !== undefined && !memoryAvailable.endsWith("%")
      ? quantityInModelUnits("memory", memoryAvailable)
      : undefined;
  return {
    maxPods: r.int(k, "maxPods", `${path}.maxPods`),
    kubeReserved: r.quantities(k, "kubeReserved", `${path}.kubeReserved`),
    systemReserved: r.quantities(k, "systemReserved", `${path}.systemReserved`),
    evictionHardMemory,
  };
}

function readNodeClass(r: Reader, o: Raw): Ec2NodeClass {
  const meta = r.obj(o, "metadata", "metadata") ?? {};
  const name = r.str(meta, "name", "metadata.name");
  if (!name) r.fail(o, "EC2NodeClass: metadata.name is required");
  const spec = r.obj(o, "spec", "spec") ?? {};
  const kubelet = r.obj(spec, "kubelet", "spec.kubelet");
  // the root volume: blockDeviceMappings' rootVolume, else /dev/xvda (the AL2/AL2023 root device)
  let diskGiB: number | undefined;
  for (const [i, b] of r.list(spec, "blockDeviceMappings", "spec.blockDeviceMappings").entries()) {
    if (!isRaw(b)) continue;
    const ebs = r.obj(b, "ebs", `spec.blockDeviceMappings[${i}].ebs`);
    const size = ebs ? r.str(ebs, "volumeSize", `spec.blockDeviceMappings[${i}].ebs.volumeSize`) : undefined;
    const bytes = size !== undefined ? quantityInModelUnits("ephemeral-storage", size) : undefined;
    if (bytes !== undefined && (b["rootVolume"] === true || b["deviceName"] === "/dev/xvda"))
      diskGiB = bytes / 1024 ** 3;
  }
  const alias = r
    .list(spec, "amiSelectorTerms", "spec.amiSelectorTerms")
    .map((t) => (isRaw(t) && typeof t["alias"] === "string" ? t["alias"] : undefined))
    .find((a) => a !== undefined);
  return {
    name,
    source: r.source(o),
    amiFamily: (r.str(spec, "amiFamily", "spec.amiFamily") ?? alias?.split("@")[0])?.toLowerCase(),
    ...(kubelet
      ? readKubelet(r, kubelet, "spec.kubelet")
      : { maxPods: undefined, kubeReserved: {}, systemReserved: {}, evictionHardMemory: undefined }),
    diskGiB,
  };
}
