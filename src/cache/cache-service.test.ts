import { test } from "node:test";
import assert from "node:assert/strict";
import type { CacheBackend } from "./cache-backend.js";
import { encodeAnswer, type CachedAnswer } from "./cache-entry.js";
import { cacheConfigSchema } from "./cache-schema.js";
import { CacheService } from "./cache-service.js";
import { openMemorySqliteWith } from "../store/sqlite.js";
import { CACHE_MIGRATIONS } from "./cache-migrations.js";
import { MemoryCacheBackend } from "./memory-cache-backend.js";
import { SemanticIndex } from "./semantic-index.js";
import { SqliteCacheStore } from "./sqlite-cache-store.js";

const cfg = cacheConfigSchema.parse({ enabled: true, backend: "memory" });
const tags = { route: "sim", model: "sim/sim", scope: "key:key_a", prompt: null };
const answer = (content: string): CachedAnswer => ({
  completion: { id: "c", object: "chat.completion", created: 1, model: "sim", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] },
  tokensIn: 10, tokensOut: 5, costUsd: 0.001,
});

test("a stored answer is looked up with its age; a hit counts what it saved", async () => {
  const s = new CacheService(new MemoryCacheBackend(1 << 20), cfg);
  assert.equal(await s.store("k", tags, answer("hello"), 60, 4096, 1000), true);
  const hit = s.lookup("k", 4096, 4500);
  assert.ok(hit && !(hit instanceof Promise));
  assert.equal(hit.ageS, 3);
  assert.equal(hit.answer.completion.choices[0].message.content, "hello");
  s.count("hit", hit.answer);
  assert.equal(s.counters.tokensSaved, 15);
  assert.equal(s.counters.usdSaved, 0.001);
});

test("an answer over max_entry_bytes is not stored; an entry read back over the route's bound is dropped", async () => {
  const backend = new MemoryCacheBackend(1 << 20);
  const s = new CacheService(backend, cfg);
  assert.equal(await s.store("big", tags, answer("x".repeat(5000)), 60, 1024, 0), false);
  assert.equal(s.counters.skippedOversized, 1);
  assert.equal(backend.count(), 0);
  await s.store("k", tags, answer("x".repeat(2000)), 60, 8192, 0);
  assert.equal(s.lookup("k", 1024, 1), null, "a route whose bound shrank never serves the larger entry");
  assert.equal(s.counters.droppedOversized, 1);
  assert.equal(backend.count(), 0, "and it is deleted");
});

test("an entry filed under another key, or of another shape, is corrupt: dropped, never served", () => {
  const backend = new MemoryCacheBackend(1 << 20);
  const s = new CacheService(backend, cfg);
  const put = (key: string, value: string) => backend.set({ key, value, createdAt: 0, expiresAt: 1e15, tags });
  put("moved", encodeAnswer("elsewhere", answer("not yours")));
  put("shape", JSON.stringify({ v: 1, k: "shape", c: { object: "chat.completion", model: "m", choices: [] }, ti: 0, to: 0, u: 0 }));
  put("garbage", "\u0000\u0001");
  for (const k of ["moved", "shape", "garbage"]) assert.equal(s.lookup(k, 1 << 20, 1), null, k);
  assert.equal(s.counters.droppedCorrupt, 3);
  assert.equal(backend.count(), 0);
});

test("a failing backend is a miss, counted and reported, never a failed call", async () => {
  const errors: string[] = [];
  const broken: CacheBackend = {
    name: "redis",
    get: () => Promise.reject(new Error("connection refused")),
    set: () => Promise.reject(new Error("connection refused")),
    delete: () => {}, purge: () => 0, count: () => 0, close: () => {},
    semanticEntries: () => Promise.reject(new Error("connection refused")),
  };
  const s = new CacheService(broken, cfg, (what) => errors.push(what));
  assert.equal(await s.lookup("k", 4096, 0), null);
  assert.equal(await s.store("k", tags, answer("a"), 60, 4096, 0), false);
  assert.equal(s.counters.backendErrors, 2);
  assert.deepEqual(errors, ["cache read failed", "cache write failed"]);
});

test("a target's new system_fingerprint purges the route's entries; the first sighting and a steady one do not", async () => {
  const backend = new MemoryCacheBackend(1 << 20);
  const s = new CacheService(backend, cfg);
  await s.store("a", tags, answer("a"), 60, 4096, 0);
  await s.store("b", { ...tags, route: "other" }, answer("b"), 60, 4096, 0);
  assert.equal(s.observeFingerprint("openai/gpt-x", "fp_1", { route: "sim" }), null, "first sighting");
  assert.equal(s.observeFingerprint("openai/gpt-x", "fp_1", { route: "sim" }), null, "unchanged");
  assert.equal(s.observeFingerprint("openai/gpt-y", "fp_9", { route: "sim" }), null, "another target of the route has its own");
  assert.equal(s.observeFingerprint("openai/gpt-x", null, { route: "sim" }), null, "no fingerprint says nothing");
  assert.equal(await s.observeFingerprint("openai/gpt-x", "fp_2", { route: "sim" }), 1);
  assert.equal(backend.count(), 1, "only the route's entry went");
  assert.ok(backend.get("b", 1));
});

test("the semantic index refills from the backend after a restart, from vectors of the same embedder only", async () => {
  const db = openMemorySqliteWith(CACHE_MIGRATIONS);
  const semantic = (model: string, dimensions = 4) => ({ index: new SemanticIndex(100, 1000, { annFrom: 3 }), model, dimensions, maxChars: 1000, embed: () => Promise.reject(new Error("not called")) });
  const unit = (...xs: number[]): Float32Array => Float32Array.from(xs.map((x) => x / Math.hypot(...xs)));
  const before = new CacheService(new SqliteCacheStore(db), cfg, () => {}, semantic("use-lite"));
  const vs = [unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(0, 0, 1, 0), unit(0, 0, 0, 1), unit(1, 1, 0, 0)];
  for (const [i, v] of vs.entries()) await before.store(`k${i}`, tags, answer(`a${i}`), 60, 4096, 1000 + i, { context: i < 4 ? "ctx" : "other", vector: v });
  await before.store("plain", tags, answer("p"), 60, 4096, 1000);
  await before.store("old", tags, answer("o"), 1, 4096, 0, { context: "ctx", vector: unit(1, 0, 0, 0.1) });

  const after = new CacheService(new SqliteCacheStore(db), cfg, () => {}, semantic("use-lite"));
  assert.equal(await after.restoreSemantic(2000), 5, "the expired entry and the one without a vector are not restored");
  assert.equal(after.semantic!.index.annContexts, 1, "a context past annFrom comes back on HNSW");
  assert.equal(after.semantic!.index.nearest("ctx", unit(0, 0, 1, 0.1))?.key, "k2");
  assert.equal(after.semantic!.index.nearest("other", unit(1, 1, 0, 0))?.key, "k4");

  const otherModel = new CacheService(new SqliteCacheStore(db), cfg, () => {}, semantic("another-model"));
  assert.equal(await otherModel.restoreSemantic(2000), 0, "vectors of another embedder are not comparable");
  const otherDims = new CacheService(new SqliteCacheStore(db), cfg, () => {}, semantic("use-lite", 8));
  assert.equal(await otherDims.restoreSemantic(2000), 0);
  db.close();
});
