import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "./kind.js";

export const embeddingSimilarityKind = defineEvaluatorKind({
  kind: "embedding_similarity",
  family: "embedding",
  summary: "max(0, cos(e(output), e(reference))) with the offline embedder; an empty output scores 0",
  schema: z.strictObject({ kind: z.literal("embedding_similarity"), ...commonOptions }),
});
