import assert from "node:assert/strict";
import { test } from "node:test";
import { parseHttpDate } from "./http-date.js";

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const SUN_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

test("the three forms of RFC 9110 §5.6.7 name the same instant", () => {
  assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", NOW), SUN_1994);
  assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", Date.UTC(2000, 0, 1)), SUN_1994);
  assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994", NOW), SUN_1994);
  assert.equal(parseHttpDate("Sun Nov 16 08:49:37 1994", NOW), Date.UTC(1994, 10, 16, 8, 49, 37), "asctime with a two-digit day");
  assert.equal(parseHttpDate("sun, 06 nov 1994 08:49:37 GMT", NOW), SUN_1994, "names are read case-insensitively");
});

test("an rfc850 two-digit year more than 50 years ahead is the previous century's", () => {
  assert.equal(parseHttpDate("Monday, 07-Dec-26 00:00:00 GMT", NOW), Date.UTC(2026, 11, 7));
  assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", NOW), SUN_1994, "2094 would be 68 years ahead");
  assert.equal(parseHttpDate("Friday, 01-Jan-76 00:00:00 GMT", NOW), Date.UTC(2076, 0, 1), "50 years ahead: still this century");
});

test("a leap second reads as the minute's last second", () => {
  assert.equal(parseHttpDate("Wed, 31 Dec 2008 23:59:60 GMT", NOW), Date.UTC(2008, 11, 31, 23, 59, 59));
});

test("anything else is not a date: Date.parse's lenience, other zones, impossible days, oversized input", () => {
  for (const bad of [
    "", "2015", "1 2", "soon", "2015-10-21T07:28:00Z", "Wed, 21 Oct 2015 07:28:00 PST", "Wed, 21 Oct 2015 07:28:00 +0000",
    "Wed, 21 Oct 15 07:28:00 GMT", "Wed, 31 Feb 2015 07:28:00 GMT", "Wed, 00 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 24:00:00 GMT",
    "Wed, 21 Oct 2015 07:60:00 GMT", "Wed, 21 Oct 2015 07:28:61 GMT", "Wed, 21 Foo 2015 07:28:00 GMT", "Wed 21 Oct 2015 07:28:00 GMT",
    ` Wed, 21 Oct 2015 07:28:00 GMT`, `Wed, 21 Oct 2015 07:28:00 GMT${" ".repeat(40)}`,
  ]) {
    assert.equal(parseHttpDate(bad, NOW), undefined, JSON.stringify(bad));
  }
});
