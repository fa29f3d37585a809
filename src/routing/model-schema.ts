import { z } from "zod";
import { priceSchema } from "../observe/price-schema.js";

/** `models:` entries: a public name served by one provider (routes, beside it, serve one name by several). */
export const modelSchema = z.strictObject({
  /** Public name clients send. A trailing `/*` (e.g. `openai/*`) forwards the rest of the name upstream. */
  name: z.string().min(1).max(256),
  provider: z.string().min(1),
  /** Upstream model name; defaults to `name` (or the wildcard's tail). */
  model: z.string().min(1).max(256).optional(),
  aliases: z.array(z.string().min(1).max(256)).max(64).default([]),
  /** Overrides the shipped price table. */
  price: priceSchema.optional(),
  /** What the model serves: chat completions or embeddings. */
  type: z.enum(["chat", "embeddings"]).default("chat"),
});

export type ModelConfig = z.output<typeof modelSchema>;
