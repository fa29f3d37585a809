import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheBackendContract } from "./cache-backend.contract.js";
import { MemoryCacheBackend } from "./memory-cache-backend.js";

cacheBackendContract("memory", () => new MemoryCacheBackend(1024 * 1024));

const entry = (key: string, chars: number) => ({ key, value: "x".repeat(chars), createdAt: 0, expiresAt: 1e15, tags: { route: "r", model: "m", scope: "s", prompt: null } });

test("memory: bounded by bytes, the least recently used entry goes first", () => {
  const b = new MemoryCacheBackend(4 * 1024);
  b.set(entry("a", 500));
  b.set(entry("b", 500));
  b.set(entry("c", 500));
  assert.ok(b.get("a", 1), "a read makes 'a' the most recent");
  b.set(entry("d", 500));
  assert.equal(b.get("b", 1), null, "b was least recently used");
  assert.ok(b.get("a", 1) && b.get("c", 1) && b.get("d", 1));
  assert.ok(b.heldBytes() <= 4 * 1024);
  assert.equal(b.evicted, 1);
});

test("memory: an entry larger than the whole bound is not kept", () => {
  const b = new MemoryCacheBackend(1024);
  b.set(entry("big", 5000));
  assert.equal(b.count(), 0);
  assert.equal(b.heldBytes(), 0);
});
