import { test } from "node:test";
import assert from "node:assert/strict";
import { ExactIndex } from "../knowledge/exact-index.js";
import { ClusteredSpace } from "../knowledge/random-vectors.js";
import type { CacheKeyParts } from "./cache-key.js";
import { SemanticIndex, semanticParts } from "./semantic-index.js";

const unit = (...xs: number[]): Float32Array => {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs.map((x) => x / n));
};
const parts = (messages: unknown[], over: Partial<CacheKeyParts> = {}): CacheKeyParts => ({
  surface: "openai.chat_completions", model: { name: "sim", provider: "sim", upstream: "sim" }, body: { messages, temperature: 0 }, prompt: null, scope: "key:key_a", ...over,
});

test("the context is everything but the last user turn's text: a follow-up never matches another conversation", () => {
  const a = semanticParts(parts([{ role: "system", content: "Be brief." }, { role: "user", content: "What is Rust?" }, { role: "assistant", content: "A language." }, { role: "user", content: "And in French?" }]))!;
  const b = semanticParts(parts([{ role: "system", content: "Be brief." }, { role: "user", content: "What is Go?" }, { role: "assistant", content: "A language." }, { role: "user", content: "And in French?" }]))!;
  assert.equal(a.text, "And in French?");
  assert.notEqual(a.context, b.context, "an earlier turn differs");
  const q = (content: string, system = "Be brief.", over: Partial<CacheKeyParts> = {}) => semanticParts(parts([{ role: "system", content: system }, { role: "user", content }], over))!;
  assert.equal(q("Reset my password").context, q("How do I reset my password?").context, "the question's wording is not in the context");
  assert.notEqual(q("x").context, q("x", "Be long.").context, "the system prompt is");
  assert.notEqual(q("x").context, q("x", "Be brief.", { scope: "key:key_b" }).context, "the tenant is");
  assert.notEqual(q("x").context, q("x", "Be brief.", { prompt: "faq@2" }).context, "the prompt version is");
  assert.notEqual(q("x").context, q("x", "Be brief.", { surface: "anthropic.messages" }).context, "the surface is");
  const withTools = semanticParts({ ...parts([{ role: "user", content: "x" }]), body: { messages: [{ role: "user", content: "x" }], tools: [{ type: "function", function: { name: "f" } }] } })!;
  assert.notEqual(withTools.context, semanticParts(parts([{ role: "user", content: "x" }]))!.context, "the tools are");
  assert.equal(semanticParts(parts([{ role: "system", content: "only a system turn" }])), null);
  assert.equal(semanticParts(parts([{ role: "user", content: [{ type: "image_url", image_url: { url: "data:," } }] }])), null, "an image turn is not matched by text");
  assert.equal(semanticParts(parts([{ role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }]))!.text, "a\nb");
});

test("nearest compares within one context only, and the index is bounded per context and in total", () => {
  const idx = new SemanticIndex(2, 3);
  idx.add("c1", "k1", unit(1, 0));
  idx.add("c1", "k2", unit(0.9, 0.1));
  assert.deepEqual(idx.nearest("c1", unit(1, 0))?.key, "k1");
  assert.ok(Math.abs(idx.nearest("c1", unit(1, 0))!.similarity - 1) < 1e-6);
  assert.equal(idx.nearest("c2", unit(1, 0)), null, "another context has nothing to offer");
  idx.add("c1", "k3", unit(0, 1));
  assert.equal(idx.size, 2, "per-context bound: the oldest (k1) went");
  assert.equal(idx.nearest("c1", unit(1, 0))?.key, "k2");
  idx.add("c2", "k4", unit(1, 0));
  idx.add("c3", "k5", unit(1, 0));
  assert.equal(idx.size, 3, "total bound");
  idx.remove("c3", "k5");
  assert.equal(idx.nearest("c3", unit(1, 0)), null);
  idx.clear();
  assert.equal(idx.size, 0);
});

test("a context past annFrom moves to HNSW and still finds what brute force finds", () => {
  const d = 64;
  const space = new ClusteredSpace(d, 5, { latent: 16, topics: 40 });
  const data = space.sample(1500, 6);
  const idx = new SemanticIndex(1000, 10_000, { annFrom: 200 });
  const ref = new ExactIndex(d);
  data.forEach((v, i) => {
    idx.add("ctx", `k${i}`, v);
    ref.add(i, v);
  });
  idx.add("small", "s1", data[0]);
  assert.equal(idx.annContexts, 1, "only the context past annFrom is on HNSW");
  // The per-context bound applies on HNSW too: the first 500 went, oldest first.
  assert.equal(idx.size, 1001);
  for (let i = 0; i < 500; i++) ref.remove(i);
  let same = 0;
  const queries = space.sample(200, 7);
  for (const q of queries) {
    const m = idx.nearest("ctx", q)!;
    const [truth] = ref.search(q, 1);
    if (m.key === `k${truth.key}`) same++;
    // Whatever it returns, the similarity is that entry's real cosine: a threshold is never passed by approximation.
    const v = data[Number(m.key.slice(1))];
    let dot = 0;
    for (let j = 0; j < d; j++) dot += v[j] * q[j];
    assert.ok(Math.abs(dot - m.similarity) < 1e-4);
  }
  assert.ok(same / queries.length >= 0.95, `nearest agreed with brute force on ${same} of ${queries.length}`);
  idx.remove("ctx", "k1400");
  assert.notEqual(idx.nearest("ctx", data[1400])?.key, "k1400");
  assert.equal(idx.nearest("small", data[0])?.key, "s1");
});
