import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { InputError } from "../../src/load/errors.js";
import { ListScanner, type ScanResult, type ScannedItem } from "../../src/load/json-stream.js";
import { DEFAULT_LIMITS, type LoadLimits } from "../../src/load/limits.js";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { parseJson } from "../../src/load/parse-json.js";
import { tempDir } from "../support/helpers.js";

/** Feeds `text` to the scanner `chunk` bytes at a time. */
function scan(text: string | Buffer, chunk: number): { items: ScannedItem[]; result: ScanResult } {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  const items: ScannedItem[] = [];
  const scanner = new ListScanner({ file: "dump.json", maxDepth: 100, maxItemBytes: 1 << 30 }, (item) =>
    items.push(item),
  );
  // one buffer read into again and again, as scanFile does
  const buffer = Buffer.alloc(chunk);
  for (let at = 0; at < bytes.length; at += chunk) {
    const n = bytes.copy(buffer, 0, at, at + chunk);
    if (!scanner.feed(buffer.subarray(0, n))) return { items, result: { kind: "not-a-list" } };
  }
  return { items, result: scanner.finish() };
}

/** What the whole-text parser (parse-json.ts, RFC 8259 via JSON.parse) makes of the items: values and positions. */
function reference(text: string): { values: unknown[]; positions: unknown[] } {
  const parsed = parseJson(text, "dump.json", { ...DEFAULT_LIMITS, lazyPositionsFromBytes: Infinity });
  const items = (parsed.documents[0]!.value as { items: unknown[] }).items;
  return {
    values: items,
    positions: items.map((item) => (item !== null && typeof item === "object" ? parsed.positionOf(item) : undefined)),
  };
}

const CUTTABLE = [
  ["metadata", "managedFields"],
  ["status", "containerStatuses"],
  ["status", "initContainerStatuses"],
] as const;

function withoutManagedFields(value: unknown): unknown {
  const copy = structuredClone(value) as {
    metadata?: { managedFields?: unknown };
    status?: { containerStatuses?: unknown; initContainerStatuses?: unknown };
  };
  if (copy?.metadata?.managedFields !== undefined) copy.metadata.managedFields = [];
  if (copy?.status?.containerStatuses !== undefined) copy.status.containerStatuses = [];
  if (copy?.status?.initContainerStatuses !== undefined) copy.status.initContainerStatuses = [];
  return copy;
}

/** Asserts the scanner splits `text` as JSON.parse reads it, at every chunk size from 1 byte to the whole. */
function assertSplitsAsJsonParse(text: string, chunks: readonly number[] = everyChunk(text)): void {
  const expected = reference(text);
  for (const chunk of chunks) {
    const { items, result } = scan(text, chunk);
    assert.equal(result.kind, "list", `chunk ${chunk}`);
    // a list is cut (to []) when its key lies in one chunk, else kept: either way the rest is the same
    const values = items.map((item) => JSON.parse(item.text) as unknown);
    assert.deepEqual(
      values.map(withoutManagedFields),
      expected.values.map(withoutManagedFields),
      `values, chunk ${chunk}`,
    );
    values.forEach((value, i) => {
      for (const [section, key] of CUTTABLE) {
        const got = (value as Record<string, Record<string, unknown> | undefined> | null)?.[section]?.[key];
        const original = (expected.values[i] as Record<string, Record<string, unknown> | undefined> | null)?.[
          section
        ]?.[key];
        if (got !== undefined && !(Array.isArray(got) && got.length === 0))
          assert.deepEqual(got, original, `${section}.${key}, chunk ${chunk}`);
      }
    });
    const positions = items.map((item, i) => (expected.positions[i] === undefined ? undefined : item.position));
    assert.deepEqual(positions, expected.positions, `positions, chunk ${chunk}`);
  }
}

const everyChunk = (text: string): number[] =>
  Array.from({ length: Buffer.byteLength(text) + 1 }, (_, i) => i + 1).filter((n) => n <= Buffer.byteLength(text));

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", ...extra },
  spec: { containers: [{ name: "c", image: "nginx" }] },
});

