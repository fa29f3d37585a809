import { z } from "zod";

export const toxicityOptions = z.strictObject({
  threshold: z.number().min(0).max(1).default(0.6),
  /** Extra terms, reported as "custom" with weight 0.8. */
  extra_terms: z.array(z.string().min(1).max(200)).max(10_000).default([]),
  /** Categories to ignore (e.g. profanity for a casual chat product). */
  ignore: z.array(z.enum(["profanity", "insult", "threat", "self_harm", "sexual", "hate"])).default([]),
});
export type ToxicityOptions = z.output<typeof toxicityOptions>;
