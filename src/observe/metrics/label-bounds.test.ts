import assert from "node:assert/strict";
import { test } from "node:test";
import { BoundedLabel, labelBoundSchema } from "./label-bounds.js";

test("allow-listed values always pass; the first top_n others are admitted; the rest are 'other'", () => {
  const b = new BoundedLabel(labelBoundSchema.parse({ allow: ["vip"], top_n: 2 }));
  assert.equal(b.map("a"), "a");
  assert.equal(b.map("b"), "b");
  assert.equal(b.map("c"), "other");
  assert.equal(b.map("a"), "a", "an admitted value keeps its series");
  assert.equal(b.map("vip"), "vip", "allow-list does not use a slot");
  assert.equal(b.map(null), "none");
  assert.equal(b.map(""), "none");
  assert.equal(b.map("x".repeat(500)), "other");
});

test("top_n 0 with no allow-list folds every value into 'other'", () => {
  const b = new BoundedLabel(labelBoundSchema.parse({ top_n: 0 }));
  for (let i = 0; i < 100; i++) assert.equal(b.map(`k${i}`), "other");
  assert.equal(b.distinct, 0);
});