describe("json-stream: the items of a List split as JSON.parse reads them (RFC 8259 strings, escapes, nesting)", () => {
  const cases: [string, string][] = [
    [
      "kubectl's layout (4-space indent)",
      JSON.stringify({ apiVersion: "v1", items: [pod("a"), pod("b")], kind: "List", metadata: {} }, null, 4),
    ],
    ["one line", JSON.stringify({ apiVersion: "v1", items: [pod("a"), pod("b")], kind: "List" })],
    [
      "strings holding brackets, braces, quotes and backslashes",
      JSON.stringify(
        {
          apiVersion: "v1",
          items: [pod("a", { annotations: { x: '{"a": ["]"]}', y: "\\", z: 'ends in \\"', w: "}]}]" } }), pod("b")],
          kind: "List",
        },
        null,
        4,
      ),
    ],
    [
      "escaped quotes and \\u escapes",
      '{"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a\\"]}","x":"\\u005d\\u007d\\\\"}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}],"kind":"List"}',
    ],
    [
      "unicode before an item on its line (columns in UTF-16 code units)",
      '{"apiVersion":"v1","metadata":{"note":"é漢😀"},"items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"é漢😀"}}, {"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}],"kind":"List"}',
    ],
    ["nested arrays", '{"items":[[1,[2,[3]]],{"a":[[[]]]},[]],"apiVersion":"v1","kind":"List"}'],
    [
      "scalars and empty containers as items",
      '{"items": [ 1 , -2.5e3,true,null , "s", {}, [] ],"kind":"List","apiVersion":"v1"}',
    ],
    ["items: []", '{"apiVersion": "v1", "items": [], "kind": "List"}'],
    ["items: [ ] with whitespace", '{"apiVersion": "v1", "items": [ \n ], "kind": "List"}'],
    [
      "a List of Lists",
      JSON.stringify(
        { apiVersion: "v1", items: [{ apiVersion: "v1", kind: "List", items: [pod("a")] }, pod("b")], kind: "List" },
        null,
        4,
      ),
    ],
    [
      "CRLF line breaks",
      JSON.stringify({ apiVersion: "v1", items: [pod("a"), pod("b")], kind: "List" }, null, 4).replace(/\n/g, "\r\n"),
    ],
    [
      "a typed list (kind first, as the API server prints it)",
      '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"a"}}]}',
    ],
  ];
  for (const [name, text] of cases) {
    test(name, () => assertSplitsAsJsonParse(text));
  }

  test("a byte order mark: columns count from after it, as parse-json.ts's", () => {
    const text = '{"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}],"kind":"List"}';
    const { items } = scan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 2);
    assert.deepEqual(items[0]!.position, { line: 1, col: 29 });
    assert.deepEqual(reference(text).positions[0], { line: 1, col: 29 });
  });

  test("the other members are kept for the loader (kubectl prints kind and metadata after items)", () => {
    const { result } = scan(
      JSON.stringify({ apiVersion: "v1", items: [], kind: "List", metadata: { resourceVersion: "" } }),
      3,
    );
    assert.equal(result.kind, "list");
    assert.deepEqual(result.kind === "list" ? result.members.map((m) => [m.key, JSON.parse(m.text) as unknown]) : [], [
      ["apiVersion", "v1"],
      ["kind", "List"],
      ["metadata", { resourceVersion: "" }],
    ]);
  });
});

