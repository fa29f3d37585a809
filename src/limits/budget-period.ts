/** UTC budget periods: a day (`2026-11-29`) and a calendar month (`2026-11`). */
export type BudgetPeriod = "day" | "month";

export interface PeriodWindow {
  readonly period: BudgetPeriod;
  /** `YYYY-MM-DD` or `YYYY-MM`, part of the counter key, so a new period starts a fresh counter. */
  readonly id: string;
  readonly startsAt: number;
  /** When the budget resets: the next UTC midnight or first of the month. */
  readonly endsAt: number;
}

const DAY = 86_400_000;

export function periodWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (period === "day") {
    const startsAt = Date.UTC(y, m, d.getUTCDate());
    return { period, id: dayId(now), startsAt, endsAt: startsAt + DAY };
  }
  return { period, id: `${y}-${pad(m + 1)}`, startsAt: Date.UTC(y, m, 1), endsAt: Date.UTC(y, m + 1, 1) };
}

/** `YYYY-MM-DD` (UTC) of an epoch-ms instant; the spend table's day. */
export function dayId(ms: number): string {
  // Asked once per call with "now": the answer changes once a day, so keep the last one.
  if (ms >= lastDay.start && ms < lastDay.start + DAY) return lastDay.id;
  const id = new Date(ms).toISOString().slice(0, 10);
  lastDay = { start: ms - (((ms % DAY) + DAY) % DAY), id };
  return id;
}

let lastDay = { start: Number.NaN, id: "" };

/**
 * Both windows for `now`, cached per UTC day: admission asks on every call and the answer only
 * changes at midnight.
 */
export class PeriodClock {
  private current: { readonly day: PeriodWindow; readonly month: PeriodWindow } | null = null;

  windows(now: number): { readonly day: PeriodWindow; readonly month: PeriodWindow } {
    const c = this.current;
    if (c !== null && now < c.day.endsAt && now >= c.day.startsAt) return c;
    return (this.current = { day: periodWindow("day", now), month: periodWindow("month", now) });
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
