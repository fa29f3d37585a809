import { test } from "node:test";
import assert from "node:assert/strict";
import { excerptFor, MAX_EXCERPT_CHARS } from "./excerpt.js";

const req = (messages: unknown[]): string => JSON.stringify({ model: "m", messages });

test("an input excerpt is the newest text of that source, as the request guard assigns sources", () => {
  const body = req([
    { role: "system", content: "you are helpful" },
    { role: "user", content: "first question" },
    { role: "assistant", content: "an answer" },
    { role: "user", content: "second question" },
    { role: "user", content: "a retrieved page", keel_source: "document" },
    { role: "tool", tool_call_id: "c1", content: "tool output" },
    { role: "user", content: [{ type: "text", text: "part one" }, { type: "text", text: "marked part", keel_source: "tool_result" }] },
  ]);
  assert.equal(excerptFor("user", body, null), "part one");
  assert.equal(excerptFor("document", body, null), "a retrieved page");
  assert.equal(excerptFor("tool_result", body, null), "marked part");
});

test("an output excerpt is the first choice's answer; nothing stored means no excerpt", () => {
  const res = JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "the answer" } }, { index: 1, message: { content: "other" } }] });
  assert.equal(excerptFor("output", null, res), "the answer");
  assert.equal(excerptFor("output", req([{ role: "user", content: "q" }]), null), null);
  assert.equal(excerptFor("user", null, res), null);
  assert.equal(excerptFor("document", req([{ role: "user", content: "q" }]), null), null);
  assert.equal(excerptFor("output", null, JSON.stringify({ choices: [{ message: { content: null, tool_calls: [] } }] })), null);
});

test("a body cut by max_body_chars is not JSON and gives no excerpt; long texts are cut to 500 characters", () => {
  assert.equal(excerptFor("user", `${req([{ role: "user", content: "x".repeat(100) }]).slice(0, 40)}…[truncated 90 chars]`, null), null);
  const long = excerptFor("user", req([{ role: "user", content: "y".repeat(2000) }]), null)!;
  assert.equal(long.length, MAX_EXCERPT_CHARS);
  assert.ok(long.endsWith("…"));
  assert.equal(excerptFor("user", req([{ role: "user", content: "z".repeat(500) }]), null), "z".repeat(500));
});
