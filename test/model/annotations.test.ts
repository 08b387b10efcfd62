/**
 * The one annotation parser (src/model/annotations.ts), table by table after
 * kubernetes-sigs/aws-load-balancer-controller v2.9.2 pkg/annotations/parser.go: each `describe`
 * names the upstream function; failures assert the typed error (code and fields), and the
 * controller's wording once, through annotationErrorMessage.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ALB_ANNOTATIONS,
  ALB_PREFIX,
  annotationErrorMessage,
  splitCommaSeparatedString,
  type AnnotationError,
  type Parsed,
} from "../../src/model/annotations.js";

const K = (suffix: string) => ALB_PREFIX + suffix;

interface Case<T> {
  readonly name: string;
  /** the annotation's value; undefined: absent */
  readonly raw: string | undefined;
  readonly expected: Parsed<T>;
}

function table<T>(
  parse: (annotations: Record<string, string>) => Parsed<T>,
  suffix: string,
  cases: readonly Case<T>[],
): void {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(parse(c.raw === undefined ? {} : { [K(suffix)]: c.raw }), c.expected));
  }
}

const fails = (error: AnnotationError) => ({ ok: false, error }) as const;

describe("ParseStringAnnotation (aws-load-balancer-controller pkg/annotations/parser.go)", () => {
  test("found by prefix + suffix", () =>
    assert.equal(ALB_ANNOTATIONS.parseStringAnnotation("scheme", { [K("scheme")]: "internal" }), "internal"));
  test("absent: undefined", () =>
    assert.equal(ALB_ANNOTATIONS.parseStringAnnotation("scheme", { scheme: "internal" }), undefined));
  test("empty is a value", () =>
    assert.equal(ALB_ANNOTATIONS.parseStringAnnotation("scheme", { [K("scheme")]: "" }), ""));
});

describe("ParseStringSliceAnnotation / splitCommaSeparatedString (aws-load-balancer-controller pkg/annotations/parser.go)", () => {
  const cases: { name: string; raw: string | undefined; expected: string[] | undefined }[] = [
    {
      name: "comma separated, trimmed",
      raw: "subnet-a, subnet-b ,subnet-c",
      expected: ["subnet-a", "subnet-b", "subnet-c"],
    },
    { name: "empty items dropped", raw: "a,, ,b,", expected: ["a", "b"] },
    { name: "empty: no items", raw: "", expected: [] },
    { name: "absent: undefined", raw: undefined, expected: undefined },
  ];
  for (const c of cases)
    test(c.name, () =>
      assert.deepEqual(
        ALB_ANNOTATIONS.parseStringSliceAnnotation("subnets", c.raw === undefined ? {} : { [K("subnets")]: c.raw }),
        c.expected,
      ),
    );
  test("splitCommaSeparatedString of a value", () => assert.deepEqual(splitCommaSeparatedString(" x ,y"), ["x", "y"]));
});

describe("ParseInt32Annotation (aws-load-balancer-controller pkg/annotations/parser.go, strconv.ParseInt(raw, 10, 32))", () => {
  table((a) => ALB_ANNOTATIONS.parseInt32Annotation("group.order", a), "group.order", [
    { name: "valid", raw: "-10", expected: { ok: true, value: -10 } },
    { name: "a leading + is valid", raw: "+7", expected: { ok: true, value: 7 } },
    { name: "absent: undefined, no error", raw: undefined, expected: { ok: true, value: undefined } },
    {
      name: "empty: invalid syntax",
      raw: "",
      expected: fails({ code: "invalid-int32", key: K("group.order"), raw: "", reason: "invalid syntax" }),
    },
    {
      name: "wrong type (a word): invalid syntax",
      raw: "first",
      expected: fails({ code: "invalid-int32", key: K("group.order"), raw: "first", reason: "invalid syntax" }),
    },
    {
      name: "spaces are not trimmed: invalid syntax",
      raw: " 5",
      expected: fails({ code: "invalid-int32", key: K("group.order"), raw: " 5", reason: "invalid syntax" }),
    },
    {
      name: "beyond int32: value out of range",
      raw: "2147483648",
      expected: fails({
        code: "invalid-int32",
        key: K("group.order"),
        raw: "2147483648",
        reason: "value out of range",
      }),
    },
  ]);
  test("the controller's wording (errors.Wrapf over strconv's NumError)", () => {
    const r = ALB_ANNOTATIONS.parseInt32Annotation("group.order", { [K("group.order")]: "x1" });
    assert.ok(!r.ok);
    assert.equal(
      annotationErrorMessage(r.error),
      `failed to parse int32 annotation, ${K("group.order")}: x1: strconv.ParseInt: parsing "x1": invalid syntax`,
    );
  });
});

