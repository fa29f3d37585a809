import { z } from "zod";

export const citationsOptions = z.strictObject({
  /** Which failed citations trigger the scanner: pointing at nothing retrieved, and/or not supported by what it points at. */
  on: z.array(z.enum(["fabricated", "unsupported"])).min(1).default(["fabricated", "unsupported"]),
  /** Share of a cited sentence's content words one cited chunk must hold (the faithfulness evaluator's `support_threshold`). */
  support_threshold: z.number().gt(0).max(1).default(0.7),
  threshold: z.number().min(0).max(1).default(0.5),
});
export type CitationsOptions = z.output<typeof citationsOptions>;
