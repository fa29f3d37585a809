import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { encode as encodeCl100k } from "gpt-tokenizer/encoding/cl100k_base";
import type { EmbeddingsRequest, EmbeddingsResponse } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { countTextTokens } from "../../tokens/count.js";
import type { CallContext } from "../types.js";
import { localEmbeddingsOptionsSchema } from "./options.js";
import { createLocalEmbeddingsProvider } from "./provider.js";
import { base64ToFloat32, dot, truncateNormalized } from "./vector.js";

// The registry's path: options parsed by the schema, the shared default embedder.
const provider = createLocalEmbeddingsProvider(localEmbeddingsOptionsSchema.parse({ kind: "local-embeddings", max_inputs: 8 }));
const ctx = (signal = new AbortController().signal): CallContext => ({ requestId: "req_test", signal });
const embed = (body: Partial<EmbeddingsRequest>): Promise<EmbeddingsResponse> =>
  provider.embeddings!({ model: "text-embedding-local", input: "x", ...body } as EmbeddingsRequest, ctx());
const floats = (r: EmbeddingsResponse, i = 0): Float32Array => Float32Array.from(r.data[i].embedding as number[]);

test("OpenAI's embeddings response shape, 512 unit-length dimensions, usage from gpt-tokenizer", async () => {
  const texts = ["a cat sat on the mat", "a kitten sat on a rug", "quarterly tax filing deadline"];
  const r = await embed({ input: texts });
  assert.equal(r.object, "list");
  assert.equal(r.model, "text-embedding-local");
  assert.equal(r.data.length, 3);
  r.data.forEach((d, i) => {
    assert.deepEqual(Object.keys(d).sort(), ["embedding", "index", "object"]);
    assert.equal(d.object, "embedding");
    assert.equal(d.index, i);
    assert.ok(Array.isArray(d.embedding));
    assert.equal(d.embedding.length, 512);
  });
  const tokens = texts.reduce((n, t) => n + countTextTokens(t), 0);
  assert.deepEqual(r.usage, { prompt_tokens: tokens, total_tokens: tokens });

  const [cat, kitten, tax] = [floats(r, 0), floats(r, 1), floats(r, 2)];
  for (const v of [cat, kitten, tax]) assert.ok(Math.abs(Math.sqrt(dot(v, v)) - 1) < 1e-5);
  assert.ok(dot(cat, kitten) > dot(cat, tax), `cat~kitten ${dot(cat, kitten)} vs cat~tax ${dot(cat, tax)}`);
});

test("base64 decodes to exactly the float output", async () => {
  const input = ["round trip", "second"];
  const f = await embed({ input });
  const b = await embed({ input, encoding_format: "base64" });
  for (let i = 0; i < input.length; i++) {
    assert.equal(typeof b.data[i].embedding, "string");
    assert.deepEqual(base64ToFloat32(b.data[i].embedding as string), floats(f, i));
  }
});

test("dimensions truncates and re-normalises, in both encodings", async () => {
  const full = floats(await embed({ input: "shorten me" }));
  const short = await embed({ input: "shorten me", dimensions: 64 });
  const v = floats(short);
  assert.equal(v.length, 64);
  assert.ok(Math.abs(Math.sqrt(dot(v, v)) - 1) < 1e-5);
  assert.deepEqual(v, truncateNormalized(full, 64));
  const b = await embed({ input: "shorten me", dimensions: 64, encoding_format: "base64" });
  assert.deepEqual(base64ToFloat32(b.data[0].embedding as string), v);
  assert.deepEqual(floats(await embed({ input: "shorten me", dimensions: 512 })), full);
});

test("token-array input embeds the decoded text and counts the tokens sent", async () => {
  const text = "a cat sat on the mat";
  const tokens = encodeCl100k(text);
  const fromTokens = await embed({ input: tokens });
  assert.deepEqual(floats(fromTokens), floats(await embed({ input: text })));
  assert.equal(fromTokens.usage.prompt_tokens, tokens.length);
  assert.equal((await embed({ input: [tokens, tokens] })).data.length, 2);
});

test("invalid requests are KeelError invalid_request naming the parameter", async () => {
  const cases: [Partial<EmbeddingsRequest>, string, RegExp][] = [
    [{ dimensions: 0 }, "dimensions", /between 1 and 512/],
    [{ dimensions: 513 }, "dimensions", /between 1 and 512/],
    [{ input: "" }, "input", /must not be empty/],
    [{ input: Array(9).fill("a") }, "input", /9 items; at most 8/],
    [{ input: "x".repeat(16_001) }, "input", /at most 16000/],
    [{ encoding_format: "hex" as never }, "encoding_format", /"float" or "base64"/],
  ];
  for (const [body, param, message] of cases) {
    await assert.rejects(embed(body), (err: unknown) => {
      assert.ok(err instanceof KeelError);
      assert.equal(err.code, "invalid_request");
      assert.equal(err.param, param);
      assert.match(err.message, message);
      return true;
    });
  }
});

test("chat and chatStream refuse: this provider serves embeddings only", async () => {
  const req = { model: "text-embedding-local", messages: [{ role: "user" as const, content: "hi" }] };
  const embeddingsOnly = (err: unknown): boolean =>
    err instanceof KeelError && err.code === "invalid_request" && err.param === "model" && /text-embedding-local serves embeddings only/.test(err.message);
  await assert.rejects(provider.chat(req, ctx()), embeddingsOnly);
  const stream = provider.chatStream(req, ctx());
  await assert.rejects(stream[Symbol.asyncIterator]().next(), embeddingsOnly);
  assert.equal(provider.kind, "local-embeddings");
  assert.equal(provider.name, "local");
});

test("an aborted call rejects with the signal's reason", async () => {
  const ac = new AbortController();
  ac.abort(new Error("deadline"));
  await assert.rejects(provider.embeddings!({ model: "m", input: "x" }, ctx(ac.signal)), /deadline/);
});

test("the official openai SDK decodes its default base64 request to the same floats", async () => {
  const client = new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://keel.test/v1",
    // Stands in for the HTTP server: the body goes straight to the provider.
    fetch: async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as EmbeddingsRequest;
      const res = await provider.embeddings!(body, ctx());
      return new Response(JSON.stringify(res), { headers: { "content-type": "application/json" } });
    },
  });
  const viaSdk = await client.embeddings.create({ model: "text-embedding-local", input: ["hello there", "general kenobi"] });
  const direct = await embed({ input: ["hello there", "general kenobi"] });
  assert.equal(viaSdk.data.length, 2);
  viaSdk.data.forEach((d, i) => assert.deepEqual(Float32Array.from(d.embedding), floats(direct, i)));
  const shortened = await client.embeddings.create({ model: "text-embedding-local", input: "hi", dimensions: 8, encoding_format: "float" });
  assert.equal(shortened.data[0].embedding.length, 8);
});