describe("ParseBoolAnnotation (aws-load-balancer-controller pkg/annotations/parser.go, strconv.ParseBool)", () => {
  const s = "manage-backend-security-group-rules";
  table((a) => ALB_ANNOTATIONS.parseBoolAnnotation(s, a), s, [
    { name: "valid: true", raw: "true", expected: { ok: true, value: true } },
    { name: "valid: strconv's other spellings (T, 0)", raw: "T", expected: { ok: true, value: true } },
    { name: "valid: 0", raw: "0", expected: { ok: true, value: false } },
    { name: "absent: undefined, no error", raw: undefined, expected: { ok: true, value: undefined } },
    { name: "empty: invalid", raw: "", expected: fails({ code: "invalid-bool", key: K(s), raw: "" }) },
    { name: "wrong type: yes", raw: "yes", expected: fails({ code: "invalid-bool", key: K(s), raw: "yes" }) },
  ]);
  test("the controller's wording", () => {
    const r = ALB_ANNOTATIONS.parseBoolAnnotation(s, { [K(s)]: "yes" });
    assert.ok(!r.ok);
    assert.equal(
      annotationErrorMessage(r.error),
      `failed to parse bool annotation, ${K(s)}: yes: strconv.ParseBool: parsing "yes": invalid syntax`,
    );
  });
});

describe("ParseJSONAnnotation (aws-load-balancer-controller pkg/annotations/parser.go, json.Unmarshal)", () => {
  const cause = (raw: string): string => {
    try {
      JSON.parse(raw);
      return "";
    } catch (e) {
      return (e as Error).message;
    }
  };
  table((a) => ALB_ANNOTATIONS.parseJSONAnnotation("listen-ports", a), "listen-ports", [
    { name: "valid", raw: '[{"HTTP": 80}]', expected: { ok: true, value: [{ HTTP: 80 }] } },
    {
      name: "valid JSON of another shape is the caller's to decode (wrong type)",
      raw: '{"HTTP": 80}',
      expected: { ok: true, value: { HTTP: 80 } },
    },
    {
      name: "unknown keys are kept for the caller (encoding/json ignores them when decoding)",
      raw: '{"Type": "redirect", "Extra": 1}',
      expected: { ok: true, value: { Type: "redirect", Extra: 1 } },
    },
    { name: "absent: undefined, no error", raw: undefined, expected: { ok: true, value: undefined } },
    {
      name: "malformed JSON",
      raw: '[{"HTTP": 80}',
      expected: fails({
        code: "invalid-json",
        key: K("listen-ports"),
        raw: '[{"HTTP": 80}',
        cause: cause('[{"HTTP": 80}'),
      }),
    },
    {
      name: "empty: malformed JSON",
      raw: "",
      expected: fails({ code: "invalid-json", key: K("listen-ports"), raw: "", cause: cause("") }),
    },
  ]);
  test("the controller's wording", () => {
    const r = ALB_ANNOTATIONS.parseJSONAnnotation("actions.x", { [K("actions.x")]: "nope" });
    assert.ok(!r.ok);
    assert.equal(
      annotationErrorMessage(r.error),
      `failed to parse json annotation, ${K("actions.x")}: nope: ${cause("nope")}`,
    );
  });
});

describe("ParseStringMapAnnotation (aws-load-balancer-controller pkg/annotations/parser.go)", () => {
  const s = "target-node-labels";
  table((a) => ALB_ANNOTATIONS.parseStringMapAnnotation(s, a), s, [
    {
      name: "valid: comma separated key=value",
      raw: "role=web, zone = a",
      expected: { ok: true, value: { role: "web", zone: "a" } },
    },
    { name: "an empty value is kept", raw: "role=", expected: { ok: true, value: { role: "" } } },
    { name: "empty: an empty map", raw: "", expected: { ok: true, value: {} } },
    { name: "absent: undefined, no error", raw: undefined, expected: { ok: true, value: undefined } },
    { name: "an item without =", raw: "role", expected: fails({ code: "invalid-string-map", key: K(s), raw: "role" }) },
    { name: "an empty key", raw: "=web", expected: fails({ code: "invalid-string-map", key: K(s), raw: "=web" }) },
  ]);
  test("the controller's wording", () => {
    const r = ALB_ANNOTATIONS.parseStringMapAnnotation(s, { [K(s)]: "role" });
    assert.ok(!r.ok);
    assert.equal(annotationErrorMessage(r.error), `failed to parse stringMap annotation, ${K(s)}: role`);
  });
});
