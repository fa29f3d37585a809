import { test } from "node:test";
import assert from "node:assert/strict";
import { averageRanks, kendallTauB, pearson, spearman } from "./correlation.js";

test("average ranks share tied positions", () => {
  assert.deepEqual(averageRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
});

test("Spearman: scipy.stats.spearmanr docs example [1..5] vs [5, 6, 7, 8, 7] = 0.8207826816681233", () => {
  // Source: SciPy reference, scipy.stats.spearmanr, Examples. By hand: ranks of y are
  // [1, 2, 3.5, 5, 3.5]; deviations from 3 are x: [−2, −1, 0, 1, 2], y: [−2, −1, 0.5, 2, 0.5];
  // Σxy = 8, Σx² = 10, Σy² = 9.5, so r = 8 / √95 = 0.82078268166812…
  const r = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).value!;
  assert.ok(Math.abs(r - 0.8207826816681233) < 1e-12, String(r));
  assert.ok(Math.abs(r - 8 / Math.sqrt(95)) < 1e-12);
});

test("Kendall tau-b: scipy.stats.kendalltau docs example [12, 2, 1, 12, 2] vs [1, 4, 7, 1, 0] = -0.47140452079103173", () => {
  // Source: SciPy reference, scipy.stats.kendalltau, Examples. By hand over the 10 pairs:
  // P = 2 concordant (units 1–5, 4–5), Q = 6 discordant, T = 1 tied in x only (units 2–5),
  // U = 0, one pair tied in both (units 1–4); tau-b = (2 − 6) / √((2 + 6 + 1)(2 + 6 + 0)) = −4/√72.
  const t = kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]).value!;
  assert.ok(Math.abs(t - -0.47140452079103173) < 1e-12, String(t));
  assert.ok(Math.abs(t - -4 / Math.sqrt(72)) < 1e-12);
});

test("constant samples are undefined with a reason, not NaN", () => {
  assert.equal(pearson([1, 1, 1], [1, 2, 3]).value, null);
  assert.equal(kendallTauB([1, 1], [2, 3]).value, null);
  assert.equal(spearman([1], [2]).value, null);
  assert.equal(kendallTauB([1, 2, 3], [3, 2, 1]).value, -1);
});
