import { test } from "node:test";
import assert from "node:assert/strict";
import { calibrate } from "./calibration.js";

test("the chosen threshold is the lowest whose false-hit upper bound meets the target", () => {
  // 400 duplicates spread over 0.80..0.99, 400 non-duplicates over 0.50..0.89: overlap below 0.90.
  const scores = [
    ...Array.from({ length: 400 }, (_, i) => ({ similarity: 0.8 + (i % 20) / 100, duplicate: true })),
    ...Array.from({ length: 400 }, (_, i) => ({ similarity: 0.5 + (i % 40) / 100, duplicate: false })),
  ];
  const c = calibrate(scores, 0.02, [0.7, 0.85, 0.9, 0.95]);
  assert.equal(c.pairs, 800);
  assert.equal(c.duplicates, 400);
  const at = (t: number) => c.curve.find((p) => p.threshold === t)!;
  assert.equal(at(0.9).falseHits, 0);
  assert.equal(at(0.9).hits, 200);
  assert.equal(at(0.9).hitRate, 0.5);
  assert.ok(at(0.85).falseHits > 0 && at(0.85).falseHitUpper95 > 0.02);
  assert.equal(c.chosen?.threshold, 0.9, "0.90 is the first with an upper bound (1.9%) under 2%");
  assert.ok(c.chosen!.falseHitUpper95 < 0.02);
  assert.ok(c.curve.every((p, i) => i === 0 || p.hits <= c.curve[i - 1].hits), "hits never grow with the threshold");
});

test("no threshold qualifies when too few hits could show the target: chosen is null, not a guess", () => {
  const c = calibrate([{ similarity: 0.99, duplicate: true }, { similarity: 0.2, duplicate: false }], 0.005, [0.9]);
  assert.equal(c.chosen, null, "one hit cannot show a false-hit rate under 0.5%");
  assert.throws(() => calibrate([], 1.5), /between 0 and 1/);
});
