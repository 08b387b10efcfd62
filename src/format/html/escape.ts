/**
 * Escaping every string that comes from the snapshot before it enters the page. After the HTML
 * Standard's serialisation algorithm ("Escaping a string", §13.3 Serializing HTML fragments):
 * `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;` in text, plus `"` → `&quot;` in attribute values; `'`
 * is escaped too so that a value is safe whichever quote an attribute uses. Attribute values are
 * always double-quoted here.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `text` safe as element content and as a double-quoted attribute value. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** ` name="value"` with the value escaped; nothing for null/undefined. */
export function attr(name: string, value: string | number | null | undefined): string {
  return value === null || value === undefined ? "" : ` ${name}="${esc(value)}"`;
}
