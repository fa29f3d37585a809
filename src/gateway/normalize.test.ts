import { test } from "node:test";
import assert from "node:assert/strict";
import { stripKeelFields } from "./normalize.js";

test("a body without Keel fields comes back as the same object: nothing copied", () => {
  const body = { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], metadata: { keel: "x" } };
  assert.equal(stripKeelFields(body), body);
});

test("prompt and keel_* go at every level; the client's object is left untouched", () => {
  const body = {
    model: "m", prompt: { name: "p" }, keel_x: 1, keelish: true,
    messages: [
      { role: "user", content: "a", keel_source: "document" },
      { role: "user", content: [{ type: "text", text: "b", keel_source: "tool_result" }, { type: "image_url", image_url: { url: "u" } }] },
      { role: "assistant", content: "c" },
    ],
  };
  const before = JSON.stringify(body);
  const out = stripKeelFields(body);
  assert.deepEqual(out, {
    model: "m", keelish: true,
    messages: [
      { role: "user", content: "a" },
      { role: "user", content: [{ type: "text", text: "b" }, { type: "image_url", image_url: { url: "u" } }] },
      { role: "assistant", content: "c" },
    ],
  });
  assert.equal(JSON.stringify(body), before, "the input is not mutated");
  assert.equal(out.messages[2], body.messages[2], "untouched messages are shared, not copied");
});

test("odd shapes pass through: null messages, non-object entries", () => {
  const body = { model: "m", messages: [null, "x", 3] };
  assert.equal(stripKeelFields(body), body);
});
