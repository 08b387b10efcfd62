/**
 * Limits that keep hostile or accidental input from hanging or exhausting podpath. Each can be
 * raised from the command line; the defaults fit a 150,000-pod `kubectl get -o json` dump
 * (about 200 MB) with room to spare.
 */
export interface LoadLimits {
  /** bytes per file; V8 cannot hold a string much above 512 MiB, so this cannot go past that */
  readonly maxFileBytes: number;
  /** nesting depth of YAML and JSON values */
  readonly maxDepth: number;
  /** nodes a YAML document may expand to through aliases (the "billion laughs" guard) */
  readonly maxAliasExpansion: number;
  /**
   * JSON files at least this large record positions only for their top two levels (the list and
   * its items) while loading; deeper positions are found on demand when printed.
   */
  readonly lazyPositionsFromBytes: number;
  /**
   * A JSON List (`kubectl get -o json`) at least this large is read item by item in chunks
   * (json-stream.ts) rather than as one string: bounded memory, any size; `maxFileBytes` then
   * bounds each item. Default 16 MiB.
   */
  readonly streamJsonFromBytes?: number;
}

export const HARD_MAX_FILE_BYTES = 500 * 1024 * 1024;

export const DEFAULT_LIMITS: LoadLimits = Object.freeze({
  maxFileBytes: HARD_MAX_FILE_BYTES,
  maxDepth: 100,
  maxAliasExpansion: 1_000_000,
  lazyPositionsFromBytes: 16 * 1024 * 1024,
  streamJsonFromBytes: 16 * 1024 * 1024,
});

/** Parses `100M`, `1.5G`, `4096`, `64KiB`, `10MB` into bytes (powers of 1024). */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? "").toLowerCase();
  const factor = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * factor);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
