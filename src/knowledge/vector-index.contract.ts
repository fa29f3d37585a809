import assert from "node:assert/strict";
import { test } from "node:test";
import { ExactIndex } from "./exact-index.js";
import { randomUnitVectors } from "./random-vectors.js";
import type { VectorIndex } from "./vector-index.js";

/**
 * What every VectorIndex keeps: sizes, replace-on-re-add, remove, dimension checks, best-first
 * answers bounded by k, and — on random data — the exact top-10 found (recall ≥ `minRecall`,
 * 1 for the exact index itself).
 */
export function vectorIndexContract(label: string, make: (dimensions: number) => VectorIndex, minRecall: number): void {
  test(`${label}: add, re-add, remove and size`, () => {
    const idx = make(3);
    assert.equal(idx.size(), 0);
    assert.deepEqual(idx.search(new Float32Array([1, 0, 0]), 5), []);
    idx.add(1, new Float32Array([1, 0, 0]));
    idx.add(2, new Float32Array([0, 1, 0]));
    idx.add(1, new Float32Array([0, 0, 1]));
    assert.equal(idx.size(), 2);
    const hits = idx.search(new Float32Array([0, 0, 1]), 5);
    assert.equal(hits.length, 2);
    assert.equal(hits[0].key, 1);
    assert.ok(Math.abs(hits[0].score - 1) < 1e-5);
    idx.remove(1);
    idx.remove(99);
    assert.equal(idx.size(), 1);
    assert.deepEqual(idx.search(new Float32Array([0, 0, 1]), 5).map((h) => h.key), [2]);
  });

  test(`${label}: a batch replaces keys already held and counts each key once`, () => {
    const idx = make(2);
    idx.add(1, new Float32Array([1, 0]));
    idx.addBatch([1, 2, 2], [new Float32Array([0, 1]), new Float32Array([1, 0]), new Float32Array([0.6, 0.8])]);
    assert.equal(idx.size(), 2);
    assert.equal(idx.search(new Float32Array([0, 1]), 1)[0].key, 1);
    assert.equal(idx.search(new Float32Array([0.6, 0.8]), 1)[0].key, 2);
  });

  test(`${label}: rejects a vector of the wrong dimension`, () => {
    const idx = make(4);
    assert.throws(() => idx.add(1, new Float32Array(3)), RangeError);
    assert.throws(() => idx.search(new Float32Array(5), 1), RangeError);
  });

  test(`${label}: best first, at most k, and finds the exact top 10 on random data`, () => {
    const d = 64;
    const data = randomUnitVectors(2000, d, 7);
    const idx = make(d);
    const ref = new ExactIndex(d);
    // Half one at a time, half in one batch: both paths must agree with the reference.
    data.forEach((v, i) => {
      if (i < 1000) idx.add(i + 1, v);
      ref.add(i + 1, v);
    });
    idx.addBatch(data.slice(1000).map((_, i) => 1001 + i), data.slice(1000));
    assert.equal(idx.size(), 2000);
    let found = 0;
    const queries = randomUnitVectors(50, d, 8);
    for (const q of queries) {
      const hits = idx.search(q, 10);
      assert.equal(hits.length, 10);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score - 1e-6, "best first");
      const truth = new Set(ref.search(q, 10).map((h) => h.key));
      found += hits.filter((h) => truth.has(h.key)).length;
    }
    const recall = found / (queries.length * 10);
    assert.ok(recall >= minRecall, `recall@10 ${recall} < ${minRecall}`);
  });
}
