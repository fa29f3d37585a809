import { z } from "zod";

/** Options of the three prompt-injection scanners: each its own optional threshold. */
export const injectionOptions = z.strictObject({
  /** Trigger at score ≥ threshold; default: the threshold cross-validated for the shipped model. */
  threshold: z.number().min(0).max(1).optional(),
});
export type InjectionOptions = z.output<typeof injectionOptions>;
