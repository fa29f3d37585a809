import { z } from "zod";

/**
 * USD per one million tokens, as `prices:`, `models[].price` and route targets' `price` take it.
 * Schema only, beside the price table that owns it (`prices.ts`): config/, routing/, limits/ and
 * evals/ import it without importing config/ or one another.
 */
export const priceSchema = z.strictObject({
  input: z.number().min(0).max(10_000),
  output: z.number().min(0).max(10_000),
  cached_input: z.number().min(0).max(10_000).optional(),
  cache_write: z.number().min(0).max(10_000).optional(),
});

export type PriceConfig = z.output<typeof priceSchema>;
