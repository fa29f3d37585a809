import { z } from "zod";
import type { SliceSummary } from "./summarize.js";

export const SLICES = ["model", "route", "prompt_version", "key", "user", "feature", "provider", "endpoint"] as const;
export type SliceDim = (typeof SLICES)[number];

export interface SummaryQuery {
  since: number;
  until: number;
  by?: SliceDim;
  /** Only calls whose slice value equals this, per dimension. */
  where: Partial<Record<SliceDim, string>>;
  /** Most calls read; a larger range is summarised from its most recent `maxRows` calls. */
  maxRows: number;
  /** Read the rows even when rollups could answer (exact percentiles; benchmarks compare the two). */
  exact?: boolean;
}

export interface SummaryAnswer {
  since: number;
  until: number;
  by: SliceDim | null;
  /** True when the range held more calls than `maxRows`: the oldest were left out. */
  truncated: boolean;
  data: SliceSummary[];
}

export interface TimeseriesQuery extends Omit<SummaryQuery, "by"> {
  /** Equal intervals the range is cut into. */
  buckets: number;
}

/** One interval of a time series: the slice summary of the calls that started in it. */
export type TimeBucket = Omit<SliceSummary, "slice"> & { start: string; start_ms: number };

export interface TimeseriesAnswer {
  since: number;
  until: number;
  step_ms: number;
  truncated: boolean;
  /** Every interval in order, empty ones included (zero requests, null percentiles). */
  data: TimeBucket[];
}

const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/), z.string().regex(/^\d{1,5}[mhdw]$/)]);

/** `?since=…&until=…&by=…&model=…`: ISO times, epoch s/ms, or a duration back from now (`15m`, `24h`, `7d`). */
export const summaryQuerySchema = z.strictObject({
  since: time.default("24h"),
  until: time.optional(),
  by: z.enum(SLICES).optional(),
  max_rows: z.coerce.number().int().min(1).max(1_000_000).default(200_000),
  ...Object.fromEntries(SLICES.map((s) => [s, z.string().max(256).optional()])) as Record<SliceDim, z.ZodOptional<z.ZodString>>,
});

/** `?since=…&until=…&buckets=…&model=…`: the summary's filters, cut into 1–500 equal intervals. */
export const timeseriesQuerySchema = summaryQuerySchema.omit({ by: true }).extend({
  buckets: z.coerce.number().int().min(1).max(500).default(30),
});

/** A time parameter in ms since the epoch. */
export function resolveTime(v: string, now: number): number {
  const d = /^(\d{1,5})([mhdw])$/.exec(v);
  if (d) return now - Number(d[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[d[2] as "m" | "h" | "d" | "w"];
  if (/^\d+$/.test(v)) return v.length === 10 ? Number(v) * 1000 : Number(v);
  return Date.parse(v);
}
