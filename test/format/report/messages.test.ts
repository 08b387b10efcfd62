/**
 * The report's message catalogs: one key per sentence template, the same keys in every language,
 * and no sentence that points at a document the reader does not have.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CATALOGS } from "../../../src/format/report/index.js";
import { REPORT_LANGUAGES } from "../../../src/questions/report.js";

test("every report language has a catalog with exactly the English keys", () => {
  assert.deepEqual(Object.keys(CATALOGS).sort(), [...REPORT_LANGUAGES].sort());
  const en = Object.keys(CATALOGS.en).sort();
  for (const lang of REPORT_LANGUAGES) {
    assert.deepEqual(Object.keys(CATALOGS[lang]).sort(), en, lang);
    for (const key of en) {
      const a = (CATALOGS.en as unknown as Record<string, unknown>)[key];
      const b = (CATALOGS[lang] as unknown as Record<string, unknown>)[key];
      assert.equal(typeof b, typeof a, `${lang}.${key}`);
    }
  }
});

test("the Korean catalog is Korean, not English copied over (every sentence differs)", () => {
  const same = Object.keys(CATALOGS.en).filter((k) => {
    const a = (CATALOGS.en as unknown as Record<string, unknown>)[k];
    const b = (CATALOGS.ko as unknown as Record<string, unknown>)[k];
    return typeof a === "string" && a === b && /[a-z]{4}/.test(a);
  });
  assert.deepEqual(same, []);
});

test("no sentence mentions a document the reader does not have (the seed, PRODUCT.md, issue numbers)", () => {
  for (const lang of REPORT_LANGUAGES) {
    for (const [key, value] of Object.entries(CATALOGS[lang])) {
      const text = typeof value === "string" ? value : String(value);
      assert.doesNotMatch(text, /seed|PRODUCT\.md|issue #?\d/i, `${lang}.${key}`);
    }
  }
});
