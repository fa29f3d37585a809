import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../random/rng.js";
import { PrefixIndex } from "./prefix-index.js";

/** A chain of `n` block hashes after a shared `prefix` (hashes only need to be distinct numbers here). */
let next = 1;
const chain = (n: number, prefix: readonly number[] = []): number[] => [...prefix, ...Array.from({ length: n }, () => next++)];

test("matches the leading blocks routed here, however long the prompt", () => {
  const idx = new PrefixIndex(10_000);
  const doc = chain(500);
  idx.insert([...doc, ...chain(2)]);
  assert.equal(idx.matchedBlocks([...doc, ...chain(3)]), 500);
  assert.equal(idx.matchedBlocks(doc.slice(0, 37)), 37);
  assert.equal(idx.matchedBlocks(chain(10)), 0);
  assert.equal(idx.matchedBlocks([]), 0);
});

test("holds about its capacity: old generations are dropped, blocks used again survive", () => {
  const idx = new PrefixIndex(100); // generations of 75 blocks
  const keep = chain(40);
  const drop = chain(30);
  idx.insert(keep);
  idx.insert(drop); // young: 70 blocks
  idx.insert(chain(20)); // 90 > 75: rotates first; keep and drop are the old generation now
  idx.insert(keep); // used again: back to young (60 blocks)
  idx.insert(chain(30)); // rotates again: the old generation, and drop with it, is gone
  assert.equal(idx.matchedBlocks(keep), 40);
  assert.equal(idx.matchedBlocks(drop), 0);
  assert.ok(idx.size <= 150);
});

test("a prompt longer than a generation keeps its head", () => {
  const idx = new PrefixIndex(8);
  const long = chain(20);
  idx.insert(long);
  assert.equal(idx.matchedBlocks(long), 6);
});

test("property: agrees with a plain two-generation model on random shared-prefix traffic", () => {
  const rng = new Rng(5);
  const tenants = Array.from({ length: 12 }, () => chain(5 + Math.floor(rng.next() * 60)));
  const idx = new PrefixIndex(300);
  const gen = Math.ceil(300 * 0.75);
  let young: number[][] = [];
  let old: number[][] = [];
  const holds = (gens: number[][][], h: readonly number[]): number => {
    let best = 0;
    for (const g of gens) for (const p of g) {
      let i = 0;
      while (i < h.length && i < p.length && p[i] === h[i]) i++;
      best = Math.max(best, i);
    }
    return best;
  };
  const distinct = (g: number[][]): number => new Set(g.flat()).size;
  for (let step = 0; step < 3000; step++) {
    const t = tenants[Math.floor(rng.next() ** 2 * tenants.length)];
    const prompt = [...t, ...chain(1 + Math.floor(rng.next() * 3))];
    assert.equal(idx.matchedBlocks(prompt), holds([young, old], prompt), `step ${step}`);
    const head = prompt.slice(0, gen);
    if (distinct([...young, head]) > gen) {
      old = young;
      young = [];
    }
    young.push(head);
    idx.insert(prompt);
  }
});
