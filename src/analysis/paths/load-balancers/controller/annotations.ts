import type { Ingress, Labels } from "../../../../model/kubernetes.js";

/**
 * Reading `alb.ingress.kubernetes.io/` annotations as pkg/annotations/parser.go does (string
 * slices, int32, bool, string maps), and JSON annotation values as encoding/json reads them.
 */

export const PREFIX = "alb.ingress.kubernetes.io/";

export function annotation(ing: Ingress, suffix: string): string | undefined {
  return ing.meta.annotations[PREFIX + suffix];
}

/** annotations.Parser ParseStringSliceAnnotation: comma separated, trimmed, empty items dropped */
export function stringSlice(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** strconv.ParseInt(raw, 10, 32) with the controller's wrapping; a value or the error text */
export function parseInt32(suffix: string, raw: string): number | string {
  const failed = (why: string) => `failed to parse int32 annotation, ${PREFIX}${suffix}: ${raw}: strconv.ParseInt: parsing ${JSON.stringify(raw)}: ${why}`;
  if (!/^[+-]?\d+$/.test(raw)) return failed("invalid syntax");
  const n = Number(raw);
  if (n < -2147483648 || n > 2147483647) return failed("value out of range");
  return n;
}

/** strconv.ParseBool */
export function parseBool(raw: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return undefined;
}

export function parseStringMap(suffix: string, raw: string | undefined): Labels {
  if (raw === undefined) return {};
  const out: Record<string, string> = {};
  for (const item of stringSlice(raw)) {
    const parts = item.split("=");
    if (parts.length !== 2 || parts[0]!.trim() === "") throw new Error(`failed to parse stringMap annotation, ${PREFIX}${suffix}: ${raw}`);
    out[parts[0]!.trim()] = parts[1]!.trim();
  }
  return out;
}

/** A JSON annotation's value, looked up case-insensitively as encoding/json does. */
export function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
