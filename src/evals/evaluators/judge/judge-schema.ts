import { z } from "zod";

/** Options every judge kind shares. */
export const judgeOptions = {
  /** The gateway model (or alias, or route) that judges. */
  model: z.string().min(1).max(256),
  temperature: z.number().min(0).max(2).default(0),
  max_tokens: z.int().min(16).max(32_000).optional(),
  /** Calls per verdict, the first included: malformed replies are retried up to this bound. */
  max_attempts: z.int().min(1).max(5).default(3),
  /** Ask for `response_format: json_object` (off by default: not every provider accepts it). */
  json_mode: z.boolean().default(false),
};
