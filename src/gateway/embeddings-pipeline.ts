import { EmbeddingsContext, respondEmbeddings, routeAndEmbed, validateEmbeddings } from "./embeddings.js";
import type { Surface } from "./pipeline.js";
import { admitModelStage, attributeCall, authenticate, finalise, limits, normalise, read, recordBody, settle } from "./stages.js";

/** POST /v1/embeddings, in order: chat's path without prompts and guard. */
export const EMBEDDINGS: Surface<EmbeddingsContext> = {
  create: (requestId, headers, trace) => new EmbeddingsContext(requestId, headers, trace),
  stages: [authenticate, read, validateEmbeddings, attributeCall, admitModelStage("embeddings"), limits, normalise, routeAndEmbed, respondEmbeddings],
  deferred: [recordBody, finalise, settle],
};
