import { test } from "node:test";
import assert from "node:assert/strict";
import { compareRules, EntryThresholds, raisedThreshold } from "./entry-thresholds.js";

test("a verified false hit raises only its entry's threshold, just above the false hit", () => {
  const t = new EntryThresholds(2);
  assert.equal(t.for("e1", 0.9), 0.9, "unraised: the route's");
  assert.equal(t.raise("e1", 0.9, 0.95), 0.951);
  assert.equal(t.for("e1", 0.9), 0.951);
  assert.equal(t.for("e2", 0.9), 0.9, "another entry keeps the route's");
  assert.equal(t.for("e1", 0.97), 0.97, "a stricter route threshold still wins");
  assert.equal(raisedThreshold(0.96, 0.92), 0.96, "never lowered");
  t.raise("e2", 0.9, 0.91);
  t.raise("e3", 0.9, 0.91);
  assert.equal(t.size, 2, "bounded, oldest first");
  assert.equal(t.for("e1", 0.9), 0.9);
});

test("replayed lookups: the per-entry rule removes an entry's repeated false hits that one global threshold keeps", () => {
  // Entry "a" is falsely matched three times at 0.93, entry "b" truly at 0.92 twice.
  const lookups = [
    { entry: "a", similarity: 0.93, duplicate: false }, { entry: "b", similarity: 0.92, duplicate: true },
    { entry: "a", similarity: 0.93, duplicate: false }, { entry: "b", similarity: 0.92, duplicate: true },
    { entry: "a", similarity: 0.93, duplicate: false }, { entry: "a", similarity: 0.99, duplicate: true },
  ];
  const r = compareRules(lookups, 0.9, 1, () => 0);
  assert.deepEqual([r.global.hits, r.global.falseHits], [6, 3]);
  assert.deepEqual([r.perEntry.hits, r.perEntry.falseHits, r.perEntry.audited], [4, 1, 1], "the first false hit is served and audited, then a's threshold is 0.931");
  assert.equal(r.perEntry.hitRate, 1, "every duplicate still hits");
  const never = compareRules(lookups, 0.9, 0.5, () => 0.9);
  assert.deepEqual([never.perEntry.falseHits, never.perEntry.audited], [3, 0], "unaudited false hits teach nothing");
});
