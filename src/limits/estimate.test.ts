import { test } from "node:test";
import assert from "node:assert/strict";
import { countTextTokens } from "../tokens/count.js";
import { chatOutputBound, embeddingInputTokens, estimate } from "./estimate.js";

test("the completion bound: max_completion_tokens, else max_tokens, else the default; times n", () => {
  assert.equal(chatOutputBound({}, 4096), 4096);
  assert.equal(chatOutputBound({ max_tokens: 100 }, 4096), 100);
  assert.equal(chatOutputBound({ max_tokens: 100, max_completion_tokens: 50 }, 4096), 50);
  assert.equal(chatOutputBound({ max_tokens: null, n: 3 }, 10), 30);
});

test("embeddings input: strings counted, token arrays by length", () => {
  assert.equal(embeddingInputTokens("hello world"), countTextTokens("hello world"));
  assert.equal(embeddingInputTokens(["a b", "c"]), countTextTokens("a b") + countTextTokens("c"));
  assert.equal(embeddingInputTokens([1, 2, 3]), 3);
  assert.equal(embeddingInputTokens([[1, 2], [3]]), 3);
});

test("the cost estimate is an upper bound in whole nano-USD; no price costs nothing", () => {
  assert.deepEqual(estimate(1000, 500, { input: 2.5, output: 10 }), { promptTokens: 1000, outputTokens: 500, tokens: 1500, costNano: 7_500_000 });
  assert.equal(estimate(3, 0, { input: 0.02, output: 0 }).costNano, 60);
  assert.equal(estimate(1000, 1000, null).costNano, 0);
});
