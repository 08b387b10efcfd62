/**
 * Where a field or a list item is written (ParsedFile.fieldPosition), found on demand from its
 * container's recorded position: what a warning about a bad value cites. Table tests named
 * after the YAML 1.2.2 and RFC 8259 rules each case leans on; and where scalar documents of a
 * multi-document YAML file start (YAML 1.2.2 §9.2 document markers).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_LIMITS } from "../../../src/load/limits.js";
import { parseJson } from "../../../src/load/parse-json.js";
import { parseYaml } from "../../../src/load/parse-yaml.js";
import type { ParsedFile, Position } from "../../../src/load/parsed.js";

type Path = readonly (string | number)[];

/** The value at `path` below the first document, and the position of its last step in its container. */
function locate(parsed: ParsedFile, path: Path, doc = 0): Position | undefined {
  let container = parsed.documents[doc]!.value as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) container = container[step] as Record<string | number, unknown>;
  return parsed.fieldPosition?.(container, path[path.length - 1]!);
}

const yaml = (text: string) => parseYaml(text, "t.yaml", DEFAULT_LIMITS);

describe("parseYaml: fieldPosition", () => {
  const kubectl = [
    "apiVersion: v1", // 1
    "kind: Service", // 2
    "metadata:", // 3
    "  name: web", // 4
    "  # a comment in the column of the keys", // 5
    "", // 6
    "  namespace: shop", // 7
    "spec:", // 8
    "  ports:", // 9
    "  - name: http", // 10
    "    port: 80", // 11
    "    targetPort: 8080", // 12
    "  - name: https", // 13
    "    port: 70000", // 14
    "  selector:", // 15
    "    app: web", // 16
    "  externalIPs:", // 17
    "  - 10.0.0.1", // 18
    "  -   10.0.0.2", // 19
    "  description: |", // 20
    "    ports:", // 21
    "    selector: in a block scalar", // 22
    "  type: NodePort", // 23
    "",
  ].join("\n");
  const cases: { name: string; text: string; path: Path; expected: Position | undefined }[] = [
    { name: "§8.2.2 block mapping: a top-level key", text: kubectl, path: ["spec"], expected: { line: 8, col: 1 } },
    {
      name: "§8.2.2 block mapping: a key after a comment and a blank line in its column",
      text: kubectl,
      path: ["metadata", "namespace"],
      expected: { line: 7, col: 3 },
    },
    {
      name: "§8.2.1 compact block sequence (kubectl's `- ` in the parent's column): a key of the second item",
      text: kubectl,
      path: ["spec", "ports", 1, "port"],
      expected: { line: 14, col: 5 },
    },
    {
      name: "§8.2.2: the key after a compact sequence, in the same column as its dashes",
      text: kubectl,
      path: ["spec", "selector"],
      expected: { line: 15, col: 3 },
    },
    {
      name: "§8.2.2: a key after a block scalar whose text looks like keys",
      text: kubectl,
      path: ["spec", "type"],
      expected: { line: 23, col: 3 },
    },
    {
      name: "§8.2.1 block sequence: a scalar item, at its content",
      text: kubectl,
      path: ["spec", "externalIPs", 1],
      expected: { line: 19, col: 7 },
    },
    {
      name: "§8.2.1 block sequence: an item past the end is not found",
      text: kubectl,
      path: ["spec", "externalIPs", 2],
      expected: undefined,
    },
    {
      name: "§8.2.2: a key the mapping does not hold is not found",
      text: kubectl,
      path: ["spec", "clusterIP"],
      expected: undefined,
    },
    {
      name: "§7.3 quoted keys: \"key\" and 'key'",
      text: "a: 1\n\"b\": 2\n'c': 3\n",
      path: ["c"],
      expected: { line: 3, col: 1 },
    },
    {
      name: "§3.2.1.3 a repeated key: the last one, as the parse keeps it (sigs.k8s.io/yaml)",
      text: "a: 1\nb: 2\na: 3\n",
      path: ["a"],
      expected: { line: 3, col: 1 },
    },
    {
      name: "§7.4.2 flow mapping: a key",
      text: "spec: {ports: [{port: 80}], type: 'NodePort'}\n",
      path: ["spec", "type"],
      expected: { line: 1, col: 29 },
    },
    {
      name: "§7.4.2 flow mapping: a JSON-like key without a blank after the colon",
      text: 'spec: {"a":1, "b":2}\n',
      path: ["spec", "b"],
      expected: { line: 1, col: 15 },
    },
    {
      name: "§7.4.1 flow sequence over several lines: an item, quoted commas skipped",
      text: "ips: ['a,b',\n  \"c\",\n  d]\n",
      path: ["ips", 2],
      expected: { line: 3, col: 3 },
    },
    {
      name: "§5.4 CRLF line breaks",
      text: "a: 1\r\nb:\r\n  c: 2\r\n  d: 3\r\n",
      path: ["b", "d"],
      expected: { line: 4, col: 3 },
    },
    {
      name: "§5.2 a byte order mark is not a column",
      text: "\ufeffa: 1\nb: 2\n",
      path: ["a"],
      expected: { line: 1, col: 1 },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(locate(yaml(c.text), c.path), c.expected));

  test("§9.2 multi-document: a field of the third document, at its own line", () => {
    const parsed = yaml("a: 1\n---\nb: 2\n---\n# c\nc:\n  d: 4\n");
    assert.deepEqual(locate(parsed, ["c", "d"], 2), { line: 7, col: 3 });
  });
});

describe("parseYaml: where each document starts, for a document that is a bare scalar", () => {
  const cases: { name: string; text: string; expected: Position[] }[] = [
    {
      name: "§9.2 a first document without a marker, then markers",
      text: "# header\nfirst\n---\nsecond\n--- third\n",
      expected: [
        { line: 2, col: 1 },
        { line: 4, col: 1 },
        { line: 5, col: 5 },
      ],
    },
    {
      name: "§9.2 a directive and a marker before the first document",
      text: '%YAML 1.2\n---\n"one"\n---\n# two\n  2\n',
      expected: [
        { line: 3, col: 1 },
        { line: 6, col: 3 },
      ],
    },
    {
      name: "§9.1.4 a document end marker, then a bare document",
      text: "one\n...\ntwo\n",
      expected: [
        { line: 1, col: 1 },
        { line: 3, col: 1 },
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () =>
      assert.deepEqual(
        yaml(c.text).documents.map((d) => d.position),
        c.expected,
      ),
    );
  }
});

describe("parseJson: fieldPosition", () => {
  const pretty = JSON.stringify(
    { SecurityGroups: [{ GroupId: "sg-1", IpPermissions: [{ FromPort: 8080, ToPort: 80, IpRanges: ["a", "b"] }] }] },
    null,
    4,
  );
  const cases: { name: string; text: string; path: Path; expected: Position | undefined }[] = [
    {
      name: "RFC 8259 §4 object: a member, at its name's quote",
      text: pretty,
      path: ["SecurityGroups", 0, "IpPermissions", 0, "ToPort"],
      expected: { line: 8, col: 21 },
    },
    {
      name: "RFC 8259 §5 array: a scalar element",
      text: pretty,
      path: ["SecurityGroups", 0, "IpPermissions", 0, "IpRanges", 1],
      expected: { line: 11, col: 25 },
    },
    {
      name: "RFC 8259 §4: a member after a nested value is found past it",
      text: '{"a": {"b": [1, {"c": "}"}]}, "d": 2}',
      path: ["d"],
      expected: { line: 1, col: 31 },
    },
    {
      name: "RFC 8259 §7: a name written with escapes matches its decoded form",
      text: '{"x": 1, "a\\u0062": 2}',
      path: ["ab"],
      expected: { line: 1, col: 10 },
    },
    {
      name: "RFC 8259 §4: a repeated name: the last one, as JSON.parse keeps it",
      text: '{"a": 1,\n "a": 2}',
      path: ["a"],
      expected: { line: 2, col: 2 },
    },
    {
      name: "RFC 8259 §4: a name the object does not hold is not found",
      text: '{"a": 1}',
      path: ["b"],
      expected: undefined,
    },
  ];
  for (const c of cases)
    test(c.name, () => assert.deepEqual(locate(parseJson(c.text, "t.json", DEFAULT_LIMITS), c.path), c.expected));

  test("lazy positions (a large file): fieldPosition of a container recorded on demand", () => {
    const parsed = parseJson(pretty, "t.json", { ...DEFAULT_LIMITS, lazyPositionsFromBytes: 0 });
    const group = (parsed.documents[0]!.value as { SecurityGroups: { IpPermissions: object[] }[] }).SecurityGroups[0]!;
    const rule = group.IpPermissions[0]!;
    assert.equal(parsed.fieldPosition?.(rule, "ToPort"), undefined, "not recorded yet");
    assert.deepEqual(parsed.resolve?.(group, rule), { line: 6, col: 17 });
    assert.deepEqual(parsed.fieldPosition?.(rule, "ToPort"), { line: 8, col: 21 });
  });
});
