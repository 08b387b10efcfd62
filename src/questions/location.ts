/**
 * The machine-readable side of every JSON answer: `apiVersion` first, and a `SourceJson`
 * (`{file, line, column}`, contract.ts) beside each `file:line` string, named after it (`source`
 * → `location`, `object` → `objectLocation`), so a consumer never parses `file:line` text.
 */
import type { Snapshot } from "../model/snapshot.js";
import type { SourceRef } from "../model/source.js";
import { OUTPUT_API_VERSION, sourceJson, type SourceJson } from "./contract.js";

/** A JSON answer: its contract object with `apiVersion` first. */
export type Versioned<T> = { readonly apiVersion: typeof OUTPUT_API_VERSION } & T;

export function versioned<T extends object>(result: T): Versioned<T> {
  return { apiVersion: OUTPUT_API_VERSION, ...result };
}

/** `file:line:col` (formatSourceFull) as data; null for anything else (a whole file, no location). */
export function locationOfFull(text: string | null): SourceJson | null {
  const m = text === null ? null : /^(.+):(\d+):(\d+)$/.exec(text);
  return m ? { file: m[1]!, line: Number(m[2]), column: Number(m[3]) } : null;
}

/**
 * The located Kubernetes objects of a snapshot, by `Kind/namespace/name` (nodes by `Node//name`):
 * the SourceRefs behind the `file:line` strings of summaries and reports that carry only text.
 */
export class ObjectLocations {
  private readonly byKey = new Map<string, SourceRef>();

  constructor(snapshot: Snapshot) {
    const k = snapshot.kubernetes;
    for (const n of k.nodes) this.byKey.set(`Node//${n.name}`, n.meta.source);
    for (const w of k.workloads) this.byKey.set(`${w.kind}/${w.namespace}/${w.name}`, w.meta.source);
    for (const p of k.pods) this.byKey.set(`Pod/${p.namespace}/${p.name}`, p.meta.source);
  }

  of(kind: string, namespace: string, name: string): SourceJson | null {
    return sourceJson(this.byKey.get(`${kind}/${namespace}/${name}`));
  }
}
