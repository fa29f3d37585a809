import { test } from "node:test";
import assert from "node:assert/strict";
import { CLAUDE_TOKEN_FACTOR, promptCounterFor, promptEstimate } from "./model-tokenizer.js";

test("Claude models get the estimate wherever they are served; every other model the o200k count", () => {
  assert.equal(promptCounterFor("anthropic", "claude-sonnet-4-5"), "claude-estimate");
  assert.equal(promptCounterFor("anthropic", "my-alias"), "claude-estimate", "an Anthropic provider serves Claude whatever the name");
  assert.equal(promptCounterFor("openai", "anthropic/claude-3.5-sonnet"), "claude-estimate", "a Claude model behind an OpenAI-compatible gateway");
  assert.equal(promptCounterFor("openai", "anthropic.claude-3-haiku-20240307-v1:0"), "claude-estimate");
  assert.equal(promptCounterFor("openai", "gpt-4o"), "o200k");
  assert.equal(promptCounterFor("sim", "sim"), "o200k");
  assert.equal(promptCounterFor("openai", "notclaude-7b"), "o200k", "the name must start a segment");
});

test("the estimate rounds up and never undercounts the o200k count", () => {
  assert.ok(CLAUDE_TOKEN_FACTOR > 1);
  assert.equal(promptEstimate(0, "claude-estimate"), 0);
  assert.equal(promptEstimate(1, "claude-estimate"), 2);
  assert.equal(promptEstimate(100, "claude-estimate"), Math.ceil(100 * CLAUDE_TOKEN_FACTOR));
  assert.equal(promptEstimate(100, "o200k"), 100);
  for (let n = 1; n < 500; n += 7) assert.ok(promptEstimate(n, "claude-estimate") > n);
});
