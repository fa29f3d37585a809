import { z } from "zod";

export const sizeLimitOptions = z.strictObject({
  max_chars: z.int().min(1).max(100_000_000).default(400_000),
  /** o200k tokens; counted only when the text is short enough in characters to be under it at all. */
  max_tokens: z.int().min(1).max(10_000_000).optional(),
});
export type SizeLimitOptions = z.output<typeof sizeLimitOptions>;
