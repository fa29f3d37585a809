import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../random/rng.js";
import { Ewma } from "./ewma.js";
import { bestTier, chooseTarget, type TargetView } from "./strategies.js";

const view = (over: Partial<TargetView> = {}): TargetView => ({ weight: 1, priority: 0, inFlight: 0, latencyMs: null, available: true, ...over });
const seeded = (seed = 7): (() => number) => {
  const rng = new Rng(seed);
  return () => rng.next();
};
const never = (): number => {
  throw new Error("random() should not be needed here");
};

test("failover: priority order first, then configuration order; unavailable targets are skipped", () => {
  const views = [view({ priority: 1 }), view({ priority: 0, available: false }), view({ priority: 0 }), view({ priority: 0 })];
  assert.equal(chooseTarget("failover", views, { random: never }), 2);
  assert.deepEqual(bestTier(views), [2, 3]);
  const onlyFallback = [view({ available: false }), view({ priority: 5 })];
  assert.equal(chooseTarget("failover", onlyFallback, { random: never }), 1, "a lower tier serves only when the tier above is out");
  assert.equal(chooseTarget("failover", [view({ available: false })], { random: never }), -1);
  assert.equal(chooseTarget("weighted", [], { random: never }), -1);
});

test("every strategy stays inside the best priority tier", () => {
  const views = [view({ priority: 1, inFlight: 0, latencyMs: 1 }), view({ priority: 0, inFlight: 50, latencyMs: 900 }), view({ priority: 0, inFlight: 60, latencyMs: 1000 })];
  for (const s of ["failover", "weighted", "least-busy", "least-latency", "prefix-affinity"] as const) {
    for (let i = 0; i < 50; i++) assert.notEqual(chooseTarget(s, views, { random: seeded(i) }), 0, s);
  }
});

test("weighted: picks follow the weights within statistical bounds", () => {
  const weights = [1, 2, 7];
  const views = weights.map((w) => view({ weight: w }));
  const n = 20_000;
  const counts = [0, 0, 0];
  const random = seeded(42);
  for (let i = 0; i < n; i++) counts[chooseTarget("weighted", views, { random })]++;
  for (let i = 0; i < 3; i++) {
    const p = weights[i] / 10;
    const sigma = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(counts[i] - n * p) < 4.5 * sigma, `target ${i}: ${counts[i]} picks, expected ${n * p} ± ${(4.5 * sigma).toFixed(0)}`);
  }
  // an unavailable target gets nothing, and its weight goes to the others
  const skip = [view({ weight: 5, available: false }), view({ weight: 1 }), view({ weight: 1 })];
  for (let i = 0; i < 1000; i++) assert.notEqual(chooseTarget("weighted", skip, { random }), 0);
});

test("least-busy: fewest in-flight per unit of weight; ties spread at random", () => {
  assert.equal(chooseTarget("least-busy", [view({ inFlight: 3 }), view({ inFlight: 1 }), view({ inFlight: 2 })], { random: never }), 1);
  // a replica twice as big (weight 2) carrying 3 is less busy than one carrying 2
  assert.equal(chooseTarget("least-busy", [view({ inFlight: 2 }), view({ inFlight: 3, weight: 2 })], { random: never }), 1);
  const tied = [view(), view(), view(), view({ inFlight: 1 })];
  const counts = [0, 0, 0, 0];
  const random = seeded(3);
  for (let i = 0; i < 3000; i++) counts[chooseTarget("least-busy", tied, { random })]++;
  assert.equal(counts[3], 0);
  for (let i = 0; i < 3; i++) assert.ok(counts[i] > 800 && counts[i] < 1200, `tie spread: ${counts}`);
});

test("least-latency: lowest EWMA × (in-flight + 1); unknown latency counts as the mean", () => {
  const fast = view({ latencyMs: 100 });
  const slow = view({ latencyMs: 300 });
  assert.equal(chooseTarget("least-latency", [slow, fast], { random: never }), 1);
  // the fast one with 3 in flight (100·4 = 400) loses to the idle slow one (300·1)
  assert.equal(chooseTarget("least-latency", [slow, view({ latencyMs: 100, inFlight: 3 })], { random: never }), 0);
  // unknown = mean of the known (300 and 100 → 200): beats 300·1 and 100·(3+1), loses to an idle 100
  assert.equal(chooseTarget("least-latency", [slow, view({ latencyMs: 100, inFlight: 3 }), view()], { random: never }), 2);
  assert.equal(chooseTarget("least-latency", [slow, fast, view()], { random: never }), 1);
});

