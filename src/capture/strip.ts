/**
 * What a capture keeps of each object: what `kubectl get -o yaml` prints (no managedFields,
 * kubectl's default since v1.21, staging/src/k8s.io/kubectl/pkg/cmd/get/get.go
 * `--show-managed-fields`), less what the loader drops on reading anyway — so no secret is
 * written to disk that podpath would not read: the manifest copies in annotations
 * (src/load/kubernetes/meta.ts MANIFEST_COPY_ANNOTATIONS), env values (src/load/kubernetes/
 * pod-spec.ts KEPT_ENV_VALUES are kept) and ConfigMap data values. An env or ConfigMap value is
 * replaced by the Service hosts the loader would find in it (host-references.ts), so the model
 * loads the same; a value naming none is removed.
 */
import { MANIFEST_COPY_ANNOTATIONS } from "../load/kubernetes/meta.js";
import { KEPT_ENV_VALUES } from "../load/kubernetes/pod-spec.js";
import { extractHostReferences } from "../load/kubernetes/host-references.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** the hosts a value names, as the loader reads them (`scheme://host:port` or `host:port`), or undefined for none */
function referencesOnly(value: string): string | undefined {
  const found = extractHostReferences(value);
  if (found.length === 0) return undefined;
  return found.map((m) => (m.scheme ? `${m.scheme}://${m.text}` : m.text)).join(" ");
}

function stripContainers(list: unknown): number {
  let stripped = 0;
  if (!Array.isArray(list)) return 0;
  for (const container of list) {
    if (!isObject(container) || !Array.isArray(container["env"])) continue;
    for (const env of container["env"] as unknown[]) {
      if (!isObject(env) || typeof env["value"] !== "string") continue;
      if (typeof env["name"] === "string" && KEPT_ENV_VALUES.has(env["name"])) continue;
      const kept = referencesOnly(env["value"]);
      if (kept === env["value"]) continue;
      if (kept === undefined) delete env["value"];
      else env["value"] = kept;
      stripped++;
    }
  }
  return stripped;
}

/** every pod spec below `value` (a Pod's, a template's, a CronJob's job template's, an operator resource's) */
function stripPodSpecs(value: unknown, depth = 0): number {
  if (depth > 12) return 0;
  let stripped = 0;
  if (Array.isArray(value)) {
    for (const item of value) stripped += stripPodSpecs(item, depth + 1);
    return stripped;
  }
  if (!isObject(value)) return 0;
  for (const [key, child] of Object.entries(value)) {
    if (key === "containers" || key === "initContainers" || key === "ephemeralContainers")
      stripped += stripContainers(child);
    else if (key !== "metadata" && key !== "status" && typeof child === "object")
      stripped += stripPodSpecs(child, depth + 1);
  }
  return stripped;
}

/**
 * Strips one object in place (see the header) and returns how many values were removed or
 * reduced to their hosts.
 */
export function stripObject(object: Json, kind: string): number {
  let stripped = 0;
  const metadata = object["metadata"];
  if (isObject(metadata)) {
    delete metadata["managedFields"];
    const annotations = metadata["annotations"];
    if (isObject(annotations))
      for (const key of MANIFEST_COPY_ANNOTATIONS)
        if (key in annotations) {
          delete annotations[key];
          stripped++;
        }
  }
  if (kind === "ConfigMap") {
    if ("binaryData" in object) {
      delete object["binaryData"];
      stripped++;
    }
    const data = object["data"];
    if (isObject(data))
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== "string") continue;
        const kept = referencesOnly(value) ?? "";
        if (kept !== value) {
          data[key] = kept;
          stripped++;
        }
      }
    return stripped;
  }
  return stripped + stripPodSpecs(object["spec"]);
}
