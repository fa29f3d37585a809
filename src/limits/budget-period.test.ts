import { test } from "node:test";
import assert from "node:assert/strict";
import { PeriodClock, periodWindow } from "./budget-period.js";

test("UTC day and month windows, across month and year ends", () => {
  const t = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
  const d = periodWindow("day", t);
  assert.equal(d.id, "2026-12-31");
  assert.equal(new Date(d.endsAt).toISOString(), "2027-01-01T00:00:00.000Z");
  const m = periodWindow("month", t);
  assert.equal(m.id, "2026-12");
  assert.equal(new Date(m.startsAt).toISOString(), "2026-12-01T00:00:00.000Z");
  assert.equal(new Date(m.endsAt).toISOString(), "2027-01-01T00:00:00.000Z");
  assert.equal(periodWindow("month", Date.UTC(2028, 1, 29, 12)).endsAt, Date.UTC(2028, 2, 1));
});

test("the clock's cached windows roll over at midnight", () => {
  const c = new PeriodClock();
  const before = Date.UTC(2026, 10, 30, 23, 59, 59, 999);
  assert.equal(c.windows(before).day.id, "2026-11-30");
  assert.equal(c.windows(before).month.id, "2026-11");
  assert.equal(c.windows(before + 1).day.id, "2026-12-01");
  assert.equal(c.windows(before + 1).month.id, "2026-12");
});
