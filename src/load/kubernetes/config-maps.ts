import type { ConfigMapReferences, ConfigMapUse, ObjectMeta } from "../../model/kubernetes.js";
import type { DocumentContext, Fields } from "../fields.js";
import { FieldAt } from "../fields.js";
import { extractHostReferences } from "./host-references.js";

/**
 * A ConfigMap (core/v1): only the Service-like hosts its `data` values name are kept (`binaryData`
 * is never read); the values themselves are dropped here, as env values are (pod-spec.ts).
 */
export function convertConfigMap(f: Fields<object>, meta: ObjectMeta, ctx: DocumentContext): ConfigMapReferences {
  const references: (ConfigMapReferences["references"][number] & object)[] = [];
  const data = (f.raw as Record<string, unknown>)["data"];
  if (data && typeof data === "object" && !Array.isArray(data))
    for (const [key, value] of Object.entries(data as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    ))
      if (typeof value === "string")
        for (const m of extractHostReferences(value))
          references.push({
            ...m,
            key,
            where: `ConfigMap ${meta.name} key ${key}`,
            source: ctx.source(new FieldAt(data, key), ctx.source(data)),
          });
  return { meta, namespace: meta.namespace ?? "default", name: meta.name, references };
}

/** the pod's volumes that are ConfigMaps (a `configMap` volume, or a `projected` one's configMap sources), by volume name */
export function configMapVolumes(f: Fields<object>): Map<string, { name: string; keys: string[] | undefined }[]> {
  const out = new Map<string, { name: string; keys: string[] | undefined }[]>();
  const volumes = (f.raw as Record<string, unknown>)["volumes"];
  if (!Array.isArray(volumes)) return out;
  const read = (cm: unknown): { name: string; keys: string[] | undefined } | undefined => {
    if (!cm || typeof cm !== "object") return undefined;
    const { name, items } = cm as { name?: unknown; items?: unknown };
    if (typeof name !== "string" || name === "") return undefined;
    const keys = Array.isArray(items)
      ? items.flatMap((i) =>
          i && typeof (i as { key?: unknown }).key === "string" ? [(i as { key: string }).key] : [],
        )
      : undefined;
    return { name, keys };
  };
  for (const v of volumes as unknown[]) {
    if (!v || typeof v !== "object") continue;
    const volume = v as { name?: unknown; configMap?: unknown; projected?: { sources?: unknown } };
    if (typeof volume.name !== "string") continue;
    const maps = [read(volume.configMap)];
    if (Array.isArray(volume.projected?.sources))
      for (const s of volume.projected.sources as unknown[])
        maps.push(read((s as { configMap?: unknown } | null)?.configMap));
    const found = maps.filter((m): m is { name: string; keys: string[] | undefined } => m !== undefined);
    if (found.length > 0) out.set(volume.name, found);
  }
  return out;
}

/** the ConfigMaps a container reads: envFrom configMapRef, env configMapKeyRef, volumeMounts of ConfigMap volumes */
export function configMapUses(
  c: Fields<object>,
  volumes: ReadonlyMap<string, readonly { name: string; keys: string[] | undefined }[]>,
  ctx: DocumentContext,
): ConfigMapUse[] {
  const uses: ConfigMapUse[] = [];
  const raw = c.raw as Record<string, unknown>;
  const list = (key: string): Record<string, unknown>[] =>
    Array.isArray(raw[key])
      ? (raw[key] as unknown[]).filter((x): x is Record<string, unknown> => !!x && typeof x === "object")
      : [];
  for (const e of list("envFrom")) {
    const name = (e["configMapRef"] as { name?: unknown } | undefined)?.name;
    if (typeof name === "string" && name) uses.push({ name, keys: undefined, via: "envFrom", source: ctx.source(e) });
  }
  for (const e of list("env")) {
    const ref = (e["valueFrom"] as { configMapKeyRef?: { name?: unknown; key?: unknown } } | undefined)
      ?.configMapKeyRef;
    if (ref && typeof ref.name === "string" && typeof ref.key === "string")
      uses.push({ name: ref.name, keys: [ref.key], via: `env ${String(e["name"])}`, source: ctx.source(e) });
  }
  for (const m of list("volumeMounts")) {
    const maps = typeof m["name"] === "string" ? volumes.get(m["name"]) : undefined;
    for (const cm of maps ?? [])
      uses.push({ name: cm.name, keys: cm.keys, via: `volume ${String(m["name"])}`, source: ctx.source(m) });
  }
  return uses;
}
