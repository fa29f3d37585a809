/**
 * HTTP-date (RFC 9110 §5.6.7) → ms since the epoch. A recipient must accept all three forms:
 *
 *   IMF-fixdate   Sun, 06 Nov 1994 08:49:37 GMT      (the one senders must use)
 *   rfc850-date   Sunday, 06-Nov-94 08:49:37 GMT     (obsolete; two-digit year)
 *   asctime-date  Sun Nov  6 08:49:37 1994           (obsolete; no zone, read as GMT)
 *
 * Strict on purpose: `Date.parse` also takes "1 2", "2015" or local-time strings, so a garbage
 * `Retry-After` would become a wait. Names are matched case-insensitively; the weekday is not
 * checked against the date (it carries no information a recipient needs).
 */

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
const IMF_FIXDATE = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun), (\\d{2}) ([a-z]{3}) (\\d{4}) ${TIME} GMT$`, "i");
const RFC850_DATE = new RegExp(`^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\\d{2})-([a-z]{3})-(\\d{2}) ${TIME} GMT$`, "i");
const ASCTIME_DATE = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun) ([a-z]{3}) ([ \\d]\\d) ${TIME} (\\d{4})$`, "i");

/** Longer than any HTTP-date: not worth a regex pass. */
const MAX_LENGTH = 40;

/**
 * The instant an HTTP-date names, or undefined when `value` is not one (or names no real time,
 * like 31 Feb). `nowMs` resolves an rfc850 two-digit year: per RFC 9110 §5.6.7, one that would be
 * more than 50 years in the future is the most recent past year with those digits.
 */
export function parseHttpDate(value: string, nowMs: number): number | undefined {
  if (value.length > MAX_LENGTH) return undefined;
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2], m[1], m[4], m[5], m[6]);
  m = RFC850_DATE.exec(value);
  if (m) return utc(fullYear(Number(m[3]), nowMs), m[2], m[1], m[4], m[5], m[6]);
  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[6]), m[1], m[2].trim(), m[3], m[4], m[5]);
  return undefined;
}

function fullYear(yy: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function utc(year: number, monthName: string, day: string, hh: string, mm: string, ss: string): number | undefined {
  const month = MONTHS[monthName.toLowerCase()];
  const d = Number(day);
  const h = Number(hh);
  const min = Number(mm);
  // 60 is a leap second (RFC 9110 allows it); it is read as the last second of that minute
  const s = Math.min(Number(ss), 59);
  if (month === undefined || d < 1 || h > 23 || min > 59 || Number(ss) > 60) return undefined;
  const ms = Date.UTC(year, month, d, h, min, s);
  // Date.UTC rolls 31 Feb over into March: a date that does not exist is not a date
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}
