import { test } from "node:test";
import assert from "node:assert/strict";
import { encode as encodeCl100k } from "gpt-tokenizer/encoding/cl100k_base";
import type { EmbeddingsRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { countTextTokens } from "../../tokens/count.js";
import { MAX_TOKENS_PER_INPUT, parseEmbeddingsRequest } from "./embeddings-input.js";

const limits = { maxInputs: 4, maxInputChars: 100, maxDimensions: 512 };
const parse = (body: Partial<EmbeddingsRequest>) => parseEmbeddingsRequest({ model: "m", input: "x", ...body } as EmbeddingsRequest, limits);

async function rejectsWith(body: Partial<EmbeddingsRequest>, param: string, message: RegExp): Promise<void> {
  await assert.rejects(parse(body), (err: unknown) => {
    assert.ok(err instanceof KeelError, String(err));
    assert.equal(err.code, "invalid_request");
    assert.equal(err.status, 400);
    assert.equal(err.param, param);
    assert.match(err.message, message);
    return true;
  });
}

test("a string or an array of strings, with prompt tokens counted by gpt-tokenizer", async () => {
  const one = await parse({ input: "hello world" });
  assert.deepEqual(one, { texts: ["hello world"], promptTokens: countTextTokens("hello world"), encoding: "float", dimensions: undefined });
  const many = await parse({ input: ["a cat", "a dog"], encoding_format: "base64", dimensions: 64 });
  assert.deepEqual(many.texts, ["a cat", "a dog"]);
  assert.equal(many.promptTokens, countTextTokens("a cat") + countTextTokens("a dog"));
  assert.equal(many.encoding, "base64");
  assert.equal(many.dimensions, 64);
  assert.equal((await parse({ input: "x", encoding_format: null as never, dimensions: null as never })).dimensions, undefined);
});

test("token arrays are decoded as cl100k_base, OpenAI's embedding tokenizer, and counted as sent", async () => {
  const tokens = encodeCl100k("The quick brown fox");
  const one = await parse({ input: tokens });
  assert.deepEqual(one.texts, ["The quick brown fox"]);
  assert.equal(one.promptTokens, tokens.length);
  const many = await parse({ input: [encodeCl100k("first"), encodeCl100k("second one")] });
  assert.deepEqual(many.texts, ["first", "second one"]);
  assert.equal(many.promptTokens, encodeCl100k("first").length + encodeCl100k("second one").length);
});

test("input errors name the field and the offending item", async () => {
  await rejectsWith({ input: undefined }, "input", /input is required/);
  await rejectsWith({ input: 42 as never }, "input", /must be a string, an array of strings/);
  await rejectsWith({ input: "" }, "input", /^input must not be empty$/);
  await rejectsWith({ input: [] }, "input", /must not be an empty array/);
  await rejectsWith({ input: ["a", "", "c"] }, "input", /^input\[1\] must not be empty$/);
  await rejectsWith({ input: ["a", "b", "c", "d", "e"] }, "input", /5 items; at most 4/);
  await rejectsWith({ input: ["a", 1] as never }, "input", /mixed item types/);
  await rejectsWith({ input: "x".repeat(101) }, "input", /^input is 101 characters .* at most 100/);
  await rejectsWith({ input: ["ok", "y".repeat(150)] }, "input", /^input\[1\] is 150 characters/);
  // NFKC can expand one code point to many; the limit applies to what the model will see.
  await rejectsWith({ input: "\ufdfa".repeat(10) }, "input", /180 characters after Unicode normalisation/);
});

test("token-array errors", async () => {
  await rejectsWith({ input: [1, -2] }, "input", /^input\[1\] must be a non-negative integer token id$/);
  await rejectsWith({ input: [1, 2.5] }, "input", /input\[1\] must be a non-negative integer/);
  await rejectsWith({ input: [[1], []] }, "input", /^input\[1\] must not be an empty token array$/);
  await rejectsWith({ input: [[1], ["a"]] as never }, "input", /^input\[1\]\[0\] must be a non-negative integer/);
  await rejectsWith({ input: [999_999] }, "input", /not in the cl100k_base vocabulary/);
  await rejectsWith({ input: new Array(MAX_TOKENS_PER_INPUT + 1).fill(1) }, "input", /8193 tokens; at most 8192/);
  await rejectsWith({ input: new Array(60).fill(encodeCl100k(" international")[0]) }, "input", /decodes to \d+ characters/);
});

test("encoding_format and dimensions are validated", async () => {
  await rejectsWith({ encoding_format: "binary" as never }, "encoding_format", /"float" or "base64"/);
  for (const d of [0, 513, 1.5, -1, "64"]) {
    await rejectsWith({ dimensions: d as never }, "dimensions", /dimensions must be an integer between 1 and 512/);
  }
  assert.equal((await parse({ dimensions: 1 })).dimensions, 1);
  assert.equal((await parse({ dimensions: 512 })).dimensions, 512);
});
