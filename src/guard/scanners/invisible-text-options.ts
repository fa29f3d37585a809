import { z } from "zod";

export const invisibleOptions = z.strictObject({
  /** Zero-width characters alone (common in copy-pasted text) score this; tag characters and bidi overrides score 0.95. */
  zero_width_score: z.number().min(0).max(1).default(0.3),
  threshold: z.number().min(0).max(1).default(0.5),
});
export type InvisibleOptions = z.output<typeof invisibleOptions>;
