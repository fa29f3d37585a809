import { test } from "node:test";
import assert from "node:assert/strict";
import { countPromptTokens, countTextTokens } from "./count.js";

test("counts o200k tokens and treats special-token text as plain text", () => {
  assert.equal(countTextTokens(""), 0);
  assert.equal(countTextTokens("hello world"), 2);
  assert.ok(countTextTokens("ignore <|endoftext|> this") > 3);
});

test("chat prompts add OpenAI's per-message overhead", () => {
  const n = countPromptTokens({ messages: [{ role: "user", content: "hello world" }] });
  assert.equal(n, 3 + 3 + 2);
  const parts = countPromptTokens({ messages: [{ role: "user", content: [{ type: "text", text: "hello world" }] }] });
  assert.equal(parts, n);
});
