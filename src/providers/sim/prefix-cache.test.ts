import { test } from "node:test";
import assert from "node:assert/strict";
import { BlockHasher } from "../../tokens/block-hasher.js";
import { PrefixCache } from "./prefix-cache.js";

function hashes(tokens: number[], block = 4, seed = 1): number[] {
  const h = new BlockHasher(block, seed);
  h.pushAll(tokens);
  return h.hashes;
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

test("only full blocks are hashed, and a block's hash depends on everything before it", () => {
  assert.equal(hashes(range(11)).length, 2);
  const a = hashes([...range(8), 100, 101, 102, 103]);
  const b = hashes([...range(8), 100, 101, 102, 103]);
  const c = hashes([9, ...range(7, 1), 100, 101, 102, 103]); // first block differs, third block's tokens equal
  assert.deepEqual(a, b);
  assert.notEqual(a[0], c[0]);
  assert.notEqual(a[2], c[2], "the chain carries the difference forward");
  assert.notDeepEqual(hashes(range(8), 4, 1), hashes(range(8), 4, 2), "seeded by model");
  for (const h of a) assert.ok(Number.isSafeInteger(h) && h >= 0);
});

test("matchedBlocks counts the leading cached blocks and stops at the first miss", () => {
  const cache = new PrefixCache(100);
  const long = hashes(range(40));
  cache.insert(long.slice(0, 6));
  assert.equal(cache.matchedBlocks(long), 6);
  assert.equal(cache.matchedBlocks(hashes([...range(12), 999, ...range(20, 13)])), 3);
  assert.equal(cache.matchedBlocks(hashes(range(40, 1000))), 0);
});

test("LRU eviction drops the least recently inserted prompt, tail blocks first", () => {
  const cache = new PrefixCache(6);
  const p1 = hashes(range(16, 0)); // 4 blocks
  const p2 = hashes(range(16, 500)); // 4 blocks
  cache.insert(p1);
  cache.insert(p2); // 8 > 6: p1's two tail blocks go, its head stays
  assert.equal(cache.size, 6);
  assert.equal(cache.matchedBlocks(p2), 4);
  assert.equal(cache.matchedBlocks(p1), 2);
  cache.insert(p1); // refresh p1: now p2 is oldest and loses its tail
  assert.equal(cache.matchedBlocks(p1), 4);
  assert.equal(cache.matchedBlocks(p2), 2);
});

test("a prompt longer than the cache keeps its head; capacity 0 caches nothing", () => {
  const cache = new PrefixCache(3);
  const p = hashes(range(40));
  cache.insert(p);
  assert.equal(cache.matchedBlocks(p), 3);
  const off = new PrefixCache(0);
  off.insert(p);
  assert.equal(off.size, 0);
  assert.equal(off.matchedBlocks(p), 0);
  cache.clear();
  assert.equal(cache.size, 0);
});
