import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffMs, retryWaitMs } from "./backoff.js";

const P = { baseMs: 100, maxMs: 1000, maxRetryAfterMs: 5000 };

test("the window doubles per retry up to the cap; the wait is random × window, floored", () => {
  const top = () => 0.999999;
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((k) => backoffMs(k, P, top)), [99, 199, 399, 799, 999, 999]);
  assert.equal(backoffMs(2, P, () => 0.5), 200);
  assert.equal(backoffMs(1000, P, () => 0.5), 500, "no overflow for large k");
  assert.equal(backoffMs(-3, P, () => 0.5), 50, "a negative index is the first retry");
});

test("full jitter: with random over [0, 1) every wait lies in [0, window) and the spread covers it", () => {
  for (let k = 0; k < 8; k++) {
    const window = Math.min(P.maxMs, P.baseMs * 2 ** k);
    const waits = Array.from({ length: 101 }, (_, i) => backoffMs(k, P, () => i / 101));
    assert.ok(waits.every((w) => w >= 0 && w < window && Number.isInteger(w)), `k=${k}`);
    assert.equal(waits[0], 0);
    assert.ok(waits[100] >= window * 0.98, `k=${k}: the top of the window is reached`);
  }
});

test("a Retry-After is a floor on the wait, capped at maxRetryAfterMs; without one, the backoff", () => {
  assert.equal(retryWaitMs(0, undefined, P, () => 0.5), 50);
  assert.equal(retryWaitMs(0, 2000, P, () => 0.5), 2000);
  assert.equal(retryWaitMs(0, 60_000, P, () => 0.5), 5000, "capped");
  assert.equal(retryWaitMs(4, 10, P, () => 0.5), 500, "the backoff, when it is longer");
  assert.equal(retryWaitMs(0, 0, P, () => 0), 0);
});
