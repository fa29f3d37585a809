import { z } from "zod";

export const secretOptions = z.strictObject({
  /** Also report long random-looking tokens that match no known format. */
  entropy: z.boolean().default(true),
  /** Shannon entropy (bits per character) from which a token counts as random. */
  min_entropy: z.number().min(2).max(6).default(4.2),
  min_length: z.int().min(16).max(256).default(32),
});
export type SecretOptions = z.output<typeof secretOptions>;
