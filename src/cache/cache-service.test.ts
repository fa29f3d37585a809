import { test } from "node:test";
import assert from "node:assert/strict";
import type { CacheBackend } from "./cache-backend.js";
import { encodeAnswer, type CachedAnswer } from "./cache-entry.js";
import { cacheConfigSchema } from "./cache-schema.js";
import { CacheService } from "./cache-service.js";
import { MemoryCacheBackend } from "./memory-cache-backend.js";

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
