import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InputError } from "../../../src/load/errors.js";
import { DEFAULT_LIMITS } from "../../../src/load/limits.js";
import { parseJson } from "../../../src/load/parse-json.js";
import type { ParsedFile, Position } from "../../../src/load/parsed.js";

function at(parsed: ParsedFile, path: readonly (string | number)[]): unknown {
  let value: unknown = parsed.documents[0]?.value;
  for (const key of path) {
    assert.ok(value !== null && typeof value === "object", `no ${String(key)} in ${JSON.stringify(path)}`);
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function positionAt(parsed: ParsedFile, path: readonly (string | number)[]): Position | undefined {
  const value = at(parsed, path);
  assert.ok(value !== null && typeof value === "object", `${JSON.stringify(path)} is not an object or array`);
  return parsed.positionOf(value);
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected an InputError, nothing was thrown");
}

const nested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);

describe("parseJson: positions in kubectl-style pretty JSON", () => {
  // kubectl get -o json indents by four spaces
  const text = JSON.stringify(
    {
      apiVersion: "v1",
      kind: "List",
      items: [
        {
          kind: "Pod",
          metadata: { name: "a", labels: { x: "y" } },
          spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] },
        },
      ],
    },
    null,
    4,
  );
  // 1 {
  // 2     "apiVersion": "v1",
  // 3     "kind": "List",
  // 4     "items": [
  // 5         {
  // 6             "kind": "Pod",
  // 7             "metadata": {
  // 8                 "name": "a",
  // 9                 "labels": {
  // 10                    "x": "y"
  // ...
  // 13            "spec": {
  // 14                "containers": [
  // 15                    {
  // 16                        "name": "c",
  // 17                        "ports": [
  // 18                            {
  const parsed = parseJson(text, "list.json", DEFAULT_LIMITS);
  const cases: { name: string; path: (string | number)[]; expected: Position }[] = [
    { name: "RFC 8259 §4 object: the root object starts at its `{`", path: [], expected: { line: 1, col: 1 } },
    {
      name: "RFC 8259 §5 array: an array value starts at its `[` after the key",
      path: ["items"],
      expected: { line: 4, col: 14 },
    },
    {
      name: "RFC 8259 §5 array: an object in an array starts at its `{` on the next line",
      path: ["items", 0],
      expected: { line: 5, col: 9 },
    },
    {
      name: "RFC 8259 §4 object: a nested object starts at its `{`",
      path: ["items", 0, "metadata"],
      expected: { line: 7, col: 25 },
    },
    {
      name: "RFC 8259 §4 object: an object three levels down",
      path: ["items", 0, "metadata", "labels"],
      expected: { line: 9, col: 27 },
    },
    {
      name: "RFC 8259 §5 array: an array five levels down",
      path: ["items", 0, "spec", "containers"],
      expected: { line: 14, col: 31 },
    },
    {
      name: "RFC 8259 §5 array: an object seven levels down",
      path: ["items", 0, "spec", "containers", 0, "ports", 0],
      expected: { line: 18, col: 29 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(positionAt(parsed, c.path), c.expected);
    });
  }

  test("RFC 8259: the document's position is where its value starts, after leading whitespace", () => {
    const p = parseJson('\n\n   {"kind": "Pod"}\n', "ws.json", DEFAULT_LIMITS);
    assert.deepEqual(
      p.documents.map((d) => [d.index, d.position]),
      [[0, { line: 3, col: 4 }]],
    );
    assert.equal(p.format, "json");
  });
});

