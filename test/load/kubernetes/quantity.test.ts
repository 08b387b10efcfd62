import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseQuantity, toModelUnits } from "../../../src/load/kubernetes/quantity.js";

/**
 * k8s.io/apimachinery/pkg/api/resource: a quantity is `<signedNumber><suffix>`, the suffix a
 * binary SI one (Ki…Ei), a decimal SI one (n u m "" k M G T P E) or a decimal exponent (e3, E3).
 * The scheduler reads cpu with MilliValue() and everything else with Value(); both round up.
 */
describe("apimachinery quantity: parsing", () => {
  const cases: { name: string; input: string | number; base: number }[] = [
    { name: "apimachinery quantity: 100m is 0.1", input: "100m", base: 0.1 },
    { name: "apimachinery quantity: 250m is 0.25", input: "250m", base: 0.25 },
    { name: "apimachinery quantity: 0.5 is a plain decimal", input: "0.5", base: 0.5 },
    { name: "apimachinery quantity: 1 is one", input: "1", base: 1 },
    { name: "apimachinery quantity: a YAML number (cpu: 2) is a quantity", input: 2, base: 2 },
    { name: "apimachinery quantity: a YAML float (cpu: 0.5) is a quantity", input: 0.5, base: 0.5 },
    { name: 'apimachinery quantity: "2" quoted is two', input: "2", base: 2 },
    { name: "apimachinery quantity: 1.5 keeps its fraction", input: "1.5", base: 1.5 },
    { name: "apimachinery quantity: Ki is 2^10", input: "1Ki", base: 1024 },
    { name: "apimachinery quantity: Mi is 2^20 (128Mi)", input: "128Mi", base: 134217728 },
    { name: "apimachinery quantity: Gi is 2^30", input: "1Gi", base: 1073741824 },
    { name: "apimachinery quantity: G is 10^9", input: "1G", base: 1e9 },
    { name: "apimachinery quantity: k is 10^3 (lower case)", input: "1k", base: 1000 },
    { name: "apimachinery quantity: a decimal exponent 1e3 is 1000", input: "1e3", base: 1000 },
    {
      name: "apimachinery quantity: an upper-case exponent 1E3 is 1000 (E followed by digits is an exponent, not exa)",
      input: "1E3",
      base: 1000,
    },
    { name: "apimachinery quantity: a negative exponent 5e-1 is 0.5", input: "5e-1", base: 0.5 },
    { name: "apimachinery quantity: a fraction with an exponent 1.5e3 is 1500", input: "1.5e3", base: 1500 },
    { name: "apimachinery quantity: a leading dot .5 is 0.5", input: ".5", base: 0.5 },
    { name: "apimachinery quantity: a leading plus sign is allowed", input: "+1", base: 1 },
    {
      name: "apimachinery quantity: surrounding blanks are trimmed, as Quantity.UnmarshalJSON does",
      input: " 1Ki ",
      base: 1024,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const value = parseQuantity(c.input);
      assert.ok(value !== undefined, `${JSON.stringify(c.input)} did not parse`);
      assert.ok(Math.abs(value - c.base) <= Math.abs(c.base) * 1e-12, `${value} != ${c.base}`);
    });
  }

  const invalid: { name: string; input: string }[] = [
    { name: 'apimachinery quantity: letters are not a number ("abc")', input: "abc" },
    { name: 'apimachinery quantity: two decimal points ("1.2.3")', input: "1.2.3" },
    { name: 'apimachinery quantity: a blank between number and suffix ("10 Mi")', input: "10 Mi" },
    { name: "apimachinery quantity: K is not a suffix (only k)", input: "1K" },
    { name: "apimachinery quantity: ki is not a suffix (only Ki)", input: "1ki" },
    { name: 'apimachinery quantity: an exponent needs digits ("1e")', input: "1e" },
    { name: "apimachinery quantity: hexadecimal is not a quantity", input: "0x10" },
    { name: "apimachinery quantity: the empty string is not a quantity", input: "" },
    { name: 'apimachinery quantity: nothing may follow the suffix ("1Mi1")', input: "1Mi1" },
  ];
  for (const c of invalid) {
    test(c.name, () => {
      assert.equal(parseQuantity(c.input), undefined);
    });
  }

  test("apimachinery quantity: a non-finite YAML number (.inf) is not a quantity", () => {
    assert.equal(parseQuantity(Number.POSITIVE_INFINITY), undefined);
    assert.equal(parseQuantity(Number.NaN), undefined);
  });
});