describe("json-stream: metadata.managedFields (server-side apply bookkeeping) and container statuses are cut before JSON.parse: the loader never reads them", () => {
  const managedFields = [
    {
      apiVersion: "v1",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
      manager: "kubectl",
      operation: "Update",
    },
  ];
  const text = JSON.stringify(
    { apiVersion: "v1", items: [pod("a", { managedFields, labels: { app: "a" } }), pod("b")], kind: "List" },
    null,
    4,
  );

  test("cut at every chunk size, the item otherwise unchanged", () => assertSplitsAsJsonParse(text));

  test("the cut text holds [] where managedFields was", () => {
    const { items } = scan(text, 1 << 20);
    assert.equal(items[0]!.cut, true);
    assert.deepEqual((JSON.parse(items[0]!.text) as { metadata: unknown }).metadata, {
      name: "a",
      namespace: "default",
      managedFields: [],
      labels: { app: "a" },
    });
    assert.equal(items[1]!.cut, false);
  });

  test("a Pod's status.containerStatuses and initContainerStatuses too (pods.ts reads phase, podIPs, hostIP, conditions), at every chunk size", () => {
    const withStatuses = JSON.stringify(
      {
        apiVersion: "v1",
        items: [
          {
            ...pod("a", { managedFields }),
            status: {
              phase: "Running",
              conditions: [{ type: "Ready", status: "True" }],
              containerStatuses: [{ name: "c", ready: true, state: { running: { startedAt: "x" } } }],
              initContainerStatuses: [{ name: "i", ready: true }],
              podIP: "10.0.0.1",
            },
          },
        ],
        kind: "List",
      },
      null,
      4,
    );
    assertSplitsAsJsonParse(withStatuses);
    assert.deepEqual((JSON.parse(scan(withStatuses, 1 << 20).items[0]!.text) as { status: unknown }).status, {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [],
      initContainerStatuses: [],
      podIP: "10.0.0.1",
    });
  });

  test("a managedFields key elsewhere (under spec, or as a string value) is not cut", () => {
    const other = JSON.stringify({
      apiVersion: "v1",
      items: [
        { apiVersion: "v1", kind: "X", metadata: { name: "a", note: "managedFields" }, spec: { managedFields: [1] } },
      ],
      kind: "List",
    });
    const { items } = scan(other, 1 << 20);
    assert.equal(items[0]!.cut, false);
    assert.deepEqual(JSON.parse(items[0]!.text), JSON.parse(other).items[0]);
  });
});

describe("json-stream: files that are not a List with items are left to the whole-text parser", () => {
  const cases: [string, string][] = [
    ["a top-level array", "[1, 2]"],
    ["an object without items", '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}'],
    ["items that are no array", '{"apiVersion": "v1", "kind": "List", "items": {}}'],
    ["AWS CLI output", '{"Reservations": [{"Instances": []}]}'],
    ["nothing", "  "],
  ];
  for (const [name, text] of cases) {
    test(name, () => assert.equal(scan(text, 4).result.kind, "not-a-list"));
  }

  test("a large member before items (another shape) stops the scan early", () => {
    const scanner = new ListScanner({ file: "x.json", maxDepth: 100, maxItemBytes: 1 << 30, maxHeaderBytes: 64 }, () =>
      assert.fail("no item"),
    );
    assert.equal(scanner.feed(Buffer.from(`{"Reservations": [${'"x",'.repeat(100)}"y"], "items": []}`)), false);
  });
});

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected an InputError");
}

