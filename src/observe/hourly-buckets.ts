const HOUR = 3_600_000;

/**
 * Counters per clock hour for the last `keepHours` hours, in process and bounded: what the Cache
 * and Knowledge pages chart since start. `at(now)` is the hour's bucket, made with `fresh(start)`
 * the first time; a clock that steps back counts into an older hour still kept, else the newest.
 */
export class HourlyBuckets<T extends { start: number }> {
  private readonly hours: T[] = [];

  constructor(private readonly keepHours: number, private readonly fresh: (start: number) => T) {}

  at(now: number): T {
    const start = Math.floor(now / HOUR) * HOUR;
    const last = this.hours[this.hours.length - 1];
    if (last && last.start === start) return last;
    const found = this.hours.find((h) => h.start === start);
    if (found) return found;
    if (last && start < last.start) return last;
    const h = this.fresh(start);
    this.hours.push(h);
    while (this.hours.length > 0 && this.hours[0].start <= start - this.keepHours * HOUR) this.hours.shift();
    return h;
  }

  /** Copies of the hours with activity within the last `keepHours` before `now`, oldest first. */
  series(now: number): T[] {
    const from = Math.floor(now / HOUR) * HOUR - (this.keepHours - 1) * HOUR;
    return this.hours.filter((h) => h.start >= from).map((h) => ({ ...h }));
  }
}
