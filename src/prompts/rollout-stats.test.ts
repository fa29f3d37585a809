import { test } from "node:test";
import assert from "node:assert/strict";
import { fisherGreater, logFactorial, mannWhitneyGreater, normalSf, proportionWorse, quantile } from "./rollout-stats.js";

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("normal tail and log-factorial against tabulated values", () => {
  close(normalSf(0), 0.5, 1e-7, "sf(0)");
  close(normalSf(1.959964), 0.025, 1e-6, "sf(1.96)");
  close(normalSf(2.326348), 0.01, 1e-6, "sf(2.33)");
  close(normalSf(-1.644854), 0.95, 1e-6, "sf(-1.64)");
  close(logFactorial(0), 0, 0, "ln 0!");
  close(logFactorial(10), Math.log(3628800), 1e-12, "ln 10!");
  // Across the table/series seam the two agree.
  let sum = 0;
  for (let i = 1; i <= 300; i++) sum += Math.log(i);
  close(logFactorial(300), sum, 1e-9, "ln 300!");
  close(logFactorial(256), logFactorial(255) + Math.log(256), 1e-10, "seam");
});

test("Fisher's exact test matches known values", () => {
  // Lady tasting tea: 3 of 4 right, one-sided p = 17/70.
  close(fisherGreater(1, 4, 3, 4), 17 / 70, 1e-12, "tea");
  // 0/10 vs 5/10: P = C(10,5)·C(10,0)/C(20,5)… summed: 0.016253869969…
  close(fisherGreater(0, 10, 5, 10), 0.016253869969, 1e-9, "0/10 vs 5/10");
  close(fisherGreater(5, 10, 0, 10), 1, 1e-12, "B better");
});

test("proportions: a handful of samples never reaches significance; a real regression does", () => {
  // 1 error of 3 vs 0 of 3: nothing to see.
  assert.ok(proportionWorse({ n: 3, x: 0 }, { n: 3, x: 1 }, 0.02).p > 0.4);
  // 0/400 vs 40/400 (10 points worse, margin 2): decisive.
  const big = proportionWorse({ n: 400, x: 0 }, { n: 400, x: 40 }, 0.02);
  assert.ok(big.p < 1e-6, String(big.p));
  // Same rates: nowhere near.
  assert.ok(proportionWorse({ n: 1000, x: 50 }, { n: 1000, x: 50 }, 0.02).p > 0.9);
  // Worse, but within the margin: not significant beyond it.
  assert.ok(proportionWorse({ n: 5000, x: 250 }, { n: 5000, x: 300 }, 0.02).p > 0.3);
  // Small counts go to Fisher.
  assert.equal(proportionWorse({ n: 30, x: 0 }, { n: 30, x: 2 }, 0).method, "fisher exact");
});

test("Mann–Whitney: shifted distributions are detected, same ones are not, margins shift the null", () => {
  let s = 1;
  const rnd = (): number => ((s = (s * 16807) % 2147483647), s / 2147483647);
  const a = Array.from({ length: 300 }, () => 100 + rnd() * 20);
  const same = Array.from({ length: 300 }, () => 100 + rnd() * 20);
  const slower = Array.from({ length: 300 }, () => 160 + rnd() * 20);
  assert.ok(mannWhitneyGreater(a, same).p > 0.01);
  assert.ok(mannWhitneyGreater(a, slower).p < 1e-10);
  // 60% slower against a 25% margin: still significant; against a 100% margin: not.
  assert.ok(mannWhitneyGreater(a, slower, (v) => v * 1.25).p < 1e-6);
  assert.ok(mannWhitneyGreater(a, slower, (v) => v * 2).p > 0.5);
  // All ties: no evidence.
  assert.equal(mannWhitneyGreater([1, 1, 1], [1, 1, 1]).p, 1);
  // By hand: A = 1..10, B = 6..15. U_B = 5.5+6.5+7.5+8.5+9.5+5·10 = 87.5, mean 50, five ties of two:
  // var = 100/12 · (21 − 30/380) = 174.342; z = (87.5 − 50 − 0.5)/√174.342 = 2.8022.
  const r = mannWhitneyGreater([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  close(r.statistic, 2.8022, 1e-3, "z");
});

test("quantiles interpolate", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([5], 0.95), 5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});
