import { z } from "zod";

export const invisibleOptions = z.strictObject({
  /** Zero-width characters alone (common in copy-pasted text) score this; a run of 8 or more scores at least 0.8; tag characters 0.95, bidi overrides 0.9, runs of 3+ variation selectors 0.8. */
  zero_width_score: z.number().min(0).max(1).default(0.3),
  threshold: z.number().min(0).max(1).default(0.5),
});
export type InvisibleOptions = z.output<typeof invisibleOptions>;
