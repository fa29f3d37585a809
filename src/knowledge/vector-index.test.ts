import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ExactIndex } from "./exact-index.js";
import { HnswIndex } from "./hnsw-index.js";
import { ClusteredSpace } from "./random-vectors.js";
import { vectorIndexContract } from "./vector-index.contract.js";

vectorIndexContract("exact", (d) => new ExactIndex(d, 4), 1);
// On 2,000 isotropic 64-d vectors HNSW at its defaults finds nearly all of the exact top 10;
// the 100k figures at the embedder's 512 dimensions are bench/knowledge.ts's.
vectorIndexContract("hnsw", (d) => new HnswIndex(d), 0.9);
vectorIndexContract("hnsw f16", (d) => new HnswIndex(d, { quantization: "f16", threads: 1 }), 0.9);

test("hnsw: a saved index loads with its keys, vectors and count, and takes adds and removes", () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-hnsw-"));
  try {
    const d = 32;
    const data = new ClusteredSpace(d, 3, { latent: 8, topics: 20 }).sample(500, 4);
    const a = new HnswIndex(d);
    a.addBatch(data.map((_, i) => i + 1), data);
    a.remove(7);
    a.save(join(dir, "i.usearch"));
    const b = HnswIndex.load(join(dir, "i.usearch"), d);
    assert.equal(b.size(), 499);
    for (const i of [0, 100, 499]) assert.deepEqual(b.search(data[i], 3), a.search(data[i], 3));
    assert.notEqual(b.search(data[6], 1)[0]?.key, 7);
    b.add(1000, data[0]);
    b.remove(1);
    assert.equal(b.size(), 499);
    assert.equal(b.search(data[0], 1)[0].key, 1000);
    assert.throws(() => HnswIndex.load(join(dir, "i.usearch"), 64), RangeError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
