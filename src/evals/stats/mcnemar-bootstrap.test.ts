import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapInterval, pairedBootstrap } from "./bootstrap.js";
import { chiSquare1Sf, erfc } from "./distributions.js";
import { mcnemar, mcnemarCounts } from "./mcnemar.js";

test("McNemar: Wikipedia worked example, b = 121, c = 59 → χ² = 21.35", () => {
  // Source: https://en.wikipedia.org/wiki/McNemar%27s_test#Examples — "(121 − 59)² / (121 + 59) = 21.35".
  const r = mcnemarCounts(121, 59);
  assert.ok(Math.abs(r.chi2! - 21.35) < 0.01, String(r.chi2)); // 3844/180 = 21.356, printed truncated
  assert.equal(r.chi2, (62 * 62) / 180);
  assert.ok(r.pExact < 1e-4);
});

test("McNemar exact p by hand: b = 2, c = 8 → 2 · (C(10,0) + C(10,1) + C(10,2)) / 2¹⁰ = 112/1024", () => {
  assert.ok(Math.abs(mcnemarCounts(2, 8).pExact - 112 / 1024) < 1e-12);
  assert.equal(mcnemarCounts(5, 5).pExact, 1, "symmetric: capped at 1");
  assert.equal(mcnemarCounts(0, 0).pExact, 1, "no discordant pairs: no evidence of change");
  const pairs: [boolean, boolean][] = [[true, false], [true, false], [false, true], [true, true], [false, false]];
  assert.deepEqual([mcnemar(pairs).b, mcnemar(pairs).c], [2, 1]);
});

test("erfc and the χ²(1) tail against known values", () => {
  // erfc(1) = 0.157299207050285 (Abramowitz & Stegun, Table 7.1); P(χ²₁ ≥ 3.841459) = 0.05.
  assert.ok(Math.abs(erfc(1) - 0.157299207050285) < 2e-8);
  assert.ok(Math.abs(chiSquare1Sf(3.841459) - 0.05) < 1e-6);
});

test("paired bootstrap: constant differences give a degenerate interval; seeds make it reproducible", () => {
  const a = [0.2, 0.4, 0.6, 0.8];
  const r = pairedBootstrap(a, a.map((x) => x + 0.1));
  assert.ok(Math.abs(r.delta - 0.1) < 1e-12);
  assert.ok(Math.abs(r.ci!.low - 0.1) < 1e-12 && Math.abs(r.ci!.high - 0.1) < 1e-12);
  const x = Array.from({ length: 40 }, (_, i) => (i * 37) % 11 / 10);
  const y = x.map((v, i) => v + ((i * 13) % 7 - 3) / 20);
  assert.deepEqual(pairedBootstrap(x, y, { seed: 7 }), pairedBootstrap(x, y, { seed: 7 }));
  const ci = pairedBootstrap(x, y).ci!;
  assert.ok(ci.low < pairedBootstrap(x, y).delta && pairedBootstrap(x, y).delta < ci.high);
});

test("bootstrap interval of a mean is close to the normal-theory interval for n = 400", () => {
  // Values 0..9 repeated: mean 4.5, sd √(8.25·400/399); normal 95% half-width 1.96·sd/√400 ≈ 0.2817.
  const xs = Array.from({ length: 400 }, (_, i) => i % 10);
  const ci = bootstrapInterval(xs.length, (idx) => {
    let s = 0;
    for (const i of idx) s += xs[i];
    return s / idx.length;
  })!;
  assert.ok(Math.abs((ci.high - ci.low) / 2 - 0.2817) < 0.03, `${ci.low}..${ci.high}`);
  assert.equal(bootstrapInterval(1, () => 1), null, "one unit: no interval");
});
