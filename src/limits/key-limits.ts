import { z } from "zod";

/**
 * Limits set on one virtual key (`keel keys create --rpm 60 …`). They replace the values of the
 * configured per-key rules (scope `[key]`, no `match`) for that key; with no such rule they form
 * one, named `key`. Budget fields are USD per UTC day and month.
 */
export const keyLimitsSchema = z.strictObject({
  rpm: z.int().min(1).max(1_000_000_000).optional(),
  tpm: z.int().min(1).max(1_000_000_000_000).optional(),
  max_concurrency: z.int().min(1).max(1_000_000).optional(),
  daily_usd: z.number().positive().max(1_000_000).optional(),
  monthly_usd: z.number().positive().max(1_000_000).optional(),
});

export type KeyLimits = z.output<typeof keyLimitsSchema>;

/** Empty objects are stored as "no limits" so that `limits: {}` and no limits read the same. */
export function normalizeKeyLimits(l: KeyLimits | undefined | null): KeyLimits | null {
  if (!l) return null;
  const out: KeyLimits = {};
  for (const [k, v] of Object.entries(l)) if (v !== undefined) (out as Record<string, number>)[k] = v;
  return Object.keys(out).length === 0 ? null : out;
}