describe("parseJson: positions in minified single-line JSON", () => {
  // One line; keys with escaped quotes and backslashes, strings holding braces, brackets and
  // escaped quotes: none of them may confuse the position scan.
  const text = String.raw`{"a":{"b\"c":{"d":[1,{"e":"}{][\\\"","f":{}}]},"x\\\\":[[],{"g":1}]}}`;
  const parsed = parseJson(text, "min.json", DEFAULT_LIMITS);

  test("RFC 8259 §7 strings: escaped quotes and backslashes in keys and values are decoded", () => {
    assert.deepEqual(Object.keys(at(parsed, ["a"]) as object), ['b"c', "x\\\\"]);
    assert.equal(at(parsed, ["a", 'b"c', "d", 1, "e"]), '}{][\\"');
  });

  const cases: { name: string; path: (string | number)[]; col: number }[] = [
    { name: "RFC 8259 §4: an object after a plain key", path: ["a"], col: 6 },
    { name: 'RFC 8259 §7: an object after a key holding an escaped quote ("b\\"c")', path: ["a", 'b"c'], col: 14 },
    { name: "RFC 8259 §5: an array inside that object", path: ["a", 'b"c', "d"], col: 19 },
    { name: "RFC 8259 §5: an object after a number in an array", path: ["a", 'b"c', "d", 1], col: 22 },
    {
      name: "RFC 8259 §7: an object after a string holding braces, brackets and an escaped quote",
      path: ["a", 'b"c', "d", 1, "f"],
      col: 42,
    },
    { name: 'RFC 8259 §7: an array after a key of escaped backslashes ("x\\\\\\\\")', path: ["a", "x\\\\"], col: 56 },
    { name: "RFC 8259 §5: an empty array inside an array", path: ["a", "x\\\\", 0], col: 57 },
    { name: "RFC 8259 §5: an object after an empty array", path: ["a", "x\\\\", 1], col: 60 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(positionAt(parsed, c.path), { line: 1, col: c.col });
    });
  }

  test("RFC 8259 §7: a key written with a \\u escape is matched to its decoded name", () => {
    const p = parseJson(String.raw`{"a\u0062": {"k": 1}, "n\"": [2]}`, "esc.json", DEFAULT_LIMITS);
    assert.deepEqual(positionAt(p, ["ab"]), { line: 1, col: 13 });
    assert.deepEqual(positionAt(p, ['n"']), { line: 1, col: 30 });
  });

  test("RFC 8259 §7: an escaped newline (\\n) inside a string does not start a new line", () => {
    const p = parseJson(String.raw`{"a": "x\ny\n", "b": {}}`, "nl.json", DEFAULT_LIMITS);
    assert.equal(at(p, ["a"]), "x\ny\n");
    assert.deepEqual(positionAt(p, ["b"]), { line: 1, col: 22 });
  });

  test("ECMA-404 / JSON.parse duplicate names: the later value wins and carries its own position", () => {
    const p = parseJson('{"a": {"x": 1},\n "a": {"y": 2}}', "dup.json", DEFAULT_LIMITS);
    assert.deepEqual(at(p, ["a"]), { y: 2 });
    assert.deepEqual(positionAt(p, ["a"]), { line: 2, col: 7 });
  });
});

describe("parseJson: unicode and byte order mark", () => {
  test("RFC 8259 §8.1: a UTF-8 byte order mark is ignored, and columns do not count it", () => {
    const p = parseJson('\ufeff{"name": "x", "k": {"v": [1]}}', "bom.json", DEFAULT_LIMITS);
    assert.deepEqual(p.documents[0]?.position, { line: 1, col: 1 });
    assert.deepEqual(positionAt(p, ["k"]), { line: 1, col: 20 });
    assert.deepEqual(positionAt(p, ["k", "v"]), { line: 1, col: 26 });
  });

  test("RFC 8259 §8: non-ASCII characters (Korean, symbols, accents) count one column each", () => {
    const p = parseJson('{"name": "한국어 ✓ é", "k": {"v": [1]}}', "uni.json", DEFAULT_LIMITS);
    assert.equal(at(p, ["name"]), "한국어 ✓ é");
    assert.deepEqual(positionAt(p, ["k"]), { line: 1, col: 26 });
  });

  test("RFC 8259 §7: non-ASCII keys are matched to their values", () => {
    const p = parseJson('{\n  "라벨": {"앱": "웹"},\n  "é\\u00e9": []\n}', "uni.json", DEFAULT_LIMITS);
    assert.deepEqual(positionAt(p, ["라벨"]), { line: 2, col: 9 });
    assert.deepEqual(positionAt(p, ["éé"]), { line: 3, col: 14 });
  });
});

