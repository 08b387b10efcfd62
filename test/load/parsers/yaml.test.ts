import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InputError } from "../../../src/load/errors.js";
import { DEFAULT_LIMITS } from "../../../src/load/limits.js";
import { parseJson } from "../../../src/load/parse-json.js";
import type { ParsedFile, Position } from "../../../src/load/parsed.js";
import { parseYaml } from "../../../src/load/parse-yaml.js";

/** Follows `path` (keys and indexes) from the first document's value. */
function at(parsed: ParsedFile, path: readonly (string | number)[], doc = 0): unknown {
  let value: unknown = parsed.documents[doc]?.value;
  for (const key of path) {
    assert.ok(value !== null && typeof value === "object", `no ${String(key)} in ${JSON.stringify(path)}`);
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function positionAt(parsed: ParsedFile, path: readonly (string | number)[], doc = 0): Position | undefined {
  const value = at(parsed, path, doc);
  assert.ok(value !== null && typeof value === "object", `${JSON.stringify(path)} is not a mapping or sequence`);
  return parsed.positionOf(value);
}

/** Runs `fn`, which must throw an InputError, and returns it. */
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

/** A block mapping `depth` levels deep: k:\n  k:\n … k: leaf */
function blockMapping(depth: number): string {
  let text = "";
  for (let i = 0; i < depth - 1; i++) text += `${"  ".repeat(i)}k:\n`;
  return `${text}${"  ".repeat(depth - 1)}k: leaf\n`;
}

/** Block sequences `depth` levels deep: -\n  -\n … - leaf */
function blockSequence(depth: number): string {
  let text = "";
  for (let i = 0; i < depth - 1; i++) text += `${"  ".repeat(i)}-\n`;
  return `${text}${"  ".repeat(depth - 1)}- leaf\n`;
}

/** JSON objects `depth` levels deep ending in a string: {"k": {"k": … {"k": "v"}}} */
function jsonObjects(depth: number): string {
  return '{"k": '.repeat(depth - 1) + '{"k": "v"}' + "}".repeat(depth - 1);
}

describe("parseYaml: positions of mappings and sequences", () => {
  const text = [
    "apiVersion: v1", //                          1
    "kind: Pod", //                               2
    "metadata:", //                               3
    "  name: web", //                             4
    "  labels:", //                               5
    "    app: web", //                            6
    "spec:", //                                   7
    "  containers:", //                           8
    "  - name: c1", //                            9
    "    ports:", //                              10
    "    - containerPort: 80", //                 11
    "    -   containerPort: 81", //               12
    "  - name: c2", //                            13
    "  tolerations:", //                          14
    "    # a comment between the key and its value", // 15
    "", //                                        16
    "    - key: a", //                            17
    "      operator: Exists", //                  18
    "  nodeSelector:", //                         19
    "", //                                        20
    "    disk: ssd", //                           21
    "  affinity: {nodeAffinity: {preferred: [{weight: 1}]}}", // 22
    "  list:", //                                 23
    "  - - nested", //                            24
    "",
  ].join("\n");
  const parsed = parseYaml(text, "pod.yaml", DEFAULT_LIMITS);

  const cases: { name: string; path: (string | number)[]; expected: Position }[] = [
    {
      name: "YAML 1.2 §8.2.2 block mapping: the document's root mapping starts at its first key",
      path: [],
      expected: { line: 1, col: 1 },
    },
    {
      name: "YAML 1.2 §8.2.2 block mapping: a nested mapping starts at its first key on the next line",
      path: ["metadata"],
      expected: { line: 4, col: 3 },
    },
    {
      name: "YAML 1.2 §8.2.2 block mapping: a mapping two levels down starts at its key's column",
      path: ["metadata", "labels"],
      expected: { line: 6, col: 5 },
    },
    {
      name: "YAML 1.2 §8.2.1 block sequence: a compact sequence `- ` at the parent's indentation starts at the dash",
      path: ["spec", "containers"],
      expected: { line: 9, col: 3 },
    },
    {
      name: "YAML 1.2 §8.2.1 block sequence of mappings: `- name: c1` starts at the column of `name`",
      path: ["spec", "containers", 0],
      expected: { line: 9, col: 5 },
    },
    {
      name: "YAML 1.2 §8.2.1 block sequence of mappings: the second entry `- name: c2`",
      path: ["spec", "containers", 1],
      expected: { line: 13, col: 5 },
    },
    {
      name: "YAML 1.2 §8.2.1 block sequence of mappings: an entry in a nested sequence",
      path: ["spec", "containers", 0, "ports", 0],
      expected: { line: 11, col: 7 },
    },
    {
      name: "YAML 1.2 §8.2.1 block sequence of mappings: extra spaces after the dash move the column to the key",
      path: ["spec", "containers", 0, "ports", 1],
      expected: { line: 12, col: 9 },
    },
    {
      name: "YAML 1.2 §6.6 comments: a value after a comment and a blank line starts at its own first character",
      path: ["spec", "tolerations"],
      expected: { line: 17, col: 5 },
    },
    {
      name: "YAML 1.2 §6.6 comments: the mapping inside that sequence starts at `key`",
      path: ["spec", "tolerations", 0],
      expected: { line: 17, col: 7 },
    },
    {
      name: "YAML 1.2 §8.2.2 block mapping: a value on the next line after a blank line",
      path: ["spec", "nodeSelector"],
      expected: { line: 21, col: 5 },
    },
    {
      name: "YAML 1.2 §7.4 flow mapping: a flow mapping starts at its `{`",
      path: ["spec", "affinity"],
      expected: { line: 22, col: 13 },
    },
    {
      name: "YAML 1.2 §7.4 flow mapping: a nested flow mapping starts at its own `{`",
      path: ["spec", "affinity", "nodeAffinity"],
      expected: { line: 22, col: 28 },
    },
    {
      name: "YAML 1.2 §7.4 flow sequence: a flow sequence starts at its `[`",
      path: ["spec", "affinity", "nodeAffinity", "preferred"],
      expected: { line: 22, col: 40 },
    },
    {
      name: "YAML 1.2 §7.4 flow sequence: a mapping inside a flow sequence starts at its `{`",
      path: ["spec", "affinity", "nodeAffinity", "preferred", 0],
      expected: { line: 22, col: 41 },
    },
    {
      name: "YAML 1.2 §8.2.1 block sequence: a sequence nested in a sequence entry (`- - x`) starts at the inner dash",
      path: ["spec", "list", 0],
      expected: { line: 24, col: 5 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(positionAt(parsed, c.path), c.expected);
    });
  }

  test("YAML 1.2 §6.6 comments: a document position skips leading comments and blank lines", () => {
    const p = parseYaml(
      "# header\n\n---\n# about the pod\napiVersion: v1\nkind: A\n---\n\n  # indented comment\nkind: B\n",
      "c.yaml",
      DEFAULT_LIMITS,
    );
    assert.deepEqual(
      p.documents.map((d) => [d.index, d.position]),
      [
        [0, { line: 5, col: 1 }],
        [1, { line: 10, col: 1 }],
      ],
    );
  });

  test("scalars have no position: positionOf only knows mappings and sequences", () => {
    const p = parseYaml("a: {b: [1]}\n", "s.yaml", DEFAULT_LIMITS);
    assert.equal(p.positionOf({}), undefined);
    assert.deepEqual(positionAt(p, ["a", "b"]), { line: 1, col: 8 });
  });
});

describe("parseYaml: CRLF line endings (manifests saved on Windows)", () => {
  const text =
    "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\n  labels:\r\n    a: b\r\nspec:\r\n  containers:\r\n  - name: c\r\n---\r\nkind: B\r\nx: {y: [1]}\r\n";
  const parsed = parseYaml(text, "crlf.yaml", DEFAULT_LIMITS);
  const cases: { name: string; path: (string | number)[]; doc: number; expected: Position }[] = [
    {
      name: "YAML 1.2 §5.4 line breaks: CRLF ends a line; a nested mapping's position",
      path: ["metadata", "labels"],
      doc: 0,
      expected: { line: 6, col: 5 },
    },
    {
      name: "YAML 1.2 §5.4 line breaks: a block sequence entry after CRLF lines",
      path: ["spec", "containers", 0],
      doc: 0,
      expected: { line: 9, col: 5 },
    },
    {
      name: "YAML 1.2 §5.4 line breaks: a flow sequence in the second document",
      path: ["x", "y"],
      doc: 1,
      expected: { line: 12, col: 8 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const value = at(parsed, c.path, c.doc);
      assert.deepEqual(parsed.positionOf(value as object), c.expected);
    });
  }
  test("YAML 1.2 §5.4 line breaks: no carriage return is left in values; the second document starts on line 11", () => {
    assert.equal(at(parsed, ["metadata", "name"]), "p");
    assert.deepEqual(
      parsed.documents.map((d) => d.position),
      [
        { line: 1, col: 1 },
        { line: 11, col: 1 },
      ],
    );
  });
  test("YAML 1.2 §5.4 line breaks: syntax errors count CRLF lines", () => {
    const error = inputError(() => parseYaml("a:\r\n  b: 1\r\n c: 2\r\n", "crlf.yaml", DEFAULT_LIMITS));
    assert.deepEqual([error.line, error.col], [3, 2]);
  });
});

describe("parseYaml: multi-document files", () => {
  const cases: { name: string; text: string; expected: { index: number; value: unknown; line: number }[] }[] = [
    {
      name: "YAML 1.2 §9.2 streams: `---` separates documents, each indexed from 0",
      text: "kind: A\n---\nkind: B\n---\nkind: C\n",
      expected: [
        { index: 0, value: { kind: "A" }, line: 1 },
        { index: 1, value: { kind: "B" }, line: 3 },
        { index: 2, value: { kind: "C" }, line: 5 },
      ],
    },
    {
      name: "YAML 1.2 §9.2 streams: an empty document (`---` then `---`) is a null document that keeps its index",
      text: "---\n---\nkind: A\n---\n# only a comment\n---\nkind: B\n...\n",
      expected: [
        { index: 0, value: null, line: 1 },
        { index: 1, value: { kind: "A" }, line: 3 },
        { index: 2, value: null, line: 1 },
        { index: 3, value: { kind: "B" }, line: 7 },
      ],
    },
    {
      name: "YAML 1.2 §9.2 streams: a trailing `---` opens one more, empty (null) document",
      text: "kind: A\n---\n",
      expected: [
        { index: 0, value: { kind: "A" }, line: 1 },
        { index: 1, value: null, line: 1 },
      ],
    },
    {
      name: "YAML 1.2 §9.2 streams: an empty file has no documents",
      text: "",
      expected: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = parseYaml(c.text, "multi.yaml", DEFAULT_LIMITS);
      assert.deepEqual(
        p.documents.map((d) => ({ index: d.index, value: d.value, line: d.position.line })),
        c.expected,
      );
    });
  }
});

describe("parseYaml: what sigs.k8s.io/yaml (go-yaml) makes of a manifest", () => {
  test("YAML merge key (go-yaml, sigs.k8s.io/yaml): `<<: *base` merges the anchored mapping, and explicit keys win", () => {
    const p = parseYaml(
      "base: &base\n  cpu: 100m\n  memory: 64Mi\nlimits:\n  <<: *base\n  memory: 128Mi\n",
      "m.yaml",
      DEFAULT_LIMITS,
    );
    assert.deepEqual(at(p, ["limits"]), { cpu: "100m", memory: "128Mi" });
  });

  test("YAML merge key (go-yaml, sigs.k8s.io/yaml): `<<: [*a, *b]` merges several mappings, the first one winning", () => {
    const p = parseYaml("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n", "m.yaml", DEFAULT_LIMITS);
    assert.deepEqual(at(p, ["c"]), { x: 1, y: 2, z: 3 });
  });

  const cases: { name: string; text: string; path: string[]; expected: unknown }[] = [
    {
      name: "sigs.k8s.io/yaml duplicate keys: the later value wins",
      text: "metadata:\n  name: first\n  name: second\n",
      path: ["metadata", "name"],
      expected: "second",
    },
    {
      name: "sigs.k8s.io/yaml duplicate keys: a later mapping replaces an earlier one whole",
      text: "labels:\n  a: 1\nlabels:\n  b: 2\n",
      path: ["labels"],
      expected: { b: 2 },
    },
    {
      name: "YAML 1.2 core schema: creationTimestamp stays a string, as in JSON",
      text: "creationTimestamp: 2024-03-01T12:00:00Z\n",
      path: ["creationTimestamp"],
      expected: "2024-03-01T12:00:00Z",
    },
    {
      name: "YAML 1.2 core schema: a bare date stays a string",
      text: "date: 2024-03-01\n",
      path: ["date"],
      expected: "2024-03-01",
    },
    {
      name: 'YAML 1.2 core schema: quoted numbers stay strings (replicas: "2")',
      text: 'replicas: "2"\n',
      path: ["replicas"],
      expected: "2",
    },
    {
      name: "YAML 1.2 core schema: unquoted integers are numbers",
      text: "replicas: 3\n",
      path: ["replicas"],
      expected: 3,
    },
    { name: "YAML 1.2 core schema: `null` and `~` are null", text: "a: null\n", path: ["a"], expected: null },
    {
      name: "YAML 1.2 §7.1 aliases: an alias refers to the anchored value",
      text: "a: &x {k: v}\nb: *x\n",
      path: ["b"],
      expected: { k: "v" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = parseYaml(c.text, "k.yaml", DEFAULT_LIMITS);
      assert.deepEqual(at(p, c.path), c.expected);
    });
  }
});

describe("parseYaml: syntax errors are InputErrors located at file:line:col", () => {
  const cases: { name: string; text: string; line: number; col: number; reason: RegExp }[] = [
    {
      name: "YAML 1.2 §8.2.2: a key indented less than its siblings is bad indentation",
      text: "a:\n  b: 1\n c: 2\n",
      line: 3,
      col: 2,
      reason: /bad indentation of a mapping entry/,
    },
    {
      name: "YAML 1.2 §6.1: tabs must not be used for indentation",
      text: "a:\n\tb: 1\n",
      line: 2,
      col: 1,
      reason: /tab characters must not be used in indentation/,
    },
    {
      name: "YAML 1.2 §8.2.2: a mapping key after a sequence at the same indentation",
      text: "a:\n  - b\n  c: d\n",
      line: 3,
      col: 3,
      reason: /bad indentation of a mapping entry/,
    },
    {
      name: "YAML 1.2 §7.4: an unclosed flow sequence is reported where the stream ends",
      text: "a: 1\n---\nb: [\n",
      line: 4,
      col: 1,
      reason: /unexpected end of the stream within a flow collection/,
    },
    {
      name: "YAML 1.2 §7.3.1: an unterminated double-quoted scalar is reported where the stream ends",
      text: 'a: "unterminated\n',
      line: 2,
      col: 1,
      reason: /unexpected end of the stream within a double quoted scalar/,
    },
    {
      name: "YAML 1.2 §7.1: an alias to an undefined anchor",
      text: "a: *missing\n",
      line: 1,
      col: 12,
      reason: /unidentified alias "missing"/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const error = inputError(() => parseYaml(c.text, "bad.yaml", DEFAULT_LIMITS));
      assert.equal(error.file, "bad.yaml");
      assert.equal(error.line, c.line);
      assert.equal(error.col, c.col);
      assert.match(error.message, new RegExp(`^bad\\.yaml:${c.line}:${c.col}: YAML syntax error: `));
      assert.match(error.message, c.reason);
      assert.equal(error.message, `bad.yaml:${c.line}:${c.col}: ${error.detail}`);
    });
  }
});

