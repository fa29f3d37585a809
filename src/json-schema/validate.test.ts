import { test } from "node:test";
import assert from "node:assert/strict";
import { validateJson } from "./validate.js";
import { linearPattern } from "./linear-pattern.js";

test("a client's pattern is enforced on the linear-time engine", () => {
  const schema = { type: "object", properties: { sku: { type: "string", pattern: "^[A-Z]{3}-\\d{4}$" } } };
  assert.deepEqual(validateJson({ sku: "ABC-1234" }, schema), []);
  assert.equal(validateJson({ sku: "abc-12" }, schema).length, 1);
});

test("a catastrophic pattern from a client cannot pin a core: it runs linear, and answers", () => {
  // ^(a+)+$ on 40 a's and a b takes ~2^40 steps on a backtracking engine (hours); here it returns.
  const schema = { type: "string", pattern: "^(a+)+$" };
  const errors = validateJson(`${"a".repeat(40)}b`, schema);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /pattern/);
});

test("a pattern that needs backtracking (backreference, lookbehind, \\p{…}) is not enforced rather than run", () => {
  assert.equal(linearPattern("(a)\\1"), null);
  assert.equal(linearPattern("(?<=x)a"), null);
  assert.equal(linearPattern("^\\p{L}+$"), null);
  assert.equal(linearPattern("x".repeat(1001)), null, "over 1000 characters");
  assert.deepEqual(validateJson("abab", { type: "string", pattern: "^(ab)\\1$" }), []);
});

test("the process-wide backstop: a backtracking blow-up in any linear-eligible regex falls back and returns", () => {
  const re = new RegExp("^(a+)+$");
  assert.equal(re.test(`${"a".repeat(40)}b`), false);
});
