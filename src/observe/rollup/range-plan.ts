import { GRAIN_MS } from "./rollup-groups.js";

/**
 * How a time range [since, until) is read: whole hours from hour rollups, whole minutes around them
 * from minute rollups, and the sub-minute edges from the trace rows themselves — so counts and sums
 * are exact to the millisecond and only percentiles carry the sketch's error.
 */
export interface RangePlan {
  /** [from, to) in ms, read from `traces`. */
  raw: [number, number][];
  /** [from, to) in minute numbers (ms / 60 000). */
  minute: [number, number][];
  /** [from, to) in hour numbers (ms / 3 600 000). */
  hour: [number, number][];
}

const MIN = GRAIN_MS.minute;
const HOUR = GRAIN_MS.hour;

export function planRange(since: number, until: number): RangePlan {
  const plan: RangePlan = { raw: [], minute: [], hour: [] };
  if (!(until > since)) return plan;
  const m0 = Math.ceil(since / MIN) * MIN;
  const m1 = Math.floor(until / MIN) * MIN;
  if (m0 >= m1) {
    plan.raw.push([since, until]);
    return plan;
  }
  if (since < m0) plan.raw.push([since, m0]);
  if (m1 < until) plan.raw.push([m1, until]);
  const h0 = Math.ceil(m0 / HOUR) * HOUR;
  const h1 = Math.floor(m1 / HOUR) * HOUR;
  if (h0 < h1) {
    if (m0 < h0) plan.minute.push([m0 / MIN, h0 / MIN]);
    if (h1 < m1) plan.minute.push([h1 / MIN, m1 / MIN]);
    plan.hour.push([h0 / HOUR, h1 / HOUR]);
  } else {
    plan.minute.push([m0 / MIN, m1 / MIN]);
  }
  return plan;
}

/** True when the plan reads any rollup (otherwise the range is read exactly from the rows). */
export function usesRollups(plan: RangePlan): boolean {
  return plan.minute.length > 0 || plan.hour.length > 0;
}