describe("parseYaml: hostile input is refused quickly", () => {
  test("billion laughs: ten levels of nine aliases each are refused as an alias bomb, fast", () => {
    const names = "abcdefghij";
    let text = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
    for (let i = 1; i < names.length; i++) {
      const name = names[i]!;
      const previous = names[i - 1]!;
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]\n`;
    }
    const started = Date.now();
    const error = inputError(() => parseYaml(text, "bomb.yaml", DEFAULT_LIMITS));
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
    assert.match(error.message, /alias bomb/);
    assert.match(error.message, /^bomb\.yaml:\d+:\d+: /);
    assert.equal(error.file, "bomb.yaml");
  });

  test("aliases used as intended (a few levels of reuse) are expanded, not refused", () => {
    const p = parseYaml("a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "ok.yaml", DEFAULT_LIMITS);
    assert.deepEqual(at(p, ["c", 2, 1]), [1, 2, 3]);
  });

  const recursive: { name: string; text: string; line: number }[] = [
    {
      name: "YAML 1.2 §7.1: a sequence that contains its own alias is a recursive structure",
      text: "a: &a [*a]\n",
      line: 1,
    },
    {
      name: "YAML 1.2 §7.1: a mapping that contains its own alias is a recursive structure",
      text: "x: 1\na: &a\n  b: *a\n",
      line: 3,
    },
  ];
  for (const c of recursive) {
    test(c.name, () => {
      const error = inputError(() => parseYaml(c.text, "loop.yaml", DEFAULT_LIMITS));
      assert.match(error.detail, /YAML alias refers to itself/);
      assert.equal(error.file, "loop.yaml");
      assert.equal(error.line, c.line);
    });
  }

  // The same shapes at the limit and one past it. parseJson accepts 100 levels of objects and
  // arrays (scalars are not levels) and refuses 101; YAML, a superset of JSON, must agree.
  const shapes: { name: string; text: (depth: number) => string; json: boolean; todo?: string }[] = [
    { name: "nested flow sequences ([[[…]]])", text: nested, json: true },
    { name: "block mappings with a scalar leaf (`k:` indented under `k:` …)", text: blockMapping, json: false },
    {
      name: "block sequences with a scalar leaf (`-` indented under `-` …)",
      text: blockSequence,
      json: false,
    },
    {
      name: 'JSON-style flow mappings ending in a scalar ({"k": {"k": "v"}})',
      text: jsonObjects,
      json: true,
    },
  ];
  for (const shape of shapes) {
    test(
      `nesting limit: ${DEFAULT_LIMITS.maxDepth} levels of ${shape.name} are accepted, as in JSON`,
      shape.todo ? { todo: shape.todo } : {},
      () => {
        const text = shape.text(DEFAULT_LIMITS.maxDepth);
        if (shape.json) assert.equal(parseJson(text, "deep.json", DEFAULT_LIMITS).documents.length, 1);
        assert.equal(parseYaml(text, "deep.yaml", DEFAULT_LIMITS).documents.length, 1);
      },
    );
    test(`nesting limit: ${DEFAULT_LIMITS.maxDepth + 1} levels of ${shape.name} are refused`, () => {
      const text = shape.text(DEFAULT_LIMITS.maxDepth + 1);
      const error = inputError(() => parseYaml(text, "deep.yaml", DEFAULT_LIMITS));
      assert.equal(error.detail, "YAML nesting deeper than 100 levels");
      assert.equal(error.file, "deep.yaml");
      if (shape.json)
        assert.match(
          inputError(() => parseJson(text, "deep.json", DEFAULT_LIMITS)).detail,
          /nesting deeper than 100 levels/,
        );
    });
  }

  test("nesting limit: the error is located in the document (flow sequences: line 1)", () => {
    const error = inputError(() => parseYaml(nested(DEFAULT_LIMITS.maxDepth + 1), "deep.yaml", DEFAULT_LIMITS));
    assert.equal(error.line, 1);
    assert.match(error.message, /^deep\.yaml:1:\d+: YAML nesting deeper than 100 levels$/);
  });

  test("nesting limit: 99 levels of block mappings are accepted", () => {
    const p = parseYaml(blockMapping(99), "deep.yaml", DEFAULT_LIMITS);
    let value: unknown = p.documents[0]?.value;
    let depth = 0;
    while (value !== null && typeof value === "object") {
      value = (value as Record<string, unknown>)["k"];
      depth++;
    }
    assert.equal(depth, 99);
    assert.equal(value, "leaf");
  });
});