describe("apimachinery quantity: model units (cpu in millicores, the rest in base units, rounded up)", () => {
  const cases: { name: string; resource: string; input: string | number; expected: number; todo?: string }[] = [
    { name: "apimachinery quantity: 100m cpu is 100 millicores", resource: "cpu", input: "100m", expected: 100 },
    { name: "apimachinery quantity: 250m cpu is 250 millicores", resource: "cpu", input: "250m", expected: 250 },
    { name: "apimachinery quantity: 0.5 cpu is 500 millicores", resource: "cpu", input: "0.5", expected: 500 },
    { name: "apimachinery quantity: 1 cpu is 1000 millicores", resource: "cpu", input: "1", expected: 1000 },
    { name: 'apimachinery quantity: "2" cpu is 2000 millicores', resource: "cpu", input: "2", expected: 2000 },
    { name: "apimachinery quantity: 1.5 cpu is 1500 millicores", resource: "cpu", input: "1.5", expected: 1500 },
    {
      name: "apimachinery quantity: 1e3 cpu is 1,000,000 millicores",
      resource: "cpu",
      input: "1e3",
      expected: 1_000_000,
    },
    {
      name: "apimachinery quantity: 0.1 cpu is exactly 100 millicores (no float noise)",
      resource: "cpu",
      input: "0.1",
      expected: 100,
    },
    {
      name: "apimachinery quantity: 0.3 cpu is exactly 300 millicores (no float noise)",
      resource: "cpu",
      input: "0.3",
      expected: 300,
    },
    {
      name: "apimachinery quantity: MilliValue() rounds 0.0001 cpu up to 1m",
      resource: "cpu",
      input: "0.0001",
      expected: 1,
    },
    { name: "apimachinery quantity: MilliValue() rounds 1u cpu up to 1m", resource: "cpu", input: "1u", expected: 1 },
    {
      name: "apimachinery quantity: MilliValue() rounds 100n cpu up to 1m",
      resource: "cpu",
      input: "100n",
      expected: 1,
    },
    {
      name: "apimachinery quantity: MilliValue() rounds 1500u cpu up to 2m",
      resource: "cpu",
      input: "1500u",
      expected: 2,
    },
    {
      name: "apimachinery quantity: MilliValue() rounds 1e-12 cpu up to 1m",
      resource: "cpu",
      input: "1e-12",
      expected: 1,
    },
    {
      name: "apimachinery quantity: 128Mi memory is 134217728 bytes",
      resource: "memory",
      input: "128Mi",
      expected: 134217728,
    },
    {
      name: "apimachinery quantity: 1Gi memory is 1073741824 bytes",
      resource: "memory",
      input: "1Gi",
      expected: 1073741824,
    },
    {
      name: "apimachinery quantity: 1G memory is 10^9 bytes",
      resource: "memory",
      input: "1G",
      expected: 1_000_000_000,
    },
    { name: "apimachinery quantity: 1Ki memory is 1024 bytes", resource: "memory", input: "1Ki", expected: 1024 },
    { name: "apimachinery quantity: 1e3 memory is 1000 bytes", resource: "memory", input: "1e3", expected: 1000 },
    { name: "apimachinery quantity: Value() rounds 1.5 bytes up to 2", resource: "memory", input: "1.5", expected: 2 },
    {
      name: "apimachinery quantity: Value() rounds 100m of memory up to 1 byte",
      resource: "memory",
      input: "100m",
      expected: 1,
    },
    {
      name: "apimachinery quantity: Value() rounds 0.1Gi up to 107374183 bytes",
      resource: "memory",
      input: "0.1Gi",
      expected: 107374183,
    },
    {
      name: "apimachinery quantity: Value() rounds 1n of memory up to 1 byte",
      resource: "memory",
      input: "1n",
      expected: 1,
    },
    { name: "apimachinery quantity: counts (pods: 110) stay units", resource: "pods", input: "110", expected: 110 },
    {
      name: "apimachinery quantity: extended resources (nvidia.com/gpu: 1) stay units",
      resource: "nvidia.com/gpu",
      input: 1,
      expected: 1,
    },
    {
      name: "apimachinery quantity: ephemeral-storage 10Gi is bytes",
      resource: "ephemeral-storage",
      input: "10Gi",
      expected: 10737418240,
    },
  ];
  for (const c of cases) {
    test(c.name, c.todo ? { todo: c.todo } : {}, () => {
      const base = parseQuantity(c.input);
      assert.ok(base !== undefined, `${JSON.stringify(c.input)} did not parse`);
      assert.equal(toModelUnits(c.resource, base), c.expected);
    });
  }
});