describe("parseJson: syntax errors are InputErrors at file:line:col", () => {
  const cases: { name: string; text: string; line: number; col: number; reason: RegExp }[] = [
    {
      name: "RFC 8259 §4: a trailing comma in an object is reported at the closing brace",
      text: '{\n  "a": 1,\n}',
      line: 3,
      col: 1,
      reason: /property name/,
    },
    {
      name: "RFC 8259 §5: a trailing comma in an array is reported at the closing bracket",
      text: "[\n  1,\n  2,\n]",
      line: 4,
      col: 1,
      reason: /expected a value/,
    },
    {
      name: "RFC 8259 §4: a missing comma between members is reported at the next member",
      text: '{\n  "a": 1\n  "b": 2\n}',
      line: 3,
      col: 3,
      reason: /expected ',' or '}'/,
    },
    {
      name: "RFC 8259 §5: a missing comma between elements is reported at the next element",
      text: "[1\n 2]",
      line: 2,
      col: 2,
      reason: /expected ',' or ']'/,
    },
    {
      name: "RFC 8259 §7: an unterminated string is reported at its opening quote",
      text: '{\n  "a": "abc\n}',
      line: 2,
      col: 8,
      reason: /unterminated string/,
    },
    {
      name: "RFC 8259 §3: a bare word is not a value (only true, false and null are)",
      text: '{\n  "a": yes\n}',
      line: 2,
      col: 8,
      reason: /unexpected 'yes'/,
    },
    {
      name: "RFC 8259 §4: names must be double-quoted strings",
      text: "{\n  a: 1}",
      line: 2,
      col: 3,
      reason: /property name in double quotes/,
    },
    {
      name: "RFC 8259 §2: an empty file holds no JSON value",
      text: "",
      line: 1,
      col: 1,
      reason: /holds no JSON value/,
    },
    {
      name: "RFC 8259 §2: a file of whitespace holds no JSON value",
      text: "  \n\n",
      line: 3,
      col: 1,
      reason: /holds no JSON value/,
    },
    {
      name: "RFC 8259 §2: text after the value is an error (a second document)",
      text: "{}\n{}",
      line: 2,
      col: 1,
      reason: /unexpected text after the JSON value/,
    },
    { name: "RFC 8259 §6: numbers have no leading zeros", text: "[01]", line: 1, col: 2, reason: /unexpected '01'/ },
    {
      name: "RFC 8259 §7: control characters must be escaped in strings",
      text: '{"a": "x\ty"}',
      line: 1,
      col: 9,
      reason: /control character/i,
    },
    {
      name: "RFC 8259 §8.1: positions after a byte order mark do not count it",
      text: '\ufeff{"a":,}',
      line: 1,
      col: 6,
      reason: /expected a value/,
    },
    {
      name: "RFC 8259 §7: an unknown escape (\\x) is reported at the escaped character",
      text: String.raw`{"a": "\x"}`,
      line: 1,
      col: 9,
      reason: /escaped character/i,
    },
    {
      name: "RFC 8259 §6: a number needs digits after its decimal point",
      text: "[1.]",
      line: 1,
      col: 2,
      reason: /unexpected '1\.'/,
    },
    { name: "RFC 8259 §6: NaN is not a JSON number", text: "[NaN]", line: 1, col: 2, reason: /unexpected 'NaN'/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const error = inputError(() => parseJson(c.text, "bad.json", DEFAULT_LIMITS));
      assert.equal(error.file, "bad.json");
      assert.equal(error.line, c.line, error.message);
      assert.equal(error.col, c.col, error.message);
      assert.match(error.message, new RegExp(`^bad\\.json:${c.line}:${c.col}: JSON syntax error: `));
      assert.match(error.detail, c.reason);
      assert.equal(error.message, `bad.json:${c.line}:${c.col}: ${error.detail}`);
    });
  }
});

describe("parseJson: CRLF line endings", () => {
  test("RFC 8259 §2: CR LF is whitespace; lines are counted at LF and columns restart after it", () => {
    const p = parseJson('{\r\n  "a": {\r\n    "b": [\r\n      {}\r\n    ]\r\n  }\r\n}', "crlf.json", DEFAULT_LIMITS);
    assert.deepEqual(
      [positionAt(p, ["a"]), positionAt(p, ["a", "b"]), positionAt(p, ["a", "b", 0])],
      [
        { line: 2, col: 8 },
        { line: 3, col: 10 },
        { line: 4, col: 7 },
      ],
    );
  });
  test("RFC 8259 §4: a trailing comma in a CRLF file is reported at the closing brace's line", () => {
    const error = inputError(() => parseJson('{\r\n  "a": 1,\r\n}', "crlf.json", DEFAULT_LIMITS));
    assert.deepEqual([error.line, error.col], [3, 1]);
  });
});

