import { test } from "node:test";
import assert from "node:assert/strict";
import { wilsonInterval } from "./wilson.js";

test("Wilson 95% intervals match published values", () => {
  // Brown, Cai & DasGupta (2001) / Newcombe (1998) example: 81 of 263 → [0.2553, 0.3662].
  const a = wilsonInterval(81, 263);
  assert.ok(Math.abs(a.lower - 0.2553) < 5e-4 && Math.abs(a.upper - 0.3662) < 5e-4, JSON.stringify(a));
  // Zero events: the upper bound is z²/(n+z²) — 3.7% for n = 100, the "rule of three"'s cousin.
  const z = wilsonInterval(0, 100);
  assert.equal(z.lower, 0);
  assert.ok(Math.abs(z.upper - 0.03699) < 1e-4, String(z.upper));
  assert.deepEqual(wilsonInterval(0, 0), { lower: 0, upper: 1 });
  assert.throws(() => wilsonInterval(3, 2), /successes <= n/);
});
