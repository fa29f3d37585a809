import { test } from "node:test";
import assert from "node:assert/strict";
import { type CallOutcome, Canary, DEFAULT_METRICS } from "./canary.js";
import type { RolloutSettings } from "./types.js";

const settings = (over: Partial<RolloutSettings> = {}): RolloutSettings => ({
  min_samples: 100, alpha: 0.05, max_looks: 10, auto_advance_ms: 0,
  thresholds: { error_rate: 0.02, latency: 0.25, cost: 0.25, guard_trigger_rate: 0.02, score: 0.05 }, ...over,
});

function prng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647), s / 2147483647);
}

/** A call: fails with probability `err`; latency log-normal-ish around `lat` ms. */
function call(rnd: () => number, err: number, lat: number, signals: CallOutcome["signals"] = {}): CallOutcome {
  return { ok: rnd() >= err, latencyMs: lat * Math.exp((rnd() - 0.5) * 0.6), costUsd: 0.001 * (0.9 + rnd() * 0.2), signals };
}

test("never decides on a handful of samples: 100% errors on B, but below min_samples", () => {
  const rnd = prng(1);
  const c = new Canary(DEFAULT_METRICS, settings());
  for (let i = 0; i < 99; i++) {
    c.observe("a", call(rnd, 0, 100));
    c.observe("b", call(rnd, 1, 100));
  }
  const r = c.report(true);
  assert.equal(r.verdict, "insufficient");
  assert.ok(r.metrics.every((m) => !m.breached && m.test === null));
});

test("a real error regression halts at the first look", () => {
  const rnd = prng(2);
  const c = new Canary(DEFAULT_METRICS, settings());
  for (let i = 0; i < 2000; i++) c.observe("a", call(rnd, 0.02, 100));
  for (let i = 0; i < 100; i++) c.observe("b", call(rnd, 0.3, 100));
  const r = c.report(true);
  assert.equal(r.verdict, "worse");
  const m = r.metrics.find((x) => x.metric === "error_rate")!;
  assert.ok(m.breached && m.test!.p < r.alphaPerTest);
  assert.equal(r.alphaPerTest, 0.05 / (4 * 10), "alpha split over 4 metrics × 10 looks");
});

test("latency and cost regressions beyond their margins halt; within them they do not", () => {
  const slow = new Canary(DEFAULT_METRICS, settings());
  const rnd = prng(3);
  for (let i = 0; i < 400; i++) {
    slow.observe("a", call(rnd, 0, 100));
    slow.observe("b", call(rnd, 0, 180));
  }
  const r = slow.report(true);
  assert.equal(r.verdict, "worse");
  assert.deepEqual(r.metrics.filter((m) => m.breached).map((m) => m.metric), ["latency_ms"]);

  const bitSlower = new Canary(DEFAULT_METRICS, settings());
  for (let i = 0; i < 400; i++) {
    bitSlower.observe("a", call(rnd, 0, 100));
    bitSlower.observe("b", call(rnd, 0, 110)); // 10% slower: inside the 25% margin
  }
  assert.equal(bitSlower.report(true).verdict, "ok");
});

test("scores (higher is better) and the guard metric, once a layer reports it", () => {
  const rnd = prng(4);
  const c = new Canary(DEFAULT_METRICS, settings());
  for (let i = 0; i < 300; i++) {
    c.observe("a", call(rnd, 0, 100, { guard_triggered: rnd() < 0.01 }));
    c.observe("b", call(rnd, 0, 100, { guard_triggered: rnd() < 0.2 }));
    c.score("a", "judge", 0.8 + rnd() * 0.1);
    c.score("b", "judge", 0.5 + rnd() * 0.1);
  }
  const r = c.report(true);
  assert.deepEqual(r.metrics.filter((m) => m.breached).map((m) => m.metric).sort(), ["guard_trigger_rate", "score:judge"]);
  assert.equal(r.alphaPerTest, 0.05 / (5 * 10), "a score metric joins the Bonferroni split");
});

test("without guard signals the guard trigger rate is 0 on both arms and never decides anything", () => {
  const rnd = prng(5);
  const c = new Canary(DEFAULT_METRICS, settings());
  for (let i = 0; i < 200; i++) {
    c.observe("a", call(rnd, 0, 100));
    c.observe("b", call(rnd, 0, 100));
  }
  const g = c.report(true).metrics.find((m) => m.metric === "guard_trigger_rate")!;
  assert.equal(g.a.value, 0);
  assert.equal(g.b.value, 0);
  assert.equal(g.breached, false);
});

test("false halts stay rare: 100 rollouts of B identical to A, looked at up to 6 times each", () => {
  let halted = 0;
  for (let k = 0; k < 100; k++) {
    const rnd = prng(1000 + k);
    const c = new Canary(DEFAULT_METRICS, settings());
    for (let n = 1; n <= 3200; n++) {
      c.observe("a", call(rnd, 0.05, 100));
      c.observe("b", call(rnd, 0.05, 100));
      if ((n & (n - 1)) === 0 && n >= 100 && c.report(true).verdict === "worse") {
        halted++;
        break;
      }
    }
  }
  // alpha = 0.05 bounds the family-wise rate (expected ≤ 5 of 100); Bonferroni makes it conservative.
  assert.ok(halted <= 5, `${halted} of 100 identical rollouts halted`);
});
