import type { V1ObjectMeta } from "@kubernetes/client-node";
import type {
  LabelSelector,
  LabelSelectorRequirement,
  ObjectMeta,
  OwnerReference,
  ResourceList,
  SelectorOperator,
} from "../../model/kubernetes.js";
import { FieldAt, Fields, Malformed } from "../fields.js";
import type { DocumentContext } from "../fields.js";
import { parseQuantity, toModelUnits } from "./quantity.js";

/** Kinds that live outside namespaces (the API server's cluster-scoped resources podpath may meet). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "CSIDriver",
  "CSINode",
  "RuntimeClass",
  "VolumeAttachment",
  "CertificateSigningRequest",
  "FlowSchema",
  "PriorityLevelConfiguration",
  "ComponentStatus",
  // Calico's cluster-scoped resources (projectcalico.org/v3 and crd.projectcalico.org/v1)
  "IPPool",
  "FelixConfiguration",
  "BGPConfiguration",
  "BGPPeer",
  "ClusterInformation",
  "GlobalNetworkPolicy",
  "GlobalNetworkSet",
  "HostEndpoint",
  "IPAMBlock",
  "IPAMConfig",
  "IPAMHandle",
  "BlockAffinity",
  "KubeControllersConfiguration",
  "IPReservation",
  "CalicoNodeStatus",
  "BGPFilter",
  "Tier",
]);

/**
 * Annotations that hold a whole copy of an object (kubectl's last-applied-configuration, Helm
 * and Argo CD bookkeeping): they can carry environment values and Secret data, so they are
 * dropped on reading — no secret found in a snapshot may reach a report.
 */
export const MANIFEST_COPY_ANNOTATIONS: readonly string[] = [
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/desired-replicas-config",
];

function withoutManifestCopies(annotations: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (!MANIFEST_COPY_ANNOTATIONS.some((key) => key in annotations)) return annotations;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations))
    if (!MANIFEST_COPY_ANNOTATIONS.includes(key)) out[key] = value;
  return out;
}

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export interface ObjectHeader {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Reads metadata; namespaced objects without a namespace take `defaultNamespace` (kubectl apply -n). */
export function readMeta(
  doc: Fields<{ metadata?: V1ObjectMeta }>,
  header: ObjectHeader,
  ctx: DocumentContext,
  defaultNamespace: string,
): ObjectMeta {
  const m = doc.obj("metadata") ?? doc.fail("metadata is required");
  const name = m.str("name") ?? "";
  if (name === "" && !m.str("generateName")) m.fail("name is required");
  const clusterScoped = isClusterScoped(header.kind);
  const namespace = clusterScoped ? undefined : m.str("namespace") || defaultNamespace;
  const ownerReferences: OwnerReference[] = [];
  let kindlessController: string | undefined;
  for (const o of m.objs("ownerReferences")) {
    const kind = o.str("kind");
    const ownerName = o.str("name");
    if (!kind && ownerName && o.bool("controller") === true && kindlessController === undefined) {
      // apimachinery ValidateOwnerReferences: no cluster holds this, but manifests written by hand do
      kindlessController = ownerName;
      ctx.drop(
        `${o.path}: an owner reference needs kind and name; ignored, except that connlist groups this pod with the others of owner "${ownerName}"`,
        o.raw,
      );
      continue;
    }
    if (!kind || !ownerName) {
      ctx.drop(`${o.path}: an owner reference needs kind and name; ignored`, o.raw);
      continue;
    }
    ownerReferences.push({ kind, name: ownerName, uid: o.str("uid"), controller: o.bool("controller") ?? false });
  }
  return {
    kind: header.kind,
    apiVersion: header.apiVersion,
    namespace,
    name: name || `${m.str("generateName")}<generated>`,
    labels: m.map("labels"),
    annotations: withoutManifestCopies(m.map("annotations")),
    uid: m.str("uid"),
    ownerReferences,
    ...(kindlessController === undefined ? {} : { kindlessController }),
    source: ctx.source(doc.raw),
  };
}

const SELECTOR_OPERATORS: readonly SelectorOperator[] = ["In", "NotIn", "Exists", "DoesNotExist"];

/**
 * metav1.LabelSelector with the API server's validation (apimachinery
 * pkg/apis/meta/v1/validation: In/NotIn need values, Exists/DoesNotExist forbid them).
 */
export function readLabelSelector(f: Fields<object> | undefined): LabelSelector | null {
  if (!f) return null;
  const s = f as Fields<{
    matchLabels?: unknown;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  }>;
  const matchExpressions: LabelSelectorRequirement[] = s.objs("matchExpressions").map((e) => {
    const operator = e.oneOf("operator", SELECTOR_OPERATORS, "In");
    if (!e.has("operator")) e.fail("operator is required");
    const values = e.strings("values");
    checkValues(e, operator, values);
    return { key: e.reqStr("key"), operator, values };
  });
  return { matchLabels: s.map("matchLabels"), matchExpressions };
}

export function checkValues(e: Fields<object>, operator: string, values: readonly string[]): void {
  if ((operator === "In" || operator === "NotIn") && values.length === 0) {
    e.fail(`values must be non-empty for operator ${operator}`);
  }
  if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
    e.fail(`values must be empty for operator ${operator}`);
  }
}

/** A ResourceList (requests, limits, allocatable) with every quantity parsed. */
export function readResources(f: Fields<object> | undefined): ResourceList {
  if (!f) return EMPTY_RESOURCES;
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(f.raw)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" && typeof value !== "number") {
      throw new Malformed(
        `${f.path}.${name} must be a quantity, not a ${Array.isArray(value) ? "list" : typeof value}`,
        new FieldAt(f.raw, name),
      );
    }
    const parsed = parseQuantity(value);
    if (parsed === undefined || parsed < 0) {
      throw new Malformed(
        `${f.path}.${name}: ${JSON.stringify(value)} is not a valid quantity`,
        new FieldAt(f.raw, name),
      );
    }
    out[name] = toModelUnits(name, parsed);
  }
  return out;
}

const EMPTY_RESOURCES: ResourceList = Object.freeze({});
