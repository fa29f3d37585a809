import { z } from "zod";

/**
 * USD per one million tokens. Its own file because both the config root (`schema.ts`) and the
 * routing schema (`routing/route-schema.ts`, which the root imports) need it: defining it in the
 * root would make the two modules import each other.
 */
export const priceSchema = z.strictObject({
  input: z.number().min(0).max(10_000),
  output: z.number().min(0).max(10_000),
  cached_input: z.number().min(0).max(10_000).optional(),
  cache_write: z.number().min(0).max(10_000).optional(),
});

export type PriceConfig = z.output<typeof priceSchema>;