describe("parseJson: nesting limit", () => {
  test(`${DEFAULT_LIMITS.maxDepth} nested arrays are accepted`, () => {
    const p = parseJson(nested(DEFAULT_LIMITS.maxDepth), "deep.json", DEFAULT_LIMITS);
    let value: unknown = p.documents[0]?.value;
    let depth = 0;
    while (Array.isArray(value)) {
      value = value[0];
      depth++;
    }
    assert.equal(depth, 100);
  });

  test(`${DEFAULT_LIMITS.maxDepth + 1} nested arrays are refused with the position of the innermost`, () => {
    const error = inputError(() => parseJson(nested(DEFAULT_LIMITS.maxDepth + 1), "deep.json", DEFAULT_LIMITS));
    assert.match(error.detail, /nesting deeper than 100 levels/);
    assert.equal(error.file, "deep.json");
    assert.equal(error.line, 1);
    assert.equal(error.col, 101);
  });

  test("objects count as levels too: 101 nested objects are refused", () => {
    const text = '{"k":'.repeat(100) + "{}" + "}".repeat(100);
    const error = inputError(() => parseJson(text, "deep.json", DEFAULT_LIMITS));
    assert.match(error.detail, /nesting deeper than 100 levels/);
  });
});

describe("parseJson: lazy positions in large files (lazyPositionsFromBytes)", () => {
  const LAZY = { ...DEFAULT_LIMITS, lazyPositionsFromBytes: 0 };
  const list = {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        kind: "Pod",
        metadata: { name: "a", annotations: { tricky: '}{][\\"', multi: "line\nbreak" } },
        spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }, {}] }], tolerations: [[], [{}]] },
      },
      { kind: "Pod", metadata: { name: "b", labels: { 'k"ey': "v" } }, spec: { containers: [{ name: "c" }] } },
    ],
  };
  const layouts: { name: string; text: string }[] = [
    { name: "kubectl-style (two-space indent)", text: JSON.stringify(list, null, 2) },
    { name: "minified", text: JSON.stringify(list) },
    { name: "tab-indented", text: JSON.stringify(list, null, "\t") },
  ];

  for (const layout of layouts) {
    test(`lazy positions (${layout.name}): resolving from the list item gives the same position as an eager parse, for every object and array`, () => {
      const eager = parseJson(layout.text, "list.json", DEFAULT_LIMITS);
      const lazy = parseJson(layout.text, "list.json", LAZY);
      assert.ok(lazy.resolve, "a lazy parse offers resolve");
      const seen: string[] = [];
      const walk = (e: unknown, l: unknown, anchor: object | undefined, depth: number, path: string): void => {
        if (e === null || typeof e !== "object") return;
        const expected = eager.positionOf(e);
        const actual = depth <= 2 ? lazy.positionOf(l as object) : lazy.resolve!(anchor!, l as object);
        assert.ok(expected, `eager parse has no position for ${path}`);
        assert.deepEqual(actual, expected, path);
        seen.push(path);
        for (const key of Object.keys(e)) {
          walk(
            (e as Record<string, unknown>)[key],
            (l as Record<string, unknown>)[key],
            depth === 2 ? (l as object) : anchor,
            depth + 1,
            `${path}/${key}`,
          );
        }
      };
      walk(eager.documents[0]?.value, lazy.documents[0]?.value, undefined, 0, "");
      assert.equal(seen.length, 21);
    });
  }

  test("lazy positions: the list and its items are located while parsing, deeper values only when resolved", () => {
    const lazy = parseJson(JSON.stringify(list, null, 2), "list.json", LAZY);
    const value = lazy.documents[0]?.value as typeof list;
    assert.deepEqual(lazy.positionOf(value.items), { line: 4, col: 12 });
    assert.deepEqual(lazy.positionOf(value.items[1]!), { line: 34, col: 5 });
    assert.equal(lazy.positionOf(value.items[1]!.metadata), undefined);
    assert.deepEqual(lazy.resolve?.(value.items[1]!, value.items[1]!.metadata), { line: 36, col: 19 });
  });

  test("lazy positions: the nesting limit still holds inside skipped containers", () => {
    const deep = JSON.stringify({ items: [{ a: JSON.parse(nested(DEFAULT_LIMITS.maxDepth - 1)) as unknown }] });
    const error = inputError(() => parseJson(deep, "deep.json", LAZY));
    assert.match(error.detail, /nesting deeper than 100 levels/);
    const eagerError = inputError(() => parseJson(deep, "deep.json", DEFAULT_LIMITS));
    assert.deepEqual([error.line, error.col], [eagerError.line, eagerError.col]);
  });
});
