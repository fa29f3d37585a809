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

test("a run far longer than any word is encoded in slices: it decodes back to itself, and prose counts are unchanged", async () => {
  const { decode, encode } = await import("./tokenizer.js");
  for (const text of ["x".repeat(200_000), "😀".repeat(5000), `${" ".repeat(3000)}word${"[{".repeat(2000)}`]) assert.equal(decode(encode(text)), text);
  const prose = "The quick brown fox jumps over the lazy dog. ".repeat(100);
  const lib = (await import("gpt-tokenizer")).encode(prose);
  assert.equal(countTextTokens(prose), lib.length, "text without long runs is encoded in one call, exactly");
});