test("least-latency follows the moving average as a target slows down", () => {
  const a = new Ewma(1000);
  const b = new Ewma(1000);
  let t = 0;
  for (let i = 0; i < 20; i++, t += 100) {
    a.update(50, t);
    b.update(80, t);
  }
  const pick = (): number => chooseTarget("least-latency", [view({ latencyMs: a.read(t) }), view({ latencyMs: b.read(t) })], { random: never });
  assert.equal(pick(), 0);
  for (let i = 0; i < 20; i++, t += 100) a.update(400, t); // a degrades
  assert.ok(a.read(t)! > 300, `EWMA tracks the new level: ${a.read(t)}`);
  assert.equal(pick(), 1);
  assert.equal(a.read(t + 120_000), null, "a stale average reads as unknown");
});

test("EWMA: samples in the same millisecond still move it; the first sample sets it", () => {
  const e = new Ewma(10_000);
  assert.equal(e.read(0), null);
  e.update(100, 0);
  assert.equal(e.read(0), 100);
  for (let i = 0; i < 100; i++) e.update(200, 0);
  assert.ok(e.read(0)! > 190);
});

test("least-busy: a fresh engine queue (running + waiting) replaces Keel's in-flight count; absent or null falls back to it", () => {
  // Keel has sent nothing to 0, but its engine reports 50 queued (other clients): 1 is less busy.
  const views = [view({ inFlight: 0, engineLoad: 50 }), view({ inFlight: 3, engineLoad: 2 })];
  assert.equal(chooseTarget("least-busy", views, { random: never }), 1);
  // Scaled by weight: 50 ÷ 100 = 0.5 beats 2 ÷ 1.
  assert.equal(chooseTarget("least-busy", [view({ engineLoad: 50, weight: 100 }), view({ engineLoad: 2 })], { random: never }), 0);
  // Stale figures arrive as null: Keel's own count decides (0 in flight beats the engine's 2).
  assert.equal(chooseTarget("least-busy", [view({ inFlight: 0, engineLoad: null }), view({ inFlight: 3, engineLoad: 2 })], { random: never }), 0);
  assert.equal(chooseTarget("least-busy", [view({ inFlight: 4 }), view({ inFlight: 1 })], { random: never }), 1);
  // Other strategies ignore the engine's queue.
  assert.equal(chooseTarget("failover", views, { random: never }), 0);
});

test("least-busy and prefix-affinity route away from an engine whose KV cache is full, unless every one is", () => {
  // Target 0 is idle but its engine reports a full KV cache (it is preempting); 1 is busier.
  const views = [view({ inFlight: 0, engineKv: 0.97 }), view({ inFlight: 3, engineKv: 0.5 })];
  for (const s of ["least-busy", "prefix-affinity"] as const) {
    for (let i = 0; i < 20; i++) assert.equal(chooseTarget(s, views, { random: seeded(i), promptBlocks: 4, matchedBlocks: [4, 0] }), 1, s);
  }
  const allFull = [view({ inFlight: 2, engineKv: 0.99 }), view({ inFlight: 0, engineKv: 0.96 })];
  assert.equal(chooseTarget("least-busy", allFull, { random: seeded(1) }), 1, "all full: the least busy still serves");
  const stale = [view({ inFlight: 0, engineKv: null }), view({ inFlight: 3 })];
  assert.equal(chooseTarget("least-busy", stale, { random: seeded(1) }), 0, "no fresh figure: no exclusion");
});

test("prefix-affinity bounds load by the engine's own queue when it is fresh", () => {
  // Keel sends nothing to either, but engine 0 reports 40 queued (other clients): the prefix match
  // there does not outweigh a load far above the bound.
  const views = [view({ inFlight: 0, engineLoad: 40 }), view({ inFlight: 0, engineLoad: 0 })];
  for (let i = 0; i < 20; i++) assert.equal(chooseTarget("prefix-affinity", views, { random: seeded(i), promptBlocks: 4, matchedBlocks: [4, 0] }), 1);
  const keelOnly = [view({ inFlight: 0 }), view({ inFlight: 0 })];
  assert.equal(chooseTarget("prefix-affinity", keelOnly, { random: seeded(1), promptBlocks: 4, matchedBlocks: [4, 0] }), 0, "without engine figures the prefix match wins");
});
