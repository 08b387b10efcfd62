/**
 * The YAML writer of `fix place`'s patch. Not js-yaml's `dump` (even with quotingType '"'): dump
 * writes label values such as `10.0.1.5`, `1a` or `2b.large` plain where this writer double-quotes
 * every string that does not start with a letter, `_` or `/`, so the patch's bytes would change
 * for such nodes (the goldens hold none of them, so they would not notice).
 */

const YAML_RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A YAML scalar: plain when unambiguous, else double-quoted (JSON string syntax is valid YAML). */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- callers pass scalars only
  const s = String(value);
  if (s !== "" && /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(s) && !YAML_RESERVED.test(s)) return s;
  return JSON.stringify(s);
}

function yamlLines(value: unknown, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      if (item !== null && typeof item === "object") {
        const inner = yamlLines(item, indent + 2);
        return [`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1)];
      }
      return [`${pad}- ${yamlScalar(item)}`];
    });
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([k, v]) => {
      const key = yamlScalar(k);
      if (v !== null && typeof v === "object" && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0))
        return [`${pad}${key}:`, ...yamlLines(v, indent + 2)];
      if (v !== null && typeof v === "object") return [`${pad}${key}: ${Array.isArray(v) ? "[]" : "{}"}`];
      return [`${pad}${key}: ${yamlScalar(v)}`];
    });
  }
  return [`${pad}${yamlScalar(value)}`];
}

/** A small YAML writer for patches: block style, keys in insertion order. */
export function toYaml(value: unknown): string {
  return yamlLines(value, 0).join("\n") + "\n";
}
