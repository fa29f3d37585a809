import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_RETRY_AFTER_MS, parseRetryAfter, parseRetryAfterMs, retryAfterFromHeaders } from "./retry-after.js";

const NOW = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");

test("delta-seconds, with optional whitespace and a decimal fraction", () => {
  assert.equal(parseRetryAfter("7", NOW), 7000);
  assert.equal(parseRetryAfter("0", NOW), 0);
  assert.equal(parseRetryAfter(" 120 ", NOW), 120_000);
  assert.equal(parseRetryAfter("1.5", NOW), 1500);
});

test("an HTTP-date is ms from the clock passed in; one in the past is now", () => {
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", NOW), 30_000);
  assert.equal(parseRetryAfter("Wednesday, 21-Oct-15 07:28:02 GMT", NOW), 2000);
  assert.equal(parseRetryAfter("Wed Oct 21 07:29:00 2015", NOW), 60_000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", NOW), 0);
});

test("garbage is ignored: negative, exponent, hex, infinity, words, a bare year, oversized", () => {
  for (const bad of [null, undefined, "", "  ", "-5", "-0.5", "1e3", "0x10", "Infinity", "NaN", "soon", "later, please", "5 s", "1.", ".5", "9".repeat(65)]) {
    assert.equal(parseRetryAfter(bad, NOW), undefined, JSON.stringify(bad));
  }
});

test("huge values are capped at one day, so arithmetic on them stays finite", () => {
  assert.equal(parseRetryAfter("86400", NOW), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter("99999999999999999999999999", NOW), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", NOW), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfterMs("9".repeat(30)), MAX_RETRY_AFTER_MS);
});

test("retry-after-ms: milliseconds, read first; a bad one falls back to retry-after", () => {
  assert.equal(parseRetryAfterMs("1500"), 1500);
  assert.equal(parseRetryAfterMs("2.5"), 2.5);
  assert.equal(parseRetryAfterMs("-1"), undefined);
  assert.equal(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:30 GMT"), undefined, "never a date");
  assert.equal(retryAfterFromHeaders({ "retry-after-ms": "1500", "retry-after": "9" }, NOW), 1500);
  assert.equal(retryAfterFromHeaders({ "retry-after-ms": "soon", "retry-after": "9" }, NOW), 9000);
  assert.equal(retryAfterFromHeaders({ "retry-after": "Wed, 21 Oct 2015 07:28:10 GMT" }, NOW), 10_000);
  assert.equal(retryAfterFromHeaders({ "retry-after": ["3", "4"] }, NOW), 3000, "a repeated header: the first");
  assert.equal(retryAfterFromHeaders({}, NOW), undefined);
});
