/**
 * The hashing the controllers name their revisions with: FNV-1a 32 (Go hash/fnv New32a) and
 * apimachinery pkg/util/rand SafeEncodeString (each byte of the decimal hash mapped into
 * "bcdfghjklmnpqrstvwxz2456789", so no vowels make words).
 *
 * The real hashes (pkg/controller/deployment/util ComputeHash, pkg/controller/history
 * HashControllerRevision) are taken over hashutil.DeepHashObject: a spew dump of the Go structs
 * the API server stored, every field of that release's types included. A snapshot has neither
 * the Go types nor the defaulted object, so podpath never recomputes them: it reads them from the
 * objects that carry them, and otherwise uses `standInHash` — the same algorithm over podpath's
 * own canonical JSON, shaped like a real hash and never equal to one.
 */

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** Go hash/fnv New32a over bytes. */
export function fnv32a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const b of bytes) {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** apimachinery rand.SafeEncodeString. */
export function safeEncodeString(text: string): string {
  let out = "";
  for (const ch of text) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

/**
 * JSON with sorted keys and `source` (file:line, not part of the object) left out, and the
 * containers' `hostReferences` (read from env values and args for `podpath intended`, not a field
 * of the template: the stand-in stays what it was before they were read).
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (
      key === "source" ||
      key === "nodeSelectorSource" ||
      key === "envSources" ||
      key === "hostReferences" ||
      key === "configMapUses"
    )
      return undefined;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

/**
 * ComputeHash's shape (fnv32a, then collisionCount as 8 little-endian bytes when set, then
 * SafeEncodeString of the decimal sum) over podpath's canonical JSON of `value`: a stable stand-in
 * for a hash the snapshot does not show.
 */
export function standInHash(value: unknown, collisionCount?: number): string {
  const text = new TextEncoder().encode(canonicalJson(value));
  let bytes = text;
  if (collisionCount !== undefined) {
    bytes = new Uint8Array(text.length + 8);
    bytes.set(text);
    new DataView(bytes.buffer).setUint32(text.length, collisionCount >>> 0, true);
  }
  return safeEncodeString(String(fnv32a(bytes)));
}
