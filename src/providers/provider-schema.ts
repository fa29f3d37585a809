import { z } from "zod";
import { anthropicOptionsSchema } from "./anthropic/options.js";
import { localEmbeddingsOptionsSchema } from "./embeddings/options.js";
import { openaiOptionsSchema } from "./openai/options.js";
import { simOptionsSchema } from "./sim/options.js";

/**
 * `providers:` entries. Each provider kind owns its options schema; this file only names the
 * union, and imports no adapter code, so config/ can compose it without loading the adapters.
 */
export const providerSchema = z.discriminatedUnion("kind", [
  openaiOptionsSchema,
  anthropicOptionsSchema,
  simOptionsSchema,
  localEmbeddingsOptionsSchema,
]);

export type ProviderConfig = z.output<typeof providerSchema>;
