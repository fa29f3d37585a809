import assert from "node:assert/strict";
import { test } from "node:test";
import { matchesFilter } from "./attribute-filter.js";
import { Bm25Index, tokenize } from "./bm25.js";
import { chunkText } from "./chunker.js";
import { freshnessOf } from "./freshness.js";
import { reciprocalRankFusion } from "./fusion.js";
import type { DocumentRecord } from "./types.js";

test("chunks stay within size, cut at paragraph and sentence boundaries, and overlap", () => {
  const para = (n: number): string => Array.from({ length: 6 }, (_, i) => `Sentence ${n}.${i} says something useful here.`).join(" ");
  const text = [para(1), para(2), para(3), para(4)].join("\n\n");
  const chunks = chunkText(text, { size: 400, overlap: 80 });
  assert.ok(chunks.length >= 3);
  for (const c of chunks) assert.ok(c.length <= 400, `chunk of ${c.length}`);
  // Every sentence is whole in some chunk.
  for (let n = 1; n <= 4; n++) for (let i = 0; i < 6; i++) assert.ok(chunks.some((c) => c.includes(`Sentence ${n}.${i} says something useful here.`)), `sentence ${n}.${i}`);
  // Consecutive chunks share text (the overlap).
  for (let i = 1; i < chunks.length; i++) {
    const tail = chunks[i - 1].slice(-30);
    assert.ok(chunks[i].includes(tail.slice(tail.indexOf(" ") + 1, tail.indexOf(" ") + 10)), `overlap between ${i - 1} and ${i}`);
  }
  assert.deepEqual(chunkText("   \n\n ", { size: 400, overlap: 0 }), []);
  assert.deepEqual(chunkText("short text", { size: 400, overlap: 100 }), ["short text"]);
});

test("a text without boundaries is cut hard and still covered completely", () => {
  const s = "x".repeat(1000);
  const chunks = chunkText(s, { size: 300, overlap: 0 });
  assert.equal(chunks.join(""), s);
  assert.ok(chunks.every((c) => c.length <= 300));
});

test("BM25 ranks an exact identifier first and forgets removed keys", () => {
  const b = new Bm25Index();
  b.add(1, "The error code ERR-4021 means the card was declined.");
  b.add(2, "Refunds take five business days to reach the card.");
  b.add(3, "Shipping is free over fifty euros.");
  assert.deepEqual(tokenize("ERR-4021 Ünïcode"), ["err", "4021", "ünïcode"]);
  const hits = b.search("meaning of ERR-4021", 10);
  assert.equal(hits[0].key, 1);
  assert.ok(hits.every((h) => h.key !== 3));
  b.remove(1);
  assert.equal(b.size(), 2);
  assert.ok(b.search("ERR-4021", 10).every((h) => h.key !== 1));
});

test("reciprocal rank fusion sums 1/(k + rank) and breaks ties by key", () => {
  const fused = reciprocalRankFusion([[{ key: 1 }, { key: 2 }], [{ key: 2 }, { key: 3 }]], 60);
  assert.equal(fused[0].key, 2);
  assert.ok(Math.abs(fused[0].score - (1 / 62 + 1 / 61)) < 1e-12);
  assert.deepEqual(fused.slice(1).map((f) => f.key), [1, 3]);
});

test("attribute filters: comparisons, and/or, type mismatch is false", () => {
  const a = { team: "billing", year: 2024, public: true };
  assert.ok(matchesFilter(a, { type: "eq", key: "team", value: "billing" }));
  assert.ok(matchesFilter(a, { type: "ne", key: "team", value: "sales" }));
  assert.ok(matchesFilter(a, { type: "gte", key: "year", value: 2024 }));
  assert.ok(!matchesFilter(a, { type: "gt", key: "year", value: "2023" }));
  assert.ok(!matchesFilter(a, { type: "lt", key: "missing", value: 1 }));
  assert.ok(matchesFilter(a, { type: "and", filters: [{ type: "eq", key: "public", value: true }, { type: "or", filters: [{ type: "eq", key: "team", value: "x" }, { type: "lte", key: "year", value: 2024 }] }] }));
});

test("freshness: superseded, expired, past the store's max age, else fresh with its age", () => {
  const doc: DocumentRecord = { id: "d", storeId: "s", fileId: "f", sourceUri: "u", contentHash: "h", version: 1, validFrom: 0, updatedAt: 10_000, expiresAt: null, owner: null, licence: null, supersededAt: null };
  assert.deepEqual(freshnessOf(doc, { maxAgeMs: null }, 70_000), { stale: false, ageS: 60, reason: null });
  assert.equal(freshnessOf(doc, { maxAgeMs: 30_000 }, 70_000).reason, "max_age");
  assert.equal(freshnessOf({ ...doc, expiresAt: 50_000 }, { maxAgeMs: null }, 70_000).reason, "expired");
  assert.equal(freshnessOf({ ...doc, supersededAt: 60_000 }, { maxAgeMs: null }, 70_000).reason, "superseded");
});
