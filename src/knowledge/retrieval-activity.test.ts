import assert from "node:assert/strict";
import { test } from "node:test";
import { RetrievalActivity } from "./retrieval-activity.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const r = (documentId: string, score: number, staleReason: string | null = null) => ({ documentId, version: 1, score, staleReason });

test("per hour: searches, results, stale results and the parts of the mean top score", () => {
  const a = new RetrievalActivity(2);
  a.observe("vs_a", [r("d1", 0.9), r("d2", 0.4, "max_age")], T0 + 1);
  a.observe("vs_a", [], T0 + 2);
  a.observe("vs_a", [r("d2", 0.5, "max_age")], T0 + H);
  assert.deepEqual(a.series(T0 + H), [
    { start: T0, searches: 2, results: 2, staleResults: 1, scored: 1, topScoreSum: 0.9 },
    { start: T0 + H, searches: 1, results: 1, staleResults: 1, scored: 1, topScoreSum: 0.5 },
  ]);
  a.observe("vs_a", [], T0 + 2 * H);
  assert.deepEqual(a.series(T0 + 2 * H).map((h) => h.start), [T0 + H, T0 + 2 * H], "two hours kept");
});

test("top stale documents: most served first, bounded, the least served evicted", () => {
  const a = new RetrievalActivity(48, 2);
  a.observe("vs_a", [r("d1", 0.5, "superseded"), r("d2", 0.4, "expired")], T0);
  a.observe("vs_a", [r("d1", 0.5, "superseded")], T0 + 1);
  a.observe("vs_b", [r("d3", 0.3, "max_age")], T0 + 2);
  assert.deepEqual(a.topStale(10).map((s) => [s.documentId, s.storeId, s.served, s.reason]), [["d1", "vs_a", 2, "superseded"], ["d3", "vs_b", 1, "max_age"]]);
  assert.equal(a.topStale(1).length, 1);
  a.observe("vs_a", [r("fresh", 0.9)], T0 + 3);
  assert.equal(a.topStale(10).length, 2, "a fresh result is not tracked");
});