describe("json-stream: syntax errors are located at file:line:col as the whole-text parser locates them", () => {
  const item = (name: string) => `        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "${name}"}}`;
  const list = (items: string[], tail = '\n    ],\n    "kind": "List"\n}\n') =>
    `{\n    "apiVersion": "v1",\n    "items": [\n${items.join(",\n")}${tail}`;
  const many = Array.from({ length: 300 }, (_, i) => item(`p${i}`));
  const cases: [string, string][] = [
    ["a missing comma between items", list([...many.slice(0, 250), many[250]! + many[251]!, ...many.slice(252)])],
    ["a trailing comma after the last item", list(many.slice(0, 3), ',\n    ],\n    "kind": "List"\n}\n')],
    ["a bad token in item 200", list([...many.slice(0, 200), item("x").replace('"Pod"', "Pod"), ...many.slice(201)])],
    [
      "a missing colon in item 120",
      list([...many.slice(0, 120), item("x").replace('"kind":', '"kind"'), ...many.slice(121)]),
    ],
    ["a bad escape in item 7", list([...many.slice(0, 7), item("a\\qb"), ...many.slice(8)])],
    ["an unterminated file", list(many.slice(0, 5), "\n    ]")],
    ["an item cut short", list(many.slice(0, 5), ',\n        {"apiVersion": "v1"')],
    ["text after the top-level object", list(many.slice(0, 2), '\n    ],\n    "kind": "List"\n}\n}')],
    ["a bad member after items", list(many.slice(0, 2), '\n    ],\n    "kind": List\n}\n')],
    ["nesting deeper than the limit", list(["        " + "[".repeat(120) + "]".repeat(120)])],
  ];
  for (const [name, text] of cases) {
    test(name, () => {
      const dir = tempDir({ "dump.json": text });
      const load = (limits: Partial<LoadLimits>) =>
        errorOf(() => loadSnapshot({ paths: ["dump.json"], cwd: dir, limits: { ...DEFAULT_LIMITS, ...limits } }));
      const whole = load({ streamJsonFromBytes: Infinity });
      const streamed = load({ streamJsonFromBytes: 0 });
      assert.deepEqual(
        { file: streamed.file, line: streamed.line, col: streamed.col },
        { file: whole.file, line: whole.line, col: whole.col },
      );
      assert.match(streamed.detail, /^JSON syntax error: /);
      assert.ok(streamed.line! > 1 || name.includes("nesting"), "located");
    });
  }
});

describe("json-stream: loading a List streamed gives the model of the whole-text load", () => {
  test("objects, diagnostics and positions (deep positions resolved on demand) are the same", () => {
    const text = JSON.stringify(
      {
        apiVersion: "v1",
        items: [
          pod("a", { managedFields: [{ manager: "kubectl" }], labels: { app: "a" } }),
          { ...pod("b"), spec: { containers: [{ name: "c", image: "nginx", ports: [{ containerPort: "x" }] }] } },
          {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "s" },
            spec: { selector: { app: "a" }, ports: [{ port: 80 }] },
          },
          "not an object",
        ],
        kind: "List",
        metadata: { resourceVersion: "" },
      },
      null,
      4,
    );
    const dir = tempDir({ "dump.json": text });
    const load = (limits: Partial<LoadLimits>) =>
      JSON.stringify(
        loadSnapshot({ paths: [join(dir, "dump.json")], cwd: dir, limits: { ...DEFAULT_LIMITS, ...limits } }),
      );
    const whole = load({ streamJsonFromBytes: Infinity, lazyPositionsFromBytes: Infinity });
    assert.equal(load({ streamJsonFromBytes: 0 }), whole);
    assert.equal(load({ streamJsonFromBytes: 0, lazyPositionsFromBytes: 0 }), whole);
  });

  test("a typed list whose kind comes after its items (items without kind wait for it)", () => {
    const text =
      '{"apiVersion":"v1","items":[{"metadata":{"name":"a"},"spec":{"containers":[{"name":"c"}]}}],"kind":"PodList"}';
    const dir = tempDir({ "pods.json": text });
    const snapshot = loadSnapshot({
      paths: ["pods.json"],
      cwd: dir,
      limits: { ...DEFAULT_LIMITS, streamJsonFromBytes: 0 },
    });
    assert.deepEqual(
      snapshot.kubernetes.pods.map((p) => [p.name, p.meta.source.line, p.meta.source.col]),
      [["a", 1, 29]],
    );
  });

  test("an object with items that is no List (kind Foo) is read whole, as before", () => {
    const text =
      '{"apiVersion":"example.com/v1","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"c"}]}}],"kind":"Foo","metadata":{"name":"f"}}';
    const dir = tempDir({ "foo.json": text });
    const snapshot = loadSnapshot({
      paths: ["foo.json"],
      cwd: dir,
      limits: { ...DEFAULT_LIMITS, streamJsonFromBytes: 0 },
    });
    assert.equal(snapshot.kubernetes.pods.length, 0);
    assert.deepEqual(snapshot.kubernetes.unmodelledKinds, { "example.com/v1 Foo": 1 });
  });
});
