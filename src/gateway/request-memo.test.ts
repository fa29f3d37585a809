import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatRequest, EmbeddingsRequest } from "../api/chat-types.js";
import { embeddingInputTokens } from "../limits/estimate.js";
import { countPromptTokens, messageText } from "../tokens/count.js";
import { CLAUDE_TOKEN_FACTOR } from "../tokens/model-tokenizer.js";
import { RequestMemo } from "./request-memo.js";

const chat = (): ChatRequest => ({
  model: "m",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", name: "ann", content: [{ type: "text", text: "What is " }, { type: "image_url", image_url: { url: "data:," } }, { type: "text", text: "a keel?" }] },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "look_up", arguments: "{\"q\":\"keel\"}" } }] },
  ],
  tools: [{ type: "function", function: { name: "look_up", parameters: { type: "object" } } }],
});

test("the chat prompt count is the one the rest of Keel uses, texts and tools included", () => {
  const body = chat();
  const memo = new RequestMemo({ endpoint: "chat", body });
  assert.equal(memo.promptTokens(), countPromptTokens(body));
  assert.deepEqual(memo.messageTexts(), body.messages.map(messageText));
});

test("a Claude model's count is the documented estimate over the same o200k count", () => {
  const body = chat();
  const o200k = countPromptTokens(body);
  assert.equal(new RequestMemo({ endpoint: "chat", body, promptCounter: "o200k" }).promptTokens(), o200k);
  assert.equal(new RequestMemo({ endpoint: "chat", body, promptCounter: "claude-estimate" }).promptTokens(), Math.ceil(o200k * CLAUDE_TOKEN_FACTOR));
});

test("counted once per request: every later reader gets the first count, even if the body changed since", () => {
  const body = chat();
  const memo = new RequestMemo({ endpoint: "chat", body });
  const first = memo.promptTokens();
  const texts = memo.messageTexts();
  body.messages.push({ role: "user", content: "a much longer follow-up question that would add tokens" });
  assert.equal(memo.promptTokens(), first);
  assert.equal(memo.messageTexts(), texts, "the same array, not recomputed");
  assert.notEqual(countPromptTokens(body), first, "the mutation would have changed a fresh count");
});

test("the body is read on first use, not when the memo is made: a context's body is set by a later stage", () => {
  const source: { endpoint: "chat"; body: ChatRequest | null } = { endpoint: "chat", body: null };
  const memo = new RequestMemo(source);
  source.body = chat();
  assert.equal(memo.promptTokens(), countPromptTokens(source.body));
});

test("embeddings: the input's tokens, strings counted and token arrays by length", () => {
  for (const input of ["one sentence to embed", ["first", "second one"], [1, 2, 3, 4], [[1, 2], [3]]] as EmbeddingsRequest["input"][]) {
    const memo = new RequestMemo({ endpoint: "embeddings", body: { model: "e", input } });
    assert.equal(memo.promptTokens(), embeddingInputTokens(input));
    assert.ok(memo.promptTokens() > 0);
  }
});

test("the count is a function the limiter and routing can hold as is: it needs no `this` of theirs", () => {
  const body = chat();
  const { promptTokens } = new RequestMemo({ endpoint: "chat", body });
  assert.equal(promptTokens(), countPromptTokens(body));
});
