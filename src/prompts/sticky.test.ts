import { test } from "node:test";
import assert from "node:assert/strict";
import { armFor, bucketOf } from "./sticky.js";

/** Upper 0.999 quantile of χ² with 99 degrees of freedom (tables: 148.23). */
const CHI2_99_DF_P999 = 148.23;

test("buckets spread uniformly: χ² over 100 cells for 100 000 subjects stays within the 0.999 bound", () => {
  const cells = new Array(100).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) cells[Math.floor(bucketOf("ro_test", `user-${i}`))]++;
  const expected = n / 100;
  const chi2 = cells.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < CHI2_99_DF_P999, `χ² = ${chi2.toFixed(1)}`);
  // And not suspiciously perfect either (lower 0.001 quantile: 62.0).
  assert.ok(chi2 > 62.0, `χ² = ${chi2.toFixed(1)} is too uniform to be a hash`);
});

test("the share on B matches the step: 5% and 25% of 20 000 users within 4 standard deviations", () => {
  const n = 20_000;
  for (const pct of [5, 25, 50]) {
    let b = 0;
    for (let i = 0; i < n; i++) if (armFor("ro_x", `u${i}`, pct) === "b") b++;
    const p = pct / 100;
    const sd = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(b - n * p) < 4 * sd, `${pct}%: ${b} of ${n}`);
  }
});

test("sticky: the same subject always gets the same arm, and stays on B as the step grows", () => {
  for (let i = 0; i < 2000; i++) {
    const u = `user-${i}`;
    assert.equal(armFor("ro_a", u, 25), armFor("ro_a", u, 25));
    if (armFor("ro_a", u, 5) === "b") assert.equal(armFor("ro_a", u, 25), "b");
    if (armFor("ro_a", u, 25) === "b") assert.equal(armFor("ro_a", u, 100), "b");
  }
  assert.equal(armFor("ro_a", "u", 0), "a");
  assert.equal(armFor("ro_a", "u", 100), "b");
});

test("different rollouts bucket independently (the same users are not always the canaries)", () => {
  let both = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) if (armFor("ro_1", `u${i}`, 10) === "b" && armFor("ro_2", `u${i}`, 10) === "b") both++;
  // Independent: about 1% in both; identical buckets would give 10%.
  assert.ok(both > n * 0.005 && both < n * 0.015, `${both} in both`);
});
