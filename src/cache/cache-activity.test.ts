import assert from "node:assert/strict";
import { test } from "node:test";
import { CacheActivity } from "./cache-activity.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);

test("outcomes and savings land in their hour, oldest first, and only the last hours are kept", () => {
  const a = new CacheActivity(3);
  a.count("miss", T0 + 1);
  a.count("hit", T0 + 2, { tokens: 30, usd: 0.01 });
  a.count("semantic-hit", T0 + H + 5, { tokens: 10, usd: 0.002 });
  a.count("bypass", T0 + H + 6);
  assert.deepEqual(a.series(T0 + H), [
    { start: T0, hits: 1, semanticHits: 0, misses: 1, bypasses: 0, tokensSaved: 30, usdSaved: 0.01 },
    { start: T0 + H, hits: 0, semanticHits: 1, misses: 0, bypasses: 1, tokensSaved: 10, usdSaved: 0.002 },
  ]);
  a.count("miss", T0 + 3 * H);
  assert.deepEqual(a.series(T0 + 3 * H).map((h) => h.start), [T0 + H, T0 + 3 * H], "the hour three hours back is dropped");
  assert.deepEqual(a.series(T0 + 10 * H), [], "nothing recent: an empty series");
});

test("a clock stepping back counts into a kept hour, never a new old one", () => {
  const a = new CacheActivity(48);
  a.count("miss", T0 + 2 * H);
  a.count("miss", T0 - 100 * H);
  assert.deepEqual(a.series(T0 + 2 * H).map((h) => [h.start, h.misses]), [[T0 + 2 * H, 2]]);
});

test("lookup latency: nearest-rank percentiles over the last samples only", () => {
  const a = new CacheActivity(48, 100);
  assert.deepEqual(a.latency(), { samples: 0, p50Ms: null, p95Ms: null, meanMs: null });
  for (let i = 1; i <= 100; i++) a.lookup(i);
  assert.deepEqual(a.latency(), { samples: 100, p50Ms: 50, p95Ms: 95, meanMs: 50.5 });
  for (let i = 0; i < 100; i++) a.lookup(1000);
  assert.equal(a.latency().p50Ms, 1000, "the ring keeps the newest 100");
});
