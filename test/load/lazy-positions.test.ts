import assert from "node:assert/strict";
import { test } from "node:test";
import { DocumentContext } from "../../src/load/fields.js";
import { DEFAULT_LIMITS } from "../../src/load/limits.js";
import { parseJson } from "../../src/load/parse-json.js";

/** Every object and array of a value, in document order, with its path. */
function containers(value: unknown, path = "$", out: [string, object][] = []): [string, object][] {
  if (value !== null && typeof value === "object") {
    out.push([path, value]);
    for (const [k, v] of Object.entries(value))
      containers(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, out);
  }
  return out;
}

const LIST = JSON.stringify(
  {
    apiVersion: "v1",
    kind: "List",
    items: [0, 1, 2].map((i) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `p${i}`, labels: { 'a"b': "x{y}", app: "web" } },
      spec: {
        containers: [
          { name: "c", ports: [{ containerPort: 80 }, { containerPort: 443 }], env: [{ name: "A", value: '\\"[' }] },
        ],
        tolerations: [],
      },
    })),
  },
  null,
  4,
);

test("large JSON files: positions below the items are found on demand, and equal the eager ones", () => {
  const eager = parseJson(LIST, "pods.json", DEFAULT_LIMITS);
  const lazy = parseJson(LIST, "pods.json", { ...DEFAULT_LIMITS, lazyPositionsFromBytes: 0 });
  const root = lazy.documents[0]!.value as { items: object[] };
  const eagerRoot = eager.documents[0]!.value;
  const eagerAll = containers(eagerRoot);
  const lazyAll = containers(root);
  assert.equal(lazyAll.length, eagerAll.length);
  // the items themselves are recorded while parsing; what lies inside them is not
  assert.ok(lazy.positionOf(root.items[1]!));
  assert.equal(lazy.positionOf((root.items[1] as { spec: object }).spec), undefined);
  const document = lazy.documents[0]!;
  const ctx = new DocumentContext("pods.json", 0, lazy, document.position, root);
  for (let i = 0; i < eagerAll.length; i++) {
    const [path, eagerValue] = eagerAll[i]!;
    const [, lazyValue] = lazyAll[i]!;
    const expected = eager.positionOf(eagerValue);
    const item = root.items.find((it) => containers(it).some(([, v]) => v === lazyValue));
    const source = (item ? ctx.within(item) : ctx).source(lazyValue);
    assert.deepEqual({ line: source.line, col: source.col }, expected, path);
    assert.deepEqual(
      JSON.parse(JSON.stringify(source)),
      { file: "pods.json", line: expected!.line, col: expected!.col, doc: 0 },
      `${path} serialises`,
    );
  }
});
