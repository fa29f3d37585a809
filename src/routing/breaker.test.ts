import { test } from "node:test";
import assert from "node:assert/strict";
import { CircuitBreaker } from "./breaker.js";
import { breakerSchema } from "./route-schema.js";

const breaker = (over: Record<string, unknown> = {}): CircuitBreaker =>
  new CircuitBreaker(breakerSchema.parse({ consecutive_failures: 3, error_rate: 0.5, window_ms: 1000, min_samples: 10, cooldown_ms: 500, ...over }));

test("opens after N consecutive failures; a success in between resets the run", () => {
  const b = breaker();
  b.onFailure("normal", 0);
  b.onFailure("normal", 1);
  b.onSuccess("normal", 2);
  b.onFailure("normal", 3);
  b.onFailure("normal", 4);
  assert.equal(b.state(5), "closed");
  b.onFailure("normal", 5);
  assert.equal(b.state(6), "open");
  assert.equal(b.acquire(6), null);
  assert.equal(b.allows(6), false);
  assert.equal(b.snapshot(6).halfOpenAt, 505);
});

test("opens on the error rate over the window, once it holds min_samples calls", () => {
  const b = breaker({ consecutive_failures: 100 });
  // alternate: 50% failures, never 2 in a row
  for (let i = 0; i < 9; i++) i % 2 ? b.onSuccess("normal", i) : b.onFailure("normal", i);
  assert.equal(b.state(9), "closed", "9 calls < min_samples");
  b.onSuccess("normal", 9);
  b.onFailure("normal", 10); // 11 calls, 6 failures
  assert.equal(b.state(11), "open");
});

test("the window rolls: old failures age out and do not count", () => {
  const b = breaker({ consecutive_failures: 100 });
  for (let i = 0; i < 9; i++) b.onFailure("normal", i);
  const later = 2000; // two windows later
  assert.equal(b.snapshot(later).windowCalls, 0);
  for (let i = 0; i < 10; i++) b.onSuccess("normal", later + i);
  b.onFailure("normal", later + 20);
  assert.equal(b.state(later + 21), "closed", "1 failure in 11 is under 50%");
});

test("after the cool-down it is half-open: limited probes; a probe's success closes it", () => {
  const b = breaker();
  for (let i = 0; i < 3; i++) b.onFailure("normal", i);
  assert.equal(b.state(100), "open");
  assert.equal(b.state(502), "half_open");
  assert.equal(b.acquire(502), "probe");
  assert.equal(b.acquire(503), null, "one probe at a time");
  assert.equal(b.allows(503), false);
  b.onSuccess("probe", 510);
  assert.equal(b.state(511), "closed");
  assert.equal(b.acquire(511), "normal");
  b.onFailure("normal", 512);
  assert.equal(b.state(513), "closed", "the failures that opened it were forgotten on closing");
});

test("a failed probe re-opens it for a fresh cool-down; stragglers do not restart it", () => {
  const b = breaker();
  for (let i = 0; i < 3; i++) b.onFailure("normal", i);
  b.onFailure("normal", 300); // a call that started before it opened
  assert.equal(b.snapshot(301).halfOpenAt, 502, "a straggler's failure does not push the cool-down");
  assert.equal(b.acquire(600), "probe");
  b.onFailure("probe", 610);
  assert.equal(b.state(611), "open");
  assert.equal(b.snapshot(611).halfOpenAt, 1110);
  assert.equal(b.snapshot(611).opens, 2);
  b.onSuccess("normal", 700); // a straggler's success does not close it either
  assert.equal(b.state(701), "open");
});

test("a probe abandoned by its client frees its slot without a verdict", () => {
  const b = breaker({ half_open_probes: 2 });
  for (let i = 0; i < 3; i++) b.onFailure("normal", i);
  assert.equal(b.acquire(600), "probe");
  assert.equal(b.acquire(600), "probe");
  assert.equal(b.acquire(600), null);
  b.release("probe");
  assert.equal(b.state(601), "half_open");
  assert.equal(b.acquire(601), "probe");
});
